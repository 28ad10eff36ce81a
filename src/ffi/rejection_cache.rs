//! The rejections handed out to C, as C strings that stay valid until the pool is freed.

use std::ffi::{CString, c_char};
use std::sync::Mutex;

use super::error::{self, zstdpool_status};
use super::strings::lossy_cstring;
use crate::error::{Error, ErrorKind};
use crate::pool::Pool;

/// One rejection as C strings.
struct CachedRejection {
    name: CString,
    status: zstdpool_status,
    message: CString,
}

/// A rejection as handed to C: its name, status code and message.
pub(crate) struct RejectionView {
    pub name: *const c_char,
    pub status: zstdpool_status,
    pub message: *const c_char,
}

/// The pool's rejections converted so far. The core keeps rejections in the order they
/// ended and never removes one, so the cache only ever grows at the end; its strings never
/// move (each `CString` owns its heap buffer, which stays put when the vector grows).
#[derive(Default)]
pub(crate) struct RejectionCache {
    converted: Mutex<Vec<CachedRejection>>,
}

impl RejectionCache {
    /// Rejection number `index` of `pool`, converting the ones not converted yet. Its
    /// strings stay valid as long as the cache.
    pub fn get(&self, pool: &Pool, index: usize) -> Result<RejectionView, Error> {
        let mut converted = self.converted.lock().unwrap_or_else(|e| e.into_inner());
        if index >= converted.len() {
            let start = converted.len();
            let new = pool.rejected_since(start);
            converted.extend(new.iter().map(|r| CachedRejection {
                name: lossy_cstring(r.name.as_str()),
                status: error::code(r.error.kind),
                message: lossy_cstring(r.error.message.as_str()),
            }));
        }
        let Some(rejection) = converted.get(index) else {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "index {index} is out of range: {} entries were rejected",
                    converted.len()
                ),
            ));
        };
        Ok(RejectionView {
            name: rejection.name.as_ptr(),
            status: rejection.status,
            message: rejection.message.as_ptr(),
        })
    }
}
