//! One Arrow builder per Kusto column, filled from typed [`Value`]s.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Decimal256Builder, FixedSizeBinaryBuilder, Float64Builder, Int32Builder,
    Int64Builder, PrimitiveBuilder, StringBuilder,
};
use arrow_array::types::{
    DurationMicrosecondType, DurationNanosecondType, TimestampMicrosecondType,
    TimestampNanosecondType,
};
use arrow_array::ArrayRef;
use arrow_buffer::i256;
use arrow_schema::extension::{Json, Uuid};
use arrow_schema::{DataType, Field, TimeUnit};
use kusto_frames::value::{Decimal, ScalarType, Value};
use kusto_frames::Column;

use crate::{DatetimeUnit, DecimalMode, Options};

/// Precision of the `decimal` mapping [`DecimalMode::Decimal256`].
pub const DECIMAL_PRECISION: u8 = 76;
/// Scale of the `decimal` mapping [`DecimalMode::Decimal256`].
pub const DECIMAL_SCALE: i8 = 38;

/// Ticks (100 ns) from 0001-01-01 to 1970-01-01.
const UNIX_EPOCH_TICKS: i64 = 621_355_968_000_000_000;

/// Field metadata key holding the Kusto column type as sent.
pub const KUSTO_TYPE_KEY: &str = "kusto.type";

/// The Arrow field for a Kusto column.
pub(crate) fn field(col: &Column, opts: &Options) -> Field {
    let ty = col.scalar_type();
    let dt = match ty {
        ScalarType::Bool => DataType::Boolean,
        ScalarType::Int => DataType::Int32,
        ScalarType::Long => DataType::Int64,
        ScalarType::Real => DataType::Float64,
        ScalarType::Decimal => match opts.decimal {
            DecimalMode::Decimal256 => DataType::Decimal256(DECIMAL_PRECISION, DECIMAL_SCALE),
            DecimalMode::Utf8 => DataType::Utf8,
        },
        ScalarType::String | ScalarType::Dynamic | ScalarType::Unknown => DataType::Utf8,
        ScalarType::DateTime => {
            DataType::Timestamp(time_unit(opts.datetime_unit), Some("UTC".into()))
        }
        ScalarType::TimeSpan => DataType::Duration(time_unit(opts.datetime_unit)),
        ScalarType::Guid => DataType::FixedSizeBinary(16),
    };
    let mut f = Field::new(col.name(), dt, true);
    f.set_metadata([(KUSTO_TYPE_KEY.to_string(), col.type_name().to_string())].into());
    match ty {
        ScalarType::Guid => f.with_extension_type(Uuid),
        ScalarType::Dynamic => f.with_extension_type(Json::default()),
        _ => f,
    }
}

fn time_unit(u: DatetimeUnit) -> TimeUnit {
    match u {
        DatetimeUnit::Nanosecond => TimeUnit::Nanosecond,
        DatetimeUnit::Microsecond => TimeUnit::Microsecond,
    }
}

/// Why a value could not be stored: the message of [`crate::Error::Value`].
pub(crate) type StoreError = &'static str;

/// The builder of one column.
#[derive(Debug)]
pub(crate) enum ColumnBuilder {
    Bool(BooleanBuilder),
    Int(Int32Builder),
    Long(Int64Builder),
    Real(Float64Builder),
    /// `string`, `dynamic`, unknown types, `decimal` as text.
    Text(StringBuilder),
    Decimal(Decimal256Builder),
    DateTimeNs(PrimitiveBuilder<TimestampNanosecondType>),
    DateTimeUs(PrimitiveBuilder<TimestampMicrosecondType>),
    TimeSpanNs(PrimitiveBuilder<DurationNanosecondType>),
    TimeSpanUs(PrimitiveBuilder<DurationMicrosecondType>),
    Guid(FixedSizeBinaryBuilder),
}

