//! Rows into user types through serde.
//!
//! A row deserializes as a map from column name to cell (so
//! `#[derive(Deserialize)]` structs are filled by column name; columns the
//! struct does not name are skipped without being converted), or, when a
//! sequence or tuple is asked for, as its cells in order. Each cell is first
//! converted to its column's type with [`kusto_frames::value::convert`]:
//!
//! | column type | serde sees | also accepted as |
//! |---|---|---|
//! | any, `null` (or `""` in a typed column) | unit / `None` | |
//! | `bool` | bool | |
//! | `int`, `long` | i32, i64 | any integer or float type |
//! | `real` | f64 (NaN and infinities included) | |
//! | `decimal` | its exact text (a string) | f64, or an integer when integral |
//! | `string` | a borrowed string | enum unit variant, bytes |
//! | `datetime` | `YYYY-MM-DDTHH:MM:SS.fffffffZ` | i64 ticks (100 ns since 0001-01-01) |
//! | `timespan` | i64 ticks | its `[-][d.]hh:mm:ss[.fffffff]` text; `std::time::Duration` (non-negative); a pair `(seconds, nanoseconds)`, nanoseconds from 0 (chrono's `TimeDelta`) |
//! | `guid` | lowercase hyphenated string | |
//! | `dynamic` | the JSON value (through serde_json) | a JSON string holding JSON is parsed when a map, struct or sequence is asked for; any value as its raw text when a string is asked for |
//! | unknown type, cells past the last column | the JSON value as sent | |
//!
//! Fields of the ecosystem's types read their columns exactly (with the
//! io-adapters feature of the crate's name, which turns on its `serde`
//! feature): `datetime` into `chrono::DateTime<Utc>`, `chrono::NaiveDateTime`
//! (UTC), `time::OffsetDateTime` (UTC), `time::PrimitiveDateTime` (UTC),
//! `jiff::Timestamp`; `timespan` into `std::time::Duration` (always),
//! `chrono::TimeDelta`, `time::Duration`, `jiff::SignedDuration`; `guid`
//! into `uuid::Uuid`; `decimal` into `rust_decimal::Decimal`. A value the
//! type cannot hold exactly (a negative `Duration`, a `decimal` beyond
//! `rust_decimal`'s 28 digits, 9999-12-31 in a `jiff::Timestamp`) is an
//! error, never rounded. Each of these types is recognized (with
//! `typeid`) and handed the form its own `Deserialize` reads.
//!
//! ```
//! use serde::Deserialize;
//! use kusto_frames_io::collect::collect_slice;
//!
//! #[derive(Deserialize, Debug, PartialEq)]
//! struct Storm<'a> {
//!     #[serde(rename = "State")]
//!     state: &'a str,
//!     #[serde(rename = "Events")]
//!     events: i64,
//!     #[serde(rename = "Missing")]
//!     missing: Option<bool>,
//! }
//! let body = br#"{"Tables":[{"TableName":"Table_0","Columns":[
//!   {"ColumnName":"State","ColumnType":"string"},{"ColumnName":"Events","ColumnType":"long"}],
//!   "Rows":[["TEXAS",4701],["KANSAS","3166"]]}]}"#;
//! let ds = collect_slice(body).unwrap();
//! let rows: Vec<Storm<'_>> = ds.tables[0].deserialize_rows().collect::<Result<_, _>>()?;
//! assert_eq!(rows[1], Storm { state: "KANSAS", events: 3166, missing: None });
//! # Ok::<(), kusto_frames_io::de::DeError>(())
//! ```

use core::fmt;

use kusto_frames::value::{convert, ScalarType, Value, ValueError};
use kusto_frames::{Cell, CellKind, Column, Row};
use serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// A row could not be deserialized into the requested type.
#[derive(Debug, Clone, PartialEq)]
pub struct DeError {
    column: Option<String>,
    value: Option<ValueError>,
    message: String,
}

impl DeError {
    fn value(e: ValueError) -> Self {
        DeError {
            column: None,
            value: Some(e),
            message: e.to_string(),
        }
    }

    fn json(e: &serde_json::Error) -> Self {
        DeError {
            column: None,
            value: None,
            message: e.to_string(),
        }
    }

    fn in_column(mut self, name: &str) -> Self {
        if self.column.is_none() {
            self.column = Some(name.to_owned());
        }
        self
    }

