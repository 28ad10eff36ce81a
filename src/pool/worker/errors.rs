//! Turns libzstd stream errors into entry errors with a kind and a message (the entry's
//! name is put in front by `Entry::rejection`).

use crate::error::{Error, ErrorKind};
use crate::libzstd::{CompressError, DecodeError};

/// The entry error for a failed compression.
pub(crate) fn compress(e: CompressError) -> Error {
    match e {
        CompressError::Read(e) => {
            Error::new(ErrorKind::Read, format!("reading the input failed: {e}"))
        }
        CompressError::Write(e) => {
            Error::new(ErrorKind::Write, format!("writing the output failed: {e}"))
        }
        CompressError::SizeMismatch { declared, actual } => {
            let gave = if actual > declared {
                "more".to_owned()
            } else {
                actual.to_string()
            };
            Error::new(
                ErrorKind::SizeMismatch,
                format!("the input declared {declared} bytes but gave {gave}"),
            )
        }
        CompressError::Zstd(e) => {
            Error::new(ErrorKind::Zstd, format!("zstd compression failed: {e}"))
        }
    }
}

/// The entry error for a failed decompression.
pub(crate) fn decode(e: DecodeError, dict_name: Option<&str>) -> Error {
    let kind = match &e {
        DecodeError::Read(_) => ErrorKind::Read,
        DecodeError::Write(_) => ErrorKind::Write,
        DecodeError::Empty => ErrorKind::EmptyInput,
        DecodeError::NotZstd | DecodeError::TrailingGarbage { .. } => ErrorKind::NotZstd,
        DecodeError::Truncated { .. } => ErrorKind::Truncated,
        DecodeError::MissingDict { .. } => ErrorKind::DictMissing,
        DecodeError::DictMismatch { .. } => ErrorKind::DictMismatch,
        DecodeError::TooLarge { .. } => ErrorKind::TooLarge,
        DecodeError::Corrupt(_) => ErrorKind::Corrupt,
    };
    let category = match (&e, dict_name) {
        (DecodeError::MissingDict { .. } | DecodeError::DictMismatch { .. }, Some(d)) => {
            format!(" (dictionary name '{d}')")
        }
        _ => String::new(),
    };
    Error::new(kind, format!("{e}{category}"))
}
