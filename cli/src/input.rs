//! The input layer shared by every command: the body from a file or standard
//! input, gunzipped on the fly when it starts with gzip's magic bytes, fed to
//! the decoder in chunks; a body that is not JSON read as text in bounded
//! memory; the progress bar.

use core::cell::Cell;
use core::time::Duration;
use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::rc::Rc;
use std::time::Instant;

use kusto_frames::{Decoder, DecoderConfig, ErrorKind, Event, Format};

use crate::render::escape_text;
use crate::FAILED;

/// Bytes of a body that is not JSON kept for the message (the rest is read,
/// checked to be UTF-8 and counted, not kept).
pub(crate) const TEXT_PREFIX: usize = 64 << 10;

/// The limits of what the tool itself holds (the decoder has its own).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Most bytes of rendered output held back at once.
    pub(crate) max_held: u64,
    /// Most tables tracked (the decoder's `max_tables` too).
    pub(crate) max_tables: usize,
}

/// The body being read: a file or standard input, fed in chunks.
pub(crate) struct Input {
    pub(crate) name: String,
    reader: Box<dyn Read>,
    chunk: usize,
    /// Fill every chunk (a file); otherwise feed what each read gives (a
    /// pipe: rows of a response that stalls are decoded as they arrive).
    fill: bool,
    /// The file's size, when known (for the progress bar).
    size: Option<u64>,
    /// Bytes read from the file or pipe (compressed ones for gzip).
    raw: Rc<Cell<u64>>,
    /// The input was gzip-compressed.
    pub(crate) gzip: bool,
    pub(crate) limits: Limits,
}

/// Why decoding stopped without a result.
pub(crate) enum Failure {
    /// Reading the input failed (a truncated gzip stream among others).
    Io(io::Error),
    /// Writing the output failed.
    Write(io::Error),
    /// The decoder's error.
    Decode(kusto_frames::Error),
    /// A JSON object with none of `Tables`, `Exceptions`, `error`.
    NotKusto,
    /// A body that is neither JSON nor UTF-8 text: the offset of the first
    /// byte that is not UTF-8.
    NotText(u64),
    /// A limit of the tool: what, and the byte offset.
    Limit(String),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Write(e)
    }
}

/// What the body turned out to be.
pub(crate) enum Body {
    /// A Kusto response, decoded.
    Kusto(Option<Format>),
    /// Not JSON: UTF-8 text (a plain-text error page). Its first
    /// [`TEXT_PREFIX`] bytes (cut at a character boundary), and whether
    /// there was more.
    Text { prefix: String, cut: bool },
}

/// What decoding produced.
pub(crate) struct Decoded {
    pub(crate) body: Body,
    /// Bytes of the body (decompressed).
    pub(crate) bytes: u64,
    pub(crate) elapsed: Duration,
}

/// What a command does with the events.
pub(crate) trait Handler {
    /// One event.
    fn event(&mut self, ev: &Event<'_>) -> Result<(), Failure>;
    /// The events of one chunk are all handled: write the output out.
    fn chunk_end(&mut self) -> Result<(), Failure>;
}

/// Counts the bytes read through it.
struct Counting<R> {
    inner: R,
    n: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n.set(self.n.get() + k as u64);
        Ok(k)
    }
}

