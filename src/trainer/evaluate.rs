//! Judging dictionaries on samples they were not trained on.
//!
//! A dictionary always looks good on its own training data (it may simply contain it), so
//! every candidate is trained without some samples and judged on those: the total compressed
//! size of the held-back samples, each compressed on its own as the pool compresses entries,
//! with the candidate versus without any dictionary. With few samples one held-back sample is
//! a noisy judge, so the samples are split into folds (every fold held back in turn, the sizes
//! summed): with five or fewer samples that is leave-one-out.

use crate::libzstd::{CCtx, CDict, ZstdError};

/// Number of groups the samples are dealt into: one group (a fifth of the samples) is held
/// back per fold.
pub(crate) const GROUPS: usize = 5;

/// One split of the samples: train on `train`, judge on `held`.
#[derive(Clone, Debug)]
pub(crate) struct Fold<'a> {
    /// The samples a candidate is trained on in this fold.
    pub(crate) train: Vec<&'a [u8]>,
    /// The held-back samples it is judged on.
    pub(crate) held: Vec<&'a [u8]>,
    /// Total size of `held`.
    pub(crate) held_bytes: u64,
    /// Total compressed size of `held` without a dictionary, each sample on its own.
    pub(crate) plain: u64,
}

impl Fold<'_> {
    /// Total size of `train`.
    pub(crate) fn train_bytes(&self) -> u64 {
        self.train.iter().map(|s| s.len() as u64).sum()
    }
}

/// Compressed sizes summed over the folds a candidate was judged on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Score {
    /// Original bytes of the held-back samples.
    pub(crate) original: u64,
    /// Their compressed bytes with the candidate dictionary.
    pub(crate) with: u64,
    /// Their compressed bytes without a dictionary.
    pub(crate) without: u64,
    /// Expected size of the dictionary handed out for this candidate (the largest over the
    /// folds; see `search::evaluate`), what the archive stores once.
    pub(crate) dict: u64,
}

impl Score {
    /// Adds one fold's sizes.
    pub(crate) fn add(&mut self, other: Score) {
        self.original += other.original;
        self.with += other.with;
        self.without += other.without;
        self.dict = self.dict.max(other.dict);
    }

    /// Compression ratio with the dictionary (original / compressed; 0 when nothing measured).
    pub(crate) fn ratio_with(&self) -> f64 {
        ratio(self.original, self.with)
    }

    /// Compression ratio without a dictionary.
    pub(crate) fn ratio_without(&self) -> f64 {
        ratio(self.original, self.without)
    }
}

/// original / compressed, 0 when nothing was compressed.
fn ratio(original: u64, compressed: u64) -> f64 {
    if compressed == 0 {
        0.0
    } else {
        original as f64 / compressed as f64
    }
}

/// Compresses samples one by one at the pool's level, with or without a dictionary.
pub(crate) struct Judge {
    /// One context reused for every sample (no checksum: the same 4 bytes either way).
    cctx: CCtx,
    /// The level the pool compresses at, so dictionaries are judged as they will be used.
    level: i32,
}

impl Judge {
    /// A judge compressing at `level`.
    pub(crate) fn new(level: i32) -> Result<Judge, ZstdError> {
        Ok(Judge {
            cctx: CCtx::new(level, false)?,
            level,
        })
    }

    /// Total compressed size of `samples`, each compressed on its own.
    pub(crate) fn compressed(
        &mut self,
        dict: Option<&CDict>,
        samples: &[&[u8]],
    ) -> Result<u64, ZstdError> {
        let mut total = 0u64;
        for sample in samples {
            total += self.cctx.compress_to_vec(dict, sample)?.len() as u64;
        }
        Ok(total)
    }

    /// Splits `samples` into up to `folds` folds (at most [`GROUPS`], at most one per
    /// sample): sample `i` belongs to group `i % groups` with `groups = min(GROUPS, n)`, and
    /// each fold holds back one group. Dealing samples round-robin keeps each group spread over
    /// the whole arrival order. A group holding more bytes than the rest together is skipped
    /// (a dictionary trained on the smaller part says little about one trained on all, and
    /// may not be trainable at all), so every fold trains on at least half the volume. Also
    /// measures each fold's held-back samples without dictionary. Gives no fold for fewer than
    /// 2 samples (there is nothing to train or nothing to judge).
    pub(crate) fn folds<'a>(
        &mut self,
        samples: &[&'a [u8]],
        folds: usize,
    ) -> Result<Vec<Fold<'a>>, ZstdError> {
        let groups = GROUPS.min(samples.len());
        let wanted = folds.clamp(1, GROUPS);
        let mut out = Vec::with_capacity(wanted);
        for group in 0..groups {
            if out.len() == wanted || groups < 2 {
                break;
            }
            let mut held = Vec::new();
            let mut train = Vec::new();
            for (i, &sample) in samples.iter().enumerate() {
                if i % groups == group {
                    held.push(sample);
                } else {
                    train.push(sample);
                }
            }
            let held_bytes: u64 = held.iter().map(|s| s.len() as u64).sum();
            let train_bytes: u64 = train.iter().map(|s| s.len() as u64).sum();
            if train_bytes < held_bytes {
                continue;
            }
            let plain = self.compressed(None, &held)?;
            out.push(Fold {
                train,
                held,
                held_bytes,
                plain,
            });
        }
        Ok(out)
    }

    /// Judges `dict` on `fold`'s held-back samples. `Ok(None)` when libzstd cannot load the
    /// dictionary (the candidate is then unusable, not an error of the whole training).
    pub(crate) fn judge(
        &mut self,
        dict: &[u8],
        fold: &Fold<'_>,
    ) -> Result<Option<Score>, ZstdError> {
        let Ok(cdict) = CDict::new(dict, self.level) else {
            return Ok(None);
        };
        let with = self.compressed(Some(&cdict), &fold.held)?;
        Ok(Some(Score {
            original: fold.held_bytes,
            with,
            without: fold.plain,
            dict: dict.len() as u64,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_deal_samples_round_robin() {
        let mut judge = Judge::new(3).expect("judge");
        let data: Vec<Vec<u8>> = (0..12u8).map(|i| vec![i; 100]).collect();
        let samples: Vec<&[u8]> = data.iter().map(Vec::as_slice).collect();
        let folds = judge.folds(&samples, 5).expect("folds");
        assert_eq!(folds.len(), 5);
        for (j, fold) in folds.iter().enumerate() {
            assert!(fold.held.iter().all(|s| usize::from(s[0]) % 5 == j));
            assert_eq!(fold.held.len() + fold.train.len(), 12);
            assert!(fold.plain > 0);
        }
        assert_eq!(judge.folds(&samples, 1).expect("folds").len(), 1);
        assert!(judge.folds(&samples[..1], 5).expect("folds").is_empty());
    }

    #[test]
    fn folds_never_train_on_the_smaller_part() {
        let mut judge = Judge::new(3).expect("judge");
        let big = vec![7u8; 5000];
        let samples: Vec<&[u8]> = vec![b"small", &big, b"tiny"];
        let folds = judge.folds(&samples, 5).expect("folds");
        assert_eq!(folds.len(), 2);
        assert!(folds.iter().all(|f| f.train.contains(&big.as_slice())));
    }
}
