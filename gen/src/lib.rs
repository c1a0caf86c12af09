//! Seeded generator of large synthetic Azure Data Explorer (Kusto) **V2 query response bodies**,
//! for the tests, benchmarks and fuzz seeds of a streaming decoder.
//!
//! The body is a JSON array of frames, shaped like the real service's output: frames are
//! separated by `\n,` and each starts with its `"FrameType"` property (unless
//! [`GenConfig::frame_type`] is off):
//!
//! * [`Shape::Whole`]: `DataSetHeader`, a `QueryProperties` `DataTable` (`@ExtendedProperties`),
//!   one large `PrimaryResult` `DataTable`, a `QueryCompletionInformation` `DataTable` and
//!   `DataSetCompletion`.
//! * [`Shape::Progressive`]: `DataSetHeader` (`IsProgressive: true`), the `QueryProperties`
//!   `DataTable`, then a `TableHeader` for the primary table followed by many `TableFragment`s
//!   (`DataAppend`, about 1 in 50 `DataReplace`) with a `TableProgress` every few fragments and a
//!   closing `TableCompletion`, then the `QueryCompletionInformation` `DataTable` and
//!   `DataSetCompletion`.
//!
//! The primary table (table id 1, named `PrimaryResult`) gets rows until the body reaches about
//! [`GenConfig::target_bytes`]; its last column is always `RowNumber` (`long`), the 0-based index
//! of the row among all primary rows sent. The output is always strict RFC 8259 JSON (UTF-8, no
//! BOM) and is a pure function of the [`GenConfig`]: the same config gives byte-identical output,
//! whether produced by [`generate`], [`generate_vec`] or [`GenReader`].
//!
//! The generator never holds the whole body: it works in chunks of about 64 KiB, so
//! multi-gigabyte bodies need only a small, constant amount of memory.
//!
//! ```
//! use kusto_frames_gen::{generate_vec, GenConfig, Profile, Shape};
//!
//! let cfg = GenConfig::new(42, Profile::Mixed, Shape::Whole, 100_000);
//! let (body, summary) = generate_vec(&cfg);
//! assert_eq!(body.len() as u64, summary.bytes);
//! assert!(body.starts_with(br#"[{"FrameType":"DataSetHeader""#));
//! assert!(summary.primary_rows > 0);
//! ```
#![deny(missing_docs)]

mod engine;
mod num;
mod rng;
mod values;

use std::io;

use engine::Engine;

/// Which columns the primary table has, and so what its cells mostly look like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Profile {
    /// Twelve columns of every Kusto scalar type: `datetime`, `string`, `long`, `real`, `bool`,
    /// `guid`, `timespan`, `dynamic`, `decimal`, `int`, another `string`, and `RowNumber`
    /// (`long`); about 5% nulls.
    Mixed,
    /// Mostly `string` columns of 5..=400 characters (escapes, raw non-ASCII UTF-8), plus a
    /// `datetime`, a `guid`, a `long` and `RowNumber`.
    StringHeavy,
    /// Mostly `long`, `int` and `real` columns, plus a `bool` and `RowNumber`.
    NumberHeavy,
}

/// How the tables are framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    /// Every table in a single `DataTable` frame (the default V2 shape).
    Whole,
    /// The primary table as `TableHeader`, `TableFragment`s, `TableProgress` and
    /// `TableCompletion` frames (`IsProgressive: true`).
    Progressive {
        /// Rows per `TableFragment` (the last one may have fewer); 0 is treated as 1.
        rows_per_fragment: usize,
    },
}

