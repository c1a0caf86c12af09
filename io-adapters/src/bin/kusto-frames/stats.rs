//! `kusto-frames stats`: tables, kinds, row counts, errors, bytes and decode
//! throughput. Streams: every cell is converted to its typed value as it
//! arrives, and no row is kept (except rows that arrive before their
//! frame's `Columns`, typed at the frame's end, and V1 TableOfContents rows).

use core::fmt::Write as _;
use std::io::{self, Write};

use kusto_frames::response::ErrorTracker;
use kusto_frames::value::{convert, Value};
use kusto_frames::{Column, Event, Format, FragmentType, Row, TableInfo};
use kusto_frames_io::collect::observe_errors;
use kusto_frames_io::collect::{apply_v1_toc, is_v1_toc, RawRow, Table};

use crate::render::{describe, number};
use crate::{Input, REPORTED};

#[derive(Default)]
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

    /// Converts every cell of a row typed with its own columns
    /// (`Row::value`, which converts numbers from the row's bytes).
    fn row(&mut self, row: &Row<'_>) {
        for i in 0..row.len() {
            if let Some(v) = row.value(i) {
                self.count(v);
            }
        }
    }

    /// Converts every cell of a row typed with `columns`.
    fn cells<'a>(
        &mut self,
        columns: &[Column],
        cells: impl Iterator<Item = kusto_frames::Cell<'a>>,
    ) {
        for (i, cell) in cells.enumerate() {
            let ty = columns.get(i).map_or(
                kusto_frames::value::ScalarType::Unknown,
                Column::scalar_type,
            );
            self.count(convert(ty, cell));
        }
    }

    /// One converted cell.
    #[inline]
    fn count<E>(&mut self, v: Result<Value<'_>, E>) {
        self.cells += 1;
        match v {
            Ok(Value::Null) => self.nulls += 1,
            Ok(_) => {}
            Err(_) => self.bad += 1,
        }
    }
}

/// One table: what is known of it (rows only for a V1 TableOfContents), and
/// its counts.
#[derive(Default)]
struct Stat {
    meta: Table,
    counts: Counts,
}

/// The frame whose rows are arriving.
#[derive(Default)]
struct Frame {
    counts: Counts,
    /// Rows that arrived before the frame's `Columns`: not counted yet.
    untyped: Vec<RawRow>,
    /// Rows of a V1 TableOfContents (counted).
    toc: Vec<RawRow>,
    v1: bool,
}

#[derive(Default)]
struct Stats {
    tables: Vec<Stat>,
    frame: Frame,
    events: u64,
    format: Option<Format>,
    version: Option<String>,
    progressive: Option<bool>,
}

impl Stats {
    fn by_id(&mut self, id: Option<i64>) -> &mut Stat {
        let found = id.and_then(|id| self.tables.iter().rposition(|t| t.meta.id == Some(id)));
        let i = found.unwrap_or_else(|| {
            let mut s = Stat::default();
            s.meta.id = id;
            s.meta.progressive = true;
            self.tables.push(s);
            self.tables.len() - 1
        });
        &mut self.tables[i]
    }

    fn row(&mut self, row: &Row<'_>) {
        let f = &mut self.frame;
        f.counts.rows += 1;
        let raw = || RawRow::from_cells(row.offset(), (0..row.len()).filter_map(|i| row.cell(i)));
        if row.columns().is_empty() && !row.is_empty() {
            f.untyped.push(raw());
            return;
        }
        f.counts.row(row);
        if f.v1 && is_v1_toc(row.columns()) {
            f.toc.push(raw());
        }
    }

    /// Counts the cells of rows that arrived before their columns.
    fn untyped(f: &mut Frame, columns: &[Column]) {
        for r in &f.untyped {
            f.counts.cells(columns, r.cells());
        }
    }

    /// A whole table (DataTable, V1 table) ended.
    fn whole(&mut self, info: &TableInfo<'_>) {
        let mut f = core::mem::take(&mut self.frame);
        Self::untyped(&mut f, info.columns);
        let mut meta = meta(info, false);
        meta.row_count = i64::try_from(f.counts.rows).ok();
        if f.v1 && is_v1_toc(info.columns) {
            meta.rows = f.toc;
            meta.rows.extend(f.untyped);
        }
        self.tables.push(Stat {
            meta,
            counts: f.counts,
        });
    }

