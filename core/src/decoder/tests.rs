use super::*;
use crate::owned::OwnedEvent;
use alloc::format;
use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;

fn run(cfg: &DecoderConfig, body: &[u8], chunk: usize) -> (Vec<OwnedEvent>, Result<(), Error>) {
    let mut dec = Decoder::with_config(cfg.clone());
    crate::owned::decode_chunks_with(&mut dec, body.chunks(chunk.max(1)))
}

/// Decodes whole and in 1- and 3-byte chunks; all must agree.
fn check(cfg: &DecoderConfig, body: &str) -> (Vec<OwnedEvent>, Result<(), Error>) {
    let whole = run(cfg, body.as_bytes(), usize::MAX);
    for n in [1, 3] {
        assert_eq!(run(cfg, body.as_bytes(), n), whole, "chunk {n}: {body}");
    }
    whole
}

/// The end of the input, where no event is due any more.
fn end(dec: &mut Decoder) -> Result<(), Error> {
    let mut feed = dec.finish();
    let r = feed
        .next_event()
        .map(|ev| assert!(ev.is_none(), "an event at the end"));
    r
}

fn err(body: &str) -> (ErrorKind, u64) {
    let e = check(&DecoderConfig::default(), body).1.unwrap_err();
    (e.kind(), e.offset())
}

macro_rules! errors {
    ($($name:ident: $body:expr => $kind:ident @ $off:expr;)*) => {$(
        #[test]
        fn $name() {
            assert_eq!(err($body), (ErrorKind::$kind, $off));
        }
    )*};
}

const H: &str = r#"{"FrameType":"DataSetHeader","Version":"v2.0"}"#; // 46 bytes

errors! {
    empty_body: "" => UnexpectedEof @ 0;
    whitespace_body: " \n" => UnexpectedEof @ 2;
    scalar_body: "42" => NotAResponse @ 0;
    text_body: "Bad request" => NotAResponse @ 0;
    bom_body: "\u{feff}[]" => MissingCompletion @ 5;
    bom_twice: "\u{feff}\u{feff}[]" => NotAResponse @ 3;
    truncated_frame: "[{\"FrameType\":\"DataSe" => UnexpectedEof @ 21;
    missing_completion: "[]" => MissingCompletion @ 2;
    trailing_comma_array: "[{},]" => TrailingComma @ 4;
    trailing_comma_object: "[{\"a\":1,}]" => TrailingComma @ 8;
    leading_zero: "[{\"a\":012}]" => LeadingZero @ 7;
    bad_number: "[{\"a\":1.}]" => InvalidNumber @ 8;
    bad_exponent: "[{\"a\":1e}]" => InvalidNumber @ 8;
    minus_alone: "[{\"a\":-}]" => InvalidNumber @ 7;
    bad_escape: "[{\"a\":\"\\x\"}]" => InvalidEscape @ 8;
    bad_unicode_escape: "[{\"a\":\"\\u12G4\"}]" => InvalidEscape @ 11;
    lone_high_surrogate: "[{\"a\":\"\\ud800x\"}]" => LoneSurrogate @ 13;
    lone_low_surrogate: "[{\"a\":\"\\udc00\"}]" => LoneSurrogate @ 12;
    control_char: "[{\"a\":\"x\ty\"}]" => ControlCharacter @ 8;
    trailing_data: "[{\"HasErrors\":false}] x" => TrailingData @ 22;
    bad_literal: "[{\"a\":tru}]" => Syntax @ 9;
    missing_colon: "[{\"a\" 1}]" => Syntax @ 6;
    frame_not_object: "[1]" => UnexpectedType @ 1;
    rows_not_array: "[{\"Rows\":5}]" => UnexpectedType @ 9;
    scalar_in_rows: "[{\"Rows\":[1]}]" => UnexpectedType @ 10;
    table_id_string: "[{\"TableId\":\"1\"}]" => UnexpectedType @ 12;
    table_id_fraction: "[{\"TableId\":1.5}]" => UnexpectedType @ 12;
    table_id_too_big: "[{\"TableId\":99999999999999999999}]" => NumberOutOfRange @ 12;
    column_name_number: "[{\"Columns\":[{\"ColumnName\":1}]}]" => UnexpectedType @ 27;
}

