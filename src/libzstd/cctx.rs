//! A compression context (`ZSTD_CCtx`) with its reusable stream buffers.

use std::io::{self, Read, Write};
use std::ptr::NonNull;

use super::destination::Destination;
use super::dict::CDict;
use super::error::ZstdError;

/// Why a compression stream stopped.
#[derive(Debug)]
pub enum CompressError {
    /// Reading the input failed.
    Read(io::Error),
    /// Writing the output failed.
    Write(io::Error),
    /// The input gave a different number of bytes than it declared (`actual` is
    /// `declared + 1` when it gave more: reading stops there).
    SizeMismatch { declared: u64, actual: u64 },
    /// libzstd refused (a parameter or internal error).
    Zstd(ZstdError),
}

impl From<ZstdError> for CompressError {
    fn from(e: ZstdError) -> Self {
        CompressError::Zstd(e)
    }
}

/// Entries declaring at most this size are compressed in one call (the context's buffers
/// grow to hold them: memory stays bounded at about twice this per context).
const ONE_SHOT_MAX: u64 = 4 << 20;

/// One compression context: one thread's at a time, reused across entries, with the
/// input and output buffers that streaming needs (so an entry of any size uses bounded memory).
pub struct CCtx {
    ptr: NonNull<zstd_sys::ZSTD_CCtx>,
    input: Vec<u8>,
    output: Vec<u8>,
}

// SAFETY: a ZSTD_CCtx has no thread affinity; it is used by one thread at a time, which
// `&mut self` on every operation guarantees.
unsafe impl Send for CCtx {}

impl CCtx {
    /// A context compressing at `level`, with frame checksums when `checksum` is set.
    /// Frames always record the dictionary id, and the content size when it is known.
    pub fn new(level: i32, checksum: bool) -> Result<CCtx, ZstdError> {
        // SAFETY: plain allocation; NULL (out of memory) is handled below.
        let ptr = NonNull::new(unsafe { zstd_sys::ZSTD_createCCtx() }).ok_or(ZstdError::memory())?;
        // SAFETY: pure functions returning the recommended streaming buffer sizes.
        let (in_size, out_size) = unsafe {
            (
                zstd_sys::ZSTD_CStreamInSize(),
                zstd_sys::ZSTD_CStreamOutSize(),
            )
        };
        let mut cctx = CCtx {
            ptr,
            input: vec![0; in_size],
            output: vec![0; out_size],
        };
        use zstd_sys::ZSTD_cParameter::*;
        cctx.set(ZSTD_c_compressionLevel, level)?;
        cctx.set(ZSTD_c_checksumFlag, i32::from(checksum))?;
        cctx.set(ZSTD_c_contentSizeFlag, 1)?;
        cctx.set(ZSTD_c_dictIDFlag, 1)?;
        Ok(cctx)
    }

    fn set(&mut self, param: zstd_sys::ZSTD_cParameter, value: i32) -> Result<(), ZstdError> {
        // SAFETY: `self.ptr` is a live context owned by `self`.
        ZstdError::check(unsafe {
            zstd_sys::ZSTD_CCtx_setParameter(self.ptr.as_ptr(), param, value)
        })?;
        Ok(())
    }

    /// Starts a new frame with `dict` (or none), recording `declared` as the content size.
    fn begin(&mut self, dict: Option<&CDict>, declared: Option<u64>) -> Result<(), ZstdError> {
        let ctx = self.ptr.as_ptr();
        let cdict = dict.map_or(std::ptr::null(), CDict::as_ptr);
        // SAFETY: `ctx` is live; a session reset drops any half-done frame (after an error);
        // the CDict pointer (or NULL) stays valid until `end`, which every caller runs before
        // the borrow of `dict` ends.
        unsafe {
            ZstdError::check(zstd_sys::ZSTD_CCtx_reset(
                ctx,
                zstd_sys::ZSTD_ResetDirective::ZSTD_reset_session_only,
            ))?;
            ZstdError::check(zstd_sys::ZSTD_CCtx_refCDict(ctx, cdict))?;
            ZstdError::check(zstd_sys::ZSTD_CCtx_setPledgedSrcSize(
                ctx,
                declared.unwrap_or(u64::MAX),
            ))?;
        }
        Ok(())
    }

    /// Drops the reference to the dictionary of the last frame.
    fn end(&mut self) {
        // SAFETY: resetting a live context and referencing no dictionary cannot fail in a
        // way that matters: both only clear state.
        unsafe {
            zstd_sys::ZSTD_CCtx_reset(
                self.ptr.as_ptr(),
                zstd_sys::ZSTD_ResetDirective::ZSTD_reset_session_only,
            );
            zstd_sys::ZSTD_CCtx_refCDict(self.ptr.as_ptr(), std::ptr::null());
        }
    }

