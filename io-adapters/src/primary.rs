//! Streaming only the primary results, row by row, in bounded memory.

use core::marker::PhantomData;
use core::ops::ControlFlow;
use std::io::BufRead;

use kusto_frames::response::{ErrorTracker, ResponseError};
use kusto_frames::{Event, Row, RowError, TableKind};
use serde::de::DeserializeOwned;

use crate::de::{self, DeError};
use crate::{EventReader, ReadError};

/// Tells, event by event, whether a row belongs to a primary result table.
///
/// - V2 `DataTable`: its `TableKind` is `PrimaryResult` (as known when its
///   rows begin: a kind sent after `Rows` is not seen in time).
/// - V2 `TableFragment`: its table's `TableHeader` had kind `PrimaryResult`.
/// - V1: the first table (index 0). A V1 body names its tables' kinds only
///   in its last table (the TableOfContents), too late for streaming; the
///   first table is the query's first result. Use
///   [`crate::collect::Dataset::primary`] to get every V1 `QueryResult`.
#[derive(Debug, Clone, Default)]
pub struct PrimaryFilter {
    progressive: Vec<i64>,
    current: bool,
}

impl PrimaryFilter {
    /// A filter that has seen no event.
    pub fn new() -> Self {
        PrimaryFilter::default()
    }

    /// Updates the filter with `ev`; `true` when `ev` is a row or a row
    /// error of a primary table.
    pub fn observe(&mut self, ev: &Event<'_>) -> bool {
        match ev {
            Event::DataTable(t) => self.current = t.kind == Some(TableKind::PrimaryResult),
            Event::TableHeader(t) => {
                if let (Some(id), Some(TableKind::PrimaryResult)) = (t.table_id, t.kind) {
                    self.progressive.push(id);
                }
            }
            Event::TableFragment(f) => {
                self.current = f.table_id.is_some_and(|id| self.progressive.contains(&id));
            }
            Event::V1Table(t) => self.current = t.table_id == Some(0),
            Event::Row(_) | Event::RowError(_) => return self.current,
            Event::DataTableEnd(_) | Event::TableFragmentEnd(_) | Event::V1TableEnd(_) => {
                self.current = false;
            }
            _ => {}
        }
        false
    }
}

/// An error from [`PrimaryReader::next_row`].
#[derive(Debug)]
#[non_exhaustive]
pub enum RowsError {
    /// Reading or decoding failed; the rows end here.
    Read(ReadError),
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
}

impl core::fmt::Display for RowsError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            RowsError::Read(e) => e.fmt(f),
            RowsError::Reported(e) => write!(f, "the response reported an error: {e:?}"),
            RowsError::Deserialize { row, offset, error } => {
                write!(f, "row {row} at byte {offset}: {error}")
            }
        }
    }
}

impl core::error::Error for RowsError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            RowsError::Read(e) => Some(e),
            RowsError::Deserialize { error, .. } => Some(error),
            RowsError::Reported(_) => None,
        }
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
    filter: PrimaryFilter,
    tracker: ErrorTracker,
    /// Errors already handed out by `next_row`.
    reported: usize,
    /// The end-of-response errors (V1 QueryStatus) were added.
    finished: Option<Vec<ResponseError>>,
}

impl<R: BufRead> PrimaryReader<R> {
    /// Reads the primary rows of `reader`'s response (from its next event on).
    pub fn new(reader: EventReader<R>) -> Self {
        PrimaryReader {
            reader,
            filter: PrimaryFilter::new(),
            tracker: ErrorTracker::new(),
            reported: 0,
            finished: None,
        }
    }

    /// Every error the response reported so far (all of them once the rows
    /// ended).
    pub fn errors(&self) -> &[ResponseError] {
        match &self.finished {
            Some(all) => all,
            None => self.tracker.errors(),
        }
    }

    /// The event reader.
    pub fn into_inner(self) -> EventReader<R> {
        self.reader
    }

    fn end(&mut self) {
        if self.finished.is_none() {
            self.finished = Some(core::mem::take(&mut self.tracker).finish());
        }
    }

    /// Hands each primary row, or object in place of a primary row (a
    /// partial failure, `Err`), to `f`, borrowed. Same return as
    /// [`EventReader::for_each`]. Errors reported elsewhere are in
    /// [`PrimaryReader::errors`].
    pub fn for_each_row<F>(&mut self, mut f: F) -> Result<ControlFlow<()>, ReadError>
    where
        F: FnMut(Result<Row<'_>, RowError<'_>>) -> ControlFlow<()>,
    {
        let (filter, tracker) = (&mut self.filter, &mut self.tracker);
        let r = self.reader.for_each(|ev| {
            crate::collect::observe_errors(tracker, &ev);
            if !filter.observe(&ev) {
                return ControlFlow::Continue(());
            }
            match ev {
                Event::Row(row) => f(Ok(row)),
                Event::RowError(e) => f(Err(e)),
                _ => ControlFlow::Continue(()),
            }
        })?;
        if r.is_continue() {
            self.end();
        }
        Ok(r)
    }

    /// The next primary row as a `T`, or the next error the response
    /// reported (in order of arrival); `None` after the last.
    pub fn next_row<T: DeserializeOwned>(&mut self) -> Option<Result<T, RowsError>> {
        if let Some(e) = self.next_reported() {
            return Some(Err(RowsError::Reported(Box::new(e))));
        }
        if self.finished.is_some() {
            return None;
        }
        let mut out: Option<Result<T, RowsError>> = None;
        let (filter, tracker) = (&mut self.filter, &mut self.tracker);
        let reported = self.reported;
        let r = self.reader.for_each(|ev| {
            crate::collect::observe_errors(tracker, &ev);
            let primary = filter.observe(&ev);
            if tracker.errors().len() > reported {
                return ControlFlow::Break(());
            }
            if let (true, Event::Row(row)) = (primary, ev) {
                out = Some(de::from_row(&row).map_err(|error| RowsError::Deserialize {
                    row: row.index(),
                    offset: row.offset(),
                    error,
                }));
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        });
        match r {
            Err(e) => {
                self.end();
                self.reported = usize::MAX;
                Some(Err(RowsError::Read(e)))
            }
            Ok(ControlFlow::Break(())) => out.or_else(|| {
                self.next_reported()
                    .map(|e| Err(RowsError::Reported(Box::new(e))))
            }),
            Ok(ControlFlow::Continue(())) => {
                self.end();
                self.next_reported()
                    .map(|e| Err(RowsError::Reported(Box::new(e))))
            }
        }
    }

    fn next_reported(&mut self) -> Option<ResponseError> {
        let e = self.errors().get(self.reported)?.clone();
        self.reported += 1;
        Some(e)
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
