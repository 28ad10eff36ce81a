//! The pool handle: creation, entries, lifecycle (start, add, flush, wait, stop, join, free)
//! and the pool's own last-error message.

use std::ffi::{c_char, c_void};
use std::time::Duration;

use super::args::{self, Out};
use super::callback::{self, CallbackInput, CallbackOutput, UserData};
use super::config::zstdpool_config;
use super::error::{self, zstdpool_status};
use super::handle::{self, PoolRef, zstdpool_pool};
use super::panic;
use super::provider::zstdpool_provider;
use crate::config::Config;
use crate::entry::Entry;
use crate::error::{Error, ErrorKind};
use crate::pool::{Lifecycle, Mode, Pool};

/// The size to pass to zstdpool_pool_add() when the entry's size is not known in advance.
pub const ZSTDPOOL_SIZE_UNKNOWN: u64 = u64::MAX;

/// Created: no worker runs yet; they start with zstdpool_pool_start() or the first
/// zstdpool_pool_add().
pub const ZSTDPOOL_STATE_IDLE: i32 = 0;
/// Workers run and take entries.
pub const ZSTDPOOL_STATE_RUNNING: i32 = 1;
/// zstdpool_pool_stop() was called: no new entries; the workers finish every entry added,
/// then exit.
pub const ZSTDPOOL_STATE_STOPPING: i32 = 2;
/// All workers have exited (or the pool was stopped before it started).
pub const ZSTDPOOL_STATE_STOPPED: i32 = 3;

/// An entry's read callback: fills buf (capacity bytes, capacity > 0) with the next bytes
/// of the entry's input, stores their number in *out_len and returns 0. At the end of the
/// input it stores 0 in *out_len and returns 0; it is not called again for that entry.
/// Returning nonzero is an error: the entry is rejected with ZSTDPOOL_ERR_READ and a message
/// quoting the code. Storing a number above capacity is an error too.
///
/// Called on one of the pool's worker threads. The callbacks of one entry (read, write,
/// done) never run concurrently with each other, though successive calls may come from
/// different threads; callbacks of different entries run concurrently on different
/// threads. buf and out_len are valid only during the call. When compressing with
/// training, the first bytes of an entry may be read well before the rest (they are kept
/// as a training sample). Like every callback, it may call zstdpool_pool_add(),
/// zstdpool_pool_stop() and the query functions on its own pool, while
/// zstdpool_pool_wait(), zstdpool_pool_join() and zstdpool_pool_free() are refused with
/// ZSTDPOOL_ERR_WOULD_DEADLOCK.
pub type zstdpool_read_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        buf: *mut u8,
        capacity: usize,
        out_len: *mut usize,
    ) -> i32,
>;

/// An entry's write callback: takes all len bytes at data (len > 0) as the next bytes of
/// the entry's output and returns 0. Returning nonzero is an error: the entry is rejected
/// with ZSTDPOOL_ERR_WRITE and a message quoting the code; it is not called again for that
/// entry, and what it wrote so far is a partial output to discard.
///
/// Called on one of the pool's worker threads, never concurrently with the other callbacks
/// of the same entry (successive calls may come from different threads); callbacks of
/// different entries run concurrently on different threads. data is valid only during the
/// call (copy the bytes). Re-entry into the pool as for zstdpool_read_fn.
pub type zstdpool_write_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, data: *const u8, len: usize) -> i32>;

/// An entry's done callback: the pool is done with the entry. status is ZSTDPOOL_OK and
/// message NULL when it succeeded, with bytes_in read from the input and bytes_out written
/// to the output; otherwise status is the error code, message says what went wrong,
/// starting with the entry's name ("NAME: ...", the same message zstdpool_pool_rejected()
/// reports), bytes_in and bytes_out are 0, and any output written is partial: discard it.
///
/// Called exactly once for every entry zstdpool_pool_add() accepted, on one of the pool's
/// worker threads, after the entry's last read or write callback: afterwards the pool
/// never uses user_data again, so this is where to free it. Callbacks of different entries
/// run concurrently on different threads. name and message are valid only during the call.
/// It may call zstdpool_pool_add() and zstdpool_pool_stop() on its own pool; its
/// zstdpool_pool_wait(), zstdpool_pool_join() and zstdpool_pool_free() are refused with
/// ZSTDPOOL_ERR_WOULD_DEADLOCK (as from any callback). The pool counts the entry as done or
/// rejected once the callback returns: zstdpool_pool_wait() returns after it.
pub type zstdpool_done_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        name: *const c_char,
        status: zstdpool_status,
        message: *const c_char,
        bytes_in: u64,
        bytes_out: u64,
    ),
