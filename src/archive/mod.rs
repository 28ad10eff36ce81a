//! The archive: a production's job logs in one SQLite database, each log a zstd frame, with
//! one dictionary per category in the same database.
//!
//! (Module documentation: see the end of the work; format, transactions, resume, decisions.)

mod category;
mod dict_cache;
mod provider;
mod reader;
mod schema;
mod sql;
mod store;
mod verify;

pub use category::category_of_name;
pub use schema::SCHEMA;
pub use store::{Archive, DictRow, JobRow};
pub use verify::{Problem, VerifyReport};
