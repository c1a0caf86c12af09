//! The response as a whole: HTTP status and headers, OneApiErrors, and every
//! error a body can report (in a 200 response too).

use alloc::boxed::Box;
use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;

use crate::cell::Cell;
use crate::event::{Event, TableInfo, TableKind};
use crate::tables::{Sent, Tables};
use crate::value::{convert, ScalarType, Value};

/// A parsed JSON value, for the small error objects the service sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as its exact text.
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, properties in order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Parses JSON text (at most 128 levels deep); `None` if it is not one
    /// JSON value as the decoder reads one (the grammar is the decoder's
    /// lexer).
    pub fn parse(text: &str) -> Option<Json> {
        /// A container being read.
        enum Open {
            Array(Vec<Json>),
            /// Its properties, and the key of the one being read.
            Object(Vec<(String, Json)>, Option<String>),
        }
        let mut stack: Vec<Open> = Vec::new();
        let mut top = None;
        let whole = crate::lex::each_token(text.as_bytes(), 128, |kind, raw, unesc| {
            use crate::lex::TokKind as K;
            let v = match kind {
                K::BeginArr => {
                    stack.push(Open::Array(Vec::new()));
                    return true;
                }
                K::BeginObj => {
                    stack.push(Open::Object(Vec::new(), None));
                    return true;
                }
                K::EndArr | K::EndObj => match stack.pop() {
                    Some(Open::Array(items)) => Json::Array(items),
                    Some(Open::Object(props, _)) => Json::Object(props),
                    None => return false,
                },
                K::Str => {
                    let text = match unesc {
                        Some(u) => u,
                        None => raw.get(1..raw.len().saturating_sub(1)).unwrap_or(&[]),
                    };
                    let Ok(s) = core::str::from_utf8(text) else {
                        return false;
                    };
                    let s = String::from(s);
                    if let Some(Open::Object(_, key @ None)) = stack.last_mut() {
                        *key = Some(s);
                        return true;
                    }
                    Json::String(s)
                }
                K::Num => match core::str::from_utf8(raw) {
                    Ok(n) => Json::Number(String::from(n)),
                    Err(_) => return false,
                },
                K::True => Json::Bool(true),
                K::False => Json::Bool(false),
                K::Null => Json::Null,
            };
            match stack.last_mut() {
                Some(Open::Array(items)) => items.push(v),
                Some(Open::Object(props, key)) => match key.take() {
                    Some(k) => props.push((k, v)),
                    None => return false,
                },
                None => top = Some(v),
            }
            true
        });
        if whole {
            top
        } else {
            None
        }
    }

    /// Property `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(props) => props.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The bool, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

/// One OneApiErrors error object (`{"error":{...}}` entries, error bodies,
/// and `innererror`s).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OneApiError {
    /// `code`, e.g. `General_BadRequest`, `LimitsExceeded`.
    pub code: Option<String>,
    /// `message`.
    pub message: Option<String>,
    /// `@type`, the service's exception type.
    pub error_type: Option<String>,
    /// `@message`, the detailed message.
    pub detail: Option<String>,
    /// `@context` properties (timestamp, clientRequestId, activityId, ...),
    /// each value as a string (numbers and bools as their JSON text).
    pub context: Vec<(String, String)>,
    /// `@permanent`: `Some(false)` means a retry can help.
    pub permanent: Option<bool>,
    /// `innererror`, to any depth.
    pub inner: Option<Box<OneApiError>>,
}

impl OneApiError {
    /// About how many bytes of text it holds, its inner errors included.
    fn weight(&self) -> usize {
        let s = |o: &Option<String>| o.as_ref().map_or(0, String::len);
        s(&self.code)
            + s(&self.message)
            + s(&self.error_type)
            + s(&self.detail)
            + self
                .context
                .iter()
                .map(|(k, v)| k.len() + v.len())
                .sum::<usize>()
            + self.inner.as_deref().map_or(0, OneApiError::weight)
    }

