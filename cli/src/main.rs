//! `kusto-frames`: decode an Azure Data Explorer (Kusto) query response body,
//! streaming.
//!
//! ```text
//! kusto-frames json   [--table T] [--pretty] [FILE]   the dataset as one JSON document
//! kusto-frames ndjson [--table T] [FILE]              one table, one JSON object a row
//! kusto-frames csv    [--table T] [--tsv|--delimiter C] [--crlf] [FILE]
//! kusto-frames events [FILE]                          the decoder's events as NDJSON
//! kusto-frames stats  [FILE]                          tables, row counts, errors, throughput
//! ```
//!
//! Exit status: 0 when the response is clean; 1 when it decoded but reports
//! errors (the output is still printed); 2 when the body is malformed or
//! truncated (stderr says what and at which byte offset; what was decoded
//! before is written), or on a usage or I/O error.

mod columnar;
mod csv;
mod events;
mod input;
mod json;
mod ndjson;
mod out;
mod pick;
mod render;
mod report;
mod stats;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::input::{Input, Limits};
use crate::pick::Which;

/// Exit status 1: decoded, but the response reports errors.
pub(crate) const REPORTED: u8 = 1;
/// Exit status 2: malformed or truncated body, usage or I/O error.
pub(crate) const FAILED: u8 = 2;

/// Decodes a Kusto (Azure Data Explorer) query response body, streaming:
/// rows are written as they arrive, in memory bounded by one row.
///
/// Exit status: 0 clean; 1 the response reports errors (the output is still
/// written); 2 malformed or truncated body (what was decoded before is
/// written), usage or I/O error.
#[derive(Debug, Parser)]
#[command(name = "kusto-frames", version, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The dataset as one JSON document, written as the body is decoded.
    Json(JsonArgs),
    /// One table as NDJSON: one object per row, keyed by column name.
    Ndjson(NdjsonArgs),
    /// One table as CSV with a header row, written as rows arrive.
    Csv(CsvArgs),
    /// The decoder's events as NDJSON, one event a line.
    Events(EventsArgs),
    /// Tables, kinds, row counts, errors, bytes and decode throughput.
    Stats(StatsArgs),
    /// One table as an Arrow IPC stream, batch by batch (to stdout, or -o).
    Arrow(ColumnarArgs),
    /// One table as a Parquet file (snappy-compressed by default), batch by batch.
    Parquet(ParquetArgs),
}

/// What `arrow` and `parquet` take.
#[derive(Debug, Args)]
struct ColumnarOptions {
    #[command(flatten)]
    table: TableArg,
    /// Unit of datetime and timespan columns: `ns` (exact; values outside
    /// 1677-09-21..2262-04-11 are an error) or `us` (the whole range,
    /// dropping each value's 100 ns digit).
    #[arg(long, value_name = "UNIT", default_value = "ns", value_parser = ["ns", "us"])]
    datetime_unit: String,
    /// Rows per record batch.
    #[arg(long, value_name = "N", default_value_t = 8192,
          value_parser = clap::value_parser!(u32).range(1..))]
    batch_rows: u32,
}

#[derive(Debug, Args)]
struct ColumnarArgs {
    #[command(flatten)]
    opts: ColumnarOptions,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "OUT")]
    output: Option<String>,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Args)]
struct ParquetArgs {
    #[command(flatten)]
    opts: ColumnarOptions,
    /// The Parquet file to write.
    #[arg(long, short = 'o', value_name = "OUT", required = true)]
    output: String,
    /// Compression of the file's pages: `snappy` (the faster write), `zstd`
    /// (level 1: the smaller file, about a quarter smaller) or `none`.
    #[arg(long, value_name = "CODEC", default_value = "snappy",
          value_parser = ["snappy", "zstd", "none"])]
    compression: String,
    #[command(flatten)]
    common: Common,
}

