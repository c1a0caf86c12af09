//! Kusto scalar types and typed access to cells.
//!
//! [`convert`] turns one [`Cell`] of a column of a given [`ScalarType`] into a
//! typed [`Value`]. The fixed formats (`datetime`, `timespan`, `guid`) are
//! parsed by hand at the byte level, integers are parsed exactly from their
//! text (never through `f64`), and `decimal` values are kept as the text that
//! was sent ([`Decimal`]), with a lossless conversion to a scaled integer.
//!
//! Nothing here allocates or panics, whatever the input.

// The layout: this file holds the types, the values, their errors and the
// conversion of a cell by its column's type. `datetime.rs`, `timespan.rs`,
// `guid.rs`, `decimal.rs` (with the number syntax a decimal accepts) and
// `dynamic.rs` hold one type each. The numbers: `int.rs` parses `long` and
// `int`, `float.rs` parses `real` (Clinger, Eisel-Lemire) with the power-of-
// five table in `pow5.rs`; `digits.rs` has the digit helpers, a byte or a
// word at a time, that every parser shares. The tests of each part are at
// the end of its file; the slow reference implementations the property tests
// compare against, and their shared helpers, are in `reference.rs`.

use core::fmt;

use crate::cell::{Cell, CellKind};

mod datetime;
mod decimal;
mod digits;
mod dynamic;
mod float;
mod guid;
mod int;
mod pow5;
#[cfg(test)]
mod reference;
mod timespan;

pub use datetime::{DateTime, DateTimeParts};
pub use decimal::Decimal;
pub(crate) use digits::non_digits8;
pub(crate) use digits::Around;
pub use dynamic::Dynamic;
pub use guid::Guid;
pub use timespan::TimeSpan;

use float::{parse_real, parse_real_at};
use int::{parse_i64, parse_i64_at};
use timespan::parse_timespan;

/// A Kusto scalar type, as named by a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarType {
    /// `bool` (aliases `boolean`; .NET `Boolean`, `SByte`)
    Bool,
    /// `int` (.NET `Int32`)
    Int,
    /// `long` (.NET `Int64`)
    Long,
    /// `real` (alias `double`; .NET `Double`)
    Real,
    /// `decimal` (.NET `Decimal`, `SqlDecimal`)
    Decimal,
    /// `string` (.NET `String`)
    String,
    /// `datetime` (alias `date`; .NET `DateTime`)
    DateTime,
    /// `timespan` (alias `time`; .NET `TimeSpan`)
    TimeSpan,
    /// `guid` (aliases `uuid`, `uniqueid`; .NET `Guid`)
    Guid,
    /// `dynamic` (.NET `Object`)
    Dynamic,
    /// A type name this crate does not know; values are kept as sent.
    Unknown,
}

impl ScalarType {
    /// Every variant, in declaration order.
    pub const ALL: [ScalarType; 11] = [
        ScalarType::Bool,
        ScalarType::Int,
        ScalarType::Long,
        ScalarType::Real,
        ScalarType::Decimal,
        ScalarType::String,
        ScalarType::DateTime,
        ScalarType::TimeSpan,
        ScalarType::Guid,
        ScalarType::Dynamic,
        ScalarType::Unknown,
    ];

    /// Maps a Kusto column type name (`ColumnType`), aliases included.
    pub fn from_name(name: &str) -> ScalarType {
        match name {
            "bool" | "boolean" => ScalarType::Bool,
            "int" => ScalarType::Int,
            "long" => ScalarType::Long,
            "real" | "double" => ScalarType::Real,
            "decimal" => ScalarType::Decimal,
            "string" => ScalarType::String,
            "datetime" | "date" => ScalarType::DateTime,
            "timespan" | "time" => ScalarType::TimeSpan,
            "guid" | "uuid" | "uniqueid" => ScalarType::Guid,
            "dynamic" => ScalarType::Dynamic,
            _ => ScalarType::Unknown,
        }
    }

    /// Maps a V1 .NET `DataType` name (with or without the `System.` prefix).
    pub fn from_dotnet(name: &str) -> ScalarType {
        let name = name.strip_prefix("System.").unwrap_or(name);
        match name {
            "Boolean" | "SByte" => ScalarType::Bool,
            "Int32" => ScalarType::Int,
            "Int64" => ScalarType::Long,
            "Double" | "Single" => ScalarType::Real,
            "Decimal" | "SqlDecimal" | "Data.SqlTypes.SqlDecimal" => ScalarType::Decimal,
            "String" => ScalarType::String,
            "DateTime" => ScalarType::DateTime,
            "TimeSpan" => ScalarType::TimeSpan,
            "Guid" => ScalarType::Guid,
            "Object" => ScalarType::Dynamic,
            _ => ScalarType::Unknown,
        }
    }

