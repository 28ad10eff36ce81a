//! The reader's dictionaries: each `dict` row prepared for decompression once, on first
//! use, then shared by every read.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::error::{Error, ErrorKind};
use crate::libzstd::{DDict, dictionary_id};

/// A prepared dictionary row: None when the row has no dictionary (`data` NULL).
pub(crate) type Prepared = Option<Arc<DDict>>;

/// Prepared dictionaries by `dict` row id.
#[derive(Default)]
pub(crate) struct DictCache {
    prepared: Mutex<HashMap<i64, Prepared>>,
}

impl DictCache {
    /// The cached dictionary of row `id`, if it was prepared before.
    pub(crate) fn cached(&self, id: i64) -> Option<Prepared> {
        self.lock().get(&id).cloned()
    }

    /// Prepares and caches row `id`.
    pub(crate) fn insert(&self, id: i64, prepared: Prepared) {
        self.lock().insert(id, prepared);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Prepared>> {
        self.prepared.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Prepares the dictionary of a `dict` row (`name`, `zstd_id`, `data`) for decompression.
/// Nothing is guessed: bytes that are no dictionary are `BadDictionary`, a `zstd_id` that
/// disagrees with the dictionary's own header is `DictIdConflict` (a `zstd_id` NULL beside
/// a dictionary is accepted here, the header saying the id, and reported by `verify`).
pub(crate) fn prepare(
    archive: &str,
    name: &str,
    zstd_id: Option<i64>,
    data: Option<&[u8]>,
) -> Result<Prepared, Error> {
    let Some(bytes) = data else {
        return Ok(None);
    };
    let header_id = dictionary_id(bytes);
    if let Some(column) = zstd_id.filter(|&id| id != i64::from(header_id)) {
        return Err(Error::new(
            ErrorKind::DictIdConflict,
            format!(
                "{archive}: dictionary '{name}': the zstd_id column says {column} but the \
                 dictionary's header says {header_id}"
            ),
        ));
    }
    let prepared = DDict::new(bytes).map_err(|e| {
        Error::new(
            ErrorKind::BadDictionary,
            format!("{archive}: dictionary '{name}': {e}"),
        )
    })?;
    Ok(Some(Arc::new(prepared)))
}
