//! Shared by the tests: running the readers, and comparing Arrow cells with
//! the reference (kusto-frames-io's `collect_slice` tables and
//! `TableRow::value`, i.e. `kusto_frames::value::convert`).

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal256Type, DurationMicrosecondType, DurationNanosecondType, Float64Type, Int32Type,
    Int64Type, TimestampMicrosecondType, TimestampNanosecondType,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_buffer::i256;
use arrow_schema::{DataType, TimeUnit};
use kusto_frames::value::{DateTime, Value, ValueError};
use kusto_frames_arrow::{Error, Options, TableBatchReader, TableMeta, TableSelector};
use kusto_frames_io::collect::{Dataset, Table};
use kusto_frames_io::EventReader;

/// One cell, as the Arrow array holds it or as the reference says it must.
#[derive(Debug, Clone, PartialEq)]
pub enum Exp {
    Null,
    Bool(bool),
    Int(i64),
    /// f64 bits (NaN compared by bits: "NaN" parses to the one NaN).
    Real(u64),
    Str(String),
    Bytes(Vec<u8>),
    Dec(i256),
    /// The mapping cannot hold the reference value: an error is due.
    Unfit(String),
}

/// The epoch in ticks, from the core's own parser (not the crate's constant).
fn epoch_ticks() -> i64 {
    DateTime::parse("1970-01-01T00:00:00Z").unwrap().ticks()
}

/// What the Arrow cell of type `dt` must be for the reference value `v`.
pub fn expected(v: Result<Value<'_>, ValueError>, dt: &DataType) -> Exp {
    let v = match v {
        Ok(v) => v,
        Err(e) => return Exp::Unfit(e.to_string()),
    };
    match (v, dt) {
        (Value::Null, _) => Exp::Null,
        (Value::Bool(b), DataType::Boolean) => Exp::Bool(b),
        (Value::Int(i), DataType::Int32) => Exp::Int(i.into()),
        (Value::Long(i), DataType::Int64) => Exp::Int(i),
        (Value::Real(f), DataType::Float64) => Exp::Real(f.to_bits()),
        (Value::String(s), DataType::Utf8) => Exp::Str(s.to_string()),
        (Value::Dynamic(d), DataType::Utf8) => Exp::Str(d.raw().to_string()),
        (Value::Other(c), DataType::Utf8) => Exp::Str(c.raw().to_string()),
        (Value::Decimal(d), DataType::Utf8) => Exp::Str(d.text().to_string()),
        (Value::Decimal(d), DataType::Decimal256(76, 38)) => match d.to_scaled() {
            Some((m, s)) if s <= 38 => {
                let v = i256::from_i128(m)
                    .checked_mul(i256::from_i128(10).checked_pow(38 - s).unwrap());
                let max = i256::from_i128(10).checked_pow(76).unwrap();
                match v {
                    Some(v) if v < max && v > max.wrapping_neg() => Exp::Dec(v),
                    _ => Exp::Unfit("decimal beyond Decimal256(76, 38)".into()),
                }
            }
            _ => Exp::Unfit(format!("decimal {} not exact at scale 38", d.text())),
        },
        (Value::DateTime(d), DataType::Timestamp(unit, Some(tz))) if &**tz == "UTC" => {
            let unix = i128::from(d.ticks() - epoch_ticks());
            time(unit, unix, true)
        }
        (Value::TimeSpan(t), DataType::Duration(unit)) => time(unit, i128::from(t.ticks()), false),
        (Value::Guid(g), DataType::FixedSizeBinary(16)) => Exp::Bytes(g.as_bytes().to_vec()),
        (v, dt) => panic!("reference value {v:?} for an Arrow column of type {dt}"),
    }
}

fn time(unit: &TimeUnit, ticks: i128, floor: bool) -> Exp {
    let v = match unit {
        TimeUnit::Nanosecond => ticks * 100,
        TimeUnit::Microsecond if floor => ticks.div_euclid(10),
        TimeUnit::Microsecond => ticks / 10,
        u => panic!("unit {u:?}"),
    };
    match i64::try_from(v) {
        Ok(v) => Exp::Int(v),
        Err(_) => Exp::Unfit("beyond i64".into()),
    }
}

