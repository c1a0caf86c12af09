//! A strict (RFC 8259), non-recursive, depth-bounded JSON validator.
//!
//! Used to tell whether the text of a string cell is itself a JSON document
//! (V1 responses and V2 `@ExtendedProperties` send `dynamic` values as JSON
//! text inside a JSON string). It allocates nothing: the open containers are
//! tracked in a 128-bit stack, one bit per level.

/// The deepest nesting of objects and arrays accepted.
const MAX_DEPTH: u32 = 128;

/// `true` when `bytes` is exactly one JSON value, optionally surrounded by
/// JSON whitespace, per RFC 8259, nested at most [`MAX_DEPTH`] levels deep.
///
/// The input must be UTF-8; lone surrogate escapes (`"\ud800"`) are accepted,
/// as the grammar allows them.
pub(crate) fn is_valid_json(bytes: &[u8]) -> bool {
    if core::str::from_utf8(bytes).is_err() {
        return false;
    }
    let mut p = Scanner { b: bytes, i: 0 };
    // Bit `n` set: the container at depth `n` (0-based) is an object.
    let mut stack: u128 = 0;
    let mut depth: u32 = 0;
    p.skip_ws();
    loop {
        // At the start of a value, whitespace already skipped.
        match p.peek() {
            Some(c @ (b'{' | b'[')) => {
                if depth >= MAX_DEPTH {
                    return false;
                }
                let is_object = c == b'{';
                let bit = 1u128 << depth;
                if is_object {
                    stack |= bit;
                } else {
                    stack &= !bit;
                }
                depth += 1;
                p.i += 1;
                p.skip_ws();
                let close = if is_object { b'}' } else { b']' };
                if p.peek() == Some(close) {
                    p.i += 1;
                    depth -= 1;
                } else {
                    if is_object && !p.key() {
                        return false;
                    }
                    continue;
                }
            }
            Some(b'"') => {
                if !p.string() {
                    return false;
                }
            }
            Some(b't') => {
                if !p.literal(b"true") {
                    return false;
                }
            }
            Some(b'f') => {
                if !p.literal(b"false") {
                    return false;
                }
            }
            Some(b'n') => {
                if !p.literal(b"null") {
                    return false;
                }
            }
            Some(b'-' | b'0'..=b'9') => {
                if !p.number() {
                    return false;
                }
            }
            _ => return false,
        }
        // After a complete value: close containers until a `,` opens the
        // next value, or the document ends.
        loop {
            p.skip_ws();
            if depth == 0 {
                return p.i == p.b.len();
            }
            let in_object = (stack >> (depth - 1)) & 1 == 1;
            match p.peek() {
                Some(b',') => {
                    p.i += 1;
                    p.skip_ws();
                    if in_object && !p.key() {
                        return false;
                    }
                    break;
                }
                Some(b'}') if in_object => {
                    p.i += 1;
                    depth -= 1;
                }
                Some(b']') if !in_object => {
                    p.i += 1;
                    depth -= 1;
                }
                _ => return false,
            }
        }
    }
}

