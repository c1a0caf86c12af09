//! The benchmark inputs: seeded, generated bodies of about `KF_BENCH_MB` MB.

use kusto_frames_gen::{generate_vec, GenConfig, Profile, Shape, Summary};

/// Rows per `TableFragment` of the progressive input ("many small fragments").
pub const ROWS_PER_FRAGMENT: usize = 16;

/// Seed of every input.
pub const SEED: u64 = 0x6b75_7374_6f21;

/// Chunk sizes fed to the streaming decoders; `usize::MAX` is the whole buffer.
pub const CHUNKS: [usize; 5] = [64, 1500, 16 * 1024, 64 * 1024, usize::MAX];

/// One benchmark input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// Twelve columns of every Kusto scalar type, with nulls.
    Mixed,
    /// Mostly long strings (escapes, non-ASCII).
    StringHeavy,
    /// Mostly long, int and real columns.
    NumberHeavy,
    /// The mixed profile sent progressively, [`ROWS_PER_FRAGMENT`] rows per fragment.
    Progressive,
}

impl Input {
    /// Every input, in benchmark order.
    pub const ALL: [Input; 4] = [
        Input::Mixed,
        Input::StringHeavy,
        Input::NumberHeavy,
        Input::Progressive,
    ];

    /// The name used in benchmark ids.
    pub fn name(self) -> &'static str {
        match self {
            Input::Mixed => "mixed",
            Input::StringHeavy => "string_heavy",
            Input::NumberHeavy => "number_heavy",
            Input::Progressive => "progressive",
        }
    }

    /// Parses a name as [`Input::name`] gives it.
    pub fn from_name(s: &str) -> Option<Input> {
        Input::ALL.into_iter().find(|i| i.name() == s)
    }

    /// The generator config for a body of about `bytes` bytes.
    pub fn config(self, bytes: usize) -> GenConfig {
        let (profile, shape) = match self {
            Input::Mixed => (Profile::Mixed, Shape::Whole),
            Input::StringHeavy => (Profile::StringHeavy, Shape::Whole),
            Input::NumberHeavy => (Profile::NumberHeavy, Shape::Whole),
            Input::Progressive => (
                Profile::Mixed,
                Shape::Progressive {
                    rows_per_fragment: ROWS_PER_FRAGMENT,
                },
            ),
        };
        GenConfig::new(SEED, profile, shape, bytes)
    }

    /// Generates the body in memory.
    pub fn generate(self, bytes: usize) -> (Vec<u8>, Summary) {
        generate_vec(&self.config(bytes))
    }
}

/// Input size in bytes: `KF_BENCH_MB` megabytes (10^6 bytes; fractions
/// allowed, e.g. `0.5`), 100 by default.
pub fn bench_bytes() -> usize {
    let mb = std::env::var("KF_BENCH_MB")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|mb| *mb > 0.0)
        .unwrap_or(100.0);
    (mb * 1e6) as usize
}

/// The label of a chunk size in benchmark ids: `64`, ..., `whole`.
pub fn chunk_label(chunk: usize) -> String {
    if chunk == usize::MAX {
        "whole".into()
    } else {
        chunk.to_string()
    }
}

/// A V2 response of one `dynamic`-typed table with `width` columns whose
/// rows are `rows` (each the text of a JSON array), e.g. for measuring what
/// cells of one kind cost. Returns the body and its row count.
pub fn table_body<I: IntoIterator<Item = String>>(width: usize, rows: I) -> (Vec<u8>, u64) {
    typed_table_body(width, "dynamic", rows)
}

/// [`table_body`] with every column of type `column_type` (a Kusto type
/// name such as `datetime`), e.g. for measuring what converting cells of
/// one column costs.
pub fn typed_table_body<I: IntoIterator<Item = String>>(
    width: usize,
    column_type: &str,
    rows: I,
) -> (Vec<u8>, u64) {
    let mut b = String::from(
        r#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"T","Columns":["#,
    );
    let columns: Vec<String> = (0..width)
        .map(|i| format!(r#"{{"ColumnName":"c{i}","ColumnType":"{column_type}"}}"#))
        .collect();
    b.push_str(&columns.join(","));
    b.push_str(r#"],"Rows":["#);
    let mut n = 0u64;
    for row in rows {
        if n > 0 {
            b.push(',');
        }
        b.push_str(&row);
        n += 1;
    }
    b.push_str(r#"]},{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#);
    (b.into_bytes(), n)
}
