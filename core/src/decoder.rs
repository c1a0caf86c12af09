//! The push decoder: bytes in, events out.

use alloc::string::String;
use alloc::vec::Vec;

use crate::cell::CellKind;
use crate::error::{Error, ErrorKind};
use crate::event::{
    CellSpan, Column, DataSetCompletion, DataSetHeader, Event, Fragment, FragmentType, RawJson,
    Row, RowError, TableCompletion, TableInfo, TableKind, TableProgress,
};
use crate::lex::{Cells, Lexer, TokKind, Token};
use crate::unchecked::str_from_validated;

/// Limits that turn hostile input into errors instead of memory growth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecoderConfig {
    max_depth: u32,
    max_token_bytes: u64,
    max_row_bytes: u64,
    max_columns: usize,
    max_open_tables: usize,
    max_held_rows_bytes: u64,
    max_tables: usize,
    join_chunks: usize,
}

impl Default for DecoderConfig {
    fn default() -> Self {
        DecoderConfig {
            max_depth: 128,
            max_token_bytes: 16 << 20,
            max_row_bytes: 64 << 20,
            max_columns: 10_000,
            max_open_tables: 1024,
            max_held_rows_bytes: 16 << 20,
            max_tables: 4096,
            join_chunks: 512,
        }
    }
}

impl DecoderConfig {
    /// Maximum nesting of arrays and objects in the body, frames included
    /// (the frame structure uses 4 levels). Default 128.
    pub fn max_depth(&mut self, n: u32) -> &mut Self {
        self.max_depth = n;
        self
    }

    /// Maximum length of one string or number outside rows (keys, names,
    /// unknown properties). Default 16 MiB.
    pub fn max_token_bytes(&mut self, n: u64) -> &mut Self {
        self.max_token_bytes = n;
        self
    }

    /// Maximum length of one row, row error, or captured value
    /// (`OneApiErrors`, an error body). Default 64 MiB.
    pub fn max_row_bytes(&mut self, n: u64) -> &mut Self {
        self.max_row_bytes = n;
        self
    }

    /// Maximum number of columns of a table and of cells in a row.
    /// Default 10 000.
    pub fn max_columns(&mut self, n: usize) -> &mut Self {
        self.max_columns = n;
        self
    }

    /// Maximum number of progressive tables open at once (TableHeader seen,
    /// TableCompletion not yet). Default 1024.
    pub fn max_open_tables(&mut self, n: usize) -> &mut Self {
        self.max_open_tables = n;
        self
    }

    /// Maximum number of distinct tables in a response: `TableId`s named by
    /// any frame (DataTable, TableHeader, TableFragment, TableProgress,
    /// TableCompletion), and V1 tables. Past it the body is rejected with
    /// [`ErrorKind::TooManyTables`] at the frame that names one more, so
    /// that whatever a consumer keeps per table stays bounded. Default 4096.
    pub fn max_tables(&mut self, n: usize) -> &mut Self {
        self.max_tables = n;
        self
    }

    /// Maximum size of the `Rows` of a frame that sends them before the
    /// properties that say which table they belong to. Rows are handed out
    /// as they arrive once the frame has sent its kind and everything that
    /// identifies its table (a `DataTable`: `TableId`, `TableKind`,
    /// `TableName` and `Columns`; a `TableFragment`: `TableId` and
    /// `TableFragmentType`; a V1 table: `Columns`), as the service and the
    /// documented frames do. Rows sent before that are kept, as their
    /// bytes, until the frame ends, then handed out after the frame's head
    /// event, so that every consumer sees them in the right table with
    /// their columns. Past this limit the body is rejected with
    /// [`ErrorKind::HeldRowsTooLarge`]. Default 16 MiB.
    pub fn max_held_rows_bytes(&mut self, n: u64) -> &mut Self {
        self.max_held_rows_bytes = n;
        self
    }

    /// Chunks of at most `n` bytes are copied into the decoder and joined
    /// to the bytes before them, instead of being decoded in place. With
    /// chunks that small most rows are cut by a chunk's end, and a cut cell
    /// costs more to carry over token by token than the copy. Joined, a row
    /// that a chunk's end cuts waits for the rest of its bytes (up to
    /// 2 KiB; until a `]` that may end the row arrives, they are only
    /// searched for one), and its cells are then decoded at once, none of
    /// them cut. No event of a well-formed body waits: a row's event comes
    /// with the chunk that brings its last byte, as without joining. In a
    /// malformed body, an error inside a held row, or right after its `]`,
    /// is reported once more bytes (up to 2 KiB) have arrived, or at
    /// [`Decoder::finish`], with the same offset and after the same
    /// events (if the body ends right after such a whole row, the feed of
    /// `finish` hands out the row, then the error). Cells of joined
    /// chunks borrow from the decoder's buffer
    /// ([`Row::cell_is_borrowed`](crate::Row::cell_is_borrowed) is
    /// `false`). Larger chunks are decoded in place, zero-copy. Memory
    /// stays bounded: the buffer holds the row in progress and one chunk.
    /// Default 512; 0 turns joining off.
    pub fn join_chunks(&mut self, n: usize) -> &mut Self {
        self.join_chunks = n;
        self
    }
}

/// See [`Decoder::compact`].
const COMPACT_MIN: usize = 4096;

/// The format of the body, detected from its first bytes and keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A JSON array of frames.
    V2,
    /// A JSON object with `Tables`.
    V1,
    /// A JSON object with `error` (OneApiErrors).
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameType {
    DataSetHeader,
    DataTable,
    TableHeader,
    TableFragment,
    TableProgress,
    TableCompletion,
    DataSetCompletion,
    Unknown,
}

impl FrameType {
    fn from_name(s: &[u8]) -> FrameType {
        match s {
            b"DataSetHeader" => FrameType::DataSetHeader,
            b"DataTable" => FrameType::DataTable,
            b"TableHeader" => FrameType::TableHeader,
            b"TableFragment" => FrameType::TableFragment,
            b"TableProgress" => FrameType::TableProgress,
            b"TableCompletion" => FrameType::TableCompletion,
            b"DataSetCompletion" => FrameType::DataSetCompletion,
            _ => FrameType::Unknown,
        }
    }
}

/// A frame property the decoder knows (see [`PROPS`]), or any other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prop {
    FrameType,
    TableId,
    TableKind,
    TableName,
    Columns,
    Rows,
    Version,
    IsProgressive,
    IsFragmented,
    ErrorReportingPlacement,
    TableFragmentType,
    FieldCount,
    TableProgress,
    RowCount,
    HasErrors,
    Cancelled,
    OneApiErrors,
    Other,
}

/// The JSON a known frame property takes (`null` is always allowed, and
/// is as if the property were not sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Takes {
    Str,
    Int,
    Float,
    Bool,
    /// `Columns`: an array of column objects.
    Columns,
    /// `Rows`: an array of rows.
    Rows,
    /// `OneApiErrors`: kept as raw JSON text.
    Errors,
}

/// What a property tells of a frame that sends no `FrameType` (see
/// [`Frame::kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Implies {
    Nothing,
    /// Only a table's frames have it (DataTable, TableHeader).
    Table,
    Kind(FrameType),
}

/// One known frame property: its wire key, the JSON it takes and the
/// frame kind it implies. Where its value goes is its [`Prop`]'s slot in
/// [`Frame::vals`], and the event fields read it from there (`build`).
#[derive(Debug)]
struct PropDef {
    key: &'static [u8],
    prop: Prop,
    takes: Takes,
    implies: Implies,
}

const fn def(key: &'static [u8], prop: Prop, takes: Takes, implies: Implies) -> PropDef {
    PropDef {
        key,
        prop,
        takes,
        implies,
    }
}

/// The table of frame properties: the one place that says what each is.
/// In [`Prop`] order (the index of a property's entry is its `Prop`).
const PROPS: [PropDef; 17] = {
    use FrameType as F;
    use Implies::{Kind, Nothing, Table};
    [
        def(b"FrameType", Prop::FrameType, Takes::Str, Nothing),
        def(b"TableId", Prop::TableId, Takes::Int, Nothing),
        def(b"TableKind", Prop::TableKind, Takes::Str, Table),
        def(b"TableName", Prop::TableName, Takes::Str, Table),
        def(b"Columns", Prop::Columns, Takes::Columns, Table),
        def(b"Rows", Prop::Rows, Takes::Rows, Nothing),
        def(
            b"Version",
            Prop::Version,
            Takes::Str,
            Kind(F::DataSetHeader),
        ),
        def(
            b"IsProgressive",
            Prop::IsProgressive,
            Takes::Bool,
            Kind(F::DataSetHeader),
        ),
        def(b"IsFragmented", Prop::IsFragmented, Takes::Bool, Nothing),
        def(
            b"ErrorReportingPlacement",
            Prop::ErrorReportingPlacement,
            Takes::Str,
            Nothing,
        ),
        def(
            b"TableFragmentType",
            Prop::TableFragmentType,
            Takes::Str,
            Kind(F::TableFragment),
        ),
        def(
            b"FieldCount",
            Prop::FieldCount,
            Takes::Int,
            Kind(F::TableFragment),
        ),
        def(
            b"TableProgress",
            Prop::TableProgress,
            Takes::Float,
            Kind(F::TableProgress),
        ),
        def(
            b"RowCount",
            Prop::RowCount,
            Takes::Int,
            Kind(F::TableCompletion),
        ),
        def(
            b"HasErrors",
            Prop::HasErrors,
            Takes::Bool,
            Kind(F::DataSetCompletion),
        ),
        def(
            b"Cancelled",
            Prop::Cancelled,
            Takes::Bool,
            Kind(F::DataSetCompletion),
        ),
        def(b"OneApiErrors", Prop::OneApiErrors, Takes::Errors, Nothing),
    ]
};

/// The order in which implied kinds are tried (see [`Frame::kind`]).
const KIND_ORDER: [FrameType; 5] = [
    FrameType::DataSetHeader,
    FrameType::DataSetCompletion,
    FrameType::TableFragment,
    FrameType::TableProgress,
    FrameType::TableCompletion,
];

impl Prop {
    /// The property's entry in [`PROPS`] (`None` for unknown properties).
    fn def(self) -> Option<&'static PropDef> {
        PROPS.get(self as usize)
    }

    /// The property's bit in [`Frame::seen`] (0 for unknown properties,
    /// which may repeat).
    fn bit(self) -> u32 {
        match self {
            Prop::Other => 0,
            p => 1 << (p as u32),
        }
    }

    fn from_key(k: &[u8]) -> Prop {
        PROPS
            .iter()
            .find(|d| d.key == k)
            .map_or(Prop::Other, |d| d.prop)
    }
}

/// A frame property's value (see [`Frame::vals`]).
#[derive(Debug, Clone, Default, PartialEq)]
enum Val {
    /// Not sent, or sent as `null`.
    #[default]
    Absent,
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColProp {
    Name,
    ColumnType,
    DataType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Top {
    Tables,
    Exceptions,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    FrameErrors,
    /// The `Rows` of a frame that has not yet said which table they
    /// belong to (see [`DecoderConfig::max_held_rows_bytes`]).
    HeldRows,
    Exceptions,
    ErrorBody,
}

/// Where the decoder is in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pos {
    Start,
    V2Frames,
    TopObject,
    TopValue(Top),
    V1Tables,
    FrameKey,
    FrameValue(Prop),
    Columns,
    ColumnKey,
    ColumnValue(ColProp),
    Rows,
    Row,
    RowError,
    Capture(Target),
    Skip,
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Head {
    DataTable,
    Fragment,
    V1Table,
}

/// An event to build once the token loop has let go of its borrows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Emit {
    Head(Head),
    End(FrameType),
    V1End,
    Row { end: usize },
    RowError { start: usize, end: usize },
    Exceptions { start: usize, end: usize },
    ErrorBody { start: usize, end: usize },
}

#[derive(Debug, Default)]
struct Frame {
    v1: bool,
    v1_index: i64,
    frame_type: Option<FrameType>,
    frame_type_name: String,
    /// The known properties' values, by [`Prop`] (see [`PROPS`]).
    vals: [Val; PROPS.len()],
    columns: Vec<Column>,
    head: Option<Head>,
    /// Index into the open tables for the columns of a fragment's rows.
    open_idx: Option<usize>,
    row_index: u64,
    /// The properties sent so far ([`Prop::bit`]): one sent twice is an error.
    seen: u32,
}

impl Frame {
    fn reset(&mut self, v1: bool, v1_index: i64) {
        let mut columns = core::mem::take(&mut self.columns);
        columns.clear();
        *self = Frame {
            v1,
            v1_index,
            columns,
            ..Frame::default()
        };
    }

