#!/usr/bin/env bash
# Benchmark of `fullemp run`: generates synthetic extracts of several sizes
# with `fullemp generate` (2,000 persons per community, seed 7, CSV, UTF-8),
# runs the whole job on each, and prints wall time and peak memory (GNU
# time), each stage's wall time and peak resident memory, and the typed
# frames' bytes per person after ingest (both from the run's log, which
# logs them at info level). At 2 M persons it also runs
# DuckDB over the same files (scripts/bench_duckdb.sql: the labour-force and
# re-employment indicators) and prints the ratio, then the Parquet input and
# the GB18030 file with Chinese headers. Figures go to docs/benchmarks.md.
#
#   scripts/bench_run.sh [MILLIONS...]     (default: 1 2 5 10 20)
#   scripts/bench_run.sh 50                (the 50 M size: not in the default
#                                           list nor in CI; ~15 GB of CSV and
#                                           about 4 minutes to generate)
#
# Environment: BENCH_PERSONS_PER_COMMUNITY (default 2000; a small value makes
# a quick smoke test), BENCH_DIR (default: a temporary folder; needs ~7 GB free at
# 20 M persons, ~15 GB at 50 M), BENCH_SKIP_VARIANTS=1 to leave out the 2 M
# comparisons.
# Needs GNU time (/usr/bin/time) and python3 with tests/requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/fullemp"
work="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$work"
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1 2 5 10 20)
per="${BENCH_PERSONS_PER_COMMUNITY:-2000}"
export FULLEMP_PII_KEY=bench-key-0123456789

echo "machine: $(nproc) cores, $(free -g | awk '/^Mem/ {print $2}') GiB, $(uname -sr)"
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# generate LABEL MILLIONS [generate flags...]: the extract in $work/LABEL.
generate() {
  local label="$1" millions="$2"; shift 2
  local communities=$((millions * 1000000 / 2000))
  rm -rf "${work:?}/$label"
  "$bin" --quiet generate --out "$work/$label" --communities "$communities" \
    --persons-per-community "$per" --seed 7 "$@" >/dev/null
}

# run LABEL: the whole job on $work/LABEL; prints one line of figures and
# leaves the wall time in $last_wall and ingest+indicators in $last_core.
run() {
  local label="$1" dir="$work/$1" out="$work/out-$1"
  rm -rf "$out"
  printf 'input_dir = "%s"\noutput_dir = "%s"\nas_of = 2021-12-31\nyears = [2020, 2021]\n' \
    "$dir" "$out" > "$work/$label.toml"
  local status=0
  /usr/bin/time -f '%e %M' -o "$work/$label.time" \
    "$bin" --log-format json run --force --pipeline "$work/$label.toml" \
    >/dev/null 2>"$work/$label.log" || status=$?
  local wall kb
  read -r wall kb < <(tail -n 1 "$work/$label.time")
  if [ "$status" != 0 ]; then
    # Out of memory, say: the figures up to the end, and how it ended.
    printf '%-22s FAILED (exit %s: %s) after wall_s %s peak_MiB %s load %s\n' \
      "$label" "$status" "$(head -n 1 "$work/$label.time")" "$wall" "$((kb / 1024))" \
      "$(cut -d' ' -f1 /proc/loadavg)"
    grep -h '"stage done"' "$work/$label.log" || true
    last_wall=$wall
    last_core=0
    return 0
  fi
  local persons
  persons=$(python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(next(i['rows_read'] for i in m['inputs'] if i['table']=='persons'))" "$out/latest/manifest.json")
  # Each stage's wall time (ms) and peak resident memory (MiB), and the typed
  # frames after ingest, from the log's "stage done" and "typed frames held".
  local stages frames
  stages=$(python3 - "$work/$label.log" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print(" ".join(f"{l['stage']}={l['ms']}ms/{l['peak_mib']}MiB" for l in lines if l.get("message") == "stage done"))
PY
)
  frames=$(python3 - "$work/$label.log" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
f = next(l for l in lines if l.get("message") == "typed frames held")
print(f"frames_MiB {f['frames_mib']} bytes_per_person {f['bytes_per_person']} resident_after_ingest_MiB {f['resident_mib']}")
PY
)
  last_core=$(python3 -c "import json,sys; t=dict(json.load(open(sys.argv[1]))['timings_ms']); print((t['ingest']+t['indicators'])/1000)" "$out/latest/manifest.json")
  last_wall=$wall
  printf '%-22s persons %-9s wall_s %-7s peak_MiB %-6s load %s\n' \
    "$label" "$persons" "$wall" "$((kb / 1024))" "$(cut -d' ' -f1 /proc/loadavg)"
  printf '%-22s stages (wall/peak) %s\n' "" "$stages"
  printf '%-22s %s\n' "" "$frames"
}

# totals OUT YEAR...: the labour-force and re-employment sums fullemp published.
totals() {
  python3 - "$1" <<'PY'
import sys, pyarrow.dataset as ds
t = ds.dataset(sys.argv[1] + "/latest/indicators", format="parquet", partitioning="hive").to_table().to_pandas()
for y, g in t.groupby("year"):
    print(f"fullemp_totals year={y} communities={len(g)} labor_force={g.labor_force.sum()} "
          f"employed={g.employed.sum()} registered_unemployed={g.registered_unemployed.sum()} "
          f"unemployed_in_period={g.unemployed_in_period.sum()} reemployed_in_period={g.reemployed_in_period.sum()}")
PY
}

for m in "${sizes[@]}"; do
  generate "${m}M" "$m"
  run "${m}M"
  if [ "$m" = 2 ] && [ -z "${BENCH_SKIP_VARIANTS:-}" ]; then
    csv_wall=$last_wall
    csv_core=$last_core
    totals "$work/out-2M" || true
    /usr/bin/time -f '%e %M' -o "$work/duckdb.time" \
      python3 "$root/scripts/bench_duckdb.py" "$work/2M" --years 2020,2021 --as-of 2021-12-31 \
      > "$work/duckdb.out"
    cat "$work/duckdb.out"
    read -r dwall dkb < "$work/duckdb.time"
    dquery=$(awk '/^duckdb_wall_s/ {print $2}' "$work/duckdb.out")
    echo "duckdb process: wall_s $dwall peak_MiB $((dkb / 1024))"
    python3 - "$csv_core" "$dquery" "$csv_wall" "$dwall" <<'PY'
import sys
core, dq, wall, dw = map(float, sys.argv[1:])
print(f"ratio fullemp ingest+indicators / duckdb query = {core:.2f} / {dq:.2f} = {core / dq:.2f} (target <= 1)")
print(f"ratio fullemp whole run / duckdb process = {wall:.2f} / {dw:.2f} = {wall / dw:.2f} (target <= 2)")
PY
    generate 2M-parquet 2 --format parquet
    run 2M-parquet
    echo "parquet / csv wall: $(python3 -c "print(round($last_wall / $csv_wall, 2))") (target < 1)"
    generate 2M-gb18030-chinese 2 --encoding gb18030 --headers chinese
    run 2M-gb18030-chinese
    echo "gb18030+chinese / utf8 wall: $(python3 -c "print(round($last_wall / $csv_wall, 2))") (target <= 1.3)"
    rm -rf "$work/2M-parquet" "$work/2M-gb18030-chinese" "$work"/out-2M-*
  fi
  rm -rf "${work:?}/${m}M" "$work/out-${m}M"
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
