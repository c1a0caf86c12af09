//! `decimal` values: [`Decimal`], and the number syntax it accepts.

use core::fmt;

use super::digits::{byte_is, bytes_equal8, load_le, non_digits8, skip_digits};
use super::float::exponent;

/// `[+-]? (digits (. digits?)? | . digits) ([eE] [+-]? digits)?`: the number
/// syntax accepted in strings (a superset of JSON's, which it also checks
/// for number cells).
fn is_number_syntax(b: &[u8]) -> bool {
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    // The common case first, a word at a time: up to 32 bytes after the
    // sign, all digits but at most one point. An exponent, or anything
    // else, goes the byte-level way below.
    let body = b.get(i..).unwrap_or(&[]);
    if (1..=32).contains(&body.len()) {
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let (mut other, mut points) = (0u64, 0u32);
        for word in body.chunks(8) {
            // The high bit of each byte of the word that is in `body`.
            let valid = HIGH >> (8 * (8 - word.len()));
            let w = load_le(word);
            let point = bytes_equal8(w, b'.') & valid;
            points += point.count_ones();
            other |= non_digits8(w) & valid & !point;
        }
        if other == 0 {
            return points <= 1 && body.len() > points as usize;
        }
    }
    let mut digits = skip_digits(b, &mut i);
    if byte_is(b, i, b'.') {
        i += 1;
        digits += skip_digits(b, &mut i);
    }
    if digits == 0 {
        return false;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = b.get(i) {
            i += 1;
        }
        if skip_digits(b, &mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// A `decimal`, kept as the exact text that was sent: the raw text of a JSON
/// number, or the contents of a JSON string.
///
/// The text is a number (`[+-]?digits[.digits][(e|E)[+-]digits]`, either
/// side of the point may be empty but not both) or one of `NaN`, `Infinity`,
/// `-Infinity`. Equality compares the text, so `1.0 != 1.00`.
///
/// ```
/// use kusto_frames::value::Decimal;
///
/// let d = Decimal::parse("12345678901234567890.1230").unwrap();
/// assert_eq!(d.text(), "12345678901234567890.1230");
/// // Exact: mantissa and scale, as written.
/// assert_eq!(d.to_scaled(), Some((123_456_789_012_345_678_901_230, 4)));
/// assert_eq!(Decimal::parse("-1.5E+3").unwrap().to_scaled(), Some((-1500, 0)));
/// assert!(Decimal::parse("NaN").unwrap().is_nan());
/// assert!(Decimal::parse("1,5").is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal<'a> {
    pub(super) text: &'a str,
}

/// The largest number of fraction digits [`Decimal::to_scaled`] returns.
const MAX_SCALE: i64 = 38;

impl<'a> Decimal<'a> {
    /// Wraps `text` when it is a decimal's text (see [`Decimal`]).
    pub fn parse(text: &'a str) -> Option<Decimal<'a>> {
        if is_number_syntax(text.as_bytes()) || matches!(text, "NaN" | "Infinity" | "-Infinity") {
            Some(Decimal { text })
        } else {
            None
        }
    }

    /// The text as sent.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// `true` for `NaN`.
    pub fn is_nan(&self) -> bool {
        self.text == "NaN"
    }

    /// `true` for `Infinity` and `-Infinity`.
    pub fn is_infinite(&self) -> bool {
        matches!(self.text, "Infinity" | "-Infinity")
    }

    /// The nearest `f64` (lossy); NaN and the infinities map to themselves.
    pub fn to_f64(&self) -> f64 {
        match self.text {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            t => t.parse().unwrap_or(f64::NAN),
        }
    }

    /// The exact value as `(mantissa, scale)`, meaning `mantissa / 10^scale`.
    ///
    /// The scale is the number of fraction digits as written (so `"1.20"`
    /// gives `(120, 2)`), adjusted by the exponent (`"1.5E+3"` gives
    /// `(1500, 0)`, `"1e-5"` gives `(1, 5)`); when that mantissa does not fit
    /// an `i128` or the scale exceeds 38, trailing zeros are dropped to make
    /// it fit. `None` for NaN, the infinities, and values that cannot be
    /// represented exactly (mantissa beyond `i128` or more than 38
    /// significant fraction digits).
    pub fn to_scaled(&self) -> Option<(i128, u32)> {
        let b = self.text.as_bytes();
        let (neg, b) = match b.split_first() {
            Some((b'-', rest)) => (true, rest),
            Some((b'+', rest)) => (false, rest),
            _ => (false, b),
        };
        // The digits are `m` followed by `zeros` zeros; `frac` of them are
        // after the point.
        let mut m: u128 = 0;
        let mut zeros: u64 = 0;
        let mut frac: i64 = 0;
        let mut ndigits = 0usize;
        let mut seen_point = false;
        let mut i = 0;
        while let Some(&c) = b.get(i) {
            match c {
                b'0'..=b'9' => {
                    if c == b'0' {
                        zeros += 1;
                    } else {
                        m = times_pow10(m, zeros)?
                            .checked_mul(10)?
                            .checked_add(u128::from(c - b'0'))?;
                        zeros = 0;
                    }
                    ndigits += 1;
                    if seen_point {
                        frac += 1;
                    }
                }
                b'.' if !seen_point => seen_point = true,
                _ => break,
            }
            i += 1;
        }
        if ndigits == 0 {
            return None;
        }
        let exp = exponent(b, &mut i)?;
        if i != b.len() {
            return None;
        }
        // value = m * 10^zeros / 10^scale
        let scale = frac - exp;
        if m == 0 {
            return Some((0, u32::try_from(scale.clamp(0, MAX_SCALE)).ok()?));
        }
        let limit: u128 = if neg { 1 << 127 } else { (1 << 127) - 1 };
        let fits = |e: u64| times_pow10(m, e).filter(|&v| v <= limit);
        let (mag, scale) = if scale < 0 {
            let e = zeros.checked_add(scale.unsigned_abs())?;
            (fits(e)?, 0)
        } else {
            let zeros_i = i64::try_from(zeros).ok()?;
            // Keep as many of the written zeros as the scale and range allow.
            let mut e = zeros_i.min(zeros_i - (scale - MAX_SCALE).max(0)).min(39);
            if e < 0 {
                return None;
            }
            let mag = loop {
                // 0 <= e <= 39 here.
                if let Some(v) = fits(e.unsigned_abs()) {
                    break v;
                }
                if e == 0 {
                    return None;
                }
                e -= 1;
            };
            let scale = scale - (zeros_i - e);
            if scale < 0 {
                return None;
            }
            (mag, scale)
        };
        let mantissa = if neg {
            0i128.checked_sub_unsigned(mag)?
        } else {
            i128::try_from(mag).ok()?
        };
        Some((mantissa, u32::try_from(scale).ok()?))
    }
}

/// `m * 10^e`, when it fits a `u128`.
fn times_pow10(m: u128, e: u64) -> Option<u128> {
    if m == 0 || e == 0 {
        return Some(m);
    }
    m.checked_mul(10u128.checked_pow(u32::try_from(e).ok()?)?)
}

impl fmt::Display for Decimal<'_> {
    /// The text as sent.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::reference;
    use alloc::string::ToString;
    use proptest::prelude::*;

    #[test]
    fn decimal_scaled() {
        let cases: &[(&str, Option<(i128, u32)>)] = &[
            ("2.00000000000001", Some((200_000_000_000_001, 14))),
            ("1.2", Some((12, 1))),
            ("-1.2", Some((-12, 1))),
            ("+1.2", Some((12, 1))),
            ("0", Some((0, 0))),
            ("-0", Some((0, 0))),
            ("0.000", Some((0, 3))),
            ("0e-50", Some((0, 38))),
            ("0e99999999999999999999999", Some((0, 0))),
            ("1.20", Some((120, 2))),
            ("100", Some((100, 0))),
            ("007", Some((7, 0))),
            (".5", Some((5, 1))),
            ("5.", Some((5, 0))),
            ("1.5E+3", Some((1500, 0))),
            ("1.5e3", Some((1500, 0))),
            ("1e-5", Some((1, 5))),
            ("-1E-5", Some((-1, 5))),
            ("12.5e-1", Some((125, 2))),
            (
                "1e38",
                Some((100_000_000_000_000_000_000_000_000_000_000_000_000, 0)),
            ),
            ("1e39", None),
            ("1e-38", Some((1, 38))),
            ("1e-39", None),
            ("1.0e-38", Some((1, 38))),
            ("1.000e-38", Some((1, 38))),
            ("10e-39", Some((1, 38))),
            (
                "79228162514264337593543950335",
                Some((79_228_162_514_264_337_593_543_950_335, 0)),
            ),
            (
                "-79228162514264337593543950335",
                Some((-79_228_162_514_264_337_593_543_950_335, 0)),
            ),
            (
                "170141183460469231731687303715884105727",
                Some((i128::MAX, 0)),
            ),
            (
                "-170141183460469231731687303715884105728",
                Some((i128::MIN, 0)),
            ),
            ("170141183460469231731687303715884105728", None),
            ("-170141183460469231731687303715884105729", None),
            (
                "17014118346046923173168730371588410572.7",
                Some((i128::MAX, 1)),
            ),
            // Too many written zeros for the mantissa: dropped, scale reduced.
            (
                "1.00000000000000000000000000000000000000000",
                Some((100_000_000_000_000_000_000_000_000_000_000_000_000, 38)),
            ),
            (
                "17014118346046923173168730371588410572.70",
                Some((i128::MAX, 1)),
            ),
            ("0.00000000000000000000000000000000000001", Some((1, 38))),
            ("0.000000000000000000000000000000000000001", None),
            ("NaN", None),
            ("Infinity", None),
            ("-Infinity", None),
            ("", None),
            ("-", None),
            (".", None),
            ("1e", None),
            ("1e+", None),
            ("1.2.3", None),
            ("1,5", None),
            ("abc", None),
        ];
        for &(text, want) in cases {
            let d = Decimal { text };
            assert_eq!(d.to_scaled(), want, "{text}");
        }
    }

    #[test]
    fn decimal_parse_and_flags() {
        for text in [
            "1",
            "-1.5",
            "+2",
            ".5",
            "5.",
            "1e5",
            "1E-5",
            "NaN",
            "Infinity",
            "-Infinity",
        ] {
            assert_eq!(Decimal::parse(text).map(|d| d.text()), Some(text));
        }
        for text in ["", "nan", "inf", "+Infinity", "1 ", "0x1", "1e", "--1", "."] {
            assert_eq!(Decimal::parse(text), None, "{text}");
        }
        let nan = Decimal { text: "NaN" };
        assert!(nan.is_nan() && !nan.is_infinite() && nan.to_f64().is_nan());
        let inf = Decimal { text: "-Infinity" };
        assert!(!inf.is_nan() && inf.is_infinite());
        assert_eq!(inf.to_f64(), f64::NEG_INFINITY);
        assert_eq!(Decimal { text: "1.25" }.to_f64(), 1.25);
        assert_eq!(Decimal { text: "1.25" }.to_string(), "1.25");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn number_syntax_matches_reference(s in "[-+]?[0-9]{0,20}\\.?[0-9]{0,20}([eE][-+]?[0-9]{0,3})?", junk in "[-+0-9eE.]{0,12}") {
            prop_assert_eq!(is_number_syntax(s.as_bytes()), reference::is_number_syntax(s.as_bytes()), "{}", s);
            prop_assert_eq!(is_number_syntax(junk.as_bytes()), reference::is_number_syntax(junk.as_bytes()), "{}", junk);
        }
    }
}
