#!/usr/bin/env python3
"""The DuckDB side of the benchmark with ingest's work done as well, for a
like-for-like look beside `fullemp run`'s ingest and indicators (the plain
comparison, scripts/bench_duckdb.py, reads four tables and checks nothing).

    scripts/bench_duckdb_checked.py EXTRACT_DIR [--years 2020,2021] [--as-of 2021-12-31]
                                    [--no-identity-check]

Before the indicators' query (scripts/bench_duckdb.sql, unchanged) it does,
over the nine CSV tables of the extract:

- the sha256 of every file (Python's hashlib, which uses the CPU's SHA
  instructions as fullemp does, two files at a time);
- every table read with every cell as text, then typed column by column
  with TRY_CAST, as ingest types each cell: a cell that does not type is
  counted (ingest rejects its row);
- the required cells present, the closed sets (gender, end and left
  reasons, employment and service types), the end dates not before the
  start dates;
- the GB 11643 check character of every person identifier (ingest marks
  each identifier valid or not);
- each table's key checked for repeats.

Left out, so the comparison still favours DuckDB: the header search and
column mapping, GB18030, footers, the GB 32100 check of employer codes,
folding full-width digits, keeping each row's line and the rejects' text.

Prints the wall time of the checks and of the whole script, and the counts
found (all zero on a generated extract, which is valid).
Needs the `duckdb` package (tests/requirements.txt)."""

import concurrent.futures
import hashlib
import os
import sys
import time

import duckdb

import bench_duckdb

# table -> (columns with their DuckDB type, required columns, key, date order
# pairs). Text columns are VARCHAR; the closed sets are checked apart.
TABLES = {
    "communities": (
        {"community_code": "VARCHAR", "community_name": "VARCHAR", "county": "VARCHAR",
         "street": "VARCHAR", "provincial_year": "INTEGER", "provincial_stars": "INTEGER",
         "national": "BOOLEAN", "city_year": "INTEGER", "city_stars": "INTEGER",
         "contact_name": "VARCHAR", "contact_phone": "VARCHAR"},
        ["community_code", "community_name", "county", "street"],
        ["community_code"], []),
    "persons": (
        {"person_id": "VARCHAR", "community_code": "VARCHAR", "household_id": "VARCHAR",
         "gender": "VARCHAR", "birth_date": "DATE", "labor_capacity": "BOOLEAN",
         "wants_work": "BOOLEAN", "entered_on": "DATE", "left_on": "DATE",
         "left_reason": "VARCHAR"},
        ["person_id", "community_code", "household_id", "gender", "birth_date",
         "labor_capacity", "entered_on"],
        ["person_id", "community_code", "entered_on"], [("entered_on", "left_on")]),
    "unemployment": (
        {"registration_id": "VARCHAR", "person_id": "VARCHAR", "community_code": "VARCHAR",
         "registered_on": "DATE", "ended_on": "DATE", "end_reason": "VARCHAR"},
        ["registration_id", "person_id", "community_code", "registered_on"],
        ["registration_id"], [("registered_on", "ended_on")]),
    "employment": (
        {"record_id": "VARCHAR", "person_id": "VARCHAR", "community_code": "VARCHAR",
         "employer_name": "VARCHAR", "employer_code": "VARCHAR", "employment_type": "VARCHAR",
         "started_on": "DATE", "ended_on": "DATE", "recorded_at": "TIMESTAMP"},
        ["record_id", "person_id", "community_code", "employment_type", "started_on"],
        ["record_id"], [("started_on", "ended_on")]),
    "hardship": (
        {"person_id": "VARCHAR", "community_code": "VARCHAR", "category": "VARCHAR",
         "designated_on": "DATE", "revoked_on": "DATE"},
        ["person_id", "community_code", "category", "designated_on"],
        ["person_id", "community_code", "designated_on"], [("designated_on", "revoked_on")]),
    "zero_households": (
        {"household_id": "VARCHAR", "community_code": "VARCHAR", "identified_on": "DATE",
         "cleared_on": "DATE"},
        ["household_id", "community_code", "identified_on"],
        ["household_id", "community_code", "identified_on"], [("identified_on", "cleared_on")]),
    "services": (
        {"service_id": "VARCHAR", "person_id": "VARCHAR", "community_code": "VARCHAR",
         "service_type": "VARCHAR", "delivered_on": "DATE"},
        ["service_id", "person_id", "community_code", "service_type", "delivered_on"],
        ["service_id"], []),
    "platform": (
        {"community_code": "VARCHAR", "year": "INTEGER", "service_window": "BOOLEAN",
         "staff_count": "INTEGER", "has_info_system": "BOOLEAN", "funding_yuan": "DOUBLE"},
        ["community_code", "year", "service_window", "staff_count", "has_info_system"],
        ["community_code", "year"], []),
    "applications": (None, [], ["community_code", "year"], []),
}

# The closed sets, as the contract lists them (docs/data-contract.md).
CLOSED = {
    ("persons", "gender"): ["男", "女", "M", "F", "m", "f"],
    ("persons", "left_reason"): ["迁出", "死亡", "退休", "其他"],
    ("unemployment", "end_reason"): ["就业", "迁出", "退休", "死亡", "其他"],
    ("employment", "employment_type"): ["单位就业", "灵活就业", "自主创业", "公益性岗位"],
    ("services", "service_type"): ["职业指导", "职业介绍", "职业培训", "政策咨询", "就业援助"],
}

