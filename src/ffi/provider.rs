//! Dictionary providers: where pools find and store their dictionaries. A provider handle
//! is one reference to a shared, reference-counted store.

use std::ffi::{OsStr, c_char, c_void};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::Arc;

use super::args::{self, Out};
use super::callback::CallbackProvider;
use super::dict_buffer::zstdpool_dict_buffer;
use super::error::{self, zstdpool_status};
use super::panic;
use crate::error::{Error, ErrorKind};
use crate::provider::{DictProvider, DirectoryProvider, MemoryProvider};

/// A dictionary provider (opaque): a store of zstd dictionaries by name, which pools ask
/// for a category's dictionary and where they store the dictionaries they train.
///
/// Providers are reference-counted: a pool created with a provider keeps its own reference,
/// so the caller may free its handle at any time, even while pools use the provider; the
/// store goes away with the last reference. Several pools may share one provider.
///
/// Thread-safety: a provider is used by the pools' worker threads concurrently; a handle
/// may be passed to pool creation from several threads at once, but must not be freed while
/// another thread uses it.
pub struct zstdpool_provider {
    inner: Arc<dyn DictProvider>,
}

impl zstdpool_provider {
    /// A new reference to the provider, for a pool.
    pub(crate) fn share(&self) -> Arc<dyn DictProvider> {
        Arc::clone(&self.inner)
    }
}

/// A provider's get callback: looks the dictionary `name` up in the caller's store.
///
/// To hand a dictionary over, call zstdpool_dict_buffer_set(out, bytes, len) (it copies the
/// bytes) and return 0. Returning 0 without calling it means "no dictionary stored under
/// this name" (the pool then trains one, or works without one). A nonzero return is an
/// error: every entry of that category is rejected with ZSTDPOOL_ERR_PROVIDER and a message
/// quoting the code.
///
/// Called on one of the pools' worker threads, at most once per name per pool (when the
/// pool first meets the category). Calls for different names, or from different pools
/// sharing the provider, may run concurrently on different threads. name and out are valid
/// only during the call; name is never NULL. It may call zstdpool functions, except
/// zstdpool_pool_wait(), zstdpool_pool_join() and zstdpool_pool_free() on a pool whose
/// worker runs it (refused with ZSTDPOOL_ERR_WOULD_DEADLOCK).
pub type zstdpool_dict_get_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        name: *const c_char,
        out: *mut zstdpool_dict_buffer,
    ) -> i32,
>;

/// A provider's put callback: stores the dictionary `name`, len bytes at dict, replacing
/// any previous one, and returns 0; a nonzero return is an error: the trained dictionary is
/// not used (frames made with it could not be decompressed later) and every entry of that
/// category is rejected with ZSTDPOOL_ERR_PROVIDER and a message quoting the code.
///
/// Called on one of the pools' worker threads, once per dictionary a pool trains. Calls for
/// different names, or from different pools sharing the provider, may run concurrently.
/// name and dict are valid only during the call (copy the bytes); neither is NULL. The same
/// rules as for zstdpool_dict_get_fn apply to calling zstdpool functions from it.
pub type zstdpool_dict_put_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        name: *const c_char,
        dict: *const u8,
        len: usize,
    ) -> i32,
>;

/// Hands a new provider handle to the caller through `out`.
fn give(out: Out<*mut zstdpool_provider>, inner: Arc<dyn DictProvider>) {
    out.write(Box::into_raw(Box::new(zstdpool_provider { inner })));
}

