//! The panic boundary: no panic unwinds into C (rustls-ffi's `panic.rs`). Every exported
//! function runs its body through [`catch`] (fallible functions, a panic becomes
//! `ZSTDPOOL_ERR_PANIC`) or [`catch_or`] (functions that cannot fail, a panic gives a fixed
//! fallback value).

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::Error;
#[cfg(test)]
use crate::error::ErrorKind;

/// Runs `body`, turning a panic into an `ErrorKind::Panic` error.
///
/// `AssertUnwindSafe`: after a panic the call reports failure and leaves no half-written
/// output (outputs are written last); shared state is behind locks that the core treats as
/// usable after poisoning.
pub(crate) fn catch<T>(body: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    catch_unwind(AssertUnwindSafe(body))
        .unwrap_or_else(|payload| Err(Error::from_panic(payload.as_ref())))
}

/// Runs `body`, answering `fallback` if it panics.
pub(crate) fn catch_or<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error() {
        let result: Result<(), Error> = catch(|| panic!("boom"));
        let error = result.unwrap_err();
        assert_eq!(error.kind, ErrorKind::Panic);
        assert!(error.message.contains("boom"));
        assert_eq!(catch_or(7, || panic!("boom")), 7);
    }
}
