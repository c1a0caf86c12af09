//! Peak memory of the async primary-rows stream: a generated mixed
//! response, produced lazily (`GenReader`, one 64 KiB chunk at a time) as a
//! `Stream` of `Vec<u8>` chunks, read with
//! `AsyncPrimaryReader::new(EventStream::from_as_ref(..)).into_rows()` into
//! a serde struct, row by row, nothing kept. Prints the row count; run it
//! under `/usr/bin/time -v` at two sizes and compare the maximum resident
//! set sizes (they should be about equal):
//!
//! ```text
//! cargo build --release -p kusto-frames-benches --example async_peak
//! /usr/bin/time -v target/release/examples/async_peak 10
//! /usr/bin/time -v target/release/examples/async_peak 1000
//! ```

use std::io::Read;

use futures_util::StreamExt;
use kusto_frames_benches::inputs::Input;
use kusto_frames_gen::GenReader;
use kusto_frames_io::async_primary::AsyncPrimaryReader;
use kusto_frames_io::stream::EventStream;
use serde::Deserialize;

/// The mixed profile's row, with owned fields.
#[allow(dead_code)]
#[derive(Deserialize)]
struct MixedRow {
    #[serde(rename = "Name")]
    name: Option<String>,
    #[serde(rename = "Count")]
    count: Option<i64>,
    #[serde(rename = "Id")]
    id: Option<String>,
    #[serde(rename = "Properties")]
    properties: Option<serde_json::Value>,
    #[serde(rename = "Message")]
    message: Option<String>,
    #[serde(rename = "RowNumber")]
    row_number: i64,
}

fn main() {
    let mb: f64 = std::env::args()
        .nth(1)
        .map_or(100.0, |s| s.parse().expect("MB"));
    let mut gen = GenReader::new(Input::Mixed.config((mb * 1e6) as usize));
    let chunks = futures_util::stream::iter(core::iter::from_fn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        match gen.read(&mut buf) {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some(Ok::<_, std::io::Error>(buf))
            }
            Err(e) => Some(Err(e)),
        }
    }));
    let rows = AsyncPrimaryReader::new(EventStream::from_as_ref(chunks)).into_rows::<MixedRow>();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let (ok, errors) = rt.block_on(rows.fold((0u64, 0u64), |(ok, errors), r| async move {
        match r {
            Ok(_) => (ok + 1, errors),
            Err(_) => (ok, errors + 1),
        }
    }));
    println!("{mb} MB: {ok} rows, {errors} errors");
    assert_eq!(errors, 0);
}
