//! The archive through the C API: one SQLite database per sub-production (the original
//! tool's schema), converted from job ZIPs or folders, read back one log at a time,
//! verified and extracted.

use std::ffi::{CStr, CString, OsStr, c_char, c_void};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};

use super::args::{self, Out};
use super::callback::{CallbackOutput, UserData};
use super::config::zstdpool_config;
use super::error::{self, zstdpool_status};
use super::panic;
use super::pool::zstdpool_write_fn;
use super::provider::zstdpool_name_fn;
use super::stats::dict_status_code;
use super::strings::lossy_cstring;
use crate::archive::{
    Archive, ConvertOptions, ConvertSummary, ExtractReport, Problem, Progress, VerifyReport,
    convert,
};
use crate::error::{Error, ErrorKind};

/// An archive (opaque): one SQLite database file in the archive schema (tables `dict`,
/// `job` and `data`, each log one zstd frame in a BLOB, one dictionary per category in the
/// same file). Open it with zstdpool_archive_open() (for writing, created when missing) or
/// zstdpool_archive_open_read_only(), close it with zstdpool_archive_close() (or
/// zstdpool_archive_free()).
///
/// Any reader can take one log without zstdpool:
/// `SELECT data.data, dict.data FROM data JOIN dict ON data.dict = dict.id WHERE data.name = ?
/// AND data.job = ?`, then decompress the frame with that dictionary (none when
/// `dict.data` is NULL); every frame zstdpool writes records its content size and a
/// checksum.
///
/// Thread-safety: every function but zstdpool_archive_close() and zstdpool_archive_free()
/// may be called on one archive from several threads at once (they take turns on the one
/// database connection); close or free must be the last call.
pub struct zstdpool_archive {
    archive: Arc<Archive>,
    /// A conversion into the archive is running (a second one is refused).
    converting: AtomicBool,
}

/// Clears the archive's "converting" flag when the conversion ends, however it ends.
struct Converting<'a>(&'a AtomicBool);

impl Drop for Converting<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// A path argument: a non-empty NUL-terminated string (any bytes but NUL).
///
/// # Safety
/// A non-NULL `pointer` must point to a NUL-terminated string valid during the call.
unsafe fn path_arg<'a>(pointer: *const c_char, name: &str) -> Result<&'a Path, Error> {
    if pointer.is_null() {
        return Err(args::null(name));
    }
    // SAFETY: non-NULL, and the caller passes a NUL-terminated string valid for `'a`.
    let bytes = unsafe { CStr::from_ptr(pointer) }.to_bytes();
    if bytes.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("{name}: empty path"),
        ));
    }
    Ok(Path::new(OsStr::from_bytes(bytes)))
}

/// Opens `path` as the caller asked and hands the new handle out.
///
/// # Safety
/// As zstdpool_archive_open().
unsafe fn open_with(
    function: &str,
    path: *const c_char,
    out: *mut *mut zstdpool_archive,
    open: fn(&Path) -> Result<Archive, Error>,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let path = unsafe { path_arg(path, "path") }?;
        // SAFETY: the caller passes NULL or a pointer valid for writing a handle pointer.
        let out = unsafe { Out::new(out, "out") }?;
        let archive = open(path)?;
        out.write(Box::into_raw(Box::new(zstdpool_archive {
            archive: Arc::new(archive),
            converting: AtomicBool::new(false),
        })));
        Ok(())
    });
    error::status(function, result)
}

/// Opens the archive at path for writing (conversion) and reading, creating the file and
/// the schema when the file is missing or empty. While it is open for writing the database
/// is in WAL mode (`path-wal` and `path-shm` beside it); zstdpool_archive_close() leaves
/// one self-contained file.
///
/// On success writes the new handle to *out; the caller owns it and closes it with
/// zstdpool_archive_close(). Errors (*out is then not written): ZSTDPOOL_ERR_INVALID_ARGUMENT
/// (path or out NULL, path ""); ZSTDPOOL_ERR_NOT_OUR_DATABASE (a file that is not a SQLite
/// database, or a database with other tables or columns); ZSTDPOOL_ERR_DATABASE (a file or
/// folder that cannot be written, a read-only file, a locked database).
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_archive_open(
    path: *const c_char,
    out: *mut *mut zstdpool_archive,
) -> zstdpool_status {
    // SAFETY: the caller's arguments, as documented.
    unsafe { open_with("zstdpool_archive_open", path, out, |p| Archive::open(p)) }
}

