//! Counters updated by the workers without taking the pool's lock: entry and byte counts
//! (totals and per category) and the numbers that `add`, `wait` and `join` wait on.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::stats::Counts;

/// Entry and byte counts, updated lock-free; read as a `Counts` snapshot.
#[derive(Debug, Default)]
pub(crate) struct AtomicCounts {
    added: AtomicU64,
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

    /// One entry finished: done with its byte counts, or rejected.
    pub fn finish(&self, ok: bool, raw: u64, compressed: u64) {
        if ok {
            self.raw_bytes.fetch_add(raw, Ordering::Relaxed);
            self.compressed_bytes
                .fetch_add(compressed, Ordering::Relaxed);
            self.done.fetch_add(1, Ordering::Relaxed);
        } else {
            self.rejected.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The counts now (each field exact; fields read one after the other).
    pub fn snapshot(&self) -> Counts {
        Counts {
            added: self.added.load(Ordering::Relaxed),
            done: self.done.load(Ordering::Relaxed),
            rejected: self.rejected.load(Ordering::Relaxed),
            raw_bytes: self.raw_bytes.load(Ordering::Relaxed),
            compressed_bytes: self.compressed_bytes.load(Ordering::Relaxed),
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
    pub in_flight: AtomicUsize,
    /// Of those, entries waiting in collecting categories (not progressing by themselves).
    pub held: AtomicUsize,
    /// Threads blocked in `add`, `wait` or `join`.
    pub sleepers: AtomicUsize,
}

impl Flow {
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    pub fn held(&self) -> usize {
        self.held.load(Ordering::SeqCst)
    }

    /// True when nothing progresses by itself (everything left waits for samples).
    pub fn idle(&self) -> bool {
        self.in_flight() <= self.held()
    }
}
