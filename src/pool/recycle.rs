//! Output memory of batches the caller has dropped, kept for the pool's next groups.
//!
//! A group's output buffer above the allocator's mmap threshold (128 KiB in glibc: large
//! decoded logs) is mapped fresh and given back to the system when the caller drops the
//! batch, so every 4 KiB of it written costs a page fault: about a third of the time of
//! decoding large logs (corpus batches decode at 0.54 of the limit, 0.82 with malloc told
//! to keep its memory). Kept here instead, the next group's buffer is already mapped.

use std::sync::Mutex;

/// Buffers smaller than this come from the allocator's reused free lists anyway.
const MIN_KEPT: usize = 128 << 10;
/// At most this much memory is kept (the rest goes back to the allocator).
const MAX_KEPT_BYTES: usize = 64 << 20;

/// Freed output buffers, by capacity.
#[derive(Default)]
pub(crate) struct Recycler {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    buffers: Vec<Vec<u8>>,
    bytes: usize,
}

impl Recycler {
    /// An empty buffer of at least `capacity` bytes: a kept one when one is large enough
    /// (the smallest such), else a new one.
    pub fn take(&self, capacity: usize) -> Vec<u8> {
        if capacity >= MIN_KEPT {
            let mut kept = self.lock();
            let best = (kept.buffers.iter().enumerate())
                .filter(|(_, b)| b.capacity() >= capacity)
                .min_by_key(|(_, b)| b.capacity())
                .map(|(i, _)| i);
            if let Some(index) = best {
                let buffer = kept.buffers.swap_remove(index);
                kept.bytes -= buffer.capacity();
                return buffer;
            }
        }
        Vec::with_capacity(capacity)
    }

    /// Keeps the large ones of `buffers` while there is room.
    pub fn give(&self, buffers: Vec<Vec<u8>>) {
        let mut large = buffers
            .into_iter()
            .filter(|b| b.capacity() >= MIN_KEPT)
            .peekable();
        if large.peek().is_none() {
            return;
        }
        let mut kept = self.lock();
        for mut buffer in large {
            if kept.bytes + buffer.capacity() > MAX_KEPT_BYTES {
                break;
            }
            buffer.clear();
            kept.bytes += buffer.capacity();
            kept.buffers.push(buffer);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_KEPT_BYTES, MIN_KEPT, Recycler};

    #[test]
    fn large_buffers_come_back_small_ones_and_the_excess_do_not() {
        let recycler = Recycler::default();
        let big = Vec::with_capacity(MIN_KEPT * 4);
        let address = big.as_ptr();
        recycler.give(vec![vec![0; 100], big, Vec::with_capacity(MIN_KEPT * 2)]);
        // the smallest that fits
        assert_eq!(recycler.take(MIN_KEPT * 2).capacity(), MIN_KEPT * 2);
        let again = recycler.take(MIN_KEPT * 3);
        assert_eq!((again.as_ptr(), again.len()), (address, 0));
        assert_eq!(
            recycler.take(MIN_KEPT).capacity(),
            MIN_KEPT,
            "none left: a new one"
        );
        recycler.give(
            (0..MAX_KEPT_BYTES / MIN_KEPT + 5)
                .map(|_| Vec::with_capacity(MIN_KEPT))
                .collect(),
        );
        assert_eq!(recycler.lock().bytes, MAX_KEPT_BYTES);
    }
}
