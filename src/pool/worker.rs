//! A worker thread: takes tasks (urgent ones first) and runs each inside a panic guard, so
//! that a bug in one task becomes one rejected entry and the worker lives on.

use std::cell::Cell;
use std::io::{Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use crossbeam_channel::select_biased;

use super::batch;
use super::dictionary::Prepared;
use super::job::Job;
use super::processors::Slot;
use super::shared::{Processor, Shared};
use super::stage::{Origin, Stage};
use super::task::Task;
use super::{Lifecycle, Mode};
use crate::entry::{EntryDone, EntryResult};
use crate::error::{Error, ErrorKind, panic_message};
use crate::trainer::{self, TrainingOutcome};

pub(super) mod errors;

pub(crate) use errors::decode as decode_error;

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
    let mut kept: Option<Slot<Processor>> = None;
    loop {
        let task = select_biased! {
            recv(shared.channels.urgent_rx) -> task => task,
            recv(shared.channels.task_rx) -> task => task,
        };
        match task {
            Ok(Task::Exit) | Err(_) => break,
            Ok(Task::Process { job, .. }) if shared.is_cancelled() => {
                let rejection = job.rejection(batch::cancelled());
                shared.finish(job, Err(rejection));
            }
            Ok(Task::Process { job, dict }) => kept = process(&shared, kept.take(), job, dict),
            Ok(Task::Reject { job, error }) => {
                let rejection = job.rejection(error);
                shared.finish(*job, Err(rejection));
            }
            Ok(Task::Load { category }) => load(&shared, &category),
            Ok(Task::Train { jobs, .. }) if shared.is_cancelled() => {
                for job in jobs {
                    let rejection = job.rejection(batch::cancelled());
                    shared.finish(job, Err(rejection));
                }
            }
            Ok(Task::Train { category, jobs }) => train(&shared, &category, jobs),
            Ok(Task::Group(group)) => kept = batch::run_group(&shared, kept.take(), group),
        }
    }
    if let Some(slot) = kept {
        shared.processors.release(slot);
    }
    let mut st = shared.lock();
    st.workers_alive -= 1;
    if st.workers_alive == 0 && st.lifecycle == Lifecycle::Stopping {
        st.lifecycle = Lifecycle::Stopped;
    }
    shared.changed.notify_all();
}

/// Compresses or decompresses one entry with the worker's processor (exchanged if the rule
/// allows a better one); returns the processor to keep for the next entry.
fn process(
    shared: &Shared,
    kept: Option<Slot<Processor>>,
    mut job: Job,
    mut dict: Option<Arc<Prepared>>,
) -> Option<Slot<Processor>> {
    if shared.mode == Mode::Decompress && job.entry.dict_name.is_none() {
        // The input and the provider are the caller's code: a panic rejects this entry only.
        let found = catch_unwind(AssertUnwindSafe(|| shared.dict_for_frame(&mut job)));
        match found.unwrap_or_else(|payload| Err(Error::from_panic(payload.as_ref()))) {
            Ok(found) => dict = found,
            Err(error) => {
                let rejection = job.rejection(error);
                shared.finish(job, Err(rejection));
                return kept;
            }
        }
    }
    let dict_id = dict.as_ref().map_or(0, |d| d.id);
    let mut slot = match processor(shared, kept, dict_id) {
        Ok(slot) => slot,
        Err(e) => {
            let error = Error::new(
                ErrorKind::Zstd,
                format!("creating a zstd context failed: {e}"),
            );
            let rejection = job.rejection(error);
            shared.finish(job, Err(rejection));
            return None;
        }
    };
    let max = shared.config.max_decompressed_size;
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        stream(&mut slot.processor, &mut job, dict.as_deref(), max)
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
            (Err(Error::from_panic(payload.as_ref())), None)
        }
    };
    let result: EntryResult = match result {
        // The entry's name moves into its result: nothing reads it afterwards.
        Ok((bytes_in, bytes_out)) => Ok(EntryDone {
            name: std::mem::take(&mut job.entry.name),
            bytes_in,
            bytes_out,
            dict_id,
        }),
        Err(error) => Err(job.rejection(error)),
    };
    shared.finish(job, result);
    keep
}

/// A processor for an entry with dictionary `dict_id`: the one the worker kept, or another
/// one the processor rule allows (see `Processors::exchange`).
pub(crate) fn processor(
    shared: &Shared,
    kept: Option<Slot<Processor>>,
    dict_id: u32,
) -> Result<Slot<Processor>, crate::libzstd::ZstdError> {
    let loaded = shared.loaded_dicts.load(Ordering::Relaxed);
    shared
        .processors
        .exchange(kept, dict_id, loaded, || shared.new_processor())
}

