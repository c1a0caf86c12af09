//! The bodies of the kusto-frames fuzz targets.
//!
//! Each `check_*` function takes one fuzz input and panics when an invariant
//! breaks. The `fuzz_targets/*.rs` binaries call them under libFuzzer
//! (`cargo +nightly fuzz run TARGET`), and `tests/replay.rs` calls them on
//! stable over the hand-written corpus, the seeds and the regression inputs.
//!
//! | target           | input                                   | checks |
//! |------------------|-----------------------------------------|--------|
//! | `decode_chunked` | selector byte, then the body            | [`check_decode_chunked`] |
//! | `decode_whole`   | the body                                | [`check_decode_whole`] |
//! | `typed`          | text (lossy UTF-8)                      | [`check_typed`] |
//! | `bufread`        | selector byte, then the body            | [`check_bufread`] (through `kusto_frames_io::EventReader`) |

use std::fmt::Write as _;
use std::io::{self, BufRead, Read};
use std::ops::ControlFlow;

use kusto_frames::value::{convert, DateTime, Decimal, Dynamic, Guid, ScalarType, TimeSpan, Value};
use kusto_frames::{
    decode_chunks, decode_chunks_with, decode_slice, Cell, CellKind, Decoder, DecoderConfig, Error,
    ErrorKind, Event, Format, OwnedCell, OwnedEvent,
};
use kusto_frames_io::{EventReader, ReadError};
use serde::de::IgnoredAny;

/// The names of the fuzz targets, as `fuzz_targets/<name>.rs`, `fuzz/seeds/<name>/`
/// and `fuzz/regressions/<name>/` spell them.
pub const TARGETS: [&str; 4] = ["decode_chunked", "decode_whole", "typed", "bufread"];

/// Runs the check of the target `name` on `data`.
///
/// # Panics
/// When `name` is not one of [`TARGETS`], or when the check fails.
pub fn check(name: &str, data: &[u8]) {
    match name {
        "decode_chunked" => check_decode_chunked(data),
        "decode_whole" => check_decode_whole(data),
        "typed" => check_typed(data),
        "bufread" => check_bufread(data),
        _ => panic!("unknown fuzz target {name:?}"),
    }
}

/// What a decode produced: every event, then the outcome.
pub type Decoded = (Vec<OwnedEvent>, Result<(), Error>);

// ---------------------------------------------------------------------------
// decode_chunked
// ---------------------------------------------------------------------------

/// `decode_chunked`: the first byte picks how the rest (the body) is split.
///
/// Selector bits: `0..=5` chunk size minus one (1 to 64 bytes), `6` put an
/// empty chunk before every chunk and after the last, `7` decode with tight
/// limits ([`tight_config`]) instead of the defaults.
///
/// Checks that the split decode, with small chunks joined (the default) and
/// in place, gives exactly the events and the outcome of decoding the body
/// as one chunk, that every error offset is within the
/// body, and the per-event invariants of [`check_events`].
pub fn check_decode_chunked(data: &[u8]) {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let size = usize::from(sel & 0x3f) + 1;
    let empties = sel & 0x40 != 0;
    let tight = sel & 0x80 != 0;

    let mut chunks: Vec<&[u8]> = Vec::new();
    for c in body.chunks(size) {
        if empties {
            chunks.push(&[]);
        }
        chunks.push(c);
    }
    if empties {
        chunks.push(&[]);
    }

    // The reference decodes the body in place; the chunks are decoded both
    // joined (small chunks are, by default) and in place.
    let joined = if tight {
        tight_config()
    } else {
        DecoderConfig::default()
    };
    let mut in_place = joined.clone();
    in_place.join_chunks(0);
    let whole = decode_with(in_place.clone(), [body]);
    let split = decode_with(joined, chunks.iter().copied());
    let split_in_place = decode_with(in_place, chunks.iter().copied());
    check_events(body, &whole);
    check_events(body, &split);
    let how = format!("chunks of {size} bytes (empty chunks: {empties}, tight limits: {tight})");
    assert_same(&whole, &split, &format!("one chunk vs joined {how}"));
    assert_same(
        &whole,
        &split_in_place,
        &format!("one chunk vs in-place {how}"),
    );
    check_row_values(DecoderConfig::default(), chunks.iter().copied());
}

