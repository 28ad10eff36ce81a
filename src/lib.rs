//! zstdpool: parallel zstd compression of many small entries, with one dictionary per
//! category trained automatically.

pub mod jobtree;
pub mod libzstd;
pub mod config;
pub mod trainer;
pub mod entry;
pub mod error;
pub mod provider;
pub mod processors;
pub mod stats;
pub mod pool;
pub mod ffi;

pub use config::{Config, ConfigError, TrainingConfig};
pub use entry::{Entry, EntryDone, EntryResult, Rejection};
pub use error::{Error, ErrorKind};
pub use pool::{Mode, Pool, State};
pub use provider::{DictProvider, DirectoryProvider, MemoryProvider};
pub use stats::{CategoryStats, Counts, DictStatus, Stats};
