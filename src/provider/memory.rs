//! A dictionary store in memory, for tests and for callers that persist dictionaries
//! themselves.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::{DictProvider, ProviderError};
use crate::libzstd::dictionary_id;

/// Dictionaries kept in a map in memory.
#[derive(Debug, Default)]
pub struct MemoryProvider {
    dicts: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemoryProvider {
    /// An empty store.
    pub fn new() -> MemoryProvider {
        MemoryProvider::default()
    }

    /// A copy of every dictionary stored, by name.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        self.dicts.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl DictProvider for MemoryProvider {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, ProviderError> {
        Ok(self
            .dicts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .cloned())
    }

    fn put(&self, name: &str, dict: &[u8]) -> Result<(), ProviderError> {
        self.dicts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_owned(), dict.to_vec());
        Ok(())
    }

    fn names(&self) -> Result<Vec<String>, ProviderError> {
        let dicts = self.dicts.lock().unwrap_or_else(|e| e.into_inner());
        Ok(dicts.keys().cloned().collect())
    }

    fn get_by_id(&self, id: u32) -> Result<Option<(String, Vec<u8>)>, ProviderError> {
        let dicts = self.dicts.lock().unwrap_or_else(|e| e.into_inner());
        let mut found = dicts.iter().filter(|(_, dict)| dictionary_id(dict) == id);
        let Some((name, dict)) = found.next() else {
            return Ok(None);
        };
        if let Some((other, _)) = found.find(|(_, d)| *d != dict) {
            return Err(format!(
                "dictionary id {id} is ambiguous: '{name}' and '{other}' both claim it"
            )
            .into());
        }
        Ok(Some((name.clone(), dict.clone())))
    }
}
