//! `kusto-frames`: decode an Azure Data Explorer (Kusto) query response body.
//!
//! ```text
//! kusto-frames json   [--chunk N] FILE     the dataset as one JSON document
//! kusto-frames events [--chunk N] FILE     the event stream as NDJSON
//! kusto-frames csv    [--chunk N] [--table N|NAME] FILE
//! kusto-frames stats  [--chunk N] FILE     tables, row counts, errors, throughput
//! ```
//!
//! Exit status: 0 when the response is clean; 1 when it decoded but reports
//! errors (the output is still printed); 2 when the body is malformed or
//! truncated (stderr says what and at which byte offset), or on a usage or
//! I/O error.

mod csv;
mod events;
mod json;
mod render;
mod stats;

use core::time::Duration;
use std::fs::File;
use std::io::{self, BufReader, IsTerminal, Read, Write};
use std::process::ExitCode;
use std::time::Instant;

use kusto_frames::{Decoder, ErrorKind, Event, Format};

const USAGE: &str = "\
usage: kusto-frames <command> [options] FILE

Decodes a Kusto (Azure Data Explorer) query response body from FILE, or from
standard input when FILE is `-`.

commands:
  json     the decoded dataset as one JSON document
  events   the decoder's events as NDJSON, one event a line
  csv      one table as RFC 4180 CSV with a header row
  stats    tables, kinds, row counts, errors, bytes and decode throughput

options:
  --chunk N         feed the decoder N bytes at a time (default 65536)
  --table N|NAME    csv: the table with id N (V1: index), or named NAME
                    (default: the first primary result, else the first table)
  -h, --help        this help
  -V, --version     the version

exit status: 0 clean; 1 the response reports errors (output still printed);
2 malformed or truncated body, usage or I/O error.
";

/// Exit status 1: decoded, but the response reports errors.
pub(crate) const REPORTED: u8 = 1;
/// Exit status 2: malformed or truncated body, usage or I/O error.
pub(crate) const FAILED: u8 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    Json,
    Events,
    Csv,
    Stats,
}

#[derive(Debug)]
struct Args {
    command: Command,
    chunk: usize,
    table: Option<String>,
    file: String,
}

