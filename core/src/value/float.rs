//! `real` values: the text correctly rounded to the nearest `f64` (Clinger's
//! fast path, then Eisel-Lemire, then core's parser).

use super::digits::{
    byte_is, bytes_from, digit, eight_digits_value, leading_value8, non_digits8, scan_digits,
    significant_digits, Around,
};
use super::pow5::{POW5_128, POW5_MAX, POW5_MIN};
use super::ValueErrorKind;

/// The optional exponent part `[eE][+-]?digits` at `b[*i..]`, saturated at
/// ±10^12 (such exponents are out of every range anyway); 0 when absent,
/// `None` when `e` has no digits.
pub(super) fn exponent(b: &[u8], i: &mut usize) -> Option<i64> {
    let Some(b'e' | b'E') = b.get(*i) else {
        return Some(0);
    };
    *i += 1;
    let neg = match b.get(*i) {
        Some(b'-') => {
            *i += 1;
            true
        }
        Some(b'+') => {
            *i += 1;
            false
        }
        _ => false,
    };
    let start = *i;
    let mut exp: i64 = 0;
    while let Some(d) = digit(b, *i) {
        exp = (exp * 10 + i64::from(d)).min(1_000_000_000_000);
        *i += 1;
    }
    if *i == start {
        return None;
    }
    Some(if neg { -exp } else { exp })
}

/// A `real`: `NaN`, `Infinity`, `-Infinity` (exactly so spelled), or a number
/// (`[+-]?(digits[.digits?]|.digits)([eE][+-]?digits)?`) correctly rounded
/// to the nearest `f64`.
#[inline]
pub(super) fn parse_real(s: &str) -> Result<f64, ValueErrorKind> {
    parse_real_at(Around::text(s))
}

/// [`parse_real`] of `t`.
///
/// Texts of at most 16 bytes with a mantissa of at most 16 digits and an
/// exponent of at most 7 (`-81.63`, `0.01`, `1000`, `6.02E+23`,
/// `-1234.5678901`), by far the common ones, are read from one 16-byte word
/// ending with the text, in which the digits are where
/// [`eight_digits_value`] wants them: the last digit in the top byte. The
/// bytes that are not digits are flagged all at once: the last flagged
/// byte, when an `e` (or a sign after one), ends the mantissa, which is then
/// shifted up to the top; the one flagged byte left, when a point, is
/// squeezed out by moving the bytes below it up; the bytes below the digits
/// are replaced by `'0'`s. Everything else goes to [`parse_real_general`],
/// which gives the same results.
#[inline]
pub(super) fn parse_real_at(t: Around<'_>) -> Result<f64, ValueErrorKind> {
    const ZEROS: u128 = 0x3030_3030_3030_3030_3030_3030_3030_3030;
    let n = t.len();
    let b = t.bytes();
    if !(1..=16).contains(&n) {
        return parse_real_general(b);
    }
    let w = t.last16();
    // The text is bytes 16 - n to 15 of `w`; `at(i)` is byte i of `w`.
    let first = 16 - n;
    let at = |i: usize| b.get(i.wrapping_sub(first)).copied().unwrap_or(0);
    let lead = at(first);
    let neg = lead == b'-';
    let signed = usize::from(neg | (lead == b'+'));
    let digits_from = first + signed;
    // Flags (the high bit) on every byte of the text after the sign that is
    // not a digit.
    let flags = (u128::from(non_digits8(w as u64))
        | u128::from(non_digits8((w >> 64) as u64)) << 64)
        & bytes_from(digits_from);
    // The last flagged byte (none: wraps, and `at` gives 0).
    let last = 15usize.wrapping_sub((flags.leading_zeros() / 8) as usize);
    let e_at = last - usize::from(matches!(at(last), b'+' | b'-') && last > digits_from);
    // The mantissa: bytes `digits_from..mant_end` of `w`, moved up to end
    // at byte 16; `exp`, the exponent.
    let (m_word, m_flags, mant_end, exp) = if at(e_at) | 0x20 != b'e' {
        (w, flags, 16, 0)
    } else {
        // 1 to 7 exponent digits, all in the high word, after a mantissa.
        let e_digits = 15 - last;
        if !(1..=7).contains(&e_digits) || e_at == digits_from {
            return parse_real_general(b);
        }
        let e = leading_value8(((w >> 64) as u64) >> (8 * (8 - e_digits)), e_digits) as i64;
        let e = if at(last) == b'-' { -e } else { e };
        let up = 8 * (16 - e_at) as u32;
        (w << up, flags << up, e_at, e)
    };
    // At most one flag left, on a point.
    let point = m_flags != 0;
    let p = (m_flags.trailing_zeros() / 8) as usize;
    if m_flags & m_flags.wrapping_sub(1) != 0 || (point && at(p - (16 - mant_end)) != b'.') {
        return parse_real_general(b);
    }
    let digits = mant_end - digits_from - usize::from(point);
    if digits == 0 {
        return parse_real_general(b);
    }
    // The point squeezed out: the bytes below it one place up.
    let above = bytes_from(p + 1);
    let m_word = if point {
        (m_word & above) | ((m_word << 8) & !above)
    } else {
        m_word
    };
    // '0's below the digits (1 to 16 of them).
    let keep = bytes_from(16 - digits);
    let m_word = (m_word & keep) | (ZEROS & !keep);
    let m =
        eight_digits_value(m_word as u64) * 100_000_000 + eight_digits_value((m_word >> 64) as u64);
    let frac = if point { 15 - p } else { 0 };
    let Some(v) = decimal_to_f64(m, exp - frac as i64) else {
        return parse_real_general(b);
    };
    if v.is_infinite() {
        return Err(ValueErrorKind::OutOfRange);
    }
    // v >= 0: the sign bit is the sign.
    Ok(f64::from_bits(v.to_bits() | u64::from(neg) << 63))
}