    fn val(&self, p: Prop) -> &Val {
        self.vals.get(p as usize).unwrap_or(&Val::Absent)
    }

    /// The property was sent, and not as `null` (`Columns` and `Rows`
    /// hold `true` once their array began).
    fn has(&self, p: Prop) -> bool {
        *self.val(p) != Val::Absent
    }

    /// The frame sent `Rows` (an array): held in `Decoder::held`, or
    /// handed out under `head`.
    fn has_rows(&self) -> bool {
        self.has(Prop::Rows)
    }

    fn str(&self, p: Prop) -> Option<&str> {
        match self.val(p) {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    #[inline]
    fn int(&self, p: Prop) -> Option<i64> {
        match self.val(p) {
            Val::Int(v) => Some(*v),
            _ => None,
        }
    }

    fn float(&self, p: Prop) -> Option<f64> {
        match self.val(p) {
            Val::Float(v) => Some(*v),
            _ => None,
        }
    }

    fn bool(&self, p: Prop) -> Option<bool> {
        match self.val(p) {
            Val::Bool(v) => Some(*v),
            _ => None,
        }
    }

    /// The `TableId` its rows and events carry (a V1 table's index).
    #[inline]
    fn table_id(&self) -> Option<i64> {
        if self.v1 {
            Some(self.v1_index)
        } else {
            self.int(Prop::TableId)
        }
    }

    fn set(&mut self, p: Prop, v: Val) {
        if let Some(slot) = self.vals.get_mut(p as usize) {
            *slot = v;
        }
    }

    /// Whether a property sent so far implies `i` (see [`PROPS`]).
    fn implies(&self, i: Implies) -> bool {
        PROPS.iter().any(|d| d.implies == i && self.has(d.prop))
    }

    /// The kind the properties sent so far imply, other than a table's.
    fn implied_kind(&self) -> Option<FrameType> {
        KIND_ORDER
            .into_iter()
            .find(|&k| self.implies(Implies::Kind(k)))
    }

    /// The frame's type, once the whole frame is known: as sent, or
    /// inferred from its properties (the one place that infers it). `open`
    /// tells whether the frame's `TableId` names a table opened by a
    /// `TableHeader` (rows alone then make a fragment of it).
    fn kind(&self, open: bool) -> FrameType {
        if let Some(t) = self.frame_type {
            return t;
        }
        if let Some(k) = self.implied_kind() {
            k
        } else if self.implies(Implies::Table) {
            if self.has_rows() {
                FrameType::DataTable
            } else {
                FrameType::TableHeader
            }
        } else if self.has_rows() {
            if open {
                FrameType::TableFragment
            } else {
                FrameType::DataTable
            }
        } else {
            FrameType::Unknown
        }
    }

    /// What to do with the frame's `Rows` when they begin: hand them out
    /// under a head event now, when the frame has already sent its kind and
    /// everything that identifies its table, else hold them to the frame's
    /// end (see [`DecoderConfig::max_held_rows_bytes`]); `None` for a frame
    /// whose `FrameType` carries no rows (they are skipped).
    fn rows_plan(&self) -> Option<Plan> {
        // Sent so far: a property of a frame kind that has no rows.
        let conflicting = PROPS.iter().any(|d| {
            matches!(d.implies, Implies::Kind(k) if k != FrameType::TableFragment)
                && self.has(d.prop)
        });
        let table = self.has(Prop::TableId)
            && self.has(Prop::TableKind)
            && self.has(Prop::TableName)
            && self.has(Prop::Columns);
        let fragment = self.has(Prop::TableId) && self.has(Prop::TableFragmentType);
        let plan = if self.v1 {
            if self.has(Prop::Columns) {
                Plan::Stream(Head::V1Table)
            } else {
                Plan::Hold
            }
        } else {
            match self.frame_type {
                Some(FrameType::DataTable) if table => Plan::Stream(Head::DataTable),
                Some(FrameType::TableFragment) if fragment => Plan::Stream(Head::Fragment),
                Some(FrameType::DataTable | FrameType::TableFragment) => Plan::Hold,
                Some(_) => return None,
                // No FrameType (yet): rows are handed out only when nothing
                // sent so far points to another kind. A property sent after
                // them that does is an error at the frame's end.
                None if conflicting => Plan::Hold,
                None if fragment && !self.has(Prop::Columns) && !self.has(Prop::TableKind) => {
                    Plan::Stream(Head::Fragment)
                }
                None if table && !self.implies(Implies::Kind(FrameType::TableFragment)) => {
                    Plan::Stream(Head::DataTable)
                }
                None => Plan::Hold,
            }
        };
        Some(plan)
    }
}

/// What the end of the input found (see [`Decoder::end_input`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// The body is whole.
    Clean,
    /// Events are still to come from the bytes fed.
    Drain,
}

/// An event to build, and from which decoder (see [`Feed::next_emit`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    Main(Emit),
    Replay(Emit),
}

/// See [`Frame::rows_plan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    Stream(Head),
    Hold,
}

/// Rows held back (see [`Frame::rows_plan`]), decoded once their frame
/// has ended, by a decoder of their own set inside the frame.
#[derive(Debug)]
struct Replay {
    dec: Decoder,
    bytes: Vec<u8>,
    pos: usize,
    done: bool,
    /// An event due before the rows (the head, see `Decoder::salvage`).
    lead: Option<Emit>,
    /// The error due after the rows (see `Decoder::salvage`).
    deferred: Option<Error>,
}

/// The first bytes of the body, looked at before it is decoded: a UTF-8
/// byte order mark is skipped, a compressed body is rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniff {
    /// Nothing seen yet.
    Fresh,
    /// This many bytes of the byte order mark `EF BB BF` seen.
    Bom(u8),
    /// `1F`, the first gzip magic byte, seen.
    Gzip,
    /// `78`, the first byte of a zlib header, seen.
    Zlib,
    /// Decided: the rest goes to the lexer.
    Done,
}

#[derive(Debug)]
struct OpenTable {
    id: i64,
    columns: Vec<Column>,
}

/// The push decoder.
///
/// Call order: [`Decoder::feed`] with each chunk of the body and drain the
/// returned [`Feed`] with [`Feed::next_event`] until it returns `Ok(None)`;
/// after the last chunk, call [`Decoder::finish`] and drain the feed it
/// returns in the same way. A caller MUST drain `finish`: without it a
/// truncated body goes unnoticed, and the events a malformed body's end
/// still hands out are lost. A caller that drops
/// a `Feed` before it returned `Ok(None)` MUST feed `chunk[feed.consumed()..]`
/// next. Errors are sticky: after one, every call returns it again.
///
/// ```
/// use kusto_frames::{Decoder, Event};
/// let body = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
/// {"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","TableName":"T",
///  "Columns":[{"ColumnName":"x","ColumnType":"long"}],"Rows":[[1],[2]]},
/// {"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
/// let mut dec = Decoder::new();
/// let mut rows = 0;
/// for chunk in body.chunks(10).map(Some).chain([None]) {
///     let mut feed = match chunk {
///         Some(bytes) => dec.feed(bytes),
///         None => dec.finish(), // the end of the input
///     };
///     while let Some(ev) = feed.next_event()? {
///         if let Event::Row(row) = ev {
///             rows += 1;
///             assert_eq!(row.cell(0).unwrap().raw(), rows.to_string());
///         }
///     }
/// }
/// assert_eq!(rows, 2);
/// # Ok::<(), kusto_frames::Error>(())
/// ```
#[derive(Debug)]
pub struct Decoder {
    cfg: DecoderConfig,
    lexer: Lexer,
    pos: Pos,
    frame: Frame,
    /// The column object being read.
    col: Column,
    /// The row being read: its cells' spans.
    cells: Vec<CellSpan>,
    cap: Capture,
    input: Join,
    tables: Tables,
    held: Held,
    body: BodyState,
    pending: Option<Emit>,
    failed: Option<Error>,
}

/// The value being captured, skipped or read as a row.
#[derive(Debug)]
struct Capture {
    /// Nesting inside a skipped or captured value, or a row's cell.
    depth: u32,
    cell_start: usize,
    cell_kind: CellKind,
    /// Where the captured value (or row) starts: logical, and absolute.
    start: usize,
    abs: u64,
    /// Where the decoder goes once a skipped value ends.
    skip_return: Pos,
}

/// The input between feeds: the join buffer of small chunks (see
/// [`DecoderConfig::join_chunks`]) and the look at the body's first bytes.
#[derive(Debug)]
struct Join {
    /// Joined small chunks: while it is not empty, the lexer's chunk
    /// indices refer to it.
    acc: Vec<u8>,
    /// Where decoding stopped in `acc`.
    acc_pos: usize,
    /// Decoding stopped at a row cell cut by the end of `acc` (a
    /// well-formed beginning of a cell: at the end of input, the body was
    /// cut short).
    acc_cut: bool,
    /// The chunk being fed is joined (decoded from `acc`).
    joined: bool,
    /// Nothing is held back at the end of `acc` (see `end_input`; once it
    /// found a whole row held back, for good).
    hold_off: bool,
    /// What the body's first bytes were found to be.
    sniff: Sniff,
}

/// The tables the body named: the decoder's own registry, for its limits
/// and for the columns of fragments' rows.
#[derive(Debug, Default)]
struct Tables {
    /// Progressive tables open (a TableHeader without its completion).
    open: Vec<OpenTable>,
    /// The `TableId`s named so far (see [`DecoderConfig::max_tables`]).
    ids: alloc::collections::BTreeSet<i64>,
    /// V1 tables so far.
    v1_count: i64,
}

/// A frame's `Rows` held (see [`Frame::rows_plan`]).
#[derive(Debug, Default)]
struct Held {
    bytes: Vec<u8>,
    /// The offset of their `[`.
    abs: u64,
    /// Held rows being handed out, after their frame's head event.
    replay: Option<alloc::boxed::Box<Replay>>,
}

/// What the body as a whole has shown.
#[derive(Debug, Default)]
struct BodyState {
    format: Option<Format>,
    completion_seen: bool,
    /// A V1-style top-level `Exceptions` arrived (the body is a response
    /// even without `Tables`).
    top_exceptions: bool,
}

impl core::fmt::Debug for Lexer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Lexer").field("base", &self.base).finish()
    }
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

impl Decoder {
    /// A decoder with the default limits.
    pub fn new() -> Self {
        Decoder::with_config(DecoderConfig::default())
    }

    /// A decoder with the given limits.
    pub fn with_config(cfg: DecoderConfig) -> Self {
        let lexer = Lexer::new(cfg.max_depth, cfg.max_token_bytes);
        Decoder {
            cfg,
            lexer,
            pos: Pos::Start,
            frame: Frame::default(),
            col: Column::default(),
            cells: Vec::new(),
            cap: Capture {
                depth: 0,
                cell_start: 0,
                cell_kind: CellKind::Null,
                start: 0,
                abs: 0,
                skip_return: Pos::End,
            },
            input: Join {
                acc: Vec::new(),
                acc_pos: 0,
                acc_cut: false,
                joined: false,
                hold_off: false,
                sniff: Sniff::Fresh,
            },
            tables: Tables::default(),
            held: Held::default(),
            body: BodyState::default(),
            pending: None,
            failed: None,
        }
    }

    /// Feeds the next chunk of the body. Drain the returned [`Feed`].
    ///
    /// Chunks of at most [`DecoderConfig::join_chunks`] bytes (512 by
    /// default) are copied into the decoder and joined to what came before.
    #[inline]
    pub fn feed<'d, 'c>(&'d mut self, chunk: &'c [u8]) -> Feed<'d, 'c> {
        if self.input.sniff != Sniff::Done {
            let skip = self.sniff(chunk);
            if skip > 0 {
                return self.feed_skipping(chunk, skip);
            }
        }
        let mut acc = core::mem::take(&mut self.input.acc);
        let joined = self.input.acc_pos < acc.len() || chunk.len() <= self.cfg.join_chunks;
        if joined {
            self.compact(&mut acc);
            acc.extend_from_slice(chunk);
        } else {
            // Back to decoding in place.
            self.release(&mut acc);
        }
        let pos = if joined { self.input.acc_pos } else { 0 };
        self.input.joined = joined;
        Feed {
            dec: self,
            chunk,
            pos,
            done: false,
            acc,
            end: false,
        }
    }