>;

/// Creates a pool in `mode`.
///
/// # Safety
/// As the exported constructors: each pointer NULL or valid.
unsafe fn create(
    function: &'static str,
    mode: Mode,
    config: *const zstdpool_config,
    provider: *const zstdpool_provider,
    out: *mut *mut zstdpool_pool,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live configuration not being changed.
        let config =
            unsafe { config.as_ref() }.map_or_else(Config::default, |c| c.config().clone());
        // SAFETY: the caller passes NULL or a live provider handle.
        let provider = unsafe { args::borrow(provider, "provider") }?;
        // SAFETY: the caller passes NULL or a pointer valid for writing a handle pointer.
        let out = unsafe { Out::new(out, "out") }?;
        let pool = Pool::new(mode, config, provider.share())?;
        out.write(Box::into_raw(Box::new(zstdpool_pool::new(pool))));
        Ok(())
    });
    error::status(function, result)
}

/// Creates a compressing pool: entries are raw data, outputs are zstd frames (each a
/// standard frame, decompressible by `zstd -D` with the category's dictionary). Categories
/// without a dictionary in the provider get one trained (unless training is disabled).
///
/// config may be NULL for the defaults; it is copied, so the caller may free it at once.
/// The pool takes its own reference to provider (required), so the caller may free its
/// provider handle at once. The pool's workers start with zstdpool_pool_start() or the
/// first zstdpool_pool_add().
///
/// On success writes the new handle to *out; the caller owns it and frees it with
/// zstdpool_pool_free(). Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT if provider or out is NULL;
/// ZSTDPOOL_ERR_INVALID_CONFIG if the configuration breaks a rule (including rules relating
/// two fields, e.g. ZSTDPOOL_OPT_PROCESSORS and ZSTDPOOL_OPT_WORKERS), with the field named
/// in zstdpool_last_error(). *out is not written on failure. Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_compressor_new(
    config: *const zstdpool_config,
    provider: *const zstdpool_provider,
    out: *mut *mut zstdpool_pool,
) -> zstdpool_status {
    // SAFETY: the caller's pointers, passed on with the same requirements.
    unsafe {
        create(
            "zstdpool_compressor_new",
            Mode::Compress,
            config,
            provider,
            out,
        )
    }
}

/// Creates a decompressing pool: entries are zstd frames, outputs the raw data. Each
/// entry's dictionary comes from the provider by the entry's dictionary name; a frame that
/// needs a dictionary the provider does not have is rejected (ZSTDPOOL_ERR_DICT_MISSING).
///
/// Ownership, NULL handling, errors and thread-safety as for zstdpool_compressor_new().
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_decompressor_new(
    config: *const zstdpool_config,
    provider: *const zstdpool_provider,
    out: *mut *mut zstdpool_pool,
) -> zstdpool_status {
    // SAFETY: the caller's pointers, passed on with the same requirements.
    unsafe {
        create(
            "zstdpool_decompressor_new",
            Mode::Decompress,
            config,
            provider,
            out,
        )
    }
}

/// Frees a pool. If it is running, stops it first (as zstdpool_pool_stop(): every entry
/// added is still finished, with its done callback) and waits for its workers to exit, so
/// it may block for as long as that takes. The pool's callbacks may still use the pool
/// while it finishes (e.g. zstdpool_pool_add(), which then fails with
/// ZSTDPOOL_ERR_STOPPED). Then it releases the pool's reference to its provider and the
/// strings returned by zstdpool_pool_rejected() and zstdpool_pool_category().
///
/// NULL is a no-op returning ZSTDPOOL_OK. Errors: ZSTDPOOL_ERR_WOULD_DEADLOCK when called
/// from inside one of the pool's own callbacks: nothing is freed, the pool is untouched.
///
/// Thread-safety: must not run concurrently with any other call on the pool from outside
/// its callbacks; the handle must not be used after it returns ZSTDPOOL_OK.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_pool_free(pool: *mut zstdpool_pool) -> zstdpool_status {
    if pool.is_null() {
        return error::ZSTDPOOL_OK;
    }
    // SAFETY: non-NULL, and the caller passes a live handle that only the pool's own
    // callbacks may use concurrently (through shared references, as below).
    let handle = unsafe { PoolRef::new(pool) };
    let stopped = handle::call("zstdpool_pool_free", handle, |handle| {
        if handle.pool().on_own_worker() {
            return Err(Error::new(
                ErrorKind::WouldDeadlock,
                "called from one of the pool's own callbacks, it would wait for itself; nothing was freed",
            ));
        }
        handle.pool().stop();
        handle.pool().join(None)?;
        Ok(())
    });
    if stopped != error::ZSTDPOOL_OK {
        return stopped;
    }
    let result = panic::catch(|| {
        // SAFETY: the workers have exited, so no callback uses the handle any more, and the
        // caller promised no other use: this is the only reference. The handle came from
        // Box::into_raw in `create` and is freed once.
        drop(unsafe { Box::from_raw(pool) });
        Ok(())
    });
    error::status("zstdpool_pool_free", result)
}

