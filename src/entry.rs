//! An entry: one named piece of data to compress or decompress, read from its input and
//! written to its output (the original tool's `DataEntry`).

use std::fmt;
use std::io::{Read, Write};

use crate::error::Error;

/// What the pool reports when it is done with an entry: exactly once per entry added.
pub type EntryResult = Result<EntryDone, Rejection>;

/// Called once, on a worker thread, when the pool is done with the entry.
pub type Completion = Box<dyn FnOnce(&EntryResult) + Send>;

/// An entry processed successfully.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryDone {
    /// The entry's name.
    pub name: String,
    /// Bytes read from its input and written to its output.
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// The id of the dictionary used (0: none).
    pub dict_id: u32,
}

/// An entry the pool could not process: which one, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// The entry's name.
    pub name: String,
    /// The entry's dictionary name (its category).
    pub dict_name: Option<String>,
    /// What went wrong; the message starts with the entry's name.
    pub error: Error,
}

impl Rejection {
    /// The rejection of the entry `name` (in category `dict_name`) with `error`, whose
    /// message then starts with the entry's name.
    pub(crate) fn of(name: &str, dict_name: Option<&str>, error: Error) -> Rejection {
        let error = Error::new(error.kind, format!("{name}: {}", error.message));
        Rejection {
            name: name.to_owned(),
            dict_name: dict_name.map(str::to_owned),
            error,
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The message already starts with the entry's name.
        fmt::Display::fmt(&self.error, f)
    }
}

/// One entry to process.
pub struct Entry {
    pub(crate) name: String,
    pub(crate) dict_name: Option<String>,
    pub(crate) input: Box<dyn Read + Send>,
    pub(crate) output: Box<dyn Write + Send>,
    pub(crate) size: Option<u64>,
    pub(crate) completion: Option<Completion>,
}

impl Entry {
    /// An entry named `name` in category `dict_name` (None: never uses a dictionary).
    pub fn new(
        name: impl Into<String>,
        dict_name: Option<&str>,
        input: impl Read + Send + 'static,
        output: impl Write + Send + 'static,
    ) -> Entry {
        Entry {
            name: name.into(),
            dict_name: dict_name.map(str::to_owned),
            input: Box::new(input),
            output: Box::new(output),
            size: None,
            completion: None,
        }
    }

    /// Declares the input's size: the frame then records it (tools that need the content
    /// size can read the frame), and a different actual size is an error.
    pub fn with_size(mut self, size: u64) -> Entry {
        self.size = Some(size);
        self
    }

    /// Registers `done`, called once when the pool is done with the entry, with its result.
    pub fn on_complete(mut self, done: impl FnOnce(&EntryResult) + Send + 'static) -> Entry {
        self.completion = Some(Box::new(done));
        self
    }

    /// The entry's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The entry's category (dictionary name).
    pub fn dict_name(&self) -> Option<&str> {
        self.dict_name.as_deref()
    }

    /// The rejection of this entry with `error`, whose message then starts with the
    /// entry's name.
    pub(crate) fn rejection(&self, error: Error) -> Rejection {
        Rejection::of(&self.name, self.dict_name.as_deref(), error)
    }
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("name", &self.name)
            .field("dict_name", &self.dict_name)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}
