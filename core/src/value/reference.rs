//! The straightforward implementations the fast parsers replaced, kept as
//! references for the property tests, and the helpers those tests share.

use alloc::vec::Vec;
use proptest::prelude::*;

use super::datetime::{DAYS_TO_0001, TICKS_PER_DAY, TICKS_PER_SECOND};
use super::float::exponent;
use super::guid::GUID_POSITIONS;
use super::int::apply_sign;
use super::{
    Cell, CellKind, DateTime, Decimal, Dynamic, Guid, ScalarType, TimeSpan, Value, ValueError,
    ValueErrorKind,
};

/// Parses exactly `-?[0-9]+` into an `i64`, never through `f64`.
pub(super) fn parse_i64(s: &str) -> Result<i64, ValueErrorKind> {
    let b = s.as_bytes();
    let (neg, digits) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    if digits.is_empty() {
        return Err(ValueErrorKind::Invalid);
    }
    if digits.len() <= 18 {
        // At most 18 digits cannot overflow: no checks per digit.
        let mut v: i64 = 0;
        for &c in digits {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                return Err(ValueErrorKind::Invalid);
            }
            v = v * 10 + i64::from(d);
        }
        return Ok(if neg { -v } else { v });
    }
    let mut v: i64 = 0;
    let mut overflow = false;
    for &c in digits {
        if !c.is_ascii_digit() {
            return Err(ValueErrorKind::Invalid);
        }
        if !overflow {
            let d = i64::from(c - b'0');
            let next = v.checked_mul(10).and_then(|x| {
                if neg {
                    x.checked_sub(d)
                } else {
                    x.checked_add(d)
                }
            });
            match next {
                Some(x) => v = x,
                None => overflow = true,
            }
        }
    }
    if overflow {
        Err(ValueErrorKind::OutOfRange)
    } else {
        Ok(v)
    }
}

