//! A `Stream` of events over [`futures_io::AsyncBufRead`] (or
//! [`futures_io::AsyncRead`], wrapped in a [`futures_util::io::BufReader`]).
//!
//! ```
//! use futures_util::StreamExt;
//! use kusto_frames_io::futures::EventStream;
//!
//! let body: &[u8] = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
//! {"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
//! let events = EventStream::from_read_with_capacity(8, body);
//! # let block_on = |f| tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f);
//! // Any executor: futures::executor::block_on, tokio, smol, ...
//! let all: Vec<_> = block_on(events.collect());
//! assert_eq!(all.len(), 2);
//! ```

crate::async_impl::event_stream! {
    runtime: "futures-io",
    buf_read: futures_io::AsyncBufRead,
    read: futures_io::AsyncRead,
    buf_reader: futures_util::io::BufReader,
}
