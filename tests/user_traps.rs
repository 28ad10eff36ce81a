//! What new users tripped over: cancelling, `wait` while entries collect samples, a bounded
//! rejection list, and one bad entry that must not poison a category's training.

mod common;

use std::io::{self, Cursor, Read};
use std::sync::Arc;
use std::time::Duration;

use common::{Results, Sink};
use zstdpool::{Config, DictStatus, Entry, ErrorKind, MemoryProvider, Pool};

/// An input that takes `delay` before giving its data.
struct Slow {
    data: Cursor<Vec<u8>>,
    delay: Duration,
}

impl Read for Slow {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        std::thread::sleep(std::mem::take(&mut self.delay));
        self.data.read(buf)
    }
}

#[test]
fn cancel_rejects_what_is_queued_and_lets_running_entries_finish() {
    let mut config = common::config(1);
    config.training.enabled = false;
    let provider = Arc::new(MemoryProvider::new());
    let pool = Pool::compressor(config, provider).unwrap();
    let results = Results::default();
    for i in 0..20 {
        let results = results.clone();
        let name = format!("slow{i}");
        let input = Slow {
            data: Cursor::new(common::log_text(1, i, 5)),
            delay: Duration::from_millis(30),
        };
        let entry = Entry::new(name.clone(), None, input, Sink::default()).on_complete(move |r| {
            results
                .0
                .lock()
                .unwrap()
                .entry(name)
                .or_default()
                .push(r.clone());
        });
        pool.add(entry).unwrap();
    }
    std::thread::sleep(Duration::from_millis(10)); // the first entry is being read
    pool.cancel();
    assert!(pool.join(None).unwrap());
    let results = results.get();
    assert_eq!(results.len(), 20, "every entry ended");
    let cancelled = results
        .values()
        .filter(|r| matches!(&r[..], [Err(e)] if e.error.kind == ErrorKind::Cancelled))
        .count();
    let done = results
        .values()
        .filter(|r| matches!(&r[..], [Ok(_)]))
        .count();
    assert_eq!(cancelled + done, 20, "each ended once, done or cancelled");
    assert!(
        done >= 1 && cancelled >= 15,
        "done {done}, cancelled {cancelled}"
    );
    let totals = pool.totals();
    assert_eq!(
        (totals.added, totals.done, totals.rejected),
        (20, done as u64, cancelled as u64)
    );
    let rejection = &pool.rejected()[0];
    assert_eq!(rejection.error.kind, ErrorKind::Cancelled);
    assert!(
        rejection
            .error
            .message
            .ends_with(": cancelled before it was processed")
    );
    assert_eq!(
        pool.add(Entry::new("late", None, io::empty(), Sink::default()))
            .unwrap_err()
            .kind,
        ErrorKind::Stopped
    );
}

#[test]
fn cancel_rejects_entries_waiting_for_samples_without_training() {
    let provider = Arc::new(MemoryProvider::new());
    let mut config = common::config(2);
    config.training.min_samples = 64;
    let pool = Pool::compressor(config, provider.clone()).unwrap();
    let results = Results::default();
    for i in 0..5 {
        pool.add(results.entry(
            &format!("e{i}"),
            Some("logs"),
            common::log_text(1, i, 20),
            Sink::default(),
        ))
        .unwrap();
    }
    // wait returns with the five still collecting, and says so.
    assert_eq!(pool.wait().unwrap(), 5);
    assert_eq!(pool.collecting(), 5);
    pool.cancel();
    assert!(pool.join(None).unwrap());
    let results = results.get();
    assert!(
        results
            .values()
            .all(|r| matches!(&r[..], [Err(e)] if e.error.kind == ErrorKind::Cancelled))
    );
    assert!(provider.snapshot().is_empty(), "nothing was trained");
    assert_eq!(pool.collecting(), 0);
}

#[test]
fn wait_reports_zero_once_flush_released_everything() {
    let pool = Pool::compressor(common::config(2), Arc::new(MemoryProvider::new())).unwrap();
    let results = Results::default();
    for i in 0..5 {
        pool.add(results.entry(
            &format!("e{i}"),
            Some("logs"),
            common::log_text(1, i, 20),
            Sink::default(),
        ))
        .unwrap();
    }
    pool.flush();
    assert_eq!(pool.wait().unwrap(), 0);
    assert_eq!(pool.totals().done, 5);
}

#[test]
fn the_rejection_list_is_bounded_and_the_count_stays_exact() {
    let config = Config {
        max_rejections: 10,
        ..common::config(2)
    };
    let pool = Pool::decompressor(config, Arc::new(MemoryProvider::new())).unwrap();
    let results = Results::default();
    for i in 0..50 {
        pool.add(results.entry(
            &format!("bad{i}"),
            None,
            b"not a frame".to_vec(),
            Sink::default(),
        ))
        .unwrap();
    }
    pool.stop();
    assert!(pool.join(None).unwrap());
    assert_eq!(pool.totals().rejected, 50);
    assert_eq!(pool.rejected().len(), 10);
    assert_eq!(pool.rejected_listed(), 10);
    assert_eq!(
        results.get().len(),
        50,
        "every completion callback still ran"
    );
}

#[test]
fn one_entry_declaring_a_terabyte_does_not_start_training_alone() {
    let provider = Arc::new(MemoryProvider::new());
    let mut config = common::config(2);
    config.training.min_samples = 64;
    config.training.min_bytes = 0;
    config.training.category_volume = 1 << 30;
    let pool = Pool::compressor(config, provider).unwrap();
    let results = Results::default();
    let liar = Entry::new(
        "liar",
        Some("logs"),
        Cursor::new(common::log_text(1, 0, 20)),
        Sink::default(),
    )
    .with_size(1 << 40);
    pool.add(liar).unwrap();
    for i in 1..300 {
        pool.add(results.entry(
            &format!("e{i}"),
            Some("logs"),
            common::log_text(1, i, 20),
            Sink::default(),
        ))
        .unwrap();
    }
    pool.stop();
    assert!(pool.join(None).unwrap());
    let stats = pool.stats();
    let logs = &stats.categories[0];
    assert!(
        matches!(
            logs.status,
            DictStatus::Trained(zstdpool::trainer::TrainingOutcome::Trained { .. })
        ),
        "{:?}",
        logs.status
    );
    assert!(logs.samples >= 63, "trained on {} samples", logs.samples);
    let rejected = pool.rejected();
    assert_eq!(rejected.len(), 1);
    assert_eq!(
        (rejected[0].name.as_str(), rejected[0].error.kind),
        ("liar", ErrorKind::SizeMismatch)
    );
}

#[test]
fn a_queue_smaller_than_the_samples_needed_trains_early_and_says_so() {
    let mut config = common::config(2);
    config.queue_capacity = 4;
    config.training.min_samples = 64;
    let pool = Pool::compressor(config, Arc::new(MemoryProvider::new())).unwrap();
    let results = Results::default();
    for i in 0..40 {
        pool.add(results.entry(
            &format!("e{i}"),
            Some("logs"),
            common::log_text(1, i, 20),
            Sink::default(),
        ))
        .unwrap();
    }
    pool.stop();
    assert!(pool.join(None).unwrap());
    let logs = &pool.stats().categories[0];
    assert_eq!(logs.trained_early_at, 4);
    assert!(logs.samples <= 4, "{} samples", logs.samples);
    assert_eq!(pool.totals().done, 40);
}
