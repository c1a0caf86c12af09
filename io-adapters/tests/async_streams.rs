//! The tokio and futures-io streams give the same events as the core's own
//! `decode_chunks`, are cancellation-safe, and read no more than one buffer
//! ahead. Needs `--features tokio,futures-io` (or `--all-features`).

mod common;

#[cfg(not(all(feature = "tokio", feature = "futures-io")))]
#[test]
fn async_tests_need_the_tokio_and_futures_io_features() {
    eprintln!("skipped: run with --features tokio,futures-io (or --all-features)");
}

#[cfg(all(feature = "tokio", feature = "futures-io"))]
mod streams {
    use core::future::Future;
    use core::ops::ControlFlow;
    use core::pin::{pin, Pin};
    use core::task::{Context, Poll};
    use std::io;

    use futures_util::task::noop_waker;
    use futures_util::StreamExt;
    use kusto_frames::{Error, OwnedEvent};
    use kusto_frames_io::ReadError;

    use super::common::{all_inputs, oracle, SMALL_V2};

    /// A reader that is not ready on every other poll (and wakes itself),
    /// and gives at most `step` bytes at a time.
    struct Pendy<'a> {
        data: &'a [u8],
        step: usize,
        flip: bool,
        read_bytes: usize,
    }

    impl<'a> Pendy<'a> {
        fn new(data: &'a [u8], step: usize) -> Self {
            Pendy {
                data,
                step: step.max(1),
                flip: false,
                read_bytes: 0,
            }
        }

        fn poll_bytes(&mut self, cx: &mut Context<'_>, room: usize) -> Poll<&'a [u8]> {
            self.flip = !self.flip;
            if self.flip {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            let n = room.min(self.step).min(self.data.len());
            let (head, rest) = self.data.split_at(n);
            self.data = rest;
            self.read_bytes += n;
            Poll::Ready(head)
        }
    }

    impl tokio::io::AsyncRead for Pendy<'_> {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut tokio::io::ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            let room = buf.remaining();
            self.poll_bytes(cx, room).map(|b| {
                buf.put_slice(b);
                Ok(())
            })
        }
    }

    impl futures_io::AsyncRead for Pendy<'_> {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut [u8],
        ) -> Poll<io::Result<usize>> {
            self.poll_bytes(cx, buf.len()).map(|b| {
                buf[..b.len()].copy_from_slice(b);
                Ok(b.len())
            })
        }
    }

    type Outcome = (Vec<OwnedEvent>, Result<(), Error>);

    fn split(items: Vec<Result<OwnedEvent, ReadError>>) -> Outcome {
        let mut events = Vec::new();
        for it in items {
            match it {
                Ok(ev) => events.push(ev),
                Err(e) => return (events, Err(e.decode_error().expect("decode error"))),
            }
        }
        (events, Ok(()))
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        runtime().block_on(f)
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    }

    /// Polls `f` by hand with a waker that does nothing; `None` if pending.
    fn poll_once<F: Future>(f: Pin<&mut F>) -> Option<F::Output> {
        let waker = noop_waker();
        let mut cx = Context::from_waker(&waker);
        match f.poll(&mut cx) {
            Poll::Ready(v) => Some(v),
            Poll::Pending => None,
        }
    }

    #[test]
    fn tokio_stream_matches_the_core() {
        let rt = runtime();
        for (name, body) in all_inputs() {
            let want = oracle(&body);
            for cap in [1, 7, 4096] {
                let got = rt.block_on(async {
                    let mut s = kusto_frames_io::tokio::EventStream::from_read_with_capacity(
                        cap,
                        Pendy::new(&body, 5),
                    );
                    let mut items = Vec::new();
                    while let Some(it) = s.next_event().await {
                        items.push(it);
                    }
                    split(items)
                });
                assert_eq!(got, want, "{name}: buffer {cap}");
                // As a Stream.
                let got = rt.block_on(async {
                    let s = kusto_frames_io::tokio::EventStream::from_read_with_capacity(
                        cap,
                        Pendy::new(&body, 3),
                    );
                    split(s.collect().await)
                });
                assert_eq!(got, want, "{name}: Stream, buffer {cap}");
            }
        }
    }

    #[test]
    fn futures_stream_matches_the_core() {
        for (name, body) in all_inputs() {
            let want = oracle(&body);
            for cap in [1, 7, 4096] {
                let s = kusto_frames_io::futures::EventStream::from_read_with_capacity(
                    cap,
                    Pendy::new(&body, 5),
                );
                let got = split(block_on(s.collect()));
                assert_eq!(got, want, "{name}: buffer {cap}");
            }
        }
    }

    #[test]
    fn for_each_borrowed_matches_the_core_and_resumes_after_break() {
        let rt = runtime();
        for (name, body) in all_inputs() {
            let want = oracle(&body);
            let got = rt.block_on(async {
                let mut s = kusto_frames_io::tokio::EventStream::from_read_with_capacity(
                    16,
                    Pendy::new(&body, 7),
                );
                let mut events = Vec::new();
                loop {
                    // Stop after each third event, then resume.
                    let mut k = 0;
                    let r = s
                        .for_each_event(|ev| {
                            events.push(ev.to_owned());
                            k += 1;
                            if k == 3 {
                                ControlFlow::Break(())
                            } else {
                                ControlFlow::Continue(())
                            }
                        })
                        .await;
                    match r {
                        Ok(ControlFlow::Break(())) => {}
                        Ok(ControlFlow::Continue(())) => break (events, Ok(())),
                        Err(e) => break (events, Err(e.decode_error().unwrap())),
                    }
                }
            });
            assert_eq!(got, want, "{name}");
        }
    }

    /// Drops every `next_event` future that is not ready on its first poll
    /// (as a `select!` or a timeout would), and starts a new one.
    #[test]
    fn dropping_pending_futures_loses_nothing() {
        for (name, body) in all_inputs() {
            let want = oracle(&body);
            // tokio
            let mut s = kusto_frames_io::tokio::EventStream::from_read_with_capacity(
                7,
                Pendy::new(&body, 3),
            );
            let mut items = Vec::new();
            let mut cancelled = 0;
            loop {
                let fut = pin!(s.next_event());
                match poll_once(fut) {
                    None => cancelled += 1,
                    Some(Some(it)) => items.push(it),
                    Some(None) => break,
                }
            }
            assert!(cancelled > 0);
            assert_eq!(split(items), want, "{name}: tokio next_event");

            // futures, through for_each: events handed out before a drop
            // stay handed out.
            let mut s = kusto_frames_io::futures::EventStream::from_read_with_capacity(
                7,
                Pendy::new(&body, 3),
            );
            let mut events = Vec::new();
            let outcome = loop {
                let fut = pin!(s.for_each_event(|ev| {
                    events.push(ev.to_owned());
                    ControlFlow::Continue(())
                }));
                match poll_once(fut) {
                    None => {}
                    Some(Ok(_)) => break Ok(()),
                    Some(Err(e)) => break Err(e.decode_error().unwrap()),
                }
            };
            assert_eq!((events, outcome), want, "{name}: futures for_each");
        }
    }

    #[test]
    fn nothing_is_read_beyond_one_buffer() {
        let cap = 32;
        let rt = runtime();
        rt.block_on(async {
            let mut s = kusto_frames_io::tokio::EventStream::from_read_with_capacity(
                cap,
                Pendy::new(SMALL_V2, 1 << 20),
            );
            let mut n = 0;
            while let Some(ev) = s.next_event().await {
                ev.unwrap();
                let read = s.get_ref().get_ref().read_bytes as u64;
                assert!(read - s.decoder().offset() <= cap as u64);
                n += 1;
            }
            assert!(n > 5);
        });
        let mut s = kusto_frames_io::futures::EventStream::from_read_with_capacity(
            cap,
            Pendy::new(SMALL_V2, 1 << 20),
        );
        block_on(async {
            while let Some(ev) = s.next().await {
                ev.unwrap();
                let read = s.get_ref().get_ref().read_bytes as u64;
                assert!(read - s.decoder().offset() <= cap as u64);
            }
        });
    }

    #[test]
    fn a_decode_error_ends_the_stream() {
        let body = br#"[{"FrameType":"DataSetHeader"},{"FrameType":"DataTable","Rows":[[01]]}]"#;
        let s = kusto_frames_io::futures::EventStream::from_read(&body[..]);
        let items: Vec<_> = block_on(s.collect());
        assert_eq!(items.len(), 3);
        assert!(items[2].as_ref().unwrap_err().decode_error().is_some());
    }
}
