//! `kusto-frames csv`: one table as CSV with a header row, through the `csv`
//! crate's writer, written as rows arrive (see [`crate::pick`] for which
//! table and what is held).
//!
//! Fields hold what Kusto's own CSV export writes (see
//! [`crate::render::cell_field`]): datetime as `YYYY-MM-DDTHH:MM:SS.fffffffZ`,
//! timespan as `[-][d.]hh:mm:ss[.fffffff]`, guid lowercase, dynamic as
//! compact JSON, null empty. Records end with LF (`--crlf`: CRLF); a field
//! is quoted when it holds the delimiter, a quote or a line end, and a
//! record whose only field is empty is written `""` so that readers keep it.
//! Short rows get empty fields up to the column count; cells beyond the last
//! column are kept as extra fields.

use std::io;

use kusto_frames::{CellError, Column, Row};

use crate::input::Input;
use crate::out::Out;
use crate::pick::{self, RowFormat, Which};
use crate::render::{csv_cell, CsvText};

/// How records are written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    pub(crate) delimiter: u8,
    pub(crate) crlf: bool,
}

/// Writes records the way the `csv` crate's writer does with
/// `QuoteStyle::Necessary`: a field is quoted when it holds the delimiter, a
/// quote, CR or LF (a byte table built from its core's
/// `Writer::should_quote`, checked against it in the tests), quotes are
/// doubled, and a record whose only field is empty is written `""` so that
/// readers keep it.
pub(crate) struct Csv {
    /// The bytes that make a field quoted.
    special: [bool; 256],
    /// No letter, digit or `+-.:` makes a field quoted.
    plain_safe: bool,
    /// The special bytes, when there are four (the delimiter, the quote, CR
    /// and LF), for a SIMD search in long fields.
    four: Option<[u8; 4]>,
    term: &'static [u8],
    delimiter: u8,
}

impl Csv {
    pub(crate) fn new(opts: Options) -> Self {
        let rules = csv_core::WriterBuilder::new()
            .delimiter(opts.delimiter)
            .quote_style(csv_core::QuoteStyle::Necessary)
            .build();
        let mut special = [false; 256];
        for (b, s) in special.iter_mut().enumerate() {
            // One byte between two ordinary ones: its own rule.
            *s = rules.should_quote(&[b'a', b as u8, b'a']);
        }
        let plain_safe = !(b'0'..=b'9')
            .chain(b'a'..=b'z')
            .chain(b'A'..=b'Z')
            .chain(*b"+-.:")
            .any(|b| special[usize::from(b)]);
        let bytes: Vec<u8> = (0..=255u8).filter(|&b| special[usize::from(b)]).collect();
        Csv {
            four: <[u8; 4]>::try_from(bytes.as_slice()).ok(),
            special,
            plain_safe,
            term: if opts.crlf { b"\r\n" } else { b"\n" },
            delimiter: opts.delimiter,
        }
    }

    #[inline]
    fn should_quote(&self, f: &[u8]) -> bool {
        if f.len() >= 32 {
            if let Some([a, b, c, d]) = self.four {
                return memchr::memchr3(a, b, c, f).is_some() || memchr::memchr(d, f).is_some();
            }
        }
        f.iter().any(|b| self.special[usize::from(*b)])
    }

    #[inline]
    fn field(&self, t: &mut Vec<u8>, f: &[u8]) {
        if !self.should_quote(f) {
            push_bytes(t, f);
            return;
        }
        if memchr::memchr(b'"', f).is_none() {
            t.reserve(f.len() + 2);
            t.push(b'"');
            t.extend_from_slice(f);
            t.push(b'"');
            return;
        }
        // Quotes doubled in one pass over a slice of the output (JSON in a
        // dynamic value has many).
        let start = t.len();
        t.resize(start + 2 * f.len() + 2, 0);
        let dst = &mut t[start..];
        dst[0] = b'"';
        let mut k = 1;
        let mut words = f.chunks_exact(8);
        for w in &mut words {
            let word = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
            if !has_quote(word) {
                // Eight bytes without a quote: at once.
                dst[k..k + 8].copy_from_slice(w);
                k += 8;
                continue;
            }
            for &b in w {
                // Without a branch: quotes are frequent and irregular.
                dst[k] = b;
                dst[k + 1] = b'"';
                k += 1 + usize::from(b == b'"');
            }
        }
        for &b in words.remainder() {
            dst[k] = b;
            dst[k + 1] = b'"';
            k += 1 + usize::from(b == b'"');
        }
        dst[k] = b'"';
        t.truncate(start + k + 1);
    }

