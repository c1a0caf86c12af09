//! Whether a text is one JSON document: the lexer's grammar (RFC 8259 as
//! the decoder reads a body), over text in memory.
//!
//! Used to tell whether the text of a string cell is itself a JSON document
//! (V1 responses and V2 `@ExtendedProperties` send `dynamic` values as JSON
//! text inside a JSON string).

/// The deepest nesting of objects and arrays accepted.
const MAX_DEPTH: u32 = 128;

/// `true` when `bytes` is exactly one JSON value, optionally surrounded by
/// JSON whitespace, as the decoder reads one (RFC 8259; a `\u` escape of a
/// lone UTF-16 surrogate is rejected, as in a body: it has no UTF-8 form),
/// nested at most [`MAX_DEPTH`] levels deep.
pub(crate) fn is_valid_json(bytes: &[u8]) -> bool {
    crate::lex::each_token(bytes, MAX_DEPTH, |_, _, _| true)
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
            // A lone surrogate: no UTF-8 form (the decoder rejects it in a
            // body too).
            "\"\\ud800\"",
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
