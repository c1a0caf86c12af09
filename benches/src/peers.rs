//! The peers: general JSON parsers doing equal work on the same bytes.
//!
//! "Equal work" means every value of the body is visited: the tree parsers
//! (serde_json, simd-json, sonic-rs) build their tree and the walk touches
//! every scalar and key; the streaming parsers (actson, bufjson, struson)
//! hand out every token and the walk reads the text of every scalar and key.
//! Every walk counts values and keys, and the counts must agree across
//! parsers ([`Visit`]); the typed serde_json frames and the C++ simdjson
//! On Demand walk ([`crate::simdjson`], which visits the frames' cells as
//! our events tier does) count rows and cells instead, which must agree
//! with the generator's summary.

use std::borrow::Cow;
use std::io::{self, Read};

use kusto_frames_gen::Summary;

use crate::mix;
use crate::simdjson;

/// What a walk over the whole JSON text saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Visit {
    /// Scalar values (strings, numbers, booleans, nulls), keys excluded.
    pub values: u64,
    /// Object keys.
    pub keys: u64,
    /// A checksum, to keep the work from being optimised away (differs
    /// between parsers: raw or unescaped text, parsed or raw numbers).
    pub sum: u64,
}

impl Visit {
    #[inline(always)]
    fn value(&mut self, x: u64) {
        self.values += 1;
        self.sum = mix(self.sum, x);
    }

    #[inline(always)]
    fn key(&mut self, len: usize) {
        self.keys += 1;
        self.sum = mix(self.sum, len as u64);
    }

    /// The counts, without the checksum.
    pub fn counts(&self) -> (u64, u64) {
        (self.values, self.keys)
    }
}

/// Every peer benchmark, by the name used in benchmark ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    /// `serde_json::from_slice::<serde_json::Value>`, then a walk.
    SerdeJsonValue,
    /// `serde_json::from_slice` into typed V2 frames (rows of typed cells).
    SerdeJsonTyped,
    /// simd-json `to_borrowed_value_with_buffers` (after copying the input
    /// into a reused buffer, as it parses in place), then a walk.
    SimdJsonBorrowed,
    /// simd-json `to_tape_with_buffers` (same copy), then a walk of the tape.
    SimdJsonTape,
    /// `sonic_rs::from_slice::<sonic_rs::Value>`, then a walk.
    SonicRs,
    /// actson's push parser (byte at a time), every event consumed.
    Actson,
    /// bufjson's lexer + syntax parser, every token consumed.
    Bufjson,
    /// struson's pull reader, every value read.
    Struson,
    /// C++ simdjson's On Demand API over a padded copy of the body (made
    /// before timing), every cell of every row visited as our events tier
    /// does ([`crate::simdjson`]), numbers by their JSON token.
    SimdjsonOndemand,
    /// The same with every number parsed ([`simdjson::Numbers::Parsed`]).
    SimdjsonOndemandParsed,
}

impl Peer {
    /// Every peer.
    pub const ALL: [Peer; 10] = [
        Peer::SerdeJsonValue,
        Peer::SerdeJsonTyped,
        Peer::SimdJsonBorrowed,
        Peer::SimdJsonTape,
        Peer::SonicRs,
        Peer::Actson,
        Peer::Bufjson,
        Peer::Struson,
        Peer::SimdjsonOndemand,
        Peer::SimdjsonOndemandParsed,
    ];

    /// `false` for the simdjson peers when simdjson was not built (see
    /// [`crate::simdjson::AVAILABLE`]).
    pub fn available(self) -> bool {
        !matches!(self, Peer::SimdjsonOndemand | Peer::SimdjsonOndemandParsed)
            || simdjson::AVAILABLE
    }

    /// The name used in benchmark ids.
    pub fn name(self) -> &'static str {
        match self {
            Peer::SerdeJsonValue => "serde_json_value",
            Peer::SerdeJsonTyped => "serde_json_typed",
            Peer::SimdJsonBorrowed => "simd_json_borrowed",
            Peer::SimdJsonTape => "simd_json_tape",
            Peer::SonicRs => "sonic_rs",
            Peer::Actson => "actson",
            Peer::Bufjson => "bufjson",
            Peer::Struson => "struson",
            Peer::SimdjsonOndemand => "simdjson_ondemand",
            Peer::SimdjsonOndemandParsed => "simdjson_ondemand_parsed",
        }
    }

    /// `true` for the incremental parsers, which can also be fed in chunks.
    pub fn streaming(self) -> bool {
        matches!(self, Peer::Actson | Peer::Bufjson | Peer::Struson)
    }
}

