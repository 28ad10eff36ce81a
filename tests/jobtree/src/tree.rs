//! Assembling jobs into a tree, in memory or on disk.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use super::GeneratedFile;
use super::JobTreeSpec;
use super::category::category_of_name;
use super::job::{JobCtx, Variation, workflow_of};
use super::out::Out;
use super::{gaudi_log, job_description, prod_conf, std_out, summary_xml};

/// One job in this many has a verbose application log of 1-3 MB (jobs 25, 75, 125, ...).
pub(crate) const LARGE_EVERY: usize = 50;

/// The index, within each block of [`LARGE_EVERY`] jobs, of the job with a large log.
pub(crate) const LARGE_OFFSET: usize = 25;

/// Files, bytes and per-category totals of a tree: what `write_tree` wrote, or what any
/// sequence of [`GeneratedFile`]s adds up to through [`TreeSummary::record`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TreeSummary {
    /// Number of files.
    pub files: usize,
    /// Total size in bytes.
    pub bytes: u64,
    /// Category -> (files, bytes), sorted by category name.
    pub categories: BTreeMap<String, (usize, u64)>,
}

impl TreeSummary {
    /// Adds one file to the totals.
    pub fn record(&mut self, file: &GeneratedFile) {
        let len = file.data.len() as u64;
        self.files += 1;
        self.bytes += len;
        let entry = self
            .categories
            .entry(file.category.clone())
            .or_insert((0, 0));
        entry.0 += 1;
        entry.1 += len;
    }
}

/// Wraps finished bytes as a file of the job directory `dir`.
fn file(dir: &str, name: String, out: Out) -> GeneratedFile {
    GeneratedFile {
        path: format!("{dir}/{name}"),
        category: category_of_name(&name),
        data: out.into_bytes(),
    }
}

/// The facts of job `job_index` of `spec`, as every file of the tree sees them.
pub(crate) fn job_ctx(spec: &JobTreeSpec, job_index: usize) -> JobCtx {
    let variation = Variation {
        failures: true,
        large: job_index % LARGE_EVERY == LARGE_OFFSET,
    };
    let workflow = workflow_of(spec.production);
    JobCtx::new(
        spec.seed,
        spec.production,
        job_index as u64,
        &workflow,
        variation,
    )
}

/// All files of job `job_index` of `spec` (see [`super::generate_job`]).
pub(crate) fn generate_job(spec: &JobTreeSpec, job_index: usize) -> Vec<GeneratedFile> {
    let job = job_ctx(spec, job_index);
    let dir = format!("{}/{}", job.prod, job.job);
    let mut files = Vec::with_capacity(4 + 2 * job.steps.len());
    for step in &job.steps {
        let app = step.app.name();
        let prefix = step.prefix(&job);
        let mut log = Out::new(step.verbose_bytes.unwrap_or(0) + 64 * 1024);
        gaudi_log::write(&job, step, &mut log);
        files.push(file(&dir, format!("{app}_{prefix}.log"), log));
        let mut summary = Out::new(32 * 1024);
        summary_xml::write(&job, step, &mut summary);
        files.push(file(&dir, format!("summary{app}_{prefix}.xml"), summary));
    }
    let mut description = Out::new(48 * 1024);
    job_description::write(&job, &mut description);
    files.push(file(&dir, "jobDescription.xml".to_owned(), description));
    if let Some(first) = job.steps.first() {
        let mut conf = Out::new(1024);
        prod_conf::write(&job, first, &mut conf);
        let name = format!("prodConf_{}_{}.py", first.app.name(), first.prefix(&job));
        files.push(file(&dir, name, conf));
    }
    let mut stdout = Out::new(16 * 1024);
    std_out::write_std_out(&job, &mut stdout);
    files.push(file(&dir, "std.out".to_owned(), stdout));
    let mut stderr = Out::new(0);
    std_out::write_std_err(&job, &mut stderr);
    files.push(file(&dir, "std.err".to_owned(), stderr));
    files
}

/// Writes every file of `spec` under `dir` (see [`super::write_tree`]).
pub(crate) fn write_tree(spec: &JobTreeSpec, dir: &Path) -> io::Result<TreeSummary> {
    let mut summary = TreeSummary::default();
    std::fs::create_dir_all(dir)?;
    let mut made: Option<PathBuf> = None;
    for generated in super::generate_tree(spec) {
        let mut target = dir.to_path_buf();
        target.extend(generated.path.split('/'));
        // Files of a job are consecutive: create each job directory once.
        if let Some(parent) = target.parent() {
            if made.as_deref() != Some(parent) {
                std::fs::create_dir_all(parent)?;
                made = Some(parent.to_path_buf());
            }
        }
        std::fs::write(&target, &generated.data)?;
        summary.record(&generated);
    }
    Ok(summary)
}