    /// The canonical Kusto name of the type (`None` for [`ScalarType::Unknown`]).
    pub fn kusto_name(self) -> Option<&'static str> {
        Some(match self {
            ScalarType::Bool => "bool",
            ScalarType::Int => "int",
            ScalarType::Long => "long",
            ScalarType::Real => "real",
            ScalarType::Decimal => "decimal",
            ScalarType::String => "string",
            ScalarType::DateTime => "datetime",
            ScalarType::TimeSpan => "timespan",
            ScalarType::Guid => "guid",
            ScalarType::Dynamic => "dynamic",
            ScalarType::Unknown => return None,
        })
    }
}

// ---------------------------------------------------------------------------
// Values and errors
// ---------------------------------------------------------------------------

/// A typed cell value, as [`convert`] produces it.
///
/// Borrowed variants (`String`, `Decimal`, `Dynamic`, `Other`) borrow from the
/// same buffer as the [`Cell`] they came from.
///
/// ```
/// use kusto_frames::{Cell, CellKind};
/// use kusto_frames::value::{convert, ScalarType, Value};
///
/// // A `long` sent as a JSON number, and as a string (V1 does that).
/// let n = Cell::new(CellKind::Number, "42", "42");
/// assert_eq!(convert(ScalarType::Long, n), Ok(Value::Long(42)));
/// let s = Cell::new(CellKind::String, "\"42\"", "42");
/// assert_eq!(convert(ScalarType::Long, s), Ok(Value::Long(42)));
/// // An empty string in a typed column is null; a string column keeps it.
/// let empty = Cell::new(CellKind::String, "\"\"", "");
/// assert!(convert(ScalarType::Int, empty).unwrap().is_null());
/// assert_eq!(convert(ScalarType::String, empty), Ok(Value::String("")));
/// // A cell that does not fit its column is an error, not a null.
/// assert!(convert(ScalarType::Bool, n).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// JSON `null` in any column, or an empty string in a column whose type
    /// is neither `string`, `dynamic` nor unknown.
    Null,
    /// A `bool` value.
    Bool(bool),
    /// An `int` value.
    Int(i32),
    /// A `long` value.
    Long(i64),
    /// A `real` value (may be NaN or infinite when sent as `"NaN"`,
    /// `"Infinity"` or `"-Infinity"`).
    Real(f64),
    /// A `decimal` value, kept as the text that was sent.
    Decimal(Decimal<'a>),
    /// A `string` value: the unescaped contents.
    String(&'a str),
    /// A `datetime` value.
    DateTime(DateTime),
    /// A `timespan` value.
    TimeSpan(TimeSpan),
    /// A `guid` value.
    Guid(Guid),
    /// A `dynamic` value: the cell as sent, whatever its JSON kind.
    Dynamic(Dynamic<'a>),
    /// A value of a column whose type this crate does not know, kept as sent.
    Other(Cell<'a>),
}

impl Value<'_> {
    /// `true` for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// Why a cell could not be converted to its column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueErrorKind {
    /// The cell's JSON kind is not allowed for the type (say, an object in a
    /// `long` column, or a number in a `datetime` column).
    WrongKind,
    /// The cell's text is not in the type's format.
    Invalid,
    /// The cell's text is well formed but its value does not fit the type.
    OutOfRange,
}

/// A cell that could not be converted to its column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ValueError {
    kind: ValueErrorKind,
    expected: ScalarType,
}

impl ValueError {
    /// Builds an error of `kind` for a value of type `expected`.
    pub const fn new(kind: ValueErrorKind, expected: ScalarType) -> Self {
        ValueError { kind, expected }
    }

    /// What went wrong.
    pub const fn kind(&self) -> ValueErrorKind {
        self.kind
    }

    /// The type the cell was converted to.
    pub const fn expected(&self) -> ScalarType {
        self.expected
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.expected.kusto_name().unwrap_or("unknown-type");
        match self.kind {
            ValueErrorKind::WrongKind => write!(f, "wrong JSON kind for a {name} value"),
            ValueErrorKind::Invalid => write!(f, "invalid {name} value"),
            ValueErrorKind::OutOfRange => write!(f, "{name} value out of range"),
        }
    }
}

// `core::error::Error` is the trait `std::error::Error` re-exports.
impl core::error::Error for ValueError {}

/// Converts one cell of a column of type `ty` to a typed [`Value`].
///
/// - JSON `null` gives [`Value::Null`] in every column; so does an empty
///   string in every column but `string`, `dynamic` and unknown ones.
/// - `dynamic` keeps any cell as a [`Dynamic`]; an unknown type keeps it as
///   [`Value::Other`].
/// - An object or array in any other column is [`ValueErrorKind::WrongKind`].
/// - `bool`: `true`/`false`, the numbers `0`/`1`, and the strings `"true"`,
///   `"false"`, `"True"`, `"False"`, `"0"`, `"1"`.
/// - `int`, `long`: a number or string holding exactly `-?[0-9]+`.
/// - `real`: a number, or a string holding a number or one of `"NaN"`,
///   `"Infinity"`, `"-Infinity"`. Finite text too large for `f64` is
///   [`ValueErrorKind::OutOfRange`].
/// - `decimal`: a number, or a string holding a number or `"NaN"`,
///   `"Infinity"`, `"-Infinity"`; kept as text (see [`Decimal`]).
/// - `string`: a string only.
/// - `datetime`, `guid`: a string only (see [`DateTime::parse`],
///   [`Guid::parse`]).
/// - `timespan`: a string (see [`TimeSpan::parse`]) or an integer number of
///   ticks.
#[inline]
pub fn convert<'a>(ty: ScalarType, cell: Cell<'a>) -> Result<Value<'a>, ValueError> {
    if cell.kind() == CellKind::Number {
        if let Some(converted) = convert_number(ty, Around::text(cell.text())) {
            return converted;
        }
    }
    convert_other(ty, cell)
}

