//! Shared helpers for the integration tests: where the corpora live, chunked
//! decoding, the golden rendering, and an independent oracle that projects a
//! body parsed by `serde_json` to the events the decoder must produce.
//!
//! The oracle and the decoder are both reduced to [`N`], a normalized event
//! without byte offsets whose cells and raw JSON are `serde_json::Value`s, so
//! whitespace and number spelling do not matter.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use kusto_frames::{CellKind, Column, Decoder, Error, ErrorKind, Event, OwnedEvent};
use serde_json::Value;

// ---------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------

/// `corpus/` at the workspace root.
pub(crate) fn corpus_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus"))
}

/// The shared peer corpus (recorded bodies from the official SDKs).
pub(crate) fn peer_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/peer-corpus"
    ))
}

/// `corpus/*.json`, sorted by name.
pub(crate) fn corpus_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("corpus/ exists")
        .map(|e| e.expect("readable dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

/// Every file under `dir`, recursively, sorted.
pub(crate) fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readable dir") {
            let p = e.expect("readable dir entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// `true` for a corpus input that must fail (`fail-*.json`).
pub(crate) fn is_fail_case(path: &Path) -> bool {
    file_name(path).starts_with("fail-")
}

pub(crate) fn file_name(path: &Path) -> &str {
    path.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

// ---------------------------------------------------------------------------
// Decoding and rendering
// ---------------------------------------------------------------------------

pub(crate) type Outcome = (Vec<OwnedEvent>, Result<(), Error>);

/// Decodes `body` in chunks of `size` bytes (`0`: whole).
pub(crate) fn decode_sized(body: &[u8], size: usize) -> Outcome {
    if size == 0 {
        kusto_frames::decode_chunks([body])
    } else {
        kusto_frames::decode_chunks(body.chunks(size))
    }
}

/// Splits `body` at the given cut points (any order, duplicates allowed: a
/// duplicate cut feeds an empty chunk).
pub(crate) fn split_at<'a>(body: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(body.len())).collect();
    cuts.sort_unstable();
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut at = 0;
    for c in cuts {
        out.push(&body[at..c]);
        at = c;
    }
    out.push(&body[at..]);
    out
}

/// The golden rendering: one `{:?}` line per event, then `OK` or
/// `ERROR {kind:?} at {offset}`.
pub(crate) fn render(outcome: &Outcome) -> String {
    use core::fmt::Write;
    let mut s = String::new();
    for ev in &outcome.0 {
        writeln!(s, "{ev:?}").expect("write to String");
    }
    match &outcome.1 {
        Ok(()) => s.push_str("OK\n"),
        Err(e) => writeln!(s, "ERROR {:?} at {}", e.kind(), e.offset()).expect("write to String"),
    }
    s
}

/// Error kinds that only the JSON grammar (or a configured limit) produces:
/// a body that `serde_json` accepts never yields one of these.
pub(crate) fn is_lexical(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::Syntax
            | ErrorKind::UnexpectedEof
            | ErrorKind::InvalidUtf8
            | ErrorKind::InvalidEscape
            | ErrorKind::LoneSurrogate
            | ErrorKind::LeadingZero
            | ErrorKind::InvalidNumber
            | ErrorKind::TrailingComma
            | ErrorKind::ControlCharacter
            | ErrorKind::TrailingData
            | ErrorKind::DepthLimit
            | ErrorKind::TokenTooLong
            | ErrorKind::RowTooLarge
    )
}

// ---------------------------------------------------------------------------
// The normalized form
// ---------------------------------------------------------------------------

/// A column: name, `ColumnType`, `DataType`, as sent.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NColumn {
    pub(crate) name: String,
    pub(crate) column_type: Option<String>,
    pub(crate) data_type: Option<String>,
}

/// What a `TableHeader`, `DataTable` or V1 table event tells.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NTable {
    pub(crate) table_id: Option<i64>,
    pub(crate) kind: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) columns: Vec<NColumn>,
}

/// What a `TableFragment` event tells, with the columns of its table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NFragment {
    pub(crate) table_id: Option<i64>,
    pub(crate) fragment_type: Option<String>,
    pub(crate) field_count: Option<i64>,
    pub(crate) columns: Vec<NColumn>,
}

