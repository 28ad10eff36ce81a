//! The pool handle type and the wrapper every pool function runs in (NULL check, panic
//! boundary, the pool's and the thread's last error).

use std::sync::Mutex;

use super::args;
use super::error::{self, zstdpool_status};
use super::panic;
use super::rejection_cache::RejectionCache;
use crate::error::Error;
use crate::pool::Pool;

/// A pool of worker threads that compresses or decompresses entries (opaque). Create it with
/// zstdpool_compressor_new() or zstdpool_decompressor_new(), add entries with
/// zstdpool_pool_add(), and free it with zstdpool_pool_free().
///
/// Thread-safety: every pool function may be called concurrently from several threads on
/// one pool (e.g. several producers calling zstdpool_pool_add()), and from the pool's own
/// callbacks, except zstdpool_pool_free(), which must be the last call on the pool.
pub struct zstdpool_pool {
    pool: Pool,
    /// The message of the last failed call on this pool.
    last_error: Mutex<String>,
    /// The rejections handed out so far, kept until the pool is freed.
    pub(crate) rejections: RejectionCache,
}

impl zstdpool_pool {
    /// The handle of a new pool.
    pub(crate) fn new(pool: Pool) -> zstdpool_pool {
        zstdpool_pool {
            pool,
            last_error: Mutex::new(String::new()),
            rejections: RejectionCache::default(),
        }
    }

    /// The core pool.
    pub(crate) fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The message of the last failed call on this pool ("" if none failed).
    pub(crate) fn last_error(&self) -> String {
        self.last_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Records a failed call on this pool.
    fn record(&self, function: &str, error: &Error) {
        let mut last = self.last_error.lock().unwrap_or_else(|e| e.into_inner());
        *last = format!("{function}: {}", error.message);
    }
}

/// A pool handle argument, vouched for by the exported function's caller.
pub(crate) struct PoolRef(*const zstdpool_pool);

impl PoolRef {
    /// Wraps the pool handle argument.
    ///
    /// # Safety
    /// `pool` must be NULL or a live pool handle that is not freed while the call runs.
    pub unsafe fn new(pool: *const zstdpool_pool) -> PoolRef {
        PoolRef(pool)
    }
}

/// Runs `body` on the pool as the exported function `function`: checks for NULL, catches
/// panics, records an error on the pool and on the thread.
pub(crate) fn call(
    function: &'static str,
    pool: PoolRef,
    body: impl FnOnce(&zstdpool_pool) -> Result<(), Error>,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: `PoolRef::new`'s caller vouched for the pointer: NULL or a live handle,
        // not freed during the call.
        let pool = unsafe { args::borrow(pool.0, "pool") }?;
        let result = panic::catch(|| body(pool));
        if let Err(e) = &result {
            pool.record(function, e);
        }
        result
    });
    error::status(function, result)
}
