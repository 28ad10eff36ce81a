//! Each category's volume, read from the inputs' directories before anything is
//! compressed (ZIP central directories, folder listings): the trainer keeps a dictionary
//! only where it pays for itself over the whole category, since the archive stores it once.

use std::collections::HashMap;
use std::fs;
use std::io::BufReader;

use zip::ZipArchive;

use super::category::category_of_name;
use super::job_source::{JobSource, SourceKind};

/// Raw bytes and files per category over every input. An input that cannot be read is left out here
/// (reading it for real reports why).
pub(crate) fn category_volumes(sources: &[JobSource]) -> HashMap<String, (u64, u64)> {
    let mut volumes = HashMap::new();
    let mut add = |name: &str, size: u64| {
        let base = name.rsplit('/').next().unwrap_or(name);
        let volume = volumes.entry(category_of_name(base)).or_insert((0, 0));
        volume.0 += size;
        volume.1 += 1;
    };
    for source in sources {
        match source.kind {
            SourceKind::Zip => {
                let Ok(file) = fs::File::open(&source.path) else {
                    continue;
                };
                let Ok(mut zip) = ZipArchive::new(BufReader::new(file)) else {
                    continue;
                };
                for index in 0..zip.len() {
                    if let Ok(entry) = zip.by_index_raw(index)
                        && !entry.is_dir()
                    {
                        add(entry.name(), entry.size());
                    }
                }
            }
            SourceKind::Folder => {
                let Ok(listing) = fs::read_dir(&source.path) else {
                    continue;
                };
                for file in listing.flatten() {
                    if let (Ok(meta), Some(name)) = (file.metadata(), file.file_name().to_str())
                        && meta.is_file()
                    {
                        add(name, meta.len());
                    }
                }
            }
        }
    }
    volumes
}
