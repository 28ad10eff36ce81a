//! The archive: a production's job logs in one SQLite database, each log one zstd frame in a
//! BLOB, with one dictionary per category in the same database (the format of the original
//! `lhcbdirac_log` tool, which other tools read).
//!
//! # Format
//!
//! Exactly the schema in [`SCHEMA`]: `dict (id, name, zstd_id, data)`, one row per category
//! (`data` and `zstd_id` NULL when the category has no dictionary, so that `data.dict` is
//! never dangling); `job (id, dirac_id, success)`, one row per job (the job number; the DIRAC
//! id from `job.info`'s `/JobID = N`; success from the step summaries, NULL when unknown);
//! `data (name, job, dict, data)`, one row per file, the frame recording its content size,
//! its dictionary id and a checksum. Any reader can take one log with
//! `SELECT data.data, dict.data FROM data JOIN dict ON data.dict = dict.id WHERE data.name = ?
//! AND data.job = ?` and decompress it with that dictionary (none when `dict.data` is NULL).
//! Nothing else is added: no index (the primary keys serve every query), no extra table; the
//! database is left in the default rollback-journal mode with SQLite's default 4 KiB pages
//! (see [`Archive::close`]). Each batch's data rows are inserted in an order that fills
//! SQLite's pages (first-fit decreasing over a page's room): for a generated sub-production
//! of 1,000 jobs the database is 5.7 % larger than its frames and dictionaries (13.4 % in
//! arrival order; `VACUUM` with 4-64 KiB pages gave 9-13 %). What is left is the schema's
//! own: the file names stored in `data` and again in its primary-key index (3.7 %). Reading
//! one log at random takes a median 16 us (`examples/archive_bench.rs`).
//!
//! [`Archive`] reads databases of other writers too: frames without dictionary id, checksum
//! or content size decode; a `zstd_id` that disagrees with the dictionary's header is an
//! error (`DictIdConflict`), a NULL one beside a dictionary is read by the header and
//! reported by [`Archive::verify`]. A database with other tables or columns is refused
//! (`NotOurDatabase`).
//!
//! # Conversion, transactions, resume
//!
//! [`convert`] takes a folder of job ZIPs, a folder of job folders, or a log-store tree of
//! them (`LOG/<prod8>/<sub4>/<job8>.zip`). One producer reads each job's ZIP and checks
//! its directory (names, encryption, methods, sizes), then hands its files to a compressor
//! [`Pool`](crate::Pool) whose workers inflate each entry (CRC-32 checked, never past the
//! size limit) and compress it; the pool's dictionary provider is the archive itself: a category's dictionary is read from the
//! `dict` table, or trained on the fly and stored there (in its own committed transaction,
//! before any frame made with it is written). Finished frames go to one writer thread, which
//! commits a job, its `job` row and all its `data` rows, in the same transaction, only once
//! every file of the job is compressed; finished jobs are batched (`batch_rows`,
//! `batch_bytes`, or a moment without news) into one transaction each. Memory is bounded:
//! a job is read only when the rows and bytes waiting (`max_waiting_rows`,
//! `max_waiting_bytes`) leave room for it.
//!
//! While writing, the database is in WAL mode (`synchronous = NORMAL`): a process killed at
//! any point (`kill -9`) leaves the last committed transaction, which the next open
//! recovers: never a partial job. Rerunning the same conversion skips every job already in
//! the `job` table (counted as skipped), converts the others, and uses the dictionaries
//! already in the `dict` table; a category whose row says "no dictionary" stays without one
//! (its frames, made without a dictionary, must keep decoding the same way). A dictionary
//! used by rows is never replaced. A full disk (or [`Archive::limit_size`]) stops the
//! conversion with a `Database` error; what was committed stays, and a rerun completes it.
//!
//! # Reading back
//!
//! [`Archive::jobs`], [`Archive::names`], [`Archive::read`] / [`Archive::read_to`] (one log
//! by job and name, its dictionary prepared once and cached), [`Archive::verify`] (every row
//! decoded, checksums checked where present, dictionary ids matched; a list of problems)
//! and [`Archive::extract`] (every job back as `<job8>/` folder; a stored name that could
//! leave the target folder is reported and never written).
//!
//! # Decisions
//!
//! - **A job is converted whole or not at all.** A job with any bad file (truncated, corrupt
//!   or non-ZIP input, CRC mismatch, encrypted or unsupported entry, duplicate name, a name
//!   with `..`, `/` below the job folder or NUL, a file over `max_decompressed_size` such as
//!   a ZIP bomb, which is inflated no further than the limit, an empty job, no job number,
//!   a job number given twice) is refused: every reason is in the summary's rejections, each
//!   with its own [`ErrorKind`](crate::ErrorKind) and a message naming the input and the
//!   file, and the job is not in the archive. So a `job` row always means "all of its files
//!   are here", and a rerun tries the refused jobs again (and reports them again): nothing
//!   is lost silently, nothing is half there.
//! - **`*.gz` files are stored as they are**, under their own name and category (extraction
//!   gives back the uploaded bytes exactly); their category gains little from a dictionary.
//! - **Job numbers** come from the input's name (`00000088.zip`, `00000088/`,
//!   `00285595_00000088/`), else from the ZIP's top-level folder, else from the
//!   `_<prod8>_<job8>_` part of the file names (which must agree).
//! - **Categories** are file names with digit runs folded to `#`
//!   ([`category_of_name`]): one dictionary per kind of file for the whole archive.
//! - **Dictionaries pay for themselves.** Before compressing, the conversion reads every
//!   input's directory and tells the pool each category's whole volume
//!   (`Pool::set_category_volume`): the trainer then keeps the dictionary, or none, that
//!   makes frames + dictionary smallest for that volume, since the archive stores it once.

mod budget;
mod category;
mod content;
mod convert;
mod dict_cache;
mod extract;
mod folder_job;
mod frame_buffer;
mod job_facts;
mod job_load;
mod job_source;
mod names;
mod packing;
mod provider;
mod reader;
mod rows;
mod schema;
mod sql;
mod store;
mod summary;
mod verify;
mod volumes;
mod writer;
mod zip_job;
mod zip_names;

pub use category::category_of_name;
pub use convert::{ConvertOptions, convert};
pub use extract::ExtractReport;
pub use schema::SCHEMA;
pub use store::{Archive, DictRow, JobRow};
pub use summary::{CategorySummary, ConvertSummary, Progress, Rejected};
pub use verify::{Problem, VerifyReport};