/// A cell: its JSON kind, its value, and for a string its unescaped text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NCell {
    pub(crate) kind: CellKind,
    pub(crate) value: Value,
    pub(crate) text: Option<String>,
}

/// A normalized event: no byte offsets; cells and raw JSON as `Value`s.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum N {
    DataSetHeader {
        version: Option<String>,
        is_progressive: Option<bool>,
        is_fragmented: Option<bool>,
        error_reporting_placement: Option<String>,
    },
    TableHeader(NTable),
    DataTable(NTable),
    DataTableEnd(NTable),
    TableFragment(NFragment),
    TableFragmentEnd(NFragment),
    Row {
        table_id: Option<i64>,
        index: u64,
        columns: Vec<NColumn>,
        cells: Vec<NCell>,
    },
    RowError {
        table_id: Option<i64>,
        index: u64,
        raw: Value,
    },
    TableProgress {
        table_id: Option<i64>,
        progress: Option<f64>,
    },
    TableCompletion {
        table_id: Option<i64>,
        row_count: Option<i64>,
        errors: Option<Value>,
    },
    DataSetCompletion {
        has_errors: bool,
        cancelled: bool,
        errors: Option<Value>,
    },
    UnknownFrame(String),
    V1Table(NTable),
    V1TableEnd(NTable),
    V1Exceptions(Value),
    ErrorBody(Value),
    /// An event variant this module does not know yet.
    Other(String),
}

/// The normalized result of decoding a body: events, then the error kind.
pub(crate) type NOutcome = (Vec<N>, Result<(), ErrorKind>);

fn json_of(raw: &str) -> Value {
    serde_json::from_str(raw).unwrap_or_else(|e| Value::String(format!("<not JSON: {e}: {raw}>")))
}

fn ncolumns(cols: &[Column]) -> Vec<NColumn> {
    cols.iter()
        .map(|c| NColumn {
            name: c.name().to_owned(),
            column_type: c.column_type().map(str::to_owned),
            data_type: c.data_type().map(str::to_owned),
        })
        .collect()
}

fn ntable(t: &kusto_frames::TableInfo<'_>) -> NTable {
    NTable {
        table_id: t.table_id,
        kind: t.kind.map(|k| k.as_str().to_owned()),
        name: t.name.map(str::to_owned),
        columns: ncolumns(t.columns),
    }
}

fn nfragment(f: &kusto_frames::Fragment<'_>) -> NFragment {
    use kusto_frames::FragmentType;
    NFragment {
        table_id: f.table_id,
        fragment_type: f.fragment_type.map(|t| match t {
            FragmentType::DataAppend => "DataAppend".to_owned(),
            FragmentType::DataReplace => "DataReplace".to_owned(),
            FragmentType::Other(s) => s.to_owned(),
        }),
        field_count: f.field_count,
        columns: ncolumns(f.columns),
    }
}

