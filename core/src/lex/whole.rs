//! One whole JSON text in memory through the lexer, so that the texts the
//! crate checks or parses itself (a string cell's embedded JSON, the error
//! objects of [`crate::response`]) follow the same grammar as the body.

use super::{Expect, Lexer, TokKind};

/// Lexes `text`, which must be exactly one JSON value (whitespace around
/// it allowed) nested at most `max_depth` deep, handing each token to `f`:
/// its kind, its bytes as sent and, for a string with escapes, its
/// unescaped bytes. `false` when `text` is not one such value, or when `f`
/// returned `false`.
pub(crate) fn each_token(
    text: &[u8],
    max_depth: u32,
    mut f: impl FnMut(TokKind, &[u8], Option<&[u8]>) -> bool,
) -> bool {
    let mut lx = Lexer::new(max_depth, u64::MAX);
    // Any value, not only the array or object a body is.
    lx.expect = Expect::Value;
    // A space after the text ends a number at its very end.
    for chunk in [text, b" "] {
        let mut pos = 0;
        loop {
            match lx.next(chunk, &mut pos) {
                Ok(Some(t)) => {
                    let raw = lx.input.bytes(chunk, t.start, t.end);
                    let unesc = t.unesc.and_then(|(a, b)| lx.unesc.get(a..b));
                    if !f(t.kind, raw, unesc) {
                        return false;
                    }
                }
                Ok(None) => break,
                Err(_) => return false,
            }
        }
        lx.end_chunk(chunk, pos);
    }
    lx.at_eof().is_ok()
}
