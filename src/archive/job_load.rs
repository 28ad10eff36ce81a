//! Reading one job input: its files (name, size, content), its job number and facts, every
//! bad file named with its own error kind.

use super::content::JobFile;
use super::folder_job::read_folder;
use super::job_source::{JobSource, SourceKind};
use super::names::{job_number_of_files, job_number_of_input};
use super::zip_job::read_zip;
use crate::error::{Error, ErrorKind};

/// A job read and checked: ready to compress.
pub(crate) struct LoadedJob {
    /// The job number.
    pub(crate) number: i64,
    /// Its files, in the input's order.
    pub(crate) files: Vec<JobFile>,
}

/// Reads job `source`, no file larger than `limit` bytes (a larger one, e.g. a ZIP bomb,
/// is `TooLarge` and is inflated no further than the limit). `Err` lists every problem
/// found: a job with any bad file is not converted at all. ZIP entries are checked here
/// (names, encryption, method, recorded size) and inflated later, by the pool's workers,
/// which also find the job row's facts in `job.info` and the summaries.
pub(crate) fn load_job(source: &JobSource, limit: u64) -> Result<LoadedJob, Vec<Error>> {
    let label = source.label();
    let (folder, files) = match source.kind {
        SourceKind::Zip => read_zip(&label, &source.path, limit)?,
        SourceKind::Folder => (None, read_folder(&label, &source.path, limit)?),
    };
    if files.is_empty() {
        return Err(vec![Error::new(
            ErrorKind::EmptyJob,
            format!("{label}: the job has no file"),
        )]);
    }
    let number = match source
        .number_from_name()
        .or_else(|| folder.as_deref().and_then(job_number_of_input))
    {
        Some(number) => number,
        None => job_number_of_files(&label, files.iter().map(|f| f.name.as_str()))
            .map_err(|e| vec![e])?,
    };
    Ok(LoadedJob { number, files })
}

/// The error of a file larger than the limit (for a ZIP entry, e.g. a ZIP bomb, inflated
/// no further than the limit).
pub(crate) fn too_large(what: &str, limit: u64) -> Error {
    Error::new(
        ErrorKind::TooLarge,
        format!(
            "{what}: larger than the limit of {limit} bytes (max_decompressed_size); \
             not read past it"
        ),
    )
}