    /// The column whose cell failed, when known.
    pub fn column(&self) -> Option<&str> {
        self.column.as_deref()
    }

    /// The conversion error, when the cell did not fit its column type.
    pub fn value_error(&self) -> Option<ValueError> {
        self.value
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "column `{c}`: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl core::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            column: None,
            value: None,
            message: msg.to_string(),
        }
    }
}

/// Deserializes a row the decoder handed out, typed with
/// [`Row::columns`] (a row that arrived before its frame's `Columns` has
/// none: only a sequence can then be read from it, as sent).
pub fn from_row<'de, T: Deserialize<'de>>(row: &Row<'de>) -> Result<T, DeError> {
    let cells: Vec<Cell<'de>> = row.cells().collect();
    from_cells(row.columns(), &cells)
}

/// Deserializes cells typed with `columns` (cell `i` has column `i`'s type).
pub fn from_cells<'de, T: Deserialize<'de>>(
    columns: &'de [Column],
    cells: &[Cell<'de>],
) -> Result<T, DeError> {
    T::deserialize(RowDeserializer { columns, cells })
}

struct RowDeserializer<'r, 'de> {
    columns: &'de [Column],
    cells: &'r [Cell<'de>],
}

impl<'r, 'de> RowDeserializer<'r, 'de> {
    fn cell(&self, i: usize) -> CellDeserializer<'de> {
        CellDeserializer {
            ty: self
                .columns
                .get(i)
                .map_or(ScalarType::Unknown, Column::scalar_type),
            cell: self.cells.get(i).copied(),
            known: None,
        }
    }
}

impl<'de> de::Deserializer<'de> for RowDeserializer<'_, 'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_map(RowMap { row: self, i: 0 })
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_seq(RowSeq { row: self, i: 0 })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct map struct enum identifier
    }
}

struct RowMap<'r, 'de> {
    row: RowDeserializer<'r, 'de>,
    i: usize,
}

impl<'de> MapAccess<'de> for RowMap<'_, 'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.row.columns.get(self.i) {
            Some(c) => {
                let key: StrDeserializer<'_, DeError> = c.name().into_deserializer();
                seed.deserialize(key).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let i = self.i;
        self.i += 1;
        let name = self.row.columns.get(i).map_or("", Column::name);
        seed.deserialize(self.row.cell(i))
            .map_err(|e| e.in_column(name))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.row.columns.len().saturating_sub(self.i))
    }
}

struct RowSeq<'r, 'de> {
    row: RowDeserializer<'r, 'de>,
    i: usize,
}

impl<'de> SeqAccess<'de> for RowSeq<'_, 'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        if self.i >= self.row.cells.len() {
            return Ok(None);
        }
        let i = self.i;
        self.i += 1;
        let name = self.row.columns.get(i).map_or("", Column::name);
        seed.deserialize(self.row.cell(i)).map(Some).map_err(|e| {
            if name.is_empty() {
                e
            } else {
                e.in_column(name)
            }
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.row.cells.len().saturating_sub(self.i))
    }
}

/// One cell; `None` stands for a cell missing from a short row (null).
struct CellDeserializer<'de> {
    ty: ScalarType,
    cell: Option<Cell<'de>>,
    /// The converted value, once converted (`deserialize_option` converts
    /// before it hands the cell on).
    known: Option<Value<'de>>,
}

