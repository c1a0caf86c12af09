//! `dynamic` values: [`Dynamic`].

use crate::cell::{Cell, CellKind};
use crate::json_check::is_valid_json;

/// A `dynamic` value: the cell as sent, of any JSON kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dynamic<'a> {
    pub(super) cell: Cell<'a>,
}

impl<'a> Dynamic<'a> {
    /// Wraps a cell.
    pub fn new(cell: Cell<'a>) -> Self {
        Dynamic { cell }
    }

    /// The cell.
    pub fn cell(&self) -> Cell<'a> {
        self.cell
    }

    /// The JSON kind of the cell.
    pub fn kind(&self) -> CellKind {
        self.cell.kind()
    }

    /// The JSON text as sent.
    pub fn raw(&self) -> &'a str {
        self.cell.raw()
    }

    /// For a string cell whose unescaped text is itself a JSON document
    /// (RFC 8259 as the decoder reads a body: a `\u` escape of a lone
    /// surrogate is not; nested at most 128 deep), that text.
    ///
    /// V1 responses and V2 `@ExtendedProperties` send `dynamic` values this
    /// way. `None` for other kinds and for strings that are not JSON.
    pub fn embedded_json(&self) -> Option<&'a str> {
        if self.cell.kind() != CellKind::String {
            return None;
        }
        let text = self.cell.text();
        is_valid_json(text.as_bytes()).then_some(text)
    }
}
