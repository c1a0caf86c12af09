//! Numbers, literals and nested cells on the fast path.

use super::*;

/// End of a nested value (object or array) starting at `p` that holds only
/// clean tokens (strings, numbers, literals) and nests at most `room`
/// levels (and 64); `None` for anything else.
///
/// Recursive descent: where the code is tells what comes next, so each
/// branch predicts well (a state variable dispatched per token does not).
#[inline]
pub(super) fn fast_nested(chunk: &[u8], p: usize, lim: usize, room: u32) -> Option<usize> {
    Nested {
        c: chunk.get(..lim)?,
    }
    .container(p, room.min(64))
}

/// The bytes (cut at the limit) that [`fast_nested`] reads.
pub(super) struct Nested<'c> {
    pub(super) c: &'c [u8],
}

impl Nested<'_> {
    #[inline(always)]
    pub(super) fn ws(&self, i: usize) -> usize {
        skip_ws(self.c, i)
    }

    /// An object or array at `i` (its `{` or `[`).
    pub(super) fn container(&self, i: usize, room: u32) -> Option<usize> {
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
    pub(super) fn value(&self, i: usize, room: u32) -> Option<usize> {
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
pub(super) fn scalar_end(c: &[u8], p: usize, b: u8) -> Option<usize> {
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
pub(super) fn literal_end(c: &[u8], p: usize, first: u8) -> Option<usize> {
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
pub(super) fn fast_number(chunk: &[u8], p: usize, lim: usize) -> Option<usize> {
    fast_number_in(chunk, p, lim, false)
}

/// As [`fast_number`]; `in_object` also allows a `}` after the number.
#[inline(always)]
pub(super) fn fast_number_in(chunk: &[u8], p: usize, lim: usize, in_object: bool) -> Option<usize> {
    let c = chunk.get(..lim)?;
    let i = match crate::unchecked::nondigit_mask32(c, p) {
        Some(m) => match number_in_window(c, p, m) {
            Window::End(i) => i,
            Window::Bad => return None,
            Window::Beyond => number_end(c, p)?,
        },
        None => number_end(c, p)?,
    };
    match c.get(i) {
        Some(b',' | b']' | b' ' | b'\n' | b'\r' | b'\t') => Some(i),
        Some(b'}') if in_object => Some(i),
        _ => None,
    }
}

/// What [`number_in_window`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Window {
    /// The end of the number (as [`number`] gives it).
    End(usize),
    /// Not a number that a row cell may hold (no digit where one must be,
    /// or a leading zero followed by a digit).
    Bad,
    /// The number may go on past the 32 bytes: [`number`] decides.
    Beyond,
}

/// [`number`] from `p` through a mask of the bytes in `c[p..p + 32]`
/// that are not digits (`nondigit`): each run of digits is measured with one
/// count of trailing zeros instead of a loop, so a number's length costs no
/// branch. Also `Bad` for a `0` followed by a digit (which no caller
/// accepts: the byte after the number must end it).
#[inline(always)]
pub(super) fn number_in_window(c: &[u8], p: usize, nondigit: u32) -> Window {
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

/// What [`number`] and [`literal`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step<S> {
    /// The token ends before this index (a number: the byte there cannot
    /// go on with it, and is not looked at further).
    End(usize),
    /// The bytes ran out (at the limit) in this state, with no fault.
    More(S),
    /// The error and the index of the byte at fault.
    Bad(ErrorKind, usize),
}

/// What has been read of a number: the states of its grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Num {
    Start,
    Minus,
    Zero,
    Int,
    Dot,
    Frac,
    E,
    ESign,
    Exp,
}

/// The JSON number grammar (RFC 8259), the one definition that every path
/// of the lexer uses: the fast paths call it from a number's first byte
/// (in state [`Num::Start`]; [`number_in_window`] is its branch-free kernel
/// for the numbers a window holds, tested equal to it), the token path from
/// where a chunk cut a number (see [`Lexer::next`]).
///
/// From `i` in state `n`, over `c` up to `lim`: where the number ends,
/// the state when the bytes run out, or the fault (a digit after a leading
/// zero: [`ErrorKind::LeadingZero`]; a missing digit after `-`, `.`, `e` or
/// its sign: [`ErrorKind::InvalidNumber`]).
#[inline(always)]
pub(super) fn number(c: &[u8], mut i: usize, lim: usize, mut n: Num) -> Step<Num> {
    let c = c.get(..lim).unwrap_or(c);
    let at = |i: usize| c.get(i).copied();
    // The parts in order, straight through (a state enters at its part):
    // sign, integer, fraction, exponent.
    if n == Num::Start {
        match at(i) {
            None => return Step::More(Num::Start),
            Some(b'-') => i += 1,
            Some(_) => {}
        }
        n = Num::Minus;
    }
    if n == Num::Minus {
        match at(i) {
            None => return Step::More(Num::Minus),
            Some(b'0') => n = Num::Zero,
            Some(b'1'..=b'9') => n = Num::Int,
            Some(_) => return Step::Bad(ErrorKind::InvalidNumber, i),
        }
        i += 1;
    }
    if n == Num::Int {
        i = digits(c, i);
    }
    if matches!(n, Num::Zero | Num::Int) {
        match at(i) {
            None => return Step::More(n),
            Some(b'0'..=b'9') => return Step::Bad(ErrorKind::LeadingZero, i),
            Some(b'.') => n = Num::Dot,
            Some(b'e' | b'E') => n = Num::E,
            Some(_) => return Step::End(i),
        }
        i += 1;
    }
    if n == Num::Dot {
        match at(i) {
            None => return Step::More(Num::Dot),
            Some(b'0'..=b'9') => n = Num::Frac,
            Some(_) => return Step::Bad(ErrorKind::InvalidNumber, i),
        }
        i += 1;
    }
    if n == Num::Frac {
        i = digits(c, i);
        match at(i) {
            None => return Step::More(Num::Frac),
            Some(b'e' | b'E') => n = Num::E,
            Some(_) => return Step::End(i),
        }
        i += 1;
    }
    if n == Num::E {
        match at(i) {
            None => return Step::More(Num::E),
            Some(b'+' | b'-') => n = Num::ESign,
            Some(b'0'..=b'9') => n = Num::Exp,
            Some(_) => return Step::Bad(ErrorKind::InvalidNumber, i),
        }
        i += 1;
    }
    if n == Num::ESign {
        match at(i) {
            None => return Step::More(Num::ESign),
            Some(b'0'..=b'9') => i += 1,
            Some(_) => return Step::Bad(ErrorKind::InvalidNumber, i),
        }
    }
    // Exp: the exponent's digits.
    i = digits(c, i);
    match at(i) {
        None => Step::More(Num::Exp),
        Some(_) => Step::End(i),
    }
}

/// The end of a number starting at `p` and ending inside `c` (the byte
/// after it is there); `None` for anything else. Out of line: the fast
/// paths call it only for what their window kernel leaves (a long number,
/// or one near the limit), and the callers stay small.
#[inline(never)]
pub(super) fn number_end(c: &[u8], p: usize) -> Option<usize> {
    match number(c, p, c.len(), Num::Start) {
        Step::End(i) => Some(i),
        _ => None,
    }
}

/// The literal that first byte `b` begins, if any: `true`, `false` or
/// `null`.
#[inline(always)]
pub(super) fn literal_kind(b: u8) -> Option<TokKind> {
    match b {
        b't' => Some(TokKind::True),
        b'f' => Some(TokKind::False),
        b'n' => Some(TokKind::Null),
        _ => None,
    }
}

/// The literal grammar: `true`, `false` or `null` (`kind`), of which `k`
/// bytes were read before `i`. [`literal_end`] is its four-byte kernel.
#[inline]
pub(super) fn literal(c: &[u8], mut i: usize, lim: usize, kind: TokKind, mut k: u8) -> Step<u8> {
    let word = match kind {
        TokKind::True => TRUE,
        TokKind::False => FALSE,
        _ => NULL,
    };
    while let Some(&want) = word.get(usize::from(k)) {
        let Some(&b) = c.get(i).filter(|_| i < lim) else {
            return Step::More(k);
        };
        if b != want {
            return Step::Bad(ErrorKind::Syntax, i);
        }
        i += 1;
        k += 1;
    }
    Step::End(i)
}

/// End of the run of ASCII digits in `c` starting at `i`, eight at a time
/// (with the values' digit test, [`crate::value::non_digits8`]).
#[inline(always)]
pub(super) fn digits(c: &[u8], mut i: usize) -> usize {
    while let Some(w) = c.get(i..i + 8) {
        let Ok(word) = <[u8; 8]>::try_from(w) else {
            break;
        };
        let m = crate::value::non_digits8(u64::from_le_bytes(word));
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
