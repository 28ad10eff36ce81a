//! Finding the jobs of a conversion's source: a folder of job ZIPs, a folder of job
//! folders, or a log-store tree of them (`LOG/<prod8>/<sub4>/<job8>.zip`), or one job.

use std::fs;
use std::path::{Path, PathBuf};

use super::names::{is_job_folder_name, job_number_of_input};
use crate::error::{Error, ErrorKind};

/// How a job is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SourceKind {
    /// One ZIP file (the log store's form).
    Zip,
    /// One folder of files (older productions).
    Folder,
}

/// One job input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct JobSource {
    pub(crate) path: PathBuf,
    pub(crate) kind: SourceKind,
}

impl JobSource {
    /// The path, for messages.
    pub(crate) fn label(&self) -> String {
        self.path.display().to_string()
    }

    /// The job number the input's own name gives (`00000088.zip`, `00285595_00000088/`).
    pub(crate) fn number_from_name(&self) -> Option<i64> {
        let name = match self.kind {
            SourceKind::Zip => self.path.file_stem(),
            SourceKind::Folder => self.path.file_name(),
        };
        name.and_then(|n| n.to_str()).and_then(job_number_of_input)
    }
}

/// True for a file that is a job ZIP by its name (`*.zip`, any case).
fn is_zip_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// The job inputs found, and the folders that could not be read (with their error).
pub(crate) type Found = (Vec<JobSource>, Vec<(PathBuf, Error)>);

/// The jobs under `src`, sorted by path, and the folders that could not be read. A file
/// given as `src` is one job ZIP. A folder holding any file that is not a `*.zip` is one
/// job folder; otherwise each `*.zip` in it is a job and each subfolder is searched the
/// same way; an empty folder named like a job (`<job8>`, `<prod8>_<job8>`) is an empty
/// job. `Err` when `src` itself cannot be read.
pub(crate) fn job_sources(src: &Path) -> Result<Found, Error> {
    let meta = fs::metadata(src).map_err(|e| {
        Error::new(
            ErrorKind::Read,
            format!("{}: cannot read the source: {e}", src.display()),
        )
    })?;
    let mut found = (Vec::new(), Vec::new());
    if meta.is_dir() {
        search(src, &mut found);
    } else {
        found.0.push(JobSource {
            path: src.to_path_buf(),
            kind: SourceKind::Zip,
        });
    }
    found.0.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// Adds the jobs in folder `dir` (see [`job_sources`]).
fn search(dir: &Path, found: &mut Found) {
    let unreadable = |e: std::io::Error| {
        Error::new(
            ErrorKind::Read,
            format!("{}: cannot read the folder: {e}", dir.display()),
        )
    };
    let listed: Result<Vec<(PathBuf, bool)>, std::io::Error> =
        fs::read_dir(dir).and_then(|entries| {
            entries
                .map(|entry| {
                    let path = entry?.path();
                    let is_dir = fs::metadata(&path)?.is_dir();
                    Ok((path, is_dir))
                })
                .collect()
        });
    let mut listed = match listed {
        Ok(listed) => listed,
        Err(e) => return found.1.push((dir.to_path_buf(), unreadable(e))),
    };
    listed.sort();
    let is_job_folder = listed
        .iter()
        .any(|(path, is_dir)| !is_dir && !is_zip_name(path));
    let is_empty_job = listed.is_empty()
        && dir
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(is_job_folder_name);
    if is_job_folder || is_empty_job {
        found.0.push(JobSource {
            path: dir.to_path_buf(),
            kind: SourceKind::Folder,
        });
        return;
    }
    for (path, is_dir) in listed {
        if is_dir {
            search(&path, found);
        } else {
            found.0.push(JobSource {
                path,
                kind: SourceKind::Zip,
            });
        }
    }
}