/// Opens an existing archive for reading only: it is never modified, and
/// zstdpool_archive_convert() refuses it (ZSTDPOOL_ERR_DATABASE). Works on read-only files.
///
/// On success writes the new handle to *out; the caller owns it and closes it with
/// zstdpool_archive_close(). Errors (*out is then not written): ZSTDPOOL_ERR_INVALID_ARGUMENT
/// (path or out NULL, path ""); ZSTDPOOL_ERR_NOT_OUR_DATABASE (not a SQLite database, no
/// tables, or not the archive's); ZSTDPOOL_ERR_DATABASE (missing or unreadable).
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_archive_open_read_only(
    path: *const c_char,
    out: *mut *mut zstdpool_archive,
) -> zstdpool_status {
    // SAFETY: the caller's arguments, as documented.
    unsafe {
        open_with("zstdpool_archive_open_read_only", path, out, |p| {
            Archive::open_read_only(p)
        })
    }
}

/// Closes an archive and frees its handle: for an archive open for writing, moves the
/// write-ahead log into the database file, which is then complete on its own (one file to
/// copy or upload). NULL is a no-op (ZSTDPOOL_OK).
///
/// The handle is freed whatever the result. Errors: ZSTDPOOL_ERR_DATABASE when the final
/// checkpoint fails (nothing is lost: the write-ahead log stays beside the file and the
/// next open reads it). Thread-safety: must be the last call on the archive.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_archive_close(archive: *mut zstdpool_archive) -> zstdpool_status {
    let result = panic::catch(|| {
        if archive.is_null() {
            return Ok(());
        }
        // SAFETY: a handle from zstdpool_archive_open*(), closed once (the caller's promise).
        let handle = unsafe { Box::from_raw(archive) };
        match Arc::try_unwrap(handle.archive) {
            Ok(archive) => archive.close(),
            // Another reference (none outlives a call): it finishes when dropped.
            Err(_) => Ok(()),
        }
    });
    error::status("zstdpool_archive_close", result)
}

/// Frees an archive handle, as zstdpool_archive_close() but without a status (a failed
/// final checkpoint leaves the write-ahead log, which the next open reads). NULL is a
/// no-op. Thread-safety: must be the last call on the archive.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_archive_free(archive: *mut zstdpool_archive) {
    panic::catch_or((), || {
        if !archive.is_null() {
            // SAFETY: a handle from zstdpool_archive_open*(), freed once.
            drop(unsafe { Box::from_raw(archive) });
        }
    })
}

/// Where a conversion stands (a snapshot), reported after each commit.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct zstdpool_convert_progress {
    /// Job inputs (ZIP files or job folders) found in the source.
    pub jobs_total: u64,
    /// Jobs committed to the archive by this conversion.
    pub jobs_converted: u64,
    /// Jobs already in the archive (from an earlier run), left as they are.
    pub jobs_skipped: u64,
    /// Job inputs refused (each with its rejections in the summary).
    pub jobs_failed: u64,
    /// Files committed.
    pub files: u64,
    /// Their bytes (uncompressed: bytes in).
    pub raw_bytes: u64,
    /// The bytes of their frames (bytes out).
    pub frame_bytes: u64,
}

impl From<&Progress> for zstdpool_convert_progress {
    fn from(p: &Progress) -> zstdpool_convert_progress {
        zstdpool_convert_progress {
            jobs_total: p.jobs_total,
            jobs_converted: p.jobs_converted,
            jobs_skipped: p.jobs_skipped,
            jobs_failed: p.jobs_failed,
            files: p.files,
            raw_bytes: p.raw_bytes,
            frame_bytes: p.frame_bytes,
        }
    }
}

/// A conversion's progress callback: progress is where the conversion stands (valid only
/// during the call). Called on the thread that called zstdpool_archive_convert(), before
/// it returns, after every commit (a batch of whole jobs), and never concurrently with
/// itself. It must not close or free the archive being converted; other zstdpool calls
/// are allowed (reads of the same archive take turns with the conversion's commits; a
/// second conversion into it is refused).
pub type zstdpool_convert_progress_fn = Option<
    unsafe extern "C" fn(user_data: *mut c_void, progress: *const zstdpool_convert_progress),
>;

/// The totals of a finished conversion.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct zstdpool_convert_totals {
    /// The final counts, as the last progress report.
    pub progress: zstdpool_convert_progress,
    /// Bytes of the dictionaries the committed frames use (stored once in the archive).
    pub dict_bytes: u64,
    /// raw_bytes / frame_bytes (0 when nothing was committed).
    pub frames_ratio: f64,
    /// What the archive costs: raw_bytes / (frame_bytes + dict_bytes) (0 when nothing was
    /// committed).
    pub archive_ratio: f64,
}

