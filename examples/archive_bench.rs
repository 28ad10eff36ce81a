//! Converts a generated sub-production of job ZIPs into an archive and measures it.
//!
//! `cargo run --release --example archive_bench -- [--jobs N] [--level L] [--workers W]
//! [--reads R] [--dir DIR] [--no-train] [--effort E] [--resume] [--reference] [--runs N]`
//!
//! Writes the log store (`jobtree::write_log_store`, not timed) under DIR (default: a fresh
//! temporary folder, removed at the end), converts it, then reports: the conversion's time
//! and throughput (raw MB/s) against the physical limit measured on the same files (one
//! thread inflating each ZIP entry and compressing it with its category's prepared
//! dictionary, times the workers); the sizes (ZIPs, frames, dictionaries, database file) and
//! ratios; and the median time of R random reads of one log (dictionaries cached). With
//! `--reference`, it also times `examples/reference/convert.py` (the obvious Python
//! converter: zipfile, python-zstandard, sqlite3, a thread pool) on the same ZIPs, training
//! included for both. Each timed figure is the median of N runs (default 3; the conversion
//! into a fresh database each time, the reference run right after it), so that a noisy
//! machine moves them less. The last line is a JSON object.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use jobtree::{JobTreeSpec, write_log_store};
use zstdpool::Config;
use zstdpool::archive::{Archive, ConvertOptions, convert};
use zstdpool::libzstd::{CCtx, CDict};

/// Command-line options.
struct Options {
    jobs: usize,
    level: i32,
    workers: usize,
    reads: usize,
    dir: Option<PathBuf>,
    /// Convert without training dictionaries (to see what training costs).
    no_train: bool,
    /// The trainer's effort (0, 1, 2), when given.
    effort: Option<u32>,
    /// Keep the database DIR/archive.db if it is there (the conversion then resumes).
    resume: bool,
    /// Time the Python reference converter on the same ZIPs too.
    reference: bool,
    /// Timed runs per figure (their median is reported).
    runs: usize,
}

