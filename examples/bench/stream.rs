//! `--generate N --entry-size B`: N entries made when they are read and counted when they
//! are written, never held, to show that the pool's memory does not grow with N.

use std::io::{self, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use zstdpool::{BatchItem, Config, Entry, MemoryProvider, Pool, Stats};

/// Makes its entry's bytes on the first read.
struct Source {
    index: u64,
    size: usize,
    categories: usize,
    data: Option<io::Cursor<Vec<u8>>>,
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let (index, size, categories) = (self.index, self.size, self.categories);
        let data = self.data.get_or_insert_with(|| {
            io::Cursor::new(jobtree::synthetic_entry(1, index, categories, size).data)
        });
        data.read(buf)
    }
}

/// Counts bytes, keeps none.
struct Counter(Arc<AtomicU64>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.fetch_add(buf.len() as u64, Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What the streaming run did.
pub struct StreamRun {
    pub seconds: f64,
    pub stats: Stats,
    pub peak_rss_mb: f64,
}

/// Streams `count` entries of `size` bytes in `categories` categories through a compressor
/// that trains its dictionaries on the fly; prints progress every 10%.
pub fn run(count: u64, size: usize, categories: usize, config: &Config) -> StreamRun {
    let pool = Pool::compressor(config.clone(), Arc::new(MemoryProvider::new())).expect("pool");
    let written = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let step = (count / 10).max(1);
    for index in 0..count {
        let name = format!("entry{index}");
        let category = format!("kind{:02}", index % categories as u64);
        let source = Source {
            index,
            size,
            categories,
            data: None,
        };
        let entry = Entry::new(name, Some(&category), source, Counter(Arc::clone(&written)))
            .with_size(size as u64);
        pool.add(entry).expect("add");
        if (index + 1) % step == 0 {
            eprintln!(
                "  streamed {:>9} / {count} entries, peak RSS {:.0} MB",
                index + 1,
                crate::report::peak_rss_mb()
            );
        }
    }
    pool.stop();
    pool.join(None).expect("join");
    let seconds = started.elapsed().as_secs_f64();
    assert!(pool.rejected().is_empty(), "{:?}", pool.rejected().first());
    StreamRun {
        seconds,
        stats: pool.stats(),
        peak_rss_mb: crate::report::peak_rss_mb(),
    }
}

/// Entries per batch of the batch stream.
const BATCH: u64 = 8192;

/// Streams `count` entries as `run` does, through `Pool::add_batch`: each batch is made
/// when it is added and dropped when its output has been counted, so memory stays at a few
/// batches whatever `count`.
pub fn run_batches(count: u64, size: usize, categories: usize, config: &Config) -> StreamRun {
    let pool = Pool::compressor(config.clone(), Arc::new(MemoryProvider::new())).expect("pool");
    let written = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    for start in (0..count).step_by(BATCH as usize) {
        let batch: Vec<BatchItem> = (start..(start + BATCH).min(count))
            .map(|index| BatchItem {
                name: format!("entry{index}"),
                dict_name: Some(format!("kind{:02}", index % categories as u64)),
                data: jobtree::synthetic_entry(1, index, categories, size).data,
            })
            .collect();
        let written = Arc::clone(&written);
        pool.add_batch(batch, move |output| {
            assert_eq!(output.rejected(), 0, "{output:?}");
            let bytes: usize = (0..output.len())
                .map(|i| output.get(i).map_or(0, <[u8]>::len))
                .sum();
            written.fetch_add(bytes as u64, Ordering::Relaxed);
        })
        .expect("add_batch");
    }
    pool.stop();
    pool.join(None).expect("join");
    let seconds = started.elapsed().as_secs_f64();
    StreamRun {
        seconds,
        stats: pool.stats(),
        peak_rss_mb: crate::report::peak_rss_mb(),
    }
}