/// [`convert`] of a number cell whose text is `text` to a `long`, `int` or
/// `real` (the hot path of typed access); `None` for the other types.
#[inline]
pub(crate) fn convert_number(
    ty: ScalarType,
    text: Around<'_>,
) -> Option<Result<Value<'static>, ValueError>> {
    let err = move |kind| ValueError { kind, expected: ty };
    Some(match ty {
        ScalarType::Long => parse_i64_at(text).map(Value::Long).map_err(err),
        ScalarType::Int => match parse_i64_at(text) {
            Ok(v) => i32::try_from(v)
                .map(Value::Int)
                .map_err(|_| err(ValueErrorKind::OutOfRange)),
            Err(kind) => Err(err(kind)),
        },
        ScalarType::Real => parse_real_at(text).map(Value::Real).map_err(err),
        _ => return None,
    })
}

/// [`convert`] of a number cell that is not a `long`, `int` or `real` whose
/// text `raw` the lexer has checked is a JSON number: a `decimal` keeps it
/// as it is (JSON's number syntax is a subset of a decimal's), with no
/// second check.
#[inline]
pub(crate) fn convert_json_number(ty: ScalarType, raw: &str) -> Result<Value<'_>, ValueError> {
    if ty == ScalarType::Decimal {
        Ok(Value::Decimal(Decimal { text: raw }))
    } else {
        convert_other(ty, Cell::new(CellKind::Number, raw, raw))
    }
}

/// [`convert`] but for number cells of `long`, `int` and `real` columns.
#[inline(never)]
pub(crate) fn convert_other<'a>(ty: ScalarType, cell: Cell<'a>) -> Result<Value<'a>, ValueError> {
    use ValueErrorKind::{Invalid, OutOfRange, WrongKind};

    let kind = cell.kind();
    match kind {
        CellKind::Null => return Ok(Value::Null),
        CellKind::String => return convert_string(ty, cell.raw(), cell.text()),
        _ => {}
    }
    // Numbers, bools, objects and arrays from here on.
    let err = |kind| ValueError { kind, expected: ty };
    let text = cell.text();
    let is_number = kind == CellKind::Number;
    match ty {
        ScalarType::Dynamic => Ok(Value::Dynamic(Dynamic { cell })),
        ScalarType::Unknown => Ok(Value::Other(cell)),
        ScalarType::Bool => match kind {
            CellKind::Bool => Ok(Value::Bool(cell.raw() == "true")),
            CellKind::Number => match text {
                "0" => Ok(Value::Bool(false)),
                "1" => Ok(Value::Bool(true)),
                _ => Err(err(Invalid)),
            },
            _ => Err(err(WrongKind)),
        },
        ScalarType::Int if is_number => {
            let v = parse_i64(text).map_err(err)?;
            i32::try_from(v)
                .map(Value::Int)
                .map_err(|_| err(OutOfRange))
        }
        ScalarType::Long if is_number => parse_i64(text).map(Value::Long).map_err(err),
        ScalarType::Real if is_number => parse_real(text).map(Value::Real).map_err(err),
        ScalarType::Decimal if is_number => {
            Decimal::parse(text).map(Value::Decimal).ok_or(err(Invalid))
        }
        ScalarType::TimeSpan if is_number => parse_i64(text)
            .map(|t| Value::TimeSpan(TimeSpan::from_ticks(t)))
            .map_err(err),
        _ => Err(err(WrongKind)),
    }
}