/// One category (dictionary) of the files a conversion committed.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct zstdpool_archive_category {
    /// The category: the file name with digit runs folded to '#' (e.g.
    /// "DaVinci_#_#_#.log"), the `dict` row's name. Valid until the summary is freed.
    pub name: *const c_char,
    /// Files committed, their bytes, and their frames' bytes.
    pub files: u64,
    pub raw_bytes: u64,
    pub frame_bytes: u64,
    /// What happened to its dictionary: ZSTDPOOL_DICT_LOADED (already in the archive),
    /// ZSTDPOOL_DICT_TRAINED, ZSTDPOOL_DICT_TOO_FEW_SAMPLES, ZSTDPOOL_DICT_DID_NOT_HELP,
    /// ZSTDPOOL_DICT_TRAIN_FAILED, or ZSTDPOOL_DICT_ABSENT (an earlier run settled that
    /// the category has none).
    pub status: i32,
    /// The status in words (sizes, ratios, causes); never NULL. Valid until the summary is
    /// freed.
    pub status_message: *const c_char,
    /// The id and size of its dictionary (0: none).
    pub dict_id: u32,
    pub dict_size: u64,
}

/// A job input, or one of its files, that a conversion refused. Its job is not in the
/// archive (a job is converted whole or not at all); a rerun tries it again.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct zstdpool_archive_rejection {
    /// The job input (ZIP file or folder). Valid until the summary is freed.
    pub input: *const c_char,
    /// Its job number, or -1 when unknown.
    pub job: i64,
    /// The file concerned (its name within the job), or NULL when it is the whole input.
    /// Valid until the summary is freed.
    pub name: *const c_char,
    /// Why: a ZSTDPOOL_ERR_* code (e.g. ZSTDPOOL_ERR_CORRUPT_ZIP, ZSTDPOOL_ERR_CRC_MISMATCH,
    /// ZSTDPOOL_ERR_TOO_LARGE, ZSTDPOOL_ERR_EMPTY_JOB).
    pub status: zstdpool_status,
    /// What is wrong, naming the input and the file. Valid until the summary is freed.
    pub message: *const c_char,
}

/// The summary of a conversion (opaque), from zstdpool_archive_convert(): its totals
/// (zstdpool_convert_summary_totals()), its categories (zstdpool_convert_summary_category())
/// and its rejections (zstdpool_convert_summary_rejection()), freed with
/// zstdpool_convert_summary_free().
///
/// Thread-safety: a summary never changes: any number of threads may read it at once; it
/// must not be freed while another thread reads it.
pub struct zstdpool_convert_summary {
    totals: zstdpool_convert_totals,
    categories: Vec<zstdpool_archive_category>,
    rejections: Vec<zstdpool_archive_rejection>,
    /// The strings the C records point into.
    _strings: Vec<CString>,
}

impl zstdpool_convert_summary {
    fn new(summary: &ConvertSummary) -> zstdpool_convert_summary {
        let mut strings = Vec::new();
        let mut keep = |text: String| -> *const c_char {
            let c = lossy_cstring(text);
            let pointer = c.as_ptr();
            strings.push(c);
            pointer
        };
        let categories = summary
            .categories
            .iter()
            .map(|c| {
                let (status, message) = dict_status_code(&c.status);
                zstdpool_archive_category {
                    name: keep(c.name.clone()),
                    files: c.files,
                    raw_bytes: c.raw_bytes,
                    frame_bytes: c.frame_bytes,
                    status,
                    status_message: keep(message),
                    dict_id: c.dict_id,
                    dict_size: c.dict_size,
                }
            })
            .collect();
        let rejections = summary
            .rejections
            .iter()
            .map(|r| zstdpool_archive_rejection {
                input: keep(r.input.display().to_string()),
                job: r.job.unwrap_or(-1),
                name: r
                    .name
                    .as_ref()
                    .map_or(std::ptr::null(), |n| keep(n.clone())),
                status: error::code(r.error.kind),
                message: keep(r.error.message.clone()),
            })
            .collect();
        zstdpool_convert_summary {
            totals: zstdpool_convert_totals {
                progress: (&summary.totals).into(),
                dict_bytes: summary.dict_bytes,
                frames_ratio: summary.frames_ratio(),
                archive_ratio: summary.archive_ratio(),
            },
            categories,
            rejections,
            _strings: strings,
        }
    }
}

/// Creates a configuration holding the archive conversion's defaults (which differ from a
/// pool's: e.g. files up to 1 GiB, ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE), to change with
/// zstdpool_config_set() and pass to zstdpool_archive_convert(); zstdpool_config_get()
/// reads them (e.g. the level a conversion uses).
///
/// On success writes the new handle to *out; the caller owns it and frees it with
/// zstdpool_config_free(). Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT if out is NULL (*out is
/// then not written). Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_convert_config_new(
    out: *mut *mut zstdpool_config,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a pointer valid for writing a handle pointer.
        let out = unsafe { Out::new(out, "out") }?;
        let config = ConvertOptions::default().config;
        out.write(Box::into_raw(Box::new(zstdpool_config::from_config(
            config,
        ))));
        Ok(())
    });
    error::status("zstdpool_convert_config_new", result)
}