    /// [`Decoder::feed`] at the start of the body, when its first `skip`
    /// bytes of `chunk` are not decoded (a byte order mark, or bytes that
    /// decided an error; see [`Sniff`]). They still count in offsets.
    #[cold]
    #[inline(never)]
    fn feed_skipping<'d, 'c>(&'d mut self, chunk: &'c [u8], skip: usize) -> Feed<'d, 'c> {
        let mut acc = core::mem::take(&mut self.input.acc);
        let joined = self.input.acc_pos < acc.len() || chunk.len() <= self.cfg.join_chunks;
        if joined {
            if acc.is_empty() {
                // Nothing decoded yet: the join buffer starts after them.
                self.lexer.base += skip as u64;
            }
            acc.extend_from_slice(chunk.get(skip..).unwrap_or(&[]));
        } else {
            self.release(&mut acc);
        }
        let pos = if joined { self.input.acc_pos } else { skip };
        self.input.joined = joined;
        Feed {
            dec: self,
            chunk,
            pos,
            done: false,
            acc,
            end: false,
        }
    }

    /// Looks at the first bytes of the body (see [`Sniff`]); returns how
    /// many bytes of `chunk` to skip (a byte order mark, or bytes kept to
    /// decide). Sets `failed` for a compressed body, and for one that
    /// starts like a magic number but is not one (it starts with neither
    /// `[` nor `{` nor whitespace: it is not a response either way).
    #[cold]
    fn sniff(&mut self, chunk: &[u8]) -> usize {
        const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];
        let mut used = 0;
        for &b in chunk {
            let (next, fail) = match self.input.sniff {
                Sniff::Fresh => match b {
                    0xEF => (Sniff::Bom(1), None),
                    0x1F => (Sniff::Gzip, None),
                    0x78 => (Sniff::Zlib, None),
                    _ => (Sniff::Done, None),
                },
                Sniff::Bom(n) if BOM.get(usize::from(n)) == Some(&b) => {
                    if n == 2 {
                        (Sniff::Done, None)
                    } else {
                        (Sniff::Bom(n + 1), None)
                    }
                }
                Sniff::Gzip if b == 0x8B => (Sniff::Done, Some(ErrorKind::GzipBody)),
                // The zlib headers of the usual compression levels with a
                // second byte that text does not have (`x^` could be text).
                Sniff::Zlib if matches!(b, 0x01 | 0x9C | 0xDA) => {
                    (Sniff::Done, Some(ErrorKind::ZlibBody))
                }
                _ => (Sniff::Done, Some(ErrorKind::NotAResponse)),
            };
            if self.input.sniff == Sniff::Fresh && next == Sniff::Done {
                // A first byte that starts no magic number: decoded as is.
                self.input.sniff = Sniff::Done;
                return 0;
            }
            self.input.sniff = next;
            used += 1;
            if let Some(kind) = fail {
                self.failed = Some(Error::new(kind, 0));
                return used;
            }
            if next == Sniff::Done {
                break;
            }
        }
        used
    }

    /// The lexer lets go of the join buffer `acc` (decoded up to
    /// `acc_pos`), which is emptied: what it holds of a value in progress
    /// moves to the lexer's spill, as at the end of a chunk decoded in place.
    fn release(&mut self, acc: &mut Vec<u8>) {
        if !acc.is_empty() {
            self.lexer.end_chunk(acc, self.input.acc_pos);
            acc.clear();
            self.input.acc_pos = 0;
        }
    }

    fn fail(&mut self, e: Error) -> Error {
        self.failed = Some(e);
        e
    }

    /// Drops the bytes at the front of the join buffer that nothing refers
    /// to any more, once they are at least half of it and [`COMPACT_MIN`]
    /// bytes (so that the bytes kept are moved rarely).
    fn compact(&mut self, acc: &mut Vec<u8>) {
        let keep = if self.lexer.capturing() {
            self.lexer.cap_chunk_start.min(self.input.acc_pos)
        } else {
            self.input.acc_pos
        };
        if keep >= COMPACT_MIN && keep * 2 >= acc.len() {
            acc.drain(..keep);
            self.lexer.shift(keep);
            self.input.acc_pos -= keep;
        }
    }

    /// Ends the input: the returned [`Feed`] hands out the events still due
    /// from the bytes fed, then ends. Drain it as any other feed:
    /// [`Feed::next_event`] returns `Ok(None)` once a whole body was decoded,
    /// or `Err` with [`ErrorKind::UnexpectedEof`] when the body stopped
    /// inside a value, [`ErrorKind::MissingCompletion`] when a V2 body had no
    /// `DataSetCompletion` frame (or any other error the end reveals).
    ///
    /// The events it may still hand out: those of a feed dropped before it
    /// was drained, and in a malformed or truncated body a whole row held
    /// back (see [`DecoderConfig::join_chunks`]) or rows sent before their
    /// frame's kind (see [`DecoderConfig::max_held_rows_bytes`]); they come
    /// before the error. Calling `finish` again gives the same outcome.
    ///
    /// ```
    /// use kusto_frames::{Decoder, ErrorKind};
    /// let mut dec = Decoder::new();
    /// let mut feed = dec.feed(br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Ver"#);
    /// while feed.next_event()?.is_some() {}
    /// drop(feed);
    /// let mut end = dec.finish();
    /// let e = loop {
    ///     match end.next_event() {
    ///         Ok(Some(_event)) => {}
    ///         Ok(None) => unreachable!("the body was cut"),
    ///         Err(e) => break e,
    ///     }
    /// };
    /// assert_eq!(e.kind(), ErrorKind::UnexpectedEof);
    /// # Ok::<(), kusto_frames::Error>(())
    /// ```
    pub fn finish(&mut self) -> Feed<'_, 'static> {
        let mut feed = self.feed(&[]);
        feed.end = true;
        feed
    }

    /// The end of the input, once the last feed is drained (see
    /// [`Decoder::finish`]): [`End::Drain`] when events are still to come
    /// from the bytes fed (the feed is re-armed and drained again).
    #[cold]
    #[inline(never)]
    fn end_input(&mut self) -> Result<End, Error> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        if self.pending.is_some() || self.held.replay.is_some() {
            return Ok(End::Drain);
        }
        if !matches!(self.input.sniff, Sniff::Done | Sniff::Fresh) {
            // The body is the first bytes of a magic number or byte order
            // mark, and nothing else.
            return Err(self.fail(Error::new(ErrorKind::NotAResponse, 0)));
        }
        if self.input.acc_pos < self.input.acc.len() {
            if !self.input.acc_cut {
                // A feed dropped before it was drained: like `pending`.
                return Ok(End::Drain);
            }
            if crate::lex::held_row_is_whole(&self.input.acc, self.input.acc_pos) {
                // A whole row held back: only a malformed body ends a row
                // where the decoder did not see that it may (see
                // `join_chunks`). The row's event comes first, then the
                // error: like `pending`, with nothing held any more.
                self.input.hold_off = true;
                return Ok(End::Drain);
            }
            // A row cut by the end of the body, held back (see
            // `join_chunks`): decoded now as it would have been without
            // holding it, for its first error, if any, before the end.
            self.input.hold_off = true;
            let mut feed = self.feed(&[]);
            let r = loop {
                match feed.next_event() {
                    // No event: the row is not whole, or it would not have
                    // been held.
                    Ok(Some(_)) => debug_assert!(false, "an event from a held row"),
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                }
            };
            drop(feed);
            self.input.hold_off = false;
            r?;
        }
        let mut acc = core::mem::take(&mut self.input.acc);
        self.release(&mut acc);
        self.input.acc = acc;
        let r = self.lexer.at_eof().and_then(|()| {
            if self.body.format == Some(Format::V2) && !self.body.completion_seen {
                Err(Error::new(ErrorKind::MissingCompletion, self.lexer.base))
            } else {
                Ok(())
            }
        });
        if let Err(e) = r {
            if self.salvage(&[], e) {
                // The held rows come first, then the error.
                return Ok(End::Drain);
            }
            self.failed = Some(e);
        }
        r.map(|()| End::Clean)
    }

    /// The body failed with `e` (not a limit) while the frame's rows were
    /// being held (see [`Frame::rows_plan`]): the rows whole before the
    /// error are not lost.
    /// The frame's head event (as far as the frame has told) is made
    /// pending, then the rows, then `e`. `false` when no rows were held.
    #[cold]
    fn salvage(&mut self, chunk: &[u8], e: Error) -> bool {
        // A limit is not the body's fault: what the decoder hands out must
        // not depend on where a limit cut it (a tighter limit only cuts
        // the same events shorter), and the head of a frame cut early
        // would say less than the same frame decoded further.
        if e.kind().is_limit() {
            return false;
        }
        let capturing = self.pos == Pos::Capture(Target::HeldRows);
        // Or the rows are all held, and the frame failed after them.
        let whole =
            self.frame.has_rows() && self.frame.head.is_none() && !self.held.bytes.is_empty();
        if !(capturing || whole) || self.held.replay.is_some() || self.frame.head.is_some() {
            return false;
        }
        let open = self
            .frame
            .int(Prop::TableId)
            .is_some_and(|id| self.tables.open.iter().any(|o| o.id == id));
        let h = match self.frame.kind(open) {
            _ if self.frame.v1 => Head::V1Table,
            FrameType::DataTable => Head::DataTable,
            FrameType::TableFragment => Head::Fragment,
            _ => return false,
        };
        if capturing {
            let lx = &self.lexer;
            let end = usize::try_from(e.offset().saturating_sub(lx.base)).unwrap_or(usize::MAX);
            let mut held = core::mem::take(&mut self.held.bytes);
            held.clear();
            held.extend_from_slice(&lx.spill);
            held.extend_from_slice(chunk.get(lx.cap_chunk_start..end).unwrap_or(&[]));
            self.held.bytes = held;
            self.held.abs = self.cap.abs;
            self.lexer.end_outer();
        }
        let head = self.set_head(h);
        self.start_replay(None);
        if let Some(r) = self.held.replay.as_deref_mut() {
            r.lead = Some(head);
            r.deferred = Some(e);
        }
        true
    }

    /// The body failed with `e`: the error, sticky, unless rows held
    /// before it come first (see [`Decoder::salvage`]); then the frame's
    /// head event, and the error waits behind the rows.
    #[cold]
    fn salvaged(&mut self, chunk: &[u8], e: Error) -> Result<Emit, Error> {
        if !self.salvage(chunk, e) {
            return Err(self.fail(e));
        }
        match self.held.replay.as_deref_mut().and_then(|r| r.lead.take()) {
            Some(h) => Ok(h),
            None => Err(self.fail(e)),
        }
    }

    /// Bytes consumed so far, over all chunks (joined chunks count whole).
    pub fn offset(&self) -> u64 {
        self.lexer.base + self.input.acc.len() as u64
    }

    /// The body's format, once its first bytes (and for an object, the key
    /// that tells) have arrived.
    pub fn format(&self) -> Option<Format> {
        self.body.format
    }

    /// `true` once a `DataSetCompletion` frame was decoded.
    pub fn completion_seen(&self) -> bool {
        self.body.completion_seen
    }

    fn text_of<'x>(&'x self, chunk: &'x [u8], t: &Token) -> &'x [u8] {
        match t.unesc {
            Some((a, b)) => self.lexer.unesc.get(a..b).unwrap_or(&[]),
            None => {
                let raw = self.lexer.bytes(chunk, t.start, t.end);
                raw.get(1..raw.len().saturating_sub(1)).unwrap_or(&[])
            }
        }
    }

    fn string_of(&self, chunk: &[u8], t: &Token) -> String {
        String::from(str_from_validated(self.text_of(chunk, t)))
    }

    fn int_of(&self, chunk: &[u8], t: &Token) -> Result<i64, Error> {
        let raw = str_from_validated(self.lexer.bytes(chunk, t.start, t.end));
        raw.parse::<i64>().map_err(|_| {
            let kind = if raw.bytes().all(|b| b == b'-' || b.is_ascii_digit()) {
                ErrorKind::NumberOutOfRange
            } else {
                ErrorKind::UnexpectedType
            };
            Error::new(kind, t.abs)
        })
    }

    /// A row's `[` at chunk index `p` was consumed.
    fn begin_row(&mut self, p: usize) {
        self.lexer
            .begin_outer(p, self.cfg.max_row_bytes, ErrorKind::RowTooLarge);
        self.lexer.want_unesc = true;
        self.cap.abs = self.lexer.base + p as u64;
        self.cells.clear();
        self.cap.depth = 0;
        self.pos = Pos::Row;
    }

    fn begin_capture(&mut self, t: &Token, pos: Pos) {
        let (limit, kind) = if pos == Pos::Capture(Target::HeldRows) {
            (self.cfg.max_held_rows_bytes, ErrorKind::HeldRowsTooLarge)
        } else {
            (self.cfg.max_row_bytes, ErrorKind::RowTooLarge)
        };
        let p = (t.abs - self.lexer.base) as usize;
        self.lexer.begin_outer(p, limit, kind);
        self.lexer.want_unesc = false;
        self.cap.start = 0;
        self.cap.abs = t.abs;
        self.cap.depth = 1;
        self.pos = pos;
    }

    fn end_capture(&mut self, chunk: &[u8], q: usize) {
        self.lexer.settle(chunk, self.cap.start, q);
        self.lexer.end_outer();
        self.lexer.want_unesc = true;
    }

    /// Skips the value that begins with `t`, then goes on at `ret`.
    fn skip(&mut self, t: &Token, ret: Pos) {
        match t.kind {
            TokKind::BeginArr | TokKind::BeginObj => {
                self.cap.depth = 1;
                self.cap.skip_return = ret;
                self.pos = Pos::Skip;
            }
            _ => self.pos = ret,
        }
    }

    fn unexpected(t: &Token) -> Error {
        Error::new(ErrorKind::UnexpectedType, t.abs)
    }

    fn frame_parent(&self) -> Pos {
        if self.frame.v1 {
            Pos::V1Tables
        } else {
            Pos::V2Frames
        }
    }

    fn handle(&mut self, t: Token, chunk: &[u8], q: usize) -> Result<Option<Emit>, Error> {
        use TokKind as K;
        match self.pos {
            Pos::Start | Pos::V2Frames | Pos::TopObject | Pos::TopValue(_) | Pos::V1Tables => {
                return self.body_token(t, chunk)
            }
            Pos::Columns | Pos::ColumnKey | Pos::ColumnValue(_) => {
                return self.column_token(t, chunk)
            }
            Pos::RowError | Pos::Capture(_) | Pos::Skip => return self.capture_token(t, chunk, q),
            Pos::FrameKey => match t.kind {
                K::Str => {
                    let prop = Prop::from_key(self.text_of(chunk, &t));
                    if self.frame.seen & prop.bit() != 0 {
                        return Err(Error::new(ErrorKind::DuplicateProperty, t.abs));
                    }
                    self.frame.seen |= prop.bit();
                    self.pos = Pos::FrameValue(prop);
                }
                K::EndObj => {
                    self.pos = self.frame_parent();
                    return self.end_frame(t.abs);
                }
                _ => return Err(Self::unexpected(&t)),
            },
            Pos::FrameValue(prop) => return self.frame_value(prop, t, chunk),
            Pos::Rows => match t.kind {
                K::BeginArr => self.begin_row((t.abs - self.lexer.base) as usize),
                K::BeginObj => self.begin_capture(&t, Pos::RowError),
                K::EndArr => self.pos = Pos::FrameKey,
                _ => return Err(Self::unexpected(&t)),
            },
            Pos::Row => return self.row_token(t, chunk, q),
            Pos::End => return Err(Error::new(ErrorKind::TrailingData, t.abs)),
        }
        Ok(None)
    }

    /// A token of the body's outer structure: the V2 frame array, the V1 or
    /// error object, its top-level values, the V1 table array.
    fn body_token(&mut self, t: Token, chunk: &[u8]) -> Result<Option<Emit>, Error> {
        use TokKind as K;
        match self.pos {
            Pos::Start => match t.kind {
                K::BeginArr => {
                    self.body.format = Some(Format::V2);
                    self.pos = Pos::V2Frames;
                }
                K::BeginObj => self.pos = Pos::TopObject,
                _ => return Err(Error::new(ErrorKind::NotAResponse, t.abs)),
            },
            Pos::V2Frames => match t.kind {
                K::BeginObj => {
                    if self.body.completion_seen {
                        return Err(Error::new(ErrorKind::FrameAfterCompletion, t.abs));
                    }
                    self.frame.reset(false, 0);
                    self.pos = Pos::FrameKey;
                }
                K::EndArr => self.pos = Pos::End,
                _ => return Err(Self::unexpected(&t)),
            },
            Pos::TopObject => match t.kind {
                K::Str => {
                    let top = match self.text_of(chunk, &t) {
                        b"Tables" => Some(Top::Tables),
                        b"Exceptions" => Some(Top::Exceptions),
                        b"error" => Some(Top::Error),
                        _ => None,
                    };
                    self.pos = match top {
                        Some(top) => Pos::TopValue(top),
                        None => {
                            self.cap.skip_return = Pos::TopObject;
                            Pos::Skip
                        }
                    };
                    if top.is_none() {
                        // The value comes next: skip it whatever it is.
                        self.cap.depth = 0;
                    }
                }
                K::EndObj => {
                    if self.body.format.is_none() && !self.body.top_exceptions {
                        // An object with none of `Tables`, `Exceptions`, `error`.
                        return Err(Error::new(ErrorKind::NotAResponse, t.abs));
                    }
                    self.pos = Pos::End;
                }
                _ => return Err(Self::unexpected(&t)),
            },
            Pos::TopValue(top) => match (top, t.kind) {
                (Top::Tables, K::BeginArr) => {
                    if self.body.format.is_none() {
                        self.body.format = Some(Format::V1);
                    }
                    self.pos = Pos::V1Tables;
                }
                (Top::Tables, K::Null) => self.pos = Pos::TopObject,
                (Top::Tables, _) => return Err(Self::unexpected(&t)),
                (Top::Exceptions | Top::Error, K::BeginArr | K::BeginObj) => {
                    self.body.top_exceptions |= top == Top::Exceptions;
                    if top == Top::Error && self.body.format.is_none() {
                        self.body.format = Some(Format::Error);
                    }
                    let target = if top == Top::Error {
                        Target::ErrorBody
                    } else {
                        Target::Exceptions
                    };
                    self.begin_capture(&t, Pos::Capture(target));
                }
                (Top::Exceptions, _) => {
                    self.pos = Pos::TopObject;
                    self.body.top_exceptions = true;
                    if t.kind != K::Null {
                        return Ok(Some(Emit::Exceptions {
                            start: t.start,
                            end: t.end,
                        }));
                    }
                }
                (Top::Error, _) => {
                    if self.body.format.is_none() {
                        self.body.format = Some(Format::Error);
                    }
                    self.pos = Pos::TopObject;
                    return Ok(Some(Emit::ErrorBody {
                        start: t.start,
                        end: t.end,
                    }));
                }
            },
            Pos::V1Tables => match t.kind {
                K::BeginObj => {
                    if usize::try_from(self.tables.v1_count).is_ok_and(|n| n >= self.cfg.max_tables)
                    {
                        return Err(Error::new(ErrorKind::TooManyTables, t.abs));
                    }
                    self.frame.reset(true, self.tables.v1_count);
                    self.tables.v1_count += 1;
                    self.pos = Pos::FrameKey;
                }
                K::EndArr => self.pos = Pos::TopObject,
                _ => return Err(Self::unexpected(&t)),
            },
            _ => {}
        }
        Ok(None)
    }

    /// A token of a frame's `Columns`.
    fn column_token(&mut self, t: Token, chunk: &[u8]) -> Result<Option<Emit>, Error> {
        use TokKind as K;
        match self.pos {
            Pos::Columns => match t.kind {
                K::BeginObj => {
                    self.col = Column::default();
                    self.pos = Pos::ColumnKey;
                }
                K::EndArr => self.pos = Pos::FrameKey,
                _ => return Err(Self::unexpected(&t)),
            },
            Pos::ColumnKey => match t.kind {
                K::Str => {
                    let which = match self.text_of(chunk, &t) {
                        b"ColumnName" => Some(ColProp::Name),
                        b"ColumnType" => Some(ColProp::ColumnType),
                        b"DataType" => Some(ColProp::DataType),
                        _ => None,
                    };
                    match which {
                        Some(w) => self.pos = Pos::ColumnValue(w),
                        None => {
                            self.pos = Pos::Skip;
                            self.cap.skip_return = Pos::ColumnKey;
                            self.cap.depth = 0;
                        }
                    }
                }
                K::EndObj => {
                    if self.frame.columns.len() >= self.cfg.max_columns {
                        return Err(Error::new(ErrorKind::TooManyColumns, t.abs));
                    }
                    let mut col = core::mem::take(&mut self.col);
                    col.resolve();
                    self.frame.columns.push(col);
                    self.pos = Pos::Columns;
                }
                _ => return Err(Self::unexpected(&t)),
            },
            Pos::ColumnValue(w) => {
                match t.kind {
                    K::Str => {
                        let s = self.string_of(chunk, &t);
                        match w {
                            ColProp::Name => self.col.name = s,
                            ColProp::ColumnType => self.col.column_type = Some(s),
                            ColProp::DataType => self.col.data_type = Some(s),
                        }
                    }
                    K::Null => {}
                    _ => return Err(Self::unexpected(&t)),
                }
                self.pos = Pos::ColumnKey;
            }
            _ => {}
        }
        Ok(None)
    }

    /// A token of a value being captured (a row error, frame errors, held
    /// rows, a top-level value) or skipped.
    fn capture_token(&mut self, t: Token, chunk: &[u8], q: usize) -> Result<Option<Emit>, Error> {
        let pos = self.pos;
        match pos {
            Pos::RowError if self.nest(t.kind) => {
                self.end_capture(chunk, q);
                self.pos = Pos::Rows;
                return Ok(Some(Emit::RowError {
                    start: self.cap.start,
                    end: t.end,
                }));
            }
            Pos::Capture(target) if self.nest(t.kind) => {
                self.end_capture(chunk, q);
                let (start, end) = (self.cap.start, t.end);
                match target {
                    Target::FrameErrors => {
                        let s = str_from_validated(self.lexer.bytes(chunk, start, end));
                        self.frame
                            .set(Prop::OneApiErrors, Val::Str(String::from(s)));
                        self.pos = Pos::FrameKey;
                    }
                    Target::HeldRows => {
                        self.held.bytes.clear();
                        self.held
                            .bytes
                            .extend_from_slice(self.lexer.bytes(chunk, start, end));
                        self.held.abs = self.cap.abs;
                        self.pos = Pos::FrameKey;
                    }
                    Target::Exceptions => {
                        self.pos = Pos::TopObject;
                        return Ok(Some(Emit::Exceptions { start, end }));
                    }
                    Target::ErrorBody => {
                        self.pos = Pos::TopObject;
                        return Ok(Some(Emit::ErrorBody { start, end }));
                    }
                }
            }
            Pos::Skip => {
                if self.cap.depth == 0 {
                    // First token of the skipped value.
                    let ret = self.cap.skip_return;
                    self.skip(&t, ret);
                } else if self.nest(t.kind) {
                    self.pos = self.cap.skip_return;
                }
            }
            _ => {}
        }
        Ok(None)
    }

    /// Tracks nesting inside a skipped or captured value; `true` when the
    /// value just closed.
    fn nest(&mut self, k: TokKind) -> bool {
        match k {
            TokKind::BeginArr | TokKind::BeginObj => {
                self.cap.depth += 1;
                false
            }
            TokKind::EndArr | TokKind::EndObj => {
                self.cap.depth -= 1;
                self.cap.depth == 0
            }
            _ => false,
        }
    }

    fn row_token(&mut self, t: Token, chunk: &[u8], q: usize) -> Result<Option<Emit>, Error> {
        use TokKind as K;
        if self.cap.depth == 0 {
            let kind = match t.kind {
                K::EndArr => {
                    self.lexer.end_outer();
                    self.pos = Pos::Rows;
                    return Ok(Some(Emit::Row { end: t.end }));
                }
                K::BeginArr | K::BeginObj => {
                    self.cap.depth = 1;
                    self.cap.cell_start = t.start;
                    self.cap.cell_kind = if t.kind == K::BeginArr {
                        CellKind::Array
                    } else {
                        CellKind::Object
                    };
                    self.lexer.want_unesc = false;
                    return Ok(None);
                }
                K::Str => CellKind::String,
                K::Num => CellKind::Number,
                K::True | K::False => CellKind::Bool,
                K::Null => CellKind::Null,
                K::EndObj => return Err(Self::unexpected(&t)),
            };
            self.push_cell(
                CellSpan {
                    start: t.start,
                    end: t.end,
                    kind,
                    unesc: t.unesc,
                },
                t.abs,
            )?;
        } else if self.nest(t.kind) {
            self.close_nested_cell(chunk, q, t.end, t.abs)?;
        }
        Ok(None)
    }

    /// A nested row cell's closing bracket (at absolute offset `abs`, its
    /// logical end `end`, chunk index `q` just past it) was consumed: the
    /// cell is made contiguous and pushed.
    fn close_nested_cell(
        &mut self,
        chunk: &[u8],
        q: usize,
        end: usize,
        abs: u64,
    ) -> Result<(), Error> {
        self.lexer.settle(chunk, self.cap.cell_start, q);
        self.lexer.want_unesc = true;
        self.push_cell(
            CellSpan {
                start: self.cap.cell_start,
                end,
                kind: self.cap.cell_kind,
                unesc: None,
            },
            abs,
        )
    }

    /// The rest of a nested row cell on the lexer's fast path (see
    /// [`Lexer::fast_nested_rest`]); `true` when the cell closed (and was
    /// pushed).
    fn nested_rest(&mut self, chunk: &[u8], pos: &mut usize) -> Result<bool, Error> {
        let floor = self.lexer.depth() - self.cap.depth;
        let closed = self.lexer.fast_nested_rest(chunk, pos, floor);
        self.cap.depth = self.lexer.depth() - floor;
        if let Some(end) = closed {
            let abs = self.lexer.base + *pos as u64 - 1;
            self.close_nested_cell(chunk, *pos, end, abs)?;
            return Ok(true);
        }
        Ok(false)
    }

    fn push_cell(&mut self, span: CellSpan, abs: u64) -> Result<(), Error> {
        if self.cells.len() >= self.cfg.max_columns {
            return Err(Error::new(ErrorKind::TooManyColumns, abs));
        }
        self.cells.push(span);
        Ok(())
    }

    /// A frame property's value (or its first token), read as [`PROPS`]
    /// says.
    fn frame_value(&mut self, prop: Prop, t: Token, chunk: &[u8]) -> Result<Option<Emit>, Error> {
        use TokKind as K;
        self.pos = Pos::FrameKey;
        let Some(d) = prop.def() else {
            self.skip(&t, Pos::FrameKey);
            return Ok(None);
        };
        if t.kind == K::Null {
            return Ok(None);
        }
        let v = match (d.takes, t.kind) {
            (Takes::Str, K::Str) if prop == Prop::FrameType => {
                let text = match t.unesc {
                    Some((a, b)) => self.lexer.unesc.get(a..b).unwrap_or(&[]),
                    None => {
                        let raw = self.lexer.bytes(chunk, t.start, t.end);
                        raw.get(1..raw.len().saturating_sub(1)).unwrap_or(&[])
                    }
                };
                let f = &mut self.frame;
                f.frame_type = Some(FrameType::from_name(text));
                f.frame_type_name.clear();
                f.frame_type_name.push_str(str_from_validated(text));
                return Ok(None);
            }
            (Takes::Str, K::Str) => Val::Str(self.string_of(chunk, &t)),
            (Takes::Int, K::Num) => Val::Int(self.int_of(chunk, &t)?),
            (Takes::Float, K::Num) => {
                let raw = str_from_validated(self.lexer.bytes(chunk, t.start, t.end));
                // A JSON number always parses (out of range: infinite).
                raw.parse::<f64>().map_or(Val::Absent, Val::Float)
            }
            (Takes::Bool, K::True) => Val::Bool(true),
            (Takes::Bool, K::False) => Val::Bool(false),
            (Takes::Columns, K::BeginArr) => {
                self.frame.columns.clear();
                self.pos = Pos::Columns;
                Val::Bool(true)
            }
            (Takes::Rows, K::BeginArr) => return self.begin_rows(&t),
            (Takes::Errors, K::BeginArr | K::BeginObj) => {
                self.begin_capture(&t, Pos::Capture(Target::FrameErrors));
                return Ok(None);
            }
            (Takes::Errors, _) => {
                let s = str_from_validated(self.lexer.bytes(chunk, t.start, t.end));
                Val::Str(String::from(s))
            }
            _ => return Err(Self::unexpected(&t)),
        };
        self.frame.set(prop, v);
        Ok(None)
    }

    fn begin_rows(&mut self, t: &Token) -> Result<Option<Emit>, Error> {
        if self.frame.head.is_some() {
            // Only in a replay (see `start_replay`): the head event is out.
            self.pos = Pos::Rows;
            return Ok(None);
        }
        self.frame.set(Prop::Rows, Val::Bool(true));
        match self.frame.rows_plan() {
            // Rows of a frame that carries none (or of an unknown frame).
            None => {
                self.skip(t, Pos::FrameKey);
                Ok(None)
            }
            Some(Plan::Hold) => {
                self.begin_capture(t, Pos::Capture(Target::HeldRows));
                Ok(None)
            }
            Some(Plan::Stream(h)) => {
                self.register(self.frame.int(Prop::TableId), t.abs)?;
                self.pos = Pos::Rows;
                Ok(Some(self.set_head(h)))
            }
        }
    }

    /// Counts the table `id` names (see [`DecoderConfig::max_tables`]).
    fn register(&mut self, id: Option<i64>, abs: u64) -> Result<(), Error> {
        if self.frame.v1 {
            return Ok(());
        }
        if let Some(id) = id {
            if !self.tables.ids.contains(&id) {
                if self.tables.ids.len() >= self.cfg.max_tables {
                    return Err(Error::new(ErrorKind::TooManyTables, abs));
                }
                self.tables.ids.insert(id);
            }
        }
        Ok(())
    }

    /// The frame's head is `h`: its head event is next.
    fn set_head(&mut self, h: Head) -> Emit {
        self.frame.head = Some(h);
        self.frame.open_idx = match h {
            Head::Fragment => self
                .frame
                .int(Prop::TableId)
                .and_then(|id| self.tables.open.iter().position(|o| o.id == id)),
            _ => None,
        };
        Emit::Head(h)
    }

    /// Hands out the held rows of the frame (after its head event, before
    /// its end event `then`): a decoder of their own, with the same limits,
    /// set inside the frame's `Rows` with its columns, decodes them from
    /// their offset on.
    fn start_replay(&mut self, then: Option<Emit>) {
        let mut dec = Decoder::with_config(self.cfg.clone());
        dec.input.sniff = Sniff::Done;
        dec.body.format = self.body.format;
        dec.lexer.base = self.held.abs;
        // Cells borrow from the decoder's buffer, not from a chunk.
        dec.input.joined = true;
        let f = &mut dec.frame;
        f.v1 = self.frame.v1;
        f.v1_index = self.frame.v1_index;
        f.set(Prop::TableId, self.frame.val(Prop::TableId).clone());
        f.columns = self.row_columns().to_vec();
        // Not `Fragment`: the columns are the frame's own here.
        f.head = Some(Head::DataTable);
        dec.pos = Pos::FrameValue(Prop::Rows);
        let bytes = core::mem::take(&mut self.held.bytes);
        self.held.replay = Some(alloc::boxed::Box::new(Replay {
            dec,
            bytes,
            pos: 0,
            done: false,
            lead: None,
            deferred: None,
        }));
        self.pending = then;
    }

    fn end_frame(&mut self, abs: u64) -> Result<Option<Emit>, Error> {
        let held = self.frame.has_rows() && self.frame.head.is_none();
        if self.frame.v1 {
            if self.frame.head.is_none() {
                let h = self.set_head(Head::V1Table);
                if held {
                    self.start_replay(Some(Emit::V1End));
                } else {
                    self.pending = Some(Emit::V1End);
                }
                return Ok(Some(h));
            }
            return Ok(Some(Emit::V1End));
        }
        let open =
            |id: Option<i64>| id.is_some_and(|id| self.tables.open.iter().any(|o| o.id == id));
        let ty = self.frame.kind(open(self.frame.int(Prop::TableId)));
        let head = match ty {
            FrameType::DataTable => Some(Head::DataTable),
            FrameType::TableFragment => Some(Head::Fragment),
            _ => None,
        };
        if let Some(h) = self.frame.head {
            if head != Some(h) {
                // Rows handed out as one kind of frame; the frame turned
                // out to be another.
                return Err(Error::new(ErrorKind::FrameTypeMismatch, abs));
            }
        }
        if matches!(
            ty,
            FrameType::TableFragment | FrameType::TableProgress | FrameType::TableCompletion
        ) && self.frame.int(Prop::TableId).is_none()
        {
            return Err(Error::new(ErrorKind::MissingProperty, abs));
        }
        if matches!(
            ty,
            FrameType::DataTable
                | FrameType::TableHeader
                | FrameType::TableFragment
                | FrameType::TableProgress
                | FrameType::TableCompletion
        ) {
            self.register(self.frame.int(Prop::TableId), abs)?;
        }
        match ty {
            FrameType::DataTable | FrameType::TableFragment if self.frame.head.is_none() => {
                let h = self.set_head(head.unwrap_or(Head::DataTable));
                if held {
                    self.start_replay(Some(Emit::End(ty)));
                } else {
                    self.pending = Some(Emit::End(ty));
                }
                return Ok(Some(h));
            }
            FrameType::TableHeader => {
                // Without a TableId no fragment can refer to it.
                let Some(id) = self.frame.int(Prop::TableId) else {
                    return Ok(Some(Emit::End(ty)));
                };
                let columns = self.frame.columns.clone();
                if let Some(o) = self.tables.open.iter_mut().find(|o| o.id == id) {
                    o.columns = columns;
                } else {
                    if self.tables.open.len() >= self.cfg.max_open_tables {
                        return Err(Error::new(ErrorKind::TooManyTables, abs));
                    }
                    self.tables.open.push(OpenTable { id, columns });
                }
            }
            FrameType::TableCompletion => {
                if let Some(id) = self.frame.int(Prop::TableId) {
                    self.tables.open.retain(|o| o.id != id);
                }
            }
            FrameType::DataSetCompletion => self.body.completion_seen = true,
            _ => {}
        }
        if held {
            // Rows of a frame that carries none: skipped, as when its
            // FrameType comes first.
            self.held.bytes = Vec::new();
        }
        Ok(Some(Emit::End(ty)))
    }

    /// Decodes `chunk` from `*pos` until an event is ready: `Ok(None)` when
    /// the chunk is used up (`*done` is then set). `hold`: a row cut by the
    /// chunk's end may wait whole for the next chunk (joined chunks only,
    /// see [`DecoderConfig::join_chunks`]).
    #[inline(always)]
    fn step(
        &mut self,
        chunk: &[u8],
        pos: &mut usize,
        done: &mut bool,
        hold: bool,
    ) -> Result<Option<Emit>, Error> {
        loop {
            if *done {
                return Ok(None);
            }
            if self.pos == Pos::Rows && self.lexer.between_tokens() {
                if let Some(p) = self.lexer.fast_next_row(chunk, pos) {
                    self.begin_row(p);
                }
            }
            if self.pos == Pos::Row && self.cap.depth == 0 && self.lexer.between_tokens() {
                let max = self.cfg.max_columns;
                match self
                    .lexer
                    .fast_cells(chunk, pos, &mut self.cells, max, hold)
                {
                    Cells::Row(end) => {
                        self.lexer.end_outer();
                        self.pos = Pos::Rows;
                        return Ok(Some(Emit::Row { end }));
                    }
                    Cells::Short => {
                        // The rest of the buffer is the beginning of a
                        // cell: it waits for the next chunk.
                        self.input.acc_pos = *pos;
                        self.input.acc_cut = true;
                        *done = true;
                        return Ok(None);
                    }
                    Cells::Stop => {}
                }
            } else if self.pos == Pos::Row
                && self.cap.depth > 0
                && self.lexer.between_tokens()
                && self.nested_rest(chunk, pos)?
            {
                continue;
            }
            let Some(t) = self.lexer.next(chunk, pos)? else {
                if self.input.joined {
                    // The lexer keeps referring to the buffer.
                    self.input.acc_pos = *pos;
                    self.input.acc_cut = false;
                } else {
                    self.lexer.end_chunk(chunk, *pos);
                }
                *done = true;
                return Ok(None);
            };
            if let Some(e) = self.handle(t, chunk, *pos)? {
                return Ok(Some(e));
            }
        }
    }

    fn table_info(&self) -> TableInfo<'_> {
        let f = &self.frame;
        TableInfo {
            table_id: f.table_id(),
            kind: f.str(Prop::TableKind).map(TableKind::from_name),
            name: f.str(Prop::TableName),
            columns: &f.columns,
        }
    }

    fn fragment(&self) -> Fragment<'_> {
        let f = &self.frame;
        Fragment {
            table_id: f.int(Prop::TableId),
            fragment_type: f.str(Prop::TableFragmentType).map(|s| match s {
                "DataAppend" => FragmentType::DataAppend,
                "DataReplace" => FragmentType::DataReplace,
                other => FragmentType::Other(other),
            }),
            field_count: f.int(Prop::FieldCount),
            columns: f
                .int(Prop::TableId)
                .and_then(|id| self.tables.open.iter().find(|o| o.id == id))
                .map_or_else(|| self.row_columns(), |o| &o.columns[..]),
        }
    }

    fn row_columns(&self) -> &[Column] {
        match self.frame.head {
            Some(Head::Fragment) => self
                .frame
                .open_idx
                .and_then(|i| self.tables.open.get(i))
                .map_or(&[][..], |o| &o.columns[..]),
            _ => &self.frame.columns,
        }
    }

    fn raw<'x>(&'x self, chunk: &'x [u8], start: usize, end: usize) -> RawJson<'x> {
        RawJson(str_from_validated(self.lexer.bytes(chunk, start, end)))
    }

    /// [`Decoder::build`] for the held rows of a replay, out of line so
    /// that the decoding loop keeps its one inlined copy.
    #[inline(never)]
    fn build_held<'x>(&'x mut self, emit: Emit, chunk: &'x [u8]) -> Event<'x> {
        self.build(emit, chunk)
    }

    #[inline]
    fn build<'x>(&'x mut self, emit: Emit, chunk: &'x [u8]) -> Event<'x> {
        // Counters first, then shared borrows only.
        if let Emit::Row { .. } | Emit::RowError { .. } = emit {
            self.frame.row_index += 1;
        }
        let this = &*self;
        let f = &this.frame;
        match emit {
            Emit::Head(Head::DataTable) => Event::DataTable(this.table_info()),
            Emit::Head(Head::V1Table) => Event::V1Table(this.table_info()),
            Emit::Head(Head::Fragment) => Event::TableFragment(this.fragment()),
            Emit::V1End => Event::V1TableEnd(this.table_info()),
            Emit::End(ty) => match ty {
                FrameType::DataSetHeader => Event::DataSetHeader(DataSetHeader {
                    version: f.str(Prop::Version),
                    is_progressive: f.bool(Prop::IsProgressive),
                    is_fragmented: f.bool(Prop::IsFragmented),
                    error_reporting_placement: f.str(Prop::ErrorReportingPlacement),
                }),
                FrameType::TableHeader => Event::TableHeader(this.table_info()),
                FrameType::DataTable => Event::DataTableEnd(this.table_info()),
                FrameType::TableFragment => Event::TableFragmentEnd(this.fragment()),
                FrameType::TableProgress => Event::TableProgress(TableProgress {
                    table_id: f.int(Prop::TableId),
                    progress: f.float(Prop::TableProgress),
                }),
                FrameType::TableCompletion => Event::TableCompletion(TableCompletion {
                    table_id: f.int(Prop::TableId),
                    row_count: f.int(Prop::RowCount),
                    errors: f.str(Prop::OneApiErrors).map(RawJson),
                }),
                FrameType::DataSetCompletion => Event::DataSetCompletion(DataSetCompletion {
                    has_errors: f.bool(Prop::HasErrors).unwrap_or(false),
                    cancelled: f.bool(Prop::Cancelled).unwrap_or(false),
                    errors: f.str(Prop::OneApiErrors).map(RawJson),
                }),
                FrameType::Unknown => Event::UnknownFrame {
                    frame_type: &f.frame_type_name,
                },
            },
            Emit::Row { end } => {
                let lx = &this.lexer;
                let s = lx.spill.len();
                let part = if end > s {
                    chunk
                        .get(lx.cap_chunk_start..lx.chunk_index(end))
                        .unwrap_or(&[])
                } else {
                    &[]
                };
                Event::Row(Row {
                    table_id: f.table_id(),
                    index: f.row_index - 1,
                    offset: this.cap.abs,
                    columns: this.row_columns(),
                    spill: &lx.spill,
                    part,
                    unesc: &lx.unesc,
                    cells: &this.cells,
                    joined: this.input.joined,
                })
            }
            Emit::RowError { start, end } => Event::RowError(RowError {
                table_id: f.table_id(),
                index: f.row_index - 1,
                offset: this.cap.abs,
                raw: this.raw(chunk, start, end),
            }),
            Emit::Exceptions { start, end } => Event::V1Exceptions(this.raw(chunk, start, end)),
            Emit::ErrorBody { start, end } => Event::ErrorBody(this.raw(chunk, start, end)),
        }
    }
}

