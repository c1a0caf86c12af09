//! Cell value generators: every function appends one complete JSON value to `out`.

use std::io::Write as _;

use crate::num::{random_digits, write_2, write_i64, write_padded, write_u64};
use crate::rng::Rng;
use crate::Profile;

/// What a column holds (and how its cells are generated).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    DateTime,
    /// A string of `min..=max` characters (roughly; escapes and non-ASCII add some).
    Str {
        min: u16,
        max: u16,
    },
    Long,
    Int,
    Real,
    Bool,
    Guid,
    TimeSpan,
    Dynamic,
    Decimal,
    /// A `long` column holding the 0-based index of the row as sent (never null).
    RowNumber,
}

impl Kind {
    /// The Kusto column type name.
    pub(crate) fn type_name(self) -> &'static str {
        match self {
            Self::DateTime => "datetime",
            Self::Str { .. } => "string",
            Self::Long | Self::RowNumber => "long",
            Self::Int => "int",
            Self::Real => "real",
            Self::Bool => "bool",
            Self::Guid => "guid",
            Self::TimeSpan => "timespan",
            Self::Dynamic => "dynamic",
            Self::Decimal => "decimal",
        }
    }
}

/// The primary table's columns for a profile.
pub(crate) fn schema(profile: Profile) -> &'static [(&'static str, Kind)] {
    const MIXED: &[(&str, Kind)] = &[
        ("Timestamp", Kind::DateTime),
        ("Name", Kind::Str { min: 3, max: 40 }),
        ("Count", Kind::Long),
        ("Value", Kind::Real),
        ("IsActive", Kind::Bool),
        ("Id", Kind::Guid),
        ("Duration", Kind::TimeSpan),
        ("Properties", Kind::Dynamic),
        ("Amount", Kind::Decimal),
        ("Code", Kind::Int),
        ("Message", Kind::Str { min: 5, max: 120 }),
        ("RowNumber", Kind::RowNumber),
    ];
    const STRING_HEAVY: &[(&str, Kind)] = &[
        ("Timestamp", Kind::DateTime),
        ("Source", Kind::Str { min: 5, max: 30 }),
        ("Category", Kind::Str { min: 5, max: 40 }),
        ("Title", Kind::Str { min: 10, max: 80 }),
        ("Description", Kind::Str { min: 40, max: 400 }),
        ("Body", Kind::Str { min: 100, max: 400 }),
        ("Tags", Kind::Str { min: 5, max: 60 }),
        ("Url", Kind::Str { min: 20, max: 120 }),
        ("Notes", Kind::Str { min: 5, max: 400 }),
        ("Id", Kind::Guid),
        ("Size", Kind::Long),
        ("RowNumber", Kind::RowNumber),
    ];
    const NUMBER_HEAVY: &[(&str, Kind)] = &[
        ("Count", Kind::Long),
        ("Bytes", Kind::Long),
        ("Offset", Kind::Long),
        ("Code", Kind::Int),
        ("Port", Kind::Int),
        ("Level", Kind::Int),
        ("Lat", Kind::Real),
        ("Lon", Kind::Real),
        ("Score", Kind::Real),
        ("Ratio", Kind::Real),
        ("Flag", Kind::Bool),
        ("RowNumber", Kind::RowNumber),
    ];
    match profile {
        Profile::Mixed => MIXED,
        Profile::StringHeavy => STRING_HEAVY,
        Profile::NumberHeavy => NUMBER_HEAVY,
    }
}

const WORDS: &[&str] = &[
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "lazy",
    "dog",
    "storm",
    "wind",
    "damage",
    "trees",
    "down",
    "county",
    "north",
    "south",
    "east",
    "west",
    "cluster",
    "thunderstorm",
    "reported",
    "several",
    "power",
    "lines",
    "flooding",
    "road",
    "closed",
    "heavy",
    "rain",
    "snow",
    "ice",
    "hail",
    "inch",
    "mile",
    "warning",
    "issued",
    "service",
    "request",
    "cluster",
    "node",
    "shard",
    "extent",
    "query",
    "table",
    "column",
    "ingest",
    "latency",
    "error",
    "timeout",
    "retry",
    "success",
    "failure",
    "user",
    "admin",
    "session",
    "token",
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "theta",
    "lambda",
    "sigma",
    "omega",
    "Seattle",
    "Redmond",
    "Dublin",
    "Amsterdam",
    "Tokyo",
    "Sydney",
    "Nairobi",
    "Lima",
    "A",
    "B",
    "C",
    "X1",
    "Y2",
    "Z3",
    "id42",
    "v2.0",
    "HTTP/1.1",
    "GET",
    "POST",
    "200",
    "404",
    "500",
    "3.14",
    "2024-05-01",
    "12:00",
    "https://example.com/a/b?c=d&e=f",
    "key=value",
    "a_b_c",
    "snake_case",
    "CamelCase",
    "kebab-case",
    "(note)",
    "[x]",
    "{y}",
    "50%",
    "#1",
    "@home",
    "$5",
    "~tmp",
    "*",
    "+1",
    "a|b",
    "<tag>",
    "'single'",
    "`tick`",
    "!",
    "?",
    ";",
];

