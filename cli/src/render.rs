//! Rendering values as output text. This is the tool's only text handling:
//! everything it reads comes validated from the decoder.

use core::fmt::Write as _;
use std::borrow::Cow;

use kusto_frames::response::{Json, OneApiError, ResponseError};
use kusto_frames::value::{DateTime, Guid, ScalarType, TimeSpan, Value};
use kusto_frames::{Cell, CellError, CellKind, Column, Row};

/// A small text buffer on the stack, for numbers, dates and guids.
pub(crate) struct Small {
    buf: [u8; 64],
    len: usize,
}

impl Small {
    pub(crate) fn new() -> Self {
        Small {
            buf: [0; 64],
            len: 0,
        }
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Appends the text to `out`: a fixed 32 bytes at once (no call to
    /// `memcpy`), then cut back.
    #[inline(always)]
    pub(crate) fn push_to(&self, out: &mut Vec<u8>) {
        match <&[u8; 32]>::try_from(&self.buf[..32]) {
            Ok(head) if self.len <= 32 => {
                let at = out.len();
                out.extend_from_slice(head);
                out.truncate(at + self.len);
            }
            _ => out.extend_from_slice(self.bytes()),
        }
    }
}

/// Appends `f`: a short one without a call to `memcpy`.
#[inline(always)]
pub(crate) fn push_bytes(t: &mut Vec<u8>, f: &[u8]) {
    if f.len() <= 16 {
        t.reserve(16);
        for &b in f {
            t.push(b);
        }
    } else {
        t.extend_from_slice(f);
    }
}

impl core::fmt::Write for Small {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(core::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// `format!` into a [`Small`].
macro_rules! small {
    ($($arg:tt)*) => {{
        let mut s = Small::new();
        let _ = write!(s, $($arg)*);
        s
    }};
}

/// `00` to `99`.
static PAIRS: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

/// Writes `value` as `width` digits at `at`: two digits a division.
fn put_digits(buf: &mut [u8], at: usize, width: usize, mut value: u64) {
    let mut end = at + width;
    while end >= at + 2 {
        buf[end - 2..end].copy_from_slice(&PAIRS[(value % 100) as usize]);
        value /= 100;
        end -= 2;
    }
    if end > at {
        buf[at] = b'0' + (value % 10) as u8;
    }
}

/// A datetime as `YYYY-MM-DDTHH:MM:SS.fffffffZ` (its `Display`, without
/// the formatting machinery for the years 0000 to 9999).
fn datetime_text(d: DateTime) -> Small {
    let p = d.to_parts();
    let Ok(year) = u64::try_from(p.year) else {
        return small!("{d}");
    };
    if year > 9999 {
        return small!("{d}");
    }
    let mut s = Small::new();
    s.buf[..28].copy_from_slice(b"0000-00-00T00:00:00.0000000Z");
    put_digits(&mut s.buf, 0, 4, year);
    put_digits(&mut s.buf, 5, 2, u64::from(p.month));
    put_digits(&mut s.buf, 8, 2, u64::from(p.day));
    put_digits(&mut s.buf, 11, 2, u64::from(p.hour));
    put_digits(&mut s.buf, 14, 2, u64::from(p.minute));
    put_digits(&mut s.buf, 17, 2, u64::from(p.second));
    put_digits(&mut s.buf, 20, 7, u64::from(p.subsec_ticks));
    s.len = 28;
    s
}

/// A guid, lowercase with hyphens (its `Display`).
fn guid_text(g: Guid) -> Small {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = Small::new();
    let mut at = 0;
    for (i, &byte) in g.as_bytes().iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.buf[at] = b'-';
            at += 1;
        }
        s.buf[at] = HEX[usize::from(byte >> 4)];
        s.buf[at + 1] = HEX[usize::from(byte & 0xf)];
        at += 2;
    }
    s.len = at;
    s
}

/// An integer as text (fast path for the common case): two digits a
/// division.
fn int_text(v: i64) -> Small {
    let mut s = Small::new();
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    let mut m = v.unsigned_abs();
    while m >= 100 {
        i -= 2;
        tmp[i..i + 2].copy_from_slice(&PAIRS[(m % 100) as usize]);
        m /= 100;
    }
    if m >= 10 {
        i -= 2;
        tmp[i..i + 2].copy_from_slice(&PAIRS[m as usize]);
    } else {
        i -= 1;
        tmp[i] = b'0' + m as u8;
    }
    if v < 0 {
        s.buf[0] = b'-';
        s.len = 1;
    }
    let digits = &tmp[i..];
    s.buf[s.len..s.len + digits.len()].copy_from_slice(digits);
    s.len += digits.len();
    s
}

/// A finite `f64` as a JSON number: the shortest text that reads back as
/// the same value (`1.0`, `0.1`, `1e300`, `1e-7`).
pub(crate) fn number(f: f64) -> String {
    if f.is_finite() {
        String::from_utf8_lossy(finite(f).bytes()).into_owned()
    } else {
        "null".to_owned()
    }
}

/// A `real`: a number, or `NaN`, `Infinity`, `-Infinity` (quoted in JSON).
fn real(f: f64) -> (Small, bool) {
    if f.is_nan() {
        (small!("NaN"), false)
    } else if f.is_infinite() {
        (
            small!("{}", if f > 0.0 { "Infinity" } else { "-Infinity" }),
            false,
        )
    } else {
        (finite(f), true)
    }
}

/// A finite `f64` as the shortest text that reads back as the same value,
/// in the notation of `{:?}` (`1.0`, `0.1`, `1e16`, `1e-5`), through
/// `ryu` (which writes numbers from 1e-5 to 1e-4 without an exponent:
/// those go through `{:?}`). Where two shortest texts are equally close,
/// ryu and `{:?}` may pick a different last digit; both read back the same.
#[inline]
fn finite(f: f64) -> Small {
    let mut b = ryu::Buffer::new();
    let r = b.format_finite(f);
    if f != 0.0 && f.abs() < 1e-4 && f.abs() >= 1e-5 {
        return small!("{f:?}");
    }
    let mut s = Small::new();
    s.buf[..r.len()].copy_from_slice(r.as_bytes());
    s.len = r.len();
    s
}

/// A timespan as `[-][d.]hh:mm:ss[.fffffff]` (its `Display`).
fn timespan_text(t: TimeSpan) -> Small {
    const DAY: u64 = 864_000_000_000;
    const SEC: u64 = 10_000_000;
    let mag = t.ticks().unsigned_abs();
    let (days, in_day) = (mag / DAY, mag % DAY);
    let (secs, frac) = (in_day / SEC, in_day % SEC);
    let mut s = Small::new();
    if t.ticks() < 0 {
        s.buf[0] = b'-';
        s.len = 1;
    }
    if days != 0 {
        let d = int_text(days as i64);
        s.buf[s.len..s.len + d.len].copy_from_slice(d.bytes());
        s.len += d.len;
        s.buf[s.len] = b'.';
        s.len += 1;
    }
    let at = s.len;
    s.buf[at..at + 8].copy_from_slice(b"00:00:00");
    put_digits(&mut s.buf, at, 2, secs / 3600);
    put_digits(&mut s.buf, at + 3, 2, secs / 60 % 60);
    put_digits(&mut s.buf, at + 6, 2, secs % 60);
    s.len += 8;
    if frac != 0 {
        s.buf[s.len] = b'.';
        put_digits(&mut s.buf, s.len + 1, 7, frac);
        s.len += 8;
    }
    s
}

/// Bytes that JSON strings escape: `"`, `\\` and the control characters.
static NEEDS_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Appends `s` as a JSON string.
#[inline]
pub(crate) fn push_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !NEEDS_ESCAPE[usize::from(b)] {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        push_escape(out, b);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cold]
fn push_escape(out: &mut Vec<u8>, b: u8) {
    let esc: &[u8] = match b {
        b'"' => b"\\\"",
        b'\\' => b"\\\\",
        b'\n' => b"\\n",
        b'\r' => b"\\r",
        b'\t' => b"\\t",
        0x08 => b"\\b",
        0x0c => b"\\f",
        _ => {
            let hex = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(hex[usize::from(b >> 4)]);
            out.push(hex[usize::from(b & 0xf)]);
            return;
        }
    };
    out.extend_from_slice(esc);
}

/// Appends an optional string as JSON (`null` when absent).
pub(crate) fn push_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => push_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

/// Appends an optional integer as JSON.
pub(crate) fn push_opt_int(out: &mut Vec<u8>, v: Option<i64>) {
    match v {
        Some(v) => out.extend_from_slice(int_text(v).bytes()),
        None => out.extend_from_slice(b"null"),
    }
}

/// `[{"name":..,"type":..},..]`: a table's columns, their type names as
/// sent.
pub(crate) fn columns(b: &mut Vec<u8>, cols: &[Column]) {
    b.push(b'[');
    for (i, c) in cols.iter().enumerate() {
        if i > 0 {
            b.push(b',');
        }
        b.extend_from_slice(br#"{"name":"#);
        push_str(b, c.name());
        b.extend_from_slice(br#","type":"#);
        push_str(b, c.type_name());
        b.push(b'}');
    }
    b.push(b']');
}

/// Appends the entries of a `OneApiErrors`/`Exceptions` value as a JSON
/// array: the array as sent, or a single value as sent wrapped in one, or
/// `[]` when absent (minified, see [`minify`]).
pub(crate) fn push_entries(out: &mut Vec<u8>, raw: Option<&str>) {
    match raw {
        None => out.extend_from_slice(b"[]"),
        Some(r) if r.trim_start().starts_with('[') => out.extend_from_slice(minify(r).as_bytes()),
        Some(r) => {
            out.push(b'[');
            out.extend_from_slice(minify(r).as_bytes());
            out.push(b']');
        }
    }
}

/// JSON text as sent, without the whitespace between its tokens: the same
/// JSON value, with numbers and strings byte for byte as sent, on one line.
/// The text was validated by the decoder.
pub(crate) fn minify(raw: &str) -> Cow<'_, str> {
    let bytes = raw.as_bytes();
    // Text without a byte up to a space (so without whitespace) is its own
    // minified form: eight bytes at a time, no string to follow.
    let mut words = bytes.chunks_exact(8);
    let mut blank = false;
    for w in &mut words {
        let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        if first_below(w, b' ' + 1) != 0 {
            blank = true;
            break;
        }
    }
    if !blank && !words.remainder().iter().any(|&b| b <= b' ') {
        return Cow::Borrowed(raw);
    }
    // The first whitespace byte outside strings, if any: string contents
    // are skipped with memchr.
    let mut in_str = false;
    let mut escaped = false;
    let mut first = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' {
            // Skip to the closing quote.
            let mut j = i + 1;
            loop {
                // Eight bytes at a time up to a quote or a backslash
                // (strings are short: no call).
                while let Some(w) = bytes.get(j..j + 8) {
                    let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
                    let m = first_is(w, b'"') | first_is(w, b'\\');
                    if m != 0 {
                        j += (m.trailing_zeros() / 8) as usize;
                        break;
                    }
                    j += 8;
                }
                match bytes.get(j) {
                    Some(b'\\') => j += 2,
                    Some(b'"') => {
                        j += 1;
                        break;
                    }
                    Some(_) => j += 1,
                    None => return Cow::Borrowed(raw),
                }
            }
            i = j;
            continue;
        }
        if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
            first = Some(i);
            break;
        }
        i += 1;
    }
    let Some(first) = first else {
        return Cow::Borrowed(raw);
    };
    let mut out = Vec::with_capacity(raw.len());
    out.extend_from_slice(&bytes[..first]);
    // Only ASCII whitespace outside strings is dropped: what is left is
    // UTF-8 still.
    for &b in &bytes[first..] {
        if in_str {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_str = false;
            }
        } else if b == b'"' {
            in_str = true;
            out.push(b);
        } else if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
            out.push(b);
        }
    }
    Cow::Owned(
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

/// The first byte of the eight in `w` that is `b` (from the low end): its
/// high bit set, and maybe higher bytes' (the classic test for a zero byte,
/// on `w` xor `b`s: exact up to the first hit).
#[inline(always)]
pub(crate) fn first_is(w: u64, b: u8) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let x = w ^ (LO * u64::from(b));
    x.wrapping_sub(LO) & !x & HI
}

