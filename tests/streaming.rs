//! Entries are streamed: an entry far larger than the pool's buffers goes through with
//! bounded reads, output flowing before the input ends, and a byte-exact round trip.

mod common;

use std::collections::hash_map::DefaultHasher;
use std::hash::Hasher;
use std::io::{self, Cursor, Read, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use zstdpool::{Entry, MemoryProvider, Pool};

const TOTAL: u64 = 256 << 20;

/// Makes `TOTAL` bytes on the fly (never held): a block of log text stamped with its index.
struct Source {
    block: Vec<u8>,
    pos: u64,
    hasher: Arc<Mutex<DefaultHasher>>,
    largest_read: Arc<AtomicUsize>,
    finished: Arc<AtomicBool>,
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.largest_read.fetch_max(buf.len(), Ordering::SeqCst);
        if self.pos >= TOTAL {
            self.finished.store(true, Ordering::SeqCst);
            return Ok(0);
        }
        let len = self.block.len() as u64;
        let offset = (self.pos % len) as usize;
        if offset == 0 {
            let stamp = (self.pos / len).to_le_bytes();
            self.block[..8].copy_from_slice(&stamp);
        }
        let n = buf
            .len()
            .min(self.block.len() - offset)
            .min((TOTAL - self.pos) as usize);
        buf[..n].copy_from_slice(&self.block[offset..offset + n]);
        self.hasher.lock().unwrap().write(&buf[..n]);
        self.pos += n as u64;
        Ok(n)
    }
}

/// Keeps the compressed frame and notes whether output came before the input ended.
#[derive(Clone, Default)]
struct FrameSink {
    bytes: Arc<Mutex<Vec<u8>>>,
    early: Arc<AtomicBool>,
    input_done: Arc<AtomicBool>,
}

impl Write for FrameSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.input_done.load(Ordering::SeqCst) {
            self.early.store(true, Ordering::SeqCst);
        }
        self.bytes.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Hashes what it is given, keeping nothing.
#[derive(Clone, Default)]
struct HashSink {
    hasher: Arc<Mutex<DefaultHasher>>,
    len: Arc<AtomicUsize>,
}

impl Write for HashSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.hasher.lock().unwrap().write(buf);
        self.len.fetch_add(buf.len(), Ordering::SeqCst);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_quarter_gigabyte_entry_streams_through_with_bounded_reads() {
    let mut config = common::config(2);
    config.level = 1;
    config.training.enabled = false;
    let provider = Arc::new(MemoryProvider::new());
    let source_hash = Arc::new(Mutex::new(DefaultHasher::new()));
    let largest_read = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicBool::new(false));
    let sink = FrameSink {
        input_done: Arc::clone(&finished),
        ..FrameSink::default()
    };
    let source = Source {
        block: common::log_text(7, 7, 900),
        pos: 0,
        hasher: Arc::clone(&source_hash),
        largest_read: Arc::clone(&largest_read),
        finished: Arc::clone(&finished),
    };
    let pool = Pool::compressor(config.clone(), provider.clone()).unwrap();
    pool.add(Entry::new("huge", None, source, sink.clone()).with_size(TOTAL))
        .unwrap();
    pool.stop();
    assert!(pool.join(None).unwrap());
    assert!(pool.rejected().is_empty(), "{:?}", pool.rejected());
    assert_eq!(pool.stats().totals.raw_bytes, TOTAL);
    assert!(
        largest_read.load(Ordering::SeqCst) <= 256 << 10,
        "read requests stay small"
    );
    assert!(
        sink.early.load(Ordering::SeqCst),
        "output must flow before the input ends"
    );

    let frame = std::mem::take(&mut *sink.bytes.lock().unwrap());
    assert!((frame.len() as u64) < TOTAL / 4);
    let out = HashSink::default();
    let pool = Pool::decompressor(config, provider).unwrap();
    pool.add(Entry::new("huge", None, Cursor::new(frame), out.clone()))
        .unwrap();
    pool.stop();
    assert!(pool.join(None).unwrap());
    assert!(pool.rejected().is_empty(), "{:?}", pool.rejected());
    assert_eq!(out.len.load(Ordering::SeqCst) as u64, TOTAL);
    assert_eq!(
        out.hasher.lock().unwrap().finish(),
        source_hash.lock().unwrap().finish()
    );
}
