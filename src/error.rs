//! What can go wrong: the kind of an error (a stable code for the C API) and its message.

use std::any::Any;
use std::fmt;

/// Defines `ErrorKind` from one table: each kind, its status code in the C API and its
/// description. The C header's `ZSTDPOOL_ERR_*` constants are checked against it
/// (`ffi::error`'s tests), so this is the one list of kinds.
macro_rules! error_kinds {
    ($($(#[doc = $doc:literal])* $kind:ident = $code:literal, $describe:literal;)*) => {
        /// The kind of an error. Each kind has a fixed status code in the C API (`zstdpool.h`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ErrorKind {
            $($(#[doc = $doc])* $kind = $code,)*
        }

        impl ErrorKind {
            /// Every kind, in the order of their codes.
            pub const ALL: &[ErrorKind] = &[$(ErrorKind::$kind),*];

            /// A short description of the kind, e.g. "reading the input failed".
            pub fn describe(self) -> &'static str {
                match self {
                    $(ErrorKind::$kind => $describe,)*
                }
            }
        }
    };
}

error_kinds! {
    /// A bad argument: NULL pointer, name not UTF-8, ...
    InvalidArgument = 1, "invalid argument";
    /// A configuration value out of range.
    InvalidConfig = 2, "invalid configuration";
    /// The pool is stopping or stopped: it takes no new entries.
    Stopped = 3, "pool is stopped";
    /// The call would deadlock (e.g. `wait` or `join` from inside one of the pool's callbacks).
    WouldDeadlock = 4, "call would deadlock";
    /// `join` returned before the workers finished.
    Timeout = 5, "timed out";
    /// Reading an entry's input failed.
    Read = 6, "reading the input failed";
    /// Writing an entry's output failed.
    Write = 7, "writing the output failed";
    /// The input gave another number of bytes than its declared size.
    SizeMismatch = 8, "input size differs from its declared size";
    /// The dictionary provider failed (get or put).
    Provider = 9, "dictionary provider failed";
    /// The dictionary bytes are not a valid zstd dictionary.
    BadDictionary = 10, "not a valid zstd dictionary";
    /// A frame needs a dictionary that is not available.
    DictMissing = 11, "dictionary missing";
    /// A frame needs another dictionary than the entry's.
    DictMismatch = 12, "dictionary mismatch";
    /// Decompression input is empty.
    EmptyInput = 13, "empty input";
    /// Decompression input is not zstd data.
    NotZstd = 14, "not zstd data";
    /// Decompression input ends in the middle of a frame.
    Truncated = 15, "truncated input";
    /// Decompression input is corrupt (including a checksum mismatch).
    Corrupt = 16, "corrupt input";
    /// The decompressed size exceeds the configured maximum.
    TooLarge = 17, "decompressed size exceeds the limit";
    /// Another libzstd error.
    Zstd = 18, "zstd error";
    /// A bug: a panic inside the pool, caught and turned into this error.
    Panic = 19, "internal error (panic)";
    /// The system refused a resource the pool needs (e.g. a worker thread).
    System = 20, "system resource unavailable";
    /// The pool was cancelled before the entry was processed.
    Cancelled = 21, "cancelled";
    /// The archive database failed (SQLite: I/O, full disk, read-only file, locked, ...).
    Database = 22, "database error";
    /// The database is not a zstdpool archive: other tables, or other columns than its schema.
    NotOurDatabase = 23, "not a zstdpool archive database";
    /// A job input named as a ZIP file is not a ZIP file.
    NotZip = 24, "not a ZIP file";
    /// A ZIP file is truncated or its structure or DEFLATE data is corrupt.
    CorruptZip = 25, "truncated or corrupt ZIP file";
    /// A ZIP entry inflates to other bytes than its recorded CRC-32 says.
    CrcMismatch = 26, "ZIP entry fails its CRC-32 check";
    /// A ZIP entry is encrypted.
    Encrypted = 27, "encrypted ZIP entry";
    /// A ZIP entry uses a compression method other than stored or DEFLATE.
    UnsupportedEntry = 28, "unsupported ZIP compression method";
    /// Two files of one job have the same name.
    DuplicateName = 29, "duplicate file name in a job";
    /// A file name that is empty, not UTF-8, contains `..`, `/` (below the job folder) or NUL.
    UnsafeName = 30, "unsafe file name";
    /// A job input without any file.
    EmptyJob = 31, "job without files";
    /// No job number in the input's name nor in its file names.
    NoJobNumber = 32, "no job number found";
    /// Two inputs give the same job number.
    DuplicateJob = 33, "two inputs give the same job number";
    /// A dictionary row's `zstd_id` disagrees with the id in its dictionary's header.
    DictIdConflict = 34, "dictionary id column disagrees with the dictionary";
    /// No such job, or no such file in the job.
    NotFound = 35, "no such job or file";
}

impl ErrorKind {
    /// The kind's status code in the C API (`ZSTDPOOL_ERR_*`).
    pub fn code(self) -> i32 {
        self as i32
    }

    /// The kind of a status code, if it is one.
    pub fn from_code(code: i32) -> Option<ErrorKind> {
        ErrorKind::ALL.iter().copied().find(|k| k.code() == code)
    }
}

/// An error: its kind and a message saying what happened to what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The kind, stable across versions.
    pub kind: ErrorKind,
    /// A message for people.
    pub message: String,
}

impl Error {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// The error a caught panic stands for, with the panic's message.
    pub(crate) fn from_panic(payload: &(dyn Any + Send)) -> Error {
        Error::new(ErrorKind::Panic, panic_message(payload))
    }
}

/// "internal error (panic): <the panic's message>".
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    format!("internal error (panic): {text}")
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<crate::config::ConfigError> for Error {
    fn from(e: crate::config::ConfigError) -> Error {
        Error::new(ErrorKind::InvalidConfig, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_dense_from_one_and_round_trip() {
        for (i, &kind) in ErrorKind::ALL.iter().enumerate() {
            assert_eq!(kind.code(), i as i32 + 1);
            assert_eq!(ErrorKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(ErrorKind::from_code(0), None);
        assert_eq!(ErrorKind::from_code(ErrorKind::ALL.len() as i32 + 1), None);
    }
}