/// Some of the eight bytes of `w` are below `n` (at most 128): the first
/// of them has its high bit set, as [`first_is`].
#[inline(always)]
fn first_below(w: u64, n: u8) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    w.wrapping_sub(LO * u64::from(n)) & !w & HI
}

/// [`minify`] from `src` into `dst` from `k` on, each quote written
/// twice (CSV); returns where the text ends in `dst` and whether a string
/// (a quote) was met. `dst` must hold `2 * src.len()` bytes past `k`.
/// String contents are copied eight bytes at a time up to the next quote
/// or backslash.
#[inline(always)]
fn minify_doubled(src: &[u8], dst: &mut [u8], mut k: usize) -> (usize, bool) {
    let n = src.len();
    let mut i = 0;
    let mut quote = false;
    while i < n {
        let c = src[i];
        i += 1;
        match c {
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            b'"' => {}
            _ => {
                dst[k] = c;
                k += 1;
                continue;
            }
        }
        // A string: up to its closing quote, as is but for the quotes.
        quote = true;
        dst[k] = b'"';
        dst[k + 1] = b'"';
        k += 2;
        loop {
            if i + 8 <= n && k + 8 <= dst.len() {
                let chunk = &src[i..i + 8];
                dst[k..k + 8].copy_from_slice(chunk);
                let w = u64::from_le_bytes([
                    chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
                ]);
                let m = first_is(w, b'"') | first_is(w, b'\\');
                if m == 0 {
                    i += 8;
                    k += 8;
                    continue;
                }
                let p = (m.trailing_zeros() / 8) as usize;
                i += p;
                k += p;
            }
            let Some(&c) = src.get(i) else {
                return (k, quote);
            };
            dst[k] = c;
            i += 1;
            k += 1;
            if c == b'"' {
                dst[k] = b'"';
                k += 1;
                break;
            }
            if c == b'\\' {
                if let Some(&e) = src.get(i) {
                    dst[k] = e;
                    i += 1;
                    k += 1;
                    if e == b'"' {
                        dst[k] = b'"';
                        k += 1;
                    }
                }
            }
        }
    }
    (k, quote)
}

