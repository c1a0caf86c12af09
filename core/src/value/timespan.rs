//! `timespan` values: [`TimeSpan`].

use core::fmt;

use super::datetime::{fraction_ticks, TICKS_PER_DAY, TICKS_PER_SECOND};
use super::digits::{
    byte_is, leading_digits8, load_le, put_digits, scan_digits, significant_digits, Template,
};
use super::int::apply_sign;
use super::ValueErrorKind;

/// A `timespan`: a signed duration in 100-nanosecond ticks (the .NET
/// `TimeSpan`).
///
/// ```
/// use kusto_frames::value::TimeSpan;
///
/// let t = TimeSpan::parse("-1.02:03:04.5").unwrap();
/// assert_eq!(t.ticks(), -(93_784 * 10_000_000 + 5_000_000));
/// assert_eq!(t.to_string(), "-1.02:03:04.5000000");
/// // A plain number of ticks is accepted too.
/// assert_eq!(TimeSpan::parse("10000000"), TimeSpan::parse("00:00:01"));
/// // Into `core::time::Duration` when non-negative (see `interop`).
/// assert!(core::time::Duration::try_from(t).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TimeSpan {
    ticks: i64,
}

impl TimeSpan {
    /// The zero duration.
    pub const ZERO: TimeSpan = TimeSpan { ticks: 0 };
    /// The shortest (most negative) duration, `-10675199.02:48:05.4775808`.
    pub const MIN: TimeSpan = TimeSpan { ticks: i64::MIN };
    /// The longest duration, `10675199.02:48:05.4775807`.
    pub const MAX: TimeSpan = TimeSpan { ticks: i64::MAX };

    /// The duration of `ticks` 100 ns ticks.
    pub const fn from_ticks(ticks: i64) -> Self {
        TimeSpan { ticks }
    }

    /// The duration in 100 ns ticks.
    pub const fn ticks(self) -> i64 {
        self.ticks
    }

    /// Parses the Kusto (.NET `"c"`) form `[-][d.]hh:mm:ss[.fffffff]`, or a
    /// plain integer number of ticks (`-?[0-9]+`).
    ///
    /// `hh`, `mm` and `ss` are exactly two digits (hours 00 to 23, minutes
    /// and seconds 00 to 59), the fraction 1 to 7 digits, the days any number
    /// of digits. `None` when the text is malformed or the duration does not
    /// fit in an `i64` of ticks.
    pub fn parse(s: &str) -> Option<TimeSpan> {
        parse_timespan(s.as_bytes()).ok()
    }
}

/// The leading digits of a timespan's text when there are 8 or more: how
/// many, and their value (`None` beyond an `i64` of ticks or days).
#[inline(never)]
fn long_lead(b: &[u8]) -> (usize, Option<u64>) {
    let mut i = 0;
    let mut lead = 0u64;
    scan_digits(b, &mut i, &mut lead);
    // Exact up to 19 significant digits; from 20 on (at least 10^19), too
    // many ticks or days for an i64 of ticks either way.
    if i > 19 && significant_digits(b.get(..i).unwrap_or(&[])) > 19 {
        (i, None)
    } else {
        (i, Some(lead))
    }
}