/// Runs one job's entry through a processor, then flushes its output.
fn stream(
    processor: &mut Processor,
    job: &mut Job,
    dict: Option<&Prepared>,
    max: u64,
) -> Result<(u64, u64), Error> {
    let Job { entry, prefix, .. } = job;
    let counts = match processor {
        Processor::Compress(cctx) => cctx
            .compress_stream(
                dict.and_then(Prepared::cdict),
                entry.size,
                prefix,
                &mut entry.input,
                &mut entry.output,
            )
            .map_err(errors::compress)?,
        Processor::Decompress(dctx) => {
            let mut input = (&prefix[..]).chain(&mut entry.input);
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
pub(crate) fn load(shared: &Shared, key: &str) {
    let mode = shared.mode;
    let looked_up = catch_unwind(AssertUnwindSafe(|| shared.provider.get(key)));
    let stage = match looked_up {
        Err(payload) => Stage::Failed(Error::new(
            ErrorKind::Panic,
            format!("dictionary '{key}': {}", panic_message(payload.as_ref())),
        )),
        Ok(Err(e)) => Stage::Failed(Error::new(
            ErrorKind::Provider,
            format!("dictionary provider failed to get '{key}': {e}"),
        )),
        Ok(Ok(Some(bytes))) => match Prepared::new(mode, &bytes, shared.config.level) {
            Ok(prepared) => {
                let (id, size) = (prepared.id, prepared.size);
                shared.update_category(key, |s| {
                    s.dict_id = id;
                    s.dict_size = size;
                });
                Stage::Ready {
                    dict: Some(Arc::new(prepared)),
                    origin: Origin::Loaded,
                }
            }
            Err(e) => Stage::Failed(Error::new(
                ErrorKind::BadDictionary,
                format!("dictionary '{key}' from the provider: {e}"),
            )),
        },
        Ok(Ok(None)) if mode == Mode::Compress && shared.config.training.enabled => {
            Stage::collecting()
        }
        Ok(Ok(None)) => Stage::Ready {
            dict: None,
            origin: Origin::Absent,
        },
    };
    shared.settle(key, stage, Vec::new());
}

/// Reads the first bytes of each job's entry as training samples, trains, stores the
/// dictionary through the provider, and releases the jobs with it (or without one).
fn train(shared: &Shared, key: &str, jobs: Vec<Job>) {
    let config = &shared.training_config(key);
    let mut sampled = Vec::with_capacity(jobs.len());
    // Samples: the first `max_sample_size` bytes of each entry, `max_bytes` in all; the
    // entries past the budget are not read here (they stream as usual).
    let mut budget = config.max_bytes;
    for mut job in jobs {
        let want = usize::try_from(budget)
            .map_or(config.max_sample_size, |b| b.min(config.max_sample_size));
        // The input is the caller's code: a panic in it rejects this entry only.
        let read = catch_unwind(AssertUnwindSafe(|| read_prefix(&mut job, want)));
        let error = match read {
            Ok(Ok(())) => {
                budget -= job.prefix.len() as u64;
                sampled.push(job);
                continue;
            }
            Ok(Err(e)) => Error::new(ErrorKind::Read, format!("reading the input failed: {e}")),
            Err(payload) => Error::from_panic(payload.as_ref()),
        };
        let rejection = job.rejection(error);
        shared.finish(job, Err(rejection));
    }
    let samples: Vec<&[u8]> = sampled
        .iter()
        .filter(|job| !job.prefix.is_empty())
        .take(config.max_samples)
        .map(|job| &job.prefix[..])
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
    let stage = match &training.dictionary {
        None => Stage::Ready {
            dict: None,
            origin: Origin::Trained(training.outcome.clone()),
        },
        Some(dict) => store(shared, key, dict, &training.outcome),
    };
    shared.update_category(key, |s| {
        s.train_seconds = seconds;
        s.samples = training.samples;
        s.sample_bytes = training.sample_bytes;
        s.heldback_ratio_with = training.ratio_with;
        s.heldback_ratio_without = training.ratio_without;
        if let Stage::Ready {
            dict: Some(prepared),
            ..
        } = &stage
        {
            s.dict_id = prepared.id;
            s.dict_size = prepared.size;
        }
    });
    shared.settle(key, stage, sampled);
}

/// Stores a trained dictionary through the provider and prepares it. A dictionary the
/// provider could not store is not used: frames made with it could not be read back.
fn store(shared: &Shared, key: &str, dict: &[u8], outcome: &TrainingOutcome) -> Stage {
    let stored = catch_unwind(AssertUnwindSafe(|| shared.provider.put(key, dict)));
    let failure = match stored {
        Ok(Ok(())) => match Prepared::new(shared.mode, dict, shared.config.level) {
            Ok(prepared) => {
                return Stage::Ready {
                    dict: Some(Arc::new(prepared)),
                    origin: Origin::Trained(outcome.clone()),
                };
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
    Stage::Failed(failure)
}

/// Reads up to `limit` bytes of the job's input into its prefix (kept for compression).
fn read_prefix(job: &mut Job, limit: usize) -> std::io::Result<()> {
    let Job { entry, prefix, .. } = job;
    let want = entry.size.map_or(limit, |s| s.min(limit as u64) as usize);
    prefix.resize(want, 0);
    let mut filled = 0;
    while filled < want {
        match entry.input.read(&mut prefix[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n.min(want - filled),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    prefix.truncate(filled);
    Ok(())
}