impl ColumnBuilder {
    pub(crate) fn new(col: &Column, opts: &Options) -> Self {
        let n = opts.batch_rows;
        let us = opts.datetime_unit == DatetimeUnit::Microsecond;
        match col.scalar_type() {
            ScalarType::Bool => ColumnBuilder::Bool(BooleanBuilder::with_capacity(n)),
            ScalarType::Int => ColumnBuilder::Int(Int32Builder::with_capacity(n)),
            ScalarType::Long => ColumnBuilder::Long(Int64Builder::with_capacity(n)),
            ScalarType::Real => ColumnBuilder::Real(Float64Builder::with_capacity(n)),
            ScalarType::Decimal if opts.decimal == DecimalMode::Decimal256 => {
                ColumnBuilder::Decimal(
                    Decimal256Builder::with_capacity(n)
                        .with_data_type(DataType::Decimal256(DECIMAL_PRECISION, DECIMAL_SCALE)),
                )
            }
            ScalarType::Decimal
            | ScalarType::String
            | ScalarType::Dynamic
            | ScalarType::Unknown => ColumnBuilder::Text(StringBuilder::with_capacity(n, n * 16)),
            ScalarType::DateTime if us => {
                ColumnBuilder::DateTimeUs(PrimitiveBuilder::with_capacity(n).with_timezone("UTC"))
            }
            ScalarType::DateTime => {
                ColumnBuilder::DateTimeNs(PrimitiveBuilder::with_capacity(n).with_timezone("UTC"))
            }
            ScalarType::TimeSpan if us => {
                ColumnBuilder::TimeSpanUs(PrimitiveBuilder::with_capacity(n))
            }
            ScalarType::TimeSpan => ColumnBuilder::TimeSpanNs(PrimitiveBuilder::with_capacity(n)),
            ScalarType::Guid => ColumnBuilder::Guid(FixedSizeBinaryBuilder::with_capacity(n, 16)),
        }
    }

    /// Appends `v`, which [`kusto_frames::Row::value`] converted for this
    /// column's type. On error nothing was appended.
    #[inline]
    pub(crate) fn append(&mut self, v: Value<'_>) -> Result<(), StoreError> {
        if let Value::Null = v {
            self.append_null();
            return Ok(());
        }
        match (self, v) {
            (ColumnBuilder::Bool(b), Value::Bool(x)) => b.append_value(x),
            (ColumnBuilder::Int(b), Value::Int(x)) => b.append_value(x),
            (ColumnBuilder::Long(b), Value::Long(x)) => b.append_value(x),
            (ColumnBuilder::Real(b), Value::Real(x)) => b.append_value(x),
            (ColumnBuilder::Text(b), Value::String(s)) => b.append_value(s),
            (ColumnBuilder::Text(b), Value::Dynamic(d)) => b.append_value(d.raw()),
            (ColumnBuilder::Text(b), Value::Decimal(d)) => b.append_value(d.text()),
            (ColumnBuilder::Text(b), Value::Other(c)) => b.append_value(c.raw()),
            (ColumnBuilder::Decimal(b), Value::Decimal(d)) => b.append_value(decimal256(d)?),
            (ColumnBuilder::DateTimeNs(b), Value::DateTime(d)) => b.append_value(
                (d.ticks() - UNIX_EPOCH_TICKS)
                    .checked_mul(100)
                    .ok_or("datetime outside the nanosecond range (1677-09-21 to 2262-04-11); use DatetimeUnit::Microsecond")?,
            ),
            (ColumnBuilder::DateTimeUs(b), Value::DateTime(d)) => {
                // Floor: the 100 ns digit is dropped, as in the text form.
                b.append_value((d.ticks() - UNIX_EPOCH_TICKS).div_euclid(10))
            }
            (ColumnBuilder::TimeSpanNs(b), Value::TimeSpan(t)) => b.append_value(
                t.ticks()
                    .checked_mul(100)
                    .ok_or("timespan outside the nanosecond range (about ±106751 days); use DatetimeUnit::Microsecond")?,
            ),
            (ColumnBuilder::TimeSpanUs(b), Value::TimeSpan(t)) => {
                // Toward zero: the 100 ns digit is dropped, as in the text form.
                b.append_value(t.ticks() / 10)
            }
            (ColumnBuilder::Guid(b), Value::Guid(g)) => b
                .append_value(g.as_bytes())
                .map_err(|_| "guid of the wrong width")?,
            _ => return Err("value of another type than its column's"),
        }
        Ok(())
    }

    #[inline]
    pub(crate) fn append_null(&mut self) {
        match self {
            ColumnBuilder::Bool(b) => b.append_null(),
            ColumnBuilder::Int(b) => b.append_null(),
            ColumnBuilder::Long(b) => b.append_null(),
            ColumnBuilder::Real(b) => b.append_null(),
            ColumnBuilder::Text(b) => b.append_null(),
            ColumnBuilder::Decimal(b) => b.append_null(),
            ColumnBuilder::DateTimeNs(b) => b.append_null(),
            ColumnBuilder::DateTimeUs(b) => b.append_null(),
            ColumnBuilder::TimeSpanNs(b) => b.append_null(),
            ColumnBuilder::TimeSpanUs(b) => b.append_null(),
            ColumnBuilder::Guid(b) => b.append_null(),
        }
    }

