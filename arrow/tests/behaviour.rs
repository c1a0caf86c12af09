//! The documented decisions, one by one, on small hand-written bodies.

mod common;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal256Type, DurationMicrosecondType, DurationNanosecondType, Int64Type,
    TimestampMicrosecondType, TimestampNanosecondType,
};
use arrow_array::Array;
use arrow_buffer::i256;
use kusto_frames_arrow::{
    BatchReader, DatetimeUnit, DecimalMode, Error, Options, TableBatchReader, TableSelector,
};
use kusto_frames_io::EventReader;

fn body(columns: &str, rows: &str) -> Vec<u8> {
    format!(
        r#"[{{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"}},
{{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"T","Columns":[{columns}],"Rows":[{rows}]}},
{{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}}]"#
    )
    .into_bytes()
}

/// The items of a single-table reader: batches, then the error if any.
fn items(body: &[u8], opts: Options) -> (Vec<arrow_array::RecordBatch>, Option<Error>) {
    let mut r = BatchReader::new(EventReader::from_read_with_capacity(5, body), opts).unwrap();
    let mut batches = Vec::new();
    let mut end = None;
    while let Some(item) = r.next_batch() {
        match item {
            Ok(b) => batches.push(b),
            Err(e) => {
                assert!(end.is_none());
                end = Some(e);
            }
        }
    }
    (batches, end)
}

fn us() -> Options {
    Options {
        datetime_unit: DatetimeUnit::Microsecond,
        ..Options::default()
    }
}

#[test]
fn microseconds_drop_the_100ns_digit() {
    let b = body(
        r#"{"ColumnName":"d","ColumnType":"datetime"},{"ColumnName":"t","ColumnType":"timespan"}"#,
        r#"["1970-01-01T00:00:00.0000019Z","00:00:00.0000019"],
           ["1969-12-31T23:59:59.9999999Z","-00:00:00.0000019"],
           ["0001-01-01T00:00:00.0000000Z","-10675199.02:48:05.4775808"],
           ["9999-12-31T23:59:59.9999999Z","10675199.02:48:05.4775807"]"#,
    );
    let (batches, end) = items(&b, us());
    assert!(end.is_none(), "{end:?}");
    let d = batches[0]
        .column(0)
        .as_primitive::<TimestampMicrosecondType>();
    let t = batches[0]
        .column(1)
        .as_primitive::<DurationMicrosecondType>();
    // Floor for datetime (toward the past), toward zero for timespan.
    assert_eq!(
        d.values().to_vec(),
        vec![1, -1, -62_135_596_800_000_000, 253_402_300_799_999_999]
    );
    assert_eq!(
        t.values().to_vec(),
        vec![1, -1, i64::MIN / 10, i64::MAX / 10]
    );
}

#[test]
fn nanoseconds_exact_inside_the_range_error_outside() {
    let b = body(
        r#"{"ColumnName":"d","ColumnType":"datetime"},{"ColumnName":"t","ColumnType":"timespan"}"#,
        r#"["2262-04-11T23:47:16.8547758Z","106751.23:47:16.8547758"],
           ["1677-09-21T00:12:43.1452242Z","-106751.23:47:16.8547758"],
           ["2262-04-11T23:47:16.8547759Z","00:00:01"]"#,
    );
    let (batches, end) = items(
        &b,
        Options {
            batch_rows: 1,
            ..Options::default()
        },
    );
    let d: Vec<i64> = batches
        .iter()
        .map(|b| {
            b.column(0)
                .as_primitive::<TimestampNanosecondType>()
                .value(0)
        })
        .collect();
    let t: Vec<i64> = batches
        .iter()
        .map(|b| {
            b.column(1)
                .as_primitive::<DurationNanosecondType>()
                .value(0)
        })
        .collect();
    assert_eq!(
        d,
        vec![9_223_372_036_854_775_800, -9_223_372_036_854_775_800]
    );
    assert_eq!(
        t,
        vec![9_223_372_036_854_775_800, -9_223_372_036_854_775_800]
    );
    let e = end.expect("an error");
    let text = e.to_string();
    match e {
        Error::Value {
            table,
            column,
            column_index,
            row,
            offset,
            ..
        } => {
            assert_eq!(
                (table.as_str(), column.as_str(), column_index, row),
                ("T", "d", 0, 2)
            );
            let at = b.windows(8).position(|w| w == b"[\"2262-0").unwrap();
            let third = b[at + 1..]
                .windows(8)
                .position(|w| w == b"[\"2262-0")
                .unwrap()
                + at
                + 1;
            assert_eq!(offset, third as u64, "the row's [");
        }
        e => panic!("{e:?}"),
    }
    assert!(
        text.contains("nanosecond range") && text.contains("column \"d\""),
        "{text}"
    );
}