fn parse() -> Result<Options, String> {
    let mut o = Options {
        jobs: 1000,
        level: 3,
        workers: std::thread::available_parallelism().map_or(2, usize::from),
        reads: 10_000,
        dir: None,
        no_train: false,
        effort: None,
        resume: false,
        reference: false,
        runs: 3,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        let number = |text: String| text.parse().map_err(|_| format!("not a number: {text}"));
        match arg.as_str() {
            "--jobs" => o.jobs = number(value()?)?,
            "--level" => o.level = value()?.parse().map_err(|_| "bad level".to_owned())?,
            "--workers" => o.workers = number(value()?)?,
            "--reads" => o.reads = number(value()?)?,
            "--dir" => o.dir = Some(PathBuf::from(value()?)),
            "--no-train" => o.no_train = true,
            "--resume" => o.resume = true,
            "--reference" => o.reference = true,
            "--runs" => o.runs = number(value()?)?.max(1),
            "--effort" => o.effort = Some(value()?.parse().map_err(|_| "bad effort".to_owned())?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(o)
}

/// One thread inflating every entry of every ZIP under `root` and compressing it with its
/// category's prepared dictionary: (raw bytes, seconds).
fn physical_limit(root: &std::path::Path, archive: &Archive, level: i32) -> (u64, f64) {
    let mut dicts = std::collections::HashMap::new();
    for row in archive.dictionaries().unwrap_or_default() {
        use zstdpool::DictProvider;
        if let Ok(Some(bytes)) = archive.get(&row.name) {
            if let Ok(cdict) = CDict::new(&bytes, level) {
                dicts.insert(row.name, cdict);
            }
        }
    }
    let mut zips = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                zips.push(std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    let mut cctx = CCtx::new(level, true).expect("a zstd context");
    let (mut raw, mut data, mut out) = (0u64, Vec::new(), Vec::new());
    let started = Instant::now();
    for bytes in &zips {
        let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes.as_slice())) else {
            continue;
        };
        for i in 0..zip.len() {
            let Ok(mut entry) = zip.by_index(i) else {
                continue;
            };
            let name = entry
                .name()
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned();
            data.clear();
            if entry.read_to_end(&mut data).is_err() {
                continue;
            }
            let dict = dicts.get(&zstdpool::archive::category_of_name(&name));
            if cctx.compress_into(dict, &data, &mut out).is_ok() {
                raw += data.len() as u64;
            }
        }
    }
    (raw, started.elapsed().as_secs_f64())
}

/// The median of `values` (sorted in place); `values` is not empty.
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The median of R random reads, in microseconds.
fn median_read_us(archive: &Archive, reads: usize) -> f64 {
    let mut keys = Vec::new();
    for job in archive.jobs().unwrap_or_default() {
        for name in archive.names(job.id).unwrap_or_default() {
            keys.push((job.id, name));
        }
    }
    if keys.is_empty() {
        return 0.0;
    }
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut times = Vec::with_capacity(reads);
    let mut out = Vec::new();
    for _ in 0..reads {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let (job, name) = &keys[(x % keys.len() as u64) as usize];
        out.clear();
        let started = Instant::now();
        let read = archive.read_to(*job, name, &mut out);
        times.push(started.elapsed().as_secs_f64() * 1e6);
        if let Err(e) = read {
            eprintln!("read failed: {e}");
        }
    }
    median(&mut times)
}

/// Runs the Python reference converter on `src` into `db`: (seconds, archive ratio), from
/// its JSON line.
fn reference(
    src: &std::path::Path,
    db: &std::path::Path,
    o: &Options,
) -> Result<(f64, f64), String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/reference/convert.py");
    let started = Instant::now();
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(src)
        .arg(db)
        .args([
            "--level",
            &o.level.to_string(),
            "--workers",
            &o.workers.to_string(),
        ])
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let ratio = text
        .split("\"ratio_archive\": ")
        .nth(1)
        .and_then(|r| r.split([',', '}']).next())
        .and_then(|r| r.trim().parse().ok())
        .ok_or_else(|| format!("no ratio in {text}"))?;
    Ok((seconds, ratio))
}

fn main() -> ExitCode {
    let o = match parse() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("archive_bench: {e}");
            return ExitCode::from(2);
        }
    };
    let temp = o.dir.is_none();
    let dir = o.dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("zstdpool-archive-bench-{}", std::process::id()))
    });
    let src = dir.join("src");
    let db = dir.join("archive.db");
    if !o.resume {
        let _ = std::fs::remove_file(&db);
    }
    let spec = JobTreeSpec {
        jobs: o.jobs,
        seed: 1,
        production: 285_595,
    };
    let store = write_log_store(&spec, &src).expect("writing the log store");
    let archive = Arc::new(Archive::open(&db).expect("opening the archive"));
    let mut options = ConvertOptions {
        config: Config {
            level: o.level,
            workers: o.workers,
            ..ConvertOptions::default().config
        },
        ..ConvertOptions::default()
    };
    options.config.training.enabled = !o.no_train;
    if let Some(effort) = o.effort {
        options.config.training.effort = effort;
    }
    let (mut times, mut limits, mut references) = (Vec::new(), Vec::new(), Vec::new());
    let mut archive = Some(archive);
    let mut last = None;
    for run in 0..o.runs {
        let archive = match archive.take() {
            Some(first) => first,
            None => {
                let _ = std::fs::remove_file(&db);
                Arc::new(Archive::open(&db).expect("opening the archive"))
            }
        };
        let started = Instant::now();
        let summary = convert(&src, &archive, &options, |_| {}).expect("converting");
        times.push(started.elapsed().as_secs_f64());
        let (limit_raw, limit_seconds) = physical_limit(&src, &archive, o.level);
        limits.push(limit_raw as f64 / 1e6 / limit_seconds * o.workers as f64);
        drop(archive);
        if o.reference {
            match reference(&src, &dir.join("reference.db"), &o) {
                Ok(timed) => references.push(timed),
                Err(e) => {
                    eprintln!("archive_bench: the reference converter failed: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        if run + 1 == o.runs {
            last = Some(summary);
        }
    }
    let summary = last.expect("at least one run");
    let seconds = median(&mut times);
    let limit = median(&mut limits);
    let db_bytes = std::fs::metadata(&db).map_or(0, |m| m.len());
    let archive = Archive::open_read_only(&db).expect("reopening the archive");
    let read_us = median_read_us(&archive, o.reads);
    let t = summary.totals;
    let mb = |b: u64| b as f64 / 1e6;
    let rate = mb(t.raw_bytes) / seconds;
    let stored = t.frame_bytes + summary.dict_bytes;
    println!(
        "jobs {} files {} raw {:.1} MB  zips {:.2} MB  frames {:.2} MB  dictionaries {:.2} MB ({} of {} categories)  db {:.2} MB (+{:.1}% over frames+dictionaries)",
        t.jobs_converted,
        t.files,
        mb(t.raw_bytes),
        mb(store.zip_bytes),
        mb(t.frame_bytes),
        mb(summary.dict_bytes),
        summary
            .categories
            .iter()
            .filter(|c| c.dict_size > 0)
            .count(),
        summary.categories.len(),
        mb(db_bytes),
        (db_bytes as f64 / stored as f64 - 1.0) * 100.0
    );
    println!(
        "convert {seconds:.2} s, {rate:.1} MB/s; limit ({} x one thread inflate+compress) {limit:.1} MB/s: efficiency {:.2}",
        o.workers,
        rate / limit
    );
    println!(
        "ratio frames {:.2}, archive {:.2}, ZIPs {:.2}; database / ZIPs {:.3}; median read {read_us:.1} us",
        summary.frames_ratio(),
        summary.archive_ratio(),
        t.raw_bytes as f64 / store.zip_bytes as f64,
        db_bytes as f64 / store.zip_bytes as f64
    );
    println!(
        "{{\"jobs\":{},\"runs\":{},\"level\":{},\"workers\":{},\"seconds\":{seconds:.3},\"mb_per_s\":{rate:.2},\"limit_mb_per_s\":{limit:.2},\"raw_bytes\":{},\"zip_bytes\":{},\"frame_bytes\":{},\"dict_bytes\":{},\"db_bytes\":{db_bytes},\"ratio_frames\":{:.3},\"ratio_archive\":{:.3},\"median_read_us\":{read_us:.1},\"rejected\":{}}}",
        t.jobs_converted,
        o.runs,
        o.level,
        o.workers,
        t.raw_bytes,
        store.zip_bytes,
        t.frame_bytes,
        summary.dict_bytes,
        summary.frames_ratio(),
        summary.archive_ratio(),
        summary.rejections.len()
    );
    if let Some(&(_, ref_ratio)) = references.first() {
        let mut ref_times: Vec<f64> = references.iter().map(|r| r.0).collect();
        let ref_seconds = median(&mut ref_times);
        println!(
            "reference (Python: zipfile + zstandard + sqlite3, {} threads): {ref_seconds:.2} s, archive ratio {ref_ratio:.2}; zstdpool {:.2}x its throughput{}",
            o.workers,
            ref_seconds / seconds,
            format_args!(
                "\n{{\"reference_seconds\":{ref_seconds:.3},\"reference_ratio_archive\":{ref_ratio:.3},\"speedup\":{:.2}}}",
                ref_seconds / seconds
            )
        );
    }
    if temp {
        let _ = std::fs::remove_dir_all(&dir);
    }
    ExitCode::SUCCESS
}
