//! Chunk-split invariance: any chunking of the same bytes yields the same
//! events, errors and error offsets.

use kusto_frames::{decode_chunks_with, Decoder, DecoderConfig, ErrorKind, Event, OwnedEvent};
use proptest::prelude::*;

const SAMPLES: &[&str] = &[
    // Whole V2 with FrameType, escapes, non-ASCII, dynamic cells.
    r#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0","IsFragmented":false,"ErrorReportingPlacement":"InData"}
,{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"T","Columns":[{"ColumnName":"s","ColumnType":"string"},{"ColumnName":"d","ColumnType":"dynamic"},{"ColumnName":"l","ColumnType":"long"}],"Rows":[["a\"b\\c\u00e9\ud83d\ude00",{"k":[1,2,{"x":null}]},-9223372036854775808],["日本語",[],1.5e-3],[null,"{\"a\":1}",0]]}
,{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#,
    // Progressive without FrameType, keys shuffled, row errors.
    r#"[ {"IsProgressive": true, "Version": "v2.0"},
 {"Columns": [{"ColumnType": "int", "ColumnName": "x"}], "TableName": "P", "TableKind": "PrimaryResult", "TableId": 7},
 {"Rows": [[1], [2], {"OneApiErrors": [{"error": {"code": "LimitsExceeded", "@permanent": false}}]}, [3]], "TableFragmentType": "DataAppend", "TableId": 7},
 {"TableProgress": 50.5, "TableId": 7},
 {"TableId": 7, "TableFragmentType": "DataReplace", "Rows": [[9]]},
 {"RowCount": 1, "TableId": 7, "OneApiErrors": [{"error": {"code": "E"}}]},
 {"OneApiErrors": [{"error": {"code": "E"}}], "Cancelled": true, "HasErrors": true}
]"#,
    // V1 with TableOfContents, row exception and top-level Exceptions.
    r#"{"Tables":[{"TableName":"Table_0","Columns":[{"ColumnName":"a","DataType":"Int32","ColumnType":"int"}],"Rows":[[1],{"Exceptions":["boom"]}]},{"TableName":"Table_1","Columns":[{"ColumnName":"Ordinal","DataType":"Int64"},{"ColumnName":"Kind","DataType":"String"},{"ColumnName":"Name","DataType":"String"},{"ColumnName":"Id","DataType":"String"},{"ColumnName":"PrettyName","DataType":"String"}],"Rows":[[0,"QueryResult","PrimaryResult","x",""]]}],"Exceptions":["failed"]}"#,
    // Error body.
    "{\"error\":{\"code\":\"General_BadRequest\",\"@permanent\":true,\"innererror\":{\"code\":\"SEM0100\",\"innererror\":{\"code\":\"X\"}}}}",
    // Malformed: truncated mid-row.
    r#"[{"FrameType":"DataSetHeader","Version":"v2.0"},{"FrameType":"DataTable","TableId":0,"Rows":[[1,"abc"#,
    // Malformed: bad escape after some rows.
    r#"[{"FrameType":"DataTable","TableId":0,"Columns":[],"Rows":[[1],["a\x"]]}]"#,
    // Malformed: invalid number inside a dynamic cell.
    r#"[{"FrameType":"DataTable","TableId":0,"Rows":[[{"a":01}]]}]"#,
    // Truncated inside a cell of each kind (a joined chunk holds such a cell
    // back for the next chunk: at the end of input it must fail the same).
    r#"[{"FrameType":"DataTable","TableId":0,"Rows":[[1,-"#,
    r#"[{"FrameType":"DataTable","TableId":0,"Rows":[[1,2.5e"#,
    r#"[{"FrameType":"DataTable","TableId":0,"Rows":[[1,12"#,
    r#"[{"FrameType":"DataTable","TableId":0,"Rows":[[1,tr"#,
    r#"[{"FrameType":"DataTable","TableId":0,"Rows":[[1,"a\u00"#,
    r#"[{"FrameType":"DataTable","TableId":0,"Rows":[[1,{"a":[1,"#,
    // Malformed at the end of a cell that could look cut.
    r#"[{"FrameType":"DataTable","TableId":0,"Rows":[[1,01"#,
    r#"[{"FrameType":"DataTable","TableId":0,"Rows":[[1,-x"#,
    r#"[{"FrameType":"DataTable","TableId":0,"Rows":[[1,1.]]}]"#,
    r#"[{"FrameType":"DataTable","TableId":0,"Rows":[[1,trux"#,
    r#"[{"FrameType":"DataTable","TableId":0,"Rows":[[1,"a\q"#,
];

