//! The fast path for the cells of an open row (see [`Lexer::fast_cells`]).

use super::*;

impl Lexer {
    /// Fast path for the cells of an open row (its `[` consumed, an outer
    /// capture active, no token in progress). Consumes whole cells
    /// (strings, numbers, literals, nested values the kernel takes) and
    /// their separators, through the same grammars as the token path,
    /// pushing their spans, and stops before anything else (a nested value
    /// near the chunk's end, a token cut by the row limit, any malformed
    /// input), leaving the lexer where the token path goes on: that path
    /// then takes over, so errors and their offsets are the same. A string
    /// the chunk's end cuts is handed to the token path with its progress.
    /// Returns the row's logical end when it consumed the row's `]`.
    ///
    /// With `join` (the decoder joins small chunks, see `Decoder::feed`),
    /// the rest of a row that the chunk's end cuts waits for the next
    /// chunk, up to [`ROW_HOLD`] bytes of it ([`Cells::Short`], `pos` at
    /// its first byte, the lexer as before it):
    /// * until a `]` that may end the row has arrived ([`may_end_row`]),
    ///   its bytes are only looked at for one;
    /// * then its cells are taken as if the row were whole: all of them,
    ///   or those before the first that the chunk's end cuts, the rest
    ///   waiting again;
    /// * when that takes no cell (the first is cut, or is one the fast
    ///   path leaves to the token path), the rest of the row is scanned
    ///   for its end as it arrives ([`row_end`], each byte once) and its
    ///   cells are taken once it is whole;
    /// * a row found whole after its cells stopped goes on with the token
    ///   path, as in place.
    ///
    /// A longer rest goes on in place: a cell whose bytes run to the
    /// chunk's end as a well-formed beginning of a cell (and are at most
    /// [`JOIN_TAIL`] long) is left alone ([`Cells::Short`], `pos` at its
    /// first byte, the lexer as before it), and scanned again, whole, once
    /// more bytes have been joined to it.
    pub(crate) fn fast_cells(
        &mut self,
        chunk: &[u8],
        pos: &mut usize,
        cells: &mut Vec<CellSpan>,
        max_cells: usize,
        join: bool,
    ) -> Cells {
        let lim = self.limit(chunk.len());
        let p = *pos;
        if !join || lim != chunk.len() || lim - p > ROW_HOLD {
            return self.take_cells(chunk, pos, cells, max_cells, join, false);
        }
        let c = chunk.get(..lim).unwrap_or(&[]);
        let abs = self.input.base + p as u64;
        if self.row.abs != abs {
            self.row = RowScan {
                trial: true,
                ..RowScan::at(abs)
            };
        }
        if self.row.trial {
            // Only a `]` can end the row: until one that may has arrived,
            // the rest of the row waits.
            let from = p + self.row.seen;
            self.row.seen = lim - p;
            if !may_end_row(c, from) {
                return Cells::Short;
            }
            if let Cells::Row(end) = self.take_cells(chunk, pos, cells, max_cells, false, true) {
                self.row = RowScan::NONE;
                return Cells::Row(end);
            }
            // It stopped at a cell (or a separator): `pos` and the lexer
            // are where the token path would go on.
            let q = *pos;
            self.row = RowScan::at(self.input.base + q as u64);
            if row_end(c, q, &mut self.row).is_some() {
                // The row is whole: what stopped the fast path is for the
                // token path.
                self.row = RowScan::NONE;
                return Cells::Stop;
            }
            if q != p {
                // Cut: the rest waits as the row did.
                self.row = RowScan {
                    seen: lim - q,
                    trial: true,
                    ..RowScan::at(self.row.abs)
                };
            }
            // Otherwise cut again at the same cell: the rest of the row is
            // scanned for its end as it arrives.
            return Cells::Short;
        }
        match row_end(c, p, &mut self.row) {
            Some(_) => {
                // The row is whole here: none of its cells is cut.
                self.row = RowScan::NONE;
                self.take_cells(chunk, pos, cells, max_cells, false, false)
            }
            None => Cells::Short,
        }
    }

