//! What each column of the mixed input costs the events tier: generates the
//! mixed response, takes the cells of each column of its primary table, and
//! decodes, per column, a response whose rows hold twelve consecutive cells
//! of that column; prints nanoseconds per cell (best of 5), then the same
//! for the `dynamic` column's strings, objects and arrays apart.
//!
//! `column_costs [MB] [chunk bytes]` (defaults: 30, 65536).
//!
//! Noisy machines: compare columns within one run, not runs.

use std::time::Instant;

use kusto_frames::{Decoder, Event, TableKind};
use kusto_frames_benches::inputs::{table_body, Input};
use kusto_frames_benches::ours::{self, Tier};

/// Best time of 5 decodes of `body` in chunks of `chunk` bytes, visiting
/// every cell as the events tier does (`ours::decode`); and the row count.
fn time(body: &[u8], chunk: usize) -> (f64, u64) {
    let mut best = f64::MAX;
    let mut rows = 0;
    for _ in 0..5 {
        let t = Instant::now();
        rows = ours::decode(core::hint::black_box(body), chunk, Tier::Events).rows;
        best = best.min(t.elapsed().as_secs_f64());
    }
    (best, rows)
}

/// A V2 response whose rows hold twelve of `cells` each, in order.
fn body_of(cells: &[&str]) -> (Vec<u8>, u64) {
    table_body(
        12,
        cells
            .chunks_exact(12)
            .map(|row| format!("[{}]", row.join(","))),
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mb: f64 = args.first().map_or(30.0, |s| s.parse().expect("MB"));
    let chunk: usize = args.get(1).map_or(64 * 1024, |s| s.parse().expect("chunk"));
    let (body, _) = Input::Mixed.generate((mb * 1e6) as usize);

    // The raw cells of each column of the primary table.
    let mut names: Vec<String> = Vec::new();
    let mut columns: Vec<Vec<String>> = Vec::new();
    let mut in_primary = false;
    let mut dec = Decoder::new();
    let mut feed = dec.feed(&body);
    while let Some(ev) = feed.next_event().expect("decode") {
        match ev {
            Event::DataTable(t) => {
                in_primary = t.kind == Some(TableKind::PrimaryResult);
                if in_primary {
                    names = t.columns.iter().map(|c| c.name().to_string()).collect();
                    columns = vec![Vec::new(); names.len()];
                }
            }
            Event::Row(row) if in_primary && row.len() == names.len() => {
                for (i, cell) in row.cells().enumerate() {
                    columns[i].push(cell.raw().to_string());
                }
            }
            Event::DataTableEnd(_) => in_primary = false,
            _ => {}
        }
    }
    drop(feed);

    let (t, rows) = time(&body, chunk);
    println!(
        "whole input: {:.1} ns/row ({rows} rows), chunk {chunk}",
        t * 1e9 / rows as f64
    );
    let mut total = 0.0;
    let mut dynamic = None;
    for (name, cells) in names.iter().zip(&columns) {
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        let (body, rows) = body_of(&cells);
        let (t, n) = time(&body, chunk);
        assert_eq!(n, rows);
        let per_cell = t * 1e9 / (rows as f64 * 12.0);
        total += per_cell;
        let bytes: usize = cells.iter().map(|s| s.len()).sum();
        println!(
            "{name:<12} {per_cell:>6.1} ns/cell {:>6.1} B/cell",
            bytes as f64 / cells.len() as f64
        );
        if cells.iter().any(|c| c.starts_with('{')) {
            dynamic = Some((name.clone(), cells));
        }
    }
    println!("sum of the columns: {total:.1} ns/row");
    let Some((name, cells)) = dynamic else {
        return;
    };
    for (label, first) in [("strings", '"'), ("objects", '{'), ("arrays", '[')] {
        let some: Vec<&str> = cells
            .iter()
            .copied()
            .filter(|c| c.starts_with(first))
            .collect();
        let (body, rows) = body_of(&some);
        let (t, _) = time(&body, chunk);
        let bytes: usize = some.iter().map(|s| s.len()).sum();
        let escapes: usize = some.iter().map(|s| s.matches('\\').count()).sum();
        println!(
            "{name} {label:<8} {:>5.1}% of its cells {:>6.1} ns/cell {:>6.1} B/cell {:>5.1} backslashes/cell",
            some.len() as f64 * 100.0 / cells.len() as f64,
            t * 1e9 / (rows as f64 * 12.0),
            bytes as f64 / some.len() as f64,
            escapes as f64 / some.len() as f64
        );
    }
}