/// The conversion options for a caller's configuration (NULL: the conversion's defaults).
fn convert_options(config: Option<&zstdpool_config>) -> ConvertOptions {
    let mut options = ConvertOptions::default();
    if let Some(config) = config {
        options.config = config.config().clone();
    }
    options
}

/// Converts every job under src into the archive: src is a folder of job ZIPs
/// (`00000088.zip`), a folder of job folders (`00000088/`), or a log-store tree of them
/// (`LOG/<prod8>/<sub4>/<job8>.zip`). Each file becomes one `data` row (one zstd frame with
/// its content size and a checksum), compressed with its category's dictionary, trained
/// on the fly (knowing each category's volume from the ZIPs' directories) and stored in the
/// archive's `dict` table. Each job is committed whole (its `job` row and all its files in
/// one transaction) or refused with its reasons in the summary. Jobs already in the archive
/// are skipped: after a crash or kill, calling it again completes the archive.
///
/// config (may be NULL: the conversion's defaults, as zstdpool_convert_config_new() gives;
/// start from those to change a few options) sets the level, workers and training;
/// checksums are always on, and ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE is the
/// largest file taken from a job (a larger one, e.g. a ZIP bomb, refuses its job with
/// ZSTDPOOL_ERR_TOO_LARGE and is inflated no further). config is only read during the
/// call. progress (may be NULL) is called with user_data after each commit, on the calling
/// thread (see zstdpool_convert_progress_fn).
///
/// On success writes the summary to *out; the caller owns it and frees it with
/// zstdpool_convert_summary_free(). Jobs refused do not fail the call: they are in the
/// summary's rejections. Errors (*out is then not written): ZSTDPOOL_ERR_INVALID_ARGUMENT
/// (archive, src or out NULL, src ""); ZSTDPOOL_ERR_INVALID_CONFIG; ZSTDPOOL_ERR_DATABASE
/// (a read-only archive, a full disk or another write failure: every job committed before
/// stays, and calling it again completes the archive); ZSTDPOOL_ERR_READ (src cannot be
/// read), or another conversion into this archive is running (e.g. called from its progress
/// callback).
/// Thread-safety: any thread, one conversion per archive at a time; reads of the archive
/// may run meanwhile (they take turns with the conversion's commits).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_archive_convert(
    archive: *const zstdpool_archive,
    src: *const c_char,
    config: *const zstdpool_config,
    progress: zstdpool_convert_progress_fn,
    user_data: *mut c_void,
    out: *mut *mut zstdpool_convert_summary,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live handle.
        let handle = unsafe { args::borrow(archive, "archive") }?;
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let src: PathBuf = unsafe { path_arg(src, "src") }?.to_path_buf();
        // SAFETY: the caller passes NULL or a live configuration, read during the call.
        let config = unsafe { config.as_ref() };
        // SAFETY: the caller passes NULL or a pointer valid for writing a pointer.
        let out = unsafe { Out::new(out, "out") }?;
        let options = convert_options(config);
        if handle.converting.swap(true, Ordering::SeqCst) {
            return Err(Error::new(
                ErrorKind::Database,
                format!(
                    "{}: busy: another conversion into this archive is running",
                    handle.archive.path().display()
                ),
            ));
        }
        let _converting = Converting(&handle.converting);
        let summary = match progress {
            None => convert(&src, &handle.archive, &options, |_| {})?,
            Some(callback) => {
                converting_with_progress(&src, &handle.archive, &options, |p| {
                    let report = zstdpool_convert_progress::from(p);
                    // SAFETY: the caller's callback with its own user_data, on the calling
                    // thread; `report` is valid during the call.
                    unsafe { callback(user_data, &report) }
                })?
            }
        };
        out.write(Box::into_raw(Box::new(zstdpool_convert_summary::new(
            &summary,
        ))));
        Ok(())
    });
    error::status("zstdpool_archive_convert", result)
}

