//! `kusto-frames arrow` and `kusto-frames parquet`: what they write reads
//! back, with the arrow-ipc and parquet readers, as the same rows as
//! `ndjson` writes (`kusto-frames-arrow`'s own tests compare every cell).

use std::path::PathBuf;
use std::process::Command;

use arrow_array::RecordBatch;

const BIN: &str = env!("CARGO_BIN_EXE_kusto-frames");

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus")).join(name)
}

fn ndjson_rows(file: &PathBuf) -> usize {
    let out = Command::new(BIN)
        .arg("ndjson")
        .arg(file)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .count()
}

fn names(b: &[RecordBatch]) -> Vec<String> {
    b[0].schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect()
}

#[test]
fn arrow_and_parquet_write_the_rows_ndjson_writes() {
    let dir = std::env::temp_dir().join(format!("kf-columnar-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for name in [
        "v2-whole.json",
        "v2-progressive-replace.json",
        "v1-with-toc.json",
    ] {
        let file = corpus(name);
        if !file.exists() {
            continue;
        }
        let rows = ndjson_rows(&file);
        // Arrow IPC stream on standard output.
        let out = Command::new(BIN)
            .args(["arrow", "--datetime-unit", "us"])
            .arg(&file)
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let reader = arrow_ipc::reader::StreamReader::try_new(&out.stdout[..], None).expect("IPC");
        let batches: Vec<RecordBatch> = reader.collect::<Result<_, _>>().expect("batches");
        assert_eq!(
            batches.iter().map(RecordBatch::num_rows).sum::<usize>(),
            rows,
            "{name}"
        );
        // Parquet file.
        let path = dir.join(format!("{name}.parquet"));
        let st = Command::new(BIN)
            .args(["parquet", "--datetime-unit", "us", "-o"])
            .arg(&path)
            .arg(&file)
            .status()
            .expect("run");
        assert_eq!(st.code(), Some(0), "{name}");
        let f = std::fs::File::open(&path).expect("parquet file");
        let pq: Vec<RecordBatch> =
            parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)
                .expect("parquet")
                .build()
                .expect("reader")
                .collect::<Result<_, _>>()
                .expect("batches");
        assert_eq!(
            pq.iter().map(RecordBatch::num_rows).sum::<usize>(),
            rows,
            "{name}"
        );
        assert_eq!(names(&pq), names(&batches), "{name}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn out_of_range_values_fail_with_their_position_and_binary_never_reaches_a_terminal() {
    // v2-whole.json has a datetime before 1677: not a nanosecond timestamp.
    let out = Command::new(BIN)
        .args(["arrow"])
        .arg(corpus("v2-whole.json"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nanosecond range") && err.contains("at byte"),
        "{err}"
    );
    // parquet needs -o.
    let out = Command::new(BIN)
        .args(["parquet"])
        .arg(corpus("v2-whole.json"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn parquet_is_snappy_unless_compression_chooses() {
    let dir = std::env::temp_dir().join(format!("kf-columnar-codec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = corpus("v2-whole.json");
    let codecs = |path: &PathBuf| -> Vec<parquet::basic::Compression> {
        let f = std::fs::File::open(path).expect("parquet file");
        let b = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)
            .expect("parquet");
        b.metadata()
            .row_groups()
            .iter()
            .flat_map(|rg| rg.columns().iter().map(|c| c.compression()))
            .collect()
    };
    for (env, want) in [
        (None, Some(parquet::basic::Compression::SNAPPY)),
        (
            Some("zstd"),
            Some(parquet::basic::Compression::ZSTD(Default::default())),
        ),
        (
            Some("none"),
            Some(parquet::basic::Compression::UNCOMPRESSED),
        ),
        (Some("lz4"), None),
    ] {
        let path = dir.join(format!("{env:?}.parquet"));
        let mut cmd = Command::new(BIN);
        cmd.args(["parquet", "--datetime-unit", "us", "-o"])
            .arg(&path)
            .arg(&file);
        if let Some(v) = env {
            cmd.args(["--compression", v]);
        }
        let out = cmd.output().expect("run");
        match want {
            Some(c) => {
                assert_eq!(out.status.code(), Some(0), "{env:?}");
                let got = codecs(&path);
                assert!(
                    !got.is_empty() && got.iter().all(|g| *g == c),
                    "{env:?}: {got:?}"
                );
            }
            None => {
                assert_eq!(out.status.code(), Some(2), "{env:?}");
                let err = String::from_utf8_lossy(&out.stderr);
                assert!(err.contains("--compression"), "{err}");
            }
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}
