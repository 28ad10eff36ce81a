//! A dictionary store in a directory: one standard zstd dictionary file per name, readable by
//! `zstd -D FILE`, written atomically (temporary file, then rename).

use std::collections::HashMap;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{DictProvider, ProviderError};

/// The file name extension of dictionary files.
pub const DICT_EXTENSION: &str = "zdict";

/// Longest file stem (escaped name) kept whole: file systems allow 255 bytes per name, and
/// the extension and the temporary files' suffixes need room.
pub const MAX_STEM: usize = 200;

/// Dictionaries stored as `DIR/<name>.zdict`. Names are escaped so that any name maps to one
/// file name of its own: ASCII letters, digits, `-`, `_`, `.` (not first) and every
/// non-ASCII character stay as they are, other bytes become `%XX` (`Gauss_#_#.log` is
/// stored as `Gauss_%23_%23.log.zdict`, `été` as `été.zdict`). A name whose escaped form
/// passes [`MAX_STEM`] bytes keeps its first part and ends in `~` and a hash of the whole
/// name (`~` is always escaped otherwise, so the two forms never meet).
#[derive(Debug)]
pub struct DirectoryProvider {
    dir: PathBuf,
    temp_counter: AtomicU64,
    /// Dictionary files by the id in their header, read when an id is first asked for and
    /// again whenever an id is not in it (files may have been added since).
    by_id: Mutex<HashMap<u32, IdEntry>>,
}

