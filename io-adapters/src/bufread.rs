//! Events from a [`std::io::BufRead`] (or a [`std::io::Read`], wrapped in a
//! [`BufReader`]).

use core::ops::ControlFlow;
use std::io::{self, BufRead, BufReader, Read};

use kusto_frames::{Decoder, Event, OwnedEvent};

use crate::pump::Pump;
use crate::ReadError;

/// The buffer size [`EventReader::from_read`] uses: 64 KiB.
pub const DEFAULT_BUFFER_SIZE: usize = 64 * 1024;

/// Decodes a response body from a [`BufRead`].
///
/// The reader's own buffer is fed to the decoder as is: rows and cells that
/// lie inside it are handed out without a copy. Nothing is read beyond what
/// the reader's `fill_buf` returns, and input is consumed only up to the last
/// event handed out, so stopping early loses nothing.
///
/// Three ways to read:
/// - [`EventReader::for_each`]: a callback per borrowed [`Event`], which may
///   stop with [`ControlFlow::Break`] and resume with another call;
/// - an [`Iterator`] of owned events ([`OwnedEvent`]): [`EventReader::events`],
///   or the reader itself through [`IntoIterator`];
/// - [`crate::primary::PrimaryReader`] and [`crate::collect::collect`],
///   built on the callback.
///
/// ```
/// use core::ops::ControlFlow;
/// use kusto_frames::Event;
/// use kusto_frames_io::EventReader;
///
/// let body: &[u8] = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
/// {"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","TableName":"T",
///  "Columns":[{"ColumnName":"x","ColumnType":"long"}],"Rows":[[1],[2]]},
/// {"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
/// let mut reader = EventReader::from_read_with_capacity(16, body);
/// let mut sum = 0;
/// reader.for_each(|ev| {
///     if let Event::Row(row) = ev {
///         sum += row.cell(0).unwrap().raw().parse::<i64>().unwrap();
///     }
///     ControlFlow::Continue(())
/// })?;
/// assert_eq!(sum, 3);
/// # Ok::<(), kusto_frames_io::ReadError>(())
/// ```
#[derive(Debug)]
pub struct EventReader<R> {
    inner: R,
    pump: Pump,
}

impl<R: Read> EventReader<BufReader<R>> {
    /// Wraps a plain reader in a [`BufReader`] of [`DEFAULT_BUFFER_SIZE`].
    pub fn from_read(reader: R) -> Self {
        EventReader::from_read_with_capacity(DEFAULT_BUFFER_SIZE, reader)
    }

    /// Wraps a plain reader in a [`BufReader`] of `capacity` bytes (at
    /// least 1): each read feeds at most that many bytes to the decoder.
    pub fn from_read_with_capacity(capacity: usize, reader: R) -> Self {
        EventReader::new(BufReader::with_capacity(capacity.max(1), reader))
    }
}

impl<R: BufRead> EventReader<R> {
    /// Decodes from `reader` with a default [`Decoder`].
    pub fn new(reader: R) -> Self {
        EventReader::with_decoder(reader, Decoder::new())
    }

    /// Decodes from `reader` with `decoder` (for its limits).
    pub fn with_decoder(reader: R, decoder: Decoder) -> Self {
        EventReader {
            inner: reader,
            pump: Pump::new(decoder),
        }
    }

