#!/usr/bin/env bash
# Fuzzing for kusto-frames. Run from the repository root: `bash .ci/fuzz.sh`.
#
# 1. Always: the fuzz checks replayed as ordinary tests on stable, over
#    corpus/*.json, fuzz/seeds/ and fuzz/regressions/ (the crashes found so
#    far: this step fails until the core is fixed).
# 2. When a nightly toolchain is installed: each cargo-fuzz target for
#    FUZZ_SECONDS (default 60) seconds, seeded from fuzz/seeds/<target>/ and
#    the hand-written corpus/ and ../shared/peer-corpus (when present). Any crash, leak or timeout fails the script;
#    its input is left in fuzz/artifacts/<target>/ and printed in hex.
#
# Environment: FUZZ_SECONDS (per target, default 60), FUZZ_TARGETS (default
# all four: decode_chunked decode_whole typed bufread).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s\n' "$*"; }

FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
FUZZ_TARGETS="${FUZZ_TARGETS:-decode_chunked decode_whole typed bufread}"

step "fuzz checks replayed on stable (corpus/, ../shared/peer-corpus, fuzz/seeds/, fuzz/regressions/)"
cargo test --manifest-path fuzz/Cargo.toml

if ! command -v rustup >/dev/null 2>&1; then
    step "timed fuzzing skipped: rustup is not installed, so no nightly toolchain to build cargo-fuzz targets with"
    exit 0
fi
if ! rustup toolchain list | grep -q '^nightly'; then
    step "timed fuzzing skipped: no nightly toolchain (cargo-fuzz needs one; 'rustup toolchain install nightly' to enable)"
    exit 0
fi

step "cargo-fuzz"
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
cargo fuzz --version

step "build the fuzz targets (nightly, ASan, debug assertions)"
cargo +nightly fuzz build -a

# The targets that read a selector byte before the body get the corpus
# bodies behind a few selector bytes, in their working corpus (see
# check_decode_chunked and check_bufread in fuzz/src/lib.rs). decode_chunked:
# chunks of 1, 8 and 64 bytes, 8 with empty chunks, 4 with tight limits.
# bufread: capacity 1 with for_each, 8 with the events() iterator, 8 breaking
# after each event, 4096 alternating next_owned and for_each, 4096 over
# 1-byte reads, 4 over 1-byte reads failing with Interrupted/WouldBlock.
# The bodies other Kusto clients recorded, when ../shared/peer-corpus is
# there: extra seeds (copied into the working corpus, which git ignores).
PEER="../shared/peer-corpus"
peer_files() {
    [ -d "$PEER" ] && find "$PEER" -type f \( -name '*.json' -o -name '*.txt' \) | sort
    return 0
}
if [ -d "$PEER" ]; then
    echo "seeding with $(peer_files | wc -l) bodies from $PEER"
else
    echo "peer corpus not found at $PEER: seeded from corpus/ only"
fi

seed_with_selector() {
    local target="$1" dir="fuzz/corpus/$1" sel f
    shift
    mkdir -p "$dir"
    for f in corpus/*.json $(peer_files); do
        [ -e "$f" ] || continue
        for sel in "$@"; do
            { printf "\\x$sel"; cat "$f"; } >"$dir/seed-$(basename "$f" .json)-$sel"
        done
    done
}

failed=()
for target in $FUZZ_TARGETS; do
    step "fuzz $target for ${FUZZ_SECONDS}s"
    mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
    dirs=("fuzz/corpus/$target")
    [ -d "fuzz/seeds/$target" ] && dirs+=("fuzz/seeds/$target")
    case "$target" in
        decode_chunked) seed_with_selector "$target" 00 07 3f 47 83 ;;
        bufread) seed_with_selector "$target" 00 17 27 3f 4f c3 ;;
        *)
            dirs+=(corpus)
            for f in $(peer_files); do
                cp "$f" "fuzz/corpus/$target/peer-$(echo "$f" | tr '/' '_')"
            done
            ;;
    esac
    stamp="$(mktemp)"
    if cargo +nightly fuzz run -a "$target" "${dirs[@]}" -- \
        -max_total_time="$FUZZ_SECONDS" -timeout=30 -max_len=8192 \
        -dict=fuzz/kusto.dict -print_final_stats=1; then
        :
    else
        failed+=("$target")
        find "fuzz/artifacts/$target" -type f -newer "$stamp" | while read -r a; do
            printf 'crash input %s (%s bytes): %s\n' "$a" "$(wc -c <"$a")" \
                "$(od -An -v -tx1 "$a" | tr -d ' \n')"
        done
    fi
    rm -f "$stamp"
done

if [ "${#failed[@]}" -ne 0 ]; then
    step "FUZZING FOUND CRASHES in: ${failed[*]}"
    echo "Minimize with: cargo +nightly fuzz tmin TARGET fuzz/artifacts/TARGET/<file>;"
    echo "then copy the input to fuzz/regressions/TARGET/ so the replay test keeps it."
    exit 1
fi
step "fuzzing: no crash in ${FUZZ_SECONDS}s per target ($FUZZ_TARGETS)"
