//! An entry's end: its completion callback, its counts, the rejection list, and the workers'
//! exit once the last entry after `stop` is done.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::Ordering;

use super::job::Job;
use super::shared::{Control, Shared};
use super::task::Task;
use super::{Lifecycle, Mode};
use crate::entry::EntryResult;

impl Shared {
    /// Reports a job's end: its completion callback first, then the counts, so that `wait`
    /// returns only once every callback has run. Takes no lock unless the entry was
    /// rejected, was the last one after `stop`, or someone waits for this moment.
    pub fn finish(&self, job: Job, result: EntryResult) {
        let Job {
            mut entry,
            counts,
            on_counted,
            ..
        } = job;
        if let Some(done) = entry.completion.take() {
            // A panicking completion callback must not take the worker down.
            let _ = catch_unwind(AssertUnwindSafe(|| done(&result)));
        }
        // Release the input and output (closing files, freeing callback state) before the
        // entry counts as finished; their `Drop` is the caller's code and may panic.
        let _ = catch_unwind(AssertUnwindSafe(|| drop(entry)));
        let (ok, raw, compressed) = match (&result, self.mode) {
            (Ok(done), Mode::Compress) => (true, done.bytes_in, done.bytes_out),
            (Ok(done), Mode::Decompress) => (true, done.bytes_out, done.bytes_in),
            (Err(_), _) => (false, 0, 0),
        };
        // The rejection is listed before it is counted: a reader who sees the count can
        // fetch that many rejections.
        if let Err(rejection) = result {
            self.list_rejections([rejection]);
        }
        self.totals.finish(ok, raw, compressed);
        counts.finish(ok, raw, compressed);
        if let Some(hook) = on_counted {
            // The pool's own code (a batch's end), which runs the caller's batch callback
            // under its own panic guard.
            hook();
        }
        self.ended(1);
    }

    /// `count` entries finished and are counted: the pool holds that many fewer, so the
    /// workers may exit (after `stop`) and blocked callers may go on.
    pub fn ended(&self, count: usize) {
        let left = self.flow.in_flight.fetch_sub(count, Ordering::SeqCst) - count;
        if left == 0 {
            self.exit_if_done(&mut self.lock());
        }
        // A blocked `add` goes on once a quarter of the queue (at least one entry) is free.
        let capacity = self.config.queue_capacity;
        let low_water = capacity - (capacity / 4).max(1);
        let crossed = left <= low_water && left + count > low_water;
        self.wake_if(left <= self.flow.collecting() || crossed);
    }

    /// After `stop`, once the last entry is finished, tells every worker to leave.
    pub fn exit_if_done(&self, control: &mut Control) {
        if control.lifecycle == Lifecycle::Stopping
            && self.flow.in_flight() == 0
            && !control.exit_sent
        {
            control.exit_sent = true;
            for _ in 0..control.workers_alive {
                let _ = self.channels.tasks.send(Task::Exit);
            }
        }
    }
}