#[test]
fn invalid_utf8_is_an_error_with_its_offset() {
    for (body, off) in [
        (&b"[{\"a\":\"\xff\"}]"[..], 7),
        (&b"[{\"a\":\"\xc3\"}]"[..], 8),
        (&b"[{\"a\":\"\xe0\x80\x80\"}]"[..], 8),
        (&b"[{\"a\":\"\xed\xa0\x80\"}]"[..], 8),
        (&b"[{\"a\":\"\xf4\x90\x80\x80\"}]"[..], 8),
        (&b"[{\"a\":1}\xc3\xa9]"[..], 8),
    ] {
        let whole = run(&DecoderConfig::default(), body, usize::MAX);
        assert_eq!(run(&DecoderConfig::default(), body, 1), whole);
        let e = whole.1.unwrap_err();
        let want = if off == 8 && body.ends_with(b"\xa9]") {
            ErrorKind::Syntax
        } else {
            ErrorKind::InvalidUtf8
        };
        assert_eq!((e.kind(), e.offset()), (want, off), "{body:?}");
    }
    // Valid multi-byte sequences of every length pass.
    let ok = "[{\"a\":\"\u{e9}\u{65e5}\u{1F600}\u{10FFFF}\"},{\"HasErrors\":false}]";
    assert_eq!(check(&DecoderConfig::default(), ok).1, Ok(()));
}

#[test]
fn depth_limit() {
    let mut cfg = DecoderConfig::default();
    cfg.max_depth(6);
    let ok = alloc::format!("[{H},{{\"Rows\":[[[[1]]]]}},{{\"HasErrors\":false}}]");
    assert_eq!(check(&cfg, &ok).1, Ok(()));
    let deep = alloc::format!("[{H},{{\"Rows\":[[[[[1]]]]]}}]");
    let e = check(&cfg, &deep).1.unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::DepthLimit, 60));
}

#[test]
fn token_limit() {
    let mut cfg = DecoderConfig::default();
    cfg.max_token_bytes(12);
    assert_eq!(
        check(&cfg, "[{\"TableName\":\"12345678\"},{\"HasErrors\":false}]").1,
        Ok(())
    );
    let e = check(&cfg, "[{\"TableName\":\"123456789012345\"}]")
        .1
        .unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::TokenTooLong, 26));
    let e = check(&cfg, "[{\"TableId\":123456789012345}]")
        .1
        .unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::TokenTooLong, 24));
}

#[test]
fn row_limit_bounds_memory_and_keeps_earlier_rows() {
    let mut cfg = DecoderConfig::default();
    cfg.max_row_bytes(16);
    let body = "[{\"Rows\":[[1,2,3],[\"a long string cell\"]]}]";
    let (ev, r) = check(&cfg, body);
    let e = r.unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::RowTooLarge, 18 + 16));
    assert!(matches!(ev.last(), Some(OwnedEvent::Row(_))));
    // A row error object counts against the same limit.
    let e = check(&cfg, "[{\"Rows\":[{\"OneApiErrors\":[1,2,3,4]}]}]")
        .1
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RowTooLarge);
}

#[test]
fn column_and_table_limits() {
    let mut cfg = DecoderConfig::default();
    cfg.max_columns(2).max_open_tables(1);
    let e = check(&cfg, "[{\"Rows\":[[1,2,3]]}]").1.unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::TooManyColumns, 15));
    let cols =
        "[{\"Columns\":[{\"ColumnName\":\"a\"},{\"ColumnName\":\"b\"},{\"ColumnName\":\"c\"}]}]";
    assert_eq!(
        check(&cfg, cols).1.unwrap_err().kind(),
        ErrorKind::TooManyColumns
    );
    let tables = "[{\"FrameType\":\"TableHeader\",\"TableId\":1},{\"FrameType\":\"TableHeader\",\"TableId\":2}]";
    assert_eq!(
        check(&cfg, tables).1.unwrap_err().kind(),
        ErrorKind::TooManyTables
    );
    // Completing a table frees its slot.
    let ok = "[{\"FrameType\":\"TableHeader\",\"TableId\":1},{\"FrameType\":\"TableCompletion\",\"TableId\":1},{\"FrameType\":\"TableHeader\",\"TableId\":2},{\"HasErrors\":false}]";
    assert_eq!(check(&cfg, ok).1, Ok(()));
}

