//! Batches through the C API: many entries from memory in one call (their names,
//! categories and data borrowed until the batch is done), their outputs handed back
//! together in one zstdpool_batch.

use std::borrow::Cow;
use std::ffi::{CStr, CString, c_char, c_void};
use std::sync::mpsc;

use super::args::{self, Out};
use super::callback::UserData;
use super::error::{self, zstdpool_status};
use super::handle::{self, PoolRef, zstdpool_pool};
use super::panic;
use super::strings::lossy_cstring;
use crate::batch::{BatchOutput, BatchSource, Destination};
use crate::error::{Error, ErrorKind};

/// The outputs of a batch (opaque), in the order of its entries: each entry's output bytes
/// or its rejection. Read it with zstdpool_batch_count(), zstdpool_batch_entry() and
/// zstdpool_batch_message(); free it with zstdpool_batch_free().
///
/// Thread-safety: a batch's outputs never change: any number of threads may read them at
/// once; it must not be freed while another thread reads it.
pub struct zstdpool_batch {
    output: BatchOutput,
    /// The rejection messages, by entry ("" for entries that succeeded).
    messages: Vec<CString>,
}

impl zstdpool_batch {
    fn new(output: BatchOutput) -> zstdpool_batch {
        let messages = (0..output.len())
            .map(|i| match output.get(i) {
                Ok(_) => CString::default(),
                Err(rejection) => lossy_cstring(rejection.error.message.as_str()),
            })
            .collect();
        zstdpool_batch { output, messages }
    }
}

/// A batch's done callback: every entry of the batch has ended; batch holds their outputs
/// and rejections. The callback owns batch and frees it with zstdpool_batch_free() (now or
/// later, on any thread). After it returns, the pool no longer reads the batch's names,
/// categories or data: the caller may free them.
///
/// Called once per batch, on one of the pool's worker threads (on the calling thread when
/// the batch is empty or the pool stopped before taking every entry). Like every callback,
/// it may call zstdpool_pool_add() and zstdpool_pool_add_batch(), but not
/// zstdpool_pool_wait(), zstdpool_pool_join() or zstdpool_pool_free() on its own pool.
pub type zstdpool_batch_done_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, batch: *mut zstdpool_batch)>;

/// The entries of a C batch: pointers the caller lends until the batch is done, and the
/// memory it lends for the outputs (zstdpool_pool_run_batch_into()) until it frees them.
struct CBatch {
    names: Vec<*const c_char>,
    dict_names: Vec<Option<(*const u8, usize)>>,
    data: Vec<(*const u8, usize)>,
    /// Empty when the caller lends none.
    outputs: Vec<(*mut u8, usize)>,
}

// SAFETY: the pointers are only read, and the caller promised (zstdpool_pool_add_batch's
// documentation) that they stay valid and unchanged, from any thread, until the batch's
// done callback runs; the pool reads them no later than that.
unsafe impl Send for CBatch {}
// SAFETY: as for `Send`: shared reads of unchanging memory.
unsafe impl Sync for CBatch {}

impl BatchSource for CBatch {
    fn len(&self) -> usize {
        self.data.len()
    }
    fn name(&self, index: usize) -> Cow<'_, str> {
        // SAFETY: checked non-NULL and NUL-terminated when the batch was added; valid until
        // the batch is done (the caller's promise).
        unsafe { CStr::from_ptr(self.names[index]) }.to_string_lossy()
    }
    fn dict_name(&self, index: usize) -> Option<&str> {
        let (pointer, len) = self.dict_names[index]?;
        // SAFETY: `len` bytes at `pointer` were checked to be UTF-8 when the batch was
        // added, and stay valid and unchanged until it is done (the caller's promise).
        let bytes = unsafe { std::slice::from_raw_parts(pointer, len) };
        std::str::from_utf8(bytes).ok()
    }
    fn data(&self, index: usize) -> &[u8] {
        let (pointer, len) = self.data[index];
        if len == 0 {
            return &[];
        }
        // SAFETY: checked non-NULL when the batch was added; `len` readable bytes that stay
        // unchanged until the batch is done (the caller's promise).
        unsafe { std::slice::from_raw_parts(pointer, len) }
    }
    fn destination(&self, index: usize) -> Option<Destination> {
        let &(pointer, capacity) = self.outputs.get(index)?;
        // SAFETY: zstdpool_pool_run_batch_into()'s caller lends `capacity` writable bytes at
        // `pointer` (or NULL), touched by nothing else until it frees the batch's outputs,
        // which own this destination; the pool asks once per entry.
        unsafe { Destination::new(pointer, capacity) }
    }
}

