//! Interoperability with the `zstd` program: our frames and dictionary files are standard.
//! The `zstd` program is required (CI installs it); a missing one fails the test.

mod common;

use std::fs;
use std::process::Command;
use std::sync::Arc;

use zstdpool::libzstd::{HeaderParse, frame_header};
use zstdpool::{DictProvider, DirectoryProvider, MemoryProvider};

fn zstd(args: &[&str]) {
    let status = Command::new("zstd")
        .args(args)
        .status()
        .expect("the `zstd` program is needed by this test (apt-get install zstd)");
    assert!(status.success(), "zstd {args:?} failed");
}

#[test]
fn the_zstd_program_reads_our_frames_with_our_dictionary_files() {
    let dir = common::TempDir::new("cli-out");
    let provider = Arc::new(DirectoryProvider::new(dir.0.join("dicts")).unwrap());
    provider.put("logs", &common::dictionary(1)).unwrap();
    let mut config = common::config(2);
    config.training.enabled = false;
    config.checksum = true;
    let files: Vec<_> = (0..10)
        .map(|i| {
            (
                format!("f{i}"),
                Some("logs".to_owned()),
                common::log_text(1, i, 40),
            )
        })
        .collect();
    let memory = Arc::new(MemoryProvider::new());
    memory
        .put("logs", &provider.get("logs").unwrap().unwrap())
        .unwrap();
    let frames = common::compress_all(config, memory, &files);
    let dict_path = provider.path_of("logs");
    assert!(dict_path.exists());
    for (name, _, data) in &files {
        let zst = dir.0.join(format!("{name}.zst"));
        let out = dir.0.join(format!("{name}.out"));
        fs::write(&zst, &frames[name]).unwrap();
        zstd(&[
            "-q",
            "-d",
            "-D",
            dict_path.to_str().unwrap(),
            zst.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(&fs::read(&out).unwrap(), data, "{name}");
    }
}

#[test]
fn we_read_frames_the_zstd_program_made_with_a_dictionary() {
    let dir = common::TempDir::new("cli-in");
    let dict = common::dictionary(2);
    let dict_path = dir.0.join("logs.dict");
    fs::write(&dict_path, &dict).unwrap();
    let mut frames = Vec::new();
    let mut originals = Vec::new();
    for i in 0..10u64 {
        let data = common::log_text(2, i, 30);
        let src = dir.0.join(format!("f{i}"));
        fs::write(&src, &data).unwrap();
        // Every other frame without its dictionary id (`--no-dictID`): decoded with the
        // entry's dictionary all the same, as `zstd -d -D` does.
        let id_flag = if i % 2 == 0 { "--check" } else { "--no-dictID" };
        let out = format!("{}.zst", src.display());
        let dict_arg = dict_path.to_str().unwrap();
        zstd(&[
            "-q",
            "-19",
            "--check",
            id_flag,
            "-D",
            dict_arg,
            src.to_str().unwrap(),
            "-o",
            &out,
        ]);
        let frame = fs::read(&out).unwrap();
        let Ok(HeaderParse::Done(header)) = frame_header(&frame) else {
            panic!("f{i}: no frame header");
        };
        assert_eq!(
            header.dict_id == 0,
            i % 2 == 1,
            "f{i}: dictionary id {}",
            header.dict_id
        );
        frames.push((format!("f{i}"), Some("logs".to_owned()), frame));
        originals.push(data);
    }
    let provider = Arc::new(MemoryProvider::new());
    provider.put("logs", &dict).unwrap();
    let restored = common::decompress_all(common::config(2), provider, &frames);
    for (i, data) in originals.iter().enumerate() {
        assert_eq!(&restored[&format!("f{i}")], data);
    }
}