    /// Reads an error object: the value of `error`, or a `{"error":{...}}`
    /// wrapper.
    pub fn from_json(v: &Json) -> Option<OneApiError> {
        let obj = v.get("error").unwrap_or(v);
        if !matches!(obj, Json::Object(_)) {
            return None;
        }
        let s = |k: &str| obj.get(k).and_then(Json::as_str).map(String::from);
        let context = match obj.get("@context") {
            Some(Json::Object(props)) => props
                .iter()
                .map(|(k, v)| {
                    let text = match v {
                        Json::String(s) | Json::Number(s) => s.clone(),
                        Json::Bool(true) => "true".into(),
                        Json::Bool(false) => "false".into(),
                        _ => String::new(),
                    };
                    (k.clone(), text)
                })
                .collect(),
            _ => Vec::new(),
        };
        Some(OneApiError {
            code: s("code"),
            message: s("message"),
            error_type: s("@type"),
            detail: s("@message"),
            context,
            permanent: obj.get("@permanent").and_then(Json::as_bool),
            inner: obj
                .get("innererror")
                .and_then(OneApiError::from_json)
                .map(Box::new),
        })
    }

    /// Parses JSON text holding one error object or an array of them (a
    /// `OneApiErrors` array).
    pub fn parse_all(text: &str) -> Vec<OneApiError> {
        match Json::parse(text) {
            Some(Json::Array(items)) => items.iter().filter_map(OneApiError::from_json).collect(),
            Some(v) => OneApiError::from_json(&v).into_iter().collect(),
            None => Vec::new(),
        }
    }

    /// A `@context` property.
    pub fn context(&self, key: &str) -> Option<&str> {
        self.context
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The chain: this error, then its inner errors.
    pub fn chain(&self) -> impl Iterator<Item = &OneApiError> {
        core::iter::successors(Some(self), |e| e.inner.as_deref())
    }
}

/// The HTTP status of a Kusto response, per the spec's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// 200: processing started (it may still fail in the body).
    Ok,
    /// 400 BadRequest: permanent.
    BadRequest,
    /// 401.
    Unauthorized,
    /// 403.
    Forbidden,
    /// 404.
    NotFound,
    /// 413 PayloadTooLarge.
    PayloadTooLarge,
    /// 429 TooManyRequests: throttled.
    TooManyRequests,
    /// 504 Timeout.
    Timeout,
    /// 520 ServiceError.
    ServiceError,
    /// Any other code.
    Other(u16),
}

impl Status {
    /// Maps an HTTP status code.
    pub fn from_code(code: u16) -> Status {
        match code {
            200 => Status::Ok,
            400 => Status::BadRequest,
            401 => Status::Unauthorized,
            403 => Status::Forbidden,
            404 => Status::NotFound,
            413 => Status::PayloadTooLarge,
            429 => Status::TooManyRequests,
            504 => Status::Timeout,
            520 => Status::ServiceError,
            c => Status::Other(c),
        }
    }

    /// The code.
    pub fn code(self) -> u16 {
        match self {
            Status::Ok => 200,
            Status::BadRequest => 400,
            Status::Unauthorized => 401,
            Status::Forbidden => 403,
            Status::NotFound => 404,
            Status::PayloadTooLarge => 413,
            Status::TooManyRequests => 429,
            Status::Timeout => 504,
            Status::ServiceError => 520,
            Status::Other(c) => c,
        }
    }

    /// `true` for 2xx.
    pub fn is_success(self) -> bool {
        (200..300).contains(&self.code())
    }

    /// A retry may help: 429 and 5xx.
    pub fn is_retryable(self) -> bool {
        let c = self.code();
        c == 429 || (500..600).contains(&c)
    }
}

/// One error a response reported.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseError {
    /// The body was an error object (OneApiErrors), or not JSON at all
    /// (`error` is then `None` and the text is in `raw`).
    Body {
        /// The parsed error, if the body was a OneApiErrors object.
        error: Option<OneApiError>,
        /// The error object or the body text, as sent.
        raw: String,
    },
    /// An object in place of a row (a partial query failure in the data).
    Row {
        /// The table (V1: index).
        table_id: Option<i64>,
        /// Position in its frame's `Rows`.
        index: u64,
        /// Byte offset.
        offset: u64,
        /// Parsed `OneApiErrors` entries, if any.
        errors: Vec<OneApiError>,
        /// As sent.
        raw: String,
    },
    /// `OneApiErrors` on a `TableCompletion`.
    Table {
        /// The table.
        table_id: Option<i64>,
        /// Parsed entries.
        errors: Vec<OneApiError>,
    },
    /// `DataSetCompletion` with `HasErrors` (and its `OneApiErrors`).
    DataSet {
        /// Parsed entries.
        errors: Vec<OneApiError>,
    },
    /// `DataSetCompletion` with `Cancelled`.
    Cancelled,
    /// A QueryCompletionInformation row with `Level` <= 2.
    QueryCompletion {
        /// `Level`.
        level: i64,
        /// The row's cells as sent, for diagnostics.
        row: String,
    },
    /// A V1 QueryStatus row with `Severity` <= 2.
    QueryStatus {
        /// `Severity`.
        severity: i64,
        /// The row's cells as sent.
        row: String,
    },
    /// The V1 top-level `Exceptions` array.
    Exceptions(String),
}

