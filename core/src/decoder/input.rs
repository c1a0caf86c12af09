//! Feeds: the body's first bytes, the end of the input, and [`Feed`],
//! which hands out the events. The bytes themselves (the chunk, the join
//! buffer, the spill) are kept by [`crate::lex::Input`].

use super::*;

/// What the end of the input found (see [`Decoder::end_input`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum End {
    /// The body is whole.
    Clean,
    /// Events are still to come from the bytes fed.
    Drain,
}

/// An event to build, and from which decoder (see [`Feed::next_emit`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Next {
    Main(Emit),
    Replay(Emit),
}

/// The first bytes of the body, looked at before it is decoded: a UTF-8
/// byte order mark is skipped, a compressed body is rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sniff {
    /// Nothing seen yet.
    Fresh,
    /// This many bytes of the byte order mark `EF BB BF` seen.
    Bom(u8),
    /// `1F`, the first gzip magic byte, seen.
    Gzip,
    /// `78`, the first byte of a zlib header, seen.
    Zlib,
    /// Decided: the rest goes to the lexer.
    Done,
}

/// What a feed decodes: the caller's chunk in place, or (`joined`) the join
/// buffer `acc` it was appended to.
#[inline(always)]
fn decoded<'a>(joined: bool, acc: &'a [u8], chunk: &'a [u8]) -> &'a [u8] {
    if joined {
        acc
    } else {
        chunk
    }
}

/// One chunk being decoded. Drain it with [`Feed::next_event`].
#[must_use = "drain it with next_event()"]
pub struct Feed<'d, 'c> {
    pub(super) dec: &'d mut Decoder,
    pub(super) chunk: &'c [u8],
    pub(super) pos: usize,
    pub(super) done: bool,
    /// The decoder's join buffer, lent while the feed lives (decoded
    /// instead of `chunk` when joined; see [`crate::lex::Input`]).
    pub(super) acc: Vec<u8>,
    /// The end of the input (see [`Decoder::finish`]).
    pub(super) end: bool,
}