/// Runs the conversion on a helper thread and reports its progress on this one (the
/// core reports on its writer thread; C callers are promised the calling thread).
fn converting_with_progress(
    src: &Path,
    archive: &Arc<Archive>,
    options: &ConvertOptions,
    mut report: impl FnMut(&Progress),
) -> Result<ConvertSummary, Error> {
    let (sender, receiver) = mpsc::channel::<Progress>();
    std::thread::scope(|scope| {
        let converting = std::thread::Builder::new()
            .name("zstdpool-convert".to_owned())
            .spawn_scoped(scope, move || {
                convert(src, archive, options, move |p| {
                    let _ = sender.send(*p);
                })
            })
            .map_err(|e| {
                Error::new(
                    ErrorKind::System,
                    format!("cannot start the conversion thread: {e}"),
                )
            })?;
        // Ends when the conversion returns (it drops the sender).
        for p in receiver {
            report(&p);
        }
        converting
            .join()
            .unwrap_or_else(|payload| Err(Error::from_panic(payload.as_ref())))
    })
}

/// The totals of a conversion, written to *out.
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (summary or out NULL; *out is then not written).
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_convert_summary_totals(
    summary: *const zstdpool_convert_summary,
    out: *mut zstdpool_convert_totals,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live summary.
        let summary = unsafe { args::borrow(summary, "summary") }?;
        // SAFETY: the caller passes NULL or a pointer valid for writing the totals.
        let out = unsafe { Out::new(out, "out") }?;
        out.write(summary.totals);
        Ok(())
    });
    error::status("zstdpool_convert_summary_totals", result)
}

/// The number of categories in a conversion's summary (sorted by name); 0 when summary is
/// NULL. Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_convert_summary_category_count(
    summary: *const zstdpool_convert_summary,
) -> usize {
    panic::catch_or(0, || {
        // SAFETY: the caller passes NULL or a live summary.
        unsafe { summary.as_ref() }.map_or(0, |s| s.categories.len())
    })
}

/// The error for an index past a list of `count` things.
fn out_of_range(index: usize, count: usize, what: &str) -> Error {
    Error::new(
        ErrorKind::InvalidArgument,
        format!("index {index} is out of range: there are {count} {what}"),
    )
}

/// Writes category number index of a summary to *out.
///
/// Ownership: the strings in *out belong to the summary and stay valid until
/// zstdpool_convert_summary_free(). Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT if summary or out
/// is NULL or index >= zstdpool_convert_summary_category_count() (*out is then not
/// written). Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_convert_summary_category(
    summary: *const zstdpool_convert_summary,
    index: usize,
    out: *mut zstdpool_archive_category,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live summary.
        let summary = unsafe { args::borrow(summary, "summary") }?;
        // SAFETY: the caller passes NULL or a pointer valid for writing a category.
        let out = unsafe { Out::new(out, "out") }?;
        let category = summary
            .categories
            .get(index)
            .ok_or_else(|| out_of_range(index, summary.categories.len(), "categories"))?;
        out.write(*category);
        Ok(())
    });
    error::status("zstdpool_convert_summary_category", result)
}

/// The number of rejections in a conversion's summary (by input, then file); 0 when
/// summary is NULL. Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_convert_summary_rejection_count(
    summary: *const zstdpool_convert_summary,
) -> usize {
    panic::catch_or(0, || {
        // SAFETY: the caller passes NULL or a live summary.
        unsafe { summary.as_ref() }.map_or(0, |s| s.rejections.len())
    })
}

/// Writes rejection number index of a summary to *out.
///
/// Ownership: the strings in *out belong to the summary and stay valid until
/// zstdpool_convert_summary_free(). Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT if summary or out
/// is NULL or index >= zstdpool_convert_summary_rejection_count() (*out is then not
/// written). Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_convert_summary_rejection(
    summary: *const zstdpool_convert_summary,
    index: usize,
    out: *mut zstdpool_archive_rejection,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live summary.
        let summary = unsafe { args::borrow(summary, "summary") }?;
        // SAFETY: the caller passes NULL or a pointer valid for writing a rejection.
        let out = unsafe { Out::new(out, "out") }?;
        let rejection = summary
            .rejections
            .get(index)
            .ok_or_else(|| out_of_range(index, summary.rejections.len(), "rejections"))?;
        out.write(*rejection);
        Ok(())
    });
    error::status("zstdpool_convert_summary_rejection", result)
}

/// Frees a conversion's summary and its strings. NULL is a no-op.
///
/// Thread-safety: must be the last call on the summary.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_convert_summary_free(summary: *mut zstdpool_convert_summary) {
    panic::catch_or((), || {
        if !summary.is_null() {
            // SAFETY: a summary from zstdpool_archive_convert(), freed once.
            drop(unsafe { Box::from_raw(summary) });
        }
    })
}

/// One row of the archive's `job` table.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct zstdpool_archive_job {
    /// The job number (e.g. 88 for `00000088.zip`).
    pub id: i64,
    /// The DIRAC job id (`job.info`'s `/JobID = N`), or -1 when unknown (NULL).
    pub dirac_id: i64,
    /// 1 when every step succeeded, 0 when one failed, -1 when unknown (NULL).
    pub success: i32,
}

