//! Events the decoder hands out, borrowed from the chunk or the decoder.

use alloc::string::String;

use crate::cell::{Cell, CellKind};
use crate::unchecked::str_from_validated;
use crate::value::{
    convert_json_number, convert_number, convert_other, convert_string, Around, ScalarType, Value,
    ValueError,
};

/// A column of a table: its name and type as sent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Column {
    pub(crate) name: String,
    pub(crate) column_type: Option<String>,
    pub(crate) data_type: Option<String>,
    pub(crate) ty: Option<ScalarType>,
}

impl Column {
    /// Builds a column from its name and Kusto type name (`ColumnType`).
    pub fn new(name: &str, column_type: &str) -> Self {
        Column {
            name: name.into(),
            column_type: Some(column_type.into()),
            data_type: None,
            ty: Some(ScalarType::from_name(column_type)),
        }
    }

    /// `ColumnName`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `ColumnType` as sent, if it was.
    pub fn column_type(&self) -> Option<&str> {
        self.column_type.as_deref()
    }

    /// The V1 .NET `DataType` as sent, if it was.
    pub fn data_type(&self) -> Option<&str> {
        self.data_type.as_deref()
    }

    /// The type's name as sent: `ColumnType`, else the Kusto name of the
    /// `DataType`, else the `DataType` itself, else `""`.
    pub fn type_name(&self) -> &str {
        if let Some(t) = &self.column_type {
            return t;
        }
        match &self.data_type {
            Some(d) => ScalarType::from_dotnet(d).kusto_name().unwrap_or(d),
            None => "",
        }
    }

    /// The scalar type: from `ColumnType`, else from `DataType`.
    pub fn scalar_type(&self) -> ScalarType {
        self.ty.unwrap_or(ScalarType::Unknown)
    }

    pub(crate) fn resolve(&mut self) {
        self.ty = Some(match (&self.column_type, &self.data_type) {
            (Some(t), _) => ScalarType::from_name(t),
            (None, Some(d)) => ScalarType::from_dotnet(d),
            (None, None) => ScalarType::Unknown,
        });
    }
}

/// `TableKind` of a V2 table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TableKind<'a> {
    /// `PrimaryResult`
    PrimaryResult,
    /// `QueryCompletionInformation`
    QueryCompletionInformation,
    /// `QueryTraceLog`
    QueryTraceLog,
    /// `QueryPerfLog`
    QueryPerfLog,
    /// `TableOfContents`
    TableOfContents,
    /// `QueryProperties`
    QueryProperties,
    /// `QueryPlan`
    QueryPlan,
    /// `Unknown`
    Unknown,
    /// A kind this crate does not know, kept by name.
    Other(&'a str),
}

impl<'a> TableKind<'a> {
    /// Maps a wire name.
    pub fn from_name(s: &'a str) -> Self {
        match s {
            "PrimaryResult" => TableKind::PrimaryResult,
            "QueryCompletionInformation" => TableKind::QueryCompletionInformation,
            "QueryTraceLog" => TableKind::QueryTraceLog,
            "QueryPerfLog" => TableKind::QueryPerfLog,
            "TableOfContents" => TableKind::TableOfContents,
            "QueryProperties" => TableKind::QueryProperties,
            "QueryPlan" => TableKind::QueryPlan,
            "Unknown" => TableKind::Unknown,
            other => TableKind::Other(other),
        }
    }

    /// The wire name.
    pub fn as_str(&self) -> &'a str {
        match self {
            TableKind::PrimaryResult => "PrimaryResult",
            TableKind::QueryCompletionInformation => "QueryCompletionInformation",
            TableKind::QueryTraceLog => "QueryTraceLog",
            TableKind::QueryPerfLog => "QueryPerfLog",
            TableKind::TableOfContents => "TableOfContents",
            TableKind::QueryProperties => "QueryProperties",
            TableKind::QueryPlan => "QueryPlan",
            TableKind::Unknown => "Unknown",
            TableKind::Other(s) => s,
        }
    }
}

/// Validated JSON text, exactly as sent (a `OneApiErrors` array, a row-error
/// object, an `error` object, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawJson<'a>(pub(crate) &'a str);

