"""Reads the findings of a run published by tests/detectors.rs the way a
statistician would (pyarrow, Hive partitioning) and checks columns, types and
rows; then decodes EVERY string of the findings, shortlist and spot-check
datasets and fails if any holds one of the fixture's raw identity numbers.

Usage: read_findings.py RUN_DIR RAW_IDS_COMMA_SEPARATED PERSON_KEY_OF_THE_DUPLICATE
"""

import sys

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

run, raw_ids, twice_key = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
C1, C2 = "410402001001", "410402001002"

COLUMNS = ["detector", "severity", "level", "community_code", "community_name", "county",
           "street", "year", "explanation", "value", "threshold", "p_value", "evidence",
           "verification", "verified_on", "verified_by", "material", "material_effect"]

# One file per review year, even without rows; `year` lives in the path.
for year in (2020, 2021):
    names = pq.read_schema(f"{run}/findings/year={year}/part-0.parquet").names
    assert names == [c for c in COLUMNS if c != "year"], names

table = ds.dataset(f"{run}/findings", format="parquet", partitioning="hive").to_table()
schema = table.schema
STRING = (pa.string(), pa.large_string())
for c in ["detector", "severity", "level", "community_code", "community_name", "county", "street", "explanation"]:
    assert schema.field(c).type in STRING, (c, schema.field(c).type)
for c in ["value", "threshold", "p_value"]:
    assert schema.field(c).type == pa.float64(), (c, schema.field(c).type)
ev = schema.field("evidence").type
assert pa.types.is_list(ev) or pa.types.is_large_list(ev), ev
assert ev.value_type in STRING, ev
# The panel's check of each finding: none recorded in this extract.
for c in ["verification", "verified_by"]:
    assert schema.field(c).type in STRING, (c, schema.field(c).type)
assert schema.field("verified_on").type == pa.date32(), schema.field("verified_on").type
# Materiality: a boolean never null, and its words where it holds.
assert schema.field("material").type == pa.bool_(), schema.field("material").type
assert schema.field("material_effect").type in STRING, schema.field("material_effect").type
assert table.column("material").null_count == 0
for m, e in zip(table.column("material").to_pylist(), table.column("material_effect").to_pylist()):
    assert (e is not None) == m, (m, e)
    assert e is None or e.startswith("剔除存疑的 "), e

rows = table.to_pylist()
got = [(r["year"], r["detector"], r["community_code"], r["severity"]) for r in rows]
expected = [
    (2021, "claimed_vs_registry", C1, "high"),
    (2021, "duplicate_person", C1, "low"),
    (2021, "duplicate_person", C2, "high"),
    (2021, "invalid_identity", C1, "high"),
]
assert sorted(got) == expected, got
for r in rows:
    assert r["level"] == "community"
    assert r["county"] == "新华区"
    assert r["street"] == "中兴路街道"
    assert r["community_name"] == {C1: "光明社区", C2: "和平社区"}[r["community_code"]]
    assert r["explanation"] and "\n" not in r["explanation"]
    assert r["evidence"], r
claimed = next(r for r in rows if r["detector"] == "claimed_vs_registry")
assert abs(claimed["value"] - 20.0) < 1e-9 and claimed["threshold"] == 5.0 and claimed["p_value"] is None, claimed
assert claimed["evidence"] == [f"applications(community_code={C1}, year=2021)"] + [
    f"unemployment.registration_id=U{i}: 登记数据中该人员未计入再就业" for i in (10, 8, 9)
], claimed["evidence"]
dup = next(r for r in rows if r["detector"] == "duplicate_person" and r["community_code"] == C2)
assert any(f"person_key={twice_key}" in e for e in dup["evidence"]), dup["evidence"]

# The risk score on the shortlist: 5 (claimed) + 1 (duplicate, low) + 5 (identity)
# for C1. C1 passes 0.70 with 7 of 10 re-employed: how narrowly is its margin,
# no finding.
shortlist = ds.dataset(f"{run}/shortlist", format="parquet", partitioning="hive").to_table().to_pylist()
c1 = next(r for r in shortlist if r["community_code"] == C1 and r["year"] == 2021)
assert c1["risk_score"] == 11 and c1["needs_verification"] is True, c1
assert c1["flags"] == "claimed_vs_registry;duplicate_person;invalid_identity", c1["flags"]
c2 = next(r for r in shortlist if r["community_code"] == C2 and r["year"] == 2021)
assert c2["risk_score"] == 5 and c2["needs_verification"] is True, c2

# The same risk on the ratings, beside every community.
ratings = ds.dataset(f"{run}/ratings", format="parquet", partitioning="hive").to_table().to_pylist()
r1 = next(r for r in ratings if r["community_code"] == C1 and r["year"] == 2021)
assert (r1["risk_score"], r1["needs_verification"], r1["flags"]) == (11, True, "claimed_vs_registry;duplicate_person;invalid_identity"), r1
r0 = next(r for r in ratings if r["community_code"] == C2 and r["year"] == 2020)
assert (r0["risk_score"], r0["needs_verification"], r0["flags"]) == (0, False, ""), r0

# The draw: one of the county's two communities, probability ∝ 1 + risk (12 : 6).
spot = [r for r in ds.dataset(f"{run}/spot_checks", format="parquet", partitioning="hive").to_table().to_pylist() if r["year"] == 2021]
assert len(spot) == 1, spot
want = {C1: (11, 12 / 18), C2: (5, 6 / 18)}[spot[0]["community_code"]]
assert spot[0]["risk_score"] == want[0] and abs(spot[0]["inclusion_probability"] - want[1]) < 1e-12, spot

# Every decoded string, list items included, of every published dataset.
def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)

scanned = 0
for name in ["findings", "shortlist", "spot_checks", "ratings", "indicators"]:
    for row in ds.dataset(f"{run}/{name}", format="parquet", partitioning="hive").to_table().to_pylist():
        for s in strings(row):
            scanned += 1
            for raw in raw_ids:
                assert raw not in s, f"a raw identity number in {name}: {s!r}"
assert scanned > 0
print("findings ok", len(rows), "rows,", scanned, "strings scanned")
