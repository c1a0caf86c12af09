//! Owned copies of events, and whole-buffer helpers built on the push decoder.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::cell::CellKind;
use crate::decoder::Decoder;
use crate::error::Error;
use crate::event::{Column, Event, Fragment, FragmentType, TableInfo};

/// An owned [`TableInfo`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedTable {
    /// `TableId` (V1: index).
    pub table_id: Option<i64>,
    /// `TableKind` as sent.
    pub kind: Option<String>,
    /// `TableName`.
    pub name: Option<String>,
    /// `Columns`.
    pub columns: Vec<Column>,
}

/// An owned [`Fragment`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedFragment {
    /// `TableId`.
    pub table_id: Option<i64>,
    /// `TableFragmentType` as sent.
    pub fragment_type: Option<String>,
    /// `FieldCount`.
    pub field_count: Option<i64>,
}

/// An owned cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedCell {
    /// JSON kind.
    pub kind: CellKind,
    /// JSON text as sent.
    pub raw: String,
    /// Unescaped text for strings; the JSON text otherwise.
    pub text: String,
}

/// An owned row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedRow {
    /// Table id (V1: index).
    pub table_id: Option<i64>,
    /// Position in its frame's `Rows`.
    pub index: u64,
    /// Byte offset of its `[`.
    pub offset: u64,
    /// The cells.
    pub cells: Vec<OwnedCell>,
}

/// An owned [`Event`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum OwnedEvent {
    DataSetHeader {
        version: Option<String>,
        is_progressive: Option<bool>,
        is_fragmented: Option<bool>,
        error_reporting_placement: Option<String>,
    },
    TableHeader(OwnedTable),
    DataTable(OwnedTable),
    DataTableEnd(OwnedTable),
    TableFragment(OwnedFragment),
    TableFragmentEnd(OwnedFragment),
    Row(OwnedRow),
    RowError {
        table_id: Option<i64>,
        index: u64,
        offset: u64,
        raw: String,
    },
    TableProgress {
        table_id: Option<i64>,
        progress: Option<f64>,
    },
    TableCompletion {
        table_id: Option<i64>,
        row_count: Option<i64>,
        errors: Option<String>,
    },
    DataSetCompletion {
        has_errors: bool,
        cancelled: bool,
        errors: Option<String>,
    },
    UnknownFrame {
        frame_type: String,
    },
    V1Table(OwnedTable),
    V1TableEnd(OwnedTable),
    V1Exceptions(String),
    ErrorBody(String),
}

fn table(t: &TableInfo<'_>) -> OwnedTable {
    OwnedTable {
        table_id: t.table_id,
        kind: t.kind.map(|k| k.as_str().to_string()),
        name: t.name.map(String::from),
        columns: t.columns.to_vec(),
    }
}

fn fragment(f: &Fragment<'_>) -> OwnedFragment {
    OwnedFragment {
        table_id: f.table_id,
        fragment_type: f.fragment_type.map(|t| {
            match t {
                FragmentType::DataAppend => "DataAppend",
                FragmentType::DataReplace => "DataReplace",
                FragmentType::Other(s) => s,
            }
            .to_string()
        }),
        field_count: f.field_count,
    }
}