/// Decoding with chunks joined as by default, or never (in place).
fn decode(join: bool, parts: &[&[u8]]) -> (Vec<OwnedEvent>, Result<(), kusto_frames::Error>) {
    let mut cfg = DecoderConfig::default();
    if !join {
        cfg.join_chunks(0);
    }
    decode_chunks_with(&mut Decoder::with_config(cfg), parts.iter().copied())
}

/// The reference: the whole body in one chunk, decoded in place.
fn whole(body: &[u8]) -> (Vec<OwnedEvent>, Result<(), kusto_frames::Error>) {
    decode(false, &[body])
}

/// Chunks decoded joined (the default for small chunks) and in place: both
/// must agree.
fn decode_chunks<'a>(
    parts: impl IntoIterator<Item = &'a [u8]>,
) -> (Vec<OwnedEvent>, Result<(), kusto_frames::Error>) {
    let parts: Vec<&[u8]> = parts.into_iter().collect();
    let joined = decode(true, &parts);
    assert_eq!(joined, decode(false, &parts), "joined vs in place");
    joined
}

fn split(body: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (body.len() + 1)).collect();
    cuts.sort_unstable();
    let mut out = Vec::new();
    let mut last = 0;
    for c in cuts {
        out.push(body[last..c].to_vec());
        last = c;
    }
    out.push(body[last..].to_vec());
    out
}

fn chunked(parts: &[Vec<u8>]) -> (Vec<OwnedEvent>, Result<(), kusto_frames::Error>) {
    decode_chunks(parts.iter().map(|p| p.as_slice()))
}

#[test]
fn every_single_split_point() {
    for s in SAMPLES {
        let body = s.as_bytes();
        let expect = whole(body);
        for i in 0..=body.len() {
            assert_eq!(chunked(&split(body, &[i])), expect, "split at {i} of {s}");
        }
    }
}

#[test]
fn one_byte_and_empty_chunks() {
    for s in SAMPLES {
        let body = s.as_bytes();
        let expect = whole(body);
        let mut parts: Vec<&[u8]> = Vec::new();
        for b in body.chunks(1) {
            parts.push(&[]);
            parts.push(b);
        }
        parts.push(&[]);
        assert_eq!(decode_chunks(parts), expect, "{s}");
    }
}

#[test]
fn samples_decode_as_expected() {
    let (ev, r) = whole(SAMPLES[0].as_bytes());
    assert_eq!(r, Ok(()));
    let rows: Vec<_> = ev
        .iter()
        .filter_map(|e| match e {
            OwnedEvent::Row(r) => Some(r),
            _ => None,
        })
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].cells[0].text, "a\"b\\c\u{e9}\u{1F600}");
    assert_eq!(rows[0].cells[1].raw, r#"{"k":[1,2,{"x":null}]}"#);
    assert_eq!(rows[1].cells[0].text, "日本語");

    let (ev, r) = whole(SAMPLES[1].as_bytes());
    assert_eq!(r, Ok(()));
    assert!(ev
        .iter()
        .any(|e| matches!(e, OwnedEvent::RowError { index: 2, .. })));
    assert!(ev.iter().any(|e| matches!(
        e,
        OwnedEvent::DataSetCompletion {
            has_errors: true,
            cancelled: true,
            errors: Some(_)
        }
    )));

    let (_, r) = whole(SAMPLES[4].as_bytes());
    let e = r.unwrap_err();
    assert_eq!(
        (e.kind(), e.offset()),
        (ErrorKind::UnexpectedEof, SAMPLES[4].len() as u64)
    );

    let (ev, r) = whole(SAMPLES[5].as_bytes());
    assert_eq!(r.unwrap_err().kind(), ErrorKind::InvalidEscape);
    // The row before the bad one was delivered.
    assert_eq!(
        ev.iter()
            .filter(|e| matches!(e, OwnedEvent::Row(_)))
            .count(),
        1
    );
}

