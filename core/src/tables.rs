//! The tables of a response: which one is a *primary result*, and a bounded
//! registry ([`Tables`]) that follows the event stream and keeps what a
//! consumer needs per table.
//!
//! # Primary results
//!
//! A primary result is a table that holds the query's answer (one per
//! tabular statement, more with batches and `fork`), as opposed to the
//! tables that describe the query (properties, completion information,
//! status, table of contents).
//!
//! - **V2** (`DataTable`, `TableHeader`): its `TableKind` is
//!   `PrimaryResult` ([`TableKind::is_primary`]). Any other kind, an unknown
//!   one included, is not primary, and neither is a table whose kind was
//!   never sent.
//! - **V2 `TableFragment`**: the kind its table's `TableHeader` gave; a
//!   fragment of a table that had no `TableHeader` is not primary.
//! - **V1**: the `TableOfContents` (the last table, with `Ordinal`, `Kind`
//!   and `Name` columns) lists the table with `Kind` `QueryResult`
//!   ([`V1_PRIMARY_KIND`], [`is_primary_kind`]). Without a
//!   `TableOfContents` (a command's response), the first table (index 0)
//!   is. The `TableOfContents` comes last, too late for a consumer that
//!   streams rows: those take the first table as soon as it begins
//!   ([`is_primary_at_start`]), which is what the `TableOfContents` of a
//!   query with one result says too.
//!
//! # The registry
//!
//! [`Tables`] keeps one entry per table, in order of first appearance:
//!
//! - V2 tables by `TableId` (found in `O(log n)`): a `DataTable` or
//!   `TableHeader` opens a table; one re-sent under a known id reopens the
//!   same entry (it is counted once); a `TableFragment`'s rows go to the
//!   table its id names; `TableCompletion` completes it. A fragment,
//!   progress or completion for an id no `TableHeader` declared opens an
//!   undeclared table (not primary).
//! - V1 tables by index (their `table_id`).
//! - Tables without an id: one entry each.
//!
//! At most [`Tables::max`] entries are kept ([`DEFAULT_MAX_TABLES`], the
//! decoder's default [`DecoderConfig::max_tables`](crate::DecoderConfig::max_tables)):
//! one more is a [`TooManyTables`] error (and the registry is unchanged), so
//! whatever a consumer keeps per table stays bounded. Like the decoder's
//! limit, it counts distinct ids, not frames.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::decoder::Format;
use crate::event::{Event, TableInfo, TableKind};

/// How many tables a [`Tables`] registry keeps by default (as many as the
/// decoder's default `max_tables`).
pub const DEFAULT_MAX_TABLES: usize = 4096;

/// The `Kind` a V1 `TableOfContents` gives a primary result.
pub const V1_PRIMARY_KIND: &str = "QueryResult";

impl TableKind<'_> {
    /// `true` for `PrimaryResult`: the table is a primary result (see the
    /// [module](crate::tables) for the V1 and fragment rules).
    pub fn is_primary(&self) -> bool {
        *self == TableKind::PrimaryResult
    }
}

/// `true` when a table of a `format` response with this kind (as sent: a V2
/// `TableKind`, or the `Kind` a V1 `TableOfContents` gives it) is a primary
/// result: V2 `PrimaryResult`, V1 `QueryResult`. An error body has no
/// tables.
pub fn is_primary_kind(format: Format, kind: &str) -> bool {
    match format {
        Format::V2 => TableKind::from_name(kind).is_primary(),
        Format::V1 => kind == V1_PRIMARY_KIND,
        Format::Error => false,
    }
}

/// `true` when the table that begins with `info` is a primary result, as far
/// as a consumer that streams rows can tell when its rows begin: V2 by its
/// `TableKind` ([`TableKind::is_primary`]); V1 (`v1`) the first table
/// (index 0), since the `TableOfContents` comes last.
pub fn is_primary_at_start(info: &TableInfo<'_>, v1: bool) -> bool {
    if v1 {
        info.table_id == Some(0)
    } else {
        info.kind.is_some_and(|k| k.is_primary())
    }
}

