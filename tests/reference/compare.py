"""Compares fullemp's published `indicators/` dataset cell by cell with the
reference implementation (tests/reference/indicators.py), and the published
`ratings/` beside it with the reference ratings (tests/reference/ratings.py)
on the reference indicators.

    python3 tests/reference/compare.py --input EXTRACT --as-of 2021-12-31 \
        --years 2020,2021 --published OUT/latest/indicators [--explain]

Joins on (community_code, year). Counts must be equal, rates within 1e-12, text
columns and platform_ok equal, and a null on one side needs a null on the other.
Rows present on one side only are mismatches too. Prints a summary and every
mismatch; with --explain, also the reference's members of each mismatching
count (person, household or service ids) so the rows behind it can be found.
Exits 1 on any mismatch, 0 otherwise.
"""

from __future__ import annotations

import argparse
import math
import os
import sys

import pandas as pd
import pyarrow.dataset as ds

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import indicators as ref  # noqa: E402
import ratings as rref  # noqa: E402

KEY = ["community_code", "year"]
TEXT = ["community_name", "county", "street"]
RATES = ["registered_unemployment_rate", "reemployment_rate", "hardship_employment_rate",
         "assistance_coverage"]
BOOLS = ["platform_ok"]
COUNTS = [c for c in ref.COLUMNS if c not in KEY + TEXT + RATES + BOOLS]
TOL = 1e-12


def read_published(path: str) -> pd.DataFrame:
    table = ds.dataset(path, format="parquet", partitioning="hive").to_table()
    df = table.to_pandas()
    df["year"] = df["year"].astype("int64")
    return df


