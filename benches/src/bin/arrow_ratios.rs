//! kusto-frames-arrow against the decoder's typed tier, interleaved, and its
//! peak memory.
//!
//! `arrow_ratios [MB] [ROUNDS]` (default 100 MB, 9 rounds): the mixed input
//! in memory; each round times, once each and in rotated order, the typed
//! tier (`ours::decode_read`, every cell through `Row::value`, read 64 KiB at
//! a time), record batches only (`BatchReader`), `write_ipc_stream` and
//! `write_parquet` (zstd and snappy) to a sink, all reading the body through a 64 KiB
//! buffer. Prints each one's median MB/s and the median over rounds of its
//! speed as a fraction of the typed tier's in the same round.
//!
//! `arrow_ratios mem MB ipc|parquet|parquet-snappy|batches`: the mixed body generated on
//! the fly (never held) converted to a sink; prints rows, output bytes and
//! the process's peak resident set (`VmHWM`).
//!
//! Both use `DatetimeUnit::Microsecond`: the mixed input has datetimes in
//! years 1 and 9999 and timespans of ±i64 ticks, outside nanosecond range.

use core::hint::black_box;
use std::io::{self, Read, Write};
use std::time::Instant;

use kusto_frames_arrow::{
    write_ipc_stream, write_parquet, BatchReader, DatetimeUnit, Options, ParquetCompression,
};
use kusto_frames_benches::inputs::Input;
use kusto_frames_benches::ours::{self, Tier};
use kusto_frames_gen::GenReader;
use kusto_frames_io::EventReader;

const BUF: usize = 64 * 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Typed,
    Batches,
    Ipc,
    Parquet,
    ParquetSnappy,
}

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::Typed,
        Kind::Batches,
        Kind::Ipc,
        Kind::Parquet,
        Kind::ParquetSnappy,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::Typed => "typed tier (Row::value)",
            Kind::Batches => "record batches (BatchReader)",
            Kind::Ipc => "write_ipc_stream",
            Kind::Parquet => "write_parquet (zstd)",
            Kind::ParquetSnappy => "write_parquet (snappy)",
        }
    }
}

/// Counts the bytes written.
struct Counting(u64);

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn opts() -> Options {
    Options {
        datetime_unit: DatetimeUnit::Microsecond,
        ..Options::default()
    }
}

/// Runs `kind` over `input`; returns (rows, output bytes): the rows of every
/// table for the typed tier, of the primary table for the others.
fn run<R: Read>(kind: Kind, input: R) -> (u64, u64) {
    match kind {
        Kind::Typed => {
            let t = ours::decode_read(input, BUF, Tier::Typed).expect("decode");
            black_box(t.sum);
            (t.rows, 0)
        }
        Kind::Batches => {
            let r = BatchReader::new(EventReader::from_read_with_capacity(BUF, input), opts())
                .expect("table");
            let mut rows = 0;
            for b in r {
                rows += b.expect("batch").num_rows() as u64;
            }
            (rows, 0)
        }
        Kind::Ipc => {
            let mut out = Counting(0);
            let s = write_ipc_stream(input, &mut out, &opts()).expect("ipc");
            (s.rows, out.0)
        }
        Kind::Parquet | Kind::ParquetSnappy => {
            let c = if kind == Kind::Parquet {
                ParquetCompression::Zstd
            } else {
                ParquetCompression::Snappy
            };
            let mut out = Counting(0);
            let s = write_parquet(input, &mut out, &opts(), c).expect("parquet");
            (s.rows, out.0)
        }
    }
}

fn status_kib(field: &str) -> u64 {
    let Ok(s) = std::fs::read_to_string("/proc/self/status") else {
        return 0;
    };
    s.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("mem") {
        let mb: f64 = args.get(1).and_then(|s| s.parse().ok()).expect("MB");
        let kind = match args.get(2).map(String::as_str) {
            Some("ipc") => Kind::Ipc,
            Some("parquet") => Kind::Parquet,
            Some("parquet-snappy") => Kind::ParquetSnappy,
            Some("batches") => Kind::Batches,
            _ => panic!("mem MB ipc|parquet|parquet-snappy|batches"),
        };
        let start = Instant::now();
        let mut gen = GenReader::new(Input::Mixed.config((mb * 1e6) as usize));
        let (rows, out) = run(kind, &mut gen);
        let secs = start.elapsed().as_secs_f64();
        let summary = *gen.summary().expect("generated to the end");
        assert_eq!(rows, summary.primary_rows, "rows");
        println!(
            "{} input_bytes={} rows={rows} output_bytes={out} secs={secs:.2} (generation included) VmHWM_MiB={:.1}",
            kind.name(),
            summary.bytes,
            status_kib("VmHWM") as f64 / 1024.0
        );
        return;
    }
    let mb: usize = args.first().map_or(100, |s| s.parse().expect("MB"));
    let rounds: usize = args.get(1).map_or(9, |s| s.parse().expect("ROUNDS"));
    let (body, summary) = Input::Mixed.generate(mb * 1_000_000);
    println!(
        "arrow_ratios: mixed input, {} bytes, {} primary rows, {rounds} rounds, order rotated each round",
        body.len(),
        summary.primary_rows
    );
    let mut secs = vec![Vec::new(); Kind::ALL.len()];
    let mut outs = [0u64; Kind::ALL.len()];
    for r in 0..rounds {
        for k in 0..Kind::ALL.len() {
            let i = (k + r) % Kind::ALL.len();
            let kind = Kind::ALL[i];
            let start = Instant::now();
            let (rows, out) = run(kind, &body[..]);
            secs[i].push(start.elapsed().as_secs_f64());
            // The typed tier counts the rows of every table.
            let want = if kind == Kind::Typed {
                summary.rows
            } else {
                summary.primary_rows
            };
            assert_eq!(rows, want, "{}", kind.name());
            outs[i] = out;
        }
    }
    println!();
    println!(
        "| path | median MB/s | speed vs typed tier (median of per-round ratios) | output bytes |"
    );
    println!("|---|---:|---:|---:|");
    for (i, kind) in Kind::ALL.iter().enumerate() {
        let mut ratios: Vec<f64> = (0..rounds).map(|r| secs[0][r] / secs[i][r]).collect();
        let mut s = secs[i].clone();
        println!(
            "| {} | {:.0} | {:.2}x | {} |",
            kind.name(),
            body.len() as f64 / 1e6 / median(&mut s),
            median(&mut ratios),
            outs[i]
        );
    }
}