impl ResponseError {
    /// About how many bytes of text the error holds.
    fn weight(&self) -> usize {
        let all = |es: &[OneApiError]| es.iter().map(OneApiError::weight).sum::<usize>();
        match self {
            ResponseError::Body { error, raw } => {
                raw.len() + error.as_ref().map_or(0, OneApiError::weight)
            }
            ResponseError::Row { errors, raw, .. } => raw.len() + all(errors),
            ResponseError::Table { errors, .. } | ResponseError::DataSet { errors } => all(errors),
            ResponseError::Cancelled => 0,
            ResponseError::QueryCompletion { row, .. } | ResponseError::QueryStatus { row, .. } => {
                row.len()
            }
            ResponseError::Exceptions(s) => s.len(),
        }
    }

    /// `true` when the service marked an error it sent `@permanent: true`:
    /// a retry gives the same answer (see [`is_retryable`]).
    pub fn is_permanent(&self) -> bool {
        let permanent = |es: &[OneApiError]| es.iter().any(|e| e.permanent == Some(true));
        match self {
            ResponseError::Body { error, .. } => {
                error.as_ref().is_some_and(|e| e.permanent == Some(true))
            }
            ResponseError::Row { errors, .. }
            | ResponseError::Table { errors, .. }
            | ResponseError::DataSet { errors } => permanent(errors),
            _ => false,
        }
    }

    /// `true` when the service marked an error it sent `@permanent: false`:
    /// a retry may succeed (see [`is_retryable`]).
    pub fn is_transient(&self) -> bool {
        let transient = |es: &[OneApiError]| es.iter().any(|e| e.permanent == Some(false));
        match self {
            ResponseError::Body { error, .. } => {
                error.as_ref().is_some_and(|e| e.permanent == Some(false))
            }
            ResponseError::Row { errors, .. }
            | ResponseError::Table { errors, .. }
            | ResponseError::DataSet { errors } => transient(errors),
            _ => false,
        }
    }
}

/// The outcome of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx and the body reported no error.
    Success,
    /// 200 and results arrived, but the body reported errors (partial query
    /// failure): per the spec the caller should ignore the whole result.
    PartialFailure,
    /// The request failed (4xx/5xx, or an error body).
    Failed,
}

/// Watches the events of one response and keeps the errors it reports.
///
/// Feed it every event with [`ErrorTracker::observe`]; at the end
/// [`ErrorTracker::finish`] applies what only the end can tell (a V1
/// TableOfContents naming the QueryStatus table). It keeps at most
/// [`ErrorTracker::with_limit`] errors (1024 by default) so that a hostile
/// stream of error rows cannot grow its memory; [`ErrorTracker::dropped`]
/// counts the ones past the limit.
///
/// ```
/// use kusto_frames::Decoder;
/// use kusto_frames::response::{ErrorTracker, ResponseError};
///
/// // Rows, then an error object in place of a row: a partial failure.
/// let body = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
/// {"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"T",
///  "Columns":[{"ColumnName":"x","ColumnType":"long"}],
///  "Rows":[[1],{"OneApiErrors":[{"error":{"code":"LimitsExceeded","message":"too many rows"}}]}]},
/// {"FrameType":"DataSetCompletion","HasErrors":true,"Cancelled":false}]"#;
/// let (mut dec, mut tracker) = (Decoder::new(), ErrorTracker::new());
/// let mut feed = dec.feed(body);
/// while let Some(ev) = feed.next_event()? {
///     tracker.observe(&ev);
/// }
/// drop(feed);
/// let mut end = dec.finish(); // the end of the input, drained like a chunk
/// while let Some(ev) = end.next_event()? {
///     tracker.observe(&ev);
/// }
/// drop(end);
/// let errors = tracker.finish();
/// assert_eq!(errors.len(), 2);
/// match &errors[0] {
///     ResponseError::Row { table_id, errors, .. } => {
///         assert_eq!(*table_id, Some(1));
///         assert_eq!(errors[0].code.as_deref(), Some("LimitsExceeded"));
///     }
///     other => panic!("{other:?}"),
/// }
/// assert!(matches!(errors[1], ResponseError::DataSet { .. }));
/// # Ok::<(), kusto_frames::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ErrorTracker {
    errors: Vec<ResponseError>,
    limit: usize,
    dropped: u64,
    /// Current table: is it QueryCompletionInformation, and its Level column.
    qci_level: Option<usize>,
    /// Progressive QueryCompletionInformation tables and their Level
    /// column (at most `limit` of them).
    qci_tables: Tables<usize>,
    /// V1: per table index, the failing Severity rows of QueryStatus-shaped tables.
    v1_status: Vec<(i64, ResponseError)>,
    v1_severity: Option<usize>,
    v1_toc: Option<(usize, usize)>,
    v1_kinds: Vec<(i64, String)>,
    v1_tables: i64,
    /// Bytes of text the kept errors hold, and the limit.
    bytes: usize,
    max_bytes: usize,
}

