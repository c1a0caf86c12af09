//! Our decoder, fed in chunks, visiting every cell of every row.

use std::io::Read;

use kusto_frames::value::Value;
use kusto_frames::{Decoder, Event, Row};

use crate::mix;

/// What one decode saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Rows over all tables.
    pub rows: u64,
    /// Cells over all rows.
    pub cells: u64,
    /// Cells that are null (typed tier: converted to `Value::Null`).
    pub nulls: u64,
    /// A checksum of what was visited.
    pub sum: u64,
}

/// The tier of work done per cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// Every cell handed out ([`Row::cell`]): its kind and its text.
    Events,
    /// Every cell converted to its Rust value ([`Row::value`]).
    Typed,
}

impl Tier {
    /// Both tiers.
    pub const ALL: [Tier; 2] = [Tier::Events, Tier::Typed];

    /// The name used in benchmark ids.
    pub fn name(self) -> &'static str {
        match self {
            Tier::Events => "events",
            Tier::Typed => "typed",
        }
    }
}

#[inline]
fn visit_events(row: &Row<'_>, t: &mut Tally) {
    t.rows += 1;
    for i in 0..row.len() {
        let Some(cell) = row.cell(i) else {
            panic!("row {} has no cell {i}", row.index());
        };
        t.cells += 1;
        t.nulls += u64::from(cell.is_null());
        t.sum = mix(t.sum, cell.text().len() as u64);
    }
}

#[inline]
fn visit_typed(row: &Row<'_>, t: &mut Tally) {
    t.rows += 1;
    for i in 0..row.len() {
        let v = match row.value(i) {
            Some(Ok(v)) => v,
            Some(Err(e)) => panic!("typed conversion failed: {e}"),
            None => panic!("row {} has no cell {i}", row.index()),
        };
        t.cells += 1;
        let x = match v {
            Value::Null => {
                t.nulls += 1;
                0
            }
            Value::Bool(b) => u64::from(b),
            Value::Int(i) => i as u64,
            Value::Long(i) => i as u64,
            Value::Real(f) => f.to_bits(),
            Value::Decimal(d) => d.text().len() as u64,
            Value::String(s) => s.len() as u64,
            Value::DateTime(d) => d.ticks() as u64,
            Value::TimeSpan(s) => s.ticks() as u64,
            Value::Guid(g) => u64::from(g.as_bytes()[0]),
            Value::Dynamic(d) => d.raw().len() as u64,
            Value::Other(c) => c.raw().len() as u64,
        };
        t.sum = mix(t.sum, x);
    }
}

/// Decodes `body` fed in chunks of `chunk` bytes (`usize::MAX`: whole),
/// visiting every cell at `tier`. Panics on any error.
///
/// One loop per tier, each never inlined (nor [`crate::peers::run`]): the
/// criterion benches and the interleaved `ratios` tool then run the same
/// machine code, not copies compiled into each harness's loop.
pub fn decode(body: &[u8], chunk: usize, tier: Tier) -> Tally {
    match tier {
        Tier::Events => decode_events(body, chunk),
        Tier::Typed => decode_typed(body, chunk),
    }
}

#[inline(never)]
fn decode_events(body: &[u8], chunk: usize) -> Tally {
    decode_with(body, chunk, visit_events)
}

#[inline(never)]
fn decode_typed(body: &[u8], chunk: usize) -> Tally {
    decode_with(body, chunk, visit_typed)
}

/// [`decode`] with `visit` called on every row.
#[inline(always)]
fn decode_with(body: &[u8], chunk: usize, visit: impl Fn(&Row<'_>, &mut Tally)) -> Tally {
    let mut dec = Decoder::new();
    let mut t = Tally::default();
    // The chunks, then the end of the input, drained alike.
    for piece in body.chunks(chunk.max(1)).map(Some).chain([None]) {
        let mut feed = match piece {
            Some(p) => dec.feed(p),
            None => dec.finish(),
        };
        loop {
            match feed.next_event() {
                Ok(Some(Event::Row(row))) => visit(&row, &mut t),
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => panic!("decode failed: {e}"),
            }
        }
    }
    t
}

/// Decodes a body read from `r` through a buffer of `buf_size` bytes, the way
/// an application reading a socket would, visiting every cell at `tier`.
pub fn decode_read<R: Read>(mut r: R, buf_size: usize, tier: Tier) -> std::io::Result<Tally> {
    let visit: fn(&Row<'_>, &mut Tally) = match tier {
        Tier::Events => visit_events,
        Tier::Typed => visit_typed,
    };
    let mut buf = vec![0u8; buf_size.max(1)];
    let mut dec = Decoder::new();
    let mut t = Tally::default();
    loop {
        let n = r.read(&mut buf)?;
        // A read of 0 bytes is the end of the input, drained like a chunk.
        let mut feed = if n == 0 {
            dec.finish()
        } else {
            dec.feed(&buf[..n])
        };
        loop {
            match feed.next_event() {
                Ok(Some(Event::Row(row))) => visit(&row, &mut t),
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
            }
        }
        if n == 0 {
            return Ok(t);
        }
    }
}
