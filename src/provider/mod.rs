//! Where dictionaries live: the caller's store, behind a two-method trait (the original
//! tool's `DictProvider`), and two built-in stores.

mod directory;
mod memory;

pub use directory::DirectoryProvider;
pub use memory::MemoryProvider;

/// The error a provider reports; its message ends up in the affected entries' rejections.
pub type ProviderError = Box<dyn std::error::Error + Send + Sync>;

/// A store of zstd dictionaries by name. Called from the pool's threads (so `Send + Sync`):
/// `get` once per dictionary name per pool, `put` once per trained dictionary.
pub trait DictProvider: Send + Sync {
    /// The dictionary stored under `name`, or `None` when there is none yet.
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, ProviderError>;
    /// Stores `dict` under `name`, replacing any previous one.
    fn put(&self, name: &str, dict: &[u8]) -> Result<(), ProviderError>;
    /// The dictionary whose header carries id `id`, with its name, or `None` when the store
    /// has none. A decompressing pool asks for it when an entry names no dictionary but its
    /// frame needs one: archives then decode without their categories being repeated.
    /// The default finds nothing (a store that cannot search by id).
    fn get_by_id(&self, id: u32) -> Result<Option<(String, Vec<u8>)>, ProviderError> {
        let _ = id;
        Ok(None)
    }
    /// The names of the dictionaries stored, sorted (to export, copy or preload them). The
    /// default: a store that cannot list says so.
    fn names(&self) -> Result<Vec<String>, ProviderError> {
        Err("this dictionary provider cannot list its dictionaries".into())
    }
}
