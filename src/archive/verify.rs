//! Checking a whole archive: SQLite's own integrity, every reference, every dictionary row
//! and every frame (decoded, checksum checked where the frame has one, dictionary id matched).

use std::collections::HashMap;

use super::dict_cache::{self, Prepared};
use super::reader::decode;
use super::sql::query_all;
use super::store::Archive;
use crate::error::{Error, ErrorKind};
use crate::libzstd::{HeaderParse, dictionary_id, frame_header};

/// One thing wrong in an archive: where (job and file name, when it is a data row) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The job of the data row concerned, if any.
    pub job: Option<i64>,
    /// The file name of the data row concerned, if any.
    pub name: Option<String>,
    /// What is wrong (kind and message).
    pub error: Error,
}

/// What `verify` found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Data rows checked.
    pub rows: u64,
    /// Bytes they decoded to.
    pub raw_bytes: u64,
    /// Frames without a checksum (decoded, but damage inside them could go unnoticed).
    pub without_checksum: u64,
    /// Frames that do not record their content size.
    pub without_content_size: u64,
    /// Everything wrong, in the order found; empty for a sound archive.
    pub problems: Vec<Problem>,
}

impl Archive {
    /// Checks everything: `PRAGMA integrity_check`, the references (`foreign_key_check`),
    /// each dictionary row (a valid dictionary whose header id is its `zstd_id`, or both
    /// NULL), then every data row, decoded to nowhere. `Err` only when the database cannot
    /// be read at all; what is wrong inside is in the report's problems.
    pub fn verify(&self) -> Result<VerifyReport, Error> {
        let mut report = VerifyReport::default();
        self.check_sqlite(&mut report)?;
        let dicts = self.check_dictionaries(&mut report)?;
        self.check_rows(&dicts, &mut report)?;
        Ok(report)
    }

    fn problem(&self, kind: ErrorKind, message: String) -> Problem {
        Problem {
            job: None,
            name: None,
            error: Error::new(kind, format!("{}: {message}", self.label)),
        }
    }

    /// SQLite's integrity check and the schema's references.
    fn check_sqlite(&self, report: &mut VerifyReport) -> Result<(), Error> {
        let conn = self.conn();
        let doing = "checking integrity";
        let lines: Vec<String> = query_all(&conn, "PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(self.sql(doing))?;
        for line in lines.into_iter().filter(|l| l != "ok") {
            report
                .problems
                .push(self.problem(ErrorKind::Database, format!("integrity check: {line}")));
        }
        let dangling: Vec<(String, Option<i64>, String)> = query_all(
            &conn,
            "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(self.sql(doing))?;
        for (table, rowid, parent) in dangling {
            report.problems.push(self.problem(
                ErrorKind::Database,
                format!(
                    "row {} of table {table} references a missing {parent} row",
                    rowid.unwrap_or(0)
                ),
            ));
        }
        Ok(())
    }

    /// Prepares every dictionary row, reporting those that are not sound.
    fn check_dictionaries(
        &self,
        report: &mut VerifyReport,
    ) -> Result<HashMap<i64, Prepared>, Error> {
        type Row = (i64, String, Option<i64>, Option<Vec<u8>>);
        let rows: Vec<Row> = query_all(
            &self.conn(),
            "SELECT id, name, zstd_id, data FROM dict ORDER BY id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .map_err(self.sql("reading dictionaries"))?;
        let mut prepared = HashMap::new();
        for (id, name, zstd_id, data) in rows {
            match (zstd_id, &data) {
                (None, Some(bytes)) => report.problems.push(self.problem(
                    ErrorKind::DictIdConflict,
                    format!(
                        "dictionary '{name}': the zstd_id column is NULL but the row has a \
                         dictionary (id {} in its header)",
                        dictionary_id(bytes)
                    ),
                )),
                (Some(column), None) => report.problems.push(self.problem(
                    ErrorKind::DictIdConflict,
                    format!("dictionary '{name}': the zstd_id column is {column} but the row has no dictionary"),
                )),
                _ => {}
            }
            match dict_cache::prepare(&self.label, &name, zstd_id, data.as_deref()) {
                Ok(dict) => {
                    prepared.insert(id, dict);
                }
                Err(error) => report.problems.push(Problem {
                    job: None,
                    name: None,
                    error,
                }),
            }
        }
        Ok(prepared)
    }

    /// Decodes every data row.
    fn check_rows(
        &self,
        dicts: &HashMap<i64, Prepared>,
        report: &mut VerifyReport,
    ) -> Result<(), Error> {
        let conn = self.conn();
        let doing = "reading the data rows";
        let mut statement = conn
            .prepare("SELECT job, name, dict, data FROM data ORDER BY job, name")
            .map_err(self.sql(doing))?;
        let mut rows = statement.query([]).map_err(self.sql(doing))?;
        while let Some(row) = rows.next().map_err(self.sql(doing))? {
            let read = (|| -> rusqlite::Result<(i64, String, i64, Vec<u8>)> {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })();
            let (job, name, dict, frame) = match read {
                Ok(values) => values,
                Err(e) => {
                    report.problems.push(self.problem(
                        ErrorKind::Database,
                        format!("a data row has values of the wrong type: {e}"),
                    ));
                    continue;
                }
            };
            report.rows += 1;
            if let Ok(HeaderParse::Done(header)) = frame_header(&frame) {
                report.without_checksum += u64::from(!header.checksum);
                report.without_content_size += u64::from(header.content_size.is_none());
            }
            let problem = |kind, message: String| Problem {
                job: Some(job),
                name: Some(name.clone()),
                error: Error::new(
                    kind,
                    format!("{}: job {job}: {name}: {message}", self.label),
                ),
            };
            let Some(prepared) = dicts.get(&dict) else {
                // A missing row was reported by the reference check; a bad one above.
                report.problems.push(problem(
                    ErrorKind::DictMissing,
                    format!("its dictionary row {dict} is missing or unusable"),
                ));
                continue;
            };
            match decode(prepared, &frame, &mut std::io::sink(), self.max_log_size) {
                Ok(size) => report.raw_bytes += size,
                Err(e) => report.problems.push(problem(e.kind, e.message)),
            }
        }
        Ok(())
    }
}
