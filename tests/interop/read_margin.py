"""Reads the margin (差几人) of a run of the hand-worked fixture published
with tests/support's C1_PASSES rules, as statisticians would: pyarrow with
Hive partitioning and DuckDB. C1 passes with a margin of 1 shared by two
rules (worked by hand in tests/support/worked.rs). Run by tests/run.rs."""

import sys

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

run = sys.argv[1]
C1 = "410402001001"

table = ds.dataset(f"{run}/ratings", format="parquet", partitioning="hive").to_table()
assert table.schema.field("margin_persons").type == pa.int64(), table.schema.field("margin_persons").type
assert table.schema.field("margin_rule").type in (pa.string(), pa.large_string())
names = table.schema.names
assert names.index("margin_persons") == names.index("not_applicable_rules") + 1, names
assert names.index("margin_rule") == names.index("margin_persons") + 1, names

con = duckdb.connect()
rows = con.execute(
    f"""SELECT community_code, verdict, margin_persons, margin_rule
        FROM read_parquet('{run}/ratings/*/*.parquet', hive_partitioning = true)
        WHERE year = 2021 ORDER BY community_code"""
).fetchall()
assert rows[0] == (C1, "pass", 1, "min_reemployment_rate;min_hardship_employment_rate"), rows
# C2 and C3 are not provincial: no verdict, no margin.
assert all(r[1:] == (None, None, None) for r in rows[1:]), rows

meta = pq.read_schema(f"{run}/ratings/year=2021/part-0.parquet").field("margin_persons").metadata
assert "差几人" in meta[b"description"].decode(), meta
print("margin ok")
