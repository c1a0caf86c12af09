//! What real and documented responses need: frames without `FrameType` and
//! with their properties in any order, a leading byte order mark, bodies
//! that are not JSON text (binary, compressed, empty), malformed frame
//! sequences, and the retry rule with `@permanent`.

mod common;

use common::{decode_normalized, first_difference, oracle, N};
use kusto_frames::response::{is_retryable, OneApiError, ResponseError};
use kusto_frames::{decode_chunks_with, Decoder, DecoderConfig, ErrorKind, OwnedEvent};

// ---------------------------------------------------------------------------
// Every order of every frame's properties
// ---------------------------------------------------------------------------

/// All orders of `items` (Heap's algorithm).
fn permutations<T: Clone>(items: &[T]) -> Vec<Vec<T>> {
    fn heap<T: Clone>(k: usize, a: &mut Vec<T>, out: &mut Vec<Vec<T>>) {
        if k <= 1 {
            out.push(a.clone());
            return;
        }
        heap(k - 1, a, out);
        for i in 0..k - 1 {
            if k % 2 == 0 {
                a.swap(i, k - 1);
            } else {
                a.swap(0, k - 1);
            }
            heap(k - 1, a, out);
        }
    }
    let mut a = items.to_vec();
    let mut out = Vec::new();
    heap(a.len(), &mut a, &mut out);
    out
}

const COLS: &str =
    r#"[{"ColumnName":"n","ColumnType":"long"},{"ColumnName":"s","ColumnType":"string"}]"#;
const ROWS: &str =
    r#"[[1,"a"],{"OneApiErrors":[{"error":{"code":"E","@permanent":false}}]},[2,"b\"c"]]"#;

