//! Memory of the caller's that one output is written to in place: a batch decoded
//! straight into buffers the caller made (e.g. the `bytes` objects a binding returns),
//! instead of into the batch's own memory and copied from there.

use std::ptr::NonNull;

/// `capacity` writable bytes of the caller's, lent for one batch entry's output.
#[derive(Debug)]
pub struct Destination {
    ptr: NonNull<u8>,
    capacity: usize,
}

// SAFETY: a destination is the only access to its bytes while the pool holds it (the
// promise of `Destination::new`); one worker writes them, and they are read only after
// the batch's output has been handed over, which synchronises with that worker.
unsafe impl Send for Destination {}
// SAFETY: as for `Send`: shared references only read `capacity` or the written bytes.
unsafe impl Sync for Destination {}

impl Destination {
    /// The `capacity` bytes at `ptr`; None when `ptr` is NULL or `capacity` is 0.
    ///
    /// # Safety
    /// `ptr` must be valid for writes and reads of `capacity` bytes, and nothing else may
    /// access them, from now until the batch output holding this destination is dropped.
    pub unsafe fn new(ptr: *mut u8, capacity: usize) -> Option<Destination> {
        if capacity == 0 || capacity > isize::MAX as usize {
            return None;
        }
        Some(Destination {
            ptr: NonNull::new(ptr)?,
            capacity,
        })
    }

    /// How many bytes it holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The start, for libzstd to write to.
    pub(crate) fn as_mut_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// The first `len` bytes, once an output of that size was written there.
    pub fn written(&self, len: usize) -> &[u8] {
        let len = len.min(self.capacity);
        // SAFETY: `len` <= capacity bytes, valid for reads (the constructor's promise) and
        // initialised by the decode that reported `len` bytes written.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), len) }
    }
}
