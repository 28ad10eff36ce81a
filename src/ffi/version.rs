//! The library's version (header macros and run-time functions, checked against Cargo.toml
//! at compile time) and the version of the libzstd linked in.

use std::ffi::{CStr, c_char};

use super::panic;

/// Major version of the header (the library's version at the time it was generated).
pub const ZSTDPOOL_VERSION_MAJOR: u32 = 0;
/// Minor version of the header. While the major version is 0, a new minor version may break
/// the ABI (the shared library's SONAME is libzstdpool.so.0.MINOR).
pub const ZSTDPOOL_VERSION_MINOR: u32 = 1;
/// Patch version of the header.
pub const ZSTDPOOL_VERSION_PATCH: u32 = 0;
/// The header's version as "MAJOR.MINOR.PATCH". cbindgen copies no string constants: the
/// header defines this macro from the three numbers (cbindgen.toml's `after_includes`).
pub const ZSTDPOOL_VERSION_STRING: &str = "0.1.0";
/// The header's version as one number: MAJOR * 10000 + MINOR * 100 + PATCH (compare with
/// zstdpool_version_number() to check that the library matches the header).
pub const ZSTDPOOL_VERSION_NUMBER: u32 =
    ZSTDPOOL_VERSION_MAJOR * 10000 + ZSTDPOOL_VERSION_MINOR * 100 + ZSTDPOOL_VERSION_PATCH;

/// `text` as a number, in a constant expression.
const fn parse(text: &str) -> u32 {
    let bytes = text.as_bytes();
    let mut value = 0;
    let mut i = 0;
    while i < bytes.len() {
        assert!(
            bytes[i].is_ascii_digit(),
            "version component is not a number"
        );
        value = value * 10 + (bytes[i] - b'0') as u32;
        i += 1;
    }
    value
}

/// Whether two strings are equal, in a constant expression.
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

// The header's macros are literals (cbindgen copies literals only): a version bump in
// Cargo.toml without updating them fails to compile here.
const _: () = {
    assert!(
        ZSTDPOOL_VERSION_MAJOR == parse(env!("CARGO_PKG_VERSION_MAJOR"))
            && ZSTDPOOL_VERSION_MINOR == parse(env!("CARGO_PKG_VERSION_MINOR"))
            && ZSTDPOOL_VERSION_PATCH == parse(env!("CARGO_PKG_VERSION_PATCH"))
            && same(ZSTDPOOL_VERSION_STRING, env!("CARGO_PKG_VERSION")),
        "src/ffi/version.rs: update ZSTDPOOL_VERSION_* to the version in Cargo.toml"
    );
};

/// The library's version as a C string (what zstdpool_version() returns).
pub fn version_cstr() -> &'static CStr {
    const TEXT: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(text) => text,
            Err(_) => panic!("the package version contains a NUL byte"),
        };
    TEXT
}

/// The version of the library loaded at run time, e.g. "0.1.0" (compare with
/// ZSTDPOOL_VERSION_STRING, the header's).
///
/// Ownership: static string; never free it. Thread-safety: any thread, any time.
#[unsafe(no_mangle)]
pub extern "C" fn zstdpool_version() -> *const c_char {
    version_cstr().as_ptr()
}

/// The version of the library loaded at run time as MAJOR * 10000 + MINOR * 100 + PATCH
/// (compare with ZSTDPOOL_VERSION_NUMBER, the header's).
///
/// Thread-safety: any thread, any time.
#[unsafe(no_mangle)]
pub extern "C" fn zstdpool_version_number() -> u32 {
    ZSTDPOOL_VERSION_NUMBER
}

/// The version of the libzstd built into the library, e.g. "1.5.7".
///
/// Ownership: static string; never free it. Thread-safety: any thread, any time.
#[unsafe(no_mangle)]
pub extern "C" fn zstdpool_zstd_version() -> *const c_char {
    panic::catch_or(c"unknown".as_ptr(), || {
        crate::libzstd::version_cstr().as_ptr()
    })
}