/// One more table than a [`Tables`] registry keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyTables {
    /// The limit ([`Tables::max`]).
    pub limit: usize,
}

impl core::fmt::Display for TooManyTables {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "more than {} tables", self.limit)
    }
}

impl core::error::Error for TooManyTables {}

/// How a table was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// One V2 `DataTable` frame.
    DataTable,
    /// A V2 `TableHeader` and `TableFragment`s (progressive or fragmented).
    Fragments,
    /// Only `TableFragment`, `TableProgress` or `TableCompletion` frames
    /// named it: no `TableHeader` declared it.
    Undeclared,
    /// A V1 table.
    V1,
}

/// One table of a [`Tables`] registry, and the consumer's payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<T> {
    /// `TableId` (V1: index).
    pub id: Option<i64>,
    /// How it was sent (the last time, for a table re-sent under its id).
    pub sent: Sent,
    /// A primary result (see the [module](crate::tables)), as known when it
    /// began.
    pub primary: bool,
    /// How many times a `DataTable`, `TableHeader` or V1 table opened it
    /// (more than 1: re-sent under its id).
    pub opened: u32,
    /// Its `TableCompletion` arrived (V2 progressive), or its frame ended
    /// (`DataTable`, V1).
    pub completed: bool,
    /// The consumer's payload.
    pub value: T,
}

/// What [`Tables::open`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opened {
    /// The table's index in the registry.
    pub index: usize,
    /// `true` when the id was known: the table was re-sent and its entry
    /// (and payload) kept.
    pub reopened: bool,
}

/// A bounded registry of the tables of a response, following the event
/// stream (see the [module](crate::tables)). `T` is what the consumer keeps
/// per table.
///
/// ```
/// use kusto_frames::{Decoder, Event};
/// use kusto_frames::tables::Tables;
///
/// let body = br#"[{"FrameType":"DataSetHeader","IsProgressive":true,"Version":"v2.0"},
/// {"FrameType":"TableHeader","TableId":1,"TableKind":"PrimaryResult","TableName":"T",
///  "Columns":[{"ColumnName":"n","ColumnType":"long"}]},
/// {"FrameType":"TableFragment","TableId":1,"TableFragmentType":"DataAppend","Rows":[[1],[2]]},
/// {"FrameType":"TableCompletion","TableId":1,"RowCount":2},
/// {"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
/// // Rows per table.
/// let mut tables: Tables<u64> = Tables::new();
/// let mut dec = Decoder::new();
/// let mut feed = dec.feed(body);
/// while let Some(ev) = feed.next_event()? {
///     tables.observe(&ev, |_| 0).expect("few tables");
///     if let (Event::Row(_), Some(t)) = (ev, tables.frame_mut()) {
///         t.value += 1;
///     }
/// }
/// let t = tables.by_id(1).unwrap();
/// assert!(t.primary && t.completed);
/// assert_eq!(t.value, 2);
/// # Ok::<(), kusto_frames::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Tables<T> {
    entries: Vec<Entry<T>>,
    /// Each id's entry.
    ids: BTreeMap<i64, usize>,
    max: usize,
    /// The table whose frame's rows are arriving.
    frame: Option<usize>,
}

impl<T> Default for Tables<T> {
    fn default() -> Self {
        Tables::with_max(DEFAULT_MAX_TABLES)
    }
}

impl<T> Tables<T> {
    /// An empty registry keeping at most [`DEFAULT_MAX_TABLES`] tables.
    pub fn new() -> Self {
        Tables::default()
    }

    /// An empty registry keeping at most `max` tables.
    pub fn with_max(max: usize) -> Self {
        Tables {
            entries: Vec::new(),
            ids: BTreeMap::new(),
            max,
            frame: None,
        }
    }