/// Called once per job by zstdpool_archive_jobs(), by job number; job is valid during the
/// call only. Returning nonzero stops the listing.
pub type zstdpool_archive_job_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, job: *const zstdpool_archive_job) -> i32>;

/// Lists the archive's jobs by job number, calling each_job with user_data for each (on
/// the calling thread, before this returns); a nonzero return stops the listing (the call
/// still succeeds).
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (archive or each_job NULL); ZSTDPOOL_ERR_DATABASE.
/// Thread-safety: any thread; the callback may read the archive (not close it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_archive_jobs(
    archive: *const zstdpool_archive,
    each_job: zstdpool_archive_job_fn,
    user_data: *mut c_void,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live handle.
        let handle = unsafe { args::borrow(archive, "archive") }?;
        let each_job = each_job.ok_or_else(|| args::null("each_job"))?;
        for job in handle.archive.jobs()? {
            let row = zstdpool_archive_job {
                id: job.id,
                dirac_id: job.dirac_id.unwrap_or(-1),
                success: job.success.map_or(-1, i32::from),
            };
            // SAFETY: the caller's callback with its own user_data; `row` lives during it.
            if unsafe { each_job(user_data, &row) } != 0 {
                break;
            }
        }
        Ok(())
    });
    error::status("zstdpool_archive_jobs", result)
}

/// Lists the names of the files of job job, sorted, calling each_name with user_data for
/// each (on the calling thread, before this returns; name is valid during the call only);
/// a nonzero return stops the listing.
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (archive or each_name NULL); ZSTDPOOL_ERR_NOT_FOUND
/// (no such job); ZSTDPOOL_ERR_DATABASE. Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_archive_names(
    archive: *const zstdpool_archive,
    job: i64,
    each_name: zstdpool_name_fn,
    user_data: *mut c_void,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live handle.
        let handle = unsafe { args::borrow(archive, "archive") }?;
        let each_name = each_name.ok_or_else(|| args::null("each_name"))?;
        let names = handle.archive.names(job)?;
        // SAFETY: the caller's callback and user_data, called on this thread.
        unsafe { super::callback::call_each_name(each_name, user_data, names) };
        Ok(())
    });
    error::status("zstdpool_archive_names", result)
}

/// Reads file name of job job (decompressed with its dictionary, prepared once and cached
/// for the following reads): writes its size to *len and, when cap >= *len, copies it
/// into buf (buf may be NULL when cap is 0: call once with cap 0 to learn the size, then
/// with a buffer that large; each call decompresses). With cap < *len nothing is copied
/// and the call still succeeds: compare *len with cap.
///
/// Errors (*len is then not written): ZSTDPOOL_ERR_INVALID_ARGUMENT (archive, name or len
/// NULL, name not UTF-8, buf NULL with cap > 0); ZSTDPOOL_ERR_NOT_FOUND (no such job or
/// file); ZSTDPOOL_ERR_DICT_MISSING, ZSTDPOOL_ERR_DICT_ID_CONFLICT,
/// ZSTDPOOL_ERR_BAD_DICTIONARY (its dictionary row), ZSTDPOOL_ERR_CORRUPT,
/// ZSTDPOOL_ERR_TRUNCATED, ZSTDPOOL_ERR_TOO_LARGE (its frame); ZSTDPOOL_ERR_DATABASE.
/// Thread-safety: any thread, concurrently with other reads.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_archive_read(
    archive: *const zstdpool_archive,
    job: i64,
    name: *const c_char,
    buf: *mut u8,
    cap: usize,
    len: *mut usize,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live handle.
        let handle = unsafe { args::borrow(archive, "archive") }?;
        // SAFETY: the caller passes NULL or a NUL-terminated string, valid during the call.
        let name = unsafe { args::utf8(name, "name") }?;
        // SAFETY: the caller passes NULL or a pointer valid for writing a size_t.
        let len = unsafe { Out::new(len, "len") }?;
        // SAFETY: the caller passes NULL (with cap 0) or `cap` writable bytes.
        let buf = unsafe { args::SizedBuffer::new(buf, cap) }?;
        buf.fill(&handle.archive.read(job, name)?, len);
        Ok(())
    });
    error::status("zstdpool_archive_read", result)
}

