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
use crate::render::{csv_cell, first_is, minify, push_bytes, push_json_field, CsvText};

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
        // Quotes doubled in one pass over a slice of the output, eight
        // bytes at a time up to each quote (JSON in a dynamic value has
        // many).
        let start = t.len();
        let n = f.len();
        t.resize(start + 2 * n + 2, 0);
        let dst = &mut t[start..];
        dst[0] = b'"';
        let (mut i, mut k) = (0, 1);
        while i + 8 <= n && k + 8 <= dst.len() {
            let w = &f[i..i + 8];
            dst[k..k + 8].copy_from_slice(w);
            let m = first_is(
                u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]),
                b'"',
            );
            if m == 0 {
                i += 8;
                k += 8;
            } else {
                // Up to and with the quote, then its double.
                let p = (m.trailing_zeros() / 8) as usize + 1;
                i += p;
                k += p;
                dst[k] = b'"';
                k += 1;
            }
        }
        for &b in &f[i..] {
            // Without a branch.
            dst[k] = b;
            dst[k + 1] = b'"';
            k += 1 + usize::from(b == b'"');
        }
        dst[k] = b'"';
        t.truncate(start + k + 1);
    }

    /// JSON text (`CsvText::Json`) minified, as one field.
    #[inline]
    fn json_field(&self, t: &mut Vec<u8>, f: &[u8]) {
        if self.special[usize::from(b'"')] {
            // The quote makes a field quoted (as with every writer of the
            // `csv` crate): in one pass.
            push_json_field(t, f, &self.special);
        } else {
            match core::str::from_utf8(f) {
                Ok(text) => self.field(t, minify(text).as_bytes()),
                Err(_) => self.field(t, f),
            }
        }
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
                // Only the delimiter can make it quoted, and there is no
                // quote to double.
                CsvText::NoQuote if only_delimiter => {
                    if has_byte(f, delimiter) {
                        t.reserve(f.len() + 2);
                        t.push(b'"');
                        t.extend_from_slice(f);
                        t.push(b'"');
                    } else {
                        push_bytes(t, f);
                    }
                }
                CsvText::Json => self.json_field(t, f),
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

/// Whether `f` holds `b`: eight bytes at a time inline (the text of a
/// cell is short: no call).
#[inline(always)]
fn has_byte(f: &[u8], b: u8) -> bool {
    let mut words = f.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        if first_is(w, b) != 0 {
            return true;
        }
    }
    words.remainder().contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dynamic value's JSON in one pass: the same bytes as its minified
    /// text through `field`, for every delimiter.
    #[test]
    fn json_fields_as_minified_fields() {
        let mut texts: Vec<String> = [
            "",
            "1",
            "-2.5e3",
            "true",
            "null",
            "{}",
            "[]",
            "[1,2]",
            "[ 1 , 2 ]",
            "{\"a\":1}",
            "{ \"a\" : [1, \"x y\", {\"b\":null}] }",
            "\"a,b\"",
            "\"q\\\"q\"",
            "\"\\\\\"",
            "\"tab\\tnl\\n\"",
            "[\"a long string of more than eight bytes, with a comma\",\"and; a|semicolon\"]",
            "{\"k\":\"\\\"quoted\\\" words \\\\ and more words\", \"n\" :\n 1.5,\r\n\t\"e\":\"\"}",
            "\"unterminated string with a \\\"quote\\\"",
            "[1, \"unterminated \\",
            "\"é ü 😀\",\t\"x\"",
            "[1\t,2\n,3\r]",
            "{\"a\":\"x\ty\"}",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        // Pseudo-random JSON-ish text of the bytes that matter.
        let alphabet = b"ab1,;|\t \n\r\"\\{}[]:";
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for len in 0..200 {
            let mut t = Vec::new();
            for _ in 0..len % 40 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                t.push(alphabet[(x % alphabet.len() as u64) as usize]);
            }
            texts.push(String::from_utf8(t).unwrap());
        }
        for delimiter in [b',', b';', b'\t', b'|', b' '] {
            let c = Csv::new(Options {
                delimiter,
                crlf: false,
            });
            for t in &texts {
                let mut ours = b"x".to_vec();
                c.json_field(&mut ours, t.as_bytes());
                let mut theirs = b"x".to_vec();
                c.field(&mut theirs, minify(t).as_bytes());
                assert_eq!(
                    String::from_utf8_lossy(&ours),
                    String::from_utf8_lossy(&theirs),
                    "{t:?} delimiter {delimiter}"
                );
            }
        }
    }

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