impl DirectoryProvider {
    /// A store in `dir`, created (with its parents) if it does not exist.
    pub fn new(dir: impl Into<PathBuf>) -> io::Result<DirectoryProvider> {
        let dir = dir.into();
        if dir.as_os_str().is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the dictionary directory is an empty path (use \".\" for the current directory)",
            ));
        }
        fs::create_dir_all(&dir)?;
        Ok(DirectoryProvider {
            dir,
            temp_counter: AtomicU64::new(0),
            by_id: Mutex::new(HashMap::new()),
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
    for c in name.chars() {
        let plain = c.is_ascii_alphanumeric()
            || c == '-'
            || c == '_'
            || (c == '.' && !out.is_empty())
            || !c.is_ascii();
        if plain {
            out.push(c);
        } else {
            out.push_str(&format!("%{:02X}", c as u32));
        }
    }
    if out.len() <= MAX_STEM {
        return out;
    }
    // Keep room for `~` and 16 hex digits; cut at a character boundary, never inside `%XX`.
    let mut cut = MAX_STEM - 17;
    while !out.is_char_boundary(cut) {
        cut -= 1;
    }
    let bytes = out.as_bytes();
    if bytes[cut - 1] == b'%' {
        cut -= 1;
    } else if bytes[cut - 2] == b'%' {
        cut -= 2;
    }
    format!("{}~{:016x}", &out[..cut], fnv1a(name.as_bytes()))
}

/// FNV-1a, 64 bits: a stable hash (the same on every platform and version) for long names.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The name a dictionary file stands for (the inverse of [`escape`]), or `None` for a file
/// name that no name escapes to.
fn unescape(stem: &str) -> Option<String> {
    let bytes = stem.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = stem.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The id in the header of the dictionary file at `path` (0: not a zstd dictionary).
fn file_dict_id(path: &Path) -> io::Result<u32> {
    let mut head = [0u8; 8];
    fs::File::open(path)?.read_exact(&mut head)?;
    let magic = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
    Ok(if magic == 0xEC30_A437 {
        u32::from_le_bytes([head[4], head[5], head[6], head[7]])
    } else {
        0
    })
}

/// The file of one dictionary id, or two different files claiming it.
#[derive(Debug)]
enum IdEntry {
    One(PathBuf),
    Ambiguous(PathBuf, PathBuf),
}

impl DirectoryProvider {
    /// Reads the id of every dictionary file in the directory into the index.
    fn index_by_id(&self) -> io::Result<HashMap<u32, IdEntry>> {
        let mut index: HashMap<u32, IdEntry> = HashMap::new();
        for file in fs::read_dir(&self.dir)? {
            let path = file?.path();
            let is_dict = path.extension().is_some_and(|e| e == DICT_EXTENSION);
            if !is_dict {
                continue;
            }
            // A short or unreadable file is no dictionary of ours; `get` reports it by name.
            let Ok(id) = file_dict_id(&path) else {
                continue;
            };
            if id == 0 {
                continue;
            }
            let entry = match index.remove(&id) {
                None => IdEntry::One(path),
                // Identical copies are one dictionary; different bytes under one id are not.
                Some(IdEntry::One(first)) if fs::read(&first)? == fs::read(&path)? => {
                    IdEntry::One(first)
                }
                Some(IdEntry::One(first)) => IdEntry::Ambiguous(first, path),
                Some(ambiguous) => ambiguous,
            };
            index.insert(id, entry);
        }
        Ok(index)
    }
}

impl DictProvider for DirectoryProvider {
    /// The names of the dictionary files; a name shortened with a hash (see
    /// [`DirectoryProvider`]) cannot be recovered from its file and is left out.
    fn names(&self) -> Result<Vec<String>, ProviderError> {
        let listing =
            fs::read_dir(&self.dir).map_err(|e| format!("listing {}: {e}", self.dir.display()))?;
        let mut names = Vec::new();
        for file in listing {
            let path = file
                .map_err(|e| format!("listing {}: {e}", self.dir.display()))?
                .path();
            if path.extension().is_none_or(|e| e != DICT_EXTENSION) {
                continue;
            }
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            if let Some(name) = unescape(stem).filter(|name| escape(name) == stem) {
                names.push(name);
            }
        }
        names.sort();
        Ok(names)
    }

    fn get_by_id(&self, id: u32) -> Result<Option<(String, Vec<u8>)>, ProviderError> {
        let mut by_id = self.by_id.lock().unwrap_or_else(|e| e.into_inner());
        if !by_id.contains_key(&id) {
            *by_id = self
                .index_by_id()
                .map_err(|e| format!("listing {}: {e}", self.dir.display()))?;
        }
        let path = match by_id.get(&id) {
            None => return Ok(None),
            Some(IdEntry::One(path)) => path,
            Some(IdEntry::Ambiguous(a, b)) => {
                return Err(format!(
                    "dictionary id {id} is ambiguous: {} and {} both claim it",
                    a.display(),
                    b.display()
                )
                .into());
            }
        };
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(unescape)
            .unwrap_or_default();
        let bytes = fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        Ok(Some((name, bytes)))
    }

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
    use super::{escape, unescape};

    #[test]
    fn escapes_names_into_plain_file_names() {
        assert_eq!(escape("Gauss_#_#.log"), "Gauss_%23_%23.log");
        assert_eq!(escape("a/b"), "a%2Fb");
        assert_eq!(escape(".hidden"), "%2Ehidden");
        assert_eq!(escape(""), "");
        assert_eq!(escape("été"), "été");
        for name in ["Gauss_#_#.log", "a/b", ".hidden", "été", "ünï/cødé", ""] {
            assert_eq!(unescape(&escape(name)).as_deref(), Some(name));
        }
        assert_eq!(unescape("%G1"), None);
    }

    #[test]
    fn long_names_keep_a_prefix_and_a_hash_and_stay_distinct() {
        use super::MAX_STEM;
        let a = format!("{}a", "x/".repeat(200));
        let b = format!("{}b", "x/".repeat(200));
        let (ea, eb) = (escape(&a), escape(&b));
        assert!(
            ea.len() <= MAX_STEM && eb.len() <= MAX_STEM,
            "{} {}",
            ea.len(),
            eb.len()
        );
        assert_ne!(ea, eb);
        assert!(ea.starts_with("x%2Fx%2F"));
        assert_eq!(ea, escape(&a), "stable");
        let wide = "é".repeat(150);
        assert!(escape(&wide).len() <= MAX_STEM);
        assert!(escape(&wide).is_char_boundary(escape(&wide).len() - 17));
    }
}
