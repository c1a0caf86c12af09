//! The generator state machine: produces the response body chunk by chunk.

use crate::num::{write_padded, write_u64};
use crate::rng::Rng;
use crate::values::{
    build_pool, gen_int, gen_long, schema, write_datetime, write_decimal, write_dynamic,
    write_guid, write_json_as_string, write_real, write_recent_datetime, write_string,
    write_timespan, Kind,
};
use crate::{GenConfig, Shape, Summary};

/// Approximate size of one produced chunk.
pub(crate) const CHUNK: usize = 64 * 1024;

/// RNG stream numbers, so that content, whitespace and the tail table are independent.
const STREAM_CONTENT: u64 = 1;
const STREAM_WHITESPACE: u64 = 2;
const STREAM_TAIL: u64 = 3;
const STREAM_POOL: u64 = 4;

const POOL_LEN: usize = 32 * 1024;

const VISUALIZATION_ROW: &[u8] = br#"[1,"Visualization","{\"Visualization\":null,\"Title\":null,\"XColumn\":null,\"Series\":null,\"YColumns\":null,\"AnomalyColumns\":null,\"XTitle\":null,\"YTitle\":null,\"XAxis\":null,\"YAxis\":null,\"Legend\":null,\"YSplit\":null,\"Accumulate\":false,\"IsQuerySorted\":false,\"Kind\":null,\"Ymin\":\"NaN\",\"Ymax\":\"NaN\",\"Xmin\":null,\"Xmax\":null}"]"#;

const QP_COLUMNS: &[(&str, &str)] = &[("TableId", "int"), ("Key", "string"), ("Value", "dynamic")];

const QCI_COLUMNS: &[(&str, &str)] = &[
    ("Timestamp", "datetime"),
    ("ClientRequestId", "string"),
    ("ActivityId", "guid"),
    ("SubActivityId", "guid"),
    ("ParentActivityId", "guid"),
    ("Level", "int"),
    ("LevelName", "string"),
    ("StatusCode", "int"),
    ("StatusCodeName", "string"),
    ("EventType", "int"),
    ("EventTypeName", "string"),
    ("Payload", "string"),
];

/// Whitespace bytes for pretty mode (weighted towards spaces and newlines).
const WS: [u8; 8] = *b"  \n\t\r \n ";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Start,
    Rows,
    Tail,
    Done,
}

/// Produces the body of one [`GenConfig`] in chunks of about [`CHUNK`] bytes.
pub(crate) struct Engine {
    target: u64,
    shape: Shape,
    frame_type: bool,
    pretty: bool,
    rng: Rng,
    ws: Rng,
    pool: Vec<u8>,
    columns: &'static [(&'static str, Kind)],
    /// The current chunk.
    buf: Vec<u8>,
    /// Pretty mode: compact copy of the piece being re-emitted with whitespace.
    tmp: Vec<u8>,
    /// Scratch space for dynamic values rendered as JSON text.
    scratch: Vec<u8>,
    /// Bytes of all chunks before the current one.
    flushed: u64,
    phase: Phase,
    /// Pre-rendered compact QueryCompletionInformation frame (starting with the separator).
    tail: Vec<u8>,
    tail_rows: u64,
    /// Bytes expected after the last primary row.
    tail_est: u64,
    sum: Summary,
    // Progressive state.
    in_fragment: bool,
    frag_rows: usize,
    fragments: u64,
    since_progress: u64,
    progress_every: u64,
    /// Rows of the primary table after applying DataReplace semantics.
    logical_rows: u64,
}

impl Engine {
    pub(crate) fn new(cfg: &GenConfig) -> Self {
        let mut pool_rng = Rng::new(cfg.seed, STREAM_POOL);
        let pool = build_pool(&mut pool_rng, POOL_LEN);
        let mut tail_rng = Rng::new(cfg.seed, STREAM_TAIL);
        let mut scratch = Vec::with_capacity(1024);
        let (tail, tail_rows) = build_qci(&mut tail_rng, cfg.frame_type, &mut scratch);
        let mut tail_est = tail.len() as u64 + 160;
        if cfg.pretty {
            tail_est = tail_est * 5 / 4;
        }
        let mut rng = Rng::new(cfg.seed, STREAM_CONTENT);
        let progress_every = rng.range(2, 6);
        Self {
            target: cfg.target_bytes as u64,
            shape: cfg.shape,
            frame_type: cfg.frame_type,
            pretty: cfg.pretty,
            rng,
            ws: Rng::new(cfg.seed, STREAM_WHITESPACE),
            pool,
            columns: schema(cfg.profile),
            buf: Vec::with_capacity(CHUNK + 16 * 1024),
            tmp: Vec::new(),
            scratch,
            flushed: 0,
            phase: Phase::Start,
            tail,
            tail_rows,
            tail_est,
            sum: Summary::default(),
            in_fragment: false,
            frag_rows: 0,
            fragments: 0,
            since_progress: 0,
            progress_every,
            logical_rows: 0,
        }
    }