    fn observe(&mut self, ev: &Event<'_>) {
        self.events += 1;
        match ev {
            Event::DataSetHeader(h) => {
                self.format.get_or_insert(Format::V2);
                self.version = h.version.map(str::to_owned);
                self.progressive = h.is_progressive;
            }
            Event::TableHeader(info) => {
                self.tables.push(Stat {
                    meta: meta(info, true),
                    counts: Counts::default(),
                });
            }
            Event::DataTable(_) | Event::TableFragment(_) => self.frame = Frame::default(),
            Event::V1Table(_) => {
                self.format.get_or_insert(Format::V1);
                self.frame = Frame {
                    v1: true,
                    ..Frame::default()
                };
            }
            Event::Row(row) => self.row(row),
            Event::RowError(_) => self.frame.counts.row_errors += 1,
            Event::DataTableEnd(info) | Event::V1TableEnd(info) => self.whole(info),
            Event::TableFragmentEnd(fr) => {
                let mut f = core::mem::take(&mut self.frame);
                Self::untyped(&mut f, fr.columns);
                let t = self.by_id(fr.table_id);
                if fr.fragment_type == Some(FragmentType::DataReplace) {
                    t.counts.rows = f.counts.rows;
                } else {
                    t.counts.rows += f.counts.rows;
                }
                t.counts.add(&f.counts);
            }
            Event::TableProgress(p) => {
                let t = self.by_id(p.table_id);
                t.meta.progress.extend(p.progress);
            }
            Event::TableCompletion(c) => {
                let t = self.by_id(c.table_id);
                if t.meta.progressive {
                    t.meta.row_count = c.row_count;
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
    }
}

/// What a table's head or end event tells of it.
fn meta(info: &TableInfo<'_>, progressive: bool) -> Table {
    let mut t = Table::default();
    t.id = info.table_id;
    t.kind = info.kind.map(|k| k.as_str().to_owned());
    t.name = info.name.map(str::to_owned);
    t.columns = info.columns.to_vec();
    t.progressive = progressive;
    t
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub(crate) fn run(input: &mut Input, out: &mut dyn Write) -> io::Result<u8> {
    let mut st = Stats::default();
    let mut tracker = ErrorTracker::new();
    let decoded = match input.decode(&mut |ev| {
        observe_errors(&mut tracker, &ev);
        st.observe(&ev);
    }) {
        Ok(d) => d,
        Err(f) => return Ok(f.report(input)),
    };
    let dropped = tracker.dropped();
    let mut errors = tracker.finish();
    let mut s = String::new();
    if let Some(text) = &decoded.text {
        tracker = ErrorTracker::new();
        tracker.observe_text_body(text);
        errors = tracker.finish();
        s.push_str("format: error (plain text)\n");
    } else {
        let format = decoded.format.or(st.format);
        if format == Some(Format::V1) {
            let mut metas: Vec<Table> = st
                .tables
                .iter_mut()
                .map(|t| core::mem::take(&mut t.meta))
                .collect();
            apply_v1_toc(&mut metas);
            for (t, m) in st.tables.iter_mut().zip(metas) {
                t.meta = m;
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
                st.version.as_deref().unwrap_or("(none)"),
                st.progressive.unwrap_or(false)
            );
        }
    }
    let _ = writeln!(s, "bytes: {}\nevents: {}", decoded.bytes, st.events);
    let _ = writeln!(s, "tables: {}", st.tables.len());
    let mut total = Counts::default();
    for (i, t) in st.tables.iter().enumerate() {
        let m = &t.meta;
        let c = &t.counts;
        total.add(c);
        total.rows += c.rows;
        let _ = write!(
            s,
            "  table {i}: id {}, kind {}, name {}, {}, {}",
            m.id.map_or_else(|| "(none)".to_owned(), |v| v.to_string()),
            m.kind.as_deref().unwrap_or("(none)"),
            m.name
                .as_deref()
                .map_or_else(|| "(none)".to_owned(), |n| format!("{n:?}")),
            plural(m.columns.len() as u64, "column", "columns"),
            plural(c.rows, "row", "rows"),
        );
        if m.progressive {
            let _ = write!(
                s,
                ", progressive, row count {}",
                m.row_count
                    .map_or_else(|| "(none)".to_owned(), |v| v.to_string())
            );
            if let Some(p) = m.progress.last() {
                let _ = write!(s, ", progress {}%", number(*p));
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
    if dropped > 0 {
        let _ = writeln!(s, "errors: {} ({dropped} more not listed)", errors.len());
    } else {
        let _ = writeln!(s, "errors: {}", errors.len());
    }
    for e in &errors {
        let _ = writeln!(s, "  {}", describe(e));
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
    out.write_all(s.as_bytes())?;
    Ok(if errors.is_empty() && total.bad == 0 {
        0
    } else {
        REPORTED
    })
}