    /// The array of the values appended since the last call. The builder
    /// starts over with room for `rows` values (and, for text, as many bytes
    /// as the array just built), so the next batch grows no buffer: Arrow's
    /// own `finish` leaves every buffer empty, and refilling them by doubling
    /// costs a copy of each batch's data.
    pub(crate) fn finish(&mut self, rows: usize) -> ArrayRef {
        fn swap<B>(b: &mut B, fresh: B) -> B {
            core::mem::replace(b, fresh)
        }
        match self {
            ColumnBuilder::Bool(b) => {
                Arc::new(swap(b, BooleanBuilder::with_capacity(rows)).finish())
            }
            ColumnBuilder::Int(b) => Arc::new(swap(b, Int32Builder::with_capacity(rows)).finish()),
            ColumnBuilder::Long(b) => Arc::new(swap(b, Int64Builder::with_capacity(rows)).finish()),
            ColumnBuilder::Real(b) => {
                Arc::new(swap(b, Float64Builder::with_capacity(rows)).finish())
            }
            ColumnBuilder::Text(b) => {
                // Bounded by the batch just built.
                let bytes = b.values_slice().len();
                Arc::new(swap(b, StringBuilder::with_capacity(rows, bytes)).finish())
            }
            ColumnBuilder::Decimal(b) => Arc::new(
                swap(
                    b,
                    Decimal256Builder::with_capacity(rows)
                        .with_data_type(DataType::Decimal256(DECIMAL_PRECISION, DECIMAL_SCALE)),
                )
                .finish(),
            ),
            ColumnBuilder::DateTimeNs(b) => Arc::new(
                swap(
                    b,
                    PrimitiveBuilder::with_capacity(rows).with_timezone("UTC"),
                )
                .finish(),
            ),
            ColumnBuilder::DateTimeUs(b) => Arc::new(
                swap(
                    b,
                    PrimitiveBuilder::with_capacity(rows).with_timezone("UTC"),
                )
                .finish(),
            ),
            ColumnBuilder::TimeSpanNs(b) => {
                Arc::new(swap(b, PrimitiveBuilder::with_capacity(rows)).finish())
            }
            ColumnBuilder::TimeSpanUs(b) => {
                Arc::new(swap(b, PrimitiveBuilder::with_capacity(rows)).finish())
            }
            ColumnBuilder::Guid(b) => {
                Arc::new(swap(b, FixedSizeBinaryBuilder::with_capacity(rows, 16)).finish())
            }
        }
    }
}

/// `10^k` for `k` in `0..=38` (all fit an `i128`).
const POW10: [i128; 39] = {
    let mut t = [1i128; 39];
    let mut k = 1;
    while k < 39 {
        t[k] = t[k - 1] * 10;
        k += 1;
    }
    t
};

/// `d` as a Decimal256(76, 38) value: exact, or an error.
fn decimal256(d: Decimal<'_>) -> Result<i256, StoreError> {
    if let Some(v) = decimal256_plain(d.text().as_bytes()) {
        return Ok(v);
    }
    decimal256_general(d)
}

/// The common form, `-?D+(.D+)?` with at most 38 digits in all (every .NET
/// `decimal`), straight from the text: the digits as an integer `m < 10^38`
/// with `f` of them after the point is `m * 10^(38 - f)` at scale 38.
/// `None` for anything else (exponents, more digits, NaN, ...), which
/// [`decimal256_general`] decides.
#[inline]
fn decimal256_plain(text: &[u8]) -> Option<i256> {
    let (neg, b) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    if b.is_empty() || b.len() > 39 {
        return None;
    }
    let (int, frac) = match b.iter().position(|&c| c == b'.') {
        Some(p) => (&b[..p], &b[p + 1..]),
        None => (b, &b[..0]),
    };
    if int.is_empty() || (frac.is_empty() && int.len() != b.len()) {
        return None;
    }
    // At most 38 digits: two chunks of at most 19 (each below 10^19 < 2^64).
    let mut m: u128 = 0;
    let mut digits = 0usize;
    for part in [int, frac] {
        for chunk in part.chunks(19) {
            let mut v: u64 = 0;
            for &c in chunk {
                let x = c.wrapping_sub(b'0');
                if x > 9 {
                    return None;
                }
                v = v * 10 + u64::from(x);
            }
            digits += chunk.len();
            if digits > 38 {
                return None;
            }
            m = m * POW10[chunk.len()] as u128 + u128::from(v);
        }
    }
    // m < 10^38 and 10^(38 - f) <= 10^38: both below 2^127.
    let v = mul_u128(m, POW10[38 - frac.len()] as u128);
    Some(if neg { v.wrapping_neg() } else { v })
}

