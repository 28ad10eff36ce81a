//! Converting a source of job inputs (ZIPs or folders) into an archive, with a compressor
//! pool whose dictionary provider is the archive itself.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossbeam_channel::Sender;

use super::budget::Budget;
use super::category::category_of_name;
use super::content::{ContentReader, NotesSlot};
use super::frame_buffer::FrameBuffer;
use super::job_load::{LoadedJob, load_job};
use super::job_source::{JobSource, job_sources};
use super::store::Archive;
use super::summary::{CategorySummary, ConvertSummary, Progress, Rejected};
use super::writer::{BatchBounds, Compressed, FileMeta, Message, Writer};
use crate::config::Config;
use crate::entry::Entry;
use crate::error::{Error, ErrorKind};
use crate::pool::Pool;
use crate::stats::DictStatus;

/// How a conversion compresses, bounds its memory and batches its commits.
#[derive(Clone, Debug, PartialEq)]
pub struct ConvertOptions {
    /// The compressor pool's configuration. Checksums are always on in an archive (the
    /// field is ignored); `max_decompressed_size` is the largest file taken from a job
    /// (a larger one, e.g. a ZIP bomb, is refused and inflated no further).
    pub config: Config,
    /// At most this many files (rows) and bytes (of the files' contents) are held between
    /// reading a job and committing it; a job is read only when it fits (a single job
    /// always does). While the next job waits for room, categories still collecting
    /// samples are trained with what they have (their entries would otherwise wait for
    /// jobs that cannot be read), so bounds far below `training.min_samples` files of a
    /// category give smaller training sets.
    pub max_waiting_rows: usize,
    pub max_waiting_bytes: u64,
    /// Finished jobs are committed in one transaction once they hold this many rows or
    /// bytes (raw), or when nothing else arrives for a moment.
    pub batch_rows: usize,
    pub batch_bytes: u64,
}

impl Default for ConvertOptions {
    /// The pool's defaults, files up to 1 GiB, at most 100,000 rows or 512 MiB waiting,
    /// commits of up to 10,000 rows or 64 MiB.
    fn default() -> Self {
        ConvertOptions {
            config: Config {
                max_decompressed_size: 1 << 30,
                ..Config::default()
            },
            max_waiting_rows: 100_000,
            max_waiting_bytes: 512 << 20,
            batch_rows: 10_000,
            batch_bytes: 64 << 20,
        }
    }
}

/// Converts every job under `src` into `archive` (see the module documentation): jobs
/// already in the archive are skipped, each other job is committed whole (its job row and
/// all its rows in one transaction) or refused with its reasons in the summary's
/// rejections. `progress` is called on the writer's thread after each commit.
///
/// `Err` when nothing can be done (the source cannot be read, the configuration is
/// invalid) or when writing stops (e.g. a full disk): every job committed before stays, and
/// running the conversion again completes it.
pub fn convert(
    src: &Path,
    archive: &Arc<Archive>,
    options: &ConvertOptions,
    progress: impl FnMut(&Progress) + Send,
) -> Result<ConvertSummary, Error> {
    if archive.is_read_only() {
        return Err(Error::new(
            ErrorKind::Database,
            format!(
                "{}: opened read-only: cannot convert into it",
                archive.label
            ),
        ));
    }
    let mut config = options.config.clone();
    config.checksum = true;
    let limit = config.max_decompressed_size;
    let (sources, unreadable) = job_sources(src)?;
    let existing = archive.job_ids()?;
    let without_dictionary = archive.categories_without_dictionary()?;
    let provider: Arc<dyn crate::DictProvider> = archive.clone();
    let pool = Pool::compressor(config, provider)?;
    let volumes = super::volumes::category_volumes(&sources);
    let raw: u64 = volumes.values().map(|(bytes, _)| bytes).sum();
    archive.set_page_size_if_empty(super::schema::page_size_for(raw))?;
    for (category, (bytes, files)) in volumes {
        pool.set_category_volume(&category, bytes, files);
    }
    let budget = Budget::new(options.max_waiting_rows.max(1), options.max_waiting_bytes);
    let abort = AtomicBool::new(false);
    let bounds = BatchBounds {
        rows: options.batch_rows.max(1),
        bytes: options.batch_bytes,
    };
    let (sender, messages) = crossbeam_channel::unbounded();
    let written = std::thread::scope(|scope| {
        let writer = Writer::new(
            archive,
            &budget,
            &abort,
            bounds,
            sources.len() as u64,
            progress,
        );
        let writing = scope.spawn(move || writer.run(&messages));
        let producer = Producer {
            pool: &pool,
            sender,
            budget: &budget,
            abort: &abort,
            existing,
            without_dictionary: &without_dictionary,
            claimed: HashMap::new(),
            limit,
        };
        producer.run(&sources, unreadable);
        pool.stop();
        let _ = pool.join(None);
        writing.join()
    })
    .map_err(|_| Error::new(ErrorKind::Panic, "the archive writer panicked"))?;
    if let Some(fatal) = written.fatal {
        return Err(fatal);
    }
    let stats: HashMap<String, crate::stats::CategoryStats> = pool
        .stats()
        .categories
        .into_iter()
        .map(|c| (c.name.clone(), c))
        .collect();
    let mut dict_bytes = 0;
    let categories = written
        .categories
        .into_iter()
        .map(|(name, (files, raw_bytes, frame_bytes))| {
            let (status, dict_id, dict_size) = match stats.get(&name) {
                Some(s) if !without_dictionary.contains(&name) => {
                    (s.status.clone(), s.dict_id, s.dict_size as u64)
                }
                _ => (DictStatus::Absent, 0, 0),
            };
            dict_bytes += dict_size;
            CategorySummary {
                name,
                files,
                raw_bytes,
                frame_bytes,
                status,
                dict_id,
                dict_size,
            }
        })
        .collect();
    let mut rejections = written.rejections;
    // Jobs end in any order: list their rejections by input, then file.
    rejections.sort_by(|a, b| (&a.input, &a.name).cmp(&(&b.input, &b.name)));
    Ok(ConvertSummary {
        totals: written.totals,
        categories,
        dict_bytes,
        rejections,
    })
}

