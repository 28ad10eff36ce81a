//! Statistics: entry and byte counts for the whole pool and per category, with where each
//! category's dictionary stands. Cheap enough to poll for a progress display.

use std::ffi::{CString, c_char};

use super::args::{self, Out};
use super::error::{self, zstdpool_status};
use super::handle::{self, PoolRef, zstdpool_pool};
use super::panic;
use super::strings::lossy_cstring;
use crate::error::{Error, ErrorKind};
use crate::stats::{CategoryStats, Counts, DictStatus};
use crate::trainer::TrainingOutcome;

/// Entry and byte counts (a snapshot).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct zstdpool_counts {
    /// Entries accepted by zstdpool_pool_add().
    pub added: u64,
    /// Entries finished successfully.
    pub done: u64,
    /// Entries rejected (see zstdpool_pool_rejected()).
    pub rejected: u64,
    /// Uncompressed bytes of the finished entries (read when compressing, written when
    /// decompressing).
    pub raw_bytes: u64,
    /// Compressed bytes of the finished entries.
    pub compressed_bytes: u64,
    /// raw_bytes / compressed_bytes (0 while nothing is compressed).
    pub ratio: f64,
}

impl From<&Counts> for zstdpool_counts {
    fn from(c: &Counts) -> zstdpool_counts {
        zstdpool_counts {
            added: c.added,
            done: c.done,
            rejected: c.rejected,
            raw_bytes: c.raw_bytes,
            compressed_bytes: c.compressed_bytes,
            ratio: c.ratio(),
        }
    }
}

/// Entries without a dictionary name (the category named ""): never use a dictionary.
pub const ZSTDPOOL_DICT_NO_CATEGORY: i32 = 0;
/// The dictionary is being looked up in the provider.
pub const ZSTDPOOL_DICT_LOADING: i32 = 1;
/// The provider has none: entries wait for enough samples to train one.
pub const ZSTDPOOL_DICT_COLLECTING: i32 = 2;
/// A dictionary is being trained.
pub const ZSTDPOOL_DICT_TRAINING: i32 = 3;
/// The provider had the dictionary: it is in use.
pub const ZSTDPOOL_DICT_LOADED: i32 = 4;
/// The provider has none and training is off (or the pool decompresses): entries are
/// processed without one.
pub const ZSTDPOOL_DICT_ABSENT: i32 = 5;
/// A dictionary was trained, stored through the provider, and is in use.
pub const ZSTDPOOL_DICT_TRAINED: i32 = 6;
/// Too few or too small samples to train: entries are compressed without a dictionary.
pub const ZSTDPOOL_DICT_TOO_FEW_SAMPLES: i32 = 7;
/// The trained dictionary did not compress held-back samples better than none: entries
/// are compressed without one.
pub const ZSTDPOOL_DICT_DID_NOT_HELP: i32 = 8;
/// Training failed: entries are compressed without a dictionary.
pub const ZSTDPOOL_DICT_TRAIN_FAILED: i32 = 9;
/// The provider failed, or gave or stored no usable dictionary: the category's entries are
/// rejected (status_message says why).
pub const ZSTDPOOL_DICT_FAILED: i32 = 10;

/// One category (dictionary name) of a pool (a snapshot).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct zstdpool_category {
    /// The dictionary name ("" for entries added without one). Valid until the snapshot is
    /// freed.
    pub name: *const c_char,
    /// The category's entry and byte counts.
    pub counts: zstdpool_counts,
    /// Where its dictionary stands: one of the ZSTDPOOL_DICT_* constants.
    pub status: i32,
    /// The status in words, with details (sizes, ratios, the failure's cause); never NULL.
    /// Valid until the snapshot is freed.
    pub status_message: *const c_char,
    /// The id of the dictionary in use (0: none).
    pub dict_id: u32,
    /// The size of the dictionary in use, in bytes (0: none).
    pub dict_size: u64,
    /// Time spent training, in seconds.
    pub train_seconds: f64,
    /// Samples trained on.
    pub samples: u64,
    /// Bytes of those samples.
    pub sample_bytes: u64,
}

/// A static short name of a ZSTDPOOL_DICT_* status code, for tables and JSON: "no_category",
/// "loading", "collecting", "training", "loaded", "absent", "trained", "too_few_samples",
/// "did_not_help", "train_failed", "failed"; "unknown" for any other value.
///
/// Ownership: the string is static; never free it. Thread-safety: any thread, any time.
#[unsafe(no_mangle)]
pub extern "C" fn zstdpool_dict_status_str(status: i32) -> *const c_char {
    panic::catch_or(c"unknown".as_ptr(), || dict_status_name(status).as_ptr())
}

