//! The job tree as LHCb's log store keeps it: one DEFLATE ZIP per job,
//! `LOG/<prod8>/<sub4>/<job8>.zip`, `sub4` being the sub-production (job number / 10000,
//! 4 digits: jobs 0-9999 are in `0000`), the files inside one top-level folder named after
//! the job: `<job8>/` for most jobs, `<prod8>_<job8>/` for every fourth one (both forms occur
//! in the real store), with the job's `job.info` beside its logs.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use zip::write::{SimpleFileOptions, ZipWriter};

use super::category::category_of_name;
use super::job::JobCtx;
use super::tree::{TreeSummary, job_ctx};
use super::{GeneratedFile, JobTreeSpec};

/// Jobs per sub-production folder of the log store.
pub const JOBS_PER_SUB: u64 = 10_000;

/// One job as the log store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogStoreJob {
    /// The job number (1-based: job index 0 is job 1, `00000001.zip`).
    pub number: u64,
    /// The DIRAC job id written in `job.info` (`/JobID = N`).
    pub dirac_id: u64,
    /// True when every step succeeded (every summary XML says `<success>True</success>`).
    pub success: bool,
    /// The ZIP's path under the store's root, `/`-separated, e.g.
    /// `LOG/00012345/0000/00000001.zip`.
    pub zip_path: String,
    /// The top-level folder inside the ZIP, e.g. `00000001` or `00012345_00000001`.
    pub folder: String,
    /// The job's files; `path` is the name within the job folder, e.g. `job.info`.
    pub files: Vec<GeneratedFile>,
}

/// Job `job_index` of `spec` as the log store holds it: the tree's files of that job plus
/// its `job.info`. Independent of the other jobs.
#[must_use]
pub fn log_store_job(spec: &JobTreeSpec, job_index: usize) -> LogStoreJob {
    let job = job_ctx(spec, job_index);
    let mut files: Vec<GeneratedFile> = super::generate_job(spec, job_index)
        .into_iter()
        .map(|mut file| {
            let name = file.path.rsplit('/').next().unwrap_or_default().to_owned();
            file.path = name;
            file
        })
        .collect();
    let info = job_info(&job);
    files.push(GeneratedFile {
        category: category_of_name("job.info"),
        path: "job.info".to_owned(),
        data: info.into_bytes(),
    });
    let folder = if job.job_id % 4 == 0 {
        format!("{}_{}", job.prod, job.job)
    } else {
        job.job.clone()
    };
    LogStoreJob {
        number: job.job_id,
        dirac_id: job.wms_id,
        success: job.failed().is_none(),
        zip_path: format!(
            "LOG/{}/{:04}/{}.zip",
            job.prod,
            job.job_id / JOBS_PER_SUB,
            job.job
        ),
        folder,
        files,
    }
}

/// The DIRAC job description summary the pilot leaves as `job.info`.
fn job_info(job: &JobCtx) -> String {
    format!(
        "/JobID = {}\n/JobName = {}_{}\n/JobGroup = {}\n/Site = {}\n/Owner = lhcb_mc\n\
         /OwnerGroup = lhcb_mc\n/Status = {}\n",
        job.wms_id,
        job.prod,
        job.job,
        job.prod,
        job.site,
        if job.failed().is_some() {
            "Failed"
        } else {
            "Done"
        }
    )
}

/// What `write_log_store` wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogStoreSummary {
    /// The files inside the ZIPs (counts, bytes, categories).
    pub files: TreeSummary,
    /// ZIP files written.
    pub zips: usize,
    /// Their total size in bytes.
    pub zip_bytes: u64,
}

/// The bytes of one job's ZIP: DEFLATE entries under the job's folder, in the job's order,
/// with the zip crate's fixed default timestamp (so the bytes are deterministic).
///
/// # Errors
///
/// The zip writer's error, as an I/O error.
pub fn job_zip(job: &LogStoreJob) -> io::Result<Vec<u8>> {
    let mut zip = ZipWriter::new(io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for file in &job.files {
        zip.start_file(format!("{}/{}", job.folder, file.path), options)
            .map_err(io::Error::other)?;
        zip.write_all(&file.data)?;
    }
    Ok(zip.finish().map_err(io::Error::other)?.into_inner())
}

/// Writes every job of `spec` as a ZIP under `dir` (see the module documentation).
///
/// # Errors
///
/// The first I/O error; the ZIPs written before it stay on disk.
pub fn write_log_store(spec: &JobTreeSpec, dir: &Path) -> io::Result<LogStoreSummary> {
    let mut summary = LogStoreSummary::default();
    for job_index in 0..spec.jobs {
        let job = log_store_job(spec, job_index);
        let mut target = dir.to_path_buf();
        target.extend(job.zip_path.split('/'));
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let bytes = job_zip(&job)?;
        File::create(&target)?.write_all(&bytes)?;
        summary.zips += 1;
        summary.zip_bytes += bytes.len() as u64;
        for file in &job.files {
            summary.files.record(file);
        }
    }
    Ok(summary)
}
