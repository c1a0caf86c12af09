//! Materializing a whole response: tables with columns and typed rows.
//!
//! [`Collector`] is fed events (from any adapter, or the push decoder
//! directly) and builds a [`Dataset`]; [`collect`] and [`collect_slice`] do
//! the reading too. Rows are kept as their raw cells ([`RawRow`]) and typed
//! on access with the table's final columns, because a frame may send its
//! `Columns` after its `Rows`.

use core::ops::ControlFlow;
use kusto_frames::response::{ErrorTracker, ResponseError};
use kusto_frames::tables::{self, Sent, Tables};
use kusto_frames::value::{convert, ScalarType, Value, ValueError};
use kusto_frames::{
    Cell, CellKind, Column, Decoder, Event, Format, FragmentType, OwnedCell, Row, TableInfo,
    TableKind,
};
use serde::Deserialize;

use crate::de::{self, DeError};
use crate::{EventReader, ReadError};

/// One row, owned: its cells' JSON text as sent (and unescaped text for
/// strings with escapes) in one allocation.
#[derive(Clone, PartialEq, Eq)]
pub struct RawRow {
    offset: u64,
    repr: Repr,
}

#[derive(Clone, PartialEq, Eq)]
enum Repr {
    /// Every row below 4 GiB: offsets into one string.
    Compact { data: Box<str>, cells: Box<[Slot]> },
    /// A row of 4 GiB or more (only with a raised row limit).
    Wide(Box<[OwnedCell]>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    kind: CellKind,
    raw: (u32, u32),
    text: (u32, u32),
}

/// The largest row kept in the compact form (offsets are `u32`).
#[cfg(not(test))]
const COMPACT_MAX: usize = u32::MAX as usize;
/// Small in unit tests, to exercise the wide form.
#[cfg(test)]
const COMPACT_MAX: usize = 16;

/// Where a cell's text is: the raw text itself (`Some(false)`: not a
/// string), the raw text without its quotes (`Some(true)`: a string without
/// escapes), or neither (`None`: it needs its own copy).
fn text_is_inner(c: &Cell<'_>) -> Option<bool> {
    let (raw, text) = (c.raw(), c.text());
    if c.kind() != CellKind::String {
        return (text == raw).then_some(false);
    }
    (raw.len() >= 2 && raw.get(1..raw.len() - 1) == Some(text)).then_some(true)
}

impl RawRow {
    /// Copies a row's cells.
    pub fn from_row(row: &Row<'_>) -> Self {
        RawRow::from_cells(row.offset(), (0..row.len()).filter_map(|i| row.cell(i)))
    }

    /// Copies cells; `offset` is the row's byte offset in the body.
    pub fn from_cells<'a, I>(offset: u64, cells: I) -> Self
    where
        I: IntoIterator<Item = Cell<'a>>,
        I::IntoIter: Clone,
    {
        let cells = cells.into_iter();
        // Size both allocations exactly: rows are many, and kept.
        let (mut n, mut cap) = (0usize, 0usize);
        for c in cells.clone() {
            n += 1;
            cap = cap.saturating_add(c.raw().len());
            if text_is_inner(&c).is_none() {
                cap = cap.saturating_add(c.text().len());
            }
        }
        if cap > COMPACT_MAX {
            let wide = cells
                .map(|c| OwnedCell {
                    kind: c.kind(),
                    raw: c.raw().to_owned(),
                    text: c.text().to_owned(),
                })
                .collect();
            return RawRow {
                offset,
                repr: Repr::Wide(wide),
            };
        }
        let mut data = String::with_capacity(cap);
        let mut slots = Vec::with_capacity(n);
        // Every offset is at most `cap`, which fits in a u32.
        let at = |d: &String| d.len() as u32;
        for c in cells {
            let start = at(&data);
            data.push_str(c.raw());
            let raw = (start, at(&data));
            let text = match text_is_inner(&c) {
                Some(false) => raw,
                Some(true) => (raw.0 + 1, raw.1 - 1),
                None => {
                    let s = at(&data);
                    data.push_str(c.text());
                    (s, at(&data))
                }
            };
            slots.push(Slot {
                kind: c.kind(),
                raw,
                text,
            });
        }
        RawRow {
            offset,
            repr: Repr::Compact {
                data: data.into_boxed_str(),
                cells: slots.into_boxed_slice(),
            },
        }
    }

