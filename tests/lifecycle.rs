//! The pool's lifecycle: states, start/add/flush/wait/stop/join, their errors and the
//! memory bound of `add`.

mod common;

use std::io::Cursor;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Results, Sink};
use zstdpool::{Config, Entry, ErrorKind, Lifecycle, MemoryProvider, Pool};

fn pool(config: Config) -> Pool {
    Pool::compressor(config, Arc::new(MemoryProvider::new())).unwrap()
}

#[test]
fn states_follow_start_stop_join() {
    let p = pool(common::config(2));
    assert_eq!(p.state(), Lifecycle::Idle);
    p.start().unwrap();
    assert_eq!(p.state(), Lifecycle::Running);
    p.start().unwrap();
    assert_eq!(p.state(), Lifecycle::Running);
    p.stop();
    assert!(matches!(
        p.state(),
        Lifecycle::Stopping | Lifecycle::Stopped
    ));
    assert!(p.join(Some(Duration::from_secs(10))).unwrap());
    assert_eq!(p.state(), Lifecycle::Stopped);
    p.stop();
    assert_eq!(p.state(), Lifecycle::Stopped);
    assert_eq!(p.start().unwrap_err().kind, ErrorKind::Stopped);
}

#[test]
fn add_starts_the_pool_and_add_after_stop_is_refused() {
    let p = pool(common::config(1));
    let results = Results::default();
    p.add(results.entry("a", None, b"hello".to_vec(), Sink::default()))
        .unwrap();
    assert_eq!(p.state(), Lifecycle::Running);
    p.stop();
    let err = p
        .add(results.entry("b", None, b"late".to_vec(), Sink::default()))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Stopped);
    assert!(err.message.contains("stopped"), "{}", err.message);
    assert!(p.join(None).unwrap());
    let got = results.get();
    assert_eq!(got.len(), 1, "the refused entry's callback must never run");
    assert!(got["a"][0].is_ok());
}

#[test]
fn stopping_an_idle_pool_stops_it_at_once() {
    let p = pool(common::config(2));
    p.stop();
    assert_eq!(p.state(), Lifecycle::Stopped);
    assert!(p.join(Some(Duration::ZERO)).unwrap());
}

#[test]
fn join_times_out_while_running() {
    let p = pool(common::config(2));
    p.start().unwrap();
    assert!(!p.join(Some(Duration::from_millis(50))).unwrap());
    assert_eq!(p.state(), Lifecycle::Running);
}

#[test]
fn wait_leaves_collecting_entries_until_flush() {
    let mut config = common::config(2);
    config.training.min_samples = 1000;
    let p = pool(config);
    let results = Results::default();
    for i in 0..5 {
        p.add(results.entry(
            &format!("e{i}"),
            Some("cat"),
            common::log_text(1, i, 50),
            Sink::default(),
        ))
        .unwrap();
    }
    p.add(results.entry("plain", None, b"no category".to_vec(), Sink::default()))
        .unwrap();
    p.wait().unwrap();
    let got = results.get();
    assert_eq!(
        got.len(),
        1,
        "only the entry without category can finish before flush"
    );
    assert_eq!(p.stats().totals.pending(), 5);
    p.flush();
    p.wait().unwrap();
    assert_eq!(results.get().len(), 6);
    let stats = p.stats();
    assert_eq!(stats.totals.added, 6);
    assert_eq!(stats.totals.done + stats.totals.rejected, 6);
}

#[test]
fn stop_finishes_entries_still_waiting_for_samples() {
    let mut config = common::config(2);
    config.training.min_samples = 1000;
    let p = pool(config);
    let results = Results::default();
    for i in 0..20 {
        p.add(results.entry(
            &format!("e{i}"),
            Some("cat"),
            common::log_text(2, i, 40),
            Sink::default(),
        ))
        .unwrap();
    }
    p.stop();
    assert!(p.join(None).unwrap());
    assert_eq!(results.get().len(), 20);
    assert_eq!(p.stats().totals.done, 20);
}

#[test]
fn dropping_a_running_pool_finishes_its_entries() {
    let results = Results::default();
    {
        let p = pool(common::config(2));
        for i in 0..30 {
            p.add(results.entry(
                &format!("e{i}"),
                Some("c"),
                common::log_text(3, i, 30),
                Sink::default(),
            ))
            .unwrap();
        }
    }
    let got = results.get();
    assert_eq!(got.len(), 30);
    assert!(got.values().all(|r| r.len() == 1 && r[0].is_ok()));
}

