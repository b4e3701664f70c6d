"""Compare two published runs of the same inputs, one made before the
findings carried their materiality and one after: every table must be equal
except the findings' two new columns (material, material_effect) and the
risk score with what it orders (the shortlist's ranks and quota marks, the
spot-check draw); then the new risk score is recomputed from the published
findings by the rule of docs/detectors.md (5/3/1 by severity, doubled when
material, dismissed findings 0, capped at 20) and must match the ratings.

Usage: compare_risk_weighting.py BEFORE_RUN_DIR AFTER_RUN_DIR   (exit 1 on a difference)
"""
import sys, glob, os
import pandas as pd, pyarrow.parquet as pq
before, after = sys.argv[1], sys.argv[2]
def load(root, table):
    fs = sorted(glob.glob(f"{root}/{table}/year=*/*.parquet"))
    if not fs:
        f = f"{root}/{table}.parquet"
        return pq.read_table(f).to_pandas() if os.path.exists(f) else None
    return pd.concat([pq.read_table(f).to_pandas().assign(year=int(f.split("year=")[1][:4])) for f in fs], ignore_index=True)
tables = sorted({p.split("/")[-3] if "year=" in p else os.path.basename(p)[:-8] for p in glob.glob(f"{after}/**/*.parquet", recursive=True)})
risky = {"risk_score", "rank_overall", "rank_in_county", "recommended", "inclusion_probability"}
bad = 0
for t in tables:
    b, a = load(before, t), load(after, t)
    extra = [c for c in a.columns if c not in b.columns]
    if t == "findings":
        assert extra == ["material", "material_effect"], extra
    else:
        assert extra == [], (t, extra)
    common = [c for c in b.columns if c not in risky]
    key = [c for c in ["year", "community_code", "detector", "applied_level"] if c in b.columns]
    bs = b[common].sort_values(key + common[:3] if key else common[:3], kind="stable").reset_index(drop=True) if len(b) else b[common]
    as_ = a[common].sort_values(key + common[:3] if key else common[:3], kind="stable").reset_index(drop=True) if len(a) else a[common]
    if t == "spot_checks":
        same = len(b) == len(a)
    else:
        same = bs.astype(str).equals(as_.astype(str))
    print(f"{t}: {'same' if same else 'DIFFERENT'} apart from {sorted(set(b.columns) & risky) or '-'}{' + ' + str(extra) if extra else ''}")
    bad += not same
f = load(after, "findings"); r = load(after, "ratings")
pts = {"high": 5, "medium": 3, "low": 1}
f = f[(f.level == "community") & (f.verification.fillna("") != "不属实")]
f = f.assign(p=f.severity.map(pts) * (1 + f.material.astype(int)))
expect = f.groupby(["community_code", "year"]).p.sum().clip(upper=20)
got = r.set_index(["community_code", "year"]).risk_score
mism = [(k, v, got.get(k)) for k, v in expect.items() if got.get(k) != v]
zero = got[~got.index.isin(expect.index)]
print("risk recomputed from findings (x2 material, cap 20):", "matches" if not mism and (zero == 0).all() else f"MISMATCH {mism[:5]}")
rb = load(before, "ratings").set_index(["community_code", "year"]).risk_score
print("risk scores changed:", int((rb != got.reindex(rb.index)).sum()), "of", len(rb), "; material findings:", int(load(after, "findings").material.sum()))
sys.exit(1 if bad or mism else 0)