/// [`convert`] of a string cell whose JSON text is `raw` and unescaped
/// contents `text`: one dispatch on the type.
#[inline(never)]
pub(crate) fn convert_string<'a>(
    ty: ScalarType,
    raw: &'a str,
    text: &'a str,
) -> Result<Value<'a>, ValueError> {
    use ValueErrorKind::{Invalid, OutOfRange};

    let err = |kind| ValueError { kind, expected: ty };
    match ty {
        ScalarType::String => Ok(Value::String(text)),
        ScalarType::Dynamic => Ok(Value::Dynamic(Dynamic {
            cell: Cell::new(CellKind::String, raw, text),
        })),
        ScalarType::Unknown => Ok(Value::Other(Cell::new(CellKind::String, raw, text))),
        _ if text.is_empty() => Ok(Value::Null),
        ScalarType::DateTime => DateTime::parse(text)
            .map(Value::DateTime)
            .ok_or(err(Invalid)),
        ScalarType::Guid => Guid::parse(text).map(Value::Guid).ok_or(err(Invalid)),
        ScalarType::TimeSpan => parse_timespan(text.as_bytes())
            .map(Value::TimeSpan)
            .map_err(err),
        ScalarType::Decimal => Decimal::parse(text).map(Value::Decimal).ok_or(err(Invalid)),
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
    }
}

#[cfg(test)]
mod tests {
    use super::datetime::TICKS_PER_DAY;
    use super::reference::{self, same_fixed_formats};
    use super::*;
    use alloc::boxed::Box;
    use alloc::format;
    use alloc::string::{String, ToString};
    use proptest::prelude::*;

    fn num(raw: &'static str) -> Cell<'static> {
        Cell::new(CellKind::Number, raw, raw)
    }

    /// A string cell; `text` must need no escaping.
    fn st(text: &'static str) -> Cell<'static> {
        let raw: &'static str = Box::leak(format!("\"{text}\"").into_boxed_str());
        Cell::new(CellKind::String, raw, text)
    }

    fn null() -> Cell<'static> {
        Cell::new(CellKind::Null, "null", "null")
    }

    fn boolean(v: bool) -> Cell<'static> {
        let raw = if v { "true" } else { "false" };
        Cell::new(CellKind::Bool, raw, raw)
    }

