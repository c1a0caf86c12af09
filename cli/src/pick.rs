//! One table out of a response, written as its rows arrive (`csv`,
//! `ndjson`).
//!
//! The table is picked by id (V2 `TableId`, V1 index) or by name, by
//! default the first primary result, else the first table. Its rows go
//! straight to the output, except in three cases, where they are held (as
//! rendered output, at most `--max-held` bytes in all, past which the run
//! stops with an error):
//!
//! - a table sent as `TableHeader` + `TableFragment`s in a progressive
//!   response (`IsProgressive: true`): a `DataReplace` fragment replaces
//!   every row before it, so the rows since the last one are held until the
//!   table's `TableCompletion` (or the end of the body);
//! - with the default pick, the first table, until a primary result begins
//!   (then it is dropped) or the body ends (then it is written);
//! - a V1 body with the default pick or a pick by name: kinds and names
//!   come from the TableOfContents, the last table, so every table is held
//!   until it arrives. Pick a V1 table by index to stream it.

use kusto_frames::response::ErrorTracker;
use kusto_frames::tables;
use kusto_frames::value::Value;
use kusto_frames::{CellError, Column, Event, Format, FragmentType, Row, TableInfo, TableKind};

use crate::input::{Body, Failure, Handler, Input};
use crate::out::Out;
use crate::report::{list_errors, BadCells};
use crate::{FAILED, REPORTED};

/// Which table to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Which {
    /// The first primary result, else the first table.
    Default,
    /// V2 `TableId`, V1 index.
    Id(i64),
    /// A table name (V1: the TableOfContents' name, else `TableName`).
    Name(String),
}

impl Which {
    pub(crate) fn describe(&self) -> String {
        match self {
            Which::Default => "(default)".to_owned(),
            Which::Id(i) => i.to_string(),
            Which::Name(n) => n.clone(),
        }
    }
}

/// How rows are rendered: `csv` and `ndjson`.
pub(crate) trait RowFormat {
    /// Where rendered rows go.
    type Target: Held;
    /// A new, empty target for held rows.
    fn held_target(&self) -> Self::Target;
    /// The rows of another frame follow (their columns may differ).
    fn begin(&mut self) {}
    /// The header (csv) for these columns.
    fn header(&mut self, t: &mut Self::Target, cols: &[Column]);
    /// One row; each cell that does not fit its column's type is reported
    /// to `bad` (and rendered as sent).
    fn row(&mut self, t: &mut Self::Target, row: &Row<'_>, bad: &mut dyn FnMut(&CellError));
}

/// Rendered rows, held: what every [`RowFormat::Target`] can do.
pub(crate) trait Held {
    /// Drops what it holds.
    fn drop_all(&mut self);
    /// About how many bytes it holds.
    fn size(&self) -> usize;
    /// Moves what it holds to the end of `out`.
    fn drain_into(&mut self, out: &mut Vec<u8>);
}

impl Held for Vec<u8> {
    fn drop_all(&mut self) {
        self.clear();
    }

    fn size(&self) -> usize {
        self.len()
    }

    fn drain_into(&mut self, out: &mut Vec<u8>) {
        if out.is_empty() {
            core::mem::swap(out, self);
        } else {
            out.extend_from_slice(self);
            self.clear();
        }
    }
}

/// Most characters kept of a table name or kind.
const NAME_MAX: usize = 1024;

fn bounded(s: &str) -> String {
    match s.char_indices().nth(NAME_MAX) {
        None => s.to_owned(),
        Some((i, _)) => s[..i].to_owned(),
    }
}

/// A table that may be written.
struct Cand<T> {
    id: Option<i64>,
    name: Option<String>,
    kind: Option<String>,
    /// Sent as `TableHeader` + `TableFragment`s.
    progressive: bool,
    columns: Vec<Column>,
    /// Its rows go straight to the output.
    live: bool,
    /// Live: the header was written.
    header_done: bool,
    /// Held rows (not live).
    target: T,
    held: usize,
    /// Rows written or held (since the last `DataReplace`).
    rows: u64,
    completed: bool,
    bad: BadCells,
}

/// The V1 TableOfContents: the kind and name of each table by index.
#[derive(Default)]
pub(crate) struct Toc {
    /// The columns of the table being read, if TableOfContents-shaped:
    /// Ordinal, Kind, Name.
    cols: Option<(usize, usize, usize)>,
    /// The last table is TableOfContents-shaped.
    last: bool,
    entries: Vec<(i64, Option<String>, Option<String>)>,
    limit: usize,
}

impl Toc {
    pub(crate) fn new(limit: usize) -> Self {
        Toc {
            limit,
            ..Toc::default()
        }
    }

