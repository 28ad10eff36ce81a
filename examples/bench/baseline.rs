//! The physical limit: one thread, one zstd context per direction, prepared dictionaries,
//! a plain loop over the entries. The pool is measured against `workers` times this.

use std::collections::BTreeMap;
use std::time::Instant;

use zstdpool::libzstd::{CCtx, CDict, DCtx, DDict};

use crate::corpus::Item;

/// Seconds to compress then decompress every entry, and the frames.
pub struct Baseline {
    pub compress_seconds: f64,
    pub decompress_seconds: f64,
    pub frames: Vec<Vec<u8>>,
}

/// Runs the single-thread loop with `dicts` (by category) at `level`, with frame checksums
/// as configured (like the pool).
pub fn run(
    items: &[Item],
    dicts: &BTreeMap<String, Vec<u8>>,
    level: i32,
    checksum: bool,
) -> Baseline {
    let cdicts: BTreeMap<&str, CDict> = dicts
        .iter()
        .map(|(k, d)| (k.as_str(), CDict::new(d, level).expect("dictionary")))
        .collect();
    let ddicts: BTreeMap<&str, DDict> = dicts
        .iter()
        .map(|(k, d)| (k.as_str(), DDict::new(d).expect("dictionary")))
        .collect();
    let mut cctx = CCtx::new(level, checksum).expect("context");
    // One reused output buffer; each frame is then kept (like the pool's outputs).
    let mut buffer = Vec::new();
    let started = Instant::now();
    let frames: Vec<Vec<u8>> = items
        .iter()
        .map(|item| {
            let dict = cdicts.get(item.category.as_str());
            cctx.compress_into(dict, &item.data, &mut buffer)
                .expect("compress");
            buffer.clone()
        })
        .collect();
    let compress_seconds = started.elapsed().as_secs_f64();
    let mut dctx = DCtx::new().expect("context");
    let mut out = Vec::new();
    let started = Instant::now();
    // One call per frame straight into the reused buffer (the frames record their sizes):
    // the fastest way one thread decodes them.
    for (item, frame) in items.iter().zip(&frames) {
        out.clear();
        dctx.decompress_append(
            ddicts.get(item.category.as_str()),
            frame,
            &mut out,
            u64::MAX,
        )
        .expect("decompress");
        assert_eq!(out.len(), item.data.len());
    }
    let decompress_seconds = started.elapsed().as_secs_f64();
    Baseline {
        compress_seconds,
        decompress_seconds,
        frames,
    }
}

/// Compressed size of every entry without dictionaries (for the ratio without them).
pub fn sizes_without_dictionaries(items: &[Item], level: i32, checksum: bool) -> Vec<usize> {
    let mut cctx = CCtx::new(level, checksum).expect("context");
    items
        .iter()
        .map(|item| {
            cctx.compress_to_vec(None, &item.data)
                .expect("compress")
                .len()
        })
        .collect()
}