impl Feed<'_, '_> {
    /// `Ok(Some(event))`: the next event. `Ok(None)`: the chunk is used up
    /// (a value in progress is kept in scratch); feed the next one. From the
    /// feed [`Decoder::finish`] returns, `Ok(None)` means the body was whole.
    pub fn next_event(&mut self) -> Result<Option<Event<'_>>, Error> {
        if self.end {
            return self.next_at_end();
        }
        if let Some(e) = self.dec.failed {
            return Err(e);
        }
        let dec = &mut *self.dec;
        let chunk = decoded(dec.lexer.input.joined, &self.acc, self.chunk);
        if dec.held.replay.is_some() {
            let lead = dec.held.replay.as_deref_mut().and_then(|r| r.lead.take());
            if let Some(e) = lead {
                return Ok(Some(dec.build(e, chunk)));
            }
            let mut emit = None;
            let mut deferred = None;
            if let Some(r) = dec.held.replay.as_deref_mut() {
                deferred = r.deferred;
                match r.dec.step(&r.bytes, &mut r.pos, &mut r.done, false) {
                    Ok(e) => emit = e,
                    Err(e) => return Err(dec.fail(e)),
                }
            }
            match emit {
                Some(e) => {
                    return match dec.held.replay.as_deref_mut() {
                        Some(r) => Ok(Some(r.dec.build_held(e, &r.bytes))),
                        None => Ok(None),
                    }
                }
                // All handed out: the frame's end event is pending, or
                // the error that cut the rows short.
                None => {
                    dec.held.replay = None;
                    if let Some(e) = deferred {
                        return Err(dec.fail(e));
                    }
                }
            }
        }
        let emit = match dec.pending.take() {
            Some(e) => e,
            None => {
                // Rows are held back only at the end of a small joined chunk.
                let hold = dec.lexer.input.joined
                    && !dec.lexer.input.hold_off
                    && self.chunk.len() <= dec.cfg.join_chunks;
                match dec.step(chunk, &mut self.pos, &mut self.done, hold) {
                    Ok(Some(e)) => e,
                    Ok(None) => return Ok(None),
                    Err(e) => {
                        self.done = true;
                        dec.salvaged(chunk, e)?
                    }
                }
            }
        };
        Ok(Some(dec.build(emit, chunk)))
    }

    /// [`Feed::next_event`] for the feed of [`Decoder::finish`]: the same
    /// steps, with the end of the input once the feed is used up. (Apart, so
    /// that every other feed keeps its one straight path.)
    #[cold]
    #[inline(never)]
    pub(super) fn next_at_end(&mut self) -> Result<Option<Event<'_>>, Error> {
        let next = self.next_emit()?;
        let dec = &mut *self.dec;
        let chunk = decoded(dec.lexer.input.joined, &self.acc, self.chunk);
        Ok(match next {
            None => None,
            Some(Next::Main(e)) => Some(dec.build(e, chunk)),
            Some(Next::Replay(e)) => match dec.held.replay.as_deref_mut() {
                Some(r) => Some(r.dec.build_held(e, &r.bytes)),
                None => None,
            },
        })
    }

    /// Decodes until the next event is known (it is built once the
    /// decoding has let go of its borrows), ending the input when the feed
    /// is used up.
    pub(super) fn next_emit(&mut self) -> Result<Option<Next>, Error> {
        if let Some(e) = self.dec.failed {
            return Err(e);
        }
        let dec = &mut *self.dec;
        let chunk = decoded(dec.lexer.input.joined, &self.acc, self.chunk);
        if let Some(r) = dec.held.replay.as_deref_mut() {
            if let Some(e) = r.lead.take() {
                return Ok(Some(Next::Main(e)));
            }
            let deferred = r.deferred;
            match r.dec.step(&r.bytes, &mut r.pos, &mut r.done, false) {
                Ok(Some(e)) => return Ok(Some(Next::Replay(e))),
                Ok(None) => {}
                Err(e) => return Err(dec.fail(e)),
            }
            // All handed out: the frame's end event is pending, or the
            // error that cut the rows short.
            dec.held.replay = None;
            if let Some(e) = deferred {
                return Err(dec.fail(e));
            }
        }
        if let Some(e) = dec.pending.take() {
            return Ok(Some(Next::Main(e)));
        }
        // Rows are held back only at the end of a small joined chunk.
        let hold = dec.lexer.input.joined
            && !dec.lexer.input.hold_off
            && self.chunk.len() <= dec.cfg.join_chunks;
        match dec.step(chunk, &mut self.pos, &mut self.done, hold) {
            Ok(Some(e)) => Ok(Some(Next::Main(e))),
            Ok(None) => {
                if self.end_of_input()? {
                    self.next_emit()
                } else {
                    Ok(None)
                }
            }
            Err(e) => {
                self.done = true;
                dec.salvaged(chunk, e).map(|h| Some(Next::Main(h)))
            }
        }
    }

    /// The feed of [`Decoder::finish`] is drained: ends the input. `true`
    /// when events are still to come (the feed is re-armed to drain them).
    #[cold]
    #[inline(never)]
    pub(super) fn end_of_input(&mut self) -> Result<bool, Error> {
        // The buffer goes back for the end's checks, as at a drop.
        self.dec.lexer.input.acc = core::mem::take(&mut self.acc);
        let r = self.dec.end_input();
        self.acc = core::mem::take(&mut self.dec.lexer.input.acc);
        match r? {
            End::Clean => Ok(false),
            End::Drain => {
                // As a new empty feed would be.
                let capturing = self.dec.lexer.capturing();
                self.dec.lexer.input.compact(&mut self.acc, capturing);
                self.pos = self.dec.lexer.input.acc_pos;
                self.dec.lexer.input.joined = true;
                self.done = false;
                Ok(true)
            }
        }
    }

    /// Bytes of the chunk consumed so far. If the feed is dropped before
    /// `next_event` returned `Ok(None)`, feed `chunk[consumed()..]` next,
    /// even when that is empty: one token can complete two events (a frame
    /// without `Rows` gives its head and its end event), and the second
    /// waits for the next `next_event` (or comes out of the feed of
    /// [`Decoder::finish`]). A joined chunk
    /// (see [`DecoderConfig::join_chunks`]) is consumed whole at once: what
    /// is left of it is decoded on the next feed, even an empty one.
    pub fn consumed(&self) -> usize {
        if self.dec.lexer.input.joined {
            self.chunk.len()
        } else {
            self.pos
        }
    }
}

