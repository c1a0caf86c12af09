//! A resumable JSON tokenizer that validates RFC 8259 as bytes arrive and
//! keeps the bytes of the value being captured (one token, or one row) when
//! it straddles chunks.
//!
//! The grammar is written once: the structure in [`Lexer::structure`],
//! strings in [`fast_string`], numbers in [`number`], literals in
//! [`literal`]. The token path and the fast paths ([`Lexer::fast_cells`],
//! [`Lexer::fast_nested_rest`]) call the same functions; the token path
//! resumes them where a chunk cut a token.
//!
//! Each byte of the body is scanned once, but for a few near a chunk's
//! end: a character or escape that the chunk cut (scanned again when it is
//! completed) and a cell held back for the next chunk. Token text is handed out as
//! *logical* offsets into the current capture: the capture's bytes are the
//! spill buffer (bytes from earlier chunks) followed by the current chunk
//! from `cap_chunk_start` on. A token that straddles the boundary is made
//! contiguous in the spill buffer when it completes, so a token's bytes are
//! always one slice.

use alloc::vec::Vec;

use crate::cell::CellKind;
use crate::error::{Error, ErrorKind};
use crate::event::CellSpan;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokKind {
    BeginObj,
    EndObj,
    BeginArr,
    EndArr,
    Str,
    Num,
    True,
    False,
    Null,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub(crate) kind: TokKind,
    /// Absolute offset of the token's first byte.
    pub(crate) abs: u64,
    /// Logical span in the capture (only meaningful for scalar tokens, and
    /// for structural tokens while an outer capture is active).
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// For strings with escapes, when unescaping was wanted: the span of the
    /// unescaped contents in the unescape buffer.
    pub(crate) unesc: Option<(usize, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Start,
    Value,
    ValueOrEnd,
    Key,
    KeyOrEnd,
    Colon,
    CommaOrEnd,
    Done,
}

/// The token in progress: each kind's state in its grammar ([`number`],
/// [`literal`]; a string's is [`TokenState::resume`]).
// A tag byte of its own: "no token in progress" is then one compare (the
// test runs between every two tokens), not a decode of a niche.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum TState {
    None,
    Str,
    Num(Num),
    Lit { kind: TokKind, i: u8 },
}

/// What a byte does in the structural grammar (see [`Lexer::structure`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shift {
    /// It opened a container: its token.
    Open(TokKind),
    /// It closes the innermost container (not yet closed): its token.
    Close(TokKind),
    /// A `,` or `:`, taken.
    Separator,
    /// A scalar starts here: an object's key, or a value.
    Scalar { key: bool },
}

const TRUE: &[u8] = b"true";
const FALSE: &[u8] = b"false";
const NULL: &[u8] = b"null";

/// Bytes that end the fast path of the string scanner.
const STR_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = i < 0x20 || i == b'"' as usize || i == b'\\' as usize || i >= 0x80;
        i += 1;
    }
    t
};

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// One bit (the high bit of the byte) per byte of `w` that ends the string
/// fast path: `"`, `\`, a control character, or a non-ASCII byte. Only the
/// lowest flagged byte is exact (borrows may flag bytes above it).
#[inline]
fn special_mask(w: u64) -> u64 {
    let quote = w ^ (LO * u64::from(b'"'));
    let bslash = w ^ (LO * u64::from(b'\\'));
    let has_zero = |v: u64| v.wrapping_sub(LO) & !v;
    let ctrl = w.wrapping_sub(LO * 0x20) & !w;
    (has_zero(quote) | has_zero(bslash) | ctrl | w) & HI
}

/// End of the run of whitespace at `p` in `c` (the bytes inside the limit).
/// The first test fails at once on any byte above a space.
#[inline(always)]
fn skip_ws(c: &[u8], mut p: usize) -> usize {
    while c.get(p).is_some_and(|&b| b <= b' ' && is_ws(b)) {
        p += 1;
    }
    p
}

#[inline]
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

pub(crate) struct Lexer {
    expect: Expect,
    nest: Nesting,
    tok: TokenState,
    /// The bytes read and kept: the chunk, the join buffer, the spill.
    pub(crate) input: Input,
    cap: CaptureLimit,
    // ---- unescaping ----
    pub(crate) unesc: Vec<u8>,
    /// Unescape strings with escapes as they complete.
    pub(crate) want_unesc: bool,
    /// How far the rest of the row held at the end of a joined buffer was
    /// scanned for its end.
    row: RowScan,
}

