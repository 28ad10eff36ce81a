//! Decompression of entries that name no dictionary: the pool finds the dictionary by the id
//! in the frame, in the memory and the directory providers; an id no dictionary has is
//! rejected as DICT_MISSING with the id; a named category still decides (and catches a frame
//! of another category).

mod common;

use std::sync::Arc;

use common::{Results, Sink, TempDir};
use zstdpool::libzstd::dictionary_id;
use zstdpool::{DictProvider, DirectoryProvider, ErrorKind, MemoryProvider, Pool};

type Files = Vec<(String, Option<String>, Vec<u8>)>;

/// Two categories of 30 logs each, compressed with a trained dictionary per category.
fn compressed(provider: Arc<MemoryProvider>) -> (Files, Files) {
    let mut files = Vec::new();
    for (kind, category) in [(1, "gauss"), (2, "boole")] {
        for i in 0..30 {
            let name = format!("{category}/{i}.log");
            files.push((
                name,
                Some(category.to_owned()),
                common::log_text(kind, i, 40),
            ));
        }
    }
    let frames = common::compress_all(common::config(2), provider, &files);
    let uncategorised = files
        .iter()
        .map(|(name, _, _)| (name.clone(), None, frames[name].clone()))
        .collect();
    (files, uncategorised)
}

#[test]
fn memory_provider_finds_dictionaries_by_frame_id() {
    let provider = Arc::new(MemoryProvider::new());
    let (files, frames) = compressed(provider.clone());
    assert_eq!(provider.snapshot().len(), 2, "both categories trained");
    let back = common::decompress_all(common::config(2), provider, &frames);
    for (name, _, data) in &files {
        assert_eq!(&back[name], data, "{name}");
    }
}

#[test]
fn directory_provider_finds_dictionaries_by_frame_id() {
    let memory = Arc::new(MemoryProvider::new());
    let (files, frames) = compressed(memory.clone());
    let dir = TempDir::new("by-id");
    let directory = DirectoryProvider::new(&dir.0).unwrap();
    for (name, dict) in memory.snapshot() {
        directory.put(&name, &dict).unwrap();
        let (found, bytes) = directory.get_by_id(dictionary_id(&dict)).unwrap().unwrap();
        assert_eq!((found.as_str(), &bytes), (name.as_str(), &dict));
    }
    assert!(directory.get_by_id(12345).unwrap().is_none());
    let pool = Pool::decompressor(common::config(2), Arc::new(directory)).unwrap();
    let results = Results::default();
    let sinks: Vec<_> = frames
        .iter()
        .map(|(name, _, frame)| {
            let sink = Sink::default();
            pool.add(results.entry(name, None, frame.clone(), sink.clone()))
                .unwrap();
            sink
        })
        .collect();
    pool.stop();
    assert!(pool.join(None).unwrap());
    assert!(pool.rejected().is_empty(), "{:?}", pool.rejected());
    for ((_, _, data), sink) in files.iter().zip(&sinks) {
        assert_eq!(&sink.bytes(), data);
    }
}

#[test]
fn an_unknown_frame_id_is_dict_missing_and_a_named_category_still_decides() {
    let provider = Arc::new(MemoryProvider::new());
    let (_, frames) = compressed(provider.clone());
    let gauss_id = dictionary_id(&provider.snapshot()["gauss"]);
    // A provider that has only boole's dictionary: gauss frames name an id it lacks.
    let partial = Arc::new(MemoryProvider::new());
    partial.put("boole", &provider.snapshot()["boole"]).unwrap();
    let pool = Pool::decompressor(common::config(2), partial).unwrap();
    let results = Results::default();
    let (name, _, frame) = &frames[0];
    pool.add(results.entry(name, None, frame.clone(), Sink::default()))
        .unwrap();
    // A gauss frame filed under boole: the category decides, and the id check catches it.
    pool.add(results.entry("misfiled", Some("boole"), frame.clone(), Sink::default()))
        .unwrap();
    pool.stop();
    assert!(pool.join(None).unwrap());
    let mut rejected = pool.rejected();
    rejected.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(rejected.len(), 2, "{rejected:?}");
    assert_eq!(rejected[0].name, "gauss/0.log");
    assert_eq!(rejected[0].error.kind, ErrorKind::DictMissing);
    assert!(
        rejected[0].error.message.contains(&gauss_id.to_string()),
        "{}",
        rejected[0].error.message
    );
    assert_eq!(rejected[1].name, "misfiled");
    assert_eq!(rejected[1].error.kind, ErrorKind::DictMismatch);
}
