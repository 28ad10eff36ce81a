//! Property tests (proptest):
//!
//! - arbitrary bytes (0..64 KiB, random, log-like, repetitive or job-tree entries) round-trip
//!   through a compressor and a decompressor pool at any level (negative ones included), with
//!   or without checksums, without a dictionary, with a stored one or with one trained on the
//!   fly, declared size or not, 1-4 workers;
//! - arbitrary bytes (random, or valid frames damaged, cut or prefixed) given to a decompressor
//!   never panic, end exactly once each, fail only with decode kinds and never write more than
//!   the limit; undamaged frames decode intact;
//! - arbitrary sequences of API calls (add, add from a callback, flush, wait, stop, join with a
//!   short timeout, start, stats) never deadlock, keep `done + rejected <= completions <= added`
//!   at every step, leave nothing pending after flush + wait, and end with every accepted
//!   entry finished exactly once and every refused one never called back.
//!
//! Case counts are kept modest (the file runs in about 10 s in a debug build);
//! `PROPTEST_CASES=n` changes them and `PROPTEST_RNG_SEED=n` makes a run reproducible (a
//! failure prints its minimal input).

mod common;

use std::collections::BTreeMap;
use std::io::Cursor;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use common::{FailingReader, Sink};
use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, TestRunner};
use zstdpool::libzstd::{CCtx, CDict};
use zstdpool::{DictProvider, Entry, EntryResult, ErrorKind, Lifecycle, MemoryProvider, Pool};

/// A case that does not finish in this time is a deadlock.
const CASE_DEADLINE: Duration = Duration::from_secs(30);

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

fn proptest_config(default_cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: cases(default_cases),
        // Failures are printed (with the minimal input); no regression files are written.
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    }
}

/// The stored dictionary used by the properties (trained once).
fn stored_dictionary() -> &'static [u8] {
    static DICT: OnceLock<Vec<u8>> = OnceLock::new();
    DICT.get_or_init(|| common::dictionary(2))
}

/// Data to compress: random bytes, log-like text, repetitive bytes or job-tree entries.
fn data() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        3 => prop::collection::vec(any::<u8>(), 0..65536),
        1 => prop::collection::vec(any::<u8>(), 0..16),
        2 => (0u32..4, any::<u64>(), 0usize..500).prop_map(|(kind, seed, lines)| {
            let mut text = common::log_text(kind, seed, lines);
            text.truncate(65536);
            text
        }),
        1 => (prop::collection::vec(any::<u8>(), 1..64), 1usize..3000).prop_map(|(chunk, n)| {
            let mut out = chunk.repeat(n);
            out.truncate(65536);
            out
        }),
        1 => (any::<u64>(), 0u64..1000, 1usize..60, 0usize..20_000)
            .prop_map(|(seed, index, categories, size)| jobtree::synthetic_entry(seed, index, categories, size).data),
    ]
    .boxed()
}

/// Any compression level libzstd accepts, negative ones included (0 means its default).
fn level() -> impl Strategy<Value = i32> {
    prop_oneof![
        Just(zstdpool::libzstd::min_level()),
        -1000i32..=-1,
        0i32..=19,
        20i32..=22
    ]
}

#[derive(Clone, Copy, Debug)]
enum DictMode {
    None,
    Stored,
    Trained,
}

fn dict_mode() -> impl Strategy<Value = DictMode> {
    prop_oneof![
        Just(DictMode::None),
        Just(DictMode::Stored),
        Just(DictMode::Trained)
    ]
}

