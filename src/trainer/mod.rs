//! Trains one category's dictionary from its samples, with fallbacks so that training never
//! loses entries and never hands out a dictionary that does not help.

use crate::config::TrainingConfig;

/// How training a category ended.
#[derive(Clone, Debug, PartialEq)]
pub enum TrainingOutcome {
    /// A dictionary was trained and beats no dictionary on held-back samples.
    Trained { id: u32, size: usize },
    /// Too few or too small samples to train any useful dictionary.
    TooFewSamples { samples: usize, bytes: u64 },
    /// The best dictionary did not compress held-back samples better than no dictionary.
    DidNotHelp { ratio_with: f64, ratio_without: f64 },
    /// libzstd failed in a way no fallback could work around.
    Failed { reason: String },
}

/// The result of training: the dictionary to use (if any) and how it went.
#[derive(Clone, Debug)]
pub struct Training {
    /// A standard zstd dictionary, present exactly when the outcome is `Trained`.
    pub dictionary: Option<Vec<u8>>,
    /// What happened.
    pub outcome: TrainingOutcome,
    /// Samples and bytes trained on.
    pub samples: usize,
    pub sample_bytes: u64,
    /// Compression ratio on held-back samples with the dictionary and without one
    /// (0 when not measured).
    pub ratio_with: f64,
    pub ratio_without: f64,
}

/// Trains a dictionary for compression at `level` from `samples` (each already truncated
/// to `config.max_sample_size`).
pub fn train(samples: &[&[u8]], config: &TrainingConfig, level: i32) -> Training {
    let _ = (samples, config, level);
    todo!("trainer")
}
