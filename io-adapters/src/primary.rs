//! Streaming only the primary results, row by row, in bounded memory.

use core::marker::PhantomData;
use core::ops::ControlFlow;
use std::io::BufRead;

use kusto_frames::response::{ErrorTracker, ResponseError};
use kusto_frames::tables::{self, Sent, Tables};
use kusto_frames::{Event, Row, RowError};
use serde::de::DeserializeOwned;

use crate::de::{self, DeError};
use crate::secondary::Secondary;
use crate::{EventReader, ReadError};

/// The most primary tables sent as `TableHeader` + `TableFragment`s that a
/// [`PrimaryFilter`] keeps track of by default (see
/// [`PrimaryFilter::with_max_tables`]): as many tables as
/// [`kusto_frames::tables::DEFAULT_MAX_TABLES`].
pub const DEFAULT_MAX_PRIMARY_TABLES: usize = tables::DEFAULT_MAX_TABLES;

/// Tells, event by event, whether a row belongs to a primary result table,
/// by the rule of [`kusto_frames::tables`] as a stream can apply it:
///
/// - V2 `DataTable`: its `TableKind` is `PrimaryResult` (as known when its
///   rows begin: a kind sent after `Rows` is not seen in time).
/// - V2 `TableFragment`: its table's `TableHeader` had kind `PrimaryResult`
///   (looked up in constant time; at most
///   [`DEFAULT_MAX_PRIMARY_TABLES`] such tables, or the limit set with
///   [`PrimaryFilter::with_max_tables`]: one more is a [`LimitError`]).
/// - V1: the first table (index 0). A V1 body names its tables' kinds only
///   in its last table (the TableOfContents), too late for streaming; the
///   first table is the query's first result. Use
///   [`crate::collect::Dataset::primary`] to get every V1 `QueryResult`.
#[derive(Debug, Clone)]
pub struct PrimaryFilter {
    /// The primary tables sent as `TableHeader` + `TableFragment`s.
    progressive: Tables<()>,
    current: bool,
}

impl Default for PrimaryFilter {
    fn default() -> Self {
        PrimaryFilter::with_max_tables(DEFAULT_MAX_PRIMARY_TABLES)
    }
}

/// A reader's limit was reached: more primary tables sent as `TableHeader`
/// and `TableFragment`s than the [`PrimaryFilter`]'s limit, or more rows of
/// secondary tables than [`crate::secondary::Secondary`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitError {
    /// What was counted (`"primary tables"`, `"secondary table rows"`).
    pub what: &'static str,
    /// The limit.
    pub limit: usize,
}

impl core::fmt::Display for LimitError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "more than {} {}", self.limit, self.what)
    }
}

impl core::error::Error for LimitError {}

impl PrimaryFilter {
    /// A filter that has seen no event.
    pub fn new() -> Self {
        PrimaryFilter::default()
    }

    /// A filter that keeps track of at most `n` primary tables sent as
    /// `TableHeader` + `TableFragment`s.
    pub fn with_max_tables(n: usize) -> Self {
        PrimaryFilter {
            progressive: Tables::with_max(n),
            current: false,
        }
    }

    /// Updates the filter with `ev`; `Ok(true)` when `ev` is a row or a row
    /// error of a primary table. An error when `ev` is the `TableHeader` of
    /// one primary table too many (the filter is unchanged by it).
    pub fn observe(&mut self, ev: &Event<'_>) -> Result<bool, LimitError> {
        match ev {
            Event::DataTable(t) => self.current = tables::is_primary_at_start(t, false),
            // Only primary tables are kept (a table re-sent under its id
            // once): a fragment of a table not kept is not primary.
            Event::TableHeader(t)
                if t.table_id.is_some() && tables::is_primary_at_start(t, false) =>
            {
                self.progressive
                    .open(t, Sent::Fragments, || ())
                    .map_err(|e| LimitError {
                        what: "primary tables",
                        limit: e.limit,
                    })?;
            }
            Event::TableFragment(f) => {
                self.current = self.progressive.fragment(f.table_id).is_some();
            }
            Event::V1Table(t) => self.current = tables::is_primary_at_start(t, true),
            Event::Row(_) | Event::RowError(_) => return Ok(self.current),
            Event::DataTableEnd(_) | Event::TableFragmentEnd(_) | Event::V1TableEnd(_) => {
                self.current = false;
            }
            _ => {}
        }
        Ok(false)
    }
}

