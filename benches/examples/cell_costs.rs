//! What one cell of each kind costs the events tier: decodes synthetic
//! responses whose rows hold only cells of one kind (or a given mix), in
//! chunks, and prints nanoseconds per row and per cell (best of 5).
//!
//! The visit of each cell is the bench's (`ours::decode`, events tier).
//!
//! `cell_costs [KINDS ...]`, each KINDS a comma-separated list of the cells
//! of one row; with none, one line per kind (`KF_CHUNK` sets the chunk
//! size, 65536 by default). Kinds:
//! `null`, `str` (5 to 34 letters), `esc` (as `str`, a sixth of them `\"`),
//! `guid`, `int` (random sign and 1 to 19 digits), `real`, `obj` (a fixed
//! object of three members), `dyn` (random objects of 1 to 4 members, with
//! numbers, strings and literals).
//!
//! Noisy machines: compare kinds within one run, not runs.

use std::time::Instant;

use kusto_frames_benches::inputs::table_body;
use kusto_frames_benches::ours::{self, Tier};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const KINDS: [&str; 8] = ["null", "str", "esc", "guid", "int", "real", "obj", "dyn"];

fn cell(kind: &str, r: &mut Rng, out: &mut String) {
    let letter = |r: &mut Rng| char::from(b'a' + r.below(26) as u8);
    match kind {
        "null" => out.push_str("null"),
        "str" | "esc" => {
            out.push('"');
            for _ in 0..5 + r.below(30) {
                if kind == "esc" && r.below(6) == 0 {
                    out.push_str("\\\"");
                } else {
                    out.push(letter(r));
                }
            }
            out.push('"');
        }
        "guid" => out.push_str("\"01053871-3d5d-d524-167f-f7308444979f\""),
        "int" => out.push_str(&((r.next() as i64) >> r.below(63)).to_string()),
        "real" => out.push_str(&format!(
            "{:?}",
            (r.next() as i64 >> r.below(63)) as f64 / 1e3
        )),
        "obj" => out.push_str(r#"{"k1":123,"k2":"abcdef","k3":true}"#),
        "dyn" => {
            out.push('{');
            for j in 0..1 + r.below(4) {
                if j > 0 {
                    out.push(',');
                }
                out.push_str(&format!("\"k{}\":", r.below(100)));
                match r.below(3) {
                    0 => out.push_str(&r.below(100_000).to_string()),
                    1 => out.push_str("\"abcdef\""),
                    _ => out.push_str("true"),
                }
            }
            out.push('}');
        }
        _ => panic!("unknown cell kind {kind}; kinds: {KINDS:?}"),
    }
}

/// A V2 response of about `bytes` whose rows hold the cells `kinds`.
fn body(kinds: &[&str], bytes: usize) -> (Vec<u8>, u64) {
    let mut r = Rng(0x1234_5678_9abc_def1);
    let mut len = 0;
    let rows = core::iter::from_fn(|| {
        (len < bytes).then(|| {
            let cells: Vec<String> = kinds
                .iter()
                .map(|k| {
                    let mut c = String::new();
                    cell(k, &mut r, &mut c);
                    c
                })
                .collect();
            let row = format!("[{}]", cells.join(","));
            len += row.len() + 1;
            row
        })
    });
    table_body(kinds.len(), rows)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lines: Vec<Vec<&str>> = if args.is_empty() {
        KINDS.iter().map(|k| vec![*k; 12]).collect()
    } else {
        args.iter().map(|a| a.split(',').collect()).collect()
    };
    let chunk: usize =
        std::env::var("KF_CHUNK").map_or(64 * 1024, |s| s.parse().expect("KF_CHUNK"));
    for kinds in lines {
        let (body, rows) = body(&kinds, 20 << 20);
        let best = (0..5)
            .map(|_| {
                let t = Instant::now();
                let tally = ours::decode(core::hint::black_box(&body), chunk, Tier::Events);
                assert_eq!(tally.rows, rows);
                t.elapsed().as_secs_f64()
            })
            .fold(f64::MAX, f64::min);
        let per_row = best * 1e9 / rows as f64;
        let label = if kinds.iter().all(|k| *k == kinds[0]) {
            format!("{} x {}", kinds.len(), kinds[0])
        } else {
            kinds.join(",")
        };
        println!(
            "{:<24} {:>6.0} MB/s {:>7.1} ns/row {:>6.2} ns/cell {:>5.0} B/row",
            label,
            body.len() as f64 / best / 1e6,
            per_row,
            per_row / kinds.len() as f64,
            body.len() as f64 / rows as f64
        );
    }
}