impl Drop for Feed<'_, '_> {
    #[inline]
    fn drop(&mut self) {
        if !self.done {
            let chunk = decoded(self.dec.lexer.input.joined, &self.acc, self.chunk);
            self.dec.lexer.stop(chunk, self.pos);
        }
        // The buffer goes back (with its allocation, even when empty).
        self.dec.lexer.input.acc = core::mem::take(&mut self.acc);
    }
}

impl Decoder {
    /// Feeds the next chunk of the body. Drain the returned [`Feed`].
    ///
    /// Chunks of at most [`DecoderConfig::join_chunks`] bytes (512 by
    /// default) are copied into the decoder and joined to what came before.
    #[inline]
    pub fn feed<'d, 'c>(&'d mut self, chunk: &'c [u8]) -> Feed<'d, 'c> {
        if self.body.sniff != Sniff::Done {
            let skip = self.sniff(chunk);
            if skip > 0 {
                return self.feed_skipping(chunk, skip);
            }
        }
        self.arm(chunk, 0)
    }

    /// [`Decoder::feed`] at the start of the body, when its first `skip`
    /// bytes of `chunk` are not decoded (a byte order mark, or bytes that
    /// decided an error; see [`Sniff`]). They still count in offsets.
    #[cold]
    #[inline(never)]
    pub(super) fn feed_skipping<'d, 'c>(
        &'d mut self,
        chunk: &'c [u8],
        skip: usize,
    ) -> Feed<'d, 'c> {
        self.arm(chunk, skip)
    }

    /// The feed of `chunk`, whose first `skip` bytes are not decoded (see
    /// [`Decoder::feed_skipping`]; 0 for every feed but the body's first):
    /// joined to the bytes before it, or decoded in place.
    #[inline(always)]
    fn arm<'d, 'c>(&'d mut self, chunk: &'c [u8], skip: usize) -> Feed<'d, 'c> {
        let capturing = self.lexer.capturing();
        let (acc, pos) = self
            .lexer
            .input
            .arm(chunk, skip, self.cfg.join_chunks, capturing);
        Feed {
            dec: self,
            chunk,
            pos,
            done: false,
            acc,
            end: false,
        }
    }

