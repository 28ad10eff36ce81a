#![doc = include_str!("../README.md")]
// `unsafe` lives in two modules only, `libzstd` (the one wrapper of zstd-sys) and `ffi` (the
// C ABI): each allows it and requires a `// SAFETY:` comment on every block.
#![deny(unsafe_code)]

// The engine: safe Rust, no raw pointers.
pub mod archive;
pub mod batch;
pub mod config;
pub mod entry;
pub mod error;
pub mod pool;
pub mod provider;
pub mod stats;

// Dictionary training; public for the tests and benchmarks only.
#[doc(hidden)]
pub mod trainer;

// libzstd, wrapped; public for the tests and benchmarks only (their single-thread baselines).
#[doc(hidden)]
#[allow(unsafe_code)]
pub mod libzstd;

// The C ABI (`include/zstdpool.h` is generated from it); public for the header and version
// tests only: Rust users use the engine above.
#[doc(hidden)]
#[allow(unsafe_code)]
pub mod ffi;

pub use batch::{BatchItem, BatchOutput, BatchSource, Destination};
pub use config::{Config, ConfigError, TrainingConfig};
pub use entry::{Entry, EntryDone, EntryResult, Rejection};
pub use error::{Error, ErrorKind};
pub use pool::{Lifecycle, Mode, Pool};
pub use provider::{DictProvider, DirectoryProvider, MemoryProvider};
pub use stats::{CategoryStats, Counts, DictStatus, Stats};
