//! Replays the fuzz checks on stable, as ordinary tests, over:
//! - the hand-written corpus `corpus/*.json` at the repository root, and the
//!   bodies other clients recorded in `../shared/peer-corpus` when it is
//!   there (as the body, under every selector byte for the targets that
//!   take one);
//! - `fuzz/seeds/<target>/*` (fuzz inputs, as they are);
//! - `fuzz/regressions/<target>/*` (crashes the fuzzer found, as they are).
//!
//! Every failing input is reported, then the test fails.

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use kusto_frames_fuzz::{check, TARGETS};

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The files directly in `dir`, sorted; none when it does not exist.
fn files_in(dir: &Path, ext: Option<&str>) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.is_file())
        .filter(|p| ext.is_none_or(|x| p.extension().is_some_and(|e| e == x)))
        .filter(|p| {
            !p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.') || n == "README.md")
        })
        .collect();
    files.sort();
    files
}

/// Runs `check(target, input)` for each input, catching panics; returns one
/// line per failure.
fn run<'a>(target: &str, inputs: impl IntoIterator<Item = (String, &'a [u8])>) -> Vec<String> {
    let mut failures = Vec::new();
    for (name, input) in inputs {
        let r = panic::catch_unwind(AssertUnwindSafe(|| check(target, input)));
        if let Err(e) = r {
            let msg = e
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| e.downcast_ref::<&str>().copied())
                .unwrap_or("(non-string panic)");
            failures.push(format!("{target} on {name}: {msg}"));
        }
    }
    failures
}

fn report(what: &str, runs: usize, failures: Vec<String>) {
    println!("{what}: {runs} inputs checked, {} failed", failures.len());
    if !failures.is_empty() {
        panic!(
            "{} of the {what} inputs fail:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

/// Every fuzz check on every response body in `files`, behind every
/// selector byte for the targets that take one.
fn check_bodies(what: &str, files: &[PathBuf]) {
    let bodies: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|p| (p.display().to_string(), fs::read(p).expect("readable file")))
        .collect();
    let mut failures = Vec::new();
    let mut runs = 0;
    for target in TARGETS {
        for (name, body) in &bodies {
            if matches!(target, "decode_chunked" | "bufread") {
                // Every selector byte: every split, reader and limit mode.
                let inputs: Vec<(String, Vec<u8>)> = (0..=255u8)
                    .map(|sel| {
                        let mut input = vec![sel];
                        input.extend_from_slice(body);
                        (format!("{name} with selector byte {sel:#04x}"), input)
                    })
                    .collect();
                runs += inputs.len();
                failures.extend(run(
                    target,
                    inputs.iter().map(|(n, i)| (n.clone(), i.as_slice())),
                ));
            } else {
                runs += 1;
                failures.extend(run(target, [(name.clone(), body.as_slice())]));
            }
        }
    }
    report(what, runs, failures);
}

#[test]
fn hand_written_corpus() {
    let files = files_in(&fuzz_dir().join("../corpus"), Some("json"));
    assert!(files.len() >= 25, "corpus/ has {} files", files.len());
    check_bodies("corpus/*.json", &files);
}

/// The bodies other Kusto clients recorded (`../shared/peer-corpus`, not
/// part of this repository): replayed when present, skipped with a message
/// when not.
#[test]
fn peer_corpus() {
    let root = fuzz_dir().join("../../shared/peer-corpus");
    if !root.is_dir() {
        println!("SKIPPED: peer corpus not found at {}", root.display());
        return;
    }
    let mut files = Vec::new();
    let mut dirs = vec![root];
    while let Some(d) = dirs.pop() {
        for e in fs::read_dir(&d).expect("readable directory") {
            let p = e.expect("readable directory entry").path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "json" || x == "txt") {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(!files.is_empty(), "no bodies in the peer corpus");
    check_bodies("../shared/peer-corpus", &files);
}

fn replay_dir(kind: &str) {
    let mut failures = Vec::new();
    let mut runs = 0;
    for target in TARGETS {
        let dir = fuzz_dir().join(kind).join(target);
        let inputs: Vec<(String, Vec<u8>)> = files_in(&dir, None)
            .iter()
            .map(|p| (p.display().to_string(), fs::read(p).expect("readable file")))
            .collect();
        runs += inputs.len();
        failures.extend(run(
            target,
            inputs.iter().map(|(n, i)| (n.clone(), i.as_slice())),
        ));
    }
    report(&format!("fuzz/{kind}"), runs, failures);
}

#[test]
fn seeds() {
    replay_dir("seeds");
}

#[test]
fn regressions() {
    replay_dir("regressions");
}

#[test]
fn empty_and_tiny_inputs() {
    let mut failures = Vec::new();
    let mut runs = 0;
    for target in TARGETS {
        for input in [&b""[..], b"\0", b"[", b"{", b"[]", b"{}", b" ", b"\xff"] {
            runs += 1;
            failures.extend(run(target, [(format!("{input:?}"), input)]));
        }
    }
    report("tiny", runs, failures);
}

/// `FUZZ_REPLAY=<target>:<file or directory>` replays those inputs on
/// stable (say, `fuzz/artifacts/bufread/`); nothing without it.
#[test]
fn replay_from_env() {
    let Ok(spec) = std::env::var("FUZZ_REPLAY") else {
        return;
    };
    let (target, path) = spec
        .split_once(':')
        .expect("FUZZ_REPLAY=<target>:<file or directory>");
    let path = PathBuf::from(path);
    let files = if path.is_dir() {
        files_in(&path, None)
    } else {
        vec![path]
    };
    let inputs: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|p| (p.display().to_string(), fs::read(p).expect("readable file")))
        .collect();
    let failures = run(
        target,
        inputs.iter().map(|(n, i)| (n.clone(), i.as_slice())),
    );
    report(&format!("FUZZ_REPLAY {spec}"), inputs.len(), failures);
}