#[test]
fn decimals_hold_every_kusto_value_exactly() {
    let b = body(
        r#"{"ColumnName":"m","ColumnType":"decimal"}"#,
        r#"["79228162514264337593543950335"],["-79228162514264337593543950335"],
           ["0.0000000000000000000000000001"],[1.5E+3],["-0"],[null],
           ["9999999999999999999.9999999999999999999"],
           ["-99999999999999999999999999999999999999"],["0.00000000000000000000000000000000000001"]"#,
    );
    let (batches, end) = items(&b, us());
    assert!(end.is_none(), "{end:?}");
    let a = batches[0].column(0).as_primitive::<Decimal256Type>();
    let p = |s: &str| i256::from_string(s).unwrap();
    let e38 = "00000000000000000000000000000000000000";
    assert_eq!(
        a.value(0),
        p(&format!("79228162514264337593543950335{e38}"))
    );
    assert_eq!(
        a.value(1),
        p(&format!("-79228162514264337593543950335{e38}"))
    );
    assert_eq!(a.value(2), p("10000000000"));
    assert_eq!(a.value(3), p(&format!("1500{e38}")));
    assert_eq!(a.value(4), i256::ZERO);
    assert!(a.is_null(5));
    assert_eq!(
        a.value(6),
        p(&format!("{}{}", "9".repeat(38), "0".repeat(19)))
    );
    assert_eq!(a.value(7), p(&format!("-{}{e38}", "9".repeat(38))));
    assert_eq!(a.value(8), i256::ONE);
    // NaN, infinities, a 39th fraction digit, a 39th integer digit, a
    // 39th significant digit.
    for bad in [
        r#"["NaN"]"#,
        r#"["1e-39"]"#,
        r#"["1e38"]"#,
        r#"["Infinity"]"#,
        r#"["0.123456789012345678901234567890123456789"]"#,
        r#"["1234567890123456789012345678901234567890"]"#,
    ] {
        let b = body(
            r#"{"ColumnName":"m","ColumnType":"decimal"}"#,
            &format!("[1],{bad}"),
        );
        let (batches, end) = items(&b, us());
        assert_eq!(
            batches.iter().map(|b| b.num_rows()).sum::<usize>(),
            1,
            "{bad}"
        );
        assert!(
            matches!(end, Some(Error::Value { row: 1, .. })),
            "{bad}: {end:?}"
        );
        // As text, exactly as sent.
        let (batches, end) = items(
            &b,
            Options {
                decimal: DecimalMode::Utf8,
                ..us()
            },
        );
        assert!(end.is_none());
        let want = bad.trim_start_matches("[\"").trim_end_matches("\"]");
        assert_eq!(batches[0].column(0).as_string::<i32>().value(1), want);
    }
}

