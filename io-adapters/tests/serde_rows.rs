//! Rows into user types through serde, and the streaming primary rows.

mod common;

use core::ops::ControlFlow;
use std::collections::BTreeMap;

use kusto_frames::response::ResponseError;
use kusto_frames_io::collect::collect_slice;
use kusto_frames_io::de::from_row;
use kusto_frames_io::primary::{PrimaryReader, RowsError};
use kusto_frames_io::EventReader;
use serde::Deserialize;

const TYPES: &[u8] = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"T","Columns":[
 {"ColumnName":"b","ColumnType":"bool"},{"ColumnName":"i","ColumnType":"int"},{"ColumnName":"l","ColumnType":"long"},
 {"ColumnName":"r","ColumnType":"real"},{"ColumnName":"d","ColumnType":"decimal"},{"ColumnName":"s","ColumnType":"string"},
 {"ColumnName":"t","ColumnType":"datetime"},{"ColumnName":"ts","ColumnType":"timespan"},{"ColumnName":"g","ColumnType":"guid"},
 {"ColumnName":"dy","ColumnType":"dynamic"},{"ColumnName":"u","ColumnType":"mystery"}],
 "Rows":[
  [1,"42",9007199254740993,"NaN","0.1000000000000000000001","s\u00e9","2024-01-15T10:00:00.5Z","1.02:03:04.5","6F3C1072-2739-461C-8AA7-3CFC8FF528A8",{"k":[1,2],"n":"x"},[true]],
  [null,null,null,null,null,null,"",null,null,null,null]
 ]},
{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;

#[derive(Debug, Deserialize, PartialEq)]
struct Inner<'a> {
    k: Vec<i64>,
    n: &'a str,
}

#[derive(Debug, Deserialize, PartialEq)]
struct All<'a> {
    b: Option<bool>,
    i: Option<i32>,
    l: Option<i64>,
    r: Option<f64>,
    d: Option<&'a str>,
    s: Option<&'a str>,
    t: Option<String>,
    ts: Option<i64>,
    g: Option<String>,
    dy: Option<serde_json::Value>,
    u: Option<serde_json::Value>,
    /// Not a column: absent, so `None`.
    missing: Option<u8>,
}

#[test]
fn every_type_into_a_struct() {
    let ds = collect_slice(TYPES).unwrap();
    let t = &ds.tables[0];
    let rows: Vec<All<'_>> = t.deserialize_rows().collect::<Result<_, _>>().unwrap();
    let a = &rows[0];
    assert_eq!(a.b, Some(true));
    assert_eq!(a.i, Some(42));
    assert_eq!(a.l, Some(9007199254740993));
    assert!(a.r.unwrap().is_nan());
    assert_eq!(a.d, Some("0.1000000000000000000001"));
    assert_eq!(a.s, Some("sé"));
    assert_eq!(a.t.as_deref(), Some("2024-01-15T10:00:00.5000000Z"));
    assert_eq!(
        a.ts,
        Some(((26 * 60 + 3) * 60 + 4) * 10_000_000 + 5_000_000)
    );
    assert_eq!(a.g.as_deref(), Some("6f3c1072-2739-461c-8aa7-3cfc8ff528a8"));
    assert_eq!(a.dy, Some(serde_json::json!({"k":[1,2],"n":"x"})));
    assert_eq!(a.u, Some(serde_json::json!([true])));
    assert_eq!(a.missing, None);
    // Nulls, and "" in a datetime column.
    let z = &rows[1];
    assert_eq!(
        (z.b, z.i, z.l, z.r, z.d, z.s, &z.t, z.ts, &z.g, &z.dy, &z.u),
        (None, None, None, None, None, None, &None, None, &None, &None, &None)
    );
}