    fn obj() -> Cell<'static> {
        Cell::new(CellKind::Object, "{\"a\":1}", "{\"a\":1}")
    }

    fn arr() -> Cell<'static> {
        Cell::new(CellKind::Array, "[1,2]", "[1,2]")
    }

    fn err_kind(ty: ScalarType, cell: Cell<'static>) -> ValueErrorKind {
        match convert(ty, cell) {
            Err(e) => {
                assert_eq!(e.expected(), ty);
                e.kind()
            }
            Ok(v) => panic!("{ty:?} {cell:?} converted to {v:?}"),
        }
    }

    const ALL: [ScalarType; 11] = ScalarType::ALL;

    #[test]
    fn scalar_type_names() {
        for ty in ALL {
            match ty.kusto_name() {
                Some(name) => assert_eq!(ScalarType::from_name(name), ty),
                None => assert_eq!(ty, ScalarType::Unknown),
            }
        }
        assert_eq!(ScalarType::from_name("boolean"), ScalarType::Bool);
        assert_eq!(ScalarType::from_name("uuid"), ScalarType::Guid);
        assert_eq!(ScalarType::from_name("frob"), ScalarType::Unknown);
        assert_eq!(ScalarType::from_dotnet("System.Int64"), ScalarType::Long);
        assert_eq!(
            ScalarType::from_dotnet("System.Data.SqlTypes.SqlDecimal"),
            ScalarType::Decimal
        );
        assert_eq!(ScalarType::from_dotnet("Object"), ScalarType::Dynamic);
    }

    #[test]
    fn convert_null_rules() {
        for ty in ALL {
            assert_eq!(convert(ty, null()), Ok(Value::Null), "{ty:?}");
            let empty = convert(ty, st(""));
            match ty {
                ScalarType::String => assert_eq!(empty, Ok(Value::String(""))),
                ScalarType::Dynamic => assert_eq!(empty, Ok(Value::Dynamic(Dynamic::new(st(""))))),
                ScalarType::Unknown => assert_eq!(empty, Ok(Value::Other(st("")))),
                _ => assert_eq!(empty, Ok(Value::Null), "{ty:?}"),
            }
        }
        assert!(Value::Null.is_null());
        assert!(!Value::Bool(false).is_null());
    }

    #[test]
    fn convert_wrong_kinds() {
        use ScalarType as T;
        use ValueErrorKind::WrongKind;
        for ty in ALL {
            for cell in [obj(), arr()] {
                match ty {
                    T::Dynamic => {
                        assert_eq!(convert(ty, cell), Ok(Value::Dynamic(Dynamic::new(cell))))
                    }
                    T::Unknown => assert_eq!(convert(ty, cell), Ok(Value::Other(cell))),
                    _ => assert_eq!(err_kind(ty, cell), WrongKind, "{ty:?}"),
                }
            }
        }
        let wrong: &[(ScalarType, Cell<'static>)] = &[
            (T::Int, boolean(true)),
            (T::Long, boolean(false)),
            (T::Real, boolean(true)),
            (T::Decimal, boolean(true)),
            (T::String, num("1")),
            (T::String, boolean(true)),
            (T::DateTime, num("637189431013109965")),
            (T::DateTime, boolean(true)),
            (T::TimeSpan, boolean(true)),
            (T::Guid, num("1")),
            (T::Guid, boolean(true)),
        ];
        for &(ty, cell) in wrong {
            assert_eq!(err_kind(ty, cell), WrongKind, "{ty:?} {cell:?}");
        }
    }

    #[test]
    fn convert_integers() {
        use ValueErrorKind::{Invalid, OutOfRange};
        let longs: &[(&str, i64)] = &[
            ("0", 0),
            ("-0", 0),
            ("42", 42),
            ("-42", -42),
            ("0000000000000000000000000000042", 42),
            ("9223372036854775807", i64::MAX),
            ("-9223372036854775808", i64::MIN),
        ];
        for &(text, v) in longs {
            assert_eq!(
                convert(ScalarType::Long, num(text)),
                Ok(Value::Long(v)),
                "{text}"
            );
            assert_eq!(
                convert(ScalarType::Long, st(text)),
                Ok(Value::Long(v)),
                "{text}"
            );
        }
        let ints: &[(&str, i32)] = &[
            ("0", 0),
            ("2147483647", i32::MAX),
            ("-2147483648", i32::MIN),
            ("17", 17),
        ];
        for &(text, v) in ints {
            assert_eq!(
                convert(ScalarType::Int, num(text)),
                Ok(Value::Int(v)),
                "{text}"
            );
            assert_eq!(
                convert(ScalarType::Int, st(text)),
                Ok(Value::Int(v)),
                "{text}"
            );
        }
        let errors: &[(ScalarType, &str, ValueErrorKind)] = &[
            (ScalarType::Long, "9223372036854775808", OutOfRange),
            (ScalarType::Long, "-9223372036854775809", OutOfRange),
            (
                ScalarType::Long,
                "99999999999999999999999999999",
                OutOfRange,
            ),
            (ScalarType::Int, "2147483648", OutOfRange),
            (ScalarType::Int, "-2147483649", OutOfRange),
            (ScalarType::Int, "9223372036854775808", OutOfRange),
            (ScalarType::Long, "5.0", Invalid),
            (ScalarType::Long, "1e3", Invalid),
            (ScalarType::Long, "1E3", Invalid),
            (ScalarType::Long, "-", Invalid),
            (ScalarType::Long, "+5", Invalid),
            (ScalarType::Int, "1.5", Invalid),
            (ScalarType::Int, "-0.0", Invalid),
            (ScalarType::Long, "99999999999999999999.5", Invalid),
        ];
        for &(ty, text, kind) in errors {
            assert_eq!(err_kind(ty, num(text)), kind, "{ty:?} {text}");
        }
        for text in [" 1", "1 ", "0x10", "NaN", "one", "1_000"] {
            assert_eq!(err_kind(ScalarType::Long, st(text)), Invalid, "{text}");
            assert_eq!(err_kind(ScalarType::Int, st(text)), Invalid, "{text}");
        }
    }

    #[test]
    fn convert_reals() {
        let cases: &[(Cell<'static>, f64)] = &[
            (num("0.01"), 0.01),
            (num("1e308"), 1e308),
            (num("5e-324"), 5e-324),
            (num("-5e-324"), -5e-324),
            (num("1e-400"), 0.0),
            (num("1.7976931348623157e308"), f64::MAX),
            (num("-2.5"), -2.5),
            (num("3"), 3.0),
            (
                num("0.1000000000000000055511151231257827021181583404541015625"),
                0.1,
            ),
            (st("Infinity"), f64::INFINITY),
            (st("-Infinity"), f64::NEG_INFINITY),
            (st("1.5"), 1.5),
            (st(".5"), 0.5),
            (st("+1e2"), 100.0),
        ];
        for &(cell, want) in cases {
            match convert(ScalarType::Real, cell) {
                Ok(Value::Real(v)) => assert_eq!(v.to_bits(), want.to_bits(), "{cell:?}"),
                other => panic!("{cell:?}: {other:?}"),
            }
        }
        match convert(ScalarType::Real, st("NaN")) {
            Ok(Value::Real(v)) => assert!(v.is_nan()),
            other => panic!("NaN: {other:?}"),
        }
        match convert(ScalarType::Real, num("-0")) {
            Ok(Value::Real(v)) => assert!(v == 0.0 && v.is_sign_negative()),
            other => panic!("-0: {other:?}"),
        }
        use ValueErrorKind::{Invalid, OutOfRange};
        assert_eq!(err_kind(ScalarType::Real, num("1e309")), OutOfRange);
        assert_eq!(err_kind(ScalarType::Real, num("-1e400")), OutOfRange);
        for text in [
            "nan",
            "NAN",
            "inf",
            "infinity",
            "INFINITY",
            "+Infinity",
            "1.5x",
            "1,5",
            " 1",
            "e5",
            ".",
        ] {
            assert_eq!(err_kind(ScalarType::Real, st(text)), Invalid, "{text}");
        }
    }

    #[test]
    fn convert_decimals() {
        let cases: &[(Cell<'static>, &str)] = &[
            (st("2.00000000000001"), "2.00000000000001"),
            (num("1.2"), "1.2"),
            (num("-1.5E+3"), "-1.5E+3"),
            (st("NaN"), "NaN"),
            (st("Infinity"), "Infinity"),
            (st("-Infinity"), "-Infinity"),
        ];
        for &(cell, text) in cases {
            match convert(ScalarType::Decimal, cell) {
                Ok(Value::Decimal(d)) => assert_eq!(d.text(), text),
                other => panic!("{cell:?}: {other:?}"),
            }
        }
        match convert(ScalarType::Decimal, st("2.00000000000001")) {
            Ok(Value::Decimal(d)) => assert_eq!(d.to_scaled(), Some((200_000_000_000_001, 14))),
            other => panic!("{other:?}"),
        }
        match convert(ScalarType::Decimal, num("1.2")) {
            Ok(Value::Decimal(d)) => assert_eq!(d.to_scaled(), Some((12, 1))),
            other => panic!("{other:?}"),
        }
        match convert(ScalarType::Decimal, st("NaN")) {
            Ok(Value::Decimal(d)) => assert!(d.is_nan() && d.to_scaled().is_none()),
            other => panic!("{other:?}"),
        }
        for text in ["nan", "abc", "1.2.3", "1 "] {
            assert_eq!(
                err_kind(ScalarType::Decimal, st(text)),
                ValueErrorKind::Invalid,
                "{text}"
            );
        }
    }

    #[test]
    fn convert_bools() {
        let cases: &[(Cell<'static>, bool)] = &[
            (boolean(true), true),
            (boolean(false), false),
            (num("1"), true),
            (num("0"), false),
            (st("true"), true),
            (st("false"), false),
            (st("True"), true),
            (st("False"), false),
            (st("1"), true),
            (st("0"), false),
        ];
        for &(cell, want) in cases {
            assert_eq!(
                convert(ScalarType::Bool, cell),
                Ok(Value::Bool(want)),
                "{cell:?}"
            );
        }
        for cell in [
            num("2"),
            num("-1"),
            num("1.0"),
            num("0e0"),
            st("yes"),
            st("TRUE"),
            st(" true"),
        ] {
            assert_eq!(
                err_kind(ScalarType::Bool, cell),
                ValueErrorKind::Invalid,
                "{cell:?}"
            );
        }
    }

    #[test]
    fn convert_strings_datetimes_timespans_guids() {
        let escaped = Cell::new(CellKind::String, "\"a\\\"b\"", "a\"b");
        assert_eq!(
            convert(ScalarType::String, escaped),
            Ok(Value::String("a\"b"))
        );
        assert_eq!(
            convert(ScalarType::DateTime, st("2020-03-04T14:05:01.3109965Z")),
            Ok(Value::DateTime(DateTime::from_ticks(
                637_189_275_013_109_965
            )))
        );
        assert_eq!(
            err_kind(ScalarType::DateTime, st("2020-13-04T14:05:01Z")),
            ValueErrorKind::Invalid
        );
        assert_eq!(
            convert(ScalarType::TimeSpan, st("-2.00:00:02.0020002")),
            Ok(Value::TimeSpan(TimeSpan::from_ticks(
                -(2 * TICKS_PER_DAY + 20_020_002)
            )))
        );
        assert_eq!(
            convert(ScalarType::TimeSpan, num("600000000")),
            Ok(Value::TimeSpan(TimeSpan::from_ticks(600_000_000)))
        );
        assert_eq!(
            convert(ScalarType::TimeSpan, st("600000000")),
            Ok(Value::TimeSpan(TimeSpan::from_ticks(600_000_000)))
        );
        assert_eq!(
            err_kind(ScalarType::TimeSpan, num("1.5")),
            ValueErrorKind::Invalid
        );
        assert_eq!(
            err_kind(ScalarType::TimeSpan, num("6e8")),
            ValueErrorKind::Invalid
        );
        assert_eq!(
            err_kind(ScalarType::TimeSpan, num("9223372036854775808")),
            ValueErrorKind::OutOfRange
        );
        assert_eq!(
            err_kind(ScalarType::TimeSpan, st("10675200.00:00:00")),
            ValueErrorKind::OutOfRange
        );
        assert_eq!(
            err_kind(ScalarType::TimeSpan, st("25:00:00")),
            ValueErrorKind::Invalid
        );
        let g = [
            0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54,
            0x32, 0x10,
        ];
        assert_eq!(
            convert(ScalarType::Guid, st("01234567-89AB-CDEF-FEDC-BA9876543210")),
            Ok(Value::Guid(Guid::from_bytes(g)))
        );
        assert_eq!(
            err_kind(ScalarType::Guid, st("not-a-guid")),
            ValueErrorKind::Invalid
        );
    }

    #[test]
    fn convert_dynamic_and_unknown() {
        let n = num("1.5");
        assert_eq!(
            convert(ScalarType::Dynamic, n),
            Ok(Value::Dynamic(Dynamic::new(n)))
        );
        assert_eq!(
            convert(ScalarType::Dynamic, boolean(true)),
            Ok(Value::Dynamic(Dynamic::new(boolean(true))))
        );
        assert_eq!(convert(ScalarType::Unknown, n), Ok(Value::Other(n)));
        assert_eq!(
            convert(ScalarType::Unknown, st("x")),
            Ok(Value::Other(st("x")))
        );

        let raw = "\"{\\\"a\\\":[1,2]}\"";
        let embedded = Cell::new(CellKind::String, raw, "{\"a\":[1,2]}");
        let Ok(Value::Dynamic(d)) = convert(ScalarType::Dynamic, embedded) else {
            panic!("not dynamic");
        };
        assert_eq!(d.raw(), raw);
        assert_eq!(d.cell(), embedded);
        assert_eq!(d.kind(), CellKind::String);
        assert_eq!(d.embedded_json(), Some("{\"a\":[1,2]}"));

        for (text, json) in [
            ("hello", false),
            ("", false),
            ("[1,", false),
            ("123", true),
            (" [ ] ", true),
            ("\"quoted\"", true),
            ("null", true),
        ] {
            let d = Dynamic::new(st(text));
            assert_eq!(d.embedded_json().is_some(), json, "{text}");
        }
        // Only string cells carry embedded JSON.
        assert_eq!(Dynamic::new(obj()).embedded_json(), None);
        assert_eq!(Dynamic::new(num("1")).embedded_json(), None);
    }

    #[test]
    fn error_display() {
        let e = ValueError::new(ValueErrorKind::Invalid, ScalarType::DateTime);
        assert_eq!(e.to_string(), "invalid datetime value");
        assert_eq!(
            ValueError::new(ValueErrorKind::OutOfRange, ScalarType::Long).to_string(),
            "long value out of range"
        );
        assert_eq!(
            ValueError::new(ValueErrorKind::WrongKind, ScalarType::Guid).to_string(),
            "wrong JSON kind for a guid value"
        );
        assert_eq!(
            ValueError::new(ValueErrorKind::Invalid, ScalarType::Unknown).to_string(),
            "invalid unknown-type value"
        );
        let mut s = String::new();
        let _ = core::fmt::Write::write_fmt(&mut s, format_args!("{e}"));
        assert_eq!(s, "invalid datetime value");
    }

    #[test]
    fn fixed_formats_at_the_edges() {
        for text in [
            "2020-03-04T14:05:01.1234567Z",
            "2020-03-04T14:05:01.12345678Z",
            "2020-03-04T14:05:01.12345670Z",
            "2020-03-04T14:05:01.123456700000000000Z",
            "2020-03-04T14:05:01.1234567000000000001Z",
            "2020-03-04T14:05:01.0000000",
            "2020-03-04T14:05:01.",
            "2020-03-04T14:05:01.Z",
            "2020-03-04T14:05:01.5",
            "0000-02-29T00:00:00Z",
            "0000-03-01T00:00:00Z",
            "0400-02-29T00:00:00Z",
            "2100-02-29T00:00:00Z",
            "9999-12-31T23:59:59.9999999Z",
            "00:00:00",
            "23:59:59.9999999",
            "23:59:59.99999999",
            "-10675199.02:48:05.4775808",
            "10675199.02:48:05.4775807",
            "10675199.02:48:05.4775808",
            "0000000000000000000000000001.00:00:00",
            "99999999999999999999.00:00:00",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-0000000000000000000000009223372036854775808",
            "1:00:00",
            "1.1:00:00",
            "12:00",
            "01234567-89ab-cdef-0123-456789ABCDEF",
            "01234567-89ab-cdef-0123-456789ABCDEg",
            "01234567-89ab-cdef-0123-456789ABCDE",
            "01234567+89ab-cdef-0123-456789ABCDEF",
        ] {
            same_fixed_formats(text).unwrap();
        }
    }

    /// Every valid form with each byte replaced by every other ASCII byte
    /// and by a few non-ASCII characters, with each byte deleted, and cut
    /// at each length: the templates, the hex conversion and the day, hour
    /// and fraction reads see every wrong byte at every place.
    #[test]
    fn fixed_formats_with_every_byte_changed() {
        let valid = [
            "2020-03-04T14:05:01.1234567Z",
            "2020-03-04t14:05:01.12Z",
            "2020-02-29 23:59:59z",
            "0000-02-29T00:00:00",
            "9999-12-31T23:59:59.9999999000Z",
            "04:05:06",
            "-04:05:06.1234567",
            "1.04:05:06",
            "-123.23:59:59.1",
            "1234567.04:05:06.1234567",
            "10675199.02:48:05.4775807",
            "123456789.04:05:06",
            "1234567",
            "01234567-89ab-cdef-0123-456789ABCDEF",
            "ffffffff-FFFF-aAaA-0000-9999999999ff",
        ];
        for text in valid {
            same_fixed_formats(text).unwrap();
            for at in 0..text.len() {
                let (head, rest) = text.split_at(at);
                let tail = &rest[1..];
                for c in
                    (0u8..0x80)
                        .map(char::from)
                        .chain(['é', '\u{660}', '\u{ff10}', '\u{10000}'])
                {
                    same_fixed_formats(&format!("{head}{c}{tail}")).unwrap();
                }
                same_fixed_formats(&format!("{head}{tail}")).unwrap();
                same_fixed_formats(head).unwrap();
            }
        }
    }

    fn same_string_conversion(text: &str) -> Result<(), TestCaseError> {
        let raw = format!("{text:?}");
        let cell = Cell::new(CellKind::String, &raw, text);
        for ty in ScalarType::ALL {
            // Compared as text: NaN is not equal to itself.
            let want = format!("{:?}", reference::convert_string_cell(ty, cell));
            let via_cell = format!("{:?}", convert(ty, cell));
            let direct = format!("{:?}", convert_string(ty, &raw, text));
            prop_assert_eq!(&via_cell, &want, "{:?} {}", ty, text);
            prop_assert_eq!(&direct, &want, "{:?} {}", ty, text);
        }
        Ok(())
    }

    #[test]
    fn string_conversions_at_the_edges() {
        for text in [
            "",
            "true",
            "True",
            "TRUE",
            "false",
            "False",
            "0",
            "1",
            "2",
            "-0",
            "12",
            "-1",
            "2147483647",
            "2147483648",
            "-2147483648",
            "-2147483649",
            "9223372036854775808",
            "1.5",
            "1e3",
            "NaN",
            "Infinity",
            "-Infinity",
            "inf",
            " 1",
            "+1",
            ".5",
            "5.",
            "2020-03-04T14:05:01.1234567Z",
            "04:05:06",
            "1.04:05:06",
            "01234567-89ab-cdef-0123-456789ABCDEF",
            "null",
            "{}",
            "[1]",
            "é",
        ] {
            same_string_conversion(text).unwrap();
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn string_conversions_match_reference(
            number in "[-+]?[0-9]{0,22}(\\.[0-9]{0,20})?([eE][-+]?[0-9]{0,4})?",
            dt in "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,9})?[Zz]?",
            ts in "-?([0-9]{1,9}\\.)?[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,8})?",
            guid in "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
            word in "(true|false|True|False|NaN|-?Infinity|[01])",
            any_text in any::<String>(),
        ) {
            for text in [&number, &dt, &ts, &guid, &word, &any_text] {
                same_string_conversion(text)?;
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn fixed_formats_match_reference(
            dt in "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,12})?[Zz]?",
            dt_junk in "[0-9]{0,5}(-[0-9]{0,3}){0,2}[T t]?[0-9:]{0,9}(\\.[0-9]{0,12})?[Zz]?",
            ts in "-?([0-9]{1,9}\\.)?[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,9})?",
            ts_junk in "-?[0-9]{0,22}\\.?[0-9:]{0,10}(\\.[0-9]{0,9})?",
            guid in "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
            guid_junk in "[0-9a-fA-FgG:/@`-]{34,38}",
            any_text in any::<String>(),
        ) {
            for text in [&dt, &dt_junk, &ts, &ts_junk, &guid, &guid_junk, &any_text] {
                same_fixed_formats(text)?;
            }
        }
    }
}
