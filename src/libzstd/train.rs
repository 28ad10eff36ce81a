//! Dictionary training with libzstd's COVER family of trainers.

use super::error::ZstdError;

/// Parameters of the fastCover / cover trainers. Zero means "libzstd's default" for k, d, f
/// and steps; with `optimize`, zero k or d are searched for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FastCoverParams {
    /// Segment size (bytes).
    pub k: u32,
    /// d-mer size (6 or 8 for fastCover).
    pub d: u32,
    /// log2 of the frequency table size (fastCover only).
    pub f: u32,
    /// Acceleration 1..=10 (fastCover only; higher is faster and less precise).
    pub accel: u32,
    /// Number of (k, d) candidates tried by the parameter search.
    pub steps: u32,
    /// Threads used by the parameter search.
    pub threads: u32,
    /// Fraction of samples trained on during the search; the rest judges candidates.
    pub split_point: f64,
    /// Compression level the dictionary's entropy tables are tuned for.
    pub level: i32,
    /// Use the slower exact COVER algorithm instead of fastCover.
    pub exact_cover: bool,
    /// Search k and d (libzstd's optimize trainers) instead of training once.
    pub optimize: bool,
}

impl Default for FastCoverParams {
    fn default() -> Self {
        FastCoverParams {
            k: 0,
            d: 8,
            f: 0,
            accel: 1,
            steps: 0,
            threads: 1,
            split_point: 0.0,
            level: 3,
            exact_cover: false,
            optimize: false,
        }
    }
}

/// Trains a dictionary of at most `capacity` bytes on `samples` (each slice one sample).
/// Returns the dictionary and the parameters that were used (after any search).
pub fn train_fast_cover(
    samples: &[&[u8]],
    capacity: usize,
    params: &FastCoverParams,
) -> Result<(Vec<u8>, FastCoverParams), ZstdError> {
    let joined: Vec<u8> = samples.concat();
    let sizes: Vec<usize> = samples.iter().map(|s| s.len()).collect();
    let count = u32::try_from(sizes.len()).map_err(|_| ZstdError::src_size())?;
    let mut dict = vec![0u8; capacity];
    let z_params = zstd_sys::ZDICT_params_t {
        compressionLevel: params.level,
        notificationLevel: 0,
        dictID: 0,
    };
    let mut used = *params;
    let size = if params.exact_cover {
        let mut cover = zstd_sys::ZDICT_cover_params_t {
            k: params.k,
            d: params.d,
            steps: params.steps,
            nbThreads: params.threads,
            splitPoint: params.split_point,
            shrinkDict: 0,
            shrinkDictMaxRegression: 0,
            zParams: z_params,
        };
        // SAFETY: `dict` has `capacity` writable bytes; `joined` holds exactly the bytes
        // `sizes` describes, `count` of them; the parameter struct is fully initialised.
        let size = unsafe {
            if params.optimize {
                zstd_sys::ZDICT_optimizeTrainFromBuffer_cover(
                    dict.as_mut_ptr().cast(),
                    capacity,
                    joined.as_ptr().cast(),
                    sizes.as_ptr(),
                    count,
                    &mut cover,
                )
            } else {
                zstd_sys::ZDICT_trainFromBuffer_cover(
                    dict.as_mut_ptr().cast(),
                    capacity,
                    joined.as_ptr().cast(),
                    sizes.as_ptr(),
                    count,
                    cover,
                )
            }
        };
        used.k = cover.k;
        used.d = cover.d;
        size
    } else {
        let mut fast = zstd_sys::ZDICT_fastCover_params_t {
            k: params.k,
            d: params.d,
            f: params.f,
            steps: params.steps,
            nbThreads: params.threads,
            splitPoint: params.split_point,
            accel: params.accel,
            shrinkDict: 0,
            shrinkDictMaxRegression: 0,
            zParams: z_params,
        };
        // SAFETY: as above, for the fastCover variants.
        let size = unsafe {
            if params.optimize {
                zstd_sys::ZDICT_optimizeTrainFromBuffer_fastCover(
                    dict.as_mut_ptr().cast(),
                    capacity,
                    joined.as_ptr().cast(),
                    sizes.as_ptr(),
                    count,
                    &mut fast,
                )
            } else {
                zstd_sys::ZDICT_trainFromBuffer_fastCover(
                    dict.as_mut_ptr().cast(),
                    capacity,
                    joined.as_ptr().cast(),
                    sizes.as_ptr(),
                    count,
                    fast,
                )
            }
        };
        used.k = fast.k;
        used.d = fast.d;
        used.f = fast.f;
        size
    };
    dict.truncate(ZstdError::check_zdict(size)?);
    Ok((dict, used))
}