#[test]
fn hints_pick_other_forms() {
    #[derive(Debug, Deserialize)]
    struct Hints<'a> {
        /// decimal as f64
        d: f64,
        /// datetime as ticks
        t: i64,
        /// timespan as its text
        ts: &'a str,
        /// dynamic into a struct, borrowing
        dy: Inner<'a>,
        /// a dynamic's raw JSON text, as a string
        #[serde(rename = "u")]
        raw: &'a str,
    }
    let ds = collect_slice(TYPES).unwrap();
    let h: Hints<'_> = ds.tables[0].row(0).unwrap().deserialize().unwrap();
    assert_eq!(h.d, 0.1);
    // (2024-01-15T10:00:00Z - 0001-01-01) in 100 ns ticks, plus 0.5 s.
    assert_eq!(h.t, 638_409_096_005_000_000);
    assert_eq!(h.ts, "1.02:03:04.5");
    assert_eq!(
        h.dy,
        Inner {
            k: vec![1, 2],
            n: "x"
        }
    );
    assert_eq!(h.raw, "[true]");
}

#[test]
fn tuples_maps_enums_and_newtypes() {
    let body = br#"{"Tables":[{"TableName":"Table_0","Columns":[
  {"ColumnName":"Level","DataType":"String"},{"ColumnName":"n","DataType":"Int32"},{"ColumnName":"Props","DataType":"Object"}],
  "Rows":[["Warning",3,"{\"a\":1}"],["Error","4","{\"a\":2}"]]}]}"#;
    #[derive(Debug, Deserialize, PartialEq)]
    enum Level {
        Warning,
        Error,
    }
    #[derive(Debug, Deserialize, PartialEq)]
    struct N(i64);
    #[derive(Debug, Deserialize, PartialEq)]
    struct Props {
        a: i32,
    }
    let ds = collect_slice(body).unwrap();
    let t = &ds.tables[0];
    // Positional.
    let tuples: Vec<(Level, N, Props)> = t.deserialize_rows().collect::<Result<_, _>>().unwrap();
    assert_eq!(tuples[1], (Level::Error, N(4), Props { a: 2 }));
    // As a map of column name to JSON.
    let m: BTreeMap<String, serde_json::Value> = t.row(0).unwrap().deserialize().unwrap();
    assert_eq!(m["n"], serde_json::json!(3));
    // A V1 dynamic sent as a string holding JSON reads as that JSON for a
    // struct, and as the string for a string.
    assert_eq!(m["Props"], serde_json::json!("{\"a\":1}"));
}

#[test]
fn a_bad_cell_names_its_column_and_unread_columns_are_not_converted() {
    let body = br#"[{"FrameType":"DataSetHeader","Version":"v2.0"},
{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"T","Columns":[
 {"ColumnName":"n","ColumnType":"long"},{"ColumnName":"junk","ColumnType":"guid"}],
 "Rows":[[1,"not a guid"],["x","also not"]]},
{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
    #[derive(Debug, Deserialize)]
    struct N {
        n: i64,
    }
    let ds = collect_slice(body).unwrap();
    let t = &ds.tables[0];
    let r: Vec<_> = t.deserialize_rows::<N>().collect();
    assert_eq!(r[0].as_ref().unwrap().n, 1);
    let e = r[1].as_ref().unwrap_err();
    assert_eq!(e.column(), Some("n"));
    assert!(e.value_error().is_some());
    assert!(e.to_string().starts_with("column `n`: "), "{e}");
}

const PRIMARY: &[u8] = br#"[{"FrameType":"DataSetHeader","IsProgressive":true,"Version":"v2.0"},
{"FrameType":"DataTable","TableId":0,"TableKind":"QueryProperties","TableName":"@ExtendedProperties","Columns":[{"ColumnName":"x","ColumnType":"long"}],"Rows":[[100]]},
{"FrameType":"TableHeader","TableId":1,"TableKind":"PrimaryResult","TableName":"T","Columns":[{"ColumnName":"x","ColumnType":"long"},{"ColumnName":"name","ColumnType":"string"}]},
{"FrameType":"TableFragment","TableId":1,"TableFragmentType":"DataAppend","Rows":[[1,"one"],[2,"two"],{"OneApiErrors":[{"error":{"code":"LimitsExceeded"}}]}]},
{"FrameType":"TableCompletion","TableId":1,"RowCount":2},
{"FrameType":"DataTable","TableId":2,"TableKind":"PrimaryResult","TableName":"U","Columns":[{"ColumnName":"x","ColumnType":"long"},{"ColumnName":"name","ColumnType":"string"}],"Rows":[[3,"three"],["bad","four"]]},
{"FrameType":"DataTable","TableId":3,"TableKind":"QueryCompletionInformation","TableName":"QueryCompletionInformation","Columns":[{"ColumnName":"Level","ColumnType":"int"}],"Rows":[[4],[2]]},
{"FrameType":"DataSetCompletion","HasErrors":true,"Cancelled":false}]"#;

