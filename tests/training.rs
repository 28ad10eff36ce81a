//! Automatic training inside the pool: every outcome, entries waiting and arriving during
//! training, and round trips over many categories and worker counts.

mod common;

use std::sync::Arc;

use common::{Results, Sink};
use jobtree::JobTreeSpec;
use zstdpool::libzstd::dictionary_id;
use zstdpool::trainer::TrainingOutcome;
use zstdpool::{DictStatus, EntryResult, ErrorKind, MemoryProvider, Pool};

fn status_of(pool: &Pool, name: &str) -> DictStatus {
    pool.stats()
        .categories
        .into_iter()
        .find(|c| c.name == name)
        .unwrap()
        .status
}

fn dict_ids(results: &Results) -> Vec<u32> {
    results
        .get()
        .values()
        .map(|r| r[0].as_ref().unwrap().dict_id)
        .collect()
}

#[test]
fn categories_train_their_own_dictionary_and_store_it() {
    let provider = Arc::new(MemoryProvider::new());
    let pool = Pool::compressor(common::config(2), provider.clone()).unwrap();
    let mut by_category = Vec::new();
    for c in 0..3u32 {
        let results = Results::default();
        for i in 0..40 {
            pool.add(results.entry(
                &format!("c{c}/{i}"),
                Some(&format!("c{c}")),
                common::log_text(c, i, 40),
                Sink::default(),
            ))
            .unwrap();
        }
        by_category.push(results);
    }
    pool.stop();
    assert!(pool.join(None).unwrap());
    let stored = provider.snapshot();
    assert_eq!(stored.keys().collect::<Vec<_>>(), vec!["c0", "c1", "c2"]);
    for (c, results) in by_category.iter().enumerate() {
        let name = format!("c{c}");
        let id = dictionary_id(&stored[&name]);
        assert_ne!(id, 0);
        let DictStatus::Trained(TrainingOutcome::Trained {
            id: trained_id,
            size,
        }) = status_of(&pool, &name)
        else {
            panic!("{name}: {:?}", status_of(&pool, &name));
        };
        assert_eq!((trained_id, size), (id, stored[&name].len()));
        assert!(
            dict_ids(results).iter().all(|&d| d == id),
            "every entry of {name} uses its dictionary"
        );
        let stats = pool
            .stats()
            .categories
            .into_iter()
            .find(|s| s.name == name)
            .unwrap();
        assert_eq!((stats.dict_id, stats.dict_size), (id, size));
        assert!(stats.samples >= 8 && stats.sample_bytes > 0);
        assert!(stats.heldback_ratio_with > stats.heldback_ratio_without);
    }
}

#[test]
fn too_few_samples_leave_the_entries_without_dictionary() {
    let provider = Arc::new(MemoryProvider::new());
    let pool = Pool::compressor(common::config(2), provider.clone()).unwrap();
    let results = Results::default();
    pool.add(results.entry(
        "lonely",
        Some("tiny"),
        b"just a few bytes".to_vec(),
        Sink::default(),
    ))
    .unwrap();
    pool.flush();
    pool.wait().unwrap();
    assert!(matches!(
        status_of(&pool, "tiny"),
        DictStatus::Trained(TrainingOutcome::TooFewSamples {
            samples: 1,
            bytes: 16
        })
    ));
    assert_eq!(dict_ids(&results), vec![0]);
    assert!(provider.snapshot().is_empty());
}

#[test]
fn a_dictionary_that_does_not_help_is_not_used() {
    let provider = Arc::new(MemoryProvider::new());
    let pool = Pool::compressor(common::config(2), provider.clone()).unwrap();
    let results = Results::default();
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    for i in 0..30 {
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        pool.add(results.entry(&format!("noise{i}"), Some("noise"), noise, Sink::default()))
            .unwrap();
    }
    pool.stop();
    pool.join(None).unwrap();
    let DictStatus::Trained(TrainingOutcome::DidNotHelp {
        ratio_with,
        ratio_without,
    }) = status_of(&pool, "noise")
    else {
        panic!("{:?}", status_of(&pool, "noise"));
    };
    assert!(
        ratio_with <= ratio_without,
        "{ratio_with} vs {ratio_without}"
    );
    assert!(dict_ids(&results).iter().all(|&d| d == 0));
    assert!(provider.snapshot().is_empty());
}