impl<'de> CellDeserializer<'de> {
    fn value(&self) -> Result<Value<'de>, DeError> {
        if let Some(v) = self.known {
            return Ok(v);
        }
        match self.cell {
            None => Ok(Value::Null),
            Some(c) => convert(self.ty, c).map_err(DeError::value),
        }
    }

    /// When `V` builds one of the ecosystem's types (see the module docs)
    /// and the cell is of the matching Kusto type: the form that type's
    /// `Deserialize` reads (`Ok`). Otherwise the visitor back (`Err`).
    #[allow(unused_variables, clippy::needless_return)]
    fn interop<V: Visitor<'de>>(&self, visitor: V) -> Result<Result<V::Value, DeError>, V> {
        #[cfg(feature = "chrono")]
        if is::<V::Value, chrono::NaiveDateTime>() {
            return match self.value() {
                Ok(Value::DateTime(d)) => {
                    let text = d.to_string();
                    // `YYYY-MM-DDTHH:MM:SS.fffffff` without the `Z`.
                    let naive = text.strip_suffix('Z').unwrap_or(&text);
                    Ok(visitor.visit_str(naive))
                }
                _ => Err(visitor),
            };
        }
        #[cfg(feature = "time")]
        if is::<V::Value, time::OffsetDateTime>() || is::<V::Value, time::PrimitiveDateTime>() {
            return match self.value() {
                Ok(Value::DateTime(d)) => Ok(time::OffsetDateTime::try_from(d)
                    .map_err(de::Error::custom)
                    .and_then(|t| {
                        let parts = [
                            i64::from(t.year()),
                            i64::from(t.ordinal()),
                            i64::from(t.hour()),
                            i64::from(t.minute()),
                            i64::from(t.second()),
                            i64::from(t.nanosecond()),
                            0,
                            0,
                            0,
                        ];
                        // PrimitiveDateTime reads the first six.
                        let n = if is::<V::Value, time::OffsetDateTime>() {
                            9
                        } else {
                            6
                        };
                        visitor.visit_seq(Ints::new(&parts[..n]))
                    })),
                _ => Err(visitor),
            };
        }
        #[cfg(feature = "time")]
        if is::<V::Value, time::Duration>() {
            return match self.value() {
                Ok(Value::TimeSpan(t)) => {
                    let d = time::Duration::from(t);
                    let parts = [d.whole_seconds(), i64::from(d.subsec_nanoseconds())];
                    Ok(visitor.visit_seq(Ints::new(&parts)))
                }
                _ => Err(visitor),
            };
        }
        #[cfg(feature = "jiff")]
        if is::<V::Value, jiff::SignedDuration>() {
            return match self.value() {
                Ok(Value::TimeSpan(t)) => {
                    let d = jiff::SignedDuration::from(t);
                    let sign = if d.is_negative() { "-" } else { "" };
                    let (secs, nanos) =
                        (d.as_secs().unsigned_abs(), d.subsec_nanos().unsigned_abs());
                    Ok(visitor.visit_string(format!("{sign}PT{secs}.{nanos:09}S")))
                }
                _ => Err(visitor),
            };
        }
        #[cfg(feature = "rust_decimal")]
        if is::<V::Value, rust_decimal::Decimal>() {
            return match self.value() {
                Ok(Value::Decimal(d)) => Ok(rust_decimal::Decimal::try_from(d)
                    .map_err(de::Error::custom)
                    .and_then(|d| visitor.visit_string(d.to_string()))),
                _ => Err(visitor),
            };
        }
        Err(visitor)
    }
}

/// `typeid`: `A` and `B` are the same type (lifetimes aside).
#[cfg(any(
    feature = "chrono",
    feature = "time",
    feature = "jiff",
    feature = "rust_decimal"
))]
fn is<A: ?Sized, B: ?Sized>() -> bool {
    typeid::of::<A>() == typeid::of::<B>()
}

/// A sequence of integers, for the tuple forms of time types.
struct Ints<'a> {
    values: &'a [i64],
}

impl<'a> Ints<'a> {
    fn new(values: &'a [i64]) -> Self {
        Ints { values }
    }
}

impl<'de> SeqAccess<'de> for Ints<'_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let Some((&v, rest)) = self.values.split_first() else {
            return Ok(None);
        };
        self.values = rest;
        seed.deserialize(v.into_deserializer()).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.values.len())
    }
}

/// Runs `$body` unless [`CellDeserializer::interop`] handles the visitor.
macro_rules! interop_first {
    ($self:ident, $visitor:ident) => {
        let $visitor = match $self.interop($visitor) {
            Ok(r) => return r,
            Err(v) => v,
        };
    };
}

/// Runs a serde_json deserializer over `text` (validated JSON as sent).
fn json<'de, T>(
    text: &'de str,
    f: impl FnOnce(
        &mut serde_json::Deserializer<serde_json::de::StrRead<'de>>,
    ) -> Result<T, serde_json::Error>,
) -> Result<T, DeError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let v = f(&mut de).map_err(|e| DeError::json(&e))?;
    de.end().map_err(|e| DeError::json(&e))?;
    Ok(v)
}

/// The JSON text to read a dynamic value's structure from: a string that
/// holds JSON is read as that JSON.
fn structured<'de>(d: &kusto_frames::value::Dynamic<'de>) -> &'de str {
    d.embedded_json().unwrap_or(d.raw())
}

