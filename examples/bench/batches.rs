//! The pool's batch runs: the same entries as the callback runs, added through
//! `Pool::add_batch` in batches of `BATCH` entries (data in memory, outputs handed back
//! together), to measure what the per-entry overhead of callbacks costs.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use zstdpool::{BatchOutput, BatchSource, Config, MemoryProvider, Pool};

use crate::corpus::Item;

/// Entries per `add_batch` call.
const BATCH: usize = 1024;

/// A range of the run's entries: their data, or their frames when decompressing.
struct Slice {
    items: Arc<Vec<Item>>,
    frames: Option<Arc<Vec<Vec<u8>>>>,
    range: Range<usize>,
}

impl BatchSource for Slice {
    fn len(&self) -> usize {
        self.range.len()
    }
    fn name(&self, index: usize) -> Cow<'_, str> {
        Cow::Borrowed(&self.items[self.range.start + index].name)
    }
    fn dict_name(&self, index: usize) -> Option<&str> {
        Some(&self.items[self.range.start + index].category)
    }
    fn data(&self, index: usize) -> &[u8] {
        let i = self.range.start + index;
        match &self.frames {
            Some(frames) => &frames[i],
            None => &self.items[i].data,
        }
    }
}

/// A batch run: its time and the outputs of every entry, in order.
pub struct BatchRun {
    pub seconds: f64,
    pub outputs: Vec<Vec<u8>>,
}

/// Runs every entry through `pool` in batches; decompressed outputs are checked against
/// the entries' data inside the done callbacks (as the callback runs check while writing)
/// and not kept; compressed ones are kept (the decompression runs need them).
fn run(pool: Pool, items: &Arc<Vec<Item>>, frames: Option<Arc<Vec<Vec<u8>>>>) -> BatchRun {
    let check = frames.is_some();
    let done: Arc<Mutex<Vec<(usize, BatchOutput)>>> = Arc::default();
    let started = Instant::now();
    for start in (0..items.len()).step_by(BATCH) {
        let range = start..(start + BATCH).min(items.len());
        let source = Slice {
            items: Arc::clone(items),
            frames: frames.clone(),
            range: range.clone(),
        };
        let (done, items) = (Arc::clone(&done), Arc::clone(items));
        pool.add_batch(source, move |output| {
            if check {
                // Checked and dropped, as a consumer would (the callback runs keep nothing
                // either): the next batches reuse the memory.
                for (i, item) in items[range].iter().enumerate() {
                    assert_eq!(output.get(i).expect("decompressed"), &item.data[..]);
                }
                return;
            }
            done.lock().unwrap().push((start, output));
        })
        .expect("add_batch");
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
    let mut done = std::mem::take(&mut *done.lock().unwrap());
    done.sort_by_key(|(start, _)| *start);
    let outputs = done
        .iter()
        .flat_map(|(_, output)| (0..output.len()).map(|i| output.get(i).unwrap().to_vec()))
        .collect();
    BatchRun { seconds, outputs }
}

/// Compresses in batches with the dictionaries in `provider` (training off).
pub fn compress(
    items: &Arc<Vec<Item>>,
    config: &Config,
    provider: Arc<MemoryProvider>,
) -> BatchRun {
    let mut config = config.clone();
    config.training.enabled = false;
    run(
        Pool::compressor(config, provider).expect("pool"),
        items,
        None,
    )
}

/// Decompresses `frames` in batches and checks every byte.
pub fn decompress(
    items: &Arc<Vec<Item>>,
    frames: Arc<Vec<Vec<u8>>>,
    config: &Config,
    provider: Arc<MemoryProvider>,
) -> BatchRun {
    let pool = Pool::decompressor(config.clone(), provider).expect("pool");
    run(pool, items, Some(frames))
}

/// Compresses from nothing in batches: dictionaries are trained on the fly.
pub fn from_scratch(items: &Arc<Vec<Item>>, config: &Config) -> BatchRun {
    let pool = Pool::compressor(config.clone(), Arc::new(MemoryProvider::new())).expect("pool");
    run(pool, items, None)
}