impl Event<'_> {
    /// An owned copy.
    pub fn to_owned(&self) -> OwnedEvent {
        match self {
            Event::DataSetHeader(h) => OwnedEvent::DataSetHeader {
                version: h.version.map(String::from),
                is_progressive: h.is_progressive,
                is_fragmented: h.is_fragmented,
                error_reporting_placement: h.error_reporting_placement.map(String::from),
            },
            Event::TableHeader(t) => OwnedEvent::TableHeader(table(t)),
            Event::DataTable(t) => OwnedEvent::DataTable(table(t)),
            Event::DataTableEnd(t) => OwnedEvent::DataTableEnd(table(t)),
            Event::TableFragment(f) => OwnedEvent::TableFragment(fragment(f)),
            Event::TableFragmentEnd(f) => OwnedEvent::TableFragmentEnd(fragment(f)),
            Event::Row(r) => OwnedEvent::Row(OwnedRow {
                table_id: r.table_id(),
                index: r.index(),
                offset: r.offset(),
                cells: r
                    .cells()
                    .map(|c| OwnedCell {
                        kind: c.kind(),
                        raw: c.raw().into(),
                        text: c.text().into(),
                    })
                    .collect(),
            }),
            Event::RowError(e) => OwnedEvent::RowError {
                table_id: e.table_id,
                index: e.index,
                offset: e.offset,
                raw: e.raw.get().into(),
            },
            Event::TableProgress(p) => OwnedEvent::TableProgress {
                table_id: p.table_id,
                progress: p.progress,
            },
            Event::TableCompletion(c) => OwnedEvent::TableCompletion {
                table_id: c.table_id,
                row_count: c.row_count,
                errors: c.errors.map(|e| e.get().into()),
            },
            Event::DataSetCompletion(c) => OwnedEvent::DataSetCompletion {
                has_errors: c.has_errors,
                cancelled: c.cancelled,
                errors: c.errors.map(|e| e.get().into()),
            },
            Event::UnknownFrame { frame_type } => OwnedEvent::UnknownFrame {
                frame_type: (*frame_type).into(),
            },
            Event::V1Table(t) => OwnedEvent::V1Table(table(t)),
            Event::V1TableEnd(t) => OwnedEvent::V1TableEnd(table(t)),
            Event::V1Exceptions(r) => OwnedEvent::V1Exceptions(r.get().into()),
            Event::ErrorBody(r) => OwnedEvent::ErrorBody(r.get().into()),
        }
    }
}

/// Decodes a whole body. On error, the events decoded before it are lost:
/// use [`decode_chunks`] to keep them.
///
/// ```
/// use kusto_frames::{decode_slice, ErrorKind, OwnedEvent};
///
/// let body = br#"{"Tables":[{"TableName":"Table_0","Columns":[{"ColumnName":"n","DataType":"Int64"}],"Rows":[[1],[2]]}]}"#;
/// let events = decode_slice(body)?;
/// let rows = events.iter().filter(|e| matches!(e, OwnedEvent::Row(_))).count();
/// assert_eq!(rows, 2);
/// // A truncated body is an error with its byte offset.
/// let e = decode_slice(&body[..40]).unwrap_err();
/// assert_eq!((e.kind(), e.offset()), (ErrorKind::UnexpectedEof, 40));
/// # Ok::<(), kusto_frames::Error>(())
/// ```
pub fn decode_slice(body: &[u8]) -> Result<Vec<OwnedEvent>, Error> {
    let (events, r) = decode_chunks([body]);
    r.map(|()| events)
}

/// Decodes a body given as chunks; returns every event decoded and the
/// outcome (the first error, or `Ok` after a clean `finish`).
pub fn decode_chunks<'a, I>(chunks: I) -> (Vec<OwnedEvent>, Result<(), Error>)
where
    I: IntoIterator<Item = &'a [u8]>,
{
    decode_chunks_with(&mut Decoder::new(), chunks)
}

/// [`decode_chunks`] with a decoder of your own (configured limits, say),
/// which can be asked afterwards for its [`Decoder::offset`] or
/// [`Decoder::format`].
pub fn decode_chunks_with<'a, I>(
    dec: &mut Decoder,
    chunks: I,
) -> (Vec<OwnedEvent>, Result<(), Error>)
where
    I: IntoIterator<Item = &'a [u8]>,
{
    let mut events = Vec::new();
    for chunk in chunks {
        if let Err(e) = drain_into(dec.feed(chunk), &mut events) {
            return (events, Err(e));
        }
    }
    let r = drain_into(dec.finish(), &mut events);
    (events, r)
}

/// Drains `feed`, pushing its events, owned, onto `events`.
fn drain_into(mut feed: crate::Feed<'_, '_>, events: &mut Vec<OwnedEvent>) -> Result<(), Error> {
    while let Some(ev) = feed.next_event()? {
        events.push(ev.to_owned());
    }
    Ok(())
}
