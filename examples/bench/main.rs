//! The benchmark: the pool against the machine's physical limit (all cores running libzstd
//! flat out with prepared dictionaries), in one run, on the same entries, dictionaries and
//! level. See the README's Performance section for how to read it.
//!
//! cargo run --release --example bench -- [CORPUS] [--workers N] [--level L]
//!        [--generate N --entry-size B] [--categories C] [--switch-cost] [--repeat R] [--rounds K]
//!
//! --repeat R: each run is made R times and its fastest time kept (default 5).
//! --rounds K: the compress and decompress runs (single thread and pool) process the entries
//! K times over (default: enough rounds for 100 MB), so that one-time costs (starting threads,
//! digesting dictionaries: a few ms) do not dominate; --rounds 1 shows them.

mod baseline;
mod batches;
mod corpus;
mod report;
mod runs;
mod stream;
mod switch_cost;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use zstdpool::{Config, MemoryProvider, trainer};

use corpus::Item;
use report::{Json, mbps};

/// Command-line options.
struct Args {
    corpus: Option<PathBuf>,
    workers: usize,
    level: i32,
    generate: Option<u64>,
    entry_size: usize,
    categories: usize,
    switch_cost: bool,
    batch_stream: bool,
    repeat: usize,
    rounds: Option<usize>,
}

fn usage() -> ! {
    eprintln!(
        "usage: bench [CORPUS] [--workers N] [--level L] [--generate N --entry-size B [--batch-stream]] [--categories C] [--switch-cost] [--repeat R] [--rounds K]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut args = Args {
        corpus: None,
        workers: std::thread::available_parallelism().map_or(2, usize::from),
        level: 3,
        generate: None,
        entry_size: 1024,
        categories: 8,
        switch_cost: false,
        batch_stream: false,
        repeat: 5,
        rounds: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--workers" => args.workers = value().parse().unwrap_or_else(|_| usage()),
            "--level" => args.level = value().parse().unwrap_or_else(|_| usage()),
            "--generate" => args.generate = Some(value().parse().unwrap_or_else(|_| usage())),
            "--entry-size" => args.entry_size = value().parse().unwrap_or_else(|_| usage()),
            "--categories" => args.categories = value().parse().unwrap_or_else(|_| usage()),
            "--switch-cost" => args.switch_cost = true,
            "--batch-stream" => args.batch_stream = true,
            "--repeat" => args.repeat = value().parse::<usize>().unwrap_or_else(|_| usage()).max(1),
            "--rounds" => {
                args.rounds = Some(value().parse::<usize>().unwrap_or_else(|_| usage()).max(1))
            }
            "-h" | "--help" => usage(),
            path if !path.starts_with('-') && args.corpus.is_none() => {
                args.corpus = Some(path.into())
            }
            _ => usage(),
        }
    }
    args
}

/// Bytes the timed compress and decompress runs cover by default (see `--rounds`).
const STEADY_BYTES: u64 = 100_000_000;

/// Most entries held in memory for the in-memory runs of `--generate`.
const IN_MEMORY_LIMIT: u64 = 100_000;

