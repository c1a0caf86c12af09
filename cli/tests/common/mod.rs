//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `*.json` files of `dir`, sorted; empty when the directory is absent.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The shared corpus (`corpus/*.json`), the io adapters' test bodies
/// (`io-adapters/tests/data/*.json`) and the tool's own
/// (`cli/tests/data/*.json`).
pub fn local_inputs() -> Vec<PathBuf> {
    let mut v = json_files(&manifest_dir().join("../corpus"));
    v.extend(json_files(
        &manifest_dir().join("../io-adapters/tests/data"),
    ));
    v.extend(json_files(&manifest_dir().join("tests/data")));
    v
}

pub fn peer_corpus_dir() -> PathBuf {
    manifest_dir().join("../../shared/peer-corpus")
}

/// Every file of the peer corpus (but its SOURCES.md), sorted; `None` when
/// the peer corpus is absent.
pub fn peer_inputs() -> Option<Vec<PathBuf>> {
    let root = peer_corpus_dir();
    if !root.is_dir() {
        return None;
    }
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).ok()?.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n != "SOURCES.md") {
                out.push(p);
            }
        }
    }
    out.sort();
    Some(out)
}

/// Every input the adapter tests run on: local ones, then the peer corpus
/// when present.
pub fn all_inputs() -> Vec<(String, Vec<u8>)> {
    let mut files = local_inputs();
    files.extend(peer_inputs().unwrap_or_default());
    assert!(!files.is_empty(), "no test input found");
    files
        .into_iter()
        .map(|p| {
            let body = std::fs::read(&p).unwrap();
            (p.display().to_string(), body)
        })
        .collect()
}
