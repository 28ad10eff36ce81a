//! The archive handle over databases written by hand in the archive schema (as another tool
//! would): opening, refusing foreign databases, the `dict` table as a provider, reading logs
//! back (frames with or without dictionary id, checksum, content size) and verifying.

mod common;

use std::io::Cursor;

use common::TempDir;
use rusqlite::{Connection, params};
use zstdpool::archive::{Archive, SCHEMA};
use zstdpool::libzstd::{CCtx, CDict, dictionary_id};
use zstdpool::{DictProvider, ErrorKind};

/// A frame of `data`, with `dict` (or none), checksum and content size as asked.
fn frame(data: &[u8], dict: Option<&[u8]>, checksum: bool, content_size: bool) -> Vec<u8> {
    let cdict = dict.map(|d| CDict::new(d, 3).unwrap());
    let mut cctx = CCtx::new(3, checksum).unwrap();
    let mut out = Vec::new();
    let declared = content_size.then_some(data.len() as u64);
    cctx.compress_stream(
        cdict.as_ref(),
        declared,
        &[],
        &mut Cursor::new(data),
        &mut out,
    )
    .unwrap();
    out
}

/// The frame without its dictionary id (as `zstd --no-dictID` writes it): the frame header
/// descriptor's dictionary-id field is cleared and its bytes removed.
fn without_dict_id(frame: &[u8]) -> Vec<u8> {
    let descriptor = frame[4];
    let id_bytes = [0, 1, 2, 4][usize::from(descriptor & 3)];
    let single_segment = descriptor & 0x20 != 0;
    let id_at = 5 + usize::from(!single_segment);
    let mut out = frame[..id_at].to_vec();
    out[4] = descriptor & !3;
    out.extend_from_slice(&frame[id_at + id_bytes..]);
    out
}

/// A database in the archive schema, created with plain SQL.
fn plain_db(dir: &TempDir, name: &str) -> (std::path::PathBuf, Connection) {
    let path = dir.0.join(name);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(SCHEMA).unwrap();
    (path, conn)
}

#[test]
fn creates_the_exact_schema_and_reopens_it() {
    let dir = TempDir::new("archive-schema");
    let path = dir.0.join("a.db");
    Archive::open(&path).unwrap().close().unwrap();
    let conn = Connection::open(&path).unwrap();
    let sql: Vec<String> = conn
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(sql.len(), 3);
    for table in &sql {
        let head = table
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            SCHEMA.contains(&table[table.find('(').unwrap()..]),
            "{head}"
        );
    }
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        mode, "delete",
        "a closed archive is one self-contained file"
    );
    drop(conn);
    let archive = Archive::open(&path).unwrap();
    assert!(archive.jobs().unwrap().is_empty());
    assert!(archive.dictionaries().unwrap().is_empty());
}

#[test]
fn refuses_databases_that_are_not_archives() {
    let dir = TempDir::new("archive-foreign");
    let other = dir.0.join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("create table notes (id INTEGER primary key, text VARCHAR);")
        .unwrap();
    let error = Archive::open(&other).err().unwrap();
    assert_eq!(error.kind, ErrorKind::NotOurDatabase);
    assert_eq!(
        error.message,
        format!(
            "{}: not a zstdpool archive: it has a table 'notes'",
            other.display()
        )
    );

    let columns = dir.0.join("columns.db");
    let conn = Connection::open(&columns).unwrap();
    conn.execute_batch(&SCHEMA.replace("dirac_id INTEGER", "dirac INTEGER"))
        .unwrap();
    drop(conn);
    let error = Archive::open(&columns).err().unwrap();
    assert_eq!(error.kind, ErrorKind::NotOurDatabase);
    assert_eq!(
        error.message,
        format!(
            "{}: not a zstdpool archive: table 'job' has the columns (id INTEGER, dirac \
             INTEGER, success BOOLEAN), not those of the archive schema",
            columns.display()
        )
    );

    let text = dir.0.join("text.db");
    std::fs::write(
        &text,
        "this is a text file, long enough to be no SQLite header at all\n".repeat(20),
    )
    .unwrap();
    let error = Archive::open(&text).err().unwrap();
    assert_eq!(error.kind, ErrorKind::NotOurDatabase);
    assert!(
        error.message.starts_with(&format!("{}: ", text.display())),
        "{}",
        error.message
    );

    let missing = dir.0.join("missing.db");
    assert_eq!(
        Archive::open_read_only(&missing).err().unwrap().kind,
        ErrorKind::Database
    );
    assert!(!missing.exists(), "a read-only open creates nothing");
}

