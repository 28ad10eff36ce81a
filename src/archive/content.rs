//! A job file's content: bytes already read, or a ZIP entry that the pool's worker inflates
//! when it first reads the entry (so that inflating runs on every worker, not on the one
//! thread reading the inputs).

use std::io::{self, Cursor, Read};
use std::sync::{Arc, Mutex};

use super::zip_job::inflate_entry;
use crate::error::Error;

/// One file of a job.
pub(crate) struct JobFile {
    /// Its name within the job.
    pub(crate) name: String,
    /// Its size (for a ZIP entry, the size its directory records).
    pub(crate) size: u64,
    pub(crate) content: Content,
}

/// Where a file's bytes are.
pub(crate) enum Content {
    /// Read already.
    Bytes(Vec<u8>),
    /// To be inflated from a ZIP held in memory.
    Zipped(ZippedEntry),
}

/// Entry `index` of the ZIP `zip`, at most `limit` bytes; `what` names it in errors.
pub(crate) struct ZippedEntry {
    pub(crate) zip: Arc<[u8]>,
    pub(crate) index: usize,
    pub(crate) what: String,
    pub(crate) limit: u64,
}

/// Where a content reader leaves the precise error (kind and message) of a failed
/// inflate, which the entry's rejection then carries instead of a plain read error.
pub(crate) type ErrorSlot = Arc<Mutex<Option<Error>>>;

/// An entry's input: the content, inflated on first read.
pub(crate) struct ContentReader {
    state: State,
    error: ErrorSlot,
}

enum State {
    Zipped(ZippedEntry),
    Ready(Cursor<Vec<u8>>),
    Failed,
}

impl ContentReader {
    pub(crate) fn new(content: Content, error: ErrorSlot) -> ContentReader {
        let state = match content {
            Content::Bytes(data) => State::Ready(Cursor::new(data)),
            Content::Zipped(entry) => State::Zipped(entry),
        };
        ContentReader { state, error }
    }
}

impl Read for ContentReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let State::Zipped(entry) = &self.state {
            self.state = match inflate_entry(entry) {
                Ok(data) => State::Ready(Cursor::new(data)),
                Err(error) => {
                    *self.error.lock().unwrap_or_else(|e| e.into_inner()) = Some(error);
                    State::Failed
                }
            };
        }
        match &mut self.state {
            State::Ready(data) => data.read(buf),
            State::Zipped(_) | State::Failed => {
                Err(io::Error::other("the ZIP entry is unreadable"))
            }
        }
    }
}
