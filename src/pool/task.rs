//! The work a pool's threads do.

use std::sync::Arc;

use super::dictionary::Prepared;
use crate::entry::Entry;
use crate::error::Error;

/// One unit of work for a worker thread.
pub(crate) enum Task {
    /// Compress or decompress an entry, with its category's dictionary (or none).
    Process {
        entry: Entry,
        dict: Option<Arc<Prepared>>,
    },
    /// Report an entry as rejected (so that completions always run on worker threads).
    Reject { entry: Box<Entry>, error: Error },
    /// Look a category's dictionary up in the provider.
    Load { category: String },
    /// Train a category's dictionary on the first bytes of these entries.
    Train {
        category: String,
        entries: Vec<Entry>,
    },
    /// Leave the worker loop (sent once all entries are finished after `stop`).
    Exit,
}
