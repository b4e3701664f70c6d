#!/usr/bin/env bash
# Compare two published run folders byte for byte: every Parquet table and
# every XLSX form must be identical; report.html is compared with the run id
# and publication time masked out; charts and manifest are listed when they
# differ (charts may change with named fixes; the manifest holds run ids,
# timings and hashes). Exit 1 when a Parquet or XLSX file differs or is
# missing on one side.
# Usage: scripts/compare_runs.sh BEFORE_DIR AFTER_DIR
set -euo pipefail
before=${1:?usage: compare_runs.sh BEFORE_DIR AFTER_DIR}
after=${2:?usage: compare_runs.sh BEFORE_DIR AFTER_DIR}
status=0
files() { (cd "$1" && find . -type f \( -name '*.parquet' -o -name '*.xlsx' \) | sort); }
if ! diff <(files "$before") <(files "$after") >/dev/null; then
    echo "different file lists:"; diff <(files "$before") <(files "$after") || true
    status=1
fi
same=0
while read -r f; do
    [ -f "$after/$f" ] || continue
    if cmp -s "$before/$f" "$after/$f"; then same=$((same + 1)); else echo "DIFFERS: $f"; status=1; fi
done < <(files "$before")
echo "$same Parquet/XLSX files identical"
mask() { sed -E 's/[0-9]{8}T[0-9]{6}(-[0-9]+)?/RUNID/g; s/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+[+-][0-9:]+/TIME/g' "$1"; }
if [ -f "$before/report.html" ] && [ -f "$after/report.html" ]; then
    if diff <(mask "$before/report.html") <(mask "$after/report.html") >/dev/null; then
        echo "report.html identical (run id and time masked)"
    else
        echo "report.html differs (run id and time masked):"
        diff <(mask "$before/report.html") <(mask "$after/report.html") | head -40 || true
    fi
fi
for f in $(cd "$before" && find . -type f -name '*.svg' | sort); do
    cmp -s "$before/$f" "$after/$f" || echo "chart differs: $f"
done
exit $status
