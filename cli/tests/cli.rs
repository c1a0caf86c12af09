//! Runs the built `kusto-frames` binary on every corpus file and compares
//! its exit status, stdout and stderr with `tests/expected/<name>.<cmd>.out`.
//! `BLESS=1 cargo test -p kusto-frames-cli --test cli` rewrites them (then
//! read the diff).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{local_inputs, manifest_dir, peer_corpus_dir, peer_inputs};

const BIN: &str = env!("CARGO_BIN_EXE_kusto-frames");
const COMMANDS: [&str; 5] = ["json", "events", "csv", "ndjson", "stats"];

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

/// Runs the tool in `dir` (so messages name the file as given).
fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    let mut child = cmd.spawn().expect("run kusto-frames");
    if let Some(input) = stdin {
        use std::io::Write;
        let mut s = child.stdin.take().unwrap();
        s.write_all(input).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let code = out.status.code().expect("killed by a signal");
    assert_ne!(
        code,
        101,
        "kusto-frames panicked on {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Run {
        code,
        stdout: out.stdout,
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

fn run_file(path: &Path, args: &[&str]) -> Run {
    let name = path.file_name().unwrap().to_str().unwrap();
    let mut all: Vec<&str> = args.to_vec();
    all.push(name);
    run_in(path.parent().unwrap(), &all, None)
}

/// The golden text: exit status, stdout, stderr. The `time:` line of
/// `stats` varies between runs and is elided.
fn golden(r: &Run) -> String {
    let stdout = String::from_utf8_lossy(&r.stdout);
    let stdout: String = stdout
        .split_inclusive('\n')
        .map(|l| {
            if l.starts_with("time: ") {
                "time: (elided)\n"
            } else {
                l
            }
        })
        .collect();
    let end = if stdout.is_empty() || stdout.ends_with('\n') {
        ""
    } else {
        "\n(no end of line)\n"
    };
    format!(
        "exit: {}\n--- stdout\n{stdout}{end}--- stderr\n{}",
        r.code, r.stderr
    )
}

fn blessing() -> bool {
    std::env::var_os("BLESS").is_some_and(|v| v != "0" && !v.is_empty())
}

/// Compares (or rewrites) one golden file; the mismatch, if any.
fn check(expected: &Path, actual: &str) -> Option<String> {
    if blessing() {
        std::fs::create_dir_all(expected.parent().unwrap()).unwrap();
        std::fs::write(expected, actual).unwrap();
        return None;
    }
    match std::fs::read_to_string(expected) {
        Ok(want) if want == actual => None,
        Ok(want) => Some(format!(
            "{} differs:\n--- expected\n{want}\n--- actual\n{actual}",
            expected.display()
        )),
        Err(_) => Some(format!("{} is missing", expected.display())),
    }
}

fn report(failures: Vec<String>) {
    if !failures.is_empty() {
        panic!(
            "{} golden mismatch(es); if the change is intended, run \
             `BLESS=1 cargo test -p kusto-frames-cli --test cli` and read the diff\n\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

fn stem(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

#[test]
fn every_corpus_file_matches_its_expected_outputs() {
    let inputs = local_inputs();
    assert!(!inputs.is_empty());
    let dir = manifest_dir().join("tests/expected");
    let mut failures = Vec::new();
    let mut wanted = Vec::new();
    for path in &inputs {
        for cmd in COMMANDS {
            let file = dir.join(format!("{}.{cmd}.out", stem(path)));
            wanted.push(file.clone());
            let r = run_file(path, &[cmd]);
            failures.extend(check(&file, &golden(&r)));
        }
    }
    // Expected outputs whose input is gone.
    if let Ok(rd) = std::fs::read_dir(&dir) {
        for e in rd.flatten() {
            let p = e.path();
            let golden = p.extension().is_some_and(|x| x == "out");
            if p.is_file() && golden && !wanted.contains(&p) {
                if blessing() {
                    std::fs::remove_file(&p).unwrap();
                } else {
                    eprintln!("stale expected output (its input is gone): {}", p.display());
                }
            }
        }
    }
    report(failures);
}

#[test]
fn output_is_valid_and_exit_codes_follow_the_rules() {
    for path in local_inputs() {
        let name = stem(&path);
        for cmd in COMMANDS {
            let r = run_file(&path, &[cmd]);
            assert!(matches!(r.code, 0..=2), "{name} {cmd}: exit {}", r.code);
            if r.code == 2 {
                assert!(r.stderr.contains(" at byte "), "{name} {cmd}: {}", r.stderr);
            }
            match cmd {
                // On exit 2 the document is cut where the body was.
                "json" if r.code != 2 => {
                    serde_json::from_slice::<serde_json::Value>(&r.stdout)
                        .unwrap_or_else(|e| panic!("{name}: invalid JSON: {e}"));
                }
                "ndjson" => {
                    for line in r.stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                        let v: serde_json::Value = serde_json::from_slice(line)
                            .unwrap_or_else(|e| panic!("{name}: invalid NDJSON line: {e}"));
                        assert!(v.is_object());
                    }
                }
                "events" => {
                    for line in r.stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                        let v: serde_json::Value = serde_json::from_slice(line)
                            .unwrap_or_else(|e| panic!("{name}: invalid NDJSON line: {e}"));
                        assert!(v["event"].is_string());
                    }
                }
                _ => {}
            }
        }
    }
}

/// Every command's output for one file at chunk sizes 1, 7 and 65536:
/// identical (the json run is returned).
fn chunking_is_invisible(path: &Path) -> Run {
    let mut json = None;
    for cmd in ["json", "csv", "ndjson", "events", "stats"] {
        let a = run_file(path, &[cmd, "--chunk", "65536"]);
        for n in ["1", "7"] {
            let b = run_file(path, &[cmd, "--chunk", n]);
            // stats' time line varies.
            assert_eq!(
                (a.code, golden(&a), &a.stderr),
                (b.code, golden(&b), &b.stderr),
                "{} {cmd}: --chunk {n} differs from --chunk 65536",
                path.display()
            );
        }
        if cmd == "json" {
            json = Some(a);
        }
    }
    json.unwrap()
}

#[test]
fn chunk_size_never_changes_the_output() {
    for path in local_inputs() {
        chunking_is_invisible(&path);
    }
}

#[test]
fn peer_corpus_at_any_chunk_size() {
    let Some(files) = peer_inputs() else {
        eprintln!(
            "skipped: no peer corpus at {} (it lives in shared/, beside the repository)",
            peer_corpus_dir().display()
        );
        return;
    };
    let root = peer_corpus_dir();
    let dir = manifest_dir().join("tests/expected/peer");
    let mut failures = Vec::new();
    for path in files {
        let r = chunking_is_invisible(&path);
        assert!(
            matches!(r.code, 0 | 1),
            "{}: exit {}",
            path.display(),
            r.code
        );
        serde_json::from_slice::<serde_json::Value>(&r.stdout)
            .unwrap_or_else(|e| panic!("{}: invalid JSON: {e}", path.display()));
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('/', "__");
        failures.extend(check(&dir.join(format!("{rel}.json.out")), &golden(&r)));
    }
    report(failures);
}

#[test]
fn reads_standard_input() {
    let path = manifest_dir().join("../io-adapters/tests/data/io-qci-level2.json");
    let body = std::fs::read(&path).unwrap();
    let from_stdin = run_in(&manifest_dir(), &["json", "--chunk", "3", "-"], Some(&body));
    let from_file = run_file(&path, &["json"]);
    assert_eq!(from_stdin.code, 1);
    assert_eq!(from_stdin.stdout, from_file.stdout);
}

#[test]
fn csv_picks_tables_by_id_or_name() {
    let path: PathBuf = manifest_dir().join("../io-adapters/tests/data/io-csv-quoting.json");
    let by_id = run_file(&path, &["csv", "--table", "0"]);
    assert_eq!(by_id.code, 0);
    assert_eq!(by_id.stdout, b"Value\n\"{\"\"Visualization\"\":null}\"\n");
    let by_name = run_file(&path, &["csv", "--table=@ExtendedProperties"]);
    assert_eq!(by_name.stdout, by_id.stdout);
    let missing = run_file(&path, &["csv", "--table", "nope"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stdout.is_empty());
    assert!(
        missing.stderr.contains("no table nope"),
        "{}",
        missing.stderr
    );
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let d = manifest_dir();
    for args in [
        &[][..],
        &["frobnicate", "x"],
        &["json", "--chunk", "0", "x"],
        &["json", "--chunk"],
        &["events", "--table", "1", "x"],
        &["csv", "--tsv", "--delimiter", ";", "x"],
        &["csv", "--delimiter", "ab", "x"],
        &["json", "a", "b"],
        &["json", "does-not-exist.json"],
    ] {
        let r = run_in(&d, args, None);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stdout.is_empty(), "{args:?}");
        assert!(
            r.stderr.starts_with("kusto-frames: "),
            "{args:?}: {}",
            r.stderr
        );
        // One line and a hint, not the whole help.
        assert!(r.stderr.lines().count() <= 2, "{args:?}: {}", r.stderr);
    }
    let r = run_in(&d, &["--help"], None);
    assert_eq!(r.code, 0);
    assert!(String::from_utf8_lossy(&r.stdout).contains("Usage: kusto-frames"));
    for cmd in COMMANDS {
        let r = run_in(&d, &[cmd, "--help"], None);
        assert_eq!(r.code, 0);
        let help = String::from_utf8_lossy(&r.stdout);
        assert!(
            help.contains(&format!("Usage: kusto-frames {cmd}")),
            "{help}"
        );
    }
    // No FILE: standard input (empty here: a truncated body).
    let r = run_in(&d, &["json"], Some(b""));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("truncated body"), "{}", r.stderr);
}

/// Truncations and byte flips of corpus files: every command exits 0, 1
/// or 2 without panicking, and what it prints is valid.
#[test]
fn mangled_inputs_never_panic() {
    let dir = std::env::temp_dir().join(format!("kusto-frames-io-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut n = 0;
    for path in local_inputs().iter().filter(|p| {
        let s = stem(p);
        [
            "v2-whole",
            "v1-with-toc",
            "v2-progressive-replace",
            "io-bad-cells",
        ]
        .contains(&s.as_str())
    }) {
        let body = std::fs::read(path).unwrap();
        let mut variants: Vec<Vec<u8>> = Vec::new();
        for i in (0..body.len()).step_by((body.len() / 12).max(1)) {
            variants.push(body[..i].to_vec());
            let mut flipped = body.clone();
            flipped[i] ^= 0x55;
            variants.push(flipped);
            let mut high = body.clone();
            high[i] = 0xC3;
            variants.push(high);
        }
        for v in variants {
            let f = dir.join("mangled.json");
            std::fs::write(&f, &v).unwrap();
            for cmd in COMMANDS {
                let r = run_file(&f, &[cmd]);
                assert!(matches!(r.code, 0..=2), "exit {}", r.code);
                if cmd == "json" && r.code != 2 {
                    serde_json::from_slice::<serde_json::Value>(&r.stdout).unwrap_or_else(|e| {
                        panic!(
                            "invalid JSON ({e}) for input {:?}",
                            String::from_utf8_lossy(&v)
                        )
                    });
                }
                n += 1;
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(n > 100);
}
