//! Rendering values as output text. This is the tool's only text handling:
//! everything it reads comes validated from the decoder.

use core::fmt::Write as _;
use std::borrow::Cow;

use kusto_frames::response::{Json, OneApiError, ResponseError};
use kusto_frames::value::Value;
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

/// An integer as text (fast path for the common case).
fn int_text(v: i64) -> Small {
    let mut s = Small::new();
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    let mut m = v.unsigned_abs();
    loop {
        i -= 1;
        tmp[i] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
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
        format!("{f:?}")
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
        (small!("{f:?}"), true)
    }
}

/// Appends `s` as a JSON string.
pub(crate) fn push_str(out: &mut Vec<u8>, s: &str) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if esc.is_empty() {
            let hex = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(hex[usize::from(b >> 4)]);
            out.push(hex[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(esc);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
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
    if !raw
        .bytes()
        .any(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
    {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut in_str = false;
    let mut escaped = false;
    for ch in raw.chars() {
        if in_str {
            out.push(ch);
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                in_str = false;
            }
        } else if ch == '"' {
            in_str = true;
            out.push(ch);
        } else if !matches!(ch, ' ' | '\n' | '\r' | '\t') {
            out.push(ch);
        }
    }
    Cow::Owned(out)
}

/// Cell `i` of `row` in its canonical typed form as JSON: bool, int and
/// long as integers, real as a number or `"NaN"`, `"Infinity"`,
/// `"-Infinity"`, decimal as a string of its text, string, datetime
/// (`YYYY-MM-DDTHH:MM:SS.fffffffZ`) and guid (lowercase) as strings,
/// timespan as an integer count of ticks, dynamic as the JSON value as sent
/// (minified), null as null. A cell past the last column, of an unknown
/// type, or that does not fit its type is the JSON value as sent.
/// `Err` with the cell's error when it does not fit.
#[inline]
pub(crate) fn push_cell_json(out: &mut Vec<u8>, row: &Row<'_>, i: usize) -> Result<(), CellError> {
    let Some(v) = row.value(i) else {
        out.extend_from_slice(b"null");
        return Ok(());
    };
    match v {
        Ok(v) => {
            push_value_json(out, &v);
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

fn push_value_json(out: &mut Vec<u8>, v: &Value<'_>) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Int(i) => out.extend_from_slice(int_text(i64::from(*i)).bytes()),
        Value::Long(i) => out.extend_from_slice(int_text(*i).bytes()),
        Value::Real(f) => {
            let (t, is_number) = real(*f);
            if is_number {
                out.extend_from_slice(t.bytes());
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
            out.extend_from_slice(small!("{d}").bytes());
            out.push(b'"');
        }
        Value::TimeSpan(t) => out.extend_from_slice(int_text(t.ticks()).bytes()),
        Value::Guid(g) => {
            out.push(b'"');
            out.extend_from_slice(small!("{g}").bytes());
            out.push(b'"');
        }
        Value::Dynamic(d) => out.extend_from_slice(minify(d.raw()).as_bytes()),
        Value::Other(c) => out.extend_from_slice(minify(c.raw()).as_bytes()),
    }
}

/// A CSV field's text.
pub(crate) enum Field<'a> {
    Empty,
    Text(Cow<'a, str>),
    Small(Small),
}

impl Field<'_> {
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            Field::Empty => b"",
            Field::Text(t) => t.as_bytes(),
            Field::Small(s) => s.bytes(),
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

/// Cell `i` of `row` as Kusto's own CSV export writes it: the canonical
/// form of [`push_cell_json`] with strings bare and null empty, but
/// timespan as `[-][d.]hh:mm:ss[.fffffff]` and dynamic as compact JSON (a
/// string holding JSON, as V1 sends dynamic values, as that JSON,
/// minified). `Err` also carries the cell as sent, for a cell that does not
/// fit its type.
#[inline]
pub(crate) fn cell_field<'a>(row: &Row<'a>, i: usize) -> Result<Field<'a>, (Field<'a>, CellError)> {
    let Some(v) = row.value(i) else {
        return Ok(Field::Empty);
    };
    let v = match v {
        Ok(v) => v,
        Err(e) => return Err((row.cell(i).map_or(Field::Empty, sent_field), e)),
    };
    Ok(match v {
        Value::Null => Field::Empty,
        Value::Bool(b) => Field::Text(Cow::Borrowed(if b { "true" } else { "false" })),
        Value::Int(i) => Field::Small(int_text(i64::from(i))),
        Value::Long(i) => Field::Small(int_text(i)),
        Value::Real(f) => Field::Small(real(f).0),
        Value::Decimal(d) => Field::Text(Cow::Borrowed(d.text())),
        Value::String(s) => Field::Text(Cow::Borrowed(s)),
        Value::DateTime(d) => Field::Small(small!("{d}")),
        Value::TimeSpan(t) => Field::Small(small!("{t}")),
        Value::Guid(g) => Field::Small(small!("{g}")),
        Value::Dynamic(d) => match d.kind() {
            CellKind::String => match d.embedded_json() {
                Some(j) => Field::Text(minify(j)),
                None => Field::Text(Cow::Borrowed(d.cell().text())),
            },
            CellKind::Null => Field::Empty,
            _ => Field::Text(minify(d.raw())),
        },
        Value::Other(c) => sent_field(c),
    })
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
    fn terminal_text() {
        assert_eq!(escape_text("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(line("a\n  b\tc", 10), "a b c");
    }
}
