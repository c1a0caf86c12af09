//! Events from a `Stream` of byte chunks: what HTTP clients hand out as a
//! response body (reqwest's `Response::bytes_stream()`, http-body-util's
//! `BodyStream` mapped to its data frames, hyper's body, ...).
//!
//! [`EventStream`] takes a `Stream<Item = Result<B, E>>` whose chunks are
//! `B: bytes::Buf` (`Bytes`, `&[u8]`, ...); [`EventStream::from_as_ref`]
//! takes chunks that are `AsRef<[u8]>` (`Vec<u8>`, `String`, ...). It needs
//! only `futures-core` and `bytes` (feature `stream`), no runtime.
//!
//! The stream's own errors (`E`) and decode errors stay apart
//! ([`StreamError`]). For rows into your types, wrap it in
//! [`crate::async_primary::AsyncPrimaryReader`]; for the whole response,
//! [`crate::async_primary::collect`].
//!
//! ```
//! use futures_util::StreamExt;
//! use kusto_frames::OwnedEvent;
//! use kusto_frames_io::stream::EventStream;
//!
//! let body = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
//! {"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
//! // Chunks as an HTTP client hands them out.
//! let chunks = futures_util::stream::iter(body.chunks(5).map(Ok::<_, std::io::Error>));
//! # let block_on = |f| tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f);
//! // Any executor: tokio, futures::executor::block_on, smol, ...
//! let events: Vec<_> = block_on(EventStream::new(chunks).collect());
//! assert_eq!(events.len(), 2);
//! assert!(matches!(events[1], Ok(OwnedEvent::DataSetCompletion { .. })));
//! ```

use core::fmt;
use core::future::poll_fn;
use core::ops::ControlFlow;
use core::pin::Pin;
use core::task::{ready, Context, Poll};

use bytes::Buf;
use futures_core::Stream;
use kusto_frames::{Decoder, Event, OwnedEvent};

use crate::pump::Pump;

/// An error from an [`EventStream`]: the stream's own error, or a decode
/// error. The two are never flattened into one another.
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamError<E> {
    /// The byte stream yielded an error (the transport's: a reset
    /// connection, a timeout, a bad gzip stream...). The decoder is
    /// untouched: polling again polls the stream again.
    Source(E),
    /// The body is malformed or truncated. Sticky: the stream is over.
    Decode(kusto_frames::Error),
}

impl<E> StreamError<E> {
    /// The decode error, if this is one.
    pub fn decode_error(&self) -> Option<kusto_frames::Error> {
        match self {
            StreamError::Decode(e) => Some(*e),
            StreamError::Source(_) => None,
        }
    }

    /// The stream's error, if this is one.
    pub fn source_error(&self) -> Option<&E> {
        match self {
            StreamError::Source(e) => Some(e),
            StreamError::Decode(_) => None,
        }
    }

    /// `true` when the body ended inside the response (the stream ended
    /// cleanly, the body did not).
    pub fn is_truncated(&self) -> bool {
        matches!(self, StreamError::Decode(e) if e.is_eof())
    }
}

impl<E: fmt::Display> fmt::Display for StreamError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Source(e) => write!(f, "body stream error: {e}"),
            StreamError::Decode(e) => write!(f, "{e}"),
        }
    }
}

impl<E: core::error::Error + 'static> core::error::Error for StreamError<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            StreamError::Source(e) => Some(e),
            StreamError::Decode(e) => Some(e),
        }
    }
}

impl<E> From<kusto_frames::Error> for StreamError<E> {
    fn from(e: kusto_frames::Error) -> Self {
        StreamError::Decode(e)
    }
}

/// Decodes a response body from a `Stream` of byte chunks.
///
/// Each chunk is fed to the decoder as it is (no copy, unless it is small:
/// see `DecoderConfig::join_chunks`). At most one chunk is held: the next
/// is polled only once the current one is decoded.
///
/// Cancellation-safe: every method keeps its state in the `EventStream`,
/// never in a future, so dropping a pending [`EventStream::next_event`],
/// [`EventStream::for_each_event`] or `Stream::poll_next` (in a `select!`,
/// or on a timeout) loses no input and no event; the next call goes on
/// where it stopped.
///
/// As a `Stream`, it yields `Ok(OwnedEvent)`s and ends (`None`) after a
/// clean end of the body, or right after yielding a decode error. An error
/// of the byte stream is yielded without ending (polling again polls the
/// byte stream again; most streams end after an error).
///
/// ```
/// use core::ops::ControlFlow;
/// use kusto_frames::Event;
/// use kusto_frames_io::stream::EventStream;
///
/// let body = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
/// {"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"T",
///  "Columns":[{"ColumnName":"x","ColumnType":"long"}],"Rows":[[1],[2]]},
/// {"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
/// // `Vec<u8>` chunks: `AsRef<[u8]>`.
/// let chunks = futures_util::stream::iter(body.chunks(4).map(|c| Ok::<_, std::io::Error>(c.to_vec())));
/// let mut events = EventStream::from_as_ref(chunks);
/// let mut sum = 0;
/// # let block_on = |f| tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f);
/// block_on(events.for_each_event(|ev| {
///     if let Event::Row(row) = ev {
///         if let Some(Ok(kusto_frames::value::Value::Long(x))) = row.value(0) {
///             sum += x;
///         }
///     }
///     ControlFlow::Continue(())
/// }))?;
/// assert_eq!(sum, 3);
/// # Ok::<(), kusto_frames_io::stream::StreamError<std::io::Error>>(())
/// ```
pub struct EventStream<S: Stream> {
    inner: Pin<Box<S>>,
    /// The chunk being decoded; its consumed part is advanced past.
    chunk: Option<S::Item>,
    /// The byte stream ended.
    eof: bool,
    pump: Pump,
}