#[test]
fn every_frame_kind_without_frame_type() {
    let body = r#"[{"Version":"v2.0","IsProgressive":true},
        {"TableId":1,"TableKind":"PrimaryResult","TableName":"T","Columns":[{"ColumnName":"x","ColumnType":"int"}]},
        {"TableId":1,"FieldCount":1,"TableFragmentType":"DataAppend","Rows":[[1]]},
        {"TableId":1,"TableProgress":12.5},
        {"TableId":1,"Rows":[[2]]},
        {"TableId":1,"RowCount":2},
        {"TableId":2,"TableKind":"QueryProperties","TableName":"@ExtendedProperties","Columns":[],"Rows":[]},
        {"HasErrors":false,"Cancelled":false}]"#;
    let (ev, r) = check(&DecoderConfig::default(), body);
    assert_eq!(r, Ok(()));
    let names: Vec<&str> = ev
        .iter()
        .map(|e| match e {
            OwnedEvent::DataSetHeader { .. } => "DataSetHeader",
            OwnedEvent::TableHeader(_) => "TableHeader",
            OwnedEvent::TableFragment(_) => "TableFragment",
            OwnedEvent::TableFragmentEnd(_) => "TableFragmentEnd",
            OwnedEvent::Row(_) => "Row",
            OwnedEvent::TableProgress { .. } => "TableProgress",
            OwnedEvent::TableCompletion { .. } => "TableCompletion",
            OwnedEvent::DataTable(_) => "DataTable",
            OwnedEvent::DataTableEnd(_) => "DataTableEnd",
            OwnedEvent::DataSetCompletion { .. } => "DataSetCompletion",
            _ => "other",
        })
        .collect();
    assert_eq!(
        names,
        [
            "DataSetHeader",
            "TableHeader",
            "TableFragment",
            "Row",
            "TableFragmentEnd",
            "TableProgress",
            "TableFragment",
            "Row",
            "TableFragmentEnd",
            "TableCompletion",
            "DataTable",
            "DataTableEnd",
            "DataSetCompletion"
        ]
    );
}

#[test]
fn fragment_rows_carry_the_header_columns() {
    let body = r#"[{"FrameType":"TableHeader","TableId":4,"Columns":[{"ColumnName":"x","ColumnType":"long"}]},{"FrameType":"TableFragment","TableId":4,"Rows":[[1]]},{"FrameType":"DataSetCompletion"}]"#;
    let mut dec = Decoder::new();
    let mut feed = dec.feed(body.as_bytes());
    let mut names = Vec::new();
    while let Some(ev) = feed.next_event().unwrap() {
        if let Event::Row(row) = ev {
            names.extend(row.columns().iter().map(|c| String::from(c.name())));
        }
    }
    assert_eq!(names, ["x"]);
}

#[test]
fn unknown_frames_and_properties_are_skipped() {
    let body = r#"[{"FrameType":"Future","Rows":[[1]],"X":{"a":[1,{"b":null}]}},{"FrameType":"DataTable","Extra":[1,2],"Rows":[[true]],"More":"x"},{"FrameType":"DataSetCompletion","HasErrors":false}]"#;
    let (ev, r) = check(&DecoderConfig::default(), body);
    assert_eq!(r, Ok(()));
    assert!(matches!(&ev[0], OwnedEvent::UnknownFrame { frame_type } if frame_type == "Future"));
    assert_eq!(
        ev.iter()
            .filter(|e| matches!(e, OwnedEvent::Row(_)))
            .count(),
        1
    );
}

#[test]
fn escaped_keys_are_recognised() {
    let body = r#"[{"\u0046rameType":"DataSetHeader","Version":"v\u0032.0"},{"FrameType":"DataSetCompletion"}]"#;
    let (ev, r) = check(&DecoderConfig::default(), body);
    assert_eq!(r, Ok(()));
    assert!(matches!(&ev[0], OwnedEvent::DataSetHeader { version: Some(v), .. } if v == "v2.0"));
}