/// Cell `i` of `a`.
pub fn actual(a: &ArrayRef, i: usize) -> Exp {
    if a.is_null(i) {
        return Exp::Null;
    }
    match a.data_type() {
        DataType::Boolean => Exp::Bool(a.as_boolean().value(i)),
        DataType::Int32 => Exp::Int(a.as_primitive::<Int32Type>().value(i).into()),
        DataType::Int64 => Exp::Int(a.as_primitive::<Int64Type>().value(i)),
        DataType::Float64 => Exp::Real(a.as_primitive::<Float64Type>().value(i).to_bits()),
        DataType::Utf8 => Exp::Str(a.as_string::<i32>().value(i).to_string()),
        DataType::FixedSizeBinary(16) => Exp::Bytes(a.as_fixed_size_binary().value(i).to_vec()),
        DataType::Decimal256(_, _) => Exp::Dec(a.as_primitive::<Decimal256Type>().value(i)),
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            Exp::Int(a.as_primitive::<TimestampNanosecondType>().value(i))
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            Exp::Int(a.as_primitive::<TimestampMicrosecondType>().value(i))
        }
        DataType::Duration(TimeUnit::Nanosecond) => {
            Exp::Int(a.as_primitive::<DurationNanosecondType>().value(i))
        }
        DataType::Duration(TimeUnit::Microsecond) => {
            Exp::Int(a.as_primitive::<DurationMicrosecondType>().value(i))
        }
        dt => panic!("unexpected Arrow type {dt}"),
    }
}

/// The batches of one table, and how the run ended.
#[derive(Debug)]
pub struct Run {
    pub tables: Vec<(Arc<TableMeta>, Vec<RecordBatch>)>,
    pub end: Option<Error>,
    pub items_after_end: usize,
}

/// Runs a [`TableBatchReader`] over `body` read `chunk` bytes at a time.
pub fn run(body: &[u8], opts: &Options, chunk: usize) -> Run {
    let mut r = TableBatchReader::new(
        EventReader::from_read_with_capacity(chunk, body),
        opts.clone(),
    );
    let mut tables: Vec<(Arc<TableMeta>, Vec<RecordBatch>)> = Vec::new();
    let mut end = None;
    for item in r.by_ref() {
        match item {
            Ok(tb) => {
                assert!(end.is_none(), "a batch after the error");
                assert_eq!(tb.batch.schema(), tb.table.schema, "batch schema");
                assert!(tb.batch.num_rows() <= opts.batch_rows.max(1));
                match tables.last_mut() {
                    Some((m, v)) if Arc::ptr_eq(m, &tb.table) => v.push(tb.batch),
                    _ => {
                        assert!(
                            !tables.iter().any(|(m, _)| Arc::ptr_eq(m, &tb.table)),
                            "a table's batches are not contiguous"
                        );
                        tables.push((tb.table, vec![tb.batch]))
                    }
                }
            }
            Err(e) => {
                assert!(end.is_none(), "two errors");
                end = Some(e);
            }
        }
    }
    let items_after_end = r.count();
    Run {
        tables,
        end,
        items_after_end,
    }
}

/// Tables of `ds` the selector picks, as the crate documents it.
pub fn selected<'d>(ds: &'d Dataset, sel: &TableSelector, v1: bool) -> Vec<&'d Table> {
    let primary = |t: &Table| {
        if v1 {
            t.id == Some(0)
        } else {
            t.kind.as_deref() == Some("PrimaryResult")
        }
    };
    let all: Vec<&Table> = ds
        .tables
        .iter()
        .filter(|t| match sel {
            TableSelector::All => true,
            TableSelector::Primary | TableSelector::FirstPrimary => primary(t),
            TableSelector::Id(id) => t.id == Some(*id),
            TableSelector::Name(n) => t.name.as_deref() == Some(n.as_str()),
        })
        .collect();
    if sel.is_single() {
        all.into_iter().take(1).collect()
    } else {
        all
    }
}

