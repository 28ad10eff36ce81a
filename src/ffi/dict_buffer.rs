//! The buffer a provider's get callback hands its dictionary over in.

use super::args;
use super::error::{self, zstdpool_status};
use super::panic;

/// Where a get callback puts the dictionary it found (opaque; filled with
/// zstdpool_dict_buffer_set()). It exists only during the get callback.
pub struct zstdpool_dict_buffer {
    bytes: Option<Vec<u8>>,
}

impl zstdpool_dict_buffer {
    /// A buffer holding no dictionary.
    pub(crate) fn empty() -> zstdpool_dict_buffer {
        zstdpool_dict_buffer { bytes: None }
    }

    /// The dictionary handed over, if any.
    pub(crate) fn take(&mut self) -> Option<Vec<u8>> {
        self.bytes.take()
    }
}

/// Hands a dictionary to the pool from inside a zstdpool_dict_get_fn callback: copies len
/// bytes from data into out (a second call replaces the first). Only valid on the out
/// pointer the callback received, during that call.
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT if out or data is NULL (out is then unchanged).
/// Thread-safety: on the callback's own thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_dict_buffer_set(
    out: *mut zstdpool_dict_buffer,
    data: *const u8,
    len: usize,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or the buffer its get callback received, during it.
        let out = unsafe { args::borrow_mut(out, "out") }?;
        // SAFETY: the caller passes NULL or `len` readable bytes.
        let data = unsafe { args::bytes(data, len, "data") }?;
        out.bytes = Some(data.to_vec());
        Ok(())
    });
    error::status("zstdpool_dict_buffer_set", result)
}
