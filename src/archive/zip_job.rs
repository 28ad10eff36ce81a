//! Reading a job stored as one ZIP (the log store's form): its entries checked from the
//! directory, inflated (DEFLATE or stored, CRC-32 checked, never past the size limit).

use std::fs;
use std::io::{Cursor, Read};
use std::path::Path;
use std::sync::Arc;

use zip::result::ZipError;
use zip::{CompressionMethod, ZipArchive};

use super::content::{Content, JobFile, Zip, ZippedEntry};
use super::job_load::too_large;
use super::names::check_file_name;
use super::zip_names::{central_names, first_duplicate};
use crate::error::{Error, ErrorKind};
/// The files of a ZIP, with its top-level folder (stripped from the names) if all its
/// entries are in one.
pub(crate) fn read_zip(
    label: &str,
    path: &Path,
    limit: u64,
) -> Result<(Option<String>, Vec<JobFile>), Vec<Error>> {
    let one = |kind, message: String| vec![Error::new(kind, format!("{label}: {message}"))];
    let bytes: Arc<[u8]> = fs::read(path)
        .map_err(|e| one(ErrorKind::Read, format!("cannot read: {e}")))?
        .into();
    let mut zip: Zip = ZipArchive::new(Cursor::new(Arc::clone(&bytes))).map_err(|e| {
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
                Ok(Content::Zipped(ZippedEntry {
                    zip: zip.clone(),
                    index,
                    what,
                    limit,
                }))
            }
        });
        match checked {
            Ok(content) => files.push(JobFile {
                name,
                size,
                content,
            }),
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

/// Inflates a ZIP entry kept for later (see [`ZippedEntry`]): at most its limit, its
/// CRC-32 checked.
pub(crate) fn inflate_entry(entry: &ZippedEntry) -> Result<Vec<u8>, Error> {
    let (what, limit) = (entry.what.as_str(), entry.limit);
    let mut zip = entry.zip.clone();
    let entry = zip
        .by_index(entry.index)
        .map_err(|e| zip_error(what, "", &e))?;
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
