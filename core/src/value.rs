//! Kusto scalar types and typed access to cells.
//!
//! [`convert`] turns one [`Cell`] of a column of a given [`ScalarType`] into a
//! typed [`Value`]. The fixed formats (`datetime`, `timespan`, `guid`) are
//! parsed by hand at the byte level, integers are parsed exactly from their
//! text (never through `f64`), and `decimal` values are kept as the text that
//! was sent ([`Decimal`]), with a lossless conversion to a scaled integer.
//!
//! Nothing here allocates or panics, whatever the input.

use core::fmt;

use crate::cell::{Cell, CellKind};
use crate::json_check::is_valid_json;

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

// ---------------------------------------------------------------------------
// Shared byte-level helpers
// ---------------------------------------------------------------------------

const TICKS_PER_SECOND: i64 = 10_000_000;
const TICKS_PER_MINUTE: i64 = 60 * TICKS_PER_SECOND;
const TICKS_PER_HOUR: i64 = 60 * TICKS_PER_MINUTE;
const TICKS_PER_DAY: i64 = 24 * TICKS_PER_HOUR;

/// The value of the ASCII digit at `b[i]`.
#[inline]
fn digit(b: &[u8], i: usize) -> Option<u32> {
    match b.get(i) {
        Some(&c) if c.is_ascii_digit() => Some(u32::from(c - b'0')),
        _ => None,
    }
}

#[inline]
fn byte_is(b: &[u8], i: usize, want: u8) -> bool {
    b.get(i) == Some(&want)
}

