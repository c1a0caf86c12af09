//! Reading and writing ASCII digits: a byte at a time, and eight at a time
//! from one little-endian word (SWAR), for every parser of the module.

/// The value of the ASCII digit at `b[i]`.
#[inline]
pub(super) fn digit(b: &[u8], i: usize) -> Option<u32> {
    match b.get(i) {
        Some(&c) if c.is_ascii_digit() => Some(u32::from(c - b'0')),
        _ => None,
    }
}

#[inline]
pub(super) fn byte_is(b: &[u8], i: usize, want: u8) -> bool {
    b.get(i) == Some(&want)
}

/// The value of 8 ASCII digits loaded little-endian into `v` (first digit
/// in the low byte), 0 to 99 999 999.
#[inline]
pub(super) fn eight_digits_value(v: u64) -> u64 {
    const MASK: u64 = 0x0000_00FF_0000_00FF;
    const MUL1: u64 = 100 + (1_000_000 << 32);
    const MUL2: u64 = 1 + (10_000 << 32);
    let v = v.wrapping_sub(0x3030_3030_3030_3030);
    // Pairs of digits, then groups of four, then all eight.
    let v = v.wrapping_mul(10).wrapping_add(v >> 8);
    (v & MASK)
        .wrapping_mul(MUL1)
        .wrapping_add(((v >> 16) & MASK).wrapping_mul(MUL2))
        >> 32
}

/// The first `min(8, b.len())` bytes of `b` as a little-endian `u64`, the
/// missing high bytes 0. A few overlapping loads, no loop.
#[inline]
pub(super) fn load_le(b: &[u8]) -> u64 {
    let n = b.len();
    if let Some(eight) = b.get(..8) {
        return eight.try_into().map_or(0, u64::from_le_bytes);
    }
    let at = |i: usize, len: usize| -> u64 {
        match b.get(i..i + len) {
            Some(&[x0, x1, x2, x3]) => u64::from(u32::from_le_bytes([x0, x1, x2, x3])),
            Some(&[x0, x1]) => u64::from(u16::from_le_bytes([x0, x1])),
            Some(&[x0]) => u64::from(x0),
            _ => 0,
        }
    };
    // Two overlapping reads of the same bytes OR together harmlessly.
    if n >= 4 {
        at(0, 4) | at(n - 4, 4) << (8 * (n - 4))
    } else if n >= 2 {
        at(0, 2) | at(n - 2, 2) << (8 * (n - 2))
    } else {
        at(0, n)
    }
}

/// `load_le(&b[i..])` (0 when `i` is past the end); when `b` has 8 bytes
/// or more, the bytes near its end come from one load of its last 8.
#[inline]
pub(super) fn load_at(b: &[u8], i: usize) -> u64 {
    let n = b.len();
    if n < 8 {
        return load_le(b).checked_shr(8 * i as u32).unwrap_or(0);
    }
    if let Some(eight) = b.get(i..i + 8) {
        return eight.try_into().map_or(0, u64::from_le_bytes);
    }
    // i + 8 > n >= 8: the last 8 bytes, without the i + 8 - n before `i`.
    let last = b
        .get(n - 8..)
        .and_then(|x| x.try_into().ok())
        .map_or(0, u64::from_le_bytes);
    u32::try_from(8 * (i + 8 - n))
        .ok()
        .and_then(|s| last.checked_shr(s))
        .unwrap_or(0)
}

/// How many of the low bytes of `word` (little-endian) are ASCII digits
/// before the first other byte, 0 to 8. Branch-free.
#[inline]
pub(super) fn digit_count8(word: u64) -> usize {
    (non_digits8(word).trailing_zeros() / 8) as usize
}

/// The digits at `b[i..]`, up to 8 of them: (how many, their value).
/// Branch-free but for the load.
#[inline]
pub(super) fn leading_digits8(b: &[u8], i: usize) -> (usize, u64) {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    let word = load_at(b, i);
    // The bytes past the end of `b` are 0, not digits.
    let n = digit_count8(word);
    // Move the n digits to the top bytes, '0's below, and convert.
    let shift = 8 * (8 - n as u32);
    let digits =
        word.checked_shl(shift).unwrap_or(0) | ZEROS.checked_shr(8 * n as u32).unwrap_or(0);
    (n, eight_digits_value(digits))
}

/// The number of ASCII digits at `b[*i..]`, advancing `*i` past them.
#[inline]
pub(super) fn skip_digits(b: &[u8], i: &mut usize) -> usize {
    let start = *i;
    loop {
        let n = digit_count8(load_at(b, *i));
        *i += n;
        if n < 8 {
            return *i - start;
        }
    }
}

