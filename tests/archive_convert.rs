//! Converting generated log stores (job ZIPs) and job folders into an archive: every file
//! back byte for byte, through the archive and through the documented plain SQL; resume.

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};

use common::TempDir;
use jobtree::{JobTreeSpec, log_store_job, write_log_store};
use rusqlite::Connection;
use zstdpool::archive::{Archive, ConvertOptions, ConvertSummary, Progress, convert};
use zstdpool::libzstd::{DCtx, DDict};
use zstdpool::{Config, DictStatus};

/// A sub-production small enough for a test, large enough for dictionaries (60 jobs: 60
/// samples per category, a large log at job 26).
fn spec(jobs: usize) -> JobTreeSpec {
    JobTreeSpec {
        jobs,
        seed: 3,
        production: 285_595,
    }
}

fn options() -> ConvertOptions {
    ConvertOptions {
        config: Config {
            workers: 2,
            ..ConvertOptions::default().config
        },
        ..ConvertOptions::default()
    }
}

/// Converts `src` into `db`, returning the summary and every progress report.
fn run(src: &Path, db: &Path) -> (ConvertSummary, Vec<Progress>) {
    let archive = Arc::new(Archive::open(db).unwrap());
    let reports = Mutex::new(Vec::new());
    let summary = convert(src, &archive, &options(), |p| {
        reports.lock().unwrap().push(*p)
    })
    .unwrap();
    (summary, reports.into_inner().unwrap())
}

/// Checks that the archive holds exactly the jobs of indices `jobs` of `spec` (sorted),
/// byte for byte.
fn assert_holds(db: &Path, spec: &JobTreeSpec, jobs: impl IntoIterator<Item = usize>) {
    let archive = Archive::open_read_only(db).unwrap();
    let rows = archive.jobs().unwrap();
    let jobs: Vec<usize> = jobs.into_iter().collect();
    assert_eq!(rows.len(), jobs.len());
    for (row, &index) in rows.iter().zip(&jobs) {
        let job = log_store_job(spec, index);
        assert_eq!(row.id, job.number as i64);
        assert_eq!(row.dirac_id, Some(job.dirac_id as i64));
        assert_eq!(row.success, Some(job.success));
        let mut names: Vec<&str> = job.files.iter().map(|f| f.path.as_str()).collect();
        names.sort_unstable();
        assert_eq!(archive.names(row.id).unwrap(), names);
        for file in &job.files {
            assert_eq!(
                archive.read(row.id, &file.path).unwrap(),
                file.data,
                "{}",
                file.path
            );
        }
    }
    let report = archive.verify().unwrap();
    assert_eq!(report.problems, []);
    assert_eq!(report.without_checksum, 0);
    assert_eq!(report.without_content_size, 0);
}

#[test]
fn a_log_store_converts_and_reads_back_byte_for_byte() {
    let dir = TempDir::new("convert-store");
    let spec = spec(60);
    let store = write_log_store(&spec, &dir.0.join("src")).unwrap();
    let db = dir.0.join("archive.db");
    let (summary, reports) = run(&dir.0.join("src"), &db);
    assert_eq!(summary.rejections, []);
    let totals = summary.totals;
    assert_eq!(
        (
            totals.jobs_total,
            totals.jobs_converted,
            totals.jobs_skipped,
            totals.jobs_failed
        ),
        (60, 60, 0, 0)
    );
    assert_eq!(totals.files, store.files.files as u64);
    assert_eq!(totals.raw_bytes, store.files.bytes);
    assert_eq!(reports.last(), Some(&totals));
    let names: Vec<&str> = summary.categories.iter().map(|c| c.name.as_str()).collect();
    let expected: Vec<&str> = store.files.categories.keys().map(String::as_str).collect();
    assert_eq!(names, expected);
    for category in &summary.categories {
        let (files, bytes) = store.files.categories[&category.name];
        assert_eq!((category.files, category.raw_bytes), (files as u64, bytes));
        assert!(
            matches!(category.status, DictStatus::Trained(_)),
            "{}: {:?}",
            category.name,
            category.status
        );
    }
    let frames: u64 = summary.categories.iter().map(|c| c.frame_bytes).sum();
    assert_eq!(frames, totals.frame_bytes);
    let dicts: u64 = summary.categories.iter().map(|c| c.dict_size).sum();
    assert_eq!(summary.dict_bytes, dicts);
    assert!(summary.frames_ratio() > summary.archive_ratio() && summary.archive_ratio() > 1.0);
    assert_holds(&db, &spec, 0..60);

    // Every category has its dict row, with a dictionary or with data and zstd_id NULL.
    let archive = Archive::open_read_only(&db).unwrap();
    let mut rows = archive.dictionaries().unwrap();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(rows.len(), summary.categories.len());
    for (row, category) in rows.iter().zip(&summary.categories) {
        assert_eq!(row.name, category.name);
        let id = (category.dict_id != 0).then_some(i64::from(category.dict_id));
        assert_eq!(
            (row.zstd_id, row.size),
            (id, id.map(|_| category.dict_size))
        );
    }
}

