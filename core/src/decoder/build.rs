//! Building the events from the decoder's state, once the token loop has
//! let go of its borrows.

use super::*;

impl Decoder {
    pub(super) fn table_info(&self) -> TableInfo<'_> {
        let f = &self.frame;
        TableInfo {
            table_id: f.table_id(),
            kind: f.str(Prop::TableKind).map(TableKind::from_name),
            name: f.str(Prop::TableName),
            columns: &f.columns,
        }
    }

    pub(super) fn fragment(&self) -> Fragment<'_> {
        let f = &self.frame;
        Fragment {
            table_id: f.int(Prop::TableId),
            fragment_type: f.str(Prop::TableFragmentType).map(|s| match s {
                "DataAppend" => FragmentType::DataAppend,
                "DataReplace" => FragmentType::DataReplace,
                other => FragmentType::Other(other),
            }),
            field_count: f.int(Prop::FieldCount),
            columns: f
                .int(Prop::TableId)
                .and_then(|id| self.tables.columns(id))
                .unwrap_or_else(|| self.row_columns()),
        }
    }

    pub(super) fn row_columns(&self) -> &[Column] {
        match self.frame.head {
            Some(Head::Fragment) => self
                .frame
                .open_idx
                .and_then(|i| self.tables.columns_at(i))
                .unwrap_or(&[]),
            _ => &self.frame.columns,
        }
    }

    pub(super) fn raw<'x>(&'x self, chunk: &'x [u8], start: usize, end: usize) -> RawJson<'x> {
        RawJson(str_from_validated(
            self.lexer.input.bytes(chunk, start, end),
        ))
    }

    /// [`Decoder::build`] for the held rows of a replay, out of line so
    /// that the decoding loop keeps its one inlined copy.
    #[inline(never)]
    pub(super) fn build_held<'x>(&'x mut self, emit: Emit, chunk: &'x [u8]) -> Event<'x> {
        self.build(emit, chunk)
    }

    #[inline]
    pub(super) fn build<'x>(&'x mut self, emit: Emit, chunk: &'x [u8]) -> Event<'x> {
        // Counters first, then shared borrows only.
        if let Emit::Row { .. } | Emit::RowError { .. } = emit {
            self.frame.row_index += 1;
        }
        let this = &*self;
        let f = &this.frame;
        match emit {
            Emit::Head(Head::DataTable) => Event::DataTable(this.table_info()),
            Emit::Head(Head::V1Table) => Event::V1Table(this.table_info()),
            Emit::Head(Head::Fragment) => Event::TableFragment(this.fragment()),
            Emit::V1End => Event::V1TableEnd(this.table_info()),
            Emit::End(ty) => match ty {
                FrameType::DataSetHeader => Event::DataSetHeader(DataSetHeader {
                    version: f.str(Prop::Version),
                    is_progressive: f.bool(Prop::IsProgressive),
                    is_fragmented: f.bool(Prop::IsFragmented),
                    error_reporting_placement: f.str(Prop::ErrorReportingPlacement),
                }),
                FrameType::TableHeader => Event::TableHeader(this.table_info()),
                FrameType::DataTable => Event::DataTableEnd(this.table_info()),
                FrameType::TableFragment => Event::TableFragmentEnd(this.fragment()),
                FrameType::TableProgress => Event::TableProgress(TableProgress {
                    table_id: f.int(Prop::TableId),
                    progress: f.float(Prop::TableProgress),
                }),
                FrameType::TableCompletion => Event::TableCompletion(TableCompletion {
                    table_id: f.int(Prop::TableId),
                    row_count: f.int(Prop::RowCount),
                    errors: f.str(Prop::OneApiErrors).map(RawJson),
                }),
                FrameType::DataSetCompletion => Event::DataSetCompletion(DataSetCompletion {
                    has_errors: f.bool(Prop::HasErrors).unwrap_or(false),
                    cancelled: f.bool(Prop::Cancelled).unwrap_or(false),
                    errors: f.str(Prop::OneApiErrors).map(RawJson),
                }),
                FrameType::Unknown => Event::UnknownFrame {
                    frame_type: &f.frame_type_name,
                },
            },
            Emit::Row { end } => {
                let lx = &this.lexer;
                let s = lx.input.spill.len();
                let part = if end > s {
                    chunk
                        .get(lx.input.cap_chunk_start..lx.input.chunk_index(end))
                        .unwrap_or(&[])
                } else {
                    &[]
                };
                Event::Row(Row {
                    table_id: f.table_id(),
                    index: f.row_index - 1,
                    offset: this.cap.abs,
                    columns: this.row_columns(),
                    spill: &lx.input.spill,
                    part,
                    unesc: &lx.unesc,
                    cells: &this.cells,
                    joined: this.lexer.input.joined,
                })
            }
            Emit::RowError { start, end } => Event::RowError(RowError {
                table_id: f.table_id(),
                index: f.row_index - 1,
                offset: this.cap.abs,
                raw: this.raw(chunk, start, end),
            }),
            Emit::Exceptions { start, end } => Event::V1Exceptions(this.raw(chunk, start, end)),
            Emit::ErrorBody { start, end } => Event::ErrorBody(this.raw(chunk, start, end)),
        }
    }
}
