#!/usr/bin/env bash
# Wall time and peak memory of `fullemp generate` at 1 million and 20 million
# persons (100 per community). Usage:
#   scripts/bench_generate.sh [BINARY] [OUT_DIR] [LARGE_COMMUNITIES]
# LARGE_COMMUNITIES defaults to 200000 (20 million persons); pass a smaller
# number on a small machine. Needs GNU time (/usr/bin/time -v).
set -euo pipefail

bin="${1:-target/release/fullemp}"
out="${2:-/tmp/fullemp-bench}"
large="${3:-200000}"

run() {
    local label="$1"; shift
    local dir="$out/$label"
    rm -rf "$dir"
    local log
    log="$(mktemp)"
    /usr/bin/time -v "$bin" --quiet generate --out "$dir" "$@" >/dev/null 2>"$log"
    local wall rss size
    wall="$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}')"
    rss="$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')"
    size="$(du -sh "$dir" | cut -f1)"
    printf '%-28s wall %-10s peak RSS %6d MiB  on disk %s\n' "$label" "$wall" $((rss / 1024)) "$size"
    rm -f "$log"
}

run "1M-persons-csv" --communities 10000
run "1M-persons-parquet" --communities 10000 --format parquet
run "$((large / 10))k-persons-csv" --communities "$large"
rm -rf "$out"
