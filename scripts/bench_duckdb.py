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


def arguments(description=None):
    """The extract folder and review periods every DuckDB script takes."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("extract")
    ap.add_argument("--years", default="2020,2021")
    ap.add_argument("--as-of", default="2021-12-31")
    return ap


def query(args, table_source):
    """scripts/bench_duckdb.sql with its placeholders filled in: each table
    as `table_source(table)` gives it, the periods of `args`."""
    as_of = dt.date.fromisoformat(args.as_of)
    periods = []
    for y in sorted(int(y) for y in args.years.split(",")):
        cutoff = as_of if y == as_of.year else dt.date(y, 12, 31)
        periods.append(f"({y}, DATE '{y}-01-01', DATE '{cutoff}')")
    sql_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_duckdb.sql")
    with open(sql_path, encoding="utf-8") as f:
        sql = f.read()
    for table in ("persons", "unemployment", "employment", "communities"):
        sql = sql.replace("{" + table + "}", table_source(table))
    return sql.replace("{periods}", ", ".join(periods))


def report(prefix, con, start):
    """The wall time since `start`, the peak memory and the indicator totals,
    one `prefix_...` line each."""
    totals = con.execute(
        "SELECT year, sum(labor_force), sum(employed), sum(registered_unemployed), "
        "sum(unemployed_in_period), sum(reemployed_in_period), count(*) "
        "FROM indicators GROUP BY year ORDER BY year"
    ).fetchall()
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"{prefix}_wall_s {wall:.2f}")
    print(f"{prefix}_peak_MiB {peak}")
    for year, lf, emp, reg, u, r, n in totals:
        print(f"{prefix}_totals year={year} communities={n} labor_force={lf} employed={emp} "
              f"registered_unemployed={reg} unemployed_in_period={u} reemployed_in_period={r}")


def main():
    args = arguments().parse_args()
    sql = query(args, lambda table: source(args.extract, table))
    start = time.perf_counter()
    con = duckdb.connect()
    con.execute(sql)
    print(f"duckdb {duckdb.__version__} threads={con.execute('SELECT current_setting(' + chr(39) + 'threads' + chr(39) + ')').fetchone()[0]}")
    report("duckdb", con, start)
    return 0


if __name__ == "__main__":
    sys.exit(main())
