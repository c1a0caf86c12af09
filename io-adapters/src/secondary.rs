//! The secondary tables the service sends with the results, typed:
//! `QueryProperties` (`@ExtendedProperties`: visualization, cursor, ...)
//! and `QueryCompletionInformation` (status, resource usage).
//!
//! [`Secondary`] keeps the rows of those two tables as they stream by
//! (feed it every event, or build it from a collected
//! [`Dataset`]); the primary readers keep one too
//! ([`crate::primary::PrimaryReader::secondary`]). The values are kept as
//! sent (JSON text for `dynamic` values and payloads), with typed access to
//! the common fields.
//!
//! ```
//! use kusto_frames_io::collect::collect_slice;
//! use kusto_frames_io::secondary::Secondary;
//!
//! let body = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
//! {"FrameType":"DataTable","TableId":0,"TableKind":"QueryProperties","TableName":"@ExtendedProperties",
//!  "Columns":[{"ColumnName":"TableId","ColumnType":"int"},{"ColumnName":"Key","ColumnType":"string"},{"ColumnName":"Value","ColumnType":"dynamic"}],
//!  "Rows":[[1,"Visualization","{\"Visualization\":\"piechart\",\"Title\":\"Storms\"}"],[1,"Cursor","{\"Cursor\":\"637239957206013576\"}"]]},
//! {"FrameType":"DataTable","TableId":2,"TableKind":"QueryCompletionInformation","TableName":"QueryCompletionInformation",
//!  "Columns":[{"ColumnName":"Level","ColumnType":"int"},{"ColumnName":"StatusCode","ColumnType":"int"},{"ColumnName":"StatusCodeName","ColumnType":"string"},
//!             {"ColumnName":"EventTypeName","ColumnType":"string"},{"ColumnName":"Payload","ColumnType":"string"}],
//!  "Rows":[[4,0,"S_OK (0)","QueryInfo","{\"Count\":1,\"Text\":\"Query completed successfully\"}"],
//!          [6,0,"S_OK (0)","QueryResourceConsumption","{\"ExecutionTime\":0.01}"]]},
//! {"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
//! let s = Secondary::from_dataset(&collect_slice(body).unwrap())?;
//! let v = s.visualization().unwrap();
//! assert_eq!((v.visualization.as_deref(), v.title.as_deref()), (Some("piechart"), Some("Storms")));
//! assert_eq!(s.cursor(), Some("637239957206013576"));
//! assert_eq!(s.status(), Some((0, "S_OK (0)")));
//! assert_eq!(s.resource_usage(), Some(r#"{"ExecutionTime":0.01}"#));
//! # Ok::<(), kusto_frames_io::primary::LimitError>(())
//! ```

use kusto_frames::value::{DateTime, Guid, Value};
use kusto_frames::{Column, Event, Format, TableKind};

use crate::collect::Dataset;
use crate::primary::LimitError;

/// The most rows of secondary tables a [`Secondary`] keeps by default (see
/// [`Secondary::with_max_rows`]).
pub const DEFAULT_MAX_SECONDARY_ROWS: usize = 10_000;

/// One row of `QueryProperties`, as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PropertyRecord {
    /// `TableId`: the table of the results the record is about (V2).
    pub table_id: Option<i64>,
    /// `Key` (`Visualization`, `Cursor`, `ServerCache`, ...). V1, which
    /// sends only the value, gets the name of its JSON object's first
    /// property.
    pub key: String,
    /// `Value`: its JSON text (a string holding JSON is read as that JSON).
    pub value: String,
}

/// The `Visualization` record of `QueryProperties` (what the query's
/// `render` operator asked for); absent properties are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Visualization {
    /// `TableId`: the result table it is about.
    pub table_id: Option<i64>,
    /// `Visualization`: `table`, `piechart`, `timechart`, ...
    pub visualization: Option<String>,
    /// `Title`.
    pub title: Option<String>,
    /// `Kind`: `stacked`, `unstacked`, ...
    pub kind: Option<String>,
    /// `XColumn`.
    pub x_column: Option<String>,
    /// `YColumns`, as sent (a JSON array or `null`).
    pub y_columns: Option<String>,
    /// `Series`, as sent.
    pub series: Option<String>,
    /// The record's whole JSON text, as sent.
    pub raw: String,
}