/// What to generate. Two equal configs always give byte-identical bodies.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GenConfig {
    /// Seed of every random choice.
    pub seed: u64,
    /// Columns of the primary table.
    pub profile: Profile,
    /// Whole `DataTable`s or progressive frames.
    pub shape: Shape,
    /// Approximate size of the body in bytes: rows are added to the primary table until the
    /// body (with its closing frames) reaches this size, so it ends up slightly larger (by less
    /// than a row). The primary table always has at least one row, so a tiny target gives a
    /// body of a few kilobytes.
    pub target_bytes: usize,
    /// Include the `"FrameType"` property as the first property of every frame.
    pub frame_type: bool,
    /// Insert random JSON whitespace (spaces, `\n`, `\t`, `\r`) between tokens. The values are
    /// the same as in compact mode for the same seed (whitespace has its own random stream),
    /// but the row count differs since whitespace uses up the byte budget.
    pub pretty: bool,
}

impl GenConfig {
    /// A config with `"FrameType"` properties and compact output.
    pub fn new(seed: u64, profile: Profile, shape: Shape, target_bytes: usize) -> Self {
        Self {
            seed,
            profile,
            shape,
            target_bytes,
            frame_type: true,
            pretty: false,
        }
    }
}

/// Totals of a generated body.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Summary {
    /// Length of the body in bytes.
    pub bytes: u64,
    /// Number of frames (elements of the top-level array).
    pub frames: u64,
    /// Number of tables (always 3: `@ExtendedProperties`, `PrimaryResult` and
    /// `QueryCompletionInformation`).
    pub tables: u64,
    /// Rows over all tables, counted as sent (every row of every `DataTable` and
    /// `TableFragment`).
    pub rows: u64,
    /// Cells over all tables, counted as sent.
    pub cells: u64,
    /// Rows of the primary table as sent. In [`Shape::Progressive`] this includes the rows of
    /// fragments that a later `DataReplace` fragment discards; the `RowCount` of the
    /// `TableCompletion` frame is the logical count instead (rows since, and including, the
    /// last `DataReplace` fragment, or all rows if there was none).
    pub primary_rows: u64,
}

/// Writes the body for `cfg` to `out` in pieces of about 64 KiB (never holding the whole body)
/// and returns its totals.
///
/// # Errors
/// Any error returned by `out`.
pub fn generate<W: io::Write>(cfg: &GenConfig, out: &mut W) -> io::Result<Summary> {
    let mut engine = Engine::new(cfg);
    while engine.fill() {
        out.write_all(engine.chunk())?;
    }
    Ok(engine.summary())
}

/// Generates the whole body for `cfg` in memory.
pub fn generate_vec(cfg: &GenConfig) -> (Vec<u8>, Summary) {
    let mut out = Vec::with_capacity(cfg.target_bytes.saturating_add(8 * 1024).min(1 << 31));
    let mut engine = Engine::new(cfg);
    while engine.fill() {
        out.extend_from_slice(engine.chunk());
    }
    let summary = engine.summary();
    (out, summary)
}

/// An [`io::Read`] (and [`io::BufRead`]) that produces the body for a [`GenConfig`] lazily,
/// byte-identical to [`generate`], holding only one chunk of about 64 KiB at a time.
pub struct GenReader {
    engine: Engine,
    pos: usize,
    summary: Option<Summary>,
}

impl GenReader {
    /// A reader of the body for `cfg`.
    pub fn new(cfg: GenConfig) -> Self {
        Self {
            engine: Engine::new(&cfg),
            pos: 0,
            summary: None,
        }
    }

    /// The totals of the body, once the reader has reported end of file (`None` before).
    pub fn summary(&self) -> Option<&Summary> {
        self.summary.as_ref()
    }
}

impl core::fmt::Debug for GenReader {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("GenReader")
            .field("pos", &self.pos)
            .field("summary", &self.summary)
            .finish_non_exhaustive()
    }
}

impl io::BufRead for GenReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.engine.chunk().len() {
            if self.summary.is_some() {
                return Ok(&[]);
            }
            if !self.engine.fill() {
                self.summary = Some(self.engine.summary());
            }
            self.pos = 0;
        }
        Ok(&self.engine.chunk()[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.engine.chunk().len());
    }
}

impl io::Read for GenReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let avail = io::BufRead::fill_buf(self)?;
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.pos += n;
        Ok(n)
    }
}
