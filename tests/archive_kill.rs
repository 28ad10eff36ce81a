//! A conversion killed (SIGKILL) at any point leaves a consistent archive of whole jobs,
//! and rerunning it completes the archive: nothing missing, nothing twice.
//!
//! The test re-runs its own binary as the child that converts (`ZSTDPOOL_KILL_CHILD` says
//! where), kills it after a growing delay, checks the database, and repeats until a child
//! finishes by itself; then a last run in-process must complete the archive.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use common::TempDir;
use jobtree::{JobTreeSpec, log_store_job, write_log_store};
use rusqlite::Connection;
use zstdpool::archive::{Archive, ConvertOptions, convert};

const CHILD: &str = "ZSTDPOOL_KILL_CHILD";

fn spec() -> JobTreeSpec {
    JobTreeSpec {
        jobs: 200,
        seed: 11,
        production: 285_595,
    }
}

/// Small batches and early, quick training, so that commits come all along the run.
fn options() -> ConvertOptions {
    let mut options = ConvertOptions {
        batch_rows: 40,
        ..ConvertOptions::default()
    };
    options.config.workers = 2;
    options.config.training.min_samples = 8;
    options.config.training.min_bytes = 0;
    options.config.training.effort = 0;
    options
}

/// The child: converts DIR/src into DIR/archive.db (does nothing in a normal test run).
#[test]
fn child_converts() {
    let Some(dir) = std::env::var_os(CHILD) else {
        return;
    };
    let dir = Path::new(&dir);
    let archive = Arc::new(Archive::open(dir.join("archive.db")).unwrap());
    convert(&dir.join("src"), &archive, &options(), |_| {}).unwrap();
}

/// Whole jobs only: every job row has all its files, every data row its job.
fn check_consistent(db: &Path, spec: &JobTreeSpec) -> usize {
    let conn = Connection::open(db).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    // Killed before the schema's transaction committed: an empty database, nothing lost.
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('dict', 'job', 'data')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(tables == 0 || tables == 3, "{tables} of the 3 tables");
    if tables == 0 {
        return 0;
    }
    let orphans: i64 = conn
        .query_row(
            "SELECT count(*) FROM data WHERE job NOT IN (SELECT id FROM job)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
    let jobs: Vec<(i64, i64)> = conn
        .prepare("SELECT job.id, count(data.name) FROM job LEFT JOIN data ON data.job = job.id GROUP BY job.id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (id, files) in &jobs {
        let job = log_store_job(spec, *id as usize - 1);
        assert_eq!(*files, job.files.len() as i64, "job {id} is whole");
    }
    jobs.len()
}

#[test]
fn killed_at_any_point_then_rerun_completes() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let dir = TempDir::new("kill");
    let spec = spec();
    write_log_store(&spec, &dir.0.join("src")).unwrap();
    let db = dir.0.join("archive.db");
    let mut kills = 0;
    for step in 1..=40u64 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "child_converts",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env(CHILD, &dir.0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(10 * step));
        let finished = child.try_wait().unwrap().is_some();
        if !finished {
            child.kill().unwrap();
            kills += 1;
        }
        let status = child.wait().unwrap();
        if db.exists() {
            let jobs = check_consistent(&db, &spec);
            eprintln!(
                "run {step}: {} after {} ms, {jobs} whole jobs",
                if finished { "finished" } else { "killed" },
                10 * step
            );
        }
        if finished {
            assert!(status.success(), "the child failed by itself: {status}");
            break;
        }
    }
    assert!(kills > 0, "no child was killed");
    let archive = Arc::new(Archive::open(&db).unwrap());
    let last = convert(&dir.0.join("src"), &archive, &options(), |_| {}).unwrap();
    assert_eq!(last.rejections, []);
    assert_eq!(last.totals.jobs_converted + last.totals.jobs_skipped, 200);
    drop(archive);
    assert_eq!(check_consistent(&db, &spec), 200);
    let archive = Archive::open_read_only(&db).unwrap();
    for index in 0..spec.jobs {
        let job = log_store_job(&spec, index);
        for file in &job.files {
            assert_eq!(
                archive.read(job.number as i64, &file.path).unwrap(),
                file.data
            );
        }
    }
    assert_eq!(archive.verify().unwrap().problems, []);
}
