//! The state a pool's handle and its workers share, and the rules that move entries along:
//! routing an entry by its category's dictionary state, triggering training, finishing.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

use super::counters::{AtomicCounts, Flow};
use super::dictionary::Prepared;
use super::task::Task;
use super::{Mode, State};
use crate::config::{Config, TrainingConfig};
use crate::entry::{Entry, EntryResult, Rejection};
use crate::error::{Error, ErrorKind};
use crate::libzstd::{CCtx, DCtx};
use crate::processors::{ProcessorRule, Processors};
use crate::provider::DictProvider;
use crate::stats::{CategoryStats, DictStatus};

/// Where a category's dictionary stands, with the entries waiting on it.
pub(crate) enum DictState {
    /// A worker is asking the provider; entries wait.
    Loading { waiting: Vec<Entry> },
    /// No dictionary yet: entries wait until there are enough to train on.
    Collecting {
        entries: Vec<Entry>,
        bytes: u64,
        oldest: u64,
    },
    /// A worker is training; entries that arrive meanwhile wait.
    Training { waiting: Vec<Entry> },
    /// Entries are processed at once, with this dictionary or without one.
    Ready(Option<Arc<Prepared>>),
    /// Entries are rejected with this error (the provider failed).
    Failed(Error),
}

/// One category: its dictionary state and its statistics (the counts live apart, updated
/// by the workers without the lock; `stats.counts` is filled in when a snapshot is taken).
pub(crate) struct Category {
    pub state: DictState,
    pub stats: CategoryStats,
    pub counts: Arc<AtomicCounts>,
}

impl Category {
    fn new(name: &str, state: DictState, status: DictStatus) -> Category {
        Category {
            state,
            stats: CategoryStats::new(name, status),
            counts: Arc::default(),
        }
    }
}

/// What changes rarely (per category, per lifecycle step), behind the pool's lock.
pub(crate) struct PoolState {
    pub lifecycle: State,
    pub workers_alive: usize,
    pub exit_sent: bool,
    pub next_seq: u64,
    /// Entries with a sequence number below this must not wait for more samples.
    pub flushed_upto: u64,
    pub categories: HashMap<String, Category>,
}

/// A zstd context for the pool's direction.
pub(crate) enum Processor {
    Compress(CCtx),
    Decompress(DCtx),
}

/// Shared by the pool handle and its workers.
pub(crate) struct Shared {
    pub id: u64,
    pub mode: Mode,
    pub config: Config,
    pub provider: Arc<dyn DictProvider>,
    pub state: Mutex<PoolState>,
    /// Signalled when a blocked `add` may go on (the pool fell to its low-water mark), when
    /// `wait` may return (nothing progressing), and on lifecycle changes.
    pub changed: Condvar,
    /// The numbers `add`, `wait` and `join` wait on.
    pub flow: Flow,
    /// All entries' counts.
    pub totals: AtomicCounts,
    /// Rejected entries, in the order they ended.
    pub rejected: Mutex<Vec<Rejection>>,
    /// Categories with a dictionary in use (for the processor rule).
    pub loaded_dicts: AtomicUsize,
    pub tasks: Sender<Task>,
    pub task_rx: Receiver<Task>,
    /// Training and dictionary look-ups go first: entries wait on them.
    pub urgent: Sender<Task>,
    pub urgent_rx: Receiver<Task>,
    pub processors: Processors<Processor>,
    /// Volume hints per category (`Pool::set_category_volume`), read when it trains.
    pub volumes: Mutex<HashMap<String, (u64, u64)>>,
    /// Categories training right now: each spreads its search over its share of the workers.
    pub trainings: AtomicUsize,
}

