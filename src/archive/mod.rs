//! The archive: a production's job logs in one SQLite database, each log a zstd frame, with
//! one dictionary per category in the same database.
//!
//! (Module documentation: see the end of the work; format, transactions, resume, decisions.)

mod budget;
mod category;
mod convert;
mod dict_cache;
mod frame_buffer;
mod job_facts;
mod job_load;
mod job_source;
mod names;
mod provider;
mod reader;
mod rows;
mod schema;
mod sql;
mod store;
mod summary;
mod verify;
mod writer;
mod zip_names;

pub use category::category_of_name;
pub use convert::{ConvertOptions, convert};
pub use schema::SCHEMA;
pub use store::{Archive, DictRow, JobRow};
pub use summary::{CategorySummary, ConvertSummary, Progress, Rejected};
pub use verify::{Problem, VerifyReport};