/// The frames of each kind, as `(FrameType, properties)`.
fn frames() -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let p = |k: &'static str, v: &str| (k, v.to_owned());
    vec![
        (
            "DataSetHeader",
            vec![
                p("Version", r#""v2.0""#),
                p("IsProgressive", "true"),
                p("IsFragmented", "false"),
                p("ErrorReportingPlacement", r#""EndOfTable""#),
            ],
        ),
        (
            "DataTable",
            vec![
                p("TableId", "5"),
                p("TableKind", r#""PrimaryResult""#),
                p("TableName", r#""R""#),
                p("Columns", COLS),
                p("Rows", ROWS),
            ],
        ),
        (
            "TableHeader",
            vec![
                p("TableId", "9"),
                p("TableKind", r#""QueryCompletionInformation""#),
                p("TableName", r#""H""#),
                p("Columns", COLS),
            ],
        ),
        (
            "TableFragment",
            vec![
                p("TableId", "7"),
                p("FieldCount", "2"),
                p("TableFragmentType", r#""DataReplace""#),
                p("Rows", ROWS),
            ],
        ),
        (
            "TableProgress",
            vec![p("TableId", "7"), p("TableProgress", "42.5")],
        ),
        (
            "TableCompletion",
            vec![
                p("TableId", "7"),
                p("RowCount", "3"),
                p("OneApiErrors", r#"[{"error":{"code":"T"}}]"#),
            ],
        ),
    ]
}

/// A response around `frame`: a header, table 7 opened by a TableHeader
/// (so a fragment has columns), the frame, and a completion.
fn response(frame: &str) -> String {
    format!(
        r#"[{{"FrameType":"DataSetHeader","IsProgressive":true,"Version":"v2.0"}},
{{"FrameType":"TableHeader","TableId":7,"TableKind":"PrimaryResult","TableName":"P","Columns":{COLS}}},
{frame},
{{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}}]"#
    )
}

/// What the tested frame must decode to, whatever its property order: the
/// events it gives (after the header and the TableHeader, before the
/// completion), checked against the frame's own kind and properties.
fn check_frame_events(ft: &str, events: &[N], body: &str) {
    let frame_events = &events[2..events.len() - 1];
    let row_ids = |evs: &[N]| -> Vec<Option<i64>> {
        evs.iter()
            .filter_map(|e| match e {
                N::Row { table_id, .. } | N::RowError { table_id, .. } => Some(*table_id),
                _ => None,
            })
            .collect()
    };
    match ft {
        "DataTable" => {
            assert!(
                matches!(&frame_events[0], N::DataTable(t) if t.table_id == Some(5)
                    && t.kind.as_deref() == Some("PrimaryResult")
                    && t.name.as_deref() == Some("R") && t.columns.len() == 2),
                "{body}: {:?}",
                frame_events[0]
            );
            assert_eq!(row_ids(frame_events), vec![Some(5); 3], "{body}");
            assert!(
                matches!(frame_events.last(), Some(N::DataTableEnd(t)) if t.table_id == Some(5))
            );
        }
        "TableFragment" => {
            assert!(
                matches!(&frame_events[0], N::TableFragment(f) if f.table_id == Some(7)
                    && f.fragment_type.as_deref() == Some("DataReplace")
                    && f.columns.len() == 2),
                "{body}: {:?}",
                frame_events[0]
            );
            assert_eq!(row_ids(frame_events), vec![Some(7); 3], "{body}");
            // The rows are typed by the open table's columns.
            assert!(frame_events.iter().all(|e| match e {
                N::Row { columns, .. } => columns.len() == 2,
                _ => true,
            }));
            assert!(
                matches!(frame_events.last(), Some(N::TableFragmentEnd(f)) if f.table_id == Some(7))
            );
        }
        "DataSetHeader" => assert!(
            matches!(
                frame_events,
                [N::DataSetHeader {
                    is_progressive: Some(true),
                    is_fragmented: Some(false),
                    ..
                }]
            ),
            "{body}: {frame_events:?}"
        ),
        "TableHeader" => assert!(
            matches!(frame_events, [N::TableHeader(t)] if t.table_id == Some(9)),
            "{body}: {frame_events:?}"
        ),
        "TableProgress" => assert!(
            matches!(frame_events, [N::TableProgress { table_id: Some(7), progress: Some(p) }] if *p == 42.5),
            "{body}: {frame_events:?}"
        ),
        "TableCompletion" => assert!(
            matches!(
                frame_events,
                [N::TableCompletion {
                    table_id: Some(7),
                    row_count: Some(3),
                    errors: Some(_)
                }]
            ),
            "{body}: {frame_events:?}"
        ),
        other => panic!("no check for {other}"),
    }
}

#[test]
fn every_property_order_of_every_frame_with_and_without_frame_type() {
    let mut bodies = 0;
    for (ft, props) in frames() {
        let mut with_ft = props.clone();
        with_ft.push(("FrameType", format!("\"{ft}\"")));
        for set in [props, with_ft] {
            for order in permutations(&set) {
                let frame = format!(
                    "{{{}}}",
                    order
                        .iter()
                        .map(|(k, v)| format!("\"{k}\":{v}"))
                        .collect::<Vec<_>>()
                        .join(",")
                );
                let body = response(&frame);
                let want = oracle(body.as_bytes()).expect("valid JSON");
                assert_eq!(want.1, Ok(()), "{body}");
                check_frame_events(ft, &want.0, &body);
                for size in [1, 7, body.len()] {
                    let got = decode_normalized(body.as_bytes().chunks(size));
                    assert!(
                        got == want,
                        "chunk {size}: {body}\n{}",
                        first_difference(&got, &want)
                    );
                }
                bodies += 1;
            }
        }
    }
    // 4!+5! DataSetHeader, 5!+6! DataTable, 4!+5! TableHeader,
    // 4!+5! TableFragment, 2!+3! TableProgress, 3!+4! TableCompletion.
    assert_eq!(bodies, 144 + 840 + 144 + 144 + 8 + 30);
}

// ---------------------------------------------------------------------------
// Byte order mark, binary, compressed and empty bodies
// ---------------------------------------------------------------------------

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes `body` at every chunk size from 1 to 6 and whole, with chunks
/// joined (the default) and in place; all must agree.
fn decode_all_ways(body: &[u8]) -> (Vec<OwnedEvent>, Result<(), kusto_frames::Error>) {
    let mut place = DecoderConfig::default();
    place.join_chunks(0);
    let whole = decode_chunks_with(&mut Decoder::new(), [body]);
    for cfg in [DecoderConfig::default(), place] {
        for n in 1..=6 {
            let got = decode_chunks_with(&mut Decoder::with_config(cfg.clone()), body.chunks(n));
            assert_eq!(got, whole, "chunk {n}, {cfg:?}: {body:?}");
        }
    }
    whole
}

#[test]
fn a_leading_byte_order_mark_is_ignored_and_offsets_count_it() {
    let bodies: [&[u8]; 3] = [
        br#"[{"FrameType":"DataSetHeader","Version":"v2.0"},{"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","TableName":"T","Columns":[{"ColumnName":"x","ColumnType":"int"}],"Rows":[[1]]},{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#,
        br#"{"Tables":[{"TableName":"Table_0","Columns":[{"ColumnName":"x","DataType":"Int32"}],"Rows":[[1]]}]}"#,
        br#"{"error":{"code":"BadRequest","message":"m","@permanent":true}}"#,
    ];
    for body in bodies {
        let plain = decode_all_ways(body);
        assert_eq!(plain.1, Ok(()));
        let with_bom = [BOM, body].concat();
        let (events, r) = decode_all_ways(&with_bom);
        assert_eq!(r, Ok(()));
        // The same events, each row three bytes further on.
        assert_eq!(events.len(), plain.0.len());
        for (a, b) in events.iter().zip(&plain.0) {
            match (a, b) {
                (OwnedEvent::Row(a), OwnedEvent::Row(b)) => {
                    assert_eq!(a.offset, b.offset + 3);
                    assert_eq!(a.cells, b.cells);
                }
                _ => assert_eq!(a, b),
            }
        }
        // An error's offset counts the mark too.
        let cut = &with_bom[..with_bom.len() - 1];
        let e = decode_all_ways(cut).1.unwrap_err();
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::UnexpectedEof, cut.len() as u64)
        );
    }
    // A mark alone, twice, or cut short.
    let e = decode_all_ways(BOM).1.unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::UnexpectedEof, 3));
    let e = decode_all_ways(&[BOM, BOM, b"[]"].concat()).1.unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::NotAResponse, 3));
    for cut in [&BOM[..1], &BOM[..2], b"\xEF\xBB[]", b"\xEFx"] {
        let e = decode_all_ways(cut).1.unwrap_err();
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::NotAResponse, 0),
            "{cut:?}"
        );
    }
}

