//! A job file's content: bytes already read, or a ZIP entry that the pool's worker inflates
//! when it first reads the entry (so that inflating runs on every worker, not on the one
//! thread reading the inputs).

use std::io::{self, Cursor, Read};
use std::sync::{Arc, Mutex};

use zip::ZipArchive;

use super::job_facts::{JobFacts, gives_facts};
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

/// A job's ZIP in memory, its directory parsed once (clones share both).
pub(crate) type Zip = ZipArchive<Cursor<Arc<[u8]>>>;

/// Entry `index` of the ZIP `zip`, at most `limit` bytes; `what` names it in errors.
pub(crate) struct ZippedEntry {
    pub(crate) zip: Zip,
    pub(crate) index: usize,
    pub(crate) what: String,
    pub(crate) limit: u64,
}

/// What reading a file taught besides its bytes: the precise error (kind and message) of
/// a failed inflate, which the entry's rejection then carries instead of a plain read
/// error, and the job facts the file gives (`job.info`, the summaries), found by the
/// worker that reads it.
#[derive(Default)]
pub(crate) struct ReadNotes {
    pub(crate) error: Option<Error>,
    pub(crate) facts: JobFacts,
}

/// Where a content reader leaves its [`ReadNotes`].
pub(crate) type NotesSlot = Arc<Mutex<ReadNotes>>;

/// An entry's input: the content, inflated on first read.
pub(crate) struct ContentReader {
    state: State,
    /// The file's name when its content gives job facts.
    facts_of: Option<String>,
    notes: NotesSlot,
}

enum State {
    Unread(Content),
    Ready(Cursor<Vec<u8>>),
    Failed,
}

impl ContentReader {
    pub(crate) fn new(name: &str, content: Content, notes: NotesSlot) -> ContentReader {
        ContentReader {
            state: State::Unread(content),
            facts_of: gives_facts(name).then(|| name.to_owned()),
            notes,
        }
    }

    fn notes(&self) -> std::sync::MutexGuard<'_, ReadNotes> {
        self.notes.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The content's bytes (inflated when zipped), its facts noted.
    fn open(&self, content: Content) -> State {
        let data = match content {
            Content::Bytes(data) => data,
            Content::Zipped(entry) => match inflate_entry(&entry) {
                Ok(data) => data,
                Err(error) => {
                    self.notes().error = Some(error);
                    return State::Failed;
                }
            },
        };
        if let Some(name) = &self.facts_of {
            self.notes().facts = JobFacts::of_file(name, &data);
        }
        State::Ready(Cursor::new(data))
    }
}

impl Read for ContentReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let State::Unread(_) = self.state
            && let State::Unread(content) = std::mem::replace(&mut self.state, State::Failed)
        {
            self.state = self.open(content);
        }
        match &mut self.state {
            State::Ready(data) => data.read(buf),
            State::Unread(_) | State::Failed => {
                Err(io::Error::other("the ZIP entry is unreadable"))
            }
        }
    }
}
