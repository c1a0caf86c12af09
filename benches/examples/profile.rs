//! A driver for profilers: generates one input in memory, then decodes it
//! `iters` times at one chunk size and tier, and prints the throughput.
//!
//! `profile [input] [MB] [chunk bytes|whole] [events|typed] [iters]`
//! (defaults: `mixed 50 65536 events 5`), e.g.
//! `perf record -g target/release/examples/profile mixed 50 65536 typed 10`.

use std::time::Instant;

use kusto_frames_benches::inputs::Input;
use kusto_frames_benches::ours::{self, Tier};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    let input = arg(0).map_or(Input::Mixed, |s| {
        Input::from_name(s).unwrap_or_else(|| panic!("unknown input {s}"))
    });
    let mb: f64 = arg(1).map_or(50.0, |s| s.parse().expect("MB"));
    let chunk = match arg(2) {
        None => 64 * 1024,
        Some("whole") => usize::MAX,
        Some(s) => s.parse().expect("chunk bytes"),
    };
    let tier = match arg(3) {
        None | Some("events") => Tier::Events,
        Some("typed") => Tier::Typed,
        Some(s) => panic!("unknown tier {s}"),
    };
    let iters: u32 = arg(4).map_or(5, |s| s.parse().expect("iters"));

    let (body, summary) = input.generate((mb * 1e6) as usize);
    let start = Instant::now();
    for _ in 0..iters {
        let t = ours::decode(core::hint::black_box(&body), chunk, tier);
        assert_eq!((t.rows, t.cells), (summary.rows, summary.cells));
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} {} bytes, chunk {chunk}, {}: {:.0} MB/s",
        input.name(),
        body.len(),
        tier.name(),
        body.len() as f64 * f64::from(iters) / secs / 1e6
    );
}