/// Reads file name of job job through write (called with user_data and successive pieces
/// of the content, each len > 0, on the calling thread, before this returns; see
/// zstdpool_write_fn: a nonzero return stops the read with ZSTDPOOL_ERR_WRITE). On success
/// writes the file's size to *len (len may be NULL).
///
/// Errors: as zstdpool_archive_read() (write NULL instead of buf), and ZSTDPOOL_ERR_WRITE;
/// after an error, what was written is partial: discard it. Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_archive_read_to(
    archive: *const zstdpool_archive,
    job: i64,
    name: *const c_char,
    write: zstdpool_write_fn,
    user_data: *mut c_void,
    len: *mut u64,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live handle.
        let handle = unsafe { args::borrow(archive, "archive") }?;
        // SAFETY: the caller passes NULL or a NUL-terminated string, valid during the call.
        let name = unsafe { args::utf8(name, "name") }?;
        let write = write.ok_or_else(|| args::null("write"))?;
        let len = if len.is_null() {
            None
        } else {
            // SAFETY: non-NULL, and the caller passes a pointer valid for writing a u64.
            Some(unsafe { Out::new(len, "len") }?)
        };
        let mut output = CallbackOutput::new(write, UserData(user_data));
        let size = handle.archive.read_to(job, name, &mut output)?;
        output
            .flush()
            .map_err(|e| Error::new(ErrorKind::Write, e.to_string()))?;
        if let Some(len) = len {
            len.write(size);
        }
        Ok(())
    });
    error::status("zstdpool_archive_read_to", result)
}

/// What zstdpool_archive_verify() or zstdpool_archive_extract() found.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct zstdpool_archive_counts {
    /// Job folders written (extract; 0 for verify).
    pub jobs: u64,
    /// Data rows checked (verify) or files written (extract).
    pub files: u64,
    /// The bytes they decoded to.
    pub bytes: u64,
    /// Frames without a checksum (verify; damage inside them could go unnoticed).
    pub without_checksum: u64,
    /// Frames that do not record their content size (verify).
    pub without_content_size: u64,
    /// Problems found (see zstdpool_archive_report_problem()); 0 for a sound archive.
    pub problems: u64,
}

/// One thing wrong in an archive.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct zstdpool_archive_problem {
    /// The job of the data row concerned, or -1 when it is not one row (e.g. a dictionary
    /// row, SQLite's integrity check).
    pub job: i64,
    /// The file name of the data row concerned, or NULL. Valid until the report is freed.
    pub name: *const c_char,
    /// What is wrong: a ZSTDPOOL_ERR_* code (e.g. ZSTDPOOL_ERR_CORRUPT,
    /// ZSTDPOOL_ERR_DICT_ID_CONFLICT, ZSTDPOOL_ERR_UNSAFE_NAME, ZSTDPOOL_ERR_WRITE).
    pub status: zstdpool_status,
    /// In words, naming the archive, job and file. Valid until the report is freed.
    pub message: *const c_char,
}

/// The report of zstdpool_archive_verify() or zstdpool_archive_extract() (opaque): counts
/// (zstdpool_archive_report_counts()) and problems (zstdpool_archive_report_problem()),
/// freed with zstdpool_archive_report_free().
///
/// Thread-safety: a report never changes: any number of threads may read it at once; it
/// must not be freed while another thread reads it.
pub struct zstdpool_archive_report {
    counts: zstdpool_archive_counts,
    problems: Vec<zstdpool_archive_problem>,
    /// The strings the problems point into.
    _strings: Vec<CString>,
}

impl zstdpool_archive_report {
    fn new(mut counts: zstdpool_archive_counts, found: &[Problem]) -> zstdpool_archive_report {
        let mut strings = Vec::new();
        let problems = found
            .iter()
            .map(|p| {
                let name = p.name.as_ref().map_or(std::ptr::null(), |n| {
                    let c = lossy_cstring(n.as_str());
                    let pointer = c.as_ptr();
                    strings.push(c);
                    pointer
                });
                let message = lossy_cstring(p.error.message.as_str());
                let message_ptr = message.as_ptr();
                strings.push(message);
                zstdpool_archive_problem {
                    job: p.job.unwrap_or(-1),
                    name,
                    status: error::code(p.error.kind),
                    message: message_ptr,
                }
            })
            .collect();
        counts.problems = found.len() as u64;
        zstdpool_archive_report {
            counts,
            problems,
            _strings: strings,
        }
    }

    fn of_verify(report: &VerifyReport) -> zstdpool_archive_report {
        let counts = zstdpool_archive_counts {
            jobs: 0,
            files: report.rows,
            bytes: report.raw_bytes,
            without_checksum: report.without_checksum,
            without_content_size: report.without_content_size,
            problems: 0,
        };
        zstdpool_archive_report::new(counts, &report.problems)
    }

    fn of_extract(report: &ExtractReport) -> zstdpool_archive_report {
        let counts = zstdpool_archive_counts {
            jobs: report.jobs,
            files: report.files,
            bytes: report.bytes,
            ..zstdpool_archive_counts::default()
        };
        zstdpool_archive_report::new(counts, &report.problems)
    }
}

