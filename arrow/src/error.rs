//! Errors.

use core::fmt;

use arrow_schema::ArrowError;
use kusto_frames::response::{Outcome, ResponseError};
use kusto_frames_io::ReadError;
use parquet::errors::ParquetError;

use crate::TableSelector;

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Reading or decoding the body failed (I/O, malformed or truncated
    /// JSON). The batches decoded before it came out first.
    Read(ReadError),
    /// A cell the mapping cannot hold: not of its column's type, or out of
    /// the range of its Arrow type.
    Value {
        /// The table (its name, else `#id`, else `table N`).
        table: String,
        /// The column's name.
        column: String,
        /// The column's index.
        column_index: usize,
        /// The row's index in its frame's `Rows`.
        row: u64,
        /// Byte offset in the body: of the cell when the decoder rejected
        /// it, of the row's `[` when the Arrow type cannot hold the value.
        offset: u64,
        /// Why.
        reason: String,
    },
    /// A row with more or fewer cells than its table has columns.
    Shape {
        /// The table.
        table: String,
        /// The row's index in its frame's `Rows`.
        row: u64,
        /// Byte offset of the row's `[`.
        offset: u64,
        /// Cells in the row.
        cells: usize,
        /// Columns of the table.
        columns: usize,
    },
    /// A frame sequence the conversion cannot follow without dropping or
    /// changing data (a `DataReplace` after the table's batches were
    /// handed out, an unknown `TableFragmentType`, rows without columns, ...).
    Protocol {
        /// What happened.
        message: String,
        /// Byte offset (of the decoder when it was seen), when known.
        offset: Option<u64>,
    },
    /// A limit of [`crate::Options`] was reached.
    Limit {
        /// Which limit.
        what: &'static str,
        /// Its value.
        limit: u64,
        /// Byte offset, when known.
        offset: Option<u64>,
    },
    /// No table matched the selector.
    TableNotFound(TableSelector),
    /// The response reported errors: every batch came out before this.
    PartialFailure(PartialFailure),
    /// Arrow (building a batch, writing IPC).
    Arrow(ArrowError),
    /// Parquet.
    Parquet(ParquetError),
    /// Writing the output.
    Io(std::io::Error),
}

impl Error {
    /// The byte offset in the body the error refers to, when known.
    pub fn offset(&self) -> Option<u64> {
        match self {
            Error::Read(e) => e.decode_error().map(|e| e.offset()),
            Error::Value { offset, .. } | Error::Shape { offset, .. } => Some(*offset),
            Error::Protocol { offset, .. } | Error::Limit { offset, .. } => *offset,
            _ => None,
        }
    }

    pub(crate) fn set_offset(&mut self, at: u64) {
        if let Error::Protocol { offset, .. } | Error::Limit { offset, .. } = self {
            offset.get_or_insert(at);
        }
    }

    /// The partial failure, when the error is one.
    pub fn partial_failure(&self) -> Option<&PartialFailure> {
        match self {
            Error::PartialFailure(p) => Some(p),
            _ => None,
        }
    }
}

/// The errors a response reported while its rows came through: row errors,
/// `TableCompletion` and `DataSetCompletion` errors, cancellation, V1
/// exceptions, an error body (see [`kusto_frames::response::ErrorTracker`]).
#[derive(Debug, Clone)]
pub struct PartialFailure {
    /// [`kusto_frames::response::classify`] of the errors (for status 200).
    pub outcome: Outcome,
    /// The errors, in order.
    pub errors: Vec<ResponseError>,
    /// Errors beyond the tracker's limit, counted but not kept.
    pub dropped: u64,
}

impl fmt::Display for PartialFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the response reported {} error(s) ({:?})",
            self.errors.len() as u64 + self.dropped,
            self.outcome
        )?;
        if let Some(first) = self.errors.first() {
            write!(f, "; the first: {first:?}")?;
        }
        Ok(())
    }
}

fn at(f: &mut fmt::Formatter<'_>, offset: Option<u64>) -> fmt::Result {
    match offset {
        Some(o) => write!(f, " (at byte {o})"),
        None => Ok(()),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Read(e) => write!(f, "{e}"),
            Error::Value {
                table,
                column,
                column_index,
                row,
                offset,
                reason,
            } => write!(
                f,
                "{reason}: table {table}, column {column:?} (#{column_index}), row {row}, at byte {offset}"
            ),
            Error::Shape {
                table,
                row,
                offset,
                cells,
                columns,
            } => write!(
                f,
                "row {row} of table {table} has {cells} cells for {columns} columns, at byte {offset}"
            ),
            Error::Protocol { message, offset } => {
                write!(f, "{message}")?;
                at(f, *offset)
            }
            Error::Limit {
                what,
                limit,
                offset,
            } => {
                write!(f, "limit reached: {what} ({limit})")?;
                at(f, *offset)
            }
            Error::TableNotFound(s) => write!(f, "no table matches {s:?}"),
            Error::PartialFailure(p) => write!(f, "{p}"),
            Error::Arrow(e) => write!(f, "arrow: {e}"),
            Error::Parquet(e) => write!(f, "parquet: {e}"),
            Error::Io(e) => write!(f, "write: {e}"),
        }
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Error::Read(e) => Some(e),
            Error::Arrow(e) => Some(e),
            Error::Parquet(e) => Some(e),
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ReadError> for Error {
    fn from(e: ReadError) -> Self {
        Error::Read(e)
    }
}

impl From<ArrowError> for Error {
    fn from(e: ArrowError) -> Self {
        // An error of ours wrapped by a RecordBatchReader consumer comes back
        // as itself.
        match e {
            ArrowError::ExternalError(inner) => match inner.downcast::<Error>() {
                Ok(ours) => *ours,
                Err(other) => Error::Arrow(ArrowError::ExternalError(other)),
            },
            ArrowError::IoError(_, io) => Error::Io(io),
            e => Error::Arrow(e),
        }
    }
}

impl From<ParquetError> for Error {
    fn from(e: ParquetError) -> Self {
        Error::Parquet(e)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}