pub(super) fn parse_timespan(b: &[u8]) -> Result<TimeSpan, ValueErrorKind> {
    use ValueErrorKind::{Invalid, OutOfRange};

    let (neg, b) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    // Leading digits: ticks, days or hours, depending on what follows.
    // Up to 7 of them (all but the longest day counts) from one load.
    let (n, v) = leading_digits8(b, 0);
    let (i, lead) = if n < 8 { (n, Some(v)) } else { long_lead(b) };
    if i == 0 {
        return Err(Invalid);
    }
    let (days, hh_at) = match b.get(i) {
        None => {
            let ticks = lead.and_then(|mag| apply_sign(neg, mag));
            return ticks.map(TimeSpan::from_ticks).ok_or(OutOfRange);
        }
        Some(b'.') => (lead, i + 1),
        Some(b':') if i == 2 => (Some(0), 0),
        _ => return Err(Invalid),
    };
    // `hh:mm:ss` in one word, checked against its template at once.
    const CLOCK: Template = Template::new(b"00:00:00");
    let x = CLOCK.xor(
        b.get(hh_at..hh_at + 8)
            .map_or(0x3A3A_3A3A_3A3A_3A3A, load_le),
    );
    if CLOCK.mismatch(x) != 0 {
        return Err(Invalid);
    }
    // Byte k: the two-digit value of bytes k and k + 1.
    let pairs = x.wrapping_mul(10).wrapping_add(x >> 8);
    let byte = |k: u32| (pairs >> (8 * k)) as u32 & 0xFF;
    let (hours, minutes, seconds) = (byte(0), byte(3), byte(6));
    let mut i = hh_at + 8;
    let mut frac = 0;
    if byte_is(b, i, b'.') {
        i += 1;
        frac = fraction_ticks(b, &mut i, false).ok_or(Invalid)?;
    }
    if i != b.len() || hours > 23 || minutes > 59 || seconds > 59 {
        return Err(Invalid);
    }
    let in_day = u64::from(hours * 3600 + minutes * 60 + seconds) * TICKS_PER_SECOND as u64
        + u64::from(frac);
    days.and_then(|d| d.checked_mul(TICKS_PER_DAY as u64))
        .and_then(|d| d.checked_add(in_day))
        .and_then(|mag| apply_sign(neg, mag))
        .map(TimeSpan::from_ticks)
        .ok_or(OutOfRange)
}

impl fmt::Display for TimeSpan {
    /// `[-][d.]hh:mm:ss[.fffffff]`: days only when not zero, the fraction
    /// only when not zero (then always 7 digits).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const DAY: u64 = TICKS_PER_DAY as u64;
        const SEC: u64 = TICKS_PER_SECOND as u64;
        let mag = self.ticks.unsigned_abs();
        let days = mag / DAY;
        let in_day = mag % DAY;
        let secs = in_day / SEC;
        let frac = in_day % SEC;
        // Longest: "-10675199.02:48:05.4775808" (26 bytes).
        let mut buf = [0u8; 32];
        let mut len = 0;
        if self.ticks < 0 {
            if let Some(c) = buf.first_mut() {
                *c = b'-';
            }
            len = 1;
        }
        if days != 0 {
            let width = decimal_width(days);
            put_digits(&mut buf, len, width, days);
            len += width;
            if let Some(c) = buf.get_mut(len) {
                *c = b'.';
            }
            len += 1;
        }
        put_digits(&mut buf, len, 2, secs / 3600);
        put_digits(&mut buf, len + 3, 2, secs / 60 % 60);
        put_digits(&mut buf, len + 6, 2, secs % 60);
        for at in [len + 2, len + 5] {
            if let Some(c) = buf.get_mut(at) {
                *c = b':';
            }
        }
        len += 8;
        if frac != 0 {
            if let Some(c) = buf.get_mut(len) {
                *c = b'.';
            }
            put_digits(&mut buf, len + 1, 7, frac);
            len += 8;
        }
        let text = buf.get(..len).ok_or(fmt::Error)?;
        f.pad(core::str::from_utf8(text).map_err(|_| fmt::Error)?)
    }
}

