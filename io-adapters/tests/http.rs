//! Bodies served over HTTP/1.1 chunked encoding by a loopback server (the
//! `http_chunked` example's), decoded with the tokio stream: whole, closed
//! mid-stream, and cut short with a clean end. Needs `--features tokio`.

mod common;

#[cfg(not(feature = "tokio"))]
#[test]
fn http_tests_need_the_tokio_feature() {
    eprintln!("skipped: run with --features tokio (or --all-features)");
}

#[cfg(feature = "tokio")]
#[path = "../examples/http_chunked.rs"]
#[allow(dead_code, unreachable_pub)]
mod http_chunked;

#[cfg(feature = "tokio")]
mod http {
    use core::time::Duration;

    use kusto_frames::{ErrorKind, OwnedEvent};
    use kusto_frames_io::ReadError;

    use super::common::{local_inputs, oracle, SMALL_V2};
    use super::http_chunked::{fetch_events, serve_once, Ending};

    /// Every test run is bounded in time as a whole, too.
    const WHOLE: Duration = Duration::from_secs(60);

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

    async fn fetch(
        body: &[u8],
        chunk: usize,
        ending: Ending,
        buffer: usize,
    ) -> (Vec<OwnedEvent>, Result<(), ReadError>) {
        let (addr, server) = serve_once(body.to_vec(), chunk, ending).await.unwrap();
        assert!(addr.ip().is_loopback());
        let got = fetch_events(addr, buffer).await.unwrap();
        // The server is done (or saw the client go) by now.
        let _ = server.await.unwrap();
        got
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

    #[test]
    fn whole_bodies_decode_like_the_core() {
        run(async {
            for (name, body) in bodies() {
                let (want, ok) = oracle(&body);
                ok.unwrap();
                for (chunk, buffer) in [(1, 16), (7, 4096), (100, 8), (4096, 4096)] {
                    let (got, outcome) = fetch(&body, chunk, Ending::Complete, buffer).await;
                    outcome.unwrap_or_else(|e| panic!("{name}: {e}"));
                    assert_eq!(got, want, "{name}: chunk {chunk}, buffer {buffer}");
                }
            }
        });
    }

    #[test]
    fn a_connection_closed_mid_stream_is_a_truncation() {
        run(async {
            for (name, body) in bodies() {
                let (want, _) = oracle(&body);
                for cut in [1, body.len() / 3, body.len() / 2, body.len() - 1] {
                    let (got, outcome) = fetch(&body, 16, Ending::CloseAfter(cut), 64).await;
                    let e = outcome.expect_err("a cut body must fail");
                    assert!(e.is_truncated(), "{name}, cut {cut}: {e}");
                    match &e {
                        ReadError::Io(io) => {
                            assert_eq!(io.kind(), std::io::ErrorKind::UnexpectedEof)
                        }
                        other => panic!("{name}, cut {cut}: {other}"),
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
                let (got, outcome) = fetch(&body, 10, Ending::EndAfter(cut), 32).await;
                let e = outcome.expect_err("a cut body must fail");
                let d = e.decode_error().unwrap_or_else(|| panic!("{name}: {e}"));
                assert!(d.is_eof(), "{name}: {d}");
                assert!(matches!(
                    d.kind(),
                    ErrorKind::UnexpectedEof | ErrorKind::MissingCompletion
                ));
                assert_eq!(d.offset(), cut as u64, "{name}");
                assert_eq!(got[..], want[..got.len()], "{name}");
            }
        });
    }
}
