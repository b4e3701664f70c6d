"""Reads a published run the way statisticians do: pyarrow and DuckDB with
Hive partitioning, pandas in one line. Checks column names, types and a few
values of the hand-worked fixture (tests/support/worked.rs). Exits non-zero on
any mismatch; run by tests/run.rs."""

import sys

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

run = sys.argv[1]
C1 = "410402001001"

COUNTS = [
    "labor_force", "employed", "registered_unemployed", "unemployed_in_period",
    "reemployed_in_period", "hardship_persons", "hardship_employed", "zero_households",
    "zero_households_open", "zero_households_overdue", "zero_households_max_days",
    "new_jobs", "long_term_unemployed", "assistance_targets", "assisted", "services_delivered",
]
RATES = [
    "registered_unemployment_rate", "reemployment_rate", "hardship_employment_rate",
    "assistance_coverage",
]

# pyarrow: one dataset over the year partitions.
dataset = ds.dataset(f"{run}/indicators", format="parquet", partitioning="hive")
table = dataset.to_table()
schema = table.schema
for c in ["community_code", "community_name", "county", "street"]:
    assert schema.field(c).type == pa.string() or schema.field(c).type == pa.large_string(), (c, schema.field(c).type)
for c in COUNTS:
    assert schema.field(c).type == pa.int64(), (c, schema.field(c).type)
for c in RATES:
    assert schema.field(c).type == pa.float64(), (c, schema.field(c).type)
assert schema.field("platform_ok").type == pa.bool_()
assert table.num_rows == 6, table.num_rows  # 3 communities x 2 years
assert sorted(set(table.column("year").to_pylist())) == [2020, 2021]
# A single file holds no year column: the partition path carries it.
import pyarrow.parquet as pq
assert "year" not in pq.read_schema(f"{run}/indicators/year=2021/part-0.parquet").names

# pandas in one line.
df = pd.read_parquet(f"{run}/indicators")
row = df[(df.community_code == C1) & (df.year.astype(int) == 2021)].iloc[0]
assert row.labor_force == 5, row.labor_force
assert row.reemployed_in_period == 2
assert abs(row.reemployment_rate - 2 / 7) < 1e-12
assert row.zero_households_max_days == 91
c2 = df[(df.community_code == "410402001002") & (df.year.astype(int) == 2021)].iloc[0]
assert pd.isna(c2.registered_unemployment_rate), "a denominator of 0 is null"

# DuckDB with Hive partitioning.
con = duckdb.connect()
q = f"SELECT year, count(*) AS n, sum(labor_force) AS lf FROM read_parquet('{run}/indicators/*/*.parquet', hive_partitioning = true) GROUP BY year ORDER BY year"
rows = con.execute(q).fetchall()
assert [r[0] for r in rows] == [2020, 2021], rows
assert all(r[1] == 3 for r in rows), rows
v = con.execute(
    f"SELECT labor_force, employed, registered_unemployment_rate FROM read_parquet('{run}/indicators/*/*.parquet', hive_partitioning = true) WHERE community_code = '{C1}' AND year = 2021"
).fetchall()
assert v == [(5, 3, 0.5)], v

# Every published dataset loads by itself.
for name in ["ratings", "shortlist", "spot_checks"]:
    t = ds.dataset(f"{run}/{name}", format="parquet", partitioning="hive").to_table()
    assert "community_code" in t.schema.names and "year" in t.schema.names, (name, t.schema.names)
# The margin (差几人): typed columns, null for C1, which fails.
ratings = ds.dataset(f"{run}/ratings", format="parquet", partitioning="hive").to_table()
assert ratings.schema.field("margin_persons").type == pa.int64(), ratings.schema.field("margin_persons").type
assert ratings.schema.field("margin_rule").type in (pa.string(), pa.large_string())
r = ratings.to_pandas()
c1 = r[(r.community_code == C1) & (r.year.astype(int) == 2021)].iloc[0]
assert c1.verdict == "fail" and pd.isna(c1.margin_persons) and pd.isna(c1.margin_rule), c1
rejects = pd.read_parquet(f"{run}/rejects.parquet")
assert list(rejects.columns) == ["table", "file", "line", "column", "value", "reason", "detail", "person_key"], list(rejects.columns)

# The data dictionary travels with the data: every column of every published
# Parquet file has a one-line description in its field metadata.
import glob
files = glob.glob(f"{run}/**/*.parquet", recursive=True)
assert len(files) >= 8, files
for f in files:
    for field in pq.read_schema(f):
        meta = field.metadata or {}
        text = meta.get(b"description", b"").decode()
        assert text.strip(), (f, field.name, "no description")
d = pq.read_schema(f"{run}/indicators/year=2021/part-0.parquet").field("reemployment_rate").metadata[b"description"].decode()
assert "登记失业人员就业率" in d, d
print("interop ok")
