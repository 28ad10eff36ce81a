//! Adapters from the caller's C callbacks to the core's Rust interfaces: read callback to
//! `std::io::Read`, write callback to `std::io::Write`, done callback to an entry's
//! completion, get/put callbacks to a `DictProvider`.
//!
//! The core calls all of them on its worker threads; the C caller promised, by handing the
//! callbacks and their `user_data` over, that this is allowed (see the documentation of
//! `zstdpool_pool_add` and `zstdpool_provider_callbacks_new`).

use std::ffi::{c_char, c_void};
use std::io::{self, Read, Write};
use std::ptr;

use super::dict_buffer::zstdpool_dict_buffer;
use super::error::{self, ZSTDPOOL_OK};
use super::strings::lossy_cstring;
use crate::entry::EntryResult;
use crate::provider::{DictProvider, ProviderError};

/// An entry's read callback (non-NULL).
pub(crate) type ReadFn = unsafe extern "C" fn(*mut c_void, *mut u8, usize, *mut usize) -> i32;
/// An entry's write callback (non-NULL).
pub(crate) type WriteFn = unsafe extern "C" fn(*mut c_void, *const u8, usize) -> i32;
/// An entry's done callback (non-NULL).
pub(crate) type DoneFn =
    unsafe extern "C" fn(*mut c_void, *const c_char, i32, *const c_char, u64, u64);
/// A provider's get callback (non-NULL).
pub(crate) type GetFn =
    unsafe extern "C" fn(*mut c_void, *const c_char, *mut zstdpool_dict_buffer) -> i32;
/// A provider's put callback (non-NULL).
pub(crate) type PutFn = unsafe extern "C" fn(*mut c_void, *const c_char, *const u8, usize) -> i32;
/// A provider's user-data destructor (non-NULL).
pub(crate) type FreeFn = unsafe extern "C" fn(*mut c_void);

/// Calls the caller's name callback once per name, in order, until it returns nonzero.
///
/// # Safety
/// `each_name` must be safe to call with `user_data` on this thread.
pub(crate) unsafe fn call_each_name(
    each_name: unsafe extern "C" fn(*mut c_void, *const c_char) -> i32,
    user_data: *mut c_void,
    names: impl IntoIterator<Item = String>,
) {
    for name in names {
        let name = lossy_cstring(name);
        // SAFETY: the caller's callback with its own user_data (this function's caller's
        // promise); `name` is valid during the call.
        if unsafe { each_name(user_data, name.as_ptr()) } != 0 {
            break;
        }
    }
}

/// The caller's `user_data` pointer, opaque to the library: only handed back to callbacks.
#[derive(Clone, Copy)]
pub(crate) struct UserData(pub *mut c_void);

// SAFETY: the pointer is never dereferenced by the library, only passed back to the
// caller's callbacks, and the caller agreed (zstdpool_pool_add's documentation) that those
// run on the pool's worker threads, i.e. that user_data may move to another thread.
unsafe impl Send for UserData {}

/// An entry's input: its read callback.
pub(crate) struct CallbackInput {
    read: ReadFn,
    user_data: UserData,
    /// The callback reported the end of the input: it is not called again.
    ended: bool,
}

impl CallbackInput {
    pub fn new(read: ReadFn, user_data: UserData) -> CallbackInput {
        CallbackInput {
            read,
            user_data,
            ended: false,
        }
    }
}

impl Read for CallbackInput {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.ended || buf.is_empty() {
            return Ok(0);
        }
        let mut len: usize = 0;
        // SAFETY: `buf` is valid for writing `buf.len()` bytes and `len` for writing a size_t
        // during the call, which is all the read callback's contract lets it touch.
        let code = unsafe { (self.read)(self.user_data.0, buf.as_mut_ptr(), buf.len(), &mut len) };
        if code != 0 {
            return Err(io::Error::other(format!(
                "the read callback returned error code {code}"
            )));
        }
        if len > buf.len() {
            return Err(io::Error::other(format!(
                "the read callback reported {len} bytes read into a buffer of {} bytes",
                buf.len()
            )));
        }
        self.ended = len == 0;
        Ok(len)
    }
}