/// Decodes `chunks` (up to the first error) and checks that every cell's
/// [`Row::value`](kusto_frames::Row::value), which takes shortcuts by the
/// cell's kind and reads numbers from the row's bytes wherever they lie
/// (the chunk or the join buffer), equals the public [`convert`] of the
/// same cell.
fn check_row_values<'a>(cfg: DecoderConfig, chunks: impl IntoIterator<Item = &'a [u8]>) {
    let mut dec = Decoder::with_config(cfg);
    for chunk in chunks {
        let mut feed = dec.feed(chunk);
        loop {
            match feed.next_event() {
                Ok(Some(Event::Row(row))) => {
                    for i in 0..row.len() {
                        let cell = row.cell(i).expect("a row's cell");
                        let ty = row
                            .columns()
                            .get(i)
                            .map_or(ScalarType::Unknown, |c| c.scalar_type());
                        let got = row.value(i).expect("a row's cell").map_err(|e| e.error);
                        // As text: NaN is not equal to itself.
                        assert_eq!(
                            format!("{got:?}"),
                            format!("{:?}", convert(ty, cell)),
                            "Row::value vs convert: column {i} ({ty:?}), cell {:?}",
                            cell.raw()
                        );
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(_) => return,
            }
        }
    }
}

// ---------------------------------------------------------------------------
// decode_whole
// ---------------------------------------------------------------------------

/// `decode_whole`: the input is the body.
///
/// Checks that `decode_slice` does not panic and agrees with `decode_chunks`,
/// the per-event invariants of [`check_events`], that tight limits only ever
/// cut the default decode short (same events up to the limit, and the same
/// outcome unless a limit fired), and against `serde_json` that a body the
/// decoder accepts is JSON and that a JSON body is never rejected for a
/// JSON-grammar reason.
pub fn check_decode_whole(body: &[u8]) {
    let slice = decode_slice(body);
    let full = decode_chunks([body]);
    check_events(body, &full);
    assert_same(
        &full,
        &decode_with(DecoderConfig::default(), [body]),
        "decode_chunks vs Decoder::new() by hand",
    );
    match (&slice, &full.1) {
        (Ok(events), Ok(())) => assert!(same_events(events, &full.0), "decode_slice events"),
        (Err(a), Err(b)) => assert_eq!(a, b, "decode_slice error"),
        _ => panic!(
            "decode_slice {:?} vs decode_chunks {:?}",
            slice.map(|_| ()),
            full.1
        ),
    }

    // Tight limits: the same decode, cut short where a limit fires.
    let tight = decode_with(tight_config(), [body]);
    check_events(body, &tight);
    assert!(
        tight.0.len() <= full.0.len() && same_events(&tight.0, &full.0[..tight.0.len()]),
        "tight limits changed the events before the limit fired:\ntight: {:?}\ndefault: {:?}",
        tight,
        full
    );
    match tight.1 {
        Ok(()) => assert_same(&full, &tight, "default vs tight limits"),
        Err(e) if e.kind().is_limit() => {}
        Err(_) => assert_same(&full, &tight, "default vs tight limits (no limit fired)"),
    }

    // Differential against serde_json (whose recursion limit is 128: skip
    // bodies that could nest that deep).
    if count_open_brackets(body) <= 100 {
        let json_ok = serde_json::from_slice::<IgnoredAny>(body).is_ok();
        match full.1 {
            Ok(()) => assert!(json_ok, "the decoder accepted a body that is not JSON"),
            Err(e) if json_ok => assert!(
                !is_json_grammar_error(e.kind()),
                "the decoder rejected a JSON body with {e:?} ({e})"
            ),
            Err(_) => {}
        }
    }
}

// ---------------------------------------------------------------------------
// bufread
// ---------------------------------------------------------------------------

/// `bufread`: the first byte picks how the rest (the body) is read through
/// the std::io adapter, `kusto_frames_io::EventReader`, over a
/// [`std::io::BufReader`].
///
/// Selector bits:
/// - `0..=3`: `n`, the `BufReader` capacity: `n + 1` bytes (1 to 15), or
///   4096 when `n` is 15;
/// - `4..=5`: the API: `0` `for_each` to the end, `1` the `events()`
///   iterator, `2` `for_each` breaking after every event, `3` alternating
///   `next_owned` and a breaking `for_each`;
/// - `6`: the underlying reader returns one byte per `read`;
/// - `7`: the underlying reader fails every 3rd `read` with `Interrupted`
///   (which the adapter retries) and every 7th with `WouldBlock` (which the
///   caller retries, as the adapter documents).
///
/// Checks that the events and the outcome equal `decode_chunks` of the body,
/// and that a finished reader stays finished (a clean end gives no more
/// events, a decode error is sticky).
pub fn check_bufread(data: &[u8]) {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let capacity = match usize::from(sel & 0x0f) + 1 {
        16 => 4096,
        n => n,
    };
    let mode = (sel >> 4) & 3;
    let reader = Flaky {
        data: body,
        max_read: if sel & 0x40 != 0 { 1 } else { usize::MAX },
        fail: sel & 0x80 != 0,
        reads: 0,
    };
    let mut er = EventReader::from_read_with_capacity(capacity, reader);
    let got = read_events(&mut er, mode, body.len());
    let want = decode_chunks([body]);
    check_events(body, &got);
    assert_same(
        &want,
        &got,
        &format!(
            "decode_chunks vs EventReader (selector {sel:#04x}: capacity {capacity}, mode {mode})"
        ),
    );

    // A finished reader stays finished.
    match (&got.1, next_owned_retrying(&mut er)) {
        (Ok(()), Ok(None)) => {}
        (Err(e), Err(ReadError::Decode(again))) if *e == again => {}
        (r, again) => panic!("EventReader after the end ({r:?}): next_owned gave {again:?}"),
    }
}

/// Reads every event from `er` with the API `mode` picks, retrying
/// `WouldBlock`; returns the events and the outcome.
fn read_events<R: BufRead>(er: &mut EventReader<R>, mode: u8, body_len: usize) -> Decoded {
    let mut events = Vec::new();
    // Every call makes progress (an event, a byte or an end) except a
    // WouldBlock, and at most every 7th read is one.
    let max_calls = 4 * body_len + 64;
    let mut calls = 0usize;
    let mut iter_done = false;
    let outcome = loop {
        calls += 1;
        assert!(
            calls <= max_calls,
            "EventReader made no progress in {max_calls} calls"
        );
        let step: Result<bool, ReadError> = match mode {
            0 => er
                .for_each(|ev| {
                    events.push(ev.to_owned());
                    ControlFlow::Continue(())
                })
                .map(|flow| flow.is_continue()),
            1 => match er.events().next() {
                Some(Ok(ev)) => {
                    events.push(ev);
                    Ok(false)
                }
                Some(Err(e)) => Err(e),
                None => {
                    iter_done = true;
                    Ok(true)
                }
            },
            _ if mode == 2 || calls.is_multiple_of(2) => er
                .for_each(|ev| {
                    events.push(ev.to_owned());
                    ControlFlow::Break(())
                })
                .map(|flow| flow.is_continue()),
            _ => er.next_owned().map(|ev| match ev {
                Some(ev) => {
                    events.push(ev);
                    false
                }
                None => true,
            }),
        };
        match step {
            Ok(true) => break Ok(()),
            Ok(false) => {}
            Err(ReadError::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(ReadError::Decode(e)) => break Err(e),
            Err(e) => panic!("EventReader failed: {e:?}"),
        }
    };
    if iter_done {
        assert!(er.events().next().is_none(), "events() after the end");
    }
    (events, outcome)
}

fn next_owned_retrying<R: BufRead>(
    er: &mut EventReader<R>,
) -> Result<Option<OwnedEvent>, ReadError> {
    loop {
        match er.next_owned() {
            Err(ReadError::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {}
            r => return r,
        }
    }
}

/// A reader over a slice that returns at most `max_read` bytes per `read`
/// and, when `fail` is set, fails some reads with transient errors.
struct Flaky<'a> {
    data: &'a [u8],
    max_read: usize,
    fail: bool,
    reads: u64,
}

impl Read for Flaky<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reads += 1;
        if self.fail && self.reads.is_multiple_of(3) {
            return Err(io::ErrorKind::Interrupted.into());
        }
        if self.fail && self.reads.is_multiple_of(7) {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = buf.len().min(self.max_read).min(self.data.len());
        let (head, rest) = self.data.split_at(n);
        buf[..n].copy_from_slice(head);
        self.data = rest;
        Ok(n)
    }
}

// ---------------------------------------------------------------------------
// typed
// ---------------------------------------------------------------------------

const SCALAR_TYPES: [ScalarType; 11] = ScalarType::ALL;

const CELL_KINDS: [CellKind; 6] = [
    CellKind::Null,
    CellKind::Bool,
    CellKind::Number,
    CellKind::String,
    CellKind::Object,
    CellKind::Array,
];

/// `typed`: the input as text (invalid UTF-8 replaced by U+FFFD).
///
/// Runs every parser on the text: `DateTime`, `TimeSpan` and `Guid` values
/// that parse must print back to text that parses to the same value (and a
/// guid prints as the lowercased input); a `Decimal` that parses must have a
/// scaled form that prints and parses back to itself and agrees with
/// `to_f64`. Then `convert`s a cell of every kind holding the text to every
/// scalar type and checks the result against the parsers (see
/// [`check_convert`]). The first 8 bytes, as ticks, also go through the
/// `DateTime` and `TimeSpan` printers.
pub fn check_typed(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let s: &str = &text;

    if let Some(dt) = DateTime::parse(s) {
        check_datetime_round_trip(dt);
    }
    if let Some(ts) = TimeSpan::parse(s) {
        check_timespan_round_trip(ts);
    }
    if let Some(g) = Guid::parse(s) {
        let shown = g.to_string();
        assert_eq!(
            Guid::parse(&shown),
            Some(g),
            "guid {s:?} printed as {shown:?}"
        );
        assert_eq!(
            shown,
            s.to_ascii_lowercase(),
            "guid {s:?} printed as {shown:?}"
        );
    }
    if let Some(d) = Decimal::parse(s) {
        check_decimal(s, d);
    }

    let quoted = serde_json::to_string(s).expect("a str serializes");
    for kind in CELL_KINDS {
        let cell = if kind == CellKind::String {
            Cell::new(kind, &quoted, s)
        } else {
            Cell::new(kind, s, s)
        };
        check_convert(cell);
    }

    // The printers over arbitrary ticks.
    if let Some(head) = data.get(..8) {
        let mut b = [0u8; 8];
        b.copy_from_slice(head);
        let t = i64::from_le_bytes(b);
        check_timespan_round_trip(TimeSpan::from_ticks(t));
        // Any ticks print; only years 0000..=9999 parse back.
        let dt = DateTime::from_ticks(t);
        let shown = dt.to_string();
        if dt < DateTime::MIN || dt > DateTime::MAX {
            assert_eq!(
                DateTime::parse(&shown),
                None,
                "out-of-range datetime {t} printed as {shown:?} parses back"
            );
        }
        let span = DateTime::MAX.ticks() - DateTime::MIN.ticks() + 1;
        let in_range = DateTime::from_ticks(DateTime::MIN.ticks() + t.rem_euclid(span));
        check_datetime_round_trip(in_range);
    }
}

fn check_datetime_round_trip(dt: DateTime) {
    let shown = dt.to_string();
    assert_eq!(
        DateTime::parse(&shown),
        Some(dt),
        "datetime {} printed as {shown:?}",
        dt.ticks()
    );
    assert_eq!(
        DateTime::from_parts(dt.to_parts()),
        Some(dt),
        "datetime {} to_parts {:?}",
        dt.ticks(),
        dt.to_parts()
    );
}

fn check_timespan_round_trip(ts: TimeSpan) {
    let shown = ts.to_string();
    assert_eq!(
        TimeSpan::parse(&shown),
        Some(ts),
        "timespan {} printed as {shown:?}",
        ts.ticks()
    );
}

fn check_decimal(s: &str, d: Decimal<'_>) {
    assert_eq!(d.text(), s);
    assert_eq!(d.to_string(), s);
    let f = d.to_f64();
    let _ = (d.is_nan(), d.is_infinite());
    let Some((m, scale)) = d.to_scaled() else {
        return;
    };
    assert!(scale <= 38, "decimal {s:?}: scale {scale} > 38");
    assert!(!d.is_nan() && !d.is_infinite(), "decimal {s:?} scaled");
    let shown = format_scaled(m, scale);
    let back = Decimal::parse(&shown).and_then(|d| d.to_scaled());
    assert_eq!(
        back,
        Some((m, scale)),
        "decimal {s:?} = ({m}, {scale}) printed as {shown:?}"
    );
    // The scaled value agrees with the nearest f64 of the text.
    let approx = m as f64 / 10f64.powi(scale as i32);
    let tolerance = 1e-9 * f.abs().max(f64::MIN_POSITIVE);
    assert!(
        (approx - f).abs() <= tolerance,
        "decimal {s:?}: to_scaled ({m}, {scale}) = {approx:e} but to_f64 = {f:e}"
    );
}

/// `m / 10^scale` as decimal text with exactly `scale` fraction digits.
fn format_scaled(m: i128, scale: u32) -> String {
    let digits = m.unsigned_abs().to_string();
    let scale = scale as usize;
    let mut out = String::new();
    if m < 0 {
        out.push('-');
    }
    if scale == 0 {
        out.push_str(&digits);
    } else if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        let _ = write!(out, "{int}.{frac}");
    } else {
        let _ = write!(out, "0.{}{digits}", "0".repeat(scale - digits.len()));
    }
    out
}

/// `convert`s `cell` to every scalar type and checks each result against the
/// parsers and the documented rules.
pub fn check_convert(cell: Cell<'_>) {
    let kind = cell.kind();
    let text = cell.text();
    if kind == CellKind::String {
        check_embedded_json(text);
    }
    let null_like = kind == CellKind::Null || (kind == CellKind::String && text.is_empty());
    for ty in SCALAR_TYPES {
        let r = convert(ty, cell);
        if let Err(e) = r {
            assert_eq!(e.expected(), ty, "convert({ty:?}) error names its type");
            let _ = e.to_string();
        }
        if kind == CellKind::Null {
            assert_eq!(r, Ok(Value::Null), "convert({ty:?}) of null");
            continue;
        }
        match (ty, r) {
            (ScalarType::Dynamic, v) => assert_eq!(v, Ok(Value::Dynamic(Dynamic::new(cell)))),
            (ScalarType::Unknown, v) => assert_eq!(v, Ok(Value::Other(cell))),
            (_, Ok(Value::Null)) => assert!(
                null_like && ty != ScalarType::String,
                "convert({ty:?}) of {cell:?} gave Null"
            ),
            (ScalarType::Int, Ok(Value::Int(i))) => assert_eq!(
                convert(ScalarType::Long, cell),
                Ok(Value::Long(i64::from(i))),
                "int {cell:?} as long"
            ),
            (ScalarType::Long, Ok(Value::Long(l))) => {
                assert_eq!(l.to_string().parse::<i64>().ok(), Some(l));
                let digits = text.strip_prefix('-').unwrap_or(text);
                assert!(
                    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
                    "long from {cell:?}"
                );
                assert_eq!(text.parse::<i64>().ok(), Some(l), "long from {cell:?}");
            }
            (ScalarType::Real, Ok(Value::Real(v))) => {
                if !matches!(text, "NaN" | "Infinity" | "-Infinity") {
                    assert_eq!(text.parse::<f64>().ok(), Some(v), "real from {cell:?}");
                }
            }
            (ScalarType::Decimal, Ok(Value::Decimal(d))) => {
                assert_eq!(d.text(), text);
                check_decimal(text, d);
            }
            (ScalarType::String, Ok(Value::String(v))) => {
                assert_eq!(kind, CellKind::String);
                assert_eq!(v, text);
            }
            (ScalarType::DateTime, Ok(Value::DateTime(dt))) => {
                assert_eq!(DateTime::parse(text), Some(dt), "datetime from {cell:?}");
            }
            (ScalarType::TimeSpan, Ok(Value::TimeSpan(ts))) => {
                if kind == CellKind::String {
                    assert_eq!(TimeSpan::parse(text), Some(ts), "timespan from {cell:?}");
                } else {
                    assert_eq!(text.parse::<i64>().ok(), Some(ts.ticks()), "ticks {cell:?}");
                }
            }
            (ScalarType::Guid, Ok(Value::Guid(g))) => {
                assert_eq!(Guid::parse(text), Some(g), "guid from {cell:?}");
            }
            (ScalarType::Bool, Ok(Value::Bool(_))) => {}
            (_, Err(_)) => {}
            (ty, Ok(v)) => panic!("convert({ty:?}) of {cell:?} gave {v:?}"),
        }
    }
}

/// Whether `text` has a `\u` escape of a UTF-16 surrogate not paired as
/// UTF-16 pairs them (a high one, then a `\u` escape of a low one).
fn has_lone_surrogate_escape(text: &str) -> bool {
    let b = text.as_bytes();
    let hex = |i: usize| {
        b.get(i..i + 4)
            .and_then(|h| core::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        if b.get(i + 1) != Some(&b'u') {
            i += 2;
            continue;
        }
        let Some(cp) = hex(i + 2) else {
            i += 2;
            continue;
        };
        if (0xDC00..0xE000).contains(&cp) {
            return true;
        }
        if (0xD800..0xDC00).contains(&cp) {
            let low = (b.get(i + 6..i + 8) == Some(b"\\u"))
                .then(|| hex(i + 8))
                .flatten();
            if !low.is_some_and(|l| (0xDC00..0xE000).contains(&l)) {
                return true;
            }
            i += 12;
            continue;
        }
        i += 6;
    }
    false
}

/// `Dynamic::embedded_json` against serde_json, away from the depth limits.
fn check_embedded_json(text: &str) {
    if count_open_brackets(text.as_bytes()) > 100 {
        return;
    }
    let cell_text = serde_json::to_string(text).expect("a str serializes");
    let cell = Cell::new(CellKind::String, &cell_text, text);
    let ours = Dynamic::new(cell).embedded_json().is_some();
    // A `\u` escape of a lone surrogate: serde_json skips it unchecked
    // here, and rejects it when it reads the string (as users of the text
    // do); ours rejects it, as the decoder does in a body.
    let reference =
        serde_json::from_str::<IgnoredAny>(text).is_ok() && !has_lone_surrogate_escape(text);
    assert_eq!(
        ours, reference,
        "Dynamic::embedded_json({text:?}): ours {ours}, serde_json {reference}"
    );
}

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

/// Limits small enough that the fuzzer reaches every one of them.
pub fn tight_config() -> DecoderConfig {
    let mut cfg = DecoderConfig::default();
    cfg.max_depth(6)
        .max_token_bytes(24)
        .max_row_bytes(96)
        .max_columns(3)
        .max_open_tables(2);
    cfg
}

/// `decode_chunks` with a given configuration. After a clean `finish`, also
/// checks that the decoder consumed every byte and, for a V2 body, saw its
/// `DataSetCompletion`.
pub fn decode_with<'a, I>(cfg: DecoderConfig, chunks: I) -> Decoded
where
    I: IntoIterator<Item = &'a [u8]>,
{
    let mut dec = Decoder::with_config(cfg);
    let mut fed = 0u64;
    let counted = chunks.into_iter().inspect(|c| fed += c.len() as u64);
    let (events, r) = decode_chunks_with(&mut dec, counted);
    if r.is_ok() {
        assert_eq!(dec.offset(), fed, "Decoder::offset() after a clean finish");
        assert!(
            dec.format() != Some(Format::V2) || dec.completion_seen(),
            "a V2 body finished cleanly without its DataSetCompletion"
        );
    }
    (events, r)
}

/// Errors that only a body that is not JSON may cause. (Not `InvalidUtf8`
/// nor `LoneSurrogate`: serde_json skips values without checking either.)
fn is_json_grammar_error(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::Syntax
            | ErrorKind::UnexpectedEof
            | ErrorKind::InvalidEscape
            | ErrorKind::LeadingZero
            | ErrorKind::InvalidNumber
            | ErrorKind::TrailingComma
            | ErrorKind::ControlCharacter
            | ErrorKind::TrailingData
    )
}

/// How many `[` and `{` bytes `b` holds: a bound on its nesting depth.
fn count_open_brackets(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'[' || c == b'{').count()
}

