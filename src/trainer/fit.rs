//! One dictionary training: a recipe (cut, size, trainer parameters) applied to samples, with
//! the fallbacks that turn libzstd's "too few / too small samples" refusals into a smaller
//! but still useful dictionary where the data allows one.

use crate::libzstd::{self, FastCoverParams, ZstdError};

use super::sampling::{self, Cut};
use super::sizing::{self, Size};

/// Everything one training needs besides the samples; what the search varies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Recipe {
    /// How samples are cut into the pieces the trainer sees.
    pub(crate) cut: Cut,
    /// How large the dictionary is.
    pub(crate) size: Size,
    /// Trainer parameters as configured or as the search set them; zero k, d or f are
    /// resolved per training (see [`resolve`]).
    pub(crate) params: FastCoverParams,
}

/// Why a training gave no dictionary.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum FitError {
    /// Too little data for libzstd, even after cutting finer and shrinking the dictionary.
    TooLittle(String),
    /// Any other libzstd failure (out of memory, bad parameters): no fallback applies.
    Failed(String),
}

impl FitError {
    /// Classifies a libzstd trainer error: size complaints mean too little data.
    fn from_zstd(e: ZstdError) -> FitError {
        if e.is_size_complaint() {
            FitError::TooLittle(e.name().to_owned())
        } else {
            FitError::Failed(e.name().to_owned())
        }
    }
}

/// The parameters one libzstd call gets for `capacity` bytes of dictionary from `volume`
/// training bytes: zero d and k get their defaults (k shrunk for small dictionaries, see
/// [`sizing::segment_size`]) unless libzstd's own optimizer is asked to search them; zero f
/// is sized from the volume.
pub(crate) fn resolve(params: &FastCoverParams, capacity: usize, volume: u64) -> FastCoverParams {
    let mut p = *params;
    if !p.optimize {
        if p.d == 0 {
            p.d = sizing::DEFAULT_D;
        }
        let k = if p.k == 0 { sizing::DEFAULT_K } else { p.k };
        p.k = sizing::segment_size(k, p.d, capacity);
    } else if p.k != 0 {
        p.k = p.k.min(u32::try_from(capacity).unwrap_or(u32::MAX));
    }
    if p.f == 0 && !p.exact_cover {
        p.f = sizing::hash_log(volume);
    }
    p
}

/// Trains a dictionary from `samples` with `recipe`.
///
/// If libzstd refuses the data as too small, retries once with the samples cut finer and the
/// dictionary a quarter of the size (at least libzstd's 256 bytes); only if that fails too
/// is the answer [`FitError::TooLittle`]. The dictionary returned has a nonzero id.
pub(crate) fn fit(samples: &[&[u8]], recipe: &Recipe) -> Result<Vec<u8>, FitError> {
    let volume: u64 = samples.iter().map(|s| s.len() as u64).sum();
    let capacity = recipe.size.capacity(volume);
    let first = match sampling::training_pieces(samples, recipe.cut) {
        Some(pieces) => train_pieces(&pieces, capacity, &recipe.params, volume),
        None => Err(FitError::TooLittle(
            "too few samples to cut into pieces".to_owned(),
        )),
    };
    match first {
        Err(FitError::TooLittle(_)) => {
            let finer = Cut::Pieces(
                sampling::MIN_PIECE_SIZE.max(usize::try_from(volume / 64).unwrap_or(usize::MAX)),
            );
            let pieces = sampling::training_pieces(samples, finer)
                .ok_or_else(|| FitError::TooLittle("too few bytes to train on".to_owned()))?;
            let smaller = (capacity / 4).max(sizing::LIBZSTD_MIN_SIZE);
            train_pieces(&pieces, smaller, &recipe.params, volume)
        }
        other => other,
    }
}

/// One libzstd training on prepared pieces, with the result checked.
fn train_pieces(
    pieces: &[&[u8]],
    capacity: usize,
    params: &FastCoverParams,
    volume: u64,
) -> Result<Vec<u8>, FitError> {
    let params = resolve(params, capacity, volume);
    let (dict, _used) =
        libzstd::train_fast_cover(pieces, capacity, &params).map_err(FitError::from_zstd)?;
    if libzstd::dictionary_id(&dict) == 0 {
        return Err(FitError::Failed(
            "libzstd returned a dictionary without an id".to_owned(),
        ));
    }
    Ok(dict)
}