    /// Hands every event to `f`, borrowed from the reader's buffer or the
    /// decoder.
    ///
    /// Returns `Ok(ControlFlow::Continue(()))` once the body ended cleanly
    /// (the decoder's `finish` passed), `Ok(ControlFlow::Break(()))` when `f`
    /// broke: call `for_each` again to go on from the next event. A read
    /// error leaves the decoder as it was; a decode error is sticky.
    pub fn for_each<F>(&mut self, mut f: F) -> Result<ControlFlow<()>, ReadError>
    where
        F: FnMut(Event<'_>) -> ControlFlow<()>,
    {
        if self.pump.done {
            return self
                .pump
                .finish()
                .map(|_| ControlFlow::Continue(()))
                .map_err(Into::into);
        }
        loop {
            if self.pump.needs_flush() {
                let step = self.pump.drain(&[], &mut f);
                if step.result? {
                    return Ok(ControlFlow::Break(()));
                }
            }
            let buf = fill(&mut self.inner)?;
            if buf.is_empty() {
                if self.pump.finish()? {
                    return Ok(ControlFlow::Continue(()));
                }
                continue;
            }
            let step = self.pump.drain(buf, &mut f);
            self.inner.consume(step.consumed);
            if step.result? {
                return Ok(ControlFlow::Break(()));
            }
        }
    }

    /// The next event, owned; `Ok(None)` once the body ended cleanly.
    pub fn next_owned(&mut self) -> Result<Option<OwnedEvent>, ReadError> {
        if self.pump.done {
            return self.pump.finish().map(|_| None).map_err(Into::into);
        }
        loop {
            if self.pump.needs_flush() {
                if let Some(ev) = self.pump.owned(&[]).result? {
                    return Ok(Some(ev));
                }
            }
            let buf = fill(&mut self.inner)?;
            if buf.is_empty() {
                if self.pump.finish()? {
                    return Ok(None);
                }
                continue;
            }
            let step = self.pump.owned(buf);
            self.inner.consume(step.consumed);
            if let Some(ev) = step.result? {
                return Ok(Some(ev));
            }
        }
    }

    /// Reads to the end and returns every event, owned.
    pub fn read_to_end(&mut self) -> Result<Vec<OwnedEvent>, ReadError> {
        let mut out = Vec::new();
        // The callback never breaks: the flow is always `Continue`.
        let _flow = self.for_each(|ev| {
            out.push(ev.to_owned());
            ControlFlow::Continue(())
        })?;
        Ok(out)
    }

    /// The decoder (its format and offset).
    pub fn decoder(&self) -> &Decoder {
        &self.pump.dec
    }

    /// The reader.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The reader. Reading from it directly desynchronizes the decoder.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The reader; its buffer still holds the input not yet decoded.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

/// `fill_buf`, retried on `Interrupted`.
fn fill<R: BufRead>(r: &mut R) -> Result<&[u8], ReadError> {
    // The borrow checker cannot see that the retry arm ends the borrow, so
    // probe first: at the end of input answer without a second call (which
    // would read again); otherwise the data is buffered and the second call
    // returns it without reading.
    loop {
        match r.fill_buf() {
            Ok([]) => return Ok(&[]),
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
    r.fill_buf().map_err(ReadError::Io)
}

/// Iterator of owned events, borrowing the reader; see [`EventReader::events`].
#[derive(Debug)]
pub struct Events<'r, R>(&'r mut EventReader<R>);

/// Iterator of owned events, owning the reader; see [`EventReader::into_iter`].
#[derive(Debug)]
pub struct IntoEvents<R>(EventReader<R>);

impl<R: BufRead> EventReader<R> {
    /// The owned events as an iterator (see [`Events`]).
    pub fn events(&mut self) -> Events<'_, R> {
        Events(self)
    }

    fn next_item(&mut self) -> Option<Result<OwnedEvent, ReadError>> {
        if self.pump.done {
            return None;
        }
        self.next_owned().transpose()
    }
}

/// Yields the owned events; a clean end of the body gives `None`. A decode
/// error (`Some(Err(_))`) ends the iteration; after a read error the next
/// call reads again.
impl<R: BufRead> Iterator for Events<'_, R> {
    type Item = Result<OwnedEvent, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next_item()
    }
}

/// Like [`Events`].
impl<R: BufRead> Iterator for IntoEvents<R> {
    type Item = Result<OwnedEvent, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next_item()
    }
}

impl<R: BufRead> IntoIterator for EventReader<R> {
    type Item = Result<OwnedEvent, ReadError>;
    type IntoIter = IntoEvents<R>;

    /// The owned events: `for ev in reader { let ev = ev?; ... }`.
    fn into_iter(self) -> IntoEvents<R> {
        IntoEvents(self)
    }
}
