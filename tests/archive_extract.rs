//! Extracting an archive: every job back as a folder, byte for byte; names that could
//! escape the target and damaged frames are reported, never written.

mod common;

use std::sync::Arc;

use common::TempDir;
use jobtree::{JobTreeSpec, log_store_job, write_log_store};
use rusqlite::{Connection, params};
use zstdpool::ErrorKind;
use zstdpool::archive::{Archive, ConvertOptions, SCHEMA, convert};
use zstdpool::libzstd::CCtx;

#[test]
fn every_job_comes_back_byte_for_byte() {
    let dir = TempDir::new("extract");
    let spec = JobTreeSpec {
        jobs: 12,
        seed: 9,
        production: 285_595,
    };
    let store = write_log_store(&spec, &dir.0.join("src")).unwrap();
    let db = dir.0.join("archive.db");
    let archive = Arc::new(Archive::open(&db).unwrap());
    let mut options = ConvertOptions::default();
    options.config.workers = 2;
    convert(&dir.0.join("src"), &archive, &options, |_| {}).unwrap();
    let out = dir.0.join("out");
    let report = archive.extract(&out).unwrap();
    assert_eq!(report.problems, []);
    assert_eq!(
        (report.jobs, report.files, report.bytes),
        (12, store.files.files as u64, store.files.bytes)
    );
    for index in 0..spec.jobs {
        let job = log_store_job(&spec, index);
        let folder = out.join(format!("{:08}", job.number));
        assert_eq!(std::fs::read_dir(&folder).unwrap().count(), job.files.len());
        for file in &job.files {
            assert_eq!(
                std::fs::read(folder.join(&file.path)).unwrap(),
                file.data,
                "{}",
                file.path
            );
        }
    }
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 12);
}

#[test]
fn unsafe_names_and_damaged_frames_are_reported_not_written() {
    let dir = TempDir::new("extract-unsafe");
    let db = dir.0.join("evil.db");
    let conn = Connection::open(&db).unwrap();
    conn.execute_batch(SCHEMA).unwrap();
    conn.execute_batch(
        "INSERT INTO dict (id, name) VALUES (1, 'x'); INSERT INTO job (id) VALUES (3);",
    )
    .unwrap();
    let mut cctx = CCtx::new(3, true).unwrap();
    let frame = cctx.compress_to_vec(None, b"escaped!").unwrap();
    let mut broken = frame.clone();
    let last = broken.len() - 1;
    broken[last] ^= 0xff;
    for (name, data) in [
        ("../escape", &frame),
        ("a/b", &frame),
        ("", &frame),
        ("broken.log", &broken),
        ("good.log", &frame),
    ] {
        conn.execute(
            "INSERT INTO data (name, job, dict, data) VALUES (?1, 3, 1, ?2)",
            params![name, data],
        )
        .unwrap();
    }
    drop(conn);
    let archive = Archive::open_read_only(&db).unwrap();
    let out = dir.0.join("inner").join("out");
    let report = archive.extract(&out).unwrap();
    let found: Vec<(&str, ErrorKind)> = report
        .problems
        .iter()
        .map(|p| (p.name.as_deref().unwrap(), p.error.kind))
        .collect();
    assert_eq!(
        found,
        [
            ("", ErrorKind::UnsafeName),
            ("../escape", ErrorKind::UnsafeName),
            ("a/b", ErrorKind::UnsafeName),
            ("broken.log", ErrorKind::Corrupt)
        ]
    );
    assert_eq!(
        report.problems[1].error.message,
        format!("{}: job 3: ../escape: `..` in the file name", db.display())
    );
    assert_eq!((report.jobs, report.files), (1, 1));
    let written: Vec<String> = std::fs::read_dir(out.join("00000003"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        written,
        ["good.log"],
        "no partial file of the damaged frame"
    );
    assert!(!dir.0.join("inner").join("escape").exists());
    assert_eq!(std::fs::read_dir(dir.0.join("inner")).unwrap().count(), 1);
}
