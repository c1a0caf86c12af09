//! `kusto-frames csv`: one table as RFC 4180 CSV with a header row.
//!
//! Fields hold the canonical typed form of each cell (as in `json`), with
//! strings unquoted and null as an empty field. Records end with CRLF; a
//! field is quoted when it holds a comma, a quote or a control character
//! (CR, LF, tab, ...). Short rows get empty fields up to the column count;
//! cells beyond the last column are kept as extra fields.

use std::io::{self, Write};

use kusto_frames_io::collect::{Collector, Dataset, Table};

use crate::render::{canon, canon_text};
use crate::{Input, FAILED, REPORTED};

pub(crate) fn run(input: &mut Input, which: Option<&str>, out: &mut dyn Write) -> io::Result<u8> {
    let mut col = Collector::new();
    let decoded = match input.decode(&mut |ev| col.push(&ev)) {
        Ok(d) => d,
        Err(f) => return Ok(f.report(input)),
    };
    if decoded.text.is_some() {
        eprintln!(
            "kusto-frames: {}: no table: the body is a plain-text error",
            input.name
        );
        return Ok(REPORTED);
    }
    col.set_format(decoded.format);
    let ds = col.finish();
    let Some(t) = pick(&ds, which) else {
        if which.is_none() {
            eprintln!("kusto-frames: {}: the response has no table", input.name);
            return Ok(if ds.errors.is_empty() { 0 } else { REPORTED });
        }
        let names: Vec<String> = ds
            .tables
            .iter()
            .map(|t| {
                format!(
                    "{} ({})",
                    t.id.map_or_else(|| "?".to_owned(), |i| i.to_string()),
                    t.name.as_deref().unwrap_or("")
                )
            })
            .collect();
        eprintln!(
            "kusto-frames: {}: no table {}; tables: {}",
            input.name,
            which.unwrap_or(""),
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        );
        return Ok(FAILED);
    };
    let mut buf = String::new();
    for (i, c) in t.columns.iter().enumerate() {
        if i > 0 {
            buf.push(',');
        }
        field(&mut buf, c.name());
    }
    buf.push_str("\r\n");
    let mut bad = 0u64;
    for row in t.rows() {
        let n = row.len().max(t.columns.len());
        for j in 0..n {
            if j > 0 {
                buf.push(',');
            }
            if let Some(cell) = row.cell(j) {
                let (c, fits) = canon(row.column_type(j), cell);
                bad += u64::from(!fits);
                if let Some(text) = canon_text(&c) {
                    field(&mut buf, text);
                }
            }
        }
        buf.push_str("\r\n");
        if buf.len() >= 1 << 16 {
            out.write_all(buf.as_bytes())?;
            buf.clear();
        }
    }
    out.write_all(buf.as_bytes())?;
    if !t.row_errors.is_empty() {
        eprintln!(
            "kusto-frames: {}: {} object(s) in place of rows in this table are not in the CSV",
            input.name,
            t.row_errors.len()
        );
    }
    Ok(if ds.errors.is_empty() && bad == 0 {
        0
    } else {
        REPORTED
    })
}

/// The table asked for: by id (V2 `TableId`, V1 index), else by name;
/// by default the first primary result, else the first table.
fn pick<'d>(ds: &'d Dataset, which: Option<&str>) -> Option<&'d Table> {
    match which {
        None => ds.primary().next().or_else(|| ds.tables.first()),
        Some(w) => w
            .parse::<i64>()
            .ok()
            .and_then(|id| ds.table_by_id(id))
            .or_else(|| ds.table_by_name(w)),
    }
}

/// Appends a field, quoted when it holds a comma, a quote or any control
/// character (CR and LF among them).
fn field(buf: &mut String, s: &str) {
    if s.contains(|c: char| c == ',' || c == '"' || c.is_control()) {
        buf.push('"');
        buf.push_str(&s.replace('"', "\"\""));
        buf.push('"');
    } else {
        buf.push_str(s);
    }
}