# --no-identity-check leaves the GB 11643 check out (to see what it costs).
SKIP_IDENTITY = False

# GB 11643: the check character of the first 17 digits.
CHECK_MACRO = """
CREATE OR REPLACE MACRO gb11643_ok(id) AS (
    length(id) = 18 AND regexp_full_match(id, '[0-9]{17}[0-9Xx]') AND
    substr('10X98765432',
        CAST((
            CAST(substr(id, 1, 1) AS INTEGER) * 7 + CAST(substr(id, 2, 1) AS INTEGER) * 9 +
            CAST(substr(id, 3, 1) AS INTEGER) * 10 + CAST(substr(id, 4, 1) AS INTEGER) * 5 +
            CAST(substr(id, 5, 1) AS INTEGER) * 8 + CAST(substr(id, 6, 1) AS INTEGER) * 4 +
            CAST(substr(id, 7, 1) AS INTEGER) * 2 + CAST(substr(id, 8, 1) AS INTEGER) * 1 +
            CAST(substr(id, 9, 1) AS INTEGER) * 6 + CAST(substr(id, 10, 1) AS INTEGER) * 3 +
            CAST(substr(id, 11, 1) AS INTEGER) * 7 + CAST(substr(id, 12, 1) AS INTEGER) * 9 +
            CAST(substr(id, 13, 1) AS INTEGER) * 10 + CAST(substr(id, 14, 1) AS INTEGER) * 5 +
            CAST(substr(id, 15, 1) AS INTEGER) * 8 + CAST(substr(id, 16, 1) AS INTEGER) * 4 +
            CAST(substr(id, 17, 1) AS INTEGER) * 2
        ) % 11 AS INTEGER) + 1, 1) = upper(substr(id, 18, 1))
);
"""


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def checks(con, folder):
    """Types and checks every table, one pass for the cells and one for the
    key; returns {check: count}."""
    found = {}
    con.execute(CHECK_MACRO)
    for table, (types, required, key, ordered) in TABLES.items():
        path = os.path.join(folder, f"{table}.csv")
        raw = f"read_csv('{path}', header = true, all_varchar = true)"
        if types is None:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {raw}")
        else:
            typed = ", ".join(
                f"{c}" if t == "VARCHAR" else f"TRY_CAST(trim({c}) AS {t}) AS {c}"
                for c, t in types.items())
            bad = " + ".join(
                f"CASE WHEN trim({c}) <> '' AND TRY_CAST(trim({c}) AS {t}) IS NULL THEN 1 ELSE 0 END"
                for c, t in types.items() if t != "VARCHAR") or "0"
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {table} AS "
                f"SELECT {typed}, {bad} AS untyped_cells FROM {raw}")
        counts = {}
        if types is not None:
            counts[f"{table}: cells that do not type"] = "sum(untyped_cells)"
            if "person_id" in types and not SKIP_IDENTITY:
                counts[f"{table}.person_id: fails GB 11643"] = \
                    "count(*) FILTER (WHERE NOT gb11643_ok(person_id))"
        for c in required:
            counts[f"{table}.{c}: required, empty"] = f"count(*) FILTER (WHERE {c} IS NULL)"
        for start, end in ordered:
            counts[f"{table}: {end} before {start}"] = f"count(*) FILTER (WHERE {end} < {start})"
        for (t, column), values in CLOSED.items():
            if t == table:
                allowed = ", ".join(f"'{v}'" for v in values)
                counts[f"{table}.{column}: outside the set"] = \
                    f"count(*) FILTER (WHERE {column} IS NOT NULL AND {column} NOT IN ({allowed}))"
        if counts:
            row = con.execute(f"SELECT {', '.join(counts.values())} FROM {table}").fetchone()
            found.update({k: v or 0 for k, v in zip(counts, row)})
        keys = ", ".join(key)
        found[f"{table}: repeated keys"] = con.execute(
            f"SELECT count(*) FROM (SELECT {keys} FROM {table} GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()[0]
    return found


def main():
    ap = bench_duckdb.arguments()
    ap.add_argument("--no-identity-check", action="store_true")
    args = ap.parse_args()
    global SKIP_IDENTITY
    SKIP_IDENTITY = args.no_identity_check
    # The indicators read the typed, checked tables.
    sql = bench_duckdb.query(args, lambda table: f"{table}_checked")
    start = time.perf_counter()
    files = [os.path.join(args.extract, f"{t}.csv") for t in TABLES]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        digests = list(pool.map(sha256, sorted(files, key=os.path.getsize, reverse=True)))
    con = duckdb.connect()
    found = checks(con, args.extract)
    for table in ("persons", "unemployment", "employment", "communities"):
        con.execute(f"ALTER TABLE {table} RENAME TO {table}_checked")
    checked = time.perf_counter() - start
    con.execute(sql)
    print(f"duckdb_checked {duckdb.__version__} files_hashed={len(digests)}")
    print(f"duckdb_checked_checks_s {checked:.2f}")
    print("duckdb_checked_found " + " ".join(
        f"{k.replace(' ', '_')}={v}" for k, v in found.items() if v))
    bench_duckdb.report("duckdb_checked", con, start)
    return 0


if __name__ == "__main__":
    sys.exit(main())
