//! Counters updated by the workers without taking the pool's lock: entry and byte counts
//! (totals and per category) and the numbers that `add`, `wait` and `join` wait on.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::stats::Counts;

/// A value alone on its cache line(s): the producer and the workers update different
/// counters at a high rate, and sharing a line would make each update a cache miss.
#[derive(Debug, Default)]
#[repr(align(128))]
pub(crate) struct Padded<T>(pub T);

impl<T> std::ops::Deref for Padded<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Entry and byte counts, updated lock-free; read as a `Counts` snapshot. `added` is the
/// producer's, the rest the workers'.
#[derive(Debug, Default)]
pub(crate) struct AtomicCounts {
    added: Padded<AtomicU64>,
    finished: Padded<Finished>,
}

/// The counts the workers update.
#[derive(Debug, Default)]
struct Finished {
    done: AtomicU64,
    rejected: AtomicU64,
    raw_bytes: AtomicU64,
    compressed_bytes: AtomicU64,
}

impl AtomicCounts {
    /// One more entry accepted.
    pub fn add(&self) {
        self.added.fetch_add(1, Ordering::Relaxed);
    }

    /// `n` more entries accepted.
    pub fn add_many(&self, n: u64) {
        self.added.fetch_add(n, Ordering::Relaxed);
    }

    /// Entries of a group finished: `done` of them with these byte counts, `rejected`
    /// rejected.
    pub fn finish_many(&self, done: u64, rejected: u64, raw: u64, compressed: u64) {
        let f = &self.finished;
        if done > 0 {
            f.raw_bytes.fetch_add(raw, Ordering::Relaxed);
            f.compressed_bytes.fetch_add(compressed, Ordering::Relaxed);
            f.done.fetch_add(done, Ordering::Release);
        }
        if rejected > 0 {
            f.rejected.fetch_add(rejected, Ordering::Release);
        }
    }

    /// One entry finished: done with its byte counts, or rejected.
    pub fn finish(&self, ok: bool, raw: u64, compressed: u64) {
        let f = &self.finished;
        if ok {
            f.raw_bytes.fetch_add(raw, Ordering::Relaxed);
            f.compressed_bytes.fetch_add(compressed, Ordering::Relaxed);
            f.done.fetch_add(1, Ordering::Release);
        } else {
            f.rejected.fetch_add(1, Ordering::Release);
        }
    }

    /// The counts now (each field exact; fields read one after the other).
    ///
    /// The finished counts are read before `added` (and every entry is counted added before
    /// it can finish), so a snapshot taken while entries flow never shows more entries
    /// finished than added.
    pub fn snapshot(&self) -> Counts {
        let f = &self.finished;
        let done = f.done.load(Ordering::Acquire);
        let rejected = f.rejected.load(Ordering::Acquire);
        let raw_bytes = f.raw_bytes.load(Ordering::Relaxed);
        let compressed_bytes = f.compressed_bytes.load(Ordering::Relaxed);
        Counts {
            added: self.added.load(Ordering::Acquire),
            done,
            rejected,
            raw_bytes,
            compressed_bytes,
        }
    }
}

/// What blocked callers wait on. All sequentially consistent: a thread that goes to sleep
/// counts itself in `sleepers` before checking its condition, and a worker changes
/// `in_flight` before reading `sleepers`, so either the sleeper sees the change or the
/// worker sees the sleeper (and notifies it under the lock).
#[derive(Debug, Default)]
pub(crate) struct Flow {
    /// Entries added and not yet finished.
    pub in_flight: Padded<AtomicUsize>,
    /// Of those, entries waiting in collecting categories (not progressing by themselves).
    pub collecting: Padded<AtomicUsize>,
    /// Threads blocked in `add`, `wait` or `join`.
    pub sleepers: Padded<AtomicUsize>,
}

impl Flow {
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    pub fn collecting(&self) -> usize {
        self.collecting.load(Ordering::SeqCst)
    }

    /// True when nothing progresses by itself (everything left waits for samples).
    pub fn idle(&self) -> bool {
        self.in_flight() <= self.collecting()
    }
}
