//! The async adapter body, shared by the tokio and futures-io modules: the
//! same fill → feed → drain → consume loop, with `poll_fill_buf`.

/// Generates `EventStream` over one runtime's `AsyncBufRead`.
macro_rules! event_stream {
    (
        runtime: $runtime:literal,
        buf_read: $AsyncBufRead:path,
        read: $AsyncRead:path,
        buf_reader: $BufReaderPath:path,
    ) => {
        use core::future::poll_fn;
        use core::ops::ControlFlow;
        use core::pin::Pin;
        use core::task::{ready, Context, Poll};
        use std::io;

        use kusto_frames::{Decoder, Event, OwnedEvent};

        use $AsyncBufRead as AsyncBufRead;
        use $AsyncRead as AsyncRead;
        use $BufReaderPath as BufReader;

        use crate::pump::Pump;
        use crate::{ReadError, DEFAULT_BUFFER_SIZE};

        #[doc = concat!("Decodes a response body from a ", $runtime, " `AsyncBufRead`.")]
        ///
        /// The reader's buffer is fed to the decoder as is. Nothing is read
        /// beyond one `poll_fill_buf`, and the input is consumed only up to
        /// the last event handed out.
        ///
        /// Cancellation-safe: every method keeps its state in the stream
        /// and the reader, never in a future, so dropping a pending
        /// [`EventStream::next_event`], [`EventStream::for_each_event`] or
        /// `Stream::poll_next` (in a `select!`, or on a timeout) loses no
        /// input and no event; the next call goes on where it stopped.
        ///
        /// As a `Stream`, it yields `Ok(OwnedEvent)`s and ends (`None`) after
        /// a clean end of the body, or right after yielding a decode error. A
        /// read error is yielded without ending the stream (polling again
        /// reads again).
        #[derive(Debug)]
        pub struct EventStream<R> {
            inner: R,
            pump: Pump,
        }

        impl<R: AsyncRead + Unpin> EventStream<BufReader<R>> {
            /// Wraps a plain reader in a buffered reader of
            /// [`DEFAULT_BUFFER_SIZE`](crate::DEFAULT_BUFFER_SIZE) bytes.
            pub fn from_read(reader: R) -> Self {
                EventStream::from_read_with_capacity(DEFAULT_BUFFER_SIZE, reader)
            }

            /// Wraps a plain reader in a buffered reader of `capacity`
            /// bytes (at least 1): the most read ahead of the decoder.
            pub fn from_read_with_capacity(capacity: usize, reader: R) -> Self {
                EventStream::new(BufReader::with_capacity(capacity.max(1), reader))
            }
        }

        impl<R: AsyncBufRead + Unpin> EventStream<R> {
            /// Decodes from `reader` with a default [`Decoder`].
            pub fn new(reader: R) -> Self {
                EventStream::with_decoder(reader, Decoder::new())
            }

            /// Decodes from `reader` with `decoder` (for its limits).
            pub fn with_decoder(reader: R, decoder: Decoder) -> Self {
                EventStream {
                    inner: reader,
                    pump: Pump::new(decoder),
                }
            }

            /// Polls for the next owned event (what `Stream::poll_next`
            /// does).
            pub fn poll_next_event(
                &mut self,
                cx: &mut Context<'_>,
            ) -> Poll<Option<Result<OwnedEvent, ReadError>>> {
                if self.pump.done {
                    return Poll::Ready(None);
                }
                loop {
                    if self.pump.needs_flush() {
                        match self.pump.owned(&[]).result {
                            Ok(Some(ev)) => return Poll::Ready(Some(Ok(ev))),
                            Ok(None) => {}
                            Err(e) => return Poll::Ready(Some(Err(e.into()))),
                        }
                    }
                    let buf = match ready!(Pin::new(&mut self.inner).poll_fill_buf(cx)) {
                        Ok(buf) => buf,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Poll::Ready(Some(Err(ReadError::Io(e)))),
                    };
                    if buf.is_empty() {
                        match self.pump.finish() {
                            Ok(true) => return Poll::Ready(None),
                            Ok(false) => continue,
                            Err(e) => return Poll::Ready(Some(Err(e.into()))),
                        }
                    }
                    let step = self.pump.owned(buf);
                    Pin::new(&mut self.inner).consume(step.consumed);
                    match step.result {
                        Ok(Some(ev)) => return Poll::Ready(Some(Ok(ev))),
                        Ok(None) => {}
                        Err(e) => return Poll::Ready(Some(Err(e.into()))),
                    }
                }
            }

            /// The next owned event; `None` after the end of the body (or
            /// after a decode error was returned). Cancellation-safe.
            pub async fn next_event(&mut self) -> Option<Result<OwnedEvent, ReadError>> {
                poll_fn(|cx| self.poll_next_event(cx)).await
            }

            /// Hands every event to `f`, borrowed from the reader's buffer or
            /// the decoder; `f` may stop with `ControlFlow::Break`. (Not
            /// named `for_each`: `StreamExt::for_each` would shadow it.)
            ///
            /// Returns like [`crate::EventReader::for_each`]:
            /// `Ok(ControlFlow::Continue(()))` after a clean end,
            /// `Ok(ControlFlow::Break(()))` when `f` broke (call again to go
            /// on). Cancellation-safe: events handed to `f` before the future
            /// is dropped are consumed; the next call starts after them.
            pub async fn for_each_event<F>(
                &mut self,
                mut f: F,
            ) -> Result<ControlFlow<()>, ReadError>
            where
                F: FnMut(Event<'_>) -> ControlFlow<()>,
            {
                poll_fn(|cx| self.poll_for_each(cx, &mut f)).await
            }

            fn poll_for_each<F>(
                &mut self,
                cx: &mut Context<'_>,
                f: &mut F,
            ) -> Poll<Result<ControlFlow<()>, ReadError>>
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
                    let buf = match ready!(Pin::new(&mut self.inner).poll_fill_buf(cx)) {
                        Ok(buf) => buf,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Poll::Ready(Err(ReadError::Io(e))),
                    };
                    if buf.is_empty() {
                        if self.pump.finish()? {
                            return Poll::Ready(Ok(ControlFlow::Continue(())));
                        }
                        continue;
                    }
                    let step = self.pump.drain(buf, f);
                    Pin::new(&mut self.inner).consume(step.consumed);
                    if step.result? {
                        return Poll::Ready(Ok(ControlFlow::Break(())));
                    }
                }
            }

            /// The decoder (its format and offset).
            pub fn decoder(&self) -> &Decoder {
                &self.pump.dec
            }

            /// The reader.
            pub fn get_ref(&self) -> &R {
                &self.inner
            }

            /// The reader. Reading from it directly desynchronizes the
            /// decoder.
            pub fn get_mut(&mut self) -> &mut R {
                &mut self.inner
            }

            /// The reader; its buffer still holds the input not yet decoded.
            pub fn into_inner(self) -> R {
                self.inner
            }
        }

        impl<R: AsyncBufRead + Unpin> futures_core::Stream for EventStream<R> {
            type Item = Result<OwnedEvent, ReadError>;

            fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
                self.get_mut().poll_next_event(cx)
            }
        }

        impl<R: AsyncBufRead + Unpin> crate::async_primary::PollEvents for EventStream<R> {
            type Error = ReadError;

            fn poll_for_each<F>(
                &mut self,
                cx: &mut Context<'_>,
                f: &mut F,
            ) -> Poll<Result<ControlFlow<()>, ReadError>>
            where
                F: FnMut(Event<'_>) -> ControlFlow<()>,
            {
                EventStream::poll_for_each(self, cx, f)
            }

            fn decoder(&self) -> &Decoder {
                &self.pump.dec
            }
        }

        impl<R: AsyncBufRead + Unpin> futures_core::FusedStream for EventStream<R> {
            fn is_terminated(&self) -> bool {
                self.pump.done
            }
        }
    };
}

pub(crate) use event_stream;