/// Reads and checks a batch's arrays.
///
/// # Safety
/// As zstdpool_pool_add_batch(): each pointer NULL or valid for `count` elements.
unsafe fn c_batch(
    count: usize,
    names: *const *const c_char,
    dict_names: *const *const c_char,
    data: *const *const u8,
    sizes: *const usize,
) -> Result<CBatch, Error> {
    if count == 0 {
        return Ok(CBatch {
            names: Vec::new(),
            dict_names: Vec::new(),
            data: Vec::new(),
            outputs: Vec::new(),
        });
    }
    let array = |pointer: bool, name: &str| {
        if pointer {
            Err(args::null(name))
        } else {
            Ok(())
        }
    };
    array(names.is_null(), "names")?;
    array(data.is_null(), "data")?;
    array(sizes.is_null(), "sizes")?;
    if count > isize::MAX as usize / 8 {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("count {count} is too large"),
        ));
    }
    // SAFETY: non-NULL, and the caller passes `count` elements in each array.
    let (names, data, sizes) = unsafe {
        (
            std::slice::from_raw_parts(names, count),
            std::slice::from_raw_parts(data, count),
            std::slice::from_raw_parts(sizes, count),
        )
    };
    let dict_names = if dict_names.is_null() {
        None
    } else {
        // SAFETY: as above.
        Some(unsafe { std::slice::from_raw_parts(dict_names, count) })
    };
    let mut batch = CBatch {
        names: Vec::with_capacity(count),
        dict_names: Vec::with_capacity(count),
        data: Vec::with_capacity(count),
        outputs: Vec::new(),
    };
    for i in 0..count {
        // SAFETY: the caller passes NULL or NUL-terminated strings.
        unsafe { args::utf8(names[i], &format!("names[{i}]")) }?;
        batch.names.push(names[i]);
        let dict_name = match dict_names.map(|d| d[i]) {
            None => None,
            Some(pointer) if pointer.is_null() => None,
            Some(pointer) => {
                // SAFETY: as for the names.
                let text = unsafe { args::utf8(pointer, &format!("dict_names[{i}]")) }?;
                Some((text.as_ptr(), text.len()))
            }
        };
        batch.dict_names.push(dict_name);
        if data[i].is_null() && sizes[i] > 0 {
            return Err(args::null(&format!("data[{i}]")));
        }
        if sizes[i] > isize::MAX as usize {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("sizes[{i}]: {} is too large", sizes[i]),
            ));
        }
        batch.data.push((data[i], sizes[i]));
    }
    Ok(batch)
}

/// Adds count entries from memory at once: entry i is named names[i], in category
/// dict_names[i] (dict_names may be NULL, and any dict_names[i] NULL, for no category:
/// compressing, no dictionary; decompressing, the dictionary is found by the frame's id),
/// and its input is the sizes[i] bytes at data[i] (raw data to compress, or zstd frames to
/// decompress; data[i] may be NULL when sizes[i] is 0). The pool copies none of them: the
/// names, categories and data must stay valid and unchanged until done runs. done is
/// called once, with every entry's output or rejection, when all have ended.
///
/// Each entry counts, is rejected and trains like an entry added alone with
/// zstdpool_pool_add(), and blocks the same way while the pool is full; but entries of
/// categories whose dictionary is known are processed in groups (one task and one output
/// buffer per group), which makes small entries far cheaper. Call zstdpool_pool_flush()
/// after the last batch so that categories still collecting samples train.
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT if pool, done, names, data or sizes is NULL (with
/// count > 0), a name or category is NULL or not UTF-8, or a category is "": nothing is
/// taken and done is not called. ZSTDPOOL_ERR_STOPPED if the pool stopped: the entries not
/// taken are rejected with ZSTDPOOL_ERR_STOPPED in the batch, and done is still called,
/// once the others have ended. Thread-safety: any thread, concurrently with other calls.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn zstdpool_pool_add_batch(
    pool: *mut zstdpool_pool,
    count: usize,
    names: *const *const c_char,
    dict_names: *const *const c_char,
    data: *const *const u8,
    sizes: *const usize,
    done: zstdpool_batch_done_fn,
    user_data: *mut c_void,
) -> zstdpool_status {
    // SAFETY: the caller passes NULL or a live handle.
    let pool = unsafe { PoolRef::new(pool) };
    handle::call("zstdpool_pool_add_batch", pool, |handle| {
        let done = done.ok_or_else(|| args::null("done"))?;
        // SAFETY: the caller's arrays, as documented.
        let batch = unsafe { c_batch(count, names, dict_names, data, sizes) }?;
        let user_data = UserData(user_data);
        handle.pool().add_batch(batch, move |output| {
            let user_data = user_data;
            let batch = Box::into_raw(Box::new(zstdpool_batch::new(output)));
            // SAFETY: the caller's callback with its own user_data; it owns the batch.
            unsafe { done(user_data.0, batch) }
        })
    })
}