/// A pool of plain printable ASCII text (no `"`, `\` or control characters) to slice strings from.
pub(crate) fn build_pool(rng: &mut Rng, len: usize) -> Vec<u8> {
    let mut pool = Vec::with_capacity(len + 64);
    while pool.len() < len {
        let w = WORDS[rng.below(WORDS.len() as u64) as usize];
        pool.extend_from_slice(w.as_bytes());
        match rng.below(20) {
            0 => pool.extend_from_slice(b", "),
            1 => pool.extend_from_slice(b". "),
            2 => pool.push(b'-'),
            3 => pool.extend_from_slice(b"  "),
            _ => pool.push(b' '),
        }
    }
    pool.truncate(len);
    pool
}

/// JSON escape sequences, written verbatim inside a string literal.
const ESCAPES: &[&str] = &[
    r#"\""#,
    r"\\",
    r"\/",
    r"\n",
    r"\t",
    r"\r",
    r"\b",
    r"\f",
    r"\r\n",
    r"\u00e9",
    r"\u00E9",
    r"\ud83d\ude00",
    r"\uD83D\uDE00",
    r"\u0000",
    r"\u001f",
    r"\u2028",
    r"\u65e5\u672c",
    r#"\"quoted\""#,
    r"C:\\temp\\file.txt",
    r#"{\"a\":1}"#,
];

/// Raw (unescaped) non-ASCII UTF-8 snippets; all are legal unescaped in JSON strings.
const RAW: &[&str] = &[
    "é",
    "日本",
    "😀",
    "Ω",
    "ß",
    "Привет",
    "中文字符",
    "👍🏽",
    "\u{2028}",
    "ñ",
    "€",
    "𝄞",
    "עברית",
    "\u{7f}",
    "naïve café",
    "🇯🇵",
];

/// Appends a JSON string literal of about `min..=max` characters.
pub(crate) fn write_string(rng: &mut Rng, pool: &[u8], out: &mut Vec<u8>, min: usize, max: usize) {
    let len = rng.range_usize(min, max);
    out.push(b'"');
    let k = rng.percent();
    if k < 75 {
        plain(rng, pool, out, len);
    } else {
        let specials = 1 + rng.below(if len > 40 { 4 } else { 2 }) as usize;
        let mut remaining = len;
        for i in 0..specials {
            let c = (rng.below((2 * remaining / (specials - i + 1)) as u64 + 1) as usize)
                .min(remaining);
            plain(rng, pool, out, c);
            remaining -= c;
            let use_escape = match k {
                75..=87 => true,
                88..=96 => false,
                _ => rng.below(2) == 0,
            };
            let tok = if use_escape {
                ESCAPES[rng.below(ESCAPES.len() as u64) as usize]
            } else {
                RAW[rng.below(RAW.len() as u64) as usize]
            };
            out.extend_from_slice(tok.as_bytes());
        }
        plain(rng, pool, out, remaining);
    }
    out.push(b'"');
}

#[inline]
fn plain(rng: &mut Rng, pool: &[u8], out: &mut Vec<u8>, len: usize) {
    if len == 0 {
        return;
    }
    let start = rng.below((pool.len() - len) as u64) as usize;
    out.extend_from_slice(&pool[start..start + len]);
}

/// Appends `src` (compact JSON text) as a JSON string literal, escaping `"` and `\`.
pub(crate) fn write_json_as_string(src: &[u8], out: &mut Vec<u8>) {
    out.reserve(src.len() + src.len() / 8 + 2);
    out.push(b'"');
    let mut last = 0;
    for (i, &b) in src.iter().enumerate() {
        if b == b'"' || b == b'\\' {
            out.extend_from_slice(&src[last..i]);
            out.push(b'\\');
            out.push(b);
            last = i + 1;
        }
    }
    out.extend_from_slice(&src[last..]);
    out.push(b'"');
}

