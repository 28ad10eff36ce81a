//! Reading one job input whole: its files (name and content), its job number and facts,
//! every bad file named with its own error kind.

use std::fs;
use std::io::{Cursor, Read};

use zip::result::ZipError;
use zip::{CompressionMethod, ZipArchive};

use super::job_facts::JobFacts;
use super::job_source::{JobSource, SourceKind};
use super::names::{check_file_name, job_number_of_files, job_number_of_input};
use super::zip_names::{central_names, first_duplicate};
use crate::error::{Error, ErrorKind};

/// A job's files: (name within the job, content), in the input's order.
pub(crate) type JobFiles = Vec<(String, Vec<u8>)>;

/// A job read whole, every file checked: ready to compress.
#[derive(Debug)]
pub(crate) struct LoadedJob {
    /// The job number.
    pub(crate) number: i64,
    pub(crate) files: JobFiles,
    /// DIRAC id and success, as the files say them.
    pub(crate) facts: JobFacts,
}

/// Reads job `source`, no file larger than `limit` bytes (a larger one, e.g. a ZIP bomb,
/// is `TooLarge` and is inflated no further than the limit). `Err` lists every problem
/// found: a job with any bad file is not converted at all.
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
        None => job_number_of_files(&label, files.iter().map(|(n, _)| n.as_str()))
            .map_err(|e| vec![e])?,
    };
    let facts = JobFacts::of(files.iter().map(|(n, d)| (n.as_str(), d.as_slice())));
    Ok(LoadedJob {
        number,
        files,
        facts,
    })
}

/// The files of a ZIP, with its top-level folder (stripped from the names) if all its
/// entries are in one.
fn read_zip(
    label: &str,
    path: &std::path::Path,
    limit: u64,
) -> Result<(Option<String>, JobFiles), Vec<Error>> {
    let one = |kind, message: String| vec![Error::new(kind, format!("{label}: {message}"))];
    let bytes = fs::read(path).map_err(|e| one(ErrorKind::Read, format!("cannot read: {e}")))?;
    let mut zip = ZipArchive::new(Cursor::new(bytes.as_slice())).map_err(|e| {
        if bytes.starts_with(b"PK") {
            one(
                ErrorKind::CorruptZip,
                format!("truncated or corrupt ZIP file: {e}"),
            )
        } else {
            one(ErrorKind::NotZip, "not a ZIP file".to_owned())
        }
    })?;
    let mut errors = Vec::new();
    let names = central_names(&bytes, zip.central_directory_start());
    if let Some(duplicate) = first_duplicate(&names) {
        errors.push(Error::new(
            ErrorKind::DuplicateName,
            format!(
                "{label}: {}: two entries have this name",
                String::from_utf8_lossy(duplicate).escape_debug()
            ),
        ));
    }
    let mut entries = Vec::new();
    for index in 0..zip.len() {
        match zip.by_index_raw(index) {
            Ok(entry) if entry.is_dir() => {}
            Ok(entry) => entries.push((
                index,
                entry.name().to_owned(),
                entry.encrypted(),
                entry.compression(),
                entry.size(),
            )),
            Err(e) => errors.push(zip_error(label, &format!("entry {index}"), &e)),
        }
    }
    let folder = common_folder(entries.iter().map(|e| e.1.as_str()));
    let mut files = Vec::with_capacity(entries.len());
    for (index, full_name, encrypted, method, size) in entries {
        let name = match &folder {
            Some(folder) => full_name[folder.len() + 1..].to_owned(),
            None => full_name.clone(),
        };
        let what = format!("{label}: {}", full_name.escape_debug());
        let checked = check_file_name(label, &name).and_then(|()| {
            if encrypted {
                Err(Error::new(
                    ErrorKind::Encrypted,
                    format!("{what}: the entry is encrypted"),
                ))
            } else if !matches!(
                method,
                CompressionMethod::Stored | CompressionMethod::Deflated
            ) {
                Err(Error::new(
                    ErrorKind::UnsupportedEntry,
                    format!("{what}: unsupported compression method {method}"),
                ))
            } else if size > limit {
                Err(too_large(&what, limit))
            } else {
                inflate(&mut zip, index, &what, limit)
            }
        });
        match checked {
            Ok(data) => files.push((name, data)),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok((folder, files))
    } else {
        Err(errors)
    }
}

/// The one top-level folder every entry is in, if there is one.
fn common_folder<'a>(mut names: impl Iterator<Item = &'a str>) -> Option<String> {
    let first = names.next()?.split_once('/')?.0;
    let all = names.all(|n| n.split_once('/').is_some_and(|(top, _)| top == first));
    (all && !first.is_empty()).then(|| first.to_owned())
}

/// Inflates entry `index`, at most `limit` bytes, its CRC-32 checked.
fn inflate(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    index: usize,
    what: &str,
    limit: u64,
) -> Result<Vec<u8>, Error> {
    let entry = zip.by_index(index).map_err(|e| zip_error(what, "", &e))?;
    let mut data = Vec::with_capacity(usize::try_from(entry.size().min(limit)).unwrap_or(0));
    entry
        .take(limit.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(|e| {
            if e.to_string() == "Invalid checksum" {
                Error::new(
                    ErrorKind::CrcMismatch,
                    format!("{what}: CRC-32 mismatch: the entry is damaged"),
                )
            } else {
                Error::new(ErrorKind::CorruptZip, format!("{what}: corrupt entry: {e}"))
            }
        })?;
    if data.len() as u64 > limit {
        return Err(too_large(what, limit));
    }
    Ok(data)
}

/// The error of a file larger than the limit (for a ZIP entry, e.g. a ZIP bomb, inflated
/// no further than the limit).
fn too_large(what: &str, limit: u64) -> Error {
    Error::new(
        ErrorKind::TooLarge,
        format!(
            "{what}: larger than the limit of {limit} bytes (max_decompressed_size); \
             not read past it"
        ),
    )
}

/// The error of the zip crate about `what` (`part` says which entry, when known).
fn zip_error(what: &str, part: &str, e: &ZipError) -> Error {
    let what = if part.is_empty() {
        what.to_owned()
    } else {
        format!("{what}: {part}")
    };
    match e {
        ZipError::UnsupportedArchive(m) if *m == ZipError::PASSWORD_REQUIRED => Error::new(
            ErrorKind::Encrypted,
            format!("{what}: the entry is encrypted"),
        ),
        ZipError::UnsupportedArchive(m) => Error::new(
            ErrorKind::UnsupportedEntry,
            format!("{what}: unsupported: {m}"),
        ),
        other => Error::new(
            ErrorKind::CorruptZip,
            format!("{what}: corrupt ZIP entry: {other}"),
        ),
    }
}

/// The files of a job folder.
fn read_folder(label: &str, dir: &std::path::Path, limit: u64) -> Result<JobFiles, Vec<Error>> {
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
            Ok(data) => files.push((name.to_owned(), data)),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}
