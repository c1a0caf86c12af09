//! The tool's outputs read back by the readers users pipe them into: its CSV
//! with the `csv` crate's reader and Python's `csv` module, its NDJSON with
//! serde_json. On every corpus file and on generated responses (every type,
//! nulls, awkward strings, progressive tables with `DataReplace`), every row
//! comes back, equal to the same row in `json`'s document. Also: a truncated
//! body (the rows before the cut are written, then exit 2), gzip input,
//! text and binary bodies at every chunk size, rows written while the body
//! still arrives, the limits.

mod common;

use core::time::Duration;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;

use common::local_inputs;
use kusto_frames::value::TimeSpan;
use kusto_frames_gen::{generate_vec, GenConfig, Profile, Shape};
use serde_json::Value as J;

const BIN: &str = env!("CARGO_BIN_EXE_kusto-frames");

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kusto-frames");
    if let Some(input) = stdin {
        let mut s = child.stdin.take().unwrap();
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = s.write_all(&input);
        });
    }
    let out = child.wait_with_output().unwrap();
    let code = out.status.code().expect("killed by a signal");
    assert_ne!(
        code,
        101,
        "panicked on {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Run {
        code,
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn tmp_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("kusto-frames-cli-roundtrip-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write_tmp(name: &str, body: &[u8]) -> PathBuf {
    let p = tmp_dir().join(name);
    std::fs::write(&p, body).unwrap();
    p
}

/// The table `csv` and `ndjson` write by default, from `json`'s document:
/// the first primary result, else the first table.
fn default_table(doc: &J) -> Option<&J> {
    let tables = doc["tables"].as_array()?;
    tables
        .iter()
        .find(|t| matches!(t["kind"].as_str(), Some("PrimaryResult" | "QueryResult")))
        .or(tables.first())
}

fn columns(t: &J) -> Vec<(String, String)> {
    t["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["type"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Does CSV field `field` hold `v`, the same cell in `json`'s canonical
/// form, in a column of type `ty`?
fn csv_holds(field: &str, v: &J, ty: &str) -> bool {
    match v {
        J::Null => field.is_empty(),
        J::Bool(b) => field == if *b { "true" } else { "false" },
        J::String(s) if ty == "dynamic" => match serde_json::from_str::<J>(s) {
            // A string holding JSON (V1's dynamic values): written as that
            // JSON, compact.
            Ok(inner) if s.trim_start().starts_with(['{', '[']) => {
                serde_json::from_str::<J>(field).is_ok_and(|f| f == inner)
            }
            _ => field == s,
        },
        J::String(s) => field == s,
        J::Number(n) => {
            if ty == "timespan" {
                if let (Some(t), Some(ticks)) = (TimeSpan::parse(field), n.as_i64()) {
                    return t.ticks() == ticks;
                }
            }
            if let Some(i) = n.as_i64() {
                if field.parse::<i64>() == Ok(i) {
                    return true;
                }
            }
            if let Some(u) = n.as_u64() {
                if field.parse::<u64>() == Ok(u) {
                    return true;
                }
            }
            match (field.parse::<f64>(), n.as_f64()) {
                (Ok(a), Some(b)) => a == b || a.to_bits() == b.to_bits(),
                _ => false,
            }
        }
        J::Array(_) | J::Object(_) => serde_json::from_str::<J>(field).is_ok_and(|f| &f == v),
    }
}

/// Reads CSV text with the `csv` crate.
fn read_csv(text: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text);
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// Reads CSV text with Python's `csv` module; `None` (with the reason
/// printed) when python3 is missing.
fn read_csv_python(path: &Path) -> Option<Vec<Vec<String>>> {
    let script = "import csv, json, sys\n\
        with open(sys.argv[1], newline='', encoding='utf-8') as f:\n\
        \x20   json.dump(list(csv.reader(f)), sys.stdout)\n";
    let out = match Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            eprintln!("skipped Python's csv reader: no python3 ({e})");
            return None;
        }
    };
    assert!(
        out.status.success(),
        "python3: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

/// Checks `csv` and `ndjson` against `json` for one body (default table).
/// Returns the number of rows compared.
fn check_body(name: &str, path: &Path) -> usize {
    let p = path.to_str().unwrap();
    let json = run(&["json", p], None);
    let csv_run = run(&["csv", p], None);
    let nd = run(&["ndjson", p], None);
    if json.code == 2 {
        assert_eq!(csv_run.code, 2, "{name}: csv exit");
        assert_eq!(nd.code, 2, "{name}: ndjson exit");
        return 0;
    }
    assert_eq!(
        csv_run.code, json.code,
        "{name}: csv exit: {}",
        csv_run.stderr
    );
    assert_eq!(nd.code, json.code, "{name}: ndjson exit: {}", nd.stderr);
    let doc: J = serde_json::from_slice(&json.stdout).unwrap();
    let Some(t) = default_table(&doc) else {
        assert!(
            csv_run.stdout.is_empty() && nd.stdout.is_empty(),
            "{name}: output without a table"
        );
        return 0;
    };
    let cols = columns(t);
    let rows = t["rows"].as_array().unwrap();

    // CSV, through the csv crate.
    let mut records = read_csv(&csv_run.stdout, b',');
    let header: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
    // A table without columns has no header line.
    if !cols.is_empty() {
        assert_eq!(
            records.len(),
            rows.len() + 1,
            "{name}: CSV records (header + rows)"
        );
        assert_eq!(records[0], header, "{name}: CSV header");
    } else {
        records.insert(0, Vec::new());
    }
    for (i, (rec, row)) in records[1..].iter().zip(rows).enumerate() {
        let row = row.as_array().unwrap();
        assert_eq!(
            rec.len(),
            row.len().max(cols.len()),
            "{name}: row {i}: fields"
        );
        for (j, field) in rec.iter().enumerate() {
            let v = row.get(j).unwrap_or(&J::Null);
            let ty = cols.get(j).map_or("", |(_, t)| t.as_str());
            assert!(
                csv_holds(field, v, ty),
                "{name}: row {i} column {j} ({ty}): CSV {field:?}, json {v}"
            );
        }
    }
    // The same records through Python's csv module.
    let csv_path = path.with_extension("out.csv");
    std::fs::write(&csv_path, &csv_run.stdout).unwrap();
    if let Some(py) = read_csv_python(&csv_path) {
        let skip = usize::from(cols.is_empty());
        assert_eq!(
            py[..],
            records[skip..],
            "{name}: Python's csv reader disagrees"
        );
    }

    // NDJSON, through serde_json (tables with duplicate column names give
    // objects with duplicate keys: only the count is checked).
    let lines: Vec<J> = nd
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap_or_else(|e| panic!("{name}: NDJSON {e}")))
        .collect();
    assert_eq!(lines.len(), rows.len(), "{name}: NDJSON rows");
    let unique = {
        let mut n: Vec<&str> = header.clone();
        n.sort_unstable();
        n.dedup();
        n.len() == header.len()
    };
    if unique {
        for (i, (obj, row)) in lines.iter().zip(rows).enumerate() {
            let row = row.as_array().unwrap();
            let obj = obj.as_object().unwrap();
            assert_eq!(
                obj.len(),
                row.len().max(cols.len()),
                "{name}: row {i}: keys"
            );
            for j in 0..row.len().max(cols.len()) {
                let key = cols
                    .get(j)
                    .map_or_else(|| format!("#{j}"), |(n, _)| n.clone());
                let want = row.get(j).unwrap_or(&J::Null);
                assert_eq!(obj.get(&key), Some(want), "{name}: row {i} key {key}");
            }
        }
    }
    rows.len()
}

#[test]
fn every_corpus_file_reads_back() {
    let mut rows = 0;
    let mut failed = Vec::new();
    for path in local_inputs() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match std::panic::catch_unwind(|| check_body(&name, &path)) {
            Ok(n) => rows += n,
            Err(_) => failed.push(name),
        }
    }
    assert!(failed.is_empty(), "failed: {failed:?}");
    assert!(rows > 50, "only {rows} rows compared");
}

/// A response with every type, nulls and awkward strings, and a
/// one-column table of empty strings (each row a lone empty field).
fn nasty_body() -> Vec<u8> {
    let strings = [
        "",
        " ",
        "plain",
        "comma, inside",
        "quote \" inside",
        "\"quoted\"",
        "line\nfeed",
        "carriage\rreturn",
        "crlf\r\nend",
        "tab\there",
        "  spaces  ",
        "semi;colon",
        "pipe|bar",
        "é ü 中文 😀",
        "\u{1}\u{1f}control",
        "back\\slash",
        "#hash",
        "=1+2",
        "trailing,",
        ",leading",
        "\u{2028}sep",
    ];
    let mut rows = Vec::new();
    for (i, s) in strings.iter().enumerate() {
        let js = serde_json::to_string(s).unwrap();
        let n = i as i64;
        rows.push(format!(
            r#"[{js},{n},{},{},"2024-02-29T23:59:59.{:07}Z","{}.01:02:03.5",{},"ABCDEF01-2345-6789-abcd-ef01234567{:02}","{n}.50",{{"k":{js},"a":[1, 2,	3]}},{js}]"#,
            n * 1_000_000_007,
            (n as f64) * 0.37 - 3.0,
            n * 13,
            n,
            if n % 2 == 0 { "true" } else { "false" },
            n,
        ));
        // A row of nulls, and one with the dynamic value as a string of JSON.
        rows.push(r#"[null,null,null,null,null,null,null,null,null,null,null]"#.to_owned());
        rows.push(format!(
            r#"[{js},-1,-2,1e300,"0001-01-01T00:00:00Z","-00:00:00.0000001",false,"00000000-0000-0000-0000-000000000000","-0.0","{{ \"x\" : [ 1 , \"a b\" ] }}",""]"#
        ));
    }
    let empties: Vec<&str> = (0..5).map(|_| r#"[""]"#).collect();
    format!(
        r#"[{{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"}},
{{"FrameType":"DataTable","TableId":0,"TableKind":"QueryProperties","TableName":"@ExtendedProperties","Columns":[{{"ColumnName":"Value","ColumnType":"dynamic"}}],"Rows":[["{{\"Visualization\":null}}"]]}},
{{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"Every type","Columns":[{{"ColumnName":"s","ColumnType":"string"}},{{"ColumnName":"i","ColumnType":"int"}},{{"ColumnName":"l","ColumnType":"long"}},{{"ColumnName":"r","ColumnType":"real"}},{{"ColumnName":"dt","ColumnType":"datetime"}},{{"ColumnName":"ts","ColumnType":"timespan"}},{{"ColumnName":"b","ColumnType":"bool"}},{{"ColumnName":"g","ColumnType":"guid"}},{{"ColumnName":"d","ColumnType":"decimal"}},{{"ColumnName":"dyn","ColumnType":"dynamic"}},{{"ColumnName":"s, 2","ColumnType":"string"}}],"Rows":[{}]}},
{{"FrameType":"DataTable","TableId":2,"TableKind":"PrimaryResult","TableName":"Lone","Columns":[{{"ColumnName":"only","ColumnType":"string"}}],"Rows":[{}]}},
{{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}}]"#,
        rows.join(",\n"),
        empties.join(",")
    )
    .into_bytes()
}

#[test]
fn generated_responses_read_back() {
    let nasty = write_tmp("nasty.json", &nasty_body());
    assert_eq!(check_body("nasty", &nasty), 63);
    // The second table, a lone empty field per row: every row is kept.
    let lone = run(&["csv", "--table", "Lone", nasty.to_str().unwrap()], None);
    assert_eq!(lone.stdout, b"only\n\"\"\n\"\"\n\"\"\n\"\"\n\"\"\n");
    let p = write_tmp("lone.csv", &lone.stdout);
    if let Some(py) = read_csv_python(&p) {
        assert_eq!(py.len(), 6, "Python keeps every row");
    }
    assert_eq!(read_csv(&lone.stdout, b',').len(), 6);

    for (i, (profile, shape)) in [
        (Profile::Mixed, Shape::Whole),
        (Profile::StringHeavy, Shape::Whole),
        (Profile::NumberHeavy, Shape::Whole),
        (
            Profile::Mixed,
            Shape::Progressive {
                rows_per_fragment: 7,
            },
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let mut cfg = GenConfig::new(40 + i as u64, profile, shape, 400_000);
        cfg.pretty = i == 1;
        let (body, summary) = generate_vec(&cfg);
        let path = write_tmp(&format!("gen-{i}.json"), &body);
        let n = check_body(&format!("gen-{i}"), &path);
        if matches!(shape, Shape::Whole) {
            assert_eq!(n as u64, summary.primary_rows, "gen-{i}: rows");
            assert!(n > 100, "gen-{i}: {n} rows");
        } else {
            // The rows since the last DataReplace.
            assert!(n > 0, "gen-{i}: {n} rows");
        }
    }
}

/// DuckDB's `read_csv` and `read_json` on the tool's CSV and NDJSON (when
/// the `duckdb` Python package is importable; CI installs it): every row,
/// every CSV field's text (DuckDB reads an empty field as NULL).
#[test]
fn duckdb_reads_csv_and_ndjson() {
    let script = r#"
import json, sys
try:
    import duckdb
except ImportError as e:
    print(json.dumps({"skipped": str(e)}))
    sys.exit(0)
con = duckdb.connect()
csv_rows = con.execute(
    "select * from read_csv(?, header=true, all_varchar=true, delim=',', quote='\"', escape='\"', new_line='\\n')",
    [sys.argv[1]]).fetchall()
cols = [d[0] for d in con.description]
nd = con.execute("select count(*) from read_json(?, format='newline_delimited')", [sys.argv[2]]).fetchone()[0]
print(json.dumps({"cols": cols, "rows": [[("" if v is None else v) for v in r] for r in csv_rows], "ndjson_rows": nd}))
"#;
    let nasty = write_tmp("duck.json", &nasty_body());
    let (gen, _) = generate_vec(&GenConfig::new(11, Profile::Mixed, Shape::Whole, 200_000));
    let generated = write_tmp("duck-gen.json", &gen);
    for (name, path) in [("nasty", &nasty), ("generated", &generated)] {
        let p = path.to_str().unwrap();
        let csv_out = run(&["csv", p], None);
        let nd_out = run(&["ndjson", p], None);
        let csv_path = path.with_extension("duck.csv");
        let nd_path = path.with_extension("duck.ndjson");
        std::fs::write(&csv_path, &csv_out.stdout).unwrap();
        std::fs::write(&nd_path, &nd_out.stdout).unwrap();
        let out = match Command::new("python3")
            .arg("-c")
            .arg(script)
            .arg(&csv_path)
            .arg(&nd_path)
            .output()
        {
            Ok(o) => o,
            Err(e) => {
                eprintln!("skipped DuckDB: no python3 ({e})");
                return;
            }
        };
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: J = serde_json::from_slice(&out.stdout).unwrap();
        if let Some(why) = v.get("skipped") {
            eprintln!("skipped DuckDB: {why}");
            return;
        }
        let records = read_csv(&csv_out.stdout, b',');
        let want_rows = records.len() - 1;
        assert_eq!(
            v["ndjson_rows"].as_u64(),
            Some(want_rows as u64),
            "{name}: DuckDB NDJSON rows"
        );
        let cols: Vec<String> = serde_json::from_value(v["cols"].clone()).unwrap();
        assert_eq!(cols, records[0], "{name}: DuckDB CSV columns");
        let rows: Vec<Vec<String>> = serde_json::from_value(v["rows"].clone()).unwrap();
        assert_eq!(rows.len(), want_rows, "{name}: DuckDB CSV rows");
        for (i, (d, r)) in rows.iter().zip(&records[1..]).enumerate() {
            assert_eq!(d, r, "{name}: DuckDB CSV row {i}");
        }
    }
}

#[test]
fn csv_options_read_back() {
    let nasty = write_tmp("nasty-opts.json", &nasty_body());
    let p = nasty.to_str().unwrap();
    let base = read_csv(&run(&["csv", p], None).stdout, b',');
    for (args, delim) in [
        (&["--tsv"][..], b'\t'),
        (&["--delimiter", ";"][..], b';'),
        (&["-d", "|", "--crlf"][..], b'|'),
        (&["--crlf"][..], b','),
    ] {
        let mut all = vec!["csv"];
        all.extend_from_slice(args);
        all.push(p);
        let r = run(&all, None);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        if args.contains(&"--crlf") {
            let text = String::from_utf8_lossy(&r.stdout);
            assert!(text.starts_with("s,i,l") || text.contains("\r\n"));
            assert!(text.ends_with("\r\n"));
        }
        assert_eq!(read_csv(&r.stdout, delim), base, "{args:?}");
    }
}

#[test]
fn pretty_json_is_the_same_document() {
    for path in local_inputs().iter().take(30) {
        let p = path.to_str().unwrap();
        let a = run(&["json", p], None);
        if a.code == 2 {
            continue;
        }
        let b = run(&["json", "--pretty", p], None);
        assert_eq!(a.code, b.code);
        let va: J = serde_json::from_slice(&a.stdout).unwrap();
        let vb: J = serde_json::from_slice(&b.stdout).unwrap();
        assert_eq!(va, vb, "{p}");
        assert!(b.stdout.iter().filter(|&&c| c == b'\n').count() > 1);
    }
}

/// The rows whose `]` came before the cut: decoded by the core itself.
fn rows_before(body: &[u8], table: i64) -> usize {
    let (events, r) = kusto_frames::decode_chunks([body]);
    assert!(r.is_err());
    events
        .iter()
        .filter(|e| matches!(e, kusto_frames::OwnedEvent::Row(r) if r.table_id == Some(table)))
        .count()
}

#[test]
fn a_truncated_body_gives_its_rows_then_exit_2() {
    let (body, _) = generate_vec(&GenConfig::new(7, Profile::Mixed, Shape::Whole, 300_000));
    let full = run(&["csv", "-"], Some(&body));
    assert_eq!(full.code, 0, "{}", full.stderr);
    let full_records = read_csv(&full.stdout, b',');
    for cut in [body.len() / 3, body.len() / 2 + 17, body.len() - 200] {
        let part = &body[..cut];
        let want = rows_before(part, 1);
        assert!(want > 10);
        for cmd in ["csv", "ndjson", "json", "events"] {
            for chunk in ["1000", "65536"] {
                let r = run(&[cmd, "--chunk", chunk, "-"], Some(part));
                assert_eq!(r.code, 2, "{cmd} cut at {cut}: {}", r.stderr);
                assert!(
                    r.stderr.contains("truncated body") && r.stderr.contains(" at byte "),
                    "{}",
                    r.stderr
                );
                match cmd {
                    "csv" => {
                        let recs = read_csv(&r.stdout, b',');
                        assert_eq!(recs.len(), want + 1, "csv cut at {cut}");
                        assert_eq!(recs[..], full_records[..want + 1]);
                    }
                    "ndjson" => {
                        assert_eq!(r.stdout.iter().filter(|&&b| b == b'\n').count(), want);
                    }
                    "json" => {
                        // The document so far: its rows, cut where the body was.
                        let text = String::from_utf8_lossy(&r.stdout);
                        assert!(text.starts_with(r#"{"format":"v2""#));
                    }
                    _ => {
                        let rows = r
                            .stdout
                            .split(|&b| b == b'\n')
                            .filter(|l| l.starts_with(br#"{"event":"Row","table_id":1,"#))
                            .count();
                        assert_eq!(rows, want);
                    }
                }
            }
        }
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn gzip_input_is_decompressed_while_streaming() {
    let (body, _) = generate_vec(&GenConfig::new(9, Profile::Mixed, Shape::Whole, 200_000));
    let plain = write_tmp("plain.json", &body);
    // Two gzip members, as concatenated gzip files are.
    let mut gz = gzip(&body[..body.len() / 2]);
    gz.extend(gzip(&body[body.len() / 2..]));
    let zipped = write_tmp("zipped.json.gz", &gz);
    for cmd in ["json", "csv", "ndjson", "events"] {
        let a = run(&[cmd, plain.to_str().unwrap()], None);
        let b = run(&[cmd, zipped.to_str().unwrap()], None);
        let c = run(&[cmd, "--chunk", "333"], Some(&gz));
        assert_eq!(a.code, 0);
        assert_eq!((b.code, &b.stdout), (a.code, &a.stdout), "{cmd} gzip file");
        assert_eq!((c.code, &c.stdout), (a.code, &a.stdout), "{cmd} gzip stdin");
    }
    let stats = run(&["stats", zipped.to_str().unwrap()], None);
    assert!(String::from_utf8_lossy(&stats.stdout).contains(&format!("bytes: {}", body.len())));
    // Cut: the rows decompressed before the cut are written, then exit 2.
    let cut = &gz[..gz.len() / 4];
    let r = run(&["csv", "-"], Some(cut));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("gzip"), "{}", r.stderr);
    assert!(read_csv(&r.stdout, b',').len() > 10);
}

#[test]
fn text_and_binary_bodies_at_every_chunk_size() {
    // Spaces past the kept prefix, then text: plain text (exit 1) at every
    // chunk size, the same output.
    let mut text = vec![b' '; 70_000];
    text.extend(core::iter::repeat_n(b'x', 3000));
    text.extend("é\n".as_bytes());
    // A character cut by the end of the kept prefix (64 KiB).
    let mut cut_char = vec![b'a'; 65535];
    cut_char.extend("€ and more".as_bytes());
    // Binary: not UTF-8 at byte 70010.
    let mut binary = text.clone();
    binary[70_010] = 0xff;
    for (name, body, code) in [
        ("text", &text, 1),
        ("cut char", &cut_char, 1),
        ("binary", &binary, 2),
    ] {
        let mut first: Option<(Vec<u8>, String)> = None;
        for chunk in [1, 64, 512, 513, 4096, 65536, 100_000] {
            let c = chunk.to_string();
            for cmd in ["json", "events", "stats", "csv"] {
                let r = run(&[cmd, "--chunk", &c, "-"], Some(body));
                assert_eq!(r.code, code, "{name} {cmd} --chunk {chunk}: {}", r.stderr);
                if code == 2 {
                    assert!(r.stderr.contains("at byte 70010"), "{}", r.stderr);
                    assert!(r.stdout.is_empty());
                }
                if cmd == "json" {
                    let stderr = r.stderr.clone();
                    match &first {
                        None => first = Some((r.stdout, stderr)),
                        Some(f) => {
                            assert_eq!((&r.stdout, &stderr), (&f.0, &f.1), "{name} --chunk {chunk}")
                        }
                    }
                }
            }
        }
        if code == 1 {
            let (out, _) = first.unwrap();
            let doc: J = serde_json::from_slice(&out).unwrap();
            let t = doc["text"].as_str().unwrap();
            assert!(t.len() <= 64 << 10, "{name}: {} bytes kept", t.len());
            assert_eq!(
                doc["text_bytes"].as_u64(),
                Some(body.len() as u64),
                "{name}"
            );
        }
    }
}

/// Rows of a body that arrives slowly are written as they arrive.
#[test]
fn rows_are_written_while_the_body_arrives() {
    let body = nasty_body();
    // The first table whole and a few rows of the second.
    let text = String::from_utf8_lossy(&body);
    let at = text.find("\"dt\",\"ColumnType\"").unwrap();
    let at = at + text[at..].find("],\n[").unwrap() + 4;
    for (cmd, marker) in [
        ("csv", b"\n".as_slice()),
        ("events", b"\"event\":\"Row\"".as_slice()),
        ("ndjson", b"\n"),
    ] {
        let mut child = Command::new(BIN)
            .args([cmd, "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(&body[..at]).unwrap();
        stdin.flush().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut got = Vec::new();
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
                let _ = tx.send(got.clone());
            }
        });
        // Something is written before the rest of the body is sent.
        let got = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("no output while the body stalls");
        assert!(got.windows(marker.len()).any(|w| w == marker), "{cmd}");
        stdin.write_all(&body[at..]).unwrap();
        drop(stdin);
        assert!(child.wait().unwrap().success());
    }
}

#[test]
fn limits_are_errors() {
    // More tables than --max-tables: TableProgress frames for undeclared ids.
    let mut b =
        String::from(r#"[{"FrameType":"DataSetHeader","IsProgressive":true,"Version":"v2.0"}"#);
    for i in 1..=300 {
        b.push_str(&format!(
            r#",{{"FrameType":"TableProgress","TableId":{i},"TableProgress":50}}"#
        ));
    }
    b.push_str(r#",{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#);
    for cmd in ["stats", "json"] {
        let ok = run(&[cmd, "-"], Some(b.as_bytes()));
        assert_eq!(ok.code, 0, "{cmd}: {}", ok.stderr);
        let r = run(&[cmd, "--max-tables", "100", "-"], Some(b.as_bytes()));
        assert_eq!(r.code, 2, "{cmd}");
        assert!(
            r.stderr
                .contains("more tables than the configured limit at byte ")
                && r.stderr.contains("--max-tables"),
            "{cmd}: {}",
            r.stderr
        );
    }
    // Rows of a progressive table held past --max-held.
    let (body, _) = generate_vec(&GenConfig::new(
        3,
        Profile::Mixed,
        Shape::Progressive {
            rows_per_fragment: 16,
        },
        200_000,
    ));
    for cmd in ["csv", "ndjson", "json"] {
        let ok = run(&[cmd, "-"], Some(&body));
        assert_eq!(ok.code, 0, "{cmd}: {}", ok.stderr);
        let r = run(&[cmd, "--max-held", "4K", "-"], Some(&body));
        assert_eq!(r.code, 2, "{cmd}");
        assert!(
            r.stderr
                .contains("more than 4096 bytes of output held at byte "),
            "{cmd}: {}",
            r.stderr
        );
    }
}

#[test]
fn tables_resent_under_cycling_ids_count_once() {
    // More DataTable frames than --max-tables, under four ids: as many
    // tables as ids for the limit (the decoder's and every command's).
    let mut b =
        String::from(r#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"}"#);
    for i in 0..5000 {
        b.push_str(&format!(
            r#",{{"FrameType":"DataTable","TableId":{},"TableKind":"PrimaryResult","TableName":"T","Columns":[{{"ColumnName":"x","ColumnType":"long"}}],"Rows":[[{i}],[null]]}}"#,
            i % 4
        ));
    }
    b.push_str(r#",{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#);
    for cmd in ["stats", "json", "csv", "ndjson"] {
        let r = run(&[cmd, "-"], Some(b.as_bytes()));
        assert_eq!(r.code, 0, "{cmd}: {}", r.stderr);
    }
    let r = run(&["stats", "-"], Some(b.as_bytes()));
    let out = String::from_utf8_lossy(&r.stdout);
    assert!(out.contains("tables: 4\n"), "{out}");
    assert!(
        out.contains(
            "  table 0: id 0, kind PrimaryResult, name \"T\", 1 column, 2500 rows, sent 1250 times\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("rows: 10000\ncells: 10000 (5000 null, 0 not"),
        "{out}"
    );
    // A fifth id is one table too many.
    let r = run(&["stats", "--max-tables", "4", "-"], Some(b.as_bytes()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&["stats", "--max-tables", "3", "-"], Some(b.as_bytes()));
    assert_eq!(r.code, 2, "{}", r.stderr);
}
