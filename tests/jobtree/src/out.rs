//! The text buffer every file kind writes into, with an optional size budget.
//!
//! Full files are written with no budget. `synthetic_entry` needs only the first few kilobytes
//! of a kind, a million times over, so every append is skipped once the budget is used up and
//! the writers check [`Out::full`] in their loops to stop early, instead of building a whole
//! file and cutting it.

/// A growing text file plus the length after which its writer may stop.
pub(crate) struct Out {
    /// The text written so far (ASCII only, so byte and char lengths agree).
    pub(crate) buf: String,
    /// Writers stop at the next loop boundary once `buf` reaches this length.
    limit: usize,
}

impl Out {
    /// An unbounded buffer with room for `capacity` bytes.
    pub(crate) fn new(capacity: usize) -> Out {
        Out {
            buf: String::with_capacity(capacity),
            limit: usize::MAX,
        }
    }

    /// A buffer whose writers may stop once it holds `limit` bytes.
    pub(crate) fn with_limit(limit: usize) -> Out {
        Out {
            buf: String::with_capacity(limit.saturating_add(256).min(1 << 20)),
            limit,
        }
    }

    /// True once the budget is used up: the writer should return.
    pub(crate) fn full(&self) -> bool {
        self.buf.len() >= self.limit
    }

    /// The current length in bytes.
    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    /// Appends a string (nothing once full).
    pub(crate) fn s(&mut self, text: &str) {
        if !self.full() {
            self.buf.push_str(text);
        }
    }

    /// Appends `count` copies of `ch`, an ASCII padding or rule character (nothing once full).
    pub(crate) fn repeat(&mut self, ch: char, count: usize) {
        if !self.full() {
            self.buf.extend(std::iter::repeat_n(ch, count));
        }
    }

    /// The finished bytes.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.buf.into_bytes()
    }
}

/// `w!(out, "fmt", args...)`: formatted append to an [`Out`], skipped (arguments included)
/// once the budget is used up, so that a writer's tail costs nothing for a short entry.
/// Writing into a `String` cannot fail, so the `fmt::Result` is dropped here once instead of
/// at every call site.
macro_rules! w {
    ($out:expr, $($arg:tt)*) => {{
        let out: &mut $crate::out::Out = &mut *$out;
        if !out.full() {
            let _ = ::std::fmt::Write::write_fmt(&mut out.buf, format_args!($($arg)*));
        }
    }};
}

pub(crate) use w;