/// Compares the batches of one table with the reference table, cell by
/// cell. Returns the number of rows that matched; when `fail` is given (the
/// run's error named this table), checks that the row after the last batch
/// row holds a cell the mapping cannot hold, at that column.
pub fn compare(
    meta: &TableMeta,
    batches: &[RecordBatch],
    t: &Table,
    fail: Option<&Error>,
    v1: bool,
) -> Result<usize, String> {
    // V1 tables: `collect` names them from the TableOfContents.
    if meta.id != t.id || (!v1 && meta.name != t.name) {
        return Err(format!(
            "table {:?}/{:?} vs reference {:?}/{:?}",
            meta.id, meta.name, t.id, t.name
        ));
    }
    let schema = &meta.schema;
    if schema.fields().len() != t.columns.len() {
        return Err("column count".into());
    }
    for (f, c) in schema.fields().iter().zip(&t.columns) {
        if f.name() != c.name() {
            return Err(format!("column name {} vs {}", f.name(), c.name()));
        }
    }
    let mut n = 0usize;
    for b in batches {
        for i in 0..b.num_rows() {
            let Some(row) = t.row(n) else {
                return Err(format!("more rows than the reference ({})", t.rows.len()));
            };
            for (c, f) in schema.fields().iter().enumerate() {
                let want = expected(row.value(c).unwrap(), f.data_type());
                let got = actual(b.column(c), i);
                if want != got {
                    return Err(format!(
                        "table {} row {n} column {c}: {got:?}, reference {want:?}",
                        meta.label()
                    ));
                }
            }
            n += 1;
        }
    }
    match fail {
        None => {
            if n != t.rows.len() {
                return Err(format!("{n} rows, reference {}", t.rows.len()));
            }
            // With no error, no cell may be unfit.
        }
        Some(Error::Value {
            column_index,
            offset,
            ..
        }) => {
            let row = t.row(n).ok_or("error after the last reference row")?;
            let f = &schema.fields()[*column_index];
            let want = expected(row.value(*column_index).unwrap(), f.data_type());
            if !matches!(want, Exp::Unfit(_)) {
                return Err(format!(
                    "error at row {n} column {column_index}, reference {want:?}"
                ));
            }
            let row_offset = row.raw().offset();
            let next = t.row(n + 1).map_or(u64::MAX, |r| r.raw().offset());
            if *offset < row_offset || *offset >= next {
                return Err(format!(
                    "error offset {offset} outside the row at {row_offset}"
                ));
            }
            for c in 0..*column_index {
                let want = expected(row.value(c).unwrap(), schema.fields()[c].data_type());
                if matches!(want, Exp::Unfit(_)) {
                    return Err(format!("an earlier column {c} of the failing row is unfit"));
                }
            }
        }
        Some(Error::Shape { offset, cells, .. }) => {
            let row = t.row(n).ok_or("error after the last reference row")?;
            if row.raw().offset() != *offset || row.len() != *cells || row.len() == t.columns.len()
            {
                return Err(format!(
                    "shape error at {offset} does not match the reference row"
                ));
            }
        }
        Some(Error::Protocol { .. }) if n <= t.rows.len() => {}
        Some(e) => return Err(format!("unexpected error {e}")),
    }
    Ok(n)
}

/// The run's [`Error::Value`] names a cell the mapping cannot hold: found by
/// its offset among the body's rows, converted with the column's type.
pub fn check_error_cell(body: &[u8], meta: &TableMeta, e: &Error) -> Result<(), String> {
    if let Error::Shape {
        offset,
        cells,
        columns,
        ..
    } = e
    {
        let (events, _) = kusto_frames::decode_chunks([body]);
        let found = events.iter().any(|ev| {
            matches!(ev, kusto_frames::OwnedEvent::Row(r)
                if r.offset == *offset && r.cells.len() == *cells && cells != columns)
        });
        return if found {
            Ok(())
        } else {
            Err(format!("no row as {e}"))
        };
    }
    if let Error::Protocol { .. } = e {
        return Ok(());
    }
    let Error::Value {
        column_index,
        offset,
        ..
    } = e
    else {
        return Err(format!("not a value error: {e}"));
    };
    let (events, _) = kusto_frames::decode_chunks([body]);
    let row = events
        .iter()
        .filter_map(|ev| match ev {
            kusto_frames::OwnedEvent::Row(r) if r.offset <= *offset => Some(r),
            _ => None,
        })
        .next_back()
        .ok_or("no row before the error offset")?;
    let field = meta.schema.field(*column_index);
    let ty = kusto_frames::value::ScalarType::from_name(
        field
            .metadata()
            .get(kusto_frames_arrow::KUSTO_TYPE_KEY)
            .map_or("", String::as_str),
    );
    let c = &row.cells[*column_index];
    let cell = kusto_frames::Cell::new(c.kind, &c.raw, &c.text);
    match expected(kusto_frames::value::convert(ty, cell), field.data_type()) {
        Exp::Unfit(_) => Ok(()),
        other => Err(format!("error {e} names a cell that fits: {other:?}")),
    }
}
