#!/usr/bin/env python3
"""Runs scripts/bench_duckdb.sql over an extract with DuckDB and prints its
wall time, peak memory and the indicator totals (for a look beside fullemp's).

    scripts/bench_duckdb.py EXTRACT_DIR [--years 2020,2021] [--as-of 2021-12-31]

Tables are read from <table>.csv (DuckDB's CSV sniffer) or <table>.parquet.
Needs the `duckdb` package (tests/requirements.txt)."""

import argparse
import datetime as dt
import os
import resource
import sys
import time

import duckdb


def source(folder, table):
    csv = os.path.join(folder, f"{table}.csv")
    if os.path.exists(csv):
        return f"read_csv('{csv}', header = true)"
    return f"read_parquet('{os.path.join(folder, table + '.parquet')}')"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("extract")
    ap.add_argument("--years", default="2020,2021")
    ap.add_argument("--as-of", default="2021-12-31")
    args = ap.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    periods = []
    for y in sorted(int(y) for y in args.years.split(",")):
        cutoff = as_of if y == as_of.year else dt.date(y, 12, 31)
        periods.append(f"({y}, DATE '{y}-01-01', DATE '{cutoff}')")
    sql_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_duckdb.sql")
    with open(sql_path, encoding="utf-8") as f:
        sql = f.read()
    for table in ("persons", "unemployment", "employment", "communities"):
        sql = sql.replace("{" + table + "}", source(args.extract, table))
    sql = sql.replace("{periods}", ", ".join(periods))
    start = time.perf_counter()
    con = duckdb.connect()
    con.execute(sql)
    totals = con.execute(
        "SELECT year, sum(labor_force), sum(employed), sum(registered_unemployed), "
        "sum(unemployed_in_period), sum(reemployed_in_period), count(*) "
        "FROM indicators GROUP BY year ORDER BY year"
    ).fetchall()
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"duckdb {duckdb.__version__} threads={con.execute('SELECT current_setting(' + chr(39) + 'threads' + chr(39) + ')').fetchone()[0]}")
    print(f"duckdb_wall_s {wall:.2f}")
    print(f"duckdb_peak_MiB {peak}")
    for year, lf, emp, reg, u, r, n in totals:
        print(f"duckdb_totals year={year} communities={n} labor_force={lf} employed={emp} "
              f"registered_unemployed={reg} unemployed_in_period={u} reemployed_in_period={r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