/// Creates a provider that stores dictionaries as files in the directory path (created,
/// with its parents, if missing): one standard zstd dictionary per name, usable with
/// `zstd -D`, written atomically. A file is named after its dictionary: ASCII letters,
/// digits, '-', '_', '.' (not first) and non-ASCII characters as they are, other bytes as
/// %XX, then ".zdict" ("Gauss_#_#.log" -> "Gauss_%23_%23.log.zdict"); a name longer than
/// 200 bytes so written keeps its first 183 bytes, then '~' and 16 hex digits of a hash of
/// the whole name. Decompression finds these files by dictionary id too.
///
/// On success writes the new handle to *out; the caller owns it and frees it with
/// zstdpool_provider_free(). Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT if path or out is NULL
/// or path is ""; ZSTDPOOL_ERR_PROVIDER if the directory cannot be created (*out is then
/// not written).
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_provider_dir_new(
    path: *const c_char,
    out: *mut *mut zstdpool_provider,
) -> zstdpool_status {
    let result = panic::catch(|| {
        if path.is_null() {
            return Err(args::null("path"));
        }
        // SAFETY: non-NULL, and the caller passes a NUL-terminated string.
        let bytes = unsafe { std::ffi::CStr::from_ptr(path) }.to_bytes();
        // SAFETY: the caller passes NULL or a pointer valid for writing a handle pointer.
        let out = unsafe { Out::new(out, "out") }?;
        if bytes.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                "path: empty directory path (use \".\" for the current directory)",
            ));
        }
        let dir = Path::new(OsStr::from_bytes(bytes));
        let provider = DirectoryProvider::new(dir).map_err(|e| {
            Error::new(
                ErrorKind::Provider,
                format!(
                    "cannot create the dictionary directory {}: {e}",
                    dir.display()
                ),
            )
        })?;
        give(out, Arc::new(provider));
        Ok(())
    });
    error::status("zstdpool_provider_dir_new", result)
}

/// Looks the dictionary name up in the provider (as a pool does): writes its size to *len
/// and, when cap >= *len, copies it into buf (buf may be NULL when cap is 0: call once with
/// cap 0 to learn the size). With dictionaries read this way and stored with
/// zstdpool_provider_put() into another provider, frames made in one process can be read
/// in another.
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (provider, name or len NULL, name not UTF-8, buf
/// NULL with cap > 0); ZSTDPOOL_ERR_DICT_MISSING when the provider has no dictionary under
/// that name; ZSTDPOOL_ERR_PROVIDER when the store fails. Thread-safety: any thread,
/// concurrently with the pools using the provider.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_provider_get(
    provider: *const zstdpool_provider,
    name: *const c_char,
    buf: *mut u8,
    cap: usize,
    len: *mut usize,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live provider handle.
        let provider = unsafe { args::borrow(provider, "provider") }?;
        // SAFETY: the caller passes NULL or a NUL-terminated string, valid during the call.
        let name = unsafe { args::utf8(name, "name") }?;
        // SAFETY: the caller passes NULL or a pointer valid for writing a size_t.
        let len = unsafe { Out::new(len, "len") }?;
        // SAFETY: the caller passes NULL (with cap 0) or `cap` writable bytes.
        let buf = unsafe { args::SizedBuffer::new(buf, cap) }?;
        let dict = provider
            .inner
            .get(name)
            .map_err(|e| Error::new(ErrorKind::Provider, format!("getting '{name}': {e}")))?
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::DictMissing,
                    format!("no dictionary is stored under '{name}'"),
                )
            })?;
        buf.fill(&dict, len);
        Ok(())
    });
    error::status("zstdpool_provider_get", result)
}

/// Stores the len bytes at data as the dictionary name (replacing any), as a pool does
/// after training: to preload a provider with dictionaries from elsewhere.
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (provider, name or data NULL, name not UTF-8 or
/// ""); ZSTDPOOL_ERR_BAD_DICTIONARY when the bytes are not a zstd dictionary with an id;
/// ZSTDPOOL_ERR_PROVIDER when the store fails. Thread-safety: any thread, concurrently with
/// the pools using the provider.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_provider_put(
    provider: *const zstdpool_provider,
    name: *const c_char,
    data: *const u8,
    len: usize,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live provider handle.
        let provider = unsafe { args::borrow(provider, "provider") }?;
        // SAFETY: the caller passes NULL or a NUL-terminated string, valid during the call.
        let name = unsafe { args::utf8(name, "name") }?;
        if name.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                "name: empty dictionary name",
            ));
        }
        // SAFETY: the caller passes NULL or `len` readable bytes.
        let data = unsafe { args::bytes(data, len, "data") }?;
        if crate::libzstd::dictionary_id(data) == 0 {
            return Err(Error::new(
                ErrorKind::BadDictionary,
                format!("'{name}': the bytes are not a zstd dictionary with an id"),
            ));
        }
        provider
            .inner
            .put(name, data)
            .map_err(|e| Error::new(ErrorKind::Provider, format!("storing '{name}': {e}")))
    });
    error::status("zstdpool_provider_put", result)
}