enum Parsed {
    Run(Args),
    Help,
    Version,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut command = None;
    let mut chunk = 65536usize;
    let mut table = None;
    let mut file = None;
    let mut only_files = false;
    while let Some(arg) = args.next() {
        if !only_files && arg.starts_with('-') && arg != "-" {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
                None => (arg.clone(), None),
            };
            let mut value = |what: &str| -> Result<String, String> {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("{what} needs a value"))
            };
            match name.as_str() {
                "-h" | "--help" => return Ok(Parsed::Help),
                "-V" | "--version" => return Ok(Parsed::Version),
                "--" => only_files = true,
                "--chunk" => {
                    let v = value("--chunk")?;
                    chunk = match v.parse::<usize>() {
                        Ok(n) if (1..=1 << 30).contains(&n) => n,
                        _ => return Err(format!("--chunk: not a size from 1 to 1073741824: {v}")),
                    };
                }
                "--table" => table = Some(value("--table")?),
                _ => return Err(format!("unknown option {arg}")),
            }
            continue;
        }
        if command.is_none() {
            command = Some(match arg.as_str() {
                "json" => Command::Json,
                "events" => Command::Events,
                "csv" => Command::Csv,
                "stats" => Command::Stats,
                "help" => return Ok(Parsed::Help),
                _ => return Err(format!("unknown command {arg}")),
            });
        } else if file.is_none() {
            file = Some(arg);
        } else {
            return Err(format!("unexpected argument {arg}"));
        }
    }
    let command = command.ok_or("no command given")?;
    if table.is_some() && command != Command::Csv {
        return Err("--table applies to csv only".to_owned());
    }
    Ok(Parsed::Run(Args {
        command,
        chunk,
        table,
        file: file.ok_or("no FILE given (use - for standard input)")?,
    }))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Parsed::Run(a)) => a,
        Ok(Parsed::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Parsed::Version) => {
            println!("kusto-frames {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("kusto-frames: {msg}\n\n{USAGE}");
            return ExitCode::from(FAILED);
        }
    };
    let mut input = match Input::open(&args) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("kusto-frames: {}: {e}", args.file);
            return ExitCode::from(FAILED);
        }
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let r = match args.command {
        Command::Json => json::run(&mut input, &mut out),
        Command::Events => events::run(&mut input, &mut out),
        Command::Csv => csv::run(&mut input, args.table.as_deref(), &mut out),
        Command::Stats => stats::run(&mut input, &mut out),
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

/// The body being read: a file or standard input, fed in chunks.
pub(crate) struct Input {
    pub(crate) name: String,
    reader: Box<dyn Read>,
    chunk: usize,
    /// The file's size, when known (for the progress bar).
    size: Option<u64>,
}

/// Why decoding stopped without a result.
pub(crate) enum Failure {
    Io(io::Error),
    Decode(kusto_frames::Error),
    /// A JSON object with none of `Tables`, `Exceptions`, `error`.
    NotKusto,
}

/// What decoding produced.
pub(crate) struct Decoded {
    pub(crate) format: Option<Format>,
    pub(crate) bytes: u64,
    /// The body, when it was not JSON at all (a plain-text error body).
    pub(crate) text: Option<String>,
    pub(crate) elapsed: Duration,
}

/// Bytes kept while the format is unknown, to print a plain-text body.
const MAX_TEXT_BODY: usize = 64 << 20;

impl Input {
    fn open(args: &Args) -> io::Result<Input> {
        let (reader, size): (Box<dyn Read>, _) = if args.file == "-" {
            (Box::new(io::stdin().lock()), None)
        } else {
            let f = File::open(&args.file)?;
            let size = f.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
            (Box::new(BufReader::with_capacity(1 << 16, f)), size)
        };
        Ok(Input {
            name: args.file.clone(),
            reader,
            chunk: args.chunk,
            size,
        })
    }

    /// Reads up to `buf.len()` bytes, fewer only at the end of the input.
    fn read_chunk(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        while n < buf.len() {
            match self.reader.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(n)
    }

    /// Decodes the whole input, handing every event to `on_event`: the
    /// adapter loop of the tool (fill → feed → drain).
    pub(crate) fn decode(
        &mut self,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<Decoded, Failure> {
        let start = Instant::now();
        let mut progress = Progress::new(self.size);
        let mut dec = Decoder::new();
        let mut buf = vec![0u8; self.chunk];
        // Every byte so far, while the body may still turn out not to be JSON.
        let mut head: Vec<u8> = Vec::new();
        let mut recording = true;
        let mut any_event = false;
        let mut bytes = 0u64;
        let mut eof = false;
        loop {
            let n = if eof {
                0
            } else {
                self.read_chunk(&mut buf).map_err(Failure::Io)?
            };
            let chunk = &buf[..n];
            bytes += n as u64;
            progress.update(bytes);
            if recording {
                if dec.format().is_none() && !any_event && head.len() + n <= MAX_TEXT_BODY {
                    head.extend_from_slice(chunk);
                } else {
                    recording = false;
                    head = Vec::new();
                }
            }
            if n == 0 {
                match dec.finish() {
                    // Events still to come from what was fed (see
                    // `Decoder::finish`): drained below, once.
                    Err(e) if e.kind() == ErrorKind::EventsPending && !eof => eof = true,
                    r => {
                        progress.clear();
                        r.map_err(Failure::Decode)?;
                        break;
                    }
                }
            }
            let mut feed = dec.feed(chunk);
            loop {
                match feed.next_event() {
                    Ok(Some(ev)) => {
                        any_event = true;
                        on_event(ev);
                    }
                    Ok(None) => break,
                    Err(e) if e.kind() == ErrorKind::NotAResponse && recording => {
                        drop(feed);
                        progress.clear();
                        return self.text_body(head, start);
                    }
                    Err(e) => {
                        progress.clear();
                        return Err(Failure::Decode(e));
                    }
                }
            }
        }
        if dec.format().is_none() && !any_event {
            return Err(Failure::NotKusto);
        }
        Ok(Decoded {
            format: dec.format(),
            bytes,
            text: None,
            elapsed: start.elapsed(),
        })
    }

    /// The body is not JSON: keep it as text.
    fn text_body(&mut self, mut head: Vec<u8>, start: Instant) -> Result<Decoded, Failure> {
        self.reader.read_to_end(&mut head).map_err(Failure::Io)?;
        Ok(Decoded {
            format: None,
            bytes: head.len() as u64,
            text: Some(String::from_utf8_lossy(&head).into_owned()),
            elapsed: start.elapsed(),
        })
    }
}

impl Failure {
    /// Prints the failure on stderr; the exit status.
    pub(crate) fn report(&self, input: &Input) -> u8 {
        match self {
            Failure::Io(e) => eprintln!("kusto-frames: {}: read error: {e}", input.name),
            Failure::Decode(e) => {
                let what = if e.is_eof() {
                    "truncated body"
                } else {
                    "malformed body"
                };
                eprintln!("kusto-frames: {}: {what}: {e}", input.name);
            }
            Failure::NotKusto => eprintln!(
                "kusto-frames: {}: malformed body: a JSON object with none of \"Tables\", \
                 \"Exceptions\", \"error\" at byte 0",
                input.name
            ),
        }
        FAILED
    }
}

/// A progress bar on stderr, for large inputs when stderr is a terminal.
struct Progress {
    total: Option<u64>,
    on: bool,
    start: Instant,
    last: Instant,
}

impl Progress {
    const MIN_SIZE: u64 = 16 << 20;

    fn new(total: Option<u64>) -> Self {
        let now = Instant::now();
        Progress {
            total,
            on: io::stderr().is_terminal() && total.is_none_or(|t| t >= Self::MIN_SIZE),
            start: now,
            last: now,
        }
    }

    fn update(&mut self, done: u64) {
        if !self.on || self.last.elapsed() < Duration::from_millis(100) {
            return;
        }
        if self.total.is_none() && done < Self::MIN_SIZE {
            return;
        }
        self.last = Instant::now();
        let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
        let secs = self.start.elapsed().as_secs_f64().max(1e-9);
        let rate = mib(done) / secs;
        let line = match self.total {
            Some(t) if t > 0 => {
                let frac = (done as f64 / t as f64).min(1.0);
                let filled = (frac * 30.0) as usize;
                format!(
                    "[{}{}] {:3.0}% {:.1}/{:.1} MiB {rate:.1} MiB/s",
                    "#".repeat(filled),
                    "-".repeat(30 - filled.min(30)),
                    frac * 100.0,
                    mib(done),
                    mib(t)
                )
            }
            _ => format!("{:.1} MiB {rate:.1} MiB/s", mib(done)),
        };
        let mut err = io::stderr().lock();
        let _ = write!(err, "\r{line}\x1b[K");
        let _ = err.flush();
    }

    fn clear(&mut self) {
        if self.on && self.last != self.start {
            let mut err = io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Parsed, String> {
        parse_args(s.split_whitespace().map(String::from))
    }

    #[test]
    fn args() {
        match parse("csv --table=2 --chunk 7 f.json") {
            Ok(Parsed::Run(a)) => {
                assert_eq!(a.command, Command::Csv);
                assert_eq!(a.chunk, 7);
                assert_eq!(a.table.as_deref(), Some("2"));
                assert_eq!(a.file, "f.json");
            }
            _ => panic!(),
        }
        assert!(parse("json --chunk 0 f").is_err());
        assert!(parse("json --table 1 f").is_err());
        assert!(parse("json").is_err());
        assert!(parse("nope f").is_err());
        assert!(matches!(parse("json - "), Ok(Parsed::Run(_))));
    }
}
