//! `long` and `int` values: `-?[0-9]+` parsed exactly, never through `f64`.

use super::digits::{
    digit_count8, eight_digits_value, leading_value8, load_le, non_digits8, scan_digits,
    significant_digits, word8, Around,
};
use super::ValueErrorKind;

/// Parses exactly `-?[0-9]+` into an `i64`, never through `f64`.
///
/// 1 to 19 digits, by far the common case, take a few whole-word loads (the
/// first and last 8 digits overlapping when they do) checked and converted 8
/// digits at a time, without looking at the digits one by one; other lengths
/// go to [`parse_i64_general`].
#[inline]
pub(super) fn parse_i64(s: &str) -> Result<i64, ValueErrorKind> {
    parse_i64_bytes(s.as_bytes())
}

/// [`parse_i64`] of bytes.
#[inline]
fn parse_i64_bytes(b: &[u8]) -> Result<i64, ValueErrorKind> {
    let neg = b.first() == Some(&b'-');
    let digits = b.get(usize::from(neg)..).unwrap_or(&[]);
    let n = digits.len();
    let (mag, bad) = match n {
        1..=8 => {
            // Zero past the end: not digits.
            let w = load_le(digits);
            (leading_value8(w, n), digit_count8(w) != n)
        }
        9..=16 => {
            let (hi, lo) = (word8(digits, 0), word8(digits, n - 8));
            // Wrapping: the value is garbage (and unused) when a byte is
            // not a digit.
            (
                leading_value8(hi, n - 8)
                    .wrapping_mul(100_000_000)
                    .wrapping_add(eight_digits_value(lo)),
                non_digits8(hi) | non_digits8(lo) != 0,
            )
        }
        17..=19 => {
            let (hi, mid, lo) = (
                word8(digits, 0),
                word8(digits, n - 16),
                word8(digits, n - 8),
            );
            // At most 19 digits: below 10^19 < 2^64.
            (
                leading_value8(hi, n - 16)
                    .wrapping_mul(10_000_000_000_000_000)
                    .wrapping_add(eight_digits_value(mid).wrapping_mul(100_000_000))
                    .wrapping_add(eight_digits_value(lo)),
                non_digits8(hi) | non_digits8(mid) | non_digits8(lo) != 0,
            )
        }
        _ => return parse_i64_general(neg, digits),
    };
    if bad {
        return Err(ValueErrorKind::Invalid);
    }
    apply_sign(neg, mag).ok_or(ValueErrorKind::OutOfRange)
}

/// For each number of bytes to skip at the start of 24 (three words): the
/// masks of the bytes of each word that are kept.
const KEEP_DIGITS: [[u64; 3]; 25] = {
    let mut t = [[0u64; 3]; 25];
    let mut skip: usize = 0;
    while skip <= 24 {
        let mut k = 0;
        while k < 3 {
            let before = skip.saturating_sub(8 * k);
            t[skip][k] = if before >= 8 {
                0
            } else {
                u64::MAX << (8 * before)
            };
            k += 1;
        }
        skip += 1;
    }
    t
};

/// [`parse_i64`] of `t`: when the 24 bytes before the end of the text are in
/// its buffer, the three words of them are loaded whatever the length, the
/// bytes before the digits replaced by `'0'`s, so that 1 to 19 digits take
/// the same branch-free steps.
#[inline]
pub(super) fn parse_i64_at(t: Around<'_>) -> Result<i64, ValueErrorKind> {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    let Some(window) = t
        .end
        .checked_sub(24)
        .and_then(|from| t.buf.get(from..t.end))
    else {
        return parse_i64_bytes(t.bytes());
    };
    let n = t.len();
    // The first byte of the text, when the window holds it all.
    let neg = window.get(24usize.wrapping_sub(n)) == Some(&b'-');
    let digits = n - usize::from(neg);
    if !(1..=19).contains(&digits) {
        return parse_i64_bytes(t.bytes());
    }
    // The digits are the last `digits` bytes: the first 24 - digits (5 to
    // 23) are not looked at.
    let skip = 24 - digits;
    let word = |k: usize| word8(window, 8 * k);
    let (hi, mid, lo) = (word(0), word(1), word(2));
    let [khi, kmid, klo] = KEEP_DIGITS.get(skip).copied().unwrap_or([0; 3]);
    let bad = (non_digits8(hi) & khi) | (non_digits8(mid) & kmid) | (non_digits8(lo) & klo);
    let value = |x: u64, keep: u64| eight_digits_value((x & keep) | (ZEROS & !keep));
    // At most 19 digits: below 10^19 < 2^64 (wrapping: the value is
    // garbage, and unused, when a byte is not a digit).
    let mag = value(hi, khi)
        .wrapping_mul(10_000_000_000_000_000)
        .wrapping_add(value(mid, kmid).wrapping_mul(100_000_000))
        .wrapping_add(value(lo, klo));
    if bad != 0 {
        return Err(ValueErrorKind::Invalid);
    }
    if mag > i64::MAX as u64 + u64::from(neg) {
        return Err(ValueErrorKind::OutOfRange);
    }
    // -2^63 wraps to itself.
    let v = mag as i64;
    Ok(if neg { v.wrapping_neg() } else { v })
}