#[test]
fn a_dictionary_must_pay_for_itself_unless_the_category_is_said_to_be_large() {
    let provider = Arc::new(MemoryProvider::new());
    let mut config = common::config(2);
    config.training.category_volume = 0;
    let pool = Pool::compressor(config, provider.clone()).unwrap();
    pool.set_category_volume("hinted", 1 << 30, 0);
    pool.set_category_volume("unhinted", 1 << 30, 1 << 20);
    pool.set_category_volume("unhinted", 0, 0);
    let (small, hinted) = (Results::default(), Results::default());
    for i in 0..8 {
        for (name, results) in [("unhinted", &small), ("hinted", &hinted)] {
            pool.add(results.entry(
                &format!("{name}/{i}"),
                Some(name),
                common::log_text(5, i, 3),
                Sink::default(),
            ))
            .unwrap();
        }
    }
    pool.stop();
    assert!(pool.join(None).unwrap());
    // 8 entries of 300 bytes: no dictionary can save its own size on them ...
    assert!(
        matches!(
            status_of(&pool, "unhinted"),
            DictStatus::Trained(TrainingOutcome::DidNotHelp { ratio_with, ratio_without })
                if ratio_with < ratio_without
        ),
        "{:?}",
        status_of(&pool, "unhinted")
    );
    assert!(dict_ids(&small).iter().all(|&d| d == 0));
    // ... but over the gigabyte the caller announced, the same entries' dictionary pays.
    let stored = provider.snapshot();
    assert_eq!(stored.keys().collect::<Vec<_>>(), vec!["hinted"]);
    let id = dictionary_id(&stored["hinted"]);
    assert!(dict_ids(&hinted).iter().all(|&d| d == id && d != 0));
}

#[test]
fn entries_added_while_a_category_trains_wait_for_its_dictionary() {
    let provider = Arc::new(MemoryProvider::new());
    let pool = Pool::compressor(common::config(2), provider.clone()).unwrap();
    let results = Results::default();
    for i in 0..300 {
        pool.add(results.entry(
            &format!("e{i}"),
            Some("logs"),
            common::log_text(4, i, 30),
            Sink::default(),
        ))
        .unwrap();
    }
    pool.stop();
    pool.join(None).unwrap();
    let id = dictionary_id(&provider.snapshot()["logs"]);
    let ids = dict_ids(&results);
    assert_eq!(ids.len(), 300);
    assert!(
        ids.iter().all(|&d| d == id),
        "all 300 entries use the one trained dictionary"
    );
}

#[test]
fn with_training_disabled_entries_without_a_dictionary_are_compressed_plainly() {
    let mut config = common::config(2);
    config.training.enabled = false;
    let pool = Pool::compressor(config, Arc::new(MemoryProvider::new())).unwrap();
    let results = Results::default();
    for i in 0..20 {
        pool.add(results.entry(
            &format!("e{i}"),
            Some("logs"),
            common::log_text(5, i, 30),
            Sink::default(),
        ))
        .unwrap();
    }
    pool.wait().unwrap(); // nothing waits for samples: wait alone finishes everything
    assert_eq!(results.get().len(), 20);
    assert_eq!(status_of(&pool, "logs"), DictStatus::Absent);
    assert!(dict_ids(&results).iter().all(|&d| d == 0));
}

