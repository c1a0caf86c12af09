//! Integration tests of the generator: determinism, reader parity, JSON validity and totals.

use std::io::{BufRead, Read};

use kusto_frames_gen::{generate, generate_vec, GenConfig, GenReader, Profile, Shape, Summary};
use serde_json::Value;

const PROFILES: [Profile; 3] = [Profile::Mixed, Profile::StringHeavy, Profile::NumberHeavy];
const SHAPES: [Shape; 3] = [
    Shape::Whole,
    Shape::Progressive {
        rows_per_fragment: 1,
    },
    Shape::Progressive {
        rows_per_fragment: 37,
    },
];

fn configs(target: usize) -> Vec<GenConfig> {
    let mut v = Vec::new();
    let mut seed = 1000;
    for profile in PROFILES {
        for shape in SHAPES {
            for pretty in [false, true] {
                for frame_type in [true, false] {
                    seed += 1;
                    let mut cfg = GenConfig::new(seed, profile, shape, target);
                    cfg.pretty = pretty;
                    cfg.frame_type = frame_type;
                    v.push(cfg);
                }
            }
        }
    }
    v
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Walked {
    frames: u64,
    tables: u64,
    rows: u64,
    cells: u64,
    primary_rows: u64,
}

/// The frame type, read from `FrameType` or (when absent) inferred from the properties.
fn frame_kind(f: &serde_json::Map<String, Value>) -> String {
    if let Some(t) = f.get("FrameType") {
        return t.as_str().unwrap().to_owned();
    }
    let kind = if f.contains_key("Version") {
        "DataSetHeader"
    } else if f.contains_key("HasErrors") {
        "DataSetCompletion"
    } else if f.contains_key("TableFragmentType") {
        "TableFragment"
    } else if f.contains_key("TableProgress") {
        "TableProgress"
    } else if f.contains_key("RowCount") {
        "TableCompletion"
    } else if f.contains_key("Rows") {
        "DataTable"
    } else if f.contains_key("Columns") {
        "TableHeader"
    } else {
        panic!("unknown frame {f:?}")
    };
    kind.to_owned()
}

fn is_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: core::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() < 20 || !s.ends_with('Z') {
        return false;
    }
    let base = digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    let frac = &b[19..b.len() - 1];
    base && (frac.is_empty()
        || (frac[0] == b'.'
            && (2..=8).contains(&frac.len())
            && frac[1..].iter().all(u8::is_ascii_digit)))
}

fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

