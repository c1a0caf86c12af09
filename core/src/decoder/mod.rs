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
    tables: Tables,
    held: Held,
    body: BodyState,
    pending: Option<Emit>,
    failed: Option<Error>,
}

/// The value being captured, skipped or read as a row.
#[derive(Debug)]
struct Capture {
    /// The lexer's depth around the value being skipped or captured (or
    /// at a row's cells): the value has ended when the lexer is back at it
    /// after a token, and a row's cell is nested while the lexer is deeper.
    floor: u32,
    cell_start: usize,
    cell_kind: CellKind,
    /// Where the captured value (or row) starts: logical, and absolute.
    start: usize,
    abs: u64,
    /// Where the decoder goes once a skipped value ends.
    skip_return: Pos,
}

/// What the body as a whole has shown.
#[derive(Debug)]
struct BodyState {
    /// What its first bytes were found to be.
    sniff: Sniff,
    format: Option<Format>,
    completion_seen: bool,
    /// A V1-style top-level `Exceptions` arrived (the body is a response
    /// even without `Tables`).
    top_exceptions: bool,
}

impl core::fmt::Debug for Lexer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Lexer")
            .field("base", &self.input.base)
            .finish()
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
        let tables = Tables::new(cfg.max_tables);
        Decoder {
            cfg,
            lexer,
            pos: Pos::Start,
            frame: Frame::default(),
            col: Column::default(),
            cells: Vec::new(),
            cap: Capture {
                floor: 0,
                cell_start: 0,
                cell_kind: CellKind::Null,
                start: 0,
                abs: 0,
                skip_return: Pos::End,
            },
            tables,
            held: Held::default(),
            body: BodyState {
                sniff: Sniff::Fresh,
                format: None,
                completion_seen: false,
                top_exceptions: false,
            },
            pending: None,
            failed: None,
        }
    }

    fn fail(&mut self, e: Error) -> Error {
        self.failed = Some(e);
        e
    }

    /// Bytes consumed so far, over all chunks (joined chunks count whole).
    pub fn offset(&self) -> u64 {
        self.lexer.input.base + self.lexer.input.acc.len() as u64
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
                let raw = self.lexer.input.bytes(chunk, t.start, t.end);
                raw.get(1..raw.len().saturating_sub(1)).unwrap_or(&[])
            }
        }
    }

    fn string_of(&self, chunk: &[u8], t: &Token) -> String {
        String::from(str_from_validated(self.text_of(chunk, t)))
    }

    fn int_of(&self, chunk: &[u8], t: &Token) -> Result<i64, Error> {
        let raw = str_from_validated(self.lexer.input.bytes(chunk, t.start, t.end));
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
        self.cap.abs = self.lexer.input.base + p as u64;
        self.cells.clear();
        self.cap.floor = self.lexer.depth();
        self.pos = Pos::Row;
    }

    fn begin_capture(&mut self, t: &Token, pos: Pos) {
        let (limit, kind) = if pos == Pos::Capture(Target::HeldRows) {
            (self.cfg.max_held_rows_bytes, ErrorKind::HeldRowsTooLarge)
        } else {
            (self.cfg.max_row_bytes, ErrorKind::RowTooLarge)
        };
        let p = (t.abs - self.lexer.input.base) as usize;
        self.lexer.begin_outer(p, limit, kind);
        self.cap.start = 0;
        self.cap.abs = t.abs;
        // Its opening bracket is in the lexer's depth.
        self.cap.floor = self.lexer.depth().saturating_sub(1);
        self.pos = pos;
    }

    fn end_capture(&mut self, chunk: &[u8], q: usize) {
        self.lexer.input.settle(chunk, self.cap.start, q);
        self.lexer.end_outer();
    }

    /// Skips the value that begins with `t`, then goes on at `ret`.
    fn skip(&mut self, t: &Token, ret: Pos) {
        match t.kind {
            TokKind::BeginArr | TokKind::BeginObj => {
                self.cap.floor = self.lexer.depth().saturating_sub(1);
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
                K::BeginArr => self.begin_row((t.abs - self.lexer.input.base) as usize),
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
                        self.cap.floor = self.lexer.depth();
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
                            self.cap.floor = self.lexer.depth();
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
            Pos::RowError if self.value_ended() => {
                self.end_capture(chunk, q);
                self.pos = Pos::Rows;
                return Ok(Some(Emit::RowError {
                    start: self.cap.start,
                    end: t.end,
                }));
            }
            Pos::Capture(target) if self.value_ended() => {
                self.end_capture(chunk, q);
                let (start, end) = (self.cap.start, t.end);
                match target {
                    Target::FrameErrors => {
                        let s = str_from_validated(self.lexer.input.bytes(chunk, start, end));
                        self.frame
                            .set(Prop::OneApiErrors, Val::Str(String::from(s)));
                        self.pos = Pos::FrameKey;
                    }
                    Target::HeldRows => {
                        self.held.bytes.clear();
                        self.held
                            .bytes
                            .extend_from_slice(self.lexer.input.bytes(chunk, start, end));
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
            // A scalar, or the closing bracket of a container.
            Pos::Skip if self.value_ended() => self.pos = self.cap.skip_return,
            _ => {}
        }
        Ok(None)
    }

    /// Whether the lexer unescapes strings as they complete: everywhere
    /// but inside a value kept as raw JSON text (a capture, a nested row
    /// cell). The one place that decides it.
    #[inline]
    fn unescape_strings(&self) -> bool {
        match self.pos {
            Pos::Capture(_) | Pos::RowError => false,
            Pos::Row => self.lexer.depth() <= self.cap.floor,
            _ => true,
        }
    }

    /// After a token: the value being skipped or captured has ended (the
    /// lexer is back at its depth; see [`Capture::floor`]).
    fn value_ended(&self) -> bool {
        self.lexer.depth() == self.cap.floor
    }

    fn row_token(&mut self, t: Token, chunk: &[u8], q: usize) -> Result<Option<Emit>, Error> {
        use TokKind as K;
        // The lexer's depth before this token: at the row's, the token is
        // one of its cells (or its end); deeper, inside a nested cell.
        let d = self.lexer.depth();
        let before = match t.kind {
            K::BeginArr | K::BeginObj => d.saturating_sub(1),
            K::EndArr | K::EndObj => d + 1,
            _ => d,
        };
        if before == self.cap.floor {
            let kind = match t.kind {
                K::EndArr => {
                    self.lexer.end_outer();
                    self.pos = Pos::Rows;
                    return Ok(Some(Emit::Row { end: t.end }));
                }
                K::BeginArr | K::BeginObj => {
                    self.cap.cell_start = t.start;
                    self.cap.cell_kind = if t.kind == K::BeginArr {
                        CellKind::Array
                    } else {
                        CellKind::Object
                    };
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
        } else if self.value_ended() {
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
        self.lexer.input.settle(chunk, self.cap.cell_start, q);
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
        let closed = self.lexer.fast_nested_rest(chunk, pos, self.cap.floor);
        if let Some(end) = closed {
            let abs = self.lexer.input.base + *pos as u64 - 1;
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
            if self.pos == Pos::Row
                && self.lexer.depth() == self.cap.floor
                && self.lexer.between_tokens()
            {
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
                        self.lexer.input.acc_pos = *pos;
                        self.lexer.input.acc_cut = true;
                        *done = true;
                        return Ok(None);
                    }
                    Cells::Stop => {}
                }
            } else if self.pos == Pos::Row
                && self.lexer.depth() > self.cap.floor
                && self.lexer.between_tokens()
                && self.nested_rest(chunk, pos)?
            {
                continue;
            }
            self.lexer.want_unesc = self.unescape_strings();
            let Some(t) = self.lexer.next(chunk, pos)? else {
                self.lexer.stop(chunk, *pos);
                *done = true;
                return Ok(None);
            };
            if let Some(e) = self.handle(t, chunk, *pos)? {
                return Ok(Some(e));
            }
        }
    }
}

mod build;
mod config;
mod frame;
mod input;
#[cfg(test)]
mod tests;

pub use config::{DecoderConfig, Format};
use frame::*;
pub use input::Feed;
use input::*;
