//! Batches from kusto-frames-io's tokio [`EventStream`] (feature `tokio`).
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use kusto_frames_arrow::tokio::AsyncTableBatchReader;
//! use kusto_frames_arrow::Options;
//! use kusto_frames_io::tokio::EventStream;
//!
//! let body: &[u8] = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
//! {"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","TableName":"T",
//!  "Columns":[{"ColumnName":"x","ColumnType":"int"}],"Rows":[[1],[2]]},
//! {"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
//! let mut r = AsyncTableBatchReader::new(EventStream::from_read_with_capacity(8, body), Options::default());
//! let tb = r.next_batch().await.unwrap()?;
//! assert_eq!(tb.batch.num_rows(), 2);
//! assert!(r.next_batch().await.is_none());
//! # Ok::<(), kusto_frames_arrow::Error>(())
//! # }).unwrap();
//! ```

use core::ops::ControlFlow;

use kusto_frames_io::tokio::EventStream;
use tokio::io::AsyncBufRead;

use crate::reader::State;
use crate::{Batcher, Error, Options, TableBatch};

/// Every selected table's batches, from an [`EventStream`]; items as
/// [`crate::TableBatchReader`]'s.
///
/// Cancellation: dropping a pending [`AsyncTableBatchReader::next_batch`]
/// loses no event (the events handed to the builder are in it; the stream
/// keeps the rest).
#[derive(Debug)]
pub struct AsyncTableBatchReader<R> {
    events: EventStream<R>,
    batcher: Batcher,
    state: State,
}

impl<R: AsyncBufRead + Unpin> AsyncTableBatchReader<R> {
    /// Batches of `events`' body.
    pub fn new(events: EventStream<R>, opts: Options) -> Self {
        AsyncTableBatchReader {
            events,
            batcher: Batcher::new(opts),
            state: State::Running,
        }
    }

    /// The builder (its options, the errors seen so far).
    pub fn batcher(&self) -> &Batcher {
        &self.batcher
    }

    /// The next batch; after the last, `Err(Error::PartialFailure)` when the
    /// response reported errors; after a read or conversion error, the
    /// batches decoded before it and then the error.
    pub async fn next_batch(&mut self) -> Option<Result<TableBatch, Error>> {
        loop {
            if let Some(b) = self.batcher.pop() {
                return Some(Ok(b));
            }
            if let Some(end) = self.state.end_item() {
                return end;
            }
            let batcher = &mut self.batcher;
            let mut failed = None;
            let flow = self
                .events
                .for_each_event(|ev| {
                    if let Err(e) = batcher.push(&ev) {
                        failed = Some(e);
                        return ControlFlow::Break(());
                    }
                    if batcher.has_ready() {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    }
                })
                .await;
            let step = match failed {
                Some(e) => Err(e),
                None => flow
                    .map(|f| f == ControlFlow::Continue(()))
                    .map_err(Error::from),
            };
            let offset = self.events.decoder().offset();
            self.state.after(&mut self.batcher, step, offset);
        }
    }
}