fn find_col(cols: &[crate::event::Column], name: &str) -> Option<usize> {
    cols.iter().position(|c| c.name() == name)
}

/// `[]` (with any whitespace): an empty `OneApiErrors` or `Exceptions`.
fn is_empty_array(raw: &str) -> bool {
    matches!(Json::parse(raw), Some(Json::Array(items)) if items.is_empty())
}

fn qci_level(t: &TableInfo<'_>) -> Option<usize> {
    (t.kind == Some(TableKind::QueryCompletionInformation))
        .then(|| find_col(t.columns, "Level"))
        .flatten()
}

/// A row as sent, from its cells' raw JSON.
fn row_text<'r>(raws: impl Iterator<Item = &'r str>) -> String {
    let mut s = String::from("[");
    for (i, raw) in raws.enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(raw);
    }
    s.push(']');
    s
}

fn int_cell(cell: Option<Cell<'_>>) -> Option<i64> {
    match convert(ScalarType::Long, cell?) {
        Ok(Value::Long(v)) => Some(v),
        _ => None,
    }
}

impl Default for ErrorTracker {
    fn default() -> Self {
        ErrorTracker::with_limit(1024)
    }
}

impl ErrorTracker {
    /// A tracker with no errors, keeping at most 1024.
    pub fn new() -> Self {
        ErrorTracker::default()
    }

    /// A tracker that keeps at most `limit` errors (and as many V1
    /// QueryStatus rows, TableOfContents rows and progressive
    /// QueryCompletionInformation tables).
    pub fn with_limit(limit: usize) -> Self {
        ErrorTracker {
            errors: Vec::new(),
            limit,
            dropped: 0,
            qci_level: None,
            qci_tables: Tables::with_max(limit),
            v1_status: Vec::new(),
            v1_severity: None,
            v1_toc: None,
            v1_kinds: Vec::new(),
            v1_tables: 0,
            bytes: 0,
            max_bytes: 16 << 20,
        }
    }