    /// Compresses `prefix` followed by the rest of `input` into one frame written to
    /// `output`. Returns (bytes in, bytes out). Memory stays at the two stream buffers
    /// whatever the input size.
    pub fn compress_stream(
        &mut self,
        dict: Option<&CDict>,
        declared: Option<u64>,
        prefix: &[u8],
        input: &mut dyn Read,
        output: &mut dyn Write,
    ) -> Result<(u64, u64), CompressError> {
        self.begin(dict, declared)?;
        let result = self.pump(declared, prefix, input, output);
        self.end();
        result
    }

    fn pump(
        &mut self,
        declared: Option<u64>,
        mut prefix: &[u8],
        input: &mut dyn Read,
        output: &mut dyn Write,
    ) -> Result<(u64, u64), CompressError> {
        let (mut total_in, mut total_out) = (0u64, 0u64);
        let mut eof = false;
        // An entry of known, moderate size is read whole and compressed in one call, which
        // libzstd does straight into the output buffer, without its streaming copies.
        if let Some(size) = declared.filter(|&d| d <= ONE_SHOT_MAX) {
            let size = size as usize;
            if self.input.len() <= size {
                self.input.resize(size + 1, 0);
            }
            let bound = super::compress_bound(size);
            if self.output.len() < bound {
                self.output.resize(bound, 0);
            }
        }
        while !eof {
            // Fill the input buffer: first from the prefix, then from the reader.
            let mut filled = 0;
            let take = prefix.len().min(self.input.len());
            self.input[..take].copy_from_slice(&prefix[..take]);
            prefix = &prefix[take..];
            filled += take;
            // Read at most one byte past a declared size: enough to notice a longer input.
            let room = declared.map_or(self.input.len(), |d| {
                usize::try_from(d.saturating_sub(total_in).saturating_add(1))
                    .map_or(self.input.len(), |r| r.min(self.input.len()))
            });
            while filled < room && prefix.is_empty() {
                match input.read(&mut self.input[filled..room]) {
                    Ok(0) => {
                        eof = true;
                        break;
                    }
                    Ok(n) => filled += n.min(room - filled),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(CompressError::Read(e)),
                }
            }
            total_in += filled as u64;
            if let Some(declared) = declared {
                if total_in > declared || (eof && total_in != declared) {
                    return Err(CompressError::SizeMismatch {
                        declared,
                        actual: total_in,
                    });
                }
            }
            total_out += self.feed(filled, eof, output)?;
        }
        Ok((total_in, total_out))
    }

    /// Hands `self.input[..len]` to libzstd, writing out all it produces; at `end`, closes
    /// the frame.
    fn feed(
        &mut self,
        len: usize,
        end: bool,
        output: &mut dyn Write,
    ) -> Result<u64, CompressError> {
        use zstd_sys::ZSTD_EndDirective::{ZSTD_e_continue, ZSTD_e_end};
        let directive = if end { ZSTD_e_end } else { ZSTD_e_continue };
        let mut inbuf = zstd_sys::ZSTD_inBuffer {
            src: self.input.as_ptr().cast(),
            size: len,
            pos: 0,
        };
        let mut written = 0u64;
        loop {
            let mut outbuf = zstd_sys::ZSTD_outBuffer {
                dst: self.output.as_mut_ptr().cast(),
                size: self.output.len(),
                pos: 0,
            };
            // SAFETY: both buffers point into vectors owned by `self` with the sizes given;
            // the context is live and used by this thread only.
            let remaining = ZstdError::check(unsafe {
                zstd_sys::ZSTD_compressStream2(
                    self.ptr.as_ptr(),
                    &mut outbuf,
                    &mut inbuf,
                    directive,
                )
            })?;
            if outbuf.pos > 0 {
                output
                    .write_all(&self.output[..outbuf.pos])
                    .map_err(CompressError::Write)?;
                written += outbuf.pos as u64;
            }
            let done = if end {
                remaining == 0
            } else {
                inbuf.pos == inbuf.size
            };
            if done {
                return Ok(written);
            }
        }
    }

    /// Compresses `src` in one call (for evaluating dictionaries and for benchmarks).
    pub fn compress_to_vec(
        &mut self,
        dict: Option<&CDict>,
        src: &[u8],
    ) -> Result<Vec<u8>, ZstdError> {
        let mut dst = Vec::new();
        self.compress_into(dict, src, &mut dst)?;
        Ok(dst)
    }