/// [`parse_real`] for any text: one pass reads the sign, up to 19
/// significant digits and the exponent; then Clinger's fast path (mantissa
/// and power of ten both exact `f64`s), else the Eisel-Lemire algorithm,
/// else (more than 19 significant digits, or a product too close to a
/// halfway point) core's parser.
#[inline(never)]
fn parse_real_general(b: &[u8]) -> Result<f64, ValueErrorKind> {
    use ValueErrorKind::{Invalid, OutOfRange};

    let (neg, start) = match b.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let mut i = start;
    let mut m = 0u64;
    scan_digits(b, &mut i, &mut m);
    let mut ndigits = i - start;
    let mut frac = 0usize;
    if byte_is(b, i, b'.') {
        i += 1;
        let frac_start = i;
        scan_digits(b, &mut i, &mut m);
        frac = i - frac_start;
        ndigits += frac;
    }
    if ndigits == 0 {
        return match b {
            b"NaN" => Ok(f64::NAN),
            b"Infinity" => Ok(f64::INFINITY),
            b"-Infinity" => Ok(f64::NEG_INFINITY),
            _ => Err(Invalid),
        };
    }
    let digits_end = i;
    let exp = exponent(b, &mut i).ok_or(Invalid)?;
    if i != b.len() {
        return Err(Invalid);
    }
    let v = if ndigits > 19 && significant_digits(b.get(start..digits_end).unwrap_or(&[])) > 19 {
        None
    } else {
        // |exp| <= 10^12 and frac < 2^40 (cells are bounded by the token
        // size), so no overflow.
        decimal_to_f64(m, exp - frac as i64)
    };
    let v = match v {
        Some(v) => v,
        None => {
            // The text is a `&str` or validated JSON: UTF-8.
            let Some(v) = core::str::from_utf8(b)
                .ok()
                .and_then(|s| s.parse::<f64>().ok())
            else {
                return Err(Invalid);
            };
            // core's parser has its own sign.
            return if v.is_infinite() {
                Err(OutOfRange)
            } else {
                Ok(v)
            };
        }
    };
    if v.is_infinite() {
        return Err(OutOfRange);
    }
    Ok(if neg { -v } else { v })
}

/// `m * 10^e10` correctly rounded to the nearest `f64` (ties to even), or
/// `None` when neither Clinger's fast path nor Eisel-Lemire can decide.
#[inline]
fn decimal_to_f64(m: u64, e10: i64) -> Option<f64> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    if m == 0 {
        return Some(0.0);
    }
    // Clinger: m and 10^|e10| are exact f64s, so one operation rounds
    // correctly.
    if m <= 1 << 53 {
        if let Ok(e) = usize::try_from(e10) {
            if let Some(&p) = POW10.get(e) {
                return Some(m as f64 * p);
            }
        } else if let Some(&p) = usize::try_from(-e10).ok().and_then(|e| POW10.get(e)) {
            return Some(m as f64 / p);
        }
    }
    eisel_lemire(m, e10)
}

