//! The work a pool's threads do.

use std::sync::Arc;

use super::batch::Group;
use super::dictionary::Prepared;
use super::job::Job;
use crate::error::Error;

/// One unit of work for a worker thread.
pub(crate) enum Task {
    /// Compress or decompress a job's entry, with its category's dictionary (or none).
    Process {
        job: Job,
        dict: Option<Arc<Prepared>>,
    },
    /// Report a job as rejected (so that completions always run on worker threads).
    Reject { job: Box<Job>, error: Error },
    /// Look a category's dictionary up in the provider.
    Load { category: String },
    /// Train a category's dictionary on the first bytes of these jobs' entries.
    Train { category: String, jobs: Vec<Job> },
    /// Compress or decompress a group of a batch's entries.
    Group(Group),
    /// Leave the worker loop (sent once all entries are finished after `stop`).
    Exit,
}
