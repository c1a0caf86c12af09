//! Strings on the fast path: plain runs, escapes, UTF-8; and unescaping.

use super::*;

/// Why [`fast_string`] stopped short of a string's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StrStop {
    /// The bytes ran out (at the limit) before the closing quote, with no
    /// error before: `escaped`, an escape was seen; `run`, where the plain
    /// run not yet copied to `out` starts (the string is unescaped up to
    /// there); `resume`, where scanning must go on: the limit after a whole
    /// character or escape, else the first byte of the one the limit cuts.
    Cut {
        escaped: bool,
        run: usize,
        resume: usize,
    },
    /// The string breaks the grammar: the error and the index of the byte
    /// at fault.
    Bad(ErrorKind, usize),
}

/// The JSON string grammar (RFC 8259 and RFC 3629: escapes, surrogate
/// pairs, well-formed UTF-8, no control characters), the one definition
/// that every path of the lexer uses: the row and nested fast paths call it
/// on a string's first byte after the quote, the token path on each chunk
/// of a string that chunks cut (see [`Lexer::scan_str`]).
///
/// From `i` (inside the contents): the end (after the closing quote) of a
/// valid string ending inside the limit, and whether it has escapes;
/// otherwise why not (see [`StrStop`]). With `out`, a string with escapes is
/// unescaped into it as it is scanned (on `Err` the caller truncates `out`
/// back).
#[inline(always)]
pub(super) fn fast_string(
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
pub(super) fn fast_string_rest(
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
        let cut = |escaped, run, resume| StrStop::Cut {
            escaped,
            run,
            resume,
        };
        let Some(&b) = chunk.get(i).filter(|_| i < lim) else {
            return Err(cut(escaped, run, i));
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
                // `out` holds the string up to the escape.
                let Some(&e) = chunk.get(i + 1).filter(|_| i + 1 < lim) else {
                    return Err(cut(true, i, i));
                };
                if let Some(c) = simple_escape(e) {
                    if let Some(o) = out.as_deref_mut() {
                        o.push(c);
                    }
                    i += 2;
                } else {
                    match escape_u(chunk, i, e, lim) {
                        Ok((next, cp)) => {
                            if let Some(o) = out.as_deref_mut() {
                                push_code_point(o, cp);
                            }
                            i = next;
                        }
                        Err(None) => return Err(cut(true, i, i)),
                        Err(Some((kind, at))) => return Err(StrStop::Bad(kind, at)),
                    }
                }
                run = i;
            }
            0x80.. => match utf8_char(chunk, i, b, lim) {
                Ok(next) => i = next,
                Err(None) => return Err(cut(escaped, run, i)),
                Err(Some(at)) => return Err(StrStop::Bad(ErrorKind::InvalidUtf8, at)),
            },
            _ => return Err(StrStop::Bad(ErrorKind::ControlCharacter, i)),
        }
        i = runs.end(chunk, i, lim);
    }
}

/// The escape whose `\` is at `i`, followed by `e`, which is not a
/// one-character escape ([`simple_escape`]): the index after it and the
/// code point it stands for; `Err(None)` when the limit cuts it before any
/// fault, `Err(Some(..))` with the error and the byte at fault: an unknown
/// escape or a non-hex digit ([`ErrorKind::InvalidEscape`]), a low
/// surrogate alone or a high one not followed by `\u` and a low one
/// ([`ErrorKind::LoneSurrogate`], at the last hex digit of the escape at
/// fault, or at the byte where `\u` should be).
#[inline]
fn escape_u(
    c: &[u8],
    i: usize,
    e: u8,
    lim: usize,
) -> Result<(usize, u32), Option<(ErrorKind, usize)>> {
    if e != b'u' {
        return Err(Some((ErrorKind::InvalidEscape, i + 1)));
    }
    let hi = hex4(c, i + 2, lim)?;
    if (0xDC00..=0xDFFF).contains(&hi) {
        return Err(Some((ErrorKind::LoneSurrogate, i + 5)));
    }
    if !(0xD800..=0xDBFF).contains(&hi) {
        return Ok((i + 6, hi));
    }
    let at = |k: usize| c.get(k).copied().filter(|_| k < lim).ok_or(None);
    for (k, want) in [(i + 6, b'\\'), (i + 7, b'u')] {
        if at(k)? != want {
            return Err(Some((ErrorKind::LoneSurrogate, k)));
        }
    }
    let lo = hex4(c, i + 8, lim)?;
    if !(0xDC00..=0xDFFF).contains(&lo) {
        return Err(Some((ErrorKind::LoneSurrogate, i + 11)));
    }
    Ok((i + 12, 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)))
}

