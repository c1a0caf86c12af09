//! `kusto-frames json`: the decoded dataset as one JSON document (on one
//! line, or indented with `--pretty`), written as the body is decoded.
//! Values "as sent" (dynamic cells, row errors, OneApiErrors, the error
//! object) are the JSON values as sent, numbers and strings byte for byte,
//! without the whitespace between their tokens.
//!
//! A `DataTable`'s rows stream straight out. Held until they can be written
//! in document order (tables in order of first appearance), as rendered
//! text, at most `--max-held` bytes in all: a table sent as `TableHeader` +
//! `TableFragment`s until its `TableCompletion` (a `DataReplace` fragment
//! drops the rows before it), the tables that come after it meanwhile, a
//! `DataTable` whose kind, name or columns come after its rows, and every
//! table of a V1 body (its kinds and names come from the TableOfContents, at
//! the end). A `TableProgress` or `TableCompletion` for a table already
//! written is left out of the document (its errors are still reported).

use std::collections::VecDeque;
use std::io;

use kusto_frames::response::ErrorTracker;
use kusto_frames::tables::Tables;
use kusto_frames::{Column, Event, Format, FragmentType, Row, TableInfo};

use crate::input::{Body, Failure, Handler, Input};
use crate::out::Out;
use crate::pick::{Toc, Which};
use crate::render::{
    columns, minify, number, push_cell_json, push_entries, push_opt_int, push_opt_str, push_str,
};
use crate::report::{list_errors, BadCells};
use crate::{FAILED, REPORTED};

/// A table held until it can be written.
#[derive(Default)]
struct Held {
    id: Option<i64>,
    kind: Option<String>,
    name: Option<String>,
    columns: Vec<Column>,
    /// Sent as `TableHeader` + `TableFragment`s (or never declared).
    progressive: bool,
    /// The rows rendered, comma-separated.
    rows: Vec<u8>,
    nrows: u64,
    row_errors: Vec<u8>,
    progress: Vec<f64>,
    row_count: Option<i64>,
    errors: Option<String>,
    /// Its last frame ended (`DataTableEnd`, `TableCompletion`).
    completed: bool,
    /// In the document (`--table` leaves the others out).
    shown: bool,
    bad: BadCells,
}

impl Held {
    fn size(&self) -> u64 {
        (self.rows.len() + self.row_errors.len() + self.progress.len() * 8) as u64
    }
}

/// The end of the `DataTable` written last (`"progress"`, `"row_count"`,
/// `"errors"`), kept open until another table or the end is written, for
/// a `TableProgress` or `TableCompletion` naming it (real services send
/// them).
struct Tail {
    id: Option<i64>,
    progress: Vec<f64>,
    row_count: u64,
    errors: Option<String>,
}

/// A table id's place.
#[derive(Debug, Clone, Copy)]
enum Slot {
    /// Held, with this sequence number.
    Held(usize),
    /// Written out already, or left out of the document.
    Gone,
}

/// Where the rows of the frame being decoded go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dest {
    Skip,
    /// Straight out (a `DataTable` with nothing held before it).
    Live,
    Held(usize),
}

struct Doc<'o> {
    out: &'o mut Out,
    which: Option<Which>,
    /// `--table` found its table.
    found: bool,
    max_held: u64,
    max_tables: usize,
    tracker: ErrorTracker,
    bad: BadCells,
    toc: Toc,
    v1: bool,
    /// The document's beginning (`{"format":"v2",...,"tables":[`) is out.
    started: bool,
    version: Option<String>,
    progressive: bool,
    /// Tables written in the document (for the commas).
    written: usize,
    /// Held tables, in document order; the first has sequence number
    /// `base`.
    queue: VecDeque<Held>,
    base: usize,
    /// Each table id's place: the crate's one table registry.
    ids: Tables<Slot>,
    dest: Dest,
    /// The live table's row count, row errors and cell count so far.
    live_rows: u64,
    live_errors: Vec<u8>,
    live_bad: BadCells,
    live_name: Option<String>,
    tail: Option<Tail>,
    held: u64,
    completion: Option<Vec<u8>>,
    exceptions: Option<String>,
    error: Option<String>,
}