// The byte stream is boxed and the chunk is never pinned.
impl<S: Stream> Unpin for EventStream<S> {}

impl<S: Stream> fmt::Debug for EventStream<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("eof", &self.eof)
            .field("pump", &self.pump)
            .finish_non_exhaustive()
    }
}

/// A chunk of a stream that is `AsRef<[u8]>`, as a [`Buf`].
#[derive(Debug, Clone)]
pub struct SliceBuf<T> {
    inner: T,
    pos: usize,
}

impl<T: AsRef<[u8]>> SliceBuf<T> {
    /// The whole of `inner`.
    pub fn new(inner: T) -> Self {
        SliceBuf { inner, pos: 0 }
    }
}

impl<T: AsRef<[u8]>> Buf for SliceBuf<T> {
    fn remaining(&self) -> usize {
        self.inner.as_ref().len().saturating_sub(self.pos)
    }

    fn chunk(&self) -> &[u8] {
        self.inner.as_ref().get(self.pos..).unwrap_or_default()
    }

    fn advance(&mut self, cnt: usize) {
        self.pos = self.pos.saturating_add(cnt).min(self.inner.as_ref().len());
    }
}

/// A stream of `AsRef<[u8]>` chunks as a stream of [`SliceBuf`]s (see
/// [`EventStream::from_as_ref`]).
#[derive(Debug)]
pub struct AsRefChunks<S>(Pin<Box<S>>);

