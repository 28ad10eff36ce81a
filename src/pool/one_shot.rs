//! One entry, now, on the calling thread: for random access (reading one log back) where
//! a round trip through the workers would cost more than the entry. It uses the pool's
//! prepared dictionaries and a small stock of contexts of its own; it is not an entry of
//! the pool (no callbacks, not in the statistics).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};

use super::Mode;
use super::dictionary::Prepared;
use super::shared::{Processor, Shared};
use super::stage::Stage;
use crate::entry::Rejection;
use crate::error::{Error, ErrorKind};
use crate::libzstd::{HeaderParse, frame_header};

/// Contexts for one-shot calls, taken and given back by the calling threads.
#[derive(Default)]
pub(crate) struct OneShot {
    contexts: Mutex<Vec<Processor>>,
}

impl Shared {
    /// Compresses or decompresses `data` as entry `name` of category `dict_name`.
    pub fn process_one(
        &self,
        name: &str,
        dict_name: Option<&str>,
        data: &[u8],
    ) -> Result<Vec<u8>, Rejection> {
        let reject = |error: Error| Rejection::of(name, dict_name, error);
        let dict = self.one_shot_dict(dict_name, data).map_err(reject)?;
        let mut processor = self.one_shot_context().map_err(reject)?;
        let mut out = Vec::new();
        let max = self.config.max_decompressed_size;
        let ran = catch_unwind(AssertUnwindSafe(|| match &mut processor {
            Processor::Compress(cctx) => cctx
                .compress_append(dict.as_ref().and_then(|d| d.cdict()), data, &mut out)
                .map(drop)
                .map_err(|e| Error::new(ErrorKind::Zstd, format!("zstd compression failed: {e}"))),
            Processor::Decompress(dctx) => dctx
                .decompress_append(dict.as_ref().and_then(|d| d.ddict()), data, &mut out, max)
                .map(drop)
                .map_err(|e| super::worker::decode_error(e, dict_name)),
        }));
        match ran {
            Ok(result) => {
                // A context is reusable after an error (each call starts a new frame).
                self.one_shot
                    .contexts
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(processor);
                result.map(|()| out).map_err(reject)
            }
            Err(payload) => Err(reject(Error::from_panic(payload.as_ref()))),
        }
    }

    /// A context of the pool's direction from the stock, or a new one.
    fn one_shot_context(&self) -> Result<Processor, Error> {
        if let Some(p) = self
            .one_shot
            .contexts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
        {
            return Ok(p);
        }
        self.new_processor().map_err(|e| {
            Error::new(
                ErrorKind::Zstd,
                format!("creating a zstd context failed: {e}"),
            )
        })
    }

    /// The dictionary for a one-shot entry: its category's when the pool knows it ready,
    /// else (decompressing) the one its frame names, from the provider by id; compressing a
    /// category whose dictionary is not ready yet uses none.
    fn one_shot_dict(
        &self,
        dict_name: Option<&str>,
        data: &[u8],
    ) -> Result<Option<Arc<Prepared>>, Error> {
        if let Some(key) = dict_name
            && let Some(category) = self.lock().categories.get(key)
            && let Stage::Ready { dict, .. } = &category.stage
        {
            return Ok(dict.clone());
        }
        if self.mode == Mode::Compress {
            return Ok(None);
        }
        match frame_header(data) {
            Ok(HeaderParse::Done(h)) if h.dict_id != 0 && !h.skippable => {
                self.dict_by_id(h.dict_id)
            }
            _ => Ok(None),
        }
    }
}
