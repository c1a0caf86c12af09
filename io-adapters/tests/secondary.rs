//! The typed secondary tables: the same from the streaming primary reader
//! as from a collected dataset, on every input (local and peer corpus);
//! the fields of real service output; the row limit.

mod common;

use kusto_frames::Format;
use kusto_frames_io::collect::collect_slice;
use kusto_frames_io::primary::{PrimaryReader, RowsError};
use kusto_frames_io::secondary::Secondary;
use kusto_frames_io::EventReader;

use common::{all_inputs, peer_corpus_dir};

fn streamed(body: &[u8]) -> Secondary {
    let mut p = PrimaryReader::new(EventReader::from_read_with_capacity(7, body));
    while p.next_row::<serde::de::IgnoredAny>().is_some() {}
    p.secondary().clone()
}

#[test]
fn streamed_and_collected_secondary_tables_agree() {
    let (mut compared, mut with_tables) = (0, 0);
    for (name, body) in all_inputs() {
        let Ok(ds) = collect_slice(&body) else {
            continue;
        };
        if ds.format != Some(Format::V2) {
            continue;
        }
        let a = Secondary::from_dataset(&ds).unwrap();
        let b = streamed(&body);
        assert_eq!(a.properties(), b.properties(), "{name}");
        assert_eq!(a.completion(), b.completion(), "{name}");
        compared += 1;
        if !a.completion().is_empty() {
            with_tables += 1;
            // Every completion row has its level typed.
            assert!(a.completion().iter().all(|e| e.level.is_some()), "{name}");
        }
    }
    eprintln!("{compared} V2 bodies compared, {with_tables} with QueryCompletionInformation");
    assert!(compared > 10);
}

#[test]
fn real_service_output_is_typed() {
    let path = peer_corpus_dir().join("go/v2/validFrames.json");
    let Ok(body) = std::fs::read(&path) else {
        eprintln!("skipped: {} absent (peer corpus)", path.display());
        return;
    };
    let s = Secondary::from_dataset(&collect_slice(&body).unwrap()).unwrap();
    let v = s.visualization().expect("a Visualization record");
    assert_eq!(v.table_id, Some(1));
    assert_eq!(v.visualization, None); // sent as null
    assert!(v.raw.contains("\"IsQuerySorted\":false"));
    assert_eq!(s.status(), Some((0, "S_OK (0)")));
    let first = &s.completion()[0];
    assert_eq!(first.level_name.as_deref(), Some("Info"));
    assert_eq!(first.event_type_name.as_deref(), Some("QueryInfo"));
    assert_eq!(
        first.activity_id.map(|g| g.to_string()).as_deref(),
        Some("123e27de-1e4e-49d9-b579-fe0b331d3642")
    );
    assert_eq!(
        first.timestamp.map(|d| d.to_string()).as_deref(),
        Some("2023-11-26T13:34:17.0731478Z")
    );
    let path = peer_corpus_dir().join("python/deft.json");
    let body = std::fs::read(&path).unwrap();
    let s = streamed(&body);
    let usage = s.resource_usage().expect("QueryResourceConsumption");
    assert!(
        usage.starts_with("{\"ExecutionTime\":0.0156154,\"resource_usage\""),
        "{usage}"
    );
}

#[test]
fn more_secondary_rows_than_the_limit_is_an_error() {
    let mut rows = String::new();
    for i in 0..20_001 {
        if i > 0 {
            rows.push(',');
        }
        rows += &format!(r#"[1,"K{i}","{{}}"]"#);
    }
    let body = format!(
        r#"[{{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"}},
{{"FrameType":"DataTable","TableId":0,"TableKind":"QueryProperties","TableName":"@ExtendedProperties","Columns":[{{"ColumnName":"TableId","ColumnType":"int"}},{{"ColumnName":"Key","ColumnType":"string"}},{{"ColumnName":"Value","ColumnType":"dynamic"}}],"Rows":[{rows}]}},
{{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}}]"#
    );
    let mut p = PrimaryReader::new(EventReader::from_read(body.as_bytes()));
    match p.next_row::<(i64,)>() {
        Some(Err(RowsError::Limit {
            what,
            limit,
            offset,
        })) => {
            assert_eq!((what, limit), ("secondary table rows", 10_000));
            // Stopped at the row past the limit.
            let at = body.find(r#"[1,"K10000""#).unwrap() as u64;
            assert!(offset > at && offset < at + 64, "{offset} vs {at}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(p.secondary().properties().len(), 10_000);
    let ds = collect_slice(body.as_bytes()).unwrap();
    assert!(Secondary::from_dataset(&ds).is_err());
    assert_eq!(
        Secondary::from_dataset_with_max_rows(&ds, 20_001)
            .unwrap()
            .properties()
            .len(),
        20_001
    );
}