def is_null(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def same(col: str, a, b) -> bool:
    na, nb = is_null(a), is_null(b)
    if na or nb:
        return na and nb
    if col in RATES:
        return abs(float(a) - float(b)) <= TOL
    if col in COUNTS:
        return int(a) == int(b)
    if col in BOOLS:
        return bool(a) == bool(b)
    return str(a) == str(b)


def same_rating(col: str, a, b) -> bool:
    na, nb = is_null(a), is_null(b)
    if na or nb:
        return na and nb
    if col.startswith("score"):
        return abs(float(a) - float(b)) <= 1e-9
    if col == "stars":
        return int(a) == int(b)
    if col == "under_reinspection":
        return bool(a) == bool(b)
    return str(a) == str(b)


def compare_ratings(tables, indicators: pd.DataFrame, path: str, max_print: int) -> list:
    """The published ratings against the reference ratings; a list of problems."""
    if not os.path.isdir(path):
        return []
    want = rref.compute(tables, indicators)
    got = read_published(path)
    j = want.merge(got, on=KEY, how="inner", suffixes=("_ref", "_pub"))
    problems = []
    if len(j) != len(want):
        problems.append(f"ratings rows: reference {len(want)}, joined {len(j)}")
    for col in rref.COLUMNS:
        for code, year, x, y in zip(j.community_code, j.year, j[f"{col}_ref"], j[f"{col}_pub"]):
            if not same_rating(col, x, y):
                problems.append(f"RATING MISMATCH {col} community={code} year={year}: "
                                f"reference={x} published={y}")
    under = want[want.under_reinspection]
    roster = tables["communities"].set_index("community_code")
    no_provincial = under.community_code.map(lambda c: is_null(roster.loc[c].provincial_year))
    no_record = under.failing_rules.fillna("").str.contains("require_platform") & \
        indicators.set_index(KEY).loc[list(zip(under.community_code, under.year)),
                                     "platform_ok"].isna().to_numpy()
    print(f"  ratings: {len(j)} rows, {len(rref.COLUMNS)} columns compared, "
          f"mismatching: {len(problems)}")
    print(f"  ratings: under re-inspection without a provincial_year: {int(no_provincial.sum())}; "
          f"failing for no platform record: {int(no_record.sum())}")
    for p in problems[:max_print]:
        print("  " + p)
    return problems


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True, help="the extract folder the run read")
    ap.add_argument("--as-of", required=True, help="YYYY-MM-DD or `extract`")
    ap.add_argument("--years", help="comma-separated; default: the as_of year and the one before")
    ap.add_argument("--published", required=True, help="<out>/latest/indicators")
    ap.add_argument("--explain", action="store_true")
    ap.add_argument("--max-print", type=int, default=200)
    a = ap.parse_args(argv)
    tables, rejected = ref.load(a.input)
    as_of, years = ref.resolve(tables, a.as_of, a.years)
    want = ref.compute(tables, as_of, years)
    got = read_published(a.published)
    label = f"{a.input} as_of={a.as_of} ({as_of}) years={years}"

    problems = []
    missing_cols = [c for c in ref.COLUMNS if c not in got.columns]
    extra_cols = [c for c in got.columns if c not in ref.COLUMNS]
    for c in missing_cols:
        problems.append(f"column {c}: missing from the published dataset")

    j = want.merge(got, on=KEY, how="outer", suffixes=("_ref", "_pub"), indicator=True)
    only_ref = j[j["_merge"] == "left_only"]
    only_pub = j[j["_merge"] == "right_only"]
    for _, r in only_ref.iterrows():
        problems.append(f"row {r.community_code} {r.year}: in the reference, not published")
    for _, r in only_pub.iterrows():
        problems.append(f"row {r.community_code} {r.year}: published, not in the reference")
    both = j[j["_merge"] == "both"]

    per_col = {}
    cells = []
    for col in ref.COLUMNS:
        if col in KEY or col in missing_cols:
            continue
        n = 0
        for code, year, x, y in zip(both.community_code, both.year, both[f"{col}_ref"],
                                    both[f"{col}_pub"]):
            if not same(col, x, y):
                n += 1
                cells.append((col, code, year, x, y))
        per_col[col] = n

    print(f"reference check: {label}")
    print(f"  reference rejected rows: {rejected}")
    print(f"  rows: reference {len(want)}, published {len(got)}, joined {len(both)}")
    if extra_cols:
        print(f"  published columns not in the spec's table (not compared): {extra_cols}")
    compared = len(both) * (len(ref.COLUMNS) - len(KEY) - len(missing_cols))
    print(f"  cells compared: {compared}, mismatching: {len(cells)}")
    for col, n in per_col.items():
        if n:
            print(f"    {col}: {n} mismatching cells")
    for p in problems[: a.max_print]:
        print("  " + p)

    members = {}
    for i, (col, code, year, x, y) in enumerate(cells):
        if i >= a.max_print:
            print(f"  ... {len(cells) - a.max_print} more mismatches not printed")
            break
        print(f"  MISMATCH {col} community={code} year={year}: reference={x} published={y}")
        if a.explain and col in COUNTS and col not in ("assistance_targets",):
            if year not in members:
                members[year] = ref.members(tables, year, as_of)
            name = {"assistance_targets": "hardship_persons",
                    "zero_households_max_days": "_zero_rows"}.get(col, col)
            m = members[year].get(name)
            if m is not None:
                ids = m[m.community_code == code].drop(columns="community_code")
                print("    reference members: " + ids.drop_duplicates().to_string(index=False)
                      .replace("\n", "\n    "))

    # Rows the contract rejects count nowhere: both sides must reject the same
    # number of rows per table (rejects.parquet sits beside indicators/).
    rej_path = os.path.join(os.path.dirname(os.path.normpath(a.published)), "rejects.parquet")
    if os.path.exists(rej_path):
        r = pd.read_parquet(rej_path, columns=["table", "line"]).drop_duplicates()
        pub_rej = r.groupby("table").size().to_dict()
        for table, n in rejected.items():
            if pub_rej.get(table, 0) != n:
                problems.append(f"rejected rows in {table}: reference {n}, published "
                                f"{pub_rej.get(table, 0)}")
                print("  " + problems[-1])

    problems += compare_ratings(tables, want, os.path.join(
        os.path.dirname(os.path.normpath(a.published)), "ratings"), a.max_print)

    ok = not cells and not problems
    print("  RESULT: " + ("agree" if ok else "DISAGREE"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