/// The open containers.
#[derive(Debug)]
struct Nesting {
    /// One bit per open container: 1 = object.
    stack: Vec<u64>,
    depth: u32,
    max: u32,
}

/// The token in progress.
#[derive(Debug)]
struct TokenState {
    state: TState,
    /// Where it starts: logical, absolute.
    start: usize,
    abs: u64,
    /// It is an object's key.
    key: bool,
    /// A string with an escape.
    escaped: bool,
    /// A string: where its scan goes on, when not where the next bytes
    /// come (the logical offset of a character or escape that a chunk's
    /// end cut).
    resume: Option<usize>,
    /// The string token in progress was unescaped by the fast path up to
    /// a cut: where its output starts in `unesc`, and the logical offset
    /// of the first byte not unescaped yet (the start of a plain run).
    unesc: Option<(usize, usize)>,
}

/// The limits of the value being captured.
#[derive(Debug)]
struct CaptureLimit {
    /// An outer capture (a whole row or value) is active.
    outer: bool,
    /// The error when the outer capture reaches its limit.
    limit_kind: ErrorKind,
    /// Absolute offset that the current capture must not reach.
    limit_abs: u64,
    /// The longest token.
    max_token: u64,
}

impl Lexer {
    pub(crate) fn new(max_depth: u32, max_token: u64) -> Self {
        Lexer {
            expect: Expect::Start,
            nest: Nesting {
                stack: Vec::new(),
                depth: 0,
                max: max_depth,
            },
            tok: TokenState {
                state: TState::None,
                start: 0,
                abs: 0,
                key: false,
                escaped: false,
                resume: None,
                unesc: None,
            },
            input: Input::new(),
            cap: CaptureLimit {
                outer: false,
                limit_kind: ErrorKind::RowTooLarge,
                limit_abs: u64::MAX,
                max_token,
            },
            unesc: Vec::new(),
            want_unesc: true,
            row: RowScan::NONE,
        }
    }

    pub(crate) fn depth(&self) -> u32 {
        self.nest.depth
    }

    pub(crate) fn capturing(&self) -> bool {
        self.cap.outer || self.tok.state != TState::None
    }

    /// Starts an outer capture whose first byte is at chunk index `p`.
    pub(crate) fn begin_outer(&mut self, p: usize, limit: u64, kind: ErrorKind) {
        self.input.begin_capture(p);
        self.unesc.clear();
        self.cap.outer = true;
        self.cap.limit_kind = kind;
        self.cap.limit_abs = (self.input.base + p as u64).saturating_add(limit);
    }

    pub(crate) fn end_outer(&mut self) {
        self.cap.outer = false;
        self.cap.limit_abs = u64::MAX;
    }

    /// See [`Input::end_chunk`] (the capture in progress is the lexer's).
    pub(crate) fn end_chunk(&mut self, chunk: &[u8], p: usize) {
        let capturing = self.capturing();
        self.input.end_chunk(chunk, p, capturing);
    }

    /// See [`Input::stop`].
    pub(crate) fn stop(&mut self, chunk: &[u8], p: usize) {
        let capturing = self.capturing();
        self.input.stop(chunk, p, capturing);
    }

    fn err(&self, kind: ErrorKind, p: usize) -> Error {
        Error::new(kind, self.input.base + p as u64)
    }

    fn push(&mut self, obj: bool, p: usize) -> Result<(), Error> {
        if self.nest.depth >= self.nest.max {
            return Err(self.err(ErrorKind::DepthLimit, p));
        }
        let word = (self.nest.depth / 64) as usize;
        let bit = 1u64 << (self.nest.depth % 64);
        if word >= self.nest.stack.len() {
            self.nest.stack.push(0);
        }
        if let Some(w) = self.nest.stack.get_mut(word) {
            if obj {
                *w |= bit;
            } else {
                *w &= !bit;
            }
        }
        self.nest.depth += 1;
        Ok(())
    }

    fn top_is_obj(&self) -> bool {
        if self.nest.depth == 0 {
            return false;
        }
        let d = self.nest.depth - 1;
        self.nest
            .stack
            .get((d / 64) as usize)
            .is_some_and(|w| w & (1u64 << (d % 64)) != 0)
    }

