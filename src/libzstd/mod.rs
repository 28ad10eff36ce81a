//! The one module that talks to libzstd (through `zstd-sys`).
//!
//! Everything else in the crate is safe Rust: this module turns libzstd's raw contexts,
//! prepared dictionaries and trainers into owned Rust values with checked results. Every
//! `unsafe` block here carries a `// SAFETY:` comment saying why the call is sound (the
//! lint below enforces it; the crate root denies `unsafe` everywhere else).
#![deny(clippy::undocumented_unsafe_blocks, unsafe_op_in_unsafe_fn)]

mod cctx;
mod dctx;
mod destination;
mod dict;
mod error;
mod frame;
mod train;

pub use cctx::{CCtx, CompressError};
pub use dctx::{DCtx, DecodeError};
pub use destination::Destination;
pub use dict::{CDict, DDict, DictFormatError, dictionary_id};
pub use error::ZstdError;
pub use frame::{FrameHeader, HeaderParse, frame_header};
pub use train::{FastCoverParams, train_fast_cover};

use std::ffi::CStr;

/// The smallest (fastest, negative) compression level libzstd accepts.
pub fn min_level() -> i32 {
    // SAFETY: a pure function of the library build, no arguments.
    unsafe { zstd_sys::ZSTD_minCLevel() }
}

/// The largest compression level libzstd accepts.
pub fn max_level() -> i32 {
    // SAFETY: a pure function of the library build, no arguments.
    unsafe { zstd_sys::ZSTD_maxCLevel() }
}

/// The version of the libzstd linked in, e.g. "1.5.7".
pub fn version() -> &'static str {
    version_cstr().to_str().unwrap_or("unknown")
}

/// The version of the libzstd linked in, as a C string (for the C API).
pub fn version_cstr() -> &'static CStr {
    // SAFETY: ZSTD_versionString returns a pointer to a static NUL-terminated string.
    unsafe { CStr::from_ptr(zstd_sys::ZSTD_versionString()) }
}

/// The worst-case compressed size of `len` bytes (for sizing one-shot output buffers).
pub fn compress_bound(len: usize) -> usize {
    // SAFETY: a pure arithmetic function.
    unsafe { zstd_sys::ZSTD_compressBound(len) }
}
