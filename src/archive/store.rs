//! The archive handle: one SQLite database file in the archive schema, opened for writing
//! (created when missing) or read-only, refusing databases that are not archives.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OpenFlags};

use super::dict_cache::DictCache;
use super::schema::{self, Found};
use super::sql::{query_all, sql_error};
use crate::error::{Error, ErrorKind};

/// The largest log the reader decompresses by default (4 GiB, as the pool's default).
const DEFAULT_MAX_LOG_SIZE: u64 = 4 << 30;
/// SQLite's `max_page_count` when nobody limited it.
const SQLITE_DEFAULT_MAX_PAGES: u32 = 0xffff_fffe;

/// One row of the `job` table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobRow {
    /// The job number (e.g. 88 for `00000088.zip`).
    pub id: i64,
    /// The DIRAC job id from `job.info` (`/JobID = N`), when the job says it.
    pub dirac_id: Option<i64>,
    /// Whether every step succeeded, from the summary XMLs; None when they say nothing.
    pub success: Option<bool>,
}

/// One row of the `dict` table, without the dictionary bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DictRow {
    /// The row id, which `data.dict` references.
    pub id: i64,
    /// The category name, e.g. `DaVinci_#_#_#.log`.
    pub name: String,
    /// The `zstd_id` column (None: NULL).
    pub zstd_id: Option<i64>,
    /// Size of the `data` column in bytes (None: NULL, the category has no dictionary).
    pub size: Option<u64>,
}

/// An archive: one database file in the archive schema (see the module documentation).
///
/// All methods take `&self`; one connection serves them in turn (SQLite connections are not
/// shared between threads), so the handle can be shared (e.g. as a pool's provider).
pub struct Archive {
    pub(crate) label: String,
    path: PathBuf,
    conn: Mutex<Connection>,
    writable: bool,
    pub(crate) dicts: DictCache,
    pub(crate) max_log_size: u64,
}

impl Archive {
    /// Opens the archive at `path` for writing, creating the file and the schema when the
    /// file is missing or empty. A database with other tables or columns is refused
    /// (`NotOurDatabase`), as is a file that cannot be written (`Database`).
    pub fn open(path: impl AsRef<Path>) -> Result<Archive, Error> {
        let path = path.as_ref();
        let label = path.display().to_string();
        let conn = Connection::open(path).map_err(|e| sql_error(&label, "opening", &e))?;
        schema::configure(&conn, &label)?;
        let found = schema::inspect(&conn, &label)?;
        let read_only = conn
            .is_readonly(rusqlite::MAIN_DB)
            .map_err(|e| sql_error(&label, "opening", &e))?;
        if read_only {
            return Err(Error::new(
                ErrorKind::Database,
                format!("{label}: the database is read-only: cannot write to it"),
            ));
        }
        if found == Found::Empty {
            conn.execute_batch(&format!("BEGIN; {} COMMIT;", schema::SCHEMA))
                .map_err(|e| sql_error(&label, "creating the schema", &e))?;
        }
        schema::enter_write_mode(&conn, &label)?;
        Ok(Archive::with(label, path, conn, true))
    }