/// For each row, whether each cell borrows from the chunk being fed.
fn borrowed(cfg: &DecoderConfig, parts: &[&[u8]]) -> Vec<Vec<bool>> {
    let mut dec = Decoder::with_config(cfg.clone());
    let mut rows = Vec::new();
    for part in parts.iter().copied().map(Some).chain([None]) {
        let mut feed = match part {
            Some(p) => dec.feed(p),
            None => dec.finish(),
        };
        while let Some(ev) = feed.next_event().unwrap() {
            if let Event::Row(row) = ev {
                rows.push((0..row.len()).map(|i| row.cell_is_borrowed(i)).collect());
            }
        }
    }
    rows
}

#[test]
fn cells_borrow_from_the_chunk_unless_they_straddle() {
    let body = SAMPLES[0].as_bytes();
    let mut in_place = DecoderConfig::default();
    in_place.join_chunks(0);
    // Whole buffer: every cell is borrowed.
    assert_eq!(borrowed(&in_place, &[body]), vec![vec![true; 3]; 3]);

    // Split inside the first cell of the second row: that cell is copied,
    // the cells after it are borrowed from the second chunk.
    let at = SAMPLES[0].find("日本").unwrap() + 2;
    let parts = [&body[..at], &body[at..]];
    assert_eq!(
        borrowed(&in_place, &parts),
        vec![vec![true; 3], vec![false, true, true], vec![true; 3]]
    );

    // Joined (both parts are under the default 512 bytes): every cell is
    // in the decoder's buffer; a larger chunk is decoded in place.
    assert!(body.len() > 512 && at <= 512 && body.len() - at <= 512);
    let joined = DecoderConfig::default();
    assert_eq!(borrowed(&joined, &parts), vec![vec![false; 3]; 3]);
    assert_eq!(borrowed(&joined, &[body]), vec![vec![true; 3]; 3]);
}

#[test]
fn dropping_a_feed_early_and_refeeding_the_rest() {
    for s in SAMPLES {
        let body = s.as_bytes();
        let expect = whole(body);
        // Take one event per feed, then drop it and re-feed the remainder.
        let mut dec = Decoder::new();
        let mut events = Vec::new();
        let mut rest: &[u8] = body;
        let mut result = Ok(());
        'outer: loop {
            let mut feed = dec.feed(rest);
            match feed.next_event() {
                Ok(Some(ev)) => {
                    events.push(ev.to_owned());
                    let n = feed.consumed();
                    drop(feed);
                    rest = &rest[n..];
                }
                Ok(None) => break 'outer,
                Err(e) => {
                    result = Err(e);
                    break 'outer;
                }
            }
        }
        if result.is_ok() {
            // Held rows come out before the end's error, if any.
            let mut feed = dec.finish();
            result = loop {
                match feed.next_event() {
                    Ok(Some(ev)) => events.push(ev.to_owned()),
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                }
            };
        }
        assert_eq!((events, result), expect, "{s}");
    }
}

#[test]
fn errors_are_sticky() {
    let mut dec = Decoder::new();
    let mut feed = dec.feed(b"[}");
    let e = feed.next_event().unwrap_err();
    assert_eq!(feed.next_event().unwrap_err(), e);
    drop(feed);
    assert_eq!(dec.feed(b"]").next_event().unwrap_err(), e);
    assert_eq!(dec.finish().next_event().unwrap_err(), e);
}

