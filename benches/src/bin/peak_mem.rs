//! Peak memory of decoding a generated response of N MB through a
//! `std::io::Read` loop with a 64 KiB buffer, every cell converted to its
//! typed value. The body is generated on the fly ([`GenReader`]), never held.
//!
//! `peak_mem <MB> [mixed|string_heavy|number_heavy|progressive] [buffer bytes]`
//!
//! Prints one line: the input, its size, rows and cells (checked against the
//! generator's summary), the time, and the process's peak resident set
//! (`VmHWM` from `/proc/self/status`) before and after decoding.

use std::io::Read;
use std::time::Instant;

use kusto_frames_benches::inputs::Input;
use kusto_frames_benches::ours::{self, Tier};
use kusto_frames_gen::GenReader;

/// A `/proc/self/status` field in KiB (`VmHWM`, `VmRSS`), 0 when unknown.
fn status_kib(field: &str) -> u64 {
    let Ok(s) = std::fs::read_to_string("/proc/self/status") else {
        return 0;
    };
    s.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Counts the bytes that pass through a reader.
struct Counting<R> {
    inner: R,
    bytes: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: peak_mem <MB> [mixed|string_heavy|number_heavy|progressive] [buffer bytes]";
    let Some(mb) = args.first().and_then(|s| s.parse::<f64>().ok()) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let input = match args.get(1) {
        Some(name) => Input::from_name(name).unwrap_or_else(|| {
            eprintln!("{usage}");
            std::process::exit(2);
        }),
        None => Input::Mixed,
    };
    let buf_size = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(64 * 1024);

    let hwm_before = status_kib("VmHWM");
    let mut reader = Counting {
        inner: GenReader::new(input.config((mb * 1e6) as usize)),
        bytes: 0,
    };
    let start = Instant::now();
    let tally = match ours::decode_read(&mut reader, buf_size, Tier::Typed) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("decode failed: {e}");
            std::process::exit(1);
        }
    };
    let secs = start.elapsed().as_secs_f64();
    let hwm_after = status_kib("VmHWM");
    let summary = *reader.inner.summary().expect("the reader reached its end");
    assert_eq!(reader.bytes, summary.bytes, "bytes");
    assert_eq!(
        (tally.rows, tally.cells),
        (summary.rows, summary.cells),
        "rows and cells"
    );
    println!(
        "input={} bytes={} rows={} cells={} buffer={} secs={:.2} MB/s={:.0} \
         (generation included) VmHWM_before_KiB={} VmHWM_KiB={} VmHWM_MiB={:.1}",
        input.name(),
        summary.bytes,
        tally.rows,
        tally.cells,
        buf_size,
        secs,
        summary.bytes as f64 / 1e6 / secs,
        hwm_before,
        hwm_after,
        hwm_after as f64 / 1024.0,
    );
}