    /// Byte offset of the row's `[` in the body.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Number of cells, as sent.
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Compact { cells, .. } => cells.len(),
            Repr::Wide(cells) => cells.len(),
        }
    }

    /// `true` for `[]`.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Cell `i`.
    pub fn cell(&self, i: usize) -> Option<Cell<'_>> {
        match &self.repr {
            Repr::Compact { data, cells } => {
                let s = cells.get(i)?;
                let span = |(a, b): (u32, u32)| data.get(a as usize..b as usize).unwrap_or("");
                Some(Cell::new(s.kind, span(s.raw), span(s.text)))
            }
            Repr::Wide(cells) => {
                let c = cells.get(i)?;
                Some(Cell::new(c.kind, &c.raw, &c.text))
            }
        }
    }

    /// The cells in order.
    pub fn cells(&self) -> impl Iterator<Item = Cell<'_>> + Clone + '_ {
        (0..self.len()).filter_map(move |i| self.cell(i))
    }
}

impl core::fmt::Debug for RawRow {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list()
            .entries(self.cells().map(|c| c.raw()))
            .finish()
    }
}

/// The `DataSetHeader` frame.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Header {
    /// `Version`.
    pub version: Option<String>,
    /// `IsProgressive`.
    pub is_progressive: Option<bool>,
    /// `IsFragmented`.
    pub is_fragmented: Option<bool>,
    /// `ErrorReportingPlacement`.
    pub error_reporting_placement: Option<String>,
}

/// The `DataSetCompletion` frame.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Completion {
    /// `HasErrors`.
    pub has_errors: bool,
    /// `Cancelled`.
    pub cancelled: bool,
    /// `OneApiErrors`, as sent.
    pub errors: Option<String>,
}

/// One table of a [`Dataset`].
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Table {
    /// V2: `TableId`; V1: the table's index in `Tables`.
    pub id: Option<i64>,
    /// V2: `TableKind`. V1: the kind the TableOfContents gives it
    /// (`TableOfContents` for that table itself), else `None`.
    pub kind: Option<String>,
    /// V2: `TableName`. V1: the name the TableOfContents gives it, else its
    /// `TableName`.
    pub name: Option<String>,
    /// The columns: the last the table's frames sent.
    pub columns: Vec<Column>,
    /// The rows: every row of a `DataTable` or V1 table; for a table sent as
    /// `TableHeader` and `TableFragment`s, the rows of its `DataAppend`
    /// fragments since its last `DataReplace` fragment (which replaces every
    /// row before it).
    pub rows: Vec<RawRow>,
    /// Each object found in place of a row (a partial query failure), as
    /// sent. These accumulate: `DataReplace` does not drop them.
    pub row_errors: Vec<String>,
    /// `TableProgress` values, in order.
    pub progress: Vec<f64>,
    /// `TableCompletion`'s `RowCount`.
    pub row_count: Option<i64>,
    /// `TableCompletion`'s `OneApiErrors`, as sent.
    pub errors: Option<String>,
    /// `true` for a table sent as `TableHeader` + `TableFragment`s (V2
    /// progressive or fragmented).
    pub progressive: bool,
    /// `true` once the table's `TableCompletion` (V2 progressive) or its
    /// single frame's end arrived.
    pub completed: bool,
    /// A primary result (see [`Table::is_primary`]).
    primary: bool,
}

impl Table {
    /// The index of the first column named `name`.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name() == name)
    }

    /// The type of column `i` ([`ScalarType::Unknown`] beyond the last).
    pub fn column_type(&self, i: usize) -> ScalarType {
        self.columns
            .get(i)
            .map_or(ScalarType::Unknown, Column::scalar_type)
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> Option<TableRow<'_>> {
        Some(TableRow {
            columns: &self.columns,
            row: self.rows.get(i)?,
        })
    }

    /// The rows, typed with the table's columns.
    pub fn rows(&self) -> impl Iterator<Item = TableRow<'_>> + '_ {
        self.rows.iter().map(|row| TableRow {
            columns: &self.columns,
            row,
        })
    }

    /// The rows as user types, through serde (columns matched by name).
    pub fn deserialize_rows<'t, T>(&'t self) -> impl Iterator<Item = Result<T, DeError>> + 't
    where
        T: Deserialize<'t> + 't,
    {
        self.rows().map(|r| r.deserialize())
    }

    /// `true` when the table is a primary result, by the rule of
    /// [`kusto_frames::tables`]: V2 `TableKind` `PrimaryResult` (a table
    /// sent as fragments without a `TableHeader` is not); V1 the tables the
    /// TableOfContents gives kind `QueryResult`, or without a
    /// TableOfContents the first table.
    pub fn is_primary(&self) -> bool {
        self.primary
    }
}

