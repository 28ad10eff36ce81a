//! Deterministic generator of DIRAC-like job directories: test data and the demo's default
//! input.
//!
//! LHCb's grid leaves one small directory per job behind: Gaudi application logs, XML
//! summaries, the workflow description, ProdConf options, the job wrapper's `std.out` and
//! (mostly empty) `std.err`. Files of one kind are near-identical from job to job, which is
//! exactly the case a per-category zstd dictionary is made for. This module writes such trees
//! from its own templates, shaped like real production logs but containing none of them.
//!
//! # Layout
//!
//! `<production, 8 digits>/<job, 8 digits>/<file>`. The production runs three application
//! steps: Gauss (1), Boole (2), then Brunel (3) for even production numbers or DaVinci (3) for
//! odd ones. A job directory holds
//!
//! - per step that ran: `<App>_<prod>_<job>_<step>.log` and `summary<App>_<prod>_<job>_<step>.xml`;
//! - `jobDescription.xml`, `prodConf_Gauss_<prod>_<job>_1.py`, `std.out`, `std.err`.
//!
//! So a job has 10 files, except about 1 job in 16 that fails: the failing step still writes
//! its (error-terminated) log and its `success=False` summary, the later steps never run, so a
//! job that fails at step `k` has `4 + 2k` files. Failed jobs and a few noisy ones are the only
//! ones with a non-empty `std.err`. The job of index 25 in every block of 50 (indices 25, 75,
//! 125, ..., directories `00000026`, `00000076`, ...) never fails and has one verbose application
//! log of 1-3 MB; the other files are 0.1-45 KB (ProdConf files and non-empty `std.err` are the
//! small ones).
//!
//! [`write_log_store`] writes the same jobs as LHCb's log store keeps them: one DEFLATE ZIP
//! per job, `LOG/<prod8>/<sub4>/<job8>.zip`, each with a `job.info` (`/JobID = <DIRAC id>`).
//!
//! # Determinism
//!
//! Every byte is a function of ([`JobTreeSpec`], job index): a SplitMix64 stream per job and per
//! file, integer or IEEE basic float arithmetic only (no `libm` functions, no hash maps, no wall
//! clock), so the same spec gives the same bytes on every platform. Jobs are independent:
//! [`generate_job`] of job 7 does not need jobs 0 to 6.

mod apps;
mod category;
mod clock;
mod gaudi_log;
mod job;
mod job_description;
mod log_store;
mod out;
mod prod_conf;
mod rng;
mod std_out;
mod summary_xml;
mod synthetic;
mod tree;

pub use category::category_of_name;
pub use log_store::{
    JOBS_PER_SUB, LogStoreJob, LogStoreSummary, job_zip, log_store_job, write_log_store,
};
pub use synthetic::SyntheticEntry;
pub use tree::TreeSummary;

/// What tree to generate. Two equal specs always give byte-identical trees.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JobTreeSpec {
    /// Number of job directories (0 gives an empty tree).
    pub jobs: usize,
    /// Seed of every random choice: sites, hosts, times, event counts, failures, values.
    pub seed: u64,
    /// Production number, the first path component (8 digits) and part of every file name;
    /// its parity picks the last application (even: Brunel, odd: DaVinci).
    pub production: u32,
}

impl Default for JobTreeSpec {
    /// The demo's embedded tree: 150 jobs of production 12345, seed 1 (1478 files,
    /// 24.9 MB, 10 categories, 3 large logs).
    fn default() -> Self {
        JobTreeSpec {
            jobs: 150,
            seed: 1,
            production: 12_345,
        }
    }
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the tree root, `/`-separated on every platform, e.g.
    /// `00012345/00000007/Gauss_00012345_00000007_1.log`.
    pub path: String,
    /// `category_of_name` of the file-name part of `path`, e.g. `Gauss_#_#_#.log`.
    pub category: String,
    /// The content (ASCII text; empty for most `std.err`).
    pub data: Vec<u8>,
}

/// All files of job `job_index` (0-based; the directory is `job_index + 1`), in a fixed order:
/// log and summary of each step that ran, then `jobDescription.xml`, the ProdConf file,
/// `std.out` and `std.err`. Independent of the other jobs, so it can be called in any order or
/// in parallel.
#[must_use]
pub fn generate_job(spec: &JobTreeSpec, job_index: usize) -> Vec<GeneratedFile> {
    tree::generate_job(spec, job_index)
}

/// Every file of the tree, job after job, generated lazily: at most one job's files are held
/// at a time, so a huge tree streams in constant memory. The iterator owns a copy of the spec
/// (`use<>`: it does not borrow `spec`).
pub fn generate_tree(spec: &JobTreeSpec) -> impl Iterator<Item = GeneratedFile> + use<> {
    let spec = spec.clone();
    (0..spec.jobs).flat_map(move |job_index| generate_job(&spec, job_index))
}

/// Writes the tree under `dir` (created if missing; existing files of the same names are
/// overwritten) and returns what was written.
///
/// # Errors
///
/// The first I/O error creating a directory or writing a file; the files written before it
/// stay on disk.
pub fn write_tree(spec: &JobTreeSpec, dir: &std::path::Path) -> std::io::Result<TreeSummary> {
    tree::write_tree(spec, dir)
}

/// One synthetic entry of exactly `size` bytes, entry number `index`, in category
/// `index % categories` (named `kind00`, `kind01`, ...; `categories = 0` counts as 1).
///
/// The content is the beginning of one file kind drawn from the same templates as the tree
/// (category `c` imitates variant `c % 11`: the log or the summary of one of four applications,
/// a job description, a ProdConf file or a `std.out`), so entries of one category are
/// near-identical and a dictionary helps. Cost is proportional to `size`: the writers stop once
/// it is reached, no whole job is built. Same arguments, same entry.
#[must_use]
pub fn synthetic_entry(seed: u64, index: u64, categories: usize, size: usize) -> SyntheticEntry {
    synthetic::synthetic_entry(seed, index, categories, size)
}
