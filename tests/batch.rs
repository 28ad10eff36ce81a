//! Batches: many entries from memory in one call. Byte-exact round trips (with dictionaries
//! trained on the batch's first entries, and found again by category or by frame id), exact
//! accounting per entry and category, rejections with names, back-pressure, the edge cases.

mod common;

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use zstdpool::{BatchItem, BatchOutput, Config, ErrorKind, MemoryProvider, Pool};

/// `n` entries over three categories (and a few without one).
fn items(n: u64) -> Vec<BatchItem> {
    (0..n)
        .map(|i| {
            let kind = (i % 4) as u32;
            BatchItem {
                name: format!("job{i}/file{kind}.log"),
                dict_name: (kind != 3).then(|| format!("kind{kind}")),
                data: common::log_text(kind + 1, i, 10 + (i % 7) as usize),
            }
        })
        .collect()
}

/// Runs one batch through `pool` and returns its output.
fn run(pool: &Pool, batch: Vec<BatchItem>) -> BatchOutput {
    let (tx, rx) = mpsc::channel();
    pool.add_batch(batch, move |output| tx.send(output).unwrap())
        .unwrap();
    pool.flush();
    rx.recv_timeout(Duration::from_secs(60))
        .expect("batch done")
}

#[test]
fn batches_round_trip_with_trained_dictionaries_by_category_and_by_frame_id() {
    let provider = Arc::new(MemoryProvider::new());
    let input = items(2000);
    let compressor = Pool::compressor(common::config(2), provider.clone()).unwrap();
    let frames = run(&compressor, input.clone());
    assert_eq!(frames.len(), 2000);
    assert_eq!(frames.rejected(), 0);
    let stats = compressor.stats();
    assert_eq!(stats.totals.added, 2000);
    assert_eq!(stats.totals.done, 2000);
    let raw: u64 = input.iter().map(|i| i.data.len() as u64).sum();
    assert_eq!(stats.totals.raw_bytes, raw);
    for category in &stats.categories {
        assert_eq!(category.counts.added, 500, "{}", category.name);
        assert_eq!(category.counts.done, 500, "{}", category.name);
    }
    assert_eq!(provider.snapshot().len(), 3, "one dictionary per category");
    assert!(stats.totals.ratio() > 3.0, "ratio {}", stats.totals.ratio());
    // The archive ratio counts the dictionaries too.
    let dicts: u64 = stats.categories.iter().map(|c| c.dict_size as u64).sum();
    assert!(dicts > 0);
    let expected = raw as f64 / (stats.totals.compressed_bytes + dicts) as f64;
    assert!((stats.archive_ratio() - expected).abs() < 1e-9);
    assert!(stats.archive_ratio() < stats.totals.ratio());

    let decompressor = Pool::decompressor(common::config(2), provider).unwrap();
    for by_category in [true, false] {
        let back: Vec<BatchItem> = input
            .iter()
            .enumerate()
            .map(|(i, item)| BatchItem {
                name: item.name.clone(),
                dict_name: if by_category {
                    item.dict_name.clone()
                } else {
                    None
                },
                data: frames.get(i).unwrap().to_vec(),
            })
            .collect();
        let output = run(&decompressor, back);
        for (i, item) in input.iter().enumerate() {
            assert_eq!(output.get(i).unwrap(), &item.data[..], "{}", item.name);
        }
    }
    assert_eq!(decompressor.totals().done, 4000);
}

