//! What a dictionary is worth in an archive: it is stored once per category, so the figure
//! that counts is frames + dictionary, not frames alone.
//!
//! The held-back judge measures compressed bytes per original byte with and without a
//! candidate; those rates are extrapolated to the category's expected raw volume (the
//! configuration's hint, never less than the bytes sampled) and the candidate's own size is
//! added. A dictionary of 100 KB saving 10 % of 50 KB of frames costs more than it saves; the
//! same dictionary over a 1 GB category pays for itself many times.
//!
//! Samples are the first bytes of their entries, and a dictionary helps most at the start of
//! an entry (further on, the entry's own history does its work): the savings measured on
//! 128 KiB prefixes of 1.5 MB entries, extrapolated to every byte of them, chose a
//! dictionary that made the archive 2 % larger than none. So when the entry count is hinted
//! too, the savings rate applies to the entries' sampled-size prefixes only (the `reach`):
//! entries x the samples' mean size, at most the volume.

use super::evaluate::Score;

/// The category a dictionary is judged for: how many raw bytes it will compress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Archive {
    /// Expected raw bytes of the category (at least the bytes sampled).
    pub(crate) volume: u64,
    /// The part of the volume the dictionary changes (at least the bytes sampled, at most the
    /// volume): the rest compresses alike with and without it.
    pub(crate) reach: u64,
}

impl Archive {
    /// The archive for a category with the configured hints, `bytes` and `entries` (0:
    /// none), of which `samples` entries gave `sampled` bytes. Without a hint the volume is
    /// the sampled bytes: the entries sampled are compressed with the dictionary at least, so
    /// the dictionary is never larger than what it saves on them (conservative: a category
    /// usually holds more).
    pub(crate) fn new(bytes: u64, entries: u64, sampled: u64, samples: usize) -> Archive {
        let volume = bytes.max(sampled);
        let reach = if entries == 0 {
            volume
        } else {
            let prefix = sampled / (samples.max(1) as u64);
            entries.saturating_mul(prefix).clamp(sampled, volume)
        };
        Archive { volume, reach }
    }

    /// Expected archive bytes for this volume with `score`'s dictionary: the reach at the
    /// held-back rate with it, the rest at the rate without, plus the dictionary
    /// (`score.dict`). `u64::MAX` when nothing was judged.
    pub(crate) fn with(&self, score: &Score) -> u64 {
        self.cost(score.with, score.original, score.dict)
            .saturating_add(self.rest(score))
    }

    /// Expected archive bytes of the reach when `original` bytes compress to `compressed`
    /// with a dictionary of `dict` bytes (the rest of the volume does not depend on it).
    pub(crate) fn cost(&self, compressed: u64, original: u64, dict: u64) -> u64 {
        scale(self.reach, compressed, original).saturating_add(dict)
    }

    /// Expected archive bytes for this volume without a dictionary.
    pub(crate) fn without(&self, score: &Score) -> u64 {
        scale(self.volume, score.without, score.original)
    }

    /// Expected frames of the volume past the reach (the same with or without dictionary).
    fn rest(&self, score: &Score) -> u64 {
        scale(self.volume - self.reach, score.without, score.original)
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
}

/// `compressed` bytes per `original` byte, extrapolated to `volume` bytes (rounded up;
/// `u64::MAX` when nothing was measured).
fn scale(volume: u64, compressed: u64, original: u64) -> u64 {
    if original == 0 {
        return u64::MAX;
    }
    let scaled = (u128::from(volume) * u128::from(compressed)).div_ceil(original.into());
    u64::try_from(scaled).unwrap_or(u64::MAX)
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
        let small = Archive::new(0, 0, 20_000, 10);
        assert_eq!((small.volume, small.reach), (20_000, 20_000));
        assert_eq!((small.with(&score), small.without(&score)), (7_000, 4_000));
        assert!(!small.pays(&score));
        assert!(small.ratio_with(&score) < small.ratio_without(&score));
        let large = Archive::new(1_000_000, 0, 20_000, 10);
        assert_eq!(
            (large.with(&score), large.without(&score)),
            (105_000, 200_000)
        );
        assert!(large.pays(&score));
        assert_eq!(Archive::new(5, 0, 20_000, 10).volume, 20_000);
        assert_eq!(large.with(&Score::default()), u64::MAX);
        assert_eq!(large.ratio_with(&Score::default()), 0.0);
    }

    #[test]
    fn a_dictionary_reaches_only_the_sampled_prefix_of_each_entry() {
        // Ten 2,000-byte samples (prefixes) of 100 entries holding 1,000,000 bytes in all.
        let score = Score {
            original: 10_000,
            with: 1_000,
            without: 2_000,
            dict: 5_000,
        };
        let long = Archive::new(1_000_000, 100, 20_000, 10);
        assert_eq!(long.reach, 200_000);
        // The dictionary saves 10 % of the 200,000 bytes it reaches: 20,000 for 5,000.
        assert_eq!(long.with(&score), 20_000 + 5_000 + 160_000);
        assert_eq!(long.without(&score), 200_000);
        // Entries no longer than the samples: the dictionary reaches every byte.
        assert_eq!(Archive::new(1_000_000, 1_000, 20_000, 10).reach, 1_000_000);
        assert_eq!(Archive::new(0, 3, 20_000, 10).reach, 20_000);
    }
}
