//! `kusto-frames arrow` and `kusto-frames parquet`: one table as an Arrow
//! IPC stream or a Parquet file, batch by batch, through
//! `kusto-frames-arrow`'s writers (its README has the type mapping).

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use kusto_frames_arrow::{
    write_ipc_stream, write_parquet, DatetimeUnit, Error, Options, ParquetCompression,
    TableSelector,
};

use crate::input::Input;
use crate::{FAILED, REPORTED};

/// The options both commands take.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// `--table`: an id (a number) or a name; the first primary result when
    /// absent.
    pub(crate) table: Option<String>,
    /// `--datetime-unit us`.
    pub(crate) micros: bool,
    /// `--batch-rows`.
    pub(crate) batch_rows: usize,
}

/// Writes the table to `output` (standard output when `None`, `arrow`
/// only). Exit status: 0 written and clean; 1 written, and the response
/// reports errors (listed on stderr); 2 the body is malformed, a value does
/// not fit its Arrow type, or I/O failed (the batches before the error are
/// written).
/// `parquet`: `Some` with the file's compression; `None` writes Arrow IPC.
pub(crate) fn run(
    input: Input,
    s: &Settings,
    output: Option<&str>,
    parquet: Option<ParquetCompression>,
) -> ExitCode {
    let name = input.name.clone();
    let mut opts = Options {
        batch_rows: s.batch_rows.max(1),
        ..Options::default()
    };
    if s.micros {
        opts.datetime_unit = DatetimeUnit::Microsecond;
    }
    if let Some(t) = &s.table {
        opts.tables = TableSelector::from_arg(t);
    }
    let reader = input.into_reader();
    let result = match output {
        Some(path) => match File::create(path) {
            Ok(f) => {
                let out = BufWriter::with_capacity(1 << 16, f);
                if let Some(compression) = parquet {
                    write_parquet(reader, out, &opts, compression)
                } else {
                    write_ipc_stream(reader, out, &opts)
                }
            }
            Err(e) => {
                eprintln!("kusto-frames: {path}: {e}");
                return ExitCode::from(FAILED);
            }
        },
        None if io::stdout().is_terminal() => {
            // Arrow IPC is binary: never onto a terminal.
            eprintln!(
                "kusto-frames: not writing an Arrow IPC stream to a terminal: \
                 redirect standard output, or use -o OUT"
            );
            return ExitCode::from(FAILED);
        }
        None => {
            let out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
            write_ipc_stream(reader, out, &opts)
        }
    };
    let _ = io::stdout().flush();
    match result {
        Ok(summary) => {
            eprintln!(
                "kusto-frames: {}: {} rows in {} batches",
                summary.table.label(),
                summary.rows,
                summary.batches
            );
            ExitCode::SUCCESS
        }
        Err(Error::PartialFailure(p)) => {
            // Every batch was written; the response reported errors.
            eprintln!("kusto-frames: {name}: written, but {p}");
            ExitCode::from(REPORTED)
        }
        Err(e) => {
            eprintln!("kusto-frames: {name}: {e}");
            ExitCode::from(FAILED)
        }
    }
}
