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
            .on_complete(move |r| {
                results
                    .0
                    .lock()
                    .unwrap()
                    .entry(key)
                    .or_default()
                    .push(r.clone())
            })
    }

    pub fn get(&self) -> BTreeMap<String, Vec<EntryResult>> {
        self.0.lock().unwrap().clone()
    }
}

/// A small configuration: `workers` threads, training after a few samples.
pub fn config(workers: usize) -> Config {
    let mut config = Config {
        workers,
        ..Config::default()
    };
    config.training.min_samples = 8;
    config.training.min_bytes = 0;
    // The tests' categories are small stand-ins for large ones: a dictionary that helps is
    // worth its size over a gigabyte.
    config.training.category_volume = 1 << 30;
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
        pool.add(results.entry(name, category.as_deref(), data.clone(), sink))
            .unwrap();
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

/// An input that fails after giving `good` bytes of `data`.
pub struct FailingReader {
    pub data: Vec<u8>,
    pub pos: usize,
    pub fail_at: usize,
}

impl io::Read for FailingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.fail_at {
            return Err(io::Error::other("disk on fire"));
        }
        let n = buf
            .len()
            .min(self.fail_at - self.pos)
            .min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// An output that fails once more than `limit` bytes were written.
pub struct FailingWriter {
    pub written: usize,
    pub limit: usize,
}

impl Write for FailingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.written + buf.len() > self.limit {
            return Err(io::Error::other("quota exceeded"));
        }
        self.written += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Log-like text: lines with varying numbers, similar across `seed`s of one `kind`.
pub fn log_text(kind: u32, seed: u64, lines: usize) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut out = String::new();
    for i in 0..lines {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.push_str(&format!(
            "2026-11-30 12:{:02}:{:02} Kind{kind}Alg{:<3} INFO processed event {} of run {} in {} ms (status ok, level {})\n",
            (x % 60),
            (x >> 8) % 60,
            i % 7,
            x % 100_000,
            1000 + kind,
            (x >> 20) % 999,
            kind * 3 + (i as u32 % 4)
        ));
    }
    out.into_bytes()
}

/// A dictionary trained directly with libzstd on log-like samples of `kind`.
pub fn dictionary(kind: u32) -> Vec<u8> {
    let samples: Vec<Vec<u8>> = (0..200).map(|i| log_text(kind, 1000 + i, 20)).collect();
    let refs: Vec<&[u8]> = samples.iter().map(|s| &s[..]).collect();
    let params = zstdpool::libzstd::FastCoverParams {
        k: 200,
        d: 8,
        f: 20,
        ..Default::default()
    };
    zstdpool::libzstd::train_fast_cover(&refs, 16 * 1024, &params)
        .unwrap()
        .0
}

/// A fresh directory under the system's temporary directory, removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("zstdpool-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A small deterministic PRNG (SplitMix64) for seeded tests: same seed, same run.
#[derive(Clone, Debug)]
pub struct Rng(pub u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5EED_FA17_0000_0001)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent` / 100.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Runs `body` on its own thread and fails (naming `label`) if it panics or does not end
/// within `limit`: a deadlock becomes a test failure instead of a hung test run.
pub fn with_deadline<T: Send + 'static>(
    label: &str,
    limit: std::time::Duration,
    body: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = std::thread::Builder::new()
        .name(format!("deadline:{label}"))
        .spawn(move || {
            let out = body();
            let _ = tx.send(());
            out
        })
        .unwrap();
    match rx.recv_timeout(limit) {
        Ok(()) | Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Ok(out) => out,
            Err(payload) => {
                let text = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                panic!("{label} failed: {text}")
            }
        },
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("{label} did not finish within {limit:?}: deadlock or hang")
        }
    }
}

/// The error kinds a decompression of bad input may end with.
pub const DECODE_KINDS: [zstdpool::ErrorKind; 7] = [
    zstdpool::ErrorKind::EmptyInput,
    zstdpool::ErrorKind::NotZstd,
    zstdpool::ErrorKind::Truncated,
    zstdpool::ErrorKind::Corrupt,
    zstdpool::ErrorKind::DictMissing,
    zstdpool::ErrorKind::DictMismatch,
    zstdpool::ErrorKind::TooLarge,
];
