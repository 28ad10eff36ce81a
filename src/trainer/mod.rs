//! Trains one category's dictionary from its samples, with fallbacks so that training never
//! loses entries and never hands out a dictionary that does not pay for itself.
//!
//! How it works (each step in its own file):
//!
//! - `sampling.rs`: samples are cut into pieces of a few kilobytes before libzstd sees them, so
//!   that a category of a few large entries still gives libzstd the 5+ samples it needs and a
//!   dictionary drawn from every part of every entry; the search judges at most 4 MiB of
//!   them (every n-th sample), the dictionary handed out is trained on all;
//! - `sizing.rs`: the dictionary size is a share of the training volume, within bounds;
//! - `evaluate.rs`: every candidate is trained without some samples and judged on those
//!   (k-fold, leave-one-out for tiny sets): their compressed size with the candidate and
//!   without a dictionary (measured once per fold, shared by every candidate);
//! - `worth.rs`: a dictionary is stored once per category, so candidates are ranked by the
//!   archive they make: held-back compressed bytes per byte, extrapolated to the category's
//!   volume (`TrainingConfig::category_volume`, at least the bytes sampled; with
//!   `category_entries`, to that many entry prefixes), plus the dictionary's own size. A large
//!   category affords a large dictionary; a small one gets a small one, or none;
//! - `search.rs`: a small greedy search over dictionary size and segment size k (d and the
//!   cut at effort 2) picks the recipe; `fit.rs` is one training with its "too little data"
//!   fallbacks;
//! - `pick.rs`: the chosen recipe is trained once more on all samples, and that dictionary is
//!   handed out unless the recipe's first-fold dictionary does better on held-back samples.
//!
//! The outcome is `Trained` only if that dictionary makes frames + dictionary smaller than no
//! dictionary at the category's volume; otherwise `DidNotHelp`.
//!
//! Effort (`TrainingConfig::effort`): 0 trains the start recipe once on four fifths of the
//! samples to judge it, then on all; 1 (default) starts the size where the volume says, judges
//! both neighbours of the best recipe on each knob (size, then segment size) and climbs on
//! while that improves (about five candidates, each trained once per fold: about the CPU of
//! zstd's default trainer, which tries five segment sizes); 2 scans the sizes, searches finer
//! ladders, d and the cut as well, and more folds. Every candidate costs a training on (most
//! of) the samples, so the cost of a category grows with its volume. [`train_parallel`]
//! judges the neighbours of a step on several threads at once, with the same result.

mod evaluate;
mod fit;
mod pick;
mod sampling;
mod search;
mod sizing;
mod worth;

use crate::config::TrainingConfig;

use evaluate::Judge;
use search::{Plan, SearchError};
use worth::Archive;

/// Fewest bytes (over all non-empty samples) worth training on: below this a dictionary's
/// header and entropy tables alone outweigh anything it could save.
pub const MIN_TRAINING_BYTES: u64 = 1024;

/// How training a category ended.
#[derive(Clone, Debug, PartialEq)]
pub enum TrainingOutcome {
    /// A dictionary was trained; held back, it saves more than its own size over the
    /// category's volume.
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
    /// The best dictionary would not make the category's archive smaller: what it saves on
    /// held-back samples, extrapolated to the category's volume, is less than its own size.
    DidNotHelp {
        /// Expected archive ratio (raw / (frames + dictionary)) with the best dictionary.
        ratio_with: f64,
        /// Expected archive ratio without a dictionary.
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
/// not save its own size over `config.category_volume` (at least the samples' bytes) on
/// held-back samples gives [`TrainingOutcome::DidNotHelp`].
/// Deterministic: the same samples and configuration give the same dictionary bytes (as long
/// as `config.trainer.threads` is 1 or libzstd's optimizer is off).
pub fn train(samples: &[&[u8]], config: &TrainingConfig, level: i32) -> Training {
    train_parallel(samples, config, level, 1)
}

/// [`train`] with the candidates judged together spread over up to `threads` threads (the
/// caller waits for them), so that one category trains on several cores: the same result as
/// [`train`], in less time, for a little more CPU (a search step judges both neighbours of
/// the best recipe at once where a single thread could stop after the first).
pub fn train_parallel(
    samples: &[&[u8]],
    config: &TrainingConfig,
    level: i32,
    threads: usize,
) -> Training {
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
    let archive = Archive::new(
        config.category_volume,
        config.category_entries,
        bytes,
        count,
    );
    let judged = sampling::search_subset(&used);
    let plan = Plan::new(config, judged.len(), archive.volume, bytes);
    let folds = match judge.folds(&judged, plan.folds) {
        Ok(folds) => folds,
        Err(e) => {
            return outcome(TrainingOutcome::Failed {
                reason: e.name().to_owned(),
            });
        }
    };
    let found = match search::run(&used, &folds, &plan, archive, (level, threads)) {
        Ok(found) => found,
        Err(SearchError::TooLittle(_)) => return outcome(too_few),
        Err(SearchError::Failed(reason)) => return outcome(TrainingOutcome::Failed { reason }),
    };
    let mut score = found.score;
    let held_back = (score.ratio_with(), score.ratio_without());
    let measured = |mut t: Training| {
        (t.ratio_with, t.ratio_without) = held_back;
        t
    };
    let did_not_help = |score: &evaluate::Score| TrainingOutcome::DidNotHelp {
        ratio_with: archive.ratio_with(score),
        ratio_without: archive.ratio_without(score),
    };
    if !archive.pays(&score) {
        return measured(outcome(did_not_help(&score)));
    }
    // The judged recipe, trained again on every sample, or its first fold's dictionary.
    let retrained = match found
        .retrained
        .unwrap_or_else(|| fit::fit(&used, &found.recipe))
    {
        Ok(dict) => Some(dict),
        Err(fit::FitError::TooLittle(_)) => None,
        Err(fit::FitError::Failed(reason)) => {
            return measured(outcome(TrainingOutcome::Failed { reason }));
        }
    };
    let held = folds.first().map_or(&used[..], |f| &f.held[..]);
    let dict = match pick::pick(
        &mut judge,
        held,
        archive,
        (retrained, found.fold_dict),
        level,
    ) {
        Ok(Some(dict)) => dict,
        Ok(None) => return measured(outcome(too_few)),
        Err(e) => {
            return measured(outcome(TrainingOutcome::Failed {
                reason: e.name().to_owned(),
            }));
        }
    };
    // Judged with its expected size; the dictionary made may be a little larger.
    score.dict = dict.len() as u64;
    if !archive.pays(&score) {
        return measured(outcome(did_not_help(&score)));
    }
    let id = crate::libzstd::dictionary_id(&dict);
    let size = dict.len();
    measured(Training {
        dictionary: Some(dict),
        ..outcome(TrainingOutcome::Trained { id, size })
    })
}