impl Doc<'_> {
    fn start(&mut self) {
        if self.started || self.v1 {
            return;
        }
        self.started = true;
        let b = &mut self.out.buf;
        b.extend_from_slice(br#"{"format":"v2","version":"#);
        push_opt_str(b, self.version.as_deref());
        b.extend_from_slice(br#","progressive":"#);
        b.extend_from_slice(if self.progressive { b"true" } else { b"false" });
        b.extend_from_slice(br#","tables":["#);
    }

    /// Whether a table with these properties is in the document.
    fn shown(&mut self, id: Option<i64>, name: Option<&str>) -> bool {
        match &self.which {
            None => true,
            Some(_) if self.found => false,
            Some(Which::Id(i)) => {
                self.found = id == Some(*i);
                self.found
            }
            Some(Which::Name(n)) => {
                self.found = name == Some(n.as_str());
                self.found
            }
            Some(Which::Default) => true,
        }
    }

    fn limit(&self, at: Option<u64>) -> Result<(), Failure> {
        if self.held <= self.max_held {
            return Ok(());
        }
        Err(Failure::Limit(format!(
            "more than {} bytes of output held{} (tables held until they can be written in \
             order: progressive ones until their TableCompletion, V1 ones until the end); \
             raise --max-held, or pick one table with `csv --table` or `ndjson --table`",
            self.max_held,
            at.map_or_else(String::new, |a| format!(" at byte {a}"))
        )))
    }

    fn register(&mut self, id: Option<i64>, slot: Slot) -> Result<(), Failure> {
        if let Some(id) = id {
            let i = self.ids.named(Some(id), || slot).map_err(|_| {
                Failure::Limit(format!(
                    "more than {} table ids (raise --max-tables)",
                    self.max_tables
                ))
            })?;
            if let Some(e) = self.ids.get_mut(i) {
                e.value = slot;
            }
        }
        Ok(())
    }

    fn hold(&mut self, h: Held) -> Result<usize, Failure> {
        let seq = self.base + self.queue.len();
        self.register(h.id, Slot::Held(seq))?;
        self.queue.push_back(h);
        Ok(seq)
    }

    fn get(&mut self, seq: usize) -> Option<&mut Held> {
        self.queue.get_mut(seq.checked_sub(self.base)?)
    }

    fn new_held(info: &TableInfo<'_>, progressive: bool, shown: bool) -> Held {
        Held {
            id: info.table_id,
            kind: info.kind.map(|k| k.as_str().to_owned()),
            name: info.name.map(str::to_owned),
            columns: info.columns.to_vec(),
            progressive,
            shown,
            ..Held::default()
        }
    }

    /// Closes the `DataTable` written last.
    fn write_tail(&mut self) {
        let Some(t) = self.tail.take() else { return };
        let b = &mut self.out.buf;
        b.extend_from_slice(br#","progress":["#);
        for (j, p) in t.progress.iter().enumerate() {
            if j > 0 {
                b.push(b',');
            }
            b.extend_from_slice(number(*p).as_bytes());
        }
        b.extend_from_slice(br#"],"row_count":"#);
        push_opt_int(b, i64::try_from(t.row_count).ok());
        b.extend_from_slice(br#","errors":"#);
        push_entries(b, t.errors.as_deref());
        b.push(b'}');
        self.held -= (t.progress.len() * 8) as u64;
    }

    /// `{"id":..,"kind":..,"name":..,"columns":[..],"rows":[`
    fn table_head(
        &mut self,
        key: &str,
        id: Option<i64>,
        kind: Option<&str>,
        name: Option<&str>,
        cols: &[Column],
    ) {
        self.write_tail();
        let b = &mut self.out.buf;
        if self.written > 0 {
            b.push(b',');
        }
        self.written += 1;
        b.extend_from_slice(b"{\"");
        b.extend_from_slice(key.as_bytes());
        b.extend_from_slice(b"\":");
        push_opt_int(b, id);
        b.extend_from_slice(br#","kind":"#);
        push_opt_str(b, kind);
        b.extend_from_slice(br#","name":"#);
        push_opt_str(b, name);
        b.extend_from_slice(br#","columns":"#);
        columns(b, cols);
        b.extend_from_slice(br#","rows":["#);
    }

    /// Writes out the held tables at the front that are complete (all of
    /// them at the end).
    fn release(&mut self, all: bool) {
        while let Some(front) = self.queue.front() {
            if !(front.completed || all) {
                break;
            }
            let Some(h) = self.queue.pop_front() else {
                break;
            };
            self.base += 1;
            if let Some(id) = h.id {
                if let Some(e) = self.ids.by_id_mut(id) {
                    if matches!(e.value, Slot::Held(s) if s == self.base - 1) {
                        e.value = Slot::Gone;
                    }
                }
            }
            self.held -= h.size();
            if h.shown {
                self.write_held(h);
            }
        }
    }

    fn write_held(&mut self, h: Held) {
        let (key, kind, name) = if self.v1 {
            let (kind, name) = if self.toc.present() && self.is_toc(&h) {
                (Some("TableOfContents".to_owned()), h.name.clone())
            } else {
                match self.toc.get(h.id) {
                    Some((k, n)) => (
                        k.map(str::to_owned),
                        n.map(str::to_owned).or(h.name.clone()),
                    ),
                    None => (None, h.name.clone()),
                }
            };
            if let Some(Which::Name(want)) = &self.which {
                if self.found || name.as_deref() != Some(want.as_str()) {
                    return;
                }
                self.found = true;
            }
            ("index", kind, name)
        } else {
            ("id", h.kind.clone(), h.name.clone())
        };
        self.table_head(key, h.id, kind.as_deref(), name.as_deref(), &h.columns);
        let b = &mut self.out.buf;
        b.extend_from_slice(&h.rows);
        b.extend_from_slice(br#"],"row_errors":["#);
        b.extend_from_slice(&h.row_errors);
        b.push(b']');
        if !self.v1 {
            b.extend_from_slice(br#","progress":["#);
            for (j, p) in h.progress.iter().enumerate() {
                if j > 0 {
                    b.push(b',');
                }
                b.extend_from_slice(number(*p).as_bytes());
            }
            b.extend_from_slice(br#"],"row_count":"#);
            let count = if h.progressive {
                h.row_count
            } else {
                i64::try_from(h.nrows).ok()
            };
            push_opt_int(b, count);
            b.extend_from_slice(br#","errors":"#);
            push_entries(b, h.errors.as_deref());
        }
        b.push(b'}');
        self.bad.merge(h.bad);
    }

    /// The last V1 table, when TableOfContents-shaped, is the
    /// TableOfContents.
    fn is_toc(&self, h: &Held) -> bool {
        self.queue.is_empty() && kusto_frames_io::collect::is_v1_toc(&h.columns)
    }

    fn data_table(&mut self, info: &TableInfo<'_>) -> Result<(), Failure> {
        self.start();
        let shown = self.shown(info.table_id, info.name);
        let known = info.table_id.is_some()
            && info.kind.is_some()
            && info.name.is_some()
            && !info.columns.is_empty();
        if !shown {
            self.register(info.table_id, Slot::Gone)?;
            self.dest = Dest::Skip;
        } else if self.queue.is_empty() && known {
            self.register(info.table_id, Slot::Gone)?;
            self.table_head(
                "id",
                info.table_id,
                info.kind.map(|k| k.as_str()),
                info.name,
                info.columns,
            );
            self.dest = Dest::Live;
            self.live_rows = 0;
            self.live_errors.clear();
            self.live_name = info.name.map(str::to_owned);
        } else {
            let seq = self.hold(Self::new_held(info, false, true))?;
            self.dest = Dest::Held(seq);
        }
        Ok(())
    }

    fn data_table_end(&mut self, info: &TableInfo<'_>) {
        match self.dest {
            Dest::Live => {
                let b = &mut self.out.buf;
                b.extend_from_slice(br#"],"row_errors":["#);
                b.extend_from_slice(&self.live_errors);
                b.push(b']');
                self.tail = Some(Tail {
                    id: info.table_id,
                    progress: Vec::new(),
                    row_count: self.live_rows,
                    errors: None,
                });
                self.held -= self.live_errors.len() as u64;
                self.live_errors = Vec::new();
                let bad = core::mem::take(&mut self.live_bad);
                self.bad.merge(bad);
            }
            Dest::Held(seq) => {
                if let Some(h) = self.get(seq) {
                    h.completed = true;
                    if h.columns.is_empty() {
                        h.columns = info.columns.to_vec();
                    }
                    if h.id.is_none() {
                        h.id = info.table_id;
                    }
                    if h.kind.is_none() {
                        h.kind = info.kind.map(|k| k.as_str().to_owned());
                    }
                    if h.name.is_none() {
                        h.name = info.name.map(str::to_owned);
                    }
                }
                self.release(false);
            }
            Dest::Skip => {}
        }
        self.dest = Dest::Skip;
    }

    /// The held table `id` (for fragments, progress, completion): a new,
    /// undeclared one when the id is unknown; `None` for a table written
    /// already or left out.
    fn by_id(&mut self, id: Option<i64>, cols: &[Column]) -> Result<Option<usize>, Failure> {
        let slot = id.and_then(|i| self.ids.by_id(i)).map(|e| e.value);
        match slot {
            Some(Slot::Held(seq)) => Ok(Some(seq)),
            Some(Slot::Gone) => Ok(None),
            None => {
                self.start();
                let shown = self.shown(id, None);
                let info = TableInfo::new(id, cols);
                let mut h = Self::new_held(&info, true, shown);
                h.columns.clear();
                let seq = self.hold(h)?;
                Ok(Some(seq))
            }
        }
    }

    fn row(&mut self, row: &Row<'_>) -> Result<(), Failure> {
        match self.dest {
            Dest::Skip => Ok(()),
            Dest::Live => {
                let b = &mut self.out.buf;
                if self.live_rows > 0 {
                    b.push(b',');
                }
                self.live_rows += 1;
                render_row(b, row, self.live_name.as_deref(), &mut self.live_bad);
                self.out.spill()?;
                Ok(())
            }
            Dest::Held(seq) => {
                let Some(h) = seq
                    .checked_sub(self.base)
                    .and_then(|i| self.queue.get_mut(i))
                else {
                    return Ok(());
                };
                let before = h.rows.len();
                if h.nrows > 0 {
                    h.rows.push(b',');
                }
                h.nrows += 1;
                render_row(&mut h.rows, row, h.name.as_deref(), &mut h.bad);
                self.held += (h.rows.len() - before) as u64;
                self.limit(Some(row.offset()))
            }
        }
    }

    fn row_error(&mut self, raw: &str, at: u64) -> Result<(), Failure> {
        let text = minify(raw);
        let target = match self.dest {
            Dest::Skip => return Ok(()),
            Dest::Live => &mut self.live_errors,
            Dest::Held(seq) => match seq
                .checked_sub(self.base)
                .and_then(|i| self.queue.get_mut(i))
            {
                Some(h) => &mut h.row_errors,
                None => return Ok(()),
            },
        };
        if !target.is_empty() {
            target.push(b',');
        }
        target.extend_from_slice(text.as_bytes());
        self.held += text.len() as u64 + 1;
        self.limit(Some(at))
    }

    /// `id` is the `DataTable` written last, still open.
    fn is_tail(&self, id: Option<i64>) -> bool {
        id.is_some() && self.tail.as_ref().is_some_and(|t| t.id == id)
    }

    fn close(&mut self) {
        self.release(true);
        self.write_tail();
        if self.v1 {
            let mut head = Vec::new();
            head.extend_from_slice(br#"{"format":"v1","exceptions":"#);
            push_entries(&mut head, self.exceptions.as_deref());
            head.extend_from_slice(br#","tables":["#);
            // V1 tables were written after an empty buffer at the end: put
            // the head before them.
            head.extend_from_slice(&self.out.buf);
            head.extend_from_slice(b"]}\n");
            self.out.buf = head;
            return;
        }
        if let Some(e) = &self.error {
            let b = &mut self.out.buf;
            b.extend_from_slice(br#"{"format":"error","error":"#);
            b.extend_from_slice(minify(e).as_bytes());
            b.extend_from_slice(b"}\n");
            return;
        }
        self.start();
        let b = &mut self.out.buf;
        b.extend_from_slice(br#"],"completion":"#);
        match &self.completion {
            None => b.extend_from_slice(b"null"),
            Some(c) => b.extend_from_slice(c),
        }
        b.extend_from_slice(b"}\n");
    }
}

fn render_row(b: &mut Vec<u8>, row: &Row<'_>, name: Option<&str>, bad: &mut BadCells) {
    b.push(b'[');
    for j in 0..row.len() {
        if j > 0 {
            b.push(b',');
        }
        if let Err(e) = push_cell_json(b, row, j) {
            bad.add(row.table_id(), name, row.columns(), &e);
        }
    }
    b.push(b']');
}

impl Handler for Doc<'_> {
    fn event(&mut self, ev: &Event<'_>) -> Result<(), Failure> {
        self.tracker.observe(ev);
        match ev {
            Event::Row(row) => {
                if self.v1 {
                    self.toc.row(row);
                }
                self.row(row)?;
            }
            Event::RowError(e) => self.row_error(e.raw.get(), e.offset)?,
            Event::DataSetHeader(h) => {
                if !self.started {
                    self.version = h.version.map(str::to_owned);
                    self.progressive = h.is_progressive.unwrap_or(false);
                }
                self.start();
            }
            Event::DataTable(info) => self.data_table(info)?,
            Event::DataTableEnd(info) => self.data_table_end(info),
            Event::TableHeader(info) => {
                self.start();
                let shown = self.shown(info.table_id, info.name);
                let h = Self::new_held(info, true, shown);
                self.hold(h)?;
                self.dest = Dest::Skip;
            }
            Event::TableFragment(f) => {
                self.dest = match self.by_id(f.table_id, f.columns)? {
                    Some(seq) => {
                        let base = self.base;
                        if let Some(h) = seq.checked_sub(base).and_then(|i| self.queue.get_mut(i)) {
                            if h.columns.is_empty() {
                                h.columns = f.columns.to_vec();
                            }
                            if f.fragment_type == Some(FragmentType::DataReplace) {
                                self.held -= h.rows.len() as u64;
                                h.rows.clear();
                                h.nrows = 0;
                                h.bad = BadCells::default();
                            }
                        }
                        Dest::Held(seq)
                    }
                    None => Dest::Skip,
                };
            }
            Event::TableFragmentEnd(_) => self.dest = Dest::Skip,
            Event::TableProgress(p) if self.is_tail(p.table_id) => {
                if let (Some(t), Some(v)) = (&mut self.tail, p.progress) {
                    t.progress.push(v);
                    self.held += 8;
                }
                self.limit(None)?;
            }
            Event::TableCompletion(c) if self.is_tail(c.table_id) => {
                if let (Some(t), Some(e)) = (&mut self.tail, c.errors) {
                    t.errors = Some(e.get().to_owned());
                }
            }
            Event::TableProgress(p) => {
                if let Some(seq) = self.by_id(p.table_id, &[])? {
                    if let (Some(h), Some(v)) = (
                        seq.checked_sub(self.base)
                            .and_then(|i| self.queue.get_mut(i)),
                        p.progress,
                    ) {
                        h.progress.push(v);
                        self.held += 8;
                    }
                    self.limit(None)?;
                }
            }
            Event::TableCompletion(c) => {
                if let Some(seq) = self.by_id(c.table_id, &[])? {
                    if let Some(h) = seq
                        .checked_sub(self.base)
                        .and_then(|i| self.queue.get_mut(i))
                    {
                        if h.progressive {
                            h.row_count = c.row_count;
                            h.completed = true;
                        }
                        if let Some(e) = c.errors {
                            h.errors = Some(e.get().to_owned());
                        }
                    }
                    self.release(false);
                }
            }
            Event::DataSetCompletion(c) => {
                self.start();
                let mut b = Vec::new();
                b.extend_from_slice(br#"{"has_errors":"#);
                b.extend_from_slice(if c.has_errors { b"true" } else { b"false" });
                b.extend_from_slice(br#","cancelled":"#);
                b.extend_from_slice(if c.cancelled { b"true" } else { b"false" });
                b.extend_from_slice(br#","errors":"#);
                push_entries(&mut b, c.errors.map(|e| e.get()));
                b.push(b'}');
                self.completion = Some(b);
            }
            Event::V1Table(info) => {
                self.v1 = true;
                self.toc.table(info.columns, true);
                let shown = self.which.is_none()
                    || matches!(self.which, Some(Which::Id(i)) if info.table_id == Some(i));
                let mut h = Self::new_held(info, false, shown);
                h.id = info.table_id;
                if self.queue.len() >= self.max_tables {
                    return Err(Failure::Limit(format!(
                        "more than {} tables (raise --max-tables)",
                        self.max_tables
                    )));
                }
                self.queue.push_back(h);
                self.dest = Dest::Held(self.base + self.queue.len() - 1);
            }
            Event::V1TableEnd(info) => {
                self.toc.table(info.columns, false);
                if let Dest::Held(seq) = self.dest {
                    if let Some(h) = self.get(seq) {
                        h.completed = true;
                        if h.columns.is_empty() {
                            h.columns = info.columns.to_vec();
                        }
                    }
                }
                self.dest = Dest::Skip;
            }
            Event::V1Exceptions(raw) => {
                self.v1 = true;
                self.exceptions = Some(raw.get().to_owned());
            }
            Event::ErrorBody(raw) => self.error = Some(raw.get().to_owned()),
            _ => {}
        }
        Ok(())
    }

    fn chunk_end(&mut self) -> Result<(), Failure> {
        if !self.v1 {
            self.out.flush()?;
        }
        Ok(())
    }
}

/// Decodes and writes the document. `which`: `--table`, when given.
pub(crate) fn run(
    input: &mut Input,
    which: Which,
    filtered: bool,
    out: &mut Out,
) -> io::Result<u8> {
    let mut d = Doc {
        out,
        which: filtered.then_some(which),
        found: false,
        max_held: input.limits.max_held,
        max_tables: input.limits.max_tables,
        tracker: ErrorTracker::new(),
        bad: BadCells::default(),
        toc: Toc::new(input.limits.max_tables),
        v1: false,
        started: false,
        version: None,
        progressive: false,
        written: 0,
        queue: VecDeque::new(),
        base: 0,
        ids: Tables::with_max(input.limits.max_tables),
        dest: Dest::Skip,
        live_rows: 0,
        live_errors: Vec::new(),
        live_bad: BadCells::default(),
        live_name: None,
        tail: None,
        held: 0,
        completion: None,
        exceptions: None,
        error: None,
    };
    let r = input.decode(&mut d);
    let name = input.name.clone();
    let decoded = match r {
        Ok(d) => d,
        Err(f) => {
            let mut bad = core::mem::take(&mut d.bad);
            bad.merge(core::mem::take(&mut d.live_bad));
            bad.warn(&name, &|_| None);
            return f.report(input);
        }
    };
    if let Body::Text { prefix, cut } = &decoded.body {
        let b = &mut d.out.buf;
        b.clear();
        b.extend_from_slice(br#"{"format":"error","text":"#);
        push_str(b, prefix);
        if *cut {
            b.extend_from_slice(br#","text_bytes":"#);
            push_opt_int(b, i64::try_from(decoded.bytes).ok());
        }
        b.extend_from_slice(b"}\n");
        d.out.flush()?;
        eprintln!(
            "kusto-frames: {name}: the body is not a Kusto response but text (an error page?): {}",
            crate::render::line(prefix, 160)
        );
        return Ok(REPORTED);
    }
    if let Body::Kusto(Some(Format::V1)) = decoded.body {
        d.v1 = true;
    }
    if decoded_format(&decoded.body) == Some(Format::Error) && d.error.is_none() {
        d.error = Some("null".to_owned());
    }
    d.close();
    d.out.flush()?;
    let dropped = d.tracker.dropped();
    let errors = core::mem::take(&mut d.tracker).finish();
    let toc = &d.toc;
    d.bad.warn(&name, &|id| {
        toc.get(id).and_then(|(_, n)| n).map(str::to_owned)
    });
    list_errors(&name, &errors, dropped);
    if let Some(w) = &d.which {
        let found = d.found || (d.v1 && matches!(w, Which::Id(_)) && d.written > 0);
        if !found {
            eprintln!(
                "kusto-frames: {name}: no table {} (`kusto-frames stats` lists them)",
                w.describe()
            );
            return Ok(FAILED);
        }
    }
    Ok(if errors.is_empty() { 0 } else { REPORTED })
}

fn decoded_format(b: &Body) -> Option<Format> {
    match b {
        Body::Kusto(f) => *f,
        Body::Text { .. } => None,
    }
}