fn main() {
    let args = parse_args();
    let config = Config {
        workers: args.workers,
        level: args.level,
        ..Config::default()
    };
    if let Err(e) = config.validate() {
        eprintln!("bench: {e}");
        std::process::exit(2);
    }
    let mut json = Json::default();

    // The streaming run goes first, so that the peak memory it reports is its own.
    let (items, source) = match args.generate {
        Some(count) => {
            eprintln!(
                "streaming {count} generated entries of {} bytes...",
                args.entry_size
            );
            let run = if args.batch_stream {
                stream::run_batches(count, args.entry_size, args.categories, &config)
            } else {
                stream::run(count, args.entry_size, args.categories, &config)
            };
            let t = run.stats.totals;
            println!(
                "stream{}: {count} entries, {:.1} MB in {:.2} s = {:.0} MB/s, {:.0} entries/s, ratio {:.2}, peak RSS {:.1} MB",
                if args.batch_stream { " (batches)" } else { "" },
                t.raw_bytes as f64 / 1e6,
                run.seconds,
                mbps(t.raw_bytes, run.seconds),
                count as f64 / run.seconds,
                t.ratio(),
                run.peak_rss_mb
            );
            json.int("stream_batches", u64::from(args.batch_stream));
            json.int("stream_entries", count)
                .num("stream_mbps", mbps(t.raw_bytes, run.seconds));
            json.num("peak_rss_mb", run.peak_rss_mb);
            let held = count.min(IN_MEMORY_LIMIT);
            (
                corpus::synthetic(held, args.entry_size, args.categories),
                format!("generated {held} x {} B", args.entry_size),
            )
        }
        None => match &args.corpus {
            Some(dir) => match corpus::load_folder(dir) {
                Ok(items) => (items, dir.display().to_string()),
                Err(e) => {
                    eprintln!("bench: cannot read {}: {e}", dir.display());
                    std::process::exit(2);
                }
            },
            None => (
                corpus::generated_tree(),
                "generated job-log tree".to_owned(),
            ),
        },
    };
    if items.is_empty() {
        eprintln!("bench: no entries");
        std::process::exit(2);
    }
    let total = corpus::bytes(&items);
    let workers = args.workers as f64;

    eprintln!("training dictionaries (one thread)...");
    let (dicts, st_train_seconds) = train_all(&items, &config);
    if args.switch_cost {
        let small = corpus::synthetic(20_000, 1024, 8);
        let (small_dicts, _) = train_all(&small, &config);
        let dicts: Vec<Vec<u8>> = small_dicts.into_values().collect();
        switch_cost::measure(&small, &dicts, args.level);
        return;
    }
    let provider = Arc::new(MemoryProvider::new());
    for (name, dict) in &dicts {
        zstdpool::DictProvider::put(&*provider, name, dict).expect("memory provider");
    }

    // Each run is repeated and its fastest time kept, as the machine allows.
    let r = args.repeat;
    // By default the timed runs go over at least STEADY_BYTES, so that throughput is measured
    // rather than the start-up (threads, digesting dictionaries: a few milliseconds).
    let rounds = args
        .rounds
        .unwrap_or_else(|| STEADY_BYTES.div_ceil(total.max(1)) as usize);
    let run_items = corpus::repeated(&items, rounds);
    let run_bytes = total * rounds as u64;
    eprintln!("single-thread baseline...");
    let base = best_of(
        r,
        || baseline::run(&run_items, &dicts, args.level, config.checksum),
        |b| b.compress_seconds + b.decompress_seconds,
    );
    eprintln!("pool: compress, decompress, compress from scratch...");
    let compressed = best_of(
        r,
        || runs::compress(&run_items, &config, Arc::clone(&provider)),
        |x| x.seconds,
    );
    let decompressed = best_of(
        r,
        || {
            runs::decompress(
                &run_items,
                &compressed.outputs,
                &config,
                Arc::clone(&provider),
            )
        },
        |x| x.seconds,
    );
    let scratch = best_of(
        r,
        || runs::from_scratch(&items, &config, Arc::new(MemoryProvider::new())),
        |x| x.seconds,
    );
    eprintln!("pool batches: compress, decompress, compress from scratch...");
    let shared_items = Arc::new(corpus::repeated(&items, rounds));
    let batch_compressed = best_of(
        r,
        || batches::compress(&shared_items, &config, Arc::clone(&provider)),
        |x| x.seconds,
    );
    let batch_frames = Arc::new(std::mem::take(&mut { batch_compressed.outputs }));
    let batch_decompressed = best_of(
        r,
        || {
            batches::decompress(
                &shared_items,
                Arc::clone(&batch_frames),
                &config,
                Arc::clone(&provider),
            )
        },
        |x| x.seconds,
    );
    let once = Arc::new(corpus::repeated(&items, 1));
    let batch_scratch = best_of(r, || batches::from_scratch(&once, &config), |x| x.seconds);
    let nodict = baseline::sizes_without_dictionaries(&items, args.level, config.checksum);

    let st_c = mbps(run_bytes, base.compress_seconds);
    let st_d = mbps(run_bytes, base.decompress_seconds);
    let pool_c = mbps(run_bytes, compressed.seconds);
    let pool_d = mbps(run_bytes, decompressed.seconds);
    let batch_c = mbps(run_bytes, batch_compressed.seconds);
    let batch_d = mbps(run_bytes, batch_decompressed.seconds);
    // One round of the single-thread compression, for the from-scratch comparison.
    let st_compress_once = base.compress_seconds / rounds as f64;
    let train_seconds: f64 = scratch
        .stats
        .categories
        .iter()
        .map(|c| c.train_seconds)
        .sum();
    let scratch_efficiency = (st_train_seconds + st_compress_once) / (workers * scratch.seconds);
    let batch_scratch_efficiency =
        (st_train_seconds + st_compress_once) / (workers * batch_scratch.seconds);
    let frames = &base.frames[..items.len()];
    let with_dict: u64 = frames.iter().map(|f| f.len() as u64).sum();
    let without: u64 = nodict.iter().map(|&n| n as u64).sum();
    // An archive stores each dictionary once: raw / (frames + dictionaries).
    let dict_bytes: u64 = dicts.values().map(|d| d.len() as u64).sum();
    let scratch_dict_bytes: u64 = scratch
        .stats
        .categories
        .iter()
        .map(|c| c.dict_size as u64)
        .sum();
    let scratch_archive =
        total as f64 / (scratch.stats.totals.compressed_bytes + scratch_dict_bytes).max(1) as f64;

    println!(
        "zstdpool benchmark: {source}, {} entries, {:.1} MB, level {}, {} workers, {} round(s), best of {}",
        items.len(),
        total as f64 / 1e6,
        args.level,
        args.workers,
        rounds,
        r
    );
    println!();
    println!("{:<44} {:>10} {:>10}", "run", "seconds", "MB/s");
    let row =
        |name: &str, s: f64, bytes: u64| println!("{name:<44} {s:>10.3} {:>10.1}", mbps(bytes, s));
    row(
        "single thread: compress (prepared dicts)",
        base.compress_seconds,
        run_bytes,
    );
    row(
        "single thread: decompress",
        base.decompress_seconds,
        run_bytes,
    );
    row(
        "pool: compress, dictionaries given",
        compressed.seconds,
        run_bytes,
    );
    row("pool: decompress", decompressed.seconds, run_bytes);
    row(
        "pool batches: compress, dictionaries given",
        batch_compressed.seconds,
        run_bytes,
    );
    row(
        "pool batches: decompress",
        batch_decompressed.seconds,
        run_bytes,
    );
    row(
        "single thread: train all, then compress",
        st_train_seconds + st_compress_once,
        total,
    );
    row(
        "pool: compress from nothing (training)",
        scratch.seconds,
        total,
    );
    row(
        "pool batches: compress from nothing",
        batch_scratch.seconds,
        total,
    );
    println!();
    println!(
        "compress efficiency    {:.3}  (pool / (workers x single thread))",
        pool_c / (workers * st_c)
    );
    println!("decompress efficiency  {:.3}", pool_d / (workers * st_d));
    println!(
        "scratch efficiency     {scratch_efficiency:.3}  (training {st_train_seconds:.2} s on one thread, {train_seconds:.2} s inside the pool)"
    );
    println!(
        "batches: compress efficiency {:.3}, decompress efficiency {:.3}, scratch efficiency {batch_scratch_efficiency:.3}",
        batch_c / (workers * st_c),
        batch_d / (workers * st_d)
    );
    println!();
    print_categories(&items, frames, &nodict, &scratch.stats);
    println!(
        "total: ratio {:.3} with dictionaries, {:.3} without; from scratch in the pool {:.3}",
        total as f64 / with_dict as f64,
        total as f64 / without as f64,
        scratch.stats.totals.ratio()
    );
    println!(
        "archive (frames + {} dictionaries, {} bytes): ratio {:.3}; from scratch in the pool {:.3}",
        dicts.len(),
        dict_bytes,
        total as f64 / (with_dict + dict_bytes) as f64,
        scratch_archive
    );

    json.num("st_compress_mbps", st_c)
        .num("pool_compress_mbps", pool_c)
        .num("compress_efficiency", pool_c / (workers * st_c))
        .num("st_decompress_mbps", st_d)
        .num("pool_decompress_mbps", pool_d)
        .num("decompress_efficiency", pool_d / (workers * st_d))
        .num("st_train_seconds", st_train_seconds)
        .num("train_seconds", train_seconds)
        .num("scratch_seconds", scratch.seconds)
        .num("scratch_efficiency", scratch_efficiency)
        .num("batch_compress_mbps", batch_c)
        .num("batch_compress_efficiency", batch_c / (workers * st_c))
        .num("batch_decompress_mbps", batch_d)
        .num("batch_decompress_efficiency", batch_d / (workers * st_d))
        .num("batch_scratch_efficiency", batch_scratch_efficiency)
        .num("ratio", total as f64 / with_dict as f64)
        .num("ratio_nodict", total as f64 / without as f64)
        .num(
            "archive_ratio",
            total as f64 / (with_dict + dict_bytes) as f64,
        )
        .num("scratch_archive_ratio", scratch_archive)
        .num("scratch_ratio", scratch.stats.totals.ratio())
        .int("workers", args.workers as u64)
        .int("rounds", rounds as u64)
        .int("level", args.level as u64)
        .int("entries", items.len() as u64)
        .int("bytes", total);
    if args.generate.is_none() {
        json.num("peak_rss_mb", report::peak_rss_mb());
    }
    println!("{}", json.finish());
}

