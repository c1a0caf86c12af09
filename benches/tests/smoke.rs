//! Every bench's work on a small input: our decoder at every chunk size and
//! tier agrees with the generator's summary, and every peer visits the same
//! number of values and keys (simdjson: the same rows, cells and null cells
//! as our events tier).

use kusto_frames_benches::inputs::{Input, CHUNKS};
use kusto_frames_benches::ours::{self, Tier};
use kusto_frames_benches::peers::{self, Peer, SimdState};
use kusto_frames_benches::simdjson;

#[test]
fn every_bench_does_the_same_work() {
    for input in Input::ALL {
        let (body, summary) = input.generate(200_000);
        for tier in Tier::ALL {
            let mut first = None;
            for chunk in CHUNKS.into_iter().chain([1, 7]) {
                let t = ours::decode(&body, chunk, tier);
                assert_eq!(
                    (t.rows, t.cells),
                    (summary.rows, summary.cells),
                    "{} {} chunk {chunk}",
                    input.name(),
                    tier.name()
                );
                // The same values whatever the chunk size.
                assert_eq!(*first.get_or_insert(t), t, "{} chunk {chunk}", input.name());
            }
            let r = ours::decode_read(peers::ChunkReader::new(&body, 333), 1000, tier).unwrap();
            assert_eq!(Some(r), first);
        }

        // simdjson's walk sees the cells that our events tier sees.
        let events = ours::decode(&body, usize::MAX, Tier::Events);
        let mut simd = SimdState::new(&body);
        let numbers = if simdjson::AVAILABLE {
            &[simdjson::Numbers::Token, simdjson::Numbers::Parsed][..]
        } else {
            println!("SKIPPED: simdjson peer not built (apt-get install libsimdjson-dev)");
            &[]
        };
        for &numbers in numbers {
            let sj = peers::simdjson_ondemand(&body, &mut simd, numbers);
            assert_eq!(
                (sj.rows, sj.cells, sj.nulls),
                (events.rows, events.cells, events.nulls),
                "{} simdjson {numbers:?}",
                input.name()
            );
        }
        let reference = peers::serde_json_value(&body).counts();
        assert!(reference.0 > summary.cells);
        for peer in Peer::ALL.into_iter().filter(|p| p.available()) {
            let chunks: &[usize] = if peer.streaming() {
                &[64, 1500, 16384, usize::MAX]
            } else {
                &[usize::MAX]
            };
            for &chunk in chunks {
                peers::run(peer, &body, chunk, &mut simd).assert_complete(
                    reference,
                    &summary,
                    &format!("{} {} chunk {chunk}", input.name(), peer.name()),
                );
            }
        }
    }
}
