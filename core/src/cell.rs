//! One cell of a row, as the decoder validated it.

/// The JSON shape of a cell as sent on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CellKind {
    /// `null`
    Null,
    /// `true` or `false`
    Bool,
    /// A JSON number.
    Number,
    /// A JSON string.
    String,
    /// A JSON object (a `dynamic` value, or a property bag).
    Object,
    /// A JSON array (a `dynamic` value).
    Array,
}

/// One cell of a row: its JSON kind, its raw JSON text, and for strings the
/// unescaped contents.
///
/// Both slices borrow from the chunk that was fed when the cell lay wholly
/// inside it; otherwise from the decoder's scratch buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell<'a> {
    kind: CellKind,
    raw: &'a str,
    text: &'a str,
}

impl<'a> Cell<'a> {
    /// Builds a cell from its parts. `text` is the unescaped contents of a
    /// string cell and must equal `raw` for every other kind.
    ///
    /// The decoder builds cells itself; this is for adapters and tests that
    /// hold cells decoded elsewhere.
    pub fn new(kind: CellKind, raw: &'a str, text: &'a str) -> Self {
        Cell { kind, raw, text }
    }

    /// The JSON kind of the cell.
    pub fn kind(&self) -> CellKind {
        self.kind
    }

    /// The cell's JSON text exactly as sent (strings with their quotes and
    /// escapes).
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// For a string, its unescaped contents; for any other kind, the JSON text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// `true` for JSON `null`.
    pub fn is_null(&self) -> bool {
        self.kind == CellKind::Null
    }
}