/// Reads up to 7 fraction digits of a second from `b[*i..]` (just past the
/// `.`) as ticks. Returns `None` when there is no digit, or when there are
/// more than 7 digits and `zeros_beyond_7` is false or a digit beyond the
/// 7th is not `0`.
#[inline]
fn fraction_ticks(b: &[u8], i: &mut usize, zeros_beyond_7: bool) -> Option<u32> {
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

/// The value of 8 ASCII digits loaded little-endian into `v` (first digit
/// in the low byte), 0 to 99 999 999.
#[inline]
fn eight_digits_value(v: u64) -> u64 {
    const MASK: u64 = 0x0000_00FF_0000_00FF;
    const MUL1: u64 = 100 + (1_000_000 << 32);
    const MUL2: u64 = 1 + (10_000 << 32);
    let v = v.wrapping_sub(0x3030_3030_3030_3030);
    // Pairs of digits, then groups of four, then all eight.
    let v = v.wrapping_mul(10).wrapping_add(v >> 8);
    (v & MASK)
        .wrapping_mul(MUL1)
        .wrapping_add(((v >> 16) & MASK).wrapping_mul(MUL2))
        >> 32
}

/// The first `min(8, b.len())` bytes of `b` as a little-endian `u64`, the
/// missing high bytes 0. A few overlapping loads, no loop.
#[inline]
fn load_le(b: &[u8]) -> u64 {
    let n = b.len();
    if let Some(eight) = b.get(..8) {
        return eight.try_into().map_or(0, u64::from_le_bytes);
    }
    let at = |i: usize, len: usize| -> u64 {
        match b.get(i..i + len) {
            Some(&[x0, x1, x2, x3]) => u64::from(u32::from_le_bytes([x0, x1, x2, x3])),
            Some(&[x0, x1]) => u64::from(u16::from_le_bytes([x0, x1])),
            Some(&[x0]) => u64::from(x0),
            _ => 0,
        }
    };
    // Two overlapping reads of the same bytes OR together harmlessly.
    if n >= 4 {
        at(0, 4) | at(n - 4, 4) << (8 * (n - 4))
    } else if n >= 2 {
        at(0, 2) | at(n - 2, 2) << (8 * (n - 2))
    } else {
        at(0, n)
    }
}

/// `load_le(&b[i..])` (0 when `i` is past the end); when `b` has 8 bytes
/// or more, the bytes near its end come from one load of its last 8.
#[inline]
fn load_at(b: &[u8], i: usize) -> u64 {
    let n = b.len();
    if n < 8 {
        return load_le(b).checked_shr(8 * i as u32).unwrap_or(0);
    }
    if let Some(eight) = b.get(i..i + 8) {
        return eight.try_into().map_or(0, u64::from_le_bytes);
    }
    // i + 8 > n >= 8: the last 8 bytes, without the i + 8 - n before `i`.
    let last = b
        .get(n - 8..)
        .and_then(|x| x.try_into().ok())
        .map_or(0, u64::from_le_bytes);
    u32::try_from(8 * (i + 8 - n))
        .ok()
        .and_then(|s| last.checked_shr(s))
        .unwrap_or(0)
}

/// How many of the low bytes of `word` (little-endian) are ASCII digits
/// before the first other byte, 0 to 8. Branch-free.
#[inline]
fn digit_count8(word: u64) -> usize {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte is a digit when `byte ^ 0x30` is at most 9: flag the others
    // (the high bit of each flagged byte set).
    let x = word ^ 0x3030_3030_3030_3030;
    let not_digit = (((x & LOW7).wrapping_add(0x7676_7676_7676_7676)) | x) & HIGH;
    (not_digit.trailing_zeros() / 8) as usize
}

/// The digits at `b[i..]`, up to 8 of them: (how many, their value).
/// Branch-free but for the load.
#[inline]
fn leading_digits8(b: &[u8], i: usize) -> (usize, u64) {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    let word = load_at(b, i);
    // The bytes past the end of `b` are 0, not digits.
    let n = digit_count8(word);
    // Move the n digits to the top bytes, '0's below, and convert.
    let shift = 8 * (8 - n as u32);
    let digits =
        word.checked_shl(shift).unwrap_or(0) | ZEROS.checked_shr(8 * n as u32).unwrap_or(0);
    (n, eight_digits_value(digits))
}

/// The number of ASCII digits at `b[*i..]`, advancing `*i` past them.
#[inline]
fn skip_digits(b: &[u8], i: &mut usize) -> usize {
    let start = *i;
    loop {
        let n = digit_count8(load_at(b, *i));
        *i += n;
        if n < 8 {
            return *i - start;
        }
    }
}

/// Reads the run of ASCII digits at `b[*i..]`, advancing `*i` past it, into
/// `m` (as `m * 10^n + digits`, wrapping: exact while the digits after the
/// leading zeros number at most 19). Eight digits at a time.
#[inline]
fn scan_digits(b: &[u8], i: &mut usize, m: &mut u64) {
    const POW10: [u64; 9] = [
        1,
        10,
        100,
        1_000,
        10_000,
        100_000,
        1_000_000,
        10_000_000,
        100_000_000,
    ];
    loop {
        let (n, v) = leading_digits8(b, *i);
        *m = m
            .wrapping_mul(POW10.get(n).copied().unwrap_or(0))
            .wrapping_add(v);
        *i += n;
        if n < 8 {
            break;
        }
    }
}

/// The number of digits in `b` not counting leading zeros (a `.` among the
/// leading zeros is skipped); `b` holds only digits and at most one `.`.
fn significant_digits(b: &[u8]) -> usize {
    let lead = b.iter().take_while(|&&c| c == b'0' || c == b'.').count();
    let rest = b.get(lead..).unwrap_or(&[]);
    rest.iter().filter(|c| c.is_ascii_digit()).count()
}

/// The high bit of every byte of `word` that is not an ASCII digit.
#[inline]
fn non_digits8(word: u64) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let x = word ^ 0x3030_3030_3030_3030;
    (((x & LOW7).wrapping_add(0x7676_7676_7676_7676)) | x) & HIGH
}

/// The high bit of every byte of `word` that is `byte`. Branch-free and
/// exact (no false positive from a borrow).
#[inline]
fn bytes_equal8(word: u64, byte: u8) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let x = word ^ (0x0101_0101_0101_0101 * u64::from(byte));
    // Per byte, no carry out: (x & 0x7F) + 0x7F reaches 0x80 when x & 0x7F
    // is not 0; `| x` flags x >= 0x80. What is left unflagged is 0.
    !((((x & LOW7) + LOW7) | x) & HIGH) & HIGH
}

/// Eight bytes of a fixed format: `0` where a digit goes, the byte itself
/// elsewhere.
#[derive(Clone, Copy)]
struct Template {
    /// The template's bytes, little-endian.
    bytes: u64,
    /// Per byte: 0x76 where a digit goes, 0x7F elsewhere.
    add: u64,
}

