//! `Row::value` takes shortcuts by the cell's kind (numbers straight from
//! their bytes, `null` and `bool` without a `Cell`, a JSON number in a
//! `decimal` column kept without a second syntax check): whatever the
//! chunking, it must give exactly what the public `convert` gives for the
//! same cell.

use kusto_frames::value::{convert, ScalarType};
use kusto_frames::{Decoder, DecoderConfig, Event};
use proptest::prelude::*;

/// One cell of each kind and shape, valid or not for a given type.
const CELLS: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "1",
    "-7",
    "2147483648",
    "-9223372036854775808",
    "9223372036854775808",
    "123456789012345678901",
    "1.5",
    "-0.000123",
    "6.02E+23",
    "1e400",
    "-1.7078807082789138e-5",
    "\"\"",
    "\"true\"",
    "\"False\"",
    "\"1\"",
    "\"42\"",
    "\"-3.25\"",
    "\"NaN\"",
    "\"-Infinity\"",
    "\"12.\"",
    "\".5\"",
    "\"1.2.3\"",
    "\"2296.840000000000000000000001\"",
    "\"1e5\"",
    "\"abc\"",
    "\"2024-02-29T23:59:59.1234567Z\"",
    "\"2023-02-29T00:00:00Z\"",
    "\"1999-09-13 02:24:52\"",
    "\"-276.17:19:45.1023512\"",
    "\"18:16:57\"",
    "\"25:00:00\"",
    "\"78ac72ca-c49e-5824-1be9-c9e34fd2d68e\"",
    "\"78ac72ca-c49e-5824-1be9-c9e34fd2d68g\"",
    "\"esc\\\"aped\\u00e9\\n\"",
    "{}",
    "{\"a\":[1,{\"b\":null}],\"c\":\"x\"}",
    "[]",
    "[1,\"two\",[3.0,false]]",
];

/// A V2 response with one column of each type, then one of an unknown type,
/// and rows that put every cell of [`CELLS`] in every column (and one cell
/// beyond the last column).
fn body() -> (String, usize) {
    let mut types: Vec<&str> = ScalarType::ALL
        .iter()
        .filter_map(|t| t.kusto_name())
        .collect();
    types.push("sometype");
    let columns: Vec<String> = types
        .iter()
        .enumerate()
        .map(|(i, t)| format!(r#"{{"ColumnName":"c{i}","ColumnType":"{t}"}}"#))
        .collect();
    let width = types.len() + 1;
    let rows: Vec<String> = (0..CELLS.len())
        .map(|r| {
            let cells: Vec<&str> = (0..width).map(|c| CELLS[(r + c) % CELLS.len()]).collect();
            format!("[{}]", cells.join(","))
        })
        .collect();
    let body = format!(
        r#"[{{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"}},{{"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","TableName":"T","Columns":[{}],"Rows":[{}]}},{{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}}]"#,
        columns.join(","),
        rows.join(",\n ")
    );
    (body, CELLS.len() * width)
}

/// Decodes `body` in chunks of `chunk` bytes and checks every cell of every
/// row; returns the number of cells checked.
fn check(body: &[u8], chunk: usize, join: usize) -> usize {
    let mut cfg = DecoderConfig::default();
    cfg.join_chunks(join);
    let mut dec = Decoder::with_config(cfg);
    let mut seen = 0;
    for piece in body.chunks(chunk) {
        let mut feed = dec.feed(piece);
        while let Some(ev) = feed.next_event().expect("valid body") {
            let Event::Row(row) = ev else { continue };
            for i in 0..row.len() {
                let cell = row.cell(i).expect("cell");
                let ty = row
                    .columns()
                    .get(i)
                    .map_or(ScalarType::Unknown, |c| c.scalar_type());
                let got = row.value(i).expect("cell").map_err(|e| e.error);
                // As text: NaN is not equal to itself.
                assert_eq!(
                    format!("{got:?}"),
                    format!("{:?}", convert(ty, cell)),
                    "chunk {chunk}, join {join}, row {}, column {i} ({ty:?}), cell {}",
                    row.index(),
                    cell.raw()
                );
                seen += 1;
            }
        }
    }
    assert!(dec.finish().next_event().expect("complete body").is_none());
    seen
}

#[test]
fn row_values_equal_convert_of_the_cell() {
    let (body, cells) = body();
    for chunk in (1..=70).chain([100, 255, 512, 1500, 4096, usize::MAX]) {
        for join in [0, 512] {
            assert_eq!(check(body.as_bytes(), chunk, join), cells, "chunk {chunk}");
        }
    }
}

proptest! {
    #[test]
    fn row_values_equal_convert_at_random_splits(chunk in 1usize..3000, join in 0usize..600) {
        let (body, cells) = body();
        prop_assert_eq!(check(body.as_bytes(), chunk, join), cells);
    }
}