/// A row of a [`Table`], typed with the table's columns.
#[derive(Debug, Clone, Copy)]
pub struct TableRow<'t> {
    columns: &'t [Column],
    row: &'t RawRow,
}

impl<'t> TableRow<'t> {
    /// The table's columns.
    pub fn columns(&self) -> &'t [Column] {
        self.columns
    }

    /// The raw row.
    pub fn raw(&self) -> &'t RawRow {
        self.row
    }

    /// Number of cells, as sent.
    pub fn len(&self) -> usize {
        self.row.len()
    }

    /// `true` for `[]`.
    pub fn is_empty(&self) -> bool {
        self.row.is_empty()
    }

    /// Cell `i` as sent.
    pub fn cell(&self, i: usize) -> Option<Cell<'t>> {
        self.row.cell(i)
    }

    /// The type of cell `i`: its column's, [`ScalarType::Unknown`] beyond
    /// the last column.
    pub fn column_type(&self, i: usize) -> ScalarType {
        self.columns
            .get(i)
            .map_or(ScalarType::Unknown, Column::scalar_type)
    }

    /// Cell `i` converted to its column's type (`None` past the last cell).
    pub fn value(&self, i: usize) -> Option<Result<Value<'t>, ValueError>> {
        Some(convert(self.column_type(i), self.cell(i)?))
    }

    /// The cell of the first column named `name`, typed.
    pub fn get(&self, name: &str) -> Option<Result<Value<'t>, ValueError>> {
        let i = self.columns.iter().position(|c| c.name() == name)?;
        self.value(i)
    }

    /// Every cell, typed.
    pub fn values(&self) -> impl Iterator<Item = Result<Value<'t>, ValueError>> + 't {
        let this = *self;
        (0..self.len()).filter_map(move |i| this.value(i))
    }

    /// The row as a user type, through serde (columns matched by name; see
    /// [`crate::de`]).
    pub fn deserialize<T: Deserialize<'t>>(&self) -> Result<T, DeError> {
        de::from_cells(self.columns, &self.row.cells().collect::<Vec<_>>())
    }
}

/// A whole response, materialized.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Dataset {
    /// The body's format (`None` when nothing told: an empty object).
    pub format: Option<Format>,
    /// V2: the `DataSetHeader` frame.
    pub header: Option<Header>,
    /// The tables, in order of first appearance.
    pub tables: Vec<Table>,
    /// V2: the `DataSetCompletion` frame.
    pub completion: Option<Completion>,
    /// V1: the top-level `Exceptions` array, as sent.
    pub exceptions: Option<String>,
    /// Error body: the object under `error`, as sent.
    pub error: Option<String>,
    /// V2: the `FrameType` of every frame the decoder did not know.
    pub unknown_frames: Vec<String>,
    /// Every error the response reported, in order (see
    /// [`kusto_frames::response::ErrorTracker`]).
    pub errors: Vec<ResponseError>,
}

impl Dataset {
    /// `true` when the response reported no error (see [`Dataset::errors`]).
    /// Cells that do not fit their column type are not counted here.
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// The primary result tables (see [`Table::is_primary`]).
    pub fn primary(&self) -> impl Iterator<Item = &Table> + '_ {
        self.tables.iter().filter(|t| t.is_primary())
    }

    /// The first table with this id (V2 `TableId`, V1 index).
    pub fn table_by_id(&self, id: i64) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == Some(id))
    }

    /// The first table named `name`.
    pub fn table_by_name(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name.as_deref() == Some(name))
    }
}

/// The frame whose rows are arriving.
#[derive(Debug, Default)]
struct Pending {
    rows: Vec<RawRow>,
    row_errors: Vec<String>,
}