/// Called once per dictionary name by zstdpool_provider_list(), in sorted order; name is
/// valid during the call only. Returning nonzero stops the listing.
pub type zstdpool_name_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, name: *const c_char) -> i32>;

/// Lists the names of the dictionaries the provider holds, calling each_name for each
/// (on the calling thread, before this returns).
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (provider or each_name NULL);
/// ZSTDPOOL_ERR_PROVIDER when the store cannot be read or cannot list (a callback
/// provider). Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_provider_list(
    provider: *const zstdpool_provider,
    each_name: zstdpool_name_fn,
    user_data: *mut c_void,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live provider handle.
        let provider = unsafe { args::borrow(provider, "provider") }?;
        let each_name = each_name.ok_or_else(|| args::null("each_name"))?;
        let names = provider
            .inner
            .names()
            .map_err(|e| Error::new(ErrorKind::Provider, format!("listing: {e}")))?;
        // SAFETY: the caller's callback and user_data, called on this thread.
        unsafe { super::callback::call_each_name(each_name, user_data, names) };
        Ok(())
    });
    error::status("zstdpool_provider_list", result)
}

/// Creates a provider that keeps dictionaries in memory, for as long as the provider lives
/// (e.g. to compress and then decompress within one process, or in tests).
///
/// On success writes the new handle to *out; the caller owns it and frees it with
/// zstdpool_provider_free(). Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT if out is NULL.
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_provider_memory_new(
    out: *mut *mut zstdpool_provider,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a pointer valid for writing a handle pointer.
        let out = unsafe { Out::new(out, "out") }?;
        give(out, Arc::new(MemoryProvider::new()));
        Ok(())
    });
    error::status("zstdpool_provider_memory_new", result)
}

/// Creates a provider backed by the caller's store: get looks a dictionary up, put stores
/// one (see zstdpool_dict_get_fn and zstdpool_dict_put_fn), both receiving user_data first.
///
/// get and put must be thread-safe: they are called from the pools' worker threads,
/// concurrently for different names and for different pools. free_user_data (may be NULL)
/// is called exactly once, with user_data, when the last reference to the provider goes
/// away: from zstdpool_provider_free() or zstdpool_pool_free(), whichever releases the last
/// reference, on the thread that calls it; after it no callback is called again. user_data
/// is never dereferenced by the library and may be NULL.
///
/// On success writes the new handle to *out; the caller owns it and frees it with
/// zstdpool_provider_free(). Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT if get, put or out is
/// NULL; free_user_data is then NOT called (the caller keeps user_data). Thread-safety: any
/// thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_provider_callbacks_new(
    get: zstdpool_dict_get_fn,
    put: zstdpool_dict_put_fn,
    free_user_data: Option<unsafe extern "C" fn(user_data: *mut c_void)>,
    user_data: *mut c_void,
    out: *mut *mut zstdpool_provider,
) -> zstdpool_status {
    let result = panic::catch(|| {
        let get = get.ok_or_else(|| args::null("get"))?;
        let put = put.ok_or_else(|| args::null("put"))?;
        // SAFETY: the caller passes NULL or a pointer valid for writing a handle pointer.
        let out = unsafe { Out::new(out, "out") }?;
        give(
            out,
            Arc::new(CallbackProvider::new(get, put, free_user_data, user_data)),
        );
        Ok(())
    });
    error::status("zstdpool_provider_callbacks_new", result)
}

/// Releases the caller's reference to a provider. NULL is a no-op. Pools created with it
/// keep their own references, so it may be called while they run; the store (and, for a
/// callback provider, its user data through free_user_data) goes away with the last
/// reference. The handle must not be used afterwards, nor by another thread meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_provider_free(provider: *mut zstdpool_provider) {
    panic::catch_or((), || {
        if !provider.is_null() {
            // SAFETY: a non-NULL handle comes from a zstdpool_provider_*_new() function and is
            // freed once.
            drop(unsafe { Box::from_raw(provider) });
        }
    });
}
