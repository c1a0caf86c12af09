//! The async readers (`stream::EventStream`, `async_primary`): the same
//! rows, errors and datasets as the sync readers on every input (local and
//! peer corpus) over byte streams of `Buf` and `AsRef<[u8]>` chunks and the
//! tokio and futures-io readers; cancellation-safe; no read-ahead beyond
//! one chunk; stream errors apart from decode errors; the table limit.
//! Needs `--all-features`.

mod common;

#[cfg(not(all(feature = "stream", feature = "tokio", feature = "futures-io")))]
#[test]
fn async_reader_tests_need_the_stream_tokio_and_futures_io_features() {
    eprintln!("skipped: run with --features stream,tokio,futures-io (or --all-features)");
}

#[cfg(all(feature = "stream", feature = "tokio", feature = "futures-io"))]
mod readers {
    use core::cell::Cell;
    use core::fmt::Debug;
    use core::future::Future;
    use core::ops::ControlFlow;
    use core::pin::{pin, Pin};
    use core::task::{Context, Poll};
    use std::rc::Rc;

    use futures_core::Stream;
    use futures_util::task::noop_waker;
    use futures_util::StreamExt;
    use kusto_frames::ErrorKind;
    use kusto_frames_io::async_primary::{collect, AsyncPrimaryReader, PollEvents};
    use kusto_frames_io::collect::collect_slice;
    use kusto_frames_io::primary::{PrimaryFilter, PrimaryReader, RowsError};
    use kusto_frames_io::stream::{EventStream, StreamError};
    use kusto_frames_io::EventReader;
    use serde_json::Value as Json;

    use super::common::{all_inputs, SMALL_V2};

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    /// A row or an error, comparable across sources: rows as JSON text
    /// (cells in order), errors by kind and content (read errors by their
    /// decode error: the sources here never fail otherwise).
    fn summary<E: Debug>(
        r: Result<Vec<Json>, RowsError<E>>,
        decode: impl Fn(&E) -> Option<kusto_frames::Error>,
    ) -> String {
        match r {
            Ok(cells) => serde_json::to_string(&cells).unwrap(),
            Err(RowsError::Read(e)) => format!("read {:?}", decode(&e).expect("a decode error")),
            Err(RowsError::Reported(e)) => format!("reported {e:?}"),
            Err(RowsError::Deserialize { row, offset, error }) => {
                format!("bad row {row} at {offset}: {error}")
            }
            Err(e) => format!("{e:?}"),
        }
    }

    fn sync_items(body: &[u8]) -> Vec<String> {
        let mut p = PrimaryReader::new(EventReader::from_read(body));
        p.rows::<Vec<Json>>()
            .map(|r| summary(r, |e| e.decode_error()))
            .collect()
    }

    async fn async_items<S: PollEvents>(
        source: S,
        decode: impl Fn(&S::Error) -> Option<kusto_frames::Error>,
    ) -> Vec<String>
    where
        S::Error: Debug,
    {
        let mut p = AsyncPrimaryReader::new(source);
        let mut out = Vec::new();
        while let Some(r) = p.next_row::<Vec<Json>>().await {
            out.push(summary(r, &decode));
        }
        out
    }

