//! Trains one dictionary per category folder of a corpus and reports what it gains.
//!
//! `cargo run --release --example train_corpus -- [DIR] [--effort N] [--level L] [--zstd-default]
//!   [--volume X] [--threads N]`
//!
//! DIR (default `../shared/corpus`) holds one folder per category (`generated`: the default
//! generated job tree, by category; `generated:N`: one of N jobs). For each, every file is a
//! sample (its first `max_sample_size` bytes, as the pool samples entries) for
//! `zstdpool::trainer::train`; then every file is compressed on its own, whole, with and
//! without the category's dictionary. Prints a table per category, the totals, and last a JSON
//! line `{"ratio":..,"archive_ratio":..,"ratio_nodict":..,"train_seconds":..,"train_cpu_seconds":..}`
//! (ratio = sum of original bytes / sum of compressed bytes over all files; archive ratio =
//! original bytes / (compressed bytes + dictionaries), what an archive storing each dictionary
//! once holds; CPU seconds of the training thread, from `/proc/thread-self/schedstat`).
//!
//! `--volume X` tells the trainer each category's volume is X times its files' bytes and
//! entries (a conversion knows its categories' volumes; X > 1 stands for a larger archive of
//! the same kind of files); without it the trainer assumes the sampled bytes.
//!
//! `--threads N` spreads each category's search over N threads (`trainer::train_parallel`:
//! same dictionaries; the CPU seconds are then the calling thread's only, the wall time is
//! what to compare).
//!
//! `--zstd-default` trains with zstd's default trainer instead, on the same samples: what
//! `ZDICT_trainFromBuffer` does (fastCover, d = 8, k searched in 4 steps on a 75 % split, level
//! 3), with the capacity python-zstandard users and the corpus README take, min(112640, bytes
//! / 10); a category it refuses gets no dictionary.
//!
//! The dictionaries are measured on the very files they were trained on, which flatters large
//! dictionaries; the "held-back w/wo" column shows what the trainer measured on samples it
//! had not trained on (ratio with / without its dictionary), a fairer preview of new entries.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use zstdpool::config::TrainingConfig;
use zstdpool::libzstd::{self, CCtx, CDict, FastCoverParams};
use zstdpool::trainer::{self, Training, TrainingOutcome};

/// Command-line options.
struct Options {
    /// The corpus folder.
    dir: PathBuf,
    /// Training effort (0, 1, 2).
    effort: u32,
    /// Compression level for training and measuring.
    level: i32,
    /// Train with zstd's default trainer instead of zstdpool's.
    zstd_default: bool,
    /// Volume hint as a multiple of the category's bytes (0: no hint).
    volume: f64,
    /// Threads each category's search runs on (`trainer::train_parallel`).
    threads: usize,
}

/// Parses `[DIR] [--effort N] [--level L]`.
fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        dir: PathBuf::from("../shared/corpus"),
        effort: TrainingConfig::default().effort,
        level: 3,
        zstd_default: false,
        volume: 0.0,
        threads: 1,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--effort" => {
                let value = args.next().ok_or("--effort needs a value")?;
                options.effort = value.parse().map_err(|_| format!("bad --effort {value}"))?;
            }
            "--level" => {
                let value = args.next().ok_or("--level needs a value")?;
                options.level = value.parse().map_err(|_| format!("bad --level {value}"))?;
            }
            "--zstd-default" => options.zstd_default = true,
            "--threads" => {
                let value = args.next().ok_or("--threads needs a value")?;
                options.threads = value
                    .parse()
                    .map_err(|_| format!("bad --threads {value}"))?;
            }
            "--volume" => {
                let value = args.next().ok_or("--volume needs a value")?;
                options.volume = value.parse().map_err(|_| format!("bad --volume {value}"))?;
            }
            "-h" | "--help" => {
                return Err(
                    "usage: train_corpus [DIR] [--effort N] [--level L] [--zstd-default] [--volume X] [--threads N]"
                        .to_owned(),
                );
            }
            _ if arg.starts_with('-') => return Err(format!("unknown option {arg}")),
            _ => options.dir = PathBuf::from(arg),
        }
    }
    Ok(options)
}