    fn record<'a>(&self, t: &mut Vec<u8>, fields: impl Iterator<Item = &'a [u8]>) {
        let start = t.len();
        for (n, f) in fields.enumerate() {
            if n > 0 {
                t.push(self.delimiter);
            }
            self.field(t, f);
        }
        if t.len() == start {
            t.extend_from_slice(b"\"\"");
        }
        t.extend_from_slice(self.term);
    }
}

impl RowFormat for Csv {
    type Target = Vec<u8>;

    fn held_target(&self) -> Vec<u8> {
        Vec::new()
    }

    fn header(&mut self, t: &mut Vec<u8>, cols: &[Column]) {
        // A table without columns has no header line.
        if !cols.is_empty() {
            self.record(t, cols.iter().map(|c| c.name().as_bytes()));
        }
    }

    #[inline]
    fn row(&mut self, t: &mut Vec<u8>, row: &Row<'_>, bad: &mut dyn FnMut(&CellError)) {
        let n = row.len().max(row.columns().len());
        let start = t.len();
        let (plain_safe, delimiter) = (self.plain_safe, self.delimiter);
        let mut first = true;
        // Called once per cell, in order.
        let only_delimiter = self.four.is_some();
        let mut emit = |f: &[u8], class: CsvText| {
            if !first {
                t.push(delimiter);
            }
            first = false;
            match class {
                CsvText::Plain if plain_safe => push_bytes(t, f),
                // Only the delimiter can make it quoted.
                CsvText::NoQuote if only_delimiter && memchr::memchr(delimiter, f).is_none() => {
                    push_bytes(t, f);
                }
                _ => self.field(t, f),
            }
        };
        for j in 0..n {
            if let Err(e) = csv_cell(row, j, &mut emit) {
                bad(&e);
            }
        }
        if t.len() == start {
            // No field, or one empty field: `""` keeps the record.
            t.extend_from_slice(b"\"\"");
        }
        t.extend_from_slice(self.term);
    }
}

pub(crate) fn run(input: &mut Input, which: Which, opts: Options, out: &mut Out) -> io::Result<u8> {
    pick::run(input, which, Csv::new(opts), Vec::new(), out)
}

/// Whether one of the eight bytes of `w` is a quote (the classic test for
/// a zero byte, on `w` xor quotes).
#[inline(always)]
fn has_quote(w: u64) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let x = w ^ (LO * u64::from(b'"'));
    (x.wrapping_sub(LO) & !x & HI) != 0
}

/// Appends `f`: a short one without a call to `memcpy`.
#[inline(always)]
fn push_bytes(t: &mut Vec<u8>, f: &[u8]) {
    if f.len() <= 16 {
        t.reserve(16);
        for &b in f {
            t.push(b);
        }
    } else {
        t.extend_from_slice(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same bytes as `csv::Writer` for records of awkward fields, with
    /// each delimiter and line end.
    #[test]
    fn writes_what_the_csv_crate_writes() {
        let fields: [&[u8]; 16] = [
            b"",
            b"a",
            b"a,b",
            b"a;b",
            b"a\tb",
            b"q\"q",
            b"\"",
            b"l\nf",
            b"c\rr",
            b" sp ",
            b"#x",
            "é,ü".as_bytes(),
            b"a long field of more than twenty-four bytes",
            b"a long field of more than twenty-four bytes, a comma",
            b"a long field of more than twenty-four bytes\r",
            b"a long field of more than twenty-four bytes;|\t",
        ];
        let mut records: Vec<Vec<&[u8]>> = vec![vec![], vec![b""], vec![b"", b""]];
        for a in fields {
            records.push(vec![a]);
            for b in fields {
                records.push(vec![a, b]);
            }
        }
        for delimiter in [b',', b';', b'\t', b'|'] {
            for crlf in [false, true] {
                let c = Csv::new(Options { delimiter, crlf });
                let mut ours = Vec::new();
                let mut theirs = csv::WriterBuilder::new()
                    .delimiter(delimiter)
                    .terminator(if crlf {
                        csv::Terminator::CRLF
                    } else {
                        csv::Terminator::Any(b'\n')
                    })
                    .flexible(true)
                    .from_writer(Vec::new());
                for r in &records {
                    c.record(&mut ours, r.iter().copied());
                    theirs.write_record(r).unwrap();
                }
                let theirs = theirs.into_inner().unwrap();
                assert_eq!(
                    String::from_utf8_lossy(&ours),
                    String::from_utf8_lossy(&theirs),
                    "delimiter {delimiter} crlf {crlf}"
                );
            }
        }
    }
}