    fn after_value(&mut self) {
        self.expect = if self.nest.depth == 0 {
            Expect::Done
        } else {
            Expect::CommaOrEnd
        };
    }

    fn structural(&mut self, kind: TokKind, p: usize) -> Token {
        let start = if self.cap.outer {
            self.input.logical(p)
        } else {
            0
        };
        Token {
            kind,
            abs: self.input.base + p as u64,
            start,
            end: start + 1,
            unesc: None,
        }
    }

    fn begin_token(&mut self, p: usize, st: TState, key: bool) {
        if !self.cap.outer {
            self.input.begin_capture(p);
            self.unesc.clear();
            self.cap.limit_abs = (self.input.base + p as u64).saturating_add(self.cap.max_token);
        }
        self.tok.state = st;
        self.tok.start = self.input.logical(p);
        self.tok.abs = self.input.base + p as u64;
        self.tok.key = key;
        self.tok.escaped = false;
        self.tok.resume = None;
        self.tok.unesc = None;
    }

    /// Scan limit inside the chunk for the capture in progress.
    #[inline]
    fn limit(&self, len: usize) -> usize {
        if self.cap.limit_abs == u64::MAX {
            return len;
        }
        let rel = self.cap.limit_abs.saturating_sub(self.input.base);
        if rel < len as u64 {
            rel as usize
        } else {
            len
        }
    }

    fn limit_err(&self, p: usize) -> Error {
        let kind = if self.cap.outer {
            self.cap.limit_kind
        } else {
            ErrorKind::TokenTooLong
        };
        self.err(kind, p)
    }

    /// Next token from `chunk[*pos..]`. `Ok(None)`: the chunk is used up.
    pub(crate) fn next(&mut self, chunk: &[u8], pos: &mut usize) -> Result<Option<Token>, Error> {
        let len = chunk.len();
        let mut p = *pos;
        loop {
            if self.tok.state != TState::None {
                let lim = self.limit(len);
                let r = match self.tok.state {
                    TState::Str => self.scan_str(chunk, &mut p, lim),
                    TState::Num(n) => {
                        let step = number(chunk, p, lim, n);
                        self.scalar_step(chunk, &mut p, lim, TokKind::Num, step, TState::Num)
                    }
                    TState::Lit { kind, i } => {
                        let step = literal(chunk, p, lim, kind, i);
                        let state = |i| TState::Lit { kind, i };
                        self.scalar_step(chunk, &mut p, lim, kind, step, state)
                    }
                    TState::None => Ok(None),
                };
                match r {
                    Ok(Some(t)) => {
                        *pos = p;
                        return Ok(Some(t));
                    }
                    Ok(None) => {
                        *pos = p;
                        if p < len {
                            return Err(self.limit_err(p));
                        }
                        return Ok(None);
                    }
                    Err(e) => {
                        *pos = p;
                        return Err(e);
                    }
                }
            }
            let lim = if self.cap.outer { self.limit(len) } else { len };
            while p < lim && is_ws(chunk[p]) {
                p += 1;
            }
            if p >= lim {
                *pos = p;
                if p < len {
                    return Err(self.limit_err(p));
                }
                return Ok(None);
            }
            let b = chunk[p];
            match self.structure(b, p)? {
                Shift::Open(kind) => {
                    let t = self.structural(kind, p);
                    *pos = p + 1;
                    return Ok(Some(t));
                }
                Shift::Close(kind) => return Ok(Some(self.close(kind, p, pos))),
                Shift::Separator => p += 1,
                Shift::Scalar { key } => match b {
                    b'"' => {
                        self.begin_token(p, TState::Str, key);
                        p += 1;
                    }
                    _ => {
                        let st = match literal_kind(b) {
                            Some(kind) => TState::Lit { kind, i: 0 },
                            None => TState::Num(Num::Start),
                        };
                        self.begin_token(p, st, false);
                    }
                },
            }
        }
    }