fn mutate(body: &[u8], ops: &[(u8, usize, u8)]) -> Vec<u8> {
    let mut b = body.to_vec();
    for &(op, at, byte) in ops {
        if b.is_empty() {
            break;
        }
        let i = at % b.len();
        match op % 4 {
            0 => b.truncate(i),
            1 => b[i] ^= byte | 1,
            2 => {
                b.remove(i);
            }
            _ => b.insert(i, byte),
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(256)
    ))]

    #[test]
    fn chunking_never_changes_the_result(
        which in 0..SAMPLES.len(),
        cuts in prop::collection::vec(any::<usize>(), 0..32),
    ) {
        let body = SAMPLES[which].as_bytes();
        prop_assert_eq!(chunked(&split(body, &cuts)), whole(body));
    }

    #[test]
    fn mutants_never_panic_and_split_alike(
        which in 0..SAMPLES.len(),
        ops in prop::collection::vec((any::<u8>(), any::<usize>(), any::<u8>()), 1..6),
        cuts in prop::collection::vec(any::<usize>(), 0..16),
    ) {
        let body = mutate(SAMPLES[which].as_bytes(), &ops);
        let expect = whole(&body);
        if let Err(e) = &expect.1 {
            prop_assert!(e.offset() <= body.len() as u64);
        }
        prop_assert_eq!(chunked(&split(&body, &cuts)), expect);
    }
}

mod generated {
    use super::*;
    use kusto_frames_gen::{generate_vec, GenConfig, Profile, Shape};

    fn configs() -> Vec<GenConfig> {
        let mut out = Vec::new();
        for (i, profile) in [Profile::Mixed, Profile::StringHeavy, Profile::NumberHeavy]
            .into_iter()
            .enumerate()
        {
            for shape in [
                Shape::Whole,
                Shape::Progressive {
                    rows_per_fragment: 7,
                },
            ] {
                let mut cfg = GenConfig::new(42 + i as u64, profile, shape, 200_000);
                cfg.pretty = i == 1;
                cfg.frame_type = i != 2;
                out.push(cfg);
            }
        }
        out
    }

    #[test]
    fn generated_responses_decode_and_count_every_row() {
        for cfg in configs() {
            let (body, summary) = generate_vec(&cfg);
            let (events, r) = whole(&body);
            assert_eq!(r, Ok(()), "{cfg:?}");
            let rows = events
                .iter()
                .filter(|e| matches!(e, OwnedEvent::Row(_)))
                .count();
            assert_eq!(rows as u64, summary.rows, "{cfg:?}");
            let cells: usize = events
                .iter()
                .map(|e| match e {
                    OwnedEvent::Row(r) => r.cells.len(),
                    _ => 0,
                })
                .sum();
            assert_eq!(cells as u64, summary.cells, "{cfg:?}");
        }
    }

    #[test]
    fn every_generated_cell_converts_to_its_column_type() {
        for cfg in configs() {
            let (body, summary) = generate_vec(&cfg);
            let mut dec = kusto_frames::Decoder::new();
            let mut typed = 0u64;
            for chunk in body.chunks(1500) {
                let mut feed = dec.feed(chunk);
                while let Some(ev) = feed.next_event().unwrap() {
                    if let Event::Row(row) = ev {
                        for i in 0..row.len() {
                            let v = row.value(i).unwrap();
                            assert!(v.is_ok(), "{cfg:?} row {} col {i}: {v:?}", row.index());
                            typed += 1;
                        }
                    }
                }
            }
            assert!(dec.finish().next_event().unwrap().is_none());
            assert_eq!(typed, summary.cells);
        }
    }

    #[test]
    fn generated_responses_split_at_random_sizes() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for cfg in configs() {
            let (body, _) = generate_vec(&cfg);
            let expect = whole(&body);
            for _ in 0..3 {
                let mut parts = Vec::new();
                let mut at = 0;
                while at < body.len() {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let n = 1 + (seed % 5000) as usize;
                    let end = (at + n).min(body.len());
                    parts.push(body[at..end].to_vec());
                    at = end;
                }
                assert_eq!(chunked(&parts), expect, "{cfg:?}");
            }
        }
    }
}
