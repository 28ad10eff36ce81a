//! The pool's runs over in-memory entries: compress with dictionaries given, decompress,
//! and compress from nothing (training on the fly).

use std::io::{self, Cursor, Write};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use zstdpool::{Config, Entry, MemoryProvider, Pool, Stats};

use crate::corpus::Item;

/// An output kept in its own slot once the entry is done (no lock shared between entries).
struct SlotSink {
    buf: Vec<u8>,
    slots: Arc<Vec<OnceLock<Vec<u8>>>>,
    index: usize,
}

impl Write for SlotSink {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        let _ = self.slots[self.index].set(std::mem::take(&mut self.buf));
        Ok(())
    }
}

/// An output that checks what it is given against the expected bytes, keeping nothing
/// (like the baseline, which decompresses into one reused buffer).
struct CheckSink {
    expected: Arc<[u8]>,
    pos: usize,
}

impl Write for CheckSink {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let end = self.pos + data.len();
        if self.expected.get(self.pos..end) != Some(data) {
            return Err(io::Error::other(
                "decompressed bytes differ from the original",
            ));
        }
        self.pos = end;
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        if self.pos != self.expected.len() {
            return Err(io::Error::other(
                "decompressed output is shorter than the original",
            ));
        }
        Ok(())
    }
}

/// One input of a run: name, category, data and declared size.
type Input = (String, Option<String>, Arc<[u8]>, Option<u64>);

/// A pool run: its time, outputs, statistics.
pub struct Run {
    pub seconds: f64,
    pub outputs: Vec<Vec<u8>>,
    pub stats: Stats,
}

/// Runs every input (name, category, data, declared size) through `pool` and waits for all;
/// outputs are kept, or checked against `expected` when given.
fn run(pool: Pool, inputs: Vec<Input>, expected: Option<&[Item]>) -> Run {
    let slots: Arc<Vec<OnceLock<Vec<u8>>>> =
        Arc::new((0..inputs.len()).map(|_| OnceLock::new()).collect());
    let started = Instant::now();
    for (index, (name, category, data, size)) in inputs.into_iter().enumerate() {
        let input = Cursor::new(data);
        let mut entry = match expected {
            Some(items) => {
                let sink = CheckSink {
                    expected: Arc::clone(&items[index].data),
                    pos: 0,
                };
                Entry::new(name, category.as_deref(), input, sink)
            }
            None => {
                let sink = SlotSink {
                    buf: Vec::new(),
                    slots: Arc::clone(&slots),
                    index,
                };
                Entry::new(name, category.as_deref(), input, sink)
            }
        };
        if let Some(size) = size {
            entry = entry.with_size(size);
        }
        pool.add(entry).expect("add");
    }
    pool.stop();
    pool.join(None).expect("join");
    let seconds = started.elapsed().as_secs_f64();
    let rejected = pool.rejected();
    assert!(
        rejected.is_empty(),
        "rejected: {:?}",
        &rejected[..rejected.len().min(3)]
    );
    let stats = pool.stats();
    let slots = Arc::try_unwrap(slots).unwrap_or_else(|_| panic!("outputs still referenced"));
    let outputs = slots
        .into_iter()
        .map(|s| s.into_inner().unwrap_or_default())
        .collect();
    Run {
        seconds,
        outputs,
        stats,
    }
}

/// The entries as compression inputs, each declaring its size.
fn compression_inputs(items: &[Item]) -> Vec<Input> {
    items
        .iter()
        .map(|i| {
            let size = Some(i.data.len() as u64);
            (
                i.name.clone(),
                Some(i.category.clone()),
                Arc::clone(&i.data),
                size,
            )
        })
        .collect()
}

/// Compresses with the dictionaries in `provider` (training off).
pub fn compress(items: &[Item], config: &Config, provider: Arc<MemoryProvider>) -> Run {
    let mut config = config.clone();
    config.training.enabled = false;
    let pool = Pool::compressor(config, provider).expect("pool");
    run(pool, compression_inputs(items), None)
}

/// Decompresses `frames` (in the order of `items`) and checks every byte.
pub fn decompress(
    items: &[Item],
    frames: &[Vec<u8>],
    config: &Config,
    provider: Arc<MemoryProvider>,
) -> Run {
    let inputs = items
        .iter()
        .zip(frames)
        .map(|(i, f)| {
            (
                i.name.clone(),
                Some(i.category.clone()),
                Arc::<[u8]>::from(&f[..]),
                None,
            )
        })
        .collect();
    run(
        Pool::decompressor(config.clone(), provider).expect("pool"),
        inputs,
        Some(items),
    )
}

/// Compresses from nothing: every dictionary is trained on the fly into `provider`.
pub fn from_scratch(items: &[Item], config: &Config, provider: Arc<MemoryProvider>) -> Run {
    let pool = Pool::compressor(config.clone(), provider).expect("pool");
    run(pool, compression_inputs(items), None)
}
