//! What a conversion reports: progress while it runs, and a summary at the end.

use std::path::PathBuf;

use crate::error::Error;
use crate::stats::DictStatus;

/// A job input, or one of its files, that was not converted, and why. Its job is not in the
/// archive: a job is converted whole or not at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    /// The job input (ZIP file or folder) concerned.
    pub input: PathBuf,
    /// Its job number, when known.
    pub job: Option<i64>,
    /// The file concerned, when it is one file (its name within the job).
    pub name: Option<String>,
    /// What is wrong; the message names the input and the file.
    pub error: Error,
}

/// Counts of a conversion so far (reported after each commit) or in all (in the summary).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Job inputs found in the source.
    pub jobs_total: u64,
    /// Jobs committed to the archive by this run.
    pub jobs_converted: u64,
    /// Jobs already in the archive (from an earlier run), left as they are.
    pub jobs_skipped: u64,
    /// Job inputs refused (each with its rejections).
    pub jobs_failed: u64,
    /// Files committed, their bytes, and the bytes of their frames.
    pub files: u64,
    pub raw_bytes: u64,
    pub frame_bytes: u64,
}

/// One category of the files committed by this run.
#[derive(Clone, Debug, PartialEq)]
pub struct CategorySummary {
    /// The category (the `dict` row's name), e.g. `DaVinci_#_#_#.log`.
    pub name: String,
    /// Files committed, their bytes and the bytes of their frames.
    pub files: u64,
    pub raw_bytes: u64,
    pub frame_bytes: u64,
    /// What happened to its dictionary: `Loaded` (from the archive), `Trained` (with its
    /// outcome), or `Absent` (the archive's row says the category has none, settled by an
    /// earlier run: its files are compressed without one).
    pub status: DictStatus,
    /// The dictionary's id and size (0 without one).
    pub dict_id: u32,
    pub dict_size: u64,
}

/// The end of a conversion.
#[derive(Clone, Debug, PartialEq)]
pub struct ConvertSummary {
    /// The final counts.
    pub totals: Progress,
    /// Per category, sorted by name.
    pub categories: Vec<CategorySummary>,
    /// Sizes of the dictionaries the committed frames use.
    pub dict_bytes: u64,
    /// Everything not converted, in the order found.
    pub rejections: Vec<Rejected>,
}

impl ConvertSummary {
    /// Raw bytes / frame bytes (0 when nothing was committed).
    pub fn frames_ratio(&self) -> f64 {
        ratio(self.totals.raw_bytes, self.totals.frame_bytes)
    }

    /// What the archive costs: raw bytes / (frames + the dictionaries they use).
    pub fn archive_ratio(&self) -> f64 {
        ratio(
            self.totals.raw_bytes,
            self.totals.frame_bytes + self.dict_bytes,
        )
    }
}

fn ratio(raw: u64, stored: u64) -> f64 {
    if stored == 0 {
        0.0
    } else {
        raw as f64 / stored as f64
    }
}