// ---------------------------------------------------------------------------
// A reader that hands out at most `n` bytes per read: a body fed in chunks.
// ---------------------------------------------------------------------------

/// An [`io::Read`] over a slice that returns at most `chunk` bytes per call,
/// like a socket delivering the body in pieces.
#[derive(Debug)]
pub struct ChunkReader<'a> {
    data: &'a [u8],
    chunk: usize,
}

impl<'a> ChunkReader<'a> {
    /// Reads `data` at most `chunk` bytes at a time.
    pub fn new(data: &'a [u8], chunk: usize) -> Self {
        ChunkReader {
            data,
            chunk: chunk.max(1),
        }
    }
}

impl Read for ChunkReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.data.len().min(buf.len()).min(self.chunk);
        let (head, tail) = self.data.split_at(n);
        buf[..n].copy_from_slice(head);
        self.data = tail;
        Ok(n)
    }
}

// ---------------------------------------------------------------------------
// serde_json
// ---------------------------------------------------------------------------

fn walk_serde(v: &serde_json::Value, t: &mut Visit) {
    use serde_json::Value as V;
    match v {
        V::Null => t.value(0),
        V::Bool(b) => t.value(u64::from(*b)),
        V::Number(n) => t.value(match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => u,
            (None, Some(i)) => i as u64,
            _ => n.as_f64().map_or(0, f64::to_bits),
        }),
        V::String(s) => t.value(s.len() as u64),
        V::Array(a) => a.iter().for_each(|v| walk_serde(v, t)),
        V::Object(o) => o.iter().for_each(|(k, v)| {
            t.key(k.len());
            walk_serde(v, t);
        }),
    }
}

/// serde_json into a `Value` tree, then a walk.
pub fn serde_json_value(body: &[u8]) -> Visit {
    let v: serde_json::Value = serde_json::from_slice(body).expect("serde_json");
    let mut t = Visit::default();
    walk_serde(&v, &mut t);
    t
}