impl<S, T, E> Stream for AsRefChunks<S>
where
    S: Stream<Item = Result<T, E>>,
    T: AsRef<[u8]>,
{
    type Item = Result<SliceBuf<T>, E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0
            .as_mut()
            .poll_next(cx)
            .map(|o| o.map(|r| r.map(SliceBuf::new)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<S, T, E> EventStream<AsRefChunks<S>>
where
    S: Stream<Item = Result<T, E>>,
    T: AsRef<[u8]>,
{
    /// Decodes a stream of chunks that are `AsRef<[u8]>` (`Vec<u8>`,
    /// `String`, `Box<[u8]>`, ...).
    pub fn from_as_ref(stream: S) -> Self {
        EventStream::new(AsRefChunks(Box::pin(stream)))
    }
}

impl<S, B, E> EventStream<S>
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
{
    /// Decodes `stream` with a default [`Decoder`].
    pub fn new(stream: S) -> Self {
        EventStream::with_decoder(stream, Decoder::new())
    }

    /// Decodes `stream` with `decoder` (for its limits).
    pub fn with_decoder(stream: S, decoder: Decoder) -> Self {
        EventStream {
            inner: Box::pin(stream),
            chunk: None,
            eof: false,
            pump: Pump::new(decoder),
        }
    }

    /// The decoder (its format and offset).
    pub fn decoder(&self) -> &Decoder {
        &self.pump.dec
    }

    /// Polls until the current chunk has bytes left (`Ok(true)`) or the
    /// stream ended (`Ok(false)`).
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Result<bool, E>> {
        loop {
            if self.eof {
                return Poll::Ready(Ok(false));
            }
            if let Some(Ok(b)) = &self.chunk {
                // A `Buf` whose `chunk` is empty is taken as used up, even
                // if it claims bytes remain (which would otherwise loop).
                if b.has_remaining() && !b.chunk().is_empty() {
                    return Poll::Ready(Ok(true));
                }
            }
            self.chunk = None;
            match ready!(self.inner.as_mut().poll_next(cx)) {
                Some(Ok(b)) => self.chunk = Some(Ok(b)),
                Some(Err(e)) => return Poll::Ready(Err(e)),
                None => self.eof = true,
            }
        }
    }

    /// Polls for the next owned event (what `Stream::poll_next` does).
    pub fn poll_next_event(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<OwnedEvent, StreamError<E>>>> {
        loop {
            if self.pump.done {
                return Poll::Ready(None);
            }
            if self.pump.needs_flush() {
                match self.pump.owned(&[]).result {
                    Ok(Some(ev)) => return Poll::Ready(Some(Ok(ev))),
                    Ok(None) => {}
                    Err(e) => return Poll::Ready(Some(Err(e.into()))),
                }
            }
            let more = match ready!(self.poll_chunk(cx)) {
                Ok(more) => more,
                Err(e) => return Poll::Ready(Some(Err(StreamError::Source(e)))),
            };
            if !more {
                match self.pump.finish() {
                    Ok(true) => return Poll::Ready(None),
                    Ok(false) => continue,
                    Err(e) => return Poll::Ready(Some(Err(e.into()))),
                }
            }
            let Some(b) = self.chunk.as_mut().and_then(|c| c.as_mut().ok()) else {
                continue;
            };
            let step = self.pump.owned(b.chunk());
            b.advance(step.consumed);
            match step.result {
                Ok(Some(ev)) => return Poll::Ready(Some(Ok(ev))),
                Ok(None) => {}
                Err(e) => return Poll::Ready(Some(Err(e.into()))),
            }
        }
    }

    /// The next owned event; `None` after the end of the body (or after a
    /// decode error was returned). Cancellation-safe.
    pub async fn next_event(&mut self) -> Option<Result<OwnedEvent, StreamError<E>>> {
        poll_fn(|cx| self.poll_next_event(cx)).await
    }

    /// Hands every event to `f`, borrowed from the current chunk or the
    /// decoder; `f` may stop with `ControlFlow::Break`.
    ///
    /// `Ok(ControlFlow::Continue(()))` after a clean end,
    /// `Ok(ControlFlow::Break(()))` when `f` broke (call again to go on).
    /// Cancellation-safe: events handed to `f` before the future is dropped
    /// are consumed; the next call starts after them.
    pub async fn for_each_event<F>(&mut self, mut f: F) -> Result<ControlFlow<()>, StreamError<E>>
    where
        F: FnMut(Event<'_>) -> ControlFlow<()>,
    {
        poll_fn(|cx| self.poll_for_each(cx, &mut f)).await
    }

    /// Polls [`EventStream::for_each_event`]'s work once.
    pub fn poll_for_each<F>(
        &mut self,
        cx: &mut Context<'_>,
        f: &mut F,
    ) -> Poll<Result<ControlFlow<()>, StreamError<E>>>
    where
        F: FnMut(Event<'_>) -> ControlFlow<()>,
    {
        if self.pump.done {
            let r = self.pump.finish();
            return Poll::Ready(r.map(|_| ControlFlow::Continue(())).map_err(Into::into));
        }
        loop {
            if self.pump.needs_flush() && self.pump.drain(&[], f).result? {
                return Poll::Ready(Ok(ControlFlow::Break(())));
            }
            let more = ready!(self.poll_chunk(cx)).map_err(StreamError::Source)?;
            if !more {
                if self.pump.finish()? {
                    return Poll::Ready(Ok(ControlFlow::Continue(())));
                }
                continue;
            }
            let pump = &mut self.pump;
            let Some(b) = self.chunk.as_mut().and_then(|c| c.as_mut().ok()) else {
                continue;
            };
            let step = pump.drain(b.chunk(), f);
            b.advance(step.consumed);
            if step.result? {
                return Poll::Ready(Ok(ControlFlow::Break(())));
            }
        }
    }

    /// The byte stream. Polling it directly desynchronizes the decoder.
    pub fn get_mut(&mut self) -> Pin<&mut S> {
        self.inner.as_mut()
    }
}

impl<S, B, E> Stream for EventStream<S>
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
{
    type Item = Result<OwnedEvent, StreamError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // `EventStream` is `Unpin`: the byte stream is boxed.
        self.get_mut().poll_next_event(cx)
    }
}

impl<S, B, E> futures_core::FusedStream for EventStream<S>
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
{
    fn is_terminated(&self) -> bool {
        self.pump.done
    }
}

impl<S, B, E> crate::async_primary::PollEvents for EventStream<S>
where
    S: Stream<Item = Result<B, E>>,
    B: Buf,
{
    type Error = StreamError<E>;

    fn poll_for_each<F>(
        &mut self,
        cx: &mut Context<'_>,
        f: &mut F,
    ) -> Poll<Result<ControlFlow<()>, StreamError<E>>>
    where
        F: FnMut(Event<'_>) -> ControlFlow<()>,
    {
        EventStream::poll_for_each(self, cx, f)
    }

    fn decoder(&self) -> &Decoder {
        &self.pump.dec
    }
}