impl Shared {
    pub fn new(id: u64, mode: Mode, config: Config, provider: Arc<dyn DictProvider>) -> Shared {
        let (tasks, task_rx) = crossbeam_channel::unbounded();
        let (urgent, urgent_rx) = crossbeam_channel::unbounded();
        let rule = ProcessorRule::from_config(config.processors, config.workers);
        let processors = Processors::new(rule, config.workers);
        Shared {
            id,
            mode,
            provider,
            state: Mutex::new(PoolState {
                lifecycle: State::Idle,
                workers_alive: 0,
                exit_sent: false,
                next_seq: 0,
                flushed_upto: 0,
                categories: HashMap::new(),
            }),
            changed: Condvar::new(),
            flow: Flow::default(),
            totals: AtomicCounts::default(),
            rejected: Mutex::new(Vec::new()),
            loaded_dicts: AtomicUsize::new(0),
            tasks,
            task_rx,
            urgent,
            urgent_rx,
            processors,
            config,
            volumes: Mutex::new(HashMap::new()),
            trainings: AtomicUsize::new(0),
        }
    }

    /// The training configuration for `key`: the pool's, with the category's volume hint if
    /// one was given.
    pub fn training_config(&self, key: &str) -> TrainingConfig {
        let volumes = self.volumes.lock().unwrap_or_else(|e| e.into_inner());
        let training = &self.config.training;
        let (category_volume, category_entries) = volumes
            .get(key)
            .copied()
            .unwrap_or((training.category_volume, training.category_entries));
        TrainingConfig {
            category_volume,
            category_entries,
            ..training.clone()
        }
    }

    /// Locks the state. A panic never happens while the lock is held (callbacks and libzstd
    /// run outside it), but a poisoned lock is still usable: the state stays consistent.
    pub fn lock(&self) -> MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn send(&self, task: Task) {
        let urgent = matches!(task, Task::Load { .. } | Task::Train { .. });
        let channel = if urgent { &self.urgent } else { &self.tasks };
        // Both receivers live in `self`, so sending cannot fail.
        let _ = channel.send(task);
    }

    /// Takes a new entry: gives it its sequence number and its category's counters, and
    /// moves it towards a worker.
    pub fn admit(&self, st: &mut PoolState, mut entry: Entry) {
        entry.seq = st.next_seq;
        st.next_seq += 1;
        self.flow.in_flight.fetch_add(1, Ordering::SeqCst);
        self.totals.add();
        let key = entry.dict_name.as_deref().unwrap_or("");
        if !st.categories.contains_key(key) {
            let category = match &entry.dict_name {
                None => Category::new("", DictState::Ready(None), DictStatus::NoCategory),
                Some(name) => {
                    self.send(Task::Load {
                        category: name.clone(),
                    });
                    Category::new(
                        name,
                        DictState::Loading {
                            waiting: Vec::new(),
                        },
                        DictStatus::Loading,
                    )
                }
            };
            st.categories.insert(key.to_owned(), category);
        }
        let Some(category) = st.categories.get_mut(key) else {
            return;
        };
        category.counts.add();
        entry.counts = Some(Arc::clone(&category.counts));
        let collecting = matches!(category.state, DictState::Collecting { .. });
        let key = collecting.then(|| key.to_owned());
        self.route(category, entry);
        if let Some(key) = key {
            self.maybe_train(st, &key, false);
        }
    }

    /// Moves an entry on according to its category's dictionary state.
    fn route(&self, category: &mut Category, entry: Entry) {
        match &mut category.state {
            DictState::Loading { waiting } | DictState::Training { waiting } => waiting.push(entry),
            DictState::Ready(dict) => self.send(Task::Process {
                entry,
                dict: dict.clone(),
            }),
            DictState::Failed(error) => {
                let error = error.clone();
                self.send(Task::Reject {
                    entry: Box::new(entry),
                    error,
                });
            }
            // The caller decides when to check the training thresholds (`maybe_train`), so
            // that entries released together are counted together.
            DictState::Collecting {
                entries,
                bytes,
                oldest,
            } => {
                *oldest = (*oldest).min(entry.seq);
                *bytes = bytes.saturating_add(entry.size.unwrap_or(0));
                entries.push(entry);
                self.flow.held.fetch_add(1, Ordering::SeqCst);
            }
        }
    }