impl<'a> RawJson<'a> {
    /// The JSON text.
    pub fn get(&self) -> &'a str {
        self.0
    }
}

/// The `DataSetHeader` frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DataSetHeader<'a> {
    /// `Version`, e.g. `v2.0`.
    pub version: Option<&'a str>,
    /// `IsProgressive`.
    pub is_progressive: Option<bool>,
    /// `IsFragmented` (sent by real services).
    pub is_fragmented: Option<bool>,
    /// `ErrorReportingPlacement` (`InData`, `EndOfTable`, `EndOfDataSet`).
    pub error_reporting_placement: Option<&'a str>,
}

/// What is known of a table: for `TableHeader` and `DataTable` frames and V1
/// tables. A property the frame sends after its `Rows` is missing from the
/// event before the rows and present in the end event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TableInfo<'a> {
    /// `TableId` (for a V1 table: its index in `Tables`).
    pub table_id: Option<i64>,
    /// `TableKind` (V1 tables have none).
    pub kind: Option<TableKind<'a>>,
    /// `TableName`.
    pub name: Option<&'a str>,
    /// `Columns`.
    pub columns: &'a [Column],
}

impl<'a> TableInfo<'a> {
    /// A table known only by its id and columns (no kind, no name): for a
    /// consumer that meets rows of a table never declared by a header.
    pub fn new(table_id: Option<i64>, columns: &'a [Column]) -> Self {
        TableInfo {
            table_id,
            kind: None,
            name: None,
            columns,
        }
    }
}

/// `TableFragmentType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FragmentType<'a> {
    /// `DataAppend`: the rows add to the table.
    DataAppend,
    /// `DataReplace`: the rows replace all earlier rows of the table.
    DataReplace,
    /// Another value, kept by name.
    Other(&'a str),
}

/// The `TableFragment` frame's properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Fragment<'a> {
    /// `TableId`.
    pub table_id: Option<i64>,
    /// `TableFragmentType` (`None` when absent).
    pub fragment_type: Option<FragmentType<'a>>,
    /// `FieldCount`.
    pub field_count: Option<i64>,
    /// The columns from the table's `TableHeader`, when one came.
    pub columns: &'a [Column],
}

/// The `TableProgress` frame.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct TableProgress {
    /// `TableId`.
    pub table_id: Option<i64>,
    /// `TableProgress`, in percent.
    pub progress: Option<f64>,
}

/// The `TableCompletion` frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TableCompletion<'a> {
    /// `TableId`.
    pub table_id: Option<i64>,
    /// `RowCount`.
    pub row_count: Option<i64>,
    /// `OneApiErrors` (errors reported at the end of the table).
    pub errors: Option<RawJson<'a>>,
}

/// The `DataSetCompletion` frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DataSetCompletion<'a> {
    /// `HasErrors`.
    pub has_errors: bool,
    /// `Cancelled`.
    pub cancelled: bool,
    /// `OneApiErrors`.
    pub errors: Option<RawJson<'a>>,
}

/// A JSON object found in `Rows` where a row was expected: a partial query
/// failure reported in the data (V2 `{"OneApiErrors":[...]}`, V1
/// `{"Exceptions":[...]}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RowError<'a> {
    /// The table's id (V1: index).
    pub table_id: Option<i64>,
    /// Its position among the elements of this frame's `Rows`.
    pub index: u64,
    /// Byte offset of its `{` in the body.
    pub offset: u64,
    /// The object as sent.
    pub raw: RawJson<'a>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CellSpan {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: CellKind,
    pub(crate) unesc: Option<(usize, usize)>,
}

/// One row, handed out as soon as its `]` arrived.
///
/// Cells that lay wholly inside the chunk being fed borrow from it; cells
/// that straddled a chunk boundary (and the row's earlier cells, when its
/// chunk is gone) and unescaped strings live in the decoder's scratch.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct Row<'a> {
    pub(crate) table_id: Option<i64>,
    pub(crate) index: u64,
    pub(crate) offset: u64,
    pub(crate) columns: &'a [Column],
    pub(crate) spill: &'a [u8],
    pub(crate) part: &'a [u8],
    pub(crate) unesc: &'a [u8],
    pub(crate) cells: &'a [CellSpan],
    /// `part` is the decoder's join buffer, not the chunk being fed.
    pub(crate) joined: bool,
}

