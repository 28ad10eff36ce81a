//! C strings handed out by the library, converted from Rust strings.

use std::ffi::CString;

/// `text` as a C string; an interior NUL (which C could not see past) becomes U+FFFD.
pub(crate) fn lossy_cstring(text: impl Into<String>) -> CString {
    let text = text.into();
    CString::new(text).unwrap_or_else(|e| {
        let cleaned = String::from_utf8_lossy(&e.into_vec()).replace('\0', "\u{FFFD}");
        CString::new(cleaned).unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interior_nul_becomes_a_replacement_character() {
        assert_eq!(lossy_cstring("a\0b").to_str().unwrap(), "a\u{FFFD}b");
        assert_eq!(lossy_cstring("plain").to_str().unwrap(), "plain");
    }
}
