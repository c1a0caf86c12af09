//! `kusto-frames json`: the decoded dataset as one JSON document, on one
//! line. Values "as sent" (dynamic cells, row errors, OneApiErrors, the
//! error object) are the JSON values as sent, numbers and strings byte for
//! byte, without the whitespace between their tokens.

use core::fmt::Write as _;
use std::io::{self, Write};

use kusto_frames::Format;
use kusto_frames_io::collect::{Collector, Dataset, Table};

use crate::render::{
    canon, columns, minify, number, push_canon_json, push_entries, push_opt_int, push_opt_str,
    push_str,
};
use crate::{Input, REPORTED};

/// Flushes the text rendered so far once it grows past this.
const FLUSH_AT: usize = 1 << 16;

/// Collects the whole response, then prints it. Nothing is printed when the
/// body is malformed.
pub(crate) fn run(input: &mut Input, out: &mut dyn Write) -> io::Result<u8> {
    let mut col = Collector::new();
    let decoded = match input.decode(&mut |ev| col.push(&ev)) {
        Ok(d) => d,
        Err(f) => return Ok(f.report(input)),
    };
    if let Some(text) = decoded.text {
        let mut s = String::from(r#"{"format":"error","text":"#);
        push_str(&mut s, &text);
        s.push_str("}\n");
        out.write_all(s.as_bytes())?;
        return Ok(REPORTED);
    }
    col.set_format(decoded.format);
    let ds = col.finish();
    let mut w = Doc {
        out,
        buf: String::with_capacity(FLUSH_AT * 2),
        bad_cells: 0,
    };
    match ds.format {
        Some(Format::Error) => {
            w.buf.push_str(r#"{"format":"error","error":"#);
            w.buf
                .push_str(&minify(ds.error.as_deref().unwrap_or("null")));
            w.buf.push('}');
        }
        Some(Format::V1) => w.v1(&ds)?,
        _ => w.v2(&ds)?,
    }
    w.buf.push('\n');
    w.flush()?;
    Ok(if ds.errors.is_empty() && w.bad_cells == 0 {
        0
    } else {
        REPORTED
    })
}

struct Doc<'o> {
    out: &'o mut dyn Write,
    buf: String,
    bad_cells: u64,
}

impl Doc<'_> {
    fn flush(&mut self) -> io::Result<()> {
        self.out.write_all(self.buf.as_bytes())?;
        self.buf.clear();
        Ok(())
    }

    fn v2(&mut self, ds: &Dataset) -> io::Result<()> {
        let b = &mut self.buf;
        b.push_str(r#"{"format":"v2","version":"#);
        let header = ds.header.as_ref();
        push_opt_str(b, header.and_then(|h| h.version.as_deref()));
        b.push_str(r#","progressive":"#);
        let progressive = header.and_then(|h| h.is_progressive).unwrap_or(false);
        b.push_str(if progressive { "true" } else { "false" });
        b.push_str(r#","tables":["#);
        for (i, t) in ds.tables.iter().enumerate() {
            if i > 0 {
                self.buf.push(',');
            }
            self.table("id", t)?;
            let b = &mut self.buf;
            b.push_str(r#","progress":["#);
            for (j, p) in t.progress.iter().enumerate() {
                if j > 0 {
                    b.push(',');
                }
                b.push_str(&number(*p));
            }
            b.push_str(r#"],"row_count":"#);
            push_opt_int(b, t.row_count);
            b.push_str(r#","errors":"#);
            push_entries(b, t.errors.as_deref());
            b.push('}');
        }
        let b = &mut self.buf;
        b.push_str(r#"],"completion":"#);
        match &ds.completion {
            None => b.push_str("null"),
            Some(c) => {
                let _ = write!(
                    b,
                    r#"{{"has_errors":{},"cancelled":{},"errors":"#,
                    c.has_errors, c.cancelled
                );
                push_entries(b, c.errors.as_deref());
                b.push('}');
            }
        }
        b.push('}');
        Ok(())
    }

    fn v1(&mut self, ds: &Dataset) -> io::Result<()> {
        self.buf.push_str(r#"{"format":"v1","exceptions":"#);
        push_entries(&mut self.buf, ds.exceptions.as_deref());
        self.buf.push_str(r#","tables":["#);
        for (i, t) in ds.tables.iter().enumerate() {
            if i > 0 {
                self.buf.push(',');
            }
            self.table("index", t)?;
            self.buf.push('}');
        }
        self.buf.push_str("]}");
        Ok(())
    }

    /// `{"<id_key>":..,"kind":..,"name":..,"columns":[..],"rows":[..],"row_errors":[..]`
    /// (the caller closes the object).
    fn table(&mut self, id_key: &str, t: &Table) -> io::Result<()> {
        let b = &mut self.buf;
        let _ = write!(b, r#"{{"{id_key}":"#);
        push_opt_int(b, t.id);
        b.push_str(r#","kind":"#);
        push_opt_str(b, t.kind.as_deref());
        b.push_str(r#","name":"#);
        push_opt_str(b, t.name.as_deref());
        b.push_str(r#","columns":"#);
        columns(b, &t.columns);
        b.push_str(r#","rows":["#);
        for (i, row) in t.rows().enumerate() {
            if i > 0 {
                self.buf.push(',');
            }
            self.buf.push('[');
            for j in 0..row.len() {
                let Some(cell) = row.cell(j) else { continue };
                if j > 0 {
                    self.buf.push(',');
                }
                let (c, fits) = canon(row.column_type(j), cell);
                if !fits {
                    self.bad_cells += 1;
                }
                push_canon_json(&mut self.buf, &c);
            }
            self.buf.push(']');
            if self.buf.len() >= FLUSH_AT {
                self.flush()?;
            }
        }
        let b = &mut self.buf;
        b.push_str(r#"],"row_errors":["#);
        for (i, e) in t.row_errors.iter().enumerate() {
            if i > 0 {
                b.push(',');
            }
            b.push_str(&minify(e));
        }
        b.push(']');
        Ok(())
    }
}
