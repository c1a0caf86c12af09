//! Benchmark helpers for `kusto-frames`: the inputs, our decoder driven at
//! both tiers of work, and the peer JSON parsers doing equal work.
//!
//! * [`inputs`]: the four generated inputs (mixed, string-heavy,
//!   number-heavy, progressive) and the input size (`KF_BENCH_MB`).
//! * [`ours`]: `kusto_frames::Decoder` fed in chunks, visiting every cell
//!   (events tier: each cell handed out; typed tier: each cell converted).
//! * [`peers`]: serde_json, simd-json, sonic-rs, actson, bufjson and
//!   struson, each visiting every value of the same bytes, and C++
//!   simdjson's On Demand API ([`simdjson`]) visiting every cell.
//!
//! Every function returns counts that the caller asserts: the row and cell
//! counts of the generator's [`kusto_frames_gen::Summary`] for our decoder,
//! and the same number of values and keys for every peer (rows and cells
//! for the typed serde_json frames and simdjson).

pub mod inputs;
pub mod ours;
pub mod peers;
pub mod simdjson;

/// Folds a value into a checksum so that the work cannot be optimised away.
#[inline(always)]
pub fn mix(sum: u64, v: u64) -> u64 {
    sum.rotate_left(5) ^ v
}
