//! Reading a job stored as a folder of files (older productions).

use std::fs;
use std::io::Read;
use std::path::Path;

use super::content::{Content, JobFile};
use super::job_load::too_large;
use crate::error::{Error, ErrorKind};

/// The files of a job folder.
pub(crate) fn read_folder(label: &str, dir: &Path, limit: u64) -> Result<Vec<JobFile>, Vec<Error>> {
    let unreadable = |what: &str, e: std::io::Error| {
        Error::new(
            ErrorKind::Read,
            format!("{label}: {what}: cannot read: {e}"),
        )
    };
    let mut paths: Vec<_> = fs::read_dir(dir)
        .and_then(|entries| {
            entries
                .map(|e| Ok(e?.path()))
                .collect::<Result<_, std::io::Error>>()
        })
        .map_err(|e| vec![unreadable("the folder", e)])?;
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    let mut errors = Vec::new();
    for path in paths {
        let file_name = path.file_name().unwrap_or_default();
        let Some(name) = file_name.to_str() else {
            errors.push(Error::new(
                ErrorKind::UnsafeName,
                format!(
                    "{label}: {}: the file name is not UTF-8",
                    file_name.to_string_lossy()
                ),
            ));
            continue;
        };
        let what = format!("{label}: {name}");
        let read = fs::metadata(&path)
            .map_err(|e| unreadable(name, e))
            .and_then(|meta| {
                if meta.is_dir() {
                    Err(Error::new(
                        ErrorKind::UnsafeName,
                        format!("{what}: a folder inside the job folder (a `/` below it)"),
                    ))
                } else if meta.len() > limit {
                    Err(too_large(&what, limit))
                } else {
                    let mut data = Vec::new();
                    fs::File::open(&path)
                        .and_then(|f| f.take(limit.saturating_add(1)).read_to_end(&mut data))
                        .map_err(|e| unreadable(name, e))?;
                    if data.len() as u64 > limit {
                        return Err(too_large(&what, limit));
                    }
                    Ok(data)
                }
            });
        match read {
            Ok(data) => files.push(JobFile {
                name: name.to_owned(),
                size: data.len() as u64,
                content: Content::Bytes(data),
            }),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}