    fn chunks(body: &[u8], n: usize) -> impl Stream<Item = Result<&[u8], std::io::Error>> + '_ {
        futures_util::stream::iter(body.chunks(n).map(Ok))
    }

    #[test]
    fn primary_rows_are_the_sync_readers_from_every_source_and_chunking() {
        let inputs = all_inputs();
        for (name, body) in &inputs {
            let want = sync_items(body);
            for n in [1, 7, 64, 4096] {
                let got = block_on(async_items(
                    EventStream::new(chunks(body, n)),
                    StreamError::decode_error,
                ));
                assert_eq!(got, want, "{name}: Buf chunks of {n}");
                let owned = futures_util::stream::iter(
                    body.chunks(n).map(|c| Ok::<_, std::io::Error>(c.to_vec())),
                );
                let got = block_on(async_items(
                    EventStream::from_as_ref(owned),
                    StreamError::decode_error,
                ));
                assert_eq!(got, want, "{name}: Vec chunks of {n}");
                let tokio =
                    kusto_frames_io::tokio::EventStream::from_read_with_capacity(n, &body[..]);
                let got = block_on(async_items(tokio, |e: &kusto_frames_io::ReadError| {
                    e.decode_error()
                }));
                assert_eq!(got, want, "{name}: tokio, buffer {n}");
                let fut =
                    kusto_frames_io::futures::EventStream::from_read_with_capacity(n, &body[..]);
                let got = block_on(async_items(fut, |e: &kusto_frames_io::ReadError| {
                    e.decode_error()
                }));
                assert_eq!(got, want, "{name}: futures-io, buffer {n}");
            }
        }
        eprintln!("{} inputs", inputs.len());
    }

    #[test]
    fn async_collect_is_collect_slice() {
        for (name, body) in all_inputs() {
            let want = collect_slice(&body);
            for n in [1, 13, 4096] {
                let got = block_on(collect(EventStream::new(chunks(&body, n))));
                match (&want, got) {
                    (Ok(w), Ok(g)) => assert_eq!(&g, w, "{name}: chunks of {n}"),
                    (Err((we, wp)), Err(g)) => {
                        assert_eq!(g.error.decode_error(), Some(*we), "{name}: chunks of {n}");
                        assert_eq!(&g.partial, wp, "{name}: chunks of {n}");
                    }
                    (w, g) => panic!("{name}: chunks of {n}: {w:?} vs {g:?}"),
                }
            }
        }
    }

    #[test]
    fn read_all_is_ok_only_for_a_clean_response() {
        let clean = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"T","Columns":[{"ColumnName":"x","ColumnType":"long"}],"Rows":[[1],[2]]},
{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
        let rows: Vec<(i64,)> =
            block_on(AsyncPrimaryReader::from_stream(chunks(clean, 5)).read_all()).unwrap();
        assert_eq!(rows, [(1,), (2,)]);
        // SMALL_V2 has a row error and HasErrors: the rows come with them.
        let p = block_on(
            AsyncPrimaryReader::from_stream(chunks(SMALL_V2, 5)).read_all::<(i64, String)>(),
        )
        .unwrap_err();
        assert_eq!(
            p.rows,
            [
                (1, "a".to_owned()),
                (2, "bé".to_owned()),
                (3, "c".to_owned())
            ]
        );
        assert_eq!(p.errors.len(), 2, "{:?}", p.errors);
        assert!(
            p.to_string().starts_with("3 rows read with 2 errors"),
            "{p}"
        );
        // The sync reader says the same.
        let mut sync = PrimaryReader::new(EventReader::from_read(SMALL_V2));
        let s = sync.read_all::<(i64, String)>().unwrap_err();
        assert_eq!((s.rows, s.errors.len()), (p.rows, 2));
    }

    /// A stream of one-byte chunks that counts how many it handed out, and
    /// is not ready on every other poll (waking itself).
    struct Counted<'a> {
        body: &'a [u8],
        pulled: Rc<Cell<usize>>,
        pending: bool,
        fail_at: Option<usize>,
    }

    impl<'a> Stream for Counted<'a> {
        type Item = Result<&'a [u8], &'static str>;

        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            self.pending = !self.pending;
            if self.pending {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            let i = self.pulled.get();
            if self.fail_at == Some(i) {
                self.fail_at = None;
                return Poll::Ready(Some(Err("connection reset")));
            }
            let Some((first, rest)) = self.body.split_first() else {
                return Poll::Ready(None);
            };
            let _ = first;
            let chunk = &self.body[..1];
            self.body = rest;
            self.pulled.set(i + 1);
            Poll::Ready(Some(Ok(chunk)))
        }
    }

    #[test]
    fn no_chunk_is_pulled_before_the_decoder_needs_it() {
        let pulled = Rc::new(Cell::new(0));
        let s = Counted {
            body: SMALL_V2,
            pulled: Rc::clone(&pulled),
            pending: false,
            fail_at: None,
        };
        let mut p = AsyncPrimaryReader::from_stream(s);
        let first: (i64, String) = block_on(p.next_row()).unwrap().unwrap();
        assert_eq!(first.0, 1);
        // The first primary row is `[1,"a"]`.
        let end = SMALL_V2
            .windows(7)
            .position(|w| w == br#"[1,"a"]"#)
            .unwrap()
            + 7;
        assert_eq!(
            pulled.get(),
            end,
            "chunks pulled when the first row came out"
        );
    }

    #[test]
    fn dropping_pending_calls_loses_nothing() {
        let want = sync_items(SMALL_V2);
        let s = Counted {
            body: SMALL_V2,
            pulled: Rc::new(Cell::new(0)),
            pending: false,
            fail_at: None,
        };
        let mut p = AsyncPrimaryReader::from_stream(s);
        let waker = noop_waker();
        let mut cx = Context::from_waker(&waker);
        let (mut got, mut drops) = (Vec::new(), 0);
        loop {
            // Each call is polled once, then dropped if not ready.
            let r = {
                let mut fut = pin!(p.next_row::<Vec<Json>>());
                fut.as_mut().poll(&mut cx)
            };
            match r {
                Poll::Ready(Some(item)) => got.push(summary(item, StreamError::decode_error)),
                Poll::Ready(None) => break,
                Poll::Pending => drops += 1,
            }
        }
        assert_eq!(got, want);
        assert!(drops > 100, "{drops} calls dropped");

        // The same with the borrowed rows and the event stream.
        let s = Counted {
            body: SMALL_V2,
            pulled: Rc::new(Cell::new(0)),
            pending: false,
            fail_at: None,
        };
        let mut p = AsyncPrimaryReader::from_stream(s);
        let mut xs = Vec::new();
        loop {
            let r = {
                let mut fut = pin!(p.for_each_row(|r| {
                    xs.push(
                        r.map(|row| row.cells().map(|c| c.raw().to_owned()).collect::<Vec<_>>())
                            .map_err(|e| e.raw.get().to_owned()),
                    );
                    ControlFlow::Continue(())
                }));
                fut.as_mut().poll(&mut cx)
            };
            match r {
                Poll::Ready(r) => {
                    assert!(r.unwrap().is_continue());
                    break;
                }
                Poll::Pending => {}
            }
        }
        assert_eq!(xs.len(), 4, "{xs:?}");
        assert_eq!(xs[2], Ok(vec!["3".to_owned(), "\"c\"".to_owned()]));
        assert!(xs[3].is_err());
        assert_eq!(p.errors().len(), 2);
    }

    #[test]
    fn a_stream_error_is_the_streams_and_rows_before_it_are_kept() {
        let cut = SMALL_V2.windows(4).position(|w| w == br#""b\u"#).unwrap();
        let s = Counted {
            body: SMALL_V2,
            pulled: Rc::new(Cell::new(0)),
            pending: false,
            fail_at: Some(cut),
        };
        let mut p = AsyncPrimaryReader::from_stream(s);
        let items: Vec<Result<(i64, String), _>> = block_on(p.rows().collect());
        assert_eq!(items.len(), 2, "{items:?}");
        assert_eq!(items[0].as_ref().unwrap().0, 1);
        match &items[1] {
            Err(RowsError::Read(StreamError::Source(e))) => assert_eq!(*e, "connection reset"),
            other => panic!("{other:?}"),
        }
        // A decode error is a Decode, never a Source.
        let truncated = &SMALL_V2[..SMALL_V2.len() - 3];
        let items: Vec<Result<(i64, String), _>> = block_on(
            AsyncPrimaryReader::from_stream(chunks(truncated, 9))
                .into_rows()
                .collect(),
        );
        match items.last() {
            Some(Err(RowsError::Read(e @ StreamError::Decode(d)))) => {
                assert!(e.is_truncated());
                assert!(matches!(
                    d.kind(),
                    ErrorKind::UnexpectedEof | ErrorKind::MissingCompletion
                ));
            }
            other => panic!("{other:?}"),
        }
    }

    fn many_primary_tables(n: usize) -> Vec<u8> {
        let mut b =
            String::from(r#"[{"FrameType":"DataSetHeader","IsProgressive":true,"Version":"v2.0"}"#);
        for id in 1..=n {
            b += &format!(
                r#",{{"FrameType":"TableHeader","TableId":{id},"TableKind":"PrimaryResult","TableName":"T{id}","Columns":[{{"ColumnName":"x","ColumnType":"long"}}]}},{{"FrameType":"TableFragment","TableId":{id},"TableFragmentType":"DataAppend","Rows":[[{id}]]}},{{"FrameType":"TableCompletion","TableId":{id},"RowCount":1}}"#
            );
        }
        b += r#",{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
        b.into_bytes()
    }

    #[test]
    fn more_primary_tables_than_the_limit_is_an_error_with_the_offset() {
        let body = many_primary_tables(5);
        let mut sync = PrimaryReader::with_filter(
            EventReader::from_read(&body[..]),
            PrimaryFilter::with_max_tables(3),
        );
        let items: Vec<Result<(i64,), _>> = sync.rows().collect();
        assert_eq!(items.len(), 4, "{items:?}");
        let fourth = body
            .windows(13)
            .position(|w| w == br#""TableId":4,""#)
            .unwrap() as u64;
        match items[3] {
            Err(RowsError::Limit {
                what: "primary tables",
                limit: 3,
                offset,
            }) => assert!(offset > fourth, "{offset}"),
            ref other => panic!("{other:?}"),
        }
        let mut p = AsyncPrimaryReader::with_filter(
            EventStream::new(chunks(&body, 7)),
            PrimaryFilter::with_max_tables(3),
        );
        let items: Vec<Result<(i64,), _>> = block_on(p.rows().collect());
        assert_eq!(items.iter().filter(|r| r.is_ok()).count(), 3);
        assert!(matches!(
            items.last(),
            Some(Err(RowsError::Limit { limit: 3, .. }))
        ));
        // Within the limit, every table's rows.
        let rows: Vec<(i64,)> = PrimaryReader::new(EventReader::from_read(&body[..]))
            .read_all()
            .unwrap();
        assert_eq!(rows, [(1,), (2,), (3,), (4,), (5,)]);
    }
}
