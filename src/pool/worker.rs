//! A worker thread: takes tasks (urgent ones first) and runs each inside a panic guard, so
//! that a bug in one task becomes one rejected entry and the worker lives on.

use std::any::Any;
use std::cell::Cell;
use std::io::{Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use crossbeam_channel::select_biased;

use super::dictionary::Prepared;
use super::shared::{DictState, Processor, Shared};
use super::task::Task;
use super::{Mode, State};
use crate::entry::{Entry, EntryDone, EntryResult};
use crate::error::{Error, ErrorKind};
use crate::libzstd::{CCtx, DCtx};
use crate::processors::Slot;
use crate::stats::DictStatus;
use crate::trainer::{self, TrainingOutcome};

mod errors;

thread_local! {
    /// The id of the pool whose worker this thread is (0: none).
    static WORKER_OF: Cell<u64> = const { Cell::new(0) };
}

/// True on a worker thread of pool `id` (where waiting for the pool would deadlock).
pub(crate) fn is_worker_of(id: u64) -> bool {
    WORKER_OF.with(|w| w.get() == id)
}

/// The worker loop. The worker keeps the processor it used last (see
/// `Processors::exchange`), so that most entries take no lock to get one.
pub(crate) fn run(shared: Arc<Shared>) {
    WORKER_OF.with(|w| w.set(shared.id));
    let mut held: Option<Slot<Processor>> = None;
    loop {
        let task = select_biased! {
            recv(shared.urgent_rx) -> task => task,
            recv(shared.task_rx) -> task => task,
        };
        match task {
            Ok(Task::Exit) | Err(_) => break,
            Ok(Task::Process { entry, dict }) => held = process(&shared, held.take(), entry, dict),
            Ok(Task::Reject { entry, error }) => {
                let rejection = entry.rejection(error);
                shared.finish(*entry, Err(rejection));
            }
            Ok(Task::Load { category }) => load(&shared, &category),
            Ok(Task::Train { category, entries }) => train(&shared, &category, entries),
        }
    }
    if let Some(slot) = held {
        shared.processors.release(slot);
    }
    let mut st = shared.lock();
    st.workers_alive -= 1;
    if st.workers_alive == 0 && st.lifecycle == State::Stopping {
        st.lifecycle = State::Stopped;
    }
    shared.changed.notify_all();
}

/// The message of a caught panic.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    format!("internal error (panic): {text}")
}

/// Compresses or decompresses one entry with the worker's processor (exchanged if the rule
/// allows a better one); returns the processor to keep for the next entry.
fn process(
    shared: &Shared,
    held: Option<Slot<Processor>>,
    mut entry: Entry,
    dict: Option<Arc<Prepared>>,
) -> Option<Slot<Processor>> {
    let dict_id = dict.as_ref().map_or(0, |d| d.id);
    let loaded = shared.loaded_dicts.load(Ordering::Relaxed);
    let exchanged = shared
        .processors
        .exchange(held, dict_id, loaded, || match shared.mode {
            Mode::Compress => {
                CCtx::new(shared.config.level, shared.config.checksum).map(Processor::Compress)
            }
            Mode::Decompress => DCtx::new().map(Processor::Decompress),
        });
    let mut slot = match exchanged {
        Ok(slot) => slot,
        Err(e) => {
            let error = Error::new(
                ErrorKind::Zstd,
                format!("creating a zstd context failed: {e}"),
            );
            let rejection = entry.rejection(error);
            shared.finish(entry, Err(rejection));
            return None;
        }
    };
    let max = shared.config.max_decompressed_size;
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        stream(&mut slot.processor, &mut entry, dict.as_deref(), max)
    }));
    let (result, keep) = match outcome {
        Ok(result) => {
            slot.dict_id = dict_id;
            (result, Some(slot))
        }
        Err(payload) => {
            // The context may be mid-frame: drop it rather than reuse it.
            drop(slot);
            shared.processors.forget();
            (
                Err(Error::new(
                    ErrorKind::Panic,
                    panic_message(payload.as_ref()),
                )),
                None,
            )
        }
    };
    let result: EntryResult = match result {
        // The entry's name moves into its result: nothing reads it afterwards.
        Ok((bytes_in, bytes_out)) => Ok(EntryDone {
            name: std::mem::take(&mut entry.name),
            bytes_in,
            bytes_out,
            dict_id,
        }),
        Err(error) => Err(entry.rejection(error)),
    };
    shared.finish(entry, result);
    keep
}