/// Adds an entry to the pool, starting the pool if needed: it will read the entry's input
/// through read, write its output through write, then call done (may be NULL), each with
/// user_data as first argument (user_data is never dereferenced by the library and may be
/// NULL). name (required) names the entry in messages; dict_name is its category: entries
/// with the same dict_name share a dictionary (NULL: the entry never uses a dictionary; ""
/// is refused). size is the input's size in bytes, or ZSTDPOOL_SIZE_UNKNOWN: when
/// compressing, a known size is recorded in the frame, and an input of another size is
/// rejected (ZSTDPOOL_ERR_SIZE_MISMATCH); it also counts towards
/// ZSTDPOOL_OPT_TRAINING_MIN_BYTES, up to ZSTDPOOL_OPT_TRAINING_MAX_SAMPLE_SIZE (what a
/// sample can use). When decompressing, size is the compressed input's size if known and
/// only informs: the frame says how large the output is (within
/// ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE). The strings are copied.
///
/// Blocks while the pool holds ZSTDPOOL_OPT_QUEUE_CAPACITY entries (not when called from
/// one of the pool's callbacks, which never block here). The callbacks run on the pool's
/// worker threads, so user_data must be usable from them; see zstdpool_read_fn,
/// zstdpool_write_fn and zstdpool_done_fn for the rules.
///
/// On ZSTDPOOL_OK the pool owns the entry until its done callback. On any error NO callback
/// is ever called for it and the caller keeps user_data. Errors:
/// ZSTDPOOL_ERR_INVALID_ARGUMENT (pool, name, read or write NULL; name or dict_name not
/// UTF-8; dict_name ""); ZSTDPOOL_ERR_STOPPED (the pool is stopping or stopped).
///
/// Thread-safety: may be called concurrently from several threads, and from the pool's
/// callbacks.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn zstdpool_pool_add(
    pool: *mut zstdpool_pool,
    name: *const c_char,
    dict_name: *const c_char,
    size: u64,
    read: zstdpool_read_fn,
    write: zstdpool_write_fn,
    done: zstdpool_done_fn,
    user_data: *mut c_void,
) -> zstdpool_status {
    // SAFETY: the caller passes NULL or a live handle.
    let pool = unsafe { PoolRef::new(pool) };
    handle::call("zstdpool_pool_add", pool, |handle| {
        // SAFETY: the caller passes NULL or NUL-terminated strings, valid during the call.
        let name = unsafe { args::utf8(name, "name") }?;
        // SAFETY: as for `name`.
        let dict_name = unsafe { args::optional_utf8(dict_name, "dict_name") }?;
        let read = read.ok_or_else(|| args::null("read"))?;
        let write = write.ok_or_else(|| args::null("write"))?;
        let user_data = UserData(user_data);
        let input = CallbackInput::new(read, user_data);
        let output = CallbackOutput::new(write, user_data);
        let mut entry = Entry::new(name, dict_name, input, output);
        if size != ZSTDPOOL_SIZE_UNKNOWN {
            entry = entry.with_size(size);
        }
        if let Some(done) = done {
            entry = entry.on_complete(callback::completion(done, user_data));
        }
        handle.pool().add(entry)
    })
}

/// Tells the trainer that category dict_name will hold about bytes raw bytes in entries
/// entries in all (entries 0: unknown; bytes 0 removes the hint, and
/// ZSTDPOOL_OPT_TRAINING_CATEGORY_VOLUME and _ENTRIES apply), so that it trains the
/// dictionary, or none, that makes frames + dictionary smallest: a dictionary is stored
/// once per category and pays off only for a large enough category. A program that knows
/// its input (e.g. from a directory listing or ZIP directories) gives each category's
/// volume before adding its entries; it takes effect if the category has not trained yet.
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (pool or dict_name NULL, dict_name not UTF-8).
/// Thread-safety: any thread, concurrently with other calls.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_pool_set_category_volume(
    pool: *mut zstdpool_pool,
    dict_name: *const c_char,
    bytes: u64,
    entries: u64,
) -> zstdpool_status {
    // SAFETY: the caller passes NULL or a live handle.
    let pool = unsafe { PoolRef::new(pool) };
    handle::call("zstdpool_pool_set_category_volume", pool, |handle| {
        // SAFETY: the caller passes NULL or a NUL-terminated string, valid during the call.
        let dict_name = unsafe { args::utf8(dict_name, "dict_name") }?;
        handle.pool().set_category_volume(dict_name, bytes, entries);
        Ok(())
    })
}