/// One row of `QueryCompletionInformation`; columns absent or null are
/// `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CompletionEvent {
    /// `Timestamp`.
    pub timestamp: Option<DateTime>,
    /// `ClientRequestId`.
    pub client_request_id: Option<String>,
    /// `ActivityId`.
    pub activity_id: Option<Guid>,
    /// `Level` (2 error, 3 warning, 4 info, 6 stats).
    pub level: Option<i64>,
    /// `LevelName`.
    pub level_name: Option<String>,
    /// `StatusCode` (0 for success).
    pub status_code: Option<i64>,
    /// `StatusCodeName`, e.g. `S_OK (0)`.
    pub status_code_name: Option<String>,
    /// `EventType`.
    pub event_type: Option<i64>,
    /// `EventTypeName`: `QueryInfo`, `QueryResourceConsumption`, ...
    pub event_type_name: Option<String>,
    /// `Payload`: JSON text, as sent.
    pub payload: Option<String>,
}

/// Which secondary table's rows are arriving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Current {
    None,
    Properties,
    Completion,
}

/// The rows of the `QueryProperties` and `QueryCompletionInformation`
/// tables, typed. At most [`DEFAULT_MAX_SECONDARY_ROWS`] rows (or
/// [`Secondary::with_max_rows`]); one more is a [`LimitError`].
#[derive(Debug, Clone)]
pub struct Secondary {
    properties: Vec<PropertyRecord>,
    completion: Vec<CompletionEvent>,
    current: Current,
    max_rows: usize,
}

impl Default for Secondary {
    fn default() -> Self {
        Secondary::with_max_rows(DEFAULT_MAX_SECONDARY_ROWS)
    }
}

/// A cell as an owned, typed value.
fn text(v: Option<Value<'_>>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.to_owned()),
        Value::Dynamic(d) => Some(d.embedded_json().unwrap_or(d.raw()).to_owned()),
        Value::Other(c) => Some(c.text().to_owned()),
        _ => None,
    }
}

fn long(v: Option<Value<'_>>) -> Option<i64> {
    match v? {
        Value::Int(i) => Some(i64::from(i)),
        Value::Long(i) => Some(i),
        _ => None,
    }
}

impl Secondary {
    /// An empty `Secondary`.
    pub fn new() -> Self {
        Secondary::default()
    }

    /// Keeps at most `n` rows of secondary tables.
    pub fn with_max_rows(n: usize) -> Self {
        Secondary {
            properties: Vec::new(),
            completion: Vec::new(),
            current: Current::None,
            max_rows: n,
        }
    }

    fn room(&self) -> Result<(), LimitError> {
        if self.properties.len() + self.completion.len() >= self.max_rows {
            return Err(LimitError {
                what: "secondary table rows",
                limit: self.max_rows,
            });
        }
        Ok(())
    }

    /// Records one event (V2 `DataTable`s of kind `QueryProperties` and
    /// `QueryCompletionInformation`; V1 tables are named only by their
    /// TableOfContents at the end: use [`Secondary::from_dataset`]).
    pub fn push(&mut self, ev: &Event<'_>) -> Result<(), LimitError> {
        match ev {
            Event::DataTable(t) => {
                self.current = match t.kind {
                    Some(TableKind::QueryProperties) => Current::Properties,
                    Some(TableKind::QueryCompletionInformation) => Current::Completion,
                    _ => Current::None,
                };
            }
            Event::TableHeader(_) | Event::TableFragment(_) | Event::V1Table(_) => {
                self.current = Current::None;
            }
            Event::Row(row) if self.current != Current::None => {
                self.room()?;
                let get = |name: &str| {
                    let i = row.columns().iter().position(|c| c.name() == name)?;
                    row.value(i)?.ok()
                };
                self.add(row.columns(), get);
            }
            Event::DataTableEnd(_) | Event::TableFragmentEnd(_) | Event::V1TableEnd(_) => {
                self.current = Current::None;
            }
            _ => {}
        }
        Ok(())
    }

