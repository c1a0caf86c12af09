//! The response as a whole: error tracking, OneApiErrors parsing, status
//! classification.

use kusto_frames::response::{
    classify, is_retryable, Correlation, ErrorTracker, Json, OneApiError, Outcome, ResponseError,
    Status,
};
use kusto_frames::{decode_chunks_with, Decoder, DecoderConfig, ErrorKind};

fn track_chunked(body: &[u8], chunk: usize) -> Vec<ResponseError> {
    let mut dec = Decoder::new();
    let mut t = ErrorTracker::new();
    for c in body.chunks(chunk) {
        let mut feed = dec.feed(c);
        while let Some(ev) = feed.next_event().unwrap() {
            t.observe(&ev);
        }
    }
    assert!(dec.finish().next_event().unwrap().is_none());
    t.finish()
}

/// The tracker, keeping at most `limit` errors, after the whole `body`.
fn track_limited(body: &[u8], limit: usize) -> ErrorTracker {
    let mut dec = Decoder::new();
    let mut t = ErrorTracker::with_limit(limit);
    let mut feed = dec.feed(body);
    while let Some(ev) = feed.next_event().unwrap() {
        t.observe(&ev);
    }
    drop(feed);
    assert!(dec.finish().next_event().unwrap().is_none());
    t
}

fn track(body: &[u8]) -> Vec<ResponseError> {
    let whole = track_chunked(body, body.len().max(1));
    for n in [1, 5, 64] {
        assert_eq!(track_chunked(body, n), whole, "chunk {n}");
    }
    whole
}

const SPEC_ERROR: &str = r#"{"error":{"code":"General_BadRequest","message":"Request is invalid and cannot be executed.","@type":"Kusto.Data.Exceptions.KustoBadRequestException","@message":"Semantic error","@context":{"timestamp":"2023-04-18T12:59:27.4855445Z","processId":12580,"clientRequestId":"Kusto.Cli;b90f","activityId":"9dcc4522"},"@permanent":true,"innererror":{"code":"SEM0100","message":"'table' operator","@permanent":true,"innererror":{"code":"Deepest","@permanent":false}}}}"#;

#[test]
fn error_body_decodes_to_a_structured_error() {
    let errs = track(SPEC_ERROR.as_bytes());
    assert_eq!(errs.len(), 1);
    let ResponseError::Body { error: Some(e), .. } = &errs[0] else {
        panic!("{errs:?}")
    };
    assert_eq!(e.code.as_deref(), Some("General_BadRequest"));
    assert_eq!(
        e.error_type.as_deref(),
        Some("Kusto.Data.Exceptions.KustoBadRequestException")
    );
    assert_eq!(e.detail.as_deref(), Some("Semantic error"));
    assert_eq!(e.context("clientRequestId"), Some("Kusto.Cli;b90f"));
    assert_eq!(e.context("processId"), Some("12580"));
    assert_eq!(e.permanent, Some(true));
    let codes: Vec<_> = e.chain().map(|e| e.code.as_deref().unwrap_or("")).collect();
    assert_eq!(codes, ["General_BadRequest", "SEM0100", "Deepest"]);
    assert_eq!(classify(400, &errs), Outcome::Failed);
    assert!(!is_retryable(400, &errs));
}

#[test]
fn partial_failures_in_a_200_response() {
    let body = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"T","Columns":[{"ColumnName":"x","ColumnType":"int"}],"Rows":[[1],{"OneApiErrors":[{"error":{"code":"LimitsExceeded","@permanent":false}}]}]},
{"FrameType":"DataTable","TableId":2,"TableKind":"QueryCompletionInformation","TableName":"QueryCompletionInformation","Columns":[{"ColumnName":"Level","ColumnType":"int"},{"ColumnName":"LevelName","ColumnType":"string"}],"Rows":[[4,"Info"],[2,"Error"]]},
{"FrameType":"DataSetCompletion","HasErrors":true,"Cancelled":true,"OneApiErrors":[{"error":{"code":"LimitsExceeded","@permanent":false}}]}]"#;
    let errs = track(body);
    assert!(
        matches!(&errs[0], ResponseError::Row { index: 1, errors, .. } if errors[0].code.as_deref() == Some("LimitsExceeded"))
    );
    assert!(
        matches!(&errs[1], ResponseError::QueryCompletion { level: 2, row } if row == r#"[2,"Error"]"#)
    );
    assert!(matches!(&errs[2], ResponseError::DataSet { errors } if errors.len() == 1));
    assert_eq!(errs[3], ResponseError::Cancelled);
    assert_eq!(errs.len(), 4);
    assert_eq!(classify(200, &errs), Outcome::PartialFailure);
    assert!(is_retryable(200, &errs));
}