/// Runs one entry through a processor, then flushes its output.
fn stream(
    processor: &mut Processor,
    entry: &mut Entry,
    dict: Option<&Prepared>,
    max: u64,
) -> Result<(u64, u64), Error> {
    let counts = match processor {
        Processor::Compress(cctx) => cctx
            .compress_stream(
                dict.and_then(Prepared::cdict),
                entry.size,
                &entry.prefix,
                &mut entry.input,
                &mut entry.output,
            )
            .map_err(errors::compress)?,
        Processor::Decompress(dctx) => {
            let mut input = (&entry.prefix[..]).chain(&mut entry.input);
            dctx.decompress_stream(
                dict.and_then(Prepared::ddict),
                &mut input,
                &mut entry.output,
                max,
            )
            .map_err(|e| errors::decode(e, entry.dict_name.as_deref()))?
        }
    };
    entry
        .output
        .flush()
        .map_err(|e| Error::new(ErrorKind::Write, format!("writing the output failed: {e}")))?;
    Ok(counts)
}

/// Looks a category's dictionary up in the provider and prepares it.
fn load(shared: &Shared, key: &str) {
    let mode = shared.mode;
    let level = shared.config.level;
    let looked_up = catch_unwind(AssertUnwindSafe(|| shared.provider.get(key)));
    let (state, status) = match looked_up {
        Err(payload) => {
            let error = Error::new(
                ErrorKind::Panic,
                format!("dictionary '{key}': {}", panic_message(payload.as_ref())),
            );
            (
                DictState::Failed(error.clone()),
                DictStatus::Failed(error.message),
            )
        }
        Ok(Err(e)) => {
            let error = Error::new(
                ErrorKind::Provider,
                format!("dictionary provider failed to get '{key}': {e}"),
            );
            (
                DictState::Failed(error.clone()),
                DictStatus::Failed(error.message),
            )
        }
        Ok(Ok(Some(bytes))) => match Prepared::new(mode, &bytes, level) {
            Ok(prepared) => {
                let (id, size) = (prepared.id, prepared.size);
                shared.update_category(key, |s| {
                    s.dict_id = id;
                    s.dict_size = size;
                });
                (
                    DictState::Ready(Some(Arc::new(prepared))),
                    DictStatus::Loaded,
                )
            }
            Err(e) => {
                let error = Error::new(
                    ErrorKind::BadDictionary,
                    format!("dictionary '{key}' from the provider: {e}"),
                );
                (
                    DictState::Failed(error.clone()),
                    DictStatus::Failed(error.message),
                )
            }
        },
        Ok(Ok(None)) => {
            if mode == Mode::Compress && shared.config.training.enabled {
                (
                    DictState::Collecting {
                        entries: Vec::new(),
                        bytes: 0,
                        oldest: u64::MAX,
                    },
                    DictStatus::Collecting,
                )
            } else {
                (DictState::Ready(None), DictStatus::Absent)
            }
        }
    };
    shared.settle(key, state, status, Vec::new());
}

