//! `kusto-frames stats`: tables, kinds, row counts, errors, bytes and decode
//! throughput. Streams in constant memory: every cell is converted to its
//! typed value as it arrives and no row is kept. Per table it keeps its
//! counts, id, kind and name (at most 1024 characters each), for at most
//! `--max-tables` tables (a [`Tables`] registry: found by id in `O(log n)`;
//! a table re-sent under its id is one table, its frames' counts added);
//! of a V1 TableOfContents, the kind and name of each table it lists.

use core::fmt::Write as _;
use std::io;

use kusto_frames::response::ErrorTracker;
use kusto_frames::tables::{Sent, Tables};
use kusto_frames::value::Value;
use kusto_frames::{CellError, Event, Format, FragmentType, Row, TableInfo};

use crate::input::{Body, Failure, Handler, Input};
use crate::out::Out;
use crate::pick::Toc;
use crate::render::{describe, line, number};
use crate::report::{list_errors, BadCells, MAX_LISTED};
use crate::REPORTED;

#[derive(Default, Clone, Copy)]
struct Counts {
    rows: u64,
    row_errors: u64,
    cells: u64,
    nulls: u64,
    bad: u64,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.row_errors += o.row_errors;
        self.cells += o.cells;
        self.nulls += o.nulls;
        self.bad += o.bad;
    }
}

/// Most characters kept of a table's kind or name.
const NAME_MAX: usize = 1024;

fn bounded(s: &str) -> String {
    match s.char_indices().nth(NAME_MAX) {
        None => s.to_owned(),
        Some((i, _)) => format!("{}...", &s[..i]),
    }
}

/// One table: what is known of it, and its counts.
#[derive(Default)]
struct Stat {
    id: Option<i64>,
    kind: Option<String>,
    name: Option<String>,
    columns: usize,
    progressive: bool,
    row_count: Option<i64>,
    progress: Option<f64>,
    counts: Counts,
}

impl Stat {
    fn new(info: &TableInfo<'_>, progressive: bool) -> Self {
        Stat {
            id: info.table_id,
            kind: info.kind.map(|k| bounded(k.as_str())),
            name: info.name.map(bounded),
            columns: info.columns.len(),
            progressive,
            ..Stat::default()
        }
    }
}

struct Stats {
    tables: Tables<Stat>,
    /// The counts of the frame whose rows are arriving.
    frame: Counts,
    /// The frame's table and columns (for the warning).
    frame_table: (Option<i64>, Option<String>),
    events: u64,
    format: Option<Format>,
    version: Option<String>,
    progressive: Option<bool>,
    toc: Toc,
    v1: bool,
    bad: BadCells,
    tracker: ErrorTracker,
}

fn too_many(limit: usize) -> Failure {
    Failure::Limit(format!("more than {limit} tables (raise --max-tables)"))
}

impl Stats {
    /// The table with this id; a new one when there is none.
    fn by_id(&mut self, id: Option<i64>) -> Result<&mut Stat, Failure> {
        let i = self
            .tables
            .named(id, || Stat {
                id,
                progressive: true,
                ..Stat::default()
            })
            .map_err(|e| too_many(e.limit))?;
        let max = self.tables.max();
        match self.tables.get_mut(i) {
            Some(e) => Ok(&mut e.value),
            None => Err(too_many(max)),
        }
    }

    #[inline]
    fn row(&mut self, row: &Row<'_>) {
        self.frame.rows += 1;
        for i in 0..row.len() {
            self.frame.cells += 1;
            match row.value(i) {
                Some(Ok(Value::Null)) => self.frame.nulls += 1,
                Some(Ok(_)) | None => {}
                Some(Err(e)) => {
                    self.frame.bad += 1;
                    self.bad_cell(row, &e);
                }
            }
        }
        if self.v1 {
            self.toc.row(row);
        }
    }

    #[cold]
    fn bad_cell(&mut self, row: &Row<'_>, e: &CellError) {
        let (id, name) = (&self.frame_table.0, &self.frame_table.1);
        self.bad.add(*id, name.as_deref(), row.columns(), e);
    }