fn is_timespan(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let (days, rest) = match s.split_once('.') {
        Some((d, r)) if r.contains(':') && !d.contains(':') => (Some(d), r),
        _ => (None, s),
    };
    if let Some(d) = days {
        if d.is_empty() || !d.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    let (hms, frac) = match rest.split_once('.') {
        Some((h, f)) => (h, Some(f)),
        None => (rest, None),
    };
    let parts: Vec<&str> = hms.split(':').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
        && match frac {
            None => true,
            Some(f) => f.len() == 7 && f.bytes().all(|b| b.is_ascii_digit()),
        }
}

/// Checks one primary-table cell against its column type.
fn check_cell(ty: &str, v: &Value) {
    if v.is_null() {
        return;
    }
    let ok = match ty {
        "datetime" => v.as_str().is_some_and(is_datetime),
        "string" => v.is_string(),
        "long" => v.is_i64(),
        "int" => v.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        "real" => {
            v.is_f64()
                || v.is_i64()
                || v.is_u64()
                || matches!(v.as_str(), Some("NaN" | "Infinity" | "-Infinity"))
        }
        "bool" => v.is_boolean(),
        "guid" => v.as_str().is_some_and(is_guid),
        "timespan" => v.is_i64() || v.as_str().is_some_and(is_timespan),
        "decimal" => v.is_number() || v.as_str().is_some_and(|s| s.parse::<f64>().is_ok()),
        "dynamic" => true,
        other => panic!("unexpected column type {other}"),
    };
    assert!(ok, "bad {ty} cell: {v}");
}

/// Walks a parsed body, checks its structure and returns its totals.
fn walk(body: &Value) -> Walked {
    let frames = body.as_array().expect("top level is an array");
    let mut w = Walked {
        frames: frames.len() as u64,
        ..Walked::default()
    };
    let kinds: Vec<String> = frames
        .iter()
        .map(|f| frame_kind(f.as_object().expect("frame is an object")))
        .collect();
    assert_eq!(kinds.first().map(String::as_str), Some("DataSetHeader"));
    assert_eq!(kinds.last().map(String::as_str), Some("DataSetCompletion"));
    let progressive = frames[0]["IsProgressive"].as_bool().unwrap();
    let mut primary_types: Vec<String> = Vec::new();
    let mut logical = 0u64;
    let mut next_row_number = 0u64;
    let mut check_rows = |rows: &[Value], types: &[String], primary: bool| {
        for row in rows {
            let row = row.as_array().expect("row is an array");
            assert_eq!(row.len(), types.len());
            if primary {
                for (ty, v) in types.iter().zip(row) {
                    check_cell(ty, v);
                }
                assert_eq!(row.last().unwrap().as_u64(), Some(next_row_number));
                next_row_number += 1;
            }
        }
    };
    for (f, kind) in frames.iter().zip(&kinds) {
        let types = |f: &Value| -> Vec<String> {
            f["Columns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["ColumnType"].as_str().unwrap().to_owned())
                .collect()
        };
        match kind.as_str() {
            "DataTable" => {
                w.tables += 1;
                let rows = f["Rows"].as_array().unwrap();
                let t = types(f);
                w.rows += rows.len() as u64;
                w.cells += (rows.len() * t.len()) as u64;
                let primary = f["TableKind"] == "PrimaryResult";
                if primary {
                    assert!(!progressive);
                    w.primary_rows += rows.len() as u64;
                }
                check_rows(rows, &t, primary);
            }
            "TableHeader" => {
                assert!(progressive);
                w.tables += 1;
                assert_eq!(f["TableKind"], "PrimaryResult");
                primary_types = types(f);
            }
            "TableFragment" => {
                let rows = f["Rows"].as_array().unwrap();
                assert!(!rows.is_empty());
                w.rows += rows.len() as u64;
                w.cells += (rows.len() * primary_types.len()) as u64;
                w.primary_rows += rows.len() as u64;
                match f["TableFragmentType"].as_str().unwrap() {
                    "DataAppend" => logical += rows.len() as u64,
                    "DataReplace" => logical = rows.len() as u64,
                    other => panic!("bad fragment type {other}"),
                }
                check_rows(rows, &primary_types, true);
            }
            "TableProgress" => {
                let p = f["TableProgress"].as_f64().unwrap();
                assert!((0.0..=100.0).contains(&p));
            }
            "TableCompletion" => {
                assert_eq!(f["RowCount"].as_u64(), Some(logical));
            }
            "DataSetHeader" => assert_eq!(f["Version"], "v2.0"),
            "DataSetCompletion" => {
                assert_eq!(f["HasErrors"], false);
                assert_eq!(f["Cancelled"], false);
            }
            other => panic!("unexpected frame {other}"),
        }
    }
    w
}

/// Occurrences of `needle` in `hay`.
fn count(hay: &[u8], needle: &[u8]) -> u64 {
    hay.windows(needle.len()).filter(|w| *w == needle).count() as u64
}

fn walked(s: &Summary) -> Walked {
    Walked {
        frames: s.frames,
        tables: s.tables,
        rows: s.rows,
        cells: s.cells,
        primary_rows: s.primary_rows,
    }
}

#[test]
fn deterministic() {
    for cfg in configs(50_000) {
        let (a, sa) = generate_vec(&cfg);
        let (b, sb) = generate_vec(&cfg);
        assert!(a == b, "{cfg:?}");
        assert_eq!(sa, sb);
        let mut other = cfg.clone();
        other.seed += 1_000_000;
        assert!(generate_vec(&other).0 != a);
    }
}

#[test]
fn generate_matches_generate_vec() {
    for cfg in configs(100_000).into_iter().step_by(5) {
        let (v, s) = generate_vec(&cfg);
        let mut w = Vec::new();
        let s2 = generate(&cfg, &mut w).unwrap();
        assert!(v == w);
        assert_eq!(s, s2);
        assert_eq!(s.bytes, v.len() as u64);
    }
}

#[test]
fn reader_matches_generate_vec() {
    let mut cfgs = configs(150_000);
    cfgs.truncate(12);
    for (i, cfg) in cfgs.into_iter().enumerate() {
        let (expected, summary) = generate_vec(&cfg);
        for size in [1usize, 7, 4093, 65_537, 1 << 20] {
            if size == 1 && i % 4 != 0 {
                continue; // byte-at-a-time reads are slow in debug builds
            }
            let mut r = GenReader::new(cfg.clone());
            assert!(r.summary().is_none());
            let mut got = Vec::new();
            let mut buf = vec![0u8; size];
            loop {
                let n = r.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
            }
            assert!(got == expected, "size {size}, {cfg:?}");
            assert_eq!(r.summary(), Some(&summary));
            // Reading past the end stays at EOF.
            assert_eq!(r.read(&mut buf).unwrap(), 0);
        }
        // BufRead and read_to_end paths.
        let mut r = GenReader::new(cfg.clone());
        let mut got = Vec::new();
        loop {
            let avail = r.fill_buf().unwrap();
            if avail.is_empty() {
                break;
            }
            let n = avail.len().min(10_000);
            got.extend_from_slice(&avail[..n]);
            r.consume(n);
        }
        assert!(got == expected);
        let mut got = Vec::new();
        GenReader::new(cfg).read_to_end(&mut got).unwrap();
        assert!(got == expected);
    }
}

#[test]
fn parses_and_totals_match() {
    for cfg in configs(200_000) {
        let (body, summary) = generate_vec(&cfg);
        let v: Value = serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{cfg:?}: {e}"));
        let w = walk(&v);
        assert_eq!(w, walked(&summary), "{cfg:?}");
        assert_eq!(summary.tables, 3);
        assert!(summary.primary_rows > 10, "{cfg:?}: {summary:?}");
        assert_eq!(summary.bytes, body.len() as u64);
        assert!(!body.starts_with(b"\xEF\xBB\xBF"));
        if !cfg.pretty {
            // Frames are separated by "\n," and nothing else is whitespace outside strings.
            assert!(body.starts_with(b"[{"));
            assert!(body.ends_with(b"}\n]"));
            assert_eq!(count(&body, b"}\n,") + 1, summary.frames);
            if cfg.frame_type {
                assert!(body.starts_with(b"[{\"FrameType\":\"DataSetHeader\","));
                assert_eq!(count(&body, b"\n,{\"FrameType\":\"") + 1, summary.frames);
                assert_eq!(count(&body, b"\"FrameType\""), summary.frames);
            } else {
                assert_eq!(count(&body, b"\"FrameType\""), 0);
            }
        }
        if cfg.pretty {
            for ws in [b' ', b'\n', b'\t', b'\r'] {
                assert!(body.contains(&ws), "{cfg:?} lacks {ws:?}");
            }
        }
    }
}

#[test]
fn pretty_has_same_values_as_compact() {
    for profile in PROFILES {
        for shape in SHAPES {
            let cfg = GenConfig::new(77, profile, shape, 120_000);
            let mut pretty = cfg.clone();
            pretty.pretty = true;
            let rows = |c: &GenConfig| -> Vec<Value> {
                let v: Value = serde_json::from_slice(&generate_vec(c).0).unwrap();
                v.as_array()
                    .unwrap()
                    .iter()
                    .filter(|f| {
                        f.get("Rows").is_some()
                            && (f["TableKind"] == "PrimaryResult"
                                || f["FrameType"] == "TableFragment")
                    })
                    .flat_map(|f| f["Rows"].as_array().unwrap().clone())
                    .collect()
            };
            let a = rows(&cfg);
            let b = rows(&pretty);
            let n = a.len().min(b.len());
            assert!(n > 10);
            assert_eq!(a[..n], b[..n]);
        }
    }
}

#[test]
fn content_variety() {
    let cfg = GenConfig::new(3, Profile::Mixed, Shape::Whole, 2_000_000);
    let (body, _) = generate_vec(&cfg);
    let text = String::from_utf8(body).unwrap();
    for needle in [
        r#""NaN""#,
        r#""Infinity""#,
        r#""-Infinity""#,
        "9223372036854775807",
        "-9223372036854775808",
        "2147483647",
        "-2147483648",
        r"\ud83d\ude00",
        r"\u00e9",
        r#"\""#,
        r"\\",
        r"\n",
        r"\t",
        "é",
        "日本",
        "😀",
        "\"0001-",
        "\"9999-",
        "e+",
        "E",
        "e-",
        "null",
        "true",
        "false",
        r#""-00:"#,
        ".00:",
        "0000000000000000001\"",
        "[]",
        "{}",
        r#""{\""#,
    ] {
        assert!(text.contains(needle), "missing {needle:?}");
    }
    let v: Value = serde_json::from_str(&text).unwrap();
    let primary = v
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["TableKind"] == "PrimaryResult")
        .unwrap();
    let rows = primary["Rows"].as_array().unwrap();
    let cells = rows.len() * rows[0].as_array().unwrap().len();
    let nulls = rows
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .filter(|c| c.is_null())
        .count();
    let ratio = nulls as f64 / cells as f64;
    assert!((0.02..0.08).contains(&ratio), "null ratio {ratio}");
    // Mixed-case GUIDs.
    let guids: Vec<&str> = rows.iter().filter_map(|r| r[5].as_str()).collect();
    assert!(guids
        .iter()
        .any(|g| g.bytes().any(|b| b.is_ascii_uppercase())));
    assert!(guids
        .iter()
        .any(|g| g.bytes().any(|b| b.is_ascii_lowercase())));
    // Dynamic values: nested objects/arrays and JSON text in strings.
    assert!(rows.iter().any(|r| r[7].is_object()));
    assert!(rows.iter().any(|r| r[7].is_array()));
    assert!(rows
        .iter()
        .any(|r| r[7].as_str().is_some_and(|s| s.starts_with('{'))));
    // Timespans as integer ticks.
    assert!(rows.iter().any(|r| r[6].is_i64()));
    // Decimals as strings and as bare numbers.
    assert!(rows.iter().any(|r| r[8].is_string()));
    assert!(rows.iter().any(|r| r[8].is_number()));
}

#[test]
fn progressive_has_replace_and_progress() {
    let cfg = GenConfig::new(
        9,
        Profile::NumberHeavy,
        Shape::Progressive {
            rows_per_fragment: 3,
        },
        1_000_000,
    );
    let (body, summary) = generate_vec(&cfg);
    let v: Value = serde_json::from_slice(&body).unwrap();
    let frames = v.as_array().unwrap();
    let count = |t: &str| frames.iter().filter(|f| f["FrameType"] == t).count();
    let frags = count("TableFragment");
    let replaces = frames
        .iter()
        .filter(|f| f["TableFragmentType"] == "DataReplace")
        .count();
    assert!(frags > 1000);
    assert!(
        replaces > 0 && replaces < frags / 20,
        "{replaces} of {frags}"
    );
    assert!(count("TableProgress") > frags / 8);
    assert_eq!(count("TableHeader"), 1);
    assert_eq!(count("TableCompletion"), 1);
    assert_eq!(walk(&v), walked(&summary));
}

#[test]
fn size_close_to_target() {
    for target in [1_000_000usize, 10_000_000] {
        for profile in PROFILES {
            for shape in [
                Shape::Whole,
                Shape::Progressive {
                    rows_per_fragment: 100,
                },
            ] {
                for pretty in [false, true] {
                    let mut cfg = GenConfig::new(11, profile, shape, target);
                    cfg.pretty = pretty;
                    let s = generate(&cfg, &mut std::io::sink()).unwrap();
                    let ratio = s.bytes as f64 / target as f64;
                    assert!((0.9..=1.1).contains(&ratio), "{cfg:?}: {s:?}");
                }
            }
        }
    }
}

#[test]
fn tiny_targets_still_valid() {
    for target in [0usize, 1, 100, 5_000] {
        for cfg in configs(target).into_iter().step_by(3) {
            let (body, summary) = generate_vec(&cfg);
            let v: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(walk(&v), walked(&summary));
            if target <= 100 {
                assert_eq!(summary.primary_rows, 1);
            }
        }
    }
}

/// Run with `cargo test -p kusto-frames-gen --release -- --ignored --nocapture`.
#[test]
#[ignore = "1 GB; run in release mode"]
fn one_gigabyte_through_reader() {
    const GB: usize = 1 << 30;
    for shape in [
        Shape::Whole,
        Shape::Progressive {
            rows_per_fragment: 500,
        },
    ] {
        let cfg = GenConfig::new(1, Profile::Mixed, shape, GB);
        let mut r = GenReader::new(cfg);
        let mut buf = vec![0u8; 1 << 20];
        let mut total = 0u64;
        let mut last = 0u8;
        let t = std::time::Instant::now();
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            total += n as u64;
            last = buf[n - 1];
        }
        let secs = t.elapsed().as_secs_f64();
        let s = *r.summary().unwrap();
        assert_eq!(s.bytes, total);
        assert_eq!(last, b']');
        let ratio = total as f64 / GB as f64;
        assert!((0.9..=1.1).contains(&ratio));
        println!(
            "{shape:?}: {total} bytes, {} rows, {:.0} MB/s",
            s.rows,
            total as f64 / secs / 1e6
        );
    }
}

/// Prints generation speed per profile; run in release mode with `--ignored --nocapture`.
#[test]
#[ignore = "benchmark; run in release mode"]
fn throughput() {
    const SIZE: usize = 256 << 20;
    for profile in PROFILES {
        for shape in [
            Shape::Whole,
            Shape::Progressive {
                rows_per_fragment: 100,
            },
        ] {
            for pretty in [false, true] {
                let mut cfg = GenConfig::new(5, profile, shape, SIZE);
                cfg.pretty = pretty;
                let t = std::time::Instant::now();
                let s = generate(&cfg, &mut std::io::sink()).unwrap();
                let secs = t.elapsed().as_secs_f64();
                println!(
                    "{profile:?} {shape:?} pretty={pretty}: {:.0} MB/s ({} rows)",
                    s.bytes as f64 / secs / 1e6,
                    s.primary_rows
                );
            }
        }
    }
}