/// One chunk being decoded. Drain it with [`Feed::next_event`].
#[must_use = "drain it with next_event()"]
pub struct Feed<'d, 'c> {
    dec: &'d mut Decoder,
    chunk: &'c [u8],
    pos: usize,
    done: bool,
    /// The decoder's join buffer, held while the feed lives (decoded
    /// instead of `chunk` when `dec.input.joined`).
    acc: Vec<u8>,
    /// The end of the input (see [`Decoder::finish`]).
    end: bool,
}

impl Feed<'_, '_> {
    /// `Ok(Some(event))`: the next event. `Ok(None)`: the chunk is used up
    /// (a value in progress is kept in scratch); feed the next one. From the
    /// feed [`Decoder::finish`] returns, `Ok(None)` means the body was whole.
    pub fn next_event(&mut self) -> Result<Option<Event<'_>>, Error> {
        if self.end {
            return self.next_at_end();
        }
        if let Some(e) = self.dec.failed {
            return Err(e);
        }
        let dec = &mut *self.dec;
        // What is decoded: the chunk in place, or the join buffer.
        let chunk: &[u8] = if dec.input.joined {
            &self.acc
        } else {
            self.chunk
        };
        if dec.held.replay.is_some() {
            let lead = dec.held.replay.as_deref_mut().and_then(|r| r.lead.take());
            if let Some(e) = lead {
                return Ok(Some(dec.build(e, chunk)));
            }
            let mut emit = None;
            let mut deferred = None;
            if let Some(r) = dec.held.replay.as_deref_mut() {
                deferred = r.deferred;
                match r.dec.step(&r.bytes, &mut r.pos, &mut r.done, false) {
                    Ok(e) => emit = e,
                    Err(e) => return Err(dec.fail(e)),
                }
            }
            match emit {
                Some(e) => {
                    return match dec.held.replay.as_deref_mut() {
                        Some(r) => Ok(Some(r.dec.build_held(e, &r.bytes))),
                        None => Ok(None),
                    }
                }
                // All handed out: the frame's end event is pending, or
                // the error that cut the rows short.
                None => {
                    dec.held.replay = None;
                    if let Some(e) = deferred {
                        return Err(dec.fail(e));
                    }
                }
            }
        }
        let emit = match dec.pending.take() {
            Some(e) => e,
            None => {
                // Rows are held back only at the end of a small joined chunk.
                let hold = dec.input.joined
                    && !dec.input.hold_off
                    && self.chunk.len() <= dec.cfg.join_chunks;
                match dec.step(chunk, &mut self.pos, &mut self.done, hold) {
                    Ok(Some(e)) => e,
                    Ok(None) => return Ok(None),
                    Err(e) => {
                        self.done = true;
                        dec.salvaged(chunk, e)?
                    }
                }
            }
        };
        Ok(Some(dec.build(emit, chunk)))
    }

    /// [`Feed::next_event`] for the feed of [`Decoder::finish`]: the same
    /// steps, with the end of the input once the feed is used up. (Apart, so
    /// that every other feed keeps its one straight path.)
    #[cold]
    #[inline(never)]
    fn next_at_end(&mut self) -> Result<Option<Event<'_>>, Error> {
        let next = self.next_emit()?;
        let dec = &mut *self.dec;
        let chunk: &[u8] = if dec.input.joined {
            &self.acc
        } else {
            self.chunk
        };
        Ok(match next {
            None => None,
            Some(Next::Main(e)) => Some(dec.build(e, chunk)),
            Some(Next::Replay(e)) => match dec.held.replay.as_deref_mut() {
                Some(r) => Some(r.dec.build_held(e, &r.bytes)),
                None => None,
            },
        })
    }

    /// Decodes until the next event is known (it is built once the
    /// decoding has let go of its borrows), ending the input when the feed
    /// is used up.
    fn next_emit(&mut self) -> Result<Option<Next>, Error> {
        if let Some(e) = self.dec.failed {
            return Err(e);
        }
        let dec = &mut *self.dec;
        // What is decoded: the chunk in place, or the join buffer.
        let chunk: &[u8] = if dec.input.joined {
            &self.acc
        } else {
            self.chunk
        };
        if let Some(r) = dec.held.replay.as_deref_mut() {
            if let Some(e) = r.lead.take() {
                return Ok(Some(Next::Main(e)));
            }
            let deferred = r.deferred;
            match r.dec.step(&r.bytes, &mut r.pos, &mut r.done, false) {
                Ok(Some(e)) => return Ok(Some(Next::Replay(e))),
                Ok(None) => {}
                Err(e) => return Err(dec.fail(e)),
            }
            // All handed out: the frame's end event is pending, or the
            // error that cut the rows short.
            dec.held.replay = None;
            if let Some(e) = deferred {
                return Err(dec.fail(e));
            }
        }
        if let Some(e) = dec.pending.take() {
            return Ok(Some(Next::Main(e)));
        }
        // Rows are held back only at the end of a small joined chunk.
        let hold =
            dec.input.joined && !dec.input.hold_off && self.chunk.len() <= dec.cfg.join_chunks;
        match dec.step(chunk, &mut self.pos, &mut self.done, hold) {
            Ok(Some(e)) => Ok(Some(Next::Main(e))),
            Ok(None) => {
                if self.end_of_input()? {
                    self.next_emit()
                } else {
                    Ok(None)
                }
            }
            Err(e) => {
                self.done = true;
                dec.salvaged(chunk, e).map(|h| Some(Next::Main(h)))
            }
        }
    }

    /// The feed of [`Decoder::finish`] is drained: ends the input. `true`
    /// when events are still to come (the feed is re-armed to drain them).
    #[cold]
    #[inline(never)]
    fn end_of_input(&mut self) -> Result<bool, Error> {
        // The buffer goes back for the end's checks, as at a drop.
        self.dec.input.acc = core::mem::take(&mut self.acc);
        let r = self.dec.end_input();
        self.acc = core::mem::take(&mut self.dec.input.acc);
        match r? {
            End::Clean => Ok(false),
            End::Drain => {
                // As a new empty feed would be.
                self.dec.compact(&mut self.acc);
                self.pos = self.dec.input.acc_pos;
                self.dec.input.joined = true;
                self.done = false;
                Ok(true)
            }
        }
    }

    /// Bytes of the chunk consumed so far. If the feed is dropped before
    /// `next_event` returned `Ok(None)`, feed `chunk[consumed()..]` next,
    /// even when that is empty: one token can complete two events (a frame
    /// without `Rows` gives its head and its end event), and the second
    /// waits for the next `next_event` (or comes out of the feed of
    /// [`Decoder::finish`]). A joined chunk
    /// (see [`DecoderConfig::join_chunks`]) is consumed whole at once: what
    /// is left of it is decoded on the next feed, even an empty one.
    pub fn consumed(&self) -> usize {
        if self.dec.input.joined {
            self.chunk.len()
        } else {
            self.pos
        }
    }
}