/// Reads the run of ASCII digits at `b[*i..]`, advancing `*i` past it, into
/// `m` (as `m * 10^n + digits`, wrapping: exact while the digits after the
/// leading zeros number at most 19). Eight digits at a time.
#[inline]
pub(super) fn scan_digits(b: &[u8], i: &mut usize, m: &mut u64) {
    const POW10: [u64; 9] = [
        1,
        10,
        100,
        1_000,
        10_000,
        100_000,
        1_000_000,
        10_000_000,
        100_000_000,
    ];
    loop {
        let (n, v) = leading_digits8(b, *i);
        *m = m
            .wrapping_mul(POW10.get(n).copied().unwrap_or(0))
            .wrapping_add(v);
        *i += n;
        if n < 8 {
            break;
        }
    }
}

/// The number of digits in `b` not counting leading zeros (a `.` among the
/// leading zeros is skipped); `b` holds only digits and at most one `.`.
pub(super) fn significant_digits(b: &[u8]) -> usize {
    let lead = b.iter().take_while(|&&c| c == b'0' || c == b'.').count();
    let rest = b.get(lead..).unwrap_or(&[]);
    rest.iter().filter(|c| c.is_ascii_digit()).count()
}

/// The high bit of every byte of `word` that is not an ASCII digit, exact
/// (no borrow between bytes): the crate's one digit test on words, used by
/// the values' parsers and the lexer's number grammar.
#[inline(always)]
pub(crate) fn non_digits8(word: u64) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte is a digit when `byte ^ 0x30` is at most 9: flag the others.
    let x = word ^ 0x3030_3030_3030_3030;
    (((x & LOW7).wrapping_add(0x7676_7676_7676_7676)) | x) & HIGH
}

/// The high bit of every byte of `word` that is `byte`. Branch-free and
/// exact (no false positive from a borrow).
#[inline]
pub(super) fn bytes_equal8(word: u64, byte: u8) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let x = word ^ (0x0101_0101_0101_0101 * u64::from(byte));
    // Per byte, no carry out: (x & 0x7F) + 0x7F reaches 0x80 when x & 0x7F
    // is not 0; `| x` flags x >= 0x80. What is left unflagged is 0.
    !((((x & LOW7) + LOW7) | x) & HIGH) & HIGH
}

/// Eight bytes of a fixed format: `0` where a digit goes, the byte itself
/// elsewhere.
#[derive(Clone, Copy)]
pub(super) struct Template {
    /// The template's bytes, little-endian.
    bytes: u64,
    /// Per byte: 0x76 where a digit goes, 0x7F elsewhere.
    add: u64,
}

impl Template {
    pub(super) const fn new(t: &[u8; 8]) -> Self {
        let mut add = 0;
        let mut k = 0;
        while k < 8 {
            let a: u64 = if t[k] == b'0' { 0x76 } else { 0x7F };
            add |= a << (8 * k);
            k += 1;
        }
        Template {
            bytes: u64::from_le_bytes(*t),
            add,
        }
    }

    /// `word` XOR the template: the digits' values where digits go, 0
    /// where the other bytes match.
    #[inline(always)]
    pub(super) fn xor(self, word: u64) -> u64 {
        word ^ self.bytes
    }

    /// The high bit of every byte of `x` (from [`Template::xor`]) that is
    /// not a digit where a digit goes, or not the template's byte elsewhere.
    #[inline(always)]
    pub(super) fn mismatch(self, x: u64) -> u64 {
        const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        // Per byte, with no carry out of it: (x & 0x7F) + 0x76 reaches 0x80
        // when x > 9, (x & 0x7F) + 0x7F when x > 0; `| x` flags x >= 0x80.
        (((x & LOW7) + self.add) | x) & HIGH
    }
}

/// The value of the first `n` bytes of `word` (little-endian), which are
/// ASCII digits; `n` is 0 to 8 (0 gives 0).
#[inline]
pub(super) fn leading_value8(word: u64, n: usize) -> u64 {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    // The n digits to the top bytes, '0's below.
    let shift = 8 * 8u32.saturating_sub(n as u32);
    let digits =
        word.checked_shl(shift).unwrap_or(0) | (ZEROS & !u64::MAX.checked_shl(shift).unwrap_or(0));
    eight_digits_value(digits)
}

/// A number's text: `buf[start..end]`, with whatever bytes lie before it in
/// `buf` (a row's earlier cells), so that the words ending with the text can
/// be loaded with no branch on its length; the bytes before the text are
/// masked out.
#[derive(Clone, Copy)]
pub(crate) struct Around<'a> {
    pub(super) buf: &'a [u8],
    pub(super) start: usize,
    pub(super) end: usize,
}

impl<'a> Around<'a> {
    /// The text `buf[start..end]` (empty when out of range).
    #[inline]
    pub(crate) fn new(buf: &'a [u8], start: usize, end: usize) -> Self {
        if start <= end && end <= buf.len() {
            Around { buf, start, end }
        } else {
            Around {
                buf: &[],
                start: 0,
                end: 0,
            }
        }
    }

