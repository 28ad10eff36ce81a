//! The output of a conversion's entry: an in-memory buffer the pool writes the frame into
//! and the entry's completion takes it from.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

/// A shared growable buffer: one handle is the entry's output, a clone takes the bytes.
#[derive(Clone, Debug, Default)]
pub(crate) struct FrameBuffer(Arc<Mutex<Vec<u8>>>);

impl FrameBuffer {
    /// The bytes written so far, leaving the buffer empty.
    pub(crate) fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Write for FrameBuffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