/// One cell of a typed frame: JSON scalars converted to Rust values, strings
/// borrowed when unescaped, `dynamic` objects and arrays as a `Value` tree.
#[derive(Debug)]
pub enum TypedCell<'a> {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An integer that fits `i64`.
    I64(i64),
    /// A larger positive integer.
    U64(u64),
    /// Any other number.
    F64(f64),
    /// A string (borrowed unless it had escapes).
    Str(Cow<'a, str>),
    /// An object or array (a `dynamic` value).
    Dynamic(serde_json::Value),
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for TypedCell<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(core::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = TypedCell<'a>;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a cell")
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(TypedCell::Null)
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(TypedCell::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
                Ok(TypedCell::Bool(b))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(TypedCell::I64(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(i64::try_from(v).map_or(TypedCell::U64(v), TypedCell::I64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                Ok(TypedCell::F64(v))
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(TypedCell::Str(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(TypedCell::Str(Cow::Owned(s.into())))
            }
            fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
                Ok(TypedCell::Str(Cow::Owned(s)))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                a: A,
            ) -> Result<Self::Value, A::Error> {
                let d = serde::de::value::SeqAccessDeserializer::new(a);
                serde::Deserialize::deserialize(d).map(TypedCell::Dynamic)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                a: A,
            ) -> Result<Self::Value, A::Error> {
                let d = serde::de::value::MapAccessDeserializer::new(a);
                serde::Deserialize::deserialize(d).map(TypedCell::Dynamic)
            }
        }
        d.deserialize_any(V(core::marker::PhantomData))
    }
}

/// A column of a typed frame.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TypedColumn<'a> {
    /// `ColumnName`.
    #[serde(borrow)]
    pub column_name: Cow<'a, str>,
    /// `ColumnType`.
    #[serde(borrow)]
    pub column_type: Option<Cow<'a, str>>,
}

/// A V2 frame as a serde user would type it: every frame kind in one struct
/// of optional properties (serde's internally tagged enums would buffer each
/// frame first, which is slower still). Other properties are validated and
/// ignored.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TypedFrame<'a> {
    /// `FrameType`.
    #[serde(borrow)]
    pub frame_type: Option<Cow<'a, str>>,
    /// `TableId`.
    pub table_id: Option<i64>,
    /// `TableKind`.
    #[serde(borrow)]
    pub table_kind: Option<Cow<'a, str>>,
    /// `TableName`.
    #[serde(borrow)]
    pub table_name: Option<Cow<'a, str>>,
    /// `Columns`.
    #[serde(borrow)]
    pub columns: Option<Vec<TypedColumn<'a>>>,
    /// `Rows`.
    #[serde(borrow)]
    pub rows: Option<Vec<Vec<TypedCell<'a>>>>,
}

/// Rows and cells of typed frames, and a checksum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TypedCount {
    /// Rows over all frames.
    pub rows: u64,
    /// Cells over all rows.
    pub cells: u64,
    /// Checksum.
    pub sum: u64,
}

/// serde_json into typed frames (`Vec<TypedFrame>`), then a visit of every cell.
pub fn serde_json_typed(body: &[u8]) -> TypedCount {
    let frames: Vec<TypedFrame<'_>> = serde_json::from_slice(body).expect("serde_json typed");
    let mut c = TypedCount::default();
    for f in &frames {
        for row in f.rows.iter().flatten() {
            c.rows += 1;
            for cell in row {
                c.cells += 1;
                let x = match cell {
                    TypedCell::Null => 0,
                    TypedCell::Bool(b) => u64::from(*b),
                    TypedCell::I64(i) => *i as u64,
                    TypedCell::U64(u) => *u,
                    TypedCell::F64(f) => f.to_bits(),
                    TypedCell::Str(s) => s.len() as u64,
                    TypedCell::Dynamic(v) => {
                        let mut t = Visit::default();
                        walk_serde(v, &mut t);
                        t.sum
                    }
                };
                c.sum = mix(c.sum, x);
            }
        }
    }
    c
}

// ---------------------------------------------------------------------------
// simd-json
// ---------------------------------------------------------------------------

fn static_node(s: &simd_json::StaticNode) -> u64 {
    use simd_json::prelude::*;
    if let Some(b) = s.as_bool() {
        u64::from(b)
    } else if let Some(u) = s.as_u64() {
        u
    } else if let Some(i) = s.as_i64() {
        i as u64
    } else {
        s.as_f64().map_or(0, f64::to_bits)
    }
}

fn walk_simd(v: &simd_json::BorrowedValue<'_>, t: &mut Visit) {
    use simd_json::BorrowedValue as V;
    match v {
        V::Static(s) => t.value(static_node(s)),
        V::String(s) => t.value(s.len() as u64),
        V::Array(a) => a.iter().for_each(|v| walk_simd(v, t)),
        V::Object(o) => o.iter().for_each(|(k, v)| {
            t.key(k.len());
            walk_simd(v, t);
        }),
    }
}

/// Reusable state of the SIMD peers for one body: simd-json's buffer that
/// it parses in place and its scratch buffers; simdjson's parser and the
/// padded copy of the body it needs.
pub struct SimdState<'a> {
    buf: Vec<u8>,
    buffers: simd_json::Buffers,
    simdjson: simdjson::Parser,
    padded: simdjson::Padded<'a>,
}

impl core::fmt::Debug for SimdState<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SimdState").finish_non_exhaustive()
    }
}

impl<'a> SimdState<'a> {
    /// State for runs over `body` (the only body that simdjson's peer
    /// accepts with it: its padded copy is made here, outside any timing).
    pub fn new(body: &'a [u8]) -> Self {
        let len = body.len();
        SimdState {
            buf: Vec::with_capacity(len),
            buffers: simd_json::Buffers::new(len),
            simdjson: simdjson::Parser::new(),
            padded: simdjson::Padded::new(body),
        }
    }