    /// The chunk produced by the last successful [`Engine::fill`].
    pub(crate) fn chunk(&self) -> &[u8] {
        &self.buf
    }

    /// Replaces the current chunk with the next one; `false` (and an empty chunk) at the end.
    pub(crate) fn fill(&mut self) -> bool {
        self.flushed += self.buf.len() as u64;
        self.buf.clear();
        while self.buf.len() < CHUNK {
            match self.phase {
                Phase::Start => self.start(),
                Phase::Rows => match self.shape {
                    Shape::Whole => self.rows_whole(),
                    Shape::Progressive { rows_per_fragment } => {
                        self.rows_progressive(rows_per_fragment.max(1));
                    }
                },
                Phase::Tail => self.finish(),
                Phase::Done => break,
            }
        }
        !self.buf.is_empty()
    }

    /// Totals so far (final once [`Engine::fill`] has returned `false`).
    pub(crate) fn summary(&self) -> Summary {
        let cols = self.columns.len() as u64;
        let mut s = self.sum;
        s.bytes = self.flushed + self.buf.len() as u64;
        s.rows = 1
            + s.primary_rows
            + if self.phase == Phase::Done {
                self.tail_rows
            } else {
                0
            };
        s.cells = 3
            + s.primary_rows * cols
            + if self.phase == Phase::Done {
                self.tail_rows * QCI_COLUMNS.len() as u64
            } else {
                0
            };
        s
    }

    fn pos(&self) -> u64 {
        self.flushed + self.buf.len() as u64
    }

    /// Whether the primary table has reached its size (it always gets at least one row).
    fn should_stop(&self) -> bool {
        self.sum.primary_rows > 0 && self.pos() + self.tail_est >= self.target
    }

    /// Pretty mode: re-emits `buf[start..]` (complete tokens) with random whitespace.
    fn seal(&mut self, start: usize) {
        if !self.pretty {
            return;
        }
        self.tmp.clear();
        self.tmp.extend_from_slice(&self.buf[start..]);
        self.buf.truncate(start);
        prettify(&self.tmp, &mut self.buf, &mut self.ws);
    }

    fn open_frame(&mut self, name: &str) {
        open_frame(&mut self.buf, self.frame_type, name);
        self.sum.frames += 1;
    }