impl Drop for Feed<'_, '_> {
    #[inline]
    fn drop(&mut self) {
        if self.dec.input.joined {
            if !self.done {
                self.dec.input.acc_pos = self.pos;
                self.dec.input.acc_cut = false;
            }
        } else if !self.done {
            self.dec.lexer.end_chunk(self.chunk, self.pos);
        }
        // The buffer goes back (with its allocation, even when empty).
        self.dec.input.acc = core::mem::take(&mut self.acc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::owned::OwnedEvent;
    use alloc::format;
    use alloc::string::ToString;
    use alloc::vec;
    use alloc::vec::Vec;

    fn run(cfg: &DecoderConfig, body: &[u8], chunk: usize) -> (Vec<OwnedEvent>, Result<(), Error>) {
        let mut dec = Decoder::with_config(cfg.clone());
        crate::owned::decode_chunks_with(&mut dec, body.chunks(chunk.max(1)))
    }

    /// Decodes whole and in 1- and 3-byte chunks; all must agree.
    fn check(cfg: &DecoderConfig, body: &str) -> (Vec<OwnedEvent>, Result<(), Error>) {
        let whole = run(cfg, body.as_bytes(), usize::MAX);
        for n in [1, 3] {
            assert_eq!(run(cfg, body.as_bytes(), n), whole, "chunk {n}: {body}");
        }
        whole
    }

    /// The end of the input, where no event is due any more.
    fn end(dec: &mut Decoder) -> Result<(), Error> {
        let mut feed = dec.finish();
        let r = feed
            .next_event()
            .map(|ev| assert!(ev.is_none(), "an event at the end"));
        r
    }

    fn err(body: &str) -> (ErrorKind, u64) {
        let e = check(&DecoderConfig::default(), body).1.unwrap_err();
        (e.kind(), e.offset())
    }

    macro_rules! errors {
        ($($name:ident: $body:expr => $kind:ident @ $off:expr;)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(err($body), (ErrorKind::$kind, $off));
            }
        )*};
    }

