//! Which dictionary is handed out: the chosen recipe trained once more on every sample (more
//! data, same proportions), unless the recipe's dictionary from the first fold does better on
//! the samples, its size counted. fastCover can make the larger training worse: on a few
//! near-identical small entries, a volume just past one of its epoch boundaries spreads the
//! segments over the data differently, and a dictionary judged to compress held-back samples
//! 10x was retrained into one compressing them 3x.

use crate::libzstd::{CDict, ZstdError};

use super::evaluate::Judge;

/// The better of `retrained` (if there is one) and `fold` for `samples`: the one whose frames
/// plus own size are smaller, `retrained` on a tie. `None` when neither loads as a dictionary.
pub(crate) fn pick(
    judge: &mut Judge,
    samples: &[&[u8]],
    retrained: Option<Vec<u8>>,
    fold: Vec<u8>,
    level: i32,
) -> Result<Option<Vec<u8>>, ZstdError> {
    let mut best: Option<(u64, Vec<u8>)> = None;
    for dict in retrained.into_iter().chain(Some(fold)) {
        let Ok(cdict) = CDict::new(&dict, level) else {
            continue;
        };
        let cost = judge.compressed(Some(&cdict), samples)? + dict.len() as u64;
        if best.as_ref().is_none_or(|(b, _)| cost < *b) {
            best = Some((cost, dict));
        }
    }
    Ok(best.map(|(_, dict)| dict))
}