/// An error from [`PrimaryReader::next_row`] (`E` is [`ReadError`]) or from
/// an async reader (`E` is its source's error).
#[derive(Debug)]
#[non_exhaustive]
pub enum RowsError<E = ReadError> {
    /// Reading or decoding failed; the rows end here.
    Read(E),
    /// The response reported an error (in any table, or for the whole
    /// dataset): per the service's guidance the results may be incomplete
    /// or wrong. Rows go on after it.
    Reported(Box<ResponseError>),
    /// A row did not fit the requested type; rows go on after it.
    Deserialize {
        /// The row's index in its frame's `Rows`.
        row: u64,
        /// Byte offset of the row.
        offset: u64,
        /// What did not fit.
        error: DeError,
    },
    /// A limit of the reader was reached (see [`LimitError`]); the rows
    /// end here.
    Limit {
        /// What was counted.
        what: &'static str,
        /// The limit.
        limit: usize,
        /// The byte offset where reading stopped (just past the event that
        /// went over the limit).
        offset: u64,
    },
}

impl<E: core::fmt::Display> core::fmt::Display for RowsError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            RowsError::Read(e) => e.fmt(f),
            RowsError::Reported(e) => write!(f, "the response reported an error: {e:?}"),
            RowsError::Deserialize { row, offset, error } => {
                write!(f, "row {row} at byte {offset}: {error}")
            }
            RowsError::Limit {
                what,
                limit,
                offset,
            } => write!(f, "more than {limit} {what}, at byte {offset}"),
        }
    }
}

impl<E: core::error::Error + 'static> core::error::Error for RowsError<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            RowsError::Read(e) => Some(e),
            RowsError::Deserialize { error, .. } => Some(error),
            RowsError::Reported(_) | RowsError::Limit { .. } => None,
        }
    }
}

/// Everything [`PrimaryReader::read_all`] (or an async reader's `read_all`)
/// read from a response that was not clean: the rows that were read, and
/// every error in order of arrival (reported by the response, rows that
/// did not fit `T`, and a read error last if reading failed).
#[derive(Debug)]
pub struct PartialRows<T, E = ReadError> {
    /// The rows read, in order.
    pub rows: Vec<T>,
    /// Every error, in order; never empty.
    pub errors: Vec<RowsError<E>>,
}

impl<T, E: core::fmt::Display> core::fmt::Display for PartialRows<T, E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{} rows read with {} errors",
            self.rows.len(),
            self.errors.len()
        )?;
        if let Some(e) = self.errors.first() {
            write!(f, "; the first: {e}")?;
        }
        Ok(())
    }
}

impl<T: core::fmt::Debug, E: core::error::Error + 'static> core::error::Error
    for PartialRows<T, E>
{
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        self.errors.first().map(|e| e as _)
    }
}

impl<T, E> PartialRows<T, E> {
    /// Collects `items` (the rows and errors of a reader, in order): every
    /// row if there was no error, else everything.
    pub(crate) fn gather(
        rows: &mut Vec<T>,
        errors: &mut Vec<RowsError<E>>,
        item: Result<T, RowsError<E>>,
    ) {
        match item {
            Ok(t) => rows.push(t),
            Err(e) => errors.push(e),
        }
    }

    pub(crate) fn result(rows: Vec<T>, errors: Vec<RowsError<E>>) -> Result<Vec<T>, Self> {
        if errors.is_empty() {
            Ok(rows)
        } else {
            Err(PartialRows { rows, errors })
        }
    }
}

/// The per-event state of a primary-rows reader, shared by the sync
/// [`PrimaryReader`] and the async readers: which rows are primary, the
/// errors reported so far and which of them were handed out.
#[derive(Debug, Default)]
pub(crate) struct PrimaryState {
    filter: PrimaryFilter,
    secondary: Secondary,
    tracker: ErrorTracker,
    /// Errors already handed out by `next_row`.
    reported: usize,
    /// The end-of-response errors (V1 QueryStatus) were added.
    finished: Option<Vec<ResponseError>>,
}

impl PrimaryState {
    pub(crate) fn with_filter(filter: PrimaryFilter) -> Self {
        PrimaryState {
            filter,
            ..PrimaryState::default()
        }
    }

    pub(crate) fn secondary(&self) -> &Secondary {
        &self.secondary
    }

    /// The filter and the secondary tables see the event.
    fn observe(&mut self, ev: &Event<'_>) -> Result<bool, LimitError> {
        crate::collect::observe_errors(&mut self.tracker, ev);
        self.secondary.push(ev)?;
        self.filter.observe(ev)
    }

    pub(crate) fn errors(&self) -> &[ResponseError] {
        match &self.finished {
            Some(all) => all,
            None => self.tracker.errors(),
        }
    }

