//! The database format: the exact schema of the original tool (other tools read it), the
//! connection settings, and the check that refuses a database that is not an archive.

use rusqlite::Connection;

use super::sql::{query_all, sql_error};
use crate::error::{Error, ErrorKind};

/// The schema, exactly as the original tool documents it. Nothing else is created: every
/// query of the archive, and the documented one of other readers
/// (`... WHERE data.name = ? AND data.job = ?`), is served by the primary keys.
pub const SCHEMA: &str = "\
create table dict (id INTEGER not null primary key, name VARCHAR not null unique,
                   zstd_id INTEGER, data BLOB);
create table job  (id INTEGER not null primary key,
                   dirac_id INTEGER, success BOOLEAN);
create table data (name VARCHAR not null,
                   job  INTEGER not null references job on delete restrict,
                   dict INTEGER not null references dict on delete restrict,
                   data BLOB not null,
                   primary key (name, job));
";

/// One expected column: name, declared type, position in the primary key (0: not in it).
type Column = (&'static str, &'static str, i64);

/// The tables of [`SCHEMA`] and their columns, in order.
const TABLES: [(&str, &[Column]); 3] = [
    (
        "dict",
        &[
            ("id", "INTEGER", 1),
            ("name", "VARCHAR", 0),
            ("zstd_id", "INTEGER", 0),
            ("data", "BLOB", 0),
        ],
    ),
    (
        "job",
        &[
            ("id", "INTEGER", 1),
            ("dirac_id", "INTEGER", 0),
            ("success", "BOOLEAN", 0),
        ],
    ),
    (
        "data",
        &[
            ("name", "VARCHAR", 1),
            ("job", "INTEGER", 2),
            ("dict", "INTEGER", 0),
            ("data", "BLOB", 0),
        ],
    ),
];

/// Below this raw volume a conversion writes small pages (see [`page_size_for`]).
const SMALL_ARCHIVE_RAW: u64 = 64 << 20;

/// The page size for an archive of `raw` bytes of logs. Every table and index takes at
/// least one page and its last page is part empty, which weighs in a small archive: 1 KiB
/// pages make a 10-job sub-production's database 8 % smaller than 4 KiB ones (225 against
/// 246 KB). In a large one, 8 KiB pages hold more rows per page and make the index
/// shallower (1,000 jobs: 5.4 % over frames and dictionaries against 5.9 %; 10,000 jobs:
/// 4.8 % against 5.5 %; 16 and 64 KiB give more again). Measured with `archive_bench`.
pub(crate) fn page_size_for(raw: u64) -> u32 {
    if raw < SMALL_ARCHIVE_RAW { 1024 } else { 8192 }
}

/// Settings of every connection the archive opens. `foreign_keys` makes SQLite enforce the
/// schema's references (a data row never points to a missing job or dictionary);
/// `busy_timeout` lets a second process wait for a writer instead of failing at once.
pub(crate) fn configure(conn: &Connection, path: &str) -> Result<(), Error> {
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;")
        .map_err(|e| sql_error(path, "configuring the connection", &e))
}

/// Settings for writing: the write-ahead log (a commit is one append; a process killed at
/// any point leaves the last committed transaction, which the next open recovers) with
/// `synchronous = NORMAL` (safe against a killed process; only a machine crash may lose the
/// last commits, never consistency). [`leave_write_mode`] turns the journal back into the
/// default rollback journal so that the finished archive is one self-contained file.
pub(crate) fn enter_write_mode(conn: &Connection, path: &str) -> Result<(), Error> {
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
        .map_err(|e| sql_error(path, "switching to the write-ahead log", &e))
}

/// Checkpoints the write-ahead log into the database file and removes it (see
/// [`enter_write_mode`]).
pub(crate) fn leave_write_mode(conn: &Connection, path: &str) -> Result<(), Error> {
    conn.execute_batch("PRAGMA journal_mode = DELETE;")
        .map_err(|e| sql_error(path, "checkpointing the write-ahead log", &e))
}

/// What the database holds.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// No table at all: a new database.
    Empty,
    /// The archive's three tables with their columns.
    Archive,
}

/// Checks that the database is empty or an archive; anything else is `NotOurDatabase`,
/// naming the first difference.
pub(crate) fn inspect(conn: &Connection, path: &str) -> Result<Found, Error> {
    let not_ours = |what: String| {
        Error::new(
            ErrorKind::NotOurDatabase,
            format!("{path}: not a zstdpool archive: {what}"),
        )
    };
    let tables = table_names(conn).map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => not_ours("not an SQLite database".into()),
        _ => sql_error(path, "reading the schema", &e),
    })?;
    if tables.is_empty() {
        return Ok(Found::Empty);
    }
    for table in &tables {
        if !TABLES.iter().any(|(name, _)| name == table) {
            return Err(not_ours(format!("it has a table '{table}'")));
        }
    }
    for (table, expected) in TABLES {
        if !tables.iter().any(|t| t == table) {
            return Err(not_ours(format!("it has no table '{table}'")));
        }
        let columns =
            columns_of(conn, table).map_err(|e| sql_error(path, "reading the schema", &e))?;
        let same = columns.len() == expected.len()
            && columns
                .iter()
                .zip(expected)
                .all(|((name, ty, pk), (e_name, e_ty, e_pk))| {
                    name == e_name && ty.eq_ignore_ascii_case(e_ty) && pk == e_pk
                });
        if !same {
            let found: Vec<String> = columns.iter().map(|(n, t, _)| format!("{n} {t}")).collect();
            return Err(not_ours(format!(
                "table '{table}' has the columns ({}), not those of the archive schema",
                found.join(", ")
            )));
        }
    }
    Ok(Found::Archive)
}

/// The names of the database's own tables (SQLite's internal ones left out).
fn table_names(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    query_all(
        conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        [],
        |row| row.get(0),
    )
}

/// (name, declared type, primary-key position) of every column of `table`.
fn columns_of(conn: &Connection, table: &str) -> rusqlite::Result<Vec<(String, String, i64)>> {
    query_all(
        conn,
        "SELECT name, type, pk FROM pragma_table_info(?1)",
        [table],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )
}