/// Runs `files` through `pool`; every entry must succeed exactly once. Returns the outputs.
fn run_ok(
    pool: Pool,
    files: &[(String, Vec<u8>)],
    category: Option<&str>,
    sized: bool,
) -> Result<Vec<Vec<u8>>, TestCaseError> {
    let results: Arc<Mutex<BTreeMap<String, Vec<EntryResult>>>> = Arc::default();
    let mut sinks = Vec::new();
    for (name, data) in files {
        let sink = Sink::default();
        let (r, key) = (Arc::clone(&results), name.clone());
        let mut entry = Entry::new(
            name.clone(),
            category,
            Cursor::new(data.clone()),
            sink.clone(),
        )
        .on_complete(move |res| r.lock().unwrap().entry(key).or_default().push(res.clone()));
        if sized {
            entry = entry.with_size(data.len() as u64);
        }
        pool.add(entry).unwrap();
        sinks.push(sink);
    }
    pool.stop();
    prop_assert!(pool.join(None).unwrap());
    let results = results.lock().unwrap();
    prop_assert_eq!(results.len(), files.len());
    for (name, r) in results.iter() {
        prop_assert_eq!(r.len(), 1, "{} ended {} times", name, r.len());
        prop_assert!(r[0].is_ok(), "{}: {:?}", name, r[0]);
    }
    let t = pool.stats().totals;
    prop_assert_eq!(
        (t.added, t.done, t.rejected),
        (files.len() as u64, files.len() as u64, 0)
    );
    Ok(sinks.iter().map(Sink::bytes).collect())
}

fn round_trip(
    files: Vec<Vec<u8>>,
    level: i32,
    checksum: bool,
    mode: DictMode,
    workers: usize,
    sized: bool,
) -> Result<(), TestCaseError> {
    let mut config = common::config(workers);
    config.level = level;
    config.checksum = checksum;
    config.training.enabled = matches!(mode, DictMode::Trained);
    config.training.min_samples = 2;
    config.training.effort = 0;
    let provider = Arc::new(MemoryProvider::new());
    let category = match mode {
        DictMode::None => None,
        DictMode::Stored => {
            provider.put("logs", stored_dictionary()).unwrap();
            Some("logs")
        }
        DictMode::Trained => Some("logs"),
    };
    let named: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .enumerate()
        .map(|(i, d)| (format!("f{i}"), d))
        .collect();
    let compressor = Pool::compressor(config.clone(), provider.clone()).unwrap();
    let frames = run_ok(compressor, &named, category, sized)?;
    let framed: Vec<(String, Vec<u8>)> = named.iter().map(|(n, _)| n.clone()).zip(frames).collect();
    let decompressor = Pool::decompressor(config, provider).unwrap();
    let back = run_ok(decompressor, &framed, category, false)?;
    for ((name, data), out) in named.iter().zip(back) {
        prop_assert!(
            *data == out,
            "{} ({} bytes) came back as {} bytes",
            name,
            data.len(),
            out.len()
        );
    }
    Ok(())
}

/// Runs `test` on `cases` values of `strategy`; on failure panics with the minimal input.
/// Prints a summary line built by `summary` from the counts gathered in `tally`.
fn check<S: Strategy>(
    name: &str,
    default_cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let started = std::time::Instant::now();
    let mut runner = TestRunner::new(proptest_config(default_cases));
    if let Err(e) = runner.run(&strategy, test) {
        panic!("{name}: {e}");
    }
    eprintln!(
        "properties: {name}: {} cases passed in {:.1} s",
        runner.config().cases,
        started.elapsed().as_secs_f64()
    );
}

/// Bytes and entries seen by a property, for its summary line.
#[derive(Default)]
struct Seen {
    entries: AtomicUsize,
    bytes: AtomicUsize,
    rejected: AtomicUsize,
}

#[test]
fn any_bytes_round_trip() {
    let seen = Arc::new(Seen::default());
    let strategy = (
        prop::collection::vec(data(), 1..5),
        level(),
        any::<bool>(),
        dict_mode(),
        1usize..=4,
        any::<bool>(),
    );
    check(
        "round trip",
        96,
        strategy,
        |(files, level, checksum, mode, workers, sized)| {
            seen.entries.fetch_add(files.len(), SeqCst);
            seen.bytes
                .fetch_add(files.iter().map(Vec::len).sum(), SeqCst);
            common::with_deadline("round trip", CASE_DEADLINE, move || {
                round_trip(files, level, checksum, mode, workers, sized)
            })
        },
    );
    eprintln!(
        "properties: round trip: {} entries, {} bytes, all came back intact",
        seen.entries.load(SeqCst),
        seen.bytes.load(SeqCst)
    );
}