#[test]
fn a_cell_of_another_type_is_an_error_after_the_rows_before_it() {
    let b = body(
        r#"{"ColumnName":"s","ColumnType":"string"},{"ColumnName":"n","ColumnType":"long"}"#,
        r#"["a",1],["b",2],["c",3],["d","text"],["e",5]"#,
    );
    let (batches, end) = items(
        &b,
        Options {
            batch_rows: 2,
            ..Options::default()
        },
    );
    let n: Vec<i64> = batches
        .iter()
        .flat_map(|b| b.column(1).as_primitive::<Int64Type>().values().to_vec())
        .collect();
    assert_eq!(n, vec![1, 2, 3], "every row before the bad one, none after");
    let s = batches[1].column(0).as_string::<i32>();
    assert_eq!((s.len(), s.value(0)), (1, "c"));
    match end {
        Some(Error::Value {
            column_index: 1,
            row: 3,
            offset,
            ..
        }) => {
            let at = b.windows(6).position(|w| w == b"\"text\"").unwrap();
            assert_eq!(offset, at as u64, "the cell's offset");
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn a_short_row_is_an_error() {
    let b = body(
        r#"{"ColumnName":"a","ColumnType":"long"},{"ColumnName":"b","ColumnType":"long"}"#,
        r#"[1,2],[3]"#,
    );
    let (batches, end) = items(&b, Options::default());
    assert_eq!(batches[0].num_rows(), 1);
    assert!(
        matches!(
            end,
            Some(Error::Shape {
                cells: 1,
                columns: 2,
                row: 1,
                ..
            })
        ),
        "{end:?}"
    );
}

const PROGRESSIVE: &str = r#"[{"FrameType":"DataSetHeader","IsProgressive":PROG,"Version":"v2.0"},
{"FrameType":"TableHeader","TableId":1,"TableKind":"PrimaryResult","TableName":"T","Columns":[{"ColumnName":"x","ColumnType":"long"}]},
{"FrameType":"TableFragment","TableFragmentType":"DataAppend","TableId":1,"Rows":[[1],[2],[3]]},
{"FrameType":"TableFragment","TableFragmentType":"DataReplace","TableId":1,"Rows":[[10],[20]]},
{"FrameType":"TableFragment","TableFragmentType":"DataAppend","TableId":1,"Rows":[[30]]},
{"FrameType":"TableCompletion","TableId":1,"RowCount":3},
{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;

#[test]
fn data_replace_replaces_the_rows_of_a_progressive_table() {
    let b = PROGRESSIVE.replace("PROG", "true").into_bytes();
    for batch_rows in [1, 2, 8192] {
        let (batches, end) = items(
            &b,
            Options {
                batch_rows,
                ..Options::default()
            },
        );
        assert!(end.is_none());
        let x: Vec<i64> = batches
            .iter()
            .flat_map(|b| b.column(0).as_primitive::<Int64Type>().values().to_vec())
            .collect();
        assert_eq!(x, vec![10, 20, 30]);
    }
    // Not announced as progressive: the batches of the first fragment may be
    // out already, so the DataReplace is an error, not a silent duplicate.
    let b = PROGRESSIVE.replace("PROG", "false").into_bytes();
    let (batches, end) = items(
        &b,
        Options {
            batch_rows: 2,
            ..Options::default()
        },
    );
    assert_eq!(batches.len(), 2, "[1,2] and [3]... then the error");
    assert!(
        matches!(&end, Some(Error::Protocol { message, offset: Some(_) }) if message.contains("DataReplace")),
        "{end:?}"
    );
    // Before any batch came out, a DataReplace just replaces.
    let (_, end) = items(&b, Options::default());
    assert!(end.is_none(), "{end:?}");
}

#[test]
fn progressive_tables_wait_for_their_completion() {
    let b = PROGRESSIVE.replace("PROG", "true").into_bytes();
    let mut r = TableBatchReader::new(
        EventReader::from_read_with_capacity(3, &b[..]),
        Options {
            batch_rows: 1,
            ..Options::default()
        },
    );
    let first = r.next_batch().unwrap().unwrap();
    assert_eq!(first.batch.num_rows(), 1);
    // The first batch came out only once the TableCompletion was read.
    let at = b.windows(15).position(|w| w == b"TableCompletion").unwrap() as u64;
    assert!(r.events().decoder().offset() > at);
}

#[test]
fn limits_are_errors_with_offsets() {
    let b = PROGRESSIVE.replace("PROG", "true").into_bytes();
    let (_, end) = items(
        &b,
        Options {
            batch_rows: 1,
            max_held_bytes: 100,
            ..Options::default()
        },
    );
    assert!(
        matches!(end, Some(Error::Limit { what, offset: Some(_), .. }) if what.starts_with("max_held_bytes")),
        "{end:?}"
    );
    let mut many =
        String::from(r#"[{"FrameType":"DataSetHeader","IsProgressive":true,"Version":"v2.0"}"#);
    for id in 0..5 {
        many.push_str(&format!(
            r#",{{"FrameType":"TableHeader","TableId":{id},"TableKind":"PrimaryResult","TableName":"T{id}","Columns":[]}}"#
        ));
    }
    many.push_str(r#",{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#);
    let mut r = TableBatchReader::new(
        EventReader::from_read(many.as_bytes()),
        Options {
            max_open_tables: 3,
            tables: TableSelector::All,
            ..Options::default()
        },
    );
    let items: Vec<_> = r.by_ref().collect();
    // The three open tables come out (empty), then the limit error.
    assert_eq!(items.len(), 4);
    assert!(
        matches!(
            items.last(),
            Some(Err(Error::Limit {
                what: "max_open_tables",
                limit: 3,
                offset: Some(_)
            }))
        ),
        "{:?}",
        items.last()
    );
}

#[test]
fn partial_failure_is_the_last_item_and_reaches_the_record_batch_reader() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../corpus/v2-row-error-middle.json"
    );
    let b = std::fs::read(path).unwrap();
    let r = BatchReader::new(EventReader::from_read(&b[..]), Options::default()).unwrap();
    let items: Vec<_> = r.collect();
    let (last, batches) = items.split_last().unwrap();
    assert!(!batches.is_empty() && batches.iter().all(|b| b.is_ok()));
    let Err(arrow_schema::ArrowError::ExternalError(e)) = last else {
        panic!("{last:?}");
    };
    let ours = e.downcast_ref::<Error>().expect("our error inside");
    let p = ours.partial_failure().expect("a partial failure");
    assert!(!p.errors.is_empty());
}

#[test]
fn guid_and_dynamic_carry_the_canonical_extension_types() {
    let b = body(
        r#"{"ColumnName":"g","ColumnType":"guid"},{"ColumnName":"j","ColumnType":"dynamic"}"#,
        r#"["0123456789ABCDEF0123456789abcdef",{"a":[1,2]}],["01234567-89ab-cdef-0123-456789abcdef","x"]"#,
    );
    let (batches, end) = items(&b, Options::default());
    // The first row's guid has no dashes: not a guid.
    assert!(
        matches!(
            end,
            Some(Error::Value {
                column_index: 0,
                row: 0,
                ..
            })
        ),
        "{end:?}"
    );
    // The table came out empty before the error.
    assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 0);
    let b = body(
        r#"{"ColumnName":"g","ColumnType":"guid"},{"ColumnName":"j","ColumnType":"dynamic"}"#,
        r#"["01234567-89AB-cdef-0123-456789abcdef",{"a":[1, 2]}],[null,"x"],["00000000-0000-0000-0000-000000000000",null]"#,
    );
    let (batches, end) = items(&b, Options::default());
    assert!(end.is_none());
    let s = batches[0].schema();
    assert_eq!(s.field(0).extension_type_name(), Some("arrow.uuid"));
    assert_eq!(s.field(1).extension_type_name(), Some("arrow.json"));
    assert_eq!(s.field(0).metadata()["kusto.type"], "guid");
    let g = batches[0].column(0).as_fixed_size_binary();
    assert_eq!(
        g.value(0),
        [
            0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
            0xcd, 0xef
        ]
    );
    assert!(g.is_null(1));
    let j = batches[0].column(1).as_string::<i32>();
    assert_eq!((j.value(0), j.value(1)), (r#"{"a":[1, 2]}"#, r#""x""#));
    assert!(j.is_null(2));
}

#[test]
fn rows_of_a_table_that_cannot_open_are_errors_not_skipped() {
    // A fragment of a table that had no TableHeader.
    let b = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
{"FrameType":"TableFragment","TableFragmentType":"DataAppend","TableId":4,"Rows":[[1]]},
{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
    let items: Vec<_> = TableBatchReader::new(
        EventReader::from_read(&b[..]),
        Options {
            tables: TableSelector::All,
            ..Options::default()
        },
    )
    .collect();
    assert!(
        matches!(items.as_slice(), [Err(Error::Protocol { message, .. })] if message.contains("table 4")),
        "{items:?}"
    );
    // A DataTable while max_open_tables progressive tables are open.
    let b = br#"[{"FrameType":"DataSetHeader","IsProgressive":true,"Version":"v2.0"},
{"FrameType":"TableHeader","TableId":1,"TableKind":"PrimaryResult","TableName":"P","Columns":[{"ColumnName":"x","ColumnType":"int"}]},
{"FrameType":"DataTable","TableId":2,"TableKind":"PrimaryResult","TableName":"D","Columns":[{"ColumnName":"x","ColumnType":"int"}],"Rows":[[5]]},
{"FrameType":"TableCompletion","TableId":1,"RowCount":0},
{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
    let items: Vec<_> = TableBatchReader::new(
        EventReader::from_read(&b[..]),
        Options {
            tables: TableSelector::All,
            max_open_tables: 1,
            ..Options::default()
        },
    )
    .collect();
    assert!(
        matches!(
            items.last(),
            Some(Err(Error::Limit {
                what: "max_open_tables",
                ..
            }))
        ),
        "{items:?}"
    );
}
