//! `--switch-cost`: what a processor pays to change dictionary, with prepared dictionaries
//! (a `ZSTD_CDict` referenced by the context) against reloading the raw dictionary (what the
//! original Python tool did, hence its processors bound to one dictionary each).

use std::time::Instant;

use zstdpool::libzstd::{CCtx, CDict};

use crate::corpus::Item;

/// Microseconds per entry for the same work in three ways: entries grouped by category (one
/// dictionary switch per category), interleaved (a switch before every entry), and
/// interleaved reloading the raw dictionary every time. `dicts[c]` is category `c`'s
/// dictionary; entry `i` belongs to category `i % dicts.len()`.
pub fn measure(items: &[Item], dicts: &[Vec<u8>], level: i32) {
    let cdicts: Vec<CDict> = dicts
        .iter()
        .map(|d| CDict::new(d, level).expect("dictionary"))
        .collect();
    let n = dicts.len();
    let mut cctx = CCtx::new(level, false).expect("context");
    let interleaved: Vec<usize> = (0..items.len()).collect();
    let mut grouped = interleaved.clone();
    grouped.sort_by_key(|&i| i % n);
    // Best of three passes (the first also warms the context and the caches up).
    let mut time = |order: &[usize], reload: bool| {
        (0..3)
            .map(|_| {
                let started = Instant::now();
                for &i in order {
                    let data = &items[i].data;
                    if reload {
                        cctx.compress_to_vec_reloading(&dicts[i % n], data)
                            .expect("compress");
                    } else {
                        cctx.compress_to_vec(Some(&cdicts[i % n]), data)
                            .expect("compress");
                    }
                }
                started.elapsed().as_secs_f64() * 1e6 / order.len() as f64
            })
            .fold(f64::INFINITY, f64::min)
    };
    let same = time(&grouped, false);
    let switching = time(&interleaved, false);
    // Reloading is slow: a tenth of the entries is plenty.
    let reloading = time(&interleaved[..items.len() / 10], true);
    let sizes: Vec<usize> = dicts.iter().map(Vec::len).collect();
    println!(
        "dictionary switch cost, {} entries of {} bytes in {n} categories, level {level}, dictionaries of {sizes:?} bytes:",
        items.len(),
        items[0].data.len()
    );
    println!("  grouped by dictionary (prepared)     {same:8.2} us/entry");
    println!(
        "  switching every entry (prepared)    {switching:8.2} us/entry  ({:+.2} us per switch)",
        switching - same
    );
    println!(
        "  reloading the raw dictionary        {reloading:8.2} us/entry  ({:.1}x the grouped cost)",
        reloading / same
    );
    println!(
        "{{\"grouped_us\":{same:.3},\"switch_prepared_us\":{switching:.3},\"reload_us\":{reloading:.3}}}"
    );
}