/// An input for the decompressor: its bytes, and the original when they are an undamaged
/// frame of it.
#[derive(Clone, Debug)]
struct Input {
    bytes: Vec<u8>,
    intact: Option<Vec<u8>>,
    with_dict: bool,
}

fn frame_of(data: &[u8], level: i32, checksum: bool, with_dict: bool) -> Vec<u8> {
    let cdict = with_dict.then(|| CDict::new(stored_dictionary(), level).unwrap());
    CCtx::new(level, checksum)
        .unwrap()
        .compress_to_vec(cdict.as_ref(), data)
        .unwrap()
}

fn decompressor_input() -> impl Strategy<Value = Input> {
    let valid = (data(), -5i32..=9, any::<bool>(), any::<bool>());
    prop_oneof![
        // Random bytes.
        prop::collection::vec(any::<u8>(), 0..4096).prop_map(|bytes| Input {
            bytes,
            intact: None,
            with_dict: false
        }),
        // The zstd magic number followed by random bytes.
        prop::collection::vec(any::<u8>(), 0..512).prop_map(|rest| Input {
            bytes: [&[0x28, 0xB5, 0x2F, 0xFD][..], &rest].concat(),
            intact: None,
            with_dict: false,
        }),
        // A valid frame, intact.
        valid
            .clone()
            .prop_map(|(data, level, checksum, with_dict)| Input {
                bytes: frame_of(&data, level, checksum, with_dict),
                intact: Some(data),
                with_dict,
            }),
        // A valid frame with bytes changed, cut short, or followed by random bytes.
        (
            valid,
            prop::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 0..6),
            any::<prop::sample::Index>(),
            0u8..3,
            prop::collection::vec(any::<u8>(), 1..32)
        )
            .prop_map(
                |((data, level, checksum, with_dict), flips, cut, how, tail)| {
                    let mut bytes = frame_of(&data, level, checksum, with_dict);
                    match how {
                        0 => {
                            for (at, xor) in flips {
                                let i = at.index(bytes.len());
                                bytes[i] ^= xor;
                            }
                        }
                        1 => bytes.truncate(cut.index(bytes.len())),
                        _ => bytes.extend_from_slice(&tail),
                    }
                    Input {
                        bytes,
                        intact: None,
                        with_dict,
                    }
                }
            ),
    ]
}

fn decompress_anything(
    inputs: Vec<Input>,
    workers: usize,
    seen: &Seen,
) -> Result<(), TestCaseError> {
    const LIMIT: u64 = 1 << 20;
    let provider = Arc::new(MemoryProvider::new());
    provider.put("d", stored_dictionary()).unwrap();
    let mut config = common::config(workers);
    config.max_decompressed_size = LIMIT;
    let pool = Pool::decompressor(config, provider).unwrap();
    let calls: Arc<Vec<AtomicUsize>> =
        Arc::new((0..inputs.len()).map(|_| AtomicUsize::new(0)).collect());
    let results: Arc<Mutex<BTreeMap<usize, EntryResult>>> = Arc::default();
    let mut sinks = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let sink = Sink::default();
        let (calls, results) = (Arc::clone(&calls), Arc::clone(&results));
        let category = input.with_dict.then_some("d");
        let entry = Entry::new(
            format!("in{i}"),
            category,
            Cursor::new(input.bytes.clone()),
            sink.clone(),
        )
        .on_complete(move |r| {
            calls[i].fetch_add(1, SeqCst);
            results.lock().unwrap().insert(i, r.clone());
        });
        pool.add(entry).unwrap();
        sinks.push(sink);
    }
    pool.stop();
    prop_assert!(pool.join(None).unwrap());
    let results = results.lock().unwrap();
    for (i, input) in inputs.iter().enumerate() {
        prop_assert_eq!(
            calls[i].load(SeqCst),
            1,
            "in{} ended {} times",
            i,
            calls[i].load(SeqCst)
        );
        let out = sinks[i].bytes();
        prop_assert!(out.len() as u64 <= LIMIT);
        match &results[&i] {
            Ok(done) => {
                prop_assert_eq!(done.bytes_out, out.len() as u64);
                if let Some(data) = &input.intact {
                    prop_assert!(
                        *data == out,
                        "in{}: an intact frame decoded to other bytes",
                        i
                    );
                }
            }
            Err(r) => {
                seen.rejected.fetch_add(1, SeqCst);
                prop_assert!(
                    input.intact.is_none(),
                    "in{}: an intact frame was refused: {}",
                    i,
                    r
                );
                prop_assert!(
                    common::DECODE_KINDS.contains(&r.error.kind),
                    "in{}: {:?}",
                    i,
                    r.error
                );
                let prefix = format!("in{i}: ");
                prop_assert!(r.error.message.starts_with(&prefix), "{}", r.error.message);
            }
        }
    }
    let t = pool.stats().totals;
    prop_assert_eq!(t.added as usize, inputs.len());
    prop_assert_eq!(t.added, t.done + t.rejected);
    prop_assert_eq!(t.rejected as usize, pool.rejected().len());
    Ok(())
}