/// Builds a [`Dataset`] from events: feed it every event with
/// [`Collector::push`], then call [`Collector::finish`].
///
/// ```
/// use kusto_frames::Decoder;
/// use kusto_frames::value::Value;
/// use kusto_frames_io::collect::Collector;
///
/// let body = br#"[{"FrameType":"DataSetHeader","IsProgressive":true,"Version":"v2.0"},
/// {"FrameType":"TableHeader","TableId":1,"TableKind":"PrimaryResult","TableName":"T",
///  "Columns":[{"ColumnName":"n","ColumnType":"long"}]},
/// {"FrameType":"TableFragment","TableId":1,"TableFragmentType":"DataAppend","Rows":[[1],[2]]},
/// {"FrameType":"TableFragment","TableId":1,"TableFragmentType":"DataReplace","Rows":[[3]]},
/// {"FrameType":"TableCompletion","TableId":1,"RowCount":1},
/// {"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
/// let mut dec = Decoder::new();
/// let mut col = Collector::new();
/// let mut feed = dec.feed(body);
/// while let Some(ev) = feed.next_event()? {
///     col.push(&ev);
/// }
/// drop(feed);
/// let mut end = dec.finish(); // the end of the input, drained like a chunk
/// while let Some(ev) = end.next_event()? {
///     col.push(&ev);
/// }
/// let ds = col.finish();
/// let t = &ds.tables[0];
/// assert_eq!(t.rows.len(), 1);
/// assert_eq!(t.row(0).unwrap().value(0), Some(Ok(Value::Long(3))));
/// assert!(ds.is_clean());
/// # Ok::<(), kusto_frames::Error>(())
/// ```
#[derive(Debug)]
pub struct Collector {
    ds: Dataset,
    pending: Pending,
    tracker: ErrorTracker,
    /// The tables; each one's payload is the index in `ds.tables` of the
    /// last table with its id. Not limited here: the collector keeps every
    /// table, and how many ids a response may name is bounded by the
    /// decoder's [`kusto_frames::DecoderConfig::max_tables`].
    tables: Tables<usize>,
}

impl Default for Collector {
    fn default() -> Self {
        Collector {
            ds: Dataset::default(),
            pending: Pending::default(),
            // The collector materializes the whole response: every error too.
            tracker: {
                let mut t = ErrorTracker::with_limit(usize::MAX);
                t.max_bytes(usize::MAX);
                t
            },
            tables: Tables::with_max(usize::MAX),
        }
    }
}

impl Collector {
    /// An empty collector.
    pub fn new() -> Self {
        Collector::default()
    }

    /// The dataset so far (V1 names and kinds from the TableOfContents, and
    /// V1 QueryStatus errors, only after [`Collector::finish`]).
    pub fn dataset(&self) -> &Dataset {
        &self.ds
    }

    /// Sets the format (from [`Decoder::format`]); otherwise it is inferred
    /// from the events.
    pub fn set_format(&mut self, format: Option<Format>) {
        if format.is_some() {
            self.ds.format = format;
        }
    }

    fn infer(&mut self, f: Format) {
        if self.ds.format.is_none() {
            self.ds.format = Some(f);
        }
    }

    /// Adds a table that `info` opens (a re-sent id adds a new table, the
    /// last one with its id).
    fn add(&mut self, info: &TableInfo<'_>, sent: Sent, t: Table) {
        let i = self.ds.tables.len();
        // Unlimited: never an error.
        if let Ok(o) = self.tables.open(info, sent, || i) {
            if let Some(e) = self.tables.get_mut(o.index) {
                e.value = i;
                self.ds.tables.push(Table {
                    primary: e.primary,
                    ..t
                });
            }
        }
    }

    /// The last table with this id, or a new progressive one.
    fn by_id(&mut self, id: Option<i64>) -> &mut Table {
        let new = self.ds.tables.len();
        let i = match self.tables.named(id, || new) {
            Ok(e) => self.tables.get(e).map_or(new, |e| e.value),
            Err(_) => new,
        };
        if i == new {
            self.ds.tables.push(Table {
                id,
                progressive: true,
                ..Table::default()
            });
        }
        &mut self.ds.tables[i]
    }

    fn whole_table(&mut self, info: &TableInfo<'_>, sent: Sent) {
        let p = core::mem::take(&mut self.pending);
        self.add(
            info,
            sent,
            Table {
                id: info.table_id,
                kind: info.kind.map(|k| k.as_str().to_owned()),
                name: info.name.map(str::to_owned),
                columns: info.columns.to_vec(),
                row_count: i64::try_from(p.rows.len()).ok(),
                rows: p.rows,
                row_errors: p.row_errors,
                completed: true,
                ..Table::default()
            },
        );
        self.tables.end_frame();
    }

