//! Every corpus file, the peer corpus (when present) and generated
//! responses: the batches equal the reference (`collect_slice` tables, cells
//! through `kusto_frames::value::convert`), cell by cell, for every option.

mod common;

use std::path::{Path, PathBuf};

use common::{compare, run, selected};
use kusto_frames::Format;
use kusto_frames_arrow::{DatetimeUnit, DecimalMode, Error, Options, TableSelector};
use kusto_frames_gen::{generate_vec, GenConfig, Profile, Shape};
use kusto_frames_io::collect::collect_slice;

fn corpus_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let mut v: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    assert!(v.len() > 40, "corpus missing");
    v
}

pub fn all_options() -> Vec<Options> {
    let mut v = Vec::new();
    for datetime_unit in [DatetimeUnit::Nanosecond, DatetimeUnit::Microsecond] {
        for decimal in [DecimalMode::Decimal256, DecimalMode::Utf8] {
            for batch_rows in [1, 3, 8192] {
                v.push(Options {
                    batch_rows,
                    datetime_unit,
                    decimal,
                    tables: TableSelector::All,
                    ..Options::default()
                });
            }
        }
    }
    v
}

/// What ended the run, for the summary.
#[derive(Debug, Default)]
struct Tally {
    clean: usize,
    partial: usize,
    read: usize,
    value: usize,
    shape: usize,
    protocol: usize,
    rows: usize,
}

/// Checks one body under `opts` and `chunk`; panics with `name` on a
/// mismatch.
fn check(name: &str, body: &[u8], opts: &Options, chunk: usize, tally: &mut Tally) {
    let r = run(body, opts, chunk);
    let ctx = format!("{name} (chunk {chunk}, {opts:?})");
    assert_eq!(r.items_after_end, 0, "{ctx}: items after the end");
    let (ds, read_error) = match collect_slice(body) {
        Ok(ds) => (ds, None),
        Err((e, partial)) => (*partial, Some(e)),
    };
    let v1 = ds.format == Some(Format::V1);
    let want = selected(&ds, &opts.tables, v1);
    let fail_table = match &r.end {
        Some(Error::Value { .. } | Error::Shape { .. } | Error::Protocol { .. }) => {
            r.tables.len().checked_sub(1)
        }
        _ => None,
    };
    match (&r.end, &read_error) {
        (None, None) => {
            assert!(
                ds.errors.is_empty(),
                "{ctx}: errors not reported: {:?}",
                ds.errors
            );
            assert_eq!(r.tables.len(), want.len(), "{ctx}: tables");
            tally.clean += 1;
        }
        (Some(Error::PartialFailure(p)), None) => {
            assert_eq!(p.errors, ds.errors, "{ctx}: reported errors");
            assert!(!p.errors.is_empty() || p.dropped > 0);
            assert_eq!(r.tables.len(), want.len(), "{ctx}: tables");
            tally.partial += 1;
        }
        (Some(Error::Read(e)), Some(re)) => {
            let got = e.decode_error().expect("a decode error");
            assert_eq!(got, *re, "{ctx}: read error");
            // The table cut short by the error is salvaged here; `collect`
            // leaves it out.
            assert!(r.tables.len() <= want.len() + 1, "{ctx}: tables");
            tally.read += 1;
        }
        (Some(e @ (Error::Value { .. } | Error::Shape { .. })), _) => {
            assert!(r.tables.len() <= want.len(), "{ctx}: tables");
            if let Error::Shape { .. } = e {
                // Checked here too: the failing table may never have opened
                // (rows before any column).
                let meta = r.tables.last().map(|t| t.0.clone());
                if let Some(meta) = meta {
                    if let Err(m) = common::check_error_cell(body, &meta, e) {
                        panic!("{ctx}: {m}");
                    }
                }
                tally.shape += 1;
            } else {
                tally.value += 1;
            }
        }
        (Some(Error::Protocol { message, .. }), None) => {
            // Decided: a fragment type that is neither DataAppend nor
            // DataReplace is an error, not guessed at.
            let ty = message
                .strip_prefix("unknown TableFragmentType \"")
                .and_then(|m| m.split('"').next())
                .unwrap_or_else(|| panic!("{ctx}: {message}"));
            let sent = format!("\"TableFragmentType\":\"{ty}\"");
            assert!(
                body.windows(sent.len()).any(|w| w == sent.as_bytes()),
                "{ctx}: {message}"
            );
            tally.protocol += 1;
        }
        (end, re) => panic!("{ctx}: run ended with {end:?}, reference read error {re:?}"),
    }
    for (k, ((meta, batches), t)) in r.tables.iter().zip(&want).enumerate() {
        let fail = if fail_table == Some(k) {
            let e = r.end.as_ref().unwrap();
            if let Err(m) = common::check_error_cell(body, meta, e) {
                panic!("{ctx}: {m}");
            }
            if t.progressive {
                // Its batches are the table as it was at the error (before
                // later DataReplace fragments), not `collect`'s final state.
                continue;
            }
            Some(e)
        } else {
            None
        };
        // The error may belong to a later table that never opened: then
        // this one is complete.
        let result = compare(meta, batches, t, fail, v1).or_else(|e| {
            if fail.is_some() {
                compare(meta, batches, t, None, v1)
            } else {
                Err(e)
            }
        });
        match result {
            Ok(n) => tally.rows += n,
            Err(e) => panic!("{ctx}: {e}"),
        }
    }
}

