//! std::io and async adapters, table collection and serde rows on top of the
//! [`kusto_frames`] push decoder for Azure Data Explorer (Kusto) query
//! responses.
//!
//! The adapters hold no parsing logic: each is the same loop, fill → feed →
//! drain → consume, over a different reader. Everything about the wire
//! format lives in the core crate.
//!
//! - [`EventReader`]: events from a [`std::io::BufRead`] or
//!   [`std::io::Read`], borrowed through a callback or owned through an
//!   iterator.
//! - [`tokio::EventStream`], [`futures::EventStream`] (features `tokio`,
//!   `futures-io`): the same as a `Stream`, cancellation-safe.
//! - [`collect`]: the whole response as tables with columns and typed rows
//!   ([`collect::Dataset`]).
//! - [`primary`]: only the primary results, row by row, into user types.
//! - [`stream::EventStream`] (feature `stream`): events from a `Stream` of
//!   byte chunks, as HTTP clients hand out bodies (reqwest's
//!   `bytes_stream()`).
//! - [`async_primary`]: the async primary-rows reader and `collect`, over
//!   any of the three streams.
//! - [`secondary`]: the QueryProperties and QueryCompletionInformation
//!   tables, typed.
//! - [`de`]: rows into `#[derive(Deserialize)]` types (fields of chrono,
//!   time, jiff, uuid and rust_decimal types too).
//!
//! The crate also builds the `kusto-frames` command-line tool (`json`,
//! `events`, `csv` and `stats` subcommands).
//!
//! ```
//! use kusto_frames::value::Value;
//! use kusto_frames_io::{collect::collect, EventReader};
//!
//! let body: &[u8] = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
//! {"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","TableName":"T",
//!  "Columns":[{"ColumnName":"when","ColumnType":"datetime"}],"Rows":[["2024-01-15T10:00:00Z"]]},
//! {"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
//! let ds = collect(&mut EventReader::from_read(body))?;
//! let t = ds.primary().next().unwrap();
//! match t.row(0).unwrap().get("when") {
//!     Some(Ok(Value::DateTime(d))) => assert_eq!(d.to_string(), "2024-01-15T10:00:00.0000000Z"),
//!     other => panic!("{other:?}"),
//! }
//! # Ok::<(), kusto_frames_io::collect::CollectError>(())
//! ```
//!
//! # Crate features
//! - `tokio`: [`tokio::EventStream`] over `tokio::io::AsyncBufRead`.
//! - `futures-io`: [`futures::EventStream`] over `futures_io::AsyncBufRead`.
//! - `stream`: [`stream::EventStream`] over a `Stream` of byte chunks (only
//!   `futures-core` and `bytes`).
//! - `chrono`, `time`, `jiff`, `uuid`, `rust_decimal`: the core's
//!   conversions into those crates' types (`kusto_frames::interop`) and
//!   serde fields of those types ([`de`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(any(feature = "tokio", feature = "futures-io"))]
mod async_impl;
#[cfg(any(feature = "tokio", feature = "futures-io", feature = "stream"))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "tokio", feature = "futures-io", feature = "stream")))
)]
pub mod async_primary;
mod bufread;
pub mod collect;
pub mod de;
mod error;
#[cfg(feature = "futures-io")]
#[cfg_attr(docsrs, doc(cfg(feature = "futures-io")))]
pub mod futures;
pub mod primary;
mod pump;
pub mod secondary;
#[cfg(feature = "stream")]
#[cfg_attr(docsrs, doc(cfg(feature = "stream")))]
pub mod stream;
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod tokio;

pub use bufread::{EventReader, Events, IntoEvents, DEFAULT_BUFFER_SIZE};
pub use error::ReadError;