/// Appends `raw` (JSON text) minified as one CSV field: what
/// `csv.field(minify(raw))` writes, in one pass. `special` is the bytes
/// that make a field quoted (the quote among them); quoted when the text
/// has a string (so a quote) or a special byte outside strings.
#[inline]
pub(crate) fn push_json_field(out: &mut Vec<u8>, src: &[u8], special: &[bool; 256]) {
    let n = src.len();
    let start = out.len();
    out.resize(start + 2 * n + 2, 0);
    let dst = &mut out[start..];
    dst[0] = b'"';
    let (k, quote) = minify_doubled(src, dst, 1);
    // Outside strings: only what was written is seen (whitespace went).
    let special_outside = !quote && dst[1..k].iter().any(|&b| special[usize::from(b)]);
    if quote || special_outside {
        dst[k] = b'"';
        out.truncate(start + k + 1);
    } else {
        // No quote was met, so none was doubled: the text, unquoted.
        out.copy_within(start + 1..start + k, start);
        out.truncate(start + k - 1);
    }
}

/// Cell `i` of `row` in its canonical typed form as JSON: bool, int and
/// long as integers, real as a number or `"NaN"`, `"Infinity"`,
/// `"-Infinity"`, decimal as a string of its text, string, datetime
/// (`YYYY-MM-DDTHH:MM:SS.fffffffZ`) and guid (lowercase) as strings,
/// timespan as an integer count of ticks, dynamic as the JSON value as sent
/// (minified), null as null. A cell past the last column, of an unknown
/// type, or that does not fit its type is the JSON value as sent.
/// `Err` with the cell's error when it does not fit.
#[inline(always)]
pub(crate) fn push_cell_json(out: &mut Vec<u8>, row: &Row<'_>, i: usize) -> Result<(), CellError> {
    match quick(row, i) {
        Some(Quick::Null) => {
            out.extend_from_slice(b"null");
            return Ok(());
        }
        Some(Quick::Plain(c)) => {
            out.extend_from_slice(c.raw().as_bytes());
            return Ok(());
        }
        Some(Quick::String(c)) => {
            if plain_string(c) {
                out.extend_from_slice(c.raw().as_bytes());
            } else {
                push_str(out, c.text());
            }
            return Ok(());
        }
        None => {}
    }
    let Some(v) = row.value(i) else {
        out.extend_from_slice(b"null");
        return Ok(());
    };
    match v {
        Ok(v) => {
            // The common cases whose canonical form is the text as sent.
            match (&v, row.cell(i)) {
                (Value::Long(_) | Value::Int(_), Some(c)) if canonical_int(c) => {
                    out.extend_from_slice(c.raw().as_bytes());
                }
                (Value::Real(_), Some(c))
                    if c.kind() == CellKind::Number && canonical_real(c.raw()) =>
                {
                    out.extend_from_slice(c.raw().as_bytes());
                }
                (Value::String(_) | Value::Decimal(_), Some(c)) if plain_string(c) => {
                    out.extend_from_slice(c.raw().as_bytes());
                }
                (Value::DateTime(_), Some(c))
                    if plain_string(c) && canonical_datetime(c.text()) =>
                {
                    out.extend_from_slice(c.raw().as_bytes());
                }
                (Value::Guid(_), Some(c)) if plain_string(c) && canonical_guid(c.text()) => {
                    out.extend_from_slice(c.raw().as_bytes());
                }
                _ => push_value_json(out, &v),
            }
            Ok(())
        }
        Err(e) => {
            if let Some(c) = row.cell(i) {
                out.extend_from_slice(minify(c.raw()).as_bytes());
            }
            Err(e)
        }
    }
}

