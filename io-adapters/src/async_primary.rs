//! Async counterparts of [`crate::primary::PrimaryReader`] and
//! [`crate::collect::collect`], over any async event source
//! ([`PollEvents`]): [`crate::stream::EventStream`] over a `Stream` of byte
//! chunks (feature `stream`), [`crate::tokio::EventStream`] (feature
//! `tokio`), [`crate::futures::EventStream`] (feature `futures-io`).
//!
//! The per-event logic is the sync reader's own (one state machine for
//! both). Every reader here is cancellation-safe: state lives in the
//! reader, never in a future, so dropping a pending call loses nothing.
//!
//! ```
//! use futures_util::StreamExt;
//! use serde::Deserialize;
//! use kusto_frames_io::async_primary::AsyncPrimaryReader;
//!
//! #[derive(Debug, Deserialize)]
//! struct R { x: i64 }
//! let body = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
//! {"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"T",
//!  "Columns":[{"ColumnName":"x","ColumnType":"long"}],"Rows":[[1],[2],{"OneApiErrors":[{"error":{"code":"LimitsExceeded"}}]}]},
//! {"FrameType":"DataSetCompletion","HasErrors":true,"Cancelled":false}]"#;
//! # let block_on = |f| tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f);
//! block_on(async {
//!     // Chunks as an HTTP client hands them out (`response.bytes_stream()`).
//!     let chunks = || futures_util::stream::iter(body.chunks(7).map(Ok::<_, std::io::Error>));
//!
//!     // All rows at once: `Err` when the response is not clean, with the
//!     // rows read and every error.
//!     let mut reader = AsyncPrimaryReader::from_stream(chunks());
//!     let partial = reader.read_all::<R>().await.unwrap_err();
//!     assert_eq!(partial.rows.iter().map(|r| r.x).collect::<Vec<_>>(), [1, 2]);
//!     assert_eq!(partial.errors.len(), 2); // the row error, then HasErrors
//!
//!     // Or row by row, as a `Stream`, errors inline.
//!     let mut reader = AsyncPrimaryReader::from_stream(chunks());
//!     let items: Vec<_> = reader.rows::<R>().collect().await;
//!     assert_eq!(items.iter().filter(|r| r.is_ok()).count(), 2);
//!     assert_eq!(items.len(), 4);
//! });
//! ```

use core::future::poll_fn;
use core::marker::PhantomData;
use core::ops::ControlFlow;
use core::pin::Pin;
use core::task::{ready, Context, Poll};

use futures_core::Stream;
use kusto_frames::response::ResponseError;
use kusto_frames::{Decoder, Event, Row, RowError};
use serde::de::DeserializeOwned;

use crate::collect::{Collector, Dataset};
use crate::primary::{PartialRows, PrimaryFilter, PrimaryState, RowsError};

/// An async source of events, polled with a callback that borrows each
/// event (implemented by the `EventStream`s of this crate).
pub trait PollEvents {
    /// The source's error (decode errors included).
    type Error;

