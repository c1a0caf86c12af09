//! What `kusto-frames arrow` and `kusto-frames parquet` will do, until the
//! tool wires them: a response body (a file, or stdin for `-`) to an Arrow
//! IPC stream (stdout, or `-o OUT`) or a Parquet file (`-o OUT`).
//!
//! ```text
//! cargo run --release -p kusto-frames-arrow --example kusto_to_arrow -- \
//!     parquet [--table T] [--datetime-unit ns|us] [--decimal utf8] \
//!     [--compression snappy|zstd|none] -o OUT FILE
//! cargo run --release -p kusto-frames-arrow --example kusto_to_arrow -- \
//!     arrow [--table T] [--datetime-unit ns|us] [--decimal utf8] [-o OUT] [FILE]
//! ```
//!
//! Exit status 0 on success, 1 on an error (the output holds every batch
//! before it), 3 when the response reported errors (the output is complete).

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::process::ExitCode;

use kusto_frames_arrow::{
    write_ipc_stream, write_parquet, DatetimeUnit, DecimalMode, Error, Options, ParquetCompression,
    TableSelector,
};

fn usage() -> ExitCode {
    eprintln!(
        "usage: kusto_to_arrow (arrow|parquet) [--table T] [--datetime-unit ns|us] \
         [--decimal utf8] [--compression snappy|zstd|none] [-o OUT] [FILE|-]"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(cmd) = args.next() else {
        return usage();
    };
    let mut opts = Options::default();
    let mut out = None;
    let mut file = None;
    let mut compression = ParquetCompression::default();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--table" => match args.next() {
                Some(t) => opts.tables = TableSelector::from_arg(&t),
                None => return usage(),
            },
            "--datetime-unit" => match args.next().as_deref().and_then(DatetimeUnit::from_name) {
                Some(u) => opts.datetime_unit = u,
                None => return usage(),
            },
            "--decimal" => match args.next().as_deref() {
                Some("utf8") => opts.decimal = DecimalMode::Utf8,
                Some("decimal256") => opts.decimal = DecimalMode::Decimal256,
                _ => return usage(),
            },
            "--compression" => {
                match args
                    .next()
                    .as_deref()
                    .and_then(ParquetCompression::from_name)
                {
                    Some(c) => compression = c,
                    None => return usage(),
                }
            }
            "-o" => out = args.next(),
            _ if file.is_none() => file = Some(a),
            _ => return usage(),
        }
    }
    let input: Box<dyn Read> = match file.as_deref() {
        None | Some("-") => Box::new(io::stdin().lock()),
        Some(path) => match File::open(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::from(1);
            }
        },
    };
    let result = match (cmd.as_str(), out) {
        ("parquet", Some(path)) => match File::create(&path) {
            Ok(f) => write_parquet(input, BufWriter::new(f), &opts, compression),
            Err(e) => Err(Error::Io(e)),
        },
        ("arrow", Some(path)) => match File::create(&path) {
            Ok(f) => write_ipc_stream(input, BufWriter::new(f), &opts),
            Err(e) => Err(Error::Io(e)),
        },
        ("arrow", None) => {
            let stdout = io::stdout().lock();
            let r = write_ipc_stream(input, BufWriter::new(stdout), &opts);
            let _ = io::stdout().flush();
            r
        }
        _ => return usage(),
    };
    match result {
        Ok(s) => {
            eprintln!(
                "{}: {} rows in {} batches",
                s.table.label(),
                s.rows,
                s.batches
            );
            ExitCode::SUCCESS
        }
        Err(e @ Error::PartialFailure(_)) => {
            eprintln!("written; {e}");
            ExitCode::from(3)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
