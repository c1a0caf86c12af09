//! Interleaved throughput ratios: our decoder against the peers, one
//! iteration of each in turn, round after round, so that the speed of a
//! shared machine drifting over minutes moves every contender alike.
//!
//! Criterion (`benches/decode.rs`) measures each bench for seconds, one
//! after another; on a machine whose speed changes by a third over minutes
//! (as this project's does), a ratio between two of its benches can be off
//! by as much. Here each round times every contender once, a ratio is taken
//! within each round, and the median over rounds is reported.
//!
//! `ratios [MB] [ROUNDS] [INPUTS]`: inputs of MB (10^6 bytes, default 50),
//! ROUNDS rounds (default 15), INPUTS comma-separated (default `mixed`;
//! `mixed,string_heavy,number_heavy,progressive`). Prints Markdown tables:
//! each contender's ratio to the best of the Rust whole-buffer peers
//! (bufjson, simd-json's tape, sonic-rs) and to C++ simdjson's On Demand
//! walk of the same round. Every iteration's counts are asserted, as in the
//! criterion benches.

use core::hint::black_box;
use std::time::Instant;

use kusto_frames_benches::inputs::{chunk_label, Input};
use kusto_frames_benches::ours::{self, Tier};
use kusto_frames_benches::peers::{self, Peer, SimdState};
use kusto_frames_benches::simdjson;

/// One thing timed each round.
#[derive(Clone, Copy)]
enum Contender {
    Ours(Tier, usize),
    Peer(Peer),
}

impl Contender {
    fn label(self) -> String {
        match self {
            Contender::Ours(tier, chunk) => format!("ours {} {}", tier.name(), chunk_label(chunk)),
            Contender::Peer(p) => format!("{} whole", p.name()),
        }
    }
}

/// The median and range of the ratios `base / secs` over rounds.
fn ratio_cell(secs: &[f64], base: &[f64]) -> String {
    let mut ratio: Vec<f64> = secs.iter().zip(base).map(|(s, b)| b / s).collect();
    let lo = ratio.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = ratio.iter().copied().fold(0.0, f64::max);
    format!("{:.2}× ({:.2}–{:.2})", median(&mut ratio), lo, hi)
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
    let mb: usize = args.first().map_or(50, |s| s.parse().expect("MB"));
    let rounds: usize = args.get(1).map_or(15, |s| s.parse().expect("ROUNDS"));
    let inputs: Vec<Input> = args.get(2).map_or(vec![Input::Mixed], |list| {
        list.split(',')
            .map(|n| Input::from_name(n.trim()).unwrap_or_else(|| panic!("unknown input {n}")))
            .collect()
    });
    assert!(rounds >= 1, "at least one round");
    if !simdjson::AVAILABLE {
        eprintln!("ratios: the C++ simdjson peer was not built (apt-get install libsimdjson-dev, then rebuild)");
        std::process::exit(2);
    }

    // The whole-buffer peers that are the yardstick (the fastest
    // three here; the slower ones never decide the best).
    let peers = [Peer::Bufjson, Peer::SimdJsonTape, Peer::SonicRs];
    // C++ simdjson's On Demand walk: a column of its own.
    let cpp = Peer::SimdjsonOndemand;
    let mut contenders = Vec::new();
    for tier in Tier::ALL {
        for chunk in [64, 1500, 16 * 1024, 64 * 1024, usize::MAX] {
            contenders.push(Contender::Ours(tier, chunk));
        }
    }
    contenders.extend(peers.map(Contender::Peer));
    let n_ours = contenders.len() - peers.len();
    let c_cpp = contenders.len();
    // The walk with numbers parsed is shown, not a yardstick.
    contenders.extend([cpp, Peer::SimdjsonOndemandParsed].map(Contender::Peer));

    println!("Interleaved ratios: {mb} MB inputs, {rounds} rounds, every contender once per round (order rotated each round).");
    println!(
        "simdjson {} On Demand, kernel {} (padded copy made before timing).",
        simdjson::version(),
        simdjson::builtin_kernel()
    );
    for input in inputs {
        let (body, summary) = input.generate(mb * 1_000_000);
        let len = body.len() as f64;
        let reference = peers::serde_json_value(&body).counts();
        let mut simd = SimdState::new(&body);
        // One untimed walk first: simdjson's parser sizes its buffers on
        // its first document (the others allocate anew every iteration).
        peers::run(cpp, &body, usize::MAX, &mut simd).assert_complete(
            reference,
            &summary,
            cpp.name(),
        );
        // secs[c][r]: contender c's time in round r.
        let mut secs = vec![Vec::with_capacity(rounds); contenders.len()];
        for r in 0..rounds {
            for k in 0..contenders.len() {
                let c = (k + r) % contenders.len();
                let t = Instant::now();
                match contenders[c] {
                    Contender::Ours(tier, chunk) => {
                        let tally = ours::decode(black_box(&body), chunk, tier);
                        assert_eq!((tally.rows, tally.cells), (summary.rows, summary.cells));
                    }
                    Contender::Peer(p) => peers::run(p, black_box(&body), usize::MAX, &mut simd)
                        .assert_complete(reference, &summary, p.name()),
                }
                secs[c].push(t.elapsed().as_secs_f64());
            }
        }
        // The best Rust peer of each round (shortest time).
        let best: Vec<f64> = (0..rounds)
            .map(|r| {
                (n_ours..c_cpp)
                    .map(|c| secs[c][r])
                    .fold(f64::INFINITY, f64::min)
            })
            .collect();
        println!();
        println!("#### {} ({} bytes)", input.name(), body.len());
        println!();
        println!("| contender | median MB/s | ratio to the best Rust whole-buffer peer of the same round (median, min–max) | ratio to simdjson On Demand of the same round (median, min–max) |");
        println!("|---|---:|---|---|");
        for (c, contender) in contenders.iter().enumerate() {
            let mut rate: Vec<f64> = secs[c].iter().map(|s| len / s / 1e6).collect();
            println!(
                "| {} | {:.0} | {} | {} |",
                contender.label(),
                median(&mut rate),
                ratio_cell(&secs[c], &best),
                ratio_cell(&secs[c], &secs[c_cpp]),
            );
        }
    }
}
