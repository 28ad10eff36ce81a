//! Bad job inputs: each gets its own error kind in the summary's rejections, its job is not
//! converted (a job is converted whole or not at all), and everything else converts.

mod common;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use common::TempDir;
use jobtree::{JobTreeSpec, job_zip, log_store_job};
use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};
use zstdpool::archive::{Archive, ConvertOptions, Rejected, convert};
use zstdpool::{Config, ErrorKind};

const PROD: u32 = 285_595;

/// A ZIP of `(name, data)` entries, all with `method`.
fn zip_of(entries: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(method);
    for (name, data) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Offsets of every local (PK\3\4) and central (PK\1\2) header.
fn headers(zip: &[u8]) -> (Vec<usize>, Vec<usize>) {
    let find = |sig: &[u8]| {
        (0..zip.len() - 3)
            .filter(|&i| &zip[i..i + 4] == sig)
            .collect()
    };
    (find(b"PK\x03\x04"), find(b"PK\x01\x02"))
}

/// Sets a little-endian u16 field at `local + at_local` and `central + at_central` of the
/// first entry.
fn patch_u16(zip: &mut [u8], at_local: usize, at_central: usize, value: u16) {
    let (local, central) = headers(zip);
    zip[local[0] + at_local..][..2].copy_from_slice(&value.to_le_bytes());
    zip[central[0] + at_central..][..2].copy_from_slice(&value.to_le_bytes());
}

/// Where the first entry's data starts.
fn first_data(zip: &[u8]) -> usize {
    let local = headers(zip).0[0];
    let u16_at = |at: usize| usize::from(u16::from_le_bytes([zip[at], zip[at + 1]]));
    local + 30 + u16_at(local + 26) + u16_at(local + 28)
}

fn log(i: u8) -> Vec<u8> {
    common::log_text(u32::from(i), u64::from(i), 40)
}

/// Writes the good jobs 1..=6 of the generator and one bad input per case into `src`.
fn write_inputs(src: &Path) {
    let spec = JobTreeSpec {
        jobs: 6,
        seed: 5,
        production: PROD,
    };
    for index in 0..spec.jobs {
        let job = log_store_job(&spec, index);
        std::fs::write(
            src.join(format!("{:08}.zip", job.number)),
            job_zip(&job).unwrap(),
        )
        .unwrap();
    }
    let write = |name: &str, bytes: &[u8]| std::fs::write(src.join(name), bytes).unwrap();
    let job = |n: u32, extra: &[(&str, &[u8])], method| {
        let good = log(n as u8);
        let name = format!("{n:08}/Gauss_{PROD:08}_{n:08}_1.log");
        let mut entries: Vec<(&str, &[u8])> = vec![(&name, &good)];
        entries.extend_from_slice(extra);
        zip_of(&entries, method)
    };
    let deflated = CompressionMethod::Deflated;

    // 10: truncated. 11: corrupt DEFLATE data. 12: CRC mismatch (stored, one byte changed).
    let whole = job(10, &[], deflated);
    write("00000010.zip", &whole[..whole.len() / 2]);
    let mut corrupt = job(11, &[], deflated);
    let at = first_data(&corrupt);
    corrupt[at] = 0x07; // a final block of the reserved type 3
    write("00000011.zip", &corrupt);
    let mut crc = job(
        12,
        &[("00000012/std.out", b"fine")],
        CompressionMethod::Stored,
    );
    let at = first_data(&crc);
    crc[at + 5] ^= 0x20;
    write("00000012.zip", &crc);
    // 13: encrypted (flag bit 0). 14: an unsupported method (12, bzip2).
    let mut encrypted = job(13, &[], deflated);
    patch_u16(&mut encrypted, 6, 8, 1);
    write("00000013.zip", &encrypted);
    let mut bzip = job(14, &[], deflated);
    patch_u16(&mut bzip, 8, 10, 12);
    write("00000014.zip", &bzip);
    // 15: two entries of one name (the second renamed after writing).
    let a = log(1);
    let mut twice = zip_of(
        &[("00000015/aaaa.log", &a), ("00000015/bbbb.log", &a)],
        deflated,
    );
    for i in 0..twice.len() - 8 {
        if &twice[i..i + 8] == b"bbbb.log" {
            twice[i..i + 8].copy_from_slice(b"aaaa.log");
        }
    }
    write("00000015.zip", &twice);
    // 16-18: names with `..`, a `/` below the job folder, a NUL.
    write(
        "00000016.zip",
        &job(16, &[("00000016/../escape.log", b"x")], deflated),
    );
    write(
        "00000017.zip",
        &job(17, &[("00000017/sub/inner.log", b"x")], deflated),
    );
    write(
        "00000018.zip",
        &job(18, &[("00000018/nul\0.log", b"x")], deflated),
    );
    // 19: a ZIP bomb (16 MiB of zeros, the limit is 1 MiB); 20: the same, its directory
    // lying about the size.
    let zeros = vec![0u8; 16 << 20];
    write(
        "00000019.zip",
        &job(19, &[("00000019/bomb.log", &zeros)], deflated),
    );
    let mut liar = zip_of(&[("00000020/bomb.log", &zeros)], deflated);
    let (local, central) = headers(&liar);
    liar[local[0] + 22..][..4].copy_from_slice(&1000u32.to_le_bytes());
    liar[central[0] + 24..][..4].copy_from_slice(&1000u32.to_le_bytes());
    write("00000020.zip", &liar);
    // 21: not a ZIP. 22: an empty ZIP. 23: an empty job folder.
    write("00000021.zip", b"this is not a zip file\n");
    write("00000022.zip", &zip_of(&[], deflated));
    std::fs::create_dir(src.join("00000023")).unwrap();
    // 24: a job folder with a folder inside. 25: a file name that is not UTF-8.
    std::fs::create_dir_all(src.join("00000024/sub")).unwrap();
    write("00000024/std.out", b"out");
    std::fs::create_dir(src.join("00000025")).unwrap();
    write("00000025/std.out", b"out");
    let latin1 = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b"caf\xe9.log");
    std::fs::write(src.join("00000025").join(latin1), b"x").unwrap();
    // misc.zip: no job number anywhere. 00285595_00000003.zip: job 3 again.
    write(
        "misc.zip",
        &zip_of(&[("notes/readme.txt", b"hello")], deflated),
    );
    write(&format!("{PROD:08}_00000003.zip"), &job(3, &[], deflated));
}

