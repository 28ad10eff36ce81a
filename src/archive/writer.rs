//! The conversion's one writer: it gathers each job's compressed files as the pool finishes
//! them and commits whole jobs (the job row and all its data rows) in batched transactions.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError};

use super::budget::Budget;
use super::job_facts::JobFacts;
use super::rows::{DictRows, NewFile, NewJob};
use super::store::{Archive, JobRow};
use super::summary::{Progress, Rejected};
use crate::error::Error;

/// A partial batch is committed once no message came for this long.
const IDLE_COMMIT: Duration = Duration::from_millis(200);

/// What the producer and the pool's completions tell the writer.
pub(crate) enum Message {
    /// A job whose files are being compressed (sent before any of them is added).
    Job {
        seq: usize,
        input: PathBuf,
        /// The job number.
        id: i64,
        files: Vec<FileMeta>,
    },
    /// One file of job `seq` is done: its frame, or its error.
    File {
        seq: usize,
        index: usize,
        result: Result<Compressed, Error>,
    },
    /// A job already in the archive.
    Skipped,
    /// A job input refused before compression, with every reason.
    Refused(Vec<Rejected>),
}

/// One file compressed: its frame, the dictionary id it used, the job facts it gave.
pub(crate) struct Compressed {
    pub(crate) frame: Vec<u8>,
    pub(crate) dict_id: u32,
    pub(crate) facts: JobFacts,
}

/// What the writer knows of one file before it is compressed.
pub(crate) struct FileMeta {
    pub(crate) name: String,
    pub(crate) category: String,
    pub(crate) size: u64,
}

/// A job whose files are still being compressed.
struct Pending {
    input: PathBuf,
    id: i64,
    /// What the files compressed so far said of the job (its row's DIRAC id and success).
    facts: JobFacts,
    files: Vec<FileMeta>,
    frames: Vec<Option<(Vec<u8>, u32)>>,
    remaining: usize,
    errors: Vec<Rejected>,
}

impl Pending {
    fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

/// A finished job waiting for the next commit.
struct Ready {
    input: PathBuf,
    job: NewJob,
    sizes: Vec<u64>,
}

/// Bytes per category: files, raw bytes, frame bytes.
pub(crate) type CategoryCounts = BTreeMap<String, (u64, u64, u64)>;

/// What the writer reports when the channel closes.
pub(crate) struct Written {
    pub(crate) totals: Progress,
    pub(crate) categories: CategoryCounts,
    pub(crate) rejections: Vec<Rejected>,
    /// The error that stopped writing (e.g. a full disk); later jobs were not written.
    pub(crate) fatal: Option<Error>,
}

/// When a batch is committed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BatchBounds {
    pub(crate) rows: usize,
    pub(crate) bytes: u64,
}

/// The writer's state.
pub(crate) struct Writer<'a, F: FnMut(&Progress)> {
    archive: &'a Archive,
    budget: &'a Budget,
    abort: &'a AtomicBool,
    bounds: BatchBounds,
    progress: F,
    pending: HashMap<usize, Pending>,
    ready: Vec<Ready>,
    ready_rows: usize,
    ready_bytes: u64,
    dict_rows: DictRows,
    written: Written,
}

impl<'a, F: FnMut(&Progress)> Writer<'a, F> {
    pub(crate) fn new(
        archive: &'a Archive,
        budget: &'a Budget,
        abort: &'a AtomicBool,
        bounds: BatchBounds,
        jobs_total: u64,
        progress: F,
    ) -> Self {
        Writer {
            archive,
            budget,
            abort,
            bounds,
            progress,
            pending: HashMap::new(),
            ready: Vec::new(),
            ready_rows: 0,
            ready_bytes: 0,
            dict_rows: DictRows::default(),
            written: Written {
                totals: Progress {
                    jobs_total,
                    ..Progress::default()
                },
                categories: BTreeMap::new(),
                rejections: Vec::new(),
                fatal: None,
            },
        }
    }