/// The short name of a ZSTDPOOL_DICT_* code (see zstdpool_dict_status_str()).
fn dict_status_name(status: i32) -> &'static std::ffi::CStr {
    match status {
        ZSTDPOOL_DICT_NO_CATEGORY => c"no_category",
        ZSTDPOOL_DICT_LOADING => c"loading",
        ZSTDPOOL_DICT_COLLECTING => c"collecting",
        ZSTDPOOL_DICT_TRAINING => c"training",
        ZSTDPOOL_DICT_LOADED => c"loaded",
        ZSTDPOOL_DICT_ABSENT => c"absent",
        ZSTDPOOL_DICT_TRAINED => c"trained",
        ZSTDPOOL_DICT_TOO_FEW_SAMPLES => c"too_few_samples",
        ZSTDPOOL_DICT_DID_NOT_HELP => c"did_not_help",
        ZSTDPOOL_DICT_TRAIN_FAILED => c"train_failed",
        ZSTDPOOL_DICT_FAILED => c"failed",
        _ => c"unknown",
    }
}

/// A category's status code and description (for the archive's conversion summary too).
pub(crate) fn dict_status_code(status: &DictStatus) -> (i32, String) {
    describe(status)
}

/// A category's status code and description.
fn describe(status: &DictStatus) -> (i32, String) {
    match status {
        DictStatus::NoCategory => (
            ZSTDPOOL_DICT_NO_CATEGORY,
            "entries without a dictionary name".to_owned(),
        ),
        DictStatus::Loading => (
            ZSTDPOOL_DICT_LOADING,
            "looking the dictionary up in the provider".to_owned(),
        ),
        DictStatus::Collecting => (
            ZSTDPOOL_DICT_COLLECTING,
            "waiting for enough samples to train".to_owned(),
        ),
        DictStatus::Training => (ZSTDPOOL_DICT_TRAINING, "training".to_owned()),
        DictStatus::Loaded => (ZSTDPOOL_DICT_LOADED, "loaded from the provider".to_owned()),
        DictStatus::Absent => (
            ZSTDPOOL_DICT_ABSENT,
            "no dictionary: entries are processed without one".to_owned(),
        ),
        DictStatus::Trained(TrainingOutcome::Trained { id, size }) => (
            ZSTDPOOL_DICT_TRAINED,
            format!("trained a dictionary of {size} bytes (id {id})"),
        ),
        DictStatus::Trained(TrainingOutcome::TooFewSamples { samples, bytes }) => (
            ZSTDPOOL_DICT_TOO_FEW_SAMPLES,
            format!("too few samples to train ({samples} samples, {bytes} bytes): no dictionary"),
        ),
        DictStatus::Trained(TrainingOutcome::DidNotHelp {
            ratio_with,
            ratio_without,
        }) => (
            ZSTDPOOL_DICT_DID_NOT_HELP,
            format!(
                "the dictionary did not help (ratio {ratio_with:.3} with it, {ratio_without:.3} without): no dictionary"
            ),
        ),
        DictStatus::Trained(TrainingOutcome::Failed { reason }) => (
            ZSTDPOOL_DICT_TRAIN_FAILED,
            format!("training failed: {reason}: no dictionary"),
        ),
        DictStatus::Failed(message) => (ZSTDPOOL_DICT_FAILED, message.clone()),
    }
}

/// A snapshot of a pool's statistics (opaque), taken by zstdpool_stats_new(): the totals
/// and every category, all as they were at that moment, read with zstdpool_stats_totals(),
/// zstdpool_stats_category_count() and zstdpool_stats_category(), freed with
/// zstdpool_stats_free(). Indexes and strings stay stable while the snapshot is held.
///
/// Thread-safety: a snapshot never changes, so any number of threads may read it at once;
/// it must not be freed while another thread reads it.
pub struct zstdpool_stats {
    totals: zstdpool_counts,
    archive_ratio: f64,
    categories: Vec<CategoryEntry>,
}

/// One category of a snapshot, with the strings its C form points into.
struct CategoryEntry {
    c: zstdpool_category,
    _name: CString,
    _status_message: CString,
}

impl CategoryEntry {
    /// The C form of a category's statistics, owning its strings.
    fn new(stats: &CategoryStats) -> CategoryEntry {
        let (status, mut message) = describe(&stats.status);
        if stats.trained_early_at > 0 {
            message.push_str(&format!(
                " (trained early, on {} samples: the queue of {} entries filled with entries \
                 waiting for samples; raise ZSTDPOOL_OPT_QUEUE_CAPACITY above \
                 ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES)",
                stats.samples, stats.trained_early_at
            ));
        }
        let name = lossy_cstring(stats.name.as_str());
        let status_message = lossy_cstring(message);
        CategoryEntry {
            c: zstdpool_category {
                name: name.as_ptr(),
                counts: (&stats.counts).into(),
                status,
                status_message: status_message.as_ptr(),
                dict_id: stats.dict_id,
                dict_size: stats.dict_size as u64,
                train_seconds: stats.train_seconds,
                samples: stats.samples as u64,
                sample_bytes: stats.sample_bytes,
            },
            _name: name,
            _status_message: status_message,
        }
    }
}

