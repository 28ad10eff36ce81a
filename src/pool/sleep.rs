//! Blocking the callers of `add`, `wait` and `join`, and waking them only when someone
//! sleeps (most entries end without a notification: it would cost a system call).

use std::sync::MutexGuard;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::shared::{Control, Shared};

impl Shared {
    /// Wakes the threads blocked in `add`, `wait` or `join` when `condition` holds and any
    /// are blocked.
    pub fn wake_if(&self, condition: bool) {
        if condition && self.flow.sleepers.load(Ordering::SeqCst) > 0 {
            // Under the lock, so that a sleeper between its check and its wait cannot miss it.
            let _control = self.lock();
            self.changed.notify_all();
        }
    }

    /// Blocks until `done` holds (checked under the lock), at most `timeout`; returns the
    /// guard and whether `done` holds.
    pub fn sleep_until<'a>(
        &self,
        mut control: MutexGuard<'a, Control>,
        timeout: Option<Duration>,
        mut done: impl FnMut(&mut Control) -> bool,
    ) -> (MutexGuard<'a, Control>, bool) {
        let deadline = timeout.map(|t| Instant::now() + t);
        self.flow.sleepers.fetch_add(1, Ordering::SeqCst);
        let finished = loop {
            if done(&mut control) {
                break true;
            }
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            control = match left {
                None => self
                    .changed
                    .wait(control)
                    .unwrap_or_else(|e| e.into_inner()),
                Some(left) if left.is_zero() => break false,
                Some(left) => {
                    self.changed
                        .wait_timeout(control, left)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
            };
        };
        self.flow.sleepers.fetch_sub(1, Ordering::SeqCst);
        (control, finished)
    }
}