#[test]
fn a_read_only_archive_writes_nothing() {
    let dir = TempDir::new("archive-readonly-handle");
    let path = dir.0.join("ro.db");
    Archive::open(&path).unwrap().close().unwrap();
    let archive = std::sync::Arc::new(Archive::open_read_only(&path).unwrap());
    assert!(archive.is_read_only());
    let refused = archive.put("cat", &common::dictionary(1)).unwrap_err();
    assert!(
        refused
            .to_string()
            .starts_with(&format!("{}: storing dictionary 'cat': ", path.display())),
        "{refused}"
    );
    let options = zstdpool::archive::ConvertOptions::default();
    let error = zstdpool::archive::convert(&dir.0, &archive, &options, |_| {}).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Database);
    assert_eq!(
        error.message,
        format!(
            "{}: opened read-only: cannot convert into it",
            path.display()
        )
    );
    assert!(archive.dictionaries().unwrap().is_empty());
}

/// A file the user may not write is refused for writing (checked only when the test does
/// not run as a user who may write anything, such as root).
#[test]
fn a_read_only_file_is_refused_for_writing_and_read_read_only() {
    let dir = TempDir::new("archive-readonly");
    let path = dir.0.join("ro.db");
    Archive::open(&path).unwrap().close().unwrap();
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&path, perms).unwrap();
    if std::fs::OpenOptions::new().append(true).open(&path).is_ok() {
        eprintln!("running as a user who can write read-only files: nothing to check");
        return;
    }
    let error = Archive::open(&path).err().unwrap();
    assert_eq!(error.kind, ErrorKind::Database);
    assert_eq!(
        error.message,
        format!(
            "{}: the database is read-only: cannot write to it",
            path.display()
        )
    );
    let archive = Archive::open_read_only(&path).unwrap();
    assert!(archive.jobs().unwrap().is_empty());
}

#[test]
fn the_dict_table_is_a_provider() {
    let dir = TempDir::new("archive-provider");
    let archive = Archive::open(dir.0.join("p.db")).unwrap();
    let dict = common::dictionary(1);
    assert_eq!(archive.get("Gauss_#_#_#.log").unwrap(), None);
    archive.put("Gauss_#_#_#.log", &dict).unwrap();
    assert_eq!(archive.get("Gauss_#_#_#.log").unwrap(), Some(dict.clone()));
    let rows = archive.dictionaries().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].name, "Gauss_#_#_#.log");
    assert_eq!(rows[0].zstd_id, Some(i64::from(dictionary_id(&dict))));
    assert_eq!(rows[0].size, Some(dict.len() as u64));
    // Found by the id in its header, and listed.
    let id = dictionary_id(&dict);
    assert_eq!(
        archive.get_by_id(id).unwrap(),
        Some(("Gauss_#_#_#.log".to_owned(), dict.clone()))
    );
    assert_eq!(archive.get_by_id(id ^ 1).unwrap(), None);
    assert_eq!(
        DictProvider::names(&archive).unwrap(),
        vec!["Gauss_#_#_#.log".to_owned()]
    );
    // Another dictionary claiming the same id: reported, not guessed.
    let mut twin = dict.clone();
    let last = twin.len() - 1;
    twin[last] ^= 1;
    archive.put("other", &twin).unwrap();
    let error = archive.get_by_id(id).unwrap_err().to_string();
    assert!(
        error.contains(&format!("dictionary id {id} is ambiguous")),
        "{error}"
    );
}