    fn end(&mut self) {
        if self.finished.is_none() {
            self.finished = Some(core::mem::take(&mut self.tracker).finish());
        }
    }

    fn next_reported<T, E>(&mut self) -> Option<Result<T, RowsError<E>>> {
        let e = self.errors().get(self.reported)?.clone();
        self.reported += 1;
        Some(Err(RowsError::Reported(Box::new(e))))
    }

    /// For `next_row`, before reading: `Some` when the next item is known
    /// without reading (an error not yet handed out, or the end).
    pub(crate) fn ready<T, E>(&mut self) -> Option<Option<Result<T, RowsError<E>>>> {
        if let Some(e) = self.next_reported() {
            return Some(Some(e));
        }
        self.finished.is_some().then_some(None)
    }

    /// For `next_row`, one event: breaks when `out` was set (a primary row,
    /// or the table limit) or when a reported error became due.
    pub(crate) fn on_event<T: DeserializeOwned, E>(
        &mut self,
        ev: Event<'_>,
        out: &mut Option<Result<T, RowsError<E>>>,
    ) -> ControlFlow<()> {
        let primary = match self.observe(&ev) {
            Ok(p) => p,
            Err(LimitError { what, limit }) => {
                // The offset is filled in by `after`.
                *out = Some(Err(RowsError::Limit {
                    what,
                    limit,
                    offset: 0,
                }));
                return ControlFlow::Break(());
            }
        };
        if self.tracker.errors().len() > self.reported {
            return ControlFlow::Break(());
        }
        if let (true, Event::Row(row)) = (primary, ev) {
            *out = Some(de::from_row(&row).map_err(|error| RowsError::Deserialize {
                row: row.index(),
                offset: row.offset(),
                error,
            }));
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }

    /// For `next_row`, after reading: `r` is the reader's result, `out` what
    /// [`PrimaryState::on_event`] set, `offset` the decoder's offset.
    pub(crate) fn after<T, E>(
        &mut self,
        r: Result<ControlFlow<()>, E>,
        out: Option<Result<T, RowsError<E>>>,
        offset: u64,
    ) -> Option<Result<T, RowsError<E>>> {
        match r {
            Err(e) => {
                self.end();
                self.reported = usize::MAX;
                Some(Err(RowsError::Read(e)))
            }
            Ok(ControlFlow::Break(())) => match out {
                Some(Err(RowsError::Limit { what, limit, .. })) => {
                    self.end();
                    // The errors reported so far are handed out next.
                    Some(Err(RowsError::Limit {
                        what,
                        limit,
                        offset,
                    }))
                }
                Some(item) => Some(item),
                None => self.next_reported(),
            },
            Ok(ControlFlow::Continue(())) => {
                self.end();
                self.next_reported()
            }
        }
    }

    /// For `for_each_row`, one event: a primary row or row error goes to
    /// `f`. The table limit stops the rows (`Err`).
    pub(crate) fn on_event_borrowed<F>(
        &mut self,
        ev: Event<'_>,
        f: &mut F,
        limit: &mut Option<LimitError>,
    ) -> ControlFlow<()>
    where
        F: FnMut(Result<Row<'_>, RowError<'_>>) -> ControlFlow<()>,
    {
        match self.observe(&ev) {
            Ok(true) => {}
            Ok(false) => return ControlFlow::Continue(()),
            Err(e) => {
                *limit = Some(e);
                return ControlFlow::Break(());
            }
        }
        match ev {
            Event::Row(row) => f(Ok(row)),
            Event::RowError(e) => f(Err(e)),
            _ => ControlFlow::Continue(()),
        }
    }

    /// For `for_each_row`, after reading.
    pub(crate) fn after_borrowed<E>(
        &mut self,
        r: Result<ControlFlow<()>, E>,
        limit: Option<LimitError>,
        offset: u64,
    ) -> Result<ControlFlow<()>, RowsError<E>> {
        if let Some(LimitError { what, limit }) = limit {
            self.end();
            return Err(RowsError::Limit {
                what,
                limit,
                offset,
            });
        }
        let r = r.map_err(RowsError::Read)?;
        if r.is_continue() {
            self.end();
        }
        Ok(r)
    }
}

/// Reads only the rows of the primary result tables (see [`PrimaryFilter`]),
/// one at a time, while keeping every error the response reports.
///
/// ```
/// use serde::Deserialize;
/// use kusto_frames_io::{EventReader, primary::PrimaryReader};
///
/// #[derive(Deserialize)]
/// struct R { x: i64 }
/// let body: &[u8] = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
/// {"FrameType":"DataTable","TableId":0,"TableKind":"QueryProperties","TableName":"@ExtendedProperties",
///  "Columns":[{"ColumnName":"x","ColumnType":"long"}],"Rows":[[100]]},
/// {"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"T",
///  "Columns":[{"ColumnName":"x","ColumnType":"long"}],"Rows":[[1],[2]]},
/// {"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
/// let mut rows = PrimaryReader::new(EventReader::from_read(body));
/// let xs: Vec<i64> = rows.rows::<R>().map(|r| r.map(|r| r.x)).collect::<Result<_, _>>()?;
/// assert_eq!(xs, [1, 2]);
/// assert!(rows.errors().is_empty());
/// # Ok::<(), kusto_frames_io::primary::RowsError>(())
/// ```
#[derive(Debug)]
pub struct PrimaryReader<R> {
    reader: EventReader<R>,
    state: PrimaryState,
}

impl<R: BufRead> PrimaryReader<R> {
    /// Reads the primary rows of `reader`'s response (from its next event on).
    pub fn new(reader: EventReader<R>) -> Self {
        PrimaryReader::with_filter(reader, PrimaryFilter::new())
    }

