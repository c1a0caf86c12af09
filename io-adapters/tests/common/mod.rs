//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use kusto_frames::{decode_chunks, Error, OwnedEvent};

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

/// The shared corpus (`corpus/*.json`) and this crate's own test bodies
/// (`tests/data/*.json`).
pub fn local_inputs() -> Vec<PathBuf> {
    let mut v = json_files(&manifest_dir().join("../corpus"));
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

/// The core's own answer for `body`.
pub fn oracle(body: &[u8]) -> (Vec<OwnedEvent>, Result<(), Error>) {
    decode_chunks([body])
}

/// A reader that returns at most `step` bytes per read (and an
/// `Interrupted` error before every third read).
pub struct Trickle<'a> {
    pub data: &'a [u8],
    pub step: usize,
    pub reads: usize,
    pub read_bytes: usize,
}

impl<'a> Trickle<'a> {
    pub fn new(data: &'a [u8], step: usize) -> Self {
        Trickle {
            data,
            step: step.max(1),
            reads: 0,
            read_bytes: 0,
        }
    }
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reads += 1;
        if self.reads % 3 == 0 {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "try again"));
        }
        let n = buf.len().min(self.step).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        self.read_bytes += n;
        Ok(n)
    }
}

/// A small body with every kind of V2 frame.
pub const SMALL_V2: &[u8] = br#"[{"FrameType":"DataSetHeader","IsProgressive":true,"Version":"v2.0"},
{"FrameType":"DataTable","TableId":0,"TableKind":"QueryProperties","TableName":"@ExtendedProperties","Columns":[{"ColumnName":"Value","ColumnType":"dynamic"}],"Rows":[[{"a":1}]]},
{"FrameType":"TableHeader","TableId":1,"TableKind":"PrimaryResult","TableName":"T","Columns":[{"ColumnName":"x","ColumnType":"long"},{"ColumnName":"s","ColumnType":"string"}]},
{"FrameType":"TableFragment","TableId":1,"TableFragmentType":"DataAppend","Rows":[[1,"a"],[2,"b\u00e9"]]},
{"FrameType":"TableProgress","TableId":1,"TableProgress":50},
{"FrameType":"TableFragment","TableId":1,"TableFragmentType":"DataReplace","Rows":[[3,"c"],{"OneApiErrors":[{"error":{"code":"X"}}]}]},
{"FrameType":"TableCompletion","TableId":1,"RowCount":1},
{"FrameType":"DataSetCompletion","HasErrors":true,"Cancelled":false,"OneApiErrors":[{"error":{"code":"X"}}]}]"#;