#[test]
fn compressed_binary_and_empty_bodies_are_errors_at_their_offset() {
    // gzip and zlib magic numbers: told apart from other bodies.
    let gzip = b"\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03\xAB\xAE\x05\x00";
    let e = decode_all_ways(gzip).1.unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::GzipBody, 0));
    assert_eq!(
        e.to_string(),
        "gzip-compressed body: decompress it first at byte 0"
    );
    for zlib in [
        &b"\x78\x9C\x8B\x8E\x05\x00"[..],
        b"\x78\xDA\x01",
        b"\x78\x01\x01",
    ] {
        let e = decode_all_ways(zlib).1.unwrap_err();
        assert_eq!((e.kind(), e.offset()), (ErrorKind::ZlibBody, 0), "{zlib:?}");
    }
    // `x^2` is text, not zlib; a lone 0x1F is not gzip either.
    for body in [&b"x^2"[..], b"\x1F", b"\x1Fa", b"x"] {
        let e = decode_all_ways(body).1.unwrap_err();
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::NotAResponse, 0),
            "{body:?}"
        );
    }
    // Binary: not a response, at its first byte.
    let e = decode_all_ways(b"\x00\x01\x02\xFF").1.unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::NotAResponse, 0));
    // Invalid UTF-8 inside a body that starts as JSON: at the bad byte.
    let e = decode_all_ways(b"[{\"FrameType\":\"Data\xFFSetHeader\"}]")
        .1
        .unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::InvalidUtf8, 19));
    // Empty and whitespace-only bodies: cut short.
    for body in [&b""[..], b" \r\n\t"] {
        let e = decode_all_ways(body).1.unwrap_err();
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::UnexpectedEof, body.len() as u64)
        );
    }
}

// ---------------------------------------------------------------------------
// Malformed frame sequences
// ---------------------------------------------------------------------------