    /// Starts training `key` if it has enough samples or, `with_flush`, if its oldest entry
    /// was flushed.
    pub fn maybe_train(&self, st: &mut PoolState, key: &str, with_flush: bool) {
        let t = &self.config.training;
        let flushed_upto = st.flushed_upto;
        let Some(category) = st.categories.get_mut(key) else {
            return;
        };
        let DictState::Collecting {
            entries,
            bytes,
            oldest,
        } = &category.state
        else {
            return;
        };
        let enough = entries.len() >= t.min_samples && *bytes >= t.min_bytes;
        let full = entries.len() >= t.max_samples || *bytes >= t.max_bytes;
        let flushed = with_flush && *oldest < flushed_upto;
        if enough || full || flushed {
            self.start_training(st, key);
        }
    }

    /// Moves a collecting category's entries into a training task.
    pub fn start_training(&self, st: &mut PoolState, key: &str) {
        let Some(category) = st.categories.get_mut(key) else {
            return;
        };
        let previous = std::mem::replace(
            &mut category.state,
            DictState::Training {
                waiting: Vec::new(),
            },
        );
        let DictState::Collecting { entries, .. } = previous else {
            category.state = previous;
            return;
        };
        category.stats.status = DictStatus::Training;
        self.flow.held.fetch_sub(entries.len(), Ordering::SeqCst);
        self.send(Task::Train {
            category: key.to_owned(),
            entries,
        });
    }

    /// Every entry added so far stops waiting for samples: their categories train now,
    /// largest first, so that the longest trainings start first and the workers finish
    /// together.
    pub fn flush(&self, st: &mut PoolState) {
        st.flushed_upto = st.next_seq;
        let mut collecting: Vec<(u64, usize, String)> = st
            .categories
            .iter()
            .filter_map(|(k, c)| match &c.state {
                DictState::Collecting { entries, bytes, .. } if !entries.is_empty() => {
                    Some((*bytes, entries.len(), k.clone()))
                }
                _ => None,
            })
            .collect();
        collecting.sort_unstable_by(|a, b| b.cmp(a));
        for (_, _, key) in collecting {
            self.start_training(st, &key);
        }
    }

    /// Trains the collecting category with the most waiting entries (when the pool is full
    /// of entries that wait for samples, so that `add` never blocks forever).
    pub fn train_largest(&self, st: &mut PoolState) {
        let largest = st
            .categories
            .iter()
            .filter_map(|(k, c)| match &c.state {
                DictState::Collecting { entries, .. } if !entries.is_empty() => {
                    Some((entries.len(), k.clone()))
                }
                _ => None,
            })
            .max();
        if let Some((_, key)) = largest {
            self.start_training(st, &key);
        }
    }

    /// Sets a category's new dictionary state and routes the entries that waited on it.
    pub fn settle(&self, key: &str, state: DictState, status: DictStatus, waiting: Vec<Entry>) {
        let mut st = self.lock();
        if matches!(&state, DictState::Ready(Some(_))) {
            self.loaded_dicts.fetch_add(1, Ordering::Relaxed);
        }
        let Some(category) = st.categories.get_mut(key) else {
            waiting
                .into_iter()
                .for_each(|entry| self.reject_orphan(entry));
            return;
        };
        let previous = std::mem::replace(&mut category.state, state);
        category.stats.status = status;
        let mut entries = waiting;
        if let DictState::Loading { waiting } | DictState::Training { waiting } = previous {
            entries.extend(waiting);
        }
        // In order of arrival, checking the training thresholds after each entry, so that a
        // category trains on the same entries however long its dictionary look-up took:
        // its first entries up to the thresholds, or those added before a flush.
        entries.sort_unstable_by_key(|e| e.seq);
        for entry in entries {
            if entry.seq >= st.flushed_upto {
                self.maybe_train(&mut st, key, true);
            }
            match st.categories.get_mut(key) {
                Some(category) => self.route(category, entry),
                None => self.reject_orphan(entry),
            }
            self.maybe_train(&mut st, key, false);
        }
        self.maybe_train(&mut st, key, true);
        drop(st);
        self.wake_if(self.flow.idle());
    }