    /// `text` on its own.
    #[inline]
    pub(crate) fn text(text: &'a str) -> Self {
        Around::new(text.as_bytes(), 0, text.len())
    }

    #[inline]
    pub(super) fn bytes(&self) -> &'a [u8] {
        self.buf.get(self.start..self.end).unwrap_or(&[])
    }

    #[inline]
    pub(super) fn len(&self) -> usize {
        self.end - self.start
    }

    /// The last 16 bytes of the text (at most 16 of them) as a little-endian
    /// `u128`, the bytes before them 0: the last byte of the text is the
    /// top byte. One load when 16 bytes of `buf` end with the text.
    #[inline(always)]
    pub(super) fn last16(&self) -> u128 {
        let n = self.len();
        match self
            .end
            .checked_sub(16)
            .and_then(|from| self.buf.get(from..self.end))
        {
            Some(w) => {
                w.try_into().map_or(0, u128::from_le_bytes) & bytes_from(16usize.saturating_sub(n))
            }
            None => {
                // Shorter than 16 bytes, at the start of `buf`.
                let b = self.bytes();
                let first = u128::from(load_le(b));
                let last = u128::from(load_le(b.get(n.saturating_sub(8)..).unwrap_or(&[])));
                let first = first
                    .checked_shl(8 * 16u32.saturating_sub(n as u32))
                    .unwrap_or(0);
                let last = last
                    .checked_shl(8 * (8 + 8u32.saturating_sub(n as u32)))
                    .unwrap_or(0);
                first | last
            }
        }
    }
}

/// The 8 bytes of `b` from `at` as a little-endian `u64` (0 when `b` is too
/// short: callers pass offsets with 8 bytes after them).
#[inline]
pub(super) fn word8(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8)
        .and_then(|w| w.try_into().ok())
        .map_or(0, u64::from_le_bytes)
}

/// The mask of bytes `k` to 15 of a `u128` (0 for `k >= 16`).
#[inline]
pub(super) fn bytes_from(k: usize) -> u128 {
    const TABLE: [u128; 17] = {
        let mut t = [0u128; 17];
        let mut k = 0;
        while k < 16 {
            t[k] = u128::MAX << (8 * k);
            k += 1;
        }
        t
    };
    TABLE.get(k).copied().unwrap_or(0)
}

/// Writes `value` as `width` zero-padded decimal digits into `buf[at..]`.
/// Higher digits that do not fit are dropped (callers pass values that fit).
pub(super) fn put_digits(buf: &mut [u8], at: usize, width: usize, mut value: u64) {
    if let Some(dst) = buf.get_mut(at..at + width) {
        for d in dst.iter_mut().rev() {
            // `value % 10` is below 10, so the cast is exact.
            *d = b'0' + (value % 10) as u8;
            value /= 10;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn significant_digit_counts() {
        for (text, n) in [
            ("", 0),
            ("0", 0),
            ("000", 0),
            ("0.000", 0),
            ("0.0012", 2),
            ("100", 3),
            ("00100.10", 5),
            (".5", 1),
        ] {
            assert_eq!(significant_digits(text.as_bytes()), n, "{text}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn eight_digit_blocks(bytes in any::<[u8; 8]>(), digits in any::<[u8; 8]>()) {
            let block = digits.map(|d| b'0' + d % 10);
            let naive = block.iter().fold(0u64, |acc, &c| acc * 10 + u64::from(c - b'0'));
            prop_assert_eq!(eight_digits_value(u64::from_le_bytes(block)), naive);
            let run = bytes.iter().take_while(|c| c.is_ascii_digit()).count();
            prop_assert_eq!(digit_count8(u64::from_le_bytes(bytes)), run);
        }

        #[test]
        fn leading_digit_runs(text in "[0-9]{0,10}[^0-9]?[0-9]{0,13}", cut in 0usize..=26) {
            let b = text.as_bytes();
            let b = b.get(..cut).unwrap_or(b);
            let mut padded = [0u8; 8];
            for (p, &c) in padded.iter_mut().zip(b) {
                *p = c;
            }
            prop_assert_eq!(load_le(b), u64::from_le_bytes(padded));
            let run: &[u8] = &b[..b.iter().take(8).take_while(|c| c.is_ascii_digit()).count()];
            let naive = run.iter().fold(0u64, |acc, &c| acc * 10 + u64::from(c - b'0'));
            prop_assert_eq!(leading_digits8(b, 0), (run.len(), naive));
            for at in 0..=b.len() + 1 {
                let rest = b.get(at..).unwrap_or(&[]);
                prop_assert_eq!(load_at(b, at), load_le(rest), "{:?} at {}", b, at);
            }
            let mut i = 0;
            let all = b.iter().take_while(|c| c.is_ascii_digit()).count();
            prop_assert_eq!(skip_digits(b, &mut i), all);
            prop_assert_eq!(i, all);
        }
    }
}
