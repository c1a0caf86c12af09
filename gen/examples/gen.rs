//! Writes a generated body to stdout: `gen [seed] [mixed|string|number] [whole|progressive:N] [bytes] [pretty] [noframetype]`.

use std::io::Write as _;

use kusto_frames_gen::{generate, GenConfig, Profile, Shape};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seed = args.first().and_then(|s| s.parse().ok()).unwrap_or(1);
    let profile = match args.get(1).map(String::as_str) {
        Some("string") => Profile::StringHeavy,
        Some("number") => Profile::NumberHeavy,
        _ => Profile::Mixed,
    };
    let shape = match args.get(2).and_then(|s| s.strip_prefix("progressive")) {
        Some(n) => Shape::Progressive {
            rows_per_fragment: n.trim_start_matches(':').parse().unwrap_or(100),
        },
        None => Shape::Whole,
    };
    let bytes = args.get(3).map(|s| parse_size(s)).unwrap_or(1_000_000);
    let mut cfg = GenConfig::new(seed, profile, shape, bytes);
    cfg.pretty = args.iter().any(|a| a == "pretty");
    cfg.frame_type = !args.iter().any(|a| a == "noframetype");
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let summary = generate(&cfg, &mut out).expect("write to stdout");
    out.flush().expect("flush stdout");
    eprintln!("{summary:?}");
}

/// Parses `123`, `10k`, `5M`, `1G` (powers of 1024 for the suffixed forms).
fn parse_size(s: &str) -> usize {
    let (num, mul) = match s.as_bytes().last() {
        Some(b'k' | b'K') => (&s[..s.len() - 1], 1 << 10),
        Some(b'm' | b'M') => (&s[..s.len() - 1], 1 << 20),
        Some(b'g' | b'G') => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    num.parse::<usize>().expect("size") * mul
}