#[test]
fn reads_frames_of_every_shape_and_verifies_them() {
    let dir = TempDir::new("archive-read");
    let (path, conn) = plain_db(&dir, "r.db");
    let dict = common::dictionary(2);
    let id = i64::from(dictionary_id(&dict));
    conn.execute(
        "INSERT INTO dict (id, name, zstd_id, data) VALUES (1, 'logs', ?1, ?2)",
        params![id, dict],
    )
    .unwrap();
    conn.execute("INSERT INTO dict (id, name) VALUES (2, 'plain')", [])
        .unwrap();
    conn.execute(
        "INSERT INTO job (id, dirac_id, success) VALUES (7, 1234, 1)",
        [],
    )
    .unwrap();
    conn.execute("INSERT INTO job (id) VALUES (8)", []).unwrap();
    // Streamed over several calls (more than one 128 KiB buffer), a frame of unknown size
    // does not record it.
    let lines = |i| if i == 2 { 1500 } else { 40 };
    let texts: Vec<Vec<u8>> = (0..6).map(|i| common::log_text(2, i, lines(i))).collect();
    let rows: [(&str, i64, i64, Vec<u8>); 6] = [
        ("full.log", 7, 1, frame(&texts[0], Some(&dict), true, true)),
        (
            "no-checksum.log",
            7,
            1,
            frame(&texts[1], Some(&dict), false, true),
        ),
        (
            "no-size.log",
            7,
            1,
            frame(&texts[2], Some(&dict), true, false),
        ),
        (
            "no-dict-id.log",
            7,
            1,
            without_dict_id(&frame(&texts[3], Some(&dict), true, true)),
        ),
        ("plain.log", 8, 2, frame(&texts[4], None, true, true)),
        ("empty", 8, 2, frame(&[], None, true, true)),
    ];
    for (name, job, dict, data) in &rows {
        conn.execute(
            "INSERT INTO data (name, job, dict, data) VALUES (?1, ?2, ?3, ?4)",
            params![name, job, dict, data],
        )
        .unwrap();
    }
    drop(conn);
    let archive = Archive::open_read_only(&path).unwrap();
    let jobs = archive.jobs().unwrap();
    assert_eq!(jobs.len(), 2);
    assert_eq!(
        (jobs[0].id, jobs[0].dirac_id, jobs[0].success),
        (7, Some(1234), Some(true))
    );
    assert_eq!(
        (jobs[1].id, jobs[1].dirac_id, jobs[1].success),
        (8, None, None)
    );
    assert_eq!(
        archive.names(7).unwrap(),
        [
            "full.log",
            "no-checksum.log",
            "no-dict-id.log",
            "no-size.log"
        ]
    );
    for (i, (name, job, _, _)) in rows.iter().enumerate() {
        let expected: &[u8] = if i == 5 { &[] } else { &texts[i] };
        assert_eq!(archive.read(*job, name).unwrap(), expected, "{name}");
        let mut out = Vec::new();
        assert_eq!(
            archive.read_to(*job, name, &mut out).unwrap(),
            expected.len() as u64
        );
        assert_eq!(out, expected);
    }
    let missing = archive.read(7, "nope").unwrap_err();
    assert_eq!(missing.kind, ErrorKind::NotFound);
    assert_eq!(
        missing.message,
        format!("{}: no file job 7: nope", path.display())
    );
    assert_eq!(archive.names(9).unwrap_err().kind, ErrorKind::NotFound);

    let report = archive.verify().unwrap();
    assert_eq!(report.problems, []);
    assert_eq!(report.rows, 6);
    assert_eq!(report.without_checksum, 1);
    assert_eq!(report.without_content_size, 1);
    let raw: usize = texts[..5].iter().map(Vec::len).sum();
    assert_eq!(report.raw_bytes, raw as u64);
}

