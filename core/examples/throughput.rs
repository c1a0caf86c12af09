//! Rough single-run throughput of the core decoder on a generated response
//! (criterion benches live in benches/; this is a quick profiling target).
//!
//! `throughput [MB] [chunk] [typed|gen-only]`; env `KF_PROFILE`
//! (`string`, `number`, else mixed) and `KF_JOIN` (`DecoderConfig::join_chunks`,
//! e.g. 0 to decode small chunks in place).
use kusto_frames::{Decoder, DecoderConfig, Event};
use kusto_frames_gen::{generate_vec, GenConfig, Profile, Shape};
use std::io::Write as _;
use std::time::Instant;

fn main() {
    let mb: usize = std::env::args()
        .nth(1)
        .map_or(100, |s| s.parse().expect("MB"));
    let chunk: usize = std::env::args()
        .nth(2)
        .map_or(65536, |s| s.parse().expect("chunk"));
    let typed = std::env::args().nth(3).is_some_and(|s| s == "typed");
    let profile = match std::env::var("KF_PROFILE").as_deref() {
        Ok("string") => Profile::StringHeavy,
        Ok("number") => Profile::NumberHeavy,
        _ => Profile::Mixed,
    };
    let mut cfg = DecoderConfig::default();
    if let Ok(n) = std::env::var("KF_JOIN") {
        cfg.join_chunks(n.parse().expect("KF_JOIN"));
    }
    let (body, summary) = generate_vec(&GenConfig::new(1, profile, Shape::Whole, mb << 20));
    let runs = if std::env::args().nth(3).is_some_and(|s| s == "gen-only") {
        0
    } else {
        3
    };
    for _ in 0..runs {
        let t = Instant::now();
        let mut dec = Decoder::with_config(cfg.clone());
        let mut cells = 0u64;
        for c in body.chunks(chunk) {
            let mut feed = dec.feed(c);
            while let Some(ev) = feed.next_event().expect("decode") {
                if let Event::Row(row) = ev {
                    if typed {
                        for i in 0..row.len() {
                            if row.value(i).is_some_and(|v| v.is_ok()) {
                                cells += 1;
                            }
                        }
                    } else {
                        cells += row.cells().count() as u64;
                    }
                }
            }
        }
        assert!(dec.finish().next_event().expect("finish").is_none());
        assert_eq!(cells, summary.cells);
        let s = t.elapsed().as_secs_f64();
        // A closed pipe (`| head -1`) ends the runs instead of panicking.
        let line = writeln!(
            std::io::stdout(),
            "{:.0} MB/s ({} bytes, chunk {chunk}, typed {typed})",
            body.len() as f64 / s / 1e6,
            body.len()
        );
        if line.is_err() {
            return;
        }
    }
}