    /// Looks at the first bytes of the body (see [`Sniff`]); returns how
    /// many bytes of `chunk` to skip (a byte order mark, or bytes kept to
    /// decide). Sets `failed` for a compressed body, and for one that
    /// starts like a magic number but is not one (it starts with neither
    /// `[` nor `{` nor whitespace: it is not a response either way).
    #[cold]
    pub(super) fn sniff(&mut self, chunk: &[u8]) -> usize {
        const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];
        let mut used = 0;
        for &b in chunk {
            let (next, fail) = match self.body.sniff {
                Sniff::Fresh => match b {
                    0xEF => (Sniff::Bom(1), None),
                    0x1F => (Sniff::Gzip, None),
                    0x78 => (Sniff::Zlib, None),
                    _ => (Sniff::Done, None),
                },
                Sniff::Bom(n) if BOM.get(usize::from(n)) == Some(&b) => {
                    if n == 2 {
                        (Sniff::Done, None)
                    } else {
                        (Sniff::Bom(n + 1), None)
                    }
                }
                Sniff::Gzip if b == 0x8B => (Sniff::Done, Some(ErrorKind::GzipBody)),
                // The zlib headers of the usual compression levels with a
                // second byte that text does not have (`x^` could be text).
                Sniff::Zlib if matches!(b, 0x01 | 0x9C | 0xDA) => {
                    (Sniff::Done, Some(ErrorKind::ZlibBody))
                }
                _ => (Sniff::Done, Some(ErrorKind::NotAResponse)),
            };
            if self.body.sniff == Sniff::Fresh && next == Sniff::Done {
                // A first byte that starts no magic number: decoded as is.
                self.body.sniff = Sniff::Done;
                return 0;
            }
            self.body.sniff = next;
            used += 1;
            if let Some(kind) = fail {
                self.failed = Some(Error::new(kind, 0));
                return used;
            }
            if next == Sniff::Done {
                break;
            }
        }
        used
    }

    /// Ends the input: the returned [`Feed`] hands out the events still due
    /// from the bytes fed, then ends. Drain it as any other feed:
    /// [`Feed::next_event`] returns `Ok(None)` once a whole body was decoded,
    /// or `Err` with [`ErrorKind::UnexpectedEof`] when the body stopped
    /// inside a value, [`ErrorKind::MissingCompletion`] when a V2 body had no
    /// `DataSetCompletion` frame (or any other error the end reveals).
    ///
    /// The events it may still hand out: those of a feed dropped before it
    /// was drained, and in a malformed or truncated body a whole row held
    /// back (see [`DecoderConfig::join_chunks`]) or rows sent before their
    /// frame's kind (see [`DecoderConfig::max_held_rows_bytes`]); they come
    /// before the error. Calling `finish` again gives the same outcome.
    ///
    /// ```
    /// use kusto_frames::{Decoder, ErrorKind};
    /// let mut dec = Decoder::new();
    /// let mut feed = dec.feed(br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Ver"#);
    /// while feed.next_event()?.is_some() {}
    /// drop(feed);
    /// let mut end = dec.finish();
    /// let e = loop {
    ///     match end.next_event() {
    ///         Ok(Some(_event)) => {}
    ///         Ok(None) => unreachable!("the body was cut"),
    ///         Err(e) => break e,
    ///     }
    /// };
    /// assert_eq!(e.kind(), ErrorKind::UnexpectedEof);
    /// # Ok::<(), kusto_frames::Error>(())
    /// ```
    pub fn finish(&mut self) -> Feed<'_, 'static> {
        let mut feed = self.feed(&[]);
        feed.end = true;
        feed
    }

    /// The end of the input, once the last feed is drained (see
    /// [`Decoder::finish`]): [`End::Drain`] when events are still to come
    /// from the bytes fed (the feed is re-armed and drained again).
    #[cold]
    #[inline(never)]
    pub(super) fn end_input(&mut self) -> Result<End, Error> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        if self.pending.is_some() || self.held.replay.is_some() {
            return Ok(End::Drain);
        }
        if !matches!(self.body.sniff, Sniff::Done | Sniff::Fresh) {
            // The body is the first bytes of a magic number or byte order
            // mark, and nothing else.
            return Err(self.fail(Error::new(ErrorKind::NotAResponse, 0)));
        }
        if self.lexer.input.acc_pos < self.lexer.input.acc.len() {
            if !self.lexer.input.acc_cut {
                // A feed dropped before it was drained: like `pending`.
                return Ok(End::Drain);
            }
            if crate::lex::held_row_is_whole(&self.lexer.input.acc, self.lexer.input.acc_pos) {
                // A whole row held back: only a malformed body ends a row
                // where the decoder did not see that it may (see
                // `join_chunks`). The row's event comes first, then the
                // error: like `pending`, with nothing held any more.
                self.lexer.input.hold_off = true;
                return Ok(End::Drain);
            }
            // A row cut by the end of the body, held back (see
            // `join_chunks`): decoded now as it would have been without
            // holding it, for its first error, if any, before the end.
            self.lexer.input.hold_off = true;
            let mut feed = self.feed(&[]);
            let r = loop {
                match feed.next_event() {
                    // No event: the row is not whole, or it would not have
                    // been held.
                    Ok(Some(_)) => debug_assert!(false, "an event from a held row"),
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                }
            };
            drop(feed);
            self.lexer.input.hold_off = false;
            r?;
        }
        let mut acc = core::mem::take(&mut self.lexer.input.acc);
        let capturing = self.lexer.capturing();
        self.lexer.input.release(&mut acc, capturing);
        self.lexer.input.acc = acc;
        let r = self.lexer.at_eof().and_then(|()| {
            if self.body.format == Some(Format::V2) && !self.body.completion_seen {
                Err(Error::new(
                    ErrorKind::MissingCompletion,
                    self.lexer.input.base,
                ))
            } else {
                Ok(())
            }
        });
        if let Err(e) = r {
            if self.salvage(&[], e) {
                // The held rows come first, then the error.
                return Ok(End::Drain);
            }
            self.failed = Some(e);
        }
        r.map(|()| End::Clean)
    }

    /// The body failed with `e` (not a limit) while the frame's rows were
    /// being held (see [`Frame::rows_plan`]): the rows whole before the
    /// error are not lost.
    /// The frame's head event (as far as the frame has told) is made
    /// pending, then the rows, then `e`. `false` when no rows were held.
    #[cold]
    pub(super) fn salvage(&mut self, chunk: &[u8], e: Error) -> bool {
        // A limit is not the body's fault: what the decoder hands out must
        // not depend on where a limit cut it (a tighter limit only cuts
        // the same events shorter), and the head of a frame cut early
        // would say less than the same frame decoded further.
        if e.kind().is_limit() {
            return false;
        }
        let capturing = self.pos == Pos::Capture(Target::HeldRows);
        // Or the rows are all held, and the frame failed after them.
        let whole =
            self.frame.has_rows() && self.frame.head.is_none() && !self.held.bytes.is_empty();
        if !(capturing || whole) || self.held.replay.is_some() || self.frame.head.is_some() {
            return false;
        }
        let open = self.tables.is_open(self.frame.int(Prop::TableId));
        let h = match self.frame.kind(open) {
            _ if self.frame.v1 => Head::V1Table,
            FrameType::DataTable => Head::DataTable,
            FrameType::TableFragment => Head::Fragment,
            _ => return false,
        };
        if capturing {
            let lx = &self.lexer;
            let end =
                usize::try_from(e.offset().saturating_sub(lx.input.base)).unwrap_or(usize::MAX);
            let mut held = core::mem::take(&mut self.held.bytes);
            held.clear();
            held.extend_from_slice(&lx.input.spill);
            held.extend_from_slice(chunk.get(lx.input.cap_chunk_start..end).unwrap_or(&[]));
            self.held.bytes = held;
            self.held.abs = self.cap.abs;
            self.lexer.end_outer();
        }
        let head = self.set_head(h);
        self.start_replay(None);
        if let Some(r) = self.held.replay.as_deref_mut() {
            r.lead = Some(head);
            r.deferred = Some(e);
        }
        true
    }

    /// The body failed with `e`: the error, sticky, unless rows held
    /// before it come first (see [`Decoder::salvage`]); then the frame's
    /// head event, and the error waits behind the rows.
    #[cold]
    pub(super) fn salvaged(&mut self, chunk: &[u8], e: Error) -> Result<Emit, Error> {
        if !self.salvage(chunk, e) {
            return Err(self.fail(e));
        }
        match self.held.replay.as_deref_mut().and_then(|r| r.lead.take()) {
            Some(h) => Ok(h),
            None => Err(self.fail(e)),
        }
    }
}
