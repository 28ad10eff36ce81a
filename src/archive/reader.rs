//! Reading the archive: jobs, the names of a job, and one log by (job, name), decompressed
//! with its row's dictionary (prepared once, then cached).

use std::io::Write;
use std::sync::Mutex;

use rusqlite::OptionalExtension;

use super::dict_cache::{self, Prepared};
use super::sql::query_all;
use super::store::{Archive, JobRow};
use crate::error::{Error, ErrorKind};
use crate::libzstd::DCtx;

/// Decompression contexts kept between reads (one per concurrent reader at most).
static CONTEXTS: Mutex<Vec<DCtx>> = Mutex::new(Vec::new());

impl Archive {
    /// Every job, by job number.
    pub fn jobs(&self) -> Result<Vec<JobRow>, Error> {
        query_all(
            &self.conn(),
            "SELECT id, dirac_id, success FROM job ORDER BY id",
            [],
            |row| {
                Ok(JobRow {
                    id: row.get(0)?,
                    dirac_id: row.get(1)?,
                    success: row.get(2)?,
                })
            },
        )
        .map_err(self.sql("listing jobs"))
    }

    /// The names of the files of job `job`, sorted; `NotFound` when there is no such job.
    pub fn names(&self, job: i64) -> Result<Vec<String>, Error> {
        let doing = format!("listing the files of job {job}");
        let conn = self.conn();
        let known: Option<i64> = conn
            .query_row("SELECT id FROM job WHERE id = ?1", [job], |row| row.get(0))
            .optional()
            .map_err(self.sql(&doing))?;
        if known.is_none() {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!("{}: no job {job}", self.label),
            ));
        }
        query_all(
            &conn,
            "SELECT name FROM data WHERE job = ?1 ORDER BY name",
            [job],
            |row| row.get(0),
        )
        .map_err(self.sql(&doing))
    }

    /// The content of file `name` of job `job`.
    pub fn read(&self, job: i64, name: &str) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        self.read_to(job, name, &mut out)?;
        Ok(out)
    }

    /// Writes the content of file `name` of job `job` to `out`; returns its size.
    pub fn read_to(&self, job: i64, name: &str, out: &mut dyn Write) -> Result<u64, Error> {
        let what = format!("job {job}: {name}");
        let row: Option<(Vec<u8>, i64)> = self
            .conn()
            .prepare_cached("SELECT data, dict FROM data WHERE job = ?1 AND name = ?2")
            .and_then(|mut s| {
                s.query_row(rusqlite::params![job, name], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .map_err(self.sql(&format!("reading {what}")))?;
        let Some((frame, dict)) = row else {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!("{}: no file {what}", self.label),
            ));
        };
        let prepared = self.prepared_dict(dict, &what)?;
        decode(&prepared, &frame, out, self.max_log_size)
            .map_err(|e| Error::new(e.kind, format!("{}: {what}: {}", self.label, e.message)))
    }

    /// The prepared dictionary of `dict` row `id`, from the cache or the database.
    fn prepared_dict(&self, id: i64, what: &str) -> Result<Prepared, Error> {
        if let Some(prepared) = self.dicts.cached(id) {
            return Ok(prepared);
        }
        type Row = (String, Option<i64>, Option<Vec<u8>>);
        let row: Option<Row> = self
            .conn()
            .prepare_cached("SELECT name, zstd_id, data FROM dict WHERE id = ?1")
            .and_then(|mut s| {
                s.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()
            })
            .map_err(self.sql(&format!("reading dictionary row {id}")))?;
        let Some((name, zstd_id, data)) = row else {
            return Err(Error::new(
                ErrorKind::DictMissing,
                format!(
                    "{}: {what}: its dict column is {id} and there is no such dict row",
                    self.label
                ),
            ));
        };
        let prepared = dict_cache::prepare(&self.label, &name, zstd_id, data.as_deref())?;
        self.dicts.insert(id, prepared.clone());
        Ok(prepared)
    }
}

/// Decompresses one stored frame (or several concatenated) with its row's dictionary into
/// `out`, at most `limit` bytes. Frames without a dictionary id, checksum or content size
/// decode too; a checksum, when present, is checked.
pub(crate) fn decode(
    dict: &Prepared,
    frame: &[u8],
    out: &mut dyn Write,
    limit: u64,
) -> Result<u64, Error> {
    let taken = CONTEXTS.lock().unwrap_or_else(|e| e.into_inner()).pop();
    let mut dctx = match taken {
        Some(dctx) => dctx,
        None => DCtx::new().map_err(|e| {
            Error::new(
                ErrorKind::Zstd,
                format!("cannot create a zstd context: {e}"),
            )
        })?,
    };
    let mut input = frame;
    let result = dctx.decompress_stream(dict.as_deref(), &mut input, out, limit);
    CONTEXTS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(dctx);
    result
        .map(|(_, written)| written)
        .map_err(|e| crate::pool::decode_error(e, None))
}
