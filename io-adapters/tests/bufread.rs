//! The std::io adapters give the same events as the core's own
//! `decode_chunks`, whatever the buffer size and read sizes.

mod common;

use core::ops::ControlFlow;
use std::io::{self, BufRead, BufReader, Read};

use common::{all_inputs, oracle, Trickle, SMALL_V2};
use kusto_frames::{Decoder, DecoderConfig, ErrorKind, OwnedEvent};
use kusto_frames_io::{EventReader, ReadError};

const SIZES: [usize; 6] = [1, 2, 7, 64, 4096, 65536];

/// Events and outcome, in the oracle's shape.
fn split(
    items: Vec<Result<OwnedEvent, ReadError>>,
) -> (Vec<OwnedEvent>, Result<(), kusto_frames::Error>) {
    let mut events = Vec::new();
    for it in items {
        match it {
            Ok(ev) => events.push(ev),
            Err(e) => {
                return (
                    events,
                    Err(e.decode_error().expect("only decode errors here")),
                )
            }
        }
    }
    (events, Ok(()))
}

fn via_callback<R: BufRead>(
    mut r: EventReader<R>,
) -> (Vec<OwnedEvent>, Result<(), kusto_frames::Error>) {
    let mut events = Vec::new();
    let res = r.for_each(|ev| {
        events.push(ev.to_owned());
        ControlFlow::Continue(())
    });
    let res = res.map(|flow| assert!(flow.is_continue()));
    (events, res.map_err(|e| e.decode_error().unwrap()))
}

#[test]
fn every_input_every_buffer_size_matches_the_core() {
    for (name, body) in all_inputs() {
        let want = oracle(&body);
        for cap in SIZES {
            // Read wrapped in a BufReader, with short reads and Interrupted.
            let got = split(
                EventReader::from_read_with_capacity(cap, Trickle::new(&body, 5))
                    .events()
                    .collect(),
            );
            assert_eq!(got, want, "{name}: iterator, buffer {cap}");
            // A BufRead given as is, through the callback.
            let got = via_callback(EventReader::new(BufReader::with_capacity(cap, &body[..])));
            assert_eq!(got, want, "{name}: callback, buffer {cap}");
        }
        // The owning iterator.
        let got = split(EventReader::from_read(&body[..]).into_iter().collect());
        assert_eq!(got, want, "{name}: into_iter");
    }
}

#[test]
fn breaking_after_every_event_loses_nothing() {
    for (name, body) in all_inputs() {
        let want = oracle(&body);
        for cap in [1, 7, 4096] {
            let mut r = EventReader::from_read_with_capacity(cap, &body[..]);
            let mut events = Vec::new();
            let outcome = loop {
                let mut got_one = false;
                match r.for_each(|ev| {
                    events.push(ev.to_owned());
                    got_one = true;
                    ControlFlow::Break(())
                }) {
                    Ok(ControlFlow::Break(())) => assert!(got_one),
                    Ok(ControlFlow::Continue(())) => break Ok(()),
                    Err(e) => break Err(e.decode_error().unwrap()),
                }
            };
            assert_eq!((events, outcome), want, "{name}: buffer {cap}");
        }
    }
}

/// A reader that fails once with `kind` after `at` bytes, then goes on.
struct FailOnce<'a> {
    data: &'a [u8],
    at: usize,
    kind: Option<io::ErrorKind>,
}

impl Read for FailOnce<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at == 0 {
            if let Some(kind) = self.kind.take() {
                return Err(io::Error::new(kind, "transient"));
            }
        }
        let n = buf.len().min(self.data.len()).min(self.at.max(1)).min(3);
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        self.at = self.at.saturating_sub(n);
        Ok(n)
    }
}