impl Template {
    const fn new(t: &[u8; 8]) -> Self {
        let mut add = 0;
        let mut k = 0;
        while k < 8 {
            let a: u64 = if t[k] == b'0' { 0x76 } else { 0x7F };
            add |= a << (8 * k);
            k += 1;
        }
        Template {
            bytes: u64::from_le_bytes(*t),
            add,
        }
    }

    /// `word` XOR the template: the digits' values where digits go, 0
    /// where the other bytes match.
    #[inline(always)]
    fn xor(self, word: u64) -> u64 {
        word ^ self.bytes
    }

    /// The high bit of every byte of `x` (from [`Template::xor`]) that is
    /// not a digit where a digit goes, or not the template's byte elsewhere.
    #[inline(always)]
    fn mismatch(self, x: u64) -> u64 {
        const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        // Per byte, with no carry out of it: (x & 0x7F) + 0x76 reaches 0x80
        // when x > 9, (x & 0x7F) + 0x7F when x > 0; `| x` flags x >= 0x80.
        (((x & LOW7) + self.add) | x) & HIGH
    }
}

/// The value of the first `n` bytes of `word` (little-endian), which are
/// ASCII digits; `n` is 0 to 8 (0 gives 0).
#[inline]
fn leading_value8(word: u64, n: usize) -> u64 {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    // The n digits to the top bytes, '0's below.
    let shift = 8 * 8u32.saturating_sub(n as u32);
    let digits =
        word.checked_shl(shift).unwrap_or(0) | (ZEROS & !u64::MAX.checked_shl(shift).unwrap_or(0));
    eight_digits_value(digits)
}

/// A number's text: `buf[start..end]`, with whatever bytes lie before it in
/// `buf` (a row's earlier cells), so that the words ending with the text can
/// be loaded with no branch on its length; the bytes before the text are
/// masked out.
#[derive(Clone, Copy)]
pub(crate) struct Around<'a> {
    buf: &'a [u8],
    start: usize,
    end: usize,
}

impl<'a> Around<'a> {
    /// The text `buf[start..end]` (empty when out of range).
    #[inline]
    pub(crate) fn new(buf: &'a [u8], start: usize, end: usize) -> Self {
        if start <= end && end <= buf.len() {
            Around { buf, start, end }
        } else {
            Around {
                buf: &[],
                start: 0,
                end: 0,
            }
        }
    }

    /// `text` on its own.
    #[inline]
    pub(crate) fn text(text: &'a str) -> Self {
        Around::new(text.as_bytes(), 0, text.len())
    }

    #[inline]
    fn bytes(&self) -> &'a [u8] {
        self.buf.get(self.start..self.end).unwrap_or(&[])
    }

    #[inline]
    fn len(&self) -> usize {
        self.end - self.start
    }

    /// The last 16 bytes of the text (at most 16 of them) as a little-endian
    /// `u128`, the bytes before them 0: the last byte of the text is the
    /// top byte. One load when 16 bytes of `buf` end with the text.
    #[inline(always)]
    fn last16(&self) -> u128 {
        let n = self.len();
        match self
            .end
            .checked_sub(16)
            .and_then(|from| self.buf.get(from..self.end))
        {
            Some(w) => {
                w.try_into().map_or(0, u128::from_le_bytes) & bytes_from(16usize.saturating_sub(n))
            }
            None => {
                // Shorter than 16 bytes, at the start of `buf`.
                let b = self.bytes();
                let first = u128::from(load_le(b));
                let last = u128::from(load_le(b.get(n.saturating_sub(8)..).unwrap_or(&[])));
                let first = first
                    .checked_shl(8 * 16u32.saturating_sub(n as u32))
                    .unwrap_or(0);
                let last = last
                    .checked_shl(8 * (8 + 8u32.saturating_sub(n as u32)))
                    .unwrap_or(0);
                first | last
            }
        }
    }
}

/// The 8 bytes of `b` from `at` as a little-endian `u64` (0 when `b` is too
/// short: callers pass offsets with 8 bytes after them).
#[inline]
fn word8(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8)
        .and_then(|w| w.try_into().ok())
        .map_or(0, u64::from_le_bytes)
}

