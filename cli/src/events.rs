//! `kusto-frames events`: the decoder's events as NDJSON, one event a line.
//!
//! Each line is an object with `"event"` (the variant's name) and the
//! event's fields; raw JSON (cells, errors) is printed as sent, without the
//! whitespace between tokens. Lines are printed as events arrive, so a
//! malformed body still gives the events before the error (then exit 2). A
//! body that is not a Kusto response (plain text) gives one
//! `{"event":"TextBody","text":...}` line and exit 1. Cells are not typed
//! here: the exit status is 1 only for errors the response reports.

use std::io::{self, Write as _};

use kusto_frames::response::ErrorTracker;
use kusto_frames::{Event, FragmentType, TableInfo};

use crate::input::{Body, Failure, Handler, Input};
use crate::out::Out;
use crate::render::{columns, minify, number, push_opt_int, push_opt_str, push_str};
use crate::REPORTED;

struct Events<'o> {
    out: &'o mut Out,
    tracker: ErrorTracker,
}

impl Handler for Events<'_> {
    fn event(&mut self, ev: &Event<'_>) -> Result<(), Failure> {
        self.tracker.observe(ev);
        render(&mut self.out.buf, ev);
        self.out.buf.push(b'\n');
        self.out.spill()?;
        Ok(())
    }

    fn chunk_end(&mut self) -> Result<(), Failure> {
        self.out.flush()?;
        Ok(())
    }
}

pub(crate) fn run(input: &mut Input, out: &mut Out) -> io::Result<u8> {
    let mut h = Events {
        out,
        tracker: ErrorTracker::new(),
    };
    let decoded = match input.decode(&mut h) {
        Ok(d) => d,
        Err(f) => return f.report(input),
    };
    if let Body::Text { prefix, cut } = &decoded.body {
        let b = &mut h.out.buf;
        b.extend_from_slice(br#"{"event":"TextBody","text":"#);
        push_str(b, prefix);
        if *cut {
            b.extend_from_slice(br#","text_bytes":"#);
            push_opt_int(b, i64::try_from(decoded.bytes).ok());
        }
        b.extend_from_slice(b"}\n");
        return Ok(REPORTED);
    }
    Ok(if h.tracker.finish().is_empty() {
        0
    } else {
        REPORTED
    })
}

fn table(b: &mut Vec<u8>, name: &str, t: &TableInfo<'_>) {
    let _ = write!(b, r#"{{"event":"{name}","table_id":"#);
    push_opt_int(b, t.table_id);
    b.extend_from_slice(br#","kind":"#);
    push_opt_str(b, t.kind.map(|k| k.as_str()));
    b.extend_from_slice(br#","name":"#);
    push_opt_str(b, t.name);
    b.extend_from_slice(br#","columns":"#);
    columns(b, t.columns);
    b.push(b'}');
}

fn opt_bool(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "true",
        Some(false) => "false",
        None => "null",
    }
}

fn raw_or_null(b: &mut Vec<u8>, raw: Option<&str>) {
    match raw {
        Some(r) => b.extend_from_slice(minify(r).as_bytes()),
        None => b.extend_from_slice(b"null"),
    }
}

fn render(b: &mut Vec<u8>, ev: &Event<'_>) {
    match ev {
        Event::DataSetHeader(h) => {
            b.extend_from_slice(br#"{"event":"DataSetHeader","version":"#);
            push_opt_str(b, h.version);
            let _ = write!(
                b,
                r#","is_progressive":{},"is_fragmented":{},"error_reporting_placement":"#,
                opt_bool(h.is_progressive),
                opt_bool(h.is_fragmented)
            );
            push_opt_str(b, h.error_reporting_placement);
            b.push(b'}');
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
            b.extend_from_slice(br#","fragment_type":"#);
            push_opt_str(
                b,
                f.fragment_type.map(|t| match t {
                    FragmentType::DataAppend => "DataAppend",
                    FragmentType::DataReplace => "DataReplace",
                    FragmentType::Other(s) => s,
                }),
            );
            b.extend_from_slice(br#","field_count":"#);
            push_opt_int(b, f.field_count);
            b.push(b'}');
        }
        Event::Row(r) => {
            b.extend_from_slice(br#"{"event":"Row","table_id":"#);
            push_opt_int(b, r.table_id());
            let _ = write!(
                b,
                r#","index":{},"offset":{},"cells":["#,
                r.index(),
                r.offset()
            );
            for i in 0..r.len() {
                if i > 0 {
                    b.push(b',');
                }
                if let Some(c) = r.cell(i) {
                    b.extend_from_slice(minify(c.raw()).as_bytes());
                }
            }
            b.extend_from_slice(b"]}");
        }
        Event::RowError(e) => {
            b.extend_from_slice(br#"{"event":"RowError","table_id":"#);
            push_opt_int(b, e.table_id);
            let _ = write!(b, r#","index":{},"offset":{},"error":"#, e.index, e.offset);
            b.extend_from_slice(minify(e.raw.get()).as_bytes());
            b.push(b'}');
        }
        Event::TableProgress(p) => {
            b.extend_from_slice(br#"{"event":"TableProgress","table_id":"#);
            push_opt_int(b, p.table_id);
            b.extend_from_slice(br#","progress":"#);
            match p.progress {
                Some(v) => b.extend_from_slice(number(v).as_bytes()),
                None => b.extend_from_slice(b"null"),
            }
            b.push(b'}');
        }
        Event::TableCompletion(c) => {
            b.extend_from_slice(br#"{"event":"TableCompletion","table_id":"#);
            push_opt_int(b, c.table_id);
            b.extend_from_slice(br#","row_count":"#);
            push_opt_int(b, c.row_count);
            b.extend_from_slice(br#","errors":"#);
            raw_or_null(b, c.errors.map(|e| e.get()));
            b.push(b'}');
        }
        Event::DataSetCompletion(c) => {
            let _ = write!(
                b,
                r#"{{"event":"DataSetCompletion","has_errors":{},"cancelled":{},"errors":"#,
                c.has_errors, c.cancelled
            );
            raw_or_null(b, c.errors.map(|e| e.get()));
            b.push(b'}');
        }
        Event::UnknownFrame { frame_type } => {
            b.extend_from_slice(br#"{"event":"UnknownFrame","frame_type":"#);
            push_str(b, frame_type);
            b.push(b'}');
        }
        Event::V1Exceptions(raw) => {
            b.extend_from_slice(br#"{"event":"V1Exceptions","exceptions":"#);
            b.extend_from_slice(minify(raw.get()).as_bytes());
            b.push(b'}');
        }
        Event::ErrorBody(raw) => {
            b.extend_from_slice(br#"{"event":"ErrorBody","error":"#);
            b.extend_from_slice(minify(raw.get()).as_bytes());
            b.push(b'}');
        }
        other => {
            // A variant added to the core later: name it, as a string.
            b.extend_from_slice(br#"{"event":"Other","debug":"#);
            push_str(b, &format!("{other:?}"));
            b.push(b'}');
        }
    }
}