fn options() -> ConvertOptions {
    ConvertOptions {
        config: Config {
            workers: 2,
            max_decompressed_size: 1 << 20,
            ..ConvertOptions::default().config
        },
        ..ConvertOptions::default()
    }
}

/// (input file name, job, file name, kind) of a rejection.
fn brief(r: &Rejected) -> (String, Option<i64>, ErrorKind) {
    let input = r.input.file_name().unwrap().to_string_lossy().into_owned();
    (input, r.job, r.error.kind)
}

#[test]
fn every_bad_input_has_its_own_error_and_the_rest_converts() {
    let dir = TempDir::new("bad-input");
    let src = dir.0.join("src");
    std::fs::create_dir_all(&src).unwrap();
    write_inputs(&src);
    let db = dir.0.join("archive.db");
    let archive = Arc::new(Archive::open(&db).unwrap());
    let summary = convert(&src, &archive, &options(), |_| {}).unwrap();
    let found: Vec<_> = summary.rejections.iter().map(brief).collect();
    let s = |n: &str| n.to_owned();
    assert_eq!(
        found,
        [
            (s("00000010.zip"), Some(10), ErrorKind::CorruptZip),
            (s("00000011.zip"), Some(11), ErrorKind::CorruptZip),
            (s("00000012.zip"), Some(12), ErrorKind::CrcMismatch),
            (s("00000013.zip"), Some(13), ErrorKind::Encrypted),
            (s("00000014.zip"), Some(14), ErrorKind::UnsupportedEntry),
            (s("00000015.zip"), Some(15), ErrorKind::DuplicateName),
            (s("00000016.zip"), Some(16), ErrorKind::UnsafeName),
            (s("00000017.zip"), Some(17), ErrorKind::UnsafeName),
            (s("00000018.zip"), Some(18), ErrorKind::UnsafeName),
            (s("00000019.zip"), Some(19), ErrorKind::TooLarge),
            (s("00000020.zip"), Some(20), ErrorKind::TooLarge),
            (s("00000021.zip"), Some(21), ErrorKind::NotZip),
            (s("00000022.zip"), Some(22), ErrorKind::EmptyJob),
            (s("00000023"), Some(23), ErrorKind::EmptyJob),
            (s("00000024"), Some(24), ErrorKind::UnsafeName),
            (s("00000025"), Some(25), ErrorKind::UnsafeName),
            (s("00285595_00000003.zip"), Some(3), ErrorKind::DuplicateJob),
            (s("misc.zip"), None, ErrorKind::NoJobNumber),
        ]
    );
    let message = |n: usize| summary.rejections[n].error.message.clone();
    let input = |name: &str| src.join(name).display().to_string();
    assert_eq!(
        message(2),
        format!(
            "{}: 00000012/Gauss_{PROD:08}_00000012_1.log: CRC-32 mismatch: the entry is damaged",
            input("00000012.zip")
        )
    );
    assert_eq!(
        message(6),
        format!(
            "{}: ../escape.log: `..` in the file name",
            input("00000016.zip")
        )
    );
    assert_eq!(
        message(8),
        format!(
            "{}: nul\\0.log: a NUL byte in the file name",
            input("00000018.zip")
        )
    );
    assert_eq!(
        message(9),
        format!(
            "{}: 00000019/bomb.log: larger than the limit of 1048576 bytes (max_decompressed_size); not read past it",
            input("00000019.zip")
        )
    );
    assert_eq!(
        message(11),
        format!("{}: not a ZIP file", input("00000021.zip"))
    );
    assert_eq!(
        message(16),
        format!(
            "{}: job 3 is also given by {}",
            input("00285595_00000003.zip"),
            input("00000003.zip")
        )
    );
    let t = summary.totals;
    assert_eq!(
        (
            t.jobs_total,
            t.jobs_converted,
            t.jobs_failed,
            t.jobs_skipped
        ),
        (24, 6, 18, 0)
    );
    drop(archive);
    let archive = Archive::open_read_only(&db).unwrap();
    let jobs: Vec<i64> = archive.jobs().unwrap().iter().map(|j| j.id).collect();
    assert_eq!(
        jobs,
        [1, 2, 3, 4, 5, 6],
        "no bad job is in the archive, not even in part"
    );
    assert_eq!(archive.verify().unwrap().problems, []);

    // A rerun reports the same bad inputs again (they are not in the archive) and skips
    // the good ones.
    drop(archive);
    let archive = Arc::new(Archive::open(&db).unwrap());
    let again = convert(&src, &archive, &options(), |_| {}).unwrap();
    assert_eq!(
        again.rejections.iter().map(brief).collect::<Vec<_>>(),
        found
    );
    assert_eq!(
        (again.totals.jobs_converted, again.totals.jobs_skipped),
        (0, 6)
    );
}
