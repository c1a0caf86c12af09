//! `datetime` values: [`DateTime`] and its calendar fields; the tick units
//! and the fraction-of-a-second reader that `timespan` shares.

use core::fmt;

use super::digits::{byte_is, digit, leading_digits8, load_le, put_digits, Template};

pub(super) const TICKS_PER_SECOND: i64 = 10_000_000;
pub(super) const TICKS_PER_MINUTE: i64 = 60 * TICKS_PER_SECOND;
pub(super) const TICKS_PER_HOUR: i64 = 60 * TICKS_PER_MINUTE;
pub(super) const TICKS_PER_DAY: i64 = 24 * TICKS_PER_HOUR;

/// Reads up to 7 fraction digits of a second from `b[*i..]` (just past the
/// `.`) as ticks. Returns `None` when there is no digit, or when there are
/// more than 7 digits and `zeros_beyond_7` is false or a digit beyond the
/// 7th is not `0`.
#[inline]
pub(super) fn fraction_ticks(b: &[u8], i: &mut usize, zeros_beyond_7: bool) -> Option<u32> {
    /// Ticks per unit of the last of n fraction digits.
    const SCALE: [u32; 8] = [0, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];
    let (n, v) = leading_digits8(b, *i);
    if n == 0 {
        return None;
    }
    if let Some(&scale) = SCALE.get(n) {
        *i += n;
        // v < 10^7 here.
        return Some(v as u32 * scale);
    }
    // Eight digits or more: the 8th on must all be 0.
    if !zeros_beyond_7 || v % 10 != 0 {
        return None;
    }
    *i += 8;
    while byte_is(b, *i, b'0') {
        *i += 1;
    }
    if digit(b, *i).is_some() {
        return None;
    }
    // The first 7 digits, v < 10^8.
    Some((v / 10) as u32)
}

/// A `datetime`: an instant in UTC, as 100-nanosecond ticks since
/// 0001-01-01T00:00:00Z in the proleptic Gregorian calendar (the .NET
/// `DateTime` epoch).
///
/// The formats handle the years 0000 to 9999 (year 0000 is a leap year and
/// has negative ticks). Any `i64` is accepted by [`DateTime::from_ticks`];
/// years outside that range are displayed with a sign or a fifth digit and do
/// not parse back.
///
/// ```
/// use kusto_frames::value::DateTime;
///
/// let d = DateTime::parse("2024-01-15T10:00:00.1234567Z").unwrap();
/// assert_eq!(d.to_string(), "2024-01-15T10:00:00.1234567Z");
/// let p = d.to_parts();
/// assert_eq!((p.year, p.month, p.day, p.subsec_ticks), (2024, 1, 15, 1_234_567));
/// // 100 ns ticks since 0001-01-01, as .NET counts them.
/// assert_eq!(DateTime::from_ticks(d.ticks()), d);
/// assert_eq!(DateTime::MAX.to_string(), "9999-12-31T23:59:59.9999999Z");
/// assert!(DateTime::parse("2023-02-29T00:00:00Z").is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    ticks: i64,
}

/// The calendar fields of a [`DateTime`], in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTimeParts {
    /// The year (0 to 9999 for parsed values).
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u8,
    /// The day of the month, from 1.
    pub day: u8,
    /// The hour, 0 to 23.
    pub hour: u8,
    /// The minute, 0 to 59.
    pub minute: u8,
    /// The second, 0 to 59.
    pub second: u8,
    /// The 100 ns ticks within the second, 0 to 9 999 999.
    pub subsec_ticks: u32,
}

/// Days from 0000-03-01 to 0001-01-01.
pub(super) const DAYS_TO_0001: i64 = 306;

/// Days from 0000-03-01 to `y-m-d` (proleptic Gregorian; H. Hinnant's
/// `days_from_civil`). `y` is 0..=9999, `m` 1..=12, `d` 1..=31.
fn days_from_civil(y: u32, m: u32, d: u32) -> i64 {
    // Counted from year -400 (one 400-year era earlier), so that every
    // quantity is unsigned and the divisions are by constants.
    let y = y + 400 - u32::from(m <= 2);
    let era = y / 400;
    let yoe = y % 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i64::from(era * 146_097 + doe) - 146_097
}

/// The inverse of [`days_from_civil`]: (year, month, day).
fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    // 1 <= m <= 12 and 1 <= d <= 31, so the casts are exact.
    (y, m as u8, d as u8)
}

fn is_leap(y: u32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: u32, m: u32) -> u32 {
    if m == 2 {
        28 + u32::from(is_leap(y))
    } else {
        // 31 for the odd months up to July and the even ones from August.
        30 + ((m + m / 8) & 1)
    }
}

