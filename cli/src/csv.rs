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

use core::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;

use kusto_frames::{CellError, Column, Row};

use crate::input::Input;
use crate::out::Out;
use crate::pick::{self, RowFormat, Which};
use crate::render::{cell_field, Field};

/// How records are written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    pub(crate) delimiter: u8,
    pub(crate) crlf: bool,
}

/// A growable buffer shared with a `csv::Writer`.
#[derive(Clone, Default)]
pub(crate) struct Sink(Rc<RefCell<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A `csv::Writer` and the buffer it writes to.
pub(crate) struct Target {
    w: csv::Writer<Sink>,
    sink: Sink,
}

pub(crate) struct Csv {
    opts: Options,
}

impl Csv {
    fn target(&self, capacity: usize) -> Target {
        let sink = Sink::default();
        let w = csv::WriterBuilder::new()
            .delimiter(self.opts.delimiter)
            .terminator(if self.opts.crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            })
            .flexible(true)
            .has_headers(false)
            .buffer_capacity(capacity)
            .from_writer(sink.clone());
        Target { w, sink }
    }
}

impl RowFormat for Csv {
    type Target = Target;

    fn held_target(&self) -> Target {
        self.target(1024)
    }

    fn header(&mut self, t: &mut Target, cols: &[Column]) {
        let _ = t.w.write_record(cols.iter().map(Column::name));
    }

    #[inline]
    fn row(&mut self, t: &mut Target, row: &Row<'_>, bad: &mut dyn FnMut(&CellError)) {
        let n = row.len().max(row.columns().len());
        for j in 0..n {
            let f = match cell_field(row, j) {
                Ok(f) => f,
                Err((f, e)) => {
                    bad(&e);
                    f
                }
            };
            // Writing to a `Sink` never fails.
            let _ = t.w.write_field(f.bytes());
        }
        if n == 0 {
            let _ = t.w.write_field(Field::Empty.bytes());
        }
        let _ = t.w.write_record(None::<&[u8]>);
    }

    fn clear(&mut self, t: &mut Target) {
        let _ = t.w.flush();
        t.sink.0.borrow_mut().clear();
    }

    fn size(&self, t: &Target) -> usize {
        t.sink.0.borrow().len()
    }

    fn drain(&mut self, t: &mut Target, out: &mut Vec<u8>) {
        let _ = t.w.flush();
        let mut b = t.sink.0.borrow_mut();
        if out.is_empty() {
            core::mem::swap(out, &mut b);
        } else {
            out.extend_from_slice(&b);
            b.clear();
        }
    }
}

pub(crate) fn run(input: &mut Input, which: Which, opts: Options, out: &mut Out) -> io::Result<u8> {
    let fmt = Csv { opts };
    let main = fmt.target(64 << 10);
    pick::run(input, which, fmt, main, out)
}
