//! `kusto-frames ndjson`: one table as newline-delimited JSON, one object
//! per row (what `jq`, DuckDB's `read_json` and polars' `read_ndjson`
//! take), written as rows arrive (see [`crate::pick`] for which table and
//! what is held).
//!
//! Keys are the column names in column order; values the canonical typed
//! form of `json` (see [`crate::render::push_cell_json`]). A cell missing
//! from a short row is `null`; a cell beyond the last column gets the key
//! `"#<index>"` (from 0).

use std::io;

use kusto_frames::{CellError, Column, Row};

use crate::input::Input;
use crate::out::Out;
use crate::pick::{self, RowFormat, Which};
use crate::render::{push_cell_json, push_str};

pub(crate) struct Ndjson {
    /// The keys (`"name":`) of the columns last seen, and which columns.
    keys: Vec<Key>,
    seen: (usize, usize),
}

/// A column's key, `"name":`.
struct Key {
    /// A key of up to 32 bytes, padded: appended as a fixed 32 bytes (no
    /// call to `memcpy`), then cut back.
    short: Option<[u8; 32]>,
    text: Vec<u8>,
}

impl Key {
    fn new(name: &str) -> Self {
        let mut text = Vec::new();
        push_str(&mut text, name);
        text.push(b':');
        let short = (text.len() <= 32).then(|| {
            let mut b = [0u8; 32];
            b[..text.len()].copy_from_slice(&text);
            b
        });
        Key { short, text }
    }

    #[inline(always)]
    fn push_to(&self, t: &mut Vec<u8>) {
        match &self.short {
            Some(b) => {
                let at = t.len();
                t.extend_from_slice(b);
                t.truncate(at + self.text.len());
            }
            None => t.extend_from_slice(&self.text),
        }
    }
}

impl Ndjson {
    fn keys(&mut self, cols: &[Column]) {
        let id = (cols.as_ptr() as usize, cols.len());
        if id == self.seen && !self.keys.is_empty() {
            return;
        }
        self.seen = id;
        self.keys = cols.iter().map(|c| Key::new(c.name())).collect();
    }
}

impl RowFormat for Ndjson {
    type Target = Vec<u8>;

    fn held_target(&self) -> Vec<u8> {
        Vec::new()
    }

    fn begin(&mut self) {
        self.seen = (0, 0);
        self.keys.clear();
    }

    fn header(&mut self, _: &mut Vec<u8>, cols: &[Column]) {
        // No header; the columns' keys, for rows that come without them.
        self.seen = (0, 0);
        self.keys(cols);
    }

    #[inline]
    fn row(&mut self, t: &mut Vec<u8>, row: &Row<'_>, bad: &mut dyn FnMut(&CellError)) {
        if !row.columns().is_empty() {
            self.keys(row.columns());
        }
        let n = row.len().max(self.keys.len());
        t.push(b'{');
        for j in 0..n {
            if j > 0 {
                t.push(b',');
            }
            match self.keys.get(j) {
                Some(k) => k.push_to(t),
                None => {
                    push_str(t, &format!("#{j}"));
                    t.push(b':');
                }
            }
            if let Err(e) = push_cell_json(t, row, j) {
                bad(&e);
            }
        }
        t.extend_from_slice(b"}\n");
    }
}

pub(crate) fn run(input: &mut Input, which: Which, out: &mut Out) -> io::Result<u8> {
    let fmt = Ndjson {
        keys: Vec::new(),
        seen: (0, 0),
    };
    pick::run(input, which, fmt, Vec::new(), out)
}