/// A cell whose canonical form is known from its text alone, without
/// converting it (the common cases, and a large share of the tool's time).
enum Quick<'a> {
    /// `null`, in any column.
    Null,
    /// A long or int, bool or guid whose text as sent is its canonical form
    /// (a guid's in quotes).
    Plain(Cell<'a>),
    /// A string in a string column.
    String(Cell<'a>),
}

#[inline(always)]
fn quick<'a>(row: &Row<'a>, i: usize) -> Option<Quick<'a>> {
    let ty = row.columns().get(i)?.scalar_type();
    if !matches!(
        ty,
        ScalarType::String
            | ScalarType::Long
            | ScalarType::Int
            | ScalarType::Bool
            | ScalarType::Guid
    ) {
        return None;
    }
    let c = row.cell(i)?;
    match (ty, c.kind()) {
        (_, CellKind::Null) => Some(Quick::Null),
        (ScalarType::String, CellKind::String) => Some(Quick::String(c)),
        // At most 18 (int: 9) digits: in range without parsing.
        (ScalarType::Long, CellKind::Number) if c.raw().len() <= 18 && canonical_int(c) => {
            Some(Quick::Plain(c))
        }
        (ScalarType::Int, CellKind::Number) if c.raw().len() <= 9 && canonical_int(c) => {
            Some(Quick::Plain(c))
        }
        (ScalarType::Bool, CellKind::Bool) => Some(Quick::Plain(c)),
        (ScalarType::Guid, CellKind::String) if plain_string(c) && guid_form(c.text()) => {
            Some(Quick::Plain(c))
        }
        _ => None,
    }
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in lowercase hex: a valid guid
/// in its canonical form.
#[inline(always)]
fn guid_form(t: &str) -> bool {
    /// Lowercase hex digits.
    static HEX: [bool; 256] = {
        let mut t = [false; 256];
        let mut c = b'0';
        while c <= b'9' {
            t[c as usize] = true;
            c += 1;
        }
        let mut c = b'a';
        while c <= b'f' {
            t[c as usize] = true;
            c += 1;
        }
        t
    };
    let t = t.as_bytes();
    t.len() == 36
        && t[8] == b'-'
        && t[13] == b'-'
        && t[18] == b'-'
        && t[23] == b'-'
        && [&t[..8], &t[9..13], &t[14..18], &t[19..23], &t[24..]]
            .iter()
            .all(|part| part.iter().fold(true, |ok, &b| ok & HEX[usize::from(b)]))
}

/// A number cell whose text is its canonical integer form: digits, maybe a
/// leading `-` (JSON has no leading zeros), not `-0`.
#[inline(always)]
fn canonical_int(c: Cell<'_>) -> bool {
    let raw = c.raw().as_bytes();
    c.kind() == CellKind::Number
        && raw != b"-0"
        && raw.iter().all(|&b| b.is_ascii_digit() || b == b'-')
}

/// A string cell without escapes (its JSON text is its text in quotes).
#[inline(always)]
fn plain_string(c: Cell<'_>) -> bool {
    c.kind() == CellKind::String && c.raw().len() == c.text().len() + 2
}

/// The text of a datetime that parsed is already `YYYY-MM-DDTHH:MM:SS.fffffffZ`.
#[inline(always)]
fn canonical_datetime(t: &str) -> bool {
    const PATTERN: &[u8; 28] = b"0000-00-00T00:00:00.0000000Z";
    /// Per byte: the lowest byte allowed, and how many above it.
    const RANGE: ([u8; 28], [u8; 28]) = {
        let mut lo = [0u8; 28];
        let mut span = [0u8; 28];
        let mut j = 0;
        while j < 28 {
            lo[j] = PATTERN[j];
            if PATTERN[j] == b'0' {
                span[j] = 9;
            }
            j += 1;
        }
        (lo, span)
    };
    let Ok(t) = <&[u8; 28]>::try_from(t.as_bytes()) else {
        return false;
    };
    let mut ok = true;
    for ((&b, &lo), &span) in t.iter().zip(&RANGE.0).zip(&RANGE.1) {
        // Without a branch a byte.
        ok &= b.wrapping_sub(lo) <= span;
    }
    ok
}

