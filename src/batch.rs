//! Batches: many small entries added in one call, their data in memory, their outputs
//! handed back together. Per entry, a batch keeps what single entries have (exactly-once
//! accounting, rejections with names, training from a category's first entries); per batch
//! it pays the pool's overhead once (one call, a few tasks, one result).

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use crate::entry::Rejection;
pub use crate::libzstd::Destination;
use crate::pool::recycle::Recycler;

/// Where a batch's entries come from, by index: each entry's name, category (dictionary
/// name) and data. The pool reads them from its workers until the batch is done, so the
/// source is shared (`Send + Sync`) and lives as long as the batch.
pub trait BatchSource: Send + Sync + 'static {
    /// Number of entries.
    fn len(&self) -> usize;
    /// True when the batch has no entry.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Entry `index`'s name (read only for rejections).
    fn name(&self, index: usize) -> Cow<'_, str>;
    /// Entry `index`'s category (None: never uses a dictionary when compressing; found by
    /// the frame's dictionary id when decompressing).
    fn dict_name(&self, index: usize) -> Option<&str>;
    /// Entry `index`'s input: raw data to compress, or zstd frames to decompress.
    fn data(&self, index: usize) -> &[u8];
    /// Memory of the caller's for entry `index`'s output (asked once per entry): the pool
    /// writes the output there when it fits (decompressing: one frame recording a content
    /// size up to its capacity; compressing: a capacity of at least `compress_bound` of the
    /// input), else into the batch's own memory. [`BatchOutput::get`] says where it is.
    fn destination(&self, index: usize) -> Option<Destination> {
        let _ = index;
        None
    }
}

/// One entry of a [`Batch`] built in Rust.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchItem {
    pub name: String,
    pub dict_name: Option<String>,
    pub data: Vec<u8>,
}

impl BatchSource for Vec<BatchItem> {
    fn len(&self) -> usize {
        self.as_slice().len()
    }
    fn name(&self, index: usize) -> Cow<'_, str> {
        Cow::Borrowed(&self[index].name)
    }
    fn dict_name(&self, index: usize) -> Option<&str> {
        self[index].dict_name.as_deref()
    }
    fn data(&self, index: usize) -> &[u8] {
        &self[index].data
    }
}

/// Called once, on a worker thread, when every entry of the batch has ended.
pub type BatchDone = Box<dyn FnOnce(BatchOutput) + Send>;

/// The outputs of a batch, in the order of its entries: each entry's output bytes, or its
/// rejection. Outputs live in a few shared buffers (one per task that made them).
pub struct BatchOutput {
    pub(crate) slots: Vec<Slot>,
    pub(crate) buffers: Vec<Vec<u8>>,
    /// Where the buffers go when the output is dropped (the pool's, for its next groups).
    pub(crate) recycler: Option<Arc<Recycler>>,
}

impl Drop for BatchOutput {
    fn drop(&mut self) {
        if let Some(recycler) = &self.recycler {
            recycler.give(std::mem::take(&mut self.buffers));
        }
    }
}

/// Where one entry's result is.
#[derive(Debug)]
pub(crate) enum Slot {
    /// Not ended yet (never seen by the caller: the output exists once all have ended).
    Pending,
    /// Bytes `start..start + len` of buffer `buffer`.
    Output {
        buffer: u32,
        start: usize,
        len: usize,
    },
    /// The first `len` bytes of the caller's destination.
    Placed { at: Destination, len: usize },
    /// Rejected.
    Rejected(Box<Rejection>),
}

impl BatchOutput {
    /// The output of one entry that succeeded (a one-shot call's result).
    pub(crate) fn single(bytes: Vec<u8>) -> BatchOutput {
        let len = bytes.len();
        BatchOutput {
            slots: vec![Slot::Output {
                buffer: 0,
                start: 0,
                len,
            }],
            buffers: vec![bytes],
            recycler: None,
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True for a batch without entries.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Entry `index`'s output, or its rejection. Panics when `index >= len()`.
    pub fn get(&self, index: usize) -> Result<&[u8], &Rejection> {
        match &self.slots[index] {
            Slot::Output { buffer, start, len } => {
                Ok(&self.buffers[*buffer as usize][*start..*start + *len])
            }
            Slot::Placed { at, len } => Ok(at.written(*len)),
            Slot::Rejected(rejection) => Err(rejection),
            Slot::Pending => unreachable!("a batch's output exists once every entry ended"),
        }
    }

    /// Entries rejected.
    pub fn rejected(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| matches!(s, Slot::Rejected(_)))
            .count()
    }
}

impl fmt::Debug for BatchOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchOutput")
            .field("entries", &self.len())
            .field("rejected", &self.rejected())
            .finish_non_exhaustive()
    }
}