fn is_leap(y: u64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: u64, m: u64) -> u64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Appends a quoted ISO-8601 UTC datetime with 0..=7 fraction digits.
pub(crate) fn write_datetime(rng: &mut Rng, out: &mut Vec<u8>) {
    let r = rng.below(1000);
    if r < 4 {
        out.extend_from_slice(b"\"0001-01-01T00:00:00.0000000Z\"");
        return;
    }
    if r < 8 {
        out.extend_from_slice(b"\"9999-12-31T23:59:59.9999999Z\"");
        return;
    }
    let year = match r {
        8..=20 => 1,
        21..=33 => 9999,
        34..=60 => rng.range(1, 9999),
        _ => rng.range(1995, 2035),
    };
    write_datetime_parts(rng, out, year);
}

fn write_datetime_parts(rng: &mut Rng, out: &mut Vec<u8>, year: u64) {
    let month = rng.range(1, 12);
    let day = rng.range(1, days_in_month(year, month));
    let secs = rng.below(86_400);
    out.push(b'"');
    write_padded(out, year, 4);
    out.push(b'-');
    write_2(out, month);
    out.push(b'-');
    write_2(out, day);
    out.push(b'T');
    write_2(out, secs / 3600);
    out.push(b':');
    write_2(out, secs / 60 % 60);
    out.push(b':');
    write_2(out, secs % 60);
    let digits = match rng.below(10) {
        0..=5 => 7,
        6 | 7 => 0,
        _ => rng.range(1, 6) as usize,
    };
    if digits > 0 {
        out.push(b'.');
        let ticks = rng.below(10_000_000);
        // Take the leading `digits` of the 7-digit tick fraction.
        let div = 10u64.pow(7 - digits as u32);
        write_padded(out, ticks / div, digits);
    }
    out.extend_from_slice(b"Z\"");
}

/// Appends a datetime in 2020..2030 with exactly 7 fraction digits (service style).
pub(crate) fn write_recent_datetime(rng: &mut Rng, out: &mut Vec<u8>) {
    let month = rng.range(1, 12);
    let day = rng.range(1, 28);
    let secs = rng.below(86_400);
    out.push(b'"');
    write_padded(out, rng.range(2020, 2030), 4);
    out.push(b'-');
    write_2(out, month);
    out.push(b'-');
    write_2(out, day);
    out.push(b'T');
    write_2(out, secs / 3600);
    out.push(b':');
    write_2(out, secs / 60 % 60);
    out.push(b':');
    write_2(out, secs % 60);
    out.push(b'.');
    write_padded(out, rng.below(10_000_000), 7);
    out.extend_from_slice(b"Z\"");
}

/// Appends a timespan: usually a `"[-][d.]hh:mm:ss[.fffffff]"` string, sometimes integer ticks.
pub(crate) fn write_timespan(rng: &mut Rng, out: &mut Vec<u8>) {
    let r = rng.below(1000);
    match r {
        0..=59 => {
            let ticks = match rng.below(10) {
                0 => i64::MAX,
                1 => i64::MIN,
                2 => 0,
                _ => rng.below(20_000_000_000_000) as i64 - 10_000_000_000_000,
            };
            write_i64(out, ticks);
        }
        60..=64 => out.extend_from_slice(b"\"10675199.02:48:05.4775807\""),
        65..=69 => out.extend_from_slice(b"\"-10675199.02:48:05.4775808\""),
        70..=79 => out.extend_from_slice(b"\"00:00:00\""),
        _ => {
            out.push(b'"');
            if rng.below(10) == 0 {
                out.push(b'-');
            }
            let days = match rng.below(100) {
                0..=54 => 0,
                55..=89 => rng.range(1, 365),
                _ => rng.range(1, 10_675_198),
            };
            if days > 0 {
                write_u64(out, days);
                out.push(b'.');
            }
            let secs = rng.below(86_400);
            write_2(out, secs / 3600);
            out.push(b':');
            write_2(out, secs / 60 % 60);
            out.push(b':');
            write_2(out, secs % 60);
            if rng.below(2) == 0 {
                out.push(b'.');
                write_padded(out, rng.range(1, 9_999_999), 7);
            }
            out.push(b'"');
        }
    }
}

