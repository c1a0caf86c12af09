//! The decoder's error type: small, `Copy`, and carrying a byte offset.

use core::fmt;

/// What went wrong. The byte offset is on [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A byte that the JSON grammar does not allow here.
    Syntax,
    /// The body ended in the middle of a value, or before its last frame.
    UnexpectedEof,
    /// A complete V2 body without a `DataSetCompletion` frame.
    MissingCompletion,
    /// A string holds bytes that are not UTF-8.
    InvalidUtf8,
    /// A backslash escape that JSON does not define, or a bad `\u` escape.
    InvalidEscape,
    /// A `\u` escape of a UTF-16 surrogate without its pair.
    LoneSurrogate,
    /// A number with a leading zero, such as `01`.
    LeadingZero,
    /// A malformed number, such as `-`, `1.` or `1e`.
    InvalidNumber,
    /// A comma before `]` or `}`.
    TrailingComma,
    /// An unescaped control character (below U+0020) inside a string.
    ControlCharacter,
    /// Something other than whitespace after the body.
    TrailingData,
    /// The body is neither a JSON array (V2) nor a JSON object (V1 or error).
    NotAResponse,
    /// Containers nested deeper than the configured limit.
    DepthLimit,
    /// One string or number is longer than the configured limit.
    TokenTooLong,
    /// One row (or one captured value) is longer than the configured limit.
    RowTooLarge,
    /// A row or a table has more cells or columns than the configured limit.
    TooManyColumns,
    /// More progressive tables open at once, or more tables in the
    /// response, than the configured limits
    /// ([`crate::DecoderConfig::max_open_tables`],
    /// [`crate::DecoderConfig::max_tables`]).
    TooManyTables,
    /// A known property, a frame or a row has a JSON type the protocol does not allow.
    UnexpectedType,
    /// A number property (TableId, RowCount, ...) is out of range.
    NumberOutOfRange,
    /// The body starts with the gzip magic bytes: it was saved or received
    /// compressed (`Content-Encoding: gzip`). Decompress it first.
    GzipBody,
    /// The body starts with a zlib header (`Content-Encoding: deflate`).
    /// Decompress it first.
    ZlibBody,
    /// A frame (or V1 table) has the same property twice: which one holds
    /// is not defined, so the frame is rejected rather than read one way.
    DuplicateProperty,
    /// A frame after the `DataSetCompletion` frame, which the protocol
    /// makes the last one.
    FrameAfterCompletion,
    /// A frame lacks a property the protocol requires of its kind
    /// (`TableId` on `TableFragment`, `TableProgress`, `TableCompletion`).
    MissingProperty,
    /// A `FrameType` that contradicts what the frame's rows were already
    /// decoded as (its other properties, sent before its `Rows`, said
    /// otherwise).
    FrameTypeMismatch,
    /// The rows of a frame sent before the properties that tell which
    /// table they belong to (kind, id, name, columns) are held until the
    /// frame ends; they exceed the configured limit
    /// ([`crate::DecoderConfig::max_held_rows_bytes`]).
    HeldRowsTooLarge,
}

impl ErrorKind {
    /// `true` for the errors of a configured limit ([`crate::DecoderConfig`]):
    /// not a fault of the body, which a larger limit would have decoded
    /// further. Whatever the decoder handed out before such an error is
    /// what it hands out, up to that point, with a larger limit.
    pub fn is_limit(self) -> bool {
        matches!(
            self,
            ErrorKind::DepthLimit
                | ErrorKind::TokenTooLong
                | ErrorKind::RowTooLarge
                | ErrorKind::TooManyColumns
                | ErrorKind::TooManyTables
                | ErrorKind::HeldRowsTooLarge
        )
    }

    fn describe(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "syntax error",
            ErrorKind::UnexpectedEof => "unexpected end of input",
            ErrorKind::MissingCompletion => "body ended without a DataSetCompletion frame",
            ErrorKind::InvalidUtf8 => "invalid UTF-8",
            ErrorKind::InvalidEscape => "invalid escape",
            ErrorKind::LoneSurrogate => "lone UTF-16 surrogate in \\u escape",
            ErrorKind::LeadingZero => "number with a leading zero",
            ErrorKind::InvalidNumber => "invalid number",
            ErrorKind::TrailingComma => "trailing comma",
            ErrorKind::ControlCharacter => "control character in string",
            ErrorKind::TrailingData => "trailing data after the body",
            ErrorKind::NotAResponse => "body is not a JSON array or object",
            ErrorKind::DepthLimit => "nesting depth limit exceeded",
            ErrorKind::TokenTooLong => "token longer than the configured limit",
            ErrorKind::RowTooLarge => "row longer than the configured limit",
            ErrorKind::TooManyColumns => "more cells or columns than the configured limit",
            ErrorKind::TooManyTables => "more tables than the configured limit",
            ErrorKind::UnexpectedType => "value of an unexpected type",
            ErrorKind::NumberOutOfRange => "number out of range",
            ErrorKind::GzipBody => "gzip-compressed body: decompress it first",
            ErrorKind::ZlibBody => "zlib-compressed body: decompress it first",
            ErrorKind::DuplicateProperty => "property repeated in a frame",
            ErrorKind::FrameAfterCompletion => "frame after the DataSetCompletion frame",
            ErrorKind::MissingProperty => "frame lacks a required property (TableId)",
            ErrorKind::FrameTypeMismatch => {
                "FrameType contradicts the frame's rows, already decoded as another kind"
            }
            ErrorKind::HeldRowsTooLarge => {
                "rows sent before their frame's kind, id, name or columns exceed the configured limit"
            }
        }
    }
}

/// A decoding error: what went wrong, and the byte offset from the start of
/// the body where it was detected. The offset never depends on how the body
/// was split into chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Error {
    kind: ErrorKind,
    offset: u64,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, offset: u64) -> Self {
        Error { kind, offset }
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Byte offset from the start of the body.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// `true` when the body was cut short: a streaming caller that sees this
    /// from [`crate::Decoder::finish`] got a truncated response.
    pub fn is_eof(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::UnexpectedEof | ErrorKind::MissingCompletion
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind.describe(), self.offset)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

impl core::error::Error for Error {}
