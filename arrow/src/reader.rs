//! Batches pulled from kusto-frames-io's [`EventReader`].

use core::ops::ControlFlow;
use std::io::BufRead;

use arrow_array::{RecordBatch, RecordBatchReader};
use arrow_schema::{ArrowError, SchemaRef};
use kusto_frames_io::EventReader;

use crate::{Batcher, Error, Options, TableBatch, TableMeta};

/// Where a reader is.
#[derive(Debug)]
pub(crate) enum State {
    Running,
    /// The body ended or failed: this is the last item (an error), then
    /// nothing.
    Ending(Option<Error>),
    Done,
}

impl State {
    /// The item after the last batch, or `None` to go on reading.
    pub(crate) fn end_item<T>(&mut self) -> Option<Option<Result<T, Error>>> {
        match core::mem::replace(self, State::Done) {
            State::Running => {
                *self = State::Running;
                None
            }
            State::Ending(e) => Some(e.map(Err)),
            State::Done => Some(None),
        }
    }

    /// What the body's end (`Ok(true)`), a pause (`Ok(false)`) or an error
    /// means for `batcher` and this state.
    pub(crate) fn after(&mut self, batcher: &mut Batcher, step: Result<bool, Error>, offset: u64) {
        match step {
            Ok(false) => {}
            Ok(true) => *self = State::Ending(batcher.finish().err()),
            Err(mut e) => {
                e.set_offset(offset);
                batcher.salvage();
                *self = State::Ending(Some(e));
            }
        }
    }
}

/// Every selected table's batches ([`crate::Options::tables`]), pulled from
/// an [`EventReader`].
///
/// The items are the batches in order; then, when the response reported
/// errors, one `Err(Error::PartialFailure)`; after a read or conversion
/// error, the batches decoded before it and then that error. Nothing after.
#[derive(Debug)]
pub struct TableBatchReader<R> {
    events: EventReader<R>,
    batcher: Batcher,
    state: State,
}

impl<R: BufRead> TableBatchReader<R> {
    /// Batches of `events`' body.
    pub fn new(events: EventReader<R>, opts: Options) -> Self {
        TableBatchReader {
            events,
            batcher: Batcher::new(opts),
            state: State::Running,
        }
    }

    /// The builder (its options, the errors seen so far).
    pub fn batcher(&self) -> &Batcher {
        &self.batcher
    }

    /// The event reader.
    pub fn events(&self) -> &EventReader<R> {
        &self.events
    }

    /// Reads until a batch is ready (or the first selected table's schema
    /// is known, with `until_schema`). `Ok(true)` at the body's end.
    fn step(&mut self, until_schema: bool) -> Result<bool, Error> {
        let batcher = &mut self.batcher;
        let mut failed = None;
        let flow = self.events.for_each(|ev| {
            if let Err(e) = batcher.push(&ev) {
                failed = Some(e);
                return ControlFlow::Break(());
            }
            if batcher.has_ready() || (until_schema && batcher.first_table().is_some()) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        if let Some(e) = failed {
            return Err(e);
        }
        Ok(flow? == ControlFlow::Continue(()))
    }

    fn pump(&mut self, until_schema: bool) {
        let step = self.step(until_schema);
        let offset = self.events.decoder().offset();
        self.state.after(&mut self.batcher, step, offset);
    }

    /// The next batch; see the type's docs for the order of items.
    pub fn next_batch(&mut self) -> Option<Result<TableBatch, Error>> {
        loop {
            if let Some(b) = self.batcher.pop() {
                return Some(Ok(b));
            }
            if let Some(end) = self.state.end_item() {
                return end;
            }
            self.pump(false);
        }
    }

    /// Reads until the first selected table's schema is known; `None` when
    /// the body ended without one (or failed: the error is the next item).
    fn first_table(&mut self) -> Option<std::sync::Arc<TableMeta>> {
        while self.batcher.first_table().is_none() && matches!(self.state, State::Running) {
            self.pump(true);
        }
        self.batcher.first_table().cloned()
    }
}

impl<R: BufRead> Iterator for TableBatchReader<R> {
    type Item = Result<TableBatch, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_batch()
    }
}

/// One table's batches as an [`arrow_array::RecordBatchReader`]: the first
/// primary result by default, or the one [`crate::Options::tables`] names
/// (a selector of several tables takes the first).
///
/// Items as [`TableBatchReader`]'s; as a `RecordBatchReader` the errors are
/// [`ArrowError::ExternalError`] wrapping an [`Error`] (converted back by
/// `Error::from`).
#[derive(Debug)]
pub struct BatchReader<R> {
    inner: TableBatchReader<R>,
    table: std::sync::Arc<TableMeta>,
}

impl<R: BufRead> BatchReader<R> {
    /// Reads `events` up to the selected table's columns.
    ///
    /// # Errors
    /// [`Error::TableNotFound`] when the body has no such table (or the
    /// response's [`Error::PartialFailure`] when it reported errors), or
    /// the read error that came first.
    pub fn new(events: EventReader<R>, mut opts: Options) -> Result<Self, Error> {
        if !opts.tables.is_single() {
            opts.tables = crate::TableSelector::FirstPrimary;
        }
        let selector = opts.tables.clone();
        let mut inner = TableBatchReader::new(events, opts);
        match inner.first_table() {
            Some(table) => Ok(BatchReader { inner, table }),
            None => Err(match inner.next_batch() {
                Some(Err(e)) => e,
                _ => Error::TableNotFound(selector),
            }),
        }
    }

    /// The table.
    pub fn table(&self) -> &TableMeta {
        &self.table
    }

    /// The next batch; after the last, `Err(Error::PartialFailure)` when the
    /// response reported errors.
    pub fn next_batch(&mut self) -> Option<Result<RecordBatch, Error>> {
        self.inner.next_batch().map(|r| r.map(|tb| tb.batch))
    }

    /// The event reader.
    pub fn events(&self) -> &EventReader<R> {
        self.inner.events()
    }
}

impl<R: BufRead> Iterator for BatchReader<R> {
    type Item = Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_batch()
            .map(|r| r.map_err(|e| ArrowError::ExternalError(Box::new(e))))
    }
}

impl<R: BufRead> RecordBatchReader for BatchReader<R> {
    fn schema(&self) -> SchemaRef {
        self.table.schema.clone()
    }
}