#[test]
fn a_provider_that_cannot_store_the_dictionary_gets_the_entries_rejected() {
    struct ReadOnly;
    impl zstdpool::DictProvider for ReadOnly {
        fn get(&self, _: &str) -> Result<Option<Vec<u8>>, zstdpool::provider::ProviderError> {
            Ok(None)
        }
        fn put(&self, _: &str, _: &[u8]) -> Result<(), zstdpool::provider::ProviderError> {
            Err("read-only store".into())
        }
    }
    let pool = Pool::compressor(common::config(2), Arc::new(ReadOnly)).unwrap();
    let results = Results::default();
    for i in 0..20 {
        pool.add(results.entry(
            &format!("e{i}"),
            Some("logs"),
            common::log_text(6, i, 30),
            Sink::default(),
        ))
        .unwrap();
    }
    pool.stop();
    pool.join(None).unwrap();
    let all: Vec<EntryResult> = results
        .get()
        .into_values()
        .map(|mut r| r.remove(0))
        .collect();
    assert_eq!(all.len(), 20);
    for r in all {
        let rejection = r.unwrap_err();
        assert_eq!(rejection.error.kind, ErrorKind::Provider);
        let expected = format!(
            "{}: dictionary provider failed to store 'logs': read-only store",
            rejection.name
        );
        assert_eq!(rejection.error.message, expected);
    }
    assert!(matches!(status_of(&pool, "logs"), DictStatus::Failed(_)));
}

#[test]
fn job_trees_round_trip_byte_for_byte_with_any_number_of_workers() {
    let spec = JobTreeSpec {
        jobs: 30,
        seed: 7,
        production: 777,
    };
    let files: Vec<_> = jobtree::generate_tree(&spec)
        .map(|f| (f.path, Some(f.category), f.data))
        .collect();
    let categories: std::collections::BTreeSet<_> = files.iter().map(|f| f.1.clone()).collect();
    assert!(categories.len() >= 9, "{categories:?}");
    for workers in [1, 2, 4] {
        let provider = Arc::new(MemoryProvider::new());
        let frames = common::compress_all(common::config(workers), provider.clone(), &files);
        let back: Vec<_> = files
            .iter()
            .map(|(n, c, _)| (n.clone(), c.clone(), frames[n].clone()))
            .collect();
        let restored = common::decompress_all(common::config(workers), provider, &back);
        for (name, _, data) in &files {
            assert!(restored[name] == *data, "{name} with {workers} workers");
        }
    }
}

/// A memory provider whose `get` takes its time, so that entries pile up while it looks.
struct SlowProvider(MemoryProvider, std::time::Duration);

impl zstdpool::DictProvider for SlowProvider {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, zstdpool::provider::ProviderError> {
        std::thread::sleep(self.1);
        self.0.get(name)
    }
    fn put(&self, name: &str, dict: &[u8]) -> Result<(), zstdpool::provider::ProviderError> {
        self.0.put(name, dict)
    }
}

#[test]
fn a_category_trains_on_the_same_entries_however_long_its_look_up_takes() {
    let trained = |delay_ms: u64| {
        let provider = Arc::new(SlowProvider(
            MemoryProvider::new(),
            std::time::Duration::from_millis(delay_ms),
        ));
        let pool = Pool::compressor(common::config(2), provider.clone()).unwrap();
        let results = Results::default();
        for i in 0..200 {
            pool.add(results.entry(
                &format!("e{i}"),
                Some("logs"),
                common::log_text(8, i, 30),
                Sink::default(),
            ))
            .unwrap();
        }
        pool.stop();
        pool.join(None).unwrap();
        let stats = pool
            .stats()
            .categories
            .into_iter()
            .find(|c| c.name == "logs")
            .unwrap();
        (provider.0.snapshot()["logs"].clone(), stats.samples)
    };
    let (fast, fast_samples) = trained(0);
    let (slow, slow_samples) = trained(100);
    // min_samples is 8 (common::config): the first 8 entries, whenever they were released.
    assert_eq!((fast_samples, slow_samples), (8, 8));
    assert!(fast == slow, "the same samples give the same dictionary");
}