#[test]
fn finish_hands_out_a_pending_event() {
    let body = br#"{"Tables":[{"TableName":"T"}]}"#;
    let mut dec = Decoder::new();
    let mut feed = dec.feed(body);
    // The V1 table had no Rows: its head and end events come together.
    let mut got = Vec::new();
    while let Some(ev) = feed.next_event().unwrap() {
        let done = matches!(ev, Event::V1Table(_));
        got.push(ev.to_owned());
        if done {
            break;
        }
    }
    let rest = feed.consumed();
    drop(feed);
    assert_eq!(rest, body.len(), "the pending event needs no more bytes");
    // The end hands out the pending event, then ends cleanly.
    let mut end = dec.finish();
    while let Some(ev) = end.next_event().unwrap() {
        got.push(ev.to_owned());
    }
    drop(end);
    assert!(matches!(got.last(), Some(OwnedEvent::V1TableEnd(_))));
    assert_eq!(got.len(), 2);
    // Again: nothing more, the same outcome.
    assert!(matches!(dec.finish().next_event(), Ok(None)));
}

#[test]
fn format_detection() {
    for (body, f) in [
        ("[", Format::V2),
        ("{\"Tables\":[", Format::V1),
        ("{\"error\":{", Format::Error),
    ] {
        let mut dec = Decoder::new();
        let mut feed = dec.feed(body.as_bytes());
        while feed.next_event().unwrap().is_some() {}
        drop(feed);
        assert_eq!(dec.format(), Some(f));
    }
}

/// Rows longer than the join buffer holds back (`ROW_HOLD`), with long
/// cells of every kind and brackets and escapes inside strings, fed in
/// chunks of many small sizes: the same events as decoding whole.
#[test]
fn rows_longer_than_a_held_row() {
    let long = "x\\\"]}".repeat(700);
    let numbers: Vec<String> = (0..900u32).map(|i| (i * 37).to_string()).collect();
    let numbers = numbers.join(",");
    let body = format!(
        r#"[{{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"}},{{"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","TableName":"T","Columns":[{{"ColumnName":"a","ColumnType":"string"}},{{"ColumnName":"b","ColumnType":"dynamic"}},{{"ColumnName":"c","ColumnType":"long"}}],"Rows":[["{long}",[{numbers}],1],["s",{{"k":[{numbers}],"q":"{long}"}},2],["short",null,3],["{long}",{{}},4]]}},{{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}}]"#
    );
    let body = body.as_bytes();
    assert!(body.len() > 4 * crate::lex::ROW_HOLD);
    let whole = run(&DecoderConfig::default(), body, usize::MAX);
    assert_eq!(whole.1, Ok(()));
    let rows = whole
        .0
        .iter()
        .filter(|e| matches!(e, OwnedEvent::Row(_)))
        .count();
    assert_eq!(rows, 4);
    for n in [1, 7, 64, 100, 255, 512] {
        let mut dec = Decoder::new();
        let mut got = Vec::new();
        for chunk in body.chunks(n) {
            let mut feed = dec.feed(chunk);
            while let Some(ev) = feed.next_event().unwrap() {
                got.push(ev.to_owned());
            }
            drop(feed);
        }
        assert_eq!(end(&mut dec), Ok(()), "chunk {n}");
        assert_eq!(got, whole.0, "chunk {n}");
    }
}

/// A body that ends inside a row held back: the row is decoded at
/// `finish` as it would have been as it came, so its first error is the
/// one reported, whatever kind (here too many columns, before a syntax
/// error and the end of the body).
#[test]
fn a_held_row_at_the_end_reports_its_first_error() {
    let body = r#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},{"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","TableName":"T","Columns":[{"ColumnName":"a","ColumnType":"long"}],"Rows":[[1],[2,3,"x":"#;
    let mut cfg = DecoderConfig::default();
    cfg.max_columns(2);
    let whole = run(&cfg, body.as_bytes(), usize::MAX);
    let e = whole.1.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TooManyColumns);
    for n in 1..=64 {
        assert_eq!(run(&cfg, body.as_bytes(), n), whole, "chunk {n}");
    }
}

