//! Dictionaries from the provider: used when present, checked against the frame's id when
//! decompressing, and recorded in standard frames.

mod common;

use std::io::Cursor;
use std::sync::Arc;

use common::{Results, Sink};
use zstdpool::libzstd::{HeaderParse, dictionary_id, frame_header};
use zstdpool::{DictProvider, DictStatus, Entry, ErrorKind, MemoryProvider, Pool};

fn files(kind: u32, n: u64, category: &str) -> Vec<(String, Option<String>, Vec<u8>)> {
    (0..n)
        .map(|i| {
            (
                format!("{category}/{i}"),
                Some(category.to_owned()),
                common::log_text(kind, i, 30),
            )
        })
        .collect()
}

fn header(frame: &[u8]) -> zstdpool::libzstd::FrameHeader {
    match frame_header(frame).unwrap() {
        HeaderParse::Done(h) => h,
        HeaderParse::NeedBytes(n) => panic!("incomplete header, needs {n}"),
    }
}

#[test]
fn existing_dictionaries_are_used_and_frames_are_standard() {
    let dict = common::dictionary(1);
    let id = dictionary_id(&dict);
    assert_ne!(id, 0);
    let provider = Arc::new(MemoryProvider::new());
    provider.put("logs", &dict).unwrap();
    let mut config = common::config(2);
    config.training.enabled = false;
    let input = files(1, 40, "logs");
    let frames = common::compress_all(config.clone(), provider.clone(), &input);
    for (name, _, data) in &input {
        let h = header(&frames[name]);
        assert_eq!(h.dict_id, id);
        assert_eq!(h.content_size, Some(data.len() as u64));
        let mut dctx = zstdpool::libzstd::DCtx::new().unwrap();
        let ddict = zstdpool::libzstd::DDict::new(&dict).unwrap();
        let mut out = Vec::new();
        dctx.decompress_stream(
            Some(&ddict),
            &mut Cursor::new(&frames[name]),
            &mut out,
            u64::MAX,
        )
        .unwrap();
        assert_eq!(&out, data);
    }
    let pool = Pool::compressor(config, provider).unwrap();
    let results = Results::default();
    pool.add(results.entry("one", Some("logs"), input[0].2.clone(), Sink::default()))
        .unwrap();
    pool.stop();
    pool.join(None).unwrap();
    let stats = pool.stats();
    let logs = stats.categories.iter().find(|c| c.name == "logs").unwrap();
    assert_eq!(logs.status, DictStatus::Loaded);
    assert_eq!((logs.dict_id, logs.dict_size), (id, dict.len()));
    assert_eq!(results.get()["one"][0].as_ref().unwrap().dict_id, id);
}

#[test]
fn frames_of_streams_of_unknown_size_have_no_content_size() {
    let mut config = common::config(1);
    config.training.enabled = false;
    let pool = Pool::compressor(config, Arc::new(MemoryProvider::new())).unwrap();
    let (small, large) = (Sink::default(), Sink::default());
    pool.add(Entry::new(
        "small",
        None,
        Cursor::new(b"some bytes".to_vec()),
        small.clone(),
    ))
    .unwrap();
    pool.add(Entry::new(
        "large",
        None,
        Cursor::new(common::log_text(3, 3, 5000)),
        large.clone(),
    ))
    .unwrap();
    drop(pool);
    // A stream that fits one buffer is compressed in one call, which records its size.
    assert_eq!(header(&small.bytes()).content_size, Some(10));
    let h = header(&large.bytes());
    assert_eq!((h.content_size, h.dict_id), (None, 0));
}

#[test]
fn decompression_checks_the_dictionary_id_and_names_both() {
    let (dict_a, dict_b) = (common::dictionary(1), common::dictionary(2));
    let (id_a, id_b) = (dictionary_id(&dict_a), dictionary_id(&dict_b));
    assert_ne!(id_a, id_b);
    let provider = Arc::new(MemoryProvider::new());
    provider.put("a", &dict_a).unwrap();
    let mut config = common::config(2);
    config.training.enabled = false;
    let frames = common::compress_all(config.clone(), provider, &files(1, 3, "a"));
    let frame = frames["a/0"].clone();

    let wrong = Arc::new(MemoryProvider::new());
    wrong.put("a", &dict_b).unwrap();
    let pool = Pool::decompressor(config.clone(), wrong).unwrap();
    pool.add(Entry::new(
        "mismatch",
        Some("a"),
        Cursor::new(frame.clone()),
        Sink::default(),
    ))
    .unwrap();
    pool.add(Entry::new(
        "no-category",
        None,
        Cursor::new(frame.clone()),
        Sink::default(),
    ))
    .unwrap();
    pool.add(Entry::new(
        "absent",
        Some("nothing-stored"),
        Cursor::new(frame),
        Sink::default(),
    ))
    .unwrap();
    pool.stop();
    pool.join(None).unwrap();
    let mut rejected = pool.rejected();
    rejected.sort_by(|x, y| x.name.cmp(&y.name));
    let got: Vec<_> = rejected
        .iter()
        .map(|r| (r.name.as_str(), r.error.kind, r.error.message.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "absent",
                ErrorKind::DictMissing,
                &*format!(
                    "absent: the frame needs dictionary id {id_a} and no dictionary is available (dictionary name 'nothing-stored')"
                )
            ),
            (
                "mismatch",
                ErrorKind::DictMismatch,
                &*format!(
                    "mismatch: the frame needs dictionary id {id_a} but the entry's dictionary has id {id_b} (dictionary name 'a')"
                )
            ),
            (
                "no-category",
                ErrorKind::DictMissing,
                &*format!(
                    "no-category: the frame needs dictionary id {id_a} and no dictionary is available"
                )
            ),
        ]
    );
}
