//! Where a category's dictionary stands inside the pool, with the jobs waiting on it. The
//! `DictStatus` that statistics report is a projection of it, so the two cannot disagree.

use std::sync::Arc;

use super::dictionary::Prepared;
use super::job::Job;
use crate::error::Error;
use crate::stats::DictStatus;
use crate::trainer::TrainingOutcome;

/// A category's dictionary stage.
pub(crate) enum Stage {
    /// A worker is asking the provider; jobs wait.
    Loading { waiting: Vec<Job> },
    /// No dictionary yet: jobs wait until there are enough to train on.
    Collecting {
        jobs: Vec<Job>,
        /// Bytes the waiting jobs declared.
        bytes: u64,
        /// The smallest sequence number among them (compared with the flush boundary).
        oldest: u64,
    },
    /// A worker is training; jobs that arrive meanwhile wait.
    Training { waiting: Vec<Job> },
    /// Jobs are processed at once, with this dictionary or without one.
    Ready {
        dict: Option<Arc<Prepared>>,
        origin: Origin,
    },
    /// Jobs are rejected with this error (the provider failed, or stored no usable
    /// dictionary).
    Failed(Error),
}

/// Why a ready category has the dictionary it has (or none).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Origin {
    /// Entries without a dictionary name.
    NoCategory,
    /// The provider had the dictionary.
    Loaded,
    /// The provider had none and the pool does not train.
    Absent,
    /// Training ended this way.
    Trained(TrainingOutcome),
}

impl Stage {
    /// A collecting stage with no job yet.
    pub fn collecting() -> Stage {
        Stage::Collecting {
            jobs: Vec::new(),
            bytes: 0,
            oldest: u64::MAX,
        }
    }

    /// The status statistics report for this stage.
    pub fn status(&self) -> DictStatus {
        match self {
            Stage::Loading { .. } => DictStatus::Loading,
            Stage::Collecting { .. } => DictStatus::Collecting,
            Stage::Training { .. } => DictStatus::Training,
            Stage::Ready { origin, .. } => match origin {
                Origin::NoCategory => DictStatus::NoCategory,
                Origin::Loaded => DictStatus::Loaded,
                Origin::Absent => DictStatus::Absent,
                Origin::Trained(outcome) => DictStatus::Trained(outcome.clone()),
            },
            Stage::Failed(error) => DictStatus::Failed(error.message.clone()),
        }
    }
}
