//! Reading a zstd frame header without decoding the frame.

use super::error::ZstdError;

/// What a frame header says about the frame that follows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameHeader {
    /// Length of the header in bytes.
    pub header_size: usize,
    /// The dictionary id the frame needs (0: none, or not recorded).
    pub dict_id: u32,
    /// The decompressed size when the frame records it.
    pub content_size: Option<u64>,
    /// A skippable frame carries user data and decodes to nothing.
    pub skippable: bool,
    /// The frame ends with a content checksum (checked when it is decoded).
    pub checksum: bool,
}

/// Outcome of parsing the start of a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderParse {
    /// The header is complete.
    Done(FrameHeader),
    /// At least this many bytes are needed to parse the header.
    NeedBytes(usize),
}

/// Parses the frame header at the start of `src`; `Err` when it is not a zstd frame.
pub fn frame_header(src: &[u8]) -> Result<HeaderParse, ZstdError> {
    let mut header = std::mem::MaybeUninit::<zstd_sys::ZSTD_FrameHeader>::zeroed();
    // SAFETY: `header` is a valid, writable ZSTD_FrameHeader and `src` a live slice.
    let result = unsafe {
        zstd_sys::ZSTD_getFrameHeader(header.as_mut_ptr(), src.as_ptr().cast(), src.len())
    };
    let needed = ZstdError::check(result)?;
    if needed > 0 {
        return Ok(HeaderParse::NeedBytes(needed));
    }
    // SAFETY: ZSTD_getFrameHeader returned 0, so it filled the whole struct (and it was
    // zero-initialised anyway, which is a valid bit pattern for every field).
    let header = unsafe { header.assume_init() };
    let skippable = header.frameType == zstd_sys::ZSTD_FrameType_e::ZSTD_skippableFrame;
    let content_size = if skippable || header.frameContentSize == u64::MAX {
        None
    } else {
        Some(header.frameContentSize)
    };
    Ok(HeaderParse::Done(FrameHeader {
        header_size: header.headerSize as usize,
        dict_id: header.dictID,
        content_size,
        skippable,
        checksum: header.checksumFlag != 0,
    }))
}
