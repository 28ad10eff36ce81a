//! How samples are cut before the trainer sees them.
//!
//! libzstd's COVER trainers refuse fewer than 5 training samples ("Src size is incorrect"):
//! zstd's usual trainer fails on a category of a handful of entries, however large they are.
//! Cutting each sample into pieces of a few kilobytes gives the trainer enough samples from
//! the same bytes. The cut also changes what the trainer sees (d-mers are counted within a
//! piece, entropy statistics are gathered piece by piece), so the search tries a few cuts; on
//! real logs they differ by about 1% once there are enough samples, which is why size and
//! segment length are searched first. Pieces borrow from the samples: nothing is copied here.

/// Fewest pieces handed to the trainer: libzstd needs 5, a few more give the segment
/// selection room to choose from (and tolerate pieces too short to hold one d-mer).
pub(crate) const MIN_PIECES: usize = 8;

/// Smallest piece the "too few samples" fallback cuts: below this a piece holds too few
/// d-mers for a segment (k is at least 16) to be worth choosing from it.
pub(crate) const MIN_PIECE_SIZE: usize = 256;

/// How each sample is cut into the pieces the trainer sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cut {
    /// Every sample is one piece (libzstd's usual input).
    Whole,
    /// Samples longer than this many bytes are cut into equal pieces of at most this size,
    /// each piece ending just after a line break where one is near its end.
    Pieces(usize),
}

impl Cut {
    /// The pieces of `samples` under this cut, in sample order. Empty samples give no piece.
    pub(crate) fn apply<'a>(self, samples: &[&'a [u8]]) -> Vec<&'a [u8]> {
        let mut pieces = Vec::with_capacity(self.count(samples));
        for &sample in samples {
            match self {
                Cut::Whole => {
                    if !sample.is_empty() {
                        pieces.push(sample);
                    }
                }
                Cut::Pieces(size) => split_into(sample, size, &mut pieces),
            }
        }
        pieces
    }

    /// The simplest cut that gives the same pieces of `samples`: pieces larger than every
    /// sample are whole samples (so that the search does not train the same candidate twice).
    pub(crate) fn effective(self, samples: &[&[u8]]) -> Cut {
        match self {
            Cut::Pieces(size) if samples.iter().all(|s| s.len() <= size) => Cut::Whole,
            other => other,
        }
    }

    /// How many pieces `apply` gives, without building them (to plan fallbacks cheaply).
    pub(crate) fn count(self, samples: &[&[u8]]) -> usize {
        samples
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| match self {
                Cut::Whole => 1,
                Cut::Pieces(size) => s.len().div_ceil(size.max(1)),
            })
            .sum()
    }
}

/// Cuts `sample` into `ceil(len / size)` pieces of about equal length (so no tiny tail piece
/// is left over), moving each cut back to just after a `\n` found within an eighth of a piece
/// before it: log lines then stay whole, so the trainer sees lines as they start in real
/// entries. Each cut moves on its own, so the number of pieces is exactly what
/// [`Cut::count`] says.
fn split_into<'a>(sample: &'a [u8], size: usize, pieces: &mut Vec<&'a [u8]>) {
    let count = sample.len().div_ceil(size.max(1));
    if count <= 1 {
        if !sample.is_empty() {
            pieces.push(sample);
        }
        return;
    }
    let window = sample.len() / count / 8;
    let mut start = 0;
    for i in 1..count {
        // In u64: i x len may not fit a 32-bit usize.
        let nominal = (i as u64 * sample.len() as u64 / count as u64) as usize;
        let from = nominal - window;
        let end = sample[from..nominal]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(nominal, |at| from + at + 1);
        pieces.push(&sample[start..end]);
        start = end;
    }
    pieces.push(&sample[start..]);
}