impl<'a> Row<'a> {
    /// The table's id (V1: its index).
    pub fn table_id(&self) -> Option<i64> {
        self.table_id
    }

    /// Position of the row among the elements of its frame's `Rows`.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// Byte offset of the row's `[` in the body.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The table's columns, as known when the row arrived (empty when the
    /// frame sent `Rows` before `Columns`).
    pub fn columns(&self) -> &'a [Column] {
        self.columns
    }

    /// Number of cells, as sent (may differ from the number of columns).
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// `true` for `[]`.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    fn slice(&self, start: usize, end: usize) -> &'a [u8] {
        let (buf, start, end) = self.locate(start, end);
        buf.get(start..end).unwrap_or(&[])
    }

    /// The buffer that holds the bytes `start..end` of the row (`spill`
    /// followed by `part`), and where they are in it.
    #[inline]
    fn locate(&self, start: usize, end: usize) -> (&'a [u8], usize, usize) {
        let s = self.spill.len();
        if end <= s {
            (self.spill, start, end)
        } else {
            (self.part, start.saturating_sub(s), end - s)
        }
    }

    /// Cell `i`.
    pub fn cell(&self, i: usize) -> Option<Cell<'a>> {
        let sp = self.cells.get(i)?;
        let bytes = self.slice(sp.start, sp.end);
        let raw = str_from_validated(bytes);
        let text = match sp.kind {
            CellKind::String => self.string_text(sp, bytes),
            _ => raw,
        };
        Some(Cell::new(sp.kind, raw, text))
    }

    /// The unescaped contents of the string cell `sp`, whose raw bytes
    /// (quotes included) are `raw`.
    #[inline]
    fn string_text(&self, sp: &CellSpan, raw: &'a [u8]) -> &'a str {
        str_from_validated(match sp.unesc {
            Some((a, b)) => self.unesc.get(a..b).unwrap_or(&[]),
            // Inside the quotes of a validated string token: UTF-8 (the
            // quotes are ASCII, so no character is split).
            None => raw.get(1..raw.len().saturating_sub(1)).unwrap_or(&[]),
        })
    }

    /// The cells in order.
    pub fn cells(&self) -> impl Iterator<Item = Cell<'a>> + '_ {
        (0..self.cells.len()).filter_map(move |i| self.cell(i))
    }

    /// Cell `i` converted to the type of its column. A cell beyond the last
    /// column, or of a column of unknown type, comes back as sent
    /// ([`Value::Other`]). `None` when the row has no cell `i`.
    #[inline]
    pub fn value(&self, i: usize) -> Option<Result<Value<'a>, CellError>> {
        let sp = self.cells.get(i)?;
        let ty = self
            .columns
            .get(i)
            .map_or(ScalarType::Unknown, Column::scalar_type);
        let converted = match sp.kind {
            // Numbers in number columns, the common case, straight from
            // their text: no string handling, no `Cell`.
            CellKind::Number => {
                let (buf, start, end) = self.locate(sp.start, sp.end);
                match convert_number(ty, Around::new(buf, start, end)) {
                    Some(converted) => converted,
                    None => {
                        let raw = str_from_validated(buf.get(start..end).unwrap_or(&[]));
                        convert_json_number(ty, raw)
                    }
                }
            }
            // The other common case: no `Cell`, one dispatch on the type.
            CellKind::String => {
                let (buf, start, end) = self.locate(sp.start, sp.end);
                let raw = buf.get(start..end).unwrap_or(&[]);
                convert_string(ty, str_from_validated(raw), self.string_text(sp, raw))
            }
            // `null` is null in every column.
            CellKind::Null => Ok(Value::Null),
            CellKind::Bool if ty == ScalarType::Bool => {
                let (buf, start, _) = self.locate(sp.start, sp.end);
                Ok(Value::Bool(buf.get(start) == Some(&b't')))
            }
            _ => convert_other(ty, self.cell(i)?),
        };
        match converted {
            Ok(value) => Some(Ok(value)),
            Err(error) => Some(Err(self.cell_error(i, error))),
        }
    }

    #[cold]
    #[inline(never)]
    fn cell_error(&self, i: usize, error: ValueError) -> CellError {
        CellError {
            error,
            row: self.index,
            column: i,
            offset: self.offset + self.cells.get(i).map_or(0, |s| s.start as u64),
        }
    }

    /// `true` when cell `i` borrows from the chunk being fed (zero-copy),
    /// `false` when it was copied into the decoder's scratch (straddling a
    /// chunk boundary, or in a chunk small enough to be joined, see
    /// [`DecoderConfig::join_chunks`](crate::DecoderConfig::join_chunks)).
    /// Unescaped string text is always in scratch.
    pub fn cell_is_borrowed(&self, i: usize) -> bool {
        self.cells
            .get(i)
            .is_some_and(|sp| !self.joined && sp.start >= self.spill.len())
    }
}