/// Ticks of a date and time in years 0..=9999, when every field is valid.
fn ticks_from_fields(y: u32, mo: u32, d: u32, h: u32, mi: u32, s: u32, sub: u32) -> Option<i64> {
    if y > 9999
        || !(1..=12).contains(&mo)
        || d == 0
        || d > days_in_month(y, mo)
        || h > 23
        || mi > 59
        || s > 59
        || i64::from(sub) >= TICKS_PER_SECOND
    {
        return None;
    }
    let days = days_from_civil(y, mo, d) - DAYS_TO_0001;
    let secs = i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s);
    Some(days * TICKS_PER_DAY + secs * TICKS_PER_SECOND + i64::from(sub))
}

impl DateTime {
    /// 0000-01-01T00:00:00Z, the earliest instant the formats handle.
    pub const MIN: DateTime = DateTime {
        ticks: -366 * TICKS_PER_DAY,
    };
    /// 9999-12-31T23:59:59.9999999Z, the latest instant the formats handle.
    pub const MAX: DateTime = DateTime {
        ticks: 3_155_378_975_999_999_999,
    };
    /// 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: DateTime = DateTime {
        ticks: 621_355_968_000_000_000,
    };

    /// The instant `ticks` 100 ns ticks after 0001-01-01T00:00:00Z.
    pub const fn from_ticks(ticks: i64) -> Self {
        DateTime { ticks }
    }

    /// 100 ns ticks since 0001-01-01T00:00:00Z (negative in year 0000).
    pub const fn ticks(self) -> i64 {
        self.ticks
    }

    /// Parses ISO 8601 UTC `YYYY-MM-DDTHH:MM:SS[.f{1,7}][Z]`.
    ///
    /// A space (or `t`) may stand for the `T`, and `z` for the `Z`. Fraction
    /// digits beyond the 7th are accepted only when they are all `0`. Years
    /// run from 0000 to 9999; seconds from 00 to 59 (no leap second).
    pub fn parse(s: &str) -> Option<DateTime> {
        // Three overlapping words: `YYYY-MM-`, `DDTHH:MM`, `HH:MM:SS`, each
        // XORed with its template: each digit's value, and 0 for each
        // separator as expected.
        const T0: Template = Template::new(b"0000-00-");
        const T1: Template = Template::new(b"00000:00");
        const T2: Template = Template::new(b"00:00:00");
        let b = s.as_bytes();
        let head: &[u8; 19] = b.get(..19)?.try_into().ok()?;
        let word = |at: usize| head.get(at..at + 8).map_or(0, load_le);
        let t = head[10];
        // The `T` (or `t` or space) read on its own, as a `0` in the word.
        let (x0, x1, x2) = (
            T0.xor(word(0)),
            T1.xor((word(8) & !(0xFF << 16)) | (0x30 << 16)),
            T2.xor(word(11)),
        );
        let bad = T0.mismatch(x0) | T1.mismatch(x1) | T2.mismatch(x2);
        if (bad != 0) | !matches!(t, b'T' | b't' | b' ') {
            return None;
        }
        // Byte k of `pairs(x)`: the two-digit value of bytes k and k + 1.
        let pairs = |x: u64| x.wrapping_mul(10).wrapping_add(x >> 8);
        let byte = |x: u64, k: u32| (x >> (8 * k)) as u32 & 0xFF;
        let (p0, p1, p2) = (pairs(x0), pairs(x1), pairs(x2));
        let (year, month, day) = (byte(p0, 0) * 100 + byte(p0, 2), byte(p0, 5), byte(p1, 0));
        let (hour, minute, second) = (byte(p2, 0), byte(p2, 3), byte(p2, 6));
        let mut i = 19;
        let mut sub = 0;
        if byte_is(b, i, b'.') {
            i += 1;
            sub = fraction_ticks(b, &mut i, true)?;
        }
        if matches!(b.get(i), Some(b'Z' | b'z')) {
            i += 1;
        }
        if i != b.len() {
            return None;
        }
        ticks_from_fields(year, month, day, hour, minute, second, sub).map(DateTime::from_ticks)
    }

    /// The instant with the given calendar fields, or `None` when a field is
    /// out of range (the year must be 0..=9999).
    pub fn from_parts(p: DateTimeParts) -> Option<DateTime> {
        let year = u32::try_from(p.year).ok()?;
        ticks_from_fields(
            year,
            u32::from(p.month),
            u32::from(p.day),
            u32::from(p.hour),
            u32::from(p.minute),
            u32::from(p.second),
            p.subsec_ticks,
        )
        .map(DateTime::from_ticks)
    }

    /// The calendar fields of the instant, in UTC.
    pub fn to_parts(self) -> DateTimeParts {
        let days = self.ticks.div_euclid(TICKS_PER_DAY);
        let in_day = self.ticks.rem_euclid(TICKS_PER_DAY);
        let (year, month, day) = civil_from_days(days + DAYS_TO_0001);
        let secs = in_day / TICKS_PER_SECOND;
        // |ticks| < 2^63 bounds the year to about ±29 228; the other fields
        // are bounded by the day, so every cast below is exact.
        DateTimeParts {
            year: year as i32,
            month,
            day,
            hour: (secs / 3600) as u8,
            minute: (secs / 60 % 60) as u8,
            second: (secs % 60) as u8,
            subsec_ticks: (in_day % TICKS_PER_SECOND) as u32,
        }
    }
}