const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Appends a quoted GUID; lowercase by default, sometimes upper or mixed case.
pub(crate) fn write_guid(rng: &mut Rng, out: &mut Vec<u8>, mixed_case: bool) {
    let a = rng.next_u64();
    let b = rng.next_u64();
    let case = if mixed_case { rng.percent() } else { 0 };
    let mask = match case {
        0..=79 => 0,
        80..=92 => u64::MAX,
        _ => rng.next_u64(),
    };
    let mut tmp = [0u8; 38];
    tmp[0] = b'"';
    tmp[37] = b'"';
    let mut j = 1;
    for i in 0..32u32 {
        if matches!(i, 8 | 12 | 16 | 20) {
            tmp[j] = b'-';
            j += 1;
        }
        let word = if i < 16 { a } else { b };
        let nib = ((word >> ((i % 16) * 4)) & 0xF) as usize;
        tmp[j] = if (mask >> i) & 1 == 1 {
            HEX_UPPER[nib]
        } else {
            HEX_LOWER[nib]
        };
        j += 1;
    }
    out.extend_from_slice(&tmp);
}

/// A `long` value spread over the whole i64 range, with the extremes now and then.
#[inline]
pub(crate) fn gen_long(rng: &mut Rng) -> i64 {
    match rng.percent() {
        0 => i64::MIN,
        1 => i64::MAX,
        2 => 0,
        3 => -1,
        4..=40 => rng.below(1000) as i64,
        41..=60 => rng.below(10_000_000_000) as i64 - 5_000_000_000,
        61..=70 => -(rng.below(100_000) as i64),
        _ => rng.next_u64() as i64,
    }
}

/// An `int` value spread over the whole i32 range, with the extremes now and then.
#[inline]
pub(crate) fn gen_int(rng: &mut Rng) -> i32 {
    match rng.percent() {
        0 => i32::MIN,
        1 => i32::MAX,
        2 => 0,
        3 => -1,
        4..=50 => rng.below(1000) as i32,
        51..=65 => -(rng.below(100_000) as i32),
        _ => rng.next_u64() as i32,
    }
}

/// Appends a `real`: fixed-point, integral, exponent forms, shortest round-trip forms, and now
/// and then the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
pub(crate) fn write_real(rng: &mut Rng, out: &mut Vec<u8>) {
    let r = rng.below(1000);
    match r {
        0..=3 => out.extend_from_slice(b"\"NaN\""),
        4..=6 => out.extend_from_slice(b"\"Infinity\""),
        7..=9 => out.extend_from_slice(b"\"-Infinity\""),
        10..=14 => out.extend_from_slice(b"-0.0"),
        15..=29 => out.extend_from_slice(b"0.0"),
        30..=549 => {
            // Fixed point such as -81.63 or 0.01.
            if rng.below(10) < 3 {
                out.push(b'-');
            }
            let int_digits = rng.below(8) as u32;
            write_u64(out, rng.below(10u64.pow(int_digits)));
            out.push(b'.');
            let frac = rng.range_usize(1, 6);
            random_digits(rng, out, frac, false);
        }
        550..=699 => {
            write_i64(out, rng.below(2_000_001) as i64 - 1_000_000);
            if rng.below(2) == 0 {
                out.extend_from_slice(b".0");
            }
        }
        700..=849 => {
            // Hand-made exponent forms, e.g. 6.02E+23, -1.5e-7, 1e+007.
            if rng.below(4) == 0 {
                out.push(b'-');
            }
            out.push(b'1' + rng.below(9) as u8);
            if rng.below(4) != 0 {
                out.push(b'.');
                let n = rng.range_usize(1, 16);
                random_digits(rng, out, n, false);
            }
            out.push(if rng.below(3) == 0 { b'E' } else { b'e' });
            match rng.below(3) {
                0 => out.push(b'+'),
                1 => out.push(b'-'),
                _ => {}
            }
            let exp = rng.below(300);
            if rng.below(10) == 0 {
                write_padded(out, exp, 3);
            } else {
                write_u64(out, exp);
            }
        }
        850..=939 => {
            // Shortest-round-trip-like: 15..=17 significant digits, e.g. 1234.5678901234567
            // or 0.00012345678901234.
            if rng.below(2) == 0 {
                out.push(b'-');
            }
            let sig = rng.range_usize(15, 17);
            let int_digits = rng.below(8) as usize;
            if int_digits == 0 {
                out.extend_from_slice(b"0.");
                let zeros = rng.below(4) as usize;
                out.extend_from_slice(&b"000"[..zeros]);
                random_digits(rng, out, sig, true);
            } else {
                random_digits(rng, out, int_digits, true);
                out.push(b'.');
                random_digits(rng, out, sig - int_digits, false);
            }
        }
        _ => {
            let v = if rng.below(2) == 0 {
                f64::from_bits(rng.next_u64())
            } else {
                (rng.unit_f64() - 0.5) * 10f64.powi(rng.below(30) as i32 - 10)
            };
            if v.is_finite() {
                // Debug gives the shortest round-trip form, using exponents for extremes.
                let _ = write!(out, "{v:?}");
            } else {
                out.extend_from_slice(b"1.7976931348623157e308");
            }
        }
    }
}

