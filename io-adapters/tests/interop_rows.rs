//! Rows into serde structs whose fields are chrono, time, jiff, uuid and
//! rust_decimal types (and `std::time::Duration`), read from a body split
//! at every chunk size (every token split), sync and async; exact values
//! or errors, never rounding. Needs `--all-features`.

#[cfg(not(all(
    feature = "stream",
    feature = "chrono",
    feature = "time",
    feature = "jiff",
    feature = "uuid",
    feature = "rust_decimal"
)))]
#[test]
fn interop_tests_need_every_interop_feature() {
    eprintln!("skipped: run with --all-features");
}

#[cfg(all(
    feature = "stream",
    feature = "chrono",
    feature = "time",
    feature = "jiff",
    feature = "uuid",
    feature = "rust_decimal"
))]
mod interop {
    use core::time::Duration;

    use kusto_frames::value::{DateTime, TimeSpan};
    use kusto_frames_io::async_primary::AsyncPrimaryReader;
    use kusto_frames_io::de::DeError;
    use kusto_frames_io::primary::{PrimaryReader, RowsError};
    use kusto_frames_io::EventReader;
    use serde::Deserialize;

    #[derive(Debug, Clone, PartialEq, Deserialize)]
    struct All {
        when: chrono::DateTime<chrono::Utc>,
        naive: chrono::NaiveDateTime,
        odt: time::OffsetDateTime,
        pdt: time::PrimitiveDateTime,
        ts: jiff::Timestamp,
        std_span: Duration,
        chrono_span: chrono::TimeDelta,
        time_span: time::Duration,
        jiff_span: jiff::SignedDuration,
        id: uuid::Uuid,
        amount: rust_decimal::Decimal,
        maybe: Option<chrono::NaiveDateTime>,
    }

    const COLUMNS: &str = r#"[{"ColumnName":"when","ColumnType":"datetime"},{"ColumnName":"naive","ColumnType":"datetime"},{"ColumnName":"odt","ColumnType":"datetime"},{"ColumnName":"pdt","ColumnType":"datetime"},{"ColumnName":"ts","ColumnType":"datetime"},{"ColumnName":"std_span","ColumnType":"timespan"},{"ColumnName":"chrono_span","ColumnType":"timespan"},{"ColumnName":"time_span","ColumnType":"timespan"},{"ColumnName":"jiff_span","ColumnType":"timespan"},{"ColumnName":"id","ColumnType":"guid"},{"ColumnName":"amount","ColumnType":"decimal"},{"ColumnName":"maybe","ColumnType":"datetime"}]"#;