    /// Hands events to `f` until it breaks (`Ok(ControlFlow::Break(()))`,
    /// call again to go on) or the body ends (`Ok(ControlFlow::Continue(()))`).
    /// Events handed to `f` are consumed even when `Pending` follows.
    fn poll_for_each<F>(
        &mut self,
        cx: &mut Context<'_>,
        f: &mut F,
    ) -> Poll<Result<ControlFlow<()>, Self::Error>>
    where
        F: FnMut(Event<'_>) -> ControlFlow<()>;

    /// The decoder (its format and offset).
    fn decoder(&self) -> &Decoder;
}

/// Reads only the rows of the primary result tables, asynchronously, while
/// keeping every error the response reports: the async
/// [`crate::primary::PrimaryReader`].
///
/// Three ways to read, all cancellation-safe:
/// - [`AsyncPrimaryReader::read_all`]: every row as a `T`, or
///   [`PartialRows`] (the rows and every error) when the response is not
///   clean: a partial failure cannot go unnoticed.
/// - [`AsyncPrimaryReader::rows`] / [`AsyncPrimaryReader::into_rows`] /
///   [`AsyncPrimaryReader::next_row`]: a `Stream` of `Result<T, RowsError>`,
///   the errors the response reports inline, in order of arrival.
/// - [`AsyncPrimaryReader::for_each_row`]: rows borrowed from the decoder.
///
/// Errors of the byte source ([`RowsError::Read`]) are the source's own
/// (e.g. [`crate::stream::StreamError`]: transport or decode).
///
/// Over a tokio reader (feature `tokio`; a futures-io one is the same with
/// [`crate::futures::EventStream`]):
///
/// ```
/// # #[cfg(feature = "tokio")] {
/// use core::ops::ControlFlow;
/// use kusto_frames_io::async_primary::AsyncPrimaryReader;
/// use kusto_frames_io::tokio::EventStream;
///
/// let body: &[u8] = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
/// {"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"T",
///  "Columns":[{"ColumnName":"name","ColumnType":"string"}],"Rows":[["a"],["b"]]},
/// {"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
/// # let block_on = |f| tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f);
/// let mut reader = AsyncPrimaryReader::new(EventStream::from_read_with_capacity(16, body));
/// let mut names = String::new();
/// // Rows borrowed from the decoder: no allocation per row.
/// let flow = block_on(reader.for_each_row(|row| {
///     if let Ok(row) = row {
///         names.push_str(row.cell(0).unwrap().text());
///     }
///     ControlFlow::Continue(())
/// }))?;
/// assert!(flow.is_continue());
/// assert_eq!(names, "ab");
/// assert!(reader.errors().is_empty());
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct AsyncPrimaryReader<S> {
    source: S,
    state: PrimaryState,
}

#[cfg(feature = "stream")]
impl<St, B, E> AsyncPrimaryReader<crate::stream::EventStream<St>>
where
    St: Stream<Item = Result<B, E>>,
    B: bytes::Buf,
{
    /// Reads the primary rows of a `Stream` of byte chunks (e.g. reqwest's
    /// `Response::bytes_stream()`).
    pub fn from_stream(stream: St) -> Self {
        AsyncPrimaryReader::new(crate::stream::EventStream::new(stream))
    }
}

impl<S: PollEvents> AsyncPrimaryReader<S> {
    /// Reads the primary rows of `source`'s response (from its next event
    /// on).
    pub fn new(source: S) -> Self {
        AsyncPrimaryReader::with_filter(source, PrimaryFilter::new())
    }