/// The sorted entries of `dir` that are directories (`want_dirs`) or files.
fn sorted_entries(dir: &Path, want_dirs: bool) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() == want_dirs {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// One category's results.
struct Row {
    /// Folder name.
    name: String,
    /// Number of files.
    files: usize,
    /// Their total size.
    original: u64,
    /// Total compressed size without a dictionary.
    plain: u64,
    /// Total compressed size with the category's dictionary (= plain when none).
    with: u64,
    /// Size of the category's dictionary (0 when none).
    dict: u64,
    /// Outcome, dictionary id and size, as printed.
    outcome: String,
    /// Ratio with / without the dictionary on the trainer's held-back samples (0 = none).
    held_back: (f64, f64),
    /// Training wall time.
    seconds: f64,
    /// Training CPU time (of this thread).
    cpu: f64,
}

/// CPU seconds this thread has run, from `/proc/thread-self/schedstat` (nanoseconds on the
/// CPU first); 0 where that file does not exist.
fn thread_cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0.0, |ns| ns as f64 / 1e9)
}

/// zstd's default trainer (`ZDICT_trainFromBuffer`'s parameters) on `samples`, with the usual
/// capacity min(112640, bytes / 10); `None` when libzstd refuses.
fn zstd_default(samples: &[&[u8]]) -> Option<Vec<u8>> {
    let params = FastCoverParams {
        k: 0,
        d: 8,
        f: 0,
        steps: 4,
        optimize: true,
        level: 3,
        ..FastCoverParams::default()
    };
    let bytes: usize = samples.iter().map(|s| s.len()).sum();
    let capacity = (bytes / 10).clamp(256, 112_640);
    libzstd::train_fast_cover(samples, capacity, &params)
        .ok()
        .map(|(dict, _)| dict)
}

/// original / compressed (0 for nothing compressed).
fn ratio(original: u64, compressed: u64) -> f64 {
    if compressed == 0 {
        0.0
    } else {
        original as f64 / compressed as f64
    }
}

/// A category's name and its files' bytes.
type Category = (String, Vec<Vec<u8>>);

/// The categories of the corpus folder `dir` (one folder each, files sorted by name), or of
/// the default generated job tree when `dir` is `generated` (of N jobs: `generated:N`).
fn categories(dir: &Path) -> Result<Vec<Category>, String> {
    let text = dir.to_string_lossy();
    if let Some(jobs) = text.strip_prefix("generated") {
        let mut spec = jobtree::JobTreeSpec::default();
        if let Some(n) = jobs.strip_prefix(':') {
            spec.jobs = n.parse().map_err(|_| format!("bad job count in {text}"))?;
        }
        let mut by_category: std::collections::BTreeMap<String, Vec<Vec<u8>>> = Default::default();
        for file in jobtree::generate_tree(&spec) {
            by_category
                .entry(file.category)
                .or_default()
                .push(file.data);
        }
        return Ok(by_category.into_iter().collect());
    }
    let dirs = sorted_entries(dir, true).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let name = dir
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let paths = sorted_entries(&dir, false).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut files = Vec::with_capacity(paths.len());
        for path in &paths {
            files.push(std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?);
        }
        out.push((name, files));
    }
    Ok(out)
}

