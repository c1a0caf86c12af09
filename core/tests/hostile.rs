//! Limits on what the decoder keeps per table: the number of tables a
//! response may name, and the rows it holds for frames that send them early.

use kusto_frames::{decode_chunks_with, Decoder, DecoderConfig, ErrorKind, OwnedEvent};

fn run(cfg: &DecoderConfig, body: &[u8]) -> (Vec<OwnedEvent>, Result<(), kusto_frames::Error>) {
    let whole = decode_chunks_with(&mut Decoder::with_config(cfg.clone()), [body]);
    for n in [1, 7, 64, 4096] {
        let got = decode_chunks_with(&mut Decoder::with_config(cfg.clone()), body.chunks(n));
        assert_eq!(got, whole, "chunk {n}");
    }
    whole
}

const HEADER: &str = r#"[{"FrameType":"DataSetHeader","IsProgressive":true,"Version":"v2.0"}"#;
const END: &str = r#",{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;

#[test]
fn the_number_of_tables_a_response_names_is_bounded() {
    let mut cfg = DecoderConfig::default();
    cfg.max_tables(3);
    // TableProgress frames for ids nothing declared: each names a table.
    let progress = |ids: &[i64]| {
        let frames: String = ids
            .iter()
            .map(|i| {
                format!(r#",{{"FrameType":"TableProgress","TableId":{i},"TableProgress":50}}"#)
            })
            .collect();
        format!("{HEADER}{frames}{END}")
    };
    // The same ids again and again are fine.
    assert_eq!(
        run(&cfg, progress(&[1, 2, 3, 1, 2, 3, 3]).as_bytes()).1,
        Ok(())
    );
    let body = progress(&[1, 2, 3, 4]);
    let (events, r) = run(&cfg, body.as_bytes());
    let e = r.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TooManyTables);
    // At the end of the frame that names the fourth table.
    let fourth = body.rfind(r#""TableProgress":50}"#).unwrap() + 18;
    assert_eq!(e.offset(), fourth as u64);
    // The three frames before it were delivered.
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, OwnedEvent::TableProgress { .. }))
            .count(),
        3
    );

    // DataTables streaming their rows count when their rows begin.
    let table = |i: i64| {
        format!(
            r#",{{"FrameType":"DataTable","TableId":{i},"TableKind":"PrimaryResult","TableName":"T","Columns":[],"Rows":[[]]}}"#
        )
    };
    let body = format!(
        "{HEADER}{}{}{}{}{END}",
        table(1),
        table(2),
        table(3),
        table(4)
    );
    let e = run(&cfg, body.as_bytes()).1.unwrap_err();
    let rows = body.rfind(r#""Rows":"#).unwrap() + 7;
    assert_eq!(
        (e.kind(), e.offset()),
        (ErrorKind::TooManyTables, rows as u64)
    );

    // V1: the fourth table's `{`.
    let v1_table = r#"{"TableName":"T","Columns":[],"Rows":[]}"#;
    let body = format!(r#"{{"Tables":[{0},{0},{0},{0}]}}"#, v1_table);
    let e = run(&cfg, body.as_bytes()).1.unwrap_err();
    let fourth = 11 + 3 * (v1_table.len() + 1);
    assert_eq!(
        (e.kind(), e.offset()),
        (ErrorKind::TooManyTables, fourth as u64)
    );
}

#[test]
fn the_default_limits_are_documented_values() {
    // The README states these: keep them in step.
    let body = {
        let frames: String = (0..4096)
            .map(|i| format!(r#",{{"FrameType":"TableProgress","TableId":{i},"TableProgress":1}}"#))
            .collect();
        format!("{HEADER}{frames}{END}")
    };
    assert_eq!(
        decode_chunks_with(&mut Decoder::new(), [body.as_bytes()]).1,
        Ok(())
    );
    let more = body.replacen(
        END,
        r#",{"FrameType":"TableProgress","TableId":-1,"TableProgress":1}"#,
        1,
    ) + END;
    assert!(serde_json::from_str::<serde_json::Value>(&more).is_ok());
    let e = decode_chunks_with(&mut Decoder::new(), [more.as_bytes()])
        .1
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TooManyTables);
}

#[test]
fn the_error_tracker_keeps_a_bounded_amount_of_error_text() {
    use kusto_frames::response::{classify, ErrorTracker, Outcome};
    // 100 row errors of about 100 KB each, then a DataSet error.
    let big = "x".repeat(100_000);
    let row_error = format!(r#"{{"OneApiErrors":[{{"error":{{"code":"E","message":"{big}"}}}}]}}"#);
    let rows = vec![row_error; 100].join(",");
    let body = format!(
        r#"{HEADER},{{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"T","Columns":[],"Rows":[{rows}]}},{{"FrameType":"DataSetCompletion","HasErrors":true,"Cancelled":false}}]"#
    );
    let track = |max: usize| {
        let mut t = ErrorTracker::new();
        t.max_bytes(max);
        let mut dec = Decoder::new();
        for c in body.as_bytes().chunks(4096).map(Some).chain([None]) {
            let mut feed = match c {
                Some(c) => dec.feed(c),
                None => dec.finish(),
            };
            while let Some(ev) = feed.next_event().unwrap() {
                t.observe(&ev);
            }
        }
        t
    };
    // 1 MiB: each row error holds its raw text and its message (about
    // 200 KB), so five fit; the other 95 are counted; the DataSet error,
    // which holds no text, fits.
    let t = track(1 << 20);
    assert_eq!(t.errors().len(), 6);
    assert_eq!(t.dropped(), 95);
    assert!(matches!(
        t.errors().last(),
        Some(kusto_frames::response::ResponseError::DataSet { .. })
    ));
    // The first error is kept even when it alone is over the limit.
    let t = track(10);
    assert_eq!((t.errors().len(), t.dropped()), (1, 100));
    assert_eq!(classify(200, &t.finish()), Outcome::PartialFailure);
    // The default, 16 MiB, keeps 83 of the 100 (20 MB in all).
    let t = track(16 << 20);
    assert_eq!((t.errors().len(), t.dropped()), (84, 17));
}