/// The number of decimal digits of `v` (1 for 0).
fn decimal_width(mut v: u64) -> usize {
    let mut n = 1;
    while v >= 10 {
        v /= 10;
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::datetime::{TICKS_PER_HOUR, TICKS_PER_MINUTE};
    use crate::value::reference::same_fixed_formats;
    use alloc::string::ToString;
    use proptest::prelude::*;

    #[test]
    fn timespan_parse_and_display() {
        const S: i64 = TICKS_PER_SECOND;
        const M: i64 = TICKS_PER_MINUTE;
        const H: i64 = TICKS_PER_HOUR;
        const D: i64 = TICKS_PER_DAY;
        // (text, ticks, canonical display)
        let cases: &[(&str, i64, &str)] = &[
            ("00:00:00", 0, "00:00:00"),
            ("-00:00:00", 0, "00:00:00"),
            ("0", 0, "00:00:00"),
            (
                "01:23:45.6789000",
                H + 23 * M + 45 * S + 6_789_000,
                "01:23:45.6789000",
            ),
            (
                "01:23:45.6789",
                H + 23 * M + 45 * S + 6_789_000,
                "01:23:45.6789000",
            ),
            (
                "-2.00:00:02.0020002",
                -(2 * D + 2 * S + 20_002),
                "-2.00:00:02.0020002",
            ),
            (
                "1.01:02:03.004",
                D + H + 2 * M + 3 * S + 40_000,
                "1.01:02:03.0040000",
            ),
            ("-00:01:00.0001001", -(M + 1_001), "-00:01:00.0001001"),
            ("1.00:00:00.0000001", D + 1, "1.00:00:00.0000001"),
            ("600000000", 600_000_000, "00:01:00"),
            ("-600000000", -600_000_000, "-00:01:00"),
            ("00:00:00.1", 1_000_000, "00:00:00.1000000"),
            ("23:59:59.9999999", D - 1, "23:59:59.9999999"),
            ("0.23:59:59", D - S, "23:59:59"),
            ("0001.00:00:00", D, "1.00:00:00"),
            (
                "10675199.02:48:05.4775807",
                i64::MAX,
                "10675199.02:48:05.4775807",
            ),
            (
                "-10675199.02:48:05.4775808",
                i64::MIN,
                "-10675199.02:48:05.4775808",
            ),
            ("9223372036854775807", i64::MAX, "10675199.02:48:05.4775807"),
            (
                "-9223372036854775808",
                i64::MIN,
                "-10675199.02:48:05.4775808",
            ),
        ];
        for &(text, ticks, shown) in cases {
            let ts = TimeSpan::parse(text);
            assert_eq!(ts.map(TimeSpan::ticks), Some(ticks), "{text}");
            assert_eq!(TimeSpan::from_ticks(ticks).to_string(), shown, "{text}");
            assert_eq!(TimeSpan::parse(shown), ts, "{shown}");
        }
        let invalid = [
            "",
            "-",
            "+1",
            "1.",
            "1:00:00",
            "001:00:00",
            "01:00",
            "01:00:0",
            "01:00:00.",
            "01:00:00.12345678",
            "24:00:00",
            "00:60:00",
            "00:00:60",
            "1.24:00:00",
            ".01:00:00",
            "-.01:00:00",
            "1..01:00:00",
            "01:00:00 ",
            " 01:00:00",
            "01:00:00Z",
            "1d",
            "PT1H",
            "--1",
            "1.5",
            "01:02:03:04",
        ];
        for text in invalid {
            assert_eq!(
                parse_timespan(text.as_bytes()),
                Err(ValueErrorKind::Invalid),
                "{text}"
            );
            assert_eq!(TimeSpan::parse(text), None, "{text}");
        }
        let out_of_range = [
            "10675199.02:48:05.4775808",
            "-10675199.02:48:05.4775809",
            "10675200.00:00:00",
            "99999999999999999999.00:00:00",
            "9223372036854775808",
            "-9223372036854775809",
            "99999999999999999999999",
        ];
        for text in out_of_range {
            assert_eq!(
                parse_timespan(text.as_bytes()),
                Err(ValueErrorKind::OutOfRange),
                "{text}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn timespans_from_ticks_match_reference(ticks in any::<i64>()) {
            same_fixed_formats(&TimeSpan::from_ticks(ticks).to_string())?;
            same_fixed_formats(&ticks.to_string())?;
        }
    }
}
