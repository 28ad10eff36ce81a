//! Status codes (one per `ErrorKind`, stable across versions), their descriptions, and the
//! per-thread message of the last failed call.

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::sync::OnceLock;

use super::panic;
use super::strings;
use crate::error::{Error, ErrorKind};

/// The result of every fallible zstdpool function: `ZSTDPOOL_OK` (0) or one of the positive
/// `ZSTDPOOL_ERR_*` codes. The codes are stable across versions; new ones may be added, so
/// treat any other nonzero value as an error (zstdpool_status_str() then answers
/// "unknown status").
pub type zstdpool_status = i32;

/// Success.
pub const ZSTDPOOL_OK: i32 = 0;
/// A bad argument: a NULL pointer, a name that is not UTF-8, an unknown option, an index out
/// of range. The message names the argument.
pub const ZSTDPOOL_ERR_INVALID_ARGUMENT: i32 = 1;
/// A configuration value out of its range. The message names the field and its range.
pub const ZSTDPOOL_ERR_INVALID_CONFIG: i32 = 2;
/// The pool is stopping or stopped: it takes no new entries and cannot restart.
pub const ZSTDPOOL_ERR_STOPPED: i32 = 3;
/// The call was refused because it would deadlock: zstdpool_pool_wait(),
/// zstdpool_pool_join() or zstdpool_pool_free() from inside one of the pool's own callbacks.
pub const ZSTDPOOL_ERR_WOULD_DEADLOCK: i32 = 4;
/// zstdpool_pool_join() returned before the workers finished.
pub const ZSTDPOOL_ERR_TIMEOUT: i32 = 5;
/// Reading an entry's input failed (its read callback returned nonzero).
pub const ZSTDPOOL_ERR_READ: i32 = 6;
/// Writing an entry's output failed (its write callback returned nonzero).
pub const ZSTDPOOL_ERR_WRITE: i32 = 7;
/// The input gave another number of bytes than its declared size.
pub const ZSTDPOOL_ERR_SIZE_MISMATCH: i32 = 8;
/// The dictionary provider failed (get or put).
pub const ZSTDPOOL_ERR_PROVIDER: i32 = 9;
/// The dictionary bytes are not a valid zstd dictionary.
pub const ZSTDPOOL_ERR_BAD_DICTIONARY: i32 = 10;
/// A frame needs a dictionary that is not available.
pub const ZSTDPOOL_ERR_DICT_MISSING: i32 = 11;
/// A frame needs another dictionary than the one of its entry's category.
pub const ZSTDPOOL_ERR_DICT_MISMATCH: i32 = 12;
/// Decompression input is empty.
pub const ZSTDPOOL_ERR_EMPTY_INPUT: i32 = 13;
/// Decompression input is not zstd data.
pub const ZSTDPOOL_ERR_NOT_ZSTD: i32 = 14;
/// Decompression input ends in the middle of a frame.
pub const ZSTDPOOL_ERR_TRUNCATED: i32 = 15;
/// Decompression input is corrupt (including a checksum mismatch).
pub const ZSTDPOOL_ERR_CORRUPT: i32 = 16;
/// The decompressed size exceeds ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE.
pub const ZSTDPOOL_ERR_TOO_LARGE: i32 = 17;
/// Another libzstd error.
pub const ZSTDPOOL_ERR_ZSTD: i32 = 18;
/// A bug: a panic inside the library, caught at the boundary.
pub const ZSTDPOOL_ERR_PANIC: i32 = 19;
/// The system refused a resource the pool needs (e.g. a worker thread could not be started).
pub const ZSTDPOOL_ERR_SYSTEM: i32 = 20;
/// The pool was cancelled (zstdpool_pool_cancel()) before the entry was processed.
pub const ZSTDPOOL_ERR_CANCELLED: i32 = 21;
/// The archive database failed (SQLite: I/O, full disk, read-only file, locked).
pub const ZSTDPOOL_ERR_DATABASE: i32 = 22;
/// The database is not a zstdpool archive (other tables or columns).
pub const ZSTDPOOL_ERR_NOT_OUR_DATABASE: i32 = 23;
/// A job input named as a ZIP file is not a ZIP file.
pub const ZSTDPOOL_ERR_NOT_ZIP: i32 = 24;
/// A ZIP file is truncated or corrupt.
pub const ZSTDPOOL_ERR_CORRUPT_ZIP: i32 = 25;
/// A ZIP entry fails its CRC-32 check.
pub const ZSTDPOOL_ERR_CRC_MISMATCH: i32 = 26;
/// A ZIP entry is encrypted.
pub const ZSTDPOOL_ERR_ENCRYPTED: i32 = 27;
/// A ZIP entry uses a compression method other than stored or DEFLATE.
pub const ZSTDPOOL_ERR_UNSUPPORTED_ENTRY: i32 = 28;
/// Two files of one job have the same name.
pub const ZSTDPOOL_ERR_DUPLICATE_NAME: i32 = 29;
/// A file name that is empty, not UTF-8, or contains `..`, `/` or NUL.
pub const ZSTDPOOL_ERR_UNSAFE_NAME: i32 = 30;
/// A job input without any file.
pub const ZSTDPOOL_ERR_EMPTY_JOB: i32 = 31;
/// No job number in the input's name nor in its file names.
pub const ZSTDPOOL_ERR_NO_JOB_NUMBER: i32 = 32;
/// Two inputs give the same job number.
pub const ZSTDPOOL_ERR_DUPLICATE_JOB: i32 = 33;
/// A dictionary row's zstd_id disagrees with its dictionary's header.
pub const ZSTDPOOL_ERR_DICT_ID_CONFLICT: i32 = 34;
/// No such job, or no such file in the job.
pub const ZSTDPOOL_ERR_NOT_FOUND: i32 = 35;

