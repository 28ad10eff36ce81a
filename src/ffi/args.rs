//! Pointer arguments: NULL checks that name the argument, C strings, and out-parameters that
//! are checked first and written last (only on success).

use std::ffi::{CStr, c_char};
use std::ptr::NonNull;

use crate::error::{Error, ErrorKind};

/// The error for a NULL pointer passed as argument `name`.
pub(crate) fn null(name: &str) -> Error {
    Error::new(ErrorKind::InvalidArgument, format!("{name} is NULL"))
}

/// Borrows the object behind `pointer`, or says that argument `name` is NULL.
///
/// # Safety
/// A non-NULL `pointer` must point to a live `T` that nobody mutates for `'a`.
pub(crate) unsafe fn borrow<'a, T>(pointer: *const T, name: &str) -> Result<&'a T, Error> {
    // SAFETY: the caller guarantees that a non-NULL pointer is valid for `'a`.
    unsafe { pointer.as_ref() }.ok_or_else(|| null(name))
}

/// Borrows the object behind `pointer` mutably, or says that argument `name` is NULL.
///
/// # Safety
/// A non-NULL `pointer` must point to a live `T` that nobody else uses for `'a`.
pub(crate) unsafe fn borrow_mut<'a, T>(pointer: *mut T, name: &str) -> Result<&'a mut T, Error> {
    // SAFETY: the caller guarantees that a non-NULL pointer is valid and unaliased for `'a`.
    unsafe { pointer.as_mut() }.ok_or_else(|| null(name))
}

/// The NUL-terminated string behind `pointer` as UTF-8, or an error naming argument `name`.
///
/// # Safety
/// A non-NULL `pointer` must point to a NUL-terminated string that lives, unchanged, for `'a`.
pub(crate) unsafe fn utf8<'a>(pointer: *const c_char, name: &str) -> Result<&'a str, Error> {
    if pointer.is_null() {
        return Err(null(name));
    }
    // SAFETY: non-NULL, and the caller guarantees a NUL-terminated string valid for `'a`.
    let text = unsafe { CStr::from_ptr(pointer) };
    text.to_str().map_err(|_| {
        Error::new(
            ErrorKind::InvalidArgument,
            format!("{name} is not valid UTF-8"),
        )
    })
}

/// An optional string argument: NULL is `None`.
///
/// # Safety
/// As [`utf8`].
pub(crate) unsafe fn optional_utf8<'a>(
    pointer: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, Error> {
    if pointer.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller's guarantee, passed on.
    unsafe { utf8(pointer, name) }.map(Some)
}

/// A byte buffer argument of `len` bytes; NULL is refused.
///
/// # Safety
/// A non-NULL `pointer` must point to `len` readable bytes that stay unchanged for `'a`.
pub(crate) unsafe fn bytes<'a>(
    pointer: *const u8,
    len: usize,
    name: &str,
) -> Result<&'a [u8], Error> {
    if pointer.is_null() {
        return Err(null(name));
    }
    if len > isize::MAX as usize {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("{name}: length {len} is too large"),
        ));
    }
    // SAFETY: non-NULL, at most isize::MAX bytes, and the caller guarantees `len` readable
    // bytes for `'a`.
    Ok(unsafe { std::slice::from_raw_parts(pointer, len) })
}

/// A caller's buffer for a result whose size it may not know: NULL with capacity 0 asks for
/// the size only; the bytes are copied when they fit.
pub(crate) struct SizedBuffer {
    buf: *mut u8,
    cap: usize,
}

impl SizedBuffer {
    /// Checks the buffer argument `buf` of `cap` bytes.
    ///
    /// # Safety
    /// A non-NULL `buf` must point to `cap` writable bytes, not aliased during the call.
    pub unsafe fn new(buf: *mut u8, cap: usize) -> Result<SizedBuffer, Error> {
        if buf.is_null() && cap > 0 {
            return Err(null("buf"));
        }
        Ok(SizedBuffer { buf, cap })
    }

    /// Copies `bytes` into the buffer when they fit, and writes their size to `len`.
    pub fn fill(self, bytes: &[u8], len: Out<usize>) {
        if self.cap >= bytes.len() && !bytes.is_empty() {
            // SAFETY: `buf` is non-NULL (cap > 0) with `cap` >= len writable bytes, not
            // aliased (`SizedBuffer::new`'s caller's promise).
            let target = unsafe { std::slice::from_raw_parts_mut(self.buf, bytes.len()) };
            target.copy_from_slice(bytes);
        }
        len.write(bytes.len());
    }
}

/// An out-parameter, checked for NULL when the call starts and written when it succeeds.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// Checks out-parameter `name`.
    ///
    /// # Safety
    /// A non-NULL `pointer` must be valid for writing a `T` (aligned; its old content, if
    /// any, is overwritten without being dropped) until [`Out::write`] is called.
    pub unsafe fn new(pointer: *mut T, name: &str) -> Result<Out<T>, Error> {
        NonNull::new(pointer).map(Out).ok_or_else(|| null(name))
    }

    /// Writes the result.
    pub fn write(self, value: T) {
        // SAFETY: `Out::new`'s caller guaranteed the pointer valid for writes until now.
        unsafe { self.0.as_ptr().write(value) }
    }
}