    fn start(&mut self) {
        if self.pretty {
            maybe_ws(&mut self.ws, &mut self.buf);
        }
        let start = self.buf.len();
        let progressive = matches!(self.shape, Shape::Progressive { .. });
        self.buf.push(b'[');
        self.open_frame("DataSetHeader");
        if progressive {
            self.buf.extend_from_slice(
                br#""IsProgressive":true,"Version":"v2.0","IsFragmented":true,"ErrorReportingPlacement":"EndOfTable"}"#,
            );
        } else {
            self.buf.extend_from_slice(
                br#""IsProgressive":false,"Version":"v2.0","IsFragmented":false,"ErrorReportingPlacement":"InData"}"#,
            );
        }
        self.buf.extend_from_slice(b"\n,");
        self.open_frame("DataTable");
        self.buf.extend_from_slice(
            br#""TableId":0,"TableKind":"QueryProperties","TableName":"@ExtendedProperties","Columns":"#,
        );
        write_columns(&mut self.buf, QP_COLUMNS.iter().copied());
        self.buf.extend_from_slice(br#","Rows":["#);
        self.buf.extend_from_slice(VISUALIZATION_ROW);
        self.buf.extend_from_slice(b"]}\n,");
        self.sum.tables = 3;
        let columns = self.columns;
        if progressive {
            self.open_frame("TableHeader");
            self.buf.extend_from_slice(
                br#""TableId":1,"TableKind":"PrimaryResult","TableName":"PrimaryResult","Columns":"#,
            );
            write_columns(
                &mut self.buf,
                columns.iter().map(|&(n, k)| (n, k.type_name())),
            );
            self.buf.push(b'}');
        } else {
            self.open_frame("DataTable");
            self.buf.extend_from_slice(
                br#""TableId":1,"TableKind":"PrimaryResult","TableName":"PrimaryResult","Columns":"#,
            );
            write_columns(
                &mut self.buf,
                columns.iter().map(|&(n, k)| (n, k.type_name())),
            );
            self.buf.extend_from_slice(br#","Rows":["#);
        }
        self.seal(start);
        self.phase = Phase::Rows;
    }

    fn rows_whole(&mut self) {
        while self.buf.len() < CHUNK {
            let start = self.buf.len();
            if self.should_stop() {
                self.buf.extend_from_slice(b"]}");
                self.seal(start);
                self.phase = Phase::Tail;
                return;
            }
            if self.sum.primary_rows > 0 {
                self.buf.push(b',');
            }
            self.write_row();
            self.sum.primary_rows += 1;
            self.seal(start);
        }
    }

    fn rows_progressive(&mut self, rows_per_fragment: usize) {
        while self.buf.len() < CHUNK {
            let start = self.buf.len();
            let stop = self.should_stop();
            if self.in_fragment {
                if self.frag_rows >= rows_per_fragment || (stop && self.frag_rows > 0) {
                    self.buf.extend_from_slice(b"]}");
                    self.in_fragment = false;
                    self.since_progress += 1;
                } else {
                    if self.frag_rows > 0 {
                        self.buf.push(b',');
                    }
                    self.write_row();
                    self.frag_rows += 1;
                    self.sum.primary_rows += 1;
                    self.logical_rows += 1;
                }
            } else {
                if stop {
                    self.phase = Phase::Tail;
                    return;
                }
                if self.since_progress >= self.progress_every {
                    self.buf.extend_from_slice(b"\n,");
                    self.open_frame("TableProgress");
                    self.buf
                        .extend_from_slice(br#""TableId":1,"TableProgress":"#);
                    let permyriad = if self.target == 0 {
                        0
                    } else {
                        (u128::from(self.pos()) * 1_000_000 / u128::from(self.target)).min(999_999)
                            as u64
                    };
                    write_u64(&mut self.buf, permyriad / 10_000);
                    self.buf.push(b'.');
                    write_padded(&mut self.buf, permyriad % 10_000, 4);
                    self.buf.push(b'}');
                    self.since_progress = 0;
                    self.progress_every = self.rng.range(2, 6);
                }
                let replace = self.fragments > 0 && self.rng.below(50) == 0;
                self.buf.extend_from_slice(b"\n,");
                self.open_frame("TableFragment");
                if replace {
                    self.buf
                        .extend_from_slice(br#""TableFragmentType":"DataReplace","#);
                    self.logical_rows = 0;
                } else {
                    self.buf
                        .extend_from_slice(br#""TableFragmentType":"DataAppend","#);
                }
                self.buf.extend_from_slice(br#""TableId":1,"Rows":["#);
                self.fragments += 1;
                self.in_fragment = true;
                self.frag_rows = 0;
            }
            self.seal(start);
        }
    }

    fn finish(&mut self) {
        let start = self.buf.len();
        if matches!(self.shape, Shape::Progressive { .. }) {
            self.buf.extend_from_slice(b"\n,");
            self.open_frame("TableCompletion");
            self.buf.extend_from_slice(br#""TableId":1,"RowCount":"#);
            write_u64(&mut self.buf, self.logical_rows);
            self.buf.push(b'}');
        }
        self.buf.extend_from_slice(&self.tail);
        self.sum.frames += 1;
        self.buf.extend_from_slice(b"\n,");
        self.open_frame("DataSetCompletion");
        self.buf
            .extend_from_slice(br#""HasErrors":false,"Cancelled":false}"#);
        self.buf.extend_from_slice(b"\n]");
        self.seal(start);
        if self.pretty {
            maybe_ws(&mut self.ws, &mut self.buf);
        }
        self.phase = Phase::Done;
    }

    fn write_row(&mut self) {
        let Self {
            rng,
            pool,
            buf,
            scratch,
            columns,
            sum,
            ..
        } = self;
        buf.push(b'[');
        for (i, &(_, kind)) in columns.iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            if kind == Kind::RowNumber {
                write_u64(buf, sum.primary_rows);
                continue;
            }
            if rng.percent() < 5 {
                // Kusto sends empty strings rather than nulls for strings; mostly mimic that.
                if matches!(kind, Kind::Str { .. }) && rng.below(5) != 0 {
                    buf.extend_from_slice(b"\"\"");
                } else {
                    buf.extend_from_slice(b"null");
                }
                continue;
            }
            match kind {
                Kind::DateTime => write_datetime(rng, buf),
                Kind::Str { min, max } => {
                    write_string(rng, pool, buf, usize::from(min), usize::from(max));
                }
                Kind::Long => crate::num::write_i64(buf, gen_long(rng)),
                Kind::Int => crate::num::write_i64(buf, i64::from(gen_int(rng))),
                Kind::Real => write_real(rng, buf),
                Kind::Bool => {
                    buf.extend_from_slice(if rng.below(2) == 0 { b"true" } else { b"false" })
                }
                Kind::Guid => write_guid(rng, buf, true),
                Kind::TimeSpan => write_timespan(rng, buf),
                Kind::Dynamic => write_dynamic(rng, pool, buf, scratch),
                Kind::Decimal => write_decimal(rng, buf),
                Kind::RowNumber => {}
            }
        }
        buf.push(b']');
    }
}

fn open_frame(buf: &mut Vec<u8>, frame_type: bool, name: &str) {
    buf.push(b'{');
    if frame_type {
        buf.extend_from_slice(br#""FrameType":""#);
        buf.extend_from_slice(name.as_bytes());
        buf.extend_from_slice(br#"","#);
    }
}

fn write_columns<'a>(buf: &mut Vec<u8>, cols: impl Iterator<Item = (&'a str, &'a str)>) {
    buf.push(b'[');
    for (i, (name, ty)) in cols.enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        buf.extend_from_slice(br#"{"ColumnName":""#);
        buf.extend_from_slice(name.as_bytes());
        buf.extend_from_slice(br#"","ColumnType":""#);
        buf.extend_from_slice(ty.as_bytes());
        buf.extend_from_slice(br#""}"#);
    }
    buf.push(b']');
}

/// Builds the QueryCompletionInformation DataTable frame (with its leading `\n,`), compact.
fn build_qci(rng: &mut Rng, frame_type: bool, scratch: &mut Vec<u8>) -> (Vec<u8>, u64) {
    let mut t = Vec::with_capacity(4096);
    t.extend_from_slice(b"\n,");
    open_frame(&mut t, frame_type, "DataTable");
    t.extend_from_slice(
        br#""TableId":2,"TableKind":"QueryCompletionInformation","TableName":"QueryCompletionInformation","Columns":"#,
    );
    write_columns(&mut t, QCI_COLUMNS.iter().copied());
    t.extend_from_slice(br#","Rows":["#);

    // Columns shared by every row: timestamp, client request id and the three activity ids.
    let mut common = Vec::with_capacity(256);
    write_recent_datetime(rng, &mut common);
    common.push(b',');
    let mut guid = Vec::with_capacity(38);
    write_guid(rng, &mut guid, false);
    common.extend_from_slice(b"\"KD2RunQuery;");
    common.extend_from_slice(&guid[1..37]);
    common.extend_from_slice(b"\",");
    for i in 0..3 {
        if i > 0 {
            common.push(b',');
        }
        write_guid(rng, &mut common, false);
    }

    let mut rows = 0u64;
    let mut row = |t: &mut Vec<u8>, head: &[u8], payload: &[u8]| {
        if rows > 0 {
            t.push(b',');
        }
        t.push(b'[');
        t.extend_from_slice(&common);
        t.push(b',');
        t.extend_from_slice(head);
        t.push(b',');
        write_json_as_string(payload, t);
        t.push(b']');
        rows += 1;
    };

    row(
        &mut t,
        br#"4,"Info",0,"S_OK (0)",4,"QueryInfo""#,
        br#"{"Count":1,"Text":"Query completed successfully"}"#,
    );
    if rng.below(10) < 6 {
        row(
            &mut t,
            br#"4,"Info",0,"S_OK (0)",5,"WorkloadGroup""#,
            br#"{"Count":1,"Text":"default"}"#,
        );
    }
    if rng.below(2) == 0 {
        // JSON text inside a JSON string inside a JSON string: doubly escaped.
        let inner = br#"{"DataScope":"All","QueryConsistency":"strongconsistency","MaxMemoryConsumptionPerIterator":5368709120,"MaxMemoryConsumptionPerQueryPerNode":8589346816,"QueryFanoutNodesPercent":100,"QueryFanoutThreadsPercent":100}"#;
        scratch.clear();
        scratch.extend_from_slice(br#"{"Count":1,"Text":"#);
        write_json_as_string(inner, scratch);
        scratch.push(b'}');
        row(
            &mut t,
            br#"4,"Info",0,"S_OK (0)",6,"EffectiveRequestOptions""#,
            scratch,
        );
    }
    // Resource consumption statistics, shaped like the service's.
    let mut p = Vec::with_capacity(1024);
    p.extend_from_slice(br#"{"ExecutionTime":0."#);
    write_padded(&mut p, rng.below(10_000_000), 7);
    p.extend_from_slice(br#","resource_usage":{"cache":{"memory":{"hits":"#);
    let hits = rng.below(1000);
    let misses = rng.below(100);
    write_u64(&mut p, hits);
    p.extend_from_slice(br#","misses":"#);
    write_u64(&mut p, misses);
    p.extend_from_slice(br#","total":"#);
    write_u64(&mut p, hits + misses);
    p.extend_from_slice(
        br#"},"disk":{"hits":0,"misses":0,"total":0},"shards":{"hot":{"hitbytes":"#,
    );
    write_u64(&mut p, rng.below(1 << 40));
    p.extend_from_slice(br#","missbytes":0,"retrievebytes":0},"cold":{"hitbytes":0,"missbytes":0,"retrievebytes":0},"bypassbytes":0}},"cpu":{"user":"00:00:00."#);
    write_padded(&mut p, rng.below(10_000_000), 7);
    p.extend_from_slice(br#"","kernel":"00:00:00","total cpu":"00:00:00."#);
    write_padded(&mut p, rng.below(10_000_000), 7);
    p.extend_from_slice(br#""},"memory":{"peak_per_node":"#);
    write_u64(&mut p, rng.below(1 << 34));
    p.extend_from_slice(br#"},"network":{"inter_cluster_total_bytes":"#);
    write_u64(&mut p, rng.below(1 << 30));
    p.extend_from_slice(
        br#","cross_cluster_total_bytes":0}},"input_dataset_statistics":{"extents":{"total":"#,
    );
    write_u64(&mut p, rng.below(5000));
    p.extend_from_slice(br#","scanned":"#);
    write_u64(&mut p, rng.below(5000));
    p.extend_from_slice(br#","scanned_min_datetime":"#);
    write_recent_datetime(rng, &mut p);
    p.extend_from_slice(br#","scanned_max_datetime":"#);
    write_recent_datetime(rng, &mut p);
    p.extend_from_slice(br#"},"rows":{"total":"#);
    write_u64(&mut p, rng.below(1 << 40));
    p.extend_from_slice(br#","scanned":"#);
    write_u64(&mut p, rng.below(1 << 40));
    p.extend_from_slice(br#"},"rowstores":{"scanned_rows":0,"scanned_values_size":0},"shards":{"queries_generic":0,"queries_specialized":0}},"dataset_statistics":[{"table_row_count":"#);
    write_u64(&mut p, rng.below(1 << 32));
    p.extend_from_slice(br#","table_size":"#);
    write_u64(&mut p, rng.below(1 << 40));
    p.extend_from_slice(br#"}]}"#);
    row(
        &mut t,
        br#"6,"Stats",0,"S_OK (0)",0,"QueryResourceConsumption""#,
        &p,
    );
    t.extend_from_slice(b"]}");
    (t, rows)
}

/// Pretty mode: maybe appends 1..=3 random whitespace bytes.
#[inline]
fn maybe_ws(rng: &mut Rng, out: &mut Vec<u8>) {
    let r = rng.next_u64();
    if r & 3 != 0 {
        return;
    }
    let n = 1 + ((r >> 2) % 3) as u32;
    for i in 0..n {
        out.push(WS[((r >> (8 + 3 * i)) & 7) as usize]);
    }
}

/// Copies compact JSON `src` (a sequence of complete tokens, not starting inside a string) to
/// `out`, inserting random whitespace around structural characters.
fn prettify(src: &[u8], out: &mut Vec<u8>, rng: &mut Rng) {
    out.reserve(src.len() + src.len() / 4);
    let mut in_str = false;
    let mut esc = false;
    for &b in src {
        if in_str {
            out.push(b);
            if esc {
                esc = false;
            } else if b == b'\\' {
                esc = true;
            } else if b == b'"' {
                in_str = false;
            }
            continue;
        }
        match b {
            b'"' => {
                in_str = true;
                out.push(b);
            }
            b'[' | b'{' => {
                out.push(b);
                maybe_ws(rng, out);
            }
            b',' | b':' => {
                maybe_ws(rng, out);
                out.push(b);
                maybe_ws(rng, out);
            }
            b']' | b'}' => {
                maybe_ws(rng, out);
                out.push(b);
            }
            _ => out.push(b),
        }
    }
}