    const H: &str = r#"{"FrameType":"DataSetHeader","Version":"v2.0"}"#; // 46 bytes

    errors! {
        empty_body: "" => UnexpectedEof @ 0;
        whitespace_body: " \n" => UnexpectedEof @ 2;
        scalar_body: "42" => NotAResponse @ 0;
        text_body: "Bad request" => NotAResponse @ 0;
        bom_body: "\u{feff}[]" => MissingCompletion @ 5;
        bom_twice: "\u{feff}\u{feff}[]" => NotAResponse @ 3;
        truncated_frame: "[{\"FrameType\":\"DataSe" => UnexpectedEof @ 21;
        missing_completion: "[]" => MissingCompletion @ 2;
        trailing_comma_array: "[{},]" => TrailingComma @ 4;
        trailing_comma_object: "[{\"a\":1,}]" => TrailingComma @ 8;
        leading_zero: "[{\"a\":012}]" => LeadingZero @ 7;
        bad_number: "[{\"a\":1.}]" => InvalidNumber @ 8;
        bad_exponent: "[{\"a\":1e}]" => InvalidNumber @ 8;
        minus_alone: "[{\"a\":-}]" => InvalidNumber @ 7;
        bad_escape: "[{\"a\":\"\\x\"}]" => InvalidEscape @ 8;
        bad_unicode_escape: "[{\"a\":\"\\u12G4\"}]" => InvalidEscape @ 11;
        lone_high_surrogate: "[{\"a\":\"\\ud800x\"}]" => LoneSurrogate @ 13;
        lone_low_surrogate: "[{\"a\":\"\\udc00\"}]" => LoneSurrogate @ 12;
        control_char: "[{\"a\":\"x\ty\"}]" => ControlCharacter @ 8;
        trailing_data: "[{\"HasErrors\":false}] x" => TrailingData @ 22;
        bad_literal: "[{\"a\":tru}]" => Syntax @ 9;
        missing_colon: "[{\"a\" 1}]" => Syntax @ 6;
        frame_not_object: "[1]" => UnexpectedType @ 1;
        rows_not_array: "[{\"Rows\":5}]" => UnexpectedType @ 9;
        scalar_in_rows: "[{\"Rows\":[1]}]" => UnexpectedType @ 10;
        table_id_string: "[{\"TableId\":\"1\"}]" => UnexpectedType @ 12;
        table_id_fraction: "[{\"TableId\":1.5}]" => UnexpectedType @ 12;
        table_id_too_big: "[{\"TableId\":99999999999999999999}]" => NumberOutOfRange @ 12;
        column_name_number: "[{\"Columns\":[{\"ColumnName\":1}]}]" => UnexpectedType @ 27;
    }

