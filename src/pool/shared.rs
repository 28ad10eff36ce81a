//! The state a pool's handle and its workers share. What moves entries along lives beside
//! it, one concern a file: `routing.rs` (categories, dictionary stages, training triggers),
//! `finish.rs` (an entry's end), `sleep.rs` (blocking and waking callers).

use super::recycle::Recycler;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crossbeam_channel::{Receiver, Sender};

use super::by_id::ById;
use super::counters::{AtomicCounts, Flow, Padded};
use super::one_shot::OneShot;
use super::processors::{ProcessorRule, Processors};
use super::stage::Stage;
use super::task::Task;
use super::{Lifecycle, Mode};
use crate::config::{Config, TrainingConfig};
use crate::entry::Rejection;
use crate::libzstd::{CCtx, DCtx};
use crate::provider::DictProvider;
use crate::stats::CategoryStats;

/// One category: its dictionary stage and its statistics (the counts live apart, updated
/// by the workers without the lock; `stats.counts` and `stats.status` are filled in when a
/// snapshot is taken).
pub(crate) struct Category {
    pub stage: Stage,
    pub stats: CategoryStats,
    pub counts: Arc<AtomicCounts>,
}

impl Category {
    pub fn new(name: &str, stage: Stage) -> Category {
        Category {
            stats: CategoryStats::new(name, stage.status()),
            stage,
            counts: Arc::default(),
        }
    }

    /// The category's statistics now.
    pub fn snapshot(&self) -> CategoryStats {
        CategoryStats {
            counts: self.counts.snapshot(),
            status: self.stage.status(),
            ..self.stats.clone()
        }
    }
}

/// What changes rarely (per category, per lifecycle step), behind the pool's lock.
pub(crate) struct Control {
    pub lifecycle: Lifecycle,
    pub workers_alive: usize,
    pub exit_sent: bool,
    pub next_seq: u64,
    /// Jobs with a sequence number below this must not wait for more samples.
    pub flushed_upto: u64,
    pub categories: HashMap<String, Category>,
}

/// A zstd context for the pool's direction.
pub(crate) enum Processor {
    Compress(CCtx),
    Decompress(DCtx),
}

/// The workers' two task queues: dictionary look-ups and trainings go first (entries wait on
/// them), entries after.
pub(crate) struct Channels {
    pub urgent: Sender<Task>,
    pub urgent_rx: Receiver<Task>,
    pub tasks: Sender<Task>,
    pub task_rx: Receiver<Task>,
}

/// Shared by the pool handle and its workers.
pub(crate) struct Shared {
    pub id: u64,
    pub mode: Mode,
    pub config: Config,
    pub provider: Arc<dyn DictProvider>,
    pub control: Mutex<Control>,
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
    pub channels: Channels,
    pub processors: Processors<Processor>,
    /// Dictionaries found by frame id (decompression of entries without a category).
    pub by_id: ById,
    /// Set by `Pool::cancel`: entries not processed yet are rejected as `Cancelled`. Read
    /// for every entry, written once: alone on its cache line, so that the reads never miss
    /// because a neighbour was written.
    pub cancelled: Padded<AtomicBool>,
    /// Contexts for `Pool::process_one`.
    pub one_shot: OneShot,
    /// Volume hints per category (`Pool::set_category_volume`), read when it trains.
    pub volumes: Mutex<HashMap<String, (u64, u64)>>,
    /// Categories training right now: each spreads its search over its share of the workers.
    pub trainings: AtomicUsize,
    /// Large output buffers of dropped batches, for the next groups.
    pub recycler: Arc<Recycler>,
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
            control: Mutex::new(Control {
                lifecycle: Lifecycle::Idle,
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
            channels: Channels {
                urgent,
                urgent_rx,
                tasks,
                task_rx,
            },
            processors,
            by_id: ById::default(),
            cancelled: Padded(AtomicBool::new(false)),
            one_shot: OneShot::default(),
            config,
            volumes: Mutex::new(HashMap::new()),
            trainings: AtomicUsize::new(0),
            recycler: Arc::default(),
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

    /// Locks the control state. A panic never happens while the lock is held (callbacks and
    /// libzstd run outside it), but a poisoned lock is still usable: the state stays
    /// consistent.
    pub fn lock(&self) -> MutexGuard<'_, Control> {
        self.control.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// True once the pool was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// Lists a rejection, unless `max_rejections` are listed already (it is still counted).
    pub fn list_rejections(&self, rejections: impl IntoIterator<Item = Rejection>) {
        let mut list = self.rejected.lock().unwrap_or_else(|e| e.into_inner());
        let room = self.config.max_rejections.saturating_sub(list.len());
        list.extend(rejections.into_iter().take(room));
    }

    /// A new zstd context for the pool's direction, level and checksum setting.
    pub fn new_processor(&self) -> Result<Processor, crate::libzstd::ZstdError> {
        match self.mode {
            Mode::Compress => {
                CCtx::new(self.config.level, self.config.checksum).map(Processor::Compress)
            }
            Mode::Decompress => DCtx::new().map(Processor::Decompress),
        }
    }

    /// Queues a task for the workers.
    pub fn send(&self, task: Task) {
        let urgent = matches!(task, Task::Load { .. } | Task::Train { .. });
        let channel = if urgent {
            &self.channels.urgent
        } else {
            &self.channels.tasks
        };
        // Both receivers live in `self`, so sending cannot fail.
        let _ = channel.send(task);
    }
}
