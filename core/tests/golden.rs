//! Golden corpus: every `corpus/*.json` decodes to exactly the events (and
//! the final `OK` or `ERROR kind at offset`) recorded in `corpus/<name>.events`,
//! and to the same rendering whatever the chunk size.
//!
//! `BLESS=1 cargo test -p kusto-frames --test golden` rewrites the goldens.
//! Read every rewritten file before committing it: a golden nobody checked
//! proves nothing.

mod common;

use std::path::Path;

use common::{corpus_dir, corpus_files, decode_sized, file_name, render, split_at};

/// Chunk sizes every corpus file is also decoded with (`0`: whole body).
const CHUNK_SIZES: [usize; 6] = [1, 2, 3, 7, 64, 4096];

fn first_line_difference(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    for i in 0..w.len().max(g.len()) {
        let (a, b) = (w.get(i), g.get(i));
        if a != b {
            return format!(
                "first difference at line {}:\n      want: {}\n      got:  {}",
                i + 1,
                a.unwrap_or(&"<none>"),
                b.unwrap_or(&"<none>")
            );
        }
    }
    "no line differs (line endings?)".to_owned()
}

/// Every chunk size, and a split that feeds an empty chunk after every
/// 5-byte chunk, must render exactly like the whole body.
fn check_chunking(name: &str, body: &[u8], whole: &str, failures: &mut Vec<String>) {
    for size in CHUNK_SIZES {
        let got = render(&decode_sized(body, size));
        if got != whole {
            failures.push(format!(
                "{name}: chunk size {size} renders differently from the whole body; {}",
                first_line_difference(whole, &got)
            ));
        }
    }
    let cuts: Vec<usize> = (0..=body.len()).step_by(5).flat_map(|c| [c, c]).collect();
    let got = render(&kusto_frames::decode_chunks(split_at(body, &cuts)));
    if got != whole {
        failures.push(format!(
            "{name}: 5-byte chunks with empty chunks between render differently; {}",
            first_line_difference(whole, &got)
        ));
    }
}

#[test]
fn corpus_matches_goldens_at_every_chunk_size() {
    let bless = std::env::var("BLESS").is_ok_and(|v| v == "1");
    let files = corpus_files();
    assert!(
        files.len() >= 40,
        "expected the whole corpus in {}, found {} files",
        corpus_dir().display(),
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let name = file_name(path);
        let body = std::fs::read(path).expect("read corpus file");
        let whole = render(&decode_sized(&body, 0));
        check_chunking(name, &body, &whole, &mut failures);

        let golden = path.with_extension("events");
        if bless {
            std::fs::write(&golden, &whole).expect("write golden");
            continue;
        }
        match std::fs::read_to_string(&golden) {
            Ok(want) if want == whole => {}
            Ok(want) => failures.push(format!(
                "{name}: events differ from {}; {}",
                file_name(&golden),
                first_line_difference(&want, &whole)
            )),
            Err(e) => failures.push(format!(
                "{name}: no golden {} ({e}); run with BLESS=1 and review it",
                file_name(&golden)
            )),
        }
    }
    // A golden whose input is gone is stale.
    for e in std::fs::read_dir(corpus_dir()).expect("corpus/ exists") {
        let p = e.expect("dir entry").path();
        if p.extension().is_some_and(|x| x == "events") && !p.with_extension("json").exists() {
            failures.push(format!("{}: golden without an input", file_name(&p)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} golden failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Expectations that follow from the corpus file names alone: `fail-*`
/// inputs fail, every other input succeeds.
#[test]
fn fail_inputs_fail_and_the_others_succeed() {
    let mut failures = Vec::new();
    for path in corpus_files() {
        let name = file_name(&path);
        let body = std::fs::read(&path).expect("read corpus file");
        let (_, r) = decode_sized(&body, 0);
        match (common::is_fail_case(Path::new(name)), r) {
            (true, Ok(())) => failures.push(format!("{name}: decoded without error")),
            (false, Err(e)) => failures.push(format!("{name}: {e}")),
            (true, Err(e)) => {
                if e.offset() > body.len() as u64 {
                    failures.push(format!("{name}: error offset beyond the body: {e}"));
                }
            }
            (false, Ok(())) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