    /// The most tables it keeps.
    pub fn max(&self) -> usize {
        self.max
    }

    /// How many tables it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` when it holds no table.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The index of table `id` (`O(log n)`).
    pub fn index_of(&self, id: i64) -> Option<usize> {
        self.ids.get(&id).copied()
    }

    /// Table `i` (in order of first appearance).
    pub fn get(&self, i: usize) -> Option<&Entry<T>> {
        self.entries.get(i)
    }

    /// Table `i`, mutable.
    pub fn get_mut(&mut self, i: usize) -> Option<&mut Entry<T>> {
        self.entries.get_mut(i)
    }

    /// Table `id`.
    pub fn by_id(&self, id: i64) -> Option<&Entry<T>> {
        self.entries.get(self.index_of(id)?)
    }

    /// Table `id`, mutable.
    pub fn by_id_mut(&mut self, id: i64) -> Option<&mut Entry<T>> {
        let i = self.index_of(id)?;
        self.entries.get_mut(i)
    }

    /// The tables in order of first appearance.
    pub fn iter(&self) -> core::slice::Iter<'_, Entry<T>> {
        self.entries.iter()
    }

    /// The tables in order of first appearance, mutable.
    pub fn iter_mut(&mut self) -> core::slice::IterMut<'_, Entry<T>> {
        self.entries.iter_mut()
    }

    /// The tables, in order of first appearance.
    pub fn into_entries(self) -> Vec<Entry<T>> {
        self.entries
    }

    /// The index of the table whose frame's rows are arriving (a
    /// `DataTable`, a `TableFragment` of a known table, a V1 table), if any.
    pub fn frame(&self) -> Option<usize> {
        self.frame
    }

    /// The table whose frame's rows are arriving.
    pub fn frame_entry(&self) -> Option<&Entry<T>> {
        self.entries.get(self.frame?)
    }

    /// The table whose frame's rows are arriving, mutable.
    pub fn frame_mut(&mut self) -> Option<&mut Entry<T>> {
        self.entries.get_mut(self.frame?)
    }

    /// `true` when the rows arriving are a primary result's.
    pub fn frame_is_primary(&self) -> bool {
        self.frame_entry().is_some_and(|e| e.primary)
    }

    fn push(&mut self, id: Option<i64>, sent: Sent, primary: bool, value: T) -> usize {
        let i = self.entries.len();
        if let Some(id) = id {
            self.ids.insert(id, i);
        }
        self.entries.push(Entry {
            id,
            sent,
            primary,
            opened: u32::from(sent != Sent::Undeclared),
            completed: false,
            value,
        });
        i
    }

    fn room(&self) -> Result<(), TooManyTables> {
        if self.entries.len() >= self.max {
            return Err(TooManyTables { limit: self.max });
        }
        Ok(())
    }

    /// A table begins: `DataTable` (`sent` [`Sent::DataTable`]),
    /// `TableHeader` ([`Sent::Fragments`]) or a V1 table ([`Sent::V1`]).
    /// A known id reopens its entry (its payload kept, `primary` and `sent`
    /// from `info`, not completed); otherwise a new entry holds `init()`.
    /// A `DataTable` or V1 table's rows go to it ([`Tables::frame`]).
    pub fn open(
        &mut self,
        info: &TableInfo<'_>,
        sent: Sent,
        init: impl FnOnce() -> T,
    ) -> Result<Opened, TooManyTables> {
        let primary = is_primary_at_start(info, sent == Sent::V1);
        let rows_follow = matches!(sent, Sent::DataTable | Sent::V1);
        self.frame = None;
        let opened = match info.table_id.and_then(|id| self.index_of(id)) {
            Some(index) => {
                let e = &mut self.entries[index];
                e.sent = sent;
                e.primary = primary;
                e.opened = e.opened.saturating_add(1);
                e.completed = false;
                Opened {
                    index,
                    reopened: true,
                }
            }
            None => {
                self.room()?;
                Opened {
                    index: self.push(info.table_id, sent, primary, init()),
                    reopened: false,
                }
            }
        };
        if rows_follow {
            self.frame = Some(opened.index);
        }
        Ok(opened)
    }

    /// The table a `TableFragment`, `TableProgress` or `TableCompletion`
    /// names: the known one, else a new undeclared table holding `init()`
    /// (every frame without an id opens one).
    pub fn named(
        &mut self,
        id: Option<i64>,
        init: impl FnOnce() -> T,
    ) -> Result<usize, TooManyTables> {
        if let Some(i) = id.and_then(|id| self.index_of(id)) {
            return Ok(i);
        }
        self.room()?;
        Ok(self.push(id, Sent::Undeclared, false, init()))
    }

    /// A `TableFragment` of table `id` begins: its rows go to the known
    /// table, if any (`None`: an undeclared table; see [`Tables::named`] to
    /// open one).
    pub fn fragment(&mut self, id: Option<i64>) -> Option<usize> {
        self.frame = id.and_then(|id| self.index_of(id));
        self.frame
    }

    /// The rows of the current frame go to table `i` from now on (after
    /// [`Tables::named`] opened it for a fragment).
    pub fn set_frame(&mut self, i: usize) {
        self.frame = (i < self.entries.len()).then_some(i);
    }

    /// The frame whose rows were arriving ended (`DataTableEnd`,
    /// `TableFragmentEnd`, `V1TableEnd`); a `DataTable` or V1 table is
    /// complete.
    pub fn end_frame(&mut self) {
        if let Some(e) = self.frame.take().and_then(|i| self.entries.get_mut(i)) {
            if matches!(e.sent, Sent::DataTable | Sent::V1) {
                e.completed = true;
            }
        }
    }

    /// `TableCompletion` of table `id`: it is complete. Its index, if known.
    pub fn complete(&mut self, id: Option<i64>) -> Option<usize> {
        let i = self.index_of(id?)?;
        self.entries[i].completed = true;
        Some(i)
    }

    /// Follows one event: opens, reopens, completes tables and sets the
    /// frame, as the methods above do; `init` makes the payload of a new
    /// table (from the event that opens it). Returns the index of the table
    /// the event concerns, if any.
    ///
    /// Tables the event names that are not known (fragments, progress,
    /// completion) are opened as undeclared tables, so that every id is
    /// counted. On [`TooManyTables`] the registry is unchanged.
    pub fn observe(
        &mut self,
        ev: &Event<'_>,
        init: impl FnOnce(&Event<'_>) -> T,
    ) -> Result<Option<usize>, TooManyTables> {
        let i = match ev {
            Event::DataTable(info) => self.open(info, Sent::DataTable, || init(ev))?.index,
            Event::TableHeader(info) => self.open(info, Sent::Fragments, || init(ev))?.index,
            Event::V1Table(info) => self.open(info, Sent::V1, || init(ev))?.index,
            Event::TableFragment(f) => {
                let i = self.named(f.table_id, || init(ev))?;
                self.set_frame(i);
                i
            }
            Event::TableProgress(p) => self.named(p.table_id, || init(ev))?,
            Event::TableCompletion(c) => {
                let i = self.named(c.table_id, || init(ev))?;
                self.entries[i].completed = true;
                i
            }
            Event::Row(_) | Event::RowError(_) => return Ok(self.frame),
            Event::DataTableEnd(_) | Event::TableFragmentEnd(_) | Event::V1TableEnd(_) => {
                let i = self.frame;
                self.end_frame();
                return Ok(i);
            }
            _ => return Ok(None),
        };
        Ok(Some(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Column;
    use crate::Decoder;
    use alloc::string::String;
    use alloc::vec;

    fn info(id: Option<i64>, kind: Option<TableKind<'static>>) -> TableInfo<'static> {
        TableInfo {
            table_id: id,
            kind,
            name: None,
            columns: &[],
        }
    }

    /// Feeds `body` through a registry counting rows per table.
    fn rows(body: &str, max: usize) -> Result<Tables<u64>, TooManyTables> {
        let mut t = Tables::with_max(max);
        let mut dec = Decoder::new();
        let mut feed = dec.feed(body.as_bytes());
        while let Some(ev) = feed.next_event().expect("valid body") {
            t.observe(&ev, |_| 0)?;
            if let (Event::Row(_), Some(e)) = (ev, t.frame_mut()) {
                e.value += 1;
            }
        }
        Ok(t)
    }

    #[test]
    fn primary_rule() {
        assert!(TableKind::PrimaryResult.is_primary());
        for k in [
            TableKind::QueryCompletionInformation,
            TableKind::TableOfContents,
            TableKind::QueryProperties,
            TableKind::Unknown,
            TableKind::Other("QueryResult"),
            TableKind::Other("primaryresult"),
        ] {
            assert!(!k.is_primary(), "{k:?}");
        }
        assert!(is_primary_kind(Format::V2, "PrimaryResult"));
        assert!(!is_primary_kind(Format::V2, "QueryResult"));
        assert!(is_primary_kind(Format::V1, "QueryResult"));
        assert!(!is_primary_kind(Format::V1, "PrimaryResult"));
        assert!(!is_primary_kind(Format::V1, "QueryStatus"));
        assert!(!is_primary_kind(Format::Error, "PrimaryResult"));
        let p = info(Some(3), Some(TableKind::PrimaryResult));
        assert!(is_primary_at_start(&p, false));
        assert!(!is_primary_at_start(&info(Some(0), None), false));
        assert!(is_primary_at_start(&info(Some(0), None), true));
        assert!(!is_primary_at_start(&info(Some(1), None), true));
        assert!(!is_primary_at_start(&info(None, None), true));
    }

    #[test]
    fn limit_counts_tables_not_frames() {
        let mut t: Tables<()> = Tables::with_max(2);
        let p = info(Some(1), Some(TableKind::PrimaryResult));
        assert!(!t.open(&p, Sent::DataTable, || ()).unwrap().reopened);
        t.open(&info(Some(2), None), Sent::Fragments, || ())
            .unwrap();
        // The same ids again and again are fine.
        for _ in 0..10 {
            let o = t.open(&p, Sent::DataTable, || ()).unwrap();
            assert_eq!(
                o,
                Opened {
                    index: 0,
                    reopened: true
                }
            );
            assert_eq!(t.named(Some(2), || ()), Ok(1));
        }
        assert_eq!(t.by_id(1).unwrap().opened, 11);
        // One more id is not, and changes nothing.
        let e = t.open(&info(Some(3), None), Sent::DataTable, || ());
        assert_eq!(e, Err(TooManyTables { limit: 2 }));
        assert_eq!(t.named(None, || ()), Err(TooManyTables { limit: 2 }));
        assert_eq!((t.len(), t.index_of(3)), (2, None));
        let mut z: Tables<()> = Tables::with_max(0);
        assert!(z.open(&p, Sent::V1, || ()).is_err());
        assert!(z.is_empty());
    }

    #[test]
    fn resent_data_tables_under_cycling_ids() {
        let mut b = String::from(
            r#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"}"#,
        );
        for i in 0..50 {
            b += &alloc::format!(
                r#",{{"FrameType":"DataTable","TableId":{},"TableKind":"PrimaryResult","TableName":"T","Columns":[{{"ColumnName":"x","ColumnType":"long"}}],"Rows":[[1],[2]]}}"#,
                i % 3
            );
        }
        b += r#",{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
        let t = rows(&b, 3).unwrap();
        assert_eq!(t.len(), 3);
        let counts: vec::Vec<_> = t.iter().map(|e| (e.id, e.value, e.opened)).collect();
        assert_eq!(
            counts,
            [(Some(0), 34, 17), (Some(1), 34, 17), (Some(2), 32, 16)]
        );
        assert!(t
            .iter()
            .all(|e| e.primary && e.completed && e.sent == Sent::DataTable));
        assert_eq!(rows(&b, 2).unwrap_err(), TooManyTables { limit: 2 });
    }

    #[test]
    fn fragments_go_to_their_table() {
        let body = r#"[{"FrameType":"DataSetHeader","IsProgressive":true,"Version":"v2.0"},
{"FrameType":"TableHeader","TableId":1,"TableKind":"QueryProperties","TableName":"P","Columns":[{"ColumnName":"v","ColumnType":"long"}]},
{"FrameType":"TableHeader","TableId":2,"TableKind":"PrimaryResult","TableName":"T","Columns":[{"ColumnName":"v","ColumnType":"long"}]},
{"FrameType":"TableFragment","TableId":2,"TableFragmentType":"DataAppend","Rows":[[1],[2]]},
{"FrameType":"TableFragment","TableId":1,"TableFragmentType":"DataAppend","Rows":[[1]]},
{"FrameType":"TableProgress","TableId":2,"TableProgress":50},
{"FrameType":"TableFragment","TableId":7,"TableFragmentType":"DataAppend","Rows":[[9]]},
{"FrameType":"TableFragment","TableId":2,"TableFragmentType":"DataAppend","Rows":[[3]]},
{"FrameType":"TableCompletion","TableId":2,"RowCount":3},
{"FrameType":"TableCompletion","TableId":1,"RowCount":1},
{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
        let t = rows(body, 8).unwrap();
        let got: vec::Vec<_> = t
            .iter()
            .map(|e| (e.id, e.sent, e.primary, e.completed, e.value))
            .collect();
        assert_eq!(
            got,
            [
                (Some(1), Sent::Fragments, false, true, 1),
                (Some(2), Sent::Fragments, true, true, 3),
                (Some(7), Sent::Undeclared, false, false, 1),
            ]
        );
        assert_eq!(t.frame(), None);
        // Table 7 is the third: two is too few.
        assert_eq!(rows(body, 2).unwrap_err(), TooManyTables { limit: 2 });
    }

    #[test]
    fn v1_tables_by_index() {
        let body = r#"{"Tables":[{"TableName":"Table_0","Columns":[{"ColumnName":"a","DataType":"Int32"}],"Rows":[[1],[2]]},
{"TableName":"Table_1","Columns":[{"ColumnName":"Ordinal","DataType":"Int64"},{"ColumnName":"Kind","DataType":"String"},{"ColumnName":"Name","DataType":"String"}],"Rows":[[0,"QueryResult","PrimaryResult"]]}]}"#;
        let t = rows(body, 8).unwrap();
        let got: vec::Vec<_> = t
            .iter()
            .map(|e| (e.id, e.sent, e.primary, e.completed, e.value))
            .collect();
        assert_eq!(
            got,
            [
                (Some(0), Sent::V1, true, true, 2),
                (Some(1), Sent::V1, false, true, 1),
            ]
        );
        assert_eq!(rows(body, 1).unwrap_err(), TooManyTables { limit: 1 });
    }

    #[test]
    fn tables_without_ids_are_one_each() {
        let mut t: Tables<u8> = Tables::with_max(3);
        t.open(&info(None, None), Sent::DataTable, || 1).unwrap();
        t.open(&info(None, None), Sent::DataTable, || 2).unwrap();
        assert_eq!(t.named(None, || 3), Ok(2));
        assert_eq!(t.len(), 3);
        assert_eq!(t.fragment(None), None);
        t.set_frame(9);
        assert_eq!(t.frame(), None);
        assert_eq!(t.complete(None), None);
        let cols = [Column::new("x", "long")];
        let i = TableInfo {
            columns: &cols,
            ..info(Some(1), None)
        };
        assert!(t.open(&i, Sent::DataTable, || 4).is_err());
    }
}