    /// Records one event.
    pub fn push(&mut self, ev: &Event<'_>) {
        observe_errors(&mut self.tracker, ev);
        match ev {
            Event::DataSetHeader(h) => {
                self.infer(Format::V2);
                self.ds.header = Some(Header {
                    version: h.version.map(str::to_owned),
                    is_progressive: h.is_progressive,
                    is_fragmented: h.is_fragmented,
                    error_reporting_placement: h.error_reporting_placement.map(str::to_owned),
                });
            }
            Event::TableHeader(info) => {
                self.infer(Format::V2);
                self.add(
                    info,
                    Sent::Fragments,
                    Table {
                        id: info.table_id,
                        kind: info.kind.map(|k| k.as_str().to_owned()),
                        name: info.name.map(str::to_owned),
                        columns: info.columns.to_vec(),
                        progressive: true,
                        ..Table::default()
                    },
                );
            }
            Event::DataTable(_) | Event::TableFragment(_) | Event::V1Table(_) => {
                self.pending = Pending::default();
            }
            Event::Row(row) => self.pending.rows.push(RawRow::from_row(row)),
            Event::RowError(e) => self.pending.row_errors.push(e.raw.get().to_owned()),
            Event::DataTableEnd(info) => {
                self.infer(Format::V2);
                self.whole_table(info, Sent::DataTable);
            }
            Event::V1TableEnd(info) => {
                self.infer(Format::V1);
                self.whole_table(info, Sent::V1);
            }
            Event::TableFragmentEnd(f) => {
                self.infer(Format::V2);
                let p = core::mem::take(&mut self.pending);
                let t = self.by_id(f.table_id);
                if t.columns.is_empty() {
                    t.columns = f.columns.to_vec();
                }
                if f.fragment_type == Some(FragmentType::DataReplace) {
                    t.rows = p.rows;
                } else {
                    t.rows.extend(p.rows);
                }
                t.row_errors.extend(p.row_errors);
            }
            Event::TableProgress(p) => {
                self.infer(Format::V2);
                let t = self.by_id(p.table_id);
                t.progress.extend(p.progress);
            }
            Event::TableCompletion(c) => {
                self.infer(Format::V2);
                let t = self.by_id(c.table_id);
                if t.progressive {
                    t.row_count = c.row_count;
                    t.completed = true;
                }
                if let Some(e) = c.errors {
                    t.errors = Some(e.get().to_owned());
                }
            }
            Event::DataSetCompletion(c) => {
                self.infer(Format::V2);
                self.ds.completion = Some(Completion {
                    has_errors: c.has_errors,
                    cancelled: c.cancelled,
                    errors: c.errors.map(|e| e.get().to_owned()),
                });
            }
            Event::UnknownFrame { frame_type } => {
                self.infer(Format::V2);
                self.ds.unknown_frames.push((*frame_type).to_owned());
            }
            Event::V1Exceptions(raw) => {
                self.infer(Format::V1);
                self.ds.exceptions = Some(raw.get().to_owned());
            }
            Event::ErrorBody(raw) => {
                self.infer(Format::Error);
                self.ds.error = Some(raw.get().to_owned());
            }
            _ => {}
        }
    }

    /// Ends the response: applies a V1 TableOfContents and returns the
    /// dataset with every error it reported.
    pub fn finish(mut self) -> Dataset {
        if self.ds.format == Some(Format::V1) {
            apply_v1_toc(&mut self.ds.tables);
        }
        self.ds.errors = self.tracker.finish();
        self.ds
    }
}

/// [`ErrorTracker::observe`]: an empty `OneApiErrors` array (on
/// `TableCompletion` or `DataSetCompletion`) or an empty V1 `Exceptions`
/// array reports no error; `HasErrors` and `Cancelled` still count.
pub fn observe_errors(tracker: &mut ErrorTracker, ev: &Event<'_>) {
    tracker.observe(ev);
}

/// `true` for the columns of a V1 TableOfContents: `Ordinal`, `Kind` and
/// `Name` among them.
pub fn is_v1_toc(columns: &[Column]) -> bool {
    ["Ordinal", "Kind", "Name"]
        .iter()
        .all(|n| columns.iter().any(|c| c.name() == *n))
}