/// What every command takes: the input and the decoder's chunk size.
#[derive(Debug, Args)]
struct Common {
    /// The response body (gzip-compressed or not); standard input when
    /// absent or `-`.
    #[arg(value_name = "FILE")]
    file: Option<String>,
    /// Feed the decoder N bytes at a time (the output never depends on it).
    #[arg(long, value_name = "N", default_value_t = 65536,
          value_parser = clap::value_parser!(u32).range(1..=1 << 30))]
    chunk: u32,
    /// Most bytes of output held back: the rows of a progressive table until
    /// its TableCompletion, V1 tables until the TableOfContents, tables
    /// behind an open progressive table (`json`). Suffixes K, M, G.
    #[arg(long, value_name = "SIZE", default_value = "512M", value_parser = parse_size)]
    max_held: u64,
    /// Most tables in a response (distinct TableIds, V1 tables; more is an
    /// error): what is kept per table stays bounded.
    #[arg(long, value_name = "N", default_value_t = 4096)]
    max_tables: usize,
}

/// Which table to write.
#[derive(Debug, Args)]
struct TableArg {
    /// The table: a V2 TableId or V1 index (a number), else a table name.
    /// Default: the first primary result, else the first table.
    #[arg(long, value_name = "T")]
    table: Option<String>,
}

#[derive(Debug, Args)]
struct JsonArgs {
    /// Only this table (a V2 TableId or V1 index, else a table name).
    #[arg(long, value_name = "T")]
    table: Option<String>,
    /// Indent the document (two spaces a level).
    #[arg(long)]
    pretty: bool,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Args)]
struct NdjsonArgs {
    #[command(flatten)]
    table: TableArg,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Args)]
struct CsvArgs {
    #[command(flatten)]
    table: TableArg,
    /// The field delimiter (one ASCII character).
    #[arg(long, short = 'd', value_name = "C", value_parser = parse_delimiter,
          conflicts_with = "tsv")]
    delimiter: Option<u8>,
    /// Tab-separated values (`--delimiter '\t'`).
    #[arg(long, short = 't')]
    tsv: bool,
    /// End records with CRLF (RFC 4180) instead of LF.
    #[arg(long)]
    crlf: bool,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Args)]
struct EventsArgs {
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Args)]
struct StatsArgs {
    #[command(flatten)]
    common: Common,
}

/// `65536`, `64K`, `16M`, `1G` (powers of 1024 for the suffixed forms).
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mul) = match t.as_bytes().last() {
        Some(b'k' | b'K') => (&t[..t.len() - 1], 1u64 << 10),
        Some(b'm' | b'M') => (&t[..t.len() - 1], 1 << 20),
        Some(b'g' | b'G') => (&t[..t.len() - 1], 1 << 30),
        _ => (t, 1),
    };
    num.parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mul))
        .ok_or_else(|| format!("not a size (such as 65536, 64K, 512M, 1G): {s}"))
}

/// One ASCII character, or `\t`.
fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "\\t" | "tab" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() && s != "\"" && s != "\n" && s != "\r" => {
            Ok(s.as_bytes()[0])
        }
        _ => Err(format!(
            "not one ASCII character other than a quote or a line end: {s:?}"
        )),
    }
}

impl Common {
    fn limits(&self) -> Limits {
        Limits {
            max_held: self.max_held,
            max_tables: self.max_tables.max(1),
        }
    }
}

impl ColumnarOptions {
    fn settings(&self) -> columnar::Settings {
        columnar::Settings {
            table: self.table.table.clone(),
            micros: self.datetime_unit == "us",
            batch_rows: self.batch_rows as usize,
        }
    }
}

