//! A category's dictionary, prepared once for the pool's direction and shared by all threads.

use crate::libzstd::{CDict, DDict, DictFormatError};

use super::Mode;

/// A dictionary digested for compression or for decompression.
pub(crate) struct Prepared {
    pub id: u32,
    pub size: usize,
    pub digested: Digested,
}

/// The digested form, by direction.
pub(crate) enum Digested {
    Compress(CDict),
    Decompress(DDict),
}

impl Prepared {
    /// Digests `dict` for `mode` (at `level` when compressing).
    pub fn new(mode: Mode, dict: &[u8], level: i32) -> Result<Prepared, DictFormatError> {
        let (id, digested) = match mode {
            Mode::Compress => {
                let cdict = CDict::new(dict, level)?;
                (cdict.id(), Digested::Compress(cdict))
            }
            Mode::Decompress => {
                let ddict = DDict::new(dict)?;
                (ddict.id(), Digested::Decompress(ddict))
            }
        };
        Ok(Prepared {
            id,
            size: dict.len(),
            digested,
        })
    }

    /// The compression form, if this is one.
    pub fn cdict(&self) -> Option<&CDict> {
        match &self.digested {
            Digested::Compress(c) => Some(c),
            Digested::Decompress(_) => None,
        }
    }

    /// The decompression form, if this is one.
    pub fn ddict(&self) -> Option<&DDict> {
        match &self.digested {
            Digested::Decompress(d) => Some(d),
            Digested::Compress(_) => None,
        }
    }
}