    /// A V1 table begins (or ends: its columns may come after its rows).
    pub(crate) fn table(&mut self, columns: &[Column], begins: bool) {
        let find = |n: &str| columns.iter().position(|c| c.name() == n);
        let cols = match (find("Ordinal"), find("Kind"), find("Name")) {
            (Some(o), Some(k), Some(n)) => Some((o, k, n)),
            _ => None,
        };
        if begins {
            self.entries.clear();
            self.cols = cols;
        } else if self.cols.is_none() {
            self.cols = cols;
        }
        self.last = self.cols.is_some();
    }

    /// A row of the table being read.
    pub(crate) fn row(&mut self, row: &Row<'_>) {
        let Some((o, k, n)) = self.cols else { return };
        if self.entries.len() >= self.limit {
            return;
        }
        let ordinal = match row.value(o) {
            Some(Ok(Value::Long(v))) => v,
            Some(Ok(Value::Int(v))) => i64::from(v),
            _ => return,
        };
        let text = |i: usize| match row.value(i) {
            Some(Ok(Value::String(s))) => Some(bounded(s)),
            _ => None,
        };
        self.entries.push((ordinal, text(k), text(n)));
    }

    /// Kind and name of table `index` (`None` without a TableOfContents,
    /// or when it does not list the table).
    pub(crate) fn get(&self, index: Option<i64>) -> Option<(Option<&str>, Option<&str>)> {
        if !self.last {
            return None;
        }
        let index = index?;
        self.entries
            .iter()
            .find(|(o, _, _)| *o == index)
            .map(|(_, k, n)| (k.as_deref(), n.as_deref()))
    }

    /// The TableOfContents was read (its own kind is `TableOfContents`).
    pub(crate) fn present(&self) -> bool {
        self.last
    }
}

/// The picked table, streamed: the event handler of `csv` and `ndjson`.
pub(crate) struct Single<'o, F: RowFormat> {
    which: Which,
    fmt: F,
    /// Rows written straight out.
    main: F::Target,
    out: &'o mut Out,
    max_held: u64,
    max_tables: usize,
    progressive_response: bool,
    v1: bool,
    cands: Vec<Cand<F::Target>>,
    /// The chosen candidate (certain).
    chosen: Option<usize>,
    /// The candidate the current frame's rows go to.
    frame: Option<usize>,
    /// Tables seen.
    tables: usize,
    held: u64,
    tracker: ErrorTracker,
    toc: Toc,
}

impl<'o, F: RowFormat> Single<'o, F> {
    pub(crate) fn new(
        which: Which,
        fmt: F,
        main: F::Target,
        out: &'o mut Out,
        input: &Input,
    ) -> Self {
        Single {
            which,
            fmt,
            main,
            out,
            max_held: input.limits.max_held,
            max_tables: input.limits.max_tables,
            progressive_response: false,
            v1: false,
            cands: Vec::new(),
            chosen: None,
            frame: None,
            tables: 0,
            held: 0,
            tracker: ErrorTracker::new(),
            toc: Toc::new(input.limits.max_tables),
        }
    }

    fn matches(&self, id: Option<i64>, kind: Option<TableKind<'_>>, name: Option<&str>) -> bool {
        match &self.which {
            Which::Default => kind.is_some_and(|k| k.is_primary()),
            Which::Id(i) => id == Some(*i),
            Which::Name(n) => name == Some(n.as_str()),
        }
    }