#[test]
fn corpus_matches_reference() {
    let mut tally = Tally::default();
    for path in corpus_files() {
        let body = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        for opts in all_options() {
            for chunk in [1, 7, 64 * 1024] {
                check(&name, &body, &opts, chunk, &mut tally);
            }
        }
    }
    println!("corpus: {tally:?}");
    assert!(tally.clean > 0 && tally.partial > 0 && tally.read > 0 && tally.value > 0);
}

#[test]
fn every_selector_matches_reference() {
    let mut tally = Tally::default();
    for path in corpus_files() {
        let body = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let ids = [0, 1, 2, 3, 5];
        let mut sels = vec![
            TableSelector::FirstPrimary,
            TableSelector::Primary,
            TableSelector::Name("PrimaryResult".into()),
            TableSelector::Name("Second".into()),
            TableSelector::Name("@ExtendedProperties".into()),
        ];
        sels.extend(ids.map(TableSelector::Id));
        let v1 = body.starts_with(b"{");
        for tables in sels {
            if v1 && matches!(tables, TableSelector::Name(_)) {
                // `collect` names V1 tables from the TableOfContents.
                continue;
            }
            let opts = Options {
                tables,
                datetime_unit: DatetimeUnit::Microsecond,
                ..Options::default()
            };
            check(&name, &body, &opts, 64 * 1024, &mut tally);
        }
    }
    println!("selectors: {tally:?}");
}

#[test]
fn peer_corpus_matches_reference() {
    let dir = Path::new("/work/shared/peer-corpus");
    if !dir.is_dir() {
        println!("SKIPPED: peer corpus {} not present", dir.display());
        return;
    }
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut tally = Tally::default();
    for path in &files {
        let body = std::fs::read(path).unwrap();
        for opts in all_options() {
            check(
                &path.display().to_string(),
                &body,
                &opts,
                64 * 1024,
                &mut tally,
            );
        }
    }
    println!("peer corpus, {} files: {tally:?}", files.len());
}

#[test]
fn generated_every_type_matches_reference() {
    let mut tally = Tally::default();
    for profile in [Profile::Mixed, Profile::StringHeavy, Profile::NumberHeavy] {
        for shape in [
            Shape::Whole,
            Shape::Progressive {
                rows_per_fragment: 5,
            },
        ] {
            for seed in [1, 2] {
                let (body, summary) = generate_vec(&GenConfig::new(seed, profile, shape, 200_000));
                let name = format!("gen {profile:?} {shape:?} seed {seed}");
                for datetime_unit in [DatetimeUnit::Nanosecond, DatetimeUnit::Microsecond] {
                    for decimal in [DecimalMode::Decimal256, DecimalMode::Utf8] {
                        let opts = Options {
                            batch_rows: 100,
                            datetime_unit,
                            decimal,
                            tables: TableSelector::All,
                            ..Options::default()
                        };
                        for chunk in [1500, 64 * 1024] {
                            check(&name, &body, &opts, chunk, &mut tally);
                        }
                    }
                }
                // Microseconds and Decimal256 hold every generated value.
                let opts = Options {
                    datetime_unit: DatetimeUnit::Microsecond,
                    ..Options::default()
                };
                let r = common::run(&body, &opts, 64 * 1024);
                assert!(r.end.is_none(), "{name}: {:?}", r.end);
                let rows: usize = r.tables[0].1.iter().map(|b| b.num_rows()).sum();
                if matches!(shape, Shape::Whole) {
                    assert_eq!(rows as u64, summary.primary_rows, "{name}");
                }
            }
        }
    }
    println!("generated: {tally:?}");
    assert!(tally.clean > 0 && tally.value > 0);
}