#[test]
fn dictionary_ids_are_reported_not_guessed() {
    let dir = TempDir::new("archive-dictid");
    let (path, conn) = plain_db(&dir, "d.db");
    let dict = common::dictionary(3);
    let id = i64::from(dictionary_id(&dict));
    conn.execute(
        "INSERT INTO dict (id, name, zstd_id, data) VALUES (1, 'wrong', ?1, ?2)",
        params![id + 1, dict],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO dict (id, name, zstd_id, data) VALUES (2, 'null', NULL, ?1)",
        params![dict],
    )
    .unwrap();
    conn.execute("INSERT INTO job (id) VALUES (1)", []).unwrap();
    let text = common::log_text(3, 1, 30);
    let data = frame(&text, Some(&dict), true, true);
    for (name, dict) in [("a.log", 1), ("b.log", 2)] {
        conn.execute(
            "INSERT INTO data (name, job, dict, data) VALUES (?1, 1, ?2, ?3)",
            params![name, dict, data],
        )
        .unwrap();
    }
    drop(conn);
    let archive = Archive::open_read_only(&path).unwrap();
    let error = archive.read(1, "a.log").unwrap_err();
    assert_eq!(error.kind, ErrorKind::DictIdConflict);
    assert_eq!(
        error.message,
        format!(
            "{}: dictionary 'wrong': the zstd_id column says {} but the dictionary's header says {id}",
            path.display(),
            id + 1
        )
    );
    assert_eq!(
        archive.read(1, "b.log").unwrap(),
        text,
        "a NULL zstd_id reads by the header"
    );
    let report = archive.verify().unwrap();
    let kinds: Vec<(Option<&str>, ErrorKind)> = report
        .problems
        .iter()
        .map(|p| (p.name.as_deref(), p.error.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            (None, ErrorKind::DictIdConflict),
            (None, ErrorKind::DictIdConflict),
            (Some("a.log"), ErrorKind::DictMissing),
        ]
    );
    assert!(
        report.problems[1]
            .error
            .message
            .contains("'null': the zstd_id column is NULL")
    );
}

#[test]
fn verify_finds_damaged_frames_and_wrong_dictionaries() {
    let dir = TempDir::new("archive-verify");
    let (path, conn) = plain_db(&dir, "v.db");
    let (one, two) = (common::dictionary(1), common::dictionary(2));
    for (row, dict) in [(1, &one), (2, &two)] {
        conn.execute(
            "INSERT INTO dict (id, name, zstd_id, data) VALUES (?1, ?2, ?3, ?4)",
            params![row, format!("d{row}"), dictionary_id(dict), dict],
        )
        .unwrap();
    }
    conn.execute("INSERT INTO job (id) VALUES (5)", []).unwrap();
    let text = common::log_text(1, 9, 50);
    let good = frame(&text, Some(&one), true, true);
    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    let rows = [
        ("good", 1, good.clone()),
        ("flipped", 1, flipped),
        ("other-dict", 2, good.clone()),
        ("garbage", 1, b"not zstd".to_vec()),
    ];
    for (name, dict, data) in &rows {
        conn.execute(
            "INSERT INTO data (name, job, dict, data) VALUES (?1, 5, ?2, ?3)",
            params![name, dict, data],
        )
        .unwrap();
    }
    drop(conn);
    let archive = Archive::open_read_only(&path).unwrap();
    let report = archive.verify().unwrap();
    let found: Vec<(&str, ErrorKind)> = report
        .problems
        .iter()
        .map(|p| (p.name.as_deref().unwrap(), p.error.kind))
        .collect();
    assert_eq!(
        found,
        [
            ("flipped", ErrorKind::Corrupt),
            ("garbage", ErrorKind::NotZstd),
            ("other-dict", ErrorKind::DictMismatch),
        ]
    );
    assert!(
        report.problems[0]
            .error
            .message
            .starts_with(&format!("{}: job 5: flipped: ", path.display()))
    );
    assert_eq!(report.rows, 4);
}