/// A cell whose value does not fit its column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CellError {
    /// What did not fit.
    pub error: ValueError,
    /// The row's index in its frame's `Rows`.
    pub row: u64,
    /// The column's index.
    pub column: usize,
    /// Byte offset of the cell in the body.
    pub offset: u64,
}

impl core::fmt::Display for CellError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{} in row {}, column {}, at byte {}",
            self.error, self.row, self.column, self.offset
        )
    }
}

impl core::error::Error for CellError {}

impl core::fmt::Debug for Row<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Row")
            .field("table_id", &self.table_id)
            .field("index", &self.index)
            .field("cells", &RowCells(self))
            .finish()
    }
}

struct RowCells<'r, 'a>(&'r Row<'a>);

impl core::fmt::Debug for RowCells<'_, '_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list()
            .entries(self.0.cells().map(|c| c.raw()))
            .finish()
    }
}

impl PartialEq for Row<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.table_id == other.table_id
            && self.index == other.index
            && self.offset == other.offset
            && self.cells().eq(other.cells())
    }
}

/// One decoded event. Frames without rows arrive as one event when their
/// closing `}` arrives; frames with rows (DataTable, TableFragment, V1
/// tables) arrive as a head event when `Rows` begins, one event per row, and
/// an end event when the frame closes.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Event<'a> {
    /// The `DataSetHeader` frame.
    DataSetHeader(DataSetHeader<'a>),
    /// A `TableHeader` frame (progressive or fragmented table).
    TableHeader(TableInfo<'a>),
    /// A `DataTable` frame begins: its rows follow.
    DataTable(TableInfo<'a>),
    /// The `DataTable` frame ended; every property it sent.
    DataTableEnd(TableInfo<'a>),
    /// A `TableFragment` frame begins: its rows follow.
    TableFragment(Fragment<'a>),
    /// The `TableFragment` frame ended; every property it sent.
    TableFragmentEnd(Fragment<'a>),
    /// One row.
    Row(Row<'a>),
    /// An object where a row was expected: a partial query failure.
    RowError(RowError<'a>),
    /// The `TableProgress` frame.
    TableProgress(TableProgress),
    /// The `TableCompletion` frame.
    TableCompletion(TableCompletion<'a>),
    /// The `DataSetCompletion` frame.
    DataSetCompletion(DataSetCompletion<'a>),
    /// A frame whose `FrameType` this crate does not know; its content was
    /// validated and skipped.
    UnknownFrame {
        /// The `FrameType` as sent.
        frame_type: &'a str,
    },
    /// A V1 table begins (`table_id` is its index in `Tables`).
    V1Table(TableInfo<'a>),
    /// A V1 table ended.
    V1TableEnd(TableInfo<'a>),
    /// The V1 top-level `Exceptions` array: the response failed.
    V1Exceptions(RawJson<'a>),
    /// An error body: the object under `"error"` (OneApiErrors format).
    ErrorBody(RawJson<'a>),
}
