//! The one loop body every adapter shares: feed a buffer, drain events,
//! report how much of the buffer was consumed. No parsing happens here.

use core::ops::ControlFlow;

use kusto_frames::{Decoder, Error, Event, OwnedEvent};

/// A decoder plus the bookkeeping an adapter needs between two fills.
#[derive(Debug)]
pub(crate) struct Pump {
    pub(crate) dec: Decoder,
    /// A feed was left before it returned `Ok(None)`: the decoder may hold
    /// an event that needs no more input. Drain it before blocking on a fill.
    flush: bool,
    /// `finish` was called, or decoding failed: the stream is over.
    pub(crate) done: bool,
    /// The input has ended: feeds drain `Decoder::finish` instead.
    ending: bool,
    /// The feed of `Decoder::finish` was drained to its clean end.
    ended: bool,
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
            ending: false,
            ended: false,
        }
    }

    /// `true` when an event may be ready without more input.
    pub(crate) fn needs_flush(&self) -> bool {
        self.flush
    }

    /// Feeds `buf` and returns its first event, owned.
    pub(crate) fn owned(&mut self, buf: &[u8]) -> Step<Option<OwnedEvent>> {
        let mut feed = if self.ending {
            self.dec.finish()
        } else {
            self.dec.feed(buf)
        };
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
        let mut feed = if self.ending {
            self.dec.finish()
        } else {
            self.dec.feed(buf)
        };
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
            Ok(stopped_early) => {
                self.flush = *stopped_early;
                self.ended = self.ending && !*stopped_early;
            }
            Err(_) => {
                self.flush = false;
                self.done = true;
            }
        }
    }

    /// The end of the input (`Decoder::finish`). `Ok(false)` until the
    /// events still due from what was fed are drained (`needs_flush` is
    /// set: drain, then call `finish` again; an error the end reveals comes
    /// from that drain); `Ok(true)` once the body ended cleanly.
    pub(crate) fn finish(&mut self) -> Result<bool, Error> {
        if self.ended {
            self.done = true;
            return Ok(true);
        }
        if self.done {
            // Decoding failed: the decoder's error again (it is sticky).
            return self.dec.finish().next_event().map(|_| true);
        }
        self.ending = true;
        self.flush = true;
        Ok(false)
    }
}
