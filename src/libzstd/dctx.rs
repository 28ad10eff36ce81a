//! A decompression context (`ZSTD_DCtx`) that streams frames with bounded memory and checks
//! every frame's dictionary id before decoding it.

use std::fmt;
use std::io::{self, Read, Write};
use std::ptr::NonNull;

use super::destination::Destination;
use super::dict::DDict;
use super::error::ZstdError;
use super::frame::{HeaderParse, frame_header};

/// Why a decompression stream stopped.
#[derive(Debug)]
pub enum DecodeError {
    /// Reading the compressed input failed.
    Read(io::Error),
    /// Writing the decompressed output failed.
    Write(io::Error),
    /// The input is empty: not even a frame header.
    Empty,
    /// The input does not start with a zstd frame.
    NotZstd,
    /// Bytes after the last complete frame are not a zstd frame.
    TrailingGarbage { offset: u64 },
    /// The input ends in the middle of a frame.
    Truncated { offset: u64 },
    /// The frame needs a dictionary and none was given.
    MissingDict { frame_dict: u32 },
    /// The frame needs another dictionary than the one given.
    DictMismatch { frame_dict: u32, dict: u32 },
    /// The decompressed output would exceed the limit.
    TooLarge { limit: u64 },
    /// libzstd found the frame corrupt (bad block, checksum mismatch, ...).
    Corrupt(ZstdError),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Read(e) => write!(f, "reading the input failed: {e}"),
            DecodeError::Write(e) => write!(f, "writing the output failed: {e}"),
            DecodeError::Empty => f.write_str("empty input: no zstd frame"),
            DecodeError::NotZstd => f.write_str("not zstd data (unknown frame magic number)"),
            DecodeError::TrailingGarbage { offset } => {
                write!(
                    f,
                    "data after the last frame at byte {offset} is not a zstd frame"
                )
            }
            DecodeError::Truncated { offset } => {
                write!(
                    f,
                    "truncated input: the frame ends early, after {offset} bytes"
                )
            }
            DecodeError::MissingDict { frame_dict } => {
                write!(
                    f,
                    "the frame needs dictionary id {frame_dict} and no dictionary is available"
                )
            }
            DecodeError::DictMismatch { frame_dict, dict } => write!(
                f,
                "the frame needs dictionary id {frame_dict} but the entry's dictionary has id {dict}"
            ),
            DecodeError::TooLarge { limit } => {
                write!(f, "decompressed size exceeds the limit of {limit} bytes")
            }
            DecodeError::Corrupt(e) => write!(f, "corrupt zstd data: {e}"),
        }
    }
}

/// One decompression context with its reusable stream buffers.
pub struct DCtx {
    ptr: NonNull<zstd_sys::ZSTD_DCtx>,
    input: Vec<u8>,
    output: Vec<u8>,
}

// SAFETY: a ZSTD_DCtx has no thread affinity; `&mut self` ensures one user at a time.
unsafe impl Send for DCtx {}

/// The compressed bytes read so far and not yet given to libzstd.
struct Window {
    start: usize,
    end: usize,
    consumed: u64,
    eof: bool,
}

impl DCtx {
    /// A new decompression context.
    pub fn new() -> Result<DCtx, ZstdError> {
        // SAFETY: plain allocation; NULL is handled below.
        let ptr = NonNull::new(unsafe { zstd_sys::ZSTD_createDCtx() }).ok_or(ZstdError::memory())?;
        // SAFETY: pure functions returning the recommended streaming buffer sizes.
        let (in_size, out_size) = unsafe {
            (
                zstd_sys::ZSTD_DStreamInSize(),
                zstd_sys::ZSTD_DStreamOutSize(),
            )
        };
        Ok(DCtx {
            ptr,
            input: vec![0; in_size],
            output: vec![0; out_size],
        })
    }