    fn cand(&self, info: &TableInfo<'_>, progressive: bool, live: bool) -> Cand<F::Target> {
        Cand {
            id: info.table_id,
            name: info.name.map(bounded),
            kind: info.kind.map(|k| bounded(k.as_str())),
            progressive,
            columns: info.columns.to_vec(),
            live,
            header_done: false,
            target: self.fmt.held_target(),
            held: 0,
            rows: 0,
            completed: false,
            bad: BadCells::default(),
        }
    }

    fn too_many_tables(&self) -> Failure {
        Failure::Limit(format!(
            "more than {} tables (raise --max-tables)",
            self.max_tables
        ))
    }

    /// A V2 table begins: `DataTable` or `TableHeader`.
    fn v2_table(&mut self, info: &TableInfo<'_>, progressive: bool) -> Result<(), Failure> {
        self.tables += 1;
        self.frame = None;
        if self.chosen.is_some() {
            return Ok(());
        }
        if self.matches(info.table_id, info.kind, info.name) {
            // Drop the default's fallback.
            for c in self.cands.drain(..) {
                self.held -= c.held as u64;
            }
            let live = !(progressive && self.progressive_response);
            let mut c = self.cand(info, progressive, live);
            if live && !c.columns.is_empty() {
                self.fmt.header(&mut self.main, &c.columns);
                c.header_done = true;
            }
            self.cands.push(c);
            self.chosen = Some(0);
            if !progressive {
                self.frame = Some(0);
            }
        } else if self.which == Which::Default && self.tables == 1 {
            let c = self.cand(info, progressive, false);
            self.cands.push(c);
            if !progressive {
                self.frame = Some(0);
            }
        }
        Ok(())
    }

    /// The candidate that is table `id`, sent as fragments.
    fn by_id(&self, id: Option<i64>) -> Option<usize> {
        let id = id?;
        self.cands
            .iter()
            .position(|c| c.progressive && !c.completed && c.id == Some(id))
    }

    fn fragment(
        &mut self,
        id: Option<i64>,
        ty: Option<FragmentType<'_>>,
        cols: &[Column],
    ) -> Result<(), Failure> {
        self.frame = self.by_id(id);
        if self.frame.is_none() && self.chosen.is_none() {
            if let (Some(tid), Which::Id(want)) = (id, &self.which) {
                if tid == *want && !self.v1 {
                    // A table never declared: rows without a TableHeader.
                    let info = TableInfo::new(id, cols);
                    self.v2_table(&info, true)?;
                    self.frame = self.by_id(id);
                }
            }
        }
        let Some(k) = self.frame else { return Ok(()) };
        let c = &mut self.cands[k];
        if c.columns.is_empty() && !cols.is_empty() {
            c.columns = cols.to_vec();
        }
        if ty == Some(FragmentType::DataReplace) {
            if c.live {
                if c.rows > 0 {
                    return Err(Failure::Limit(format!(
                        "a DataReplace fragment of table {} in a response that is not \
                         progressive, after {} of its rows were written: they cannot be taken back",
                        id.map_or_else(|| "?".to_owned(), |i| i.to_string()),
                        c.rows
                    )));
                }
            } else {
                c.target.drop_all();
                self.held -= c.held as u64;
                c.held = 0;
                c.rows = 0;
                c.bad = BadCells::default();
            }
        }
        Ok(())
    }