/// The fastest of `repeat` runs, by `seconds`.
fn best_of<T>(repeat: usize, mut run: impl FnMut() -> T, seconds: impl Fn(&T) -> f64) -> T {
    let mut best = run();
    for _ in 1..repeat {
        let next = run();
        if seconds(&next) < seconds(&best) {
            best = next;
        }
    }
    best
}

/// Trains every category's dictionary on one thread, on the samples the pool takes (see
/// `pool_samples`), so that both train the same dictionaries.
fn train_all(items: &[Item], config: &Config) -> (BTreeMap<String, Vec<u8>>, f64) {
    let t = &config.training;
    let by_category = pool_samples(items, config);
    let started = Instant::now();
    let mut dicts = BTreeMap::new();
    for (category, samples) in by_category {
        if let Some(dict) = trainer::train(&samples, t, config.level).dictionary {
            dicts.insert(category.to_owned(), dict);
        }
    }
    (dicts, started.elapsed().as_secs_f64())
}

/// The samples the pool trains each category on when the entries are added in this order:
/// a category trains on its first entries as soon as `min_samples` of them (declaring
/// `min_bytes`) wait, or `max_samples` / `max_bytes` are reached; a category that never gets
/// there trains at the final flush on all its entries. Each sample is an entry's first
/// `max_sample_size` bytes.
fn pool_samples<'a>(items: &'a [Item], config: &Config) -> BTreeMap<&'a str, Vec<&'a [u8]>> {
    let t = &config.training;
    let mut collecting: BTreeMap<&str, (Vec<&[u8]>, u64, bool)> = BTreeMap::new();
    for item in items {
        let (samples, bytes, triggered) = collecting.entry(&item.category).or_default();
        if *triggered {
            continue;
        }
        samples.push(&item.data[..item.data.len().min(t.max_sample_size)]);
        *bytes += item.data.len() as u64;
        let enough = samples.len() >= t.min_samples && *bytes >= t.min_bytes;
        *triggered = enough || samples.len() >= t.max_samples || *bytes >= t.max_bytes;
    }
    collecting
        .into_iter()
        .map(|(category, (samples, _, _))| (category, samples))
        .collect()
}