    /// Reads more input after the unread bytes; false at end of input.
    fn refill(&mut self, w: &mut Window, input: &mut dyn Read) -> Result<bool, DecodeError> {
        if w.eof {
            return Ok(false);
        }
        if w.start > 0 {
            self.input.copy_within(w.start..w.end, 0);
            w.end -= w.start;
            w.start = 0;
        }
        loop {
            match input.read(&mut self.input[w.end..]) {
                Ok(0) => {
                    w.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    w.end += n.min(self.input.len() - w.end);
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(DecodeError::Read(e)),
            }
        }
    }

    /// Parses the next frame header, reading as much input as it needs. `None` at a clean end.
    fn next_header(
        &mut self,
        w: &mut Window,
        input: &mut dyn Read,
        first: bool,
    ) -> Result<Option<super::FrameHeader>, DecodeError> {
        loop {
            let unread = &self.input[w.start..w.end];
            let parsed = frame_header(unread).map_err(|_| {
                if first {
                    DecodeError::NotZstd
                } else {
                    DecodeError::TrailingGarbage { offset: w.consumed }
                }
            })?;
            match parsed {
                HeaderParse::Done(header) => return Ok(Some(header)),
                HeaderParse::NeedBytes(_) => {
                    let had = w.end - w.start;
                    if !self.refill(w, input)? {
                        return match (had, first) {
                            (0, true) => Err(DecodeError::Empty),
                            (0, false) => Ok(None),
                            _ => Err(DecodeError::Truncated {
                                offset: w.consumed + had as u64,
                            }),
                        };
                    }
                }
            }
        }
    }

    /// Decompresses every frame of `input` into `output`, refusing to write more than
    /// `limit` bytes. Frames needing a dictionary are checked against `dict` first.
    /// Returns (bytes in, bytes out).
    pub fn decompress_stream(
        &mut self,
        dict: Option<&DDict>,
        input: &mut dyn Read,
        output: &mut dyn Write,
        limit: u64,
    ) -> Result<(u64, u64), DecodeError> {
        let result = self.pump(dict, input, output, limit);
        // SAFETY: the context is live; a session reset drops any half-decoded frame and
        // dropping the dictionary reference ends the borrow of `dict`.
        unsafe {
            zstd_sys::ZSTD_DCtx_reset(
                self.ptr.as_ptr(),
                zstd_sys::ZSTD_ResetDirective::ZSTD_reset_session_only,
            );
            zstd_sys::ZSTD_DCtx_refDDict(self.ptr.as_ptr(), std::ptr::null());
        }
        result
    }

    /// Decompresses `src`, held whole in memory, appending the output to `dst`; returns
    /// the bytes written. A single frame that records its content size is decoded in one
    /// call straight into `dst`; anything else (several frames, no content size, damage)
    /// goes through the stream decoder, with the same checks and errors.
    pub fn decompress_append(
        &mut self,
        dict: Option<&DDict>,
        src: &[u8],
        dst: &mut Vec<u8>,
        limit: u64,
    ) -> Result<u64, DecodeError> {
        if let Ok(HeaderParse::Done(header)) = frame_header(src)
            && let Some(size) = header
                .content_size
                .filter(|&s| s <= limit && !header.skippable)
            && self.is_whole_frame(src)
        {
            let frame_dict = self.check_dict(&header, dict)?;
            return self.decode_whole(frame_dict, src, dst, size as usize);
        }
        let mut input = src;
        let (_, written) = self.decompress_stream(dict, &mut input, dst, limit)?;
        Ok(written)
    }

    /// Decodes `src` straight into `dst` when it is one frame whose recorded content size
    /// fits `dst` and `limit`: Ok(Some(bytes written)). Ok(None) when it is not such a
    /// frame (the caller then decodes it with `decompress_append`); errors as there.
    pub fn decompress_to(
        &mut self,
        dict: Option<&DDict>,
        src: &[u8],
        dst: &Destination,
        limit: u64,
    ) -> Result<Option<usize>, DecodeError> {
        let Ok(HeaderParse::Done(header)) = frame_header(src) else {
            return Ok(None);
        };
        let Some(size) = header
            .content_size
            .filter(|&s| s <= limit && s <= dst.capacity() as u64 && !header.skippable)
        else {
            return Ok(None);
        };
        if !self.is_whole_frame(src) {
            return Ok(None);
        }
        let frame_dict = self.check_dict(&header, dict)?;
        // SAFETY: `dst` lends `capacity` >= `size` writable bytes (its constructor's promise).
        unsafe { self.decode_raw(frame_dict, src, dst.as_mut_ptr(), size as usize) }.map(Some)
    }

    /// True when `src` is exactly one frame (nothing after it).
    fn is_whole_frame(&self, src: &[u8]) -> bool {
        // SAFETY: `src` is a live slice; the function only reads it.
        let frame =
            unsafe { zstd_sys::ZSTD_findFrameCompressedSize(src.as_ptr().cast(), src.len()) };
        ZstdError::check(frame).is_ok_and(|n| n == src.len())
    }

    /// Decodes one frame of `size` content bytes in one call, appending them to `dst`.
    fn decode_whole(
        &mut self,
        dict: Option<&DDict>,
        src: &[u8],
        dst: &mut Vec<u8>,
        size: usize,
    ) -> Result<u64, DecodeError> {
        dst.reserve(size);
        let start = dst.len();
        // SAFETY: `dst` has `size` bytes of spare capacity after `start`.
        let written = unsafe { self.decode_raw(dict, src, dst.as_mut_ptr().add(start), size) }?;
        // SAFETY: libzstd initialised the `written` (== size) bytes after `start`.
        unsafe { dst.set_len(start + written) };
        Ok(written as u64)
    }

    /// Decodes one frame of exactly `size` content bytes in one call to `out`.
    ///
    /// # Safety
    /// `out` must be valid for writing `size` bytes.
    unsafe fn decode_raw(
        &mut self,
        dict: Option<&DDict>,
        src: &[u8],
        out: *mut u8,
        size: usize,
    ) -> Result<usize, DecodeError> {
        let ddict = dict.map_or(std::ptr::null(), DDict::as_ptr);
        // SAFETY: `out` is writable for `size` bytes (the caller's promise); `src` is a live
        // slice; the DDict (or NULL) is borrowed for this call only.
        let result = unsafe {
            zstd_sys::ZSTD_decompress_usingDDict(
                self.ptr.as_ptr(),
                out.cast(),
                size,
                src.as_ptr().cast(),
                src.len(),
                ddict,
            )
        };
        let written = ZstdError::check(result).map_err(DecodeError::Corrupt)?;
        if written != size {
            return Err(DecodeError::Corrupt(ZstdError::src_size()));
        }
        Ok(written)
    }

    fn pump(
        &mut self,
        dict: Option<&DDict>,
        input: &mut dyn Read,
        output: &mut dyn Write,
        limit: u64,
    ) -> Result<(u64, u64), DecodeError> {
        let mut w = Window {
            start: 0,
            end: 0,
            consumed: 0,
            eof: false,
        };
        let mut total_out = 0u64;
        let mut first = true;
        while let Some(header) = self.next_header(&mut w, input, first)? {
            first = false;
            let frame_dict = if header.skippable {
                None
            } else {
                self.check_dict(&header, dict)?
            };
            if header
                .content_size
                .is_some_and(|size| size > limit.saturating_sub(total_out))
            {
                return Err(DecodeError::TooLarge { limit });
            }
            self.start_frame(frame_dict)?;
            total_out += self
                .decode_frame(&mut w, input, output, limit - total_out)
                .map_err(|e| match e {
                    DecodeError::TooLarge { .. } => DecodeError::TooLarge { limit },
                    other => other,
                })?;
        }
        Ok((w.consumed, total_out))
    }

    /// The dictionary to decode a frame with: a frame naming a dictionary id needs the
    /// available dictionary with that id; a frame naming none is decoded with the available
    /// dictionary if any, as `zstd -d -D` does (it may come from `zstd --no-dictID`; a frame
    /// made without a dictionary decodes the same with one).
    fn check_dict<'d>(
        &self,
        header: &super::FrameHeader,
        dict: Option<&'d DDict>,
    ) -> Result<Option<&'d DDict>, DecodeError> {
        match (header.dict_id, dict) {
            (0, dict) => Ok(dict),
            (frame_dict, None) => Err(DecodeError::MissingDict { frame_dict }),
            (frame_dict, Some(d)) if d.id() != frame_dict => Err(DecodeError::DictMismatch {
                frame_dict,
                dict: d.id(),
            }),
            (_, Some(d)) => Ok(Some(d)),
        }
    }

    fn start_frame(&mut self, dict: Option<&DDict>) -> Result<(), DecodeError> {
        let ddict = dict.map_or(std::ptr::null(), DDict::as_ptr);
        // SAFETY: the context is live; the DDict (or NULL) outlives this call's frame because
        // `decompress_stream` drops the reference before its borrow of the dictionary ends.
        unsafe {
            ZstdError::check(zstd_sys::ZSTD_DCtx_reset(
                self.ptr.as_ptr(),
                zstd_sys::ZSTD_ResetDirective::ZSTD_reset_session_only,
            ))
            .map_err(DecodeError::Corrupt)?;
            ZstdError::check(zstd_sys::ZSTD_DCtx_refDDict(self.ptr.as_ptr(), ddict))
                .map_err(DecodeError::Corrupt)?;
        }
        Ok(())
    }

    /// Decodes one frame; returns the bytes written.
    fn decode_frame(
        &mut self,
        w: &mut Window,
        input: &mut dyn Read,
        output: &mut dyn Write,
        room: u64,
    ) -> Result<u64, DecodeError> {
        let mut written = 0u64;
        loop {
            let mut inbuf = zstd_sys::ZSTD_inBuffer {
                src: self.input[w.start..].as_ptr().cast(),
                size: w.end - w.start,
                pos: 0,
            };
            let mut outbuf = zstd_sys::ZSTD_outBuffer {
                dst: self.output.as_mut_ptr().cast(),
                size: self.output.len(),
                pos: 0,
            };
            // SAFETY: the buffers point into vectors owned by `self`, with the sizes given;
            // the context is live and used by this thread only.
            let hint = unsafe {
                zstd_sys::ZSTD_decompressStream(self.ptr.as_ptr(), &mut outbuf, &mut inbuf)
            };
            let hint = ZstdError::check(hint).map_err(DecodeError::Corrupt)?;
            w.start += inbuf.pos;
            w.consumed += inbuf.pos as u64;
            if outbuf.pos > 0 {
                if written + outbuf.pos as u64 > room {
                    return Err(DecodeError::TooLarge { limit: room });
                }
                output
                    .write_all(&self.output[..outbuf.pos])
                    .map_err(DecodeError::Write)?;
                written += outbuf.pos as u64;
            }
            if hint == 0 {
                return Ok(written);
            }
            let output_full = outbuf.pos == outbuf.size;
            if !output_full && w.start == w.end && !self.refill(w, input)? {
                return Err(DecodeError::Truncated { offset: w.consumed });
            }
        }
    }
}

impl Drop for DCtx {
    fn drop(&mut self) {
        // SAFETY: created by ZSTD_createDCtx, freed once.
        unsafe { zstd_sys::ZSTD_freeDCtx(self.ptr.as_ptr()) };
    }
}