/// Clinger's fast path for number text `-?digits[.digits][e[+-]digits]`
/// (digits on either side of the point may be empty, not both): with at most 15 significant digits
/// and a decimal exponent within ±22, the mantissa and the power of ten are
/// exact `f64`s, so one multiplication or division rounds correctly.
/// `None` when the number is outside that range (the full parser takes it).
fn clinger_fast_path(b: &[u8]) -> Option<f64> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let (neg, mut i) = match b.first() {
        Some(b'-') => (true, 1),
        _ => (false, 0),
    };
    let mut m: u64 = 0;
    let mut ndigits = 0u32;
    let mut any_digit = false;
    let mut frac = 0i32;
    let mut seen_point = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => {
                any_digit = true;
                if m == 0 && c == b'0' {
                    // Leading zeros are not significant.
                } else {
                    ndigits += 1;
                    if ndigits > 15 {
                        return None;
                    }
                    m = m * 10 + u64::from(c - b'0');
                }
                if seen_point {
                    frac += 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if !any_digit {
        return None;
    }
    let exp = exponent(b, &mut i)?;
    if i != b.len() {
        return None;
    }
    let e = i32::try_from(exp).ok()? - frac;
    let v = m as f64;
    let v = if e >= 0 {
        v * *POW10.get(usize::try_from(e).ok()?)?
    } else {
        v / *POW10.get(usize::try_from(-e).ok()?)?
    };
    Some(if neg { -v } else { v })
}

/// A `real`: `NaN`, `Infinity`, `-Infinity` (exactly so spelled), or a number
/// correctly rounded to the nearest `f64`.
pub(super) fn parse_real(s: &str) -> Result<f64, ValueErrorKind> {
    match s {
        "NaN" => return Ok(f64::NAN),
        "Infinity" => return Ok(f64::INFINITY),
        "-Infinity" => return Ok(f64::NEG_INFINITY),
        _ => {}
    }
    if let Some(v) = clinger_fast_path(s.as_bytes()) {
        return Ok(v);
    }
    if !is_number_syntax(s.as_bytes()) {
        return Err(ValueErrorKind::Invalid);
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_infinite() => Err(ValueErrorKind::OutOfRange),
        Ok(v) => Ok(v),
        Err(_) => Err(ValueErrorKind::Invalid),
    }
}

/// `DateTime::parse`.
pub(super) fn datetime(s: &str) -> Option<DateTime> {
    let b = s.as_bytes();
    let year = two_digits(b, 0)? * 100 + two_digits(b, 2)?;
    if !byte_is(b, 4, b'-') || !byte_is(b, 7, b'-') {
        return None;
    }
    let month = two_digits(b, 5)?;
    let day = two_digits(b, 8)?;
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let hour = two_digits(b, 11)?;
    if !byte_is(b, 13, b':') || !byte_is(b, 16, b':') {
        return None;
    }
    let minute = two_digits(b, 14)?;
    let second = two_digits(b, 17)?;
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

/// `TimeSpan::parse`, with the error kinds.
pub(super) fn parse_timespan(b: &[u8]) -> Result<TimeSpan, ValueErrorKind> {
    use ValueErrorKind::{Invalid, OutOfRange};

    let (neg, b) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    // Leading digits: ticks, days or hours, depending on what follows.
    let mut i = 0;
    let mut lead: Option<u64> = Some(0);
    while let Some(d) = digit(b, i) {
        lead = lead
            .and_then(|v| v.checked_mul(10))
            .and_then(|v| v.checked_add(u64::from(d)));
        i += 1;
    }
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
    let hours = two_digits(b, hh_at).ok_or(Invalid)?;
    if !byte_is(b, hh_at + 2, b':') || !byte_is(b, hh_at + 5, b':') {
        return Err(Invalid);
    }
    let minutes = two_digits(b, hh_at + 3).ok_or(Invalid)?;
    let seconds = two_digits(b, hh_at + 6).ok_or(Invalid)?;
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

/// [`super::convert`] of a string cell, as it was before string cells
/// got their own dispatch ([`super::convert_string`]).
pub(super) fn convert_string_cell(ty: ScalarType, cell: Cell<'_>) -> Result<Value<'_>, ValueError> {
    use ValueErrorKind::{Invalid, OutOfRange, WrongKind};
    assert_eq!(cell.kind(), CellKind::String);
    let err = |kind| ValueError::new(kind, ty);
    let text = cell.text();
    match ty {
        ScalarType::Dynamic => return Ok(Value::Dynamic(Dynamic::new(cell))),
        ScalarType::Unknown => return Ok(Value::Other(cell)),
        ScalarType::String => return Ok(Value::String(text)),
        _ if text.is_empty() => return Ok(Value::Null),
        _ => {}
    }
    match ty {
        ScalarType::Bool => match text {
            "true" | "True" | "1" => Ok(Value::Bool(true)),
            "false" | "False" | "0" => Ok(Value::Bool(false)),
            _ => Err(err(Invalid)),
        },
        ScalarType::Int => {
            let v = parse_i64(text).map_err(err)?;
            i32::try_from(v)
                .map(Value::Int)
                .map_err(|_| err(OutOfRange))
        }
        ScalarType::Long => parse_i64(text).map(Value::Long).map_err(err),
        ScalarType::Real => parse_real(text).map(Value::Real).map_err(err),
        ScalarType::Decimal => Decimal::parse(text).map(Value::Decimal).ok_or(err(Invalid)),
        ScalarType::DateTime => datetime(text).map(Value::DateTime).ok_or(err(Invalid)),
        ScalarType::TimeSpan => parse_timespan(text.as_bytes())
            .map(Value::TimeSpan)
            .map_err(err),
        ScalarType::Guid => guid(text).map(Value::Guid).ok_or(err(Invalid)),
        _ => Err(err(WrongKind)),
    }
}

/// `Guid::parse`.
pub(super) fn guid(s: &str) -> Option<Guid> {
    let b = s.as_bytes();
    if b.len() != 36 || [8, 13, 18, 23].iter().any(|&i| !byte_is(b, i, b'-')) {
        return None;
    }
    let mut out = [0u8; 16];
    for (byte, &at) in out.iter_mut().zip(GUID_POSITIONS.iter()) {
        let hi = hex_value(*b.get(at)?)?;
        let lo = hex_value(*b.get(at + 1)?)?;
        *byte = (hi << 4) | lo;
    }
    Some(Guid(out))
}

/// `[+-]? (digits (. digits?)? | . digits) ([eE] [+-]? digits)?`.
pub(super) fn is_number_syntax(b: &[u8]) -> bool {
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let count_digits = |i: &mut usize| {
        let start = *i;
        while digit(b, *i).is_some() {
            *i += 1;
        }
        *i - start
    };
    let mut digits = count_digits(&mut i);
    if byte_is(b, i, b'.') {
        i += 1;
        digits += count_digits(&mut i);
    }
    if digits == 0 {
        return false;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = b.get(i) {
            i += 1;
        }
        if count_digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe
}

fn is_leap(y: u32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
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
    let days = days_from_civil(i64::from(y), i64::from(mo), i64::from(d)) - DAYS_TO_0001;
    let secs = i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s);
    Some(days * TICKS_PER_DAY + secs * TICKS_PER_SECOND + i64::from(sub))
}

/// The value of the ASCII digit at `b[i]`.
#[inline]
fn digit(b: &[u8], i: usize) -> Option<u32> {
    match b.get(i) {
        Some(&c) if c.is_ascii_digit() => Some(u32::from(c - b'0')),
        _ => None,
    }
}

/// The two-digit number at `b[i..i + 2]`.
#[inline]
fn two_digits(b: &[u8], i: usize) -> Option<u32> {
    Some(digit(b, i)? * 10 + digit(b, i + 1)?)
}

#[inline]
fn byte_is(b: &[u8], i: usize, want: u8) -> bool {
    b.get(i) == Some(&want)
}

/// Reads up to 7 fraction digits of a second from `b[*i..]` (just past the
/// `.`) as ticks. Returns `None` when there is no digit, or when there are
/// more than 7 digits and `zeros_beyond_7` is false or a digit beyond the
/// 7th is not `0`.
fn fraction_ticks(b: &[u8], i: &mut usize, zeros_beyond_7: bool) -> Option<u32> {
    let start = *i;
    let mut ticks = 0u32;
    let mut n = 0u32;
    while let Some(d) = digit(b, *i) {
        if n < 7 {
            ticks = ticks * 10 + d;
            n += 1;
        } else if !zeros_beyond_7 || d != 0 {
            return None;
        }
        *i += 1;
    }
    if *i == start {
        return None;
    }
    while n < 7 {
        ticks *= 10;
        n += 1;
    }
    Some(ticks)
}

fn hex_value(c: u8) -> Option<u8> {
    // `to_digit` takes either case.
    char::from(c)
        .to_digit(16)
        .and_then(|v| u8::try_from(v).ok())
}

/// `text` inside buffers with bytes before and after it, as the cells of
/// a row are: none, and prefixes shorter and longer than the words the
/// parsers load, made of digits, signs, points and `e`s so that a byte
/// not masked out would show.
pub(super) fn in_buffers(text: &str) -> impl Iterator<Item = (Vec<u8>, usize, usize)> + '_ {
    const JUNK: &[u8] = b"-9.9e-9,12345678901234567890+.E+0,-1";
    [0usize, 1, 3, 7, 8, 15, 16, 17, 23, 24, 25, 33]
        .into_iter()
        .zip([0usize, 1, 40, 0, 9, 2, 40, 0, 1, 3, 40, 8])
        .map(move |(before, after)| {
            let junk = |k: usize| JUNK.iter().cycle().take(k).copied();
            let buf: Vec<u8> = junk(before)
                .chain(text.bytes())
                .chain(junk(after))
                .collect();
            (buf, before, before + text.len())
        })
}

pub(super) fn same_fixed_formats(text: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(DateTime::parse(text), self::datetime(text), "{}", text);
    prop_assert_eq!(
        super::parse_timespan(text.as_bytes()),
        self::parse_timespan(text.as_bytes()),
        "{}",
        text
    );
    prop_assert_eq!(Guid::parse(text), self::guid(text), "{}", text);
    Ok(())
}