/// Writes the pool's totals over all entries to *out, read from its counters (cheap: no
/// lock, no copy; poll it for a progress display).
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (pool or out NULL; *out is then not written).
/// Thread-safety: any thread, concurrently with other calls.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_pool_totals(
    pool: *const zstdpool_pool,
    out: *mut zstdpool_counts,
) -> zstdpool_status {
    // SAFETY: the caller passes NULL or a live handle.
    let pool = unsafe { PoolRef::new(pool) };
    handle::call("zstdpool_pool_totals", pool, |handle| {
        // SAFETY: the caller passes NULL or a pointer valid for writing a zstdpool_counts.
        let out = unsafe { Out::new(out, "out") }?;
        out.write((&handle.pool().totals()).into());
        Ok(())
    })
}

/// Takes a snapshot of the pool's statistics: its totals and every category it has met so
/// far, sorted by name. Writes the new snapshot to *out; the caller owns it and frees it
/// with zstdpool_stats_free(). Its cost grows with the number of categories, not entries.
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (pool or out NULL; *out is then not written).
/// Thread-safety: any thread, concurrently with other calls on the pool.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_stats_new(
    pool: *const zstdpool_pool,
    out: *mut *mut zstdpool_stats,
) -> zstdpool_status {
    // SAFETY: the caller passes NULL or a live handle.
    let pool = unsafe { PoolRef::new(pool) };
    handle::call("zstdpool_stats_new", pool, |handle| {
        // SAFETY: the caller passes NULL or a pointer valid for writing a pointer.
        let out = unsafe { Out::new(out, "out") }?;
        let stats = handle.pool().stats();
        let snapshot = zstdpool_stats {
            totals: (&stats.totals).into(),
            archive_ratio: stats.archive_ratio(),
            categories: stats.categories.iter().map(CategoryEntry::new).collect(),
        };
        out.write(Box::into_raw(Box::new(snapshot)));
        Ok(())
    })
}

/// The totals of a snapshot, written to *out.
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (stats or out NULL; *out is then not written).
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_stats_totals(
    stats: *const zstdpool_stats,
    out: *mut zstdpool_counts,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live snapshot.
        let stats = unsafe { args::borrow(stats, "stats") }?;
        // SAFETY: the caller passes NULL or a pointer valid for writing a zstdpool_counts.
        let out = unsafe { Out::new(out, "out") }?;
        out.write(stats.totals);
        Ok(())
    });
    error::status("zstdpool_stats_totals", result)
}

/// What storing the snapshot's output costs with each dictionary in use stored once
/// beside it (an archive): raw bytes / (compressed bytes + dictionary bytes), the figure
/// that counts when dictionaries travel with the data (totals.ratio leaves them out); 0
/// when nothing was compressed or stats is NULL.
///
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_stats_archive_ratio(stats: *const zstdpool_stats) -> f64 {
    panic::catch_or(0.0, || {
        // SAFETY: the caller passes NULL or a live snapshot.
        unsafe { stats.as_ref() }.map_or(0.0, |s| s.archive_ratio)
    })
}

/// The number of categories in a snapshot (indexes 0 to count - 1 are valid for
/// zstdpool_stats_category()); 0 when stats is NULL.
///
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_stats_category_count(stats: *const zstdpool_stats) -> usize {
    panic::catch_or(0, || {
        // SAFETY: the caller passes NULL or a live snapshot.
        unsafe { stats.as_ref() }.map_or(0, |s| s.categories.len())
    })
}

/// Writes category number index of a snapshot (sorted by name) to *out.
///
/// Ownership: the strings in *out belong to the snapshot and stay valid until
/// zstdpool_stats_free(); never free them. Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT if stats or
/// out is NULL or index >= zstdpool_stats_category_count() (*out is then not written).
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_stats_category(
    stats: *const zstdpool_stats,
    index: usize,
    out: *mut zstdpool_category,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live snapshot.
        let stats = unsafe { args::borrow(stats, "stats") }?;
        // SAFETY: the caller passes NULL or a pointer valid for writing a zstdpool_category.
        let out = unsafe { Out::new(out, "out") }?;
        let Some(category) = stats.categories.get(index) else {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "index {index} is out of range: the snapshot has {} categories",
                    stats.categories.len()
                ),
            ));
        };
        out.write(category.c);
        Ok(())
    });
    error::status("zstdpool_stats_category", result)
}

/// Frees a snapshot and its strings. NULL is a no-op.
///
/// Thread-safety: must be the last call on the snapshot.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_stats_free(stats: *mut zstdpool_stats) {
    panic::catch_or((), || {
        if !stats.is_null() {
            // SAFETY: the caller passes a snapshot from zstdpool_stats_new(), freed once.
            drop(unsafe { Box::from_raw(stats) });
        }
    })
}