/// Event lists equal (comparing `f64`s by their debug text, so NaN == NaN).
fn same_events(a: &[OwnedEvent], b: &[OwnedEvent]) -> bool {
    a == b || format!("{a:?}") == format!("{b:?}")
}

/// Panics with the first difference when two decodes differ.
fn assert_same(want: &Decoded, got: &Decoded, what: &str) {
    if same_events(&want.0, &got.0) && want.1 == got.1 {
        return;
    }
    let first = want
        .0
        .iter()
        .zip(&got.0)
        .position(|(a, b)| format!("{a:?}") != format!("{b:?}"))
        .unwrap_or(want.0.len().min(got.0.len()));
    panic!(
        "{what}: decodes differ\n  outcome: {:?} vs {:?}\n  events: {} vs {}\n  \
         first difference at event {first}:\n    {:?}\n    {:?}",
        want.1,
        got.1,
        want.0.len(),
        got.0.len(),
        want.0.get(first),
        got.0.get(first),
    );
}

/// Invariants of one decode of `body`: error offsets within the body, rows
/// at a `[`, cells and raw JSON that are what they claim to be, typed
/// conversion of every cell.
pub fn check_events(body: &[u8], (events, result): &Decoded) {
    if let Err(e) = result {
        assert!(
            e.offset() <= body.len() as u64,
            "error {e:?} offset beyond the body ({} bytes)",
            body.len()
        );
        let _ = e.to_string();
    }
    for ev in events {
        match ev {
            OwnedEvent::Row(row) => {
                assert_eq!(
                    usize::try_from(row.offset)
                        .ok()
                        .and_then(|o| body.get(o))
                        .copied(),
                    Some(b'['),
                    "row offset {} is not at a '['",
                    row.offset
                );
                for cell in &row.cells {
                    check_cell(cell);
                }
            }
            OwnedEvent::RowError { offset, raw, .. } => {
                assert!(*offset < body.len() as u64, "row error offset {offset}");
                check_raw_json(raw);
            }
            OwnedEvent::TableCompletion {
                errors: Some(raw), ..
            }
            | OwnedEvent::DataSetCompletion {
                errors: Some(raw), ..
            }
            | OwnedEvent::V1Exceptions(raw)
            | OwnedEvent::ErrorBody(raw) => check_raw_json(raw),
            _ => {}
        }
    }
}