#[derive(Debug, Deserialize, PartialEq)]
struct Rec {
    x: i64,
    name: String,
}

#[test]
fn primary_rows_stream_with_errors_inline() {
    let mut p = PrimaryReader::new(EventReader::from_read_with_capacity(16, PRIMARY));
    let mut got = Vec::new();
    for r in p.rows::<Rec>() {
        got.push(match r {
            Ok(rec) => format!("row {} {}", rec.x, rec.name),
            Err(RowsError::Reported(e)) => match *e {
                ResponseError::Row { table_id, .. } => format!("row error in {table_id:?}"),
                ResponseError::QueryCompletion { level, .. } => format!("level {level}"),
                ResponseError::DataSet { .. } => "dataset".to_owned(),
                other => panic!("{other:?}"),
            },
            Err(RowsError::Deserialize { row, error, .. }) => {
                format!("bad row {row}: {}", error.column().unwrap())
            }
            Err(e) => panic!("{e}"),
        });
    }
    assert_eq!(
        got,
        [
            "row 1 one",
            "row 2 two",
            "row error in Some(1)",
            "row 3 three",
            "bad row 1: x",
            "level 2",
            "dataset"
        ]
    );
    assert_eq!(p.errors().len(), 3);
}

#[test]
fn primary_rows_borrowed_through_a_callback() {
    let mut p = PrimaryReader::new(EventReader::from_read(PRIMARY));
    let mut xs = Vec::new();
    let mut failures = 0;
    let flow = p
        .for_each_row(|r| {
            match r {
                Ok(row) => {
                    if let Ok(rec) = from_row::<Rec>(&row) {
                        xs.push(rec.x);
                    }
                }
                Err(e) => {
                    assert!(e.raw.get().contains("LimitsExceeded"));
                    failures += 1;
                }
            }
            ControlFlow::Continue(())
        })
        .unwrap();
    assert!(flow.is_continue());
    assert_eq!(xs, [1, 2, 3]);
    assert_eq!(failures, 1);
    assert_eq!(p.errors().len(), 3);
}

#[test]
fn v1_primary_rows_are_the_first_tables() {
    let body = br#"{"Tables":[{"TableName":"Table_0","Columns":[{"ColumnName":"x","DataType":"Int64"},{"ColumnName":"name","DataType":"String"}],"Rows":[[7,"seven"]]},
{"TableName":"Table_1","Columns":[{"ColumnName":"x","DataType":"Int64"},{"ColumnName":"name","DataType":"String"}],"Rows":[[8,"eight"]]}]}"#;
    let mut p = PrimaryReader::new(EventReader::from_read(&body[..]));
    let rows: Vec<Rec> = p.rows().collect::<Result<_, _>>().unwrap();
    assert_eq!(
        rows,
        [Rec {
            x: 7,
            name: "seven".into()
        }]
    );
}

#[test]
fn a_read_error_ends_the_primary_rows() {
    let cut = &PRIMARY[..PRIMARY.len() / 2];
    let mut p = PrimaryReader::new(EventReader::from_read(cut));
    let items: Vec<_> = p.rows::<Rec>().collect();
    match items.last() {
        Some(Err(RowsError::Read(e))) => assert!(e.is_truncated()),
        other => panic!("{other:?}"),
    }
    assert!(p.next_row::<Rec>().is_none());
}