/// `a * b` for `a, b < 2^127` (the product is below 2^254: no overflow).
#[inline]
fn mul_u128(a: u128, b: u128) -> i256 {
    const LO: u128 = u64::MAX as u128;
    let (a0, a1) = (a & LO, a >> 64);
    let (b0, b1) = (b & LO, b >> 64);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    // Middle column: each term is below 2^128; sum the 64-bit halves.
    let mid = (p00 >> 64) + (p01 & LO) + (p10 & LO);
    let low = (p00 & LO) | (mid << 64);
    let high = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    i256::from_parts(low, high as i128)
}

/// Any other text: through [`Decimal::to_scaled`].
#[cold]
fn decimal256_general(d: Decimal<'_>) -> Result<i256, StoreError> {
    if d.is_nan() || d.is_infinite() {
        return Err("decimal NaN or infinity has no Decimal256 value; use DecimalMode::Utf8");
    }
    // `m / 10^scale`, `|m| < 2^127`, `scale <= 38`.
    let (m, scale) = d
        .to_scaled()
        .ok_or("decimal with more than 38 significant digits")?;
    let up = POW10
        .get((DECIMAL_SCALE as u32).wrapping_sub(scale) as usize)
        .ok_or("decimal with more than 38 fraction digits")?;
    // |m * 10^(38 - scale)| < 10^76 unless scale is 0 and m has 39 digits.
    if scale == 0 && m.unsigned_abs() >= POW10[38].unsigned_abs() {
        return Err("decimal with more than 38 integer digits");
    }
    // Below 2^127 * 2^127: no overflow.
    Ok(i256::from_i128(m).wrapping_mul(i256::from_i128(*up)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text fast path gives what `Decimal::to_scaled` gives, and
    /// declines everything it does not handle.
    #[test]
    fn decimal_fast_path_equals_to_scaled() {
        let mut texts: Vec<String> = [
            "0",
            "-0",
            "0.0",
            "-0.000",
            "1",
            "-1",
            "12.5",
            "007.50",
            "1.",
            ".5",
            "+1",
            "1e3",
            "1E-5",
            "NaN",
            "Infinity",
            "-Infinity",
            "1.2.3",
            "",
            "-",
            "--1",
            "1-",
            " 1",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "7.9228162514264337593543950335",
            "0.0000000000000000000000000001",
            "99999999999999999999999999999999999999",
            "-99999999999999999999999999999999999999",
            "9999999999999999999.9999999999999999999",
            "0.99999999999999999999999999999999999999",
            "0.00000000000000000000000000000000000001",
            "999999999999999999999999999999999999999",
            "0.000000000000000000000000000000000000001",
            "1234567890123456789",
            "12345678901234567890",
            "-1234567890123456789.1234567890123456789",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let int = (x % 40) as usize;
            let frac = ((x >> 8) % 40) as usize;
            let mut s = String::new();
            if x & (1 << 20) != 0 {
                s.push('-');
            }
            let mut y = x;
            for k in 0..int + frac {
                if k == int {
                    s.push('.');
                }
                y = y.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                s.push(char::from(b'0' + (y >> 60) as u8 % 10));
            }
            if int == 0 {
                s.insert(usize::from(s.starts_with('-')), '0');
            }
            texts.push(s);
        }
        let mut fast = 0;
        for t in &texts {
            let general = Decimal::parse(t).map(decimal256_general);
            match decimal256_plain(t.as_bytes()) {
                Some(v) => {
                    fast += 1;
                    assert_eq!(general, Some(Ok(v)), "{t}");
                }
                None => {
                    // Declined: never a plain value of at most 38 digits.
                    let digits = t.bytes().filter(u8::is_ascii_digit).count();
                    let plain = t
                        .trim_start_matches('-')
                        .split_once('.')
                        .map_or(!t.trim_start_matches('-').is_empty(), |(a, b)| {
                            !a.is_empty() && !b.is_empty()
                        });
                    let only = t
                        .trim_start_matches('-')
                        .bytes()
                        .all(|c| c.is_ascii_digit() || c == b'.')
                        && t.matches('.').count() <= 1
                        && t.matches('-').count() <= usize::from(t.starts_with('-'));
                    assert!(!(only && plain && digits <= 38), "{t}");
                }
            }
        }
        assert!(fast > 5_000, "{fast}");
    }
}
