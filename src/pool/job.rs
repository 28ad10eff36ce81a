//! A job: the pool's record of one entry it took, the user's entry wrapped with the pool's
//! bookkeeping (so that `Entry` stays what the caller built).

use std::sync::Arc;

use super::counters::AtomicCounts;
use crate::entry::{Entry, Rejection};
use crate::error::Error;

/// One accepted entry on its way through the pool.
pub(crate) struct Job {
    /// The caller's entry.
    pub entry: Entry,
    /// Order of arrival in the pool (decides which entries a `flush` covers).
    pub seq: u64,
    /// The first bytes of the input, already read as a training sample: compressed before
    /// the rest of the input.
    pub prefix: Vec<u8>,
    /// The counts of the entry's category.
    pub counts: Arc<AtomicCounts>,
    /// Runs once the job is counted, before the pool stops holding it (a batch entry ends
    /// its batch there, so that the batch's output comes with its counts complete).
    pub on_counted: Option<Box<dyn FnOnce() + Send>>,
}

impl Job {
    /// The rejection of this job's entry with `error` (its message then starts with the
    /// entry's name).
    pub fn rejection(&self, error: Error) -> Rejection {
        self.entry.rejection(error)
    }
}