/// Starts the pool's workers; does nothing if they run.
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (pool NULL); ZSTDPOOL_ERR_STOPPED (a stopped pool
/// cannot restart); ZSTDPOOL_ERR_ZSTD if no worker thread could be started. Thread-safety:
/// any thread, concurrently with other calls.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_pool_start(pool: *mut zstdpool_pool) -> zstdpool_status {
    // SAFETY: the caller passes NULL or a live handle.
    let pool = unsafe { PoolRef::new(pool) };
    handle::call("zstdpool_pool_start", pool, |handle| handle.pool().start())
}

/// Trains, with what they have, every category still waiting for samples: every entry added
/// so far then proceeds without waiting for more. Call it after the last
/// zstdpool_pool_add() of a batch, before zstdpool_pool_wait().
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (pool NULL). Thread-safety: any thread,
/// concurrently with other calls, including from the pool's callbacks.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_pool_flush(pool: *mut zstdpool_pool) -> zstdpool_status {
    // SAFETY: the caller passes NULL or a live handle.
    let pool = unsafe { PoolRef::new(pool) };
    handle::call("zstdpool_pool_flush", pool, |handle| {
        handle.pool().flush();
        Ok(())
    })
}

/// Blocks until every entry added so far is finished (its done callback returned), except
/// entries waiting for more samples to train their category's dictionary (the original
/// tool's wait: until the task queue is empty). Call zstdpool_pool_flush() first to
/// include them; zstdpool_pool_collecting() tells how many still wait. The pool keeps
/// running.
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (pool NULL); ZSTDPOOL_ERR_WOULD_DEADLOCK from
/// inside one of the pool's own callbacks (returns at once). Thread-safety: any thread,
/// concurrently with other calls.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_pool_wait(pool: *mut zstdpool_pool) -> zstdpool_status {
    // SAFETY: the caller passes NULL or a live handle.
    let pool = unsafe { PoolRef::new(pool) };
    handle::call("zstdpool_pool_wait", pool, |handle| {
        handle.pool().wait().map(drop)
    })
}

/// Writes to *out how many entries wait for samples to train their category's dictionary:
/// entries zstdpool_pool_wait() does not wait for. They end once enough samples arrive,
/// or after zstdpool_pool_flush() or zstdpool_pool_stop().
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (pool or out NULL). Thread-safety: any thread,
/// concurrently with other calls.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_pool_collecting(
    pool: *const zstdpool_pool,
    out: *mut usize,
) -> zstdpool_status {
    // SAFETY: the caller passes NULL or a live handle.
    let pool = unsafe { PoolRef::new(pool) };
    handle::call("zstdpool_pool_collecting", pool, |handle| {
        // SAFETY: the caller passes NULL or a pointer valid for writing a size_t.
        let out = unsafe { Out::new(out, "out") }?;
        out.write(handle.pool().collecting());
        Ok(())
    })
}

/// Cancels the pool, for a user who interrupts or a job the batch system kills: it takes
/// no new entries (as after zstdpool_pool_stop()), every entry not being processed yet ends
/// at once, rejected with ZSTDPOOL_ERR_CANCELLED (its done callback runs, as always), and
/// entries being processed finish. Nothing is trained. The workers then exit;
/// zstdpool_pool_join() waits for them. Every entry still ends exactly once.
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (pool NULL). Thread-safety: any thread,
/// concurrently with other calls, including from the pool's callbacks and signal-handling
/// threads (not from a signal handler itself).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_pool_cancel(pool: *mut zstdpool_pool) -> zstdpool_status {
    // SAFETY: the caller passes NULL or a live handle.
    let pool = unsafe { PoolRef::new(pool) };
    handle::call("zstdpool_pool_cancel", pool, |handle| {
        handle.pool().cancel();
        Ok(())
    })
}