    /// Errors reported past the limit, and not kept.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    fn push(&mut self, e: ResponseError) {
        let w = e.weight();
        // The first error is always kept, whatever its size: a response
        // that reported one never looks clean.
        let fits = self.errors.is_empty() || self.bytes.saturating_add(w) <= self.max_bytes;
        if self.errors.len() < self.limit && fits {
            self.bytes = self.bytes.saturating_add(w);
            self.errors.push(e);
        } else {
            self.dropped += 1;
        }
    }

    /// Keeps at most about `n` bytes of error text (the errors' raw JSON,
    /// rows and messages); errors past it are counted in
    /// [`ErrorTracker::dropped`], except the first, which is always kept.
    /// Default 16 MiB.
    pub fn max_bytes(&mut self, n: usize) -> &mut Self {
        self.max_bytes = n;
        self
    }

    /// Records the errors `ev` reports.
    ///
    /// Rows are judged as they arrive: the decoder hands a row out only
    /// after a head event that carries all the frame says of its table
    /// (a frame that sends `Rows` before its `TableKind`, `Columns` or
    /// `TableId` has its rows held by the decoder until the frame ends).
    pub fn observe(&mut self, ev: &Event<'_>) {
        match ev {
            Event::DataTable(t) => self.qci_level = qci_level(t),
            Event::TableHeader(t) => {
                if let (Some(_), Some(li)) = (t.table_id, qci_level(t)) {
                    // Past the limit the table is not tracked.
                    if let Ok(o) = self.qci_tables.open(t, Sent::Fragments, || li) {
                        if let Some(e) = self.qci_tables.get_mut(o.index) {
                            e.value = li;
                        }
                    }
                }
            }
            Event::TableFragment(f) => self.qci_level = self.qci_fragment(f.table_id),
            Event::V1Table(t) => {
                self.qci_level = None;
                self.v1_tables = t.table_id.unwrap_or(0) + 1;
                self.v1_columns(t);
            }
            Event::Row(row) => self.row(row.table_id(), &|i| row.cell(i), &|| {
                row_text(row.cells().map(|c| c.raw()))
            }),
            Event::RowError(e) => self.push(ResponseError::Row {
                table_id: e.table_id,
                index: e.index,
                offset: e.offset,
                errors: Json::parse(e.raw.get())
                    .and_then(|v| v.get("OneApiErrors").cloned())
                    .map(|v| match v {
                        Json::Array(items) => {
                            items.iter().filter_map(OneApiError::from_json).collect()
                        }
                        _ => Vec::new(),
                    })
                    .unwrap_or_default(),
                raw: String::from(e.raw.get()),
            }),
            Event::TableCompletion(c) => {
                if let Some(raw) = c.errors.filter(|r| !is_empty_array(r.get())) {
                    self.push(ResponseError::Table {
                        table_id: c.table_id,
                        errors: OneApiError::parse_all(raw.get()),
                    });
                }
            }
            Event::DataSetCompletion(c) => {
                let sent = c.errors.is_some_and(|r| !is_empty_array(r.get()));
                if c.has_errors || sent {
                    self.push(ResponseError::DataSet {
                        errors: c
                            .errors
                            .map(|r| OneApiError::parse_all(r.get()))
                            .unwrap_or_default(),
                    });
                }
                if c.cancelled {
                    self.push(ResponseError::Cancelled);
                }
            }
            Event::V1Exceptions(raw) if !is_empty_array(raw.get()) => {
                self.push(ResponseError::Exceptions(String::from(raw.get())));
            }
            Event::ErrorBody(raw) => self.push(ResponseError::Body {
                error: Json::parse(raw.get()).and_then(|v| OneApiError::from_json(&v)),
                raw: String::from(raw.get()),
            }),
            _ => {}
        }
    }

    /// The Level column of the progressive QueryCompletionInformation table
    /// `id`, if it is one.
    fn qci_fragment(&self, id: Option<i64>) -> Option<usize> {
        self.qci_tables.by_id(id?).map(|e| e.value)
    }

    /// The V1 table `t`: does it have the QueryStatus or the
    /// TableOfContents columns.
    fn v1_columns(&mut self, t: &TableInfo<'_>) {
        let sev = find_col(t.columns, "Severity");
        self.v1_severity = sev.filter(|_| find_col(t.columns, "StatusCode").is_some());
        self.v1_toc = match (find_col(t.columns, "Kind"), find_col(t.columns, "Ordinal")) {
            (Some(k), Some(o)) if find_col(t.columns, "Name").is_some() => Some((o, k)),
            _ => None,
        };
        if self.v1_toc.is_some() {
            self.v1_kinds.clear();
        }
    }

    /// Records the errors a row of table `table_id` reports, reading its
    /// cells through `cell` (and its text through `text`, only for an
    /// error).
    fn row<'r>(
        &mut self,
        table_id: Option<i64>,
        cell: &dyn Fn(usize) -> Option<Cell<'r>>,
        text: &dyn Fn() -> String,
    ) {
        if let Some(li) = self.qci_level {
            if let Some(level) = int_cell(cell(li)).filter(|l| *l <= 2) {
                self.push(ResponseError::QueryCompletion { level, row: text() });
            }
        }
        if let Some(si) = self.v1_severity {
            if let Some(severity) = int_cell(cell(si)).filter(|s| *s <= 2) {
                if self.v1_status.len() >= self.limit {
                    self.dropped += 1;
                } else {
                    self.v1_status.push((
                        table_id.unwrap_or(-1),
                        ResponseError::QueryStatus {
                            severity,
                            row: text(),
                        },
                    ));
                }
            }
        }
        if let Some((o, k)) = self.v1_toc {
            if let (Some(ord), Some(kind)) = (int_cell(cell(o)), cell(k)) {
                if self.v1_kinds.len() < self.limit {
                    self.v1_kinds.push((ord, String::from(kind.text())));
                }
            }
        }
    }

    /// Records a body that is not JSON (a plain-text error body).
    pub fn observe_text_body(&mut self, text: &str) {
        self.push(ResponseError::Body {
            error: None,
            raw: String::from(text),
        });
    }

    /// Ends the response: V1 QueryStatus rows count when the
    /// TableOfContents names their table QueryStatus, or, without a
    /// TableOfContents, when the table has the QueryStatus columns.
    pub fn finish(mut self) -> Vec<ResponseError> {
        let kinds = core::mem::take(&mut self.v1_kinds);
        let status_tables: BTreeSet<i64> = kinds
            .iter()
            .filter(|(_, kind)| kind == "QueryStatus")
            .map(|(ord, _)| *ord)
            .collect();
        let status = core::mem::take(&mut self.v1_status);
        for (table, err) in status {
            let is_status = kinds.is_empty() || status_tables.contains(&table);
            if is_status {
                self.push(err);
            }
        }
        self.errors
    }

    /// The errors seen so far (V1 QueryStatus rows only after `finish`).
    pub fn errors(&self) -> &[ResponseError] {
        &self.errors
    }
}