/// [`parse_i64`] for no digits or more than 19 of them (leading zeros).
#[cold]
#[inline(never)]
fn parse_i64_general(neg: bool, digits: &[u8]) -> Result<i64, ValueErrorKind> {
    let n = digits.len();
    let mut i = 0;
    let mut mag = 0u64;
    scan_digits(digits, &mut i, &mut mag);
    if n == 0 || i != n {
        return Err(ValueErrorKind::Invalid);
    }
    // Up to 19 significant digits the wrapping accumulation is exact; 20 or
    // more are at least 10^19, beyond `i64` either way.
    if n > 19 && significant_digits(digits) > 19 {
        return Err(ValueErrorKind::OutOfRange);
    }
    apply_sign(neg, mag).ok_or(ValueErrorKind::OutOfRange)
}

/// `mag` with the sign applied, when it fits.
pub(super) fn apply_sign(neg: bool, mag: u64) -> Option<i64> {
    if neg {
        0i64.checked_sub_unsigned(mag)
    } else {
        i64::try_from(mag).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::reference::{self, in_buffers};
    use alloc::format;
    use alloc::string::{String, ToString};
    use alloc::vec::Vec;
    use proptest::prelude::*;

    /// The same for `long`s.
    fn same_long(text: &str) -> Result<(), TestCaseError> {
        let want = reference::parse_i64(text);
        prop_assert_eq!(parse_i64(text), want, "{}", text);
        for (buf, start, end) in in_buffers(text) {
            let got = parse_i64_at(Around::new(&buf, start, end));
            prop_assert_eq!(got, want, "{} at {} in {:?}", text, start, buf);
        }
        Ok(())
    }

    #[test]
    fn longs_at_the_edges() {
        let mut cases: Vec<String> = [
            "",
            "-",
            "+1",
            "--1",
            "0",
            "-0",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999",
            "00000000000000000000009223372036854775807",
            "-0000000000000000000009223372036854775808",
            "-0000000000000000000009223372036854775809",
            "12345678901234567890123",
            "1 ",
            " 1",
            "1-",
            "1.0",
            "1e3",
            "12345678x",
            "1234567890123456x",
            "x234567890123456789",
        ]
        .map(String::from)
        .to_vec();
        // Every length of 1 to 20 digits, both signs, and a bad byte at
        // every position.
        for n in 1..=20 {
            let digits: String = "98765432109876543210".chars().take(n).collect();
            for k in 0..n {
                let mut bad = digits.clone().into_bytes();
                bad[k] = b'/';
                cases.push(String::from_utf8(bad).unwrap());
            }
            cases.push(format!("-{digits}"));
            cases.push(digits);
        }
        for text in &cases {
            same_long(text).unwrap();
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn longs_match_reference(
            digits in "-?0{0,24}[0-9]{0,24}",
            junk in "[-+0-9a. ]{0,26}",
            v in any::<i64>(),
            w in any::<i128>(),
        ) {
            same_long(&digits)?;
            same_long(&junk)?;
            same_long(&v.to_string())?;
            same_long(&w.to_string())?;
            same_long(&format!("-00000000000000{}", v.unsigned_abs()))?;
        }
    }
}