/// The text of a JSON number that reads as a `real` whose shortest
/// round-trip text ([`finite`]) is that same text: `0.0`, or
/// `[-]I.F` with at most 15 digits (so that no other text of as many
/// digits or fewer reads as the same `f64`: these are its shortest
/// digits), `I` without leading zeros, `F` ending in a non-zero digit or
/// `0` alone, and at least `0.001` (ryu writes those without an exponent:
/// `I.F`, `0.00F`; an integer `I.0`).
#[inline(always)]
fn canonical_real(raw: &str) -> bool {
    let b = raw.as_bytes();
    let b = match b.split_first() {
        Some((b'-', rest)) => rest,
        _ => b,
    };
    if b.len() > 16 || b.len() < 3 {
        return false;
    }
    let Some(dot) = b.iter().position(|&c| c == b'.') else {
        return false;
    };
    let (int, frac) = (&b[..dot], &b[dot + 1..]);
    let digits = |p: &[u8]| !p.is_empty() && p.iter().all(u8::is_ascii_digit);
    if !digits(int) || !digits(frac) {
        return false;
    }
    let last_ok = frac == b"0" || frac[frac.len() - 1] != b'0';
    if int == b"0" {
        // 0.0 (positive only), or 0.001 to 0.999...
        if frac == b"0" {
            return raw == "0.0";
        }
        let zeros = frac.iter().take_while(|&&c| c == b'0').count();
        last_ok && zeros <= 2
    } else {
        int[0] != b'0' && last_ok
    }
}

/// The text of a timespan that parsed is already its canonical form
/// [`timespan_text`], `[-][d.]hh:mm:ss[.fffffff]`: days without leading
/// zeros and at most 7 digits (in range), hours below 24, minutes and
/// seconds below 60, a fraction of 7 digits not all zero, no `-` on zero.
#[inline(always)]
fn canonical_timespan(t: &str) -> bool {
    let b = t.as_bytes();
    let (neg, b) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    let two = |p: &[u8], max: u8| {
        p.len() == 2 && p[0].is_ascii_digit() && p[1].is_ascii_digit() && {
            (p[0] - b'0') * 10 + (p[1] - b'0') <= max
        }
    };
    let (core, frac) = match b.len().checked_sub(8) {
        Some(dot) if b.len() >= 16 && b[dot] == b'.' => (&b[..dot], Some(&b[dot + 1..])),
        _ => (b, None),
    };
    let Some(split) = core.len().checked_sub(8) else {
        return false;
    };
    let (days, hms) = core.split_at(split);
    let hms_ok = two(&hms[..2], 23)
        && hms[2] == b':'
        && two(&hms[3..5], 59)
        && hms[5] == b':'
        && two(&hms[6..], 59);
    if !hms_ok {
        return false;
    }
    let days_zero = match days.split_last() {
        None => true,
        Some((b'.', d)) => {
            if d.is_empty() || d.len() > 7 || d[0] == b'0' || !d.iter().all(u8::is_ascii_digit) {
                return false;
            }
            false
        }
        Some(_) => return false,
    };
    let frac_zero = match frac {
        None => true,
        Some(f) => {
            if !f.iter().all(u8::is_ascii_digit) || f.iter().all(|&c| c == b'0') {
                return false;
            }
            false
        }
    };
    !(neg && days_zero && frac_zero && hms == b"00:00:00")
}

/// The text of a guid that parsed is already lowercase.
#[inline(always)]
fn canonical_guid(t: &str) -> bool {
    t.len() == 36 && !t.bytes().any(|b| b.is_ascii_uppercase())
}

fn push_value_json(out: &mut Vec<u8>, v: &Value<'_>) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Int(i) => int_text(i64::from(*i)).push_to(out),
        Value::Long(i) => int_text(*i).push_to(out),
        Value::Real(f) => {
            let (t, is_number) = real(*f);
            if is_number {
                t.push_to(out);
            } else {
                out.push(b'"');
                out.extend_from_slice(t.bytes());
                out.push(b'"');
            }
        }
        Value::Decimal(d) => push_str(out, d.text()),
        Value::String(s) => push_str(out, s),
        Value::DateTime(d) => {
            out.push(b'"');
            datetime_text(*d).push_to(out);
            out.push(b'"');
        }
        Value::TimeSpan(t) => int_text(t.ticks()).push_to(out),
        Value::Guid(g) => {
            out.push(b'"');
            out.extend_from_slice(guid_text(*g).bytes());
            out.push(b'"');
        }
        Value::Dynamic(d) => out.extend_from_slice(minify(d.raw()).as_bytes()),
        Value::Other(c) => out.extend_from_slice(minify(c.raw()).as_bytes()),
    }
}

/// A cell as sent, as CSV text.
enum Field<'a> {
    Empty,
    Text(Cow<'a, str>),
}

impl Field<'_> {
    fn bytes(&self) -> &[u8] {
        match self {
            Field::Empty => b"",
            Field::Text(t) => t.as_bytes(),
        }
    }
}

/// A cell as sent, as CSV text: a string's text, empty for null, else its
/// JSON text (minified).
fn sent_field(c: Cell<'_>) -> Field<'_> {
    match c.kind() {
        CellKind::String => Field::Text(Cow::Borrowed(c.text())),
        CellKind::Null => Field::Empty,
        _ => Field::Text(minify(c.raw())),
    }
}

/// What a CSV field's text may hold (how much the writer must check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CsvText {
    /// Anything.
    Any,
    /// No quote, CR or LF (the text of a JSON string without escapes).
    NoQuote,
    /// Only ASCII letters, digits and `+-.:` (numbers, dates, guids,
    /// bools), or nothing.
    Plain,
    /// JSON text (UTF-8), to be written minified (see [`push_json_field`]).
    Json,
}

