//! Arrow record batches, Arrow IPC streams and Parquet files straight from a
//! streamed Azure Data Explorer (Kusto) query response.
//!
//! The decoder's rows go into one Arrow builder per column
//! ([`kusto_frames::Row::value`], no detour through JSON values) and come out
//! as a [`RecordBatch`] every [`Options::batch_rows`] rows:
//!
//! - [`Batcher`]: the push builder, fed [`Event`]s from any reader;
//! - [`TableBatchReader`]: every selected table's batches from a
//!   [`kusto_frames_io::EventReader`];
//! - [`BatchReader`]: one table (the first primary result by default) as an
//!   [`arrow_array::RecordBatchReader`];
//! - [`write_ipc_stream`] and [`write_parquet`]: one table written batch by
//!   batch, for the `kusto-frames arrow` and `kusto-frames parquet` commands;
//! - `tokio::AsyncTableBatchReader` (feature `tokio`): batches from
//!   kusto-frames-io's tokio `EventStream`.
//!
//! The type mapping is in the crate's README. Nothing is dropped or changed
//! silently: a value the mapping cannot hold is an [`Error::Value`] naming the
//! table, column, row and byte offset (the batches before it come out first),
//! and errors the response reports (row errors, `TableCompletion` and
//! `DataSetCompletion` errors, cancellation) come after the batches as
//! [`Error::PartialFailure`].
//!
//! ```
//! use kusto_frames_arrow::{BatchReader, Options};
//! use kusto_frames_io::EventReader;
//!
//! let body: &[u8] = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
//! {"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","TableName":"T",
//!  "Columns":[{"ColumnName":"x","ColumnType":"long"}],"Rows":[[1],[null],[3]]},
//! {"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
//! let mut reader = BatchReader::new(EventReader::from_read(body), Options::default())?;
//! let batch = reader.next_batch().unwrap()?;
//! assert_eq!(batch.num_rows(), 3);
//! assert_eq!(batch.column(0).null_count(), 1);
//! assert!(reader.next_batch().is_none());
//! # Ok::<(), kusto_frames_arrow::Error>(())
//! ```
#![deny(missing_docs)]

mod batcher;
mod column;
mod error;
mod reader;
#[cfg(feature = "tokio")]
pub mod tokio;
mod write;

pub use arrow_array::RecordBatch;
pub use batcher::{Batcher, TableBatch, TableMeta};
pub use column::{DECIMAL_PRECISION, DECIMAL_SCALE, KUSTO_TYPE_KEY};
pub use error::{Error, PartialFailure};
pub use kusto_frames::Event;
pub use reader::{BatchReader, TableBatchReader};
pub use write::{write_ipc_stream, write_parquet, ParquetCompression, WriteSummary};

/// The unit of `datetime` and `timespan` columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DatetimeUnit {
    /// Nanoseconds (the default): exact, but only 1677-09-21 to 2262-04-11
    /// and about ±106 751 days fit an `i64`; a value outside is an
    /// [`Error::Value`].
    #[default]
    Nanosecond,
    /// Microseconds: the whole Kusto range, **dropping the 100 ns digit**
    /// (the seventh fraction digit) of every value: a `datetime` is rounded
    /// down (toward the past), a `timespan` toward zero, as if the digit were
    /// cut off its text. The lossy option the caller picks.
    Microsecond,
}

impl DatetimeUnit {
    /// Parses the tool's `--datetime-unit` value: `ns` or `us`.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "ns" => Some(DatetimeUnit::Nanosecond),
            "us" => Some(DatetimeUnit::Microsecond),
            _ => None,
        }
    }
}

/// How `decimal` columns are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DecimalMode {
    /// `Decimal256(76, 38)` (the default): exactly, every value of at most
    /// 38 significant digits with at most 38 fraction digits: every .NET
    /// `decimal` (29 digits, scale up to 28) and every `SqlDecimal` (38
    /// digits). Anything else (NaN, infinities, more digits) is an
    /// [`Error::Value`].
    #[default]
    Decimal256,
    /// `Utf8`: the exact text as sent, for consumers without 256-bit
    /// decimals.
    Utf8,
}

/// Which tables become batches.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TableSelector {
    /// The first primary result (the default): V2 `TableKind`
    /// `PrimaryResult`, V1 the first table (index 0).
    #[default]
    FirstPrimary,
    /// Every primary result.
    Primary,
    /// Every table.
    All,
    /// The first table with this `TableId` (V1: index).
    Id(i64),
    /// The first table with this `TableName`.
    Name(String),
}

impl TableSelector {
    /// Parses the tool's `--table` value: an integer is an id, anything
    /// else a name.
    pub fn from_arg(s: &str) -> Self {
        match s.parse() {
            Ok(id) => TableSelector::Id(id),
            Err(_) => TableSelector::Name(s.to_string()),
        }
    }

    /// `true` when at most one table is selected.
    pub fn is_single(&self) -> bool {
        !matches!(self, TableSelector::Primary | TableSelector::All)
    }
}

/// Options of the conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Rows per batch (at least 1; 8192 by default).
    pub batch_rows: usize,
    /// Unit of `datetime` and `timespan` columns.
    pub datetime_unit: DatetimeUnit,
    /// Mapping of `decimal` columns.
    pub decimal: DecimalMode,
    /// Which tables.
    pub tables: TableSelector,
    /// Most tables open at once (progressive tables between their
    /// `TableHeader` and `TableCompletion`); one more is an [`Error::Limit`].
    /// 64 by default.
    pub max_open_tables: usize,
    /// Most bytes held for one table: the batches of a progressive table
    /// until its `TableCompletion` (a `DataReplace` fragment may still
    /// replace them), and the rows of a frame that sends its `Rows` before
    /// its `Columns` (or before what the selector needs). More is an
    /// [`Error::Limit`]. 1 GiB by default.
    pub max_held_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            batch_rows: 8192,
            datetime_unit: DatetimeUnit::default(),
            decimal: DecimalMode::default(),
            tables: TableSelector::default(),
            max_open_tables: 64,
            max_held_bytes: 1 << 30,
        }
    }
}