/// The four hex digits at `i`: their value; `Err(None)` when the limit cuts
/// them before a non-hex digit, else the first non-hex digit
/// ([`ErrorKind::InvalidEscape`]).
#[inline(always)]
fn hex4(c: &[u8], i: usize, lim: usize) -> Result<u32, Option<(ErrorKind, usize)>> {
    // The four digits (the usual case), or those before the limit.
    let whole = c.get(i..i + 4).filter(|_| i + 4 <= lim);
    let d = whole.unwrap_or_else(|| c.get(i..lim.min(c.len())).unwrap_or(&[]));
    let mut v = 0u32;
    for (k, &b) in d.iter().enumerate() {
        let x = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return Err(Some((ErrorKind::InvalidEscape, i + k))),
        };
        v = (v << 4) | u32::from(x);
    }
    match whole {
        Some(_) => Ok(v),
        None => Err(None),
    }
}

/// The UTF-8 character whose lead byte `b` (>= 0x80) is at `i`: the index
/// after it; `Err(None)` when the limit cuts it before any fault, else the
/// byte at fault (RFC 3629: no overlong forms, no surrogates, nothing above
/// U+10FFFF).
#[inline(always)]
fn utf8_char(c: &[u8], i: usize, b: u8, lim: usize) -> Result<usize, Option<usize>> {
    let (need, lo, hi) = utf8_lead(b).ok_or(Some(i))?;
    let at = |k: usize| c.get(k).copied().filter(|_| k < lim).ok_or(None);
    let c1 = at(i + 1)?;
    if c1 < lo || c1 > hi {
        return Err(Some(i + 1));
    }
    let need = usize::from(need);
    for k in i + 2..=i + need {
        if !(0x80..=0xBF).contains(&at(k)?) {
            return Err(Some(k));
        }
    }
    Ok(i + 1 + need)
}

/// [`plain_run`] for the runs between the escapes and characters of one
/// string: it keeps the special bytes of the last 32 bytes it looked at
/// (where the target has SSE2, see [`crate::unchecked::special_mask32`]), so
/// that a run ending among them is found without loading them again.
pub(super) struct Runs {
    /// Where the 32 bytes start (`usize::MAX`: none kept).
    pub(super) base: usize,
    /// One bit per special byte among them.
    pub(super) mask: u32,
}

impl Runs {
    #[inline(always)]
    pub(super) fn new() -> Self {
        Runs {
            base: usize::MAX,
            mask: 0,
        }
    }

    /// End of the plain run at `i`, as [`plain_run`].
    #[inline(always)]
    pub(super) fn end(&mut self, chunk: &[u8], mut i: usize, lim: usize) -> usize {
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
pub(super) fn copy_run(out: &mut Vec<u8>, chunk: &[u8], a: usize, b: usize) {
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
pub(super) fn utf8_lead(b: u8) -> Option<(u8, u8, u8)> {
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
pub(super) fn plain_run(chunk: &[u8], i: usize, lim: usize) -> usize {
    match skip_plain(chunk, i, lim) {
        Ok(end) => end,
        Err(i) => plain_run_words(chunk, i, lim),
    }
}

/// [`plain_run`] eight bytes at a time, then one: the portable path.
#[inline]
pub(super) fn plain_run_words(chunk: &[u8], mut i: usize, lim: usize) -> usize {
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
pub(super) fn skip_plain(chunk: &[u8], i: usize, lim: usize) -> Result<usize, usize> {
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

/// Index of the first `\` in `src[i..]`, or `src.len()`: eight bytes at a
/// time, then one.
#[inline]
pub(super) fn find_backslash(src: &[u8], mut i: usize) -> usize {
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
        let hi = hex4(src, i, src.len()).unwrap_or(0xFFFD);
        i += 4;
        let cp = if (0xD800..=0xDBFF).contains(&hi) {
            let lo = hex4(src, i + 2, src.len()).unwrap_or(0xDC00);
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
pub(super) fn simple_escape(e: u8) -> Option<u8> {
    match SIMPLE_ESCAPES[e as usize] {
        0 => None,
        c => Some(c),
    }
}

/// [`simple_escape`] as a table (0: not a one-character escape).
pub(super) const SIMPLE_ESCAPES: [u8; 256] = {
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
pub(super) fn push_code_point(out: &mut Vec<u8>, cp: u32) {
    let ch = char::from_u32(cp).unwrap_or('\u{FFFD}');
    let mut buf = [0u8; 4];
    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
}
