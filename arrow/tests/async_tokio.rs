//! The tokio reader gives the same items as the std one, for every corpus
//! file and a generated progressive response.
#![cfg(feature = "tokio")]

use std::path::Path;

use kusto_frames_arrow::tokio::AsyncTableBatchReader;
use kusto_frames_arrow::{DatetimeUnit, Options, TableBatchReader, TableSelector};
use kusto_frames_gen::{generate_vec, GenConfig, Profile, Shape};
use kusto_frames_io::tokio::EventStream;
use kusto_frames_io::EventReader;

/// An item, comparable: a batch's table, schema and columns (as text), or
/// an error's message.
#[derive(Debug, PartialEq)]
enum Item {
    Batch(Option<i64>, Option<String>, arrow_schema::SchemaRef, String),
    Error(String),
}

fn item(tb: &kusto_frames_arrow::TableBatch) -> Item {
    Item::Batch(
        tb.table.id,
        tb.table.name.clone(),
        tb.batch.schema(),
        format!("{:?}", tb.batch.columns()),
    )
}

fn sync_items(body: &[u8], opts: &Options, chunk: usize) -> Vec<Item> {
    TableBatchReader::new(
        EventReader::from_read_with_capacity(chunk, body),
        opts.clone(),
    )
    .map(|i| match i {
        Ok(tb) => item(&tb),
        Err(e) => Item::Error(e.to_string()),
    })
    .collect()
}

async fn async_items(body: &[u8], opts: &Options, chunk: usize) -> Vec<Item> {
    let mut r = AsyncTableBatchReader::new(
        EventStream::from_read_with_capacity(chunk, body),
        opts.clone(),
    );
    let mut v = Vec::new();
    while let Some(i) = r.next_batch().await {
        v.push(match i {
            Ok(tb) => item(&tb),
            Err(e) => Item::Error(e.to_string()),
        });
    }
    v
}

#[tokio::test]
async fn same_items_as_the_std_reader() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let mut bodies: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    let shape = Shape::Progressive {
        rows_per_fragment: 9,
    };
    bodies.push((
        "gen".into(),
        generate_vec(&GenConfig::new(7, Profile::Mixed, shape, 200_000)).0,
    ));
    let mut batches = 0;
    for (name, body) in &bodies {
        for unit in [DatetimeUnit::Nanosecond, DatetimeUnit::Microsecond] {
            let opts = Options {
                batch_rows: 50,
                datetime_unit: unit,
                tables: TableSelector::All,
                ..Options::default()
            };
            for chunk in [3, 64 * 1024] {
                let a = sync_items(body, &opts, chunk);
                let b = async_items(body, &opts, chunk).await;
                assert_eq!(a, b, "{name} chunk {chunk}");
                batches += a.len();
            }
        }
    }
    assert!(batches > 100);
}