#[test]
fn bad_entries_are_rejected_with_their_names_and_the_rest_decode() {
    let provider = Arc::new(MemoryProvider::new());
    let input = items(300);
    let compressor = Pool::compressor(common::config(2), provider.clone()).unwrap();
    let frames = run(&compressor, input.clone());
    let mut batch: Vec<BatchItem> = input
        .iter()
        .enumerate()
        .map(|(i, item)| BatchItem {
            name: item.name.clone(),
            dict_name: item.dict_name.clone(),
            data: frames.get(i).unwrap().to_vec(),
        })
        .collect();
    batch[5].data = b"not zstd at all".to_vec();
    let half = batch[7].data.len() / 2;
    batch[7].data.truncate(half);
    batch[9].data.clear();
    let decompressor = Pool::decompressor(common::config(2), provider).unwrap();
    let output = run(&decompressor, batch.clone());
    assert_eq!(output.rejected(), 3);
    for (i, kind) in [
        (5, ErrorKind::NotZstd),
        (7, ErrorKind::Truncated),
        (9, ErrorKind::EmptyInput),
    ] {
        let rejection = output.get(i).unwrap_err();
        assert_eq!(rejection.error.kind, kind, "{}", rejection.error);
        assert_eq!(rejection.name, batch[i].name);
        assert!(
            rejection
                .error
                .message
                .starts_with(&format!("{}: ", batch[i].name))
        );
    }
    for (i, item) in input
        .iter()
        .enumerate()
        .filter(|(i, _)| ![5, 7, 9].contains(i))
    {
        assert_eq!(output.get(i).unwrap(), &item.data[..]);
    }
    let totals = decompressor.totals();
    assert_eq!((totals.added, totals.done, totals.rejected), (300, 297, 3));
    let mut names: Vec<_> = decompressor
        .rejected()
        .into_iter()
        .map(|r| r.name)
        .collect();
    names.sort();
    let mut expected = vec![
        batch[5].name.clone(),
        batch[7].name.clone(),
        batch[9].name.clone(),
    ];
    expected.sort();
    assert_eq!(names, expected);
}

#[test]
fn a_small_queue_bounds_a_large_batch_and_everything_still_ends() {
    let provider = Arc::new(MemoryProvider::new());
    let config = Config {
        queue_capacity: 8,
        ..common::config(2)
    };
    let pool = Pool::compressor(config, provider).unwrap();
    let output = run(&pool, items(3000));
    assert_eq!(output.len(), 3000);
    assert_eq!(output.rejected(), 0);
    assert_eq!(pool.totals().done, 3000);
}

#[test]
fn edge_cases_empty_batches_empty_names_and_stopped_pools() {
    let pool = Pool::compressor(common::config(1), Arc::new(MemoryProvider::new())).unwrap();
    let empty = run(&pool, Vec::new());
    assert!(empty.is_empty());

    let mut bad = items(3);
    bad[1].dict_name = Some(String::new());
    let (tx, rx) = mpsc::channel::<()>();
    let error = pool
        .add_batch(bad, move |_| tx.send(()).unwrap())
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::InvalidArgument);
    assert!(
        error.message.contains("empty dictionary name"),
        "{}",
        error.message
    );
    assert!(
        rx.recv_timeout(Duration::from_millis(100)).is_err(),
        "done not called"
    );
    assert_eq!(pool.totals().added, 0);

    pool.stop();
    let (tx, rx) = mpsc::channel();
    let error = pool
        .add_batch(items(4), move |output| tx.send(output).unwrap())
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Stopped);
    let output = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(output.rejected(), 4);
    assert_eq!(output.get(0).unwrap_err().error.kind, ErrorKind::Stopped);
    assert_eq!(pool.totals().added, 0, "refused entries are not counted");
}

/// Large outputs (above the allocator's mmap threshold, kept by the pool for its next
/// groups once a batch is dropped) come back byte for byte batch after batch, each batch's
/// own: a reused buffer never shows an earlier batch's bytes.
#[test]
fn large_outputs_stay_exact_when_their_memory_is_reused() {
    let provider = Arc::new(MemoryProvider::new());
    let mut config = common::config(2);
    config.training.enabled = false;
    let batch = |round: u64| -> Vec<BatchItem> {
        (0..6)
            .map(|i| BatchItem {
                name: format!("round{round}/big{i}.log"),
                dict_name: None,
                data: common::log_text(1 + (i % 3) as u32, round * 10 + i, 3000 + 500 * i as usize),
            })
            .collect()
    };
    let compressor = Pool::compressor(config.clone(), provider.clone()).unwrap();
    let decompressor = Pool::decompressor(config, provider).unwrap();
    for round in 0..4 {
        let input = batch(round);
        assert!(
            input.iter().all(|i| i.data.len() > 128 << 10),
            "large entries"
        );
        let frames = run(&compressor, input.clone());
        let back: Vec<BatchItem> = (0..frames.len())
            .map(|i| BatchItem {
                name: input[i].name.clone(),
                dict_name: None,
                data: frames.get(i).unwrap().to_vec(),
            })
            .collect();
        drop(frames);
        let output = run(&decompressor, back);
        for (i, item) in input.iter().enumerate() {
            assert_eq!(
                output.get(i).unwrap(),
                &item.data[..],
                "round {round}, entry {i}"
            );
        }
    }
}
