//! A resumable JSON tokenizer that validates RFC 8259 as bytes arrive and
//! keeps the bytes of the value being captured (one token, or one row) when
//! it straddles chunks.
//!
//! Every byte of the body is looked at once. Token text is handed out as
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Str {
    Normal,
    Esc,
    /// Reading `n` hex digits of a `\u` escape; `low` when this escape must
    /// be the low half of a surrogate pair.
    U {
        n: u8,
        acc: u16,
        low: bool,
    },
    /// After a high surrogate: a `\` must follow.
    AfterHigh,
    /// After a high surrogate and `\`: a `u` must follow.
    AfterHighEsc,
    /// Inside a multi-byte UTF-8 sequence: `need` continuation bytes remain,
    /// the next one must lie in `lo..=hi`.
    Utf8 {
        need: u8,
        lo: u8,
        hi: u8,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Num {
    Minus,
    Zero,
    Int,
    Dot,
    Frac,
    E,
    ESign,
    Exp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TState {
    None,
    Str(Str),
    Num(Num),
    Lit { kind: TokKind, i: u8 },
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
    /// One bit per open container: 1 = object.
    stack: Vec<u64>,
    depth: u32,
    max_depth: u32,
    tstate: TState,
    tok_start: usize,
    tok_abs: u64,
    tok_key: bool,
    escaped: bool,
    /// The string token in progress was unescaped by the fast path up to
    /// a cut: where its output starts in `unesc`, and the logical offset
    /// of the first byte not unescaped yet (the start of a plain run).
    tok_unesc: Option<(usize, usize)>,
    /// Absolute offset of `chunk[0]`.
    pub(crate) base: u64,
    // ---- capture ----
    pub(crate) spill: Vec<u8>,
    /// Index in the current chunk where the capture's unspilled bytes begin.
    pub(crate) cap_chunk_start: usize,
    /// An outer capture (a whole row or value) is active.
    outer: bool,
    outer_limit_kind: ErrorKind,
    /// Absolute offset that the current capture must not reach.
    limit_abs: u64,
    max_token: u64,
    // ---- unescaping ----
    pub(crate) unesc: Vec<u8>,
    /// Unescape strings with escapes as they complete.
    pub(crate) want_unesc: bool,
    /// How far the rest of the row held at the end of a joined buffer was
    /// scanned for its end.
    row: RowScan,
}

impl Lexer {
    pub(crate) fn new(max_depth: u32, max_token: u64) -> Self {
        Lexer {
            expect: Expect::Start,
            stack: Vec::new(),
            depth: 0,
            max_depth,
            tstate: TState::None,
            tok_start: 0,
            tok_abs: 0,
            tok_key: false,
            escaped: false,
            tok_unesc: None,
            base: 0,
            spill: Vec::new(),
            cap_chunk_start: 0,
            outer: false,
            outer_limit_kind: ErrorKind::RowTooLarge,
            limit_abs: u64::MAX,
            max_token,
            unesc: Vec::new(),
            want_unesc: true,
            row: RowScan::NONE,
        }
    }

    pub(crate) fn depth(&self) -> u32 {
        self.depth
    }

    pub(crate) fn capturing(&self) -> bool {
        self.outer || self.tstate != TState::None
    }

    /// The chunk lost its first `k` bytes, which nothing refers to (see
    /// `Decoder::compact`): chunk indices move down by `k`.
    pub(crate) fn shift(&mut self, k: usize) {
        self.base += k as u64;
        self.cap_chunk_start = self.cap_chunk_start.saturating_sub(k);
    }

    #[inline]
    fn logical(&self, p: usize) -> usize {
        self.spill.len() + p.saturating_sub(self.cap_chunk_start)
    }

    /// Starts an outer capture whose first byte is at chunk index `p`.
    pub(crate) fn begin_outer(&mut self, p: usize, limit: u64, kind: ErrorKind) {
        self.spill.clear();
        self.unesc.clear();
        self.cap_chunk_start = p;
        self.outer = true;
        self.outer_limit_kind = kind;
        self.limit_abs = (self.base + p as u64).saturating_add(limit);
    }

    pub(crate) fn end_outer(&mut self) {
        self.outer = false;
        self.limit_abs = u64::MAX;
    }

    /// Chunk index of logical offset `l` (only valid for `l >= spill.len()`).
    pub(crate) fn chunk_index(&self, l: usize) -> usize {
        self.cap_chunk_start + (l - self.spill.len())
    }

    /// The bytes of logical span `start..end` of the capture.
    pub(crate) fn bytes<'x>(&'x self, chunk: &'x [u8], start: usize, end: usize) -> &'x [u8] {
        let s = self.spill.len();
        if end <= s {
            self.spill.get(start..end).unwrap_or(&[])
        } else {
            let a = self.cap_chunk_start + start.saturating_sub(s);
            let b = self.cap_chunk_start + (end - s);
            chunk.get(a..b).unwrap_or(&[])
        }
    }

    /// Makes logical span `start..` (which ends at chunk index `q`)
    /// contiguous: if it began in the spill, the chunk part joins it there.
    pub(crate) fn settle(&mut self, chunk: &[u8], start: usize, q: usize) {
        if start < self.spill.len() && q > self.cap_chunk_start {
            self.spill
                .extend_from_slice(chunk.get(self.cap_chunk_start..q).unwrap_or(&[]));
            self.cap_chunk_start = q;
        }
    }

    /// Called when the caller is done with a chunk (used up, or the feed was
    /// dropped at `p`): keeps the bytes of the capture in progress.
    pub(crate) fn end_chunk(&mut self, chunk: &[u8], p: usize) {
        if self.capturing() {
            self.spill
                .extend_from_slice(chunk.get(self.cap_chunk_start..p).unwrap_or(&[]));
        }
        self.cap_chunk_start = 0;
        self.base += p as u64;
    }

    fn err(&self, kind: ErrorKind, p: usize) -> Error {
        Error::new(kind, self.base + p as u64)
    }

    fn push(&mut self, obj: bool, p: usize) -> Result<(), Error> {
        if self.depth >= self.max_depth {
            return Err(self.err(ErrorKind::DepthLimit, p));
        }
        let word = (self.depth / 64) as usize;
        let bit = 1u64 << (self.depth % 64);
        if word >= self.stack.len() {
            self.stack.push(0);
        }
        if let Some(w) = self.stack.get_mut(word) {
            if obj {
                *w |= bit;
            } else {
                *w &= !bit;
            }
        }
        self.depth += 1;
        Ok(())
    }

    fn top_is_obj(&self) -> bool {
        if self.depth == 0 {
            return false;
        }
        let d = self.depth - 1;
        self.stack
            .get((d / 64) as usize)
            .is_some_and(|w| w & (1u64 << (d % 64)) != 0)
    }

    fn after_value(&mut self) {
        self.expect = if self.depth == 0 {
            Expect::Done
        } else {
            Expect::CommaOrEnd
        };
    }

    fn structural(&mut self, kind: TokKind, p: usize) -> Token {
        let start = if self.outer { self.logical(p) } else { 0 };
        Token {
            kind,
            abs: self.base + p as u64,
            start,
            end: start + 1,
            unesc: None,
        }
    }

    fn begin_token(&mut self, p: usize, st: TState, key: bool) {
        if !self.outer {
            self.spill.clear();
            self.unesc.clear();
            self.cap_chunk_start = p;
            self.limit_abs = (self.base + p as u64).saturating_add(self.max_token);
        }
        self.tstate = st;
        self.tok_start = self.logical(p);
        self.tok_abs = self.base + p as u64;
        self.tok_key = key;
        self.escaped = false;
        self.tok_unesc = None;
    }

    /// Scan limit inside the chunk for the capture in progress.
    #[inline]
    fn limit(&self, len: usize) -> usize {
        if self.limit_abs == u64::MAX {
            return len;
        }
        let rel = self.limit_abs.saturating_sub(self.base);
        if rel < len as u64 {
            rel as usize
        } else {
            len
        }
    }

    fn limit_err(&self, p: usize) -> Error {
        let kind = if self.outer {
            self.outer_limit_kind
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
            if self.tstate != TState::None {
                let lim = self.limit(len);
                let r = match self.tstate {
                    TState::Str(s) => self.scan_str(chunk, &mut p, lim, s),
                    TState::Num(n) => self.scan_num(chunk, &mut p, lim, n),
                    TState::Lit { kind, i } => self.scan_lit(chunk, &mut p, lim, kind, i),
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
            let lim = if self.outer { self.limit(len) } else { len };
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
            if self.expect == Expect::Start && b != b'{' && b != b'[' {
                return Err(self.err(ErrorKind::NotAResponse, p));
            }
            match self.expect {
                Expect::Start | Expect::Value | Expect::ValueOrEnd => match b {
                    b'{' => {
                        self.push(true, p)?;
                        self.expect = Expect::KeyOrEnd;
                        let t = self.structural(TokKind::BeginObj, p);
                        *pos = p + 1;
                        return Ok(Some(t));
                    }
                    b'[' => {
                        self.push(false, p)?;
                        self.expect = Expect::ValueOrEnd;
                        let t = self.structural(TokKind::BeginArr, p);
                        *pos = p + 1;
                        return Ok(Some(t));
                    }
                    b'"' => {
                        self.begin_token(p, TState::Str(Str::Normal), false);
                        p += 1;
                    }
                    b'-' => {
                        self.begin_token(p, TState::Num(Num::Minus), false);
                        p += 1;
                    }
                    b'0' => {
                        self.begin_token(p, TState::Num(Num::Zero), false);
                        p += 1;
                    }
                    b'1'..=b'9' => {
                        self.begin_token(p, TState::Num(Num::Int), false);
                        p += 1;
                    }
                    b't' | b'f' | b'n' => {
                        let kind = match b {
                            b't' => TokKind::True,
                            b'f' => TokKind::False,
                            _ => TokKind::Null,
                        };
                        self.begin_token(p, TState::Lit { kind, i: 1 }, false);
                        p += 1;
                    }
                    b']' if self.expect == Expect::ValueOrEnd => {
                        return Ok(Some(self.close(TokKind::EndArr, p, pos)));
                    }
                    b']' | b'}' if self.expect == Expect::Value && self.depth > 0 => {
                        return Err(self.err(ErrorKind::TrailingComma, p));
                    }
                    _ => return Err(self.err(ErrorKind::Syntax, p)),
                },
                Expect::Key | Expect::KeyOrEnd => match b {
                    b'"' => {
                        self.begin_token(p, TState::Str(Str::Normal), true);
                        p += 1;
                    }
                    b'}' if self.expect == Expect::KeyOrEnd => {
                        return Ok(Some(self.close(TokKind::EndObj, p, pos)));
                    }
                    b'}' => return Err(self.err(ErrorKind::TrailingComma, p)),
                    _ => return Err(self.err(ErrorKind::Syntax, p)),
                },
                Expect::Colon => {
                    if b != b':' {
                        return Err(self.err(ErrorKind::Syntax, p));
                    }
                    self.expect = Expect::Value;
                    p += 1;
                }
                Expect::CommaOrEnd => match b {
                    b',' => {
                        self.expect = if self.top_is_obj() {
                            Expect::Key
                        } else {
                            Expect::Value
                        };
                        p += 1;
                    }
                    b']' if !self.top_is_obj() => {
                        return Ok(Some(self.close(TokKind::EndArr, p, pos)));
                    }
                    b'}' if self.top_is_obj() => {
                        return Ok(Some(self.close(TokKind::EndObj, p, pos)));
                    }
                    _ => return Err(self.err(ErrorKind::Syntax, p)),
                },
                Expect::Done => return Err(self.err(ErrorKind::TrailingData, p)),
            }
        }
    }

    fn close(&mut self, kind: TokKind, p: usize, pos: &mut usize) -> Token {
        self.depth = self.depth.saturating_sub(1);
        self.after_value();
        let t = self.structural(kind, p);
        *pos = p + 1;
        t
    }

    /// Completes the scalar token that ends at chunk index `q` (exclusive).
    fn finish_token(&mut self, chunk: &[u8], q: usize, kind: TokKind) -> Token {
        self.tstate = TState::None;
        let start = self.tok_start;
        self.settle(chunk, start, q);
        let end = self.logical(q);
        let key = self.tok_key;
        if key {
            self.expect = Expect::Colon;
        } else {
            self.after_value();
        }
        let mut unesc = None;
        if kind == TokKind::Str && self.escaped && self.want_unesc {
            // What the fast path unescaped before a cut is kept: the rest
            // from where it stopped.
            let (from, at) = self
                .tok_unesc
                .take()
                .unwrap_or((self.unesc.len(), start + 1));
            let s = self.spill.len();
            // The token is contiguous: in the spill, or in the chunk.
            if end <= s {
                unescape_into(self.spill.get(at..end - 1).unwrap_or(&[]), &mut self.unesc);
            } else {
                let a = self.cap_chunk_start + at.saturating_sub(s);
                let b = self.cap_chunk_start + (end - s) - 1;
                unescape_into(chunk.get(a..b).unwrap_or(&[]), &mut self.unesc);
            }
            unesc = Some((from, self.unesc.len()));
        }
        Token {
            kind,
            abs: self.tok_abs,
            start,
            end,
            unesc,
        }
    }

    fn scan_str(
        &mut self,
        chunk: &[u8],
        p: &mut usize,
        lim: usize,
        mut s: Str,
    ) -> Result<Option<Token>, Error> {
        let mut i = *p;
        while i < lim {
            match s {
                Str::Normal => {
                    i = plain_run(chunk, i, lim);
                    if i >= lim {
                        break;
                    }
                    let b = chunk[i];
                    match b {
                        b'"' => {
                            *p = i + 1;
                            return Ok(Some(self.finish_token(chunk, i + 1, TokKind::Str)));
                        }
                        b'\\' => {
                            self.escaped = true;
                            s = Str::Esc;
                            i += 1;
                        }
                        0x00..=0x1F => {
                            *p = i;
                            return Err(self.err(ErrorKind::ControlCharacter, i));
                        }
                        0x80.. => {
                            let Some((need, lo, hi)) = utf8_lead(b) else {
                                *p = i;
                                return Err(self.err(ErrorKind::InvalidUtf8, i));
                            };
                            s = Str::Utf8 { need, lo, hi };
                            i += 1;
                        }
                        _ => {
                            *p = i;
                            return Err(self.err(ErrorKind::InvalidUtf8, i));
                        }
                    }
                }
                Str::Utf8 { need, lo, hi } => {
                    let b = chunk[i];
                    if b < lo || b > hi {
                        *p = i;
                        return Err(self.err(ErrorKind::InvalidUtf8, i));
                    }
                    i += 1;
                    s = if need <= 1 {
                        Str::Normal
                    } else {
                        Str::Utf8 {
                            need: need - 1,
                            lo: 0x80,
                            hi: 0xBF,
                        }
                    };
                }
                Str::Esc => {
                    let b = chunk[i];
                    match b {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => s = Str::Normal,
                        b'u' => {
                            s = Str::U {
                                n: 0,
                                acc: 0,
                                low: false,
                            }
                        }
                        _ => {
                            *p = i;
                            return Err(self.err(ErrorKind::InvalidEscape, i));
                        }
                    }
                    i += 1;
                }
                Str::U { n, acc, low } => {
                    let b = chunk[i];
                    let d = match b {
                        b'0'..=b'9' => b - b'0',
                        b'a'..=b'f' => b - b'a' + 10,
                        b'A'..=b'F' => b - b'A' + 10,
                        _ => {
                            *p = i;
                            return Err(self.err(ErrorKind::InvalidEscape, i));
                        }
                    };
                    let acc = (acc << 4) | u16::from(d);
                    if n < 3 {
                        s = Str::U { n: n + 1, acc, low };
                    } else if low {
                        if !(0xDC00..=0xDFFF).contains(&acc) {
                            *p = i;
                            return Err(self.err(ErrorKind::LoneSurrogate, i));
                        }
                        s = Str::Normal;
                    } else if (0xD800..=0xDBFF).contains(&acc) {
                        s = Str::AfterHigh;
                    } else if (0xDC00..=0xDFFF).contains(&acc) {
                        *p = i;
                        return Err(self.err(ErrorKind::LoneSurrogate, i));
                    } else {
                        s = Str::Normal;
                    }
                    i += 1;
                }
                Str::AfterHigh => {
                    if chunk[i] != b'\\' {
                        *p = i;
                        return Err(self.err(ErrorKind::LoneSurrogate, i));
                    }
                    s = Str::AfterHighEsc;
                    i += 1;
                }
                Str::AfterHighEsc => {
                    if chunk[i] != b'u' {
                        *p = i;
                        return Err(self.err(ErrorKind::LoneSurrogate, i));
                    }
                    s = Str::U {
                        n: 0,
                        acc: 0,
                        low: true,
                    };
                    i += 1;
                }
            }
        }
        self.tstate = TState::Str(s);
        *p = i;
        Ok(None)
    }

    fn scan_num(
        &mut self,
        chunk: &[u8],
        p: &mut usize,
        lim: usize,
        mut n: Num,
    ) -> Result<Option<Token>, Error> {
        let mut i = *p;
        while i < lim {
            let b = chunk[i];
            let next = match (n, b) {
                (Num::Minus, b'0') => Num::Zero,
                (Num::Minus, b'1'..=b'9') => Num::Int,
                (Num::Zero, b'0'..=b'9') => {
                    *p = i;
                    return Err(self.err(ErrorKind::LeadingZero, i));
                }
                (Num::Int, b'0'..=b'9') => {
                    // Run over the digits.
                    i += 1;
                    while i < lim && chunk[i].is_ascii_digit() {
                        i += 1;
                    }
                    continue;
                }
                (Num::Zero | Num::Int, b'.') => Num::Dot,
                (Num::Zero | Num::Int | Num::Frac, b'e' | b'E') => Num::E,
                (Num::Dot | Num::Frac, b'0'..=b'9') => Num::Frac,
                (Num::E, b'+' | b'-') => Num::ESign,
                (Num::E | Num::ESign | Num::Exp, b'0'..=b'9') => Num::Exp,
                (Num::Zero | Num::Int | Num::Frac | Num::Exp, _) => {
                    *p = i;
                    return Ok(Some(self.finish_token(chunk, i, TokKind::Num)));
                }
                _ => {
                    *p = i;
                    return Err(self.err(ErrorKind::InvalidNumber, i));
                }
            };
            n = next;
            i += 1;
        }
        self.tstate = TState::Num(n);
        *p = i;
        Ok(None)
    }

    fn scan_lit(
        &mut self,
        chunk: &[u8],
        p: &mut usize,
        lim: usize,
        kind: TokKind,
        mut k: u8,
    ) -> Result<Option<Token>, Error> {
        let word = match kind {
            TokKind::True => TRUE,
            TokKind::False => FALSE,
            _ => NULL,
        };
        let mut i = *p;
        while i < lim {
            let Some(&want) = word.get(k as usize) else {
                break;
            };
            if chunk[i] != want {
                *p = i;
                return Err(self.err(ErrorKind::Syntax, i));
            }
            i += 1;
            k += 1;
            if k as usize == word.len() {
                *p = i;
                return Ok(Some(self.finish_token(chunk, i, kind)));
            }
        }
        self.tstate = TState::Lit { kind, i: k };
        *p = i;
        Ok(None)
    }

    /// `true` when no token is in progress (the fast path may run).
    pub(crate) fn between_tokens(&self) -> bool {
        self.tstate == TState::None
    }

    /// Fast path for the cells of an open row (its `[` consumed, an outer
    /// capture active, no token in progress). Consumes whole clean scalar
    /// cells (ASCII strings without escapes, numbers, literals) and their
    /// separators, pushing their spans, and stops before anything else (an
    /// escape, a non-ASCII byte, a nested value, a token cut by the chunk or
    /// the row limit, any malformed input), leaving the lexer exactly as the
    /// token-by-token path would have: that path then takes over, so errors
    /// and their offsets are the same. Returns the row's logical end when it
    /// consumed the row's `]`.
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
        let abs = self.base + p as u64;
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
            self.row = RowScan::at(self.base + q as u64);
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
        let off = self.spill.len().wrapping_sub(self.cap_chunk_start);
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
                        Err(StrStop::Cut { escaped, run }) if lim == chunk.len() && !trial => {
                            // The chunk ends inside this string, cleanly:
                            // the token path goes on from here, without
                            // scanning these bytes again, and keeps what
                            // was unescaped up to `run`.
                            self.expect = at_value;
                            self.begin_token(p, TState::Str(Str::Normal), false);
                            self.escaped = escaped;
                            if escaped {
                                self.tok_unesc = Some((from, run.wrapping_add(off)));
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
                    let room = self.max_depth.saturating_sub(self.depth);
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
        if self.expect != Expect::CommaOrEnd || self.depth >= self.max_depth || self.top_is_obj() {
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
            match (self.expect, b) {
                (Expect::Value | Expect::ValueOrEnd, b'{' | b'[') => {
                    if self.depth >= self.max_depth {
                        break None;
                    }
                    let obj = b == b'{';
                    // Cannot fail: the depth limit was checked above.
                    let _ = self.push(obj, p);
                    self.expect = if obj {
                        Expect::KeyOrEnd
                    } else {
                        Expect::ValueOrEnd
                    };
                    p += 1;
                }
                (Expect::ValueOrEnd | Expect::CommaOrEnd, b']')
                | (Expect::KeyOrEnd | Expect::CommaOrEnd, b'}') => {
                    if self.top_is_obj() != (b == b'}') || self.depth <= floor {
                        break None;
                    }
                    self.depth -= 1;
                    self.after_value();
                    p += 1;
                    if self.depth == floor {
                        break Some(self.logical(p));
                    }
                }
                (Expect::CommaOrEnd, b',') => {
                    self.expect = if self.top_is_obj() {
                        Expect::Key
                    } else {
                        Expect::Value
                    };
                    p += 1;
                }
                (Expect::Colon, b':') => {
                    self.expect = Expect::Value;
                    p += 1;
                }
                (Expect::Key | Expect::KeyOrEnd, b'"') => {
                    let Ok((q, _)) = fast_string(c, p + 1, lim, None) else {
                        break None;
                    };
                    self.expect = Expect::Colon;
                    p = q;
                }
                (Expect::Value | Expect::ValueOrEnd, _) => {
                    let Some(q) = scalar_end(c, p, b) else {
                        break None;
                    };
                    self.after_value();
                    p = q;
                }
                _ => break None,
            }
        };
        *pos = p;
        r
    }

    /// At end of input: `Ok` only if the top-level value is complete.
    /// A number at the very end of the body completes here.
    pub(crate) fn at_eof(&self) -> Result<(), Error> {
        if self.expect == Expect::Done && self.tstate == TState::None {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::UnexpectedEof, self.base))
        }
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
fn scalar_runs_out(c: &[u8], p: usize, first: u8) -> bool {
    let word: &[u8] = match first {
        b't' => TRUE,
        b'f' => FALSE,
        b'n' => NULL,
        b'-' | b'0'..=b'9' => {
            let mut failed = 0;
            return number_span(c, p, &mut failed).unwrap_or(failed) == c.len();
        }
        _ => return false,
    };
    c.get(p..)
        .is_some_and(|have| have.len() < word.len() && word.starts_with(have))
}

/// How close to the chunk's end a nested cell starts for the fast path to
/// leave it to the token path (see [`Lexer::fast_cells`]).
const NESTED_NEAR_END: usize = 128;

/// How many bytes of the rest of a row cut by the end of a joined chunk are
/// held back for the next chunk (see [`Lexer::fast_cells`]); past that, the
/// row's whole cells are taken at once. With the join buffer's compaction
/// (`Decoder::compact`), rows that short keep the buffer within 8 KiB (a
/// longer row is kept whole in it, as it would be in the spill).
pub(crate) const ROW_HOLD: usize = 2048;

/// How far [`row_end`] scanned the rest of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RowScan {
    /// Absolute offset where the scan started (`u64::MAX`: none).
    abs: u64,
    /// Bytes scanned (or, in a `trial`, looked at for a `]`).
    seen: usize,
    /// No bytes scanned yet: the row is taken as if whole once a `]`
    /// that may end it has arrived ([`may_end_row`]).
    trial: bool,
    /// Brackets open after them (the row's included).
    depth: usize,
    /// They end inside a string.
    in_str: bool,
    /// They end with a `\` that escapes the next byte.
    esc: bool,
}

impl RowScan {
    const NONE: RowScan = RowScan {
        abs: u64::MAX,
        seen: 0,
        trial: false,
        depth: 0,
        in_str: false,
        esc: false,
    };

    /// Nothing scanned yet of the rest of a row at `abs`, between its
    /// cells: one bracket (the row's) open.
    fn at(abs: u64) -> RowScan {
        RowScan {
            abs,
            depth: 1,
            ..RowScan::NONE
        }
    }
}

/// `true` when `c[p..]`, the rest of a row held back by
/// [`Lexer::fast_cells`], holds the row's `]`.
pub(crate) fn held_row_is_whole(c: &[u8], p: usize) -> bool {
    row_end(c, p, &mut RowScan::at(0)).is_some()
}

/// `true` when `c[from..]` holds a `]` that may end a row of a `Rows`
/// array: one followed, after any whitespace, by the end of `c`, a `]`, or
/// a `,` and then the end of `c`, a `[` or a `{` (the next row, or an
/// error in its place). A `]` inside the row may pass too: this only
/// tells when taking the row's cells is worth a try.
fn may_end_row(c: &[u8], from: usize) -> bool {
    let mut i = from;
    while let Some(k) = crate::unchecked::find_byte(c, i, b']') {
        i = k + 1;
        let j = skip_ws(c, i);
        match c.get(j) {
            None | Some(b']') => return true,
            Some(b',') => {
                if matches!(c.get(skip_ws(c, j + 1)), None | Some(b'[' | b'{')) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Index after the bracket that closes the brackets open at `p` in `c`
/// (`st.depth` of them), scanning on from `st` (the bytes from `p` already
/// scanned, with the depth, string and escape state after them); `None`
/// when `c` ends first, `st` then covering all of it.
///
/// Only brackets outside strings count, and a backslash escapes the next
/// byte wherever it is: nothing else is checked. The caller validates the
/// bytes once they are whole; for malformed ones this may find a wrong end,
/// or none. SSE2 32 bytes at a time where the target has it
/// ([`crate::unchecked::end_masks32`]), else [`row_end_bytes`]: both give
/// the same result on any bytes.
fn row_end(c: &[u8], p: usize, st: &mut RowScan) -> Option<usize> {
    let end = c.len();
    let mut i = p + st.seen;
    while i < end {
        // Thirty-two bytes at a time; the last ones through the 32 bytes
        // that end at `end`, those before `i` shifted out.
        let (at, skip) = if i + 32 <= end {
            (i, 0)
        } else if end >= 32 {
            (end - 32, i - (end - 32))
        } else {
            break;
        };
        let Some([q, bs, op, cl]) = crate::unchecked::end_masks32(c, at) else {
            break;
        };
        let n = 32 - skip as u32;
        let (mut q, mut op, mut cl) = (q >> skip, op >> skip, cl >> skip);
        let bs = bs >> skip;
        if bs != 0 || st.esc {
            // Bit n: the first byte after these.
            let escaped = escaped_bytes(bs, st.esc);
            let plain = !(escaped as u32);
            (q, op, cl) = (q & plain, op & plain, cl & plain);
            st.esc = escaped >> n & 1 != 0;
        }
        // One bit per byte inside a string (its opening quote included):
        // a prefix XOR of the quotes.
        let mut inside = q;
        for k in [1, 2, 4, 8, 16] {
            inside ^= inside << k;
        }
        if st.in_str {
            inside = !inside;
        }
        let (op, cl) = (op & !inside, cl & !inside);
        if (cl.count_ones() as usize) < st.depth {
            // The depth cannot come down to zero here.
            st.depth = st.depth + op.count_ones() as usize - cl.count_ones() as usize;
        } else {
            let mut m = op | cl;
            while m != 0 {
                let k = m.trailing_zeros();
                if cl >> k & 1 != 0 {
                    if st.depth <= 1 {
                        return Some(i + k as usize + 1);
                    }
                    st.depth -= 1;
                } else {
                    st.depth += 1;
                }
                m &= m - 1;
            }
        }
        st.in_str = inside >> 31 != 0;
        i += n as usize;
    }
    let e = row_end_bytes(c, i, end, st);
    if e.is_none() {
        st.seen = end - p;
    }
    e
}

/// The bytes that a backslash escapes, given the backslashes `bs` of up to
/// 32 bytes and whether the first of them is escaped (`first`): one bit
/// per escaped byte, bit 32 and up for the bytes after them. In a run of
/// backslashes the first escapes the second, the third the fourth, and so
/// on: a run of odd length escapes the byte after it. Runs that start on
/// an odd bit are told from those that start on an even bit by an addition
/// that carries through each run (the method of simdjson's string scanner).
#[inline(always)]
fn escaped_bytes(bs: u32, first: bool) -> u64 {
    const EVEN: u64 = 0x5555_5555_5555_5555;
    let first = u64::from(first);
    // An escaped backslash escapes nothing.
    let bs = u64::from(bs) & !first;
    let follows = bs << 1 | first;
    let odd_starts = bs & !EVEN & !follows;
    let even_starts = (odd_starts + bs) << 1;
    (EVEN ^ even_starts) & follows
}

/// [`row_end`] one byte at a time over `c[i..end]`.
fn row_end_bytes(c: &[u8], mut i: usize, end: usize, st: &mut RowScan) -> Option<usize> {
    while let Some(&b) = c.get(i).filter(|_| i < end) {
        i += 1;
        // A backslash escapes the next byte, inside a string or not (as
        // in the 32-byte path).
        if st.esc {
            st.esc = false;
        } else if b == b'\\' {
            st.esc = true;
        } else if st.in_str {
            if b == b'"' {
                st.in_str = false;
            }
        } else {
            match b {
                b'"' => st.in_str = true,
                b'{' | b'[' => st.depth += 1,
                b'}' | b']' => {
                    if st.depth <= 1 {
                        return Some(i);
                    }
                    st.depth -= 1;
                }
                _ => {}
            }
        }
    }
    None
}

/// Why [`fast_string`] stopped short of a string's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StrStop {
    /// The limit came first, right after a whole character or escape (no
    /// escape or UTF-8 sequence is cut); `escaped`: one was seen.
    Cut {
        escaped: bool,
        /// Where the plain run the limit cut starts (with `out`, the
        /// string is unescaped up to there).
        run: usize,
    },
    /// Anything else: an error, or a cut escape or character.
    Bad,
}

/// End (after the closing quote) of a valid string whose contents start at
/// `i` and end inside the limit, and whether it has escapes; otherwise why
/// not (see [`StrStop`]).
///
/// With `out`, a string with escapes is unescaped into it as it is scanned
/// (on `Err` the caller truncates `out` back).
#[inline(always)]
fn fast_string(
    chunk: &[u8],
    i: usize,
    lim: usize,
    out: Option<&mut Vec<u8>>,
) -> Result<(usize, bool), StrStop> {
    // Most strings are one plain run up to the closing quote: that much is
    // inlined into the callers, the rest is not.
    let j = plain_run(chunk, i, lim);
    if j < lim && chunk.get(j) == Some(&b'"') {
        return Ok((j + 1, false));
    }
    fast_string_rest(chunk, i, j, lim, out)
}

/// [`fast_string`] from `j`, the end of the first plain run of a string
/// whose contents start at `run`.
#[inline(never)]
fn fast_string_rest(
    chunk: &[u8],
    mut run: usize,
    mut i: usize,
    lim: usize,
    mut out: Option<&mut Vec<u8>>,
) -> Result<(usize, bool), StrStop> {
    let mut escaped = false;
    let mut runs = Runs::new();
    // `i` ends a plain run; each escape or character handled below is
    // followed by the next run.
    loop {
        let Some(&b) = chunk.get(i).filter(|_| i < lim) else {
            // Only whole characters and escapes lie before `i`.
            return Err(StrStop::Cut { escaped, run });
        };
        match b {
            b'"' => {
                if escaped {
                    if let Some(o) = out.as_deref_mut() {
                        copy_run(o, chunk, run, i);
                    }
                }
                return Ok((i + 1, escaped));
            }
            b'\\' => {
                escaped = true;
                if let Some(o) = out.as_deref_mut() {
                    copy_run(o, chunk, run, i);
                }
                let e = *chunk
                    .get(i + 1)
                    .filter(|_| i + 1 < lim)
                    .ok_or(StrStop::Bad)?;
                if let Some(c) = simple_escape(e) {
                    if let Some(o) = out.as_deref_mut() {
                        o.push(c);
                    }
                    i += 2;
                } else if e == b'u' {
                    let hi = hex4_checked(chunk, i + 2, lim).ok_or(StrStop::Bad)?;
                    i += 6;
                    let mut cp = hi;
                    if (0xDC00..=0xDFFF).contains(&hi) {
                        return Err(StrStop::Bad);
                    }
                    if (0xD800..=0xDBFF).contains(&hi) {
                        if chunk.get(i..i + 2).filter(|_| i + 2 <= lim) != Some(b"\\u") {
                            return Err(StrStop::Bad);
                        }
                        let lo = hex4_checked(chunk, i + 2, lim).ok_or(StrStop::Bad)?;
                        if !(0xDC00..=0xDFFF).contains(&lo) {
                            return Err(StrStop::Bad);
                        }
                        i += 6;
                        cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    }
                    if let Some(o) = out.as_deref_mut() {
                        push_code_point(o, cp);
                    }
                } else {
                    return Err(StrStop::Bad);
                }
                run = i;
            }
            0x80.. => {
                let (need, lo, hi) = utf8_lead(b).ok_or(StrStop::Bad)?;
                let need = usize::from(need);
                let c1 = *chunk
                    .get(i + 1)
                    .filter(|_| i + 1 < lim)
                    .ok_or(StrStop::Bad)?;
                if c1 < lo || c1 > hi {
                    return Err(StrStop::Bad);
                }
                for k in 2..=need {
                    let c = *chunk
                        .get(i + k)
                        .filter(|_| i + k < lim)
                        .ok_or(StrStop::Bad)?;
                    if !(0x80..=0xBF).contains(&c) {
                        return Err(StrStop::Bad);
                    }
                }
                i += need + 1;
            }
            _ => return Err(StrStop::Bad),
        }
        i = runs.end(chunk, i, lim);
    }
}

/// [`plain_run`] for the runs between the escapes and characters of one
/// string: it keeps the special bytes of the last 32 bytes it looked at
/// (where the target has SSE2, see [`crate::unchecked::special_mask32`]), so
/// that a run ending among them is found without loading them again.
struct Runs {
    /// Where the 32 bytes start (`usize::MAX`: none kept).
    base: usize,
    /// One bit per special byte among them.
    mask: u32,
}

impl Runs {
    #[inline(always)]
    fn new() -> Self {
        Runs {
            base: usize::MAX,
            mask: 0,
        }
    }

    /// End of the plain run at `i`, as [`plain_run`].
    #[inline(always)]
    fn end(&mut self, chunk: &[u8], mut i: usize, lim: usize) -> usize {
        if self.base <= i && i - self.base < 32 {
            let m = self.mask >> (i - self.base);
            if m != 0 {
                return i + m.trailing_zeros() as usize;
            }
            i = self.base + 32;
        }
        loop {
            let Some(m) = crate::unchecked::special_mask32(chunk, i, lim) else {
                self.base = usize::MAX;
                return plain_run(chunk, i, lim);
            };
            self.base = i;
            self.mask = m;
            if m != 0 {
                return i + m.trailing_zeros() as usize;
            }
            i += 32;
        }
    }
}

/// Appends `chunk[a..b]` to `out`. Runs between escapes are short: one
/// that fits in 16 bytes, with 16 bytes readable from `a`, is copied as a
/// fixed-size block and trimmed, which compiles to two moves instead of a
/// call to `memcpy`.
#[inline(always)]
fn copy_run(out: &mut Vec<u8>, chunk: &[u8], a: usize, b: usize) {
    let n = b.saturating_sub(a);
    match chunk.get(a..a + 16) {
        Some(block) if n <= 16 => {
            let keep = out.len() + n;
            out.extend_from_slice(block);
            out.truncate(keep);
        }
        _ => out.extend_from_slice(chunk.get(a..b).unwrap_or(&[])),
    }
}

/// UTF-8 lead byte `b` (>= 0x80): how many continuation bytes follow, and
/// the range the first of them must lie in (RFC 3629: no overlong forms, no
/// surrogates, nothing above U+10FFFF). `None` for a byte that cannot lead.
#[inline]
fn utf8_lead(b: u8) -> Option<(u8, u8, u8)> {
    Some(match b {
        0xC2..=0xDF => (1, 0x80, 0xBF),
        0xE0 => (2, 0xA0, 0xBF),
        0xED => (2, 0x80, 0x9F),
        0xE1..=0xEF => (2, 0x80, 0xBF),
        0xF0 => (3, 0x90, 0xBF),
        0xF4 => (3, 0x80, 0x8F),
        0xF1..=0xF3 => (3, 0x80, 0xBF),
        _ => return None,
    })
}

/// End of the run of plain string bytes (see [`STR_SPECIAL`]) at `i`:
/// sixteen bytes at a time where the target has SSE2, then eight, then one.
#[inline]
fn plain_run(chunk: &[u8], i: usize, lim: usize) -> usize {
    match skip_plain(chunk, i, lim) {
        Ok(end) => end,
        Err(i) => plain_run_words(chunk, i, lim),
    }
}

/// [`plain_run`] eight bytes at a time, then one: the portable path.
#[inline]
fn plain_run_words(chunk: &[u8], mut i: usize, lim: usize) -> usize {
    while let Some(w) = chunk.get(i..i + 8).filter(|_| i + 8 <= lim) {
        let mut word = [0u8; 8];
        word.copy_from_slice(w);
        let m = special_mask(u64::from_le_bytes(word));
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < lim && !STR_SPECIAL[chunk[i] as usize] {
        i += 1;
    }
    i
}

/// Where the target has SSE2: the exact end of the plain run, sixteen bytes
/// at a time (`Err(i)` only when fewer than 16 bytes lie before `lim`);
/// elsewhere `Err(i)`, for the word-at-a-time loop.
#[inline]
fn skip_plain(chunk: &[u8], i: usize, lim: usize) -> Result<usize, usize> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        crate::unchecked::find_special(chunk, i, lim)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        let _ = (chunk, lim);
        Err(i)
    }
}

/// Four hex digits at `i` (inside the limit).
#[inline]
fn hex4_checked(chunk: &[u8], i: usize, lim: usize) -> Option<u32> {
    let d = chunk.get(i..i + 4).filter(|_| i + 4 <= lim)?;
    let mut v = 0u32;
    for &c in d {
        let x = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return None,
        };
        v = (v << 4) | u32::from(x);
    }
    Some(v)
}

/// End of a nested value (object or array) starting at `p` that holds only
/// clean tokens (strings, numbers, literals) and nests at most `room`
/// levels (and 64); `None` for anything else.
///
/// Recursive descent: where the code is tells what comes next, so each
/// branch predicts well (a state variable dispatched per token does not).
#[inline]
fn fast_nested(chunk: &[u8], p: usize, lim: usize, room: u32) -> Option<usize> {
    Nested {
        c: chunk.get(..lim)?,
    }
    .container(p, room.min(64))
}

/// The bytes (cut at the limit) that [`fast_nested`] reads.
struct Nested<'c> {
    c: &'c [u8],
}

impl Nested<'_> {
    #[inline(always)]
    fn ws(&self, i: usize) -> usize {
        skip_ws(self.c, i)
    }

    /// An object or array at `i` (its `{` or `[`).
    fn container(&self, i: usize, room: u32) -> Option<usize> {
        if room == 0 {
            return None;
        }
        let obj = *self.c.get(i)? == b'{';
        let close = if obj { b'}' } else { b']' };
        let mut i = self.ws(i + 1);
        if *self.c.get(i)? == close {
            return Some(i + 1);
        }
        loop {
            if obj {
                if *self.c.get(i)? != b'"' {
                    return None;
                }
                i = self.ws(fast_string(self.c, i + 1, self.c.len(), None).ok()?.0);
                if *self.c.get(i)? != b':' {
                    return None;
                }
                i = self.ws(i + 1);
            }
            i = self.ws(self.value(i, room)?);
            match *self.c.get(i)? {
                b',' => i = self.ws(i + 1),
                b if b == close => return Some(i + 1),
                _ => return None,
            }
        }
    }

    /// A value at `i` inside a container with `room` levels left.
    #[inline(always)]
    fn value(&self, i: usize, room: u32) -> Option<usize> {
        match *self.c.get(i)? {
            b'{' | b'[' => self.container(i, room - 1),
            b => scalar_end(self.c, i, b),
        }
    }
}

/// End of a clean scalar (string, number, literal) whose first byte `b` is
/// at `p` in `c` (the bytes inside the limit), as a value inside a nested
/// cell (so `}` may follow a number); `None` for anything else.
#[inline(always)]
fn scalar_end(c: &[u8], p: usize, b: u8) -> Option<usize> {
    match b {
        b'"' => Some(fast_string(c, p + 1, c.len(), None).ok()?.0),
        b'-' | b'0'..=b'9' => fast_number_in(c, p, c.len(), true),
        b't' | b'f' | b'n' => literal_end(c, p, b),
        _ => None,
    }
}

/// End of the literal (`true`, `false` or `null`) whose first byte `first`
/// is at `p` in `c` (the bytes inside the limit), or `None`: one four-byte
/// compare (for `false`, of the four bytes after the `f`) instead of a call
/// to `memcmp`.
#[inline(always)]
fn literal_end(c: &[u8], p: usize, first: u8) -> Option<usize> {
    let (at, rest) = match first {
        b't' => (p, b"true"),
        b'n' => (p, b"null"),
        _ => (p + 1, b"alse"),
    };
    let have = c.get(at..at + 4)?;
    (<[u8; 4]>::try_from(have).ok()? == *rest).then_some(at + 4)
}

/// End of a well-formed number starting at `p` that is followed, inside the
/// limit, by a byte that may follow a row cell; `None` for anything else.
#[inline]
fn fast_number(chunk: &[u8], p: usize, lim: usize) -> Option<usize> {
    fast_number_in(chunk, p, lim, false)
}

/// As [`fast_number`]; `in_object` also allows a `}` after the number.
#[inline(always)]
fn fast_number_in(chunk: &[u8], p: usize, lim: usize, in_object: bool) -> Option<usize> {
    let c = chunk.get(..lim)?;
    let i = match crate::unchecked::nondigit_mask32(c, p) {
        Some(m) => match number_in_window(c, p, m) {
            Window::End(i) => i,
            Window::Bad => return None,
            Window::Beyond => number_span(c, p, &mut 0)?,
        },
        None => number_span(c, p, &mut 0)?,
    };
    match c.get(i) {
        Some(b',' | b']' | b' ' | b'\n' | b'\r' | b'\t') => Some(i),
        Some(b'}') if in_object => Some(i),
        _ => None,
    }
}

/// What [`number_in_window`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Window {
    /// The end of the number (as [`number_span`] gives it).
    End(usize),
    /// Not a number that a row cell may hold (no digit where one must be,
    /// or a leading zero followed by a digit).
    Bad,
    /// The number may go on past the 32 bytes: [`number_span`] decides.
    Beyond,
}

/// [`number_span`] from `p` through a mask of the bytes in `c[p..p + 32]`
/// that are not digits (`nondigit`): each run of digits is measured with one
/// count of trailing zeros instead of a loop, so a number's length costs no
/// branch. Also `Bad` for a `0` followed by a digit (which no caller
/// accepts: the byte after the number must end it).
#[inline(always)]
fn number_in_window(c: &[u8], p: usize, nondigit: u32) -> Window {
    // Bits 32 and up stand for the bytes past the window: a run reaching
    // them may go on.
    let m = u64::from(nondigit) | !0u64 << 32;
    let at = |k: u32| c.get(p + k as usize).copied().unwrap_or(b' ');
    let neg = u32::from(at(0) == b'-');
    let mut e = neg + (m >> neg).trailing_zeros();
    if e == neg || (at(neg) == b'0' && e > neg + 1) {
        return Window::Bad;
    }
    if e < 31 && at(e) == b'.' {
        let f = (m >> (e + 1)).trailing_zeros();
        if f == 0 {
            return Window::Bad;
        }
        e += 1 + f;
    }
    if e < 30 && at(e) | 0x20 == b'e' {
        let k = e + 1 + u32::from(matches!(at(e + 1), b'+' | b'-'));
        let f = (m >> k).trailing_zeros();
        if f == 0 {
            return Window::Bad;
        }
        e = k + f;
    }
    // A `.` or `e` too close to the window's end to see what follows.
    if e >= 30 {
        Window::Beyond
    } else {
        Window::End(p + e as usize)
    }
}

/// The JSON number grammar over `c` from `p`: the end of the longest
/// well-formed number there (what follows it is not looked at), or `None`
/// with `failed` set to the index at which the grammar failed (`c.len()`
/// when the bytes ran out inside a part that needs more: after `-`, `.`,
/// `e`, a sign). The hot caller ignores `failed` (the stores then compile
/// away).
#[inline(always)]
fn number_span(c: &[u8], p: usize, failed: &mut usize) -> Option<usize> {
    let mut i = p;
    if c.get(i) == Some(&b'-') {
        i += 1;
    }
    match c.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits(c, i + 1),
        _ => {
            *failed = i;
            return None;
        }
    }
    if c.get(i) == Some(&b'.') {
        let j = digits(c, i + 1);
        if j == i + 1 {
            *failed = j;
            return None;
        }
        i = j;
    }
    if matches!(c.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(c.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let j = digits(c, i);
        if j == i {
            *failed = j;
            return None;
        }
        i = j;
    }
    Some(i)
}

/// End of the run of ASCII digits in `c` starting at `i`, eight at a time:
/// a byte is a digit when both its high nibble and that of the byte plus 6
/// are 3.
#[inline(always)]
fn digits(c: &[u8], mut i: usize) -> usize {
    const NIB: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const THREE: u64 = 0x3030_3030_3030_3030;
    while let Some(w) = c.get(i..i + 8) {
        let Ok(word) = <[u8; 8]>::try_from(w) else {
            break;
        };
        let x = u64::from_le_bytes(word);
        let m = ((x & NIB) ^ THREE) | ((x.wrapping_add(LO * 6) & NIB) ^ THREE);
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while c.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

/// Index of the first `\` in `src[i..]`, or `src.len()`: eight bytes at a
/// time, then one.
#[inline]
fn find_backslash(src: &[u8], mut i: usize) -> usize {
    while let Some(w) = src.get(i..i + 8) {
        let Ok(word) = <[u8; 8]>::try_from(w) else {
            break;
        };
        let x = u64::from_le_bytes(word) ^ (LO * u64::from(b'\\'));
        let m = x.wrapping_sub(LO) & !x & HI;
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while src.get(i).is_some_and(|&b| b != b'\\') {
        i += 1;
    }
    i.min(src.len())
}

/// Unescapes the contents of a string the scanner validated.
pub(crate) fn unescape_into(src: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < src.len() {
        let run = find_backslash(src, i);
        copy_run(out, src, i, run);
        i = run;
        if i >= src.len() {
            break;
        }
        let e = src.get(i + 1).copied().unwrap_or(b'\\');
        i += 2;
        if e != b'u' {
            out.push(simple_escape(e).unwrap_or(e));
            continue;
        }
        let hi = hex4_checked(src, i, src.len()).unwrap_or(0xFFFD);
        i += 4;
        let cp = if (0xD800..=0xDBFF).contains(&hi) {
            let lo = hex4_checked(src, i + 2, src.len()).unwrap_or(0xDC00);
            i += 6;
            0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF)
        } else {
            hi
        };
        push_code_point(out, cp);
    }
}

/// The byte a one-character escape (`\"` `\\` `\/` `\b` `\f` `\n` `\r` `\t`)
/// stands for; `None` for any other character after a backslash.
#[inline(always)]
fn simple_escape(e: u8) -> Option<u8> {
    match SIMPLE_ESCAPES[e as usize] {
        0 => None,
        c => Some(c),
    }
}

/// [`simple_escape`] as a table (0: not a one-character escape).
const SIMPLE_ESCAPES: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t[b'/' as usize] = b'/';
    t[b'b' as usize] = 0x08;
    t[b'f' as usize] = 0x0C;
    t[b'n' as usize] = b'\n';
    t[b'r' as usize] = b'\r';
    t[b't' as usize] = b'\t';
    t
};

/// Appends the UTF-8 encoding of code point `cp` (U+FFFD if it is none).
fn push_code_point(out: &mut Vec<u8>, cp: u32) {
    let ch = char::from_u32(cp).unwrap_or('\u{FFFD}');
    let mut buf = [0u8; 4];
    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A xorshift generator of pseudo-random words from `seed` (not zero).
    fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    /// Byte-at-a-time definition of [`fast_number`].
    fn number_ref(c: &[u8], mut i: usize, lim: usize) -> Option<usize> {
        let digit = |i: usize| i < lim && c[i].is_ascii_digit();
        if i < lim && c[i] == b'-' {
            i += 1;
        }
        if i < lim && c[i] == b'0' {
            i += 1;
        } else if i < lim && (b'1'..=b'9').contains(&c[i]) {
            while digit(i) {
                i += 1;
            }
        } else {
            return None;
        }
        if i < lim && c[i] == b'.' {
            i += 1;
            if !digit(i) {
                return None;
            }
            while digit(i) {
                i += 1;
            }
        }
        if i < lim && (c[i] == b'e' || c[i] == b'E') {
            i += 1;
            if i < lim && (c[i] == b'+' || c[i] == b'-') {
                i += 1;
            }
            if !digit(i) {
                return None;
            }
            while digit(i) {
                i += 1;
            }
        }
        (i < lim && matches!(c[i], b',' | b']' | b' ' | b'\n' | b'\r' | b'\t')).then_some(i)
    }

    /// The number scanners (the 32-byte window included, at every distance
    /// from the limit) agree with the byte-at-a-time definition on
    /// number-like text: runs of digits of every length, signs, points,
    /// exponents and separators in any arrangement.
    #[test]
    fn number_scanners_match_byte_definition_on_random_text() {
        const ALPHABET: &[u8] = b"0123456789012345678900-+.eE,]} x";
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        for _ in 0..200_000 {
            let mut buf = [b'5'; 72];
            let r = next();
            // Long runs of digits, with a few other bytes among them.
            let sparse = r % 3 == 0;
            for b in buf.iter_mut() {
                let x = next();
                *b = if sparse && x % 8 != 0 {
                    b'0' + (x >> 8) as u8 % 10
                } else {
                    ALPHABET[(x >> 16) as usize % ALPHABET.len()]
                };
            }
            if r & 8 != 0 {
                buf[0] = b'-';
            }
            let p = (r >> 8) as usize % 4;
            let lim = 72 - (r >> 16) as usize % 48;
            let want = number_ref(&buf, p, lim);
            assert_eq!(
                fast_number(&buf, p, lim),
                want,
                "{:?} from {p} to {lim}",
                core::str::from_utf8(&buf)
            );
            // Inside an object a `}` may follow the number as well.
            let end = want.or_else(|| {
                let mut b2 = buf;
                let at = number_span(&buf[..lim], p, &mut 0)?;
                (at < lim && buf[at] == b'}').then(|| {
                    b2[at] = b',';
                    number_ref(&b2, p, lim)
                })?
            });
            assert_eq!(
                fast_number_in(&buf, p, lim, true),
                end,
                "in object: {:?} from {p} to {lim}",
                core::str::from_utf8(&buf)
            );
        }
    }

    /// [`Runs`] finds the same run ends as [`plain_run`] when asked, as
    /// [`fast_string_rest`] asks, for runs further and further on (inside
    /// the 32 bytes it keeps, past them, and near the limit).
    #[test]
    fn runs_match_plain_run() {
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let mut buf = [b'a'; 100];
            let density = 2 + next() % 40;
            for b in buf.iter_mut() {
                let x = next();
                if x % density == 0 {
                    *b = [b'"', b'\\', 0x1F, 0x80, 0xE9, 0xFF][(x >> 8) as usize % 6];
                }
            }
            let lim = 100 - (next() % 60) as usize;
            let mut runs = Runs::new();
            let mut i = (next() % 8) as usize;
            while i <= lim {
                let want = plain_run(&buf, i, lim);
                assert_eq!(runs.end(&buf, i, lim), want, "from {i} to {lim}: {buf:?}");
                i = want + 1 + (next() % 6) as usize;
            }
        }
    }

    /// The row-end scanner (32 bytes at a time where the target has SSE2)
    /// gives the same end and the same state as the byte-at-a-time scan on
    /// any bytes, whatever the state it starts in and however the bytes
    /// arrive (each call sees more of them, resuming where the last one
    /// stopped, as a held row does); on targets without SSE2 both are the
    /// byte scan.
    #[test]
    fn row_end_matches_byte_scan_on_random_bytes() {
        const ALPHABET: &[u8] = b"\\\\\"\"\"[]{}a ,:";
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        for round in 0..40_000 {
            let len = (next() % 150) as usize;
            let buf: Vec<u8> = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            let p = (next() % 4) as usize % (len + 1);
            let start = RowScan {
                abs: 0,
                depth: 1 + (next() % 3) as usize,
                in_str: next() % 2 == 0,
                esc: next() % 4 == 0,
                ..RowScan::NONE
            };
            let mut want_st = start;
            let want = row_end_bytes(&buf, p, len, &mut want_st);
            // The bytes arriving in pieces.
            let mut st = start;
            let mut end = p;
            let got = loop {
                end = (end + 1 + (next() % 70) as usize).min(len);
                if let Some(e) = row_end(&buf[..end], p, &mut st) {
                    break Some(e);
                }
                if end == len {
                    break None;
                }
            };
            assert_eq!(
                got,
                want,
                "round {round}, from {p}: {:?}",
                alloc::string::String::from_utf8_lossy(&buf)
            );
            if want.is_none() {
                want_st.seen = len - p;
                assert_eq!(
                    st,
                    want_st,
                    "round {round}: {:?}",
                    alloc::string::String::from_utf8_lossy(&buf)
                );
            }
        }
    }

    /// On well-formed rows (random nested values, strings with every kind
    /// of escape and brackets inside them), the row-end scanner finds the
    /// row's `]` exactly, fed whole or resumed at every split; and
    /// [`may_end_row`] passes it, whatever follows it.
    #[test]
    fn row_end_finds_the_end_of_well_formed_rows() {
        fn value(next: &mut impl FnMut() -> u64, out: &mut Vec<u8>, depth: u32) {
            match next() % 6 {
                0 | 1 if depth < 5 => {
                    let obj = next() % 2 == 0;
                    out.push(if obj { b'{' } else { b'[' });
                    for k in 0..next() % 4 {
                        if k > 0 {
                            out.push(b',');
                        }
                        if obj {
                            string(next, out);
                            out.push(b':');
                        }
                        value(next, out, depth + 1);
                    }
                    out.push(if obj { b'}' } else { b']' });
                }
                2 | 3 => string(next, out),
                _ => out.extend_from_slice(b"-12.5e3"),
            }
        }
        fn string(next: &mut impl FnMut() -> u64, out: &mut Vec<u8>) {
            const PIECES: [&[u8]; 8] = [
                b"ab", b"\\\\", b"\\\"", b"]}", b"[{", b"\\u005d", b"\\n", b"x y",
            ];
            out.push(b'"');
            for _ in 0..next() % 12 {
                out.extend_from_slice(PIECES[(next() % 8) as usize]);
            }
            out.push(b'"');
        }
        let mut next = xorshift(0x1234_5678_9abc_def1);
        for _ in 0..3_000 {
            let mut row = b"[".to_vec();
            for k in 0..next() % 6 {
                if k > 0 {
                    row.extend_from_slice(b", ");
                }
                value(&mut next, &mut row, 0);
            }
            row.push(b']');
            let want = row.len();
            // What may follow a row's `]`, then more.
            const NEXT: [&[u8]; 5] = [b",[", b" ,\r\n\t{", b"]", b"\n ]", b", ["];
            row.extend_from_slice(NEXT[(next() % 5) as usize]);
            row.extend_from_slice(b"\"]\"]]");
            // A `]` that may end the row is found from anywhere before
            // its `]`, however soon after it the bytes end.
            for cut in want..=row.len() {
                let from = 1 + (next() as usize % (want - 1));
                assert!(may_end_row(&row[..cut], from), "cut at {cut}");
            }
            let fresh = RowScan::at(0);
            // Whole, from after the `[`.
            assert_eq!(row_end(&row, 1, &mut { fresh }), Some(want));
            // Cut at every byte, then resumed.
            for cut in 1..want {
                let mut st = fresh;
                assert_eq!(row_end(&row[..cut], 1, &mut st), None, "cut at {cut}");
                assert_eq!(row_end(&row, 1, &mut st), Some(want), "cut at {cut}");
            }
        }
    }

    /// [`crate::unchecked::find_byte`] finds the first `]` from every start
    /// in slices of every length up to 80, with and without one, as a
    /// byte-at-a-time search does.
    #[test]
    fn find_byte_matches_position() {
        let mut next = xorshift(0x0bad_cafe_1234_5679);
        for len in 0..=80 {
            for _ in 0..40 {
                let c: Vec<u8> = (0..len)
                    .map(|_| match next() % 8 {
                        0 => b']',
                        1 => 0xDD,
                        2 => b'}',
                        _ => b'a',
                    })
                    .collect();
                for i in 0..=len + 1 {
                    let want = c
                        .get(i..)
                        .and_then(|s| s.iter().position(|&b| b == b']'))
                        .map(|k| i + k);
                    assert_eq!(
                        crate::unchecked::find_byte(&c, i, b']'),
                        want,
                        "{c:?} from {i}"
                    );
                }
            }
        }
    }

    /// The plain-run scanner stops exactly at the first special byte (or
    /// the limit) from every start, for every limit, including the
    /// overlapping last block before the limit.
    #[test]
    fn plain_run_is_exact_at_every_start_and_limit() {
        for special in [b'"', b'\\', 0x1F, 0x80, 0xFF] {
            for at in 0..40 {
                let mut s = [b'a'; 40];
                s[at] = special;
                for lim in 0..=40 {
                    for i in 0..=lim {
                        let want = (i..lim)
                            .find(|&k| STR_SPECIAL[s[k] as usize])
                            .unwrap_or(lim);
                        assert_eq!(
                            plain_run(&s, i, lim),
                            want,
                            "{special:#x} at {at}, from {i} to {lim}"
                        );
                        assert_eq!(
                            plain_run_words(&s, i, lim),
                            want,
                            "words: {special:#x} at {at}, from {i} to {lim}"
                        );
                    }
                }
            }
        }
    }

    /// The word-at-a-time scanners agree with byte-at-a-time definitions
    /// for every byte value at every position of a word.
    #[test]
    fn word_scanners_match_byte_definitions() {
        for pos in 0..20 {
            for b in 0..=255u8 {
                for lead in [&b"5"[..], b"-1", b"0.", b"1e+"] {
                    let mut buf = [b'5'; 24];
                    buf[..lead.len()].copy_from_slice(lead);
                    let at = (lead.len() + pos).min(21);
                    buf[at] = b;
                    buf[22] = b',';
                    for lim in [24, 22, 13] {
                        assert_eq!(
                            fast_number(&buf, 0, lim),
                            number_ref(&buf, 0, lim),
                            "{:?} lim {lim}",
                            core::str::from_utf8(&buf)
                        );
                    }
                }
                let mut s = [b'a'; 24];
                s[pos] = b;
                let stop = if STR_SPECIAL[b as usize] { pos } else { 24 };
                assert!(
                    skip_plain(&s, 0, 24).unwrap_or_else(|i| i) <= stop,
                    "skip, byte {b:#x} at {pos}"
                );
                assert_eq!(
                    fast_string(&s, 0, 24, None).ok().map(|r| r.0),
                    if b == b'"' { Some(pos + 1) } else { None },
                    "string, byte {b:#x} at {pos}"
                );
            }
        }
    }
}