/// Appends a `decimal`: usually a string of up to 28 digits, sometimes a bare JSON number.
pub(crate) fn write_decimal(rng: &mut Rng, out: &mut Vec<u8>) {
    let r = rng.percent();
    match r {
        0..=11 => {
            // Bare number, e.g. 2.00000000000001 or -12.5 or 7.
            if rng.below(5) == 0 {
                out.push(b'-');
            }
            let int_digits = rng.range_usize(1, 8);
            if rng.below(4) == 0 {
                out.push(b'0');
            } else {
                random_digits(rng, out, int_digits, true);
            }
            if rng.below(4) != 0 {
                out.push(b'.');
                let n = rng.range_usize(1, 14);
                random_digits(rng, out, n, false);
            }
        }
        12 => out.extend_from_slice(b"\"79228162514264337593543950335\""),
        13 => out.extend_from_slice(b"\"-79228162514264337593543950335\""),
        14 => out.extend_from_slice(b"\"0.0000000000000000000000000001\""),
        15 => out.extend_from_slice(b"\"0\""),
        16..=35 => {
            // The "123.4500000000000000000000001" shape: digits, many zeros, a trailing 1.
            out.push(b'"');
            let int_digits = rng.range_usize(1, 6);
            random_digits(rng, out, int_digits, true);
            out.push(b'.');
            let lead = rng.range_usize(1, 3);
            random_digits(rng, out, lead, false);
            let zeros = 28usize.saturating_sub(int_digits + lead + 1);
            for _ in 0..zeros {
                out.push(b'0');
            }
            out.extend_from_slice(b"1\"");
        }
        _ => {
            out.push(b'"');
            if rng.below(5) == 0 {
                out.push(b'-');
            }
            let total = rng.range_usize(1, 28);
            let int_digits = rng.range_usize(0, total);
            if int_digits == 0 {
                out.push(b'0');
            } else {
                random_digits(rng, out, int_digits, true);
            }
            if total > int_digits {
                out.push(b'.');
                random_digits(rng, out, total - int_digits, false);
            }
            out.push(b'"');
        }
    }
}

const KEYS: &[&str] = &[
    "id", "name", "value", "tags", "count", "ts", "props", "nested", "x", "y", "enabled", "ratio",
    "items", "status", "message", "kind",
];
/// Unusual keys (already JSON-escaped); used only as the first key of an object.
const ODD_KEYS: &[&str] = &[
    "",
    "ключ",
    r#"k\"q"#,
    "日本",
    r"a\\b",
    r"\u00e9t\u00e9",
    "$type",
];

/// Appends a JSON value for a `dynamic` cell: mostly nested objects/arrays (depth ≤ 4),
/// sometimes the same as JSON text inside a string, sometimes a scalar.
pub(crate) fn write_dynamic(rng: &mut Rng, pool: &[u8], out: &mut Vec<u8>, scratch: &mut Vec<u8>) {
    let r = rng.percent();
    match r {
        0..=59 => {
            let mut budget = 16;
            write_json(rng, pool, out, 1, &mut budget);
        }
        60..=87 => {
            scratch.clear();
            let mut budget = 12;
            write_json(rng, pool, scratch, 1, &mut budget);
            write_json_as_string(scratch, out);
        }
        88..=94 => write_scalar(rng, pool, out),
        95..=97 => out.extend_from_slice(b"{}"),
        _ => out.extend_from_slice(b"[]"),
    }
}