/// Trains and measures one category.
fn category(
    name: String,
    files: &[Vec<u8>],
    config: &TrainingConfig,
    options: &Options,
) -> Result<Row, String> {
    let level = options.level;
    let samples: Vec<&[u8]> = files
        .iter()
        .map(|f| &f[..f.len().min(config.max_sample_size)])
        .collect();
    let bytes: u64 = files.iter().map(|f| f.len() as u64).sum();
    let config = TrainingConfig {
        category_volume: (bytes as f64 * options.volume) as u64,
        category_entries: (files.len() as f64 * options.volume) as u64,
        ..config.clone()
    };
    let start = Instant::now();
    let cpu_start = thread_cpu_seconds();
    let training = if options.zstd_default {
        let dictionary = zstd_default(&samples);
        let outcome = match &dictionary {
            Some(d) => TrainingOutcome::Trained {
                id: libzstd::dictionary_id(d),
                size: d.len(),
            },
            None => TrainingOutcome::Failed {
                reason: "zstd's default trainer refused".to_owned(),
            },
        };
        Training {
            dictionary,
            outcome,
            samples: samples.len(),
            sample_bytes: samples.iter().map(|s| s.len() as u64).sum(),
            ratio_with: 0.0,
            ratio_without: 0.0,
        }
    } else {
        trainer::train_parallel(&samples, &config, level, options.threads)
    };
    let cpu = thread_cpu_seconds() - cpu_start;
    let seconds = start.elapsed().as_secs_f64();
    let cdict = match &training.dictionary {
        Some(dict) => Some(CDict::new(dict, level).map_err(|e| format!("{name}: {e}"))?),
        None => None,
    };
    let mut cctx = CCtx::new(level, false).map_err(|e| e.to_string())?;
    let (mut plain, mut with) = (0u64, 0u64);
    for file in files {
        let without = cctx
            .compress_to_vec(None, file)
            .map_err(|e| e.to_string())?
            .len() as u64;
        plain += without;
        with += match &cdict {
            Some(d) => cctx
                .compress_to_vec(Some(d), file)
                .map_err(|e| e.to_string())?
                .len() as u64,
            None => without,
        };
    }
    let outcome = match &training.outcome {
        TrainingOutcome::Trained { id, size } => format!("trained id={id} size={size}"),
        TrainingOutcome::TooFewSamples { samples, bytes } => {
            format!("too few ({samples} samples, {bytes} B)")
        }
        TrainingOutcome::DidNotHelp {
            ratio_with,
            ratio_without,
        } => {
            format!("did not help ({ratio_with:.2} vs {ratio_without:.2})")
        }
        TrainingOutcome::Failed { reason } => format!("failed: {reason}"),
    };
    let original = files.iter().map(|f| f.len() as u64).sum();
    let dict = training.dictionary.as_ref().map_or(0, |d| d.len() as u64);
    let held_back = (training.ratio_with, training.ratio_without);
    Ok(Row {
        name,
        files: files.len(),
        original,
        plain,
        with,
        dict,
        outcome,
        held_back,
        seconds,
        cpu,
    })
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let config = TrainingConfig {
        effort: options.effort,
        ..TrainingConfig::default()
    };
    let categories = match categories(&options.dir) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "effort {} level {} volume x{} on {}",
        options.effort,
        options.level,
        options.volume,
        options.dir.display()
    );
    println!(
        "{:<16} {:>5} {:>10} {:>8} {:>8} {:>8} {:>15} {:>8} {:>8}  outcome",
        "category",
        "files",
        "bytes",
        "nodict",
        "dict",
        "archive",
        "held-back w/wo",
        "train s",
        "cpu s"
    );
    let mut total = Row {
        name: "TOTAL".to_owned(),
        files: 0,
        original: 0,
        plain: 0,
        with: 0,
        dict: 0,
        outcome: String::new(),
        held_back: (0.0, 0.0),
        seconds: 0.0,
        cpu: 0.0,
    };
    let print = |row: &Row| {
        let held_back = if row.held_back == (0.0, 0.0) {
            String::new()
        } else {
            format!("{:.2}/{:.2}", row.held_back.0, row.held_back.1)
        };
        println!(
            "{:<16} {:>5} {:>10} {:>8.3} {:>8.3} {:>8.3} {:>15} {:>8.3} {:>8.3}  {}",
            row.name,
            row.files,
            row.original,
            ratio(row.original, row.plain),
            ratio(row.original, row.with),
            ratio(row.original, row.with + row.dict),
            held_back,
            row.seconds,
            row.cpu,
            row.outcome
        );
    };
    for (name, files) in categories {
        let row = match category(name, &files, &config, &options) {
            Ok(row) => row,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        print(&row);
        total.files += row.files;
        total.original += row.original;
        total.plain += row.plain;
        total.with += row.with;
        total.dict += row.dict;
        total.seconds += row.seconds;
        total.cpu += row.cpu;
    }
    print(&total);
    println!(
        "{{\"ratio\":{:.4},\"archive_ratio\":{:.4},\"ratio_nodict\":{:.4},\"train_seconds\":{:.4},\"train_cpu_seconds\":{:.4}}}",
        ratio(total.original, total.with),
        ratio(total.original, total.with + total.dict),
        ratio(total.original, total.plain),
        total.seconds,
        total.cpu
    );
    ExitCode::SUCCESS
}