struct Scanner<'b> {
    b: &'b [u8],
    i: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// An object key, the `:` after it and the whitespace before the value.
    fn key(&mut self) -> bool {
        if self.peek() != Some(b'"') || !self.string() {
            return false;
        }
        self.skip_ws();
        if self.peek() != Some(b':') {
            return false;
        }
        self.i += 1;
        self.skip_ws();
        true
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        match self.b.get(self.i..self.i + word.len()) {
            Some(s) if s == word => {
                self.i += word.len();
                true
            }
            _ => false,
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - start
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> bool {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return false,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return false;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return false;
            }
        }
        true
    }

    /// A string, from its opening quote to past its closing one.
    fn string(&mut self) -> bool {
        self.i += 1;
        loop {
            match self.peek() {
                None => return false,
                Some(b'"') => {
                    self.i += 1;
                    return true;
                }
                Some(b'\\') => {
                    self.i += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 1,
                        Some(b'u') => {
                            self.i += 1;
                            for _ in 0..4 {
                                match self.peek() {
                                    Some(c) if c.is_ascii_hexdigit() => self.i += 1,
                                    _ => return false,
                                }
                            }
                        }
                        _ => return false,
                    }
                }
                Some(c) if c < 0x20 => return false,
                Some(_) => self.i += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{is_valid_json, MAX_DEPTH};
    use alloc::string::String;

    #[test]
    fn accepts_valid_documents() {
        let ok = [
            "0",
            "-0",
            "1",
            "-12.5e+3",
            "1E5",
            "0.25",
            "1e-7",
            "true",
            "false",
            "null",
            "\"\"",
            "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\"",
            "\"\\ud800\"",
            "\"h\u{e9}llo \u{1F600}\"",
            "[]",
            "{}",
            " [ ] ",
            "\t\r\n{ }\n",
            "[1,2,3]",
            "[ 1 , [ ] , { } , \"x\" ]",
            "{\"a\":1}",
            "{ \"a\" : 1 , \"b\" : [ true , false , null ] }",
            "{\"a\":{\"b\":{\"c\":[{}]}}}",
            "[[[[]]],[[]]]",
            "{\"\":\"\"}",
        ];
        for doc in ok {
            assert!(is_valid_json(doc.as_bytes()), "should accept {doc:?}");
        }
    }

    #[test]
    fn rejects_invalid_documents() {
        let bad = [
            "",
            " ",
            "01",
            "-",
            "+1",
            "1.",
            ".5",
            "1e",
            "1e+",
            "0x10",
            "NaN",
            "Infinity",
            "tru",
            "True",
            "nul",
            "nulll",
            "\"",
            "\"abc",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\u12G4\"",
            "\"a\nb\"",
            "\"tab\there\"",
            "[",
            "]",
            "[1,]",
            "[,1]",
            "[1 2]",
            "{",
            "}",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "{a:1}",
            "{1:1}",
            "{\"a\" 1}",
            "[}",
            "{]",
            "[1]]",
            "1 2",
            "[] []",
            "{}x",
            "\u{a0}1",
            "'a'",
            "\u{feff}1",
        ];
        for doc in bad {
            assert!(!is_valid_json(doc.as_bytes()), "should reject {doc:?}");
        }
        assert!(!is_valid_json(b"\"\xff\""));
        assert!(!is_valid_json(b"\"\xc3\""));
    }

    #[test]
    fn depth_is_bounded() {
        let depth = usize::try_from(MAX_DEPTH).unwrap_or(128);
        let mut ok = String::new();
        for _ in 0..depth {
            ok.push('[');
        }
        for _ in 0..depth {
            ok.push(']');
        }
        assert!(is_valid_json(ok.as_bytes()));

        let mut too_deep = String::from("[");
        too_deep.push_str(&ok);
        too_deep.push(']');
        assert!(!is_valid_json(too_deep.as_bytes()));

        let mut objects = String::new();
        for _ in 0..depth {
            objects.push_str("{\"k\":");
        }
        objects.push('1');
        for _ in 0..depth {
            objects.push('}');
        }
        assert!(is_valid_json(objects.as_bytes()));
        let deeper = alloc::format!("{{\"k\":{objects}}}");
        assert!(!is_valid_json(deeper.as_bytes()));

        // Very deep input is rejected quickly, without recursion.
        let huge = "[".repeat(1_000_000);
        assert!(!is_valid_json(huge.as_bytes()));
    }

    #[test]
    fn mixed_nesting_tracks_container_kinds() {
        assert!(is_valid_json(b"[{\"a\":[{\"b\":[]}]}]"));
        assert!(!is_valid_json(b"[{\"a\":[{\"b\":[]]}]}"));
        assert!(!is_valid_json(b"{\"a\":[1}]"));
        assert!(!is_valid_json(b"[{\"a\":1]}"));
    }
}