    fn body(rows: &[&str]) -> Vec<u8> {
        format!(
            r#"[{{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"}},
{{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"T","Columns":{COLUMNS},"Rows":[{}]}},
{{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}}]"#,
            rows.join(",\n")
        )
        .into_bytes()
    }

    const ROW_1: &str = r#"["2024-01-15T10:00:00.1234567Z","2024-01-15T10:00:00.1234567Z","2024-01-15T10:00:00.1234567Z","2024-01-15T10:00:00.1234567Z","2024-01-15T10:00:00.1234567Z","1.02:03:04.5000001","-00:00:01.5","-00:00:01.5","-10675199.02:48:05.4775808","0F8FAD5B-D9CB-469F-A165-70867728950E","79228162514264337593543950335",null]"#;
    const ROW_2: &str = r#"["0001-01-01T00:00:00Z","9999-12-31T23:59:59.9999999Z","9999-12-31T23:59:59.9999999Z","0000-01-01T00:00:00Z","9999-12-30T22:00:00.9999999Z","10675199.02:48:05.4775807","10675199.02:48:05.4775807","-10675199.02:48:05.4775808","00:00:00.0000001","00000000-0000-0000-0000-000000000000","-1.2500","2024-02-29 12:00:00"]"#;

    fn expected() -> Vec<All> {
        use chrono::TimeZone;
        let dt = |s: &str| DateTime::parse(s).unwrap();
        let utc = chrono::Utc.with_ymd_and_hms(2024, 1, 15, 10, 0, 0).unwrap()
            + chrono::TimeDelta::nanoseconds(123_456_700);
        let t1 = dt("2024-01-15T10:00:00.1234567Z");
        let max = dt("9999-12-31T23:59:59.9999999Z");
        vec![
            All {
                when: utc,
                naive: utc.naive_utc(),
                odt: time::OffsetDateTime::try_from(t1).unwrap(),
                pdt: time::PrimitiveDateTime::try_from(t1).unwrap(),
                ts: jiff::Timestamp::try_from(t1).unwrap(),
                std_span: Duration::new(93_784, 500_000_100),
                chrono_span: chrono::TimeDelta::milliseconds(-1500),
                time_span: time::Duration::milliseconds(-1500),
                jiff_span: jiff::SignedDuration::from(TimeSpan::MIN),
                id: "0f8fad5b-d9cb-469f-a165-70867728950e".parse().unwrap(),
                amount: rust_decimal::Decimal::MAX,
                maybe: None,
            },
            All {
                when: chrono::Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap(),
                naive: chrono::NaiveDateTime::try_from(max).unwrap(),
                odt: time::OffsetDateTime::try_from(max).unwrap(),
                pdt: time::PrimitiveDateTime::try_from(DateTime::MIN).unwrap(),
                ts: jiff::Timestamp::try_from(dt("9999-12-30T22:00:00.9999999Z")).unwrap(),
                std_span: Duration::try_from(TimeSpan::MAX).unwrap(),
                chrono_span: chrono::TimeDelta::try_from(TimeSpan::MAX).unwrap(),
                time_span: time::Duration::from(TimeSpan::MIN),
                jiff_span: jiff::SignedDuration::from_nanos(100),
                id: uuid::Uuid::nil(),
                amount: "-1.2500".parse().unwrap(),
                maybe: Some(
                    chrono::NaiveDate::from_ymd_opt(2024, 2, 29)
                        .unwrap()
                        .and_hms_opt(12, 0, 0)
                        .unwrap(),
                ),
            },
        ]
    }

    fn sync_rows(body: &[u8], capacity: usize) -> Vec<Result<All, RowsError>> {
        let mut p = PrimaryReader::new(EventReader::from_read_with_capacity(capacity, body));
        p.rows::<All>().collect()
    }

    fn async_rows(body: &[u8], chunk: usize) -> Vec<All> {
        let chunks = futures_util::stream::iter(body.chunks(chunk).map(Ok::<_, std::io::Error>));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            AsyncPrimaryReader::from_stream(chunks)
                .read_all::<All>()
                .await
                .unwrap_or_else(|e| panic!("chunk {chunk}: {e}"))
        })
    }

    #[test]
    fn every_interop_type_reads_exactly_at_every_chunk_size() {
        let body = body(&[ROW_1, ROW_2]);
        let want = expected();
        assert_eq!(want[0].amount.to_string(), "79228162514264337593543950335");
        assert_eq!(want[1].amount.to_string(), "-1.2500");
        assert_eq!(want[1].std_span.as_nanos(), i64::MAX as u128 * 100);
        for chunk in (1..=64).chain([body.len()]) {
            assert_eq!(async_rows(&body, chunk), want, "chunk {chunk}");
            let got: Vec<All> = sync_rows(&body, chunk)
                .into_iter()
                .collect::<Result<_, _>>()
                .unwrap_or_else(|e| panic!("chunk {chunk}: {e}"));
            assert_eq!(got, want, "chunk {chunk}");
        }
    }

    /// The row with one cell replaced in column `col`.
    fn with_cell(col: usize, cell: &str) -> Vec<u8> {
        let mut cells: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(ROW_1)
            .unwrap()
            .into_iter()
            .map(|v| v.to_string())
            .collect();
        cells[col] = cell.to_owned();
        body(&[&format!("[{}]", cells.join(","))])
    }

    fn error_of(body: &[u8]) -> DeError {
        match sync_rows(body, 64).into_iter().next() {
            Some(Err(RowsError::Deserialize { error, .. })) => error,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn values_a_type_cannot_hold_are_errors_not_rounded() {
        // jiff's Timestamp ends on 9999-12-30.
        let e = error_of(&with_cell(4, r#""9999-12-31T23:59:59.9999999Z""#));
        assert_eq!(e.column(), Some("ts"));
        // A negative timespan is not a std Duration.
        let e = error_of(&with_cell(5, r#""-00:00:00.0000001""#));
        assert_eq!(e.column(), Some("std_span"));
        assert!(e.to_string().contains("negative"), "{e}");
        // 29 significant fraction digits do not fit rust_decimal (which
        // would round them when parsing the text itself).
        let e = error_of(&with_cell(10, r#""0.12345678901234567890123456789""#));
        assert_eq!(e.column(), Some("amount"));
        let e = error_of(&with_cell(10, r#""79228162514264337593543950336""#));
        assert_eq!(e.column(), Some("amount"));
        // A cell that is not of its column type stays an error.
        let e = error_of(&with_cell(1, r#""2024-13-01T00:00:00Z""#));
        assert_eq!(e.column(), Some("naive"));
    }
}
