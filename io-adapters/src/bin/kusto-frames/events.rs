//! `kusto-frames events`: the decoder's events as NDJSON, one event a line.
//!
//! Each line is an object with `"event"` (the variant's name) and the
//! event's fields; raw JSON (cells, errors) is printed as sent, without the
//! whitespace between tokens. Lines are printed as events arrive, so a
//! malformed body still gives the events before the error (then exit 2). A
//! body that is not a Kusto response (plain text) gives one
//! `{"event":"TextBody","text":...}` line and exit 1. Cells are not typed
//! here: the exit status is 1 only for errors the response reports.

use core::fmt::Write as _;
use std::io::{self, Write};

use kusto_frames::response::ErrorTracker;
use kusto_frames::{Event, FragmentType, TableInfo};
use kusto_frames_io::collect::observe_errors;

use crate::render::{columns, minify, number, push_opt_int, push_opt_str, push_str};
use crate::{Input, REPORTED};

pub(crate) fn run(input: &mut Input, out: &mut dyn Write) -> io::Result<u8> {
    let mut tracker = ErrorTracker::new();
    let mut line = String::new();
    let mut write_err: Option<io::Error> = None;
    let r = input.decode(&mut |ev| {
        observe_errors(&mut tracker, &ev);
        if write_err.is_some() {
            return;
        }
        line.clear();
        render(&mut line, &ev);
        line.push('\n');
        if let Err(e) = out.write_all(line.as_bytes()) {
            write_err = Some(e);
        }
    });
    if let Some(e) = write_err {
        return Err(e);
    }
    let decoded = match r {
        Ok(d) => d,
        Err(f) => {
            out.flush()?;
            return Ok(f.report(input));
        }
    };
    if let Some(text) = decoded.text {
        let mut s = String::from(r#"{"event":"TextBody","text":"#);
        push_str(&mut s, &text);
        s.push_str("}\n");
        out.write_all(s.as_bytes())?;
        return Ok(REPORTED);
    }
    Ok(if tracker.finish().is_empty() {
        0
    } else {
        REPORTED
    })
}

fn table(b: &mut String, name: &str, t: &TableInfo<'_>) {
    let _ = write!(b, r#"{{"event":"{name}","table_id":"#);
    push_opt_int(b, t.table_id);
    b.push_str(r#","kind":"#);
    push_opt_str(b, t.kind.map(|k| k.as_str()));
    b.push_str(r#","name":"#);
    push_opt_str(b, t.name);
    b.push_str(r#","columns":"#);
    columns(b, t.columns);
    b.push('}');
}

fn opt_bool(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "true",
        Some(false) => "false",
        None => "null",
    }
}

fn raw_or_null(b: &mut String, raw: Option<&str>) {
    match raw {
        Some(r) => b.push_str(&minify(r)),
        None => b.push_str("null"),
    }
}

fn render(b: &mut String, ev: &Event<'_>) {
    match ev {
        Event::DataSetHeader(h) => {
            b.push_str(r#"{"event":"DataSetHeader","version":"#);
            push_opt_str(b, h.version);
            let _ = write!(
                b,
                r#","is_progressive":{},"is_fragmented":{},"error_reporting_placement":"#,
                opt_bool(h.is_progressive),
                opt_bool(h.is_fragmented)
            );
            push_opt_str(b, h.error_reporting_placement);
            b.push('}');
        }
        Event::TableHeader(t) => table(b, "TableHeader", t),
        Event::DataTable(t) => table(b, "DataTable", t),
        Event::DataTableEnd(t) => table(b, "DataTableEnd", t),
        Event::V1Table(t) => table(b, "V1Table", t),
        Event::V1TableEnd(t) => table(b, "V1TableEnd", t),
        Event::TableFragment(f) | Event::TableFragmentEnd(f) => {
            let name = if matches!(ev, Event::TableFragment(_)) {
                "TableFragment"
            } else {
                "TableFragmentEnd"
            };
            let _ = write!(b, r#"{{"event":"{name}","table_id":"#);
            push_opt_int(b, f.table_id);
            b.push_str(r#","fragment_type":"#);
            push_opt_str(
                b,
                f.fragment_type.map(|t| match t {
                    FragmentType::DataAppend => "DataAppend",
                    FragmentType::DataReplace => "DataReplace",
                    FragmentType::Other(s) => s,
                }),
            );
            b.push_str(r#","field_count":"#);
            push_opt_int(b, f.field_count);
            b.push('}');
        }
        Event::Row(r) => {
            b.push_str(r#"{"event":"Row","table_id":"#);
            push_opt_int(b, r.table_id());
            let _ = write!(
                b,
                r#","index":{},"offset":{},"cells":["#,
                r.index(),
                r.offset()
            );
            for i in 0..r.len() {
                if i > 0 {
                    b.push(',');
                }
                if let Some(c) = r.cell(i) {
                    b.push_str(&minify(c.raw()));
                }
            }
            b.push_str("]}");
        }
        Event::RowError(e) => {
            b.push_str(r#"{"event":"RowError","table_id":"#);
            push_opt_int(b, e.table_id);
            let _ = write!(b, r#","index":{},"offset":{},"error":"#, e.index, e.offset);
            b.push_str(&minify(e.raw.get()));
            b.push('}');
        }
        Event::TableProgress(p) => {
            b.push_str(r#"{"event":"TableProgress","table_id":"#);
            push_opt_int(b, p.table_id);
            b.push_str(r#","progress":"#);
            match p.progress {
                Some(v) => b.push_str(&number(v)),
                None => b.push_str("null"),
            }
            b.push('}');
        }
        Event::TableCompletion(c) => {
            b.push_str(r#"{"event":"TableCompletion","table_id":"#);
            push_opt_int(b, c.table_id);
            b.push_str(r#","row_count":"#);
            push_opt_int(b, c.row_count);
            b.push_str(r#","errors":"#);
            raw_or_null(b, c.errors.map(|e| e.get()));
            b.push('}');
        }
        Event::DataSetCompletion(c) => {
            let _ = write!(
                b,
                r#"{{"event":"DataSetCompletion","has_errors":{},"cancelled":{},"errors":"#,
                c.has_errors, c.cancelled
            );
            raw_or_null(b, c.errors.map(|e| e.get()));
            b.push('}');
        }
        Event::UnknownFrame { frame_type } => {
            b.push_str(r#"{"event":"UnknownFrame","frame_type":"#);
            push_str(b, frame_type);
            b.push('}');
        }
        Event::V1Exceptions(raw) => {
            b.push_str(r#"{"event":"V1Exceptions","exceptions":"#);
            b.push_str(&minify(raw.get()));
            b.push('}');
        }
        Event::ErrorBody(raw) => {
            b.push_str(r#"{"event":"ErrorBody","error":"#);
            b.push_str(&minify(raw.get()));
            b.push('}');
        }
        other => {
            // A variant added to the core later: name it, as a string.
            b.push_str(r#"{"event":"Other","debug":"#);
            push_str(b, &format!("{other:?}"));
            b.push('}');
        }
    }
}