    /// Copies `body` into the reused buffer: simd-json parses in place, so
    /// this copy is part of its cost.
    fn load(&mut self, body: &[u8]) -> (&mut [u8], &mut simd_json::Buffers) {
        self.buf.clear();
        self.buf.extend_from_slice(body);
        (&mut self.buf, &mut self.buffers)
    }
}

/// simd-json: copy, parse into a borrowed value tree, walk it.
pub fn simd_json_borrowed(body: &[u8], st: &mut SimdState<'_>) -> Visit {
    let (buf, buffers) = st.load(body);
    let v = simd_json::to_borrowed_value_with_buffers(buf, buffers).expect("simd-json");
    let mut t = Visit::default();
    walk_simd(&v, &mut t);
    t
}

fn walk_tape(nodes: &[simd_json::Node<'_>], i: usize, t: &mut Visit) -> usize {
    use simd_json::Node;
    match nodes.get(i) {
        Some(Node::String(s)) => {
            t.value(s.len() as u64);
            i + 1
        }
        Some(Node::Static(s)) => {
            t.value(static_node(s));
            i + 1
        }
        Some(Node::Array { len, .. }) => {
            let mut j = i + 1;
            for _ in 0..*len {
                j = walk_tape(nodes, j, t);
            }
            j
        }
        Some(Node::Object { len, .. }) => {
            let mut j = i + 1;
            for _ in 0..*len {
                if let Some(Node::String(k)) = nodes.get(j) {
                    t.key(k.len());
                }
                j = walk_tape(nodes, j + 1, t);
            }
            j
        }
        None => i + 1,
    }
}

/// simd-json: copy, parse into a tape, walk it.
pub fn simd_json_tape(body: &[u8], st: &mut SimdState<'_>) -> Visit {
    let (buf, buffers) = st.load(body);
    let tape = simd_json::to_tape_with_buffers(buf, buffers).expect("simd-json tape");
    let mut t = Visit::default();
    let end = walk_tape(&tape.0, 0, &mut t);
    assert_eq!(end, tape.0.len(), "tape walk");
    t
}

// ---------------------------------------------------------------------------
// sonic-rs
// ---------------------------------------------------------------------------

fn walk_sonic(v: &sonic_rs::Value, t: &mut Visit) {
    use sonic_rs::{JsonContainerTrait, JsonType, JsonValueTrait};
    match v.get_type() {
        JsonType::Null => t.value(0),
        JsonType::Boolean => t.value(u64::from(v.is_true())),
        JsonType::Number => t.value(match (v.as_u64(), v.as_i64()) {
            (Some(u), _) => u,
            (None, Some(i)) => i as u64,
            _ => v.as_f64().map_or(0, f64::to_bits),
        }),
        JsonType::String => t.value(v.as_str().map_or(0, str::len) as u64),
        JsonType::Array => {
            if let Some(a) = v.as_array() {
                a.iter().for_each(|v| walk_sonic(v, t));
            }
        }
        JsonType::Object => {
            if let Some(o) = v.as_object() {
                o.iter().for_each(|(k, v)| {
                    t.key(k.len());
                    walk_sonic(v, t);
                });
            }
        }
    }
}

/// sonic-rs into a `Value` tree, then a walk.
pub fn sonic_rs(body: &[u8]) -> Visit {
    let v: sonic_rs::Value = sonic_rs::from_slice(body).expect("sonic-rs");
    let mut t = Visit::default();
    walk_sonic(&v, &mut t);
    t
}

// ---------------------------------------------------------------------------
// actson
// ---------------------------------------------------------------------------

fn actson_event<F: actson::feeder::JsonFeeder>(
    p: &actson::JsonParser<F>,
    ev: actson::JsonEvent,
    t: &mut Visit,
) {
    use actson::JsonEvent as E;
    match ev {
        E::FieldName => t.key(p.current_str().expect("actson key").len()),
        E::ValueString | E::ValueInt | E::ValueFloat => {
            t.value(p.current_str().expect("actson value").len() as u64)
        }
        E::ValueTrue => t.value(1),
        E::ValueFalse | E::ValueNull => t.value(0),
        E::NeedMoreInput | E::StartObject | E::EndObject | E::StartArray | E::EndArray => {}
    }
}

/// actson over the whole buffer.
pub fn actson_whole(body: &[u8]) -> Visit {
    let mut p = actson::JsonParser::new(actson::feeder::SliceJsonFeeder::new(body));
    let mut t = Visit::default();
    while let Some(ev) = p.next_event().expect("actson") {
        actson_event(&p, ev, &mut t);
    }
    t
}

/// actson fed `chunk` bytes at a time through its push feeder.
pub fn actson_chunked(body: &[u8], chunk: usize) -> Visit {
    use actson::feeder::PushJsonFeeder;
    use actson::JsonEvent;
    let mut p = actson::JsonParser::new(PushJsonFeeder::new());
    let mut chunks = body.chunks(chunk.max(1));
    let mut cur: &[u8] = &[];
    let mut t = Visit::default();
    while let Some(ev) = p.next_event().expect("actson") {
        if ev == JsonEvent::NeedMoreInput {
            if cur.is_empty() {
                match chunks.next() {
                    Some(c) => cur = c,
                    None => {
                        p.feeder.done();
                        continue;
                    }
                }
            }
            let n = p.feeder.push_bytes(cur);
            cur = &cur[n..];
        } else {
            actson_event(&p, ev, &mut t);
        }
    }
    t
}

// ---------------------------------------------------------------------------
// bufjson
// ---------------------------------------------------------------------------

fn bufjson_walk<L>(mut p: bufjson::syntax::Parser<L>) -> Visit
where
    L: bufjson::lexical::Analyzer,
    L::Error: 'static,
{
    use bufjson::lexical::{Content, Token};
    let mut t = Visit::default();
    loop {
        match p.next_non_white() {
            Token::Str => {
                let c = p.content();
                t.value(c.literal_len() as u64);
            }
            // The string just counted as a value was a key.
            Token::NameSep => {
                t.values -= 1;
                t.keys += 1;
            }
            Token::Num => {
                let c = p.content();
                t.value(c.literal_len() as u64);
            }
            Token::LitTrue => t.value(1),
            Token::LitFalse | Token::LitNull => t.value(0),
            Token::Eof => break,
            Token::Err => panic!("bufjson: {}", p.err()),
            _ => {}
        }
    }
    t
}

/// bufjson over the whole buffer (`FixedAnalyzer`).
pub fn bufjson_whole(body: &[u8]) -> Visit {
    bufjson_walk(bufjson::lexical::fixed::FixedAnalyzer::new(body).into_parser())
}

/// bufjson reading `chunk` bytes at a time (`ReadAnalyzer`, whose buffer is
/// at least 512 bytes).
pub fn bufjson_chunked(body: &[u8], chunk: usize) -> Visit {
    let r = ChunkReader::new(body, chunk);
    let lexer = bufjson::lexical::read::ReadAnalyzer::with_buf_size(r, chunk.clamp(512, 1 << 20));
    bufjson_walk(lexer.into_parser())
}

// ---------------------------------------------------------------------------
// struson
// ---------------------------------------------------------------------------

fn struson_value<R: struson::reader::JsonReader>(r: &mut R, t: &mut Visit) {
    use struson::reader::ValueType;
    match r.peek().expect("struson") {
        ValueType::Array => {
            r.begin_array().expect("struson");
            while r.has_next().expect("struson") {
                struson_value(r, t);
            }
            r.end_array().expect("struson");
        }
        ValueType::Object => {
            r.begin_object().expect("struson");
            while r.has_next().expect("struson") {
                let k = r.next_name().expect("struson").len();
                t.key(k);
                struson_value(r, t);
            }
            r.end_object().expect("struson");
        }
        ValueType::String => t.value(r.next_str().expect("struson").len() as u64),
        ValueType::Number => t.value(r.next_number_as_str().expect("struson").len() as u64),
        ValueType::Boolean => t.value(u64::from(r.next_bool().expect("struson"))),
        ValueType::Null => {
            r.next_null().expect("struson");
            t.value(0);
        }
    }
}

fn struson_read<R: Read>(input: R) -> Visit {
    use struson::reader::{JsonReader, JsonStreamReader, ReaderSettings};
    // Its fastest settings that accept every RFC 8259 body: no JSON path
    // tracking, and no limit on number length (the default rejects
    // numbers such as `6E179`).
    let settings = ReaderSettings {
        track_path: false,
        restrict_number_values: false,
        ..ReaderSettings::default()
    };
    let mut r = JsonStreamReader::new_custom(input, settings);
    let mut t = Visit::default();
    struson_value(&mut r, &mut t);
    r.consume_trailing_whitespace().expect("struson");
    t
}

/// struson over the whole buffer (as a `Read` of the slice).
pub fn struson_whole(body: &[u8]) -> Visit {
    struson_read(body)
}

/// struson reading `chunk` bytes at a time.
pub fn struson_chunked(body: &[u8], chunk: usize) -> Visit {
    struson_read(ChunkReader::new(body, chunk))
}

// ---------------------------------------------------------------------------
// simdjson (C++)
// ---------------------------------------------------------------------------

/// C++ simdjson's On Demand walk of `body`, whose padded copy `st` holds,
/// touching numbers as `numbers` says. Panics if `st` was made for another
/// body, or on a simdjson error.
pub fn simdjson_ondemand(
    body: &[u8],
    st: &mut SimdState<'_>,
    numbers: simdjson::Numbers,
) -> simdjson::CellCount {
    assert!(
        st.padded.is_copy_of(body),
        "SimdState was made for another body"
    );
    match st.simdjson.walk(&st.padded, numbers) {
        Ok(c) => c,
        Err(e) => panic!("simdjson: {e}"),
    }
}

// ---------------------------------------------------------------------------
// Dispatch
// ---------------------------------------------------------------------------

/// What a peer run returns: a value walk, or typed rows and cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A walk over every value.
    Walk(Visit),
    /// Typed frames.
    Typed(TypedCount),
    /// The rows and cells of every frame, as our events tier visits them.
    Cells(simdjson::CellCount),
}