#[test]
fn any_input_to_the_decompressor_ends_exactly_once_without_panic() {
    let seen = Arc::new(Seen::default());
    let strategy = (
        prop::collection::vec(decompressor_input(), 1..8),
        1usize..=4,
    );
    check("decompress anything", 256, strategy, |(inputs, workers)| {
        seen.entries.fetch_add(inputs.len(), SeqCst);
        let seen = Arc::clone(&seen);
        common::with_deadline("decompress anything", CASE_DEADLINE, move || {
            decompress_anything(inputs, workers, &seen)
        })
    });
    eprintln!(
        "properties: decompress anything: {} inputs, {} refused with a decode error, none panicked",
        seen.entries.load(SeqCst),
        seen.rejected.load(SeqCst)
    );
}

/// One call on a pool.
#[derive(Clone, Debug)]
enum Op {
    /// Adds an entry of `lines` log lines in category `category` (3: none); a faulty one
    /// fails to read.
    Add {
        category: u8,
        lines: u8,
        faulty: bool,
    },
    /// Adds an entry whose completion callback adds another one (without category).
    AddChained,
    Flush,
    Wait,
    /// Flush then wait: nothing may be pending afterwards.
    FlushWait,
    Stop,
    Join(u8),
    Start,
    Stats,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (0u8..4, 0u8..40, prop::bool::weighted(0.15)).prop_map(|(category, lines, faulty)| Op::Add { category, lines, faulty }),
        1 => Just(Op::AddChained),
        1 => Just(Op::Flush),
        1 => Just(Op::Wait),
        1 => Just(Op::FlushWait),
        1 => Just(Op::Stop),
        1 => (0u8..20).prop_map(Op::Join),
        1 => Just(Op::Start),
        2 => Just(Op::Stats),
    ]
}

/// Bookkeeping of one entry: its completions and whether it must be rejected.
struct Tracked {
    name: String,
    faulty: bool,
    calls: Arc<AtomicUsize>,
    result: Arc<Mutex<Option<EntryResult>>>,
}

/// What the test knows about the pool's entries (shared with chaining callbacks).
struct Model {
    pool: Weak<Pool>,
    entries: Mutex<Vec<Tracked>>,
    refused: Mutex<Vec<Tracked>>,
    completions: AtomicUsize,
}

