//! Decodes a Kusto response body that arrives over HTTP/1.1 with chunked
//! transfer encoding, as the service sends it, with
//! `kusto_frames_io::tokio::EventStream`.
//!
//! The example starts its own small HTTP server on the loopback interface
//! (127.0.0.1, an OS-chosen port; it serves one connection and stops), then
//! fetches the body three times: whole, cut off mid-stream by a closed
//! connection, and cut short with a clean end of the chunked body. The test
//! suite (`tests/http.rs`) runs the same functions.
//!
//! ```text
//! cargo run -p kusto-frames-io --features tokio --example http_chunked [BODY.json]
//! ```
//!
//! The HTTP handling here (response head, chunked decoding) belongs to the
//! example: the library's adapters only feed bytes to the decoder.

use core::net::SocketAddr;
use core::pin::Pin;
use core::task::{ready, Context, Poll};
use core::time::Duration;
use std::io;

use kusto_frames::OwnedEvent;
use kusto_frames_io::tokio::EventStream;
use kusto_frames_io::ReadError;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::timeout;

/// How long any one step (accept, read, write) may take before giving up.
const STEP: Duration = Duration::from_secs(10);

/// How the server ends the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The whole body, then the last chunk (`0\r\n\r\n`).
    Complete,
    /// Only the first `n` bytes of the body, then the connection closes
    /// without the last chunk: a transport-level truncation.
    CloseAfter(usize),
    /// Only the first `n` bytes of the body, then a well-formed last chunk:
    /// the HTTP layer sees a complete message; the body is truncated.
    EndAfter(usize),
}

fn timed_out(_: tokio::time::error::Elapsed) -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "step timed out")
}

/// Starts a server on 127.0.0.1 (an OS-chosen port) that answers one
/// request with `body` in HTTP chunks of `chunk` bytes, ended as `ending`
/// says, then stops.
pub async fn serve_once(
    body: Vec<u8>,
    chunk: usize,
    ending: Ending,
) -> io::Result<(SocketAddr, JoinHandle<io::Result<()>>)> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        let (mut conn, _) = timeout(STEP, listener.accept())
            .await
            .map_err(timed_out)??;
        drop(listener);
        read_request(&mut conn).await?;
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n\
                    Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        conn.write_all(head.as_bytes()).await?;
        let limit = match ending {
            Ending::Complete => body.len(),
            Ending::CloseAfter(n) | Ending::EndAfter(n) => n.min(body.len()),
        };
        for part in body[..limit].chunks(chunk.max(1)) {
            let mut frame = format!("{:x}\r\n", part.len()).into_bytes();
            frame.extend_from_slice(part);
            frame.extend_from_slice(b"\r\n");
            timeout(STEP, conn.write_all(&frame))
                .await
                .map_err(timed_out)??;
            // Let the client run between chunks, as a network would.
            tokio::task::yield_now().await;
        }
        if !matches!(ending, Ending::CloseAfter(_)) {
            conn.write_all(b"0\r\n\r\n").await?;
        }
        conn.shutdown().await?;
        Ok(())
    });
    Ok((addr, task))
}

/// Reads the request head (bounded), ignoring its content.
async fn read_request(conn: &mut TcpStream) -> io::Result<()> {
    let mut reader = BufReader::new(conn);
    let mut total = 0;
    loop {
        let mut line = String::new();
        let n = timeout(STEP, reader.read_line(&mut line))
            .await
            .map_err(timed_out)??;
        total += n;
        if n == 0 || line == "\r\n" || total > 16 * 1024 {
            return Ok(());
        }
    }
}

/// A chunked-encoding decoder over a buffered reader: an `AsyncBufRead`
/// whose buffer is a slice of the inner reader's buffer (no copy).
pub struct Dechunk<R> {
    inner: R,
    state: State,
}

enum State {
    /// Reading a chunk-size line.
    Size(Vec<u8>),
    /// Inside a chunk: bytes left.
    Data(u64),
    /// After a chunk's data: the CRLF (bytes of it still to skip).
    DataEnd(u8),
    /// After the last chunk: trailer lines until an empty one.
    Trailer(Vec<u8>),
    Done,
}

fn bad(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_owned())
}

fn closed() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "connection closed before the end of the chunked body",
    )
}

impl<R: AsyncBufRead + Unpin> Dechunk<R> {
    /// Decodes the chunked body that `inner` is positioned at.
    pub fn new(inner: R) -> Self {
        Dechunk {
            inner,
            state: State::Size(Vec::new()),
        }
    }

    /// Reads a CRLF-terminated line into `line`; `true` once it is whole.
    fn poll_line(
        inner: &mut R,
        cx: &mut Context<'_>,
        line: &mut Vec<u8>,
    ) -> Poll<io::Result<bool>> {
        let buf = ready!(Pin::new(&mut *inner).poll_fill_buf(cx))?;
        if buf.is_empty() {
            return Poll::Ready(Err(closed()));
        }
        let (take, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        line.extend_from_slice(&buf[..take]);
        Pin::new(&mut *inner).consume(take);
        if line.len() > 4096 {
            return Poll::Ready(Err(bad("chunk line too long")));
        }
        Poll::Ready(Ok(done))
    }
}

impl<R: AsyncBufRead + Unpin> AsyncRead for Dechunk<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let buf = ready!(self.as_mut().poll_fill_buf(cx))?;
        let n = buf.len().min(out.remaining());
        out.put_slice(&buf[..n]);
        self.consume(n);
        Poll::Ready(Ok(()))
    }
}

