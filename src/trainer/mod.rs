//! Trains one category's dictionary from its samples, with fallbacks so that training never
//! loses entries and never hands out a dictionary that does not help.
//!
//! How it works (each step in its own file):
//!
//! - `sampling.rs`: samples are cut into pieces of a few kilobytes before libzstd sees them, so
//!   that a category of a few large entries still gives libzstd the 5+ samples it needs and a
//!   dictionary drawn from every part of every entry;
//! - `sizing.rs`: the dictionary size is a share of the training volume, within bounds;
//! - `evaluate.rs`: every candidate is trained without some samples and judged on those
//!   (k-fold, leave-one-out for tiny sets), by their total compressed size with the candidate
//!   versus without a dictionary;
//! - `search.rs`: a small greedy search over dictionary size, segment size k and cut (and d at
//!   effort 2) picks the recipe; `fit.rs` is one training with its "too little data" fallbacks.
//!
//! The chosen recipe is then trained once more on all samples: that is the dictionary handed
//! out, and only if the held-back judge found it better than no dictionary.
//!
//! Effort (`TrainingConfig::effort`): 0 trains the configured recipe once on four fifths of
//! the samples to judge it, then on all; 1 (default) searches about ten candidates, each
//! trained once per fold; 2 searches finer ladders, d as well, and more folds. Every candidate
//! costs a training on (most of) the samples, so the cost of a category grows with its volume.

mod evaluate;
mod fit;
mod sampling;
mod search;
mod sizing;

use crate::config::TrainingConfig;
use crate::libzstd::CDict;

use evaluate::Judge;
use search::{Plan, SearchError};

/// Fewest bytes (over all non-empty samples) worth training on: below this a dictionary's
/// header and entropy tables alone outweigh anything it could save.
pub const MIN_TRAINING_BYTES: u64 = 1024;

/// How training a category ended.
#[derive(Clone, Debug, PartialEq)]
pub enum TrainingOutcome {
    /// A dictionary was trained and beats no dictionary on held-back samples.
    Trained {
        /// The dictionary id (nonzero), written into every frame compressed with it.
        id: u32,
        /// The dictionary size in bytes.
        size: usize,
    },
    /// Too few or too small samples to train any useful dictionary.
    TooFewSamples {
        /// Non-empty samples there were.
        samples: usize,
        /// Their total size.
        bytes: u64,
    },
    /// The best dictionary did not compress held-back samples better than no dictionary.
    DidNotHelp {
        /// Held-back compression ratio with the best dictionary.
        ratio_with: f64,
        /// Held-back compression ratio without a dictionary.
        ratio_without: f64,
    },
    /// libzstd failed in a way no fallback could work around.
    Failed {
        /// libzstd's error, or what went wrong.
        reason: String,
    },
}

/// The result of training: the dictionary to use (if any) and how it went.
#[derive(Clone, Debug)]
pub struct Training {
    /// A standard zstd dictionary, present exactly when the outcome is `Trained`.
    pub dictionary: Option<Vec<u8>>,
    /// What happened.
    pub outcome: TrainingOutcome,
    /// Samples trained on (non-empty ones, within `max_samples`).
    pub samples: usize,
    /// Their total size in bytes.
    pub sample_bytes: u64,
    /// Compression ratio (original / compressed) of the held-back samples with the chosen
    /// recipe's dictionaries, summed over the folds that judged it (0 when not measured).
    pub ratio_with: f64,
    /// The same samples' compression ratio without a dictionary (0 when not measured).
    pub ratio_without: f64,
}

/// Trains a dictionary for compression at `level` from `samples` (each already truncated
/// to `config.max_sample_size`).
///
/// Empty samples are ignored; at most `config.max_samples` samples are used, each at most
/// `config.max_sample_size` bytes, `config.max_bytes` in all (the pool already does this; repeated here so the cost stays
/// bounded whatever the caller passes). Never panics: fewer than 2 samples or fewer than
/// [`MIN_TRAINING_BYTES`] bytes give [`TrainingOutcome::TooFewSamples`], a dictionary that does
/// not beat no dictionary on held-back samples gives [`TrainingOutcome::DidNotHelp`].
/// Deterministic: the same samples and configuration give the same dictionary bytes (as long
/// as `config.trainer.threads` is 1 or libzstd's optimizer is off).
pub fn train(samples: &[&[u8]], config: &TrainingConfig, level: i32) -> Training {
    let max_size = config.max_sample_size.max(64);
    let mut budget = config.max_bytes;
    let used: Vec<&[u8]> = samples
        .iter()
        .filter(|s| !s.is_empty())
        .take(config.max_samples.max(2))
        .map(|s| &s[..s.len().min(max_size)])
        .map_while(|s| {
            let take = usize::try_from(budget).map_or(s.len(), |b| s.len().min(b));
            budget -= take as u64;
            (take > 0).then(|| &s[..take])
        })
        .collect();
    let count = used.len();
    let bytes: u64 = used.iter().map(|s| s.len() as u64).sum();
    let outcome = |outcome: TrainingOutcome| Training {
        dictionary: None,
        outcome,
        samples: count,
        sample_bytes: bytes,
        ratio_with: 0.0,
        ratio_without: 0.0,
    };
    let too_few = TrainingOutcome::TooFewSamples {
        samples: count,
        bytes,
    };
    if count < 2 || bytes < MIN_TRAINING_BYTES {
        return outcome(too_few);
    }
    let mut judge = match Judge::new(level) {
        Ok(judge) => judge,
        Err(e) => {
            return outcome(TrainingOutcome::Failed {
                reason: e.name().to_owned(),
            });
        }
    };
    let plan = Plan::new(config, count);
    let folds = match judge.folds(&used, plan.folds) {
        Ok(folds) => folds,
        Err(e) => {
            return outcome(TrainingOutcome::Failed {
                reason: e.name().to_owned(),
            });
        }
    };
    let found = match search::run(&mut judge, &folds, &plan) {
        Ok(found) => found,
        Err(SearchError::TooLittle(_)) => return outcome(too_few),
        Err(SearchError::Failed(reason)) => return outcome(TrainingOutcome::Failed { reason }),
    };
    let score = found.score;
    let measured = |mut t: Training| {
        t.ratio_with = score.ratio_with();
        t.ratio_without = score.ratio_without();
        t
    };
    if !score.helps() {
        return measured(outcome(TrainingOutcome::DidNotHelp {
            ratio_with: score.ratio_with(),
            ratio_without: score.ratio_without(),
        }));
    }
    // The judged recipe, trained again on every sample: more data, same proportions.
    let dict = match fit::fit(&used, &found.recipe) {
        Ok(dict) => dict,
        Err(fit::FitError::TooLittle(_)) => return measured(outcome(too_few)),
        Err(fit::FitError::Failed(reason)) => {
            return measured(outcome(TrainingOutcome::Failed { reason }));
        }
    };
    if let Err(e) = CDict::new(&dict, level) {
        return measured(outcome(TrainingOutcome::Failed {
            reason: e.to_string(),
        }));
    }
    let id = crate::libzstd::dictionary_id(&dict);
    let size = dict.len();
    measured(Training {
        dictionary: Some(dict),
        ..outcome(TrainingOutcome::Trained { id, size })
    })
}
