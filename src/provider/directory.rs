//! A dictionary store in a directory: one standard zstd dictionary file per name, readable by
//! `zstd -D FILE`, written atomically (temporary file, then rename).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::{DictProvider, ProviderError};

/// The file name extension of dictionary files.
pub const DICT_EXTENSION: &str = "zdict";

/// Dictionaries stored as `DIR/<name>.zdict`. Names are escaped so that any name maps to one
/// plain file name: bytes other than ASCII letters, digits, `-`, `_` and `.` become `%XX`
/// (`Gauss_#_#.log` is stored as `Gauss_%23_%23.log.zdict`).
#[derive(Debug)]
pub struct DirectoryProvider {
    dir: PathBuf,
    temp_counter: AtomicU64,
}

impl DirectoryProvider {
    /// A store in `dir`, created (with its parents) if it does not exist.
    pub fn new(dir: impl Into<PathBuf>) -> io::Result<DirectoryProvider> {
        let dir = dir.into();
        fs::create_dir_all(&dir)?;
        Ok(DirectoryProvider {
            dir,
            temp_counter: AtomicU64::new(0),
        })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file that holds the dictionary `name`.
    pub fn path_of(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{}.{DICT_EXTENSION}", escape(name)))
    }
}

/// Escapes a dictionary name into a safe file name (see [`DirectoryProvider`]).
fn escape(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for &b in name.as_bytes() {
        let plain =
            b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || (b == b'.' && !out.is_empty());
        if plain {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl DictProvider for DirectoryProvider {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, ProviderError> {
        match fs::read(self.path_of(name)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("reading {}: {e}", self.path_of(name).display()).into()),
        }
    }

    fn put(&self, name: &str, dict: &[u8]) -> Result<(), ProviderError> {
        let target = self.path_of(name);
        let n = self.temp_counter.fetch_add(1, Ordering::Relaxed);
        let temp = self
            .dir
            .join(format!(".{}.{}.{n}.tmp", escape(name), std::process::id()));
        let written = fs::File::create(&temp)
            .and_then(|mut file| file.write_all(dict).and_then(|()| file.sync_all()))
            .and_then(|()| fs::rename(&temp, &target));
        written.map_err(|e| {
            let _ = fs::remove_file(&temp);
            format!("writing {}: {e}", target.display()).into()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_names_into_plain_file_names() {
        assert_eq!(escape("Gauss_#_#.log"), "Gauss_%23_%23.log");
        assert_eq!(escape("a/b"), "a%2Fb");
        assert_eq!(escape(".hidden"), "%2Ehidden");
        assert_eq!(escape(""), "");
    }
}