    #[test]
    fn invalid_utf8_is_an_error_with_its_offset() {
        for (body, off) in [
            (&b"[{\"a\":\"\xff\"}]"[..], 7),
            (&b"[{\"a\":\"\xc3\"}]"[..], 8),
            (&b"[{\"a\":\"\xe0\x80\x80\"}]"[..], 8),
            (&b"[{\"a\":\"\xed\xa0\x80\"}]"[..], 8),
            (&b"[{\"a\":\"\xf4\x90\x80\x80\"}]"[..], 8),
            (&b"[{\"a\":1}\xc3\xa9]"[..], 8),
        ] {
            let whole = run(&DecoderConfig::default(), body, usize::MAX);
            assert_eq!(run(&DecoderConfig::default(), body, 1), whole);
            let e = whole.1.unwrap_err();
            let want = if off == 8 && body.ends_with(b"\xa9]") {
                ErrorKind::Syntax
            } else {
                ErrorKind::InvalidUtf8
            };
            assert_eq!((e.kind(), e.offset()), (want, off), "{body:?}");
        }
        // Valid multi-byte sequences of every length pass.
        let ok = "[{\"a\":\"\u{e9}\u{65e5}\u{1F600}\u{10FFFF}\"},{\"HasErrors\":false}]";
        assert_eq!(check(&DecoderConfig::default(), ok).1, Ok(()));
    }

    #[test]
    fn depth_limit() {
        let mut cfg = DecoderConfig::default();
        cfg.max_depth(6);
        let ok = alloc::format!("[{H},{{\"Rows\":[[[[1]]]]}},{{\"HasErrors\":false}}]");
        assert_eq!(check(&cfg, &ok).1, Ok(()));
        let deep = alloc::format!("[{H},{{\"Rows\":[[[[[1]]]]]}}]");
        let e = check(&cfg, &deep).1.unwrap_err();
        assert_eq!((e.kind(), e.offset()), (ErrorKind::DepthLimit, 60));
    }

    #[test]
    fn token_limit() {
        let mut cfg = DecoderConfig::default();
        cfg.max_token_bytes(12);
        assert_eq!(
            check(&cfg, "[{\"TableName\":\"12345678\"},{\"HasErrors\":false}]").1,
            Ok(())
        );
        let e = check(&cfg, "[{\"TableName\":\"123456789012345\"}]")
            .1
            .unwrap_err();
        assert_eq!((e.kind(), e.offset()), (ErrorKind::TokenTooLong, 26));
        let e = check(&cfg, "[{\"TableId\":123456789012345}]")
            .1
            .unwrap_err();
        assert_eq!((e.kind(), e.offset()), (ErrorKind::TokenTooLong, 24));
    }

