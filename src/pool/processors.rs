//! The pool of zstd contexts ("processors"), with the original tool's sizing rule.
//!
//! The original tool kept processors bound to dictionaries because loading a dictionary into
//! a Python compressor costs far more than compressing a small entry. Here each dictionary is
//! prepared once (`ZSTD_CDict`/`ZSTD_DDict`) and shared by all threads, and a context only
//! references it. Measured with `cargo run --release --example bench -- --switch-cost`
//! (1 KB entries, 8 categories, level 3, dictionaries of 13 to 87 KB): a context switching
//! prepared dictionary before every entry costs nothing measurable (1.39 us per entry,
//! against 1.43 us with entries grouped by dictionary), while reloading the raw dictionary
//! costs 70.7 us per entry (49x).
//! So binding processors to dictionaries buys nothing here: the default is one context per
//! worker, which each worker keeps (no lock per entry). The original rule stays available
//! (`Config::processors`) for compatibility: with more processors than workers, a worker
//! exchanges its context for one that last used the entry's dictionary when there is one.

use std::sync::Mutex;

use crate::libzstd::ZstdError;

/// How many processors a pool may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessorRule {
    /// Exactly this many (at least the number of workers).
    Fixed(usize),
    /// max(workers, (loaded dictionaries + 1) x this).
    PerDictionary(usize),
}

impl ProcessorRule {
    /// The rule for the configuration value `processors` (see `Config::processors`).
    pub fn from_config(processors: i32, workers: usize) -> ProcessorRule {
        match processors {
            0 => ProcessorRule::Fixed(workers),
            p if p > 0 => ProcessorRule::Fixed(p as usize),
            p => ProcessorRule::PerDictionary(p.unsigned_abs() as usize),
        }
    }

    /// The processor limit with `loaded` dictionaries in use.
    pub fn limit(self, workers: usize, loaded: usize) -> usize {
        match self {
            ProcessorRule::Fixed(n) => n,
            ProcessorRule::PerDictionary(k) => workers.max((loaded + 1) * k),
        }
    }
}

/// A processor taken from the pool, with the id of the dictionary it used last.
pub struct Slot<P> {
    pub processor: P,
    pub dict_id: u32,
}

struct Inner<P> {
    free: Vec<Slot<P>>,
    created: usize,
}

/// Free processors, handed out preferring one that last used the wanted dictionary.
pub struct Processors<P> {
    inner: Mutex<Inner<P>>,
    rule: ProcessorRule,
    workers: usize,
}

impl<P> Processors<P> {
    /// An empty pool: processors are created on demand, up to the rule's limit.
    pub fn new(rule: ProcessorRule, workers: usize) -> Processors<P> {
        Processors {
            inner: Mutex::new(Inner {
                free: Vec::new(),
                created: 0,
            }),
            rule,
            workers,
        }
    }

    /// A processor for dictionary `dict_id`, given the one the calling worker kept from its last entry:
    /// kept when it used that dictionary, or when the rule allows no more processors than
    /// workers (then there is nothing to choose from, and no lock is taken); otherwise
    /// exchanged for a free one that used the dictionary last, or a new one while under the
    /// limit.
    pub fn exchange(
        &self,
        kept: Option<Slot<P>>,
        dict_id: u32,
        loaded: usize,
        create: impl FnOnce() -> Result<P, ZstdError>,
    ) -> Result<Slot<P>, ZstdError> {
        let limit = self.rule.limit(self.workers, loaded);
        match kept {
            Some(slot) if slot.dict_id == dict_id || limit <= self.workers => Ok(slot),
            Some(slot) => {
                let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(i) = inner.free.iter().rposition(|s| s.dict_id == dict_id) {
                    let found = inner.free.swap_remove(i);
                    inner.free.push(slot);
                    return Ok(found);
                }
                if inner.created >= limit {
                    return Ok(slot);
                }
                inner.free.push(slot);
                drop(inner);
                self.acquire(dict_id, loaded, create)
            }
            None => self.acquire(dict_id, loaded, create),
        }
    }

