//! From an HTTP response to typed rows with reqwest: the user's code is
//! [`fetch_rows`] (every row, or the rows and every error) and
//! [`stream_rows`] (a `Stream` of rows, errors inline).
//!
//! The example starts its own HTTP server on the loopback interface
//! (127.0.0.1, an OS-chosen port) that sends a Kusto V2 response with
//! chunked transfer encoding and `Content-Encoding: gzip`, as the service
//! does, and with a partial failure: a row replaced by an error object and
//! `HasErrors: true`. The test suite (`tests/http.rs`) runs the same
//! functions.
//!
//! ```text
//! cargo run -p kusto-frames-io --features stream,chrono,uuid,rust_decimal --example reqwest_rows
//! ```

use core::net::SocketAddr;
use core::time::Duration;
use std::io::{self, Write as _};

use futures_core::Stream;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

// ---- the user's code -------------------------------------------------------
use kusto_frames_io::async_primary::AsyncPrimaryReader;
use kusto_frames_io::primary::{PartialRows, RowsError};
use kusto_frames_io::stream::StreamError;

/// A row of the query's result, by column name.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct MyRow {
    pub when: chrono::DateTime<chrono::Utc>,
    pub id: uuid::Uuid,
    pub amount: rust_decimal::Decimal,
    pub name: String,
}

/// What can go wrong: the request, or the response (read, decoded, or
/// reported by the service: the rows read come with every error).
#[derive(Debug)]
pub enum FetchError {
    Request(reqwest::Error),
    Response(PartialRows<MyRow, StreamError<reqwest::Error>>),
}

/// Every row of the primary results, or the rows read and every error.
pub async fn fetch_rows(client: &reqwest::Client, url: &str) -> Result<Vec<MyRow>, FetchError> {
    let response = client.get(url).send().await.map_err(FetchError::Request)?;
    let mut reader = AsyncPrimaryReader::from_stream(response.bytes_stream());
    reader
        .read_all::<MyRow>()
        .await
        .map_err(FetchError::Response)
}

/// The rows as they arrive; errors (reported, decode, transport) inline.
pub async fn stream_rows(
    client: &reqwest::Client,
    url: &str,
) -> reqwest::Result<impl Stream<Item = Result<MyRow, RowsError<StreamError<reqwest::Error>>>>> {
    let response = client.get(url).send().await?;
    Ok(AsyncPrimaryReader::from_stream(response.bytes_stream()).into_rows())
}
// ---- end of the user's code ------------------------------------------------

/// A response with a partial failure: two rows, an error object in place
/// of a third, and `HasErrors`.
pub const BODY: &str = r#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
{"FrameType":"DataTable","TableId":0,"TableKind":"QueryProperties","TableName":"@ExtendedProperties","Columns":[{"ColumnName":"TableId","ColumnType":"int"},{"ColumnName":"Key","ColumnType":"string"},{"ColumnName":"Value","ColumnType":"dynamic"}],"Rows":[[1,"Visualization","{\"Visualization\":\"table\"}"]]},
{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"PrimaryResult","Columns":[{"ColumnName":"when","ColumnType":"datetime"},{"ColumnName":"id","ColumnType":"guid"},{"ColumnName":"amount","ColumnType":"decimal"},{"ColumnName":"name","ColumnType":"string"}],
"Rows":[["2024-01-15T10:00:00.1234567Z","0f8fad5b-d9cb-469f-a165-70867728950e","12345678901234567890.123456789","first"],
["9999-12-31T23:59:59.9999999Z","7c9e6679-7425-40de-944b-e07fc1f90ae7","-0.0000001","second \"quoted\""],
{"OneApiErrors":[{"error":{"code":"LimitsExceeded","message":"Request is invalid and cannot be executed.","@type":"Kusto.Data.Exceptions.KustoServicePartialQueryFailureLimitsExceededException","@message":"Query execution has exceeded the allowed limits (80DA0003).","@permanent":false}}]}]},
{"FrameType":"DataTable","TableId":2,"TableKind":"QueryCompletionInformation","TableName":"QueryCompletionInformation","Columns":[{"ColumnName":"Timestamp","ColumnType":"datetime"},{"ColumnName":"ClientRequestId","ColumnType":"string"},{"ColumnName":"ActivityId","ColumnType":"guid"},{"ColumnName":"SubActivityId","ColumnType":"guid"},{"ColumnName":"ParentActivityId","ColumnType":"guid"},{"ColumnName":"Level","ColumnType":"int"},{"ColumnName":"LevelName","ColumnType":"string"},{"ColumnName":"StatusCode","ColumnType":"int"},{"ColumnName":"StatusCodeName","ColumnType":"string"},{"ColumnName":"EventType","ColumnType":"int"},{"ColumnName":"EventTypeName","ColumnType":"string"},{"ColumnName":"Payload","ColumnType":"string"}],
"Rows":[["2024-01-15T10:00:01Z","KF;1","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000003",4,"Info",0,"S_OK (0)",4,"QueryInfo","{\"Count\":1,\"Text\":\"Query completed successfully\"}"]]},
{"FrameType":"DataSetCompletion","HasErrors":true,"Cancelled":false}]"#;