/// Reads the first bytes of each entry as training samples, trains, stores the dictionary
/// through the provider, and releases the entries with it (or without one).
fn train(shared: &Shared, key: &str, entries: Vec<Entry>) {
    let config = &shared.training_config(key);
    let mut kept = Vec::with_capacity(entries.len());
    // Samples: the first `max_sample_size` bytes of each entry, `max_bytes` in all; the
    // entries past the budget are not read here (they stream as usual).
    let mut budget = config.max_bytes;
    for mut entry in entries {
        let want = usize::try_from(budget)
            .map_or(config.max_sample_size, |b| b.min(config.max_sample_size));
        // The input is the caller's code: a panic in it rejects this entry only.
        let read = catch_unwind(AssertUnwindSafe(|| read_prefix(&mut entry, want)));
        let error = match read {
            Ok(Ok(())) => {
                budget -= entry.prefix.len() as u64;
                kept.push(entry);
                continue;
            }
            Ok(Err(e)) => Error::new(ErrorKind::Read, format!("reading the input failed: {e}")),
            Err(payload) => Error::new(ErrorKind::Panic, panic_message(payload.as_ref())),
        };
        let rejection = entry.rejection(error);
        shared.finish(entry, Err(rejection));
    }
    let samples: Vec<&[u8]> = kept
        .iter()
        .filter(|e| !e.prefix.is_empty())
        .take(config.max_samples)
        .map(|e| &e.prefix[..])
        .collect();
    let started = Instant::now();
    // The other workers are idle or training too: this category's search takes its share.
    let training_now = shared.trainings.fetch_add(1, Ordering::Relaxed) + 1;
    let threads = (shared.config.workers / training_now).max(1);
    let trained = catch_unwind(AssertUnwindSafe(|| {
        trainer::train_parallel(&samples, config, shared.config.level, threads)
    }));
    shared.trainings.fetch_sub(1, Ordering::Relaxed);
    let seconds = started.elapsed().as_secs_f64();
    let training = match trained {
        Ok(training) => training,
        Err(payload) => trainer::Training {
            dictionary: None,
            outcome: TrainingOutcome::Failed {
                reason: panic_message(payload.as_ref()),
            },
            samples: samples.len(),
            sample_bytes: samples.iter().map(|s| s.len() as u64).sum(),
            ratio_with: 0.0,
            ratio_without: 0.0,
        },
    };
    let (state, status) = match &training.dictionary {
        None => (
            DictState::Ready(None),
            DictStatus::Trained(training.outcome.clone()),
        ),
        Some(dict) => store(shared, key, dict, &training.outcome),
    };
    shared.update_category(key, |s| {
        s.train_seconds = seconds;
        s.samples = training.samples;
        s.sample_bytes = training.sample_bytes;
        s.heldback_ratio_with = training.ratio_with;
        s.heldback_ratio_without = training.ratio_without;
        if let DictState::Ready(Some(prepared)) = &state {
            s.dict_id = prepared.id;
            s.dict_size = prepared.size;
        }
    });
    shared.settle(key, state, status, kept);
}

/// Stores a trained dictionary through the provider and prepares it. A dictionary the
/// provider could not store is not used: frames made with it could not be read back.
fn store(
    shared: &Shared,
    key: &str,
    dict: &[u8],
    outcome: &TrainingOutcome,
) -> (DictState, DictStatus) {
    let stored = catch_unwind(AssertUnwindSafe(|| shared.provider.put(key, dict)));
    let failure = match stored {
        Ok(Ok(())) => match Prepared::new(shared.mode, dict, shared.config.level) {
            Ok(prepared) => {
                return (
                    DictState::Ready(Some(Arc::new(prepared))),
                    DictStatus::Trained(outcome.clone()),
                );
            }
            Err(e) => Error::new(
                ErrorKind::BadDictionary,
                format!("trained dictionary '{key}': {e}"),
            ),
        },
        Ok(Err(e)) => Error::new(
            ErrorKind::Provider,
            format!("dictionary provider failed to store '{key}': {e}"),
        ),
        Err(payload) => Error::new(
            ErrorKind::Panic,
            format!("dictionary '{key}': {}", panic_message(payload.as_ref())),
        ),
    };
    (
        DictState::Failed(failure.clone()),
        DictStatus::Failed(failure.message),
    )
}

/// Reads up to `limit` bytes of the entry's input into its prefix (kept for compression).
fn read_prefix(entry: &mut Entry, limit: usize) -> std::io::Result<()> {
    let want = entry.size.map_or(limit, |s| s.min(limit as u64) as usize);
    entry.prefix.resize(want, 0);
    let mut filled = 0;
    while filled < want {
        match entry.input.read(&mut entry.prefix[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n.min(want - filled),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    entry.prefix.truncate(filled);
    Ok(())
}
