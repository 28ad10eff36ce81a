//! How large a dictionary is, and the trainer settings that follow from the training volume.
//!
//! A dictionary is only as useful as the data it was drawn from: too small and it misses
//! recurring text, too large and it fills up with text seen once (which the held-back judge
//! then punishes, and which costs memory and CDict building time for nothing). So the size is
//! a share of the training volume, within bounds, and the search picks the share.

/// Smallest dictionary the automatic sizing asks for: below this the header and entropy
/// tables (a few hundred bytes) leave almost no room for content.
pub(crate) const MIN_AUTO_SIZE: usize = 2 * 1024;

/// libzstd's smallest dictionary (ZDICT_DICTSIZE_MIN): smaller capacities are refused.
pub(crate) const LIBZSTD_MIN_SIZE: usize = 256;

/// Segment size used when the configuration leaves k to the trainer (k = 0), and where the
/// search starts: measured on real logs, 2 KiB segments (whole groups of lines) beat
/// libzstd's usual few hundred bytes.
pub(crate) const DEFAULT_K: u32 = 2048;

/// d-mer size used when the configuration leaves d to the trainer (d = 0).
pub(crate) const DEFAULT_D: u32 = 8;

/// How the dictionary size is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Size {
    /// The training volume divided by `divisor`, within [`MIN_AUTO_SIZE`]..=`max`: the same
    /// share then gives a proportionally larger dictionary when the final training sees all
    /// samples instead of a held-back split.
    Share { divisor: u32, max: usize },
    /// Exactly this capacity (the configuration's `dict_size`).
    Fixed(usize),
}

impl Size {
    /// The dictionary capacity for `volume` training bytes.
    pub(crate) fn capacity(self, volume: u64) -> usize {
        match self {
            Size::Share { divisor, max } => {
                let share = volume / u64::from(divisor.max(1));
                usize::try_from(share)
                    .unwrap_or(usize::MAX)
                    .min(max)
                    .max(MIN_AUTO_SIZE.min(max))
            }
            Size::Fixed(size) => size.max(LIBZSTD_MIN_SIZE),
        }
    }
}

/// fastCover's hash table size (log2) for `volume` bytes when the configuration leaves it to
/// us (f = 0): about one slot per 8 d-mer positions, between 2^12 and 2^17 (libzstd's default
/// is 2^20). The segment selection reads its two tables (4 + 2 bytes a slot) at random for
/// every position it scans, on every pass: at 2^17 slots they take 768 KiB and stay in the
/// core's L2 cache: the real-log corpus's default search took 0.13 CPU s instead of 0.23 with
/// one slot per position up to 2^20, the generated job tree's 0.50 s instead of 0.63 with
/// 2^20 at most. Logs repeat their d-mers, so they hold far fewer distinct ones than
/// positions: archive ratios came out the same (corpus 9.76 vs 9.75, generated tree 7.67 vs
/// 7.69), frames-only with a large volume hint too (corpus 14.84 vs 14.92). The tables are
/// also allocated and cleared on every training, which the bound keeps cheap for small
/// categories.
pub(crate) fn hash_log(volume: u64) -> u32 {
    let bits = (u64::BITS - volume.max(1).leading_zeros()).saturating_sub(3);
    bits.clamp(12, 17)
}

/// The segment size to use for a dictionary of `capacity` bytes: the wanted `k`, but at most
/// an eighth of the capacity so that a small dictionary still holds several segments, and
/// never below 16 (libzstd's smallest useful segment) nor below `d`.
pub(crate) fn segment_size(k: u32, d: u32, capacity: usize) -> u32 {
    let eighth = u32::try_from(capacity / 8).unwrap_or(u32::MAX);
    k.min(eighth).max(16).max(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MAX_AUTO_SIZE;

    #[test]
    fn share_is_bounded() {
        assert_eq!(
            Size::Share {
                divisor: 10,
                max: MAX_AUTO_SIZE
            }
            .capacity(0),
            MIN_AUTO_SIZE
        );
        assert_eq!(
            Size::Share {
                divisor: 10,
                max: MAX_AUTO_SIZE
            }
            .capacity(1 << 20),
            (1 << 20) / 10
        );
        assert_eq!(
            Size::Share {
                divisor: 10,
                max: MAX_AUTO_SIZE
            }
            .capacity(1 << 40),
            MAX_AUTO_SIZE
        );
        assert_eq!(Size::Fixed(4096).capacity(1), 4096);
        assert_eq!(Size::Fixed(1).capacity(1 << 30), LIBZSTD_MIN_SIZE);
    }

    #[test]
    fn small_dictionaries_get_small_segments() {
        assert_eq!(segment_size(1024, 8, 1 << 20), 1024);
        assert_eq!(segment_size(1024, 8, 2048), 256);
        assert_eq!(segment_size(1024, 8, 256), 32);
        assert_eq!(hash_log(100), 12);
        assert_eq!(hash_log(1 << 30), 17);
    }
}