#[test]
fn read_errors_are_kept_apart_and_not_sticky() {
    let want = oracle(SMALL_V2);
    let mut r = EventReader::from_read_with_capacity(
        8,
        FailOnce {
            data: SMALL_V2,
            at: 300,
            kind: Some(io::ErrorKind::ConnectionReset),
        },
    );
    let mut events = Vec::new();
    let mut io_errors = 0;
    loop {
        match r.next_owned() {
            Ok(Some(ev)) => events.push(ev),
            Ok(None) => break,
            Err(ReadError::Io(e)) => {
                assert_eq!(e.kind(), io::ErrorKind::ConnectionReset);
                io_errors += 1;
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(io_errors, 1);
    assert_eq!((events, Ok(())), want);
}

#[test]
fn decode_errors_are_sticky_and_end_the_iterator() {
    let body = br#"[{"FrameType":"DataSetHeader","Version":"v2.0"},{"FrameType":"DataTable","Rows":[[1,]]}]"#;
    let mut r = EventReader::from_read_with_capacity(4, &body[..]);
    let e = r.read_to_end().unwrap_err();
    let d = e.decode_error().unwrap();
    assert_eq!(d.kind(), ErrorKind::TrailingComma);
    assert!(e.io_error().is_none());
    // Again: the same error.
    let again = r.for_each(|_| ControlFlow::Continue(())).unwrap_err();
    assert_eq!(again.decode_error(), Some(d));
    // The iterator yields the error once, then ends.
    let items: Vec<_> = EventReader::from_read(&body[..]).into_iter().collect();
    assert!(items.last().unwrap().is_err());
    assert_eq!(items.iter().filter(|i| i.is_err()).count(), 1);
}

#[test]
fn truncated_body_is_reported_as_truncated() {
    let cut = &SMALL_V2[..SMALL_V2.len() / 2];
    let e = EventReader::from_read(cut).read_to_end().unwrap_err();
    assert!(e.is_truncated(), "{e}");
    assert_eq!(e.decode_error().unwrap().kind(), ErrorKind::UnexpectedEof);
}

/// Gives `data`, then fails with `WouldBlock` on every later read: a
/// network reader whose peer has sent nothing more yet.
struct ThenBlock<'a> {
    data: &'a [u8],
}

impl Read for ThenBlock<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.data.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = buf.len().min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[test]
fn an_event_ready_without_more_input_is_handed_out_before_reading() {
    // A DataTable frame without Rows gives its head and end events at its
    // last `}`. Only the body up to that `}` has arrived.
    let part: &[u8] = br#"[{"FrameType":"DataSetHeader","Version":"v2.0"},{"FrameType":"DataTable","TableId":0,"Columns":[]}"#;
    let mut r = EventReader::from_read_with_capacity(1 << 16, ThenBlock { data: part });
    let mut names = Vec::new();
    for _ in 0..3 {
        match r.next_owned().unwrap().unwrap() {
            OwnedEvent::DataSetHeader { .. } => names.push("header"),
            OwnedEvent::DataTable(_) => names.push("table"),
            OwnedEvent::DataTableEnd(_) => names.push("end"),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(names, ["header", "table", "end"]);
    match r.next_owned() {
        Err(ReadError::Io(e)) => assert_eq!(e.kind(), io::ErrorKind::WouldBlock),
        other => panic!("{other:?}"),
    }
}

#[test]
fn nothing_is_read_beyond_one_buffer() {
    let cap = 16;
    let mut r = EventReader::from_read_with_capacity(cap, Trickle::new(SMALL_V2, 1000));
    let mut n = 0;
    while r.next_owned().unwrap().is_some() {
        let read = r.get_ref().get_ref().read_bytes as u64;
        assert!(
            read - r.decoder().offset() <= cap as u64,
            "read {read}, decoded {}",
            r.decoder().offset()
        );
        n += 1;
    }
    assert!(n > 5);
}

#[test]
fn decoder_limits_apply() {
    let mut cfg = DecoderConfig::default();
    cfg.max_columns(1);
    let r = EventReader::with_decoder(BufReader::new(SMALL_V2), Decoder::with_config(cfg));
    let e = split(r.into_iter().collect()).1.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TooManyColumns);
}

#[test]
fn into_inner_keeps_the_undecoded_input() {
    let mut r = EventReader::from_read_with_capacity(1 << 16, SMALL_V2);
    let first = r.next_owned().unwrap().unwrap();
    assert!(matches!(first, OwnedEvent::DataSetHeader { .. }));
    let consumed = r.decoder().offset() as usize;
    let rest = r.into_inner();
    assert_eq!(rest.buffer(), &SMALL_V2[consumed..]);
}