/// Names and kinds V1 tables from their TableOfContents (what
/// [`Collector::finish`] does): the TableOfContents is the last table, with
/// the columns [`is_v1_toc`] checks; each of its rows gives the kind and name
/// of the table whose index is its `Ordinal`, and the TableOfContents itself
/// gets kind `TableOfContents`. Tables it does not list keep no kind and
/// their `TableName`. The primary results are then the tables it gives kind
/// `QueryResult` ([`Table::is_primary`]). Without a TableOfContents nothing
/// changes.
pub fn apply_v1_toc(tables: &mut [Table]) {
    let Some((toc, rest)) = tables.split_last_mut() else {
        return;
    };
    let (Some(o), Some(k), Some(n)) = (
        toc.column_index("Ordinal"),
        toc.column_index("Kind"),
        toc.column_index("Name"),
    ) else {
        return;
    };
    for t in rest.iter_mut() {
        t.primary = false;
    }
    for row in toc.rows() {
        let ordinal = match row.value(o) {
            Some(Ok(Value::Long(v))) => v,
            Some(Ok(Value::Int(v))) => i64::from(v),
            _ => continue,
        };
        let text = |i: usize| match row.value(i) {
            Some(Ok(Value::String(s))) => Some(s.to_owned()),
            _ => None,
        };
        // A V1 table's id is its index: found at once, else searched.
        let at = usize::try_from(ordinal)
            .ok()
            .filter(|&i| rest.get(i).is_some_and(|t| t.id == Some(ordinal)));
        let found = match at {
            Some(i) => rest.get_mut(i),
            None => rest.iter_mut().find(|t| t.id == Some(ordinal)),
        };
        if let Some(t) = found {
            t.kind = text(k);
            t.primary = t
                .kind
                .as_deref()
                .is_some_and(|k| tables::is_primary_kind(Format::V1, k));
            if let Some(name) = text(n) {
                t.name = Some(name);
            }
        }
    }
    toc.kind = Some(TableKind::TableOfContents.as_str().to_owned());
    toc.primary = false;
}

/// A read failed part-way: the error, and what was collected before it.
#[derive(Debug)]
pub struct CollectError {
    /// The error.
    pub error: ReadError,
    /// The dataset up to the error.
    pub partial: Box<Dataset>,
}

impl core::fmt::Display for CollectError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.error.fmt(f)
    }
}

impl core::error::Error for CollectError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Reads a whole response from `reader` into a [`Dataset`].
pub fn collect<R: std::io::BufRead>(reader: &mut EventReader<R>) -> Result<Dataset, CollectError> {
    let mut c = Collector::new();
    let r = reader.for_each(|ev| {
        c.push(&ev);
        ControlFlow::Continue(())
    });
    c.set_format(reader.decoder().format());
    match r {
        Ok(_) => Ok(c.finish()),
        Err(error) => Err(CollectError {
            error,
            partial: Box::new(c.finish()),
        }),
    }
}

/// Decodes a whole body held in memory into a [`Dataset`].
pub fn collect_slice(body: &[u8]) -> Result<Dataset, (kusto_frames::Error, Box<Dataset>)> {
    let mut dec = Decoder::new();
    let mut c = Collector::new();
    let mut push = |mut feed: kusto_frames::Feed<'_, '_>| {
        while let Some(ev) = feed.next_event()? {
            c.push(&ev);
        }
        Ok(())
    };
    let r = push(dec.feed(body)).and_then(|()| push(dec.finish()));
    c.set_format(dec.format());
    match r {
        Ok(()) => Ok(c.finish()),
        Err(e) => Err((e, Box::new(c.finish()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_rows_compact_and_wide_hold_the_same_cells() {
        let cells = [
            Cell::new(CellKind::Number, "12", "12"),
            Cell::new(CellKind::String, r#""a\"b""#, "a\"b"),
            Cell::new(CellKind::String, r#""plain""#, "plain"),
            Cell::new(CellKind::Null, "null", "null"),
        ];
        let small = RawRow::from_cells(7, cells[..2].iter().copied());
        assert!(matches!(small.repr, Repr::Compact { .. }));
        let big = RawRow::from_cells(9, cells.iter().copied());
        assert!(matches!(big.repr, Repr::Wide(_)));
        assert_eq!(big.cells().collect::<Vec<_>>(), cells);
        assert_eq!(small.cells().collect::<Vec<_>>(), cells[..2]);
        assert_eq!((small.offset(), big.len(), small.cell(2)), (7, 4, None));
        if let Repr::Compact { data, .. } = &small.repr {
            // raw "12", raw "a\"b" in quotes, then its unescaped text.
            assert_eq!(&**data, "12\"a\\\"b\"a\"b");
        }
    }
}
