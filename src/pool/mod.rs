//! The pool: worker threads that compress or decompress entries with per-category
//! dictionaries, training the missing ones on the fly (the original tool's `CompressorPool`
//! and `DecompressorPool`, with its lifecycle: start, add, flush, wait, stop, join).

mod counters;
mod dictionary;
mod shared;
mod task;
mod worker;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::config::Config;
use crate::entry::{Entry, Rejection};
use crate::error::{Error, ErrorKind};
use crate::provider::DictProvider;
use crate::stats::{CategoryStats, Stats};
pub(crate) use counters::AtomicCounts;
use shared::Shared;

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
pub enum State {
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

    fn start_locked(&self, st: &mut shared::PoolState) -> Result<(), Error> {
        match st.lifecycle {
            State::Running => Ok(()),
            State::Stopping | State::Stopped => Err(stopped()),
            State::Idle => {
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
                                ErrorKind::Zstd,
                                format!("cannot start a worker thread: {e}"),
                            ));
                        }
                        Err(_) => break,
                    }
                }
                st.lifecycle = State::Running;
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
        let shared = &self.shared;
        let mut st = shared.lock();
        self.start_locked(&mut st)?;
        // A worker (a callback adding entries) must not block on itself.
        let capacity = shared.config.queue_capacity;
        if shared.flow.in_flight() >= capacity && !worker::is_worker_of(shared.id) {
            st = shared
                .sleep_until(st, None, |st| {
                    if st.lifecycle != State::Running {
                        return true;
                    }
                    // Full of entries that wait for samples: train some now rather than wait
                    // for entries that cannot come.
                    if shared.flow.held() * 2 >= capacity {
                        shared.train_largest(st);
                    }
                    shared.flow.in_flight() < capacity
                })
                .0;
            if st.lifecycle != State::Running {
                return Err(stopped());
            }
        }
        shared.admit(&mut st, entry);
        Ok(())
    }

    /// Trains every category still waiting for samples, with what it has: every entry added
    /// so far then proceeds without waiting for more. Call it after the last `add`.
    pub fn flush(&self) {
        let mut st = self.shared.lock();
        self.shared.flush(&mut st);
    }

    /// Blocks until every entry added is finished, except entries waiting for more samples
    /// (call `flush` first to include them). Refused from inside the pool's own callbacks.
    pub fn wait(&self) -> Result<(), Error> {
        self.refuse_on_worker("wait")?;
        let flow = &self.shared.flow;
        drop(
            self.shared
                .sleep_until(self.shared.lock(), None, |_| flow.idle()),
        );
        Ok(())
    }

    /// Asks the pool to stop: it takes no new entries, trains what waits for samples,
    /// finishes every entry, then its workers exit. Returns at once; `join` waits.
    /// Stopping a stopped pool does nothing.
    pub fn stop(&self) {
        let shared = &self.shared;
        let mut st = shared.lock();
        match st.lifecycle {
            State::Idle => st.lifecycle = State::Stopped,
            State::Running => {
                st.lifecycle = State::Stopping;
                shared.flush(&mut st);
                shared.exit_if_done(&mut st);
            }
            State::Stopping | State::Stopped => {}
        }
        shared.changed.notify_all();
    }

    /// Waits until the pool is stopped (after `stop`), at most `timeout` (None: no limit).
    /// Returns whether it is stopped. Refused from inside the pool's own callbacks.
    pub fn join(&self, timeout: Option<Duration>) -> Result<bool, Error> {
        self.refuse_on_worker("join")?;
        let (st, stopped) = self.shared.sleep_until(self.shared.lock(), timeout, |st| {
            st.lifecycle == State::Stopped
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
    pub fn state(&self) -> State {
        self.shared.lock().lifecycle
    }

    /// A snapshot of the statistics (cheap: for progress displays).
    pub fn stats(&self) -> Stats {
        let st = self.shared.lock();
        let mut categories: Vec<_> = st
            .categories
            .values()
            .map(|c| CategoryStats {
                counts: c.counts.snapshot(),
                ..c.stats.clone()
            })
            .collect();
        categories.sort_by(|a, b| a.name.cmp(&b.name));
        Stats {
            totals: self.shared.totals.snapshot(),
            categories,
        }
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
        self.shared
            .rejected
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
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
