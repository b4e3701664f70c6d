"""Reference ratings: who is re-inspected, the re-inspection verdict and the
city-level score, level and stars, from the rules' definitions alone
(docs/rules.md, "Re-inspection verdict" and "City-level score"), at the
default rules, computed on the reference indicators (indicators.py).

Used by compare.py beside the indicators. An extract with a `verifications`
table is not handled (a confirmed falsification fails the verdict; the
generated extracts carry none).
"""

from __future__ import annotations

import math

import pandas as pd

# The default rules (pipelines/rules/default.toml).
MIN_REEMPLOYMENT = 0.70
MIN_HARDSHIP = 0.90
MAX_UNEMPLOYMENT = 0.04
MIN_COVERAGE = 0.95
NULL_SCORES_FULL = True
CITY_LEVEL = 60.0
STAR_BANDS = [70.0, 78.0, 85.0, 90.0, 95.0]
SLACK = 1e-9
# (component, weight, zero_at, full_at)
RATE_COMPONENTS = [
    ("reemployment_rate", 25.0, 0.50, 0.95),
    ("hardship_employment_rate", 25.0, 0.60, 1.00),
    ("registered_unemployment_rate", 15.0, 0.06, 0.02),
    ("assistance_coverage", 10.0, 0.50, 1.00),
    ("new_jobs_per_100_labor_force", 10.0, 0.0, 5.0),
]
PLATFORM_WEIGHT = 15.0

COLUMNS = ["under_reinspection", "verdict", "failing_rules", "incomplete_rules"] + [
    f"score_{c[0]}" for c in RATE_COMPONENTS] + ["score_platform_ok", "score", "stars", "level"]


def null(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def in_scope(c, year: int) -> bool:
    """A provincial or provincial star year in or before the year, or national
    (no year: every year)."""
    by = [c.provincial_year, c.provincial_star_year]
    return any(not null(y) and int(y) <= year for y in by) or (
        not null(c.national) and bool(c.national))


def verdict(r, services: bool, platform: bool):
    """(verdict, failing rule ids, not judged rule ids)."""
    failing, unjudged = [], []
    if r.zero_households_overdue > 0:
        failing.append("zero_household_veto")
    for rule, v, ok in [
        ("min_reemployment_rate", r.reemployment_rate, lambda x: x >= MIN_REEMPLOYMENT),
        ("min_hardship_employment_rate", r.hardship_employment_rate, lambda x: x >= MIN_HARDSHIP),
        ("max_registered_unemployment_rate", r.registered_unemployment_rate,
         lambda x: x <= MAX_UNEMPLOYMENT),
        ("min_assistance_coverage", r.assistance_coverage, lambda x: x >= MIN_COVERAGE),
    ]:
        if null(v):
            # Not applicable, unless the table it needs is missing and
            # somebody needs help.
            if rule == "min_assistance_coverage" and not services and r.assistance_targets != 0:
                unjudged.append(rule)
        elif not ok(float(v)):
            failing.append(rule)
    if null(r.platform_ok):
        # The table missing: not judged; present without the row: no record, fails.
        (failing if platform else unjudged).append("require_platform")
    elif not bool(r.platform_ok):
        failing.append("require_platform")
    v = "fail" if failing else ("incomplete" if unjudged else "pass")
    order = ["zero_household_veto", "min_reemployment_rate", "min_hardship_employment_rate",
             "max_registered_unemployment_rate", "min_assistance_coverage", "require_platform"]
    return v, [x for x in order if x in failing], [x for x in order if x in unjudged]


def points(v, weight, zero_at, full_at):
    if null(v):
        return weight if NULL_SCORES_FULL else 0.0
    share = (float(v) - zero_at) / (full_at - zero_at)
    return weight * min(1.0, max(0.0, share))


def compute(tables, indicators: pd.DataFrame) -> pd.DataFrame:
    services = tables.get("services") is not None
    platform = tables.get("platform") is not None
    roster = tables["communities"].set_index("community_code")
    rows = []
    for r in indicators.itertuples(index=False):
        c = roster.loc[r.community_code]
        out = {"community_code": r.community_code, "year": r.year}
        out["under_reinspection"] = in_scope(c, int(r.year))
        if out["under_reinspection"]:
            v, failing, unjudged = verdict(r, services, platform)
            out.update(verdict=v, failing_rules=";".join(failing),
                       incomplete_rules=";".join(unjudged))
        else:
            out.update(verdict=None, failing_rules=None, incomplete_rules=None)
        lf = r.labor_force
        per100 = None if null(lf) or lf == 0 else 100.0 * float(r.new_jobs) / float(lf)
        values = {"new_jobs_per_100_labor_force": per100}
        total = 0.0
        for name, w, z, f in RATE_COMPONENTS:
            p = points(values.get(name, getattr(r, name, None)), w, z, f)
            out[f"score_{name}"] = p
            total += p
        if null(r.platform_ok):
            # No record earns nothing; a missing table follows null_scores_full.
            p = 0.0 if platform else (PLATFORM_WEIGHT if NULL_SCORES_FULL else 0.0)
        else:
            p = PLATFORM_WEIGHT if bool(r.platform_ok) else 0.0
        out["score_platform_ok"] = p
        total += p
        out["score"] = total
        vetoed = r.zero_households_overdue > 0
        city = not vetoed and total + SLACK >= CITY_LEVEL
        stars = sum(total + SLACK >= b for b in STAR_BANDS) if city else 0
        out["stars"] = stars
        out["level"] = "星级" if city and stars >= 1 else ("市级" if city else None)
        rows.append(out)
    return pd.DataFrame(rows)
