//! Bodies served over HTTP/1.1 with chunked transfer encoding and gzip by a
//! loopback server (the `reqwest_rows` example's), fetched with reqwest and
//! decoded from `Response::bytes_stream()`: rows into serde structs with
//! chrono, uuid and rust_decimal fields (the example's user code), events
//! equal to the core's, a connection closed mid-stream, a body cut short
//! with a clean end. Needs `--features stream,chrono,uuid,rust_decimal` (or
//! `--all-features`).

mod common;

#[cfg(not(all(
    feature = "stream",
    feature = "chrono",
    feature = "uuid",
    feature = "rust_decimal"
)))]
#[test]
fn http_tests_need_the_stream_and_interop_features() {
    eprintln!("skipped: run with --features stream,chrono,uuid,rust_decimal (or --all-features)");
}

#[cfg(all(
    feature = "stream",
    feature = "chrono",
    feature = "uuid",
    feature = "rust_decimal"
))]
#[path = "../examples/reqwest_rows.rs"]
#[allow(dead_code, unreachable_pub)]
mod reqwest_rows;

#[cfg(all(
    feature = "stream",
    feature = "chrono",
    feature = "uuid",
    feature = "rust_decimal"
))]
mod http {
    use core::future::poll_fn;
    use core::pin::pin;
    use core::time::Duration;
    use std::sync::{Arc, Mutex};

    use futures_core::Stream;
    use kusto_frames::response::ResponseError;
    use kusto_frames::{ErrorKind, OwnedEvent};
    use kusto_frames_io::async_primary::AsyncPrimaryReader;
    use kusto_frames_io::primary::RowsError;
    use kusto_frames_io::stream::{EventStream, StreamError};

    use super::common::{local_inputs, oracle, SMALL_V2};
    use super::reqwest_rows::{
        client, fetch_rows, serve_once, stream_rows, Ending, FetchError, MyRow, BODY,
    };

    /// Every test run is bounded in time as a whole, too.
    const WHOLE: Duration = Duration::from_secs(120);