impl fmt::Display for DateTime {
    /// `YYYY-MM-DDTHH:MM:SS.fffffffZ`, always with 7 fraction digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.to_parts();
        let Ok(year) = u64::try_from(p.year) else {
            return write_datetime_slow(f, &p);
        };
        if year > 9999 {
            return write_datetime_slow(f, &p);
        }
        let mut buf = *b"0000-00-00T00:00:00.0000000Z";
        put_digits(&mut buf, 0, 4, year);
        put_digits(&mut buf, 5, 2, u64::from(p.month));
        put_digits(&mut buf, 8, 2, u64::from(p.day));
        put_digits(&mut buf, 11, 2, u64::from(p.hour));
        put_digits(&mut buf, 14, 2, u64::from(p.minute));
        put_digits(&mut buf, 17, 2, u64::from(p.second));
        put_digits(&mut buf, 20, 7, u64::from(p.subsec_ticks));
        f.pad(core::str::from_utf8(&buf).map_err(|_| fmt::Error)?)
    }
}

/// Years outside 0000..=9999: `-0001-...` or `10000-...`.
fn write_datetime_slow(f: &mut fmt::Formatter<'_>, p: &DateTimeParts) -> fmt::Result {
    write!(
        f,
        "{:05}-{:02}-{:02}T{:02}:{:02}:{:02}.{:07}Z",
        p.year, p.month, p.day, p.hour, p.minute, p.second, p.subsec_ticks
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::reference::{self, same_fixed_formats};
    use alloc::format;
    use alloc::string::ToString;
    use proptest::prelude::*;

    #[test]
    fn datetime_parse() {
        let cases: &[(&str, i64)] = &[
            ("0001-01-01T00:00:00Z", 0),
            ("0001-01-01T00:00:00.0000001Z", 1),
            ("0001-01-01 00:00:00", 0),
            ("0001-01-02T00:00:00Z", TICKS_PER_DAY),
            ("0000-01-01T00:00:00Z", -366 * TICKS_PER_DAY),
            ("0000-12-31T23:59:59.9999999Z", -1),
            ("0000-02-29T00:00:00Z", -(366 - 59) * TICKS_PER_DAY),
            ("9999-12-31T23:59:59.9999999Z", 3_155_378_975_999_999_999),
            ("1970-01-01T00:00:00Z", 621_355_968_000_000_000),
            ("1970-01-01T00:00:00.000000000000Z", 621_355_968_000_000_000),
            ("2020-03-04T14:05:01.3109965Z", 637_189_275_013_109_965),
            ("2020-03-04T14:05:01.3109965", 637_189_275_013_109_965),
            ("2020-03-04 14:05:01.3109965Z", 637_189_275_013_109_965),
            ("2020-03-04t14:05:01.3109965z", 637_189_275_013_109_965),
            ("2020-03-04T14:05:01.31099650000Z", 637_189_275_013_109_965),
            ("2020-03-04T14:05:01.3Z", 637_189_275_013_000_000),
            ("2020-03-04T14:05:01Z", 637_189_275_010_000_000),
            ("2000-02-29T00:00:00Z", 630_873_792_000_000_000),
            ("2024-02-29T12:00:00Z", 638_448_048_000_000_000),
        ];
        for &(text, ticks) in cases {
            assert_eq!(
                DateTime::parse(text).map(DateTime::ticks),
                Some(ticks),
                "{text}"
            );
        }
        let bad = [
            "",
            "2020",
            "2020-03-04",
            "2020-03-04T14:05",
            "2020-03-04T14:05:01.",
            "2020-03-04T14:05:01.Z",
            "2020-03-04T14:05:01.31099651Z",
            "2020-03-04T14:05:01.3109965ZZ",
            "2020-03-04T14:05:01Z ",
            " 2020-03-04T14:05:01Z",
            "2020-03-04T14:05:01+00:00",
            "2020-03-04X14:05:01Z",
            "2020/03/04T14:05:01Z",
            "2020-3-04T14:05:01Z",
            "+2020-03-04T14:05:01Z",
            "-2020-03-04T14:05:01Z",
            "20200-03-04T14:05:01Z",
            "2020-00-04T14:05:01Z",
            "2020-13-04T14:05:01Z",
            "2020-03-00T14:05:01Z",
            "2020-03-32T14:05:01Z",
            "2021-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2020-04-31T00:00:00Z",
            "2020-03-04T24:00:00Z",
            "2020-03-04T14:60:01Z",
            "2020-03-04T14:05:60Z",
            "2020-03-04T14:05:0aZ",
            "２020-03-04T14:05:01Z",
        ];
        for text in bad {
            assert_eq!(DateTime::parse(text), None, "{text}");
        }
    }

    #[test]
    fn datetime_display_and_parts() {
        let cases: &[(i64, &str)] = &[
            (0, "0001-01-01T00:00:00.0000000Z"),
            (-366 * TICKS_PER_DAY, "0000-01-01T00:00:00.0000000Z"),
            (-1, "0000-12-31T23:59:59.9999999Z"),
            (3_155_378_975_999_999_999, "9999-12-31T23:59:59.9999999Z"),
            (637_189_275_013_109_965, "2020-03-04T14:05:01.3109965Z"),
        ];
        for &(ticks, text) in cases {
            assert_eq!(DateTime::from_ticks(ticks).to_string(), text);
        }
        assert_eq!(DateTime::MIN.to_string(), "0000-01-01T00:00:00.0000000Z");
        assert_eq!(DateTime::MAX.to_string(), "9999-12-31T23:59:59.9999999Z");
        assert_eq!(
            DateTime::UNIX_EPOCH.to_string(),
            "1970-01-01T00:00:00.0000000Z"
        );
        // Out of the formats' range: no panic, expanded years.
        assert_eq!(
            DateTime::from_ticks(DateTime::MIN.ticks() - 1).to_string(),
            "-0001-12-31T23:59:59.9999999Z"
        );
        assert_eq!(
            DateTime::from_ticks(DateTime::MAX.ticks() + 1).to_string(),
            "10000-01-01T00:00:00.0000000Z"
        );
        let _ = DateTime::from_ticks(i64::MIN).to_string();
        let _ = DateTime::from_ticks(i64::MAX).to_string();

        let p = DateTime::from_ticks(637_189_275_013_109_965).to_parts();
        assert_eq!(
            p,
            DateTimeParts {
                year: 2020,
                month: 3,
                day: 4,
                hour: 14,
                minute: 5,
                second: 1,
                subsec_ticks: 3_109_965
            }
        );
        assert_eq!(
            DateTime::from_parts(p),
            Some(DateTime::from_ticks(637_189_275_013_109_965))
        );
        assert_eq!(DateTime::from_parts(DateTimeParts { year: -1, ..p }), None);
        assert_eq!(
            DateTime::from_parts(DateTimeParts { year: 10_000, ..p }),
            None
        );
        assert_eq!(
            DateTime::from_parts(DateTimeParts {
                month: 2,
                day: 30,
                ..p
            }),
            None
        );
        assert_eq!(
            DateTime::from_parts(DateTimeParts {
                subsec_ticks: 10_000_000,
                ..p
            }),
            None
        );
        assert_eq!(
            format!("{:>30}", DateTime::from_ticks(0)),
            "  0001-01-01T00:00:00.0000000Z"
        );
    }

    #[test]
    fn datetime_every_day_of_years_0_to_2401_round_trips() {
        let mut expected = DateTime::MIN.ticks();
        for year in 0..=2401 {
            for month in 1..=12u8 {
                let dim = days_in_month(year as u32, u32::from(month));
                for day in 1..=dim {
                    let p = DateTimeParts {
                        year,
                        month,
                        day: day as u8,
                        hour: 0,
                        minute: 0,
                        second: 0,
                        subsec_ticks: 0,
                    };
                    let dt = DateTime::from_ticks(expected);
                    assert_eq!(dt.to_parts(), p);
                    assert_eq!(DateTime::from_parts(p), Some(dt));
                    expected += TICKS_PER_DAY;
                }
            }
        }
    }

    #[test]
    fn every_day_of_the_calendar_matches_reference() {
        for y in (0..=9999)
            .step_by(7)
            .chain([0, 100, 400, 1600, 1900, 2000, 2400, 9999])
        {
            for m in 1..=12u32 {
                for d in 1..=31u32 {
                    let text = format!("{y:04}-{m:02}-{d:02}T12:34:56.789Z");
                    assert_eq!(DateTime::parse(&text), reference::datetime(&text), "{text}");
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn datetimes_from_ticks_match_reference(ticks in DateTime::MIN.ticks()..=DateTime::MAX.ticks(), cut in 19usize..=28) {
            let text = DateTime::from_ticks(ticks).to_string();
            same_fixed_formats(&text)?;
            same_fixed_formats(text.get(..cut).unwrap_or(&text))?;
        }
    }
}