macro_rules! integer_hint {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            match self.value()? {
                Value::DateTime(d) => visitor.visit_i64(d.ticks()),
                Value::TimeSpan(t) => visitor.visit_i64(t.ticks()),
                Value::Decimal(d) => match d.text().parse::<i64>() {
                    Ok(v) => visitor.visit_i64(v),
                    Err(_) => self.deserialize_any(visitor),
                },
                _ => self.deserialize_any(visitor),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for CellDeserializer<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        interop_first!(self, visitor);
        match self.value()? {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Int(v) => visitor.visit_i32(v),
            Value::Long(v) => visitor.visit_i64(v),
            Value::Real(v) => visitor.visit_f64(v),
            Value::Decimal(d) => visitor.visit_borrowed_str(d.text()),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::DateTime(d) => visitor.visit_string(d.to_string()),
            Value::TimeSpan(t) => visitor.visit_i64(t.ticks()),
            Value::Guid(g) => visitor.visit_string(g.to_string()),
            Value::Dynamic(d) => json(d.raw(), |de| de::Deserializer::deserialize_any(de, visitor)),
            Value::Other(c) => json(c.raw(), |de| de::Deserializer::deserialize_any(de, visitor)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let v = self.value()?;
        if v.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(CellDeserializer {
                known: Some(v),
                ..self
            })
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        interop_first!(self, visitor);
        match self.value()? {
            Value::TimeSpan(_) => match self.cell {
                Some(c) if c.kind() == CellKind::String => visitor.visit_borrowed_str(c.text()),
                _ => self.deserialize_any(visitor),
            },
            Value::Dynamic(d) => {
                let c = d.cell();
                if c.kind() == CellKind::String {
                    visitor.visit_borrowed_str(c.text())
                } else {
                    visitor.visit_borrowed_str(c.raw())
                }
            }
            Value::Other(c) if c.kind() == CellKind::String => visitor.visit_borrowed_str(c.text()),
            Value::Other(c) if matches!(c.kind(), CellKind::Object | CellKind::Array) => {
                visitor.visit_borrowed_str(c.raw())
            }
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.value()? {
            Value::String(s) => visitor.visit_borrowed_bytes(s.as_bytes()),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_bytes(visitor)
    }

    integer_hint! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.value()? {
            Value::Decimal(d) => visitor.visit_f64(d.to_f64()),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.value()? {
            Value::Dynamic(d) => json(structured(&d), |de| {
                de::Deserializer::deserialize_seq(de, visitor)
            }),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        interop_first!(self, visitor);
        match self.value()? {
            Value::Dynamic(d) => json(structured(&d), |de| {
                de::Deserializer::deserialize_tuple(de, len, visitor)
            }),
            // (seconds, nanoseconds), nanoseconds from 0: chrono's TimeDelta.
            Value::TimeSpan(t) if len == 2 => {
                let (secs, nanos) = (
                    t.ticks().div_euclid(10_000_000),
                    t.ticks().rem_euclid(10_000_000) * 100,
                );
                visitor.visit_seq(Ints::new(&[secs, nanos]))
            }
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.value()? {
            Value::Dynamic(d) => json(structured(&d), |de| {
                de::Deserializer::deserialize_tuple_struct(de, name, len, visitor)
            }),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.value()? {
            Value::Dynamic(d) => json(structured(&d), |de| {
                de::Deserializer::deserialize_map(de, visitor)
            }),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.value()? {
            Value::Dynamic(d) => json(structured(&d), |de| {
                de::Deserializer::deserialize_struct(de, name, fields, visitor)
            }),
            // serde's `std::time::Duration`: exact, non-negative.
            Value::TimeSpan(t) if name == "Duration" && fields == ["secs", "nanos"] => {
                let d = core::time::Duration::try_from(t).map_err(de::Error::custom)?;
                visitor.visit_seq(Ints::new(&[
                    i64::try_from(d.as_secs()).map_err(de::Error::custom)?,
                    i64::from(d.subsec_nanos()),
                ]))
            }
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.value()? {
            Value::String(s) => visitor.visit_enum(BorrowedStrDeserializer::<DeError>::new(s)),
            Value::Dynamic(d) => json(d.raw(), |de| {
                de::Deserializer::deserialize_enum(de, name, variants, visitor)
            }),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool char unit_struct identifier
    }
}