    fn row(&mut self, row: &Row<'_>) -> Result<(), Failure> {
        let Some(k) = self.frame else { return Ok(()) };
        let c = &mut self.cands[k];
        c.rows += 1;
        let (cid, cname) = (c.id, c.name.as_deref());
        let bad = &mut c.bad;
        let mut on_bad = |e: &CellError| bad.add(cid, cname, row.columns(), e);
        if c.live {
            if !c.header_done {
                c.header_done = true;
                let cols = if row.columns().is_empty() {
                    &c.columns[..]
                } else {
                    row.columns()
                };
                self.fmt.header(&mut self.main, cols);
            }
            self.fmt.row(&mut self.main, row, &mut on_bad);
        } else {
            self.fmt.row(&mut c.target, row, &mut on_bad);
            let now = c.target.size();
            self.held = self.held + now as u64 - c.held as u64;
            c.held = now;
            if self.held > self.max_held {
                return Err(Failure::Limit(format!(
                    "more than {} bytes of output held at byte {} (the rows of {}); raise \
                     --max-held{}",
                    self.max_held,
                    row.offset(),
                    if self.v1 {
                        "V1 tables, held until the TableOfContents names them"
                    } else if c.progressive {
                        "a progressive table, held until its TableCompletion"
                    } else {
                        "the first table, held until a primary result begins"
                    },
                    if self.v1 {
                        ", or pick the table by index with --table N to stream it"
                    } else {
                        ""
                    }
                )));
            }
        }
        Ok(())
    }

    /// A whole table (DataTable, V1 table) ended with these properties.
    fn whole_end(&mut self, info: &TableInfo<'_>) {
        let Some(k) = self.frame.take() else { return };
        let c = &mut self.cands[k];
        c.completed = true;
        if c.columns.is_empty() {
            c.columns = info.columns.to_vec();
        }
        if c.name.is_none() {
            c.name = info.name.map(bounded);
        }
        if c.kind.is_none() {
            c.kind = info.kind.map(|k| bounded(k.as_str()));
        }
        if c.live && !c.header_done {
            c.header_done = true;
            self.fmt.header(&mut self.main, &c.columns);
        }
    }

    /// Writes a held candidate (header and rows); a live one's header, if
    /// no row wrote it.
    fn release(&mut self, k: usize) {
        let c = &mut self.cands[k];
        if c.live {
            if !c.header_done {
                c.header_done = true;
                self.fmt.header(&mut self.main, &c.columns);
            }
            return;
        }
        c.live = true;
        c.header_done = true;
        self.main.drain_into(&mut self.out.buf);
        let mut header = self.fmt.held_target();
        self.fmt.header(&mut header, &c.columns);
        header.drain_into(&mut self.out.buf);
        c.target.drain_into(&mut self.out.buf);
        self.held -= c.held as u64;
        c.held = 0;
    }

    fn v1_table(&mut self, info: &TableInfo<'_>) -> Result<(), Failure> {
        self.v1 = true;
        self.tables += 1;
        self.toc.table(info.columns, true);
        self.frame = None;
        match &self.which {
            Which::Id(want) => {
                if self.chosen.is_none() && info.table_id == Some(*want) {
                    let mut c = self.cand(info, false, true);
                    if !c.columns.is_empty() {
                        self.fmt.header(&mut self.main, &c.columns);
                        c.header_done = true;
                    }
                    self.cands.push(c);
                    self.chosen = Some(self.cands.len() - 1);
                    self.frame = self.chosen;
                }
            }
            _ => {
                if self.cands.len() >= self.max_tables {
                    return Err(self.too_many_tables());
                }
                let c = self.cand(info, false, false);
                self.cands.push(c);
                self.frame = Some(self.cands.len() - 1);
            }
        }
        Ok(())
    }

    /// The end of the body: the held table, if it is the one, is written.
    /// The picked table's index, if any.
    fn finish(&mut self) -> Option<usize> {
        if self.v1 && !matches!(self.which, Which::Id(_)) {
            // Kinds and names from the TableOfContents.
            let toc = &self.toc;
            let pick = self.cands.iter().position(|c| {
                let (kind, name) = toc.get(c.id).unwrap_or((None, None));
                match &self.which {
                    Which::Default => kind.is_some_and(|k| tables::is_primary_kind(Format::V1, k)),
                    Which::Name(n) => name.or(c.name.as_deref()) == Some(n.as_str()),
                    Which::Id(_) => false,
                }
            });
            let pick = match (&self.which, pick) {
                (Which::Default, None) => (!self.cands.is_empty()).then_some(0),
                (_, p) => p,
            };
            if let Some(k) = pick {
                self.release(k);
            }
            return pick;
        }
        match self.chosen {
            Some(k) => {
                self.release(k);
                Some(k)
            }
            None if !self.cands.is_empty() => {
                self.release(0);
                Some(0)
            }
            None => None,
        }
    }