/// The documented read path, with nothing but SQL and libzstd.
#[test]
fn the_documented_select_reads_every_log() {
    let dir = TempDir::new("convert-sql");
    let spec = spec(12);
    write_log_store(&spec, &dir.0.join("src")).unwrap();
    let db = dir.0.join("archive.db");
    run(&dir.0.join("src"), &db);
    let conn = Connection::open(&db).unwrap();
    let mut select = conn
        .prepare("SELECT data.data, dict.data FROM data JOIN dict ON data.dict = dict.id WHERE data.name = ? AND data.job = ?")
        .unwrap();
    let mut checked = 0;
    for index in 0..spec.jobs {
        let job = log_store_job(&spec, index);
        for file in &job.files {
            let (frame, dict): (Vec<u8>, Option<Vec<u8>>) = select
                .query_row(rusqlite::params![file.path, job.number as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .unwrap();
            let ddict = dict.map(|d| DDict::new(&d).unwrap());
            let mut out = Vec::new();
            DCtx::new()
                .unwrap()
                .decompress_stream(ddict.as_ref(), &mut frame.as_slice(), &mut out, u64::MAX)
                .unwrap();
            assert_eq!(out, file.data);
            checked += 1;
        }
    }
    assert_eq!(checked, 12 * 10 + 12 - spec_failed_files(&spec));
}

/// Files the failed jobs of `spec` do not have (a job failing at step k lacks 2 x (3 - k)).
fn spec_failed_files(spec: &JobTreeSpec) -> usize {
    (0..spec.jobs)
        .map(|i| 11 - log_store_job(spec, i).files.len())
        .sum()
}

#[test]
fn resume_skips_what_is_there_and_converts_the_rest_once() {
    let dir = TempDir::new("convert-resume");
    let spec = spec(30);
    let src = dir.0.join("src");
    write_log_store(&spec, &src).unwrap();
    // A first, partial run: the first 10 ZIPs only.
    let partial = dir.0.join("partial");
    let sub = "LOG/00285595/0000";
    std::fs::create_dir_all(partial.join(sub)).unwrap();
    for index in 0..10 {
        let zip = log_store_job(&spec, index).zip_path;
        std::fs::copy(src.join(&zip), partial.join(&zip)).unwrap();
    }
    let db = dir.0.join("archive.db");
    let (first, _) = run(&partial, &db);
    assert_eq!(first.totals.jobs_converted, 10);
    let dicts_before = Archive::open_read_only(&db)
        .unwrap()
        .dictionaries()
        .unwrap();

    let (second, _) = run(&src, &db);
    let t = second.totals;
    assert_eq!(
        (
            t.jobs_total,
            t.jobs_converted,
            t.jobs_skipped,
            t.jobs_failed
        ),
        (30, 20, 10, 0)
    );
    assert_eq!(second.rejections, []);
    // The dictionaries of the first run are used, never replaced.
    let dicts_after = Archive::open_read_only(&db)
        .unwrap()
        .dictionaries()
        .unwrap();
    assert_eq!(dicts_after, dicts_before);
    for category in &second.categories {
        let before = dicts_before
            .iter()
            .find(|d| d.name == category.name)
            .unwrap();
        match before.zstd_id {
            Some(id) => {
                assert_eq!(category.status, DictStatus::Loaded, "{}", category.name);
                assert_eq!(i64::from(category.dict_id), id);
            }
            None => assert_eq!(category.status, DictStatus::Absent, "{}", category.name),
        }
    }
    assert_holds(&db, &spec, 0..30);

    // A run over a complete archive does nothing.
    let (third, _) = run(&src, &db);
    assert_eq!(
        (third.totals.jobs_converted, third.totals.jobs_skipped),
        (0, 30)
    );

    // A job whose rows are gone (deleted by hand) is converted again, alone.
    let conn = Connection::open(&db).unwrap();
    conn.execute_batch("DELETE FROM data WHERE job = 7; DELETE FROM job WHERE id = 7;")
        .unwrap();
    drop(conn);
    let (fourth, _) = run(&src, &db);
    assert_eq!(
        (fourth.totals.jobs_converted, fourth.totals.jobs_skipped),
        (1, 29)
    );
    assert_holds(&db, &spec, 0..30);
}

#[test]
fn job_folders_convert_too() {
    let dir = TempDir::new("convert-folders");
    let spec = spec(8);
    let tree = jobtree::write_tree(&spec, &dir.0.join("src")).unwrap();
    // A file gzipped by the uploader is stored as it is (here: bytes no gzip tool made).
    let gz_job = dir.0.join("src/00285595/00000002");
    let gz: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    std::fs::write(gz_job.join("std.out.gz"), &gz).unwrap();
    let db = dir.0.join("archive.db");
    let (summary, _) = run(&dir.0.join("src"), &db);
    assert_eq!(summary.rejections, []);
    assert_eq!(
        (summary.totals.jobs_converted, summary.totals.files),
        (8, tree.files as u64 + 1)
    );
    let archive = Archive::open_read_only(&db).unwrap();
    for (row, index) in archive.jobs().unwrap().iter().zip(0..) {
        let job = log_store_job(&spec, index);
        assert_eq!(
            (row.id, row.dirac_id, row.success),
            (job.number as i64, None, Some(job.success))
        );
        for file in jobtree::generate_job(&spec, index) {
            let name = file.path.rsplit('/').next().unwrap();
            assert_eq!(archive.read(row.id, name).unwrap(), file.data);
        }
    }
    assert_eq!(archive.read(2, "std.out.gz").unwrap(), gz);
}

/// Tiny bounds on what waits and on batches: the conversion still completes, exactly.
#[test]
fn tiny_memory_bounds_still_convert_everything() {
    let dir = TempDir::new("convert-bounds");
    let spec = spec(12);
    write_log_store(&spec, &dir.0.join("src")).unwrap();
    let db = dir.0.join("archive.db");
    let archive = Arc::new(Archive::open(&db).unwrap());
    let tiny = ConvertOptions {
        max_waiting_rows: 5,
        max_waiting_bytes: 1,
        batch_rows: 3,
        batch_bytes: 1,
        ..options()
    };
    let mut commits = 0;
    let summary = convert(&dir.0.join("src"), &archive, &tiny, |_| commits += 1).unwrap();
    assert_eq!(
        (summary.totals.jobs_converted, summary.rejections.len()),
        (12, 0)
    );
    assert!(commits >= 12, "one job at a time: {commits} commits");
    drop(archive);
    assert_holds(&db, &spec, 0..12);
}

/// A full disk stops the conversion with its error; the archive keeps whole jobs only,
/// and a rerun with room completes it.
#[test]
fn a_full_disk_stops_the_conversion_and_a_rerun_completes_it() {
    let dir = TempDir::new("convert-full");
    let spec = spec(30);
    let src = dir.0.join("src");
    write_log_store(&spec, &src).unwrap();
    let db = dir.0.join("archive.db");
    let archive = Arc::new(Archive::open(&db).unwrap());
    archive.limit_size(400 << 10).unwrap();
    let mut config = options().config;
    config.training.enabled = false;
    let small_batches = ConvertOptions {
        config,
        batch_rows: 30,
        ..options()
    };
    let error = convert(&src, &archive, &small_batches, |_| {}).unwrap_err();
    assert_eq!(error.kind, zstdpool::ErrorKind::Database);
    assert!(
        error
            .message
            .starts_with(&format!("{}: committing ", db.display())),
        "{}",
        error.message
    );
    assert!(
        error.message.ends_with(": database or disk is full"),
        "{}",
        error.message
    );
    drop(archive);
    let partial = Archive::open_read_only(&db).unwrap();
    let numbers: Vec<i64> = partial.jobs().unwrap().iter().map(|r| r.id).collect();
    let converted = numbers.len();
    assert!(
        converted > 0 && converted < 30,
        "{converted} jobs before the disk filled"
    );
    drop(partial);
    // The limit is in bytes: it holds when the conversion changed the page size.
    let size = std::fs::metadata(&db).unwrap().len();
    assert!((300 << 10..=400 << 10).contains(&size), "{size} bytes");
    // Jobs end in the order the workers finish them, not in input order: whichever jobs
    // were committed must be whole.
    let present: Vec<usize> = (0..30)
        .filter(|&i| numbers.contains(&(log_store_job(&spec, i).number as i64)))
        .collect();
    assert_eq!(present.len(), converted);
    assert_holds(&db, &spec, present);

    let (rest, _) = run(&src, &db);
    let t = rest.totals;
    assert_eq!(
        (t.jobs_converted, t.jobs_skipped, t.jobs_failed),
        (30 - converted as u64, converted as u64, 0)
    );
    assert_holds(&db, &spec, 0..30);
}

/// The archive ratio (frames + dictionaries) with training is at least the ratio without
/// dictionaries, at every size: the conversion tells the trainer each category's volume.
#[test]
fn dictionaries_pay_for_themselves_at_every_size() {
    for jobs in [3, 12, 40] {
        let dir = TempDir::new("convert-pays");
        let spec = spec(jobs);
        let src = dir.0.join("src");
        write_log_store(&spec, &src).unwrap();
        let archive_ratio = |training: bool, name: &str| {
            let archive = Arc::new(Archive::open(dir.0.join(name)).unwrap());
            let mut options = options();
            options.config.training.enabled = training;
            let summary = convert(&src, &archive, &options, |_| {}).unwrap();
            assert_eq!(summary.totals.jobs_failed, 0);
            summary.archive_ratio()
        };
        let with = archive_ratio(true, "with.db");
        let without = archive_ratio(false, "without.db");
        assert!(
            with >= without,
            "{jobs} jobs: {with:.3} with dictionaries, {without:.3} without"
        );
    }
}

fn page_size(db: &Path) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap()
}

/// A small sub-production gets 1 KiB pages (less slack in its few tables); a rerun into
/// the archive, which has rows, keeps the page size it has.
#[test]
fn a_fresh_archive_gets_the_page_size_of_its_volume() {
    let dir = TempDir::new("convert-pages");
    let spec = spec(6);
    let src = dir.0.join("src");
    write_log_store(&spec, &src).unwrap();
    let db = dir.0.join("archive.db");
    drop(Archive::open(&db).unwrap());
    assert_eq!(page_size(&db), 4096, "SQLite's default, before converting");
    let (first, _) = run(&src, &db);
    assert_eq!(first.totals.jobs_converted, 6);
    assert_eq!(page_size(&db), 1024);
    let (again, _) = run(&src, &db);
    assert_eq!(
        (again.totals.jobs_converted, again.totals.jobs_skipped),
        (0, 6)
    );
    assert_eq!(page_size(&db), 1024);
    assert_holds(&db, &spec, 0..6);
}