    /// The structural grammar, the one definition that the token path and
    /// [`Lexer::fast_nested_rest`] use: what byte `b` at chunk index `p`
    /// (not whitespace) does where the lexer is. A container's opening
    /// is taken here (the depth limit checked first); a closing is only
    /// found valid (the caller closes it); a separator is taken; a scalar
    /// is left to its grammar. On `Err` nothing has changed.
    #[inline(always)]
    fn structure(&mut self, b: u8, p: usize) -> Result<Shift, Error> {
        let fail = |lx: &Lexer, kind| Err(lx.err(kind, p));
        match self.expect {
            Expect::Start | Expect::Value | Expect::ValueOrEnd => match b {
                b'{' | b'[' => {
                    let obj = b == b'{';
                    self.push(obj, p)?;
                    self.expect = if obj {
                        Expect::KeyOrEnd
                    } else {
                        Expect::ValueOrEnd
                    };
                    Ok(Shift::Open(if obj {
                        TokKind::BeginObj
                    } else {
                        TokKind::BeginArr
                    }))
                }
                _ if self.expect == Expect::Start => fail(self, ErrorKind::NotAResponse),
                b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => Ok(Shift::Scalar { key: false }),
                b']' if self.expect == Expect::ValueOrEnd => Ok(Shift::Close(TokKind::EndArr)),
                b']' | b'}' if self.nest.depth > 0 && self.expect == Expect::Value => {
                    fail(self, ErrorKind::TrailingComma)
                }
                _ => fail(self, ErrorKind::Syntax),
            },
            Expect::Key | Expect::KeyOrEnd => match b {
                b'"' => Ok(Shift::Scalar { key: true }),
                b'}' if self.expect == Expect::KeyOrEnd => Ok(Shift::Close(TokKind::EndObj)),
                b'}' => fail(self, ErrorKind::TrailingComma),
                _ => fail(self, ErrorKind::Syntax),
            },
            Expect::Colon if b == b':' => {
                self.expect = Expect::Value;
                Ok(Shift::Separator)
            }
            Expect::CommaOrEnd => match b {
                b',' => {
                    self.expect = if self.top_is_obj() {
                        Expect::Key
                    } else {
                        Expect::Value
                    };
                    Ok(Shift::Separator)
                }
                b']' if !self.top_is_obj() => Ok(Shift::Close(TokKind::EndArr)),
                b'}' if self.top_is_obj() => Ok(Shift::Close(TokKind::EndObj)),
                _ => fail(self, ErrorKind::Syntax),
            },
            Expect::Colon => fail(self, ErrorKind::Syntax),
            Expect::Done => fail(self, ErrorKind::TrailingData),
        }
    }

    fn close(&mut self, kind: TokKind, p: usize, pos: &mut usize) -> Token {
        self.nest.depth = self.nest.depth.saturating_sub(1);
        self.after_value();
        let t = self.structural(kind, p);
        *pos = p + 1;
        t
    }

    /// Completes the scalar token that ends at chunk index `q` (exclusive).
    fn finish_token(&mut self, chunk: &[u8], q: usize, kind: TokKind) -> Token {
        self.tok.state = TState::None;
        let start = self.tok.start;
        self.input.settle(chunk, start, q);
        let end = self.input.logical(q);
        let key = self.tok.key;
        if key {
            self.expect = Expect::Colon;
        } else {
            self.after_value();
        }
        let mut unesc = None;
        if kind == TokKind::Str && self.tok.escaped && self.want_unesc {
            // What the fast path unescaped before a cut is kept: the rest
            // from where it stopped.
            let (from, at) = self
                .tok
                .unesc
                .take()
                .unwrap_or((self.unesc.len(), start + 1));
            let s = self.input.spill.len();
            // The token is contiguous: in the spill, or in the chunk.
            if end <= s {
                unescape_into(
                    self.input.spill.get(at..end - 1).unwrap_or(&[]),
                    &mut self.unesc,
                );
            } else {
                let a = self.input.cap_chunk_start + at.saturating_sub(s);
                let b = self.input.cap_chunk_start + (end - s) - 1;
                unescape_into(chunk.get(a..b).unwrap_or(&[]), &mut self.unesc);
            }
            unesc = Some((from, self.unesc.len()));
        }
        Token {
            kind,
            abs: self.tok.abs,
            start,
            end,
            unesc,
        }
    }