    fn add<'v>(&mut self, columns: &[Column], get: impl Fn(&str) -> Option<Value<'v>>) {
        match self.current {
            Current::None => {}
            Current::Properties => {
                let value = text(get("Value"));
                let has_key = columns.iter().any(|c| c.name() == "Key");
                let key = if has_key {
                    text(get("Key"))
                } else {
                    // V1: the first property of the value's object.
                    value.as_deref().and_then(|v| {
                        let m: serde_json::Map<String, serde_json::Value> =
                            serde_json::from_str(v).ok()?;
                        m.keys().next().cloned()
                    })
                };
                self.properties.push(PropertyRecord {
                    table_id: long(get("TableId")),
                    key: key.unwrap_or_default(),
                    value: value.unwrap_or_default(),
                });
            }
            Current::Completion => self.completion.push(CompletionEvent {
                timestamp: match get("Timestamp") {
                    Some(Value::DateTime(d)) => Some(d),
                    _ => None,
                },
                client_request_id: text(get("ClientRequestId")),
                activity_id: match get("ActivityId") {
                    Some(Value::Guid(g)) => Some(g),
                    _ => None,
                },
                level: long(get("Level")),
                level_name: text(get("LevelName")),
                status_code: long(get("StatusCode")),
                status_code_name: text(get("StatusCodeName")),
                event_type: long(get("EventType")),
                event_type_name: text(get("EventTypeName")),
                payload: text(get("Payload")),
            }),
        }
    }

    /// The secondary tables of a collected dataset (V1 ones too, named by
    /// their TableOfContents).
    pub fn from_dataset(ds: &Dataset) -> Result<Self, LimitError> {
        Secondary::from_dataset_with_max_rows(ds, DEFAULT_MAX_SECONDARY_ROWS)
    }

    /// [`Secondary::from_dataset`] keeping at most `n` rows.
    pub fn from_dataset_with_max_rows(ds: &Dataset, n: usize) -> Result<Self, LimitError> {
        let mut s = Secondary::with_max_rows(n);
        for t in &ds.tables {
            s.current = match t.kind.as_deref() {
                Some("QueryProperties") => Current::Properties,
                Some("QueryCompletionInformation") => Current::Completion,
                _ => continue,
            };
            if ds.format == Some(Format::V1) && s.current == Current::Completion {
                // V1 has a QueryStatus table instead.
                continue;
            }
            for row in t.rows() {
                s.room()?;
                s.add(&t.columns, |name| row.get(name)?.ok());
            }
        }
        s.current = Current::None;
        Ok(s)
    }

    /// Every `QueryProperties` record, in order.
    pub fn properties(&self) -> &[PropertyRecord] {
        &self.properties
    }

    /// The first record with key `key`.
    pub fn property(&self, key: &str) -> Option<&PropertyRecord> {
        self.properties.iter().find(|p| p.key == key)
    }

    /// The first `Visualization` record, typed (`None` without one, or when
    /// its value is not a JSON object).
    pub fn visualization(&self) -> Option<Visualization> {
        let p = self.property("Visualization")?;
        let m: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&p.value).ok()?;
        let s = |k: &str| match m.get(k) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        let raw = |k: &str| m.get(k).filter(|v| !v.is_null()).map(|v| v.to_string());
        Some(Visualization {
            table_id: p.table_id,
            visualization: s("Visualization"),
            title: s("Title"),
            kind: s("Kind"),
            x_column: s("XColumn"),
            y_columns: raw("YColumns"),
            series: raw("Series"),
            raw: p.value.clone(),
        })
    }

    /// The database cursor of the `Cursor` record (its value's `Cursor`
    /// string, or the value itself when it is a plain string).
    pub fn cursor(&self) -> Option<&str> {
        let v = self.property("Cursor")?.value.as_str();
        let inner = v
            .find("\"Cursor\"")
            .and_then(|i| v.get(i + "\"Cursor\"".len()..))
            .map(|r| r.trim_start().trim_start_matches(':').trim_start())
            .and_then(|r| r.strip_prefix('"'))
            .and_then(|r| r.split('"').next());
        inner.or_else(|| v.strip_prefix('"').and_then(|r| r.strip_suffix('"')))
    }

    /// Every `QueryCompletionInformation` row, in order.
    pub fn completion(&self) -> &[CompletionEvent] {
        &self.completion
    }

    /// The query's status: `(StatusCode, StatusCodeName)` of the first
    /// `QueryCompletionInformation` row with a non-zero status code, else of
    /// the first row.
    pub fn status(&self) -> Option<(i64, &str)> {
        let e = self
            .completion
            .iter()
            .find(|e| e.status_code.is_some_and(|c| c != 0))
            .or_else(|| self.completion.first())?;
        Some((e.status_code?, e.status_code_name.as_deref().unwrap_or("")))
    }

    /// The payload of the `QueryResourceConsumption` row, as sent (JSON
    /// text: `ExecutionTime`, `resource_usage`, `dataset_statistics`, ...).
    pub fn resource_usage(&self) -> Option<&str> {
        self.completion
            .iter()
            .find(|e| e.event_type_name.as_deref() == Some("QueryResourceConsumption"))?
            .payload
            .as_deref()
    }
}