impl Model {
    /// An entry that records its completion; with `chain`, its callback adds another entry.
    fn entry(
        self: &Arc<Self>,
        name: String,
        category: Option<String>,
        data: Vec<u8>,
        faulty: bool,
        chain: bool,
    ) -> (Entry, Tracked) {
        let calls = Arc::new(AtomicUsize::new(0));
        let result: Arc<Mutex<Option<EntryResult>>> = Arc::default();
        let tracked = Tracked {
            name: name.clone(),
            faulty,
            calls: Arc::clone(&calls),
            result: Arc::clone(&result),
        };
        let input: Box<dyn std::io::Read + Send> = if faulty {
            Box::new(FailingReader {
                data: data.clone(),
                pos: 0,
                fail_at: data.len() / 2,
            })
        } else {
            Box::new(Cursor::new(data))
        };
        let model = Arc::downgrade(self);
        let entry = Entry::new(name.clone(), category.as_deref(), input, Sink::default())
            .on_complete(move |r| {
                *result.lock().unwrap() = Some(r.clone());
                calls.fetch_add(1, SeqCst);
                let Some(model) = model.upgrade() else { return };
                if chain {
                    if let Some(pool) = model.pool.upgrade() {
                        // From a worker: never blocks; refused once the pool stops.
                        let (entry, tracked) = model.entry(
                            format!("{name}+"),
                            None,
                            b"chained".to_vec(),
                            false,
                            false,
                        );
                        match pool.add(entry) {
                            Ok(()) => model.entries.lock().unwrap().push(tracked),
                            Err(e) => {
                                assert_eq!(e.kind, ErrorKind::Stopped);
                                model.refused.lock().unwrap().push(tracked);
                            }
                        }
                    }
                }
                model.completions.fetch_add(1, SeqCst);
            });
        (entry, tracked)
    }
}