/// Normalizes one borrowed decoder event.
pub(crate) fn normalize(ev: &Event<'_>) -> N {
    match ev {
        Event::DataSetHeader(h) => N::DataSetHeader {
            version: h.version.map(str::to_owned),
            is_progressive: h.is_progressive,
            is_fragmented: h.is_fragmented,
            error_reporting_placement: h.error_reporting_placement.map(str::to_owned),
        },
        Event::TableHeader(t) => N::TableHeader(ntable(t)),
        Event::DataTable(t) => N::DataTable(ntable(t)),
        Event::DataTableEnd(t) => N::DataTableEnd(ntable(t)),
        Event::TableFragment(f) => N::TableFragment(nfragment(f)),
        Event::TableFragmentEnd(f) => N::TableFragmentEnd(nfragment(f)),
        Event::Row(r) => N::Row {
            table_id: r.table_id(),
            index: r.index(),
            columns: ncolumns(r.columns()),
            cells: r
                .cells()
                .map(|c| {
                    let text = if c.kind() == CellKind::String {
                        Some(c.text().to_owned())
                    } else if c.text() == c.raw() {
                        None
                    } else {
                        Some(format!(
                            "<text {:?} differs from raw {:?}>",
                            c.text(),
                            c.raw()
                        ))
                    };
                    NCell {
                        kind: c.kind(),
                        value: json_of(c.raw()),
                        text,
                    }
                })
                .collect(),
        },
        Event::RowError(e) => N::RowError {
            table_id: e.table_id,
            index: e.index,
            raw: json_of(e.raw.get()),
        },
        Event::TableProgress(p) => N::TableProgress {
            table_id: p.table_id,
            progress: p.progress,
        },
        Event::TableCompletion(c) => N::TableCompletion {
            table_id: c.table_id,
            row_count: c.row_count,
            errors: c.errors.map(|e| json_of(e.get())),
        },
        Event::DataSetCompletion(c) => N::DataSetCompletion {
            has_errors: c.has_errors,
            cancelled: c.cancelled,
            errors: c.errors.map(|e| json_of(e.get())),
        },
        Event::UnknownFrame { frame_type } => N::UnknownFrame((*frame_type).to_owned()),
        Event::V1Table(t) => N::V1Table(ntable(t)),
        Event::V1TableEnd(t) => N::V1TableEnd(ntable(t)),
        Event::V1Exceptions(r) => N::V1Exceptions(json_of(r.get())),
        Event::ErrorBody(r) => N::ErrorBody(json_of(r.get())),
        other => N::Other(format!("{other:?}")),
    }
}

/// Decodes the chunks with the push decoder and normalizes every event.
pub(crate) fn decode_normalized<'a, I>(chunks: I) -> NOutcome
where
    I: IntoIterator<Item = &'a [u8]>,
{
    let mut dec = Decoder::new();
    let mut out = Vec::new();
    // The chunks, then the end of the input, drained alike.
    for chunk in chunks.into_iter().map(Some).chain([None]) {
        let mut feed = match chunk {
            Some(c) => dec.feed(c),
            None => dec.finish(),
        };
        loop {
            match feed.next_event() {
                Ok(Some(ev)) => out.push(normalize(&ev)),
                Ok(None) => break,
                Err(e) => return (out, Err(e.kind())),
            }
        }
    }
    (out, Ok(()))
}

// ---------------------------------------------------------------------------
// The oracle
// ---------------------------------------------------------------------------

/// A JSON value with its byte span in the body and, for objects, its keys
/// in the order sent (`serde_json::Value` sorts them; the protocol's
/// streaming semantics depend on the order).
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) v: J,
}

#[derive(Debug, Clone)]
pub(crate) enum J {
    Null,
    Bool(bool),
    Num,
    Str(String),
    Arr(Vec<Node>),
    Obj(Vec<(String, Node)>),
}

/// Builds the ordered tree of a body `serde_json` has already accepted.
/// Every string is decoded, and every value converted, by `serde_json`.
struct Tree<'b> {
    b: &'b [u8],
    i: usize,
}

impl Tree<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn string_end(&self) -> usize {
        let mut j = self.i + 1;
        loop {
            match self.b[j] {
                b'\\' => j += 2,
                b'"' => return j + 1,
                _ => j += 1,
            }
        }
    }

    fn value(&mut self) -> Node {
        self.ws();
        let start = self.i;
        let v = match self.b[self.i] {
            b'{' => {
                self.i += 1;
                let mut props = Vec::new();
                loop {
                    self.ws();
                    match self.b[self.i] {
                        b'}' => {
                            self.i += 1;
                            break;
                        }
                        b',' => self.i += 1,
                        _ => {
                            let end = self.string_end();
                            let key: String =
                                serde_json::from_slice(&self.b[self.i..end]).expect("a key");
                            self.i = end;
                            self.ws();
                            assert_eq!(self.b[self.i], b':');
                            self.i += 1;
                            let v = self.value();
                            props.push((key, v));
                        }
                    }
                }
                J::Obj(props)
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    match self.b[self.i] {
                        b']' => {
                            self.i += 1;
                            break;
                        }
                        b',' => self.i += 1,
                        _ => items.push(self.value()),
                    }
                }
                J::Arr(items)
            }
            b'"' => {
                let end = self.string_end();
                let s: String = serde_json::from_slice(&self.b[self.i..end]).expect("a string");
                self.i = end;
                J::Str(s)
            }
            b't' => {
                self.i += 4;
                J::Bool(true)
            }
            b'f' => {
                self.i += 5;
                J::Bool(false)
            }
            b'n' => {
                self.i += 4;
                J::Null
            }
            _ => {
                while self.i < self.b.len()
                    && matches!(
                        self.b[self.i],
                        b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                    )
                {
                    self.i += 1;
                }
                J::Num
            }
        };
        Node {
            start,
            end: self.i,
            v,
        }
    }
}

