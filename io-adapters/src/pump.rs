//! The one loop body every adapter shares: feed a buffer, drain events,
//! report how much of the buffer was consumed. No parsing happens here.

use core::ops::ControlFlow;

use kusto_frames::{Decoder, Error, ErrorKind, Event, OwnedEvent};

/// A decoder plus the bookkeeping an adapter needs between two fills.
#[derive(Debug)]
pub(crate) struct Pump {
    pub(crate) dec: Decoder,
    /// A feed was left before it returned `Ok(None)`: the decoder may hold
    /// an event that needs no more input. Drain it before blocking on a fill.
    flush: bool,
    /// `finish` was called, or decoding failed: the stream is over.
    pub(crate) done: bool,
}

/// The outcome of one feed.
pub(crate) struct Step<T> {
    /// Bytes of the buffer to consume.
    pub(crate) consumed: usize,
    pub(crate) result: Result<T, Error>,
}

impl Pump {
    pub(crate) fn new(dec: Decoder) -> Self {
        Pump {
            dec,
            flush: false,
            done: false,
        }
    }

    /// `true` when an event may be ready without more input.
    pub(crate) fn needs_flush(&self) -> bool {
        self.flush
    }

    /// Feeds `buf` and returns its first event, owned.
    pub(crate) fn owned(&mut self, buf: &[u8]) -> Step<Option<OwnedEvent>> {
        let mut feed = self.dec.feed(buf);
        let result = match feed.next_event() {
            Ok(Some(ev)) => Ok(Some(ev.to_owned())),
            Ok(None) => Ok(None),
            Err(e) => Err(e),
        };
        let consumed = feed.consumed();
        drop(feed);
        self.after(&result.as_ref().map(Option::is_some));
        Step { consumed, result }
    }

    /// Feeds `buf` and hands every event to `f` until the buffer is used up
    /// (`Ok(false)`) or `f` breaks (`Ok(true)`).
    pub(crate) fn drain<F>(&mut self, buf: &[u8], f: &mut F) -> Step<bool>
    where
        F: FnMut(Event<'_>) -> ControlFlow<()>,
    {
        let mut feed = self.dec.feed(buf);
        let result = loop {
            match feed.next_event() {
                Ok(Some(ev)) => {
                    if f(ev).is_break() {
                        break Ok(true);
                    }
                }
                Ok(None) => break Ok(false),
                Err(e) => break Err(e),
            }
        };
        let consumed = feed.consumed();
        drop(feed);
        self.after(&result.as_ref().copied());
        Step { consumed, result }
    }

    fn after(&mut self, r: &Result<bool, &Error>) {
        match r {
            Ok(stopped_early) => self.flush = *stopped_early,
            Err(_) => {
                self.flush = false;
                self.done = true;
            }
        }
    }

    /// The end of the input: `Decoder::finish`. `Ok(false)` when events are
    /// still to come from what was fed (the decoder's `EventsPending`):
    /// drain (`needs_flush` is set), then finish again.
    pub(crate) fn finish(&mut self) -> Result<bool, Error> {
        match self.dec.finish() {
            Err(e) if e.kind() == ErrorKind::EventsPending => {
                self.flush = true;
                Ok(false)
            }
            r => {
                self.done = true;
                r.map(|()| true)
            }
        }
    }
}
