//! Decoding throughput of `kusto-frames` against general JSON parsers.
//!
//! Ids:
//! * `decode/<input>/<tier>/chunk_<N>`: our decoder fed `N`-byte chunks
//!   (`whole`: the whole buffer in one feed), every cell visited at `tier`
//!   (`events`: handed out; `typed`: converted to its Rust value).
//! * `peers/<input>/<parser>/<N>`: a peer doing equal work on the same bytes
//!   (see `kusto_frames_benches::peers`); only the streaming parsers are fed
//!   chunks, the others parse the whole buffer.
//!
//! Every iteration asserts its result: our row and cell counts equal the
//! generator's summary; every peer's value and key counts equal those of a
//! reference walk (serde_json); the typed frames' and C++ simdjson's rows
//! and cells (`simdjson_ondemand`, whole buffer only: simdjson does not
//! stream) the summary.
//!
//! Environment:
//! * `KF_BENCH_MB` (default 100): size of each input in MB (10^6 bytes).
//! * `KF_BENCH_SECS` (default 2): criterion measurement time per bench.
//! * `KF_BENCH_INPUTS` (default all): comma-separated inputs to run
//!   (`mixed,string_heavy,number_heavy,progressive`).
//! * `KF_BENCH_PEERS` (default 1): `0` skips the peers.
//! * `KF_BENCH_PEER_CHUNKS` (default `64,1500,16384,65536`): chunk sizes at
//!   which the streaming peers are also run (`none` for whole buffer only).
//!
//! Quick run: `KF_BENCH_MB=1 cargo bench -p kusto-frames-benches -- --test`.

use core::hint::black_box;
use core::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use kusto_frames_benches::inputs::{bench_bytes, chunk_label, Input, CHUNKS};
use kusto_frames_benches::ours::{self, Tier};
use kusto_frames_benches::peers::{self, Peer, SimdState};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|s| !s.trim().is_empty())
}

fn main() {
    let bytes = bench_bytes();
    let secs = env("KF_BENCH_SECS")
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(2.0);
    let inputs: Vec<Input> = match env("KF_BENCH_INPUTS") {
        Some(list) => list
            .split(',')
            .map(|n| Input::from_name(n.trim()).unwrap_or_else(|| panic!("unknown input {n}")))
            .collect(),
        None => Input::ALL.to_vec(),
    };
    let run_peers = env("KF_BENCH_PEERS").is_none_or(|v| v != "0");
    let peer_chunks: Vec<usize> = match env("KF_BENCH_PEER_CHUNKS").as_deref() {
        Some("none") => Vec::new(),
        Some(list) => list
            .split(',')
            .map(|n| n.trim().parse().expect("KF_BENCH_PEER_CHUNKS"))
            .collect(),
        None => CHUNKS
            .iter()
            .copied()
            .filter(|&c| c != usize::MAX)
            .collect(),
    };

    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs_f64(secs))
        .without_plots()
        .configure_from_args();

    for input in inputs {
        let (body, summary) = input.generate(bytes);
        let len = body.len() as u64;
        assert_eq!(len, summary.bytes);

        for tier in Tier::ALL {
            let mut g = c.benchmark_group(format!("decode/{}/{}", input.name(), tier.name()));
            g.throughput(Throughput::Bytes(len));
            g.sampling_mode(SamplingMode::Flat);
            for chunk in CHUNKS {
                g.bench_function(format!("chunk_{}", chunk_label(chunk)), |b| {
                    b.iter(|| {
                        let t = ours::decode(black_box(&body), chunk, tier);
                        assert_eq!((t.rows, t.cells), (summary.rows, summary.cells));
                        t
                    })
                });
            }
            g.finish();
        }

        if !run_peers {
            continue;
        }
        let reference = peers::serde_json_value(&body).counts();
        let mut simd = SimdState::new(&body);
        let mut g = c.benchmark_group(format!("peers/{}", input.name()));
        g.throughput(Throughput::Bytes(len));
        g.sampling_mode(SamplingMode::Flat);
        for peer in Peer::ALL.into_iter().filter(|p| p.available()) {
            let chunks: Vec<usize> = if peer.streaming() {
                peer_chunks.iter().copied().chain([usize::MAX]).collect()
            } else {
                vec![usize::MAX]
            };
            for chunk in chunks {
                let id = BenchmarkId::new(peer.name(), chunk_label(chunk));
                g.bench_function(id, |b| {
                    b.iter(|| {
                        let o = peers::run(peer, black_box(&body), chunk, &mut simd);
                        o.assert_complete(reference, &summary, peer.name());
                        o
                    })
                });
            }
        }
        g.finish();
    }
    c.final_summary();
}