    /// Compresses `src` in one call into `dst`, replacing its contents and reusing its
    /// capacity (a loop over many entries then allocates nothing).
    pub fn compress_into(
        &mut self,
        dict: Option<&CDict>,
        src: &[u8],
        dst: &mut Vec<u8>,
    ) -> Result<(), ZstdError> {
        dst.clear();
        self.compress_append(dict, src, dst).map(drop)
    }

    /// Compresses `src` in one call and appends the frame to `dst` (a batch's frames then
    /// share one buffer); returns the frame's size.
    pub fn compress_append(
        &mut self,
        dict: Option<&CDict>,
        src: &[u8],
        dst: &mut Vec<u8>,
    ) -> Result<usize, ZstdError> {
        let bound = super::compress_bound(src.len());
        dst.reserve(bound);
        let start = dst.len();
        // SAFETY: `dst` has at least `bound` bytes of spare capacity after `start`.
        let written = unsafe { self.compress_raw(dict, src, dst.as_mut_ptr().add(start), bound) }?;
        // SAFETY: libzstd initialised the `written` (<= bound) bytes after `start`.
        unsafe { dst.set_len(start + written) };
        Ok(written)
    }

    /// Compresses `src` in one call straight into `dst` when it holds the worst case
    /// (`compress_bound`): Ok(Some(frame size)); Ok(None) when it may not (the caller then
    /// uses `compress_append`).
    pub fn compress_to(
        &mut self,
        dict: Option<&CDict>,
        src: &[u8],
        dst: &Destination,
    ) -> Result<Option<usize>, ZstdError> {
        let bound = super::compress_bound(src.len());
        if dst.capacity() < bound {
            return Ok(None);
        }
        // SAFETY: `dst` lends `capacity` >= `bound` writable bytes (its constructor's promise).
        unsafe { self.compress_raw(dict, src, dst.as_mut_ptr(), bound) }.map(Some)
    }

    /// Compresses `src` in one call to `out`; returns the frame's size.
    ///
    /// # Safety
    /// `out` must be valid for writing `capacity` >= `compress_bound(src.len())` bytes.
    unsafe fn compress_raw(
        &mut self,
        dict: Option<&CDict>,
        src: &[u8],
        out: *mut u8,
        capacity: usize,
    ) -> Result<usize, ZstdError> {
        self.begin(dict, Some(src.len() as u64))?;
        // SAFETY: `out` is writable for `capacity` bytes (the caller's promise), which
        // libzstd may write (never read); `src` is a live slice; the context is live and its
        // dictionary reference stays valid until `end` below.
        let result = unsafe {
            zstd_sys::ZSTD_compress2(
                self.ptr.as_ptr(),
                out.cast(),
                capacity,
                src.as_ptr().cast(),
                src.len(),
            )
        };
        self.end();
        ZstdError::check(result)
    }
}

impl CCtx {
    /// Compresses `src` after loading the raw dictionary bytes into the context, digesting
    /// them again for this one call: what a processor pays when it switches dictionaries
    /// without prepared ones (kept to measure that cost against `compress_to_vec`).
    pub fn compress_to_vec_reloading(
        &mut self,
        dict: &[u8],
        src: &[u8],
    ) -> Result<Vec<u8>, ZstdError> {
        let mut dst = vec![0u8; super::compress_bound(src.len())];
        self.begin(None, Some(src.len() as u64))?;
        let ctx = self.ptr.as_ptr();
        // SAFETY: `ctx` is live; libzstd copies `dict` (ZSTD_CCtx_loadDictionary loads by
        // copy); `dst` has compress_bound capacity and `src` is a live slice.
        let result = unsafe {
            ZstdError::check(zstd_sys::ZSTD_CCtx_loadDictionary(
                ctx,
                dict.as_ptr().cast(),
                dict.len(),
            ))?;
            zstd_sys::ZSTD_compress2(
                ctx,
                dst.as_mut_ptr().cast(),
                dst.len(),
                src.as_ptr().cast(),
                src.len(),
            )
        };
        // SAFETY: loading no dictionary (NULL, 0) clears the one loaded above.
        unsafe { zstd_sys::ZSTD_CCtx_loadDictionary(ctx, std::ptr::null(), 0) };
        self.end();
        dst.truncate(ZstdError::check(result)?);
        Ok(dst)
    }
}

impl Drop for CCtx {
    fn drop(&mut self) {
        // SAFETY: created by ZSTD_createCCtx, freed once.
        unsafe { zstd_sys::ZSTD_freeCCtx(self.ptr.as_ptr()) };
    }
}
