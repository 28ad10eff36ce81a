//! `--switch-cost`: what a processor pays to change dictionary, with prepared dictionaries
//! (a `ZSTD_CDict` referenced by the context) against reloading the raw dictionary (what the
//! original Python tool did, hence its processors bound to one dictionary each).

use std::time::Instant;

use zstdpool::libzstd::{CCtx, CDict};

use crate::corpus::Item;

/// Microseconds per 1 KB entry for: the same prepared dictionary every time, a different
/// prepared dictionary every time, and the raw dictionary reloaded every time.
pub fn measure(items: &[Item], dicts: &[Vec<u8>], level: i32) {
    let cdicts: Vec<CDict> = dicts.iter().map(|d| CDict::new(d, level).expect("dictionary")).collect();
    let mut cctx = CCtx::new(level, false).expect("context");
    let rounds = items.len();
    let time = |f: &mut dyn FnMut(usize)| {
        let started = Instant::now();
        for i in 0..rounds {
            f(i);
        }
        started.elapsed().as_secs_f64() * 1e6 / rounds as f64
    };
    let same = time(&mut |i| {
        cctx.compress_to_vec(Some(&cdicts[0]), &items[i].data).expect("compress");
    });
    let switching = time(&mut |i| {
        cctx.compress_to_vec(Some(&cdicts[i % cdicts.len()]), &items[i].data).expect("compress");
    });
    let reloading = time(&mut |i| {
        cctx.compress_to_vec_reloading(&dicts[i % dicts.len()], &items[i].data).expect("compress");
    });
    let sizes: Vec<usize> = dicts.iter().map(Vec::len).collect();
    println!("dictionary switch cost, {} entries of ~{} bytes, level {level}, dictionaries of {sizes:?} bytes:", rounds, items[0].data.len());
    println!("  same prepared dictionary      {same:8.2} us/entry");
    println!("  switching prepared (CDict)    {switching:8.2} us/entry  (+{:.2} us per switch)", switching - same);
    println!("  reloading raw dictionary      {reloading:8.2} us/entry  ({:.1}x the same-dictionary cost)", reloading / same);
    println!(
        "{{\"same_us\":{same:.3},\"switch_prepared_us\":{switching:.3},\"reload_us\":{reloading:.3}}}"
    );
}
