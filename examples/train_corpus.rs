//! Trains one dictionary per category folder of a corpus and reports what it gains.
//!
//! `cargo run --release --example train_corpus -- [DIR] [--effort N] [--level L]`
//!
//! DIR (default `../shared/corpus`) holds one folder per category. For each, every file is a
//! sample (its first `max_sample_size` bytes, as the pool samples entries) for
//! `zstdpool::trainer::train`; then every file is compressed on its own, whole, with and
//! without the category's dictionary. Prints a table per category, the totals, and last a JSON
//! line `{"ratio":..,"ratio_nodict":..,"train_seconds":..}` (ratio = sum of original bytes /
//! sum of compressed bytes over all files).
//!
//! The dictionaries are measured on the very files they were trained on, which flatters large
//! dictionaries; the "held-back w/wo" column shows what the trainer measured on samples it
//! had not trained on (ratio with / without its dictionary), a fairer preview of new entries.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use zstdpool::config::TrainingConfig;
use zstdpool::libzstd::{CCtx, CDict};
use zstdpool::trainer::{self, TrainingOutcome};

/// Command-line options.
struct Options {
    /// The corpus folder.
    dir: PathBuf,
    /// Training effort (0, 1, 2).
    effort: u32,
    /// Compression level for training and measuring.
    level: i32,
}

/// Parses `[DIR] [--effort N] [--level L]`.
fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        dir: PathBuf::from("../shared/corpus"),
        effort: TrainingConfig::default().effort,
        level: 3,
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
            "-h" | "--help" => {
                return Err("usage: train_corpus [DIR] [--effort N] [--level L]".to_owned());
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
    /// Outcome, dictionary id and size, as printed.
    outcome: String,
    /// Ratio with / without the dictionary on the trainer's held-back samples (0 = none).
    held_back: (f64, f64),
    /// Training wall time.
    seconds: f64,
}

/// original / compressed (0 for nothing compressed).
fn ratio(original: u64, compressed: u64) -> f64 {
    if compressed == 0 {
        0.0
    } else {
        original as f64 / compressed as f64
    }
}

/// Trains and measures one category folder.
fn category(dir: &Path, config: &TrainingConfig, level: i32) -> Result<Row, String> {
    let name = dir
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let paths = sorted_entries(dir, false).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files = Vec::with_capacity(paths.len());
    for path in &paths {
        files.push(std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    let samples: Vec<&[u8]> = files
        .iter()
        .map(|f| &f[..f.len().min(config.max_sample_size)])
        .collect();
    let start = Instant::now();
    let training = trainer::train(&samples, config, level);
    let seconds = start.elapsed().as_secs_f64();
    let cdict = match &training.dictionary {
        Some(dict) => Some(CDict::new(dict, level).map_err(|e| format!("{name}: {e}"))?),
        None => None,
    };
    let mut cctx = CCtx::new(level, false).map_err(|e| e.to_string())?;
    let (mut plain, mut with) = (0u64, 0u64);
    for file in &files {
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
    let held_back = (training.ratio_with, training.ratio_without);
    Ok(Row {
        name,
        files: files.len(),
        original,
        plain,
        with,
        outcome,
        held_back,
        seconds,
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
    let dirs = match sorted_entries(&options.dir, true) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{}: {e}", options.dir.display());
            return ExitCode::FAILURE;
        }
    };
    println!(
        "effort {} level {} on {}",
        options.effort,
        options.level,
        options.dir.display()
    );
    println!(
        "{:<16} {:>5} {:>10} {:>8} {:>8} {:>15} {:>8}  outcome",
        "category", "files", "bytes", "nodict", "dict", "held-back w/wo", "train s"
    );
    let (mut original, mut plain, mut with, mut seconds) = (0u64, 0u64, 0u64, 0f64);
    for dir in &dirs {
        let row = match category(dir, &config, options.level) {
            Ok(row) => row,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        println!(
            "{:<16} {:>5} {:>10} {:>8.3} {:>8.3} {:>15} {:>8.3}  {}",
            row.name,
            row.files,
            row.original,
            ratio(row.original, row.plain),
            ratio(row.original, row.with),
            format!("{:.2}/{:.2}", row.held_back.0, row.held_back.1),
            row.seconds,
            row.outcome
        );
        original += row.original;
        plain += row.plain;
        with += row.with;
        seconds += row.seconds;
    }
    println!(
        "{:<16} {:>5} {:>10} {:>8.3} {:>8.3} {:>15} {:>8.3}",
        "TOTAL",
        "",
        original,
        ratio(original, plain),
        ratio(original, with),
        "",
        seconds
    );
    println!(
        "{{\"ratio\":{:.4},\"ratio_nodict\":{:.4},\"train_seconds\":{:.4}}}",
        ratio(original, with),
        ratio(original, plain),
        seconds
    );
    ExitCode::SUCCESS
}