/// The pieces to train on: `cut` applied to `samples`, or, when that gives fewer than
/// [`MIN_PIECES`] pieces (a few entries, or few large ones cut coarsely), the samples cut finer
/// so that there are enough. `None` when even pieces of [`MIN_PIECE_SIZE`] bytes are too few:
/// there is too little data for libzstd to train on.
pub(crate) fn training_pieces<'a>(samples: &[&'a [u8]], cut: Cut) -> Option<Vec<&'a [u8]>> {
    if cut.count(samples) >= MIN_PIECES {
        return Some(cut.apply(samples));
    }
    let volume: usize = samples.iter().map(|s| s.len()).sum();
    // Pieces of volume / (2 x MIN_PIECES) bytes give at least MIN_PIECES pieces however the
    // volume is spread over the samples (each sample loses at most one partial piece).
    let size = (volume / (2 * MIN_PIECES)).max(MIN_PIECE_SIZE);
    let finer = Cut::Pieces(size);
    (finer.count(samples) >= MIN_PIECES).then(|| finer.apply(samples))
}

/// Sample bytes the search judges its candidates on at most (the dictionary handed out is
/// still trained on every sample): past this, a candidate's training and judging cost grows
/// with the samples while the recipe it finds does not change much. Generated job trees: 150
/// jobs 0.62 -> 0.50 CPU s (archive ratio 7.688 -> 7.684), 1,000 jobs (up to 32 MB of
/// samples per category) 4.3 -> 1.5 s (7.91 -> 8.14), zstd's default trainer on the same
/// samples taking 0.60 and 3.6 s.
pub(crate) const SEARCH_BYTES: u64 = 4 << 20;

/// The samples the search judges on: all of them up to [`SEARCH_BYTES`], else every n-th
/// one (spread over the arrival order) for about that many bytes.
pub(crate) fn search_subset<'a>(samples: &[&'a [u8]]) -> Vec<&'a [u8]> {
    let total: u64 = samples.iter().map(|s| s.len() as u64).sum();
    let stride = usize::try_from(total.div_ceil(SEARCH_BYTES).max(1)).unwrap_or(usize::MAX);
    samples.iter().step_by(stride).copied().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cover_each_sample_exactly() {
        let text: Vec<u8> = (0..10_000u32)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .collect();
        let samples: Vec<&[u8]> = vec![&text, b"", b"short"];
        for size in [1, 7, 100, 4096, 100_000] {
            let pieces = Cut::Pieces(size).apply(&samples);
            assert_eq!(pieces.len(), Cut::Pieces(size).count(&samples));
            let joined: Vec<u8> = pieces.concat();
            assert_eq!(joined, [text.as_slice(), b"short"].concat());
            assert!(
                pieces
                    .iter()
                    .all(|p| !p.is_empty() && p.len() <= size.max(5) + size / 8 + 1)
            );
        }
    }

    #[test]
    fn pieces_larger_than_every_sample_are_whole_samples() {
        let samples: Vec<&[u8]> = vec![b"12345", b"123"];
        assert_eq!(Cut::Pieces(5).effective(&samples), Cut::Whole);
        assert_eq!(Cut::Pieces(4).effective(&samples), Cut::Pieces(4));
        assert_eq!(Cut::Pieces(5).apply(&samples), Cut::Whole.apply(&samples));
    }

    #[test]
    fn the_search_judges_on_a_spread_subset_of_large_sample_sets() {
        let big = vec![b'a'; 1 << 20];
        let samples: Vec<&[u8]> = vec![&big; 20];
        let subset = search_subset(&samples);
        assert_eq!(subset.len(), 4);
        assert_eq!(search_subset(&samples[..4]).len(), 4);
    }

    #[test]
    fn few_samples_are_cut_finer() {
        let big = vec![b'a'; 50_000];
        let samples: Vec<&[u8]> = vec![&big, &big];
        let pieces = training_pieces(&samples, Cut::Whole).unwrap_or_default();
        assert!(pieces.len() >= MIN_PIECES);
        assert!(training_pieces(&[b"tiny".as_slice()], Cut::Whole).is_none());
    }
}
