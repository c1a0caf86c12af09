//! The decoder's limits ([`DecoderConfig`]) and the formats it tells apart.

/// Limits that turn hostile input into errors instead of memory growth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecoderConfig {
    pub(super) max_depth: u32,
    pub(super) max_token_bytes: u64,
    pub(super) max_row_bytes: u64,
    pub(super) max_columns: usize,
    pub(super) max_open_tables: usize,
    pub(super) max_held_rows_bytes: u64,
    pub(super) max_tables: usize,
    pub(super) join_chunks: usize,
}

impl Default for DecoderConfig {
    fn default() -> Self {
        DecoderConfig {
            max_depth: 128,
            max_token_bytes: 16 << 20,
            max_row_bytes: 64 << 20,
            max_columns: 10_000,
            max_open_tables: 1024,
            max_held_rows_bytes: 16 << 20,
            max_tables: 4096,
            join_chunks: 512,
        }
    }
}

impl DecoderConfig {
    /// Maximum nesting of arrays and objects in the body, frames included
    /// (the frame structure uses 4 levels). Default 128.
    pub fn max_depth(&mut self, n: u32) -> &mut Self {
        self.max_depth = n;
        self
    }

    /// Maximum length of one string or number outside rows (keys, names,
    /// unknown properties). Default 16 MiB.
    pub fn max_token_bytes(&mut self, n: u64) -> &mut Self {
        self.max_token_bytes = n;
        self
    }

    /// Maximum length of one row, row error, or captured value
    /// (`OneApiErrors`, an error body). Default 64 MiB.
    pub fn max_row_bytes(&mut self, n: u64) -> &mut Self {
        self.max_row_bytes = n;
        self
    }

    /// Maximum number of columns of a table and of cells in a row.
    /// Default 10 000.
    pub fn max_columns(&mut self, n: usize) -> &mut Self {
        self.max_columns = n;
        self
    }

    /// Maximum number of progressive tables open at once (TableHeader seen,
    /// TableCompletion not yet). Default 1024.
    pub fn max_open_tables(&mut self, n: usize) -> &mut Self {
        self.max_open_tables = n;
        self
    }

    /// Maximum number of distinct tables in a response: `TableId`s named by
    /// any frame (DataTable, TableHeader, TableFragment, TableProgress,
    /// TableCompletion), and V1 tables. Past it the body is rejected with
    /// [`ErrorKind::TooManyTables`](crate::ErrorKind::TooManyTables) at the frame that names one more, so
    /// that whatever a consumer keeps per table stays bounded. Default 4096.
    pub fn max_tables(&mut self, n: usize) -> &mut Self {
        self.max_tables = n;
        self
    }

    /// Maximum size of the `Rows` of a frame that sends them before the
    /// properties that say which table they belong to. Rows are handed out
    /// as they arrive once the frame has sent its kind and everything that
    /// identifies its table (a `DataTable`: `TableId`, `TableKind`,
    /// `TableName` and `Columns`; a `TableFragment`: `TableId` and
    /// `TableFragmentType`; a V1 table: `Columns`), as the service and the
    /// documented frames do. Rows sent before that are kept, as their
    /// bytes, until the frame ends, then handed out after the frame's head
    /// event, so that every consumer sees them in the right table with
    /// their columns. Past this limit the body is rejected with
    /// [`ErrorKind::HeldRowsTooLarge`](crate::ErrorKind::HeldRowsTooLarge). Default 16 MiB.
    pub fn max_held_rows_bytes(&mut self, n: u64) -> &mut Self {
        self.max_held_rows_bytes = n;
        self
    }

    /// Chunks of at most `n` bytes are copied into the decoder and joined
    /// to the bytes before them, instead of being decoded in place. With
    /// chunks that small most rows are cut by a chunk's end, and a cut cell
    /// costs more to carry over token by token than the copy. Joined, a row
    /// that a chunk's end cuts waits for the rest of its bytes (up to
    /// 2 KiB; until a `]` that may end the row arrives, they are only
    /// searched for one), and its cells are then decoded at once, none of
    /// them cut. No event of a well-formed body waits: a row's event comes
    /// with the chunk that brings its last byte, as without joining. In a
    /// malformed body, an error inside a held row, or right after its `]`,
    /// is reported once more bytes (up to 2 KiB) have arrived, or at
    /// [`Decoder::finish`](crate::Decoder::finish), with the same offset and after the same
    /// events (if the body ends right after such a whole row, the feed of
    /// `finish` hands out the row, then the error). Cells of joined
    /// chunks borrow from the decoder's buffer
    /// ([`Row::cell_is_borrowed`](crate::Row::cell_is_borrowed) is
    /// `false`). Larger chunks are decoded in place, zero-copy. Memory
    /// stays bounded: the buffer holds the row in progress and one chunk.
    /// Default 512; 0 turns joining off.
    pub fn join_chunks(&mut self, n: usize) -> &mut Self {
        self.join_chunks = n;
        self
    }
}

/// The format of the body, detected from its first bytes and keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A JSON array of frames.
    V2,
    /// A JSON object with `Tables`.
    V1,
    /// A JSON object with `error` (OneApiErrors).
    Error,
}