/// Asks the pool to stop and returns at once: it takes no new entries
/// (zstdpool_pool_add() fails with ZSTDPOOL_ERR_STOPPED), trains what waits for samples,
/// finishes every entry added, then its workers exit; zstdpool_pool_join() waits for that.
/// Stopping a stopping or stopped pool does nothing; stopping an idle pool stops it at
/// once.
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (pool NULL). Thread-safety: any thread,
/// concurrently with other calls, including from the pool's callbacks.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_pool_stop(pool: *mut zstdpool_pool) -> zstdpool_status {
    // SAFETY: the caller passes NULL or a live handle.
    let pool = unsafe { PoolRef::new(pool) };
    handle::call("zstdpool_pool_stop", pool, |handle| {
        handle.pool().stop();
        Ok(())
    })
}

/// Waits until the pool is stopped (after zstdpool_pool_stop(), which some thread must
/// call) and its workers have exited, at most timeout_ms milliseconds (negative: no
/// limit; 0: just check).
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (pool NULL); ZSTDPOOL_ERR_TIMEOUT when the time is
/// up first (the pool goes on; join again later); ZSTDPOOL_ERR_WOULD_DEADLOCK from inside
/// one of the pool's own callbacks (returns at once). Thread-safety: any thread,
/// concurrently with other calls.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_pool_join(
    pool: *mut zstdpool_pool,
    timeout_ms: i64,
) -> zstdpool_status {
    // SAFETY: the caller passes NULL or a live handle.
    let pool = unsafe { PoolRef::new(pool) };
    handle::call("zstdpool_pool_join", pool, |handle| {
        let timeout = u64::try_from(timeout_ms).ok().map(Duration::from_millis);
        if handle.pool().join(timeout)? {
            return Ok(());
        }
        let hint = match handle.pool().state() {
            Lifecycle::Idle | Lifecycle::Running => {
                " (it was not asked to stop: call zstdpool_pool_stop first)"
            }
            Lifecycle::Stopping | Lifecycle::Stopped => "",
        };
        Err(Error::new(
            ErrorKind::Timeout,
            format!("the pool did not stop within {timeout_ms} ms{hint}"),
        ))
    })
}

/// Writes the pool's lifecycle state, one of the ZSTDPOOL_STATE_* constants, to *out.
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (pool or out NULL; *out is then not written).
/// Thread-safety: any thread, concurrently with other calls (the state may change right
/// after).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_pool_state(
    pool: *const zstdpool_pool,
    out: *mut i32,
) -> zstdpool_status {
    // SAFETY: the caller passes NULL or a live handle.
    let pool = unsafe { PoolRef::new(pool) };
    handle::call("zstdpool_pool_state", pool, |handle| {
        // SAFETY: the caller passes NULL or a pointer valid for writing an int32_t.
        let out = unsafe { Out::new(out, "out") }?;
        out.write(match handle.pool().state() {
            Lifecycle::Idle => ZSTDPOOL_STATE_IDLE,
            Lifecycle::Running => ZSTDPOOL_STATE_RUNNING,
            Lifecycle::Stopping => ZSTDPOOL_STATE_STOPPING,
            Lifecycle::Stopped => ZSTDPOOL_STATE_STOPPED,
        });
        Ok(())
    })
}

/// Copies the message of the last failed call on this pool (from any thread, including
/// its callbacks' calls) into buf, snprintf-style: at most len - 1 bytes and a NUL
/// terminator (nothing when len is 0; buf may then be NULL). Returns the message's full
/// length without the NUL: a return >= len means it was truncated. The message is "" if no
/// call on the pool has failed.
///
/// A NULL pool returns 0 (writing "" to buf when len > 0) and records the error for
/// zstdpool_last_error(). Thread-safety: any thread, concurrently with other calls.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_pool_last_error(
    pool: *const zstdpool_pool,
    buf: *mut c_char,
    len: usize,
) -> usize {
    panic::catch_or(0, || {
        // SAFETY: the caller passes NULL or a live handle.
        let message = match unsafe { pool.as_ref() } {
            Some(handle) => handle.last_error(),
            None => {
                error::fail("zstdpool_pool_last_error", &args::null("pool"));
                String::new()
            }
        };
        if !buf.is_null() && len > 0 && len <= isize::MAX as usize {
            // SAFETY: the caller passes `len` writable bytes at `buf` (at most isize::MAX,
            // checked), not aliased by any Rust object during the call.
            let out = unsafe { std::slice::from_raw_parts_mut(buf.cast::<u8>(), len) };
            let copied = message.len().min(len - 1);
            out[..copied].copy_from_slice(&message.as_bytes()[..copied]);
            out[copied] = 0;
        }
        message.len()
    })
}