/// Rows after each chunk fed, one count per chunk.
fn rows_as_fed(cfg: &DecoderConfig, body: &[u8], chunk: usize) -> Vec<usize> {
    let mut dec = Decoder::with_config(cfg.clone());
    let mut rows = 0;
    let mut counts = Vec::new();
    for piece in body.chunks(chunk) {
        let mut feed = dec.feed(piece);
        while let Some(ev) = feed.next_event().unwrap() {
            rows += usize::from(matches!(ev, Event::Row(_)));
        }
        drop(feed);
        counts.push(rows);
    }
    assert_eq!(end(&mut dec), Ok(()));
    counts
}

/// A row held back in a join buffer comes out with the chunk that
/// brings its last byte, as it does decoded in place: whatever follows
/// its `]` (spaces, the next row, an error in its place, the end of the
/// rows) and whatever its cells hold (brackets inside strings, arrays
/// of arrays, a value too deep for the fast path).
#[test]
fn a_held_row_comes_out_with_its_last_byte() {
    use kusto_frames_gen::{generate_vec, GenConfig, Profile, Shape};
    let deep = format!("{}1{}", "[".repeat(70), "]".repeat(70));
    let rows = [
        format!(r#"["a],[b", [[1],[2]], {deep}]"#),
        r#"["]]", {"k":[[]],"m":"],{"}, [[[0]]]]"#.to_string(),
        format!(r#"[ "x" , {deep} , [ ] ]"#),
        r#"["\\]", [1,[2,[3]]], "\"],[\""]"#.to_string(),
    ];
    let frame = |rows: &str| {
        format!(
            r#"{{"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","TableName":"T","Columns":[{{"ColumnName":"a","ColumnType":"dynamic"}},{{"ColumnName":"b","ColumnType":"dynamic"}},{{"ColumnName":"c","ColumnType":"dynamic"}}],"Rows":[{rows}]}}"#
        )
    };
    let err = r#"{"OneApiErrors":[{"error":{"code":"E","message":"m"}}]}"#;
    let body = format!(
        "[{H},{},{},{},{},{}\n]",
        frame(&rows.join(",")),
        frame(&format!("{} ,\r\n\t{} \n", rows[0], rows[1])),
        frame(&format!("{},{}", rows[2], rows[3])).replace("]]}", "]\n ]}"),
        frame(&format!("{},{}", rows[3], err)),
        r#"{"FrameType":"DataSetCompletion","HasErrors":true,"Cancelled":false}"#,
    );
    let (mixed, _) = generate_vec(&GenConfig::new(9, Profile::Mixed, Shape::Whole, 60_000));
    let mut in_place = DecoderConfig::default();
    in_place.join_chunks(0);
    for body in [body.as_bytes(), &mixed] {
        for n in (1..=70).chain([100, 255, 256, 300, 512]) {
            assert_eq!(
                rows_as_fed(&DecoderConfig::default(), body, n),
                rows_as_fed(&in_place, body, n),
                "chunk {n}"
            );
        }
    }
}

/// A body that ends right after a malformed byte that follows a whole
/// row: the row, held back (the byte after its `]` is one that only a
/// `]` inside a row may be followed by), still comes out before the
/// error. `finish` asks for it to be drained first.
#[test]
fn a_whole_row_held_at_the_end_comes_out_before_the_error() {
    let head = r#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},{"FrameType":"DataTable","TableId":0,"TableKind":"PrimaryResult","TableName":"T","Columns":[{"ColumnName":"a","ColumnType":"long"},{"ColumnName":"b","ColumnType":"dynamic"}],"Rows":[[0,null],"#;
    for tail in [
        r#"[1,[2]]}"#,
        r#"[1,[2]] , 5"#,
        r#"[1,"]"],"x"]"#,
        "[1,{}]\n}",
    ] {
        let body = format!("{head}{tail}");
        let whole = run(&DecoderConfig::default(), body.as_bytes(), usize::MAX);
        let rows = |ev: &[OwnedEvent]| {
            ev.iter()
                .filter(|e| matches!(e, OwnedEvent::Row(_)))
                .count()
        };
        assert_eq!(rows(&whole.0), 2, "{tail}");
        assert!(whole.1.is_err(), "{tail}");
        for n in 1..=64 {
            assert_eq!(
                run(&DecoderConfig::default(), body.as_bytes(), n),
                whole,
                "chunk {n}: {tail}"
            );
        }
    }
    // Step by step: the last chunk brings the row, its `]` followed
    // by a `}`.
    let body = format!("{head}[1,{{}}]}}");
    let (a, b) = body.as_bytes().split_at(body.len() - 7);
    let mut dec = Decoder::new();
    let mut rows = 0;
    for chunk in [a, b] {
        let mut feed = dec.feed(chunk);
        while let Some(ev) = feed.next_event().unwrap() {
            rows += usize::from(matches!(ev, Event::Row(_)));
        }
    }
    assert_eq!(rows, 1);
    // The end hands out the held row, then the error.
    let mut end = dec.finish();
    assert!(matches!(end.next_event(), Ok(Some(Event::Row(_)))));
    let e = end.next_event().unwrap_err();
    assert_eq!(
        (e.kind(), e.offset()),
        (ErrorKind::Syntax, body.len() as u64 - 1)
    );
    drop(end);
    assert_eq!(dec.finish().next_event().map(|_| ()), Err(e));
}

/// A large chunk joined only because the small one before it left a
/// row held back holds nothing back itself: the chunk after it is
/// decoded in place again.
#[test]
fn a_large_chunk_after_a_held_row_ends_the_joining() {
    use kusto_frames_gen::{generate_vec, GenConfig, Profile, Shape};
    let (body, _) = generate_vec(&GenConfig::new(5, Profile::Mixed, Shape::Whole, 100_000));
    let mut dec = Decoder::new();
    let mut got = Vec::new();
    // The first chunk ends inside the first row.
    let rows = body.windows(8).position(|w| w == b"\"Rows\":[").unwrap();
    let cut = rows + 40;
    let mut pieces = vec![&body[..cut]];
    pieces.extend(body[cut..].chunks(4096));
    let mut joined = Vec::new();
    for piece in pieces {
        let mut feed = dec.feed(piece);
        joined.push(feed.dec.lexer.input.joined);
        while let Some(ev) = feed.next_event().unwrap() {
            got.push(ev.to_owned());
        }
    }
    assert_eq!(end(&mut dec), Ok(()));
    // The first is small, the second finishes what it held back, the
    // rest are decoded in place.
    assert_eq!(joined[..3], [true, true, false]);
    assert!(joined[3..].iter().all(|j| !j));
    assert_eq!(
        (got, Ok(())),
        run(&DecoderConfig::default(), &body, usize::MAX)
    );
}

/// Joined 64-byte chunks of a 4 MB response: the join buffer and the
/// spill stay around the size of a row (plus the compaction slack),
/// every row arrives, and the rows match decoding in place.
#[test]
fn joined_chunks_keep_memory_bounded() {
    use kusto_frames_gen::{generate_vec, GenConfig, Profile, Shape};
    let (body, summary) = generate_vec(&GenConfig::new(3, Profile::Mixed, Shape::Whole, 4 << 20));
    let mut dec = Decoder::new();
    let mut rows = 0u64;
    let mut most = 0usize;
    for chunk in body.chunks(64) {
        let mut feed = dec.feed(chunk);
        assert!(feed.dec.lexer.input.joined);
        while let Some(ev) = feed.next_event().unwrap() {
            rows += u64::from(matches!(ev, Event::Row(_)));
        }
        drop(feed);
        most = most.max(dec.lexer.input.acc.capacity() + dec.lexer.input.spill.capacity());
    }
    end(&mut dec).unwrap();
    assert_eq!(rows, summary.rows);
    assert!(
        most < 4 * crate::lex::COMPACT_MIN,
        "join buffer and spill reached {most} bytes"
    );

    let mut in_place = DecoderConfig::default();
    in_place.join_chunks(0);
    let joined = run(&DecoderConfig::default(), &body, 64);
    assert_eq!(run(&in_place, &body, 64), joined);
    assert_eq!(joined.1, Ok(()));
}