/// An entry's output: its write callback.
pub(crate) struct CallbackOutput {
    write: WriteFn,
    user_data: UserData,
}

impl CallbackOutput {
    pub fn new(write: WriteFn, user_data: UserData) -> CallbackOutput {
        CallbackOutput { write, user_data }
    }
}

impl Write for CallbackOutput {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        // SAFETY: `buf` is valid for reading `buf.len()` bytes during the call.
        let code = unsafe { (self.write)(self.user_data.0, buf.as_ptr(), buf.len()) };
        if code != 0 {
            return Err(io::Error::other(format!(
                "the write callback returned error code {code}"
            )));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// An entry's completion: calls its done callback with the result. The callback may free
/// `user_data`: the input and output adapters, which hold copies of it, never call their
/// callbacks after the completion (the core drops them right after it).
pub(crate) fn completion(
    done: DoneFn,
    user_data: UserData,
) -> impl FnOnce(&EntryResult) + Send + 'static {
    move |result: &EntryResult| {
        // Use the whole `UserData` (`Send`) so that the closure captures it, not its field.
        let user_data: UserData = user_data;
        let (name, status, message, bytes_in, bytes_out) = match result {
            Ok(done) => (
                lossy_cstring(done.name.as_str()),
                ZSTDPOOL_OK,
                None,
                done.bytes_in,
                done.bytes_out,
            ),
            Err(rejection) => (
                lossy_cstring(rejection.name.as_str()),
                error::code(rejection.error.kind),
                Some(lossy_cstring(rejection.error.message.as_str())),
                0,
                0,
            ),
        };
        let message_ptr = message.as_ref().map_or(ptr::null(), |m| m.as_ptr());
        // SAFETY: `name` and `message` are NUL-terminated and live until after the call;
        // `user_data` is the caller's own pointer, handed back as agreed.
        unsafe {
            done(
                user_data.0,
                name.as_ptr(),
                status,
                message_ptr,
                bytes_in,
                bytes_out,
            )
        }
    }
}

/// A dictionary provider made of the caller's get and put callbacks.
pub(crate) struct CallbackProvider {
    get: GetFn,
    put: PutFn,
    free_user_data: Option<FreeFn>,
    user_data: *mut c_void,
}

// SAFETY: `user_data` is only passed back to the caller's callbacks, and the caller agreed
// (zstdpool_provider_callbacks_new's documentation) that get and put may be called from
// any worker thread, concurrently, and that free_user_data may run on any thread.
unsafe impl Send for CallbackProvider {}
// SAFETY: as for `Send`: the provider has no state of its own besides the caller's.
unsafe impl Sync for CallbackProvider {}

impl CallbackProvider {
    pub fn new(
        get: GetFn,
        put: PutFn,
        free_user_data: Option<FreeFn>,
        user_data: *mut c_void,
    ) -> CallbackProvider {
        CallbackProvider {
            get,
            put,
            free_user_data,
            user_data,
        }
    }
}

impl DictProvider for CallbackProvider {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, ProviderError> {
        let name = lossy_cstring(name);
        let mut buffer = zstdpool_dict_buffer::empty();
        // SAFETY: `name` is NUL-terminated and `buffer` valid for the duration of the call.
        let code = unsafe { (self.get)(self.user_data, name.as_ptr(), &mut buffer) };
        if code != 0 {
            return Err(format!("the get callback returned error code {code}").into());
        }
        Ok(buffer.take())
    }

    fn put(&self, name: &str, dict: &[u8]) -> Result<(), ProviderError> {
        let name = lossy_cstring(name);
        // SAFETY: `name` is NUL-terminated and `dict` readable for `dict.len()` bytes during
        // the call.
        let code = unsafe { (self.put)(self.user_data, name.as_ptr(), dict.as_ptr(), dict.len()) };
        if code != 0 {
            return Err(format!("the put callback returned error code {code}").into());
        }
        Ok(())
    }
}

impl Drop for CallbackProvider {
    /// The last reference is gone: hands `user_data` back to the caller, once.
    fn drop(&mut self) {
        if let Some(free) = self.free_user_data {
            // SAFETY: the caller's destructor for its own pointer, called exactly once (drop).
            unsafe { free(self.user_data) }
        }
    }
}
