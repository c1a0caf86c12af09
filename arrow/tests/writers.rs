//! `write_ipc_stream` and `write_parquet`: every output read back with the
//! `arrow-ipc` and `parquet` readers equals the reference cell by cell; then
//! pyarrow and DuckDB read the files too (skipped, with the reason printed,
//! when python3 cannot import them).

mod common;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use arrow_array::RecordBatch;
use arrow_ipc::reader::StreamReader;
use common::{actual, compare, expected, selected, Exp};
use kusto_frames::Format;
use kusto_frames_arrow::{
    write_ipc_stream, write_parquet, BatchReader, DatetimeUnit, DecimalMode, Error, Options,
    ParquetCompression, TableSelector,
};
use kusto_frames_gen::{generate_vec, GenConfig, Profile, Shape};
use kusto_frames_io::collect::collect_slice;
use kusto_frames_io::EventReader;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

fn out_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("kf-arrow-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn read_ipc(bytes: &[u8]) -> Vec<RecordBatch> {
    StreamReader::try_new(bytes, None)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn read_parquet(path: &Path) -> (Vec<RecordBatch>, parquet::file::metadata::ParquetMetaData) {
    let b = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    let meta = b.metadata().as_ref().clone();
    let batches = b.build().unwrap().collect::<Result<_, _>>().unwrap();
    (batches, meta)
}

/// Same error, as far as the writers can tell (kind and message).
fn same_end(a: &Result<u64, Error>, b: &Option<Error>) -> bool {
    match (a, b) {
        (Ok(_), None) => true,
        (Err(x), Some(y)) => x.to_string() == y.to_string(),
        _ => false,
    }
}

/// Writes `body`'s selected table both ways and checks what comes back.
/// Returns the rows compared, or `None` when no table was selected.
fn check(name: &str, body: &[u8], opts: &Options, dir: &Path) -> Option<usize> {
    let ctx = format!("{name} {opts:?}");
    // The in-memory reader: the batches and how it ended.
    let mut reader = match BatchReader::new(EventReader::from_read(body), opts.clone()) {
        Ok(r) => r,
        Err(e) => {
            let mut ipc = Vec::new();
            let w = write_ipc_stream(body, &mut ipc, opts);
            assert_eq!(
                w.map(|_| ()).unwrap_err().to_string(),
                e.to_string(),
                "{ctx}"
            );
            assert!(ipc.is_empty(), "{ctx}: output without a table");
            return None;
        }
    };
    let schema = reader.table().schema.clone();
    let mut mem = Vec::new();
    let mut end = None;
    while let Some(item) = reader.next_batch() {
        match item {
            Ok(b) => mem.push(b),
            Err(e) => end = Some(e),
        }
    }
    let rows: u64 = mem.iter().map(|b| b.num_rows() as u64).sum();

    let mut ipc = Vec::new();
    let w = write_ipc_stream(body, &mut ipc, opts).map(|s| s.rows);
    assert!(same_end(&w, &end), "{ctx}: ipc {w:?} vs reader {end:?}");
    if let Ok(n) = w {
        assert_eq!(n, rows, "{ctx}");
    }
    let back_ipc = read_ipc(&ipc);

    let path = dir.join("t.parquet");
    let file = File::create(&path).unwrap();
    let w = write_parquet(body, file, opts, ParquetCompression::default()).map(|s| s.rows);
    assert!(same_end(&w, &end), "{ctx}: parquet {w:?} vs reader {end:?}");
    let (back_pq, meta) = read_parquet(&path);
    for rg in meta.row_groups() {
        for c in rg.columns() {
            assert_eq!(
                c.compression(),
                parquet::basic::Compression::SNAPPY,
                "{ctx}: compression (snappy by default)"
            );
        }
    }

    // The same values as the in-memory batches, and as the reference.
    let (ds, _) = match collect_slice(body) {
        Ok(ds) => (ds, None),
        Err((e, partial)) => (*partial, Some(e)),
    };
    let v1 = ds.format == Some(Format::V1);
    let t = selected(&ds, &opts.tables, v1);
    let mut compared = 0;
    for (what, back) in [("memory", &mem), ("ipc", &back_ipc), ("parquet", &back_pq)] {
        let n: usize = back.iter().map(|b| b.num_rows()).sum();
        assert_eq!(n as u64, rows, "{ctx}: {what} rows");
        for b in back.iter() {
            for (f, g) in b.schema().fields().iter().zip(schema.fields()) {
                assert_eq!(f.data_type(), g.data_type(), "{ctx}: {what} type");
                assert_eq!(f.name(), g.name(), "{ctx}: {what} name");
                assert_eq!(
                    f.extension_type_name(),
                    g.extension_type_name(),
                    "{ctx}: {what} extension type"
                );
            }
        }
        if let Some(t) = t.first() {
            if t.progressive && end.is_some() {
                continue; // see batches.rs: the table at the error, not collect's
            }
            let fail = match &end {
                Some(e @ (Error::Value { .. } | Error::Shape { .. })) => Some(e),
                _ => None,
            };
            compared = compare(reader.table(), back, t, fail, v1)
                .unwrap_or_else(|e| panic!("{ctx}: {what}: {e}"));
        }
    }
    let _ = (actual, expected);
    Some(compared)
}

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let mut v: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn generated() -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    for profile in [Profile::Mixed, Profile::StringHeavy, Profile::NumberHeavy] {
        for shape in [
            Shape::Whole,
            Shape::Progressive {
                rows_per_fragment: 7,
            },
        ] {
            let (body, _) = generate_vec(&GenConfig::new(3, profile, shape, 300_000));
            v.push((format!("gen {profile:?} {shape:?}"), body));
        }
    }
    v
}

