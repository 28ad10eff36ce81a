//! Writes a synthetic DIRAC-like job tree to disk.
//!
//! `cargo run --release --example gentree -- OUTDIR [--jobs N] [--seed S] [--production P] [--zip]`
//!
//! With `--zip`, writes the jobs as LHCb's log store keeps them (one DEFLATE ZIP per job,
//! `OUTDIR/LOG/<prod8>/<sub4>/<job8>.zip`, with `job.info`) instead of one folder per job.
//!
//! Prints one line: files, bytes, categories (with their file counts and bytes), the ZIPs
//! and their bytes with `--zip`, and the time taken. The same arguments always write the
//! same bytes.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use jobtree::{JobTreeSpec, TreeSummary, write_log_store, write_tree};

/// Command-line usage, printed on any argument error.
const USAGE: &str = "usage: gentree OUTDIR [--jobs N] [--seed S] [--production P] [--zip]";

/// What to write.
struct Args {
    dir: PathBuf,
    spec: JobTreeSpec,
    /// One ZIP per job in the log store's layout instead of one folder per job.
    zip: bool,
}

/// Parses the arguments (spec defaults: `JobTreeSpec::default`).
fn parse(args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut spec = JobTreeSpec::default();
    let mut dir = None;
    let mut zip = false;
    let mut args = args;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--jobs" => spec.jobs = number(&value("--jobs")?)?,
            "--seed" => spec.seed = number(&value("--seed")?)?,
            "--production" => spec.production = number(&value("--production")?)?,
            "--zip" => zip = true,
            "-h" | "--help" => return Err(String::new()),
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            other if dir.is_none() => dir = Some(PathBuf::from(other)),
            other => return Err(format!("unexpected argument {other}")),
        }
    }
    let dir = dir.ok_or_else(|| "missing OUTDIR".to_owned())?;
    Ok(Args { dir, spec, zip })
}

/// Parses one decimal number, naming it in the error.
fn number<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("not a valid number: {text}"))
}

/// Entry point: parse, write, report.
fn main() -> ExitCode {
    let Args { dir, spec, zip } = match parse(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("gentree: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let written: std::io::Result<(TreeSummary, String)> = if zip {
        write_log_store(&spec, &dir).map(|s| {
            (
                s.files,
                format!(" zips={} zip_bytes={}", s.zips, s.zip_bytes),
            )
        })
    } else {
        write_tree(&spec, &dir).map(|s| (s, String::new()))
    };
    let (summary, zips) = match written {
        Ok(written) => written,
        Err(error) => {
            eprintln!("gentree: cannot write {}: {error}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    let categories: Vec<String> = summary
        .categories
        .iter()
        .map(|(name, (files, bytes))| format!("{name}={files}/{bytes}"))
        .collect();
    println!(
        "files={} bytes={} categories={} [{}]{zips} in {:.3} s",
        summary.files,
        summary.bytes,
        summary.categories.len(),
        categories.join(" "),
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
