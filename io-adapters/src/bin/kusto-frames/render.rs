//! Rendering values as output text. This is the tool's only text handling:
//! everything it reads comes validated from the decoder.

use core::fmt::Write as _;
use std::borrow::Cow;

use kusto_frames::response::{Json, OneApiError, ResponseError};
use kusto_frames::value::{convert, ScalarType, Value};
use kusto_frames::{Cell, CellKind, Column};

/// A cell in its canonical typed form.
pub(crate) enum Canon<'a> {
    /// `null`.
    Null,
    /// JSON text that is not a string (numbers, bools, dynamic values as
    /// sent, cells of unknown type as sent).
    Json(Cow<'a, str>),
    /// A string value (rendered quoted in JSON, bare in CSV).
    Str(Cow<'a, str>),
    /// The cell as sent: dynamic values, cells of unknown type or beyond the
    /// last column, and cells that do not fit their column's type (JSON:
    /// the raw text; CSV: a string's text, or the raw text).
    Sent(Cell<'a>),
}

/// The canonical form of `cell` in a column of type `ty`, and whether it fit
/// the type (a cell that does not is kept as sent).
pub(crate) fn canon(ty: ScalarType, cell: Cell<'_>) -> (Canon<'_>, bool) {
    let v = match convert(ty, cell) {
        Ok(v) => v,
        Err(_) => return (Canon::Sent(cell), false),
    };
    let c = match v {
        Value::Null => Canon::Null,
        Value::Bool(b) => Canon::Json(Cow::Borrowed(if b { "true" } else { "false" })),
        Value::Int(i) => Canon::Json(Cow::Owned(i.to_string())),
        Value::Long(i) => Canon::Json(Cow::Owned(i.to_string())),
        Value::Real(f) => real(f),
        Value::Decimal(d) => Canon::Str(Cow::Borrowed(d.text())),
        Value::String(s) => Canon::Str(Cow::Borrowed(s)),
        Value::DateTime(d) => Canon::Str(Cow::Owned(d.to_string())),
        Value::TimeSpan(t) => Canon::Json(Cow::Owned(t.ticks().to_string())),
        Value::Guid(g) => Canon::Str(Cow::Owned(g.to_string())),
        Value::Dynamic(d) => Canon::Sent(d.cell()),
        Value::Other(c) => Canon::Sent(c),
    };
    (c, true)
}

/// A `real`: a JSON number, or `"NaN"`, `"Infinity"`, `"-Infinity"`.
pub(crate) fn real(f: f64) -> Canon<'static> {
    if f.is_nan() {
        Canon::Str(Cow::Borrowed("NaN"))
    } else if f.is_infinite() {
        Canon::Str(Cow::Borrowed(if f > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }))
    } else {
        Canon::Json(Cow::Owned(number(f)))
    }
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

/// Appends a cell's canonical form as JSON.
pub(crate) fn push_canon_json(out: &mut String, c: &Canon<'_>) {
    match c {
        Canon::Null => out.push_str("null"),
        Canon::Json(s) => out.push_str(s),
        Canon::Str(s) => push_str(out, s),
        Canon::Sent(c) => out.push_str(&minify(c.raw())),
    }
}

/// A cell's canonical form as CSV field text (`None` for null).
pub(crate) fn canon_text<'a>(c: &'a Canon<'a>) -> Option<&'a str> {
    match c {
        Canon::Null => None,
        Canon::Json(s) | Canon::Str(s) => Some(s),
        Canon::Sent(c) if c.kind() == CellKind::String => Some(c.text()),
        Canon::Sent(c) if c.kind() == CellKind::Null => None,
        Canon::Sent(c) => Some(c.raw()),
    }
}

/// Appends `s` as a JSON string.
pub(crate) fn push_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// `[{"name":..,"type":..},..]`: a table's columns, their type names as
/// sent.
pub(crate) fn columns(b: &mut String, cols: &[Column]) {
    b.push('[');
    for (i, c) in cols.iter().enumerate() {
        if i > 0 {
            b.push(',');
        }
        b.push_str(r#"{"name":"#);
        push_str(b, c.name());
        b.push_str(r#","type":"#);
        push_str(b, c.type_name());
        b.push('}');
    }
    b.push(']');
}

/// Appends an optional string as JSON (`null` when absent).
pub(crate) fn push_opt_str(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => push_str(out, s),
        None => out.push_str("null"),
    }
}

/// Appends an optional integer as JSON.
pub(crate) fn push_opt_int(out: &mut String, v: Option<i64>) {
    match v {
        Some(v) => {
            let _ = write!(out, "{v}");
        }
        None => out.push_str("null"),
    }
}

/// Appends the entries of a `OneApiErrors`/`Exceptions` value as a JSON
/// array: the array as sent, or a single value as sent wrapped in one, or
/// `[]` when absent (minified, see [`minify`]).
pub(crate) fn push_entries(out: &mut String, raw: Option<&str>) {
    match raw {
        None => out.push_str("[]"),
        Some(r) if r.trim_start().starts_with('[') => out.push_str(&minify(r)),
        Some(r) => {
            out.push('[');
            out.push_str(&minify(r));
            out.push(']');
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

/// Cuts `s` to at most `max` characters, marking the cut.
pub(crate) fn shorten(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((i, _)) => Cow::Owned(format!("{}...", &s[..i])),
    }
}

fn first_error(errors: &[OneApiError]) -> String {
    match errors.first() {
        None => String::new(),
        Some(e) => {
            let code = e.code.as_deref().unwrap_or("");
            let msg = e.message.as_deref().or(e.detail.as_deref()).unwrap_or("");
            let more = if errors.len() > 1 {
                format!(" (+{} more)", errors.len() - 1)
            } else {
                String::new()
            };
            format!(": {code}: {}{more}", shorten(msg, 160))
        }
    }
}

/// One line describing an error the response reported.
pub(crate) fn describe(e: &ResponseError) -> String {
    let id = |t: &Option<i64>| t.map_or_else(|| "?".to_owned(), |t| t.to_string());
    match e {
        ResponseError::Body { error, raw } => match error {
            Some(err) => format!("error body{}", first_error(core::slice::from_ref(err))),
            None => format!("error body (not JSON): {}", shorten(raw.trim(), 160)),
        },
        ResponseError::Row {
            table_id,
            offset,
            errors,
            raw,
            ..
        } => {
            let detail = if errors.is_empty() {
                format!(": {}", shorten(&minify(raw), 160))
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
            shorten(row, 160)
        ),
        ResponseError::QueryStatus { severity, row } => format!(
            "QueryStatus row with Severity {severity}: {}",
            shorten(row, 160)
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
            format!("V1 Exceptions: {}", shorten(&text, 160))
        }
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape() {
        let mut s = String::new();
        push_str(&mut s, "a\"b\\c\n\u{1}é");
        assert_eq!(s, r#""a\"b\\c\n\u0001é""#);
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
    }
}