    /// A whole table (DataTable, V1 table) ended. One re-sent under its id
    /// is the same table: its rows and counts are added, and what the last
    /// frame says of it is kept.
    fn whole(&mut self, info: &TableInfo<'_>, sent: Sent) -> Result<(), Failure> {
        let f = core::mem::take(&mut self.frame);
        let o = self
            .tables
            .open(info, sent, Stat::default)
            .map_err(|e| too_many(e.limit))?;
        self.tables.end_frame();
        let Some(e) = self.tables.get_mut(o.index) else {
            return Ok(());
        };
        let mut s = Stat::new(info, false);
        s.counts = core::mem::take(&mut e.value.counts);
        s.counts.add(&f);
        s.counts.rows += f.rows;
        s.row_count = i64::try_from(s.counts.rows).ok();
        e.value = s;
        Ok(())
    }

    /// A `TableHeader`: a table re-sent under its id is the same table,
    /// described by its last header.
    fn header(&mut self, info: &TableInfo<'_>) -> Result<(), Failure> {
        let o = self
            .tables
            .open(info, Sent::Fragments, || Stat::new(info, true))
            .map_err(|e| too_many(e.limit))?;
        if let (true, Some(e)) = (o.reopened, self.tables.get_mut(o.index)) {
            let t = &mut e.value;
            let fresh = Stat::new(info, true);
            (t.id, t.kind, t.name, t.columns, t.progressive) =
                (fresh.id, fresh.kind, fresh.name, fresh.columns, true);
        }
        Ok(())
    }
}

impl Handler for Stats {
    fn event(&mut self, ev: &Event<'_>) -> Result<(), Failure> {
        self.tracker.observe(ev);
        self.events += 1;
        match ev {
            Event::Row(row) => self.row(row),
            Event::RowError(_) => self.frame.row_errors += 1,
            Event::DataSetHeader(h) => {
                self.format.get_or_insert(Format::V2);
                self.version = h.version.map(bounded);
                self.progressive = h.is_progressive;
            }
            Event::TableHeader(info) => self.header(info)?,
            Event::DataTable(info) => {
                self.frame = Counts::default();
                self.frame_table = (info.table_id, info.name.map(bounded));
            }
            Event::TableFragment(f) => {
                self.frame = Counts::default();
                let name = f
                    .table_id
                    .and_then(|id| self.tables.by_id(id))
                    .and_then(|e| e.value.name.clone());
                self.frame_table = (f.table_id, name);
            }
            Event::V1Table(info) => {
                self.format.get_or_insert(Format::V1);
                self.v1 = true;
                self.toc.table(info.columns, true);
                self.frame = Counts::default();
                self.frame_table = (info.table_id, info.name.map(bounded));
            }
            Event::DataTableEnd(info) => self.whole(info, Sent::DataTable)?,
            Event::V1TableEnd(info) => {
                self.toc.table(info.columns, false);
                self.whole(info, Sent::V1)?;
            }
            Event::TableFragmentEnd(fr) => {
                let f = core::mem::take(&mut self.frame);
                let t = self.by_id(fr.table_id)?;
                if t.columns == 0 {
                    t.columns = fr.columns.len();
                }
                if fr.fragment_type == Some(FragmentType::DataReplace) {
                    t.counts.rows = f.rows;
                } else {
                    t.counts.rows += f.rows;
                }
                t.counts.add(&f);
            }
            Event::TableProgress(p) => {
                let t = self.by_id(p.table_id)?;
                if p.progress.is_some() {
                    t.progress = p.progress;
                }
            }
            Event::TableCompletion(c) => {
                let t = self.by_id(c.table_id)?;
                if t.progressive {
                    t.row_count = c.row_count;
                }
            }
            Event::ErrorBody(_) => {
                self.format.get_or_insert(Format::Error);
            }
            Event::V1Exceptions(_) => {
                self.format.get_or_insert(Format::V1);
            }
            _ => {}
        }
        Ok(())
    }

