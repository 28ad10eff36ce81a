//! Dictionaries found by a frame's dictionary id, for decompressing entries that name no
//! dictionary: the frame says which it needs, the provider finds it by that id.

use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex};

use super::Mode;
use super::dictionary::Prepared;
use super::job::Job;
use super::shared::Shared;
use crate::error::{Error, ErrorKind};
use crate::libzstd::{HeaderParse, frame_header};

/// The largest zstd frame header (ZSTD_FRAMEHEADERSIZE_MAX).
const FRAME_HEADER_MAX: usize = 18;

/// Prepared dictionaries by id, each looked up in the provider once (`None`: it has none).
#[derive(Default)]
pub(crate) struct ById {
    found: Mutex<HashMap<u32, Option<Arc<Prepared>>>>,
}

impl Shared {
    /// The dictionary a decompressing job's first frame needs when the entry names none:
    /// `None` when the frame needs none or the provider has none by that id (the frame is
    /// then rejected with its id as `DICT_MISSING`).
    pub fn dict_for_frame(&self, job: &mut Job) -> Result<Option<Arc<Prepared>>, Error> {
        let id = frame_dict_id(job)
            .map_err(|e| Error::new(ErrorKind::Read, format!("reading the input failed: {e}")))?;
        if id == 0 {
            return Ok(None);
        }
        self.dict_by_id(id)
    }

    /// The dictionary with id `id`, from the provider (looked up once per pool).
    pub fn dict_by_id(&self, id: u32) -> Result<Option<Arc<Prepared>>, Error> {
        let mut found = self.by_id.found.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(prepared) = found.get(&id) {
            return Ok(prepared.clone());
        }
        let looked_up = self.provider.get_by_id(id).map_err(|e| {
            Error::new(
                ErrorKind::Provider,
                format!("dictionary provider failed to find dictionary id {id}: {e}"),
            )
        })?;
        let prepared = match looked_up {
            None => None,
            Some((name, bytes)) => {
                let prepared = Prepared::new(Mode::Decompress, &bytes, 0).map_err(|e| {
                    Error::new(
                        ErrorKind::BadDictionary,
                        format!("dictionary '{name}' (id {id}) from the provider: {e}"),
                    )
                })?;
                Some(Arc::new(prepared))
            }
        };
        found.insert(id, prepared.clone());
        Ok(prepared)
    }
}

/// Reads the job's first frame header into its prefix and returns the dictionary id it
/// records (0: none, not recorded, or not a frame: decoding then reports what it is).
fn frame_dict_id(job: &mut Job) -> std::io::Result<u32> {
    let Job { entry, prefix, .. } = job;
    let start = prefix.len();
    if start < FRAME_HEADER_MAX {
        prefix.resize(FRAME_HEADER_MAX, 0);
        let mut filled = start;
        while filled < FRAME_HEADER_MAX {
            match entry.input.read(&mut prefix[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n.min(FRAME_HEADER_MAX - filled),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    prefix.truncate(filled);
                    return Err(e);
                }
            }
        }
        prefix.truncate(filled);
    }
    Ok(match frame_header(prefix) {
        Ok(HeaderParse::Done(header)) if !header.skippable => header.dict_id,
        _ => 0,
    })
}