/// A captured JSON value is JSON.
fn check_raw_json(raw: &str) {
    if count_open_brackets(raw.as_bytes()) <= 100 {
        assert!(
            serde_json::from_str::<IgnoredAny>(raw).is_ok(),
            "raw JSON {raw:?} is not JSON"
        );
    }
}

/// A decoded cell: its kind matches its raw text, a string's text is its
/// raw text unescaped, any other kind's text is its raw text; then every
/// typed conversion of it.
fn check_cell(cell: &OwnedCell) {
    let raw = cell.raw.as_str();
    let text = cell.text.as_str();
    match cell.kind {
        CellKind::Null => assert_eq!(raw, "null"),
        CellKind::Bool => assert!(raw == "true" || raw == "false", "bool cell {raw:?}"),
        CellKind::Number => {
            assert!(
                raw.starts_with(|c: char| c == '-' || c.is_ascii_digit()),
                "number cell {raw:?}"
            );
            check_raw_json(raw);
        }
        CellKind::String => {
            let unescaped: Result<String, _> = serde_json::from_str(raw);
            assert_eq!(
                unescaped.as_deref().ok(),
                Some(text),
                "string cell {raw:?} unescaped"
            );
        }
        CellKind::Object => {
            assert!(
                raw.starts_with('{') && raw.ends_with('}'),
                "object cell {raw:?}"
            );
            check_raw_json(raw);
        }
        CellKind::Array => {
            assert!(
                raw.starts_with('[') && raw.ends_with(']'),
                "array cell {raw:?}"
            );
            check_raw_json(raw);
        }
    }
    if cell.kind != CellKind::String {
        assert_eq!(raw, text, "{:?} cell text", cell.kind);
    }
    check_convert(Cell::new(cell.kind, raw, text));
}
