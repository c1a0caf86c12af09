//! What goes to stderr besides failures: the errors the response reports,
//! and one warning for cells that do not fit their column type.

use kusto_frames::response::ResponseError;
use kusto_frames::{CellError, Column};

use crate::render::{describe, line};

/// Most errors listed on stderr; the rest are counted.
pub(crate) const MAX_LISTED: usize = 20;

/// Lists the errors the response reports on stderr, each on one line with
/// its code and most specific message; past [`MAX_LISTED`], a count.
pub(crate) fn list_errors(name: &str, errors: &[ResponseError], dropped: u64) {
    let total = errors.len() as u64 + dropped;
    if total == 0 {
        return;
    }
    let mut s = format!(
        "kusto-frames: {name}: the response reports {}:\n",
        if total == 1 {
            "an error".to_owned()
        } else {
            format!("{total} errors")
        }
    );
    for e in errors.iter().take(MAX_LISTED) {
        s.push_str("  ");
        s.push_str(&describe(e));
        s.push('\n');
    }
    let listed = errors.len().min(MAX_LISTED) as u64;
    if total > listed {
        s.push_str(&format!("  ... and {} more\n", total - listed));
    }
    eprint!("{s}");
}

/// Where the first cell that did not fit its column type was.
#[derive(Debug, Clone)]
pub(crate) struct BadAt {
    pub(crate) table_id: Option<i64>,
    pub(crate) table: Option<String>,
    pub(crate) column: String,
    pub(crate) offset: u64,
}

/// Cells that do not fit their column type: kept and written as sent,
/// counted, reported once (they do not change the exit status).
#[derive(Debug, Default, Clone)]
pub(crate) struct BadCells {
    pub(crate) count: u64,
    pub(crate) first: Option<BadAt>,
}

impl BadCells {
    /// One more, in table `table_id` named `table` with these columns.
    #[cold]
    #[inline(never)]
    pub(crate) fn add(
        &mut self,
        table_id: Option<i64>,
        table: Option<&str>,
        columns: &[Column],
        e: &CellError,
    ) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some(BadAt {
                table_id,
                table: table.map(|t| line(t, 100)),
                column: columns
                    .get(e.column)
                    .map_or_else(|| format!("#{}", e.column), |c| line(c.name(), 100)),
                offset: e.offset,
            });
        }
    }

    /// Adds another count (the earlier `first` stays first).
    pub(crate) fn merge(&mut self, other: BadCells) {
        self.count += other.count;
        if self.first.is_none() {
            self.first = other.first;
        }
    }

    /// The warning, on stderr, if any cell did not fit. `name_of` may give
    /// a table its final name (V1: from the TableOfContents).
    pub(crate) fn warn(&self, input: &str, name_of: &dyn Fn(Option<i64>) -> Option<String>) {
        let Some(at) = &self.first else { return };
        let name = name_of(at.table_id).or_else(|| at.table.clone());
        let table = match (at.table_id, name) {
            (Some(id), Some(n)) => format!("table {id} {n:?}"),
            (Some(id), None) => format!("table {id}"),
            (None, Some(n)) => format!("table {n:?}"),
            (None, None) => "a table without id".to_owned(),
        };
        let what = if self.count == 1 {
            "1 cell not of its column type:".to_owned()
        } else {
            format!("{} cells not of their column type, the first:", self.count)
        };
        eprintln!(
            "kusto-frames: {input}: warning: {what} {table}, column {:?}, at byte {}",
            at.column, at.offset
        );
    }
}