    /// Rejects an entry whose category is gone. Categories are never removed: this only
    /// guards against a bug, so that even then no entry is lost.
    fn reject_orphan(&self, entry: Entry) {
        let error = Error::new(ErrorKind::Panic, "internal error: unknown category");
        self.send(Task::Reject {
            entry: Box::new(entry),
            error,
        });
    }

    /// Records per-category details once its dictionary is known.
    pub fn update_category(&self, key: &str, update: impl FnOnce(&mut CategoryStats)) {
        if let Some(category) = self.lock().categories.get_mut(key) {
            update(&mut category.stats);
        }
    }

    /// Reports an entry's end: its completion callback first, then the counts, so that
    /// `wait` returns only once every callback has run. Takes no lock unless the entry was
    /// rejected, was the last one after `stop`, or someone waits for this moment.
    pub fn finish(&self, mut entry: Entry, result: EntryResult) {
        if let Some(done) = entry.completion.take() {
            // A panicking completion callback must not take the worker down.
            let _ = catch_unwind(AssertUnwindSafe(|| done(&result)));
        }
        let counts = entry.counts.take();
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
            self.rejected
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(rejection);
        }
        self.totals.finish(ok, raw, compressed);
        if let Some(counts) = counts {
            counts.finish(ok, raw, compressed);
        }
        let left = self.flow.in_flight.fetch_sub(1, Ordering::SeqCst) - 1;
        if left == 0 {
            self.exit_if_done(&mut self.lock());
        }
        // A blocked `add` goes on once a quarter of the queue (at least one entry) is free.
        let capacity = self.config.queue_capacity;
        let low_water = capacity - (capacity / 4).max(1);
        self.wake_if(left <= self.flow.held() || left == low_water);
    }

    /// After `stop`, once the last entry is finished, tells every worker to leave.
    pub fn exit_if_done(&self, st: &mut PoolState) {
        if st.lifecycle == State::Stopping && self.flow.in_flight() == 0 && !st.exit_sent {
            st.exit_sent = true;
            for _ in 0..st.workers_alive {
                let _ = self.tasks.send(Task::Exit);
            }
        }
    }

    /// Wakes the threads blocked in `add`, `wait` or `join` when `condition` holds and any
    /// are blocked (most entries need no notification: it would cost a system call).
    pub fn wake_if(&self, condition: bool) {
        if condition && self.flow.sleepers.load(Ordering::SeqCst) > 0 {
            // Under the lock, so that a sleeper between its check and its wait cannot miss it.
            let _st = self.lock();
            self.changed.notify_all();
        }
    }

    /// Blocks until `done` holds (checked under the lock), at most `timeout`; returns the
    /// guard and whether `done` holds.
    pub fn sleep_until<'a>(
        &self,
        mut st: MutexGuard<'a, PoolState>,
        timeout: Option<Duration>,
        mut done: impl FnMut(&mut PoolState) -> bool,
    ) -> (MutexGuard<'a, PoolState>, bool) {
        let deadline = timeout.map(|t| std::time::Instant::now() + t);
        self.flow.sleepers.fetch_add(1, Ordering::SeqCst);
        let finished = loop {
            if done(&mut st) {
                break true;
            }
            let left = deadline.map(|d| d.saturating_duration_since(std::time::Instant::now()));
            st = match left {
                None => self.changed.wait(st).unwrap_or_else(|e| e.into_inner()),
                Some(left) if left.is_zero() => break false,
                Some(left) => {
                    self.changed
                        .wait_timeout(st, left)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
            };
        };
        self.flow.sleepers.fetch_sub(1, Ordering::SeqCst);
        (st, finished)
    }
}
