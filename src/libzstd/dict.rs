//! Prepared dictionaries: a `ZSTD_CDict` or `ZSTD_DDict` digested once, then shared read-only
//! by every thread (libzstd documents both as safe to share once created).

use std::fmt;
use std::ptr::NonNull;

use super::error::ZstdError;

/// Why bytes could not be used as a zstd dictionary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DictFormatError {
    /// The bytes do not start with the zstd dictionary magic number (0xEC30A437).
    BadMagic,
    /// The header is there but its entropy tables or content are unusable.
    Corrupt(ZstdError),
    /// The header gives the dictionary id 0, which frames cannot record.
    ZeroId,
}

impl fmt::Display for DictFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DictFormatError::BadMagic => {
                f.write_str("not a zstd dictionary (no dictionary magic number)")
            }
            DictFormatError::Corrupt(e) => write!(f, "corrupt zstd dictionary: {e}"),
            DictFormatError::ZeroId => {
                f.write_str("zstd dictionary with id 0 (frames could not name it)")
            }
        }
    }
}

/// Checks the magic number and returns the dictionary id written in the header, which
/// must not be 0: frames made with such a dictionary would carry no id, and could not be
/// told from frames made without a dictionary.
fn checked_id(dict: &[u8]) -> Result<u32, DictFormatError> {
    let magic = dict
        .get(..4)
        .map(|m| u32::from_le_bytes([m[0], m[1], m[2], m[3]]));
    if magic != Some(zstd_sys::ZSTD_MAGIC_DICTIONARY) {
        return Err(DictFormatError::BadMagic);
    }
    match dictionary_id(dict) {
        0 => Err(DictFormatError::ZeroId),
        id => Ok(id),
    }
}

/// The id in a zstd dictionary's header (0 when the bytes are not a dictionary).
pub fn dictionary_id(dict: &[u8]) -> u32 {
    // SAFETY: the pointer and length describe the live slice `dict`.
    unsafe { zstd_sys::ZSTD_getDictID_fromDict(dict.as_ptr().cast(), dict.len()) }
}

/// A dictionary digested for compression at one level. Immutable and shareable.
pub struct CDict {
    ptr: NonNull<zstd_sys::ZSTD_CDict>,
    id: u32,
}

// SAFETY: a ZSTD_CDict is never modified after creation; libzstd documents that one CDict
// may be used by several compression contexts in several threads at once.
unsafe impl Send for CDict {}
// SAFETY: as above, all access after creation is read-only.
unsafe impl Sync for CDict {}

impl CDict {
    /// Digests a standard zstd dictionary (with header and entropy tables) for `level`.
    pub fn new(dict: &[u8], level: i32) -> Result<CDict, DictFormatError> {
        let id = checked_id(dict)?;
        // SAFETY: `dict` is a live slice which libzstd copies (ZSTD_createCDict loads by copy);
        // the magic number was checked above, so libzstd parses it as a full dictionary and
        // returns NULL if its tables are corrupt, which is handled below.
        let raw = unsafe { zstd_sys::ZSTD_createCDict(dict.as_ptr().cast(), dict.len(), level) };
        let ptr = NonNull::new(raw).ok_or(DictFormatError::Corrupt(ZstdError::dictionary()))?;
        Ok(CDict { ptr, id })
    }

    /// The dictionary id, written into every frame compressed with it.
    pub fn id(&self) -> u32 {
        self.id
    }

    pub(crate) fn as_ptr(&self) -> *const zstd_sys::ZSTD_CDict {
        self.ptr.as_ptr()
    }
}

impl Drop for CDict {
    fn drop(&mut self) {
        // SAFETY: the pointer came from ZSTD_createCDict_advanced and is freed exactly once;
        // no context can still reference it, because contexts only borrow a CDict for the
        // duration of one `compress` call.
        unsafe { zstd_sys::ZSTD_freeCDict(self.ptr.as_ptr()) };
    }
}

/// A dictionary digested for decompression. Immutable and shareable.
pub struct DDict {
    ptr: NonNull<zstd_sys::ZSTD_DDict>,
    id: u32,
}

// SAFETY: a ZSTD_DDict is read-only after creation and may be shared by many contexts and
// threads (libzstd: "DDict can be shared by multiple DCtx").
unsafe impl Send for DDict {}
// SAFETY: as above.
unsafe impl Sync for DDict {}

impl DDict {
    /// Digests a standard zstd dictionary for decompression; checks its format.
    pub fn new(dict: &[u8]) -> Result<DDict, DictFormatError> {
        let id = checked_id(dict)?;
        // SAFETY: `dict` is a live slice copied by libzstd (by-copy); the all-NULL custom
        // allocator selects malloc/free; NULL is handled below.
        let raw = unsafe {
            zstd_sys::ZSTD_createDDict_advanced(
                dict.as_ptr().cast(),
                dict.len(),
                zstd_sys::ZSTD_dictLoadMethod_e::ZSTD_dlm_byCopy,
                zstd_sys::ZSTD_dictContentType_e::ZSTD_dct_fullDict,
                // All NULL: libzstd's default allocator (ZSTD_defaultCMem is a header constant).
                zstd_sys::ZSTD_customMem {
                    customAlloc: None,
                    customFree: None,
                    opaque: std::ptr::null_mut(),
                },
            )
        };
        let ptr = NonNull::new(raw).ok_or(DictFormatError::Corrupt(ZstdError::dictionary()))?;
        Ok(DDict { ptr, id })
    }

    /// The dictionary id that frames made with this dictionary carry.
    pub fn id(&self) -> u32 {
        self.id
    }

    pub(crate) fn as_ptr(&self) -> *const zstd_sys::ZSTD_DDict {
        self.ptr.as_ptr()
    }
}

impl Drop for DDict {
    fn drop(&mut self) {
        // SAFETY: created by ZSTD_createDDict_advanced, freed once, borrowed by contexts only
        // for the duration of one `decompress` call.
        unsafe { zstd_sys::ZSTD_freeDDict(self.ptr.as_ptr()) };
    }
}
