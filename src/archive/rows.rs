//! Writing whole jobs: a job row and all its data rows in one transaction, with the `dict`
//! rows their frames need.

use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, params};

use super::packing::{leaf_room, pack_order, record_len};
use super::sql::{query_all, sql_error};
use super::store::{Archive, JobRow};
use crate::error::{Error, ErrorKind};

impl Archive {
    /// Inserts whole jobs, each with all its rows, in one transaction. A job whose rows do
    /// not agree with the `dict` table (see [`DictRows::row_for`]) is left out and its error
    /// returned in its place; the others are committed together.
    pub(crate) fn insert_jobs(
        &self,
        jobs: &[&NewJob],
        dict_rows: &mut DictRows,
    ) -> Result<Vec<Result<(), Error>>, Error> {
        let files: usize = jobs.iter().map(|j| j.files.len()).sum();
        let doing = format!("committing {} jobs ({files} files)", jobs.len());
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(self.sql(&doing))?;
        let mut outcomes = Vec::with_capacity(jobs.len());
        let inserted = (|| {
            let mut insert_job =
                tx.prepare_cached("INSERT INTO job (id, dirac_id, success) VALUES (?1, ?2, ?3)")?;
            // (job, file, dict row) of every row to insert, jobs whose rows all agree with
            // the dict table only; their job rows first (the data rows reference them).
            let mut rows = Vec::with_capacity(files);
            for job in jobs {
                let mut dicts = Vec::with_capacity(job.files.len());
                let mut refused = None;
                for file in &job.files {
                    match dict_rows.row_for(&tx, &file.category, file.dict_id)? {
                        Ok(id) => dicts.push(id),
                        Err(message) => {
                            refused = Some(Error::new(
                                ErrorKind::DictMismatch,
                                format!("job {}: {}: {message}", job.row.id, file.name),
                            ));
                            break;
                        }
                    }
                }
                if let Some(error) = refused {
                    outcomes.push(Err(error));
                    continue;
                }
                let row = &job.row;
                insert_job.execute(params![row.id, row.dirac_id, row.success])?;
                rows.extend(
                    job.files
                        .iter()
                        .zip(dicts)
                        .map(|(file, dict)| (row.id, file, dict)),
                );
                outcomes.push(Ok(()));
            }
            self.insert_data_rows(&tx, &rows)
        })();
        let committed = inserted.and_then(|()| tx.commit());
        if let Err(e) = committed {
            // Row ids cached during a rolled-back transaction may not exist.
            dict_rows.clear();
            return Err(sql_error(&self.label, &doing, &e));
        }
        Ok(outcomes)
    }

    /// Inserts data rows in the order that fills SQLite's pages (see `packing`).
    fn insert_data_rows(
        &self,
        tx: &rusqlite::Transaction<'_>,
        rows: &[(i64, &NewFile, i64)],
    ) -> rusqlite::Result<()> {
        let page_size: i64 = tx.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let page_size = usize::try_from(page_size).unwrap_or(4096);
        let last_rowid: i64 =
            tx.query_row("SELECT coalesce(max(rowid), 0) FROM data", [], |r| r.get(0))?;
        let rowid_bound = last_rowid.unsigned_abs() + rows.len() as u64;
        let rooms: Vec<usize> = rows
            .iter()
            .map(|(job, file, dict)| {
                let payload = record_len(&file.name, *job, *dict, file.frame.len());
                leaf_room(payload, rowid_bound, page_size)
            })
            .collect();
        // A leaf page holds its 8-byte header and the cells; a little slack absorbs any
        // byte the estimate misses.
        let capacity = page_size - 8 - 16;
        let mut insert =
            tx.prepare_cached("INSERT INTO data (name, job, dict, data) VALUES (?1, ?2, ?3, ?4)")?;
        for index in pack_order(&rooms, capacity) {
            let (job, file, dict) = rows[index];
            insert.execute(params![file.name, job, dict, file.frame])?;
        }
        Ok(())
    }

    /// The job numbers already in the `job` table.
    pub(crate) fn job_ids(&self) -> Result<HashSet<i64>, Error> {
        let ids = query_all(&self.conn(), "SELECT id FROM job", [], |row| row.get(0));
        Ok(ids.map_err(self.sql("listing jobs"))?.into_iter().collect())
    }

    /// Categories whose `dict` row says they have no dictionary (`data` NULL).
    pub(crate) fn categories_without_dictionary(&self) -> Result<HashSet<String>, Error> {
        Ok(self
            .dictionaries()?
            .into_iter()
            .filter(|d| d.size.is_none())
            .map(|d| d.name)
            .collect())
    }
}

/// One file of a job, compressed, ready for its `data` row.
#[derive(Debug)]
pub(crate) struct NewFile {
    /// The file's name in its job.
    pub(crate) name: String,
    /// Its category (the `dict` row's name).
    pub(crate) category: String,
    /// The dictionary id the frame was made with (0: none).
    pub(crate) dict_id: u32,
    /// The zstd frame.
    pub(crate) frame: Vec<u8>,
}

/// A finished job: its `job` row and every one of its files.
#[derive(Debug)]
pub(crate) struct NewJob {
    pub(crate) row: JobRow,
    pub(crate) files: Vec<NewFile>,
}

/// The writer's map from category to `dict` row id, creating rows for categories that have
/// no dictionary (`data` and `zstd_id` NULL) so that `data.dict` is never dangling.
#[derive(Debug, Default)]
pub(crate) struct DictRows {
    known: HashMap<String, (i64, Option<i64>)>,
}

impl DictRows {
    /// The `dict` row for a frame of `category` made with dictionary `dict_id` (0: none).
    /// The inner `Err` says why the frame cannot be stored under that row: a frame made
    /// with a dictionary needs the row holding that very dictionary (stored by the
    /// provider before any frame used it), a frame made without one needs a row without
    /// one (decoding it with a dictionary could give other bytes).
    fn row_for(
        &mut self,
        tx: &rusqlite::Transaction<'_>,
        category: &str,
        dict_id: u32,
    ) -> rusqlite::Result<Result<i64, String>> {
        let (row, zstd_id) = match self.known.get(category) {
            Some(&known) => known,
            None => {
                let found: Option<(i64, Option<i64>)> = tx
                    .prepare_cached("SELECT id, zstd_id FROM dict WHERE name = ?1")?
                    .query_row([category], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                let known = match found {
                    Some(found) => found,
                    None if dict_id == 0 => {
                        tx.prepare_cached("INSERT INTO dict (name) VALUES (?1)")?
                            .execute([category])?;
                        (tx.last_insert_rowid(), None)
                    }
                    None => {
                        return Ok(Err(format!(
                            "the frame uses dictionary id {dict_id} but the archive has no \
                             dictionary '{category}'"
                        )));
                    }
                };
                self.known.insert(category.to_owned(), known);
                known
            }
        };
        let wanted = (dict_id != 0).then_some(i64::from(dict_id));
        if zstd_id != wanted {
            let has = zstd_id.map_or("none".to_owned(), |id| format!("id {id}"));
            return Ok(Err(format!(
                "the frame uses dictionary id {dict_id} but the archive's dictionary \
                 '{category}' has {has}"
            )));
        }
        Ok(Ok(row))
    }

    /// Forgets every cached row id.
    fn clear(&mut self) {
        self.known.clear();
    }
}