    /// Receives until every sender is gone, committing as it goes.
    pub(crate) fn run(mut self, messages: &Receiver<Message>) -> Written {
        loop {
            match messages.recv_timeout(IDLE_COMMIT) {
                Ok(message) => {
                    self.handle(message);
                    if self.ready_rows >= self.bounds.rows || self.ready_bytes >= self.bounds.bytes
                    {
                        self.commit();
                    }
                }
                Err(RecvTimeoutError::Timeout) => self.commit(),
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        self.commit();
        (self.progress)(&self.written.totals);
        self.written
    }

    fn handle(&mut self, message: Message) {
        match message {
            Message::Job {
                seq,
                input,
                id,
                files,
            } => {
                let count = files.len();
                self.pending.insert(
                    seq,
                    Pending {
                        input,
                        id,
                        facts: JobFacts::default(),
                        files,
                        frames: (0..count).map(|_| None).collect(),
                        remaining: count,
                        errors: Vec::new(),
                    },
                );
            }
            Message::File { seq, index, result } => self.file_done(seq, index, result),
            Message::Skipped => self.written.totals.jobs_skipped += 1,
            Message::Refused(rejections) => {
                self.written.totals.jobs_failed += 1;
                self.written.rejections.extend(rejections);
            }
        }
    }

    fn file_done(&mut self, seq: usize, index: usize, result: Result<Compressed, Error>) {
        let Some(job) = self.pending.get_mut(&seq) else {
            return;
        };
        match result {
            Ok(done) => {
                job.facts = job.facts.merge(done.facts);
                job.frames[index] = Some((done.frame, done.dict_id));
            }
            Err(error) => job.errors.push(Rejected {
                input: job.input.clone(),
                job: Some(job.id),
                name: Some(job.files[index].name.clone()),
                error,
            }),
        }
        job.remaining -= 1;
        if job.remaining > 0 {
            return;
        }
        let Some(job) = self.pending.remove(&seq) else {
            return;
        };
        if !job.errors.is_empty() || self.written.fatal.is_some() {
            self.budget.give_back(job.files.len(), job.bytes());
            if self.written.fatal.is_none() {
                self.written.totals.jobs_failed += 1;
                self.written.rejections.extend(job.errors);
            }
            return;
        }
        let bytes = job.bytes();
        let sizes = job.files.iter().map(|f| f.size).collect();
        let files: Vec<NewFile> = job
            .files
            .into_iter()
            .zip(job.frames)
            .map(|(meta, frame)| {
                let (frame, dict_id) = frame.unwrap_or_default();
                NewFile {
                    name: meta.name,
                    category: meta.category,
                    dict_id,
                    frame,
                }
            })
            .collect();
        self.ready_rows += files.len();
        self.ready_bytes += bytes;
        self.ready.push(Ready {
            input: job.input,
            job: NewJob {
                row: JobRow {
                    id: job.id,
                    dirac_id: job.facts.dirac_id,
                    success: job.facts.success,
                },
                files,
            },
            sizes,
        });
    }

    /// Commits the ready jobs in one transaction.
    fn commit(&mut self) {
        if self.ready.is_empty() {
            return;
        }
        let ready = std::mem::take(&mut self.ready);
        let (rows, bytes) = (self.ready_rows, self.ready_bytes);
        self.ready_rows = 0;
        self.ready_bytes = 0;
        if self.written.fatal.is_none() {
            let batch: Vec<&NewJob> = ready.iter().map(|r| &r.job).collect();
            match self.archive.insert_jobs(&batch, &mut self.dict_rows) {
                Ok(outcomes) => {
                    for (ready, outcome) in ready.iter().zip(outcomes) {
                        self.count(ready, outcome);
                    }
                }
                Err(error) => {
                    self.written.fatal = Some(error);
                    self.abort.store(true, Ordering::SeqCst);
                }
            }
        }
        self.budget.give_back(rows, bytes);
        (self.progress)(&self.written.totals);
    }

    /// Counts one job of a committed batch.
    fn count(&mut self, ready: &Ready, outcome: Result<(), Error>) {
        let totals = &mut self.written.totals;
        if let Err(error) = outcome {
            totals.jobs_failed += 1;
            self.written.rejections.push(Rejected {
                input: ready.input.clone(),
                job: Some(ready.job.row.id),
                name: None,
                error,
            });
            return;
        }
        totals.jobs_converted += 1;
        for (file, &size) in ready.job.files.iter().zip(&ready.sizes) {
            let frame = file.frame.len() as u64;
            totals.files += 1;
            totals.raw_bytes += size;
            totals.frame_bytes += frame;
            let counts = self
                .written
                .categories
                .entry(file.category.clone())
                .or_default();
            counts.0 += 1;
            counts.1 += size;
            counts.2 += frame;
        }
    }
}