impl Outcome {
    /// Panics unless the run saw everything: a walk, as many values and keys
    /// as the `reference` walk; typed frames and cell walks, the generator's
    /// rows and cells.
    /// `what` names the run in the message.
    #[track_caller]
    pub fn assert_complete(&self, reference: (u64, u64), summary: &Summary, what: &str) {
        match self {
            Outcome::Walk(v) => assert_eq!(v.counts(), reference, "{what}"),
            Outcome::Typed(t) => {
                assert_eq!((t.rows, t.cells), (summary.rows, summary.cells), "{what}")
            }
            Outcome::Cells(c) => {
                assert_eq!((c.rows, c.cells), (summary.rows, summary.cells), "{what}")
            }
        }
    }
}

/// Runs `peer` over `body`, fed in chunks of `chunk` bytes (`usize::MAX`:
/// the whole buffer; only streaming peers take other sizes). Never inlined,
/// as [`crate::ours::decode`].
/// `simd` must have been made for `body` ([`SimdState::new`]).
#[inline(never)]
pub fn run(peer: Peer, body: &[u8], chunk: usize, simd: &mut SimdState<'_>) -> Outcome {
    let whole = chunk >= body.len();
    assert!(
        whole || peer.streaming(),
        "{} cannot be fed in chunks",
        peer.name()
    );
    Outcome::Walk(match peer {
        Peer::SerdeJsonValue => serde_json_value(body),
        Peer::SerdeJsonTyped => return Outcome::Typed(serde_json_typed(body)),
        Peer::SimdJsonBorrowed => simd_json_borrowed(body, simd),
        Peer::SimdJsonTape => simd_json_tape(body, simd),
        Peer::SonicRs => sonic_rs(body),
        Peer::Actson if whole => actson_whole(body),
        Peer::Actson => actson_chunked(body, chunk),
        Peer::Bufjson if whole => bufjson_whole(body),
        Peer::Bufjson => bufjson_chunked(body, chunk),
        Peer::Struson if whole => struson_whole(body),
        Peer::Struson => struson_chunked(body, chunk),
        Peer::SimdjsonOndemand => {
            return Outcome::Cells(simdjson_ondemand(body, simd, simdjson::Numbers::Token))
        }
        Peer::SimdjsonOndemandParsed => {
            return Outcome::Cells(simdjson_ondemand(body, simd, simdjson::Numbers::Parsed))
        }
    })
}
