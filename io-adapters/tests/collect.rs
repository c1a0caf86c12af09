//! Collecting whole responses into tables.

mod common;

use common::{all_inputs, SMALL_V2};
use kusto_frames::response::ResponseError;
use kusto_frames::value::Value;
use kusto_frames::{CellKind, Format};
use kusto_frames_io::collect::{collect, collect_slice, Dataset};
use kusto_frames_io::EventReader;

fn ds(body: &[u8]) -> Dataset {
    collect_slice(body).unwrap_or_else(|(e, _)| panic!("{e}"))
}

fn long(v: Option<Result<Value<'_>, kusto_frames::value::ValueError>>) -> i64 {
    match v {
        Some(Ok(Value::Long(n))) => n,
        other => panic!("{other:?}"),
    }
}

#[test]
fn data_replace_replaces_rows_and_keeps_row_errors() {
    let d = ds(SMALL_V2);
    assert_eq!(d.format, Some(Format::V2));
    assert_eq!(d.tables.len(), 2);
    let t = &d.tables[1];
    assert_eq!(t.id, Some(1));
    assert!(t.progressive && t.completed && t.is_primary());
    assert_eq!(t.rows.len(), 1);
    let r = t.row(0).unwrap();
    assert_eq!(long(r.value(0)), 3);
    assert_eq!(r.get("s"), Some(Ok(Value::String("c"))));
    assert_eq!(
        t.row_errors,
        [r#"{"OneApiErrors":[{"error":{"code":"X"}}]}"#]
    );
    assert_eq!(t.progress, [50.0]);
    assert_eq!(t.row_count, Some(1));
    // The DataTable: its row count is its number of rows.
    assert_eq!(d.tables[0].row_count, Some(1));
    assert_eq!(d.tables[0].kind.as_deref(), Some("QueryProperties"));
    // Every error, in order.
    assert!(matches!(
        d.errors[0],
        ResponseError::Row {
            table_id: Some(1),
            ..
        }
    ));
    assert!(matches!(d.errors[1], ResponseError::DataSet { .. }));
    assert_eq!(d.errors.len(), 2);
    assert!(!d.is_clean());
    let c = d.completion.as_ref().unwrap();
    assert!(c.has_errors && !c.cancelled);
    assert_eq!(c.errors.as_deref(), Some(r#"[{"error":{"code":"X"}}]"#));
}

#[test]
fn rows_sent_before_columns_are_typed_with_the_final_columns() {
    let body = br#"[{"FrameType":"DataSetHeader","Version":"v2.0"},
{"FrameType":"DataTable","TableId":1,"Rows":[["5","2024-01-15T10:00:00Z",7]],"TableKind":"PrimaryResult",
 "Columns":[{"ColumnName":"n","ColumnType":"long"},{"ColumnName":"t","ColumnType":"datetime"}],"TableName":"X"},
{"FrameType":"TableHeader","TableId":2,"TableKind":"PrimaryResult","TableName":"P","Columns":[{"ColumnName":"n","ColumnType":"int"}]},
{"FrameType":"TableFragment","Rows":[[1],[2]],"TableFragmentType":"DataAppend","TableId":2},
{"FrameType":"TableFragment","Rows":[[3]],"TableId":2,"TableFragmentType":"DataReplace"},
{"FrameType":"TableCompletion","TableId":2,"RowCount":1},
{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
    let d = ds(body);
    let t = &d.tables[0];
    assert_eq!(t.name.as_deref(), Some("X"));
    let r = t.row(0).unwrap();
    assert_eq!(long(r.value(0)), 5);
    match r.get("t") {
        Some(Ok(Value::DateTime(dt))) => assert_eq!(dt.to_string(), "2024-01-15T10:00:00.0000000Z"),
        other => panic!("{other:?}"),
    }
    // A cell beyond the last column comes as sent.
    match r.value(2) {
        Some(Ok(Value::Other(c))) => assert_eq!((c.kind(), c.raw()), (CellKind::Number, "7")),
        other => panic!("{other:?}"),
    }
    assert_eq!(r.value(3), None);
    // TableId and TableFragmentType sent after Rows still count.
    let p = &d.tables[1];
    assert_eq!(p.rows.len(), 1);
    assert_eq!(p.row(0).unwrap().value(0), Some(Ok(Value::Int(3))));
    assert_eq!(d.tables.len(), 2);
    assert!(d.is_clean());
}

#[test]
fn v1_kinds_and_names_come_from_the_table_of_contents() {
    let body = br#"{"Tables":[
{"TableName":"Table_0","Columns":[{"ColumnName":"x","DataType":"Int64"}],"Rows":[[1]]},
{"TableName":"Table_1","Columns":[{"ColumnName":"Severity","DataType":"Int32"},{"ColumnName":"StatusCode","DataType":"Int32"}],"Rows":[[4,0],[2,-1]]},
{"TableName":"Table_2","Columns":[{"ColumnName":"Value","DataType":"String"}],"Rows":[]},
{"TableName":"Table_3","Columns":[{"ColumnName":"Ordinal","DataType":"Int64"},{"ColumnName":"Kind","DataType":"String"},{"ColumnName":"Name","DataType":"String"},{"ColumnName":"Id","DataType":"String"},{"ColumnName":"PrettyName","DataType":"String"}],
 "Rows":[[0,"QueryResult","PrimaryResult","",""],[1,"QueryStatus","QueryStatus","",""]]}]}"#;
    let d = ds(body);
    assert_eq!(d.format, Some(Format::V1));
    let kinds: Vec<_> = d.tables.iter().map(|t| t.kind.as_deref()).collect();
    assert_eq!(
        kinds,
        [
            Some("QueryResult"),
            Some("QueryStatus"),
            None,
            Some("TableOfContents")
        ]
    );
    let names: Vec<_> = d
        .tables
        .iter()
        .map(|t| t.name.as_deref().unwrap())
        .collect();
    assert_eq!(
        names,
        ["PrimaryResult", "QueryStatus", "Table_2", "Table_3"]
    );
    assert_eq!(d.primary().count(), 1);
    assert_eq!(d.table_by_name("QueryStatus").unwrap().id, Some(1));
    // The .NET DataType gives the column type.
    assert_eq!(d.tables[0].columns[0].type_name(), "long");
    // Severity 2 in QueryStatus is an error.
    assert!(matches!(
        d.errors[..],
        [ResponseError::QueryStatus { severity: 2, .. }]
    ));
}

#[test]
fn v1_without_table_of_contents_keeps_table_names() {
    let body = br#"{"Tables":[{"TableName":"Table_0","Columns":[{"ColumnName":"x","ColumnType":"long"}],"Rows":[[1]]}],"Exceptions":["boom"]}"#;
    let d = ds(body);
    assert_eq!(d.tables[0].kind, None);
    assert_eq!(d.tables[0].name.as_deref(), Some("Table_0"));
    assert_eq!(d.exceptions.as_deref(), Some(r#"["boom"]"#));
    assert!(matches!(d.errors[..], [ResponseError::Exceptions(_)]));
}

#[test]
fn error_bodies_are_kept_as_sent() {
    let body = br#"{"error":{"code":"General_BadRequest","message":"no"}}"#;
    let d = ds(body);
    assert_eq!(d.format, Some(Format::Error));
    assert_eq!(
        d.error.as_deref(),
        Some(r#"{"code":"General_BadRequest","message":"no"}"#)
    );
    assert!(matches!(d.errors[..], [ResponseError::Body { .. }]));
}

#[test]
fn a_failed_read_keeps_what_was_collected() {
    let cut = &SMALL_V2[..SMALL_V2.len() - 40];
    let e = collect(&mut EventReader::from_read_with_capacity(7, cut)).unwrap_err();
    assert!(e.error.is_truncated());
    assert_eq!(e.partial.tables.len(), 2);
    assert_eq!(e.partial.tables[1].rows.len(), 1);
    assert!(e.partial.completion.is_none());
}

#[test]
fn collect_from_a_reader_equals_collect_slice() {
    for (name, body) in all_inputs() {
        let a = collect_slice(&body);
        let b = collect(&mut EventReader::from_read_with_capacity(13, &body[..]));
        match (a, b) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{name}"),
            (Err((ea, pa)), Err(eb)) => {
                assert_eq!(Some(ea), eb.error.decode_error(), "{name}");
                assert_eq!(*pa, *eb.partial, "{name}");
            }
            (a, b) => panic!("{name}: {a:?} vs {b:?}"),
        }
    }
}

#[test]
fn raw_rows_keep_raw_and_unescaped_text() {
    let body = br#"[{"FrameType":"DataSetHeader","Version":"v2.0"},
{"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","TableName":"T","Columns":[{"ColumnName":"s","ColumnType":"string"},{"ColumnName":"d","ColumnType":"dynamic"}],
 "Rows":[["a\"b\u00e9", {"k": [1, 2]}], ["plain", null]]},
{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
    let d = ds(body);
    let t = &d.tables[0];
    let c = t.rows[0].cell(0).unwrap();
    assert_eq!(c.raw(), r#""a\"b\u00e9""#);
    assert_eq!(c.text(), "a\"bé");
    assert_eq!(t.rows[0].cell(1).unwrap().raw(), r#"{"k": [1, 2]}"#);
    assert_eq!(t.rows[1].cell(0).unwrap().text(), "plain");
    assert_eq!(t.rows[1].cell(1).unwrap().kind(), CellKind::Null);
    assert_eq!(format!("{:?}", t.rows[1]), r#"["\"plain\"", "null"]"#);
    let values: Vec<_> = t.row(1).unwrap().values().collect();
    assert_eq!(values, [Ok(Value::String("plain")), Ok(Value::Null)]);
}

#[test]
fn primary_tables_follow_the_one_rule() {
    // V2: TableKind PrimaryResult only (not a V1 kind sent as a V2 one, not
    // a fragment's table without a TableHeader); a re-sent id is a new
    // table, the last one with its id.
    let v2 = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"A","Columns":[{"ColumnName":"x","ColumnType":"long"}],"Rows":[[1]]},
{"FrameType":"DataTable","TableId":2,"TableKind":"QueryResult","TableName":"B","Columns":[{"ColumnName":"x","ColumnType":"long"}],"Rows":[[2]]},
{"FrameType":"DataTable","TableId":1,"TableKind":"QueryProperties","TableName":"C","Columns":[{"ColumnName":"x","ColumnType":"long"}],"Rows":[[3]]},
{"FrameType":"TableFragment","TableId":5,"TableFragmentType":"DataAppend","Rows":[[4]]},
{"FrameType":"TableCompletion","TableId":1,"RowCount":1},
{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
    let d = ds(v2);
    let primary: Vec<_> = d.tables.iter().map(|t| t.is_primary()).collect();
    assert_eq!(primary, [true, false, false, false]);
    assert_eq!(d.tables[3].id, Some(5));
    // V1 without a TableOfContents (a command's response): the first table.
    let v1 = br#"{"Tables":[
{"TableName":"Table_0","Columns":[{"ColumnName":"x","DataType":"Int64"}],"Rows":[[1]]},
{"TableName":"Table_1","Columns":[{"ColumnName":"y","DataType":"Int64"}],"Rows":[[2]]}]}"#;
    let d = ds(v1);
    let primary: Vec<_> = d.tables.iter().map(|t| t.is_primary()).collect();
    assert_eq!(primary, [true, false]);
    // With one, the tables it gives kind QueryResult (its Kind, not its
    // Name, and not the first table by position).
    let toc = br#"{"Tables":[
{"TableName":"Table_0","Columns":[{"ColumnName":"x","DataType":"Int64"}],"Rows":[[1]]},
{"TableName":"Table_1","Columns":[{"ColumnName":"y","DataType":"Int64"}],"Rows":[[2]]},
{"TableName":"Table_2","Columns":[{"ColumnName":"z","DataType":"Int64"}],"Rows":[[3]]},
{"TableName":"Table_3","Columns":[{"ColumnName":"Ordinal","DataType":"Int64"},{"ColumnName":"Kind","DataType":"String"},{"ColumnName":"Name","DataType":"String"}],
 "Rows":[[0,"QueryProperties","@ExtendedProperties"],[1,"QueryResult","PrimaryResult"],[2,"PrimaryResult","QueryResult"]]}]}"#;
    let d = ds(toc);
    let primary: Vec<_> = d.tables.iter().map(|t| t.is_primary()).collect();
    assert_eq!(primary, [false, true, false, false]);
}
