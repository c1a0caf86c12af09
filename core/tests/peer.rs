//! The peer corpus: response bodies recorded by the official Kusto SDKs
//! (see `shared/peer-corpus/SOURCES.md`). Every file must decode the same at
//! every chunk size, agree with the `serde_json` oracle, and show the facts
//! SOURCES.md states about it. The files are read in place, never copied.

mod common;

use std::path::Path;

use common::{decode_normalized, decode_sized, first_difference, oracle, peer_dir, N};
use kusto_frames::value::ScalarType;
use kusto_frames::{CellKind, Error, ErrorKind, OwnedEvent, OwnedFragment, OwnedRow, OwnedTable};
use serde_json::Value;

/// The column types of the peers' `AllDataTypes` table, in order.
const ALL_DATA_TYPES: [ScalarType; 10] = [
    ScalarType::Int,
    ScalarType::Decimal,
    ScalarType::DateTime,
    ScalarType::TimeSpan,
    ScalarType::Dynamic,
    ScalarType::Bool,
    ScalarType::Real,
    ScalarType::String,
    ScalarType::Long,
    ScalarType::Guid,
];

/// How a file of the peer corpus must decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A response body: decodes without error, as the oracle says.
    Body,
    /// Plain text (`error.txt`): not a response, at byte 0.
    Text,
    /// A recorded HTTP exchange `{"status":…,"headers":…,"body":"<base64>"}`:
    /// JSON, but an object with neither `Tables`, `Exceptions` nor `error`,
    /// so not a Kusto response either. It must not decode as an empty success.
    HttpExchange,
    /// Documentation, not a body.
    Skip,
}

fn expect(rel: &str) -> Expect {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name == "SOURCES.md" {
        Expect::Skip
    } else if name.ends_with(".txt") {
        Expect::Text
    } else if rel.starts_with("rust/") && !name.ends_with(".body.json") {
        Expect::HttpExchange
    } else {
        Expect::Body
    }
}

/// The bytes of a peer file, or `None` (after saying so) when the peer
/// corpus is not on this machine.
fn peer_body(rel: &str) -> Option<Vec<u8>> {
    let dir = peer_dir();
    if !dir.is_dir() {
        println!("peer corpus not found at {}, skipping", dir.display());
        return None;
    }
    Some(std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}")))
}

/// Decodes whole and at chunk sizes 1, 7 and 4096; all four results must be
/// identical (events, byte offsets, error and its offset).
fn decode_all_sizes(rel: &str, body: &[u8]) -> (Vec<OwnedEvent>, Result<(), Error>) {
    let whole = decode_sized(body, 0);
    for size in [1, 7, 4096] {
        let got = decode_sized(body, size);
        assert!(
            got == whole,
            "{rel}: chunk size {size} decodes differently from the whole body:\n  whole:   {:?}\n  chunked: {:?}",
            common::render(&whole).lines().last(),
            common::render(&got).lines().last()
        );
    }
    whole
}

/// The events of a response body of the peer corpus, checked for chunking
/// invariance and success.
fn events(rel: &str) -> Option<Vec<OwnedEvent>> {
    let body = peer_body(rel)?;
    let (events, r) = decode_all_sizes(rel, &body);
    if let Err(e) = r {
        panic!("{rel}: {e}");
    }
    Some(events)
}

