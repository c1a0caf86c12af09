//! The adapters' error type: read errors and decode errors kept apart.

use std::{fmt, io};

/// An error from an adapter: either the reader failed, or the bytes it gave
/// are not a valid response. The two are never flattened into one another.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReadError {
    /// The underlying reader returned an error. The decoder is untouched:
    /// after a transient error (`Interrupted` is retried for you,
    /// `WouldBlock` is not) the same reader may be called again.
    Io(io::Error),
    /// The body is malformed or truncated. Sticky: every later call returns
    /// it again.
    Decode(kusto_frames::Error),
}

impl ReadError {
    /// The decode error, if this is one.
    pub fn decode_error(&self) -> Option<kusto_frames::Error> {
        match self {
            ReadError::Decode(e) => Some(*e),
            ReadError::Io(_) => None,
        }
    }

    /// The I/O error, if this is one.
    pub fn io_error(&self) -> Option<&io::Error> {
        match self {
            ReadError::Io(e) => Some(e),
            ReadError::Decode(_) => None,
        }
    }

    /// `true` when the response was cut short: the decoder reached the end
    /// of the input inside the body, or the transport reported an
    /// unexpected end of stream.
    pub fn is_truncated(&self) -> bool {
        match self {
            ReadError::Decode(e) => e.is_eof(),
            ReadError::Io(e) => e.kind() == io::ErrorKind::UnexpectedEof,
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "read error: {e}"),
            ReadError::Decode(e) => write!(f, "{e}"),
        }
    }
}

impl core::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            ReadError::Io(e) => Some(e),
            ReadError::Decode(e) => Some(e),
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

impl From<kusto_frames::Error> for ReadError {
    fn from(e: kusto_frames::Error) -> Self {
        ReadError::Decode(e)
    }
}
