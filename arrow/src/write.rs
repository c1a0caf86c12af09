//! One table written as an Arrow IPC stream or a Parquet file.

use std::io::{Read, Write};

use arrow_ipc::writer::StreamWriter;
use kusto_frames_io::EventReader;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};

use crate::{BatchReader, Error, Options, TableMeta};

/// What a writer wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteSummary {
    /// The table written.
    pub table: TableMeta,
    /// Batches written.
    pub batches: u64,
    /// Rows written.
    pub rows: u64,
}

/// Compression of the Parquet pages.
///
/// Snappy is the default: on the 100 MB mixed benchmark input the Parquet
/// encoder runs about 44% fewer instructions than with zstd (callgrind; the
/// tool's `parquet` command is about 15% faster end to end), for a file
/// about 33% larger. zstd (level 1, the fastest the `parquet` crate allows)
/// when size matters more than speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParquetCompression {
    /// zstd at level 1: the smaller file.
    Zstd,
    /// Snappy (the default): the faster write.
    #[default]
    Snappy,
    /// None.
    Uncompressed,
}

impl ParquetCompression {
    /// Parses a compression name: `snappy`, `zstd` or `none`.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "snappy" => Some(ParquetCompression::Snappy),
            "zstd" => Some(ParquetCompression::Zstd),
            "none" | "uncompressed" => Some(ParquetCompression::Uncompressed),
            _ => None,
        }
    }
}

/// Rows per Parquet row group: the writer holds one row group's encoded
/// columns in memory, so this bounds its memory.
const ROW_GROUP_ROWS: usize = 64 * 1024;

/// Writes the batches of `reader` with `write`, then `close`s the output,
/// also after an error: the output holds every batch before it.
fn pump<R: std::io::BufRead>(
    mut reader: BatchReader<R>,
    mut write: impl FnMut(&arrow_array::RecordBatch) -> Result<(), Error>,
    close: impl FnOnce() -> Result<(), Error>,
) -> Result<WriteSummary, Error> {
    let mut summary = WriteSummary {
        table: reader.table().clone(),
        batches: 0,
        rows: 0,
    };
    let mut result = Ok(());
    while let Some(item) = reader.next_batch() {
        match item.and_then(|b| write(&b).map(|()| b.num_rows())) {
            Ok(rows) => {
                summary.batches += 1;
                summary.rows += rows as u64;
            }
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    let closed = close();
    result?;
    closed?;
    Ok(summary)
}

/// Decodes the response body `input` and writes the table `opts.tables`
/// selects (the first primary result by default) to `out` as an Arrow IPC
/// stream, batch by batch (`kusto-frames arrow`).
///
/// # Errors
/// As [`BatchReader`]: the stream is finished (valid, with every batch
/// decoded before the error) before an error is returned, except when the
/// table was never found (nothing is written then). An
/// [`Error::PartialFailure`] means the output is complete but the
/// response reported errors.
pub fn write_ipc_stream<R: Read, W: Write>(
    input: R,
    out: W,
    opts: &Options,
) -> Result<WriteSummary, Error> {
    let reader = BatchReader::new(EventReader::from_read(input), opts.clone())?;
    let schema = reader.table().schema.clone();
    let writer = core::cell::RefCell::new(StreamWriter::try_new(out, &schema)?);
    pump(
        reader,
        |b| Ok(writer.borrow_mut().write(b)?),
        // `finish` writes the end-of-stream marker and flushes `out`.
        || Ok(writer.borrow_mut().finish()?),
    )
}

/// Decodes the response body `input` and writes the table `opts.tables`
/// selects (the first primary result by default) to `out` as Parquet,
/// batch by batch (`kusto-frames parquet`), compressed with `compression`,
/// in row groups of 65 536 rows, without dictionary encoding, with min/max
/// statistics per row group.
///
/// The Arrow schema (with the `arrow.uuid` and `arrow.json` extension
/// types) is stored in the file, so Arrow readers get the same types back.
///
/// The Parquet encoding runs on a second thread (scoped; at most 2 batches
/// queued for it), beside the decoding: both take about as long.
///
/// # Errors
/// As [`write_ipc_stream`]: the file is closed (valid, with every batch
/// decoded before the error) before an error is returned.
pub fn write_parquet<R: Read, W: Write + Send>(
    input: R,
    out: W,
    opts: &Options,
    compression: ParquetCompression,
) -> Result<WriteSummary, Error> {
    let reader = BatchReader::new(EventReader::from_read(input), opts.clone())?;
    let schema = reader.table().schema.clone();
    let props = WriterProperties::builder()
        .set_compression(match compression {
            ParquetCompression::Zstd => Compression::ZSTD(ZstdLevel::default()),
            ParquetCompression::Snappy => Compression::SNAPPY,
            ParquetCompression::Uncompressed => Compression::UNCOMPRESSED,
        })
        .set_max_row_group_size(ROW_GROUP_ROWS)
        // Measured on the 30 MB mixed input (BENCHMARKS.md): without
        // dictionaries zstd writes 30% faster *and* 7% smaller (Kusto
        // results are mostly high-cardinality); min/max per column chunk
        // (row group) rather than per page saves another 8%.
        .set_dictionary_enabled(false)
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .build();
    let mut writer = ArrowWriter::try_new(out, schema, Some(props))?;
    let mut reader = reader;
    let mut summary = WriteSummary {
        table: reader.table().clone(),
        batches: 0,
        rows: 0,
    };
    // The encoder runs on its own thread, QUEUED batches behind the decoder.
    let (tx, rx) = std::sync::mpsc::sync_channel::<arrow_array::RecordBatch>(QUEUED);
    std::thread::scope(|scope| {
        let encoder = scope.spawn(move || -> Result<(), Error> {
            for b in rx {
                writer.write(&b)?;
            }
            writer.finish()?;
            Ok(writer.inner_mut().flush()?)
        });
        let mut result = Ok(());
        while let Some(item) = reader.next_batch() {
            match item {
                Ok(b) => {
                    summary.batches += 1;
                    summary.rows += b.num_rows() as u64;
                    if tx.send(b).is_err() {
                        break; // the encoder failed: its error is below
                    }
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        // The encoder closes the file with every batch sent, also after a
        // read error.
        drop(tx);
        let encoded = encoder.join().unwrap_or_else(|_| {
            Err(Error::Protocol {
                message: "the Parquet encoder thread panicked".into(),
                offset: None,
            })
        });
        encoded?;
        result?;
        Ok(summary)
    })
}

/// Batches waiting for the Parquet encoder thread (besides the one it
/// encodes).
const QUEUED: usize = 2;
