//! What the primary readers cost on top of the decoder: a generated mixed
//! response (12 columns of every type) read four ways, round after round
//! (interleaved, so that the machine's noise hits every way alike):
//!
//! - `typed`: the decoder's typed tier (`ours::decode`, every cell
//!   converted, nothing kept): the baseline;
//! - `sync`: `PrimaryReader::read_all` over an `EventReader` (64 KiB
//!   buffer), rows into a serde struct;
//! - `async`: `AsyncPrimaryReader::from_stream(..).read_all()` over a
//!   `Stream` of 64 KiB `Bytes`-like chunks on a current-thread tokio
//!   runtime, the same struct;
//! - `collect`: `async_primary::collect` over the same stream (the whole
//!   dataset kept);
//! - `async-borrowed`: `AsyncPrimaryReader::for_each_row` over the same
//!   stream, every cell converted with `Row::value` as the typed tier does:
//!   the reader's own cost, without serde's.
//!
//! Prints each way's median time over the rounds and its median ratio to
//! `typed` within a round.
//!
//! `async_rows [MB] [rounds]` (defaults: 50, 7). Build with
//! `cargo run --release -p kusto-frames-benches --example async_rows`.

use std::time::Instant;

use kusto_frames_benches::inputs::Input;
use kusto_frames_benches::ours::{self, Tier};
use kusto_frames_io::async_primary::{collect, AsyncPrimaryReader};
use kusto_frames_io::primary::PrimaryReader;
use kusto_frames_io::stream::EventStream;
use kusto_frames_io::EventReader;
use serde::Deserialize;

const CHUNK: usize = 64 * 1024;

/// A row of the mixed profile as a user would declare it (owned fields).
#[allow(dead_code)] // read through Debug-free sums only
#[derive(Deserialize)]
struct MixedRow {
    #[serde(rename = "Timestamp")]
    timestamp: Option<i64>,
    #[serde(rename = "Name")]
    name: Option<String>,
    #[serde(rename = "Count")]
    count: Option<i64>,
    #[serde(rename = "Value")]
    value: Option<f64>,
    #[serde(rename = "IsActive")]
    is_active: Option<bool>,
    #[serde(rename = "Id")]
    id: Option<String>,
    #[serde(rename = "Duration")]
    duration: Option<i64>,
    #[serde(rename = "Properties")]
    properties: Option<serde_json::Value>,
    #[serde(rename = "Amount")]
    amount: Option<String>,
    #[serde(rename = "Code")]
    code: Option<i32>,
    #[serde(rename = "Message")]
    message: Option<String>,
    #[serde(rename = "RowNumber")]
    row_number: i64,
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mb: f64 = args.first().map_or(50.0, |s| s.parse().expect("MB"));
    let rounds: usize = args.get(1).map_or(7, |s| s.parse().expect("rounds"));
    let (body, _) = Input::Mixed.generate((mb * 1e6) as usize);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();

    let names = ["typed", "sync", "async", "collect", "async-borrowed"];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    let mut rows = [0u64; 5];
    for _ in 0..rounds {
        let mut t = [0f64; 5];
        let s = Instant::now();
        rows[0] = ours::decode(core::hint::black_box(&body), CHUNK, Tier::Typed).rows;
        t[0] = s.elapsed().as_secs_f64();

        let s = Instant::now();
        let mut p = PrimaryReader::new(EventReader::from_read_with_capacity(CHUNK, &body[..]));
        let r: Vec<MixedRow> = p.read_all().unwrap_or_else(|e| panic!("sync: {e}"));
        rows[1] = r.len() as u64;
        drop(r);
        t[1] = s.elapsed().as_secs_f64();

        let s = Instant::now();
        let chunks = futures_util::stream::iter(body.chunks(CHUNK).map(Ok::<_, std::io::Error>));
        let r: Vec<MixedRow> = rt
            .block_on(AsyncPrimaryReader::from_stream(chunks).read_all())
            .unwrap_or_else(|e| panic!("async: {e}"));
        rows[2] = r.len() as u64;
        drop(r);
        t[2] = s.elapsed().as_secs_f64();

        let s = Instant::now();
        let chunks = futures_util::stream::iter(body.chunks(CHUNK).map(Ok::<_, std::io::Error>));
        let ds = rt
            .block_on(collect(EventStream::new(chunks)))
            .expect("collect");
        rows[3] = ds.primary().map(|t| t.rows.len() as u64).sum();
        drop(ds);
        t[3] = s.elapsed().as_secs_f64();

        let s = Instant::now();
        let chunks = futures_util::stream::iter(body.chunks(CHUNK).map(Ok::<_, std::io::Error>));
        let mut reader = AsyncPrimaryReader::from_stream(chunks);
        let (mut n, mut sum) = (0u64, 0u64);
        rt.block_on(reader.for_each_row(|row| {
            if let Ok(row) = row {
                n += 1;
                for i in 0..row.len() {
                    if let Some(Ok(v)) = row.value(i) {
                        sum = sum.wrapping_add(u64::from(!v.is_null()));
                    }
                }
            }
            core::ops::ControlFlow::Continue(())
        }))
        .expect("async-borrowed")
        .is_continue()
        .then_some(())
        .expect("the body ends");
        core::hint::black_box(sum);
        rows[4] = n;
        t[4] = s.elapsed().as_secs_f64();

        for i in 0..names.len() {
            times[i].push(t[i]);
            ratios[i].push(t[i] / t[0]);
        }
    }
    // The typed tier counts the rows of every table, the readers those of
    // the primary table.
    assert!(
        rows[1..].iter().all(|&n| n == rows[1]),
        "row counts differ: {rows:?}"
    );
    assert!(rows[0] >= rows[1] && rows[0] - rows[1] < 100, "{rows:?}");
    println!(
        "{:.1} MB mixed, {} primary rows ({} in all tables), 64 KiB chunks, {rounds} interleaved rounds",
        body.len() as f64 / 1e6,
        rows[1],
        rows[0]
    );
    for i in 0..names.len() {
        let m = median(&mut times[i]);
        println!(
            "{:8} {:8.1} ms {:7.1} MB/s  {:5.2}x typed",
            names[i],
            m * 1e3,
            body.len() as f64 / 1e6 / m,
            median(&mut ratios[i])
        );
    }
}
