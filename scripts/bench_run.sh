#!/usr/bin/env bash
# Benchmark of `fullemp run`: generates synthetic extracts of several sizes,
# runs the whole job on each, and prints wall time, peak memory and the
# per-stage timings from the run's manifest. Figures go to docs/benchmarks.md.
#
#   scripts/bench_run.sh [COMMUNITIES...]     (default: 1000 5000)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/fullemp"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 5000)
printf '%-12s %-10s %-10s %-10s %s\n' communities persons wall_s peak_MiB "stages (ms)"
for n in "${sizes[@]}"; do
  "$bin" --quiet generate --out "$work/x$n" --communities "$n" --persons-per-community 100 --seed 7 >/dev/null
  printf 'input_dir = "%s"\noutput_dir = "%s"\n' "$work/x$n" "$work/out$n" > "$work/p$n.toml"
  /usr/bin/time -f '%e %M' -o "$work/time$n" env FULLEMP_PII_KEY=bench-key-0123456789 "$bin" --quiet run --pipeline "$work/p$n.toml" >/dev/null
  read -r wall kb < "$work/time$n"
  persons=$(($(wc -l < "$work/x$n/persons.csv") - 1))
  stages=$(python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(' '.join(f'{k}={v}' for k,v in m['timings_ms']))" "$work/out$n/latest/manifest.json")
  printf '%-12s %-10s %-10s %-10s %s\n' "$n" "$persons" "$wall" "$((kb / 1024))" "$stages"
done
