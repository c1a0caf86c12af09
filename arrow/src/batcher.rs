//! The push builder: events in, record batches out.

use std::collections::VecDeque;
use std::sync::Arc;

use arrow_array::{RecordBatch, RecordBatchOptions};
use arrow_schema::{Schema, SchemaRef};
use kusto_frames::response::{classify, ErrorTracker};
use kusto_frames::tables::{self, Sent, Tables};
use kusto_frames::value::convert;
use kusto_frames::{Cell, CellKind, Column, Event, FragmentType, Row, TableInfo};

use crate::column::{field, ColumnBuilder};
use crate::{Error, Options, PartialFailure, TableSelector};

/// What is known of a table whose batches come out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableMeta {
    /// Position of the table among the tables of the response that
    /// produced batches (0 for the first).
    pub ordinal: usize,
    /// `TableId` (V1: index).
    pub id: Option<i64>,
    /// `TableName`.
    pub name: Option<String>,
    /// `TableKind` (V1 tables have none).
    pub kind: Option<String>,
    /// The batches' schema.
    pub schema: SchemaRef,
}

impl TableMeta {
    /// The table's name, else `#id`, else `table N`: how errors name it.
    pub fn label(&self) -> String {
        match (&self.name, self.id) {
            (Some(n), _) => n.clone(),
            (None, Some(id)) => format!("#{id}"),
            (None, None) => format!("table {}", self.ordinal),
        }
    }
}

/// One record batch of one table.
#[derive(Debug, Clone)]
pub struct TableBatch {
    /// Its table.
    pub table: Arc<TableMeta>,
    /// The rows.
    pub batch: RecordBatch,
}

#[derive(Debug)]
struct Table {
    meta: Arc<TableMeta>,
    columns: Vec<Column>,
    cols: Vec<ColumnBuilder>,
    /// Rows in `cols`.
    rows: usize,
    /// Progressive: batches are kept until the table completes.
    hold: bool,
    held: Vec<RecordBatch>,
    held_bytes: usize,
    /// Some batch was handed out.
    emitted: bool,
}

/// A row copied because its table was not known when it arrived.
#[derive(Debug)]
struct HeldRow {
    index: u64,
    offset: u64,
    cells: Vec<(CellKind, String, String)>,
}

#[derive(Debug, Default)]
enum Frame {
    #[default]
    None,
    /// Rows go to this open table.
    Table(usize),
    /// Rows of a table that is not selected.
    Skip,
    /// Rows of a frame whose table is not known yet (`Rows` before
    /// `Columns`, `TableId`, ...): converted at the frame's end.
    Held { rows: Vec<HeldRow>, bytes: usize },
}

/// The push builder: feed it every [`Event`] of a response with
/// [`Batcher::push`], take the batches with [`Batcher::pop`], and call
/// [`Batcher::finish`] at the end of the body.
///
/// Memory: one batch being built per open table (plus the batches of a
/// progressive table until its `TableCompletion`, bounded by
/// [`Options::max_held_bytes`]).
///
/// ```
/// use kusto_frames::Decoder;
/// use kusto_frames_arrow::{Batcher, Options, TableSelector};
///
/// let body: &[u8] = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
/// {"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","TableName":"T",
///  "Columns":[{"ColumnName":"x","ColumnType":"real"}],"Rows":[[1.5],["NaN"]]},
/// {"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
/// let mut batcher = Batcher::new(Options { tables: TableSelector::All, ..Options::default() });
/// let mut dec = Decoder::new();
/// let mut feed = dec.feed(body);
/// while let Some(ev) = feed.next_event().unwrap() {
///     batcher.push(&ev)?;
/// }
/// drop(feed);
/// let mut end = dec.finish(); // the end of the input, drained like a chunk
/// while let Some(ev) = end.next_event().unwrap() {
///     batcher.push(&ev)?;
/// }
/// batcher.finish()?; // Err(Error::PartialFailure) when the response reported errors
/// let tb = batcher.pop().unwrap();
/// assert_eq!(tb.table.name.as_deref(), Some("T"));
/// assert_eq!(tb.batch.num_rows(), 2);
/// # Ok::<(), kusto_frames_arrow::Error>(())
/// ```
#[derive(Debug)]
pub struct Batcher {
    opts: Options,
    tracker: ErrorTracker,
    progressive: bool,
    tables: Vec<Table>,
    frame: Frame,
    ready: VecDeque<TableBatch>,
    ordinal: usize,
    /// A single-table selector matched already.
    matched: bool,
    /// The `TableHeader`s not selected (each id once; as many as the
    /// decoder lets a response name).
    skipped: Tables<()>,
    /// The first selected table's schema, as soon as it is known.
    first: Option<Arc<TableMeta>>,
    finished: bool,
}

