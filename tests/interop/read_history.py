"""Reads an output folder's history/ the way statisticians do: pyarrow and
DuckDB with Hive partitioning over history/ratings, and the decisions log as
one file. Checks the documented types (docs/outputs.md) and the values of
tests/history.rs's withdrawal scenario: the hand-worked fixture run on two
nights over 2020 and 2021, C1's 县级初选 deleted from the 评审记录 sheet on the
second. Exits non-zero on any mismatch.

Usage: read_history.py <output_dir> <first run id> <second run id>"""

import datetime
import sys

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

out, first, second = sys.argv[1], sys.argv[2], sys.argv[3]
C1 = "410402001001"
TEXT = (pa.string(), pa.large_string())

# history/ratings: one dataset over the year partitions.
table = ds.dataset(f"{out}/history/ratings", format="parquet", partitioning="hive").to_table()
schema = table.schema
types = {
    "provincial_since": pa.int64(), "provincial_star_since": pa.int64(),
    "city_level_since": pa.int64(), "stars": pa.int64(), "risk_score": pa.int64(),
    "national": pa.bool_(), "disqualified_on": pa.date32(), "as_of": pa.date32(),
    "score": pa.float64(), "reemployment_rate": pa.float64(),
    "hardship_employment_rate": pa.float64(), "registered_unemployment_rate": pa.float64(),
    "assistance_coverage": pa.float64(),
}
for c, t in types.items():
    assert schema.field(c).type == t, (c, schema.field(c).type)
for c in ["community_code", "community_name", "county", "street", "verdict",
          "failing_rules", "level", "confirmed_findings", "run_id"]:
    assert schema.field(c).type in TEXT, (c, schema.field(c).type)
assert table.num_rows == 6, table.num_rows  # 3 communities x 2 years
assert "year" not in pq.read_schema(f"{out}/history/ratings/year=2021/part-0.parquet").names
rows = {(r["community_code"], int(r["year"])): r for r in table.to_pylist()}
c1 = rows[(C1, 2021)]
assert abs(c1["reemployment_rate"] - 2 / 7) < 1e-12, c1
assert c1["provincial_since"] == 2015 and c1["national"] is False, c1
assert c1["as_of"] == datetime.date(2021, 12, 31), c1
assert rows[("410402001002", 2021)]["provincial_since"] is None

# DuckDB, Hive partitioning: both years published again by the second run.
con = duckdb.connect()
got = con.execute(
    f"SELECT year, run_id, provincial_since FROM read_parquet('{out}/history/ratings/*/*.parquet', hive_partitioning = true) "
    f"WHERE community_code = '{C1}' ORDER BY year"
).fetchall()
assert got == [(2020, second, 2015), (2021, second, 2015)], got

# The decisions log: one file, year a plain Int64 column.
log = pq.read_table(f"{out}/history/decisions_log.parquet")
ls = log.schema
for c, t in {"year": pa.int64(), "version": pa.int64(), "row": pa.int64(),
             "decided_on": pa.date32(), "checked_on": pa.date32(), "received_on": pa.date32()}.items():
    assert ls.field(c).type == t, (c, ls.field(c).type)
for c in ["table", "community_code", "stage", "decision", "status", "file", "sheet",
          "first_read_run", "last_seen_run", "withdrawn_run"]:
    assert ls.field(c).type in TEXT, (c, ls.field(c).type)
by_stage = {r["stage"]: r for r in log.to_pylist()}
assert len(log) == 3, log.to_pylist()
w = by_stage["县级初选"]
assert (w["status"], w["withdrawn_run"], w["first_read_run"], w["last_seen_run"]) == (
    "withdrawn", second, first, first), w
assert (w["table"], w["community_code"], w["year"], w["decision"]) == ("decisions", C1, 2021, "推荐"), w
assert (w["file"], w["sheet"], w["row"]) == ("评审记录-全市.xlsx", "评审记录", 4), w
assert w["decided_on"] == datetime.date(2022, 1, 10), w
for stage in ["街道审核", "县级实地考察"]:
    r = by_stage[stage]
    assert (r["status"], r["last_seen_run"], r["withdrawn_run"]) == ("current", second, None), r
got = con.execute(
    f"SELECT stage, version, status FROM read_parquet('{out}/history/decisions_log.parquet') ORDER BY stage"
).fetchall()
assert sorted(got) == sorted([("县级初选", 1, "withdrawn"), ("街道审核", 1, "current"), ("县级实地考察", 1, "current")]), got

# Every column of every history file carries its description.
for f in [f"{out}/history/decisions_log.parquet", f"{out}/history/ratings/year=2020/part-0.parquet"]:
    for field in pq.read_schema(f):
        assert (field.metadata or {}).get(b"description", b"").strip(), (f, field.name)
print("history interop ok")
