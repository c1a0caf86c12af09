//! Finding the end of a row held back, without validating it (see
//! [`row_end`]).

use super::*;

/// How far [`row_end`] scanned the rest of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RowScan {
    /// Absolute offset where the scan started (`u64::MAX`: none).
    pub(super) abs: u64,
    /// Bytes scanned (or, in a `trial`, looked at for a `]`).
    pub(super) seen: usize,
    /// No bytes scanned yet: the row is taken as if whole once a `]`
    /// that may end it has arrived ([`may_end_row`]).
    pub(super) trial: bool,
    /// Brackets open after them (the row's included).
    pub(super) depth: usize,
    /// They end inside a string.
    pub(super) in_str: bool,
    /// They end with a `\` that escapes the next byte.
    pub(super) esc: bool,
}

impl RowScan {
    pub(super) const NONE: RowScan = RowScan {
        abs: u64::MAX,
        seen: 0,
        trial: false,
        depth: 0,
        in_str: false,
        esc: false,
    };

    /// Nothing scanned yet of the rest of a row at `abs`, between its
    /// cells: one bracket (the row's) open.
    pub(super) fn at(abs: u64) -> RowScan {
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
pub(super) fn may_end_row(c: &[u8], from: usize) -> bool {
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
pub(super) fn row_end(c: &[u8], p: usize, st: &mut RowScan) -> Option<usize> {
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
pub(super) fn escaped_bytes(bs: u32, first: bool) -> u64 {
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
pub(super) fn row_end_bytes(c: &[u8], mut i: usize, end: usize, st: &mut RowScan) -> Option<usize> {
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
