//! Pool configuration, validated once when a pool is created.

use std::fmt;

use crate::libzstd::{self, FastCoverParams};

/// Largest dictionary the automatic sizing asks for by default (`TrainingConfig::max_dict_size`).
/// zstd's usual advice is about 110 KiB, but on logs whose entries repeat each other a lot the
/// held-back judge kept preferring larger ones up to about half the training volume (1 MiB
/// for a 2 MB category); beyond 1 MiB the gain per byte is small while every loaded
/// dictionary costs its size in memory (twice: CDict and DDict) and training time grows with
/// the dictionary.
pub const MAX_AUTO_SIZE: usize = 1024 * 1024;

/// How a pool compresses, trains bounds its memory and checks its input.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// zstd compression level, from libzstd's negative fast levels to its maximum (22).
    pub level: i32,
    /// Write a content checksum into every frame (checked on decompression). On by default:
    /// without it, damaged frames can decode silently to wrong bytes.
    pub checksum: bool,
    /// Worker threads (1..=1024).
    pub workers: usize,
    /// zstd contexts, with the original tool's rule: positive = a fixed number, at least
    /// `workers`; negative = variable, N = max(workers, (loaded dictionaries + 1) x -processors),
    /// with 1 <= -processors <= workers; 0 = as many as workers.
    pub processors: i32,
    /// Most entries held at once (queued, waiting for a dictionary, or being processed):
    /// `add` blocks beyond it, so memory stays bounded whatever the number of entries. When
    /// it fills with entries waiting for samples (e.g. below `training.min_samples`), the
    /// largest such category trains at once on what it has
    /// (`CategoryStats::trained_early_at` says so).
    pub queue_capacity: usize,
    /// Largest decompressed size of one entry: more is a rejection, not an out-of-memory.
    pub max_decompressed_size: u64,
    /// Most rejections `Pool::rejected` lists (about 200 bytes each); later ones are still
    /// counted and reported to their completion callbacks, so memory stays bounded however
    /// many entries fail.
    pub max_rejections: usize,
    /// When and how dictionaries are trained.
    pub training: TrainingConfig,
}

/// When a category's dictionary is trained, on how much data, and with which trainer.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainingConfig {
    /// Train dictionaries for categories that have none. When false, existing dictionaries
    /// are used and entries of other categories are compressed without one.
    pub enabled: bool,
    /// Dictionary size in bytes; 0 sizes it from the training volume, up to `max_dict_size`.
    pub dict_size: usize,
    /// Largest dictionary the automatic sizing makes: each loaded dictionary costs about
    /// twice its size in memory (prepared for compression and for decompression).
    pub max_dict_size: usize,
    /// Training starts once a category has at least this many entries waiting ...
    pub min_samples: usize,
    /// ... and at least this many bytes (by the entries' declared sizes).
    pub min_bytes: u64,
    /// At most this many entries are sampled; training starts when that many are waiting.
    pub max_samples: usize,
    /// Each sample is the first `max_sample_size` bytes of its entry.
    pub max_sample_size: usize,
    /// At most this many sample bytes are trained on (zstd gains little past ~10 MB), and
    /// training starts once that many bytes (by declared sizes) are waiting.
    pub max_bytes: u64,
    /// The trainer (fastCover by default) and its parameters.
    pub trainer: FastCoverParams,
    /// Effort spent finding how to cut samples and how large to make the dictionary,
    /// judged on held-back samples: 0 trains once with the parameters as given, 1 runs a
    /// small search (the default), 2 a wider one.
    pub effort: u32,
    /// Expected raw bytes of a category (all its entries, not only the samples), so that
    /// the trainer makes the dictionary, or none, that keeps frames + dictionary smallest
    /// (the dictionary is stored once per category). 0: the sampled bytes, a conservative
    /// default. The pool takes it per category too (`Pool::set_category_volume`).
    pub category_volume: u64,
    /// Expected number of entries of a category (0: unknown). With it, the savings measured on
    /// samples (each an entry's first `max_sample_size` bytes) are extrapolated to that many
    /// entry prefixes rather than to every byte: a dictionary helps little past an entry's
    /// start, so without it long entries make the trainer overrate a dictionary.
    pub category_entries: u64,
}