    /// The string token in progress, from chunk index `*p`: [`fast_string`]
    /// (the grammar) over the chunk. A character or escape that the last
    /// chunk's end cut is first completed in the spill, where its bytes
    /// are: at most 12 bytes (the longest escape, a surrogate pair) are
    /// moved there from the chunk, the grammar runs over them, and those
    /// past what it took go back.
    fn scan_str(
        &mut self,
        chunk: &[u8],
        p: &mut usize,
        lim: usize,
    ) -> Result<Option<Token>, Error> {
        if let Some(r) = self.tok.resume.take() {
            if r >= self.input.spill.len() {
                // Its bytes are still in the chunk: scan again from there.
                *p = self.input.chunk_index(r);
            } else {
                self.input.settle(chunk, r, *p);
                let old = self.input.spill.len();
                let q = (*p + 12).min(lim).max(*p);
                self.input.settle(chunk, r, q);
                let end = self.input.spill.len();
                // Gives back the moved bytes from logical offset `k` on
                // (past the cut character or escape: the grammar took it).
                let back = |lx: &mut Lexer, k: usize| {
                    debug_assert!(k >= old && k <= end);
                    lx.input.spill.truncate(k);
                    lx.input.cap_chunk_start = lx
                        .input
                        .cap_chunk_start
                        .saturating_sub(end.saturating_sub(k));
                };
                match fast_string_rest(&self.input.spill, r, r, end, None) {
                    Ok((e, escaped)) => {
                        self.tok.escaped |= escaped;
                        back(self, e);
                        *p = self.input.cap_chunk_start;
                        return Ok(Some(self.finish_token(chunk, *p, TokKind::Str)));
                    }
                    Err(StrStop::Cut { resume, .. }) if resume < old => {
                        // Still cut: the chunk ran out first.
                        self.tok.resume = Some(resume);
                        *p = q;
                        return Ok(None);
                    }
                    Err(StrStop::Cut {
                        escaped, resume, ..
                    }) => {
                        self.tok.escaped |= escaped;
                        back(self, resume);
                        *p = self.input.cap_chunk_start;
                    }
                    Err(StrStop::Bad(kind, at)) => {
                        *p = self.input.cap_chunk_start;
                        let abs = self.tok.abs + (at - self.tok.start) as u64;
                        return Err(Error::new(kind, abs));
                    }
                }
            }
        }
        match fast_string(chunk, *p, lim, None) {
            Ok((q, escaped)) => {
                self.tok.escaped |= escaped;
                *p = q;
                Ok(Some(self.finish_token(chunk, q, TokKind::Str)))
            }
            Err(StrStop::Cut {
                escaped, resume, ..
            }) => {
                self.tok.escaped |= escaped;
                self.tok.resume = (resume < lim).then(|| self.input.logical(resume));
                *p = lim;
                Ok(None)
            }
            Err(StrStop::Bad(kind, at)) => {
                *p = at;
                Err(self.err(kind, at))
            }
        }
    }

    /// A number or literal token in progress after its grammar ([`number`],
    /// [`literal`]) ran from chunk index `*p` up to `lim`: the token when
    /// it ended, its next state (`state` of the grammar's) when the bytes
    /// ran out, or the fault.
    #[inline(always)]
    fn scalar_step<S>(
        &mut self,
        chunk: &[u8],
        p: &mut usize,
        lim: usize,
        kind: TokKind,
        step: Step<S>,
        state: impl FnOnce(S) -> TState,
    ) -> Result<Option<Token>, Error> {
        match step {
            Step::End(i) => {
                *p = i;
                Ok(Some(self.finish_token(chunk, i, kind)))
            }
            Step::More(s) => {
                self.tok.state = state(s);
                *p = lim.max(*p);
                Ok(None)
            }
            Step::Bad(kind, i) => {
                *p = i;
                Err(self.err(kind, i))
            }
        }
    }

    /// `true` when no token is in progress (the fast path may run).
    pub(crate) fn between_tokens(&self) -> bool {
        matches!(self.tok.state, TState::None)
    }

    /// At end of input: `Ok` only if the top-level value is complete.
    /// A number at the very end of the body completes here.
    pub(crate) fn at_eof(&self) -> Result<(), Error> {
        if self.expect == Expect::Done && self.tok.state == TState::None {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::UnexpectedEof, self.input.base))
        }
    }
}

mod cells;
mod input;
mod row_end;
mod scalar;
mod string;
#[cfg(test)]
mod tests;
mod whole;

pub(crate) use whole::each_token;

pub(crate) use cells::Cells;
#[cfg(test)]
pub(crate) use cells::ROW_HOLD;
pub(crate) use input::Input;
#[cfg(test)]
pub(crate) use input::COMPACT_MIN;

pub(crate) use row_end::held_row_is_whole;
use row_end::*;
use scalar::*;
pub(crate) use string::unescape_into;
use string::*;