    #[test]
    fn row_limit_bounds_memory_and_keeps_earlier_rows() {
        let mut cfg = DecoderConfig::default();
        cfg.max_row_bytes(16);
        let body = "[{\"Rows\":[[1,2,3],[\"a long string cell\"]]}]";
        let (ev, r) = check(&cfg, body);
        let e = r.unwrap_err();
        assert_eq!((e.kind(), e.offset()), (ErrorKind::RowTooLarge, 18 + 16));
        assert!(matches!(ev.last(), Some(OwnedEvent::Row(_))));
        // A row error object counts against the same limit.
        let e = check(&cfg, "[{\"Rows\":[{\"OneApiErrors\":[1,2,3,4]}]}]")
            .1
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::RowTooLarge);
    }

    #[test]
    fn column_and_table_limits() {
        let mut cfg = DecoderConfig::default();
        cfg.max_columns(2).max_open_tables(1);
        let e = check(&cfg, "[{\"Rows\":[[1,2,3]]}]").1.unwrap_err();
        assert_eq!((e.kind(), e.offset()), (ErrorKind::TooManyColumns, 15));
        let cols = "[{\"Columns\":[{\"ColumnName\":\"a\"},{\"ColumnName\":\"b\"},{\"ColumnName\":\"c\"}]}]";
        assert_eq!(
            check(&cfg, cols).1.unwrap_err().kind(),
            ErrorKind::TooManyColumns
        );
        let tables = "[{\"FrameType\":\"TableHeader\",\"TableId\":1},{\"FrameType\":\"TableHeader\",\"TableId\":2}]";
        assert_eq!(
            check(&cfg, tables).1.unwrap_err().kind(),
            ErrorKind::TooManyTables
        );
        // Completing a table frees its slot.
        let ok = "[{\"FrameType\":\"TableHeader\",\"TableId\":1},{\"FrameType\":\"TableCompletion\",\"TableId\":1},{\"FrameType\":\"TableHeader\",\"TableId\":2},{\"HasErrors\":false}]";
        assert_eq!(check(&cfg, ok).1, Ok(()));
    }

    #[test]
    fn every_frame_kind_without_frame_type() {
        let body = r#"[{"Version":"v2.0","IsProgressive":true},
            {"TableId":1,"TableKind":"PrimaryResult","TableName":"T","Columns":[{"ColumnName":"x","ColumnType":"int"}]},
            {"TableId":1,"FieldCount":1,"TableFragmentType":"DataAppend","Rows":[[1]]},
            {"TableId":1,"TableProgress":12.5},
            {"TableId":1,"Rows":[[2]]},
            {"TableId":1,"RowCount":2},
            {"TableId":2,"TableKind":"QueryProperties","TableName":"@ExtendedProperties","Columns":[],"Rows":[]},
            {"HasErrors":false,"Cancelled":false}]"#;
        let (ev, r) = check(&DecoderConfig::default(), body);
        assert_eq!(r, Ok(()));
        let names: Vec<&str> = ev
            .iter()
            .map(|e| match e {
                OwnedEvent::DataSetHeader { .. } => "DataSetHeader",
                OwnedEvent::TableHeader(_) => "TableHeader",
                OwnedEvent::TableFragment(_) => "TableFragment",
                OwnedEvent::TableFragmentEnd(_) => "TableFragmentEnd",
                OwnedEvent::Row(_) => "Row",
                OwnedEvent::TableProgress { .. } => "TableProgress",
                OwnedEvent::TableCompletion { .. } => "TableCompletion",
                OwnedEvent::DataTable(_) => "DataTable",
                OwnedEvent::DataTableEnd(_) => "DataTableEnd",
                OwnedEvent::DataSetCompletion { .. } => "DataSetCompletion",
                _ => "other",
            })
            .collect();
        assert_eq!(
            names,
            [
                "DataSetHeader",
                "TableHeader",
                "TableFragment",
                "Row",
                "TableFragmentEnd",
                "TableProgress",
                "TableFragment",
                "Row",
                "TableFragmentEnd",
                "TableCompletion",
                "DataTable",
                "DataTableEnd",
                "DataSetCompletion"
            ]
        );
    }

    #[test]
    fn fragment_rows_carry_the_header_columns() {
        let body = r#"[{"FrameType":"TableHeader","TableId":4,"Columns":[{"ColumnName":"x","ColumnType":"long"}]},{"FrameType":"TableFragment","TableId":4,"Rows":[[1]]},{"FrameType":"DataSetCompletion"}]"#;
        let mut dec = Decoder::new();
        let mut feed = dec.feed(body.as_bytes());
        let mut names = Vec::new();
        while let Some(ev) = feed.next_event().unwrap() {
            if let Event::Row(row) = ev {
                names.extend(row.columns().iter().map(|c| String::from(c.name())));
            }
        }
        assert_eq!(names, ["x"]);
    }

    #[test]
    fn unknown_frames_and_properties_are_skipped() {
        let body = r#"[{"FrameType":"Future","Rows":[[1]],"X":{"a":[1,{"b":null}]}},{"FrameType":"DataTable","Extra":[1,2],"Rows":[[true]],"More":"x"},{"FrameType":"DataSetCompletion","HasErrors":false}]"#;
        let (ev, r) = check(&DecoderConfig::default(), body);
        assert_eq!(r, Ok(()));
        assert!(
            matches!(&ev[0], OwnedEvent::UnknownFrame { frame_type } if frame_type == "Future")
        );
        assert_eq!(
            ev.iter()
                .filter(|e| matches!(e, OwnedEvent::Row(_)))
                .count(),
            1
        );
    }

    #[test]
    fn escaped_keys_are_recognised() {
        let body = r#"[{"\u0046rameType":"DataSetHeader","Version":"v\u0032.0"},{"FrameType":"DataSetCompletion"}]"#;
        let (ev, r) = check(&DecoderConfig::default(), body);
        assert_eq!(r, Ok(()));
        assert!(
            matches!(&ev[0], OwnedEvent::DataSetHeader { version: Some(v), .. } if v == "v2.0")
        );
    }

    #[test]
    fn finish_hands_out_a_pending_event() {
        let body = br#"{"Tables":[{"TableName":"T"}]}"#;
        let mut dec = Decoder::new();
        let mut feed = dec.feed(body);
        // The V1 table had no Rows: its head and end events come together.
        let mut got = Vec::new();
        while let Some(ev) = feed.next_event().unwrap() {
            let done = matches!(ev, Event::V1Table(_));
            got.push(ev.to_owned());
            if done {
                break;
            }
        }
        let rest = feed.consumed();
        drop(feed);
        assert_eq!(rest, body.len(), "the pending event needs no more bytes");
        // The end hands out the pending event, then ends cleanly.
        let mut end = dec.finish();
        while let Some(ev) = end.next_event().unwrap() {
            got.push(ev.to_owned());
        }
        drop(end);
        assert!(matches!(got.last(), Some(OwnedEvent::V1TableEnd(_))));
        assert_eq!(got.len(), 2);
        // Again: nothing more, the same outcome.
        assert!(matches!(dec.finish().next_event(), Ok(None)));
    }

    #[test]
    fn format_detection() {
        for (body, f) in [
            ("[", Format::V2),
            ("{\"Tables\":[", Format::V1),
            ("{\"error\":{", Format::Error),
        ] {
            let mut dec = Decoder::new();
            let mut feed = dec.feed(body.as_bytes());
            while feed.next_event().unwrap().is_some() {}
            drop(feed);
            assert_eq!(dec.format(), Some(f));
        }
    }

    /// Rows longer than the join buffer holds back (`ROW_HOLD`), with long
    /// cells of every kind and brackets and escapes inside strings, fed in
    /// chunks of many small sizes: the same events as decoding whole.
    #[test]
    fn rows_longer_than_a_held_row() {
        let long = "x\\\"]}".repeat(700);
        let numbers: Vec<String> = (0..900u32).map(|i| (i * 37).to_string()).collect();
        let numbers = numbers.join(",");
        let body = format!(
            r#"[{{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"}},{{"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","TableName":"T","Columns":[{{"ColumnName":"a","ColumnType":"string"}},{{"ColumnName":"b","ColumnType":"dynamic"}},{{"ColumnName":"c","ColumnType":"long"}}],"Rows":[["{long}",[{numbers}],1],["s",{{"k":[{numbers}],"q":"{long}"}},2],["short",null,3],["{long}",{{}},4]]}},{{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}}]"#
        );
        let body = body.as_bytes();
        assert!(body.len() > 4 * crate::lex::ROW_HOLD);
        let whole = run(&DecoderConfig::default(), body, usize::MAX);
        assert_eq!(whole.1, Ok(()));
        let rows = whole
            .0
            .iter()
            .filter(|e| matches!(e, OwnedEvent::Row(_)))
            .count();
        assert_eq!(rows, 4);
        for n in [1, 7, 64, 100, 255, 512] {
            let mut dec = Decoder::new();
            let mut got = Vec::new();
            for chunk in body.chunks(n) {
                let mut feed = dec.feed(chunk);
                while let Some(ev) = feed.next_event().unwrap() {
                    got.push(ev.to_owned());
                }
                drop(feed);
            }
            assert_eq!(end(&mut dec), Ok(()), "chunk {n}");
            assert_eq!(got, whole.0, "chunk {n}");
        }
    }

    /// A body that ends inside a row held back: the row is decoded at
    /// `finish` as it would have been as it came, so its first error is the
    /// one reported, whatever kind (here too many columns, before a syntax
    /// error and the end of the body).
    #[test]
    fn a_held_row_at_the_end_reports_its_first_error() {
        let body = r#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},{"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","TableName":"T","Columns":[{"ColumnName":"a","ColumnType":"long"}],"Rows":[[1],[2,3,"x":"#;
        let mut cfg = DecoderConfig::default();
        cfg.max_columns(2);
        let whole = run(&cfg, body.as_bytes(), usize::MAX);
        let e = whole.1.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::TooManyColumns);
        for n in 1..=64 {
            assert_eq!(run(&cfg, body.as_bytes(), n), whole, "chunk {n}");
        }
    }

    /// Rows after each chunk fed, one count per chunk.
    fn rows_as_fed(cfg: &DecoderConfig, body: &[u8], chunk: usize) -> Vec<usize> {
        let mut dec = Decoder::with_config(cfg.clone());
        let mut rows = 0;
        let mut counts = Vec::new();
        for piece in body.chunks(chunk) {
            let mut feed = dec.feed(piece);
            while let Some(ev) = feed.next_event().unwrap() {
                rows += usize::from(matches!(ev, Event::Row(_)));
            }
            drop(feed);
            counts.push(rows);
        }
        assert_eq!(end(&mut dec), Ok(()));
        counts
    }

    /// A row held back in a join buffer comes out with the chunk that
    /// brings its last byte, as it does decoded in place: whatever follows
    /// its `]` (spaces, the next row, an error in its place, the end of the
    /// rows) and whatever its cells hold (brackets inside strings, arrays
    /// of arrays, a value too deep for the fast path).
    #[test]
    fn a_held_row_comes_out_with_its_last_byte() {
        use kusto_frames_gen::{generate_vec, GenConfig, Profile, Shape};
        let deep = format!("{}1{}", "[".repeat(70), "]".repeat(70));
        let rows = [
            format!(r#"["a],[b", [[1],[2]], {deep}]"#),
            r#"["]]", {"k":[[]],"m":"],{"}, [[[0]]]]"#.to_string(),
            format!(r#"[ "x" , {deep} , [ ] ]"#),
            r#"["\\]", [1,[2,[3]]], "\"],[\""]"#.to_string(),
        ];
        let frame = |rows: &str| {
            format!(
                r#"{{"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","TableName":"T","Columns":[{{"ColumnName":"a","ColumnType":"dynamic"}},{{"ColumnName":"b","ColumnType":"dynamic"}},{{"ColumnName":"c","ColumnType":"dynamic"}}],"Rows":[{rows}]}}"#
            )
        };
        let err = r#"{"OneApiErrors":[{"error":{"code":"E","message":"m"}}]}"#;
        let body = format!(
            "[{H},{},{},{},{},{}\n]",
            frame(&rows.join(",")),
            frame(&format!("{} ,\r\n\t{} \n", rows[0], rows[1])),
            frame(&format!("{},{}", rows[2], rows[3])).replace("]]}", "]\n ]}"),
            frame(&format!("{},{}", rows[3], err)),
            r#"{"FrameType":"DataSetCompletion","HasErrors":true,"Cancelled":false}"#,
        );
        let (mixed, _) = generate_vec(&GenConfig::new(9, Profile::Mixed, Shape::Whole, 60_000));
        let mut in_place = DecoderConfig::default();
        in_place.join_chunks(0);
        for body in [body.as_bytes(), &mixed] {
            for n in (1..=70).chain([100, 255, 256, 300, 512]) {
                assert_eq!(
                    rows_as_fed(&DecoderConfig::default(), body, n),
                    rows_as_fed(&in_place, body, n),
                    "chunk {n}"
                );
            }
        }
    }

    /// A body that ends right after a malformed byte that follows a whole
    /// row: the row, held back (the byte after its `]` is one that only a
    /// `]` inside a row may be followed by), still comes out before the
    /// error. `finish` asks for it to be drained first.
    #[test]
    fn a_whole_row_held_at_the_end_comes_out_before_the_error() {
        let head = r#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},{"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","TableName":"T","Columns":[{"ColumnName":"a","ColumnType":"long"},{"ColumnName":"b","ColumnType":"dynamic"}],"Rows":[[0,null],"#;
        for tail in [
            r#"[1,[2]]}"#,
            r#"[1,[2]] , 5"#,
            r#"[1,"]"],"x"]"#,
            "[1,{}]\n}",
        ] {
            let body = format!("{head}{tail}");
            let whole = run(&DecoderConfig::default(), body.as_bytes(), usize::MAX);
            let rows = |ev: &[OwnedEvent]| {
                ev.iter()
                    .filter(|e| matches!(e, OwnedEvent::Row(_)))
                    .count()
            };
            assert_eq!(rows(&whole.0), 2, "{tail}");
            assert!(whole.1.is_err(), "{tail}");
            for n in 1..=64 {
                assert_eq!(
                    run(&DecoderConfig::default(), body.as_bytes(), n),
                    whole,
                    "chunk {n}: {tail}"
                );
            }
        }
        // Step by step: the last chunk brings the row, its `]` followed
        // by a `}`.
        let body = format!("{head}[1,{{}}]}}");
        let (a, b) = body.as_bytes().split_at(body.len() - 7);
        let mut dec = Decoder::new();
        let mut rows = 0;
        for chunk in [a, b] {
            let mut feed = dec.feed(chunk);
            while let Some(ev) = feed.next_event().unwrap() {
                rows += usize::from(matches!(ev, Event::Row(_)));
            }
        }
        assert_eq!(rows, 1);
        // The end hands out the held row, then the error.
        let mut end = dec.finish();
        assert!(matches!(end.next_event(), Ok(Some(Event::Row(_)))));
        let e = end.next_event().unwrap_err();
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::Syntax, body.len() as u64 - 1)
        );
        drop(end);
        assert_eq!(dec.finish().next_event().map(|_| ()), Err(e));
    }

    /// A large chunk joined only because the small one before it left a
    /// row held back holds nothing back itself: the chunk after it is
    /// decoded in place again.
    #[test]
    fn a_large_chunk_after_a_held_row_ends_the_joining() {
        use kusto_frames_gen::{generate_vec, GenConfig, Profile, Shape};
        let (body, _) = generate_vec(&GenConfig::new(5, Profile::Mixed, Shape::Whole, 100_000));
        let mut dec = Decoder::new();
        let mut got = Vec::new();
        // The first chunk ends inside the first row.
        let rows = body.windows(8).position(|w| w == b"\"Rows\":[").unwrap();
        let cut = rows + 40;
        let mut pieces = vec![&body[..cut]];
        pieces.extend(body[cut..].chunks(4096));
        let mut joined = Vec::new();
        for piece in pieces {
            let mut feed = dec.feed(piece);
            joined.push(feed.dec.input.joined);
            while let Some(ev) = feed.next_event().unwrap() {
                got.push(ev.to_owned());
            }
        }
        assert_eq!(end(&mut dec), Ok(()));
        // The first is small, the second finishes what it held back, the
        // rest are decoded in place.
        assert_eq!(joined[..3], [true, true, false]);
        assert!(joined[3..].iter().all(|j| !j));
        assert_eq!(
            (got, Ok(())),
            run(&DecoderConfig::default(), &body, usize::MAX)
        );
    }

    /// Joined 64-byte chunks of a 4 MB response: the join buffer and the
    /// spill stay around the size of a row (plus the compaction slack),
    /// every row arrives, and the rows match decoding in place.
    #[test]
    fn joined_chunks_keep_memory_bounded() {
        use kusto_frames_gen::{generate_vec, GenConfig, Profile, Shape};
        let (body, summary) =
            generate_vec(&GenConfig::new(3, Profile::Mixed, Shape::Whole, 4 << 20));
        let mut dec = Decoder::new();
        let mut rows = 0u64;
        let mut most = 0usize;
        for chunk in body.chunks(64) {
            let mut feed = dec.feed(chunk);
            assert!(feed.dec.input.joined);
            while let Some(ev) = feed.next_event().unwrap() {
                rows += u64::from(matches!(ev, Event::Row(_)));
            }
            drop(feed);
            most = most.max(dec.input.acc.capacity() + dec.lexer.spill.capacity());
        }
        end(&mut dec).unwrap();
        assert_eq!(rows, summary.rows);
        assert!(
            most < 4 * COMPACT_MIN,
            "join buffer and spill reached {most} bytes"
        );

        let mut in_place = DecoderConfig::default();
        in_place.join_chunks(0);
        let joined = run(&DecoderConfig::default(), &body, 64);
        assert_eq!(run(&in_place, &body, 64), joined);
        assert_eq!(joined.1, Ok(()));
    }
}