/// The status code of an error kind.
pub(crate) fn code(kind: ErrorKind) -> zstdpool_status {
    kind.code()
}

/// The static, NUL-terminated description of a status code.
fn describe(status: zstdpool_status) -> &'static CStr {
    /// `ErrorKind::describe` of every code, as C strings, made once.
    static DESCRIPTIONS: OnceLock<Vec<CString>> = OnceLock::new();
    let Some(kind) = ErrorKind::from_code(status) else {
        return if status == ZSTDPOOL_OK {
            c"ok"
        } else {
            c"unknown status"
        };
    };
    let all = DESCRIPTIONS.get_or_init(|| {
        ErrorKind::ALL
            .iter()
            .map(|kind| strings::lossy_cstring(kind.describe()))
            .collect()
    });
    &all[kind as usize - 1]
}

thread_local! {
    /// The message of the last failed call on this thread.
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Records `error` as this thread's last error, prefixed with the failing function's name,
/// and returns its status code.
pub(crate) fn fail(function: &str, error: &Error) -> zstdpool_status {
    let message = strings::lossy_cstring(format!("{function}: {}", error.message));
    // `try_with`: during thread teardown the slot may be gone; the code still goes back.
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = message);
    code(error.kind)
}

/// The status of a call's result, recording the error as this thread's last error.
pub(crate) fn status(function: &str, result: Result<(), Error>) -> zstdpool_status {
    match result {
        Ok(()) => ZSTDPOOL_OK,
        Err(error) => fail(function, &error),
    }
}

/// A static description of a status code, e.g. "reading the input failed" for
/// ZSTDPOOL_ERR_READ, "ok" for ZSTDPOOL_OK, and "unknown status" for any other value.
///
/// Ownership: the string is static; never free it. Thread-safety: may be called from any
/// thread at any time. Never fails.
#[unsafe(no_mangle)]
pub extern "C" fn zstdpool_status_str(status: zstdpool_status) -> *const c_char {
    panic::catch_or(c"unknown status".as_ptr(), || describe(status).as_ptr())
}