/// The Eisel-Lemire algorithm (as in fast_float and core's `dec2flt`):
/// `w * 10^q` correctly rounded to an `f64` from a 128-bit approximation of
/// `5^q`, or `None` when the approximation is too close to a halfway point
/// to decide. `w` is not 0.
fn eisel_lemire(w: u64, q: i64) -> Option<f64> {
    const MANTISSA_BITS: i32 = 52;
    const MIN_EXPONENT: i32 = -1023;
    const INFINITE_POWER: i32 = 0x7FF;
    if q < POW5_MIN {
        return Some(0.0);
    }
    if q > POW5_MAX {
        return Some(f64::INFINITY);
    }
    let &(hi5, lo5) = POW5_128.get(usize::try_from(q - POW5_MIN).ok()?)?;
    let lz = w.leading_zeros();
    let w = w << lz;
    // The product w * 5^q, to 64 + 55 bits at least.
    let mul = |a: u64, b: u64| {
        let r = u128::from(a) * u128::from(b);
        (r as u64, (r >> 64) as u64)
    };
    let (mut lo, mut hi) = mul(w, hi5);
    const PRECISION_MASK: u64 = u64::MAX >> (MANTISSA_BITS + 3);
    if hi & PRECISION_MASK == PRECISION_MASK {
        let (_, second_hi) = mul(w, lo5);
        lo = lo.wrapping_add(second_hi);
        if second_hi > lo {
            hi = hi.wrapping_add(1);
        }
    }
    // -342 <= q <= 308 here.
    let q = q as i32;
    if lo == u64::MAX && !(-27..=55).contains(&q) {
        return None;
    }
    let upperbit = (hi >> 63) as i32;
    let shift = upperbit + 64 - MANTISSA_BITS - 3;
    let mut mantissa = hi >> shift;
    // floor(log2(10^q)) + 63, then the normalization shifts.
    let mut power2 =
        ((q.wrapping_mul(152_170 + 65_536) >> 16) + 63) + upperbit - lz as i32 - MIN_EXPONENT;
    if power2 <= 0 {
        if -power2 + 1 >= 64 {
            return Some(0.0);
        }
        // Subnormal.
        mantissa >>= -power2 + 1;
        mantissa += mantissa & 1;
        mantissa >>= 1;
        power2 = i32::from(mantissa >= 1 << MANTISSA_BITS);
        return Some(f64::from_bits(mantissa | (power2 as u64) << MANTISSA_BITS));
    }
    // Exactly halfway between two floats: round down to even.
    if lo <= 1 && (-4..=23).contains(&q) && mantissa & 3 == 1 && mantissa << shift == hi {
        mantissa &= !1;
    }
    mantissa += mantissa & 1;
    mantissa >>= 1;
    if mantissa >= 2 << MANTISSA_BITS {
        mantissa = 1 << MANTISSA_BITS;
        power2 += 1;
    }
    mantissa &= !(1 << MANTISSA_BITS);
    if power2 >= INFINITE_POWER {
        return Some(f64::INFINITY);
    }
    Some(f64::from_bits(mantissa | (power2 as u64) << MANTISSA_BITS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::reference::{self, in_buffers};
    use alloc::string::{String, ToString};
    use alloc::{format, vec};
    use proptest::prelude::*;

    #[test]
    fn eisel_lemire_decides_typical_reals() {
        // 17-digit mantissas and large exponents, beyond Clinger: decided
        // here, without the fallback.
        let cases: &[(u64, i64, f64)] = &[
            (12_345_678_901_234_567, -13, 1_234.567_890_123_456_7),
            (17_976_931_348_623_157, 292, f64::MAX),
            (22_250_738_585_072_014, -324, f64::MIN_POSITIVE),
            (49_406_564_584_124_654, -340, 5e-324),
            (1, 300, 1e300),
            (602_214_076, 15, 6.022_140_76e23),
        ];
        for &(m, q, want) in cases {
            assert_eq!(
                eisel_lemire(m, q).map(f64::to_bits),
                Some(want.to_bits()),
                "{m}e{q}"
            );
        }
        assert_eq!(eisel_lemire(1, 309), Some(f64::INFINITY));
        assert_eq!(eisel_lemire(1, -343), Some(0.0));
    }

    #[test]
    fn reals_at_the_edges() {
        let cases = [
            "9007199254740992",
            "9007199254740993",
            "9007199254740994",
            "9007199254740995",
            "18446744073709551615",
            "1844674407370955161.5",
            "9999999999999999999",
            "99999999999999999999",
            "2.2250738585072011e-308",
            "2.2250738585072014e-308",
            "4.9406564584124654e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "0.000000000000000000000000000000000000000000001",
            "1e-342",
            "1e-343",
            "1e308",
            "1e309",
            "123456789012345678e-400",
            "0e999999999999999",
            "-0.0e-5",
            "1e22",
            "1e23",
            "9007199254740993e-4",
            "9007199254740993e23",
            "+.5e1",
            "5.e-1",
        ];
        for text in cases {
            same_real(text).unwrap();
        }
        // Every length up to 17 bytes, with and without a point, an
        // exponent and a sign, and a bad byte at every position.
        for n in 1..=17usize {
            let digits: String = "12345678901234567".chars().take(n).collect();
            let mut texts = vec![digits.clone()];
            for k in 0..=n {
                texts.push(format!("{}.{}", &digits[..k], &digits[k..]));
                texts.push(format!("-{}.{}e-7", &digits[..k], &digits[k..]));
                texts.push(format!("{}.{}E+123", &digits[..k], &digits[k..]));
            }
            for k in 0..n {
                for bad in [b'/', b'.', b'e', b'-', b'x'] {
                    let mut b = digits.clone().into_bytes();
                    b[k] = bad;
                    texts.push(String::from_utf8(b).unwrap());
                }
            }
            for text in &texts {
                same_real(text).unwrap();
                same_real(&format!("-{text}")).unwrap();
                same_real(&format!("+{text}")).unwrap();
            }
        }
    }

    /// The fast parser, on the text alone and inside buffers, and the
    /// general one (the previous parser), all agree with the reference.
    fn same_real(text: &str) -> Result<(), TestCaseError> {
        let want = reference::parse_real(text).map(f64::to_bits);
        let got = parse_real(text).map(f64::to_bits);
        prop_assert_eq!(got, want, "{}", text);
        let got = parse_real_general(text.as_bytes()).map(f64::to_bits);
        prop_assert_eq!(got, want, "general {}", text);
        for (buf, start, end) in in_buffers(text) {
            let got = parse_real_at(Around::new(&buf, start, end)).map(f64::to_bits);
            prop_assert_eq!(got, want, "{} at {} in {:?}", text, start, buf);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn reals_match_reference_on_number_like_text(
            s in "[-+]?0{0,3}[0-9]{0,24}\\.?[0-9]{0,24}([eE][-+]?[0-9]{0,4})?",
            junk in "[-+0-9eE.NaIinfty]{0,12}",
        ) {
            same_real(&s)?;
            same_real(&junk)?;
        }

        #[test]
        fn reals_match_reference_on_shortest_forms(bits in any::<u64>()) {
            let v = f64::from_bits(bits);
            prop_assume!(v.is_finite());
            for text in [format!("{v}"), format!("{v:?}"), format!("{v:e}"), format!("{v:E}")] {
                same_real(&text)?;
            }
        }

        #[test]
        fn reals_match_reference_on_long_mantissas(
            m in any::<u64>(),
            digits in 1u32..=19,
            e in -400i32..=400,
            point in 0usize..=20,
        ) {
            let m = m % 10u64.pow(digits);
            let mut text = m.to_string();
            if point < text.len() {
                text.insert(point, '.');
            }
            same_real(&format!("{text}e{e}"))?;
            same_real(&format!("-{text}"))?;
        }

        #[test]
        fn reals_match_reference_near_halfway(m in (1u64 << 53)..u64::MAX, q in -30i32..=30) {
            // Odd integers above 2^53 fall halfway between f64s; their
            // neighbours just off it.
            let odd = m | 1;
            for w in [odd, odd - 1, odd.saturating_add(1)] {
                same_real(&format!("{w}e{q}"))?;
            }
        }
    }

    proptest! {
        /// The exact decimal text of the midpoint between two consecutive
        /// f64s (too many digits: the fallback), and its 17- to 19-digit
        /// truncations and the next ones up (Eisel-Lemire, just off the
        /// halfway point).
        #[test]
        fn reals_match_reference_at_exact_midpoints(m in (1u64 << 52)..(1u64 << 53), e in -30i32..=74) {
            let odd = u128::from(m) * 2 + 1;
            // The midpoint is odd * 2^(e - 1).
            let (digits, point) = if e >= 1 {
                ((odd << (e - 1)).to_string(), 0)
            } else {
                let k = (1 - e).unsigned_abs();
                ((odd * 5u128.pow(k)).to_string(), k as usize)
            };
            let text = if point == 0 {
                digits.clone()
            } else {
                format!("{digits}e-{point}")
            };
            same_real(&text)?;
            for keep in 17..=19usize.min(digits.len()) {
                let (head, _) = digits.split_at(keep);
                let exp = digits.len() - keep;
                let up: u64 = head.parse::<u64>().unwrap_or(0) + 1;
                same_real(&format!("{head}e{}", exp as i64 - point as i64))?;
                same_real(&format!("{up}e{}", exp as i64 - point as i64))?;
            }
        }
    }
}