#[test]
fn wait_and_join_from_a_callback_are_refused_not_deadlocked() {
    let p = Arc::new(pool(common::config(2)));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (p2, seen2) = (Arc::clone(&p), Arc::clone(&seen));
    let entry =
        Entry::new("e", None, Cursor::new(b"x".to_vec()), Sink::default()).on_complete(move |_| {
            let wait = p2.wait().unwrap_err().kind;
            let join = p2.join(None).unwrap_err().kind;
            assert!(p2.on_own_worker());
            // Adding and stopping from a callback are allowed.
            p2.add(Entry::new(
                "from-callback",
                None,
                Cursor::new(b"y".to_vec()),
                Sink::default(),
            ))
            .unwrap();
            seen2.lock().unwrap().extend([wait, join]);
        });
    p.add(entry).unwrap();
    p.flush();
    p.wait().unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        vec![ErrorKind::WouldDeadlock, ErrorKind::WouldDeadlock]
    );
    p.stop();
    assert!(p.join(None).unwrap());
    assert_eq!(p.stats().totals.done, 2);
}

#[test]
fn add_blocks_at_the_queue_capacity() {
    let mut config = common::config(2);
    config.queue_capacity = 4;
    config.training.enabled = false;
    let p = pool(config);
    let open = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    for i in 0..200 {
        let now = open.fetch_add(1, Ordering::SeqCst) + 1;
        peak.fetch_max(now, Ordering::SeqCst);
        let open2 = Arc::clone(&open);
        let data = common::log_text(4, i, 20);
        let entry = Entry::new(
            format!("e{i}"),
            Some("c"),
            Cursor::new(data),
            Sink::default(),
        )
        .on_complete(move |_| {
            open2.fetch_sub(1, Ordering::SeqCst);
        });
        p.add(entry).unwrap();
    }
    p.stop();
    assert!(p.join(None).unwrap());
    // `open` counts an entry from just before `add` until its completion: at most the
    // capacity plus the one being added.
    assert!(
        peak.load(Ordering::SeqCst) <= 5,
        "peak {}",
        peak.load(Ordering::SeqCst)
    );
    assert_eq!(p.stats().totals.done, 200);
}

#[test]
fn a_pool_full_of_entries_waiting_for_samples_trains_early_instead_of_blocking() {
    let mut config = common::config(2);
    config.queue_capacity = 8;
    config.training.min_samples = 1000;
    let p = pool(config);
    let results = Results::default();
    for i in 0..100 {
        p.add(results.entry(
            &format!("e{i}"),
            Some(&format!("c{}", i % 3)),
            common::log_text(5, i, 30),
            Sink::default(),
        ))
        .unwrap();
    }
    p.stop();
    assert!(p.join(None).unwrap());
    assert_eq!(results.get().len(), 100);
    assert_eq!(p.stats().totals.done + p.stats().totals.rejected, 100);
}

#[test]
fn config_errors_name_the_field_and_its_range() {
    let bad = |f: fn(&mut Config)| {
        let mut c = Config::default();
        f(&mut c);
        Pool::compressor(c, Arc::new(MemoryProvider::new()))
            .err()
            .unwrap()
    };
    let e = bad(|c| c.level = 99);
    assert_eq!(e.kind, ErrorKind::InvalidConfig);
    assert_eq!(
        e.message,
        "invalid level: 99 is outside the allowed range -131072..=22"
    );
    let e = bad(|c| c.workers = 0);
    assert_eq!(
        e.message,
        "invalid workers: 0 is outside the allowed range 1..=1024"
    );
    let e = bad(|c| {
        c.workers = 4;
        c.processors = 2
    });
    assert_eq!(
        e.message,
        "invalid processors: 2 is outside the allowed range 4..=65536"
    );
    let e = bad(|c| {
        c.workers = 2;
        c.processors = -3
    });
    assert_eq!(
        e.message,
        "invalid processors: -3 is outside the allowed range -2..=-1"
    );
    let e = bad(|c| c.training.max_sample_size = 10);
    assert!(
        e.message
            .starts_with("invalid training.max_sample_size: 10 is outside"),
        "{}",
        e.message
    );
    let e = bad(|c| c.queue_capacity = 0);
    assert!(
        e.message.starts_with("invalid queue_capacity"),
        "{}",
        e.message
    );
    let e = bad(|c| c.training.trainer.d = 7);
    assert!(
        e.message.starts_with("invalid training.trainer.d: 7"),
        "{}",
        e.message
    );
    // Negative fast levels are fine.
    let c = Config {
        level: -5,
        ..Config::default()
    };
    assert!(Pool::compressor(c, Arc::new(MemoryProvider::new())).is_ok());
}

#[test]
fn processors_follow_the_rule() {
    let mut config = common::config(2);
    config.processors = 3;
    config.training.enabled = false;
    let p = pool(config);
    let results = Results::default();
    for i in 0..200 {
        p.add(results.entry(
            &format!("e{i}"),
            Some(&format!("c{}", i % 5)),
            common::log_text(6, i, 10),
            Sink::default(),
        ))
        .unwrap();
    }
    p.stop();
    assert!(p.join(None).unwrap());
    assert!(
        p.processors_created() >= 1 && p.processors_created() <= 3,
        "{}",
        p.processors_created()
    );
}
