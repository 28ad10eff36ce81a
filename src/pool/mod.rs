//! The pool: worker threads that compress or decompress entries with per-category
//! dictionaries, training the missing ones on the fly (the original tool's `CompressorPool`
//! and `DecompressorPool`, with its lifecycle: start, add, flush, wait, stop, join).

mod batch;
mod by_id;
mod counters;
mod dictionary;
mod finish;
mod job;
mod one_shot;
mod processors;
pub(crate) mod recycle;
mod routing;
mod shared;
mod sleep;
mod stage;
mod task;
mod worker;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::batch::{BatchOutput, BatchSource};
use crate::config::Config;
use crate::entry::{Entry, Rejection};
use crate::error::{Error, ErrorKind};
use crate::provider::DictProvider;
use crate::stats::{Counts, Stats};
use shared::{Category, Shared};
pub(crate) use worker::decode_error;

/// Which way a pool works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Entries are raw data; outputs are zstd frames. Missing dictionaries are trained.
    Compress,
    /// Entries are zstd frames; outputs are the raw data.
    Decompress,
}

/// A pool's lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    /// Created; workers start with `start` or the first `add`.
    Idle,
    /// Workers run and take entries.
    Running,
    /// `stop` was called: no new entries; workers finish every entry, then exit.
    Stopping,
    /// All workers have exited.
    Stopped,
}

static NEXT_POOL_ID: AtomicU64 = AtomicU64::new(1);

/// A pool of worker threads processing entries. Every method takes `&self`: one pool can be
/// shared by several threads (e.g. several producers calling `add`).
pub struct Pool {
    shared: Arc<Shared>,
    handles: Mutex<Vec<JoinHandle<()>>>,
}

impl Pool {
    /// A pool in `mode`, with dictionaries from `provider`; checks `config` first.
    pub fn new(mode: Mode, config: Config, provider: Arc<dyn DictProvider>) -> Result<Pool, Error> {
        config.validate()?;
        let id = NEXT_POOL_ID.fetch_add(1, Ordering::Relaxed);
        Ok(Pool {
            shared: Arc::new(Shared::new(id, mode, config, provider)),
            handles: Mutex::new(Vec::new()),
        })
    }

    /// A compressing pool (the original `CompressorPool`).
    pub fn compressor(config: Config, provider: Arc<dyn DictProvider>) -> Result<Pool, Error> {
        Pool::new(Mode::Compress, config, provider)
    }

    /// A decompressing pool (the original `DecompressorPool`).
    pub fn decompressor(config: Config, provider: Arc<dyn DictProvider>) -> Result<Pool, Error> {
        Pool::new(Mode::Decompress, config, provider)
    }

    /// The pool's direction.
    pub fn mode(&self) -> Mode {
        self.shared.mode
    }

    /// The validated configuration.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Starts the workers; does nothing when running. A stopped pool cannot restart.
    pub fn start(&self) -> Result<(), Error> {
        let mut st = self.shared.lock();
        self.start_locked(&mut st)
    }

    fn start_locked(&self, st: &mut shared::Control) -> Result<(), Error> {
        match st.lifecycle {
            Lifecycle::Running => Ok(()),
            Lifecycle::Stopping | Lifecycle::Stopped => Err(stopped()),
            Lifecycle::Idle => {
                let mut handles = self.handles.lock().unwrap_or_else(|e| e.into_inner());
                for i in 0..self.shared.config.workers {
                    let shared = Arc::clone(&self.shared);
                    let spawned = std::thread::Builder::new()
                        .name(format!("zstdpool-{}-{i}", self.shared.id))
                        .spawn(move || worker::run(shared));
                    match spawned {
                        Ok(handle) => {
                            handles.push(handle);
                            st.workers_alive += 1;
                        }
                        Err(e) if st.workers_alive == 0 => {
                            return Err(Error::new(
                                ErrorKind::System,
                                format!("cannot start a worker thread: {e}"),
                            ));
                        }
                        Err(_) => break,
                    }
                }
                st.lifecycle = Lifecycle::Running;
                Ok(())
            }
        }
    }