    fn run<F: core::future::Future<Output = ()>>(f: F) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            tokio::time::timeout(WHOLE, f)
                .await
                .expect("test timed out");
        });
    }

    async fn next<S: Stream + Unpin>(s: &mut S) -> Option<S::Item> {
        poll_fn(|cx| core::pin::Pin::new(&mut *s).poll_next(cx)).await
    }

    fn expected_rows() -> Vec<MyRow> {
        use chrono::TimeZone;
        vec![
            MyRow {
                when: chrono::Utc.with_ymd_and_hms(2024, 1, 15, 10, 0, 0).unwrap()
                    + chrono::TimeDelta::nanoseconds(123_456_700),
                id: "0f8fad5b-d9cb-469f-a165-70867728950e".parse().unwrap(),
                amount: "12345678901234567890.123456789".parse().unwrap(),
                name: "first".into(),
            },
            MyRow {
                when: chrono::Utc
                    .with_ymd_and_hms(9999, 12, 31, 23, 59, 59)
                    .unwrap()
                    + chrono::TimeDelta::nanoseconds(999_999_900),
                id: "7c9e6679-7425-40de-944b-e07fc1f90ae7".parse().unwrap(),
                amount: "-0.0000001".parse().unwrap(),
                name: "second \"quoted\"".into(),
            },
        ]
    }

    /// The errors of `BODY`, in order: the row error, then `HasErrors`.
    fn check_errors<E: core::fmt::Debug>(errors: &[RowsError<E>]) {
        assert_eq!(errors.len(), 2, "{errors:?}");
        match &errors[0] {
            RowsError::Reported(e) => match &**e {
                ResponseError::Row {
                    table_id, errors, ..
                } => {
                    assert_eq!(*table_id, Some(1));
                    assert_eq!(errors[0].code.as_deref(), Some("LimitsExceeded"));
                }
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(&errors[1], RowsError::Reported(e) if matches!(**e, ResponseError::DataSet { .. }))
        );
    }

    #[test]
    fn the_examples_user_code_reads_rows_and_partial_failures_at_every_chunk_size() {
        run(async {
            let client = client();
            for chunk in [1, 2, 3, 5, 7, 13, 64, 4096] {
                let (addr, server) = serve_once(BODY.as_bytes().to_vec(), chunk, Ending::Complete)
                    .await
                    .unwrap();
                assert!(addr.ip().is_loopback());
                let url = format!("http://{addr}/v2/rest/query");
                match fetch_rows(&client, &url).await {
                    Err(FetchError::Response(partial)) => {
                        assert_eq!(partial.rows, expected_rows(), "chunk {chunk}");
                        check_errors(&partial.errors);
                    }
                    other => panic!("chunk {chunk}: {other:?}"),
                }
                server.await.unwrap().unwrap();

                let (addr, server) = serve_once(BODY.as_bytes().to_vec(), chunk, Ending::Complete)
                    .await
                    .unwrap();
                let url = format!("http://{addr}/v2/rest/query");
                let mut rows = pin!(stream_rows(&client, &url).await.unwrap());
                let (mut ok, mut errors) = (Vec::new(), Vec::new());
                while let Some(r) = poll_fn(|cx| rows.as_mut().poll_next(cx)).await {
                    match r {
                        Ok(row) => ok.push(row),
                        Err(e) => errors.push(e),
                    }
                }
                assert_eq!(ok, expected_rows(), "chunk {chunk}");
                check_errors(&errors);
                server.await.unwrap().unwrap();
            }
        });
    }

    /// What reqwest hands out at a 1-byte server chunking: small pieces
    /// (so the decoder is fed tokens split everywhere), whatever the
    /// transport coalesced.
    #[test]
    fn small_server_chunks_reach_the_decoder_as_small_chunks() {
        run(async {
            let client = client();
            let (addr, server) = serve_once(BODY.as_bytes().to_vec(), 1, Ending::Complete)
                .await
                .unwrap();
            let response = client.get(format!("http://{addr}/")).send().await.unwrap();
            assert_eq!(
                response.headers().get("content-encoding"),
                None,
                "reqwest decompressed it"
            );
            let sizes = Arc::new(Mutex::new(Vec::new()));
            let seen = Arc::clone(&sizes);
            let inspected = futures_util::StreamExt::inspect(response.bytes_stream(), move |c| {
                if let Ok(b) = c {
                    seen.lock().unwrap().push(b.len());
                }
            });
            let mut reader = AsyncPrimaryReader::from_stream(inspected);
            let partial = reader.read_all::<MyRow>().await.unwrap_err();
            assert_eq!(partial.rows, expected_rows());
            server.await.unwrap().unwrap();
            let sizes = sizes.lock().unwrap();
            let total: usize = sizes.iter().sum();
            assert_eq!(total, BODY.len());
            let small = sizes.iter().filter(|&&n| n <= 8).count();
            eprintln!(
                "{} chunks, {} of at most 8 bytes, largest {}",
                sizes.len(),
                small,
                sizes.iter().max().unwrap()
            );
            assert!(small * 2 > sizes.len(), "mostly small chunks: {sizes:?}");
        });
    }

    fn bodies() -> Vec<(String, Vec<u8>)> {
        let mut v = vec![("SMALL_V2".to_owned(), SMALL_V2.to_vec())];
        for p in local_inputs() {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if [
                "v2-whole",
                "v2-progressive-replace",
                "v1-with-toc",
                "v2-row-error",
            ]
            .iter()
            .any(|k| name.starts_with(k))
            {
                v.push((name, std::fs::read(&p).unwrap()));
            }
        }
        v
    }

    type Outcome = Result<(), StreamError<reqwest::Error>>;

    async fn fetch(body: &[u8], chunk: usize, ending: Ending) -> (Vec<OwnedEvent>, Outcome) {
        let (addr, server) = serve_once(body.to_vec(), chunk, ending).await.unwrap();
        let response = client()
            .get(format!("http://{addr}/"))
            .send()
            .await
            .unwrap();
        let mut events = EventStream::new(response.bytes_stream());
        let mut got = Vec::new();
        let mut outcome = Ok(());
        while let Some(ev) = next(&mut events).await {
            match ev {
                Ok(ev) => got.push(ev),
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            }
        }
        // The server is done (or saw the client go) by now.
        let _ = server.await.unwrap();
        (got, outcome)
    }

    #[test]
    fn whole_bodies_decode_like_the_core() {
        run(async {
            for (name, body) in bodies() {
                let (want, ok) = oracle(&body);
                ok.unwrap();
                for chunk in [1, 7, 100, 4096] {
                    let (got, outcome) = fetch(&body, chunk, Ending::Complete).await;
                    outcome.unwrap_or_else(|e| panic!("{name}: {e}"));
                    assert_eq!(got, want, "{name}: chunk {chunk}");
                }
            }
        });
    }

    #[test]
    fn a_connection_closed_mid_stream_is_the_streams_error() {
        run(async {
            for (name, body) in bodies() {
                let (want, _) = oracle(&body);
                for cut in [1, body.len() / 3, body.len() / 2, body.len() - 1] {
                    let (got, outcome) = fetch(&body, 16, Ending::CloseAfter(cut)).await;
                    match outcome {
                        Err(StreamError::Source(e)) => {
                            assert!(e.is_body() || e.is_decode(), "{name}, cut {cut}: {e:?}")
                        }
                        other => panic!("{name}, cut {cut}: {other:?}"),
                    }
                    // What arrived before the cut was decoded, in order.
                    assert!(got.len() <= want.len());
                    assert_eq!(got[..], want[..got.len()], "{name}, cut {cut}");
                }
            }
        });
    }

    #[test]
    fn a_body_cut_short_with_a_clean_http_end_is_a_decode_eof() {
        run(async {
            for (name, body) in bodies() {
                let (want, _) = oracle(&body);
                let cut = body.len() / 2;
                let (got, outcome) = fetch(&body, 10, Ending::EndAfter(cut)).await;
                let e = outcome.expect_err("a cut body must fail");
                assert!(e.is_truncated(), "{name}: {e}");
                let d = e.decode_error().unwrap_or_else(|| panic!("{name}: {e}"));
                assert!(matches!(
                    d.kind(),
                    ErrorKind::UnexpectedEof | ErrorKind::MissingCompletion
                ));
                assert_eq!(d.offset(), cut as u64, "{name}");
                assert_eq!(got[..], want[..got.len()], "{name}");
            }
        });
    }

    /// The README tells a newcomer which dependency lines to add and shows
    /// the user code: both must be the example's (which this file runs).
    #[test]
    fn the_readme_shows_the_examples_dependencies_and_code() {
        let root = super::common::manifest_dir();
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        let example = std::fs::read_to_string(root.join("examples/reqwest_rows.rs")).unwrap();
        let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        let block = |lang: &str, after: &str| -> String {
            let start = readme.find(after).expect(after);
            let rest = &readme[start..];
            let open = format!("```{lang}\n");
            let b = rest.find(&open).expect(&open) + open.len();
            let e = rest[b..].find("```").unwrap();
            rest[b..b + e].to_owned()
        };
        let deps = block("toml", "## From an HTTP response");
        let code = block("rust", "## From an HTTP response");
        // The user code is the example's, line for line.
        let user = example
            .split("// ---- the user's code")
            .nth(1)
            .and_then(|s| s.split("// ---- end of the user's code").next())
            .unwrap();
        let user: Vec<&str> = user.lines().skip(1).collect();
        let shown: Vec<&str> = code.lines().collect();
        assert_eq!(
            shown, user,
            "README code differs from the example's user code"
        );
        // Each crate the user code names has a dependency line, and our
        // features are the example's required ones.
        for krate in [
            "kusto-frames-io",
            "reqwest",
            "serde",
            "chrono",
            "uuid",
            "rust_decimal",
        ] {
            assert!(
                deps.lines().any(|l| l.starts_with(&format!("{krate} "))),
                "no README dependency line for {krate}"
            );
        }
        let io_line = deps
            .lines()
            .find(|l| l.starts_with("kusto-frames-io "))
            .unwrap();
        let required = manifest
            .split("name = \"reqwest_rows\"")
            .nth(1)
            .and_then(|s| s.lines().find(|l| l.starts_with("required-features")))
            .unwrap();
        for f in ["stream", "chrono", "uuid", "rust_decimal"] {
            let q = format!("\"{f}\"");
            assert!(
                io_line.contains(&q),
                "README kusto-frames-io line lacks {f}"
            );
            assert!(required.contains(&q));
        }
        let reqwest_line = deps.lines().find(|l| l.starts_with("reqwest ")).unwrap();
        for f in ["\"gzip\"", "\"stream\""] {
            assert!(reqwest_line.contains(f), "README reqwest line lacks {f}");
        }
        assert!(user.len() <= 40, "the user code is {} lines", user.len());
    }
}