/// Compresses or decompresses count entries from memory and waits for them: as
/// zstdpool_pool_add_batch() followed by zstdpool_pool_flush() (so that categories without
/// a dictionary train on what the pool has) and a wait for this batch only. On success
/// writes the batch's outputs to *out; the caller owns them and frees them with
/// zstdpool_batch_free(). The arrays are only read during the call.
///
/// Errors: as zstdpool_pool_add_batch(), with out NULL an invalid argument too;
/// ZSTDPOOL_ERR_WOULD_DEADLOCK from inside one of the pool's own callbacks;
/// ZSTDPOOL_ERR_STOPPED if the pool stopped before taking every entry (*out is then not
/// written: nothing is returned). Entries that failed do not fail the call: check each
/// with zstdpool_batch_entry(). Thread-safety: any thread, concurrently with other calls.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_pool_run_batch(
    pool: *mut zstdpool_pool,
    count: usize,
    names: *const *const c_char,
    dict_names: *const *const c_char,
    data: *const *const u8,
    sizes: *const usize,
    out: *mut *mut zstdpool_batch,
) -> zstdpool_status {
    // SAFETY: the caller passes NULL or a live handle.
    let pool = unsafe { PoolRef::new(pool) };
    handle::call("zstdpool_pool_run_batch", pool, |handle| {
        // SAFETY: the caller's arrays, valid during the call, which outlasts the batch.
        let batch = unsafe { c_batch(count, names, dict_names, data, sizes) }?;
        // SAFETY: the caller passes NULL or a pointer valid for writing a pointer.
        unsafe { run(handle, "zstdpool_pool_run_batch", batch, out) }
    })
}

/// As zstdpool_pool_run_batch(), but entry i's output is written straight into the
/// capacities[i] bytes at outputs[i] when it fits there: decompressing, a single frame
/// whose header records a content size of at most capacities[i] (as zstd writes them);
/// compressing, capacities[i] of at least ZSTD_compressBound(sizes[i]). Otherwise (and
/// for outputs[i] NULL, or entries of a category that trained during the call) it is in
/// the batch's memory, as with zstdpool_pool_run_batch(). zstdpool_batch_entry() and
/// zstdpool_batch_entries() say where each output is: data == outputs[i] when it went
/// there. For bindings, which can then decode into the objects they return, with no copy.
///
/// The caller lends outputs[i] (writable, used by nothing else) until it frees *out with
/// zstdpool_batch_free(); the bytes past an output's length are left as they were.
///
/// Errors: as zstdpool_pool_run_batch(), and ZSTDPOOL_ERR_INVALID_ARGUMENT if outputs or
/// capacities is NULL with count > 0. Thread-safety: any thread, concurrently with other
/// calls.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn zstdpool_pool_run_batch_into(
    pool: *mut zstdpool_pool,
    count: usize,
    names: *const *const c_char,
    dict_names: *const *const c_char,
    data: *const *const u8,
    sizes: *const usize,
    outputs: *const *mut u8,
    capacities: *const usize,
    out: *mut *mut zstdpool_batch,
) -> zstdpool_status {
    // SAFETY: the caller passes NULL or a live handle.
    let pool = unsafe { PoolRef::new(pool) };
    handle::call("zstdpool_pool_run_batch_into", pool, |handle| {
        // SAFETY: the caller's arrays, valid during the call, which outlasts the batch.
        let mut batch = unsafe { c_batch(count, names, dict_names, data, sizes) }?;
        if count > 0 {
            if outputs.is_null() {
                return Err(args::null("outputs"));
            }
            if capacities.is_null() {
                return Err(args::null("capacities"));
            }
            // SAFETY: non-NULL, and the caller passes `count` elements in each array.
            let (outputs, capacities) = unsafe {
                (
                    std::slice::from_raw_parts(outputs, count),
                    std::slice::from_raw_parts(capacities, count),
                )
            };
            batch.outputs = outputs
                .iter()
                .copied()
                .zip(capacities.iter().copied())
                .collect();
        }
        // SAFETY: the caller passes NULL or a pointer valid for writing a pointer.
        unsafe { run(handle, "zstdpool_pool_run_batch_into", batch, out) }
    })
}