/// The conversion's reading side: reads each job, checks it, and adds its files to the pool.
struct Producer<'a> {
    pool: &'a Pool,
    sender: Sender<Message>,
    budget: &'a Budget,
    abort: &'a AtomicBool,
    /// Jobs already in the archive.
    existing: HashSet<i64>,
    /// Categories the archive settled as having no dictionary.
    without_dictionary: &'a HashSet<String>,
    /// Job numbers given by the inputs seen so far, with the input that gave each.
    claimed: HashMap<i64, String>,
    limit: u64,
}

impl Producer<'_> {
    fn run(mut self, sources: &[JobSource], unreadable: Vec<(PathBuf, Error)>) {
        for (input, error) in unreadable {
            self.send(Message::Refused(vec![Rejected {
                input,
                job: None,
                name: None,
                error,
            }]));
        }
        for (seq, source) in sources.iter().enumerate() {
            if self.abort.load(Ordering::SeqCst) {
                break;
            }
            self.job(seq, source);
        }
    }

    fn send(&self, message: Message) {
        // The writer outlives the producer; a failed send only happens after a panic.
        let _ = self.sender.send(message);
    }

    fn refuse(&self, source: &JobSource, job: Option<i64>, errors: Vec<Error>) {
        let rejected = errors
            .into_iter()
            .map(|error| Rejected {
                input: source.path.clone(),
                job,
                name: None,
                error,
            })
            .collect();
        self.send(Message::Refused(rejected));
    }

    /// Claims job `number` for `source`: false (and the job is refused or skipped) when
    /// another input gave it first or the archive has it.
    fn claim(&mut self, source: &JobSource, number: i64) -> bool {
        if let Some(first) = self.claimed.get(&number) {
            let error = Error::new(
                ErrorKind::DuplicateJob,
                format!("{}: job {number} is also given by {first}", source.label()),
            );
            self.refuse(source, Some(number), vec![error]);
            return false;
        }
        self.claimed.insert(number, source.label());
        if self.existing.contains(&number) {
            self.send(Message::Skipped);
            return false;
        }
        true
    }

    fn job(&mut self, seq: usize, source: &JobSource) {
        let named = source.number_from_name();
        if let Some(number) = named {
            if !self.claim(source, number) {
                return;
            }
        }
        let job = match load_job(source, self.limit) {
            Ok(job) => job,
            Err(errors) => return self.refuse(source, named, errors),
        };
        if named.is_none() && !self.claim(source, job.number) {
            return;
        }
        self.submit(seq, source, job);
    }

    /// Adds every file of a checked job to the pool, once the job fits in the budget.
    fn submit(&self, seq: usize, source: &JobSource, job: LoadedJob) {
        let bytes = job.files.iter().map(|f| f.size).sum();
        self.budget.take(
            job.files.len(),
            bytes,
            || self.pool.flush(),
            || self.abort.load(Ordering::SeqCst),
        );
        let files: Vec<FileMeta> = job
            .files
            .iter()
            .map(|f| FileMeta {
                name: f.name.clone(),
                category: category_of_name(&f.name),
                size: f.size,
            })
            .collect();
        let categories: Vec<String> = files.iter().map(|f| f.category.clone()).collect();
        self.send(Message::Job {
            seq,
            input: source.path.clone(),
            id: job.number,
            files,
        });
        let label = source.label();
        for (index, (file, category)) in job.files.into_iter().zip(categories).enumerate() {
            let output = FrameBuffer::default();
            let frame = output.clone();
            let notes = NotesSlot::default();
            let read = Arc::clone(&notes);
            let done = self.sender.clone();
            let dict_name =
                (!self.without_dictionary.contains(&category)).then_some(category.as_str());
            let input = ContentReader::new(&file.name, file.content, notes);
            let entry = Entry::new(format!("{label}: {}", file.name), dict_name, input, output)
                .with_size(file.size)
                .on_complete(move |result| {
                    let mut notes = read.lock().unwrap_or_else(|e| e.into_inner());
                    let result = match result {
                        Ok(finished) => Ok(Compressed {
                            frame: frame.take(),
                            dict_id: finished.dict_id,
                            facts: notes.facts,
                        }),
                        Err(rejection) => Err(notes
                            .error
                            .take()
                            .unwrap_or_else(|| rejection.error.clone())),
                    };
                    let _ = done.send(Message::File { seq, index, result });
                });
            if let Err(error) = self.pool.add(entry) {
                let message = format!("{label}: {}: {}", file.name, error.message);
                self.send(Message::File {
                    seq,
                    index,
                    result: Err(Error::new(error.kind, message)),
                });
            }
        }
    }
}