    /// Adds an entry, starting the pool if needed. Blocks while the pool holds
    /// `queue_capacity` entries, so that memory stays bounded. The entry then ends exactly
    /// once: its completion callback runs and it counts as done or rejected. On `Err` the
    /// entry was not taken (its callback is not called).
    pub fn add(&self, entry: Entry) -> Result<(), Error> {
        if entry.dict_name.as_deref() == Some("") {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("{}: empty dictionary name (use none instead)", entry.name),
            ));
        }
        let mut st = self.room()?;
        self.shared.admit(&mut st, entry);
        Ok(())
    }

    /// Starts the pool if needed and waits until it holds fewer than `queue_capacity`
    /// entries; returns the lock, with the pool running.
    fn room(&self) -> Result<MutexGuard<'_, shared::Control>, Error> {
        let shared = &self.shared;
        let mut st = shared.lock();
        self.start_locked(&mut st)?;
        // A worker (a callback adding entries) must not block on itself.
        let capacity = shared.config.queue_capacity;
        if shared.flow.in_flight() >= capacity && !worker::is_worker_of(shared.id) {
            st = shared
                .sleep_until(st, None, |st| {
                    if st.lifecycle != Lifecycle::Running {
                        return true;
                    }
                    // Full of entries that wait for samples: train some now rather than wait
                    // for entries that cannot come.
                    if shared.flow.collecting() * 2 >= capacity {
                        shared.train_largest(st);
                    }
                    shared.flow.in_flight() < capacity
                })
                .0;
            if st.lifecycle != Lifecycle::Running {
                return Err(stopped());
            }
        }
        Ok(st)
    }

    /// Adds many entries from memory at once (see [`BatchSource`]), starting the pool if
    /// needed; `done` gets every entry's output, or rejection, once all have ended. Blocks
    /// while the pool holds `queue_capacity` entries, between groups of entries, so that
    /// memory stays bounded. Each entry is accounted for as if added alone (counts,
    /// rejections with its name, training samples), but the pool handles the entries of
    /// categories whose dictionary is known in groups: one task, one buffer, one count
    /// update per group. On `Err` (the pool stopped, or an empty dictionary name) the
    /// entries added so far still end and `done` still runs, with the others rejected as
    /// `Stopped`; on an empty dictionary name nothing is taken and `done` is not called.
    pub fn add_batch(
        &self,
        source: impl BatchSource,
        done: impl FnOnce(BatchOutput) + Send + 'static,
    ) -> Result<(), Error> {
        let source: Arc<dyn BatchSource> = Arc::new(source);
        if let Some(index) = (0..source.len()).find(|&i| source.dict_name(i) == Some("")) {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "{}: empty dictionary name (use none instead)",
                    source.name(index)
                ),
            ));
        }
        if self.state() != Lifecycle::Stopped {
            self.shared.load_batch_categories(&*source);
        }
        let batch =
            batch::BatchState::new(Arc::clone(&source), Box::new(done), &self.shared.recycler);
        let capacity = self.shared.config.queue_capacity;
        let group = batch::MAX_GROUP_ENTRIES.min(capacity);
        let mut next = 0;
        while next < source.len() {
            let mut st = match self.room() {
                Ok(st) => st,
                Err(error) => {
                    batch.refuse(next, &error);
                    return Err(error);
                }
            };
            next = self.shared.admit_batch(&mut st, &batch, next, group);
        }
        batch.sealed();
        Ok(())
    }

    /// Trains every category still waiting for samples, with what it has: every entry added
    /// so far then proceeds without waiting for more. Call it after the last `add`.
    pub fn flush(&self) {
        let mut st = self.shared.lock();
        self.shared.flush(&mut st);
    }

    /// Blocks until every entry added is finished, except entries waiting for more samples
    /// (call `flush` first to include them, as the original tool's `wait` waits for the
    /// task queue only); returns how many entries still wait for samples (0: all ended).
    /// Refused from inside the pool's own callbacks.
    pub fn wait(&self) -> Result<usize, Error> {
        self.refuse_on_worker("wait")?;
        let flow = &self.shared.flow;
        drop(
            self.shared
                .sleep_until(self.shared.lock(), None, |_| flow.idle()),
        );
        Ok(flow.collecting())
    }

    /// Entries waiting for samples to train their category's dictionary (they end after
    /// enough samples arrive, or after `flush` or `stop`).
    pub fn collecting(&self) -> usize {
        self.shared.flow.collecting()
    }

    /// The number of rejections listed (`rejected()`): all of them, up to
    /// `Config::max_rejections`.
    pub fn rejected_listed(&self) -> usize {
        self.shared
            .rejected
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    /// Asks the pool to stop: it takes no new entries, trains what waits for samples,
    /// finishes every entry, then its workers exit. Returns at once; `join` waits.
    /// Stopping a stopped pool does nothing.
    pub fn stop(&self) {
        let shared = &self.shared;
        let mut st = shared.lock();
        match st.lifecycle {
            Lifecycle::Idle => st.lifecycle = Lifecycle::Stopped,
            Lifecycle::Running => {
                st.lifecycle = Lifecycle::Stopping;
                shared.flush(&mut st);
                shared.exit_if_done(&mut st);
            }
            Lifecycle::Stopping | Lifecycle::Stopped => {}
        }
        shared.changed.notify_all();
    }

    /// Cancels: the pool takes no new entries (as after `stop`), every entry not being
    /// processed yet ends at once, rejected as `Cancelled` (waiting for samples, queued, or
    /// in a group not started), and entries being processed finish. Nothing is trained.
    /// Then the workers exit; `join` waits for them. Accounting stays exact: every entry
    /// still ends once. Cancelling a stopped pool does nothing.
    pub fn cancel(&self) {
        let shared = &self.shared;
        let mut st = shared.lock();
        shared.cancelled.store(true, Ordering::SeqCst);
        match st.lifecycle {
            Lifecycle::Idle => st.lifecycle = Lifecycle::Stopped,
            Lifecycle::Running => st.lifecycle = Lifecycle::Stopping,
            Lifecycle::Stopping | Lifecycle::Stopped => {}
        }
        shared.cancel_collecting(&mut st);
        shared.exit_if_done(&mut st);
        shared.changed.notify_all();
    }

    /// Waits until the pool is stopped (after `stop`), at most `timeout` (None: no limit).
    /// Returns whether it is stopped. Refused from inside the pool's own callbacks.
    pub fn join(&self, timeout: Option<Duration>) -> Result<bool, Error> {
        self.refuse_on_worker("join")?;
        let (st, stopped) = self.shared.sleep_until(self.shared.lock(), timeout, |st| {
            st.lifecycle == Lifecycle::Stopped
        });
        drop(st);
        if stopped {
            for handle in self
                .handles
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .drain(..)
            {
                let _ = handle.join();
            }
        }
        Ok(stopped)
    }

    /// The lifecycle state.
    pub fn state(&self) -> Lifecycle {
        self.shared.lock().lifecycle
    }

    /// A snapshot of the statistics (cheap: for progress displays).
    pub fn stats(&self) -> Stats {
        let st = self.shared.lock();
        let mut categories: Vec<_> = st.categories.values().map(Category::snapshot).collect();
        categories.sort_by(|a, b| a.name.cmp(&b.name));
        Stats {
            totals: self.shared.totals.snapshot(),
            categories,
        }
    }

    /// The totals over all entries, read from the counters (no lock, no copy).
    pub fn totals(&self) -> Counts {
        self.shared.totals.snapshot()
    }

    /// Tells the trainer that category `name` will hold about `bytes` raw bytes in `entries`
    /// entries (0: unknown) in all, so that its dictionary, or none, keeps frames + dictionary
    /// smallest. `bytes` 0 removes the hint (`TrainingConfig::category_volume` and
    /// `category_entries` apply). Takes effect if the category has not trained yet.
    pub fn set_category_volume(&self, name: &str, bytes: u64, entries: u64) {
        let mut volumes = self
            .shared
            .volumes
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if bytes == 0 {
            volumes.remove(name);
        } else {
            volumes.insert(name.to_owned(), (bytes, entries));
        }
    }

    /// The rejected entries so far, in the order they ended.
    pub fn rejected(&self) -> Vec<Rejection> {
        self.rejected_since(0)
    }

    /// The rejected entries from number `start` on (those that ended after the first
    /// `start`), in the order they ended: for readers that already hold the first ones.
    pub fn rejected_since(&self, start: usize) -> Vec<Rejection> {
        let rejected = self
            .shared
            .rejected
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        rejected.get(start..).unwrap_or_default().to_vec()
    }

    /// Compresses or decompresses one entry now, on the calling thread, with the pool's
    /// prepared dictionary for its category (decompressing an entry without a category:
    /// the dictionary its frame names, found by id), for random access where a trip
    /// through the workers would cost more than the entry. Compressing a category whose
    /// dictionary is not known yet uses none. Not an entry of the pool: no callbacks, not
    /// in the statistics; any thread, any state of the pool.
    pub fn process_one(
        &self,
        name: &str,
        dict_name: Option<&str>,
        data: &[u8],
    ) -> Result<Vec<u8>, Rejection> {
        self.shared.process_one(name, dict_name, data)
    }

    /// Zstd contexts created so far (see the processor rule in `Config::processors`).
    pub fn processors_created(&self) -> usize {
        self.shared.processors.created()
    }

    /// True when called from one of this pool's worker threads, i.e. from inside one of its
    /// callbacks (where `wait`, `join` and dropping the pool would deadlock).
    pub fn on_own_worker(&self) -> bool {
        worker::is_worker_of(self.shared.id)
    }

    fn refuse_on_worker(&self, what: &str) -> Result<(), Error> {
        if self.on_own_worker() {
            return Err(Error::new(
                ErrorKind::WouldDeadlock,
                format!("{what} called from one of the pool's own callbacks would deadlock"),
            ));
        }
        Ok(())
    }
}

fn stopped() -> Error {
    Error::new(
        ErrorKind::Stopped,
        "the pool is stopped or stopping: it takes no new entries",
    )
}

impl Drop for Pool {
    /// Stops the pool and waits for its workers, except on one of its own workers (a
    /// callback dropping the pool), where waiting would deadlock: the workers then finish
    /// on their own.
    fn drop(&mut self) {
        self.stop();
        if !worker::is_worker_of(self.shared.id) {
            let _ = self.join(None);
        }
    }
}
