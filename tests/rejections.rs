//! Every way an entry can fail: it is rejected once, with its kind and a message naming it,
//! and the other entries are unaffected.

mod common;

use std::io::{self, Cursor};
use std::sync::Arc;

use common::{FailingReader, FailingWriter, Results, Sink};
use zstdpool::provider::ProviderError;
use zstdpool::{DictProvider, Entry, ErrorKind, MemoryProvider, Mode, Pool};

/// Runs `entries` plus `good` healthy entries through `pool`; returns the rejections by name
/// after checking every entry ended exactly once and the healthy ones succeeded.
fn run(pool: Pool, entries: Vec<Entry>, good: usize) -> Vec<(String, ErrorKind, String)> {
    let healthy = |i: usize| {
        let text = common::log_text(9, i as u64, 20);
        match pool.mode() {
            Mode::Compress => text,
            Mode::Decompress => zstdpool::libzstd::CCtx::new(3, false)
                .unwrap()
                .compress_to_vec(None, &text)
                .unwrap(),
        }
    };
    let results = Results::default();
    let bad = entries.len();
    for entry in entries {
        pool.add(entry).unwrap();
    }
    for i in 0..good {
        pool.add(results.entry(&format!("good{i}"), None, healthy(i), Sink::default()))
            .unwrap();
    }
    pool.stop();
    assert!(pool.join(None).unwrap());
    assert!(results.get().values().all(|r| r.len() == 1 && r[0].is_ok()));
    let stats = pool.stats();
    assert_eq!(stats.totals.added as usize, bad + good);
    assert_eq!(stats.totals.done as usize, good);
    assert_eq!(stats.totals.rejected as usize, bad);
    let mut out: Vec<_> = pool
        .rejected()
        .into_iter()
        .map(|r| (r.name, r.error.kind, r.error.message))
        .collect();
    out.sort();
    out
}

fn compressor() -> Pool {
    let mut config = common::config(2);
    config.training.enabled = false;
    Pool::compressor(config, Arc::new(MemoryProvider::new())).unwrap()
}

#[test]
fn input_output_and_size_failures_are_rejected() {
    let data = common::log_text(1, 1, 5000);
    let entries = vec![
        Entry::new(
            "read-fails",
            None,
            FailingReader {
                data: data.clone(),
                pos: 0,
                fail_at: 200_000,
            },
            Sink::default(),
        ),
        Entry::new(
            "write-fails",
            None,
            Cursor::new(data.clone()),
            FailingWriter {
                written: 0,
                limit: 10,
            },
        ),
        Entry::new(
            "too-short",
            None,
            Cursor::new(data.clone()),
            Sink::default(),
        )
        .with_size(data.len() as u64 + 1),
        Entry::new("too-long", None, Cursor::new(data.clone()), Sink::default()).with_size(5),
    ];
    let got = run(compressor(), entries, 10);
    assert_eq!(got.len(), 4);
    assert_eq!(
        got[0],
        (
            "read-fails".into(),
            ErrorKind::Read,
            "read-fails: reading the input failed: disk on fire".into()
        )
    );
    assert_eq!(
        got[1],
        (
            "too-long".into(),
            ErrorKind::SizeMismatch,
            "too-long: the input declared 5 bytes but gave more".into()
        )
    );
    assert_eq!(
        got[2],
        (
            "too-short".into(),
            ErrorKind::SizeMismatch,
            format!(
                "too-short: the input declared {} bytes but gave {}",
                data.len() + 1,
                data.len()
            )
        )
    );
    assert_eq!(
        got[3],
        (
            "write-fails".into(),
            ErrorKind::Write,
            "write-fails: writing the output failed: quota exceeded".into()
        )
    );
}

#[test]
fn a_panicking_input_is_rejected_and_the_worker_lives_on() {
    struct Boom;
    impl io::Read for Boom {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            panic!("reader exploded")
        }
    }
    let entries = (0..4)
        .map(|i| Entry::new(format!("boom{i}"), None, Boom, Sink::default()))
        .collect();
    let got = run(compressor(), entries, 50);
    assert_eq!(got.len(), 4);
    for (name, kind, message) in got {
        assert_eq!(kind, ErrorKind::Panic);
        assert_eq!(
            message,
            format!("{name}: internal error (panic): reader exploded")
        );
    }
}

struct BrokenProvider {
    fail_get: bool,
}

impl DictProvider for BrokenProvider {
    fn get(&self, _: &str) -> Result<Option<Vec<u8>>, ProviderError> {
        if self.fail_get {
            Err("store offline".into())
        } else {
            Ok(None)
        }
    }
    fn put(&self, _: &str, _: &[u8]) -> Result<(), ProviderError> {
        Err("store is read-only".into())
    }
}