#[test]
fn repeated_properties_late_frames_and_missing_table_ids_are_errors() {
    const H: &str = r#"[{"FrameType":"DataSetHeader","Version":"v2.0"},"#; // 48 bytes
    let cases: &[(&str, ErrorKind, usize)] = &[
        // A repeated property hides a failure, or drops a table.
        (
            r#"{"FrameType":"DataSetCompletion","HasErrors":true,"HasErrors":false}]"#,
            ErrorKind::DuplicateProperty,
            50,
        ),
        (
            r#"{"FrameType":"DataTable","FrameType":"DataSetCompletion"}]"#,
            ErrorKind::DuplicateProperty,
            25,
        ),
        // Nothing may follow the DataSetCompletion frame.
        (
            r#"{"HasErrors":false},{"TableId":1,"TableProgress":5}]"#,
            ErrorKind::FrameAfterCompletion,
            20,
        ),
        // TableId is required on progress, completion and fragments.
        (
            r#"{"FrameType":"TableProgress","TableProgress":5}]"#,
            ErrorKind::MissingProperty,
            46,
        ),
        (r#"{"RowCount":3}]"#, ErrorKind::MissingProperty, 13),
        (
            r#"{"TableFragmentType":"DataAppend","Rows":[[1]]}]"#,
            ErrorKind::MissingProperty,
            46,
        ),
        // Rows handed out as a DataTable's; the FrameType that follows says
        // otherwise.
        (
            r#"{"TableId":1,"TableKind":"PrimaryResult","TableName":"T","Columns":[],"Rows":[[1]],"FrameType":"TableFragment"}]"#,
            ErrorKind::FrameTypeMismatch,
            110,
        ),
    ];
    for (tail, kind, at) in cases {
        let body = format!("{H}{tail}");
        let (events, r) = decode_all_ways(body.as_bytes());
        let e = r.unwrap_err();
        assert_eq!((e.kind(), e.offset()), (*kind, (48 + at) as u64), "{body}");
        assert_eq!(
            oracle(body.as_bytes()).map(|o| o.1),
            Some(Err(*kind)),
            "{body}"
        );
        // What came before the error was delivered.
        assert!(
            matches!(events[0], OwnedEvent::DataSetHeader { .. }),
            "{body}"
        );
    }
}

#[test]
fn rows_held_when_the_body_fails_are_delivered_before_the_error() {
    // Rows come before the frame's kind; the body is then cut short, or
    // breaks, inside them or after them (a TableKind that is not a string).
    let base = r#"[{"FrameType":"DataSetHeader","Version":"v2.0"},{"TableId":3,"Rows":[[1],[2],[3"#;
    for (tail, whole) in [
        ("", 2),
        (",x]]}]", 2),
        ("]]", 3),
        ("]],\"TableKind\":5}]", 3),
    ] {
        let body = format!("{base}{tail}");
        let (events, r) = decode_all_ways(body.as_bytes());
        assert!(r.is_err(), "{body}");
        let rows: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                OwnedEvent::Row(r) => Some((r.table_id, r.cells[0].raw.clone())),
                _ => None,
            })
            .collect();
        let want: Vec<_> = (1..=whole).map(|i| (Some(3), i.to_string())).collect();
        assert_eq!(rows, want, "{body}");
        assert!(matches!(&events[1], OwnedEvent::DataTable(t) if t.table_id == Some(3)));
    }
}

// ---------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------

fn body_error(permanent: Option<bool>) -> ResponseError {
    let flag = match permanent {
        Some(p) => format!(r#","@permanent":{p}"#),
        None => String::new(),
    };
    let raw = format!(r#"{{"error":{{"code":"E","message":"m"{flag}}}}}"#);
    ResponseError::Body {
        error: OneApiError::parse_all(&raw).pop(),
        raw,
    }
}

fn dataset_error(permanent: Option<bool>) -> ResponseError {
    let flag = match permanent {
        Some(p) => format!(r#","@permanent":{p}"#),
        None => String::new(),
    };
    ResponseError::DataSet {
        errors: OneApiError::parse_all(&format!(r#"[{{"error":{{"code":"E"{flag}}}}}]"#)),
    }
}

#[test]
fn is_retryable_obeys_permanent_and_the_status_table() {
    // (status, retryable by status alone) from the service's status table:
    // 429 throttling and 5xx service failures may pass; 4xx are the
    // request's fault; 2xx depends on the body's errors.
    let statuses = [
        (200, None),
        (400, Some(false)),
        (401, Some(false)),
        (403, Some(false)),
        (404, Some(false)),
        (413, Some(false)),
        (429, Some(true)),
        (500, Some(true)),
        (503, Some(true)),
        (504, Some(true)),
        (520, Some(true)),
        (302, Some(false)),
    ];
    for (status, by_status) in statuses {
        for make in [body_error, dataset_error] {
            for permanent in [None, Some(true), Some(false)] {
                let errors = [make(permanent)];
                let want = match (permanent, by_status) {
                    // `@permanent: true`: never, whatever the status.
                    (Some(true), _) => false,
                    // 2xx: only an error marked transient.
                    (p, None) => p == Some(false),
                    // Otherwise the status decides; `@permanent: false`
                    // does not make a 4xx retryable.
                    (_, Some(s)) => s,
                };
                assert_eq!(
                    is_retryable(status, &errors),
                    want,
                    "{status} with @permanent {permanent:?} ({errors:?})"
                );
            }
        }
        // No errors at all.
        assert_eq!(
            is_retryable(status, &[]),
            by_status.unwrap_or(false),
            "{status}"
        );
        // One permanent error among transient ones: not retryable.
        let mixed = [dataset_error(Some(false)), body_error(Some(true))];
        assert!(!is_retryable(status, &mixed), "{status}");
    }
}