    /// [`Lexer::fast_cells`] once it is decided whether the row is held:
    /// its cells from `*pos`. With `trial` (the row taken as if it were
    /// whole), a cell that the chunk's end cuts stops it as one that the
    /// fast path leaves to the token path does, the token path not started
    /// on it.
    #[inline(always)]
    fn take_cells(
        &mut self,
        chunk: &[u8],
        pos: &mut usize,
        cells: &mut Vec<CellSpan>,
        max_cells: usize,
        join: bool,
        trial: bool,
    ) -> Cells {
        let lim = self.limit(chunk.len());
        // Logical offset of chunk index p: p + off (p >= cap_chunk_start).
        let off = self
            .input
            .spill
            .len()
            .wrapping_sub(self.input.cap_chunk_start);
        // The bytes inside the limit.
        let c = chunk.get(..lim).unwrap_or(&[]);
        let mut p = *pos;
        // What the lexer expects when this path stops at a value: the
        // row's first cell may also be its `]`.
        let mut at_value = self.expect;
        match at_value {
            Expect::CommaOrEnd => match self.separator(c, p, pos) {
                Ok(q) => {
                    at_value = Expect::Value;
                    p = q;
                }
                Err(done) => return done,
            },
            Expect::ValueOrEnd => {
                p = skip_ws(c, p);
                if c.get(p) == Some(&b']') {
                    let t = self.close(TokKind::EndArr, p, pos);
                    return Cells::Row(t.end);
                }
            }
            _ => {}
        }
        // At a value (after `[` or `,`): one cell, then its separator.
        let expect = loop {
            p = skip_ws(c, p);
            let Some(&b) = c.get(p) else {
                break at_value;
            };
            if cells.len() >= max_cells {
                break at_value;
            }
            let mut unesc = None;
            // The chunk's end cuts this cell and its beginning is short
            // enough to scan again when joined to the next chunk.
            let join_here = || join && lim == chunk.len() && lim - p <= JOIN_TAIL;
            let end = match b {
                b'"' => {
                    let from = self.unesc.len();
                    match fast_string(chunk, p + 1, lim, Some(&mut self.unesc)) {
                        Ok((q, escaped)) => {
                            if escaped {
                                unesc = Some((from, self.unesc.len()));
                            }
                            Some((CellKind::String, q))
                        }
                        Err(StrStop::Cut { .. }) if join_here() => {
                            self.unesc.truncate(from);
                            return self.hold(at_value, pos, p);
                        }
                        Err(StrStop::Cut {
                            escaped,
                            run,
                            resume,
                        }) if lim == chunk.len() && !trial => {
                            // The chunk ends inside this string: the token
                            // path goes on from `resume`, without scanning
                            // the bytes before it again, and keeps what was
                            // unescaped up to `run`.
                            self.expect = at_value;
                            self.begin_token(p, TState::Str, false);
                            self.tok.escaped = escaped;
                            self.tok.resume = (resume < lim).then(|| resume.wrapping_add(off));
                            if escaped {
                                self.tok.unesc = Some((from, run.wrapping_add(off)));
                            } else {
                                self.unesc.truncate(from);
                            }
                            *pos = lim;
                            return Cells::Stop;
                        }
                        Err(_) => {
                            self.unesc.truncate(from);
                            None
                        }
                    }
                }
                b'-' | b'0'..=b'9' => fast_number(chunk, p, lim).map(|q| (CellKind::Number, q)),
                // Near the chunk's end a nested value is likely cut: the
                // token path then takes it (going on with
                // `fast_nested_rest`), rather than scanning it twice.
                b'{' | b'[' if lim - p < NESTED_NEAR_END && lim == chunk.len() && !trial => None,
                b'{' | b'[' => {
                    let room = self.nest.max.saturating_sub(self.nest.depth);
                    let kind = if b == b'{' {
                        CellKind::Object
                    } else {
                        CellKind::Array
                    };
                    fast_nested(chunk, p, lim, room).map(|q| (kind, q))
                }
                b't' | b'f' | b'n' => {
                    let kind = if b == b'n' {
                        CellKind::Null
                    } else {
                        CellKind::Bool
                    };
                    literal_end(c, p, b).map(|q| (kind, q))
                }
                _ => None,
            };
            let Some((kind, q)) = end else {
                if join_here() && scalar_runs_out(c, p, b) {
                    return self.hold(at_value, pos, p);
                }
                break at_value;
            };
            cells.push(CellSpan {
                start: p.wrapping_add(off),
                end: q.wrapping_add(off),
                kind,
                unesc,
            });
            match self.separator(c, q, pos) {
                Ok(next) => {
                    at_value = Expect::Value;
                    p = next;
                }
                Err(done) => return done,
            }
        };
        self.expect = expect;
        *pos = p;
        Cells::Stop
    }

    /// [`Lexer::fast_cells`] after a cell (or at the row's `,` or `]`), from
    /// `p` in `c`: `Ok` with the index after a `,`; the row's end when it
    /// consumes the `]`; otherwise [`Cells::Stop`] at the next byte, the
    /// whitespace before it consumed (the token path skips it as well),
    /// expecting `,` or `]` there.
    #[inline(always)]
    fn separator(&mut self, c: &[u8], p: usize, pos: &mut usize) -> Result<usize, Cells> {
        let p = skip_ws(c, p);
        match c.get(p) {
            Some(b',') => Ok(p + 1),
            Some(b']') => Err(Cells::Row(self.close(TokKind::EndArr, p, pos).end)),
            _ => {
                self.expect = Expect::CommaOrEnd;
                *pos = p;
                Err(Cells::Stop)
            }
        }
    }

    /// [`Lexer::fast_cells`] leaves the cell at `p`, cut by the chunk's end,
    /// for the next chunk: [`Cells::Short`], expecting `expect` there.
    fn hold(&mut self, expect: Expect, pos: &mut usize, p: usize) -> Cells {
        self.expect = expect;
        *pos = p;
        Cells::Short
    }