#[test]
fn clean_response_is_a_success() {
    let body = br#"[{"FrameType":"DataSetHeader","Version":"v2.0"},{"FrameType":"DataTable","TableId":2,"TableKind":"QueryCompletionInformation","Columns":[{"ColumnName":"Level","ColumnType":"int"}],"Rows":[[4],[3]]},{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
    let errs = track(body);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(classify(200, &errs), Outcome::Success);
    assert!(!is_retryable(200, &errs));
}

#[test]
fn v1_query_status_and_exceptions() {
    let status_cols = r#"[{"ColumnName":"Timestamp","DataType":"DateTime"},{"ColumnName":"Severity","DataType":"Int32"},{"ColumnName":"SeverityName","DataType":"String"},{"ColumnName":"StatusCode","DataType":"Int32"}]"#;
    let toc = r#"{"TableName":"Table_2","Columns":[{"ColumnName":"Ordinal","DataType":"Int64"},{"ColumnName":"Kind","DataType":"String"},{"ColumnName":"Name","DataType":"String"},{"ColumnName":"Id","DataType":"String"},{"ColumnName":"PrettyName","DataType":"String"}],"Rows":[[0,"QueryResult","PrimaryResult","a",""],[1,"QueryStatus","QueryStatus","b",""]]}"#;
    let body = format!(
        r#"{{"Tables":[{{"TableName":"Table_0","Columns":[{{"ColumnName":"a","DataType":"Int32"}}],"Rows":[[1],{{"Exceptions":["boom"]}}]}},{{"TableName":"Table_1","Columns":{status_cols},"Rows":[["2020-01-01T00:00:00Z",4,"Info",0],["2020-01-01T00:00:00Z",2,"Error",-1]]}},{toc}],"Exceptions":["top"]}}"#
    );
    let errs = track(body.as_bytes());
    assert!(matches!(
        &errs[0],
        ResponseError::Row {
            table_id: Some(0),
            index: 1,
            ..
        }
    ));
    assert_eq!(errs[1], ResponseError::Exceptions(r#"["top"]"#.into()));
    assert!(matches!(
        &errs[2],
        ResponseError::QueryStatus { severity: 2, .. }
    ));
    assert_eq!(errs.len(), 3);
    // The same table not named QueryStatus by the TableOfContents is data.
    let renamed = body.replace(
        r#"[1,"QueryStatus","QueryStatus""#,
        r#"[1,"QueryResult","Other""#,
    );
    assert_eq!(track(renamed.as_bytes()).len(), 2);
}

#[test]
fn status_codes_and_headers() {
    for (code, st, retry) in [
        (200, Status::Ok, false),
        (400, Status::BadRequest, false),
        (401, Status::Unauthorized, false),
        (403, Status::Forbidden, false),
        (404, Status::NotFound, false),
        (413, Status::PayloadTooLarge, false),
        (429, Status::TooManyRequests, true),
        (504, Status::Timeout, true),
        (520, Status::ServiceError, true),
        (503, Status::Other(503), true),
    ] {
        assert_eq!(Status::from_code(code), st);
        assert_eq!(st.code(), code);
        assert_eq!(st.is_retryable(), retry, "{code}");
        assert_eq!(classify(code, &[]) == Outcome::Success, code == 200);
    }
    let c = Correlation::from_headers([
        ("Content-Type", "application/json"),
        ("X-MS-Client-Request-Id", "KD;1"),
        ("x-ms-activity-id", "abc"),
    ]);
    assert_eq!(c.client_request_id, Some("KD;1"));
    assert_eq!(c.activity_id, Some("abc"));
}

#[test]
fn json_helper_parses_and_rejects() {
    assert_eq!(
        Json::parse(r#"{"a":[1,-2.5e3,"x\u00e9",true,null]}"#)
            .unwrap()
            .get("a"),
        Some(&Json::Array(vec![
            Json::Number("1".into()),
            Json::Number("-2.5e3".into()),
            Json::String("x\u{e9}".into()),
            Json::Bool(true),
            Json::Null
        ]))
    );
    for bad in ["", "{", "[1,]", "{\"a\" 1}", "01x", "\"\u{1}\"", "[1] 2"] {
        assert_eq!(Json::parse(bad), None, "{bad:?}");
    }
    let deep = "[".repeat(200) + &"]".repeat(200);
    assert_eq!(Json::parse(&deep), None);
    assert_eq!(
        OneApiError::parse_all("[1, {\"error\":{\"code\":\"c\"}}]").len(),
        1
    );
}

#[test]
fn plain_text_error_body() {
    let text = "Bad request: Control commands do not support api_version=v2";
    let e = kusto_frames::decode_slice(text.as_bytes()).unwrap_err();
    assert_eq!(
        (e.kind(), e.offset()),
        (kusto_frames::ErrorKind::NotAResponse, 0)
    );
    let mut t = ErrorTracker::new();
    t.observe_text_body(text);
    let errs = t.finish();
    assert_eq!(classify(400, &errs), Outcome::Failed);
    assert!(matches!(&errs[0], ResponseError::Body { error: None, raw } if raw == text));
}

#[test]
fn empty_error_arrays_are_not_errors() {
    let body = br#"[{"FrameType":"DataSetHeader","Version":"v2.0"},{"FrameType":"TableCompletion","TableId":1,"RowCount":0,"OneApiErrors":[ ]},{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false,"OneApiErrors":[]}]"#;
    assert_eq!(track(body), vec![]);
    assert_eq!(track(br#"{"Tables":[],"Exceptions":[]}"#), vec![]);
    // HasErrors alone is still an error.
    let body = br#"[{"FrameType":"DataSetCompletion","HasErrors":true,"OneApiErrors":[]}]"#;
    assert_eq!(track(body), vec![ResponseError::DataSet { errors: vec![] }]);
}

#[test]
fn error_memory_is_bounded() {
    let mut body = String::from(r#"[{"FrameType":"DataTable","TableId":1,"Columns":[],"Rows":["#);
    for i in 0..5000 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(r#"{"OneApiErrors":[{"error":{"code":"E"}}]}"#);
    }
    body.push_str(r#"]},{"FrameType":"DataSetCompletion","HasErrors":true}]"#);
    let t = track_limited(body.as_bytes(), 100);
    assert_eq!(t.dropped(), 5001 - 100);
    let errs = t.finish();
    assert_eq!(errs.len(), 100);
    assert_eq!(classify(200, &errs), Outcome::PartialFailure);
}

/// A frame's properties, in the order given.
fn frame(props: &[(&str, &str)]) -> String {
    let body: Vec<String> = props.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
    format!("{{{}}}", body.join(","))
}

/// Every order of `props` (at most a few properties).
fn orders<'a>(props: &[(&'a str, &'a str)]) -> Vec<Vec<(&'a str, &'a str)>> {
    if props.len() <= 1 {
        return vec![props.to_vec()];
    }
    let mut all = Vec::new();
    for i in 0..props.len() {
        let mut rest = props.to_vec();
        let first = rest.remove(i);
        for mut tail in orders(&rest) {
            tail.insert(0, first);
            all.push(tail);
        }
    }
    all
}

#[test]
fn error_rows_are_found_in_any_property_order() {
    let head = r#"{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"}"#;
    let end = r#"{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}"#;
    let qci = [
        ("FrameType", r#""DataTable""#),
        ("TableId", "2"),
        ("TableKind", r#""QueryCompletionInformation""#),
        (
            "Columns",
            r#"[{"ColumnName":"Timestamp","ColumnType":"datetime"},{"ColumnName":"Level","ColumnType":"int"},{"ColumnName":"LevelName","ColumnType":"string"}]"#,
        ),
        (
            "Rows",
            r#"[["2020-01-01T00:00:00Z",4,"Info"],["2020-01-01T00:00:00Z",2,"Error"],["2020-01-01T00:00:00Z",1,"Critical"]]"#,
        ),
    ];
    let expected = vec![
        ResponseError::QueryCompletion {
            level: 2,
            row: r#"["2020-01-01T00:00:00Z",2,"Error"]"#.into(),
        },
        ResponseError::QueryCompletion {
            level: 1,
            row: r#"["2020-01-01T00:00:00Z",1,"Critical"]"#.into(),
        },
    ];
    let all = orders(&qci);
    assert_eq!(all.len(), 120);
    for props in &all {
        let body = format!("[{head},{},{end}]", frame(props));
        assert_eq!(track(body.as_bytes()), expected, "{body}");
    }

    // Progressive: the fragment's TableId after its Rows.
    let header = r#"{"FrameType":"TableHeader","TableId":2,"TableKind":"QueryCompletionInformation","TableName":"QueryCompletionInformation","Columns":[{"ColumnName":"Timestamp","ColumnType":"datetime"},{"ColumnName":"Level","ColumnType":"int"},{"ColumnName":"LevelName","ColumnType":"string"}]}"#;
    let other = r#"{"FrameType":"TableHeader","TableId":1,"TableKind":"PrimaryResult","TableName":"T","Columns":[{"ColumnName":"x","ColumnType":"int"}]}"#;
    let fragment = [
        ("FrameType", r#""TableFragment""#),
        ("TableFragmentType", r#""DataAppend""#),
        ("TableId", "2"),
        (
            "Rows",
            r#"[["2020-01-01T00:00:00Z",4,"Info"],["2020-01-01T00:00:00Z",2,"Error"],["2020-01-01T00:00:00Z",1,"Critical"]]"#,
        ),
    ];
    let primary = r#"{"FrameType":"TableFragment","Rows":[[2],[1]],"TableId":1}"#;
    for props in orders(&fragment) {
        let body = format!(
            "[{head},{other},{header},{primary},{},{end}]",
            frame(&props)
        );
        assert_eq!(track(body.as_bytes()), expected, "{body}");
    }
}

#[test]
fn v1_error_rows_are_found_in_any_property_order() {
    let status = [
        ("TableName", r#""Table_1""#),
        (
            "Columns",
            r#"[{"ColumnName":"Timestamp","DataType":"DateTime"},{"ColumnName":"Severity","DataType":"Int32"},{"ColumnName":"SeverityName","DataType":"String"},{"ColumnName":"StatusCode","DataType":"Int32"}]"#,
        ),
        (
            "Rows",
            r#"[["2020-01-01T00:00:00Z",4,"Info",0],["2020-01-01T00:00:00Z",2,"Error",-1]]"#,
        ),
    ];
    let toc = [
        ("TableName", r#""Table_2""#),
        (
            "Columns",
            r#"[{"ColumnName":"Ordinal","DataType":"Int64"},{"ColumnName":"Kind","DataType":"String"},{"ColumnName":"Name","DataType":"String"}]"#,
        ),
        (
            "Rows",
            r#"[[0,"QueryResult","PrimaryResult"],[1,"QueryStatus","QueryStatus"]]"#,
        ),
    ];
    let expected = vec![ResponseError::QueryStatus {
        severity: 2,
        row: r#"["2020-01-01T00:00:00Z",2,"Error",-1]"#.into(),
    }];
    for s in orders(&status) {
        for t in orders(&toc) {
            let body = format!(
                r#"{{"Tables":[{{"TableName":"Table_0","Rows":[[1]],"Columns":[{{"ColumnName":"a","DataType":"Int32"}}]}},{},{}]}}"#,
                frame(&s),
                frame(&t)
            );
            assert_eq!(track(body.as_bytes()), expected, "{body}");
            // The TableOfContents names table 1 a result: its rows are data.
            let renamed = body.replace(
                r#"[1,"QueryStatus","QueryStatus"]"#,
                r#"[1,"QueryResult","R"]"#,
            );
            assert_eq!(track(renamed.as_bytes()), vec![], "{renamed}");
        }
    }
}

#[test]
fn rows_sent_before_their_table_kind_are_judged_and_bounded() {
    // A table of `kind` whose rows, `n` times `row`, come before its kind.
    let rows_first = |kind: &str, row: &str, n: usize| {
        let rows = vec![row; n].join(",");
        format!(
            r#"[{{"FrameType":"DataTable","Rows":[{rows}],"TableId":2,"TableName":"T","TableKind":"{kind}","Columns":[{{"ColumnName":"Level","ColumnType":"int"}},{{"ColumnName":"LevelName","ColumnType":"string"}}]}},{{"FrameType":"DataSetCompletion","HasErrors":true}}]"#
        )
    };
    let qci = "QueryCompletionInformation";
    // The decoder holds the rows until the frame ends, then hands them out
    // after a head event that has the kind: each is judged.
    let t = track_limited(rows_first(qci, r#"[2,"Error"]"#, 500).as_bytes(), 100);
    // 100 rows kept and reported, 400 past the limit, and the DataSet error.
    assert_eq!(t.dropped(), 400 + 1);
    let errs = t.finish();
    assert_eq!(errs.len(), 100);
    assert!(errs
        .iter()
        .all(|e| matches!(e, ResponseError::QueryCompletion { level: 2, .. })));
    for n in [1, 7, 64] {
        let body = rows_first(qci, r#"[2,"Error"]"#, 50);
        assert_eq!(
            track_chunked(body.as_bytes(), n),
            track_chunked(body.as_bytes(), body.len()),
            "chunk {n}"
        );
    }

    // A table that turns out to report no errors: nothing reported.
    let t = track_limited(
        rows_first("PrimaryResult", r#"[2,"Error"]"#, 500).as_bytes(),
        100,
    );
    assert_eq!(t.dropped(), 0);
    assert_eq!(t.finish(), vec![ResponseError::DataSet { errors: vec![] }]);

    // What the decoder holds is bounded: past `max_held_rows_bytes` the
    // body is rejected at the offset where the limit was passed.
    let big = format!(r#"[2,"{}"]"#, "x".repeat(8000));
    let body = rows_first(qci, &big, 300);
    let mut cfg = DecoderConfig::default();
    cfg.max_held_rows_bytes(1 << 20);
    for n in [1, 4096, body.len()] {
        let mut dec = Decoder::with_config(cfg.clone());
        let (_, r) = decode_chunks_with(&mut dec, body.as_bytes().chunks(n));
        let e = r.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::HeldRowsTooLarge, "chunk {n}");
        // The `[` of `Rows` is at byte 33 (after `[{"FrameType":"DataTable","Rows":`).
        assert_eq!(e.offset(), 33 + (1 << 20), "chunk {n}");
    }
}

/// `Json::parse` reads text with the decoder's own grammar: strict RFC 8259,
/// exact number text, unescaped strings, properties in order, bounded depth.
#[test]
fn json_parse_follows_the_decoders_grammar() {
    let v = Json::parse(r#" {"b":[1,-0.5e+3,true,null],"a":"x\u00e9\n","":{}} "#).unwrap();
    assert_eq!(
        v,
        Json::Object(vec![
            (
                "b".into(),
                Json::Array(vec![
                    Json::Number("1".into()),
                    Json::Number("-0.5e+3".into()),
                    Json::Bool(true),
                    Json::Null,
                ])
            ),
            ("a".into(), Json::String("x\u{e9}\n".into())),
            (String::new(), Json::Object(vec![])),
        ])
    );
    assert_eq!(Json::parse("7"), Some(Json::Number("7".into())));
    assert_eq!(Json::parse("\"s\""), Some(Json::String("s".into())));
    for bad in [
        "",
        "1.",
        ".5",
        "01",
        "+1",
        "[1,]",
        "{\"a\"}",
        "{\"a\":1,}",
        "[] []",
        "\"\\ud800\"",
        "\"\\x\"",
        "tru",
        "[1}",
        "{\"a\":1]",
        "NaN",
    ] {
        assert_eq!(Json::parse(bad), None, "{bad:?}");
    }
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(Json::parse(&deep(128)).is_some());
    assert!(Json::parse(&deep(129)).is_none());
    assert!(Json::parse(&"[".repeat(1_000_000)).is_none());
}
