//! Standard output: rendered text is gathered in a buffer, written out when
//! it grows large and at the end of every chunk of input (then flushed, so
//! that rows of a response that stalls show as they arrive, even when stdout
//! is a pipe), never once per row.

use std::io::{self, Write};

/// Written out as soon as the buffer holds this much.
const SPILL_AT: usize = 1 << 20;

pub(crate) struct Out {
    /// Rendered text not yet written.
    pub(crate) buf: Vec<u8>,
    w: Box<dyn Write>,
    pretty: Option<Pretty>,
    /// Bytes written to `w` since the last flush.
    unflushed: bool,
}

impl Out {
    pub(crate) fn new(w: Box<dyn Write>) -> Self {
        Out {
            buf: Vec::with_capacity(SPILL_AT + (SPILL_AT >> 2)),
            w,
            pretty: None,
            unflushed: false,
        }
    }

    /// Indents the (compact JSON) text on its way out.
    pub(crate) fn set_pretty(&mut self) {
        self.pretty = Some(Pretty::default());
    }

    /// Writes the buffer out if it has grown large.
    #[inline]
    pub(crate) fn spill(&mut self) -> io::Result<()> {
        if self.buf.len() >= SPILL_AT {
            self.write_buf()?;
        }
        Ok(())
    }

    fn write_buf(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        match &mut self.pretty {
            Some(p) => {
                let mut pretty = Vec::with_capacity(self.buf.len() * 2);
                p.push(&self.buf, &mut pretty);
                self.w.write_all(&pretty)?;
            }
            None => self.w.write_all(&self.buf)?,
        }
        self.buf.clear();
        self.unflushed = true;
        Ok(())
    }

    /// Writes everything out and flushes (end of a chunk, end of input).
    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.write_buf()?;
        if self.unflushed {
            self.w.flush()?;
            self.unflushed = false;
        }
        Ok(())
    }
}

/// Re-indents compact JSON text as it streams through: a newline and two
/// spaces a level after `{`, `[` and `,`, `": "` after a key; `{}` and `[]`
/// stay on one line. Only whitespace outside strings is added.
#[derive(Default)]
pub(crate) struct Pretty {
    in_str: bool,
    escaped: bool,
    depth: usize,
    /// The last byte was an opening bracket: a newline comes before what
    /// follows, unless it is the closing one.
    open: bool,
}

impl Pretty {
    pub(crate) fn push(&mut self, text: &[u8], out: &mut Vec<u8>) {
        for &c in text {
            if self.in_str {
                out.push(c);
                if self.escaped {
                    self.escaped = false;
                } else if c == b'\\' {
                    self.escaped = true;
                } else if c == b'"' {
                    self.in_str = false;
                }
                continue;
            }
            if self.open {
                self.open = false;
                if c == b']' || c == b'}' {
                    self.depth = self.depth.saturating_sub(1);
                    out.push(c);
                    continue;
                }
                self.newline(out);
            }
            match c {
                b'{' | b'[' => {
                    out.push(c);
                    self.depth += 1;
                    self.open = true;
                }
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    self.newline(out);
                    out.push(c);
                }
                b',' => {
                    out.push(c);
                    self.newline(out);
                }
                b':' => out.extend_from_slice(b": "),
                b'"' => {
                    self.in_str = true;
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
    }

    fn newline(&self, out: &mut Vec<u8>) {
        out.push(b'\n');
        for _ in 0..self.depth {
            out.extend_from_slice(b"  ");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_streams() {
        let text = br#"{"a":[1,{"b":"x,\"[y"}],"e":[],"o":{}}"#;
        let mut whole = Vec::new();
        Pretty::default().push(text, &mut whole);
        let mut parts = Vec::new();
        let mut p = Pretty::default();
        for c in text.chunks(3) {
            p.push(c, &mut parts);
        }
        assert_eq!(whole, parts);
        let s = String::from_utf8(whole).unwrap();
        assert_eq!(
            s,
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x,\\\"[y\"\n    }\n  ],\n  \"e\": [],\n  \"o\": {}\n}"
        );
        let a: serde_json::Value = serde_json::from_str(&s).unwrap();
        let b: serde_json::Value = serde_json::from_slice(text).unwrap();
        assert_eq!(a, b);
    }
}