/// Runs `batch` and waits for it (zstdpool_pool_run_batch() and _into()).
///
/// # Safety
/// `out` is NULL or valid for writing a pointer.
unsafe fn run(
    handle: &zstdpool_pool,
    function: &str,
    batch: CBatch,
    out: *mut *mut zstdpool_batch,
) -> Result<(), Error> {
    // SAFETY: the caller passes NULL or a pointer valid for writing a pointer.
    let out = unsafe { Out::new(out, "out") }?;
    if handle.pool().on_own_worker() {
        return Err(Error::new(
            ErrorKind::WouldDeadlock,
            format!("{function} called from one of the pool's own callbacks would deadlock"),
        ));
    }
    let (sender, receiver) = mpsc::channel();
    let added = handle.pool().add_batch(batch, move |output| {
        let _ = sender.send(output);
    });
    handle.pool().flush();
    // A batch the pool took always ends (its entries end exactly once, or are refused),
    // so its output comes; one refused whole (a bad argument) drops its callback.
    let output = receiver.recv();
    added?;
    let output = output
        .map_err(|_| Error::new(ErrorKind::Panic, "internal error: the batch never ended"))?;
    out.write(Box::into_raw(Box::new(zstdpool_batch::new(output))));
    Ok(())
}

/// Compresses or decompresses one entry now, on the calling thread: for random access
/// (reading one log back), where a trip through the workers would cost more than the
/// entry. Uses the pool's prepared dictionary for dict_name (NULL: none when compressing;
/// when decompressing, the dictionary the frame names, from the provider by id);
/// compressing a category whose dictionary is not known yet uses none. The len bytes at
/// data are only read during the call. Not an entry of the pool: no callbacks, not in the
/// statistics, allowed in any state of the pool (also stopped) and from its callbacks.
///
/// Returns the entry's status: ZSTDPOOL_OK with *out a batch of one entry holding the
/// output (free it with zstdpool_batch_free()), or why it failed (in zstdpool_last_error():
/// "zstdpool_pool_process_one: NAME: what went wrong"; *out not written). Errors:
/// ZSTDPOOL_ERR_INVALID_ARGUMENT if pool, name, out or (len > 0) data is NULL, or a string
/// is not UTF-8. Thread-safety: any thread, concurrently with other calls.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_pool_process_one(
    pool: *mut zstdpool_pool,
    name: *const c_char,
    dict_name: *const c_char,
    data: *const u8,
    len: usize,
    out: *mut *mut zstdpool_batch,
) -> zstdpool_status {
    // SAFETY: the caller passes NULL or a live handle.
    let pool = unsafe { PoolRef::new(pool) };
    handle::call("zstdpool_pool_process_one", pool, |handle| {
        // SAFETY: the caller passes NULL or NUL-terminated strings, valid during the call.
        let name = unsafe { args::utf8(name, "name") }?;
        // SAFETY: as for `name`.
        let dict_name = unsafe { args::optional_utf8(dict_name, "dict_name") }?;
        // SAFETY: the caller passes NULL or a pointer valid for writing a pointer.
        let out = unsafe { Out::new(out, "out") }?;
        let data: &[u8] = if len == 0 {
            &[]
        } else {
            // SAFETY: the caller passes NULL or `len` readable bytes, valid during the call.
            unsafe { args::bytes(data, len, "data") }?
        };
        let output = handle
            .pool()
            .process_one(name, dict_name, data)
            .map_err(|rejection| rejection.error)?;
        let output = BatchOutput::single(output);
        out.write(Box::into_raw(Box::new(zstdpool_batch::new(output))));
        Ok(())
    })
}

/// The number of entries of a batch; 0 when batch is NULL.
///
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_batch_count(batch: *const zstdpool_batch) -> usize {
    panic::catch_or(0, || {
        // SAFETY: the caller passes NULL or a live batch.
        unsafe { batch.as_ref() }.map_or(0, |b| b.output.len())
    })
}