/// Parses exactly `-?[0-9]+` into an `i64`, never through `f64`.
///
/// 1 to 19 digits, by far the common case, take a few whole-word loads (the
/// first and last 8 digits overlapping when they do) checked and converted 8
/// digits at a time, without looking at the digits one by one; other lengths
/// go to [`parse_i64_general`].
#[inline]
fn parse_i64(s: &str) -> Result<i64, ValueErrorKind> {
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
fn parse_i64_at(t: Around<'_>) -> Result<i64, ValueErrorKind> {
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

/// The optional exponent part `[eE][+-]?digits` at `b[*i..]`, saturated at
/// ±10^12 (such exponents are out of every range anyway); 0 when absent,
/// `None` when `e` has no digits.
fn exponent(b: &[u8], i: &mut usize) -> Option<i64> {
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
fn parse_real(s: &str) -> Result<f64, ValueErrorKind> {
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
fn parse_real_at(t: Around<'_>) -> Result<f64, ValueErrorKind> {
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

/// The mask of bytes `k` to 15 of a `u128` (0 for `k >= 16`).
#[inline]
fn bytes_from(k: usize) -> u128 {
    const TABLE: [u128; 17] = {
        let mut t = [0u128; 17];
        let mut k = 0;
        while k < 16 {
            t[k] = u128::MAX << (8 * k);
            k += 1;
        }
        t
    };
    TABLE.get(k).copied().unwrap_or(0)
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

/// The smallest and largest decimal exponents of the power-of-five table.
const POW5_MIN: i64 = -342;
const POW5_MAX: i64 = 308;

/// Little-endian limbs of a big unsigned integer, enough for 2^1728.
type Limbs = [u64; 28];

const fn limbs_bit_len(x: &Limbs) -> u32 {
    let mut i = x.len();
    while i > 0 {
        i -= 1;
        if x[i] != 0 {
            return i as u32 * 64 + 64 - x[i].leading_zeros();
        }
    }
    0
}

const fn limbs_mul_small(x: Limbs, m: u64) -> Limbs {
    let mut out = [0u64; 28];
    let mut carry = 0u128;
    let mut i = 0;
    while i < x.len() {
        let p = x[i] as u128 * m as u128 + carry;
        out[i] = p as u64;
        carry = p >> 64;
        i += 1;
    }
    out
}

const fn limbs_div_small(x: Limbs, d: u64) -> Limbs {
    let mut out = [0u64; 28];
    let mut rem = 0u128;
    let mut i = x.len();
    while i > 0 {
        i -= 1;
        let cur = (rem << 64) | x[i] as u128;
        out[i] = (cur / d as u128) as u64;
        rem = cur % d as u128;
    }
    out
}

/// `x >> s`.
const fn limbs_shr(x: Limbs, s: u32) -> Limbs {
    let mut out = [0u64; 28];
    let (words, bits) = ((s / 64) as usize, s % 64);
    let mut i = 0;
    while i + words < x.len() {
        let lo = x[i + words] >> bits;
        let hi = if bits != 0 && i + words + 1 < x.len() {
            x[i + words + 1] << (64 - bits)
        } else {
            0
        };
        out[i] = lo | hi;
        i += 1;
    }
    out
}

const fn limbs_add_one(x: Limbs) -> Limbs {
    let mut out = x;
    let mut i = 0;
    while i < out.len() {
        let (v, carry) = out[i].overflowing_add(1);
        out[i] = v;
        if !carry {
            break;
        }
        i += 1;
    }
    out
}

/// The 128 leading bits of `x` (shifted up when `x` is shorter).
const fn limbs_top128(x: &Limbs) -> u128 {
    let len = limbs_bit_len(x);
    if len <= 128 {
        let v = x[0] as u128 | (x[1] as u128) << 64;
        if len == 0 {
            0
        } else {
            v << (128 - len)
        }
    } else {
        let y = limbs_shr(*x, len - 128);
        y[0] as u128 | (y[1] as u128) << 64
    }
}

/// `5^q` for `q` in `POW5_MIN..=POW5_MAX`, normalized to 128 bits (the
/// leading bit set) as (high, low) words, as in the Eisel-Lemire paper and
/// fast_float: truncated for `q >= 0`; for `q < 0`, `floor(2^b / 5^-q) + 1`
/// with `b` chosen so the quotient has at least 128 bits, then truncated.
/// Computed at compile time.
const fn pow5_table() -> [(u64, u64); 651] {
    const B: u32 = 1728;
    let mut table = [(0u64, 0u64); 651];
    // q >= 0: 5^q.
    let mut p: Limbs = [0; 28];
    p[0] = 1;
    let mut q = 0;
    while q <= POW5_MAX {
        let v = limbs_top128(&p);
        table[(q - POW5_MIN) as usize] = ((v >> 64) as u64, v as u64);
        p = limbs_mul_small(p, 5);
        q += 1;
    }
    // q < 0: x = floor(2^B / 5^k) and p = 5^k for k = -q.
    let mut x: Limbs = [0; 28];
    x[(B / 64) as usize] = 1 << (B % 64);
    let mut p: Limbs = [0; 28];
    p[0] = 1;
    let mut k = 1;
    while k <= -POW5_MIN {
        x = limbs_div_small(x, 5);
        p = limbs_mul_small(p, 5);
        // z: the bit length of 5^k, the smallest z with 2^z > 5^k.
        let z = limbs_bit_len(&p);
        let b = if k <= 27 { z + 127 } else { 2 * z + 128 };
        // floor(2^b / 5^k) = floor(x / 2^(B - b)).
        let c = limbs_add_one(limbs_shr(x, B - b));
        let v = limbs_top128(&c);
        table[(-k - POW5_MIN) as usize] = ((v >> 64) as u64, v as u64);
        k += 1;
    }
    table
}

static POW5_128: [(u64, u64); 651] = pow5_table();

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

/// Writes `value` as `width` zero-padded decimal digits into `buf[at..]`.
/// Higher digits that do not fit are dropped (callers pass values that fit).
fn put_digits(buf: &mut [u8], at: usize, width: usize, mut value: u64) {
    if let Some(dst) = buf.get_mut(at..at + width) {
        for d in dst.iter_mut().rev() {
            // `value % 10` is below 10, so the cast is exact.
            *d = b'0' + (value % 10) as u8;
            value /= 10;
        }
    }
}

// ---------------------------------------------------------------------------
// DateTime
// ---------------------------------------------------------------------------

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
const DAYS_TO_0001: i64 = 306;

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

// ---------------------------------------------------------------------------
// TimeSpan
// ---------------------------------------------------------------------------

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

/// `mag` with the sign applied, when it fits.
fn apply_sign(neg: bool, mag: u64) -> Option<i64> {
    if neg {
        0i64.checked_sub_unsigned(mag)
    } else {
        i64::try_from(mag).ok()
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

fn parse_timespan(b: &[u8]) -> Result<TimeSpan, ValueErrorKind> {
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

// ---------------------------------------------------------------------------
// Guid
// ---------------------------------------------------------------------------

/// A `guid`: 16 bytes in the order they are written in the text form (RFC
/// 4122 byte order).
///
/// ```
/// use kusto_frames::value::Guid;
///
/// let g = Guid::parse("0F8FAD5B-D9CB-469F-A165-70867728950E").unwrap();
/// assert_eq!(g.to_string(), "0f8fad5b-d9cb-469f-a165-70867728950e");
/// assert_eq!(g.as_bytes()[..2], [0x0f, 0x8f]);
/// assert_eq!(Guid::from_bytes(*g.as_bytes()), g);
/// assert!(Guid::parse("0f8fad5b").is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Guid([u8; 16]);

/// Where each byte's two hex digits start in `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
const GUID_POSITIONS: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

impl Guid {
    /// The all-zero guid.
    pub const NIL: Guid = Guid([0; 16]);

    /// The guid with these bytes, in textual order.
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        Guid(bytes)
    }

    /// The bytes, in textual order.
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (hex digits in any case).
    pub fn parse(s: &str) -> Option<Guid> {
        let b: &[u8; 36] = s.as_bytes().try_into().ok()?;
        // The 32 hex digits side by side, then each byte converted on its
        // own with no branch and no table (the compiler takes them 16 at a
        // time): a byte that is not a hex digit becomes 0xFF, whose high
        // nibble shows in `seen` at the end.
        let mut hex = [0u8; 32];
        hex[..8].copy_from_slice(&b[..8]);
        hex[8..12].copy_from_slice(&b[9..13]);
        hex[12..16].copy_from_slice(&b[14..18]);
        hex[16..20].copy_from_slice(&b[19..23]);
        hex[20..].copy_from_slice(&b[24..]);
        let mut seen = 0;
        for c in hex.iter_mut() {
            *c = hex_nibble(*c);
            seen |= *c;
        }
        let dashes = (b[8] == b'-') & (b[13] == b'-') & (b[18] == b'-') & (b[23] == b'-');
        let mut out = [0u8; 16];
        for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
            if let [hi, lo] = *pair {
                *byte = (hi << 4) | (lo & 0xF);
            }
        }
        (dashes & (seen < 16)).then_some(Guid(out))
    }
}

/// The value of the hex digit `c`, or 0xFF. Branch-free.
#[inline(always)]
fn hex_nibble(c: u8) -> u8 {
    let digit = c.wrapping_sub(b'0');
    // `| 0x20` maps exactly `A`..=`F` onto `a`..=`f` (and leaves those).
    let letter = (c | 0x20).wrapping_sub(b'a');
    if digit < 10 {
        digit
    } else if letter < 6 {
        letter + 10
    } else {
        0xFF
    }
}

impl fmt::Display for Guid {
    /// Lowercase, with hyphens: `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut buf = *b"00000000-0000-0000-0000-000000000000";
        for (&byte, &at) in self.0.iter().zip(GUID_POSITIONS.iter()) {
            if let Some(dst) = buf.get_mut(at..at + 2) {
                for (d, nibble) in dst.iter_mut().zip([byte >> 4, byte & 0xf]) {
                    *d = HEX.get(usize::from(nibble)).copied().unwrap_or(b'0');
                }
            }
        }
        f.pad(core::str::from_utf8(&buf).map_err(|_| fmt::Error)?)
    }
}

// ---------------------------------------------------------------------------
// Decimal
// ---------------------------------------------------------------------------

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
    text: &'a str,
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

// ---------------------------------------------------------------------------
// Dynamic
// ---------------------------------------------------------------------------

/// A `dynamic` value: the cell as sent, of any JSON kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dynamic<'a> {
    cell: Cell<'a>,
}

impl<'a> Dynamic<'a> {
    /// Wraps a cell.
    pub fn new(cell: Cell<'a>) -> Self {
        Dynamic { cell }
    }

    /// The cell.
    pub fn cell(&self) -> Cell<'a> {
        self.cell
    }

    /// The JSON kind of the cell.
    pub fn kind(&self) -> CellKind {
        self.cell.kind()
    }

    /// The JSON text as sent.
    pub fn raw(&self) -> &'a str {
        self.cell.raw()
    }

    /// For a string cell whose unescaped text is itself a JSON document
    /// (RFC 8259, nested at most 128 deep), that text.
    ///
    /// V1 responses and V2 `@ExtendedProperties` send `dynamic` values this
    /// way. `None` for other kinds and for strings that are not JSON.
    pub fn embedded_json(&self) -> Option<&'a str> {
        if self.cell.kind() != CellKind::String {
            return None;
        }
        let text = self.cell.text();
        is_valid_json(text.as_bytes()).then_some(text)
    }
}

/// The straightforward implementations the fast parsers replaced, kept as
/// references for the property tests.
#[cfg(test)]
mod reference {
    use super::{
        apply_sign, exponent, Cell, CellKind, DateTime, Decimal, Dynamic, Guid, ScalarType,
        TimeSpan, Value, ValueError, ValueErrorKind, DAYS_TO_0001, GUID_POSITIONS, TICKS_PER_DAY,
        TICKS_PER_SECOND,
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
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
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

    /// `Guid::parse`.
    /// [`super::convert`] of a string cell, as it was before string cells
    /// got their own dispatch ([`super::convert_string`]).
    pub(super) fn convert_string_cell(
        ty: ScalarType,
        cell: Cell<'_>,
    ) -> Result<Value<'_>, ValueError> {
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
    fn ticks_from_fields(
        y: u32,
        mo: u32,
        d: u32,
        h: u32,
        mi: u32,
        s: u32,
        sub: u32,
    ) -> Option<i64> {
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
}

/// The fast parsers against the references they replaced, and their
/// building blocks against naive versions.
#[cfg(test)]
mod fast_parser_tests {
    use super::*;
    use alloc::string::{String, ToString};
    use alloc::vec::Vec;
    use alloc::{format, vec};
    use proptest::prelude::*;

    #[test]
    fn pow5_table_matches_fast_float() {
        // Entries of fast_float's (and core's) table, computed with Python's
        // big integers.
        let known: &[(i64, u64, u64)] = &[
            (-342, 0xeef4_53d6_923b_d65a, 0x113f_aa29_06a1_3b3f),
            (-341, 0x9558_b466_1b65_65f8, 0x4ac7_ca59_a424_c507),
            (-28, 0xfd87_b5f2_8300_ca0d, 0x8bca_9d6e_1888_53fc),
            (-27, 0x9e74_d1b7_91e0_7e48, 0x775e_a264_cf55_347e),
            (-26, 0xc612_0625_7658_9dda, 0x9536_4afe_032a_819e),
            (-1, 0xcccc_cccc_cccc_cccc, 0xcccc_cccc_cccc_cccd),
            (0, 0x8000_0000_0000_0000, 0),
            (1, 0xa000_0000_0000_0000, 0),
            (27, 0xcecb_8f27_f420_0f3a, 0),
            (28, 0x813f_3978_f894_0984, 0x4000_0000_0000_0000),
            (55, 0xd0cf_4b50_cfe2_0765, 0xfff4_b4e3_f741_cf6d),
            (56, 0x8281_8f12_81ed_449f, 0xbff8_f10e_7a89_21a4),
            (308, 0x8e67_9c2f_5e44_ff8f, 0x570f_09ea_a7ea_7648),
        ];
        for &(q, hi, lo) in known {
            let at = usize::try_from(q - POW5_MIN).unwrap();
            assert_eq!(POW5_128[at], (hi, lo), "5^{q}");
        }
        // Every entry is normalized, and 5^q for 0 <= q <= 27 is exact.
        assert!(POW5_128.iter().all(|&(hi, _)| hi >> 63 == 1));
        for q in 0..=27u32 {
            let p = 5u64.pow(q);
            let at = usize::try_from(i64::from(q) - POW5_MIN).unwrap();
            assert_eq!(POW5_128[at], (p << p.leading_zeros(), 0), "5^{q}");
        }
    }

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
    fn significant_digit_counts() {
        for (text, n) in [
            ("", 0),
            ("0", 0),
            ("000", 0),
            ("0.000", 0),
            ("0.0012", 2),
            ("100", 3),
            ("00100.10", 5),
            (".5", 1),
        ] {
            assert_eq!(significant_digits(text.as_bytes()), n, "{text}");
        }
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

    /// `text` inside buffers with bytes before and after it, as the cells of
    /// a row are: none, and prefixes shorter and longer than the words the
    /// parsers load, made of digits, signs, points and `e`s so that a byte
    /// not masked out would show.
    fn in_buffers(text: &str) -> impl Iterator<Item = (Vec<u8>, usize, usize)> + '_ {
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
        fn eight_digit_blocks(bytes in any::<[u8; 8]>(), digits in any::<[u8; 8]>()) {
            let block = digits.map(|d| b'0' + d % 10);
            let naive = block.iter().fold(0u64, |acc, &c| acc * 10 + u64::from(c - b'0'));
            prop_assert_eq!(eight_digits_value(u64::from_le_bytes(block)), naive);
            let run = bytes.iter().take_while(|c| c.is_ascii_digit()).count();
            prop_assert_eq!(digit_count8(u64::from_le_bytes(bytes)), run);
        }

        #[test]
        fn leading_digit_runs(text in "[0-9]{0,10}[^0-9]?[0-9]{0,13}", cut in 0usize..=26) {
            let b = text.as_bytes();
            let b = b.get(..cut).unwrap_or(b);
            let mut padded = [0u8; 8];
            for (p, &c) in padded.iter_mut().zip(b) {
                *p = c;
            }
            prop_assert_eq!(load_le(b), u64::from_le_bytes(padded));
            let run: &[u8] = &b[..b.iter().take(8).take_while(|c| c.is_ascii_digit()).count()];
            let naive = run.iter().fold(0u64, |acc, &c| acc * 10 + u64::from(c - b'0'));
            prop_assert_eq!(leading_digits8(b, 0), (run.len(), naive));
            for at in 0..=b.len() + 1 {
                let rest = b.get(at..).unwrap_or(&[]);
                prop_assert_eq!(load_at(b, at), load_le(rest), "{:?} at {}", b, at);
            }
            let mut i = 0;
            let all = b.iter().take_while(|c| c.is_ascii_digit()).count();
            prop_assert_eq!(skip_digits(b, &mut i), all);
            prop_assert_eq!(i, all);
        }

        #[test]
        fn number_syntax_matches_reference(s in "[-+]?[0-9]{0,20}\\.?[0-9]{0,20}([eE][-+]?[0-9]{0,3})?", junk in "[-+0-9eE.]{0,12}") {
            prop_assert_eq!(is_number_syntax(s.as_bytes()), reference::is_number_syntax(s.as_bytes()), "{}", s);
            prop_assert_eq!(is_number_syntax(junk.as_bytes()), reference::is_number_syntax(junk.as_bytes()), "{}", junk);
        }

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

    fn same_fixed_formats(text: &str) -> Result<(), TestCaseError> {
        prop_assert_eq!(DateTime::parse(text), reference::datetime(text), "{}", text);
        prop_assert_eq!(
            parse_timespan(text.as_bytes()),
            reference::parse_timespan(text.as_bytes()),
            "{}",
            text
        );
        prop_assert_eq!(Guid::parse(text), reference::guid(text), "{}", text);
        Ok(())
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

    #[test]
    fn hex_nibbles_of_every_byte() {
        for c in 0..=u8::MAX {
            let want = char::from(c).to_digit(16).map_or(0xFF, |v| v as u8);
            assert_eq!(hex_nibble(c), want, "{c:#x}");
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

        #[test]
        fn datetimes_from_ticks_match_reference(ticks in DateTime::MIN.ticks()..=DateTime::MAX.ticks(), cut in 19usize..=28) {
            let text = DateTime::from_ticks(ticks).to_string();
            same_fixed_formats(&text)?;
            same_fixed_formats(text.get(..cut).unwrap_or(&text))?;
        }

        #[test]
        fn timespans_from_ticks_match_reference(ticks in any::<i64>()) {
            same_fixed_formats(&TimeSpan::from_ticks(ticks).to_string())?;
            same_fixed_formats(&ticks.to_string())?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::boxed::Box;
    use alloc::format;
    use alloc::string::{String, ToString};

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

    #[test]
    fn guid_parse_and_display() {
        let bytes = [
            0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54,
            0x32, 0x10,
        ];
        let lower = "01234567-89ab-cdef-fedc-ba9876543210";
        for text in [
            lower,
            "01234567-89AB-CDEF-FEDC-BA9876543210",
            "01234567-89Ab-cDeF-FeDc-bA9876543210",
        ] {
            let g = Guid::parse(text);
            assert_eq!(g.map(|g| *g.as_bytes()), Some(bytes), "{text}");
        }
        assert_eq!(Guid::from_bytes(bytes).to_string(), lower);
        assert_eq!(
            Guid::NIL.to_string(),
            "00000000-0000-0000-0000-000000000000"
        );
        assert_eq!(
            Guid::from_bytes([0xff; 16]).to_string(),
            "ffffffff-ffff-ffff-ffff-ffffffffffff"
        );
        let bad = [
            "",
            "0123456789abcdeffedcba9876543210",
            "{01234567-89ab-cdef-fedc-ba9876543210}",
            "01234567-89ab-cdef-fedc-ba987654321",
            "01234567-89ab-cdef-fedc-ba98765432100",
            "01234567-89ab-cdef-fedcba-9876543210",
            "0123456-789ab-cdef-fedc-ba9876543210",
            "01234567-89ab-cdef-fedc-ba987654321g",
            "01234567+89ab-cdef-fedc-ba9876543210",
            "01234567-89ab-cdef-fedc-ba98765432 0",
            "0123456é-89ab-cdef-fedc-ba987654321",
        ];
        for text in bad {
            assert_eq!(Guid::parse(text), None, "{text}");
        }
    }

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
}
