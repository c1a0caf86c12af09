#!/usr/bin/env bash
# The kusto-frames tool's row outputs against its `stats`, interleaved.
#
# For each size (MB, 10^6 bytes; default: 10 100 1000) it generates the
# benches' mixed input (the seed, profile and shape of benches/src/inputs.rs,
# `Input::Mixed`) into a temporary file, then runs `stats`, `csv`, `ndjson`
# and `json` on it one after another, round after round (ROUNDS, default 5;
# at most 2 for inputs of 1000 MB or more: the machine is shared), output to
# /dev/null. Each round gives each command's time as a ratio of `stats`'
# time in the same round (speed relative to `stats`: above 1 is faster), by
# wall-clock time and by CPU time (user + system: steadier on a shared
# machine); the table shows the medians over rounds, the range of the
# wall-clock ratio, and the peak resident set (/usr/bin/time's "Maximum
# resident set size") over all rounds.
#
#   bash benches/tool_ratios.sh [MB ...]        e.g. ROUNDS=7 bash benches/tool_ratios.sh 100
#
# BIN=path runs that binary instead of building and running the workspace's
# (e.g. a saved copy of an earlier build, to compare it under the same load).
# COMMANDS="stats arrow parquet" times other commands (stats first: the
# ratios are to it); arrow and parquet are run with `--datetime-unit us`
# (the input's datetimes span years 1 to 9999) and parquet writes a
# temporary file.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS="${ROUNDS:-5}"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10 100 1000)
read -r -a COMMANDS <<<"${COMMANDS:-stats csv ndjson json}"

if [ -z "${BIN:-}" ]; then
  cargo build -q --release -p kusto-frames-cli --bin kusto-frames
  BIN=target/release/kusto-frames
fi
cargo build -q --release -p kusto-frames-gen --example gen
GEN=target/release/examples/gen
SEED=$((0x6b7573746f21)) # benches/src/inputs.rs SEED
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "| input | command | median s | MB/s | speed vs stats (wall, median) | range | speed vs stats (CPU, median) | peak RSS MiB |"
echo "|---|---|---|---|---|---|---|---|"
for mb in "${SIZES[@]}"; do
  body="$TMP/mixed-$mb.json"
  "$GEN" "$SEED" mixed whole "$((mb * 1000000))" >"$body" 2>/dev/null
  rounds="$ROUNDS"
  if [ "$mb" -ge 1000 ] && [ "$rounds" -gt 2 ]; then rounds=2; fi
  : >"$TMP/times"
  for ((r = 1; r <= rounds; r++)); do
    for cmd in "${COMMANDS[@]}"; do
      case "$cmd" in
        arrow) args=(arrow --datetime-unit us) ;;
        parquet) args=(parquet --datetime-unit us -o "$TMP/out.parquet") ;;
        *) args=("$cmd") ;;
      esac
      /usr/bin/time -f "%e %M %U %S" -o "$TMP/one" "$BIN" "${args[@]}" "$body" >/dev/null 2>"$TMP/err" || {
        code=$?
        # 1: the response reports errors (not these inputs); anything else fails.
        if [ "$code" -ne 1 ]; then cat "$TMP/err" >&2; exit 1; fi
      }
      echo "$r $cmd $(tail -1 "$TMP/one")" >>"$TMP/times"
    done
  done
  bytes=$(stat -c %s "$body")
  for cmd in "${COMMANDS[@]}"; do
    awk -v cmd="$cmd" -v mb="$mb" -v bytes="$bytes" '
      { t[$1, $2] = $3; c[$1, $2] = $5 + $6; if ($2 == cmd && $4 > rss) rss = $4; if ($1 > n) n = $1 }
      END {
        for (r = 1; r <= n; r++) {
          s[r] = t[r, cmd]
          q[r] = (t[r, cmd] > 0) ? t[r, "stats"] / t[r, cmd] : 0
          u[r] = (c[r, cmd] > 0) ? c[r, "stats"] / c[r, cmd] : 0
        }
        # insertion sorts, then medians
        for (i = 2; i <= n; i++) for (j = i; j > 1 && s[j-1] > s[j]; j--) { x = s[j]; s[j] = s[j-1]; s[j-1] = x }
        for (i = 2; i <= n; i++) for (j = i; j > 1 && q[j-1] > q[j]; j--) { x = q[j]; q[j] = q[j-1]; q[j-1] = x }
        for (i = 2; i <= n; i++) for (j = i; j > 1 && u[j-1] > u[j]; j--) { x = u[j]; u[j] = u[j-1]; u[j-1] = x }
        ms = (n % 2) ? s[(n+1)/2] : (s[n/2] + s[n/2+1]) / 2
        mq = (n % 2) ? q[(n+1)/2] : (q[n/2] + q[n/2+1]) / 2
        mu = (n % 2) ? u[(n+1)/2] : (u[n/2] + u[n/2+1]) / 2
        printf "| mixed %d MB | %s | %.2f | %.0f | %.2fx | %.2f-%.2f | %.2fx | %.1f |\n",
          mb, cmd, ms, (ms > 0 ? bytes / 1e6 / ms : 0), mq, q[1], q[n], mu, rss / 1024
      }' "$TMP/times"
  done
  rm -f "$body"
done
