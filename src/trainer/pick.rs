//! Which dictionary is handed out: the chosen recipe trained once more on every sample (more
//! data, same proportions), unless the recipe's dictionary from the first fold does better on
//! that fold's held-back samples (extrapolated to the category's volume, sizes counted), even
//! though the retrained one has seen them. fastCover can make the larger training worse: on a
//! few near-identical small entries, a volume just past one of its epoch boundaries spreads
//! the segments over the data differently, and a dictionary judged to compress held-back
//! samples 10x was retrained into one compressing them 3x. Comparing on the held-back fifth
//! only keeps the check at a fraction of one training.

use crate::libzstd::{CDict, ZstdError};

use super::evaluate::Judge;
use super::worth::Archive;

/// The better of `retrained` (if there is one) and `fold` for `samples` (the first fold's
/// held-back samples): the one that makes `archive` smaller, `retrained` on a tie. `None` when
/// neither loads as a dictionary.
pub(crate) fn pick(
    judge: &mut Judge,
    samples: &[&[u8]],
    archive: Archive,
    (retrained, fold): (Option<Vec<u8>>, Vec<u8>),
    level: i32,
) -> Result<Option<Vec<u8>>, ZstdError> {
    let sampled = samples.iter().map(|s| s.len() as u64).sum();
    let mut best: Option<(u64, Vec<u8>)> = None;
    for dict in retrained.into_iter().chain(Some(fold)) {
        let Ok(cdict) = CDict::new(&dict, level) else {
            continue;
        };
        let frames = judge.compressed(Some(&cdict), samples)?;
        let cost = archive.cost(frames, sampled, dict.len() as u64);
        if best.as_ref().is_none_or(|(b, _)| cost < *b) {
            best = Some((cost, dict));
        }
    }
    Ok(best.map(|(_, dict)| dict))
}