impl Default for TrainingConfig {
    fn default() -> Self {
        TrainingConfig {
            enabled: true,
            dict_size: 0,
            max_dict_size: MAX_AUTO_SIZE,
            min_samples: 64,
            min_bytes: 256 * 1024,
            max_samples: 2000,
            max_sample_size: 128 * 1024,
            max_bytes: 32 << 20,
            trainer: FastCoverParams::default(),
            effort: 1,
            category_volume: 0,
            category_entries: 0,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        let workers = std::thread::available_parallelism().map_or(2, usize::from);
        Config {
            level: 3,
            checksum: true,
            workers,
            processors: 0,
            queue_capacity: 4096,
            max_decompressed_size: 4 << 30,
            max_rejections: 100_000,
            training: TrainingConfig::default(),
        }
    }
}

/// A configuration value out of its allowed range: names the field and the range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The field, e.g. "level" or "training.max_samples".
    pub field: &'static str,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.field, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Checks `value` against `min..=max`, naming `field` when it is out of range.
fn check_range<T: PartialOrd + fmt::Display>(
    field: &'static str,
    value: T,
    min: T,
    max: T,
) -> Result<(), ConfigError> {
    if value < min || value > max {
        return Err(ConfigError {
            field,
            message: format!("{value} is outside the allowed range {min}..={max}"),
        });
    }
    Ok(())
}

impl Config {
    /// Checks every field; the error names the first bad field and its allowed range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_range(
            "level",
            self.level,
            libzstd::min_level(),
            libzstd::max_level(),
        )?;
        check_range("workers", self.workers, 1, 1024)?;
        let workers = self.workers as i64;
        let processors = i64::from(self.processors);
        if processors > 0 {
            check_range("processors", processors, workers, 65536)?;
        } else if processors < 0 {
            check_range("processors", processors, -workers, -1)?;
        }
        check_range("queue_capacity", self.queue_capacity, 1, 1 << 24)?;
        check_range("max_rejections", self.max_rejections, 0, 1 << 32)?;
        check_range(
            "max_decompressed_size",
            self.max_decompressed_size,
            1,
            u64::MAX,
        )?;
        self.training.validate()
    }
}

impl TrainingConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        if self.dict_size != 0 {
            check_range("training.dict_size", self.dict_size, 256, 16 << 20)?;
        }
        check_range("training.max_dict_size", self.max_dict_size, 256, 16 << 20)?;
        check_range("training.min_samples", self.min_samples, 1, 1 << 20)?;
        check_range("training.min_bytes", self.min_bytes, 0, 1 << 40)?;
        check_range(
            "training.max_samples",
            self.max_samples,
            self.min_samples.max(2),
            1 << 20,
        )?;
        check_range(
            "training.max_sample_size",
            self.max_sample_size,
            64,
            16 << 20,
        )?;
        check_range("training.max_bytes", self.max_bytes, 1024, 1 << 40)?;
        check_range("training.effort", self.effort, 0, 2)?;
        check_range("training.category_volume", self.category_volume, 0, 1 << 50)?;
        check_range(
            "training.category_entries",
            self.category_entries,
            0,
            1 << 40,
        )?;
        let t = &self.trainer;
        if t.k != 0 {
            check_range("training.trainer.k", t.k, 16, 2048)?;
        }
        if t.d != 0 {
            check_range("training.trainer.d", t.d, 6, 16)?;
            if !t.exact_cover && t.d != 6 && t.d != 8 {
                return Err(ConfigError {
                    field: "training.trainer.d",
                    message: format!("{} is not allowed: fastCover takes 6 or 8", t.d),
                });
            }
        }
        if t.f != 0 {
            check_range("training.trainer.f", t.f, 1, 31)?;
        }
        check_range("training.trainer.accel", t.accel, 1, 10)?;
        check_range("training.trainer.steps", t.steps, 0, 1024)?;
        check_range("training.trainer.threads", t.threads, 1, 1024)?;
        check_range("training.trainer.split_point", t.split_point, 0.0, 1.0)?;
        check_range(
            "training.trainer.level",
            t.level,
            libzstd::min_level(),
            libzstd::max_level(),
        )
    }
}