fn write_json(rng: &mut Rng, pool: &[u8], out: &mut Vec<u8>, depth: u32, budget: &mut u32) {
    *budget = budget.saturating_sub(1);
    let container = depth == 1 || (depth < 4 && *budget > 0 && rng.percent() < 45);
    if !container {
        write_scalar(rng, pool, out);
        return;
    }
    if rng.percent() < 65 {
        let n = rng.below(6) as usize;
        let start = rng.below(KEYS.len() as u64) as usize;
        out.push(b'{');
        for i in 0..n {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'"');
            if i == 0 && rng.below(20) == 0 {
                out.extend_from_slice(
                    ODD_KEYS[rng.below(ODD_KEYS.len() as u64) as usize].as_bytes(),
                );
            } else {
                out.extend_from_slice(KEYS[(start + i) % KEYS.len()].as_bytes());
            }
            out.extend_from_slice(b"\":");
            write_json(rng, pool, out, depth + 1, budget);
        }
        out.push(b'}');
    } else {
        let n = rng.below(7) as usize;
        out.push(b'[');
        for i in 0..n {
            if i > 0 {
                out.push(b',');
            }
            write_json(rng, pool, out, depth + 1, budget);
        }
        out.push(b']');
    }
}

fn write_scalar(rng: &mut Rng, pool: &[u8], out: &mut Vec<u8>) {
    match rng.percent() {
        0..=29 => write_i64(out, gen_long(rng)),
        30..=44 => write_real(rng, out),
        45..=69 => write_string(rng, pool, out, 0, 24),
        70..=79 => out.extend_from_slice(if rng.below(2) == 0 { b"true" } else { b"false" }),
        80..=86 => out.extend_from_slice(b"null"),
        87..=93 => write_datetime(rng, out),
        _ => write_guid(rng, out, true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: &[u8]) -> serde_json::Value {
        serde_json::from_slice(v).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(v)))
    }

    #[test]
    fn every_writer_emits_valid_json() {
        let mut rng = Rng::new(99, 0);
        let pool = build_pool(&mut rng, 4096);
        let mut scratch = Vec::new();
        for _ in 0..5000 {
            let mut out = Vec::new();
            out.push(b'[');
            write_string(&mut rng, &pool, &mut out, 0, 400);
            out.push(b',');
            write_datetime(&mut rng, &mut out);
            out.push(b',');
            write_recent_datetime(&mut rng, &mut out);
            out.push(b',');
            write_timespan(&mut rng, &mut out);
            out.push(b',');
            write_guid(&mut rng, &mut out, true);
            out.push(b',');
            write_i64(&mut out, gen_long(&mut rng));
            out.push(b',');
            write_i64(&mut out, i64::from(gen_int(&mut rng)));
            out.push(b',');
            write_real(&mut rng, &mut out);
            out.push(b',');
            write_decimal(&mut rng, &mut out);
            out.push(b',');
            write_dynamic(&mut rng, &pool, &mut out, &mut scratch);
            out.push(b']');
            let v = parse(&out);
            assert_eq!(v.as_array().unwrap().len(), 10);
        }
    }

    #[test]
    fn datetimes_are_well_formed() {
        let mut rng = Rng::new(5, 5);
        for _ in 0..2000 {
            let mut out = Vec::new();
            write_datetime(&mut rng, &mut out);
            let s = core::str::from_utf8(&out).unwrap();
            let s = &s[1..s.len() - 1];
            assert!(s.ends_with('Z'), "{s}");
            assert_eq!(&s[4..5], "-");
            assert_eq!(&s[10..11], "T");
            let frac = s.len() - "0000-00-00T00:00:00Z".len();
            assert!(frac == 0 || (2..=8).contains(&frac), "{s}");
        }
    }

    #[test]
    fn dynamic_depth_is_bounded() {
        fn depth(v: &serde_json::Value) -> usize {
            match v {
                serde_json::Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
                serde_json::Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
                _ => 0,
            }
        }
        let mut rng = Rng::new(8, 8);
        let pool = build_pool(&mut rng, 4096);
        let mut scratch = Vec::new();
        for _ in 0..5000 {
            let mut out = Vec::new();
            write_dynamic(&mut rng, &pool, &mut out, &mut scratch);
            let mut v = parse(&out);
            if let serde_json::Value::String(s) = &v {
                if let Ok(inner) = serde_json::from_str::<serde_json::Value>(s) {
                    if inner.is_object() || inner.is_array() {
                        v = inner;
                    }
                }
            }
            assert!(depth(&v) <= 4, "{}", String::from_utf8_lossy(&out));
        }
    }
}