    /// Reads with `filter` (for its table limit).
    pub fn with_filter(reader: EventReader<R>, filter: PrimaryFilter) -> Self {
        PrimaryReader {
            reader,
            state: PrimaryState::with_filter(filter),
        }
    }

    /// Every error the response reported so far (all of them once the rows
    /// ended).
    pub fn errors(&self) -> &[ResponseError] {
        self.state.errors()
    }

    /// The `QueryProperties` and `QueryCompletionInformation` rows read so
    /// far (all of them once the rows ended).
    pub fn secondary(&self) -> &Secondary {
        self.state.secondary()
    }

    /// The event reader.
    pub fn into_inner(self) -> EventReader<R> {
        self.reader
    }

    /// Hands each primary row, or object in place of a primary row (a
    /// partial failure, `Err`), to `f`, borrowed. Returns like
    /// [`EventReader::for_each`] (a read error as [`RowsError::Read`], and
    /// [`RowsError::Limit`] past a limit). Errors
    /// reported elsewhere are in [`PrimaryReader::errors`].
    pub fn for_each_row<F>(&mut self, mut f: F) -> Result<ControlFlow<()>, RowsError>
    where
        F: FnMut(Result<Row<'_>, RowError<'_>>) -> ControlFlow<()>,
    {
        let (state, mut limit) = (&mut self.state, None);
        let r = self
            .reader
            .for_each(|ev| state.on_event_borrowed(ev, &mut f, &mut limit));
        let offset = self.reader.decoder().offset();
        self.state.after_borrowed(r, limit, offset)
    }

    /// The next primary row as a `T`, or the next error the response
    /// reported (in order of arrival); `None` after the last.
    pub fn next_row<T: DeserializeOwned>(&mut self) -> Option<Result<T, RowsError>> {
        if let Some(item) = self.state.ready() {
            return item;
        }
        let (state, mut out) = (&mut self.state, None);
        let r = self.reader.for_each(|ev| state.on_event(ev, &mut out));
        let offset = self.reader.decoder().offset();
        self.state.after(r, out, offset)
    }

    /// Every primary row as a `T` when the response is clean; otherwise
    /// [`PartialRows`]: the rows read and every error (reported by the
    /// response, rows that did not fit, a read error), nothing dropped.
    pub fn read_all<T: DeserializeOwned>(&mut self) -> Result<Vec<T>, PartialRows<T>> {
        let (mut rows, mut errors) = (Vec::new(), Vec::new());
        while let Some(item) = self.next_row() {
            PartialRows::gather(&mut rows, &mut errors, item);
        }
        PartialRows::result(rows, errors)
    }

    /// An iterator over [`PrimaryReader::next_row`].
    pub fn rows<T: DeserializeOwned>(&mut self) -> Rows<'_, R, T> {
        Rows {
            reader: self,
            _t: PhantomData,
        }
    }
}

/// Iterator of primary rows as `T`; see [`PrimaryReader::next_row`].
#[derive(Debug)]
pub struct Rows<'p, R, T> {
    reader: &'p mut PrimaryReader<R>,
    _t: PhantomData<fn() -> T>,
}

impl<R: BufRead, T: DeserializeOwned> Iterator for Rows<'_, R, T> {
    type Item = Result<T, RowsError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.reader.next_row()
    }
}