#[test]
fn a_provider_failing_on_get_rejects_the_category() {
    let pool = Pool::compressor(
        common::config(2),
        Arc::new(BrokenProvider { fail_get: true }),
    )
    .unwrap();
    let entries = (0..3)
        .map(|i| {
            Entry::new(
                format!("e{i}"),
                Some("logs"),
                Cursor::new(common::log_text(1, i, 10)),
                Sink::default(),
            )
        })
        .collect();
    let got = run(pool, entries, 5);
    assert_eq!(got.len(), 3);
    for (name, kind, message) in got {
        assert_eq!(kind, ErrorKind::Provider);
        assert_eq!(
            message,
            format!("{name}: dictionary provider failed to get 'logs': store offline")
        );
    }
}

#[test]
fn a_dictionary_that_is_not_one_rejects_the_category() {
    let provider = Arc::new(MemoryProvider::new());
    provider.put("logs", b"this is not a dictionary").unwrap();
    let pool = Pool::compressor(common::config(2), provider).unwrap();
    let entries = vec![Entry::new(
        "e",
        Some("logs"),
        Cursor::new(b"x".to_vec()),
        Sink::default(),
    )];
    let got = run(pool, entries, 1);
    assert_eq!(got[0].1, ErrorKind::BadDictionary);
    assert_eq!(
        got[0].2,
        "e: dictionary 'logs' from the provider: not a zstd dictionary (no dictionary magic number)"
    );
}

#[test]
fn decompression_refuses_bad_input_each_with_its_own_error() {
    let config = common::config(2);
    let provider = Arc::new(MemoryProvider::new());
    let text = common::log_text(2, 7, 400);
    let frame = zstdpool::libzstd::CCtx::new(3, true)
        .unwrap()
        .compress_to_vec(None, &text)
        .unwrap();
    let mut flipped = frame.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x55;
    let mut limited = config.clone();
    limited.max_decompressed_size = 1000;
    let cases: Vec<(&str, Vec<u8>, ErrorKind)> = vec![
        ("empty", vec![], ErrorKind::EmptyInput),
        ("not-zstd", b"hello, world".to_vec(), ErrorKind::NotZstd),
        (
            "truncated",
            frame[..frame.len() - 7].to_vec(),
            ErrorKind::Truncated,
        ),
        ("header-only", frame[..6].to_vec(), ErrorKind::Truncated),
        ("flipped", flipped, ErrorKind::Corrupt),
        (
            "garbage-after",
            [frame.clone(), b"junk!".to_vec()].concat(),
            ErrorKind::NotZstd,
        ),
    ];
    let pool = Pool::decompressor(config.clone(), provider.clone()).unwrap();
    let entries = cases
        .iter()
        .map(|(n, d, _)| Entry::new(*n, None, Cursor::new(d.clone()), Sink::default()))
        .collect();
    let got = run(pool, entries, 5);
    let mut want: Vec<_> = cases.iter().map(|(n, _, k)| (n.to_string(), *k)).collect();
    want.sort();
    assert_eq!(
        got.iter()
            .map(|(n, k, _)| (n.clone(), *k))
            .collect::<Vec<_>>(),
        want
    );
    let message = |name: &str| got.iter().find(|g| g.0 == name).unwrap().2.clone();
    assert_eq!(message("empty"), "empty: empty input: no zstd frame");
    assert_eq!(
        message("not-zstd"),
        "not-zstd: not zstd data (unknown frame magic number)"
    );
    assert!(
        message("truncated").starts_with("truncated: truncated input"),
        "{}",
        message("truncated")
    );
    assert!(
        message("garbage-after").contains("is not a zstd frame"),
        "{}",
        message("garbage-after")
    );

    // Concatenated frames are one valid stream (as for the zstd tool).
    let pool = Pool::decompressor(config.clone(), provider.clone()).unwrap();
    let sink = Sink::default();
    pool.add(Entry::new(
        "two",
        None,
        Cursor::new([frame.clone(), frame.clone()].concat()),
        sink.clone(),
    ))
    .unwrap();
    drop(pool);
    assert_eq!(sink.bytes(), [text.clone(), text.clone()].concat());

    // Over the size limit: rejected, and at most the limit was written.
    let pool = Pool::decompressor(limited, provider).unwrap();
    let sink = Sink::default();
    pool.add(Entry::new("bomb", None, Cursor::new(frame), sink.clone()))
        .unwrap();
    pool.stop();
    pool.join(None).unwrap();
    let rejected = pool.rejected();
    assert_eq!(rejected[0].error.kind, ErrorKind::TooLarge);
    assert_eq!(
        rejected[0].error.message,
        "bomb: decompressed size exceeds the limit of 1000 bytes"
    );
    assert!(sink.bytes().len() <= 1000);
}