/// Entry index's result: ZSTDPOOL_OK with its output in *data and *len (the bytes belong
/// to the batch and stay valid until zstdpool_batch_free(); *data may be NULL when *len is
/// 0), or the status it was rejected with (zstdpool_batch_message() says why; *data and
/// *len are then not written).
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT if batch, data or len is NULL or index >=
/// zstdpool_batch_count(). Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_batch_entry(
    batch: *const zstdpool_batch,
    index: usize,
    data: *mut *const u8,
    len: *mut usize,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live batch.
        let batch = unsafe { args::borrow(batch, "batch") }?;
        // SAFETY: the caller passes NULL or pointers valid for writing.
        let (data, len) = unsafe { (Out::new(data, "data")?, Out::new(len, "len")?) };
        if index >= batch.output.len() {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "index {index} is out of range: the batch has {} entries",
                    batch.output.len()
                ),
            ));
        }
        Ok(match batch.output.get(index) {
            Ok(bytes) => {
                data.write(bytes.as_ptr());
                len.write(bytes.len());
                Ok(())
            }
            Err(rejection) => Err(rejection.error.kind),
        })
    });
    match result {
        Ok(Ok(())) => error::ZSTDPOOL_OK,
        Ok(Err(kind)) => error::code(kind),
        Err(e) => error::fail("zstdpool_batch_entry", &e),
    }
}

/// Entries first to first + count - 1 at once (for bindings, where one call per entry
/// costs more than the entry): for each, its status to statuses[i] and, when it is
/// ZSTDPOOL_OK, its output to data[i] and lens[i] (else data[i] NULL and lens[i] 0). The
/// bytes belong to the batch and stay valid until zstdpool_batch_free().
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT if batch, data, lens or statuses is NULL (with
/// count > 0) or first + count > zstdpool_batch_count() (nothing is written then).
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_batch_entries(
    batch: *const zstdpool_batch,
    first: usize,
    count: usize,
    data: *mut *const u8,
    lens: *mut usize,
    statuses: *mut zstdpool_status,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live batch.
        let batch = unsafe { args::borrow(batch, "batch") }?;
        let end = first
            .checked_add(count)
            .filter(|&e| e <= batch.output.len());
        let Some(end) = end else {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "entries {first}..{first}+{count} are out of range: the batch has {} entries",
                    batch.output.len()
                ),
            ));
        };
        if count == 0 {
            return Ok(());
        }
        for (pointer, name) in [
            (data.is_null(), "data"),
            (lens.is_null(), "lens"),
            (statuses.is_null(), "statuses"),
        ] {
            if pointer {
                return Err(args::null(name));
            }
        }
        // SAFETY: non-NULL, and the caller passes arrays of `count` writable elements, not
        // aliased by any Rust object during the call.
        let (data, lens, statuses) = unsafe {
            (
                std::slice::from_raw_parts_mut(data, count),
                std::slice::from_raw_parts_mut(lens, count),
                std::slice::from_raw_parts_mut(statuses, count),
            )
        };
        for (i, index) in (first..end).enumerate() {
            match batch.output.get(index) {
                Ok(bytes) => {
                    data[i] = bytes.as_ptr();
                    lens[i] = bytes.len();
                    statuses[i] = error::ZSTDPOOL_OK;
                }
                Err(rejection) => {
                    data[i] = std::ptr::null();
                    lens[i] = 0;
                    statuses[i] = error::code(rejection.error.kind);
                }
            }
        }
        Ok(())
    });
    error::status("zstdpool_batch_entries", result)
}

/// Why entry index was rejected, starting with its name ("" for an entry that succeeded,
/// and for a NULL batch or an index out of range).
///
/// Ownership: the string belongs to the batch and stays valid until zstdpool_batch_free().
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_batch_message(
    batch: *const zstdpool_batch,
    index: usize,
) -> *const c_char {
    panic::catch_or(c"".as_ptr(), || {
        // SAFETY: the caller passes NULL or a live batch.
        unsafe { batch.as_ref() }
            .and_then(|b| b.messages.get(index))
            .map_or(c"".as_ptr(), |m| m.as_ptr())
    })
}

/// Frees a batch's outputs. NULL is a no-op.
///
/// Thread-safety: must be the last call on the batch.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_batch_free(batch: *mut zstdpool_batch) {
    panic::catch_or((), || {
        if !batch.is_null() {
            // SAFETY: a batch from a done callback or zstdpool_pool_run_batch(), freed once.
            drop(unsafe { Box::from_raw(batch) });
        }
    })
}