#[test]
fn written_files_read_back_equal_the_reference() {
    let dir = out_dir("rt");
    let mut rows = 0;
    let mut tables = 0;
    for (name, body) in corpus().into_iter().chain(generated()) {
        for datetime_unit in [DatetimeUnit::Nanosecond, DatetimeUnit::Microsecond] {
            for decimal in [DecimalMode::Decimal256, DecimalMode::Utf8] {
                for tables_sel in [TableSelector::FirstPrimary, TableSelector::Id(0)] {
                    let opts = Options {
                        batch_rows: 1000,
                        datetime_unit,
                        decimal,
                        tables: tables_sel,
                        ..Options::default()
                    };
                    if let Some(n) = check(&name, &body, &opts, &dir) {
                        rows += n;
                        tables += 1;
                    }
                }
            }
        }
    }
    println!("{tables} tables written and read back, {rows} rows compared");
    assert!(rows > 10_000);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn snappy_and_uncompressed() {
    let (body, _) = generate_vec(&GenConfig::new(5, Profile::Mixed, Shape::Whole, 100_000));
    let opts = Options {
        datetime_unit: DatetimeUnit::Microsecond,
        ..Options::default()
    };
    let dir = out_dir("codec");
    let mut sizes = Vec::new();
    for (c, want) in [
        (
            ParquetCompression::Snappy,
            parquet::basic::Compression::SNAPPY,
        ),
        (
            ParquetCompression::Uncompressed,
            parquet::basic::Compression::UNCOMPRESSED,
        ),
    ] {
        let path = dir.join("c.parquet");
        write_parquet(&body[..], File::create(&path).unwrap(), &opts, c).unwrap();
        let (batches, meta) = read_parquet(&path);
        assert_eq!(meta.row_group(0).column(0).compression(), want);
        let mut r = BatchReader::new(EventReader::from_read(&body[..]), opts.clone()).unwrap();
        let mem: Vec<_> = r.by_ref().collect::<Result<_, _>>().unwrap();
        let a = arrow_select_concat(&mem);
        let b = arrow_select_concat(&batches);
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x, y);
        }
        sizes.push(std::fs::metadata(&path).unwrap().len());
    }
    assert!(
        sizes[0] < sizes[1],
        "snappy {} vs none {}",
        sizes[0],
        sizes[1]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every column's cells of all batches, as [`Exp`]s.
fn arrow_select_concat(batches: &[RecordBatch]) -> Vec<Vec<Exp>> {
    let mut cols = vec![Vec::new(); batches.first().map_or(0, |b| b.num_columns())];
    for b in batches {
        for (c, col) in cols.iter_mut().enumerate() {
            for i in 0..b.num_rows() {
                col.push(actual(b.column(c), i));
            }
        }
    }
    cols
}

/// One cell as the Python checker expects it.
fn py_cell(e: &Exp) -> String {
    match e {
        Exp::Null => "null".into(),
        Exp::Bool(b) => format!("[\"t\",{b}]"),
        Exp::Int(i) => format!("[\"i\",\"{i}\"]"),
        Exp::Real(bits) => format!("[\"f\",\"{bits:016x}\"]"),
        Exp::Str(s) => format!("[\"s\",{}]", json_str(s)),
        Exp::Bytes(b) => format!(
            "[\"b\",\"{}\"]",
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        ),
        Exp::Dec(d) => format!("[\"d\",\"{d}\"]"),
        Exp::Unfit(m) => panic!("unfit cell in a written file: {m}"),
    }
}

fn json_str(s: &str) -> String {
    let mut o = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

#[test]
fn pyarrow_and_duckdb_read_the_files() {
    let probe = Command::new("python3")
        .args([
            "-c",
            "import pyarrow, duckdb; print(pyarrow.__version__, duckdb.__version__)",
        ])
        .output();
    match &probe {
        Ok(o) if o.status.success() => {
            println!(
                "pyarrow, duckdb: {}",
                String::from_utf8_lossy(&o.stdout).trim()
            );
        }
        Ok(o) => {
            println!(
                "SKIPPED: python3 cannot import pyarrow and duckdb: {}",
                String::from_utf8_lossy(&o.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            );
            return;
        }
        Err(e) => {
            println!("SKIPPED: no python3: {e}");
            return;
        }
    }
    let dir = out_dir("py");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/read_back.py");
    let mut bodies = generated();
    bodies.retain(|(n, _)| n.contains("Mixed") || n.contains("StringHeavy"));
    for name in [
        "v2-types-extremes.json",
        "v2-escapes-unicode.json",
        "v2-dynamic.json",
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../corpus")
            .join(name);
        bodies.push((name.to_string(), std::fs::read(path).unwrap()));
    }
    for (name, body) in &bodies {
        for decimal in [DecimalMode::Decimal256, DecimalMode::Utf8] {
            let opts = Options {
                datetime_unit: DatetimeUnit::Microsecond,
                decimal,
                ..Options::default()
            };
            let mut r = BatchReader::new(EventReader::from_read(&body[..]), opts.clone()).unwrap();
            let mem: Vec<_> = match r.by_ref().collect::<Result<_, _>>() {
                Ok(m) => m,
                Err(e) => {
                    // v2-types-extremes' decimal NaN has no Decimal256 value
                    // (tested in batches.rs); its Utf8 run is checked.
                    println!("{name} {decimal:?}: not written: {e}");
                    assert_eq!(decimal, DecimalMode::Decimal256);
                    continue;
                }
            };
            let cols = arrow_select_concat(&mem);
            let schema = r.table().schema.clone();
            // expected.json: one array per column, with its Arrow type.
            let mut exp = String::from("[");
            for (c, f) in schema.fields().iter().enumerate() {
                if c > 0 {
                    exp.push(',');
                }
                exp.push_str(&format!(
                    "{{\"name\":{},\"type\":{},\"ext\":{},\"cells\":[",
                    json_str(f.name()),
                    json_str(&f.data_type().to_string()),
                    f.extension_type_name().map_or("null".into(), json_str)
                ));
                for (i, e) in cols[c].iter().enumerate() {
                    if i > 0 {
                        exp.push(',');
                    }
                    exp.push_str(&py_cell(e));
                }
                exp.push_str("]}");
            }
            exp.push(']');
            std::fs::write(dir.join("expected.json"), exp).unwrap();
            write_parquet(
                &body[..],
                File::create(dir.join("t.parquet")).unwrap(),
                &opts,
                ParquetCompression::Zstd,
            )
            .unwrap();
            let mut ipc = Vec::new();
            write_ipc_stream(&body[..], &mut ipc, &opts).unwrap();
            std::fs::write(dir.join("t.arrows"), ipc).unwrap();
            let o = Command::new("python3")
                .arg(&script)
                .arg(&dir)
                .output()
                .unwrap();
            let out = String::from_utf8_lossy(&o.stdout);
            println!("{name} {decimal:?}: {}", out.trim());
            assert!(
                o.status.success(),
                "{name} {decimal:?}: {out}\n{}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