impl Input {
    /// Opens `name` (`-`: standard input) and looks at its first two bytes
    /// for gzip's magic number.
    pub(crate) fn open(name: &str, chunk: usize, limits: Limits) -> io::Result<Input> {
        let raw = Rc::new(Cell::new(0));
        let (mut reader, size, fill): (Box<dyn Read>, _, _) = if name == "-" {
            let stdin = io::stdin();
            let is_file = false;
            (
                Box::new(Counting {
                    inner: stdin.lock(),
                    n: raw.clone(),
                }),
                None,
                is_file,
            )
        } else {
            let f = File::open(name)?;
            let meta = f.metadata()?;
            if meta.is_dir() {
                return Err(io::Error::other("is a directory"));
            }
            let size = meta.is_file().then_some(meta.len());
            (
                Box::new(Counting {
                    inner: f,
                    n: raw.clone(),
                }),
                size,
                meta.is_file(),
            )
        };
        let mut magic = [0u8; 2];
        let mut got = 0;
        while got < 2 {
            match reader.read(&mut magic[got..]) {
                Ok(0) => break,
                Ok(k) => got += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let head = io::Cursor::new(magic[..got].to_vec());
        let gzip = magic[..got] == [0x1f, 0x8b];
        let reader: Box<dyn Read> = if gzip {
            Box::new(flate2::read::MultiGzDecoder::new(head.chain(reader)))
        } else {
            Box::new(head.chain(reader))
        };
        Ok(Input {
            name: name.to_owned(),
            reader,
            chunk,
            fill,
            size,
            raw,
            gzip,
            limits,
        })
    }

    /// The body as a reader (gzip already undone), for the commands that
    /// read it through another crate's reader (`arrow`, `parquet`).
    pub(crate) fn into_reader(self) -> Box<dyn Read> {
        self.reader
    }

    /// Reads the next chunk: up to `buf.len()` bytes, fewer only at the end
    /// of a file; from a pipe, what one read gives.
    fn read_chunk(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        while n < buf.len() {
            match self.reader.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => {
                    n += k;
                    if !self.fill {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(n)
    }

    /// Decodes the whole input, handing every event to `h`: the adapter
    /// loop of the tool (fill → feed → drain), with `h.chunk_end()` after
    /// each chunk's events, and before an error is returned (so what was
    /// decoded before it is written).
    pub(crate) fn decode(&mut self, h: &mut dyn Handler) -> Result<Decoded, Failure> {
        let start = Instant::now();
        let mut progress = Progress::new(self.size);
        let mut cfg = DecoderConfig::default();
        cfg.max_tables(self.limits.max_tables);
        let mut dec = Decoder::with_config(cfg);
        let mut buf = vec![0u8; self.chunk];
        // While the format is unknown and nothing was decoded: the body may
        // turn out not to be JSON.
        let mut sniff = Some(Sniff::default());
        let mut any_event = false;
        let mut bytes = 0u64;
        let fail = |h: &mut dyn Handler, progress: &mut Progress, f: Failure| {
            if !matches!(f, Failure::Write(_)) {
                let _ = h.chunk_end();
            }
            progress.clear();
            Err(f)
        };
        loop {
            let n = match self.read_chunk(&mut buf) {
                Ok(n) => n,
                Err(e) => return fail(h, &mut progress, Failure::Io(e)),
            };
            let chunk = &buf[..n];
            bytes += n as u64;
            progress.update(self.raw.get());
            if let Some(s) = &mut sniff {
                s.push(chunk);
            }
            // The end of the input is drained like a chunk: the events
            // still due from what was fed, then the end's error, if any.
            let mut feed = if n == 0 {
                dec.finish()
            } else {
                dec.feed(chunk)
            };
            loop {
                match feed.next_event() {
                    Ok(Some(ev)) => {
                        any_event = true;
                        if let Err(f) = h.event(&ev) {
                            drop(feed);
                            // A limit met at an event without an offset: the
                            // end of this chunk bounds it.
                            let f = match f {
                                Failure::Limit(m) if !m.contains(" at byte ") => {
                                    Failure::Limit(format!("{m}, before byte {bytes}"))
                                }
                                f => f,
                            };
                            return fail(h, &mut progress, f);
                        }
                    }
                    Ok(None) => break,
                    Err(e) if e.kind() == ErrorKind::NotAResponse && sniff.is_some() && n > 0 => {
                        drop(feed);
                        progress.clear();
                        let s = sniff.take().unwrap_or_default();
                        return self.text_body(s, &mut buf, start);
                    }
                    Err(e) => {
                        drop(feed);
                        return fail(h, &mut progress, Failure::Decode(e));
                    }
                }
            }
            drop(feed);
            if sniff.is_some() && (dec.format().is_some() || any_event) {
                sniff = None;
            }
            if let Err(f) = h.chunk_end() {
                return fail(h, &mut progress, f);
            }
            if n == 0 {
                break;
            }
        }
        progress.clear();
        if dec.format().is_none() && !any_event {
            return Err(Failure::NotKusto);
        }
        Ok(Decoded {
            body: Body::Kusto(dec.format()),
            bytes,
            elapsed: start.elapsed(),
        })
    }

    /// The body is not JSON: read the rest, keeping nothing past the
    /// prefix, checking that it is all UTF-8.
    fn text_body(
        &mut self,
        mut s: Sniff,
        buf: &mut [u8],
        start: Instant,
    ) -> Result<Decoded, Failure> {
        loop {
            let n = self.read_chunk(buf).map_err(Failure::Io)?;
            if n == 0 {
                break;
            }
            s.push(&buf[..n]);
        }
        if let Some(at) = s.utf8.finish() {
            return Err(Failure::NotText(at));
        }
        let cut = s.utf8.pos > s.prefix.len() as u64;
        let prefix = match String::from_utf8(s.prefix) {
            Ok(p) => p,
            // The prefix ends inside a character: cut before it.
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let mut v = e.into_bytes();
                v.truncate(valid);
                String::from_utf8(v).unwrap_or_default()
            }
        };
        Ok(Decoded {
            bytes: s.utf8.pos,
            body: Body::Text { prefix, cut },
            elapsed: start.elapsed(),
        })
    }
}

/// The start of a body whose format is not known yet: its first
/// [`TEXT_PREFIX`] bytes, and whether it is UTF-8 so far.
#[derive(Default)]
struct Sniff {
    prefix: Vec<u8>,
    utf8: Utf8Check,
}

impl Sniff {
    fn push(&mut self, chunk: &[u8]) {
        let room = TEXT_PREFIX.saturating_sub(self.prefix.len());
        self.prefix
            .extend_from_slice(&chunk[..room.min(chunk.len())]);
        self.utf8.push(chunk);
    }
}

/// UTF-8 validation across chunks: the same answer however the bytes are
/// split.
#[derive(Default)]
pub(crate) struct Utf8Check {
    /// The bytes of a character that the end of the last chunk cut.
    carry: Vec<u8>,
    /// Bytes seen (after `bad`, no more are counted).
    pos: u64,
    /// The offset of the first byte that is not UTF-8.
    bad: Option<u64>,
}

impl Utf8Check {
    pub(crate) fn push(&mut self, mut data: &[u8]) {
        if self.bad.is_some() {
            self.pos += data.len() as u64;
            return;
        }
        let start = self.pos;
        self.pos += data.len() as u64;
        let mut at = start;
        if !self.carry.is_empty() {
            // The carried bytes' offset.
            let carry_at = start - self.carry.len() as u64;
            while !self.carry.is_empty() {
                let Some((&b, rest)) = data.split_first() else {
                    return;
                };
                self.carry.push(b);
                data = rest;
                at += 1;
                match core::str::from_utf8(&self.carry) {
                    Ok(_) => self.carry.clear(),
                    Err(e) if e.error_len().is_some() => {
                        self.bad = Some(carry_at);
                        return;
                    }
                    Err(_) => {}
                }
            }
        }
        match core::str::from_utf8(data) {
            Ok(_) => {}
            Err(e) => match e.error_len() {
                Some(_) => self.bad = Some(at + e.valid_up_to() as u64),
                None => self.carry.extend_from_slice(&data[e.valid_up_to()..]),
            },
        }
    }

    /// The offset of the first byte that is not UTF-8, if any (a character
    /// cut by the end counts).
    pub(crate) fn finish(&self) -> Option<u64> {
        self.bad
            .or_else(|| (!self.carry.is_empty()).then(|| self.pos - self.carry.len() as u64))
    }
}

impl Failure {
    /// Prints the failure on stderr; the exit status (a write error is
    /// handed back).
    pub(crate) fn report(self, input: &Input) -> io::Result<u8> {
        let name = &input.name;
        match self {
            Failure::Write(e) => return Err(e),
            Failure::Io(e) if input.gzip => {
                eprintln!("kusto-frames: {name}: read error (gzip input): {e}");
            }
            Failure::Io(e) => eprintln!("kusto-frames: {name}: read error: {e}"),
            Failure::Decode(e) => {
                let what = if e.is_eof() {
                    "truncated body"
                } else {
                    "malformed body"
                };
                let hint = if e.kind() == ErrorKind::TooManyTables {
                    " (raise --max-tables)"
                } else {
                    ""
                };
                eprintln!("kusto-frames: {name}: {what}: {e}{hint}");
            }
            Failure::NotKusto => eprintln!(
                "kusto-frames: {name}: malformed body: a JSON object with none of \"Tables\", \
                 \"Exceptions\", \"error\" at byte 0"
            ),
            Failure::NotText(at) => eprintln!(
                "kusto-frames: {name}: malformed body: neither JSON nor UTF-8 text \
                 (binary?): invalid UTF-8 at byte {at}"
            ),
            Failure::Limit(what) => eprintln!("kusto-frames: {name}: {}", escape_text(&what)),
        }
        Ok(FAILED)
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
            self.last = self.start;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(data: &[u8], step: usize) -> Option<u64> {
        let mut c = Utf8Check::default();
        for part in data.chunks(step) {
            c.push(part);
        }
        c.finish()
    }

    #[test]
    fn utf8_across_chunks() {
        let cases: [(&[u8], Option<u64>); 6] = [
            ("héllo wörld €𝄞".as_bytes(), None),
            (b"ab\xffcd", Some(2)),
            (b"a\xe2\x82", Some(1)),
            (b"a\xe2\x82x", Some(1)),
            (b"\xf0\x9d\x84\x9e\xc3", Some(4)),
            (b"\xc3\xa9\xc3\x28", Some(2)),
        ];
        for (data, want) in cases {
            for step in 1..=data.len().max(1) {
                assert_eq!(check(data, step), want, "{data:?} step {step}");
            }
        }
    }
}