    /// Reads with `filter` (for its table limit).
    pub fn with_filter(source: S, filter: PrimaryFilter) -> Self {
        AsyncPrimaryReader {
            source,
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
    pub fn secondary(&self) -> &crate::secondary::Secondary {
        self.state.secondary()
    }

    /// The event source.
    pub fn get_ref(&self) -> &S {
        &self.source
    }

    /// The event source.
    pub fn into_inner(self) -> S {
        self.source
    }

    /// Polls for the next primary row as a `T`, or the next error the
    /// response reported; `None` after the last.
    pub fn poll_next_row<T: DeserializeOwned>(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<T, RowsError<S::Error>>>> {
        if let Some(item) = self.state.ready() {
            return Poll::Ready(item);
        }
        let (state, mut out) = (&mut self.state, None);
        // `on_event` breaks as soon as it sets `out`, so `Pending` comes
        // with `out` empty: nothing is lost when this poll is the last.
        let r = ready!(self
            .source
            .poll_for_each(cx, &mut |ev| state.on_event(ev, &mut out)));
        let offset = self.source.decoder().offset();
        Poll::Ready(self.state.after(r, out, offset))
    }

    /// The next primary row as a `T`, or the next error the response
    /// reported (in order of arrival); `None` after the last.
    /// Cancellation-safe.
    pub async fn next_row<T: DeserializeOwned>(
        &mut self,
    ) -> Option<Result<T, RowsError<S::Error>>> {
        poll_fn(|cx| self.poll_next_row(cx)).await
    }

    /// Every primary row as a `T` when the response is clean; otherwise
    /// [`PartialRows`]: the rows read and every error (reported by the
    /// response, rows that did not fit, a read error last), nothing dropped.
    /// Cancellation-safe: the rows read before a drop are lost with the
    /// future, but the reader goes on from where it stopped.
    pub async fn read_all<T: DeserializeOwned>(
        &mut self,
    ) -> Result<Vec<T>, PartialRows<T, S::Error>> {
        let (mut rows, mut errors) = (Vec::new(), Vec::new());
        while let Some(item) = self.next_row().await {
            PartialRows::gather(&mut rows, &mut errors, item);
        }
        PartialRows::result(rows, errors)
    }

    /// A `Stream` of [`AsyncPrimaryReader::next_row`]'s items, borrowing
    /// the reader.
    pub fn rows<T: DeserializeOwned>(&mut self) -> RowStream<&mut Self, T> {
        RowStream {
            reader: self,
            _t: PhantomData,
        }
    }

    /// A `Stream` of [`AsyncPrimaryReader::next_row`]'s items, owning the
    /// reader (to return from a function, or spawn).
    pub fn into_rows<T: DeserializeOwned>(self) -> RowStream<Self, T> {
        RowStream {
            reader: self,
            _t: PhantomData,
        }
    }

    /// Hands each primary row, or object in place of a primary row (a
    /// partial failure, `Err`), to `f`, borrowed. `Ok(ControlFlow::Continue(()))`
    /// after a clean end, `Ok(ControlFlow::Break(()))` when `f` broke (call
    /// again to go on). Errors reported elsewhere are in
    /// [`AsyncPrimaryReader::errors`]. Cancellation-safe.
    pub async fn for_each_row<F>(
        &mut self,
        mut f: F,
    ) -> Result<ControlFlow<()>, RowsError<S::Error>>
    where
        F: FnMut(Result<Row<'_>, RowError<'_>>) -> ControlFlow<()>,
    {
        poll_fn(|cx| {
            let (state, mut limit) = (&mut self.state, None);
            let r = ready!(self.source.poll_for_each(cx, &mut |ev| state
                .on_event_borrowed(ev, &mut f, &mut limit)));
            let offset = self.source.decoder().offset();
            Poll::Ready(self.state.after_borrowed(r, limit, offset))
        })
        .await
    }
}

/// A `Stream` of primary rows as `T` (see [`AsyncPrimaryReader::rows`]);
/// `R` is the reader or a `&mut` to it.
#[derive(Debug)]
pub struct RowStream<R, T> {
    reader: R,
    _t: PhantomData<fn() -> T>,
}

impl<R, T> RowStream<R, T> {
    /// The reader (for [`AsyncPrimaryReader::errors`]).
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// The reader.
    pub fn into_inner(self) -> R {
        self.reader
    }
}

impl<S, T> Stream for RowStream<&mut AsyncPrimaryReader<S>, T>
where
    S: PollEvents,
    T: DeserializeOwned,
{
    type Item = Result<T, RowsError<S::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().reader.poll_next_row(cx)
    }
}

impl<S, T> Stream for RowStream<AsyncPrimaryReader<S>, T>
where
    S: PollEvents + Unpin,
    T: DeserializeOwned,
{
    type Item = Result<T, RowsError<S::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().reader.poll_next_row(cx)
    }
}

/// A read failed part-way: the source's error, and what was collected
/// before it.
#[derive(Debug)]
pub struct CollectError<E> {
    /// The error.
    pub error: E,
    /// The dataset up to the error.
    pub partial: Box<Dataset>,
}

impl<E: core::fmt::Display> core::fmt::Display for CollectError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.error.fmt(f)
    }
}

impl<E: core::error::Error + 'static> core::error::Error for CollectError<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Reads a whole response from `source` into a [`Dataset`]: the async
/// [`crate::collect::collect`]. Check [`Dataset::is_clean`] (or
/// [`Dataset::errors`]) for the errors the response reported.
///
/// It owns `source`: dropping the future drops the source with what was
/// collected, so there is nothing left half-read.
///
/// ```
/// use kusto_frames_io::async_primary::collect;
/// use kusto_frames_io::stream::EventStream;
///
/// let body = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
/// {"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"T",
///  "Columns":[{"ColumnName":"x","ColumnType":"long"}],"Rows":[[1],[2]]},
/// {"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
/// let chunks = futures_util::stream::iter(body.chunks(3).map(Ok::<_, std::io::Error>));
/// # let block_on = |f| tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f);
/// let ds = block_on(collect(EventStream::new(chunks)))?;
/// assert!(ds.is_clean());
/// assert_eq!(ds.primary().next().unwrap().rows.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn collect<S: PollEvents>(mut source: S) -> Result<Dataset, CollectError<S::Error>> {
    let mut c = Collector::new();
    let r = poll_fn(|cx| {
        source.poll_for_each(cx, &mut |ev| {
            c.push(&ev);
            ControlFlow::Continue(())
        })
    })
    .await;
    c.set_format(source.decoder().format());
    match r {
        Ok(_) => Ok(c.finish()),
        Err(error) => Err(CollectError {
            error,
            partial: Box::new(c.finish()),
        }),
    }
}
