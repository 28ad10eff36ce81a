//! C strings handed out by the library: conversion from Rust strings, and an intern table
//! for strings that must outlive the call that returns them.

use std::collections::HashSet;
use std::ffi::{CString, c_char};
use std::sync::Mutex;

/// `text` as a C string; an interior NUL (which C could not see past) becomes U+FFFD.
pub(crate) fn lossy_cstring(text: impl Into<String>) -> CString {
    let text = text.into();
    CString::new(text).unwrap_or_else(|e| {
        let cleaned = String::from_utf8_lossy(&e.into_vec()).replace('\0', "\u{FFFD}");
        CString::new(cleaned).unwrap_or_default()
    })
}

/// Strings that stay valid as long as the table lives: each distinct string is stored once,
/// and a stored string never moves (a `CString` owns its heap buffer; moving the `CString`
/// inside the set does not move the bytes).
#[derive(Default)]
pub(crate) struct Interner {
    strings: Mutex<HashSet<CString>>,
}

impl Interner {
    /// A pointer to `text`, valid until the table is dropped.
    pub fn intern(&self, text: &str) -> *const c_char {
        let text = lossy_cstring(text);
        let mut strings = self.strings.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(stored) = strings.get(&text) {
            return stored.as_ptr();
        }
        let pointer = text.as_ptr();
        strings.insert(text);
        pointer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interned_strings_are_shared_and_stable() {
        let table = Interner::default();
        let a = table.intern("alpha");
        for i in 0..1000 {
            table.intern(&format!("s{i}"));
        }
        assert_eq!(table.intern("alpha"), a);
        assert_eq!(lossy_cstring("a\0b").to_str().unwrap(), "a\u{FFFD}b");
    }
}
