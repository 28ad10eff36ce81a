//! Statistics, cheap to read while the pool runs (for progress): totals and per category.

use crate::trainer::TrainingOutcome;

/// Entry and byte counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Entries accepted by `add`.
    pub added: u64,
    /// Entries finished successfully.
    pub done: u64,
    /// Entries rejected (each with its error in `Pool::rejected`).
    pub rejected: u64,
    /// Uncompressed bytes of the finished entries (read when compressing, written when
    /// decompressing).
    pub raw_bytes: u64,
    /// Compressed bytes of the finished entries.
    pub compressed_bytes: u64,
}

impl Counts {
    /// Compression ratio, raw / compressed (0 when nothing was compressed yet).
    pub fn ratio(&self) -> f64 {
        if self.compressed_bytes == 0 {
            0.0
        } else {
            self.raw_bytes as f64 / self.compressed_bytes as f64
        }
    }

    /// Entries added and not yet finished.
    pub fn pending(&self) -> u64 {
        self.added - self.done - self.rejected
    }
}

/// Where a category's dictionary stands.
#[derive(Clone, Debug, PartialEq)]
pub enum DictStatus {
    /// Entries without a dictionary name: never use a dictionary.
    NoCategory,
    /// The dictionary is being looked up in the provider.
    Loading,
    /// Entries wait for enough samples to train a dictionary.
    Collecting,
    /// A dictionary is being trained.
    Training,
    /// The provider had the dictionary.
    Loaded,
    /// The provider has no dictionary and training is disabled (or the pool decompresses):
    /// entries are processed without one.
    Absent,
    /// Training ended (trained, too few samples, did not help, failed).
    Trained(TrainingOutcome),
    /// The provider failed, or stored no usable dictionary: the category's entries are
    /// rejected with this message.
    Failed(String),
}

/// One category (dictionary name).
#[derive(Clone, Debug, PartialEq)]
pub struct CategoryStats {
    /// The dictionary name ("" for entries without one).
    pub name: String,
    /// Entry and byte counts of this category.
    pub counts: Counts,
    /// Where its dictionary stands.
    pub status: DictStatus,
    /// Dictionary id and size in bytes (0 when there is none).
    pub dict_id: u32,
    pub dict_size: usize,
    /// Time spent training, in seconds.
    pub train_seconds: f64,
    /// Samples trained on and their bytes.
    pub samples: usize,
    pub sample_bytes: u64,
    /// Ratios measured on held-back samples by the trainer, with and without the dictionary.
    pub heldback_ratio_with: f64,
    pub heldback_ratio_without: f64,
    /// Nonzero when training started before `min_samples` entries waited because the pool's
    /// queue (this many entries, `queue_capacity`) was full of entries waiting for samples:
    /// the dictionary was trained on what the queue allowed.
    pub trained_early_at: usize,
}

impl CategoryStats {
    /// Empty statistics for category `name`.
    pub(crate) fn new(name: &str, status: DictStatus) -> CategoryStats {
        CategoryStats {
            name: name.to_owned(),
            counts: Counts::default(),
            status,
            dict_id: 0,
            dict_size: 0,
            train_seconds: 0.0,
            samples: 0,
            sample_bytes: 0,
            heldback_ratio_with: 0.0,
            heldback_ratio_without: 0.0,
            trained_early_at: 0,
        }
    }
}

/// A snapshot of a pool's statistics.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    /// All entries.
    pub totals: Counts,
    /// Per category, sorted by name.
    pub categories: Vec<CategoryStats>,
}

impl Stats {
    /// What storing the output costs when each dictionary is stored once beside it (an
    /// archive): raw / (compressed + the dictionaries in use); 0 when nothing was compressed.
    pub fn archive_ratio(&self) -> f64 {
        let dicts: u64 = self.categories.iter().map(|c| c.dict_size as u64).sum();
        let stored = self.totals.compressed_bytes + dicts;
        if stored == 0 {
            0.0
        } else {
            self.totals.raw_bytes as f64 / stored as f64
        }
    }
}
