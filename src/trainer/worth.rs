//! What a dictionary is worth in an archive: it is stored once per category, so the figure
//! that counts is frames + dictionary, not frames alone.
//!
//! The held-back judge measures compressed bytes per original byte with and without a
//! candidate; those rates are extrapolated to the category's expected raw volume (the
//! configuration's hint, never less than the bytes sampled) and the candidate's own size is
//! added. A dictionary of 100 KB saving 10 % of 50 KB of frames costs more than it saves; the
//! same dictionary over a 1 GB category pays for itself many times.

use super::evaluate::Score;

/// The category a dictionary is judged for: how many raw bytes it will compress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Archive {
    /// Expected raw bytes of the category (at least the bytes sampled).
    pub(crate) volume: u64,
}

impl Archive {
    /// The archive for a category with the configured `hint` (0: none) of which `sampled`
    /// bytes were sampled. Without a hint the volume is the sampled bytes: the entries
    /// sampled are compressed with the dictionary at least, so the dictionary is never
    /// larger than what it saves on them (conservative: a category usually holds more).
    pub(crate) fn new(hint: u64, sampled: u64) -> Archive {
        Archive {
            volume: hint.max(sampled),
        }
    }

    /// Expected archive bytes for this volume with `score`'s dictionary: frames at the
    /// held-back rate plus the dictionary (`score.dict`). `u64::MAX` when nothing was judged.
    pub(crate) fn with(&self, score: &Score) -> u64 {
        self.cost(score.with, score.original, score.dict)
    }

    /// Expected archive bytes for this volume when `original` bytes compress to `compressed`
    /// with a dictionary of `dict` bytes.
    pub(crate) fn cost(&self, compressed: u64, original: u64, dict: u64) -> u64 {
        self.frames(compressed, original).saturating_add(dict)
    }

    /// Expected archive bytes for this volume without a dictionary.
    pub(crate) fn without(&self, score: &Score) -> u64 {
        self.frames(score.without, score.original)
    }

    /// True when the dictionary makes the archive strictly smaller.
    pub(crate) fn pays(&self, score: &Score) -> bool {
        self.with(score) < self.without(score)
    }

    /// Archive ratio (volume / archive bytes) with `score`'s dictionary (0 when not judged).
    pub(crate) fn ratio_with(&self, score: &Score) -> f64 {
        ratio(self.volume, self.with(score))
    }

    /// Archive ratio without a dictionary.
    pub(crate) fn ratio_without(&self, score: &Score) -> f64 {
        ratio(self.volume, self.without(score))
    }

    /// `compressed` bytes per `original` byte, extrapolated to the volume (rounded up).
    fn frames(&self, compressed: u64, original: u64) -> u64 {
        if original == 0 {
            return u64::MAX;
        }
        let scaled = (u128::from(self.volume) * u128::from(compressed)).div_ceil(original.into());
        u64::try_from(scaled).unwrap_or(u64::MAX)
    }
}

/// volume / bytes, 0 for nothing measured.
fn ratio(volume: u64, bytes: u64) -> f64 {
    if bytes == 0 || bytes == u64::MAX {
        0.0
    } else {
        volume as f64 / bytes as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dictionary_pays_only_over_enough_volume() {
        // Held back: 10,000 bytes, 2,000 compressed without, 1,000 with a 5,000-byte dictionary.
        let score = Score {
            original: 10_000,
            with: 1_000,
            without: 2_000,
            dict: 5_000,
        };
        let small = Archive::new(0, 20_000);
        assert_eq!(small.volume, 20_000);
        assert_eq!((small.with(&score), small.without(&score)), (7_000, 4_000));
        assert!(!small.pays(&score));
        assert!(small.ratio_with(&score) < small.ratio_without(&score));
        let large = Archive::new(1_000_000, 20_000);
        assert_eq!(
            (large.with(&score), large.without(&score)),
            (105_000, 200_000)
        );
        assert!(large.pays(&score));
        assert_eq!(Archive::new(5, 20_000).volume, 20_000);
        assert_eq!(large.with(&Score::default()), u64::MAX);
        assert_eq!(large.ratio_with(&Score::default()), 0.0);
    }
}