/// The ordered tree of `body`, or `None` when `serde_json` rejects it.
pub(crate) fn parse_tree(body: &[u8]) -> Option<Node> {
    serde_json::from_slice::<Value>(body).ok()?;
    Some(Tree { b: body, i: 0 }.value())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ft {
    DataSetHeader,
    DataTable,
    TableHeader,
    TableFragment,
    TableProgress,
    TableCompletion,
    DataSetCompletion,
    Unknown,
}

fn frame_type_of(s: &str) -> Ft {
    match s {
        "DataSetHeader" => Ft::DataSetHeader,
        "DataTable" => Ft::DataTable,
        "TableHeader" => Ft::TableHeader,
        "TableFragment" => Ft::TableFragment,
        "TableProgress" => Ft::TableProgress,
        "TableCompletion" => Ft::TableCompletion,
        "DataSetCompletion" => Ft::DataSetCompletion,
        _ => Ft::Unknown,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Head {
    DataTable,
    Fragment,
    V1Table,
}

/// What is known of a frame (or a V1 table) so far.
#[derive(Default)]
struct FrameState {
    v1: Option<i64>,
    frame_type: Option<Ft>,
    frame_type_name: String,
    table_id: Option<i64>,
    kind: Option<String>,
    name: Option<String>,
    columns: Vec<NColumn>,
    columns_seen: bool,
    version: Option<String>,
    is_progressive: Option<bool>,
    is_fragmented: Option<bool>,
    erp: Option<String>,
    fragment_type: Option<String>,
    field_count: Option<i64>,
    progress: Option<f64>,
    row_count: Option<i64>,
    has_errors: Option<bool>,
    cancelled: Option<bool>,
    errors: Option<Value>,
    head: Option<Head>,
    /// Columns of the open table a fragment's rows belong to.
    fragment_columns: Vec<NColumn>,
    row_index: u64,
    /// The frame sent `Rows` (an array).
    has_rows: bool,
    /// Rows sent before the frame said which table they belong to: handed
    /// out at the frame's end.
    held: Option<Vec<Node>>,
}

impl FrameState {
    fn row_table_id(&self) -> Option<i64> {
        self.v1.or(self.table_id)
    }

    fn table(&self) -> NTable {
        NTable {
            table_id: self.row_table_id(),
            kind: self.kind.clone(),
            name: self.name.clone(),
            columns: self.columns.clone(),
        }
    }

    fn fragment(&self) -> NFragment {
        NFragment {
            table_id: self.table_id,
            fragment_type: self.fragment_type.clone(),
            field_count: self.field_count,
            columns: self.fragment_columns.clone(),
        }
    }

    fn row_columns(&self) -> Vec<NColumn> {
        if self.head == Some(Head::Fragment) {
            self.fragment_columns.clone()
        } else {
            self.columns.clone()
        }
    }

    /// The frame type of the whole frame: as sent, or inferred from all
    /// the properties it has (`open`: its TableId names an open table).
    fn infer(&self, open: bool) -> Ft {
        if let Some(t) = self.frame_type {
            t
        } else if self.version.is_some() || self.is_progressive.is_some() {
            Ft::DataSetHeader
        } else if self.has_errors.is_some() || self.cancelled.is_some() {
            Ft::DataSetCompletion
        } else if self.fragment_type.is_some() || self.field_count.is_some() {
            Ft::TableFragment
        } else if self.progress.is_some() {
            Ft::TableProgress
        } else if self.row_count.is_some() {
            Ft::TableCompletion
        } else if self.columns_seen || self.kind.is_some() || self.name.is_some() {
            if self.has_rows {
                Ft::DataTable
            } else {
                Ft::TableHeader
            }
        } else if self.has_rows {
            if open {
                Ft::TableFragment
            } else {
                Ft::DataTable
            }
        } else {
            Ft::Unknown
        }
    }

    /// Where rows go when `Rows` begins: `Some(Some(head))` handed out now
    /// (the frame has sent its kind and all that identifies its table),
    /// `Some(None)` held to the frame's end, `None` skipped (a FrameType
    /// that carries no rows).
    fn plan(&self) -> Option<Option<Head>> {
        let id = self.table_id.is_some();
        let table = id && self.kind.is_some() && self.name.is_some() && self.columns_seen;
        let fragment = id && self.fragment_type.is_some();
        if self.v1.is_some() {
            return Some(self.columns_seen.then_some(Head::V1Table));
        }
        match self.frame_type {
            Some(Ft::DataTable) => Some(table.then_some(Head::DataTable)),
            Some(Ft::TableFragment) => Some(fragment.then_some(Head::Fragment)),
            Some(_) => None,
            None => {
                let other = self.version.is_some()
                    || self.is_progressive.is_some()
                    || self.has_errors.is_some()
                    || self.cancelled.is_some()
                    || self.progress.is_some()
                    || self.row_count.is_some();
                if other {
                    Some(None)
                } else if fragment && !self.columns_seen && self.kind.is_none() {
                    Some(Some(Head::Fragment))
                } else if table && self.fragment_type.is_none() && self.field_count.is_none() {
                    Some(Some(Head::DataTable))
                } else {
                    Some(None)
                }
            }
        }
    }
}

/// The properties the decoder knows (a frame may not repeat one of them).
const KNOWN_PROPS: &[&str] = &[
    "FrameType",
    "TableId",
    "TableKind",
    "TableName",
    "Columns",
    "Rows",
    "Version",
    "IsProgressive",
    "IsFragmented",
    "ErrorReportingPlacement",
    "TableFragmentType",
    "FieldCount",
    "TableProgress",
    "RowCount",
    "HasErrors",
    "Cancelled",
    "OneApiErrors",
];

/// The dataset-wide state: tables opened by a TableHeader, by id.
#[derive(Default)]
struct Oracle<'b> {
    body: &'b [u8],
    open: Vec<(i64, Vec<NColumn>)>,
    completion: bool,
    out: Vec<N>,
}

type Step = Result<(), ErrorKind>;

impl<'b> Oracle<'b> {
    fn json(&self, n: &Node) -> Value {
        serde_json::from_slice(&self.body[n.start..n.end]).expect("valid JSON")
    }

    fn raw(&self, n: &Node) -> &'b str {
        core::str::from_utf8(&self.body[n.start..n.end]).expect("UTF-8")
    }

    fn int(&self, n: &Node) -> Result<i64, ErrorKind> {
        let raw = self.raw(n);
        raw.parse::<i64>().map_err(|_| {
            if raw.bytes().all(|b| b == b'-' || b.is_ascii_digit()) {
                ErrorKind::NumberOutOfRange
            } else {
                ErrorKind::UnexpectedType
            }
        })
    }

    fn open_columns(&self, id: Option<i64>) -> Vec<NColumn> {
        id.and_then(|id| self.open.iter().find(|(o, _)| *o == id))
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    }

    fn body(&mut self, root: &Node) -> Step {
        match &root.v {
            J::Arr(frames) => {
                for f in frames {
                    if self.completion {
                        return Err(ErrorKind::FrameAfterCompletion);
                    }
                    match &f.v {
                        J::Obj(props) => self.frame(props, None)?,
                        _ => return Err(ErrorKind::UnexpectedType),
                    }
                }
                if self.completion {
                    Ok(())
                } else {
                    Err(ErrorKind::MissingCompletion)
                }
            }
            J::Obj(props) => {
                let mut v1_index = 0;
                for (k, v) in props {
                    match (k.as_str(), &v.v) {
                        ("Tables", J::Arr(tables)) => {
                            for t in tables {
                                match &t.v {
                                    J::Obj(props) => self.frame(props, Some(v1_index))?,
                                    _ => return Err(ErrorKind::UnexpectedType),
                                }
                                v1_index += 1;
                            }
                        }
                        ("Tables", J::Null) => {}
                        ("Tables", _) => return Err(ErrorKind::UnexpectedType),
                        ("Exceptions", J::Null) => {}
                        ("Exceptions", _) => {
                            let e = self.json(v);
                            self.out.push(N::V1Exceptions(e));
                        }
                        ("error", _) => {
                            let e = self.json(v);
                            self.out.push(N::ErrorBody(e));
                        }
                        _ => {}
                    }
                }
                // An object that is neither V1 (`Tables`, `Exceptions`) nor an
                // error body (`error`) is not a Kusto response.
                let known = props
                    .iter()
                    .any(|(k, _)| matches!(k.as_str(), "Tables" | "Exceptions" | "error"));
                if known {
                    Ok(())
                } else {
                    Err(ErrorKind::NotAResponse)
                }
            }
            _ => Err(ErrorKind::NotAResponse),
        }
    }

    /// One V2 frame, or (with `v1 = Some(index)`) one V1 table.
    fn frame(&mut self, props: &[(String, Node)], v1: Option<i64>) -> Step {
        let mut f = FrameState {
            v1,
            ..FrameState::default()
        };
        let mut seen: Vec<&str> = Vec::new();
        let mut r = Ok(());
        for (k, v) in props {
            if KNOWN_PROPS.contains(&k.as_str()) {
                if seen.contains(&k.as_str()) {
                    r = Err(ErrorKind::DuplicateProperty);
                    break;
                }
                seen.push(k);
            }
            r = self.property(&mut f, k, v);
            if r.is_err() {
                break;
            }
        }
        if r.is_ok() {
            r = self.end_frame(&mut f);
        }
        if r.is_err() {
            self.salvage(&mut f)?;
        }
        r
    }

    /// The frame failed while its rows were held: they are handed out
    /// first, after a head event from what the frame has told so far.
    fn salvage(&mut self, f: &mut FrameState) -> Step {
        let Some(rows) = f.held.take() else {
            return Ok(());
        };
        if f.head.is_some() {
            return Ok(());
        }
        let open = f
            .table_id
            .is_some_and(|id| self.open.iter().any(|(o, _)| *o == id));
        let h = if f.v1.is_some() {
            Head::V1Table
        } else {
            match f.infer(open) {
                Ft::DataTable => Head::DataTable,
                Ft::TableFragment => Head::Fragment,
                _ => return Ok(()),
            }
        };
        f.head = Some(h);
        self.emit_head(f, h);
        self.emit_rows(f, &rows)
    }

    fn property(&mut self, f: &mut FrameState, key: &str, v: &Node) -> Step {
        let ut = Err(ErrorKind::UnexpectedType);
        match key {
            "FrameType"
            | "TableKind"
            | "TableName"
            | "Version"
            | "ErrorReportingPlacement"
            | "TableFragmentType" => {
                let s = match &v.v {
                    J::Null => return Ok(()),
                    J::Str(s) => s.clone(),
                    _ => return ut,
                };
                match key {
                    "FrameType" => {
                        f.frame_type = Some(frame_type_of(&s));
                        f.frame_type_name = s;
                    }
                    "TableKind" => f.kind = Some(s),
                    "TableName" => f.name = Some(s),
                    "Version" => f.version = Some(s),
                    "ErrorReportingPlacement" => f.erp = Some(s),
                    _ => f.fragment_type = Some(s),
                }
            }
            "TableId" | "FieldCount" | "RowCount" => {
                let n = match &v.v {
                    J::Null => return Ok(()),
                    J::Num => self.int(v)?,
                    _ => return ut,
                };
                match key {
                    "TableId" => f.table_id = Some(n),
                    "FieldCount" => f.field_count = Some(n),
                    _ => f.row_count = Some(n),
                }
            }
            "TableProgress" => match &v.v {
                J::Null => {}
                J::Num => f.progress = self.raw(v).parse::<f64>().ok(),
                _ => return ut,
            },
            "IsProgressive" | "IsFragmented" | "HasErrors" | "Cancelled" => {
                let b = match &v.v {
                    J::Null => return Ok(()),
                    J::Bool(b) => *b,
                    _ => return ut,
                };
                match key {
                    "IsProgressive" => f.is_progressive = Some(b),
                    "IsFragmented" => f.is_fragmented = Some(b),
                    "HasErrors" => f.has_errors = Some(b),
                    _ => f.cancelled = Some(b),
                }
            }
            "Columns" => match &v.v {
                J::Null => {}
                J::Arr(cols) => {
                    f.columns.clear();
                    f.columns_seen = true;
                    for c in cols {
                        let J::Obj(cprops) = &c.v else {
                            return ut;
                        };
                        let mut col = NColumn {
                            name: String::new(),
                            column_type: None,
                            data_type: None,
                        };
                        for (ck, cv) in cprops {
                            if !matches!(ck.as_str(), "ColumnName" | "ColumnType" | "DataType") {
                                continue;
                            }
                            let s = match &cv.v {
                                J::Null => continue,
                                J::Str(s) => s.clone(),
                                _ => return ut,
                            };
                            match ck.as_str() {
                                "ColumnName" => col.name = s,
                                "ColumnType" => col.column_type = Some(s),
                                _ => col.data_type = Some(s),
                            }
                        }
                        f.columns.push(col);
                    }
                }
                _ => return ut,
            },
            "Rows" => match &v.v {
                J::Null => {}
                J::Arr(rows) => self.rows(f, rows)?,
                _ => return ut,
            },
            "OneApiErrors" if !matches!(v.v, J::Null) => f.errors = Some(self.json(v)),
            _ => {}
        }
        Ok(())
    }

    fn rows(&mut self, f: &mut FrameState, rows: &[Node]) -> Step {
        f.has_rows = true;
        match f.plan() {
            None => Ok(()),
            Some(None) => {
                f.held = Some(rows.to_vec());
                Ok(())
            }
            Some(Some(h)) => {
                f.head = Some(h);
                self.emit_head(f, h);
                self.emit_rows(f, rows)
            }
        }
    }

    fn emit_rows(&mut self, f: &mut FrameState, rows: &[Node]) -> Step {
        for r in rows {
            match &r.v {
                J::Arr(cells) => {
                    let cells = cells
                        .iter()
                        .map(|c| NCell {
                            kind: match &c.v {
                                J::Null => CellKind::Null,
                                J::Bool(_) => CellKind::Bool,
                                J::Num => CellKind::Number,
                                J::Str(_) => CellKind::String,
                                J::Arr(_) => CellKind::Array,
                                J::Obj(_) => CellKind::Object,
                            },
                            value: self.json(c),
                            text: match &c.v {
                                J::Str(s) => Some(s.clone()),
                                _ => None,
                            },
                        })
                        .collect();
                    self.out.push(N::Row {
                        table_id: f.row_table_id(),
                        index: f.row_index,
                        columns: f.row_columns(),
                        cells,
                    });
                }
                J::Obj(_) => {
                    let raw = self.json(r);
                    self.out.push(N::RowError {
                        table_id: f.row_table_id(),
                        index: f.row_index,
                        raw,
                    });
                }
                _ => return Err(ErrorKind::UnexpectedType),
            }
            f.row_index += 1;
        }
        Ok(())
    }

    fn emit_head(&mut self, f: &mut FrameState, h: Head) {
        match h {
            Head::DataTable => self.out.push(N::DataTable(f.table())),
            Head::V1Table => self.out.push(N::V1Table(f.table())),
            Head::Fragment => {
                f.fragment_columns = self.open_columns(f.table_id);
                self.out.push(N::TableFragment(f.fragment()));
            }
        }
    }

    fn end_frame(&mut self, f: &mut FrameState) -> Step {
        if f.v1.is_some() {
            if f.head.is_none() {
                f.head = Some(Head::V1Table);
                self.out.push(N::V1Table(f.table()));
                if let Some(rows) = &f.held.take() {
                    self.emit_rows(f, rows)?;
                }
            }
            self.out.push(N::V1TableEnd(f.table()));
            return Ok(());
        }
        let open = f
            .table_id
            .is_some_and(|id| self.open.iter().any(|(o, _)| *o == id));
        let ty = f.infer(open);
        let head = match ty {
            Ft::DataTable => Some(Head::DataTable),
            Ft::TableFragment => Some(Head::Fragment),
            _ => None,
        };
        if f.head.is_some() && f.head != head {
            return Err(ErrorKind::FrameTypeMismatch);
        }
        if matches!(
            ty,
            Ft::TableFragment | Ft::TableProgress | Ft::TableCompletion
        ) && f.table_id.is_none()
        {
            return Err(ErrorKind::MissingProperty);
        }
        if f.head.is_none() {
            if let Some(h) = head {
                f.head = Some(h);
                self.emit_head(f, h);
                if let Some(rows) = &f.held.take() {
                    self.emit_rows(f, rows)?;
                }
            }
        }
        let ev = match ty {
            Ft::DataSetHeader => N::DataSetHeader {
                version: f.version.clone(),
                is_progressive: f.is_progressive,
                is_fragmented: f.is_fragmented,
                error_reporting_placement: f.erp.clone(),
            },
            Ft::TableHeader => {
                if let Some(id) = f.table_id {
                    match self.open.iter_mut().find(|(o, _)| *o == id) {
                        Some(o) => o.1 = f.columns.clone(),
                        None => self.open.push((id, f.columns.clone())),
                    }
                }
                N::TableHeader(f.table())
            }
            Ft::DataTable => N::DataTableEnd(f.table()),
            Ft::TableFragment => {
                // The end event's columns: the open table's, else the rows'.
                let mut frag = f.fragment();
                if self.open.iter().any(|(o, _)| Some(*o) == f.table_id) {
                    frag.columns = self.open_columns(f.table_id);
                } else {
                    frag.columns = f.row_columns();
                }
                N::TableFragmentEnd(frag)
            }
            Ft::TableProgress => N::TableProgress {
                table_id: f.table_id,
                progress: f.progress,
            },
            Ft::TableCompletion => {
                if let Some(id) = f.table_id {
                    self.open.retain(|(o, _)| *o != id);
                }
                N::TableCompletion {
                    table_id: f.table_id,
                    row_count: f.row_count,
                    errors: f.errors.clone(),
                }
            }
            Ft::DataSetCompletion => {
                self.completion = true;
                N::DataSetCompletion {
                    has_errors: f.has_errors.unwrap_or(false),
                    cancelled: f.cancelled.unwrap_or(false),
                    errors: f.errors.clone(),
                }
            }
            Ft::Unknown => N::UnknownFrame(f.frame_type_name.clone()),
        };
        self.out.push(ev);
        Ok(())
    }
}

/// The events (and the protocol-level error, if any) that `body` must
/// decode to, computed from `serde_json`'s parse of the whole body. `None`
/// when `serde_json` rejects the body: the oracle then has no opinion.
pub(crate) fn oracle(body: &[u8]) -> Option<NOutcome> {
    let root = parse_tree(body)?;
    let mut o = Oracle {
        body,
        ..Oracle::default()
    };
    let r = o.body(&root);
    Some((o.out, r))
}

/// A readable account of where two normalized outcomes first differ.
pub(crate) fn first_difference(a: &NOutcome, b: &NOutcome) -> String {
    let n = a.0.len().min(b.0.len());
    for i in 0..n {
        if a.0[i] != b.0[i] {
            return format!(
                "event {i} differs:\n  decoder: {:?}\n  oracle:  {:?}",
                a.0[i], b.0[i]
            );
        }
    }
    if a.0.len() != b.0.len() {
        return format!(
            "decoder gave {} events, oracle {}; next decoder event: {:?}; next oracle event: {:?}\n  decoder result: {:?}, oracle result: {:?}",
            a.0.len(),
            b.0.len(),
            a.0.get(n),
            b.0.get(n),
            a.1,
            b.1
        );
    }
    format!("results differ: decoder {:?}, oracle {:?}", a.1, b.1)
}
