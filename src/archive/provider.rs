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

    /// The dictionary whose header has id `id`, by the `zstd_id` column (NULL ones read by
    /// their header): a frame found without its row's `dict` still finds its dictionary.
    /// Two different dictionaries with that id are an error, not a guess.
    fn get_by_id(&self, id: u32) -> Result<Option<(String, Vec<u8>)>, ProviderError> {
        let rows: Vec<(String, Vec<u8>)> = self
            .conn()
            .prepare_cached(
                "SELECT name, data FROM dict WHERE data IS NOT NULL AND (zstd_id = ?1 OR zstd_id IS NULL)",
            )
            .and_then(|mut s| {
                s.query_map([i64::from(id)], |row| Ok((row.get(0)?, row.get(1)?)))?
                    .collect()
            })
            .map_err(self.sql(&format!("looking up dictionary id {id}")))?;
        let mut found = rows.into_iter().filter(|(_, d)| dictionary_id(d) == id);
        let Some(first) = found.next() else {
            return Ok(None);
        };
        if let Some((other, _)) = found.find(|(_, d)| *d != first.1) {
            return Err(format!(
                "{}: dictionary id {id} is ambiguous: '{}' and '{other}' both claim it",
                self.label, first.0
            )
            .into());
        }
        Ok(Some(first))
    }

    /// The categories that have a dictionary, sorted.
    fn names(&self) -> Result<Vec<String>, ProviderError> {
        self.conn()
            .prepare_cached("SELECT name FROM dict WHERE data IS NOT NULL ORDER BY name")
            .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
            .map_err(|e| self.sql("listing dictionaries")(e).into())
    }
}