    /// Opens an existing archive for reading only; it is never modified (a file without
    /// the archive's tables is `NotOurDatabase`).
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Archive, Error> {
        let path = path.as_ref();
        let label = path.display().to_string();
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| sql_error(&label, "opening", &e))?;
        schema::configure(&conn, &label)?;
        if schema::inspect(&conn, &label)? == Found::Empty {
            return Err(Error::new(
                ErrorKind::NotOurDatabase,
                format!("{label}: not a zstdpool archive: it has no tables"),
            ));
        }
        Ok(Archive::with(label, path, conn, false))
    }

    fn with(label: String, path: &Path, conn: Connection, writable: bool) -> Archive {
        Archive {
            label,
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
            writable,
            dicts: DictCache::default(),
            max_log_size: DEFAULT_MAX_LOG_SIZE,
        }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True when opened with [`Archive::open_read_only`]: nothing can be written.
    pub fn is_read_only(&self) -> bool {
        !self.writable
    }

    /// Sets the largest log size `read` and `verify` decompress (more is `TooLarge`).
    pub fn set_max_log_size(&mut self, limit: u64) {
        self.max_log_size = limit;
    }

    /// Caps the database at about `bytes` (SQLite's `max_page_count`): a commit that would
    /// pass it fails exactly as on a full disk ("database or disk is full"), and is rolled
    /// back. A quota for the archive, and how the tests fill the disk.
    pub fn limit_size(&self, bytes: u64) -> Result<(), Error> {
        let conn = self.conn();
        let doing = "limiting the database size";
        let page_size: i64 = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .map_err(self.sql(doing))?;
        let pages = (bytes / page_size.unsigned_abs().max(1)).max(1);
        conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))
            .map_err(self.sql(doing))
    }

    /// Gives an archive that holds no row yet (no dictionary, job or log) pages of
    /// `page_size` bytes; an archive with rows keeps its own (SQLite fixes the page size
    /// when the first table is written, so the empty schema is rewritten). A size limit set
    /// by [`Archive::limit_size`] keeps its bytes.
    pub(crate) fn set_page_size_if_empty(&self, page_size: u32) -> Result<(), Error> {
        let conn = self.conn();
        let doing = "choosing the page size";
        let (rows, current, max_pages): (i64, i64, i64) = conn
            .query_row(
                "SELECT (SELECT count(*) FROM dict) + (SELECT count(*) FROM job) \
                 + (SELECT count(*) FROM data), \
                 (SELECT page_size FROM pragma_page_size), \
                 (SELECT max_page_count FROM pragma_max_page_count)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(self.sql(doing))?;
        if rows > 0 || current == i64::from(page_size) {
            return Ok(());
        }
        // WAL fixes the page size: leave it, rewrite the empty file, come back.
        schema::leave_write_mode(&conn, &self.label)?;
        conn.execute_batch(&format!("PRAGMA page_size = {page_size}; VACUUM;"))
            .map_err(self.sql(doing))?;
        schema::enter_write_mode(&conn, &self.label)?;
        if max_pages < i64::from(SQLITE_DEFAULT_MAX_PAGES) {
            let pages = max_pages.saturating_mul(current) / i64::from(page_size);
            conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))
                .map_err(self.sql(doing))?;
        }
        Ok(())
    }

    /// Finishes writing: moves the write-ahead log into the database file, which is then
    /// complete on its own (one file to copy or upload). Dropping the handle does the same
    /// but cannot report a failure.
    pub fn close(mut self) -> Result<(), Error> {
        let finished = self.finish_writing();
        self.writable = false;
        finished
    }

    fn finish_writing(&self) -> Result<(), Error> {
        if !self.writable {
            return Ok(());
        }
        schema::leave_write_mode(&self.conn(), &self.label)
    }

    /// The connection, for one operation at a time.
    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The error of a failed SQLite call while `doing` something.
    pub(crate) fn sql(&self, doing: &str) -> impl Fn(rusqlite::Error) -> Error + '_ {
        let doing = doing.to_owned();
        move |e| sql_error(&self.label, &doing, &e)
    }

    /// Every row of the `dict` table, by id.
    pub fn dictionaries(&self) -> Result<Vec<DictRow>, Error> {
        query_all(
            &self.conn(),
            "SELECT id, name, zstd_id, length(data) FROM dict ORDER BY id",
            [],
            |row| {
                Ok(DictRow {
                    id: row.get(0)?,
                    name: row.get(1)?,
                    zstd_id: row.get(2)?,
                    size: row.get::<_, Option<i64>>(3)?.map(i64::unsigned_abs),
                })
            },
        )
        .map_err(self.sql("listing dictionaries"))
    }
}

impl Drop for Archive {
    /// Finishes writing (see [`Archive::close`]); a failure leaves the write-ahead log,
    /// which the next open reads: nothing is lost.
    fn drop(&mut self) {
        let _ = self.finish_writing();
    }
}