    /// Between rows (after a row of a `Rows` array): consumes `,` and the
    /// next row's `[` when both are here, returning the chunk index of the
    /// `[`; otherwise consumes nothing (the token path takes over, errors
    /// included).
    pub(crate) fn fast_next_row(&mut self, chunk: &[u8], pos: &mut usize) -> Option<usize> {
        if self.expect != Expect::CommaOrEnd
            || self.nest.depth >= self.nest.max
            || self.top_is_obj()
        {
            return None;
        }
        let lim = self.limit(chunk.len());
        let c = chunk.get(..lim)?;
        let comma = skip_ws(c, *pos);
        if c.get(comma) != Some(&b',') {
            return None;
        }
        let open = skip_ws(c, comma + 1);
        if c.get(open) != Some(&b'[') {
            return None;
        }
        // Cannot fail: the depth limit was checked above.
        let _ = self.push(false, open);
        self.expect = Expect::ValueOrEnd;
        *pos = open + 1;
        Some(open)
    }

    /// Fast path inside a nested row cell (an object or array whose first
    /// bytes came token by token, typically because a chunk cut it), with no
    /// token in progress: consumes whole clean tokens with the lexer's own
    /// container state until the container at depth `floor + 1` closes,
    /// returning the logical end of its closing bracket. Stops, leaving the
    /// lexer between tokens for the token path, at anything else (a token
    /// cut by the chunk or the limit, the depth limit, malformed input).
    pub(crate) fn fast_nested_rest(
        &mut self,
        chunk: &[u8],
        pos: &mut usize,
        floor: u32,
    ) -> Option<usize> {
        let lim = self.limit(chunk.len());
        let c = chunk.get(..lim).unwrap_or(&[]);
        let mut p = *pos;
        let r = loop {
            p = skip_ws(c, p);
            let Some(&b) = c.get(p) else {
                break None;
            };
            // The structural grammar; the cell's tokens through the
            // grammars of their kinds.
            match self.structure(b, p) {
                Ok(Shift::Open(_)) => p += 1,
                Ok(Shift::Close(_)) => {
                    if self.nest.depth <= floor {
                        break None;
                    }
                    self.nest.depth -= 1;
                    self.after_value();
                    p += 1;
                    if self.nest.depth == floor {
                        break Some(self.input.logical(p));
                    }
                }
                Ok(Shift::Separator) => p += 1,
                Ok(Shift::Scalar { key: true }) => {
                    let Ok((q, _)) = fast_string(c, p + 1, lim, None) else {
                        break None;
                    };
                    self.expect = Expect::Colon;
                    p = q;
                }
                Ok(Shift::Scalar { key: false }) => {
                    let Some(q) = scalar_end(c, p, b) else {
                        break None;
                    };
                    self.after_value();
                    p = q;
                }
                Err(_) => break None,
            }
        };
        *pos = p;
        r
    }
}

/// What [`Lexer::fast_cells`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cells {
    /// It consumed the row's `]`: the row's logical end.
    Row(usize),
    /// It stopped where the token path goes on.
    Stop,
    /// (Joining only.) It stopped at a cell cut by the chunk's end, which
    /// waits for more bytes.
    Short,
}

/// The longest beginning of a cut cell that [`Lexer::fast_cells`] leaves for
/// the next chunk when joining (longer ones go on token by token, rather
/// than being scanned again and again).
pub(crate) const JOIN_TAIL: usize = 32;

/// `true` when `c[p..]` (all the bytes up to the limit), a number or a
/// literal beginning with `first`, is a well-formed beginning that more
/// bytes could complete: a number whose grammar ran out of bytes, or ended
/// with them (its end is known only from the byte after it), or a proper
/// beginning of `true`, `false` or `null`.
#[inline(never)]
pub(super) fn scalar_runs_out(c: &[u8], p: usize, first: u8) -> bool {
    let lim = c.len();
    match (literal_kind(first), first) {
        (Some(kind), _) => matches!(literal(c, p, lim, kind, 0), Step::More(_)),
        (None, b'-' | b'0'..=b'9') => matches!(number(c, p, lim, Num::Start), Step::More(_)),
        (None, _) => false,
    }
}

/// How close to the chunk's end a nested cell starts for the fast path to
/// leave it to the token path (see [`Lexer::fast_cells`]).
pub(super) const NESTED_NEAR_END: usize = 128;

/// How many bytes of the rest of a row cut by the end of a joined chunk are
/// held back for the next chunk (see [`Lexer::fast_cells`]); past that, the
/// row's whole cells are taken at once. With the join buffer's compaction
/// ([`Input::compact`]), rows that short keep the buffer within 8 KiB (a
/// longer row is kept whole in it, as it would be in the spill).
pub(crate) const ROW_HOLD: usize = 2048;
