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
    nest: Nesting,
    tok: TokenState,
    /// Absolute offset of `chunk[0]`.
    pub(crate) base: u64,
    // ---- capture ----
    pub(crate) spill: Vec<u8>,
    /// Index in the current chunk where the capture's unspilled bytes begin.
    pub(crate) cap_chunk_start: usize,
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
                unesc: None,
            },
            base: 0,
            spill: Vec::new(),
            cap_chunk_start: 0,
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
        self.cap.outer = true;
        self.cap.limit_kind = kind;
        self.cap.limit_abs = (self.base + p as u64).saturating_add(limit);
    }

    pub(crate) fn end_outer(&mut self) {
        self.cap.outer = false;
        self.cap.limit_abs = u64::MAX;
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
        let start = if self.cap.outer { self.logical(p) } else { 0 };
        Token {
            kind,
            abs: self.base + p as u64,
            start,
            end: start + 1,
            unesc: None,
        }
    }

    fn begin_token(&mut self, p: usize, st: TState, key: bool) {
        if !self.cap.outer {
            self.spill.clear();
            self.unesc.clear();
            self.cap_chunk_start = p;
            self.cap.limit_abs = (self.base + p as u64).saturating_add(self.cap.max_token);
        }
        self.tok.state = st;
        self.tok.start = self.logical(p);
        self.tok.abs = self.base + p as u64;
        self.tok.key = key;
        self.tok.escaped = false;
        self.tok.unesc = None;
    }

    /// Scan limit inside the chunk for the capture in progress.
    #[inline]
    fn limit(&self, len: usize) -> usize {
        if self.cap.limit_abs == u64::MAX {
            return len;
        }
        let rel = self.cap.limit_abs.saturating_sub(self.base);
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
                    b']' | b'}' if self.expect == Expect::Value && self.nest.depth > 0 => {
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
        self.settle(chunk, start, q);
        let end = self.logical(q);
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
            abs: self.tok.abs,
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
                            self.tok.escaped = true;
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
        self.tok.state = TState::Str(s);
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
        self.tok.state = TState::Num(n);
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
        self.tok.state = TState::Lit { kind, i: k };
        *p = i;
        Ok(None)
    }

    /// `true` when no token is in progress (the fast path may run).
    pub(crate) fn between_tokens(&self) -> bool {
        self.tok.state == TState::None
    }

    /// At end of input: `Ok` only if the top-level value is complete.
    /// A number at the very end of the body completes here.
    pub(crate) fn at_eof(&self) -> Result<(), Error> {
        if self.expect == Expect::Done && self.tok.state == TState::None {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::UnexpectedEof, self.base))
        }
    }
}

mod cells;
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

pub(crate) use row_end::held_row_is_whole;
use row_end::*;
use scalar::*;
pub(crate) use string::unescape_into;
use string::*;