/// The per-category table: files, bytes, ratio without and with dictionaries, and what the
/// pool's own training decided.
fn print_categories(
    items: &[Item],
    frames: &[Vec<u8>],
    nodict: &[usize],
    scratch: &zstdpool::Stats,
) {
    let mut rows: BTreeMap<&str, (u64, u64, u64, u64)> = BTreeMap::new();
    for ((item, frame), &plain) in items.iter().zip(frames).zip(nodict) {
        let row = rows.entry(&item.category).or_default();
        row.0 += 1;
        row.1 += item.data.len() as u64;
        row.2 += plain as u64;
        row.3 += frame.len() as u64;
    }
    println!(
        "{:<28} {:>6} {:>11} {:>8} {:>8}  pool training outcome",
        "category", "files", "bytes", "no dict", "dict"
    );
    for (name, (files, bytes, plain, with)) in rows {
        let outcome = scratch
            .categories
            .iter()
            .find(|c| c.name == name)
            .map(|c| format!("{:?}", c.status))
            .unwrap_or_default();
        println!(
            "{name:<28} {files:>6} {bytes:>11} {:>8.2} {:>8.2}  {outcome}",
            bytes as f64 / plain.max(1) as f64,
            bytes as f64 / with.max(1) as f64
        );
    }
}
