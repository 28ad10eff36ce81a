//! The bound on what a conversion holds in memory: rows and bytes of the jobs read and not
//! yet committed (waiting for compression, compressed and waiting for their job, or waiting
//! for the next commit).

use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// How often a blocked producer re-runs its "unblock" action while it waits.
const RECHECK: Duration = Duration::from_millis(50);

/// Rows and bytes held, against their bounds.
pub(crate) struct Budget {
    held: Mutex<(usize, u64)>,
    freed: Condvar,
    max_rows: usize,
    max_bytes: u64,
}

impl Budget {
    pub(crate) fn new(max_rows: usize, max_bytes: u64) -> Budget {
        Budget {
            held: Mutex::new((0, 0)),
            freed: Condvar::new(),
            max_rows,
            max_bytes,
        }
    }

    /// Takes room for a job of `rows` rows and `bytes` bytes, waiting while that would pass
    /// a bound. A job alone is always admitted (even one larger than the bounds), so the
    /// conversion never waits for itself. While it waits it calls `unblock` now and then
    /// (the conversion trains categories that wait for samples, whose entries would
    /// otherwise wait for jobs that cannot be read yet), and stops waiting when `give_up`.
    pub(crate) fn take(
        &self,
        rows: usize,
        bytes: u64,
        mut unblock: impl FnMut(),
        give_up: impl Fn() -> bool,
    ) {
        let mut held = self.lock();
        loop {
            let (held_rows, held_bytes) = *held;
            let fits = held_rows == 0
                || (held_rows + rows <= self.max_rows && held_bytes + bytes <= self.max_bytes);
            if fits || give_up() {
                break;
            }
            drop(held);
            unblock();
            held = self.lock();
            held = self
                .freed
                .wait_timeout(held, RECHECK)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        held.0 += rows;
        held.1 += bytes;
    }

    /// Gives back the room of a finished (committed or refused) job.
    pub(crate) fn give_back(&self, rows: usize, bytes: u64) {
        let mut held = self.lock();
        held.0 = held.0.saturating_sub(rows);
        held.1 = held.1.saturating_sub(bytes);
        self.freed.notify_all();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (usize, u64)> {
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }
}
