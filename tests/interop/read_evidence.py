"""Reads the evidence shares of a published run of the hand-worked fixture
(tests/support/worked.rs) the way statisticians do: pyarrow over the
Hive-partitioned ratings, one dataset and a filter. Checks that the six
shares are Float64 columns with a description, C1's 2021 values as worked by
hand in tests/evidence.rs, and that the indicators dataset carries none of
them. Exits non-zero on any mismatch; run by tests/evidence.rs."""

import sys

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

run = sys.argv[1]
C1 = "410402001001"

SHARES = {
    "registered_unemployment_rate_evidence": 0.75,
    "reemployment_rate_evidence": 1.0,
    "hardship_employment_rate_evidence": 1.0,
    "zero_households_evidence": 0.0,
    "new_jobs_evidence": 1.0,
    "assistance_coverage_evidence": 1.0,
}

ratings = ds.dataset(f"{run}/ratings", format="parquet", partitioning="hive").to_table()
for name in SHARES:
    assert ratings.schema.field(name).type == pa.float64(), (name, ratings.schema.field(name).type)
schema = pq.read_schema(f"{run}/ratings/year=2021/part-0.parquet")
for name in SHARES:
    text = (schema.field(name).metadata or {}).get(b"description", b"").decode()
    assert "evidence quality" in text, (name, text)

row = next(r for r in ratings.to_pylist() if r["community_code"] == C1 and r["year"] == 2021)
for name, want in SHARES.items():
    assert row[name] is not None and abs(row[name] - want) < 1e-12, (name, row[name], want)

# A filter on the dataset, as a reader pulls one community out of a year.
c2 = ds.dataset(f"{run}/ratings", format="parquet", partitioning="hive").to_table(
    columns=["registered_unemployment_rate_evidence", "reemployment_rate_evidence"],
    filter=(ds.field("community_code") == "410402001002") & (ds.field("year") == 2021),
).to_pylist()
# C2 registered nobody as unemployed: no closing and no one re-employed, no share.
assert c2 == [{"registered_unemployment_rate_evidence": None, "reemployment_rate_evidence": None}], c2

indicators = ds.dataset(f"{run}/indicators", format="parquet", partitioning="hive").schema
assert not [n for n in indicators.names if n.endswith("_evidence")], indicators.names
print("evidence ok")
