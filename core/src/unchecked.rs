//! The crate's only unsafe code.
#![allow(unsafe_code)]

/// Views bytes that the lexer has already validated as UTF-8 as a `&str`.
///
/// Callers pass only slices that start and end on character boundaries of
/// text the lexer validated (whole JSON tokens, or the unescaped output it
/// wrote from validated escapes).
#[inline]
pub(crate) fn str_from_validated(bytes: &[u8]) -> &str {
    debug_assert!(core::str::from_utf8(bytes).is_ok());
    // SAFETY: the lexer rejects any byte sequence that is not UTF-8 inside
    // strings and any non-ASCII byte outside them, and unescaping only writes
    // the UTF-8 encoding of valid scalar values; every caller passes whole
    // tokens or whole unescaped strings, so `bytes` is valid UTF-8.
    unsafe { core::str::from_utf8_unchecked(bytes) }
}
