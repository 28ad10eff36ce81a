//! What can go wrong: the kind of an error (a stable code for the C API) and its message.

use std::fmt;

/// The kind of an error. Each kind has a fixed status code in the C API (`zstdpool.h`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorKind {
    /// A bad argument: NULL pointer, name not UTF-8, ...
    InvalidArgument,
    /// A configuration value out of range.
    InvalidConfig,
    /// The pool is stopping or stopped: it takes no new entries.
    Stopped,
    /// The call would deadlock (e.g. `wait` or `join` from inside one of the pool's callbacks).
    WouldDeadlock,
    /// `join` returned before the workers finished.
    Timeout,
    /// Reading an entry's input failed.
    Read,
    /// Writing an entry's output failed.
    Write,
    /// The input gave another number of bytes than its declared size.
    SizeMismatch,
    /// The dictionary provider failed (get or put).
    Provider,
    /// The dictionary bytes are not a valid zstd dictionary.
    BadDictionary,
    /// A frame needs a dictionary that is not available.
    DictMissing,
    /// A frame needs another dictionary than the entry's.
    DictMismatch,
    /// Decompression input is empty.
    EmptyInput,
    /// Decompression input is not zstd data.
    NotZstd,
    /// Decompression input ends in the middle of a frame.
    Truncated,
    /// Decompression input is corrupt (including a checksum mismatch).
    Corrupt,
    /// The decompressed size exceeds the configured maximum.
    TooLarge,
    /// Another libzstd error.
    Zstd,
    /// A bug: a panic inside the pool, caught and turned into this error.
    Panic,
    /// The archive database failed (SQLite: I/O, full disk, read-only file, locked, ...).
    Database,
    /// The database is not a zstdpool archive: other tables, or other columns than its schema.
    NotOurDatabase,
    /// A job input named as a ZIP file is not a ZIP file.
    NotZip,
    /// A ZIP file is truncated or its structure or DEFLATE data is corrupt.
    CorruptZip,
    /// A ZIP entry inflates to other bytes than its recorded CRC-32 says.
    CrcMismatch,
    /// A ZIP entry is encrypted.
    Encrypted,
    /// A ZIP entry uses a compression method other than stored or DEFLATE.
    UnsupportedEntry,
    /// Two files of one job have the same name.
    DuplicateName,
    /// A file name that is empty, not UTF-8, contains `..`, `/` (below the job folder) or NUL.
    UnsafeName,
    /// A job input without any file.
    EmptyJob,
    /// No job number in the input's name nor in its file names.
    NoJobNumber,
    /// Two inputs give the same job number.
    DuplicateJob,
    /// A dictionary row's `zstd_id` disagrees with the id in its dictionary's header.
    DictIdConflict,
    /// No such job, or no such file in the job.
    NotFound,
}

impl ErrorKind {
    /// A short description of the kind, e.g. "read failed".
    pub fn describe(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "invalid argument",
            ErrorKind::InvalidConfig => "invalid configuration",
            ErrorKind::Stopped => "pool is stopped",
            ErrorKind::WouldDeadlock => "call would deadlock",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Read => "reading the input failed",
            ErrorKind::Write => "writing the output failed",
            ErrorKind::SizeMismatch => "input size differs from its declared size",
            ErrorKind::Provider => "dictionary provider failed",
            ErrorKind::BadDictionary => "not a valid zstd dictionary",
            ErrorKind::DictMissing => "dictionary missing",
            ErrorKind::DictMismatch => "dictionary mismatch",
            ErrorKind::EmptyInput => "empty input",
            ErrorKind::NotZstd => "not zstd data",
            ErrorKind::Truncated => "truncated input",
            ErrorKind::Corrupt => "corrupt input",
            ErrorKind::TooLarge => "decompressed size exceeds the limit",
            ErrorKind::Zstd => "zstd error",
            ErrorKind::Panic => "internal error (panic)",
            ErrorKind::Database => "database error",
            ErrorKind::NotOurDatabase => "not a zstdpool archive database",
            ErrorKind::NotZip => "not a ZIP file",
            ErrorKind::CorruptZip => "truncated or corrupt ZIP file",
            ErrorKind::CrcMismatch => "ZIP entry fails its CRC-32 check",
            ErrorKind::Encrypted => "encrypted ZIP entry",
            ErrorKind::UnsupportedEntry => "unsupported ZIP compression method",
            ErrorKind::DuplicateName => "duplicate file name in a job",
            ErrorKind::UnsafeName => "unsafe file name",
            ErrorKind::EmptyJob => "job without files",
            ErrorKind::NoJobNumber => "no job number found",
            ErrorKind::DuplicateJob => "two inputs give the same job number",
            ErrorKind::DictIdConflict => "dictionary id column disagrees with the dictionary",
            ErrorKind::NotFound => "no such job or file",
        }
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
