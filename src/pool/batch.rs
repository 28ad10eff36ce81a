//! Batches inside the pool: admitting a batch's entries (those of categories with a known
//! dictionary in groups, the others one by one as jobs, so that they train as usual),
//! running a group on a worker, and handing the batch's output over once every entry ended.

use std::io::{self, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::Mode;
use super::counters::AtomicCounts;
use super::dictionary::Prepared;
use super::processors::Slot as ProcessorSlot;
use super::recycle::Recycler;
use super::shared::{Control, Processor, Shared};
use super::stage::Stage;
use super::task::Task;
use super::worker;
use crate::batch::{BatchDone, BatchOutput, BatchSource, Destination, Slot};
use crate::entry::{Entry, Rejection};
use crate::error::{Error, ErrorKind};
use crate::libzstd::{HeaderParse, frame_header};

/// Most entries in one group (one task).
pub(crate) const MAX_GROUP_ENTRIES: usize = 256;
/// A group closes once its output may hold this many bytes (its inputs' sizes when
/// compressing, the frames' content sizes when decompressing): its one output buffer then
/// stays below the allocator's mmap threshold (128 KiB in glibc), so that making it costs
/// no page faults.
const MAX_GROUP_OUTPUT: usize = 96 << 10;

/// A batch on its way through the pool.
pub(crate) struct BatchState {
    source: Arc<dyn BatchSource>,
    output: Mutex<BatchOutput>,
    /// Entries not ended yet, plus one while `add_batch` is still admitting.
    outstanding: AtomicUsize,
    done: Mutex<Option<BatchDone>>,
}

impl BatchState {
    pub fn new(
        source: Arc<dyn BatchSource>,
        done: BatchDone,
        recycler: &Arc<Recycler>,
    ) -> Arc<BatchState> {
        let len = source.len();
        Arc::new(BatchState {
            output: Mutex::new(BatchOutput {
                slots: (0..len).map(|_| Slot::Pending).collect(),
                buffers: Vec::new(),
                recycler: Some(Arc::clone(recycler)),
            }),
            outstanding: AtomicUsize::new(len + 1),
            done: Mutex::new(Some(done)),
            source,
        })
    }

    /// `add_batch` admitted every entry: the batch ends when they have.
    pub fn sealed(&self) {
        self.ended(1);
    }

    /// The pool stopped before entries `from..` were admitted: they are rejected here (the
    /// pool never took them, so they are not in its counts), then the batch is sealed.
    pub fn refuse(&self, from: usize, error: &Error) {
        let len = self.source.len();
        {
            let mut output = self.lock();
            for index in from..len {
                output.slots[index] =
                    Slot::Rejected(Box::new(self.rejection(index, error.clone())));
            }
        }
        self.ended(len - from + 1);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BatchOutput> {
        self.output.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The rejection of entry `index` with `error`.
    fn rejection(&self, index: usize, error: Error) -> Rejection {
        Rejection::of(
            &self.source.name(index),
            self.source.dict_name(index),
            error,
        )
    }

    /// `count` more entries ended; the last one hands the output over.
    fn ended(&self, count: usize) {
        if self.outstanding.fetch_sub(count, Ordering::AcqRel) != count {
            return;
        }
        let output = std::mem::replace(
            &mut *self.lock(),
            BatchOutput {
                slots: Vec::new(),
                buffers: Vec::new(),
                recycler: None,
            },
        );
        let done = self.done.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(done) = done {
            // The caller's code: a panic in it must not take the worker down.
            let _ = catch_unwind(AssertUnwindSafe(|| done(output)));
        }
    }
}

/// One category of a group: its dictionary and counters.
struct Part {
    dict: Option<Arc<Prepared>>,
    counts: Arc<AtomicCounts>,
}

/// Entries of a batch whose categories have a known dictionary, processed as one task.
pub(crate) struct Group {
    batch: Arc<BatchState>,
    parts: Vec<(String, Part)>,
    /// (entry index, part index)
    items: Vec<(u32, u16)>,
    /// The outputs' expected size (see `output_estimate`).
    bytes: usize,
}

impl Shared {
    /// Admits entries `from..` of `batch` until a group is full (`max` entries or
    /// `MAX_GROUP_BYTES`) or the batch ends; returns the index of the next entry.
    pub fn admit_batch(
        &self,
        control: &mut Control,
        batch: &Arc<BatchState>,
        from: usize,
        max: usize,
    ) -> usize {
        let source = &batch.source;
        let mut group = Group {
            batch: Arc::clone(batch),
            parts: Vec::new(),
            items: Vec::new(),
            bytes: 0,
        };
        let mut index = from;
        // Entries taken per part, counted once at the end.
        let mut added: Vec<u64> = Vec::new();
        while index < source.len() && group.items.len() < max && group.bytes < MAX_GROUP_OUTPUT {
            let key = source.dict_name(index).unwrap_or("");
            // A category already in the group needs no look-up.
            let known = group.parts.iter().position(|(k, _)| k == key);
            let part = known.or_else(|| {
                let category = control.categories.get(key)?;
                let Stage::Ready { dict, .. } = &category.stage else {
                    return None;
                };
                let part = Part {
                    dict: dict.clone(),
                    counts: Arc::clone(&category.counts),
                };
                group.parts.push((key.to_owned(), part));
                added.push(0);
                Some(group.parts.len() - 1)
            });
            match part {
                Some(part) => {
                    added[part] += 1;
                    group.items.push((index as u32, part as u16));
                    group.bytes += output_estimate(self.mode, source.data(index));
                }
                // Loading, collecting, training or failed: the entry goes alone, as a job.
                None => {
                    let ended = Arc::clone(batch);
                    let hook = Box::new(move || ended.ended(1));
                    self.admit_with(control, job_entry(batch, index), Some(hook));
                }
            }
            index += 1;
        }
        for ((_, part), &n) in group.parts.iter().zip(&added) {
            part.counts.add_many(n);
        }
        let count = group.items.len();
        if count > 0 {
            control.next_seq += count as u64;
            self.flow.in_flight.fetch_add(count, Ordering::SeqCst);
            self.totals.add_many(count as u64);
            self.send(Task::Group(group));
        }
        index
    }
}

/// The output size an entry may have: its size when compressing (frames are smaller), its
/// frame's content size when decompressing (four times the frame when not recorded).
fn output_estimate(mode: Mode, data: &[u8]) -> usize {
    match mode {
        Mode::Compress => data.len(),
        Mode::Decompress => match frame_header(data) {
            Ok(HeaderParse::Done(h)) => h.content_size.map_or(data.len() * 4, |s| s as usize),
            _ => data.len(),
        },
    }
}

impl Shared {
    /// Looks up, on the calling thread, the dictionaries of the categories a batch brings
    /// that the pool has not met yet, so that even a new pool's first batch runs in groups
    /// (the entries of a category still loading would go one by one).
    pub fn load_batch_categories(&self, source: &dyn BatchSource) {
        let mut new = Vec::new();
        {
            let mut control = self.lock();
            let mut seen = std::collections::HashSet::new();
            let mut last = None;
            for index in 0..source.len() {
                let key = source.dict_name(index).unwrap_or("");
                // Runs of one category are common: the set is asked once per run.
                if last == Some(key) {
                    continue;
                }
                last = Some(key);
                if !seen.insert(key) || control.categories.contains_key(key) {
                    continue;
                }
                let stage = if key.is_empty() {
                    Stage::Ready {
                        dict: None,
                        origin: super::stage::Origin::NoCategory,
                    }
                } else {
                    new.push(key.to_owned());
                    Stage::Loading {
                        waiting: Vec::new(),
                    }
                };
                control
                    .categories
                    .insert(key.to_owned(), super::shared::Category::new(key, stage));
            }
        }
        for key in new {
            worker::load(self, &key);
        }
    }
}

/// Entry `index` of `batch` as a single entry: it reads from the batch's memory and its
/// output or rejection goes into the batch's slot (the batch learns it ended once it is
/// counted: the hook `admit_batch` gives it).
fn job_entry(batch: &Arc<BatchState>, index: usize) -> Entry {
    let source = &batch.source;
    let output = Arc::new(Mutex::new(Vec::new()));
    let input = SourceReader {
        batch: Arc::clone(batch),
        index,
        pos: 0,
    };
    let sink = SharedSink(Arc::clone(&output));
    let done_batch = Arc::clone(batch);
    Entry::new(source.name(index), source.dict_name(index), input, sink)
        .with_size(source.data(index).len() as u64)
        .on_complete(move |result| {
            let bytes = std::mem::take(&mut *output.lock().unwrap_or_else(|e| e.into_inner()));
            {
                let mut out = done_batch.lock();
                out.slots[index] = match result {
                    Ok(_) => {
                        out.buffers.push(bytes);
                        Slot::Output {
                            buffer: (out.buffers.len() - 1) as u32,
                            start: 0,
                            len: out.buffers.last().map_or(0, Vec::len),
                        }
                    }
                    Err(rejection) => Slot::Rejected(Box::new(rejection.clone())),
                };
            }
        })
}

/// Reads entry `index` of a batch from its memory.
struct SourceReader {
    batch: Arc<BatchState>,
    index: usize,
    pos: usize,
}

impl Read for SourceReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let data = self.batch.source.data(self.index);
        let rest = data.get(self.pos..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }
}

/// Collects a single entry's output for its batch.
struct SharedSink(Arc<Mutex<Vec<u8>>>);

impl Write for SharedSink {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Where one entry of a group put its output.
enum Put {
    /// Bytes `start..start + len` of the group's buffer.
    Buffer { start: usize, len: usize },
    /// The first `len` bytes of the caller's destination.
    Placed { at: Destination, len: usize },
}

impl Put {
    fn len(&self) -> usize {
        match self {
            Put::Buffer { len, .. } | Put::Placed { len, .. } => *len,
        }
    }
}

/// What one entry of a group gave: where its output is, or an error.
type Outcome = Result<Put, Error>;

/// Runs a group on this worker's processor; returns the processor to keep.
pub(crate) fn run_group(
    shared: &Shared,
    kept: Option<ProcessorSlot<Processor>>,
    group: Group,
) -> Option<ProcessorSlot<Processor>> {
    let Group {
        batch,
        parts,
        items,
        bytes,
    } = group;
    let source = &batch.source;
    let mut slot = worker::processor(shared, kept, 0).ok();
    // `bytes` is the outputs' expected size (see `output_estimate`): one allocation.
    let mut buffer = shared.recycler.take(match shared.mode {
        Mode::Compress => bytes / 2,
        Mode::Decompress => bytes,
    });
    let max = shared.config.max_decompressed_size;
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(items.len());
    for &(index, part) in &items {
        if shared.is_cancelled() {
            outcomes.push(Err(cancelled()));
            continue;
        }
        let part = &parts[part as usize].1;
        let Some(processor) = slot.as_mut() else {
            outcomes.push(Err(Error::new(
                ErrorKind::Zstd,
                "creating a zstd context failed",
            )));
            continue;
        };
        let start = buffer.len();
        let ran = catch_unwind(AssertUnwindSafe(|| {
            let index = index as usize;
            let entry = Input {
                data: source.data(index),
                no_category: source.dict_name(index).is_none(),
                destination: source.destination(index),
            };
            one(
                shared,
                &mut processor.processor,
                part,
                entry,
                &mut buffer,
                max,
            )
        }));
        let outcome = match ran {
            Ok(Ok(Some(put))) => Ok(put),
            Ok(Ok(None)) => Ok(Put::Buffer {
                start,
                len: buffer.len() - start,
            }),
            Ok(Err(error)) => {
                buffer.truncate(start);
                Err(error)
            }
            Err(payload) => {
                // The context may be mid-frame: drop it and start a fresh one.
                buffer.truncate(start);
                slot = None;
                shared.processors.forget();
                slot = worker::processor(shared, slot, 0).ok();
                Err(Error::from_panic(payload.as_ref()))
            }
        };
        outcomes.push(outcome);
    }
    finish_group(shared, &batch, &parts, &items, outcomes, buffer);
    slot
}

/// The error of an entry the pool was cancelled before processing.
pub(crate) fn cancelled() -> Error {
    Error::new(ErrorKind::Cancelled, "cancelled before it was processed")
}

/// One entry of a group, as `one` needs it.
struct Input<'a> {
    data: &'a [u8],
    /// No category: the dictionary the frame names (decompressing).
    no_category: bool,
    destination: Option<Destination>,
}

/// Compresses or decompresses one entry of a group: into its destination when it fits
/// there (`Some`), else appended to `buffer` (`None`).
fn one(
    shared: &Shared,
    processor: &mut Processor,
    part: &Part,
    entry: Input<'_>,
    buffer: &mut Vec<u8>,
    max: u64,
) -> Result<Option<Put>, Error> {
    let Input {
        data,
        no_category,
        destination,
    } = entry;
    match processor {
        Processor::Compress(cctx) => {
            let cdict = part.dict.as_ref().and_then(|d| d.cdict());
            let failed = |e| Error::new(ErrorKind::Zstd, format!("zstd compression failed: {e}"));
            if let Some(at) = destination
                && let Some(len) = cctx.compress_to(cdict, data, &at).map_err(failed)?
            {
                return Ok(Some(Put::Placed { at, len }));
            }
            cctx.compress_append(cdict, data, buffer)
                .map(|_| None)
                .map_err(failed)
        }
        Processor::Decompress(dctx) => {
            let found;
            let dict = if no_category && part.dict.is_none() {
                found = match frame_header(data) {
                    Ok(HeaderParse::Done(h)) if h.dict_id != 0 && !h.skippable => {
                        shared.dict_by_id(h.dict_id)?
                    }
                    _ => None,
                };
                found.as_deref()
            } else {
                part.dict.as_deref()
            };
            let ddict = dict.and_then(Prepared::ddict);
            if let Some(at) = destination
                && let Some(len) = dctx
                    .decompress_to(ddict, data, &at, max)
                    .map_err(|e| worker::decode_error(e, None))?
            {
                return Ok(Some(Put::Placed { at, len }));
            }
            dctx.decompress_append(ddict, data, buffer, max)
                .map(|_| None)
                .map_err(|e| worker::decode_error(e, None))
        }
    }
}

/// Hands a group's outcomes to its batch and counts them.
fn finish_group(
    shared: &Shared,
    batch: &BatchState,
    parts: &[(String, Part)],
    items: &[(u32, u16)],
    outcomes: Vec<Outcome>,
    buffer: Vec<u8>,
) {
    // Per part: (done, rejected, raw, compressed).
    let mut tally = vec![(0u64, 0u64, 0u64, 0u64); parts.len()];
    let mut rejections = Vec::new();
    {
        let mut output = batch.lock();
        let buffer_index = output.buffers.len() as u32;
        for (&(index, part), outcome) in items.iter().zip(outcomes) {
            let index = index as usize;
            let t = &mut tally[part as usize];
            output.slots[index] = match outcome {
                Ok(put) => {
                    let data = batch.source.data(index).len() as u64;
                    let len = put.len() as u64;
                    let (raw, compressed) = match shared.mode {
                        Mode::Compress => (data, len),
                        Mode::Decompress => (len, data),
                    };
                    t.0 += 1;
                    t.2 += raw;
                    t.3 += compressed;
                    match put {
                        Put::Buffer { start, len } => Slot::Output {
                            buffer: buffer_index,
                            start,
                            len,
                        },
                        Put::Placed { at, len } => Slot::Placed { at, len },
                    }
                }
                Err(error) => {
                    t.1 += 1;
                    let rejection = batch.rejection(index, error);
                    rejections.push(rejection.clone());
                    Slot::Rejected(Box::new(rejection))
                }
            };
        }
        output.buffers.push(buffer);
    }
    // Listed before counted (a reader who sees the count can fetch that many), counted
    // before the batch's done runs, and done before the pool holds them no more (so `wait`
    // returns after it).
    if !rejections.is_empty() {
        shared.list_rejections(rejections);
    }
    for ((_, part), &(done, rejected, raw, compressed)) in parts.iter().zip(&tally) {
        part.counts.finish_many(done, rejected, raw, compressed);
        shared.totals.finish_many(done, rejected, raw, compressed);
    }
    batch.ended(items.len());
    shared.ended(items.len());
}
