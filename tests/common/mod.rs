//! Helpers shared by the integration tests: in-memory inputs and outputs, and pools.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{self, Cursor, Write};
use std::sync::{Arc, Mutex};

use zstdpool::{Config, Entry, EntryResult, MemoryProvider, Pool};

/// An output that keeps what is written, readable after the pool is done.
#[derive(Clone, Default)]
pub struct Sink(pub Arc<Mutex<Vec<u8>>>);

impl Sink {
    pub fn bytes(&self) -> Vec<u8> {
        self.0.lock().unwrap().clone()
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Results by entry name, filled by completion callbacks.
#[derive(Clone, Default)]
pub struct Results(pub Arc<Mutex<BTreeMap<String, Vec<EntryResult>>>>);

impl Results {
    pub fn entry(&self, name: &str, category: Option<&str>, data: Vec<u8>, sink: Sink) -> Entry {
        let results = self.clone();
        let key = name.to_owned();
        let size = data.len() as u64;
        Entry::new(name, category, Cursor::new(data), sink)
            .with_size(size)
            .on_complete(move |r| results.0.lock().unwrap().entry(key).or_default().push(r.clone()))
    }

    pub fn get(&self) -> BTreeMap<String, Vec<EntryResult>> {
        self.0.lock().unwrap().clone()
    }
}

/// A small configuration: `workers` threads, training after a few samples.
pub fn config(workers: usize) -> Config {
    let mut config = Config { workers, ..Config::default() };
    config.training.min_samples = 8;
    config.training.min_bytes = 0;
    config
}

/// Compresses `files` (name, category, data) and returns the frames by name, checking that
/// every entry succeeded exactly once.
pub fn compress_all(
    config: Config,
    provider: Arc<MemoryProvider>,
    files: &[(String, Option<String>, Vec<u8>)],
) -> BTreeMap<String, Vec<u8>> {
    run_all(Pool::compressor(config, provider).unwrap(), files)
}

/// Decompresses `frames` (name, category, frame) and returns the data by name.
pub fn decompress_all(
    config: Config,
    provider: Arc<MemoryProvider>,
    frames: &[(String, Option<String>, Vec<u8>)],
) -> BTreeMap<String, Vec<u8>> {
    run_all(Pool::decompressor(config, provider).unwrap(), frames)
}

fn run_all(pool: Pool, files: &[(String, Option<String>, Vec<u8>)]) -> BTreeMap<String, Vec<u8>> {
    let results = Results::default();
    let mut sinks = BTreeMap::new();
    for (name, category, data) in files {
        let sink = Sink::default();
        sinks.insert(name.clone(), sink.clone());
        pool.add(results.entry(name, category.as_deref(), data.clone(), sink)).unwrap();
    }
    pool.stop();
    assert!(pool.join(None).unwrap());
    let results = results.get();
    assert_eq!(results.len(), files.len());
    for (name, r) in &results {
        assert_eq!(r.len(), 1, "{name} ended {} times", r.len());
        assert!(r[0].is_ok(), "{name}: {:?}", r[0]);
    }
    assert!(pool.rejected().is_empty(), "{:?}", pool.rejected());
    sinks.into_iter().map(|(k, v)| (k, v.bytes())).collect()
}
