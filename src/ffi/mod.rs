//! The C ABI: a thin skin over the safe core, declared in `include/zstdpool.h`.
//!
//! Every function here is `extern "C"`, prefixed `zstdpool_`, and follows the same rules:
//!
//! - it catches every panic (`panic.rs`) and turns it into `ZSTDPOOL_ERR_PANIC`;
//! - it checks every pointer argument for NULL (`args.rs`) and answers
//!   `ZSTDPOOL_ERR_INVALID_ARGUMENT` with a message naming the argument;
//! - it returns a `zstdpool_status` (`error.rs`) and writes its outputs through
//!   out-parameters, only on success;
//! - a failure leaves its message in `zstdpool_last_error()` (per thread) and, for calls on
//!   a pool, in `zstdpool_pool_last_error()` (per pool).
//!
//! The doc comments of the exported items are the header's documentation: cbindgen copies
//! them into `include/zstdpool.h` (see `cbindgen.toml`, checked by `tests/header.rs`), so
//! they are written for C programmers and state ownership, NULL handling, errors and
//! thread-safety. The pointer requirements a Rust `# Safety` section would state are in
//! that prose, hence `missing_safety_doc` is allowed below.
//!
//! This module and `crate::libzstd` are the only places with `unsafe` code; every `unsafe`
//! block carries a `// SAFETY:` comment (enforced by the lint below).
//!
//! The modules are declared in the order their items appear in the header (cbindgen keeps
//! the source order), one group each so that rustfmt keeps that order.
#![allow(non_camel_case_types, clippy::missing_safety_doc)]
#![deny(clippy::undocumented_unsafe_blocks, unsafe_op_in_unsafe_fn)]

// Versions of the library and of the libzstd inside it.
pub mod version;

// Status codes and error messages.
pub mod error;

// The configuration handle and its options.
pub mod config;

// Dictionary providers (stores), and the buffer their get callbacks fill.
pub mod dict_buffer;
pub mod provider;

// The pool: its handle, creation, entries, lifecycle.
pub mod handle;
pub mod pool;

// Batches: many entries from memory at once.
pub mod batch;

// Rejected entries.
pub mod rejection;

// Statistics.
pub mod stats;

// The archive: one SQLite database per sub-production.
pub mod archive;

// Shared plumbing, not part of the header.
mod args;
mod callback;
mod panic;
mod rejection_cache;
mod strings;

pub use archive::*;
pub use batch::*;
pub use config::*;
pub use dict_buffer::*;
pub use error::*;
pub use handle::*;
pub use pool::*;
pub use provider::*;
pub use rejection::*;
pub use stats::*;
pub use version::*;
