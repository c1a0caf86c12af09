//! Frames: the table of their properties ([`PROPS`]), a frame's values, its
//! kind (sent or inferred), what becomes of its rows, and its end.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FrameType {
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
    pub(super) fn from_name(s: &[u8]) -> FrameType {
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
pub(super) enum Prop {
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
pub(super) enum Takes {
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
pub(super) enum Implies {
    Nothing,
    /// Only a table's frames have it (DataTable, TableHeader).
    Table,
    Kind(FrameType),
}

/// One known frame property: its wire key, the JSON it takes and the
/// frame kind it implies. Where its value goes is its [`Prop`]'s slot in
/// [`Frame::vals`], and the event fields read it from there (`build`).
#[derive(Debug)]
pub(super) struct PropDef {
    pub(super) key: &'static [u8],
    pub(super) prop: Prop,
    pub(super) takes: Takes,
    pub(super) implies: Implies,
}

pub(super) const fn def(key: &'static [u8], prop: Prop, takes: Takes, implies: Implies) -> PropDef {
    PropDef {
        key,
        prop,
        takes,
        implies,
    }
}

/// The table of frame properties: the one place that says what each is.
/// In [`Prop`] order (the index of a property's entry is its `Prop`).
pub(super) const PROPS: [PropDef; 17] = {
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
pub(super) const KIND_ORDER: [FrameType; 5] = [
    FrameType::DataSetHeader,
    FrameType::DataSetCompletion,
    FrameType::TableFragment,
    FrameType::TableProgress,
    FrameType::TableCompletion,
];

impl Prop {
    /// The property's entry in [`PROPS`] (`None` for unknown properties).
    pub(super) fn def(self) -> Option<&'static PropDef> {
        PROPS.get(self as usize)
    }

    /// The property's bit in [`Frame::seen`] (0 for unknown properties,
    /// which may repeat).
    pub(super) fn bit(self) -> u32 {
        match self {
            Prop::Other => 0,
            p => 1 << (p as u32),
        }
    }

    pub(super) fn from_key(k: &[u8]) -> Prop {
        PROPS
            .iter()
            .find(|d| d.key == k)
            .map_or(Prop::Other, |d| d.prop)
    }
}

/// A frame property's value (see [`Frame::vals`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) enum Val {
    /// Not sent, or sent as `null`.
    #[default]
    Absent,
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

#[derive(Debug, Default)]
pub(super) struct Frame {
    pub(super) v1: bool,
    pub(super) v1_index: i64,
    pub(super) frame_type: Option<FrameType>,
    pub(super) frame_type_name: String,
    /// The known properties' values, by [`Prop`] (see [`PROPS`]).
    pub(super) vals: [Val; PROPS.len()],
    pub(super) columns: Vec<Column>,
    pub(super) head: Option<Head>,
    /// Index into the open tables for the columns of a fragment's rows.
    pub(super) open_idx: Option<usize>,
    pub(super) row_index: u64,
    /// The properties sent so far ([`Prop::bit`]): one sent twice is an error.
    pub(super) seen: u32,
}

impl Frame {
    pub(super) fn reset(&mut self, v1: bool, v1_index: i64) {
        let mut columns = core::mem::take(&mut self.columns);
        columns.clear();
        *self = Frame {
            v1,
            v1_index,
            columns,
            ..Frame::default()
        };
    }

    pub(super) fn val(&self, p: Prop) -> &Val {
        self.vals.get(p as usize).unwrap_or(&Val::Absent)
    }

    /// The property was sent, and not as `null` (`Columns` and `Rows`
    /// hold `true` once their array began).
    pub(super) fn has(&self, p: Prop) -> bool {
        *self.val(p) != Val::Absent
    }

    /// The frame sent `Rows` (an array): held in `Decoder::held`, or
    /// handed out under `head`.
    pub(super) fn has_rows(&self) -> bool {
        self.has(Prop::Rows)
    }

    pub(super) fn str(&self, p: Prop) -> Option<&str> {
        match self.val(p) {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    #[inline]
    pub(super) fn int(&self, p: Prop) -> Option<i64> {
        match self.val(p) {
            Val::Int(v) => Some(*v),
            _ => None,
        }
    }

    pub(super) fn float(&self, p: Prop) -> Option<f64> {
        match self.val(p) {
            Val::Float(v) => Some(*v),
            _ => None,
        }
    }

    pub(super) fn bool(&self, p: Prop) -> Option<bool> {
        match self.val(p) {
            Val::Bool(v) => Some(*v),
            _ => None,
        }
    }

    /// The `TableId` its rows and events carry (a V1 table's index).
    #[inline]
    pub(super) fn table_id(&self) -> Option<i64> {
        if self.v1 {
            Some(self.v1_index)
        } else {
            self.int(Prop::TableId)
        }
    }

    pub(super) fn set(&mut self, p: Prop, v: Val) {
        if let Some(slot) = self.vals.get_mut(p as usize) {
            *slot = v;
        }
    }

    /// Whether a property sent so far implies `i` (see [`PROPS`]).
    pub(super) fn implies(&self, i: Implies) -> bool {
        PROPS.iter().any(|d| d.implies == i && self.has(d.prop))
    }

    /// The kind the properties sent so far imply, other than a table's.
    pub(super) fn implied_kind(&self) -> Option<FrameType> {
        KIND_ORDER
            .into_iter()
            .find(|&k| self.implies(Implies::Kind(k)))
    }

    /// The frame's type, once the whole frame is known: as sent, or
    /// inferred from its properties (the one place that infers it). `open`
    /// tells whether the frame's `TableId` names a table opened by a
    /// `TableHeader` (rows alone then make a fragment of it).
    pub(super) fn kind(&self, open: bool) -> FrameType {
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
    pub(super) fn rows_plan(&self) -> Option<Plan> {
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

/// See [`Frame::rows_plan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Plan {
    Stream(Head),
    Hold,
}

/// Rows held back (see [`Frame::rows_plan`]), decoded once their frame
/// has ended, by a decoder of their own set inside the frame.
#[derive(Debug)]
pub(super) struct Replay {
    pub(super) dec: Decoder,
    pub(super) bytes: Vec<u8>,
    pub(super) pos: usize,
    pub(super) done: bool,
    /// An event due before the rows (the head, see `Decoder::salvage`).
    pub(super) lead: Option<Emit>,
    /// The error due after the rows (see `Decoder::salvage`).
    pub(super) deferred: Option<Error>,
}

/// The tables the body named, for the decoder's limits and for the
/// columns of fragments' rows: the crate's one table registry
/// ([`crate::tables::Tables`]), as the adapters keep it.
#[derive(Debug)]
pub(super) struct Tables {
    /// Every `TableId` named so far (at most
    /// [`DecoderConfig::max_tables`]), each with its `TableHeader`'s
    /// columns while it is open (until its `TableCompletion`).
    pub(super) reg: crate::tables::Tables<Option<Vec<Column>>>,
    /// How many hold columns (see [`DecoderConfig::max_open_tables`]).
    pub(super) open: usize,
    /// V1 tables so far.
    pub(super) v1_count: i64,
}

impl Tables {
    pub(super) fn new(max_tables: usize) -> Self {
        Tables {
            reg: crate::tables::Tables::with_max(max_tables),
            open: 0,
            v1_count: 0,
        }
    }

    /// The registry index of table `id` while it is open.
    pub(super) fn open_index(&self, id: i64) -> Option<usize> {
        let i = self.reg.index_of(id)?;
        self.reg.get(i)?.value.is_some().then_some(i)
    }

    /// The columns of the open table at registry index `i`.
    pub(super) fn columns_at(&self, i: usize) -> Option<&[Column]> {
        self.reg.get(i)?.value.as_deref()
    }

    /// The columns of table `id` while it is open.
    pub(super) fn columns(&self, id: i64) -> Option<&[Column]> {
        self.reg.by_id(id)?.value.as_deref()
    }

    pub(super) fn is_open(&self, id: Option<i64>) -> bool {
        id.is_some_and(|id| self.columns(id).is_some())
    }
}

/// A frame's `Rows` held (see [`Frame::rows_plan`]).
#[derive(Debug, Default)]
pub(super) struct Held {
    pub(super) bytes: Vec<u8>,
    /// The offset of their `[`.
    pub(super) abs: u64,
    /// Held rows being handed out, after their frame's head event.
    pub(super) replay: Option<alloc::boxed::Box<Replay>>,
}

impl Decoder {
    /// A frame property's value (or its first token), read as [`PROPS`]
    /// says.
    pub(super) fn frame_value(
        &mut self,
        prop: Prop,
        t: Token,
        chunk: &[u8],
    ) -> Result<Option<Emit>, Error> {
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
                        let raw = self.lexer.input.bytes(chunk, t.start, t.end);
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
                let raw = str_from_validated(self.lexer.input.bytes(chunk, t.start, t.end));
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
                let s = str_from_validated(self.lexer.input.bytes(chunk, t.start, t.end));
                Val::Str(String::from(s))
            }
            _ => return Err(Self::unexpected(&t)),
        };
        self.frame.set(prop, v);
        Ok(None)
    }

    pub(super) fn begin_rows(&mut self, t: &Token) -> Result<Option<Emit>, Error> {
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
    pub(super) fn register(&mut self, id: Option<i64>, abs: u64) -> Result<(), Error> {
        if self.frame.v1 {
            return Ok(());
        }
        if let Some(id) = id {
            self.tables
                .reg
                .named(Some(id), || None)
                .map_err(|_| Error::new(ErrorKind::TooManyTables, abs))?;
        }
        Ok(())
    }

    /// The frame's head is `h`: its head event is next.
    pub(super) fn set_head(&mut self, h: Head) -> Emit {
        self.frame.head = Some(h);
        self.frame.open_idx = match h {
            Head::Fragment => self
                .frame
                .int(Prop::TableId)
                .and_then(|id| self.tables.open_index(id)),
            _ => None,
        };
        Emit::Head(h)
    }

    /// Hands out the held rows of the frame (after its head event, before
    /// its end event `then`): a decoder of their own, with the same limits,
    /// set inside the frame's `Rows` with its columns, decodes them from
    /// their offset on.
    pub(super) fn start_replay(&mut self, then: Option<Emit>) {
        let mut dec = Decoder::with_config(self.cfg.clone());
        dec.body.sniff = Sniff::Done;
        dec.body.format = self.body.format;
        dec.lexer.input.base = self.held.abs;
        // Cells borrow from the decoder's buffer, not from a chunk.
        dec.lexer.input.joined = true;
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

    pub(super) fn end_frame(&mut self, abs: u64) -> Result<Option<Emit>, Error> {
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
        let ty = self
            .frame
            .kind(self.tables.is_open(self.frame.int(Prop::TableId)));
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
                let full = self.tables.open >= self.cfg.max_open_tables;
                // Counted by `register` above.
                if let Some(t) = self.tables.reg.by_id_mut(id) {
                    if t.value.is_none() {
                        if full {
                            return Err(Error::new(ErrorKind::TooManyTables, abs));
                        }
                        self.tables.open += 1;
                    }
                    t.value = Some(columns);
                }
            }
            FrameType::TableCompletion => {
                let t = self.frame.int(Prop::TableId);
                if let Some(t) = t.and_then(|id| self.tables.reg.by_id_mut(id)) {
                    if t.value.take().is_some() {
                        self.tables.open -= 1;
                    }
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
}