    fn chunk_end(&mut self) -> Result<(), Failure> {
        Ok(())
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub(crate) fn run(input: &mut Input, out: &mut Out) -> io::Result<u8> {
    let mut st = Stats {
        tables: Tables::with_max(input.limits.max_tables),
        frame: Counts::default(),
        frame_table: (None, None),
        events: 0,
        format: None,
        version: None,
        progressive: None,
        toc: Toc::new(input.limits.max_tables),
        v1: false,
        bad: BadCells::default(),
        tracker: ErrorTracker::new(),
    };
    let name = input.name.clone();
    let decoded = match input.decode(&mut st) {
        Ok(d) => d,
        Err(f) => {
            st.bad.warn(&name, &|_| None);
            return f.report(input);
        }
    };
    let mut dropped = st.tracker.dropped();
    let mut errors = core::mem::take(&mut st.tracker).finish();
    let mut s = String::new();
    if let Body::Text { prefix, .. } = &decoded.body {
        let mut tracker = ErrorTracker::new();
        tracker.observe_text_body(prefix);
        errors = tracker.finish();
        dropped = 0;
        s.push_str("format: error (plain text)\n");
    } else {
        let format = match decoded.body {
            Body::Kusto(f) => f.or(st.format),
            Body::Text { .. } => None,
        };
        if format == Some(Format::V1) && st.toc.present() {
            let last = st.tables.len().saturating_sub(1);
            for (i, t) in st.tables.iter_mut().map(|e| &mut e.value).enumerate() {
                if i == last {
                    t.kind = Some("TableOfContents".to_owned());
                } else if let Some((k, n)) = st.toc.get(t.id) {
                    t.kind = k.map(str::to_owned);
                    if let Some(n) = n {
                        t.name = Some(n.to_owned());
                    }
                }
            }
        }
        let _ = writeln!(
            s,
            "format: {}",
            match format {
                Some(Format::V2) => "v2",
                Some(Format::V1) => "v1",
                Some(Format::Error) => "error",
                None => "unknown",
            }
        );
        if format == Some(Format::V2) {
            let _ = writeln!(
                s,
                "version: {}\nprogressive: {}",
                st.version
                    .as_deref()
                    .map_or("(none)".to_owned(), |v| line(v, 100)),
                st.progressive.unwrap_or(false)
            );
        }
    }
    let _ = writeln!(s, "bytes: {}\nevents: {}", decoded.bytes, st.events);
    let _ = writeln!(s, "tables: {}", st.tables.len());
    let mut total = Counts::default();
    for (i, e) in st.tables.iter().enumerate() {
        let t = &e.value;
        let c = &t.counts;
        total.add(c);
        total.rows += c.rows;
        let _ = write!(
            s,
            "  table {i}: id {}, kind {}, name {}, {}, {}",
            t.id.map_or_else(|| "(none)".to_owned(), |v| v.to_string()),
            t.kind
                .as_deref()
                .map_or("(none)".to_owned(), |k| line(k, NAME_MAX)),
            t.name
                .as_deref()
                .map_or_else(|| "(none)".to_owned(), |n| format!("{n:?}")),
            plural(t.columns as u64, "column", "columns"),
            plural(c.rows, "row", "rows"),
        );
        if t.progressive {
            let _ = write!(
                s,
                ", progressive, row count {}",
                t.row_count
                    .map_or_else(|| "(none)".to_owned(), |v| v.to_string())
            );
            if let Some(p) = t.progress {
                let _ = write!(s, ", progress {}%", number(p));
            }
        }
        if e.opened > 1 {
            let _ = write!(s, ", sent {} times", e.opened);
        }
        if c.row_errors > 0 {
            let _ = write!(s, ", {}", plural(c.row_errors, "row error", "row errors"));
        }
        if c.bad > 0 {
            let _ = write!(
                s,
                ", {}",
                plural(c.bad, "cell not of its type", "cells not of their type")
            );
        }
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "rows: {}\ncells: {} ({} null, {} not of their column type)",
        total.rows, total.cells, total.nulls, total.bad
    );
    let count = errors.len() as u64 + dropped;
    let _ = writeln!(s, "errors: {count}");
    for e in errors.iter().take(MAX_LISTED) {
        let _ = writeln!(s, "  {}", describe(e));
    }
    let listed = errors.len().min(MAX_LISTED) as u64;
    if count > listed {
        let _ = writeln!(s, "  ... and {} more", count - listed);
    }
    let secs = decoded.elapsed.as_secs_f64();
    let mb = decoded.bytes as f64 / 1e6;
    let _ = writeln!(
        s,
        "time: {:.3} ms ({})",
        secs * 1e3,
        if secs > 0.0 {
            format!("{:.1} MB/s", mb / secs)
        } else {
            "-".to_owned()
        }
    );
    out.buf.extend_from_slice(s.as_bytes());
    out.flush()?;
    let toc = &st.toc;
    st.bad.warn(&name, &|id| {
        toc.get(id).and_then(|(_, n)| n).map(str::to_owned)
    });
    list_errors(&name, &errors, dropped);
    Ok(if count == 0 { 0 } else { REPORTED })
}
