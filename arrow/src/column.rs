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

    /// The array of the values appended since the last call.
    pub(crate) fn finish(&mut self) -> ArrayRef {
        match self {
            ColumnBuilder::Bool(b) => Arc::new(b.finish()),
            ColumnBuilder::Int(b) => Arc::new(b.finish()),
            ColumnBuilder::Long(b) => Arc::new(b.finish()),
            ColumnBuilder::Real(b) => Arc::new(b.finish()),
            ColumnBuilder::Text(b) => Arc::new(b.finish()),
            ColumnBuilder::Decimal(b) => Arc::new(b.finish()),
            ColumnBuilder::DateTimeNs(b) => Arc::new(b.finish()),
            ColumnBuilder::DateTimeUs(b) => Arc::new(b.finish()),
            ColumnBuilder::TimeSpanNs(b) => Arc::new(b.finish()),
            ColumnBuilder::TimeSpanUs(b) => Arc::new(b.finish()),
            ColumnBuilder::Guid(b) => Arc::new(b.finish()),
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
