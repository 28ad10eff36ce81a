//! libzstd's `size_t` error codes turned into a Rust error with its name.

use std::ffi::CStr;
use std::fmt;

/// An error reported by libzstd: its numeric code and libzstd's own description.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZstdError {
    code: zstd_sys::ZSTD_ErrorCode,
}

impl ZstdError {
    /// Checks a libzstd `size_t` result: the value itself, or the error it encodes.
    pub(crate) fn check(result: usize) -> Result<usize, ZstdError> {
        // SAFETY: ZSTD_isError is a pure function of its argument.
        if unsafe { zstd_sys::ZSTD_isError(result) } == 0 {
            return Ok(result);
        }
        // SAFETY: ZSTD_getErrorCode only decodes the value, whatever it is.
        let code = unsafe { zstd_sys::ZSTD_getErrorCode(result) };
        Err(ZstdError { code })
    }

    /// Checks a ZDICT (trainer) result, which shares the same error encoding.
    pub(crate) fn check_zdict(result: usize) -> Result<usize, ZstdError> {
        Self::check(result)
    }

    /// The error an allocation failure stands for.
    pub(crate) fn memory() -> ZstdError {
        ZstdError {
            code: zstd_sys::ZSTD_ErrorCode::ZSTD_error_memory_allocation,
        }
    }

    /// True for libzstd's complaints about sizes ("Src size is incorrect", "Destination
    /// buffer is too small"): from a trainer, they mean too little data to train on.
    pub(crate) fn is_size_complaint(&self) -> bool {
        matches!(
            self.code,
            zstd_sys::ZSTD_ErrorCode::ZSTD_error_srcSize_wrong
                | zstd_sys::ZSTD_ErrorCode::ZSTD_error_dstSize_tooSmall
        )
    }

    /// libzstd's description, e.g. "Data corruption detected".
    pub fn name(&self) -> &'static str {
        // SAFETY: ZSTD_getErrorString returns a static NUL-terminated string for any code.
        let text = unsafe { CStr::from_ptr(zstd_sys::ZSTD_getErrorString(self.code)) };
        text.to_str().unwrap_or("unknown libzstd error")
    }
}

impl fmt::Display for ZstdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::error::Error for ZstdError {}

impl ZstdError {
    /// The error a dictionary that libzstd refused to load stands for.
    pub(crate) fn dictionary() -> ZstdError {
        ZstdError {
            code: zstd_sys::ZSTD_ErrorCode::ZSTD_error_dictionary_corrupted,
        }
    }
}

impl ZstdError {
    /// libzstd's "Src size is incorrect", used where the inputs cannot even be described.
    pub(crate) fn src_size() -> ZstdError {
        ZstdError {
            code: zstd_sys::ZSTD_ErrorCode::ZSTD_error_srcSize_wrong,
        }
    }
}