/// Cell `i` of `row` as Kusto's own CSV export writes it, handed to `emit`
/// with what its text may hold (see [`CsvText`]): the
/// canonical form of [`push_cell_json`] with strings bare and null empty,
/// but timespan as `[-][d.]hh:mm:ss[.fffffff]` and dynamic as compact JSON
/// (a string holding JSON, as V1 sends dynamic values, as that JSON,
/// minified). A cell that does not fit its type is handed over as sent,
/// and its error returned.
#[inline(always)]
pub(crate) fn csv_cell<F: FnMut(&[u8], CsvText)>(
    row: &Row<'_>,
    i: usize,
    emit: &mut F,
) -> Result<(), CellError> {
    match quick(row, i) {
        Some(Quick::Null) => {
            emit(b"", CsvText::Plain);
            return Ok(());
        }
        Some(Quick::Plain(c)) => {
            emit(c.text().as_bytes(), CsvText::Plain);
            return Ok(());
        }
        Some(Quick::String(c)) => {
            // Without escapes, JSON string text has no quote, CR or LF.
            let class = if plain_string(c) {
                CsvText::NoQuote
            } else {
                CsvText::Any
            };
            emit(c.text().as_bytes(), class);
            return Ok(());
        }
        None => {}
    }
    let Some(v) = row.value(i) else {
        emit(b"", CsvText::Plain);
        return Ok(());
    };
    let v = match v {
        Ok(v) => v,
        Err(e) => {
            let f = row.cell(i).map_or(Field::Empty, sent_field);
            emit(f.bytes(), CsvText::Any);
            return Err(e);
        }
    };
    let small = |emit: &mut F, s: Small| emit(s.bytes(), CsvText::Plain);
    match v {
        Value::Null => emit(b"", CsvText::Plain),
        Value::Bool(b) => emit(if b { b"true" } else { b"false" }, CsvText::Plain),
        Value::Int(n) => match row.cell(i) {
            Some(c) if canonical_int(c) => emit(c.raw().as_bytes(), CsvText::Plain),
            _ => small(emit, int_text(i64::from(n))),
        },
        Value::Long(n) => match row.cell(i) {
            Some(c) if canonical_int(c) => emit(c.raw().as_bytes(), CsvText::Plain),
            _ => small(emit, int_text(n)),
        },
        Value::Real(f) => match row.cell(i) {
            Some(c) if c.kind() == CellKind::Number && canonical_real(c.raw()) => {
                emit(c.raw().as_bytes(), CsvText::Plain);
            }
            _ => small(emit, real(f).0),
        },
        Value::Decimal(d) => emit(d.text().as_bytes(), CsvText::Any),
        Value::String(s) => emit(s.as_bytes(), CsvText::Any),
        Value::DateTime(d) => match row.cell(i) {
            Some(c) if canonical_datetime(c.text()) => emit(c.text().as_bytes(), CsvText::Plain),
            _ => small(emit, datetime_text(d)),
        },
        Value::TimeSpan(t) => match row.cell(i) {
            Some(c) if c.kind() == CellKind::String && canonical_timespan(c.text()) => {
                emit(c.text().as_bytes(), CsvText::Plain);
            }
            _ => small(emit, timespan_text(t)),
        },
        Value::Guid(g) => match row.cell(i) {
            Some(c) if canonical_guid(c.text()) => emit(c.text().as_bytes(), CsvText::Plain),
            _ => small(emit, guid_text(g)),
        },
        Value::Dynamic(d) => match d.kind() {
            CellKind::String => {
                let text = d.cell().text();
                // Text without whitespace outside strings is the same
                // minified: no need to know whether it is JSON.
                let plain = !text.starts_with(['{', '[', ' ', '\t', '\n', '\r'])
                    && !text.ends_with([' ', '\t', '\n', '\r']);
                if plain {
                    emit(text.as_bytes(), CsvText::Any);
                } else {
                    match minify(text) {
                        Cow::Borrowed(t) => emit(t.as_bytes(), CsvText::Any),
                        Cow::Owned(m) => match d.embedded_json() {
                            Some(_) => emit(m.as_bytes(), CsvText::Any),
                            None => emit(text.as_bytes(), CsvText::Any),
                        },
                    }
                }
            }
            CellKind::Null => emit(b"", CsvText::Plain),
            _ => emit(d.raw().as_bytes(), CsvText::Json),
        },
        Value::Other(c) => emit(sent_field(c).bytes(), CsvText::Any),
    }
    Ok(())
}

/// Text for a terminal: control characters (ANSI escapes among them) shown
/// as `\u{..}` escapes, so nothing the body holds can drive the terminal.
pub(crate) fn escape_text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\n') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() && c != '\n' {
            let _ = write!(out, "{}", c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Cuts `s` to at most `max` characters, marking the cut.
pub(crate) fn shorten(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((i, _)) => Cow::Owned(format!("{}...", &s[..i])),
    }
}

/// One line for a terminal: escaped, on one line, cut.
pub(crate) fn line(s: &str, max: usize) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    escape_text(&shorten(&one, max)).into_owned()
}

/// `code: message` of each error (the outermost code, the innermost
/// `@message`, else the outermost `message`), the first only, with a count
/// of the others.
fn first_error(errors: &[OneApiError]) -> String {
    match errors.first() {
        None => String::new(),
        Some(e) => {
            let more = if errors.len() > 1 {
                format!(" (+{} more)", errors.len() - 1)
            } else {
                String::new()
            };
            format!(": {}{more}", one_error(e))
        }
    }
}

/// `code: message`: the outermost code, and the most specific text: the
/// innermost `@message`, else the outermost `message`.
pub(crate) fn one_error(e: &OneApiError) -> String {
    let code = e
        .chain()
        .find_map(|e| e.code.as_deref())
        .unwrap_or("(no code)");
    let msg = e
        .chain()
        .filter_map(|e| e.detail.as_deref())
        .last()
        .or(e.message.as_deref())
        .or_else(|| e.chain().find_map(|e| e.message.as_deref()))
        .unwrap_or("");
    format!("{code}: {}", line(msg, 300))
}

