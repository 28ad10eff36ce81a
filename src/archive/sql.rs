//! Small SQLite helpers: errors that name the database and the operation, and collecting
//! every row of a query.

use rusqlite::{Connection, Params, Row};

use crate::error::{Error, ErrorKind};

/// A `Database` error (`NotOurDatabase` when SQLite says the file is no database at all)
/// whose message names the database file and the operation, e.g.
/// "archive.db: committing 12 jobs (100 files): database or disk is full".
pub(crate) fn sql_error(path: &str, doing: &str, error: &rusqlite::Error) -> Error {
    let kind = match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => ErrorKind::NotOurDatabase,
        _ => ErrorKind::Database,
    };
    Error::new(kind, format!("{path}: {doing}: {error}"))
}

/// Every row of `sql` with `params`, each turned into a value by `map`.
pub(crate) fn query_all<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    conn.prepare_cached(sql)?.query_map(params, map)?.collect()
}