impl<R: AsyncBufRead + Unpin> AsyncBufRead for Dechunk<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                State::Size(line) => {
                    if !ready!(Self::poll_line(&mut this.inner, cx, line))? {
                        continue;
                    }
                    let text = core::str::from_utf8(line).map_err(|_| bad("chunk size"))?;
                    let hex = text.split(';').next().unwrap_or("").trim();
                    let size = u64::from_str_radix(hex, 16).map_err(|_| bad("chunk size"))?;
                    this.state = if size == 0 {
                        State::Trailer(Vec::new())
                    } else {
                        State::Data(size)
                    };
                }
                State::Data(left) => {
                    let left = *left;
                    let buf = ready!(Pin::new(&mut this.inner).poll_fill_buf(cx))?;
                    if buf.is_empty() {
                        return Poll::Ready(Err(closed()));
                    }
                    let n = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
                    return Poll::Ready(Ok(&buf[..n]));
                }
                State::DataEnd(left) => {
                    let buf = ready!(Pin::new(&mut this.inner).poll_fill_buf(cx))?;
                    let Some(&b) = buf.first() else {
                        return Poll::Ready(Err(closed()));
                    };
                    let want = if *left == 2 { b'\r' } else { b'\n' };
                    if b != want {
                        return Poll::Ready(Err(bad("missing CRLF after chunk data")));
                    }
                    Pin::new(&mut this.inner).consume(1);
                    *left -= 1;
                    if *left == 0 {
                        this.state = State::Size(Vec::new());
                    }
                }
                State::Trailer(line) => {
                    if !ready!(Self::poll_line(&mut this.inner, cx, line))? {
                        continue;
                    }
                    if line.as_slice() == b"\r\n" || line.as_slice() == b"\n" {
                        this.state = State::Done;
                    } else {
                        line.clear();
                    }
                }
                State::Done => return Poll::Ready(Ok(&[])),
            }
        }
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let this = self.get_mut();
        if let State::Data(left) = &mut this.state {
            Pin::new(&mut this.inner).consume(amt);
            *left -= amt as u64;
            if *left == 0 {
                this.state = State::DataEnd(2);
            }
        }
    }
}

/// Fetches `http://addr/` and decodes its chunked body with a socket buffer
/// of `buffer` bytes: the events, and how the body ended.
pub async fn fetch_events(
    addr: SocketAddr,
    buffer: usize,
) -> io::Result<(Vec<OwnedEvent>, Result<(), ReadError>)> {
    let mut conn = timeout(STEP, TcpStream::connect(addr))
        .await
        .map_err(timed_out)??;
    conn.write_all(b"GET /v2/rest/query HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nConnection: close\r\n\r\n")
        .await?;
    let mut reader = BufReader::with_capacity(buffer.max(1), conn);
    let mut status = String::new();
    timeout(STEP, reader.read_line(&mut status))
        .await
        .map_err(timed_out)??;
    if !status.starts_with("HTTP/1.1 200") {
        return Err(bad("status is not 200"));
    }
    let mut chunked = false;
    loop {
        let mut line = String::new();
        let n = timeout(STEP, reader.read_line(&mut line))
            .await
            .map_err(timed_out)??;
        if n == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            chunked |= k.eq_ignore_ascii_case("transfer-encoding")
                && v.trim().eq_ignore_ascii_case("chunked");
        }
    }
    if !chunked {
        return Err(bad("the body is not chunked"));
    }
    // The decoder reads straight from the socket buffer, through the
    // chunked decoder: nothing is read beyond `buffer` bytes ahead.
    let mut events = EventStream::new(Dechunk::new(reader));
    let mut out = Vec::new();
    loop {
        match timeout(STEP, events.next_event())
            .await
            .map_err(timed_out)?
        {
            Some(Ok(ev)) => out.push(ev),
            Some(Err(e)) => return Ok((out, Err(e))),
            None => return Ok((out, Ok(()))),
        }
    }
}

/// A small V2 body to serve when no file is given.
const SAMPLE: &str = r#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"PrimaryResult","Columns":[{"ColumnName":"State","ColumnType":"string"},{"ColumnName":"Events","ColumnType":"long"}],"Rows":[["TEXAS",4701],["KANSAS",3166],["IOWA",2337]]},
{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;

async fn run(body: Vec<u8>, ending: Ending) -> io::Result<()> {
    let (addr, server) = serve_once(body, 64, ending).await?;
    let (events, outcome) = fetch_events(addr, 256).await?;
    let rows = events
        .iter()
        .filter(|e| matches!(e, OwnedEvent::Row(_)))
        .count();
    match outcome {
        Ok(()) => println!(
            "{ending:?}: {} events, {rows} rows, clean end",
            events.len()
        ),
        Err(e) => println!(
            "{ending:?}: {} events, {rows} rows, then: {e} (truncated: {})",
            events.len(),
            e.is_truncated()
        ),
    }
    server.await.map_err(io::Error::other)?
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    let body = match std::env::args().nth(1) {
        Some(path) => std::fs::read(path)?,
        None => SAMPLE.as_bytes().to_vec(),
    };
    let half = body.len() / 2;
    run(body.clone(), Ending::Complete).await?;
    run(body.clone(), Ending::CloseAfter(half)).await?;
    run(body, Ending::EndAfter(half)).await?;
    Ok(())
}
