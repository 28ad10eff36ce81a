//! Rejected entries: which entries the pool could not process, and why. The strings handed
//! out stay valid until the pool is freed (`rejection_cache.rs`).

use std::ffi::c_char;

use super::args::Out;
use super::error::zstdpool_status;
use super::handle::{self, PoolRef, zstdpool_pool};

/// Writes the number of rejections listed so far to *out (indexes 0 to *out - 1 are valid
/// for zstdpool_pool_rejected()): every rejected entry, up to ZSTDPOOL_OPT_MAX_REJECTIONS
/// (zstdpool_pool_totals() counts them all). It only grows while the pool runs.
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (pool or out NULL; *out is then not written).
/// Thread-safety: any thread, concurrently with other calls.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_pool_rejected_count(
    pool: *const zstdpool_pool,
    out: *mut usize,
) -> zstdpool_status {
    // SAFETY: the caller passes NULL or a live handle.
    let pool = unsafe { PoolRef::new(pool) };
    handle::call("zstdpool_pool_rejected_count", pool, |handle| {
        // SAFETY: the caller passes NULL or a pointer valid for writing a size_t.
        let out = unsafe { Out::new(out, "out") }?;
        out.write(handle.pool().rejected_listed());
        Ok(())
    })
}

/// Reports rejection number index (0-based, in the order the entries ended): the entry's
/// name to *name, its error code to *status and what went wrong to *message (the same as
/// its done callback received).
///
/// Ownership: *name and *message belong to the pool and stay valid until the pool is
/// freed; never free them. Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT if any pointer is NULL or
/// index >= the count of zstdpool_pool_rejected_count() (nothing is then written).
/// Thread-safety: any thread, concurrently with other calls.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_pool_rejected(
    pool: *const zstdpool_pool,
    index: usize,
    name: *mut *const c_char,
    status: *mut zstdpool_status,
    message: *mut *const c_char,
) -> zstdpool_status {
    // SAFETY: the caller passes NULL or a live handle.
    let pool = unsafe { PoolRef::new(pool) };
    handle::call("zstdpool_pool_rejected", pool, |handle| {
        // SAFETY: the caller passes NULL or pointers valid for writing a string pointer,
        // a status and a string pointer.
        let (name, status, message) = unsafe {
            (
                Out::new(name, "name")?,
                Out::new(status, "status")?,
                Out::new(message, "message")?,
            )
        };
        let rejection = handle.rejections.get(handle.pool(), index)?;
        name.write(rejection.name);
        status.write(rejection.status);
        message.write(rejection.message);
        Ok(())
    })
}