    /// A free processor for dictionary `dict_id`: one that used it last, else a new one while
    /// under the limit, else the least recently released one.
    pub fn acquire(
        &self,
        dict_id: u32,
        loaded: usize,
        create: impl FnOnce() -> Result<P, ZstdError>,
    ) -> Result<Slot<P>, ZstdError> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = inner.free.iter().rposition(|s| s.dict_id == dict_id) {
            return Ok(inner.free.remove(i));
        }
        // Workers never outnumber processors, so a free one exists once all are created.
        if inner.created < self.rule.limit(self.workers, loaded) || inner.free.is_empty() {
            inner.created += 1;
            drop(inner);
            return create()
                .map(|processor| Slot {
                    processor,
                    dict_id: u32::MAX,
                })
                .inspect_err(|_| self.forget());
        }
        Ok(inner.free.remove(0))
    }

    /// Returns a processor to the pool.
    pub fn release(&self, slot: Slot<P>) {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .free
            .push(slot);
    }

    /// Forgets a processor that was dropped (after a panic left it in an unknown state).
    pub fn forget(&self) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.created = inner.created.saturating_sub(1);
    }

    /// Processors created so far.
    pub fn created(&self) -> usize {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).created
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_follows_the_original_tool() {
        assert_eq!(ProcessorRule::from_config(0, 4), ProcessorRule::Fixed(4));
        assert_eq!(ProcessorRule::from_config(6, 4).limit(4, 10), 6);
        let variable = ProcessorRule::from_config(-3, 4);
        assert_eq!(variable.limit(4, 0), 4);
        assert_eq!(variable.limit(4, 1), 6);
        assert_eq!(variable.limit(4, 5), 18);
    }

    #[test]
    fn prefers_the_processor_that_used_the_dictionary() {
        let pool: Processors<u32> = Processors::new(ProcessorRule::Fixed(2), 2);
        let a = pool.acquire(7, 0, || Ok(1)).unwrap();
        let b = pool.acquire(9, 0, || Ok(2)).unwrap();
        pool.release(Slot { dict_id: 7, ..a });
        pool.release(Slot { dict_id: 9, ..b });
        assert_eq!(pool.acquire(9, 0, || Ok(3)).unwrap().processor, 2);
        assert_eq!(pool.acquire(5, 0, || Ok(4)).unwrap().processor, 1);
        assert_eq!(pool.created(), 2);
    }

    #[test]
    fn a_worker_keeps_its_processor_when_there_is_no_choice() {
        let pool: Processors<u32> = Processors::new(ProcessorRule::Fixed(2), 2);
        let kept = pool.acquire(1, 0, || Ok(10)).unwrap();
        let again = pool
            .exchange(Some(Slot { dict_id: 1, ..kept }), 2, 0, || Ok(11))
            .unwrap();
        assert_eq!(again.processor, 10);
        assert_eq!(pool.created(), 1);
    }

    #[test]
    fn a_worker_exchanges_for_the_processor_that_used_the_dictionary() {
        let pool: Processors<u32> = Processors::new(ProcessorRule::Fixed(3), 1);
        let a = pool.acquire(1, 0, || Ok(10)).unwrap();
        let b = pool.acquire(2, 0, || Ok(20)).unwrap();
        pool.release(Slot { dict_id: 2, ..b });
        let got = pool
            .exchange(Some(Slot { dict_id: 1, ..a }), 2, 0, || Ok(30))
            .unwrap();
        assert_eq!(got.processor, 20);
        let got = pool
            .exchange(Some(Slot { dict_id: 2, ..got }), 3, 0, || Ok(30))
            .unwrap();
        assert_eq!(got.processor, 30, "a third processor is allowed");
        assert_eq!(pool.created(), 3);
    }
}
