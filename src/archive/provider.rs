//! The archive as a pool's dictionary provider: its `dict` table.

use rusqlite::{OptionalExtension, params};

use super::store::Archive;
use crate::libzstd::dictionary_id;
use crate::provider::{DictProvider, ProviderError};

impl DictProvider for Archive {
    /// The dictionary of category `name`; None when the category has no row, or a row
    /// without a dictionary (`data` NULL).
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, ProviderError> {
        let found: Option<Option<Vec<u8>>> = self
            .conn()
            .prepare_cached("SELECT data FROM dict WHERE name = ?1")
            .and_then(|mut s| s.query_row([name], |row| row.get(0)).optional())
            .map_err(self.sql(&format!("reading dictionary '{name}'")))?;
        Ok(found.flatten())
    }

    /// Stores a dictionary in its own committed transaction, before any frame made with it
    /// is written, with its header's id in `zstd_id`. A dictionary already used by rows is
    /// never replaced (their frames need it): that is an error.
    fn put(&self, name: &str, dict: &[u8]) -> Result<(), ProviderError> {
        let doing = format!("storing dictionary '{name}'");
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(self.sql(&doing))?;
        let used: i64 = tx
            .query_row(
                "SELECT count(*) FROM data JOIN dict ON data.dict = dict.id WHERE dict.name = ?1",
                [name],
                |row| row.get(0),
            )
            .map_err(self.sql(&doing))?;
        if used > 0 {
            return Err(format!(
                "{}: {doing}: the archive's dictionary '{name}' is used by {used} rows and is \
                 never replaced",
                self.label
            )
            .into());
        }
        let id = match dictionary_id(dict) {
            0 => None,
            id => Some(i64::from(id)),
        };
        tx.execute(
            "INSERT INTO dict (name, zstd_id, data) VALUES (?1, ?2, ?3) \
             ON CONFLICT (name) DO UPDATE SET zstd_id = excluded.zstd_id, data = excluded.data",
            params![name, id, dict],
        )
        .and_then(|_| tx.commit())
        .map_err(self.sql(&doing))?;
        Ok(())
    }
}