/// One line describing an error the response reported.
pub(crate) fn describe(e: &ResponseError) -> String {
    let id = |t: &Option<i64>| t.map_or_else(|| "?".to_owned(), |t| t.to_string());
    match e {
        ResponseError::Body { error, raw } => match error {
            Some(err) => format!("error body{}", first_error(core::slice::from_ref(err))),
            None => format!("error body (not JSON): {}", line(raw.trim(), 160)),
        },
        ResponseError::Row {
            table_id,
            offset,
            errors,
            raw,
            ..
        } => {
            let detail = if errors.is_empty() {
                format!(": {}", line(&minify(raw), 160))
            } else {
                first_error(errors)
            };
            format!(
                "row error in table {} at byte {offset}{detail}",
                id(table_id)
            )
        }
        ResponseError::Table { table_id, errors } => {
            format!(
                "TableCompletion errors for table {}{}",
                id(table_id),
                first_error(errors)
            )
        }
        ResponseError::DataSet { errors } => {
            format!("DataSetCompletion HasErrors{}", first_error(errors))
        }
        ResponseError::Cancelled => "DataSetCompletion Cancelled".to_owned(),
        ResponseError::QueryCompletion { level, row } => format!(
            "QueryCompletionInformation row with Level {level}: {}",
            line(row, 160)
        ),
        ResponseError::QueryStatus { severity, row } => format!(
            "QueryStatus row with Severity {severity}: {}",
            line(row, 160)
        ),
        ResponseError::Exceptions(raw) => {
            let text = match Json::parse(raw) {
                Some(Json::Array(items)) => items
                    .first()
                    .and_then(Json::as_str)
                    .map(|s| s.lines().next().unwrap_or("").to_owned())
                    .unwrap_or_else(|| minify(raw).into_owned()),
                _ => minify(raw).into_owned(),
            };
            format!("V1 Exceptions: {}", line(&text, 160))
        }
        other => line(&format!("{other:?}"), 300),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape() {
        let mut s = Vec::new();
        push_str(&mut s, "a\"b\\c\n\u{1}é");
        assert_eq!(s, r#""a\"b\\c\n\u0001é""#.as_bytes());
    }

    #[test]
    fn minify_keeps_strings() {
        assert_eq!(
            minify("[ 1 , \"a b\\\" c\" ,\n{} ]"),
            "[1,\"a b\\\" c\",{}]"
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(number(1.0), "1.0");
        assert_eq!(number(1e300), "1e300");
        assert_eq!(number(-0.5), "-0.5");
        assert_eq!(number(1e-7), "1e-7");
        for v in [0, 7, -1, 10, i64::MIN, i64::MAX, 1234567890] {
            assert_eq!(int_text(v).bytes(), v.to_string().as_bytes());
        }
    }

    #[test]
    fn fast_forms_match_display() {
        for t in [
            0i64,
            1,
            637_000_000_000_000_001,
            3_155_378_975_999_999_999,
            -1,
            i64::MIN,
            i64::MAX,
        ] {
            let d = DateTime::from_ticks(t);
            assert_eq!(datetime_text(d).bytes(), d.to_string().as_bytes(), "{t}");
        }
        for t in [
            0i64,
            1,
            -1,
            10_000_000,
            864_000_000_000,
            -864_000_000_001,
            i64::MIN,
            i64::MAX,
            123_456_789_012,
        ] {
            let ts = TimeSpan::from_ticks(t);
            assert_eq!(timespan_text(ts).bytes(), ts.to_string().as_bytes(), "{t}");
        }
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for i in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let f = if i % 2 == 0 {
                f64::from_bits(x)
            } else {
                (x % 100_000_000) as f64 / 10f64.powi((x >> 59) as i32)
            };
            if f.is_finite() {
                let ours = String::from_utf8(finite(f).bytes().to_vec()).unwrap();
                let std = format!("{f:?}");
                assert_eq!(ours.parse::<f64>().unwrap().to_bits(), f.to_bits(), "{f:?}");
                assert_eq!(ours.len(), std.len(), "{ours} vs {std}");
                assert_eq!(ours.contains('e'), std.contains('e'), "{ours} vs {std}");
            }
        }
        for g in [[0u8; 16], [0xab; 16], *b"0123456789abcdef"] {
            let g = Guid::from_bytes(g);
            assert_eq!(guid_text(g).bytes(), g.to_string().as_bytes());
        }
        let text = " [ 1 , \"a b\\\" c\" , { \"é\" : \"\\\\\" } ] ";
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(minify(text), serde_json::to_string(&v).unwrap());
    }

    /// A real whose text is taken as it came is one whose shortest
    /// round-trip text is that text; and the datetime pattern is exact.
    #[test]
    fn canonical_texts() {
        let mut texts: Vec<String> = [
            "0.0",
            "-0.0",
            "0.5",
            "0.05",
            "0.005",
            "0.0005",
            "0.00005",
            "1.0",
            "10.0",
            "100.0",
            "1.10",
            "1.5",
            "-1.5",
            "00.5",
            "01.5",
            "1.",
            ".5",
            "1e5",
            "1.5e3",
            "5",
            "-5",
            "123456789012345.0",
            "12345678901234.0",
            "1234567890123.5",
            "0.123456789012345",
            "0.1234567890123456",
            "0.000",
            "0.010",
            "9007199254740993.0",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = (x % 17) as usize + 1;
            let mantissa = (x >> 8) % 10u64.pow(digits.min(18) as u32);
            let point = ((x >> 60) as usize) % (digits + 1);
            let m = format!("{mantissa:0digits$}");
            let (a, b) = m.split_at(digits - point.min(digits));
            let b = if b.is_empty() { "0" } else { b };
            let a = if a.is_empty() { "0" } else { a };
            let sign = if x & 1 == 1 { "-" } else { "" };
            texts.push(format!("{sign}{a}.{b}"));
        }
        let mut n = 0;
        for t in &texts {
            if canonical_real(t) {
                n += 1;
                let f: f64 = t.parse().unwrap();
                assert_eq!(real(f).0.bytes(), t.as_bytes(), "{t}");
            }
        }
        assert!(n > 50_000, "{n}");
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut n = 0;
        for k in 0..300_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let t = match k % 4 {
                // Random texts of the bytes that matter.
                0 => {
                    let alphabet = b"0123456789:.-";
                    let len = (x % 20) as usize;
                    (0..len)
                        .map(|j| alphabet[((x >> (3 * (j % 20))) % 13) as usize] as char)
                        .collect::<String>()
                }
                // Near-canonical texts.
                _ => {
                    let sign = if x & 1 == 1 { "-" } else { "" };
                    let days = match (x >> 1) % 4 {
                        0 => String::new(),
                        1 => format!("{}.", (x >> 8) % 10_000_000),
                        2 => format!("0{}.", (x >> 8) % 100),
                        _ => format!("{}.", (x >> 8) % 100_000_000),
                    };
                    let frac = match (x >> 3) % 4 {
                        0 => String::new(),
                        1 => format!(".{:07}", (x >> 16) % 10_000_000),
                        2 => ".0000000".to_owned(),
                        _ => format!(".{}", (x >> 16) % 1000),
                    };
                    format!(
                        "{sign}{days}{:02}:{:02}:{:02}{frac}",
                        (x >> 24) % 26,
                        (x >> 32) % 62,
                        (x >> 40) % 62
                    )
                }
            };
            if canonical_timespan(&t) {
                n += 1;
                let ts = TimeSpan::parse(&t).unwrap_or_else(|| panic!("{t}"));
                assert_eq!(timespan_text(ts).bytes(), t.as_bytes(), "{t}");
            }
        }
        assert!(n > 50_000, "{n}");
        for t in [
            "00:00:00",
            "-00:00:00",
            "-00:00:00.0000001",
            "1.00:00:00",
            "-0.00:00:00",
        ] {
            let ts = TimeSpan::parse(t).unwrap();
            assert_eq!(
                canonical_timespan(t),
                timespan_text(ts).bytes() == t.as_bytes(),
                "{t}"
            );
        }
        const PATTERN: &[u8; 28] = b"0000-00-00T00:00:00.0000000Z";
        let old = |t: &str| {
            t.len() == 28
                && t.bytes().zip(PATTERN).all(|(b, &p)| {
                    if p == b'0' {
                        b.is_ascii_digit()
                    } else {
                        b == p
                    }
                })
        };
        for t in [
            "2022-11-19T07:28:28.5539512Z",
            "2022-11-19T07:28:28.553951Z",
            "2022-11-19 07:28:28.5539512Z",
            "2022-11-19T07:28:28.5539512z",
            "2022-11-19T07:28:28.553951/Z",
            "2022-11-19T07:28:28.553951:Z",
            "/022-11-19T07:28:28.5539512Z",
            "2022-11-19T07:28:28.5539512ZZ",
        ] {
            assert_eq!(canonical_datetime(t), old(t), "{t}");
        }
        for b in 0..=255u8 {
            for j in 0..28 {
                let mut t = *b"2022-11-19T07:28:28.5539512Z";
                t[j] = b;
                if let Ok(t) = core::str::from_utf8(&t) {
                    assert_eq!(canonical_datetime(t), old(t), "{t}");
                }
            }
        }
    }

    /// The quick forms are what converting the cell gives.
    #[test]
    fn quick_forms_match_conversion() {
        use kusto_frames::{Decoder, Event};
        let body = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"T","Columns":[
{"ColumnName":"l","ColumnType":"long"},{"ColumnName":"i","ColumnType":"int"},{"ColumnName":"b","ColumnType":"bool"},
{"ColumnName":"g","ColumnType":"guid"},{"ColumnName":"s","ColumnType":"string"}],"Rows":[
[0,0,true,"00000000-0000-0000-0000-00000000000a","a\"b"],
[-999999999999999999,-999999999,false,"0123abcd-0000-0000-0000-00000000000F","x"],
[123456789012345678,123456789,null,"not-a-guid-at-all-not-a-guid-at-all",""],
[-0,2147483647,false,"0123abcd-0000-0000-0000-0000000000ff",null],
[1e3,1.0,false,"0123abcd-0000-0000-0000-0000000000ff",5]]},
{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
        let mut dec = Decoder::new();
        let mut feed = dec.feed(body);
        let mut n = 0;
        while let Some(ev) = feed.next_event().unwrap() {
            let Event::Row(row) = ev else { continue };
            for i in 0..row.len() {
                let Some(q) = quick(&row, i) else { continue };
                n += 1;
                let v = row.value(i).unwrap();
                let c = row.cell(i).unwrap();
                match q {
                    Quick::Null => assert_eq!(v, Ok(Value::Null)),
                    Quick::String(_) => assert_eq!(v, Ok(Value::String(c.text()))),
                    Quick::Plain(_) => {
                        let mut a = Vec::new();
                        push_value_json(&mut a, &v.unwrap());
                        assert_eq!(a, c.raw().as_bytes(), "{c:?}");
                    }
                }
            }
        }
        assert!(n > 15);
    }

    #[test]
    fn terminal_text() {
        assert_eq!(escape_text("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(line("a\n  b\tc", 10), "a b c");
    }
}
