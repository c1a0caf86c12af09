//! What each column of the mixed input costs: generates the mixed response,
//! takes the cells of each column of its primary table, and decodes, per
//! column, a response whose rows hold twelve consecutive cells of that
//! column (declared with the column's type); prints nanoseconds per cell
//! in the events tier and in the typed tier (best of 5 each), then the
//! events tier for the `dynamic` column's strings, objects and arrays apart.
//!
//! `column_costs [MB] [chunk bytes]` (defaults: 30, 65536).
//!
//! Noisy machines: compare columns within one run, not runs.

use std::time::Instant;

use kusto_frames::{Decoder, Event, TableKind};
use kusto_frames_benches::inputs::{typed_table_body, Input};
use kusto_frames_benches::ours::{self, Tier};

/// Best time of 5 decodes of `body` in chunks of `chunk` bytes, visiting
/// every cell as the bench's `tier` does (`ours::decode`); and the row count.
fn time(body: &[u8], chunk: usize, tier: Tier) -> (f64, u64) {
    let mut best = f64::MAX;
    let mut rows = 0;
    for _ in 0..5 {
        let t = Instant::now();
        rows = ours::decode(core::hint::black_box(body), chunk, tier).rows;
        best = best.min(t.elapsed().as_secs_f64());
    }
    (best, rows)
}

/// A V2 response whose rows hold twelve of `cells` each, in order, in
/// columns of type `ty`.
fn body_of(ty: &str, cells: &[&str]) -> (Vec<u8>, u64) {
    typed_table_body(
        12,
        ty,
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
    let mut types: Vec<String> = Vec::new();
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
                    types = t
                        .columns
                        .iter()
                        .map(|c| c.type_name().to_string())
                        .collect();
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

    let (t, rows) = time(&body, chunk, Tier::Events);
    let (typed, _) = time(&body, chunk, Tier::Typed);
    println!(
        "whole input: {:.1} ns/row events, {:.1} typed ({rows} rows), chunk {chunk}",
        t * 1e9 / rows as f64,
        typed * 1e9 / rows as f64
    );
    println!(
        "{:<22} {:>8} {:>8} {:>8}",
        "column", "events", "typed", "B/cell"
    );
    let mut total = [0.0; 2];
    let mut dynamic = None;
    for ((name, ty), cells) in names.iter().zip(&types).zip(&columns) {
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        let (body, rows) = body_of(ty, &cells);
        let mut per_cell = [0.0; 2];
        for (k, tier) in Tier::ALL.into_iter().enumerate() {
            let (t, n) = time(&body, chunk, tier);
            assert_eq!(n, rows);
            per_cell[k] = t * 1e9 / (rows as f64 * 12.0);
            total[k] += per_cell[k];
        }
        let bytes: usize = cells.iter().map(|s| s.len()).sum();
        println!(
            "{:<22} {:>5.1} ns {:>5.1} ns {:>8.1}",
            format!("{name} ({ty})"),
            per_cell[0],
            per_cell[1],
            bytes as f64 / cells.len() as f64
        );
        if cells.iter().any(|c| c.starts_with('{')) {
            dynamic = Some((name.clone(), cells));
        }
    }
    println!(
        "sum of the columns: {:.1} ns/row events, {:.1} typed",
        total[0], total[1]
    );
    let Some((name, cells)) = dynamic else {
        return;
    };
    for (label, first) in [("strings", '"'), ("objects", '{'), ("arrays", '[')] {
        let some: Vec<&str> = cells
            .iter()
            .copied()
            .filter(|c| c.starts_with(first))
            .collect();
        let (body, rows) = body_of("dynamic", &some);
        let (t, _) = time(&body, chunk, Tier::Events);
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