/// Classifies a whole response from its status code and the errors its body
/// reported.
///
/// ```
/// use kusto_frames::response::{classify, ErrorTracker, Outcome};
/// use kusto_frames::Decoder;
///
/// let partial = br#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
/// {"FrameType":"DataSetCompletion","HasErrors":true,"Cancelled":false}]"#;
/// let (mut dec, mut tracker) = (Decoder::new(), ErrorTracker::new());
/// let mut feed = dec.feed(partial);
/// while let Some(ev) = feed.next_event()? {
///     tracker.observe(&ev);
/// }
/// let errors = tracker.finish();
/// assert_eq!(classify(200, &errors), Outcome::PartialFailure);
/// assert_eq!(classify(200, &[]), Outcome::Success);
/// assert_eq!(classify(503, &[]), Outcome::Failed);
/// # Ok::<(), kusto_frames::Error>(())
/// ```
pub fn classify(status: u16, errors: &[ResponseError]) -> Outcome {
    let st = Status::from_code(status);
    if !st.is_success()
        || errors
            .iter()
            .any(|e| matches!(e, ResponseError::Body { .. }))
    {
        Outcome::Failed
    } else if errors.is_empty() {
        Outcome::Success
    } else {
        Outcome::PartialFailure
    }
}

/// Whether retrying the request can help, from the HTTP status and the
/// errors the body reported.
///
/// 1. An error the service marked `@permanent: true` (the outermost error of
///    a body, or any error of a row, table or the dataset) means no, whatever
///    the status: the service says a retry gives the same answer.
/// 2. Otherwise the status decides, by the service's status table:
///
/// | status | meaning | retryable |
/// |---|---|---|
/// | 2xx (200 OK) | the query ran; failures are in the body | only if an error is marked `@permanent: false` |
/// | 400 BadRequest, 401, 403, 404, 413, other 4xx | the request itself is wrong | no (`@permanent: false` does not change it) |
/// | 429 TooManyRequests | throttled | yes |
/// | 504 Timeout, 520 ServiceError, other 5xx | the service failed | yes |
/// | anything else (1xx, 3xx) | | no |
///
/// ```
/// use kusto_frames::response::{is_retryable, OneApiError, ResponseError};
/// let throttled = is_retryable(429, &[]);
/// assert!(throttled);
/// let body = r#"{"error":{"code":"ServiceError","@permanent":true}}"#;
/// let permanent = ResponseError::Body {
///     error: OneApiError::parse_all(body).pop(),
///     raw: body.to_owned(),
/// };
/// assert!(!is_retryable(520, &[permanent]));
/// ```
pub fn is_retryable(status: u16, errors: &[ResponseError]) -> bool {
    if errors.iter().any(ResponseError::is_permanent) {
        return false;
    }
    match status {
        200..=299 => errors.iter().any(ResponseError::is_transient),
        _ => Status::from_code(status).is_retryable(),
    }
}

/// The correlation headers of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Correlation<'a> {
    /// `x-ms-client-request-id`.
    pub client_request_id: Option<&'a str>,
    /// `x-ms-activity-id`.
    pub activity_id: Option<&'a str>,
}

impl<'a> Correlation<'a> {
    /// Picks the correlation headers out of `(name, value)` pairs (names
    /// compared case-insensitively).
    pub fn from_headers<I>(headers: I) -> Self
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let mut c = Correlation::default();
        for (k, v) in headers {
            if k.eq_ignore_ascii_case("x-ms-client-request-id") {
                c.client_request_id = Some(v);
            } else if k.eq_ignore_ascii_case("x-ms-activity-id") {
                c.activity_id = Some(v);
            }
        }
        c
    }
}