impl Batcher {
    /// A builder with `opts`.
    pub fn new(mut opts: Options) -> Self {
        opts.batch_rows = opts.batch_rows.max(1);
        Batcher {
            opts,
            tracker: ErrorTracker::new(),
            progressive: false,
            tables: Vec::new(),
            frame: Frame::None,
            ready: VecDeque::new(),
            ordinal: 0,
            matched: false,
            skipped: Tables::with_max(usize::MAX),
            first: None,
            finished: false,
        }
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// The next finished batch.
    pub fn pop(&mut self) -> Option<TableBatch> {
        self.ready.pop_front()
    }

    /// `true` when [`Batcher::pop`] has a batch.
    pub fn has_ready(&self) -> bool {
        !self.ready.is_empty()
    }

    /// The first selected table, as soon as its schema is known (before its
    /// first batch).
    pub fn first_table(&self) -> Option<&Arc<TableMeta>> {
        self.first.as_ref()
    }

    /// The errors the response reported so far.
    pub fn tracker(&self) -> &ErrorTracker {
        &self.tracker
    }

    /// Takes in the next event.
    ///
    /// After an error, the rows before it are in batches ([`Batcher::pop`]),
    /// and the builder should not be fed further.
    pub fn push(&mut self, ev: &Event<'_>) -> Result<(), Error> {
        self.tracker.observe(ev);
        match ev {
            Event::DataSetHeader(h) => self.progressive = h.is_progressive == Some(true),
            Event::Row(row) => return self.row(row),
            Event::DataTable(t) => return self.begin_frame(t, false),
            Event::V1Table(t) => return self.begin_frame(t, true),
            Event::DataTableEnd(t) => return self.end_frame(t, false),
            Event::V1TableEnd(t) => return self.end_frame(t, true),
            Event::TableHeader(t) => {
                if let Some(id) = t.table_id {
                    if self.find(id).is_some() {
                        return Err(protocol(format!("a second TableHeader for table {id}")));
                    }
                }
                if self.select(t, false) {
                    self.open(t, self.progressive)?;
                } else if t.table_id.is_some() {
                    // Unlimited: never an error.
                    let _ = self.skipped.open(t, Sent::Fragments, || ());
                }
            }
            Event::TableFragment(f) => {
                self.frame = match f.table_id {
                    None => Frame::Held {
                        rows: Vec::new(),
                        bytes: 0,
                    },
                    Some(id) => match self.find(id) {
                        Some(i) => {
                            self.fragment_type(i, f.fragment_type)?;
                            Frame::Table(i)
                        }
                        None => {
                            self.unknown_fragment(id)?;
                            Frame::Skip
                        }
                    },
                };
            }
            Event::TableFragmentEnd(f) => {
                if let Frame::Held { rows, .. } = core::mem::take(&mut self.frame) {
                    let Some(id) = f.table_id else {
                        return Err(protocol(
                            "a TableFragment that never names its TableId".to_string(),
                        ));
                    };
                    let Some(i) = self.find(id) else {
                        return self.unknown_fragment(id);
                    };
                    self.fragment_type(i, f.fragment_type)?;
                    self.append_held(i, rows)?;
                }
                self.frame = Frame::None;
            }
            Event::TableCompletion(c) => {
                if let Some(i) = c.table_id.and_then(|id| self.find(id)) {
                    self.close(i)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Ends the response: the tables still open (a progressive table cut
    /// short by cancellation, say) give their batches, then
    /// `Err(Error::PartialFailure)` when the response reported errors.
    ///
    /// Take the remaining batches with [`Batcher::pop`] either way.
    pub fn finish(&mut self) -> Result<(), Error> {
        if self.finished {
            return Ok(());
        }
        self.finished = true;
        self.salvage();
        let tracker = core::mem::take(&mut self.tracker);
        let dropped = tracker.dropped();
        let errors = tracker.finish();
        if errors.is_empty() && dropped == 0 {
            return Ok(());
        }
        Err(Error::PartialFailure(PartialFailure {
            outcome: classify(200, &errors),
            errors,
            dropped,
        }))
    }

    /// After a read or conversion error: every open table's rows so far
    /// become batches (nothing decoded is lost).
    pub fn salvage(&mut self) {
        self.frame = Frame::None;
        while !self.tables.is_empty() {
            // An error here (Arrow refusing a batch) leaves nothing to salvage.
            if self.close(0).is_err() {
                self.tables.remove(0);
            }
        }
    }

    /// A fragment of table `id`, which is not open: fine when the table is
    /// not selected, an error otherwise (no `TableHeader`, or after its
    /// `TableCompletion`): its rows would be lost.
    fn unknown_fragment(&self, id: i64) -> Result<(), Error> {
        if self.skipped.index_of(id).is_some() {
            return Ok(());
        }
        Err(protocol(format!(
            "a TableFragment for table {id}, which has no open TableHeader"
        )))
    }

    fn find(&self, id: i64) -> Option<usize> {
        self.tables.iter().position(|t| t.meta.id == Some(id))
    }

    /// `true` when the selector needs more than `t` tells.
    fn undecided(&self, t: &TableInfo<'_>, v1: bool) -> bool {
        match &self.opts.tables {
            TableSelector::All => false,
            TableSelector::FirstPrimary | TableSelector::Primary if v1 => t.table_id.is_none(),
            TableSelector::FirstPrimary | TableSelector::Primary => t.kind.is_none(),
            TableSelector::Id(_) => t.table_id.is_none(),
            TableSelector::Name(_) => t.name.is_none(),
        }
    }

    /// Whether the table `t` is selected; a single-table selector matches
    /// once.
    fn select(&mut self, t: &TableInfo<'_>, v1: bool) -> bool {
        let primary = tables::is_primary_at_start(t, v1);
        let hit = match &self.opts.tables {
            TableSelector::All => true,
            TableSelector::Primary | TableSelector::FirstPrimary => primary,
            TableSelector::Id(id) => t.table_id == Some(*id),
            TableSelector::Name(n) => t.name == Some(n.as_str()),
        };
        if !hit || (self.opts.tables.is_single() && self.matched) {
            return false;
        }
        self.matched = true;
        true
    }

    fn begin_frame(&mut self, t: &TableInfo<'_>, v1: bool) -> Result<(), Error> {
        // Everything the batches' schema names must be known before rows
        // are converted; the service sends it before `Rows`.
        let incomplete = t.columns.is_empty() || t.table_id.is_none() || (!v1 && t.kind.is_none());
        self.frame = if incomplete || self.undecided(t, v1) {
            Frame::Held {
                rows: Vec::new(),
                bytes: 0,
            }
        } else if self.select(t, v1) {
            Frame::Table(self.open(t, false)?)
        } else {
            Frame::Skip
        };
        Ok(())
    }

    fn end_frame(&mut self, t: &TableInfo<'_>, v1: bool) -> Result<(), Error> {
        match core::mem::take(&mut self.frame) {
            Frame::Table(i) => self.close(i),
            Frame::Held { rows, .. } => {
                if !self.select(t, v1) {
                    return Ok(());
                }
                if t.columns.is_empty() {
                    if let Some(r) = rows.iter().find(|r| !r.cells.is_empty()) {
                        return Err(Error::Shape {
                            table: label(t, self.ordinal),
                            row: r.index,
                            offset: r.offset,
                            cells: r.cells.len(),
                            columns: 0,
                        });
                    }
                }
                let i = self.open(t, false)?;
                self.append_held(i, rows)?;
                self.close(i)
            }
            Frame::Skip | Frame::None => Ok(()),
        }
    }

    fn open(&mut self, t: &TableInfo<'_>, hold: bool) -> Result<usize, Error> {
        if self.tables.len() >= self.opts.max_open_tables {
            return Err(Error::Limit {
                what: "max_open_tables",
                limit: self.opts.max_open_tables as u64,
                offset: None,
            });
        }
        let mut metadata = std::collections::HashMap::new();
        if let Some(id) = t.table_id {
            metadata.insert("kusto.table_id".to_string(), id.to_string());
        }
        if let Some(n) = t.name {
            metadata.insert("kusto.table_name".to_string(), n.to_string());
        }
        if let Some(k) = t.kind {
            metadata.insert("kusto.table_kind".to_string(), k.as_str().to_string());
        }
        let schema = Arc::new(Schema::new_with_metadata(
            t.columns
                .iter()
                .map(|c| field(c, &self.opts))
                .collect::<Vec<_>>(),
            metadata,
        ));
        let meta = Arc::new(TableMeta {
            ordinal: self.ordinal,
            id: t.table_id,
            name: t.name.map(str::to_string),
            kind: t.kind.map(|k| k.as_str().to_string()),
            schema,
        });
        self.ordinal += 1;
        if self.first.is_none() {
            self.first = Some(meta.clone());
        }
        self.tables.push(Table {
            meta,
            columns: t.columns.to_vec(),
            cols: t
                .columns
                .iter()
                .map(|c| ColumnBuilder::new(c, &self.opts))
                .collect(),
            rows: 0,
            hold,
            held: Vec::new(),
            held_bytes: 0,
            emitted: false,
        });
        Ok(self.tables.len() - 1)
    }

    fn fragment_type(&mut self, i: usize, ft: Option<FragmentType<'_>>) -> Result<(), Error> {
        match ft {
            None | Some(FragmentType::DataAppend) => Ok(()),
            Some(FragmentType::DataReplace) => {
                let t = &mut self.tables[i];
                if t.emitted {
                    return Err(protocol(format!(
                        "DataReplace fragment for table {} after its batches were handed out \
                         (the DataSetHeader did not say IsProgressive: true)",
                        t.meta.label()
                    )));
                }
                for c in &mut t.cols {
                    c.finish(self.opts.batch_rows);
                }
                t.rows = 0;
                t.held.clear();
                t.held_bytes = 0;
                Ok(())
            }
            Some(FragmentType::Other(s)) => Err(protocol(format!(
                "unknown TableFragmentType {s:?} for table {}",
                self.tables[i].meta.label()
            ))),
        }
    }

    #[inline]
    fn row(&mut self, row: &Row<'_>) -> Result<(), Error> {
        match &mut self.frame {
            Frame::Table(i) => {
                let i = *i;
                self.append_row(i, row)
            }
            Frame::Held { rows, bytes } => {
                let cells: Vec<_> = row
                    .cells()
                    .map(|c| (c.kind(), c.raw().to_string(), c.text().to_string()))
                    .collect();
                *bytes += cells
                    .iter()
                    .map(|(_, r, t)| r.len() + t.len() + 64)
                    .sum::<usize>();
                if *bytes > self.opts.max_held_bytes {
                    return Err(Error::Limit {
                        what: "max_held_bytes (rows held until their frame names its table)",
                        limit: self.opts.max_held_bytes as u64,
                        offset: Some(row.offset()),
                    });
                }
                rows.push(HeldRow {
                    index: row.index(),
                    offset: row.offset(),
                    cells,
                });
                Ok(())
            }
            Frame::Skip | Frame::None => Ok(()),
        }
    }

    #[inline]
    fn append_row(&mut self, i: usize, row: &Row<'_>) -> Result<(), Error> {
        let t = &mut self.tables[i];
        if row.len() != t.cols.len() {
            return Err(Error::Shape {
                table: t.meta.label(),
                row: row.index(),
                offset: row.offset(),
                cells: row.len(),
                columns: t.cols.len(),
            });
        }
        for (c, col) in t.cols.iter_mut().enumerate() {
            let failed = match row.value(c) {
                Some(Ok(v)) => match col.append(v) {
                    Ok(()) => continue,
                    Err(reason) => (reason.to_string(), row.offset()),
                },
                Some(Err(e)) => (e.error.to_string(), e.offset),
                None => ("missing cell".to_string(), row.offset()),
            };
            return self.fail_row(i, c, row.index(), failed);
        }
        t.rows += 1;
        if t.rows >= self.opts.batch_rows {
            self.flush(i, false)?;
        }
        Ok(())
    }

    /// Rows held while the table was unknown, converted now.
    fn append_held(&mut self, i: usize, rows: Vec<HeldRow>) -> Result<(), Error> {
        for r in rows {
            let t = &mut self.tables[i];
            if r.cells.len() != t.cols.len() {
                return Err(Error::Shape {
                    table: t.meta.label(),
                    row: r.index,
                    offset: r.offset,
                    cells: r.cells.len(),
                    columns: t.cols.len(),
                });
            }
            for (c, col) in t.cols.iter_mut().enumerate() {
                let (kind, raw, text) = &r.cells[c];
                let ty = t.columns[c].scalar_type();
                let failed = match convert(ty, Cell::new(*kind, raw, text)) {
                    Ok(v) => match col.append(v) {
                        Ok(()) => continue,
                        Err(reason) => reason.to_string(),
                    },
                    Err(e) => e.to_string(),
                };
                return self.fail_row(i, c, r.index, (failed, r.offset));
            }
            t.rows += 1;
            if t.rows >= self.opts.batch_rows {
                self.flush(i, false)?;
            }
        }
        Ok(())
    }

    /// Cell `c` of the row being appended failed: the columns before it have
    /// its values, the others get nulls, and the batch is handed out without
    /// that row.
    #[cold]
    fn fail_row(
        &mut self,
        i: usize,
        c: usize,
        row: u64,
        (reason, offset): (String, u64),
    ) -> Result<(), Error> {
        let t = &mut self.tables[i];
        for col in &mut t.cols[c..] {
            col.append_null();
        }
        t.rows += 1;
        let err = Error::Value {
            table: t.meta.label(),
            column: t.columns[c].name().to_string(),
            column_index: c,
            row,
            offset,
            reason,
        };
        self.flush(i, true)?;
        Err(err)
    }

    /// The rows in table `i`'s builders become a batch (without the last
    /// row when `drop_last`).
    fn flush(&mut self, i: usize, drop_last: bool) -> Result<(), Error> {
        let t = &mut self.tables[i];
        let rows = core::mem::take(&mut t.rows);
        let n = self.opts.batch_rows;
        let arrays = t.cols.iter_mut().map(|c| c.finish(n)).collect();
        let mut batch = RecordBatch::try_new_with_options(
            t.meta.schema.clone(),
            arrays,
            &RecordBatchOptions::new().with_row_count(Some(rows)),
        )?;
        if drop_last {
            batch = batch.slice(0, rows.saturating_sub(1));
        }
        if batch.num_rows() == 0 {
            return Ok(());
        }
        if t.hold {
            t.held_bytes += batch.get_array_memory_size();
            t.held.push(batch);
            if t.held_bytes > self.opts.max_held_bytes {
                return Err(Error::Limit {
                    what: "max_held_bytes (batches of a progressive table)",
                    limit: self.opts.max_held_bytes as u64,
                    offset: None,
                });
            }
        } else {
            t.emitted = true;
            self.ready.push_back(TableBatch {
                table: t.meta.clone(),
                batch,
            });
        }
        Ok(())
    }

    /// Table `i` is complete: its last rows and held batches come out (an
    /// empty batch for a table without rows), and it is closed.
    fn close(&mut self, i: usize) -> Result<(), Error> {
        let result = self.flush(i, false);
        let t = self.tables.remove(i);
        if let Frame::Table(j) = &mut self.frame {
            match (*j).cmp(&i) {
                core::cmp::Ordering::Equal => self.frame = Frame::Skip,
                core::cmp::Ordering::Greater => *j -= 1,
                core::cmp::Ordering::Less => {}
            }
        }
        let mut any = t.emitted;
        for batch in t.held {
            any = true;
            self.ready.push_back(TableBatch {
                table: t.meta.clone(),
                batch,
            });
        }
        if !any && result.is_ok() {
            self.ready.push_back(TableBatch {
                batch: RecordBatch::new_empty(t.meta.schema.clone()),
                table: t.meta,
            });
        }
        result
    }
}

fn protocol(message: String) -> Error {
    Error::Protocol {
        message,
        offset: None,
    }
}

fn label(t: &TableInfo<'_>, ordinal: usize) -> String {
    match (t.name, t.table_id) {
        (Some(n), _) => n.to_string(),
        (None, Some(id)) => format!("#{id}"),
        (None, None) => format!("table {ordinal}"),
    }
}
