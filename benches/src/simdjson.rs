//! The C++ peer: simdjson's On Demand API (the system's simdjson, Debian's
//! `libsimdjson-dev`) walking a V2 response as our events tier does.
//!
//! The walk is C++ (`cpp/simdjson_walk.cpp`, built by `build.rs`), one call
//! per body, so that no per-value FFI call is timed: the whole document is
//! iterated, every cell of every row of every frame's `Rows` is visited
//! (a string unescaped, a number's or literal's JSON text taken, a nested
//! `dynamic` value walked to its last scalar), every other frame property
//! is walked alike, and the rows, cells and null cells are counted for the
//! caller to assert.
//!
//! simdjson reads up to [`padding`] bytes past the end of its input, so the
//! body is copied once into a padded buffer ([`Padded`]) before anything is
//! timed; the timed call only parses and walks.

use core::ffi::{c_char, c_int, c_void, CStr};
use core::ptr::NonNull;

/// What one walk saw (the C++ side's `kf_sj_count`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CellCount {
    /// Rows over all frames.
    pub rows: u64,
    /// Cells over all rows.
    pub cells: u64,
    /// Cells that are JSON `null` (values nested in a cell not counted).
    pub nulls: u64,
    /// A checksum of what was visited.
    pub sum: u64,
}

/// `true` when the C++ peer was built (simdjson's header was found; see
/// `build.rs`). Without it every walk is an error and the peer is left out.
pub const AVAILABLE: bool = cfg!(not(kf_no_simdjson));

#[cfg(kf_no_simdjson)]
use unavailable::*;

/// Stand-ins for the shim when simdjson is not installed: a parser that is
/// never dereferenced, and walks that fail.
#[cfg(kf_no_simdjson)]
#[allow(clippy::missing_safety_doc)]
mod unavailable {
    use core::ffi::{c_char, c_int, c_void};
    pub(super) unsafe fn kf_sj_parser_new() -> *mut c_void {
        core::ptr::NonNull::<u8>::dangling().as_ptr().cast()
    }
    pub(super) unsafe fn kf_sj_parser_free(_: *mut c_void) {}
    pub(super) unsafe fn kf_sj_walk(
        _: *mut c_void,
        _: *const u8,
        _: usize,
        _: usize,
        _: c_int,
        _: *mut super::CellCount,
    ) -> c_int {
        -1
    }
    pub(super) unsafe fn kf_sj_error_message(_: c_int) -> *const c_char {
        c"simdjson was not built (libsimdjson-dev not installed)".as_ptr()
    }
    pub(super) unsafe fn kf_sj_padding() -> usize {
        64
    }
    pub(super) unsafe fn kf_sj_builtin() -> *const c_char {
        c"unavailable".as_ptr()
    }
    pub(super) unsafe fn kf_sj_version() -> *const c_char {
        c"unavailable".as_ptr()
    }
}

#[cfg(not(kf_no_simdjson))]
extern "C" {
    fn kf_sj_parser_new() -> *mut c_void;
    fn kf_sj_parser_free(p: *mut c_void);
    fn kf_sj_walk(
        p: *mut c_void,
        buf: *const u8,
        len: usize,
        capacity: usize,
        parse_numbers: c_int,
        out: *mut CellCount,
    ) -> c_int;
    fn kf_sj_error_message(code: c_int) -> *const c_char;
    fn kf_sj_padding() -> usize;
    fn kf_sj_builtin() -> *const c_char;
    fn kf_sj_version() -> *const c_char;
}

fn c_str(p: *const c_char) -> &'static str {
    // SAFETY: the shim returns pointers to NUL-terminated strings with
    // static storage (string literals, simdjson's error messages among them).
    unsafe { CStr::from_ptr(p) }
        .to_str()
        .expect("simdjson strings are ASCII")
}

/// Bytes simdjson may read past the end of its input (`SIMDJSON_PADDING`).
pub fn padding() -> usize {
    // SAFETY: a pure function of the header's constant.
    unsafe { kf_sj_padding() }
}

/// The simdjson version the shim was compiled against.
pub fn version() -> &'static str {
    // SAFETY: returns a string literal.
    c_str(unsafe { kf_sj_version() })
}

/// The kernel the On Demand code was compiled for (`icelake`, `haswell`,
/// `westmere`, or the scalar `fallback` when built without `-march`).
pub fn builtin_kernel() -> &'static str {
    // SAFETY: returns a string literal.
    c_str(unsafe { kf_sj_builtin() })
}

/// A copy of a body followed by [`padding`] zero bytes, tied to the body it
/// was made from (while it lives, that body cannot change or move).
#[derive(Debug)]
pub struct Padded<'a> {
    src: &'a [u8],
    buf: Vec<u8>,
}

impl<'a> Padded<'a> {
    /// Copies `body` and pads it.
    pub fn new(body: &'a [u8]) -> Self {
        let mut buf = Vec::with_capacity(body.len() + padding());
        buf.extend_from_slice(body);
        buf.resize(body.len() + padding(), 0);
        Padded { src: body, buf }
    }

    /// `true` if this is the padded copy of `body` (the same slice, which
    /// cannot have changed while borrowed by `self`).
    pub fn is_copy_of(&self, body: &[u8]) -> bool {
        core::ptr::eq(self.src, body)
    }
}