/// The message of the last zstdpool call that failed on the calling thread, naming the
/// function and what was wrong (e.g. "zstdpool_config_set: invalid level: 99 is outside the
/// allowed range -131072..=22"); "" when no call has failed on this thread yet.
///
/// Ownership: the string belongs to the library; never free it. It stays valid until the
/// next zstdpool call on the same thread (copy it to keep it). Successful calls do not clear
/// it: check the status code first, then read the message.
///
/// Thread-safety: each thread has its own message; errors of a pool's callbacks' own
/// zstdpool calls are recorded on the worker thread that made them. See also
/// zstdpool_pool_last_error() for the last error of one pool, whichever thread caused it.
#[unsafe(no_mangle)]
pub extern "C" fn zstdpool_last_error() -> *const c_char {
    panic::catch_or(c"".as_ptr(), || {
        LAST_ERROR
            .try_with(|slot| slot.borrow().as_ptr())
            .unwrap_or(c"".as_ptr())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header's constants, as cbindgen needs them (literals), against the one table.
    #[test]
    fn header_constants_match_the_kinds() {
        let constants = [
            ZSTDPOOL_ERR_INVALID_ARGUMENT,
            ZSTDPOOL_ERR_INVALID_CONFIG,
            ZSTDPOOL_ERR_STOPPED,
            ZSTDPOOL_ERR_WOULD_DEADLOCK,
            ZSTDPOOL_ERR_TIMEOUT,
            ZSTDPOOL_ERR_READ,
            ZSTDPOOL_ERR_WRITE,
            ZSTDPOOL_ERR_SIZE_MISMATCH,
            ZSTDPOOL_ERR_PROVIDER,
            ZSTDPOOL_ERR_BAD_DICTIONARY,
            ZSTDPOOL_ERR_DICT_MISSING,
            ZSTDPOOL_ERR_DICT_MISMATCH,
            ZSTDPOOL_ERR_EMPTY_INPUT,
            ZSTDPOOL_ERR_NOT_ZSTD,
            ZSTDPOOL_ERR_TRUNCATED,
            ZSTDPOOL_ERR_CORRUPT,
            ZSTDPOOL_ERR_TOO_LARGE,
            ZSTDPOOL_ERR_ZSTD,
            ZSTDPOOL_ERR_PANIC,
            ZSTDPOOL_ERR_SYSTEM,
            ZSTDPOOL_ERR_CANCELLED,
            ZSTDPOOL_ERR_DATABASE,
            ZSTDPOOL_ERR_NOT_OUR_DATABASE,
            ZSTDPOOL_ERR_NOT_ZIP,
            ZSTDPOOL_ERR_CORRUPT_ZIP,
            ZSTDPOOL_ERR_CRC_MISMATCH,
            ZSTDPOOL_ERR_ENCRYPTED,
            ZSTDPOOL_ERR_UNSUPPORTED_ENTRY,
            ZSTDPOOL_ERR_DUPLICATE_NAME,
            ZSTDPOOL_ERR_UNSAFE_NAME,
            ZSTDPOOL_ERR_EMPTY_JOB,
            ZSTDPOOL_ERR_NO_JOB_NUMBER,
            ZSTDPOOL_ERR_DUPLICATE_JOB,
            ZSTDPOOL_ERR_DICT_ID_CONFLICT,
            ZSTDPOOL_ERR_NOT_FOUND,
        ];
        let codes: Vec<i32> = ErrorKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(constants.to_vec(), codes);
        for kind in ErrorKind::ALL {
            assert_eq!(describe(kind.code()).to_str().unwrap(), kind.describe());
        }
        assert_eq!(describe(ZSTDPOOL_OK).to_str().unwrap(), "ok");
        assert_eq!(describe(-1).to_str().unwrap(), "unknown status");
        assert_eq!(describe(i32::MIN).to_str().unwrap(), "unknown status");
    }
}