fn api_sequence(
    ops: Vec<Op>,
    workers: usize,
    capacity: usize,
    min_samples: usize,
    drop_at_end: bool,
) -> Result<(), TestCaseError> {
    let mut config = common::config(workers);
    config.queue_capacity = capacity;
    config.training.min_samples = min_samples;
    config.training.max_samples = min_samples.max(2) * 2;
    config.training.effort = 0;
    let pool = Arc::new(Pool::compressor(config, Arc::new(MemoryProvider::new())).unwrap());
    let model = Arc::new(Model {
        pool: Arc::downgrade(&pool),
        entries: Mutex::default(),
        refused: Mutex::default(),
        completions: AtomicUsize::new(0),
    });
    let mut stopped = false;
    for (step, op) in ops.iter().enumerate() {
        let add = |entry: Entry, tracked: Tracked| -> Result<(), TestCaseError> {
            let added = pool.add(entry);
            prop_assert_eq!(
                added.is_ok(),
                !stopped,
                "step {}: add gave {:?}",
                step,
                added
            );
            match added {
                Ok(()) => model.entries.lock().unwrap().push(tracked),
                Err(e) => {
                    prop_assert_eq!(e.kind, ErrorKind::Stopped);
                    model.refused.lock().unwrap().push(tracked);
                }
            }
            Ok(())
        };
        match op {
            Op::Add {
                category,
                lines,
                faulty,
            } => {
                let category = (*category < 3).then(|| format!("c{category}"));
                let data = common::log_text(
                    u32::from(category.is_some()),
                    step as u64,
                    usize::from(*lines),
                );
                let (entry, tracked) =
                    model.entry(format!("s{step}"), category, data, *faulty, false);
                add(entry, tracked)?;
            }
            Op::AddChained => {
                let (entry, tracked) =
                    model.entry(format!("s{step}"), None, b"first".to_vec(), false, true);
                add(entry, tracked)?;
            }
            Op::Flush => pool.flush(),
            Op::Wait => {
                pool.wait().unwrap();
            }
            Op::FlushWait => {
                pool.flush();
                pool.wait().unwrap();
                // Chained entries have no category, so waiting covers them too.
                let t = pool.stats().totals;
                prop_assert_eq!(
                    t.pending(),
                    0,
                    "step {}: pending after flush + wait: {:?}",
                    step,
                    t
                );
            }
            Op::Stop => {
                pool.stop();
                stopped = true;
                prop_assert!(matches!(
                    pool.state(),
                    Lifecycle::Stopping | Lifecycle::Stopped
                ));
            }
            Op::Join(ms) => {
                let joined = pool
                    .join(Some(Duration::from_millis(u64::from(*ms))))
                    .unwrap();
                prop_assert!(
                    stopped || !joined,
                    "step {}: joined a pool that was never stopped",
                    step
                );
                if joined {
                    prop_assert_eq!(pool.state(), Lifecycle::Stopped);
                }
            }
            Op::Start => {
                prop_assert_eq!(pool.start().is_ok(), !stopped);
                if !stopped {
                    prop_assert_eq!(pool.state(), Lifecycle::Running);
                }
            }
            Op::Stats => {}
        }
        // Invariants after every step, read in this order: an entry is listed only after
        // `add` returned, called back only after it was added, and counted as finished only
        // after its callback returned.
        let accepted = model.entries.lock().unwrap().len() as u64;
        let called_before = model.completions.load(SeqCst) as u64;
        let t = pool.stats().totals;
        let completions = model.completions.load(SeqCst) as u64;
        prop_assert!(
            called_before <= t.added,
            "step {}: {} completions for {:?}",
            step,
            called_before,
            t
        );
        prop_assert!(
            t.added >= accepted,
            "step {}: {:?}, {} accepted",
            step,
            t,
            accepted
        );
        prop_assert!(
            t.done + t.rejected <= completions,
            "step {}: {:?} with {} completions",
            step,
            t,
            completions
        );
        prop_assert!(t.added >= t.done + t.rejected);
    }
    if drop_at_end {
        // Dropping the last handle stops the pool and waits for every entry. A chaining
        // callback may hold a handle for a moment: retry until ours is the last.
        let mut pool = pool;
        loop {
            match Arc::try_unwrap(pool) {
                Ok(last) => break drop(last),
                Err(shared) => {
                    pool = shared;
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
        }
    } else {
        pool.stop();
        prop_assert!(pool.join(None).unwrap());
        prop_assert_eq!(pool.state(), Lifecycle::Stopped);
        let entries = model.entries.lock().unwrap();
        let t = pool.stats().totals;
        prop_assert_eq!(t.added as usize, entries.len());
        prop_assert_eq!(t.added, t.done + t.rejected);
        let mut listed: Vec<String> = pool.rejected().into_iter().map(|r| r.name).collect();
        listed.sort();
        let mut faulty: Vec<String> = entries
            .iter()
            .filter(|e| e.faulty)
            .map(|e| e.name.clone())
            .collect();
        faulty.sort();
        prop_assert_eq!(listed, faulty, "exactly the faulty entries are rejected");
    }
    let entries = model.entries.lock().unwrap();
    prop_assert_eq!(model.completions.load(SeqCst), entries.len());
    for e in entries.iter() {
        prop_assert_eq!(
            e.calls.load(SeqCst),
            1,
            "{} ended {} times",
            e.name,
            e.calls.load(SeqCst)
        );
        let result = e.result.lock().unwrap().clone().unwrap();
        if e.faulty {
            prop_assert_eq!(result.err().map(|r| r.error.kind), Some(ErrorKind::Read));
        } else {
            prop_assert!(result.is_ok(), "{}: {:?}", e.name, result);
        }
    }
    for e in model.refused.lock().unwrap().iter() {
        prop_assert_eq!(
            e.calls.load(SeqCst),
            0,
            "refused entry {} was called back",
            e.name
        );
    }
    Ok(())
}

#[test]
fn any_call_sequence_keeps_every_entry_accounted_for() {
    let seen = Arc::new(Seen::default());
    let strategy = (
        prop::collection::vec(op(), 1..40),
        1usize..=4,
        prop_oneof![1usize..=8, Just(4096usize)],
        1usize..=6,
        prop::bool::weighted(0.25),
    );
    check(
        "call sequences",
        256,
        strategy,
        |(ops, workers, capacity, min_samples, drop_at_end)| {
            seen.entries.fetch_add(ops.len(), SeqCst);
            common::with_deadline("call sequence", CASE_DEADLINE, move || {
                api_sequence(ops, workers, capacity, min_samples, drop_at_end)
            })
        },
    );
    eprintln!(
        "properties: call sequences: {} calls, no deadlock, every entry accounted for",
        seen.entries.load(SeqCst)
    );
}
