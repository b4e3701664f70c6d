#!/usr/bin/env bash
# Compares two published runs byte for byte: every Parquet file and every XLSX
# form must be identical; charts and report.html are listed when they differ
# (they carry the run id and time, and may change by a named fix).
# Usage: scripts/compare_runs.sh BEFORE_DIR AFTER_DIR
# Each directory is a run folder, or an output folder whose `latest` is used.
set -euo pipefail

run_folder() {
    if [ -e "$1/latest" ]; then
        (cd "$1/latest" && pwd -P)
    else
        (cd "$1" && pwd -P)
    fi
}

before=$(run_folder "$1")
after=$(run_folder "$2")
status=0

listing() { (cd "$1" && find . -type f \( -name '*.parquet' -o -name '*.xlsx' -o -name '*.svg' -o -name '*.html' \) | sort); }

if ! diff <(listing "$before") <(listing "$after") >/dev/null; then
    echo "the two runs hold different files:"
    diff <(listing "$before") <(listing "$after") || true
    status=1
fi

same=0
while read -r file; do
    [ -f "$after/$file" ] || continue
    case "$file" in
        *.parquet | *.xlsx)
            if cmp -s "$before/$file" "$after/$file"; then
                same=$((same + 1))
            else
                echo "DIFFERS: $file"
                status=1
            fi
            ;;
        *)
            cmp -s "$before/$file" "$after/$file" || echo "changed (allowed, check it): $file"
            ;;
    esac
done < <(listing "$before")

echo "$same Parquet and XLSX files identical"
exit "$status"
