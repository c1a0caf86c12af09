//! A `Stream` of events over [`tokio::io::AsyncBufRead`] (or
//! [`tokio::io::AsyncRead`], wrapped in a [`tokio::io::BufReader`]).
//!
//! ```
//! # tokio_test_block_on(async {
//! use kusto_frames::OwnedEvent;
//! use kusto_frames_io::tokio::EventStream;
//!
//! let body: &[u8] = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
//! {"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
//! let mut events = EventStream::from_read_with_capacity(8, body);
//! let mut n = 0;
//! while let Some(ev) = events.next_event().await {
//!     let _ev: OwnedEvent = ev?;
//!     n += 1;
//! }
//! assert_eq!(n, 2);
//! # Ok::<(), kusto_frames_io::ReadError>(())
//! # });
//! # fn tokio_test_block_on<F: core::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

crate::async_impl::event_stream! {
    runtime: "tokio",
    buf_read: tokio::io::AsyncBufRead,
    read: tokio::io::AsyncRead,
    buf_reader: tokio::io::BufReader,
}