    fn name_of(&self) -> impl Fn(Option<i64>) -> Option<String> + '_ {
        move |id| self.toc.get(id).and_then(|(_, n)| n).map(str::to_owned)
    }
}

impl<F: RowFormat> Handler for Single<'_, F> {
    fn event(&mut self, ev: &Event<'_>) -> Result<(), Failure> {
        self.tracker.observe(ev);
        if matches!(
            ev,
            Event::DataTable(_)
                | Event::TableHeader(_)
                | Event::TableFragment(_)
                | Event::V1Table(_)
        ) {
            self.fmt.begin();
        }
        match ev {
            Event::Row(row) => {
                if self.v1 {
                    self.toc.row(row);
                }
                self.row(row)?;
            }
            Event::DataSetHeader(h) => self.progressive_response = h.is_progressive == Some(true),
            Event::DataTable(info) => self.v2_table(info, false)?,
            Event::TableHeader(info) => self.v2_table(info, true)?,
            Event::DataTableEnd(info) => self.whole_end(info),
            Event::V1Table(info) => self.v1_table(info)?,
            Event::V1TableEnd(info) => {
                self.toc.table(info.columns, false);
                self.whole_end(info);
            }
            Event::TableFragment(f) => self.fragment(f.table_id, f.fragment_type, f.columns)?,
            Event::TableFragmentEnd(_) => self.frame = None,
            Event::TableCompletion(c) => {
                if let Some(k) = self.by_id(c.table_id) {
                    self.cands[k].completed = true;
                    if self.chosen == Some(k) {
                        self.release(k);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn chunk_end(&mut self) -> Result<(), Failure> {
        self.main.drain_into(&mut self.out.buf);
        self.out.flush()?;
        Ok(())
    }
}

/// Runs `csv` or `ndjson`: decodes, writes the picked table, reports.
pub(crate) fn run<F: RowFormat>(
    input: &mut Input,
    which: Which,
    fmt: F,
    main: F::Target,
    out: &mut Out,
) -> std::io::Result<u8> {
    let mut s = Single::new(which, fmt, main, out, input);
    let r = input.decode(&mut s);
    let name = input.name.clone();
    let decoded = match r {
        Ok(d) => d,
        Err(f) => {
            let mut bad = BadCells::default();
            for c in &s.cands {
                if c.live {
                    bad.merge(c.bad.clone());
                }
            }
            bad.warn(&name, &s.name_of());
            return f.report(input);
        }
    };
    if let Body::Text { prefix, .. } = &decoded.body {
        eprintln!(
            "kusto-frames: {name}: no table: the body is not a Kusto response but text (an error page?): {}",
            crate::render::line(prefix, 160)
        );
        return Ok(REPORTED);
    }
    if let Body::Kusto(Some(Format::V1)) = decoded.body {
        s.v1 = true;
    }
    let picked = s.finish();
    s.main.drain_into(&mut s.out.buf);
    s.out.flush()?;
    let dropped = s.tracker.dropped();
    let errors = core::mem::take(&mut s.tracker).finish();
    if let Some(k) = picked {
        let bad = core::mem::take(&mut s.cands[k].bad);
        bad.warn(&name, &s.name_of());
    }
    list_errors(&name, &errors, dropped);
    let code = if errors.is_empty() { 0 } else { REPORTED };
    match (picked, &s.which) {
        (Some(_), _) => Ok(code),
        (None, Which::Default) => {
            eprintln!("kusto-frames: {name}: the response has no table");
            Ok(code)
        }
        (None, w) => {
            eprintln!(
                "kusto-frames: {name}: no table {} (pick one by id or name; `kusto-frames stats` lists them)",
                w.describe()
            );
            Ok(FAILED)
        }
    }
}
