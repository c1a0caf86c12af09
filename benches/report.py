#!/usr/bin/env python3
"""Turns the criterion results of `cargo bench -p kusto-frames-benches` into
the markdown tables of BENCHMARKS.md.

usage: python3 benches/report.py [target/criterion]

Throughput is bytes / median time of one iteration, in MB/s (10^6 bytes/s).
"""

import json
import os
import sys

INPUTS = ["mixed", "string_heavy", "number_heavy", "progressive"]
CHUNKS = ["64", "1500", "16384", "65536", "whole"]
TIERS = ["events", "typed"]
PEERS = [
    "serde_json_value",
    "serde_json_typed",
    "simd_json_borrowed",
    "simd_json_tape",
    "sonic_rs",
    "actson",
    "bufjson",
    "struson",
]


def load(root):
    """full_id -> MB/s, from every */new/benchmark.json under root."""
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        if os.path.basename(dirpath) != "new" or "benchmark.json" not in files:
            continue
        with open(os.path.join(dirpath, "benchmark.json")) as f:
            bench = json.load(f)
        with open(os.path.join(dirpath, "estimates.json")) as f:
            est = json.load(f)
        tp = bench.get("throughput") or {}
        nbytes = tp.get("Bytes") or tp.get("BytesDecimal")
        if not nbytes:
            continue
        ns = est["median"]["point_estimate"]
        out[bench["full_id"]] = nbytes / ns * 1e3  # bytes/ns -> MB/s
    return out


def fmt(v):
    return "–" if v is None else f"{v:,.0f}"


def ratio(a, b):
    return "–" if a is None or not b else f"{a / b:.2f}×"


def best(r, inp, chunk):
    """Best peer for an input at a chunk size: any peer for the whole buffer,
    the streaming peers otherwise. Returns (MB/s, name)."""
    cands = []
    for p in PEERS:
        v = r.get(f"peers/{inp}/{p}/{chunk}")
        if v is not None:
            cands.append((v, p))
    return max(cands) if cands else (None, None)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "target/criterion"
    r = load(root)
    if not r:
        sys.exit(f"no criterion results under {root}")

    print("### Our throughput and its ratio to the best peer\n")
    print(
        "Ratio columns: ours ÷ the best peer fed the same chunk size (the "
        "streaming peers actson, bufjson, struson for chunked input; every "
        "peer for the whole buffer), and ours ÷ the best peer's "
        "whole-buffer parse (the issue's yardstick). Above 1 = we are faster.\n"
    )
    print(
        "| input | chunk | events MB/s | typed MB/s | best peer, same chunk | "
        "events ratio | typed ratio | best peer, whole buffer | events ratio | typed ratio |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---|---:|---:|")
    for inp in INPUTS:
        bw, bwn = best(r, inp, "whole")
        for ch in CHUNKS:
            ev = r.get(f"decode/{inp}/events/chunk_{ch}")
            ty = r.get(f"decode/{inp}/typed/chunk_{ch}")
            if ev is None and ty is None:
                continue
            bc, bcn = best(r, inp, ch)
            same = f"{bcn} {fmt(bc)}" if bcn else "–"
            whole = f"{bwn} {fmt(bw)}" if bwn else "–"
            print(
                f"| {inp} | {ch} | {fmt(ev)} | {fmt(ty)} | {same} | {ratio(ev, bc)} | "
                f"{ratio(ty, bc)} | {whole} | {ratio(ev, bw)} | {ratio(ty, bw)} |"
            )

    print("\n### Every peer, MB/s\n")
    print("| parser | chunk | " + " | ".join(INPUTS) + " |")
    print("|---|---:|" + "---:|" * len(INPUTS))
    for p in PEERS:
        for ch in CHUNKS:
            vals = [r.get(f"peers/{inp}/{p}/{ch}") for inp in INPUTS]
            if all(v is None for v in vals):
                continue
            print(f"| {p} | {ch} | " + " | ".join(fmt(v) for v in vals) + " |")

    print("\n### The issue's targets (mixed input unless said)\n")
    m = lambda k: r.get(k)  # noqa: E731
    ev64k = m("decode/mixed/events/chunk_65536")
    ty64k = m("decode/mixed/typed/chunk_65536")
    ev16k = m("decode/mixed/events/chunk_16384")
    evw = m("decode/mixed/events/chunk_whole")
    ev64 = m("decode/mixed/events/chunk_64")
    sonic = m("peers/mixed/sonic_rs/whole")
    rows = []
    if ev64k and sonic:
        rows.append(
            (
                "events, 64 KiB chunks ≥ 2× sonic-rs whole-buffer",
                f"{fmt(ev64k)} vs 2 × {fmt(sonic)} = {fmt(2 * sonic)} ({ev64k / sonic:.2f}×)",
                ev64k >= 2 * sonic,
            )
        )
    top, top_name = best(r, "mixed", "whole")
    if ev64k and top:
        rows.append(
            (
                "events, 64 KiB chunks ≥ 2× the best whole-buffer peer",
                f"{fmt(ev64k)} vs 2 × {top_name} {fmt(top)} = {fmt(2 * top)} ({ev64k / top:.2f}×)",
                ev64k >= 2 * top,
            )
        )
    if ev64k:
        rows.append(("events, 64 KiB chunks ≈ 1 GB/s", fmt(ev64k), ev64k >= 1000))
    if ty64k:
        rows.append(("typed, 64 KiB chunks ≥ 1 GB/s", fmt(ty64k), ty64k >= 1000))
    if ev16k and evw:
        rows.append(
            (
                "events, 16 KiB chunks within 10% of whole buffer",
                f"{fmt(ev16k)} vs {fmt(evw)} ({(ev16k / evw - 1) * 100:+.1f}%)",
                ev16k >= 0.9 * evw,
            )
        )
    if ev64:
        others = [
            (r.get(f"peers/mixed/{p}/whole"), p)
            for p in PEERS
            if p != "sonic_rs" and r.get(f"peers/mixed/{p}/whole") is not None
        ]
        if others:
            top, name = max(others)
            rows.append(
                (
                    "events, 64 B chunks faster than every peer's whole-buffer parse but sonic-rs",
                    f"{fmt(ev64)} vs {name} {fmt(top)} ({ev64 / top:.2f}×)",
                    ev64 > top,
                )
            )
    print("| target | measured (MB/s) | met |")
    print("|---|---|---|")
    for name, val, ok in rows:
        print(f"| {name} | {val} | {'yes' if ok else '**no**'} |")


if __name__ == "__main__":
    main()