fn which(t: Option<&str>) -> Which {
    match t {
        None => Which::Default,
        Some(s) => match s.parse::<i64>() {
            Ok(id) => Which::Id(id),
            Err(_) => Which::Name(s.to_owned()),
        },
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => return usage_error(e),
    };
    let common = match &cli.command {
        Command::Json(a) => &a.common,
        Command::Ndjson(a) => &a.common,
        Command::Csv(a) => &a.common,
        Command::Events(a) => &a.common,
        Command::Stats(a) => &a.common,
        Command::Arrow(a) => &a.common,
        Command::Parquet(a) => &a.common,
    };
    let name = match common.file.as_deref() {
        None | Some("-") => "-".to_owned(),
        Some(f) => f.to_owned(),
    };
    let mut input = match Input::open(&name, common.chunk as usize, common.limits()) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("kusto-frames: {name}: {e}");
            return ExitCode::from(FAILED);
        }
    };
    let stdout = io::stdout();
    let mut out = out::Out::new(Box::new(stdout.lock()));
    let r = match &cli.command {
        Command::Json(a) => {
            if a.pretty {
                out.set_pretty();
            }
            json::run(
                &mut input,
                which(a.table.as_deref()),
                a.table.is_some(),
                &mut out,
            )
        }
        Command::Ndjson(a) => ndjson::run(&mut input, which(a.table.table.as_deref()), &mut out),
        Command::Csv(a) => {
            let opts = csv::Options {
                delimiter: if a.tsv {
                    b'\t'
                } else {
                    a.delimiter.unwrap_or(b',')
                },
                crlf: a.crlf,
            };
            csv::run(&mut input, which(a.table.table.as_deref()), opts, &mut out)
        }
        Command::Events(_) => events::run(&mut input, &mut out),
        Command::Stats(_) => stats::run(&mut input, &mut out),
        // Written through the arrow crate's writers, not `out`.
        Command::Arrow(a) => {
            return columnar::run(input, &a.opts.settings(), a.output.as_deref(), None)
        }
        Command::Parquet(a) => {
            // One of the names clap allows.
            let codec = kusto_frames_arrow::ParquetCompression::from_name(&a.compression)
                .unwrap_or_default();
            return columnar::run(input, &a.opts.settings(), Some(&a.output), Some(codec));
        }
    };
    let r = r.and_then(|code| out.flush().map(|()| code));
    match r {
        Ok(code) => ExitCode::from(code),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(FAILED),
        Err(e) => {
            eprintln!("kusto-frames: write error: {e}");
            ExitCode::from(FAILED)
        }
    }
}

/// `--help` and `--version` go to stdout (exit 0); a usage error is one line
/// and a hint on stderr (exit 2).
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            eprintln!(
                "kusto-frames: no command given (json, ndjson, csv, events, stats, arrow, parquet)\n\
                 For more information, try '--help'."
            );
            ExitCode::from(FAILED)
        }
        _ => {
            // clap's rendering: "error: ...", a context line or two, the
            // usage line and "For more information, try '--help'.": keep
            // its first line and the hint.
            let text = e.render().to_string();
            let first = text
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("error")
                .trim_start_matches("error: ");
            let hint = text
                .lines()
                .rev()
                .find(|l| l.contains("--help"))
                .unwrap_or("For more information, try '--help'.");
            let mut err = io::stderr().lock();
            let _ = writeln!(err, "kusto-frames: {first}\n{}", hint.trim());
            let _ = err.flush();
            ExitCode::from(FAILED)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(core::iter::once("kusto-frames").chain(s.split_whitespace()))
    }

    #[test]
    fn args() {
        let Ok(Cli {
            command: Command::Csv(a),
        }) = parse("csv --table=2 --chunk 7 --tsv f.json")
        else {
            panic!()
        };
        assert_eq!(a.table.table.as_deref(), Some("2"));
        assert_eq!(a.common.chunk, 7);
        assert!(a.tsv);
        assert_eq!(a.common.file.as_deref(), Some("f.json"));
        assert!(parse("json --chunk 0 f").is_err());
        assert!(parse("events --table 1 f").is_err());
        assert!(parse("csv --tsv --delimiter ; f").is_err());
        assert!(parse("nope f").is_err());
        assert!(parse("json").is_ok());
        assert!(parse("json -").is_ok());
        assert_eq!(parse_size("64K"), Ok(65536));
        assert_eq!(parse_delimiter("\\t"), Ok(b'\t'));
        assert!(parse_delimiter("ab").is_err());
    }
}
