#![doc = include_str!("../README.md")]

// The engine: safe Rust, no raw pointers.
pub mod archive;
pub mod config;
pub mod entry;
pub mod error;
pub mod pool;
mod processors;
pub mod provider;
pub mod stats;
pub mod trainer;

// libzstd, wrapped: the one module (besides `ffi`) with `unsafe` code.
pub mod libzstd;

// The C ABI (`include/zstdpool.h` is generated from it).
pub mod ffi;

pub use config::{Config, ConfigError, TrainingConfig};
pub use entry::{Entry, EntryDone, EntryResult, Rejection};
pub use error::{Error, ErrorKind};
pub use pool::{Mode, Pool, State};
pub use provider::{DictProvider, DirectoryProvider, MemoryProvider};
pub use stats::{CategoryStats, Counts, DictStatus, Stats};