#[test]
fn every_peer_file_is_chunk_invariant_and_agrees_with_the_oracle() {
    let dir = peer_dir();
    if !dir.is_dir() {
        println!("peer corpus not found at {}, skipping", dir.display());
        return;
    }
    let files = common::files_under(&dir);
    assert!(files.len() >= 27, "peer corpus is incomplete: {files:?}");
    let mut failures = Vec::new();
    let mut bodies = 0;
    for path in &files {
        let rel = rel_path(&dir, path);
        let body = std::fs::read(path).expect("read peer file");
        let expect = expect(&rel);
        if expect == Expect::Skip {
            continue;
        }
        let (events, r) = decode_all_sizes(&rel, &body);
        match expect {
            Expect::Body => {
                bodies += 1;
                if let Err(e) = r {
                    failures.push(format!("{rel}: {e}"));
                    continue;
                }
                let Some(want) = oracle(&body) else {
                    failures.push(format!("{rel}: serde_json rejects it"));
                    continue;
                };
                let got = decode_normalized([&body[..]]);
                if got != want {
                    failures.push(format!(
                        "{rel}: decoder and oracle differ: {}",
                        first_difference(&got, &want)
                    ));
                }
            }
            Expect::Text => match r {
                Err(e)
                    if e.kind() == ErrorKind::NotAResponse
                        && e.offset() == 0
                        && events.is_empty() => {}
                other => failures.push(format!(
                    "{rel}: want NotAResponse at 0 and no events, got {} events and {other:?}",
                    events.len()
                )),
            },
            // Chunking invariance is checked above; what they must decode
            // to is asserted in `rust_http_exchange_recordings_are_not_responses`.
            Expect::HttpExchange | Expect::Skip => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(bodies, 23, "number of response bodies in the peer corpus");
}

fn rel_path(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

// ---------------------------------------------------------------------------
// Assembling events into tables, for the per-file facts
// ---------------------------------------------------------------------------

#[derive(Debug, Default)]
struct Table {
    /// `DataTable`, `TableHeader` or `V1Table`.
    head: &'static str,
    info: Option<OwnedTable>,
    end: Option<OwnedTable>,
    rows: Vec<OwnedRow>,
    /// `(index, raw)` of each row error.
    row_errors: Vec<(u64, String)>,
    fragments: Vec<OwnedFragment>,
    /// `(RowCount, OneApiErrors)` of the TableCompletion.
    completion: Option<(Option<i64>, Option<String>)>,
}

impl Table {
    fn id(&self) -> Option<i64> {
        self.info.as_ref().and_then(|t| t.table_id)
    }
    fn kind(&self) -> Option<&str> {
        self.info.as_ref().and_then(|t| t.kind.as_deref())
    }
    fn name(&self) -> Option<&str> {
        self.info.as_ref().and_then(|t| t.name.as_deref())
    }
    fn columns(&self) -> &[kusto_frames::Column] {
        self.info.as_ref().map_or(&[], |t| &t.columns[..])
    }
    fn types(&self) -> Vec<ScalarType> {
        self.columns().iter().map(|c| c.scalar_type()).collect()
    }
}

#[derive(Debug, Default)]
struct Body {
    header: Option<OwnedEvent>,
    tables: Vec<Table>,
    progress: Vec<(Option<i64>, Option<f64>)>,
    /// `(HasErrors, Cancelled, OneApiErrors)`.
    completion: Option<(bool, bool, Option<String>)>,
    v1_exceptions: Vec<String>,
}

impl Body {
    fn table(&self, kind: &str) -> &Table {
        let found: Vec<&Table> = self
            .tables
            .iter()
            .filter(|t| t.kind() == Some(kind))
            .collect();
        assert_eq!(found.len(), 1, "exactly one {kind} table");
        found[0]
    }

    fn v1(&self) -> Vec<&Table> {
        self.tables.iter().filter(|t| t.head == "V1Table").collect()
    }
}

fn assemble(events: &[OwnedEvent]) -> Body {
    let mut b = Body::default();
    let mut cur = 0;
    for ev in events {
        match ev {
            OwnedEvent::DataSetHeader { .. } => b.header = Some(ev.clone()),
            OwnedEvent::TableHeader(t) | OwnedEvent::DataTable(t) | OwnedEvent::V1Table(t) => {
                let head = match ev {
                    OwnedEvent::TableHeader(_) => "TableHeader",
                    OwnedEvent::DataTable(_) => "DataTable",
                    _ => "V1Table",
                };
                b.tables.push(Table {
                    head,
                    info: Some(t.clone()),
                    ..Table::default()
                });
                cur = b.tables.len() - 1;
            }
            OwnedEvent::DataTableEnd(t) | OwnedEvent::V1TableEnd(t) => {
                b.tables[cur].end = Some(t.clone());
            }
            OwnedEvent::TableFragment(f) => {
                cur = b
                    .tables
                    .iter()
                    .rposition(|t| t.head == "TableHeader" && t.id() == f.table_id)
                    .unwrap_or_else(|| panic!("fragment of a table without header: {f:?}"));
                b.tables[cur].fragments.push(f.clone());
            }
            OwnedEvent::TableFragmentEnd(_) => {}
            OwnedEvent::Row(r) => b.tables[cur].rows.push(r.clone()),
            OwnedEvent::RowError { index, raw, .. } => {
                b.tables[cur].row_errors.push((*index, raw.clone()));
            }
            OwnedEvent::TableProgress { table_id, progress } => {
                b.progress.push((*table_id, *progress));
            }
            OwnedEvent::TableCompletion {
                table_id,
                row_count,
                errors,
            } => {
                let t = b
                    .tables
                    .iter_mut()
                    .rev()
                    .find(|t| t.head == "TableHeader" && t.id() == *table_id)
                    .expect("completion of a table with a header");
                t.completion = Some((*row_count, errors.clone()));
            }
            OwnedEvent::DataSetCompletion {
                has_errors,
                cancelled,
                errors,
            } => b.completion = Some((*has_errors, *cancelled, errors.clone())),
            OwnedEvent::V1Exceptions(raw) => b.v1_exceptions.push(raw.clone()),
            other => panic!("unexpected event {other:?}"),
        }
    }
    b
}

fn texts(r: &OwnedRow) -> Vec<&str> {
    r.cells.iter().map(|c| c.text.as_str()).collect()
}

fn raws(r: &OwnedRow) -> Vec<&str> {
    r.cells.iter().map(|c| c.raw.as_str()).collect()
}

fn kinds(r: &OwnedRow) -> Vec<CellKind> {
    r.cells.iter().map(|c| c.kind).collect()
}

fn json(raw: &str) -> Value {
    serde_json::from_str(raw).expect("captured JSON is valid")
}

fn header(b: &Body) -> (Option<bool>, Option<bool>, Option<&str>) {
    match &b.header {
        Some(OwnedEvent::DataSetHeader {
            version,
            is_progressive,
            is_fragmented,
            error_reporting_placement,
        }) => {
            assert_eq!(version.as_deref(), Some("v2.0"));
            (
                *is_progressive,
                *is_fragmented,
                error_reporting_placement.as_deref(),
            )
        }
        other => panic!("no DataSetHeader: {other:?}"),
    }
}

/// The `@ExtendedProperties` / primary / completion-information layout that
/// every V2 file of the peer corpus shares.
fn assert_clean_completion(b: &Body) {
    assert_eq!(b.completion, Some((false, false, None)));
}

// ---------------------------------------------------------------------------
// Facts from SOURCES.md, file by file
// ---------------------------------------------------------------------------

#[test]
fn go_v2_valid_frames_all_types_fragmented() {
    let Some(ev) = events("go/v2/validFrames.json") else {
        return;
    };
    let b = assemble(&ev);
    assert_eq!(header(&b), (Some(false), Some(true), Some("EndOfTable")));
    let t = b.table("PrimaryResult");
    assert_eq!(t.head, "TableHeader");
    assert_eq!(t.name(), Some("AllDataTypes"));
    assert_eq!(t.types(), ALL_DATA_TYPES);
    assert_eq!(t.fragments.len(), 1);
    assert_eq!(t.fragments[0].fragment_type.as_deref(), Some("DataAppend"));
    assert_eq!(t.rows.len(), 2);
    let r = &t.rows[0];
    assert_eq!(r.cells[1].kind, CellKind::String);
    assert_eq!(r.cells[1].text, "2.00000000000001");
    assert_eq!(r.cells[2].text, "2020-03-04T14:05:01.3109965Z");
    assert_eq!(r.cells[4].kind, CellKind::Object);
    assert_eq!(json(&r.cells[4].raw), serde_json::json!({"moshe": "value"}));
    assert_eq!(r.cells[8].raw, "9223372036854775807");
    let null_row = &t.rows[1];
    for (i, c) in null_row.cells.iter().enumerate() {
        if i == 7 {
            assert_eq!((c.kind, c.text.as_str()), (CellKind::String, ""));
        } else {
            assert_eq!(c.kind, CellKind::Null, "cell {i} of the all-null row");
        }
    }
    assert_eq!(t.completion, Some((Some(2), None)));
    assert_eq!(b.table("QueryProperties").rows.len(), 1);
    assert_eq!(b.table("QueryCompletionInformation").rows.len(), 2);
    assert_clean_completion(&b);
}

#[test]
fn go_v2_partial_error_on_table_completion_and_dataset() {
    let Some(ev) = events("go/v2/partialError.json") else {
        return;
    };
    let b = assemble(&ev);
    assert_eq!(header(&b), (Some(false), Some(true), Some("EndOfTable")));
    let t = b.table("PrimaryResult");
    assert_eq!(t.rows.len(), 1);
    assert!(t.row_errors.is_empty());
    let (rows, errors) = t.completion.clone().expect("TableCompletion");
    assert_eq!(rows, Some(1));
    let errors = json(&errors.expect("TableCompletion.OneApiErrors"));
    assert_eq!(errors[0]["error"]["code"], "LimitsExceeded");
    assert!(errors[0]["error"]["@message"]
        .as_str()
        .is_some_and(|m| m.contains("E_QUERY_RESULT_SET_TOO_LARGE")));
    let (has_errors, cancelled, errors) = b.completion.clone().expect("DataSetCompletion");
    assert!(has_errors && !cancelled);
    assert_eq!(
        json(&errors.expect("OneApiErrors"))[0]["error"]["code"],
        "LimitsExceeded"
    );
}

#[test]
fn go_v2_two_tables_with_several_fragments_each() {
    let Some(ev) = events("go/v2/twoTables.json") else {
        return;
    };
    let b = assemble(&ev);
    let primaries: Vec<&Table> = b
        .tables
        .iter()
        .filter(|t| t.kind() == Some("PrimaryResult"))
        .collect();
    assert_eq!(primaries.len(), 2);
    for (t, id) in primaries.iter().zip([1, 2]) {
        assert_eq!(t.head, "TableHeader");
        assert_eq!(t.id(), Some(id));
        assert_eq!(t.fragments.len(), 2, "table {id}: fragments");
        assert!(t
            .fragments
            .iter()
            .all(|f| f.fragment_type.as_deref() == Some("DataAppend") && f.table_id == Some(id)));
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.completion, Some((Some(3), None)));
    }
    let rows2: Vec<Vec<&str>> = primaries[1].rows.iter().map(texts).collect();
    assert_eq!(rows2, [["a", "1"], ["b", "2"], ["c", "3"]]);
    // Row indexes restart with each fragment: they count the frame's Rows.
    let idx: Vec<u64> = primaries[0].rows.iter().map(|r| r.index).collect();
    assert_eq!(idx, [0, 0, 1]);
    assert_clean_completion(&b);
}

#[test]
fn go_v2_aliases_map_to_scalar_types() {
    let Some(ev) = events("go/v2/aliases.json") else {
        return;
    };
    let b = assemble(&ev);
    let t = b.table("PrimaryResult");
    let names: Vec<&str> = t.columns().iter().map(|c| c.type_name()).collect();
    assert_eq!(
        names,
        [
            "int", "decimal", "date", "time", "dynamic", "boolean", "double", "string", "long",
            "uuid"
        ]
    );
    assert_eq!(t.types(), ALL_DATA_TYPES);
    assert_eq!(t.rows.len(), 1);
}

#[test]
fn go_v2_partial_error_full_dataset_row_error_in_extended_properties() {
    let Some(ev) = events("go/v2/partialErrorFullDataset.json") else {
        return;
    };
    let b = assemble(&ev);
    assert_eq!(header(&b), (Some(false), Some(false), Some("InData")));
    assert_eq!(b.tables.len(), 1);
    let t = b.table("QueryProperties");
    assert_eq!(t.name(), Some("@ExtendedProperties"));
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.row_errors.len(), 1);
    let (index, raw) = &t.row_errors[0];
    assert_eq!(*index, 1);
    let e = json(raw);
    assert_eq!(e["OneApiErrors"][0]["error"]["code"], "LimitsExceeded");
    assert_eq!(e["OneApiErrors"][0]["error"]["@permanent"], false);
    let (has_errors, _, errors) = b.completion.clone().expect("DataSetCompletion");
    assert!(has_errors);
    assert!(errors.is_some());
}

#[test]
fn go_v2_error_txt_is_not_a_response() {
    let Some(body) = peer_body("go/v2/error.txt") else {
        return;
    };
    let (events, r) = decode_all_sizes("go/v2/error.txt", &body);
    assert!(events.is_empty());
    let e = r.expect_err("plain text is not a response");
    assert_eq!((e.kind(), e.offset()), (ErrorKind::NotAResponse, 0));
}

#[test]
fn go_v1_partial_error_row_exception_and_top_level_exceptions() {
    let Some(ev) = events("go/v1/partialError.json") else {
        return;
    };
    let b = assemble(&ev);
    let v1 = b.v1();
    assert_eq!(v1.len(), 1);
    assert_eq!(v1[0].rows.len(), 1);
    assert_eq!(raws(&v1[0].rows[0]), ["1"]);
    assert_eq!(v1[0].row_errors.len(), 1);
    assert_eq!(v1[0].row_errors[0].0, 1);
    assert!(json(&v1[0].row_errors[0].1)["Exceptions"][0]
        .as_str()
        .is_some_and(|s| s.contains("80DA0003")));
    assert_eq!(b.v1_exceptions.len(), 1);
    assert_eq!(json(&b.v1_exceptions[0]).as_array().map(Vec::len), Some(1));
}

fn v1_row_counts(b: &Body) -> Vec<usize> {
    b.v1().iter().map(|t| t.rows.len()).collect()
}

#[test]
fn go_v1_success_five_tables() {
    let Some(ev) = events("go/v1/success.json") else {
        return;
    };
    let b = assemble(&ev);
    assert_eq!(v1_row_counts(&b), [3, 3, 2, 2, 4]);
    for (i, t) in b.v1().iter().enumerate() {
        assert_eq!(t.id(), Some(i as i64));
        assert_eq!(t.name(), Some(format!("Table_{i}").as_str()));
        assert_eq!(t.kind(), None);
        assert!(t
            .columns()
            .iter()
            .all(|c| c.column_type().is_some() && c.data_type().is_some()));
        assert_eq!(t.end.as_ref(), t.info.as_ref());
    }
    let toc = b.v1()[4];
    let names: Vec<&str> = toc.columns().iter().map(|c| c.name()).collect();
    assert_eq!(names, ["Ordinal", "Kind", "Name", "Id", "PrettyName"]);
}

#[test]
fn go_v1_data_type_only_resolves_dotnet_types() {
    let (Some(ev), Some(success)) = (
        events("go/v1/dataTypeOnly.json"),
        events("go/v1/success.json"),
    ) else {
        return;
    };
    let b = assemble(&ev);
    let s = assemble(&success);
    assert_eq!(v1_row_counts(&b), [3, 3, 2, 2, 4]);
    for (t, st) in b.v1().iter().zip(s.v1()) {
        assert!(t
            .columns()
            .iter()
            .all(|c| c.column_type().is_none() && c.data_type().is_some()));
        // Same data, and the .NET types resolve to the Kusto types that
        // success.json states in ColumnType.
        assert_eq!(t.types(), st.types(), "{:?}", t.name());
        let names: Vec<&str> = t.columns().iter().map(|c| c.type_name()).collect();
        let want: Vec<&str> = st.columns().iter().map(|c| c.type_name()).collect();
        assert_eq!(names, want);
        let cells: Vec<Vec<&str>> = t.rows.iter().map(raws).collect();
        let want: Vec<Vec<&str>> = st.rows.iter().map(raws).collect();
        assert_eq!(cells, want);
    }
}

#[test]
fn go_v1_boolean_int_cells_keep_their_json_kind() {
    let Some(ev) = events("go/v1/booleanInt.json") else {
        return;
    };
    let b = assemble(&ev);
    let t = b.v1()[0];
    assert_eq!(t.types(), [ScalarType::Bool]);
    let cells: Vec<(CellKind, &str)> = t
        .rows
        .iter()
        .map(|r| (r.cells[0].kind, r.cells[0].raw.as_str()))
        .collect();
    use CellKind as K;
    assert_eq!(
        cells,
        [
            (K::Bool, "false"),
            (K::Number, "0"),
            (K::Bool, "true"),
            (K::Number, "1"),
            (K::Null, "null")
        ]
    );
}

#[test]
fn python_deft_types_and_null_row() {
    let Some(ev) = events("python/deft.json") else {
        return;
    };
    let b = assemble(&ev);
    assert_eq!(header(&b), (Some(false), None, None));
    let t = b.table("PrimaryResult");
    assert_eq!(t.name(), Some("Deft"));
    assert_eq!(t.columns().len(), 19);
    assert_eq!(t.rows.len(), 11);
    assert!(t.rows.iter().all(|r| r.cells.len() == 19));
    let null_row = &t.rows[0];
    assert_eq!(null_row.cells[0].kind, CellKind::Null);
    assert_eq!(
        (null_row.cells[1].kind, null_row.cells[1].raw.as_str()),
        (CellKind::String, "\"\"")
    );
    // The dynamic column of the null row is an empty string, not null.
    assert_eq!(
        (null_row.cells[18].kind, null_row.cells[18].text.as_str()),
        (CellKind::String, "")
    );
    assert_eq!(t.rows[3].cells[16].text, "-2.00:00:02.0020002");
    assert_eq!(t.rows[2].cells[12].text, "2015-01-01T01:01:01.0000001Z");
    assert_eq!(t.rows[2].cells[18].kind, CellKind::Object);
    assert_eq!(t.rows[1].cells[2].raw, "0.0");
    assert_clean_completion(&b);
}

#[test]
fn python_alternative_order_decodes_like_deft() {
    let (Some(deft), Some(alt)) = (
        peer_body("python/deft.json"),
        peer_body("python/alternative_order.json"),
    ) else {
        return;
    };
    let a = decode_normalized([&deft[..]]);
    let b = decode_normalized([&alt[..]]);
    assert_eq!(a.1, Ok(()));
    assert!(a == b, "{}", first_difference(&b, &a));
}

#[test]
fn python_progressive_result() {
    let Some(ev) = events("python/progressive_result.json") else {
        return;
    };
    let b = assemble(&ev);
    assert_eq!(header(&b).0, Some(true));
    let t = b.table("PrimaryResult");
    assert_eq!(t.head, "TableHeader");
    assert_eq!(t.columns().len(), 22);
    assert_eq!(t.fragments.len(), 1);
    assert_eq!(t.fragments[0].fragment_type.as_deref(), Some("DataAppend"));
    assert_eq!(t.rows.len(), 5);
    assert!(t.rows.iter().all(|r| r.cells.len() == 22));
    assert_eq!(t.rows[0].cells[4].text, "NORTH CAROLINA");
    assert_eq!(b.progress, [(Some(1), Some(0.0))]);
    assert_eq!(t.completion, Some((Some(5), None)));
    assert_clean_completion(&b);
}

#[test]
fn python_progressive_fragment_rows_carry_the_header_columns() {
    let Some(body) = peer_body("python/progressive_result.json") else {
        return;
    };
    let (events, r) = decode_normalized([&body[..]]);
    assert_eq!(r, Ok(()));
    let header_cols = events
        .iter()
        .find_map(|e| match e {
            N::TableHeader(t) => Some(t.columns.clone()),
            _ => None,
        })
        .expect("TableHeader");
    assert_eq!(header_cols.len(), 22);
    let mut in_fragment = false;
    let mut rows = 0;
    for e in &events {
        match e {
            N::TableFragment(f) => {
                assert_eq!(f.columns, header_cols);
                in_fragment = true;
            }
            N::TableFragmentEnd(_) => in_fragment = false,
            N::Row { columns, .. } if in_fragment => {
                assert_eq!(columns, &header_cols);
                rows += 1;
            }
            _ => {}
        }
    }
    assert_eq!(rows, 5);
}

#[test]
fn python_deft_with_progressive_result_mixed_shape() {
    let Some(ev) = events("python/deft_with_progressive_result.json") else {
        return;
    };
    let b = assemble(&ev);
    assert_eq!(header(&b).0, Some(false));
    assert_eq!(b.table("PrimaryResult").rows.len(), 11);
    // The TableProgress frame follows the DataTable of table 1.
    let at = ev
        .iter()
        .position(|e| matches!(e, OwnedEvent::TableProgress { .. }))
        .expect("TableProgress");
    assert!(matches!(&ev[at - 1], OwnedEvent::DataTableEnd(t) if t.table_id == Some(1)));
    assert_eq!(b.progress, [(Some(1), Some(0.0))]);
}

#[test]
fn python_partial_results_defer_false_five_rows_then_row_error() {
    let Some(ev) = events("python/query_partial_results_defer_is_false.json") else {
        return;
    };
    let b = assemble(&ev);
    let t = b.table("PrimaryResult");
    let cells: Vec<Vec<&str>> = t.rows.iter().map(raws).collect();
    assert_eq!(cells, [["1"], ["2"], ["3"], ["4"], ["5"]]);
    assert_eq!(t.row_errors.len(), 1);
    let (index, raw) = &t.row_errors[0];
    assert_eq!(*index, 5);
    let e = json(raw);
    assert_eq!(e["OneApiErrors"][0]["error"]["code"], "LimitsExceeded");
    assert_eq!(e["OneApiErrors"][0]["error"]["@permanent"], false);
    // The row error comes after the fifth row and before the table's end.
    let pos = ev
        .iter()
        .position(|e| matches!(e, OwnedEvent::RowError { .. }))
        .expect("RowError");
    assert!(matches!(&ev[pos - 1], OwnedEvent::Row(r) if r.cells[0].raw == "5"));
    assert!(matches!(&ev[pos + 1], OwnedEvent::DataTableEnd(_)));
    let (has_errors, _, errors) = b.completion.clone().expect("DataSetCompletion");
    assert!(has_errors);
    assert_eq!(
        json(&errors.expect("OneApiErrors"))[0]["error"]["code"],
        "LimitsExceeded"
    );
}

#[test]
fn python_partial_results_defer_true_failure_only_in_completion_information() {
    let Some(ev) = events("python/query_partial_results_defer_is_true.json") else {
        return;
    };
    let b = assemble(&ev);
    let t = b.table("PrimaryResult");
    assert_eq!(t.rows.len(), 5);
    assert!(b.tables.iter().all(|t| t.row_errors.is_empty()));
    assert_clean_completion(&b);
    let qci = b.table("QueryCompletionInformation");
    let errors: Vec<&OwnedRow> = qci.rows.iter().filter(|r| r.cells[5].raw == "2").collect();
    assert_eq!(errors.len(), 1);
    let r = texts(errors[0]);
    assert_eq!(r[6], "Error");
    assert_eq!(r[7], "-2133196797");
    assert_eq!(r[10], "QueryLimitsExceeded");
}

#[test]
fn python_querypartialresults_row_error_in_query_properties() {
    let Some(ev) = events("python/querypartialresults.json") else {
        return;
    };
    let b = assemble(&ev);
    let qp = b.table("QueryProperties");
    assert_eq!(qp.rows.len(), 1);
    assert_eq!(qp.row_errors.len(), 1);
    let e = json(&qp.row_errors[0].1);
    let err = &e["OneApiErrors"][0]["error"];
    assert!(err["@debug"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(err["@context"]["clientRequestd"].is_string());
    assert!(b.table("PrimaryResult").row_errors.is_empty());
    let (has_errors, _, errors) = b.completion.clone().expect("DataSetCompletion");
    assert!(has_errors && errors.is_some());
}

#[test]
fn python_null_values_one_row_all_null() {
    let Some(ev) = events("python/null_values.json") else {
        return;
    };
    let b = assemble(&ev);
    let t = b.table("PrimaryResult");
    assert_eq!(t.columns().len(), 10);
    assert_eq!(t.rows.len(), 1);
    assert_eq!(kinds(&t.rows[0]), [CellKind::Null; 10]);
}

#[test]
fn python_dynamic_cells() {
    let Some(ev) = events("python/dynamic.json") else {
        return;
    };
    let b = assemble(&ev);
    let t = b.table("PrimaryResult");
    assert_eq!(t.types(), [ScalarType::Dynamic; 6]);
    let r = &t.rows[0];
    use CellKind as K;
    assert_eq!(
        kinds(r),
        [
            K::Number,
            K::String,
            K::String,
            K::Null,
            K::String,
            K::Object
        ]
    );
    assert_eq!(
        texts(r)[..5],
        [
            "123",
            "123",
            "test bad json",
            "null",
            r#"{"rowId":2,"arr":[0,2]}"#
        ]
    );
    assert_eq!(
        json(&r.cells[5].raw),
        serde_json::json!({"rowId": 2, "arr": [0, 2]})
    );
}

#[test]
fn python_dataframe_edge_cases() {
    let Some(ev) = events("python/dataframe.json") else {
        return;
    };
    let b = assemble(&ev);
    let t = b.table("PrimaryResult");
    let last = t.columns().last().expect("columns");
    assert_eq!(
        (last.name(), last.type_name(), last.scalar_type()),
        ("MissingType", "missing", ScalarType::Unknown)
    );
    assert_eq!(
        t.columns()[9].scalar_type(),
        ScalarType::Real,
        "double is real"
    );
    assert_eq!(t.rows.len(), 8);
    assert_eq!(t.rows[0].cells[10].raw, "1.2", "decimal as a bare number");
    assert_eq!(t.rows[1].cells[1].text, "0000-01-01T00:00:00Z");
    assert_eq!(t.rows[2].cells[1].text, "9999-12-31T23:59:59Z");
    for (row, want) in [(1, "NaN"), (2, "Infinity"), (3, "-Infinity")] {
        for col in 8..=10 {
            let c = &t.rows[row].cells[col];
            assert_eq!((c.kind, c.text.as_str()), (CellKind::String, want));
        }
    }
    assert_eq!(t.rows[5].cells[2].raw, "600000000", "timespan as ticks");
    assert_eq!(t.rows[6].cells[2].text, "1.01:01:01.0");
    let short = t.rows.last().expect("rows");
    assert_eq!(short.cells.len(), 6);
    assert!(short.cells.len() < t.columns().len());
}

#[test]
fn python_adminthenquery_v1_management() {
    let Some(ev) = events("python/adminthenquery.json") else {
        return;
    };
    let b = assemble(&ev);
    assert_eq!(v1_row_counts(&b), [2, 1, 2, 3]);
    let status: Vec<&str> = b.v1()[2].columns().iter().map(|c| c.name()).collect();
    assert!(status.contains(&"Severity") && status.contains(&"StatusCode"));
    let toc: Vec<&str> = b.v1()[3].columns().iter().map(|c| c.name()).collect();
    assert_eq!(toc, ["Ordinal", "Kind", "Name", "Id", "PrettyName"]);
    assert_eq!(b.v1()[0].columns()[0].type_name(), "string");
}

#[test]
fn node_v2error_error_level_row_without_has_errors() {
    let Some(ev) = events("node/v2error.json") else {
        return;
    };
    let b = assemble(&ev);
    assert_clean_completion(&b);
    let qci = b.table("QueryCompletionInformation");
    assert_eq!(&texts(&qci.rows[0])[5..7], ["1", "Error"]);
    let t = b.table("PrimaryResult");
    assert_eq!(t.rows[0].cells[5].text, "1.01:02:03.004");
    let null_row = &t.rows[2];
    assert_eq!(
        (null_row.cells[1].kind, null_row.cells[1].text.as_str()),
        (CellKind::String, "")
    );
    assert!(null_row
        .cells
        .iter()
        .enumerate()
        .all(|(i, c)| i == 1 || c.kind == CellKind::Null));
}

#[test]
fn rust_arrow_roundtrip_body() {
    let Some(ev) = events("rust/data_arrow_roundtrip_0_response.body.json") else {
        return;
    };
    let b = assemble(&ev);
    assert_eq!(header(&b).0, Some(false));
    let t = b.table("PrimaryResult");
    assert_eq!(t.columns().len(), 8);
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[0].cells[7].text, "1.00:00:00.0000001");
    assert_eq!(t.rows[1].cells[7].text, "-00:01:00.0001001");
    assert_clean_completion(&b);
}

#[test]
fn rust_show_tables_v1_body() {
    let Some(ev) = events("rust/data_create_query_delete_table_1_response.body.json") else {
        return;
    };
    let b = assemble(&ev);
    assert_eq!(v1_row_counts(&b), [1, 1, 2, 3]);
    assert_eq!(texts(&b.v1()[0].rows[0])[0], "KustoRsTest");
    assert!(b.v1().iter().all(|t| t
        .columns()
        .iter()
        .all(|c| c.column_type().is_some() && c.data_type().is_some())));
}

#[test]
fn rust_http_exchange_recordings_are_not_responses() {
    for rel in [
        "rust/data_arrow_roundtrip_0_response.json",
        "rust/data_create_query_delete_table_1_response.json",
    ] {
        let Some(body) = peer_body(rel) else {
            return;
        };
        assert!(
            serde_json::from_slice::<Value>(&body).is_ok(),
            "{rel} is JSON"
        );
        let (events, r) = decode_all_sizes(rel, &body);
        assert!(events.is_empty(), "{rel}: {events:?}");
        assert_eq!(
            r.map_err(|e| e.kind()),
            Err(ErrorKind::NotAResponse),
            "{rel}: an object without Tables, Exceptions or error is not a Kusto response"
        );
    }
}

#[test]
fn peer_file_names_are_classified() {
    assert_eq!(expect("go/v2/error.txt"), Expect::Text);
    assert_eq!(
        expect("rust/data_arrow_roundtrip_0_response.json"),
        Expect::HttpExchange
    );
    assert_eq!(
        expect("rust/data_arrow_roundtrip_0_response.body.json"),
        Expect::Body
    );
    assert_eq!(expect("SOURCES.md"), Expect::Skip);
    assert_eq!(expect("python/deft.json"), Expect::Body);
}
