//! A push-based, zero-copy, `no_std` decoder for Azure Data Explorer (Kusto)
//! query responses: V2 frame arrays (whole, progressive and fragmented), V1
//! `{"Tables":[...]}` bodies and OneApiErrors error bodies.
//!
//! Feed the body in chunks of any size, split anywhere, and drain events.
//! Rows are handed out as soon as their `]` arrives, so memory is bounded by
//! the largest row, never by a table or the response. Cells borrow from the
//! chunk when they lie inside it (chunks of at most
//! [`DecoderConfig::join_chunks`] bytes, 512 by default, are copied and
//! joined instead).
//!
//! ```
//! use kusto_frames::{Decoder, Event};
//! # let body: &[u8] = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
//! # let chunks = body.chunks(7);
//! let mut dec = Decoder::new();
//! // The chunks, then the end of the input (`None`), drained alike.
//! for chunk in chunks.map(Some).chain([None]) {
//!     let mut feed = match chunk {
//!         Some(bytes) => dec.feed(bytes),
//!         None => dec.finish(),
//!     };
//!     // A truncated or malformed body: `Err` here, after every event before it.
//!     while let Some(ev) = feed.next_event()? {
//!         match ev {
//!             Event::Row(row) => { let _first = row.cell(0); }
//!             Event::RowError(e) => eprintln!("partial failure: {}", e.raw.get()),
//!             _ => {}
//!         }
//!     }
//! }
//! # Ok::<(), kusto_frames::Error>(())
//! ```
//!
//! # Crate features
//! - `std` (default): changes nothing today (kept so that turning it off
//!   stays a no-op). The crate needs only `core` and `alloc` (it builds for
//!   `thumbv7em-none-eabihf`), and the error types implement
//!   `core::error::Error` either way.
//! - `chrono`, `time`, `jiff`, `uuid`, `rust_decimal`: exact conversions of
//!   the value types into those crates' types (see [`interop`]); `no_std`.
#![no_std]
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(any(test, feature = "std"))]
extern crate std;

mod cell;
mod decoder;
mod error;
mod event;
pub mod interop;
mod json_check;
mod lex;
mod owned;
pub mod response;
pub mod tables;
mod unchecked;
pub mod value;

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

pub use cell::{Cell, CellKind};
pub use decoder::{Decoder, DecoderConfig, Feed, Format};
pub use error::{Error, ErrorKind};
pub use event::{
    CellError, Column, DataSetCompletion, DataSetHeader, Event, Fragment, FragmentType, RawJson,
    Row, RowError, TableCompletion, TableInfo, TableKind, TableProgress,
};
pub use owned::{
    decode_chunks, decode_chunks_with, decode_slice, OwnedCell, OwnedEvent, OwnedFragment,
    OwnedRow, OwnedTable,
};