/// How the walk touches a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbers {
    /// Its JSON token is taken (`raw_json_token`), as the events tier hands
    /// out its text; On Demand does not check the number's grammar then.
    Token,
    /// It is parsed (`get_number`): checked, and converted to an integer or
    /// a double (more work than the events tier, which checks the grammar
    /// but converts nothing).
    Parsed,
}

/// simdjson's On Demand parser, reused across walks (its buffers grow to the
/// largest body seen).
#[derive(Debug)]
pub struct Parser(NonNull<c_void>);

impl Parser {
    /// A new parser. Panics if C++ cannot allocate it.
    pub fn new() -> Self {
        // SAFETY: no preconditions; null only if allocation failed.
        let p = unsafe { kf_sj_parser_new() };
        Parser(NonNull::new(p).expect("simdjson: cannot allocate a parser"))
    }

    /// Walks the padded body as the events tier does (see the module docs),
    /// or returns simdjson's error message. `numbers`: how each number is
    /// touched.
    pub fn walk(&mut self, body: &Padded<'_>, numbers: Numbers) -> Result<CellCount, &'static str> {
        let mut out = CellCount::default();
        let len = body.src.len();
        // SAFETY: the parser is live and used by one caller at a time
        // (`&mut self`); `buf` is readable for `capacity` bytes, of which
        // `len` are the body and the rest simdjson's padding; `out` is a
        // valid `kf_sj_count`. The shim catches every C++ exception.
        let code = unsafe {
            kf_sj_walk(
                self.0.as_ptr(),
                body.buf.as_ptr(),
                len,
                body.buf.len(),
                c_int::from(numbers == Numbers::Parsed),
                &mut out,
            )
        };
        if code == 0 {
            Ok(out)
        } else {
            // SAFETY: returns a string literal for any code.
            Err(c_str(unsafe { kf_sj_error_message(code) }))
        }
    }
}

impl Default for Parser {
    fn default() -> Self {
        Parser::new()
    }
}

impl Drop for Parser {
    fn drop(&mut self) {
        // SAFETY: the pointer came from kf_sj_parser_new and is freed once.
        unsafe { kf_sj_parser_free(self.0.as_ptr()) }
    }
}

// SAFETY: an On Demand parser is not tied to the thread that made it; it is
// only ever used through `&mut Parser`.
unsafe impl Send for Parser {}

#[cfg(all(test, not(kf_no_simdjson)))]
mod tests {
    use super::*;

    fn walk(json: &str) -> Result<CellCount, &'static str> {
        let mut p = Parser::new();
        let padded = Padded::new(json.as_bytes());
        let token = p.walk(&padded, Numbers::Token);
        let parsed = p.walk(&padded, Numbers::Parsed);
        // The same rows, cells and nulls, or both fail (checksums differ).
        match (&token, &parsed) {
            (Ok(a), Ok(b)) => assert_eq!((a.rows, a.cells, a.nulls), (b.rows, b.cells, b.nulls)),
            (Err(_), Err(_)) => {}
            _ => panic!("{json}: {token:?} vs {parsed:?}"),
        }
        token
    }

    #[test]
    fn counts_rows_cells_and_null_cells() {
        let body = r#"[{"FrameType":"DataSetHeader","Version":"v2.0"},
            {"FrameType":"DataTable","TableId":1,"Columns":[{"ColumnName":"a"}],
             "Rows":[[1,"x\u0041",null],[{"k":[null,true]},[1,2],false]]},
            {"FrameType":"TableFragment","Rows":[[null,null,"y"]]}]"#;
        let c = walk(body).unwrap();
        assert_eq!((c.rows, c.cells, c.nulls), (3, 9, 3));
    }

    #[test]
    fn errors_are_reported() {
        // A row that is not an array, a broken string, trailing content,
        // not an array of frames, a broken literal.
        assert!(walk(r#"[{"Rows":[1]}]"#).is_err());
        assert!(walk(r#"[{"Rows":[["a]]}]"#).is_err());
        assert!(walk(r#"[{"Rows":[]}] x"#).is_err());
        assert!(walk(r#"{"Rows":[]}"#).is_err());
        assert!(walk(r#"[{"Rows":[[tru]]}]"#).is_err());
        // Containers after the array pass simdjson's own checks: the walk's
        // end-of-document check rejects them.
        for t in [r#"[{"Rows":[]}] []"#, r#"[{"Rows":[]}]]"#] {
            let e = walk(t).unwrap_err();
            assert!(e.to_lowercase().contains("trailing"), "{t}: {e}");
        }
        assert!(walk(" [{\"Rows\":[[1]]}]\n").is_ok());
    }

    #[test]
    fn only_parsed_numbers_are_checked() {
        let bad = Padded::new(br#"[{"Rows":[[01, 1.e5, -]]}]"#);
        let mut p = Parser::new();
        assert_eq!(p.walk(&bad, Numbers::Token).map(|c| c.cells), Ok(3));
        assert!(p.walk(&bad, Numbers::Parsed).is_err());
    }

    #[test]
    fn reports_what_it_was_built_with() {
        assert!(version().starts_with(|c: char| c.is_ascii_digit()));
        assert!(
            ["icelake", "haswell", "westmere", "fallback"].contains(&builtin_kernel()),
            "{}",
            builtin_kernel()
        );
        assert!(padding() >= 32);
    }
}