/// Checks the whole archive: SQLite's integrity check and references, every dictionary
/// row (a valid dictionary whose header id is its zstd_id, or both NULL), and every data
/// row, decoded (checksum checked where the frame has one, dictionary id matched). What
/// is wrong inside the archive does not fail the call: it is in the report's problems.
///
/// On success writes the report to *out; the caller owns it and frees it with
/// zstdpool_archive_report_free(). Errors (*out is then not written):
/// ZSTDPOOL_ERR_INVALID_ARGUMENT (archive or out NULL); ZSTDPOOL_ERR_DATABASE (the database
/// cannot be read at all). Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_archive_verify(
    archive: *const zstdpool_archive,
    out: *mut *mut zstdpool_archive_report,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live handle.
        let handle = unsafe { args::borrow(archive, "archive") }?;
        // SAFETY: the caller passes NULL or a pointer valid for writing a pointer.
        let out = unsafe { Out::new(out, "out") }?;
        let report = handle.archive.verify()?;
        out.write(Box::into_raw(Box::new(zstdpool_archive_report::of_verify(
            &report,
        ))));
        Ok(())
    });
    error::status("zstdpool_archive_verify", result)
}

/// Writes every job of the archive back as a folder, dir/<job8>/<name> (dir created if
/// needed, files of the same names replaced), byte for byte. A stored name that could
/// leave the folder (`..`, `/`, NUL, empty) is never written, and a file that fails to
/// decode leaves no partial file: both are in the report's problems, and do not fail the
/// call.
///
/// On success writes the report to *out; the caller owns it and frees it with
/// zstdpool_archive_report_free(). Errors (*out is then not written):
/// ZSTDPOOL_ERR_INVALID_ARGUMENT (archive, dir or out NULL, dir ""); ZSTDPOOL_ERR_WRITE
/// (dir cannot be created); ZSTDPOOL_ERR_DATABASE. Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_archive_extract(
    archive: *const zstdpool_archive,
    dir: *const c_char,
    out: *mut *mut zstdpool_archive_report,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live handle.
        let handle = unsafe { args::borrow(archive, "archive") }?;
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let dir = unsafe { path_arg(dir, "dir") }?;
        // SAFETY: the caller passes NULL or a pointer valid for writing a pointer.
        let out = unsafe { Out::new(out, "out") }?;
        let report = handle.archive.extract(dir)?;
        out.write(Box::into_raw(Box::new(
            zstdpool_archive_report::of_extract(&report),
        )));
        Ok(())
    });
    error::status("zstdpool_archive_extract", result)
}

/// The counts of a report, written to *out.
///
/// Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT (report or out NULL; *out is then not written).
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_archive_report_counts(
    report: *const zstdpool_archive_report,
    out: *mut zstdpool_archive_counts,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live report.
        let report = unsafe { args::borrow(report, "report") }?;
        // SAFETY: the caller passes NULL or a pointer valid for writing the counts.
        let out = unsafe { Out::new(out, "out") }?;
        out.write(report.counts);
        Ok(())
    });
    error::status("zstdpool_archive_report_counts", result)
}

/// Writes problem number index of a report (in the order found: database-wide problems
/// first, then data rows by job and name) to *out.
///
/// Ownership: the strings in *out belong to the report and stay valid until
/// zstdpool_archive_report_free(). Errors: ZSTDPOOL_ERR_INVALID_ARGUMENT if report or out
/// is NULL or index >= the counts' problems (*out is then not written).
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_archive_report_problem(
    report: *const zstdpool_archive_report,
    index: usize,
    out: *mut zstdpool_archive_problem,
) -> zstdpool_status {
    let result = panic::catch(|| {
        // SAFETY: the caller passes NULL or a live report.
        let report = unsafe { args::borrow(report, "report") }?;
        // SAFETY: the caller passes NULL or a pointer valid for writing a problem.
        let out = unsafe { Out::new(out, "out") }?;
        let problem = report
            .problems
            .get(index)
            .ok_or_else(|| out_of_range(index, report.problems.len(), "problems"))?;
        out.write(*problem);
        Ok(())
    });
    error::status("zstdpool_archive_report_problem", result)
}

/// Frees a report and its strings. NULL is a no-op.
///
/// Thread-safety: must be the last call on the report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn zstdpool_archive_report_free(report: *mut zstdpool_archive_report) {
    panic::catch_or((), || {
        if !report.is_null() {
            // SAFETY: a report from zstdpool_archive_verify() or _extract(), freed once.
            drop(unsafe { Box::from_raw(report) });
        }
    })
}
