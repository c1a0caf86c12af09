//! `kusto-frames stats`: tables, kinds, row counts, errors, bytes and decode
//! throughput. Streams in constant memory: every cell is converted to its
//! typed value as it arrives and no row is kept. Per table it keeps its
//! counts, id, kind and name (at most 1024 characters each), for at most
//! `--max-tables` tables (found by id in constant time); of a V1
//! TableOfContents, the kind and name of each table it lists.

use core::fmt::Write as _;
use std::collections::HashMap;
use std::io;

use kusto_frames::response::ErrorTracker;
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
    tables: Vec<Stat>,
    /// The latest table with each id.
    ids: HashMap<i64, usize>,
    max_tables: usize,
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

impl Stats {
    fn push(&mut self, s: Stat) -> Result<usize, Failure> {
        if self.tables.len() >= self.max_tables {
            return Err(Failure::Limit(format!(
                "more than {} tables (raise --max-tables)",
                self.max_tables
            )));
        }
        if let Some(id) = s.id {
            self.ids.insert(id, self.tables.len());
        }
        self.tables.push(s);
        Ok(self.tables.len() - 1)
    }

    /// The latest table with this id; a new one when there is none.
    fn by_id(&mut self, id: Option<i64>) -> Result<usize, Failure> {
        if let Some(&i) = id.and_then(|id| self.ids.get(&id)) {
            return Ok(i);
        }
        self.push(Stat {
            id,
            progressive: true,
            ..Stat::default()
        })
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

    /// A whole table (DataTable, V1 table) ended.
    fn whole(&mut self, info: &TableInfo<'_>) -> Result<(), Failure> {
        let f = core::mem::take(&mut self.frame);
        let mut s = Stat::new(info, false);
        s.row_count = i64::try_from(f.rows).ok();
        s.counts = f;
        self.push(s)?;
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
            Event::TableHeader(info) => {
                self.push(Stat::new(info, true))?;
            }
            Event::DataTable(info) => {
                self.frame = Counts::default();
                self.frame_table = (info.table_id, info.name.map(bounded));
            }
            Event::TableFragment(f) => {
                self.frame = Counts::default();
                let name = f
                    .table_id
                    .and_then(|id| self.ids.get(&id))
                    .and_then(|&i| self.tables[i].name.clone());
                self.frame_table = (f.table_id, name);
            }
            Event::V1Table(info) => {
                self.format.get_or_insert(Format::V1);
                self.v1 = true;
                self.toc.table(info.columns, true);
                self.frame = Counts::default();
                self.frame_table = (info.table_id, info.name.map(bounded));
            }
            Event::DataTableEnd(info) => self.whole(info)?,
            Event::V1TableEnd(info) => {
                self.toc.table(info.columns, false);
                self.whole(info)?;
            }
            Event::TableFragmentEnd(fr) => {
                let f = core::mem::take(&mut self.frame);
                let i = self.by_id(fr.table_id)?;
                let t = &mut self.tables[i];
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
                let i = self.by_id(p.table_id)?;
                if p.progress.is_some() {
                    self.tables[i].progress = p.progress;
                }
            }
            Event::TableCompletion(c) => {
                let i = self.by_id(c.table_id)?;
                let t = &mut self.tables[i];
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
        tables: Vec::new(),
        ids: HashMap::new(),
        max_tables: input.limits.max_tables,
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
            for (i, t) in st.tables.iter_mut().enumerate() {
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
    for (i, t) in st.tables.iter().enumerate() {
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