/// How the server ends the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The whole body, then the last chunk (`0\r\n\r\n`).
    Complete,
    /// Only the first `n` bytes of the body (compressed, the gzip stream
    /// left open), then the connection closes without the last chunk.
    CloseAfter(usize),
    /// Only the first `n` bytes of the body, as a complete gzip stream and
    /// a well-formed last chunk: HTTP and gzip see a complete message; the
    /// body is truncated.
    EndAfter(usize),
}

/// How long any one step (accept, read, write) may take.
const STEP: Duration = Duration::from_secs(10);

fn timed_out(_: tokio::time::error::Elapsed) -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "step timed out")
}

/// Starts a server on 127.0.0.1 (an OS-chosen port) that answers one
/// request with `body`, gzip-compressed, in HTTP chunks that each
/// decompress to `chunk` bytes of the body (a gzip sync flush after each),
/// ended as `ending` says, then stops.
pub async fn serve_once(
    body: Vec<u8>,
    chunk: usize,
    ending: Ending,
) -> io::Result<(SocketAddr, JoinHandle<io::Result<()>>)> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        let (mut conn, _) = tokio::time::timeout(STEP, listener.accept())
            .await
            .map_err(timed_out)??;
        conn.set_nodelay(true)?;
        // The request head (a GET: no body).
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = tokio::time::timeout(STEP, conn.read(&mut buf))
                .await
                .map_err(timed_out)??;
            if n == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            head.extend_from_slice(&buf[..n]);
        }
        conn.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n\
              Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        )
        .await?;
        let send = match ending {
            Ending::Complete => body.len(),
            Ending::CloseAfter(n) | Ending::EndAfter(n) => n.min(body.len()),
        };
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        for piece in body[..send].chunks(chunk.max(1)) {
            gz.write_all(piece)?;
            gz.flush()?; // a sync flush: this piece decompresses on its own
            let out = core::mem::take(gz.get_mut());
            write_chunk(&mut conn, &out).await?;
        }
        if matches!(ending, Ending::CloseAfter(_)) {
            // Close without ending the gzip stream or the chunked body.
            return Ok(());
        }
        let tail = gz.finish()?;
        write_chunk(&mut conn, &tail).await?;
        conn.write_all(b"0\r\n\r\n").await?;
        conn.shutdown().await?;
        Ok(())
    });
    Ok((addr, server))
}

async fn write_chunk(conn: &mut tokio::net::TcpStream, data: &[u8]) -> io::Result<()> {
    if data.is_empty() {
        return Ok(());
    }
    let mut frame = format!("{:x}\r\n", data.len()).into_bytes();
    frame.extend_from_slice(data);
    frame.extend_from_slice(b"\r\n");
    tokio::time::timeout(STEP, conn.write_all(&frame))
        .await
        .map_err(timed_out)?
}

/// A client as the README shows: gzip is decompressed by reqwest.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a reqwest client")
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn core::error::Error>> {
    let client = client();

    let (addr, server) = serve_once(BODY.as_bytes().to_vec(), 64, Ending::Complete).await?;
    match fetch_rows(&client, &format!("http://{addr}/v2/rest/query")).await {
        Ok(rows) => println!("{} rows, clean", rows.len()),
        Err(FetchError::Request(e)) => return Err(e.into()),
        Err(FetchError::Response(partial)) => {
            for row in &partial.rows {
                println!("{row:?}");
            }
            for e in &partial.errors {
                println!("error: {e}");
            }
        }
    }
    server.await??;

    let (addr, server) = serve_once(BODY.as_bytes().to_vec(), 7, Ending::Complete).await?;
    let rows = stream_rows(&client, &format!("http://{addr}/v2/rest/query")).await?;
    let mut rows = core::pin::pin!(rows);
    while let Some(r) = core::future::poll_fn(|cx| rows.as_mut().poll_next(cx)).await {
        match r {
            Ok(row) => println!("row: {} {}", row.name, row.when),
            Err(e) => println!("error: {e}"),
        }
    }
    server.await??;
    Ok(())
}
