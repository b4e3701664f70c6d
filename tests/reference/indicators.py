"""Reference implementation of the indicator table, written from the spec alone.

Sources: docs/indicators.md (the definitions) and docs/data-contract.md
(tables, columns, reading rules, rejects). Nothing here was taken from src/indicators.

Input: an extract folder of canonical-header CSV files (UTF-8, with or without BOM,
comma or tab separated) -- the generator's default output -- a cut-off date A for
the as_of year and the review years. Output: one row per community and year with
the columns of the published `indicators/` dataset.

    python3 tests/reference/indicators.py --input DIR --as-of 2021-12-31 \
        --years 2020,2021 [--out ref.csv|ref.parquet]

Spec readings where the text leaves a choice (listed again in docs/reference-check.md):

  R1  Duplicate keys are decided among rows that pass every other check: a row
      rejected for another reason does not "use up" its key.
  R2  Age at d = d.year - birth.year, minus one if (d.month, d.day) is before
      (birth.month, birth.day). A 29 February birthday is reached on 1 March in a
      common year.
  R3  A review year after the as_of year has no period yet (A would fall before S):
      the reference refuses it rather than report zeros.
  R4  labor_force: gender, birth date and labour capacity come from the ledger row
      in c that is active at A (a person's row elsewhere does not count).
  R5  zero_households counts distinct household_id. A household with several
      qualifying rows in c is open/overdue if any of its Z rows is; max_days is the
      maximum over all Z rows; it is null when Z is empty (a max over nothing).
  R6  Event rows are not required to match a ledger person: "attributed to the
      community in their own community_code", so an event counts in its community
      whether or not the person is on that community's ledger.
  R7  Allowed sets enforced as rejections: gender, employment_type, service_type,
      left_reason, end_reason, provincial_stars/city_stars 1-5 (applications is not read).
      hardship.category is open ("e.g.") and is not checked.
  R8  Events (and platform rows) for a community code absent from `communities`
      affect no output row (the table is per community in `communities`), but an
      employment record there still makes its person "employed at" d ("in any
      community") and a service there still makes its person "assisted".
  R9  as_of = extract: the date part of the latest recorded_at of the employment
      rows kept; if there is none, the latest value of any date column of the five
      event tables (unemployment, employment, hardship, zero_households, services).
  R10 Spellings are matched without regard to Latin case: `TRUE`, `y`, `m` are
      read as `true`, `Y`, `M` (the contract lists one case; an `x` check
      character in identifiers is accepted in lower case too).
  R11 new_jobs ages a person by any of their ledger rows, in any community and
      whether or not active (the spec says "by any of their ledger rows"): the
      start counts when one of them gives working age at started_on. This is
      the one indicator for which an event needs a ledger person (compare R6).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys

import pandas as pd

RULES = {
    "retirement_age_male": 60,
    "retirement_age_female": 55,
    "min_working_age": 16,
    "clearance_days": 30,
    "long_term_days": 180,
    "min_staff": 1,
}

# --- the data contract -----------------------------------------------------

# (column, type, required)
SCHEMA = {
    "communities": [
        ("community_code", "str", True), ("community_name", "str", True),
        ("county", "str", True), ("street", "str", True),
        ("provincial_year", "int", False), ("provincial_star_year", "int", False),
        ("provincial_stars", "int", False), ("national", "bool", False),
        ("city_year", "int", False), ("city_stars", "int", False),
        ("contact_name", "str", False), ("contact_phone", "str", False),
    ],
    "persons": [
        ("person_id", "str", True), ("community_code", "str", True),
        ("household_id", "str", True), ("gender", "str", True),
        ("birth_date", "date", True), ("labor_capacity", "bool", True),
        ("wants_work", "bool", False), ("entered_on", "date", True),
        ("left_on", "date", False), ("left_reason", "str", False),
    ],
    "unemployment": [
        ("registration_id", "str", True), ("person_id", "str", True),
        ("community_code", "str", True), ("registered_on", "date", True),
        ("ended_on", "date", False), ("end_reason", "str", False),
    ],
    "employment": [
        ("record_id", "str", True), ("person_id", "str", True),
        ("community_code", "str", True), ("employer_name", "str", False),
        ("employer_code", "str", False), ("employment_type", "str", True),
        ("started_on", "date", True), ("ended_on", "date", False),
        ("recorded_at", "datetime", False),
    ],
    "hardship": [
        ("person_id", "str", True), ("community_code", "str", True),
        ("category", "str", True), ("designated_on", "date", True),
        ("revoked_on", "date", False),
    ],
    "zero_households": [
        ("household_id", "str", True), ("community_code", "str", True),
        ("identified_on", "date", True), ("cleared_on", "date", False),
    ],
    "services": [
        ("service_id", "str", True), ("person_id", "str", True),
        ("community_code", "str", True), ("service_type", "str", True),
        ("delivered_on", "date", True),
    ],
    "platform": [
        ("community_code", "str", True), ("year", "int", True),
        ("service_window", "bool", True), ("staff_count", "int", True),
        ("has_info_system", "bool", True), ("funding_yuan", "float", False),
    ],
}
OPTIONAL = {"services", "platform", "applications"}

KEYS = {
    "communities": ["community_code"],
    "persons": ["person_id", "community_code", "entered_on"],
    "unemployment": ["registration_id"],
    "employment": ["record_id"],
    "hardship": ["person_id", "community_code", "designated_on"],
    "zero_households": ["household_id", "community_code", "identified_on"],
    "services": ["service_id"],
    "platform": ["community_code", "year"],
}

# (start, end): a row whose end is before its start is rejected.
SPANS = {
    "persons": ("entered_on", "left_on"),
    "unemployment": ("registered_on", "ended_on"),
    "employment": ("started_on", "ended_on"),
    "hardship": ("designated_on", "revoked_on"),
    "zero_households": ("identified_on", "cleared_on"),
}

GENDER = {"男": "M", "女": "F", "M": "M", "F": "F"}
ALLOWED = {  # reading R7
    ("persons", "left_reason"): {"迁出", "死亡", "退休", "其他"},
    ("unemployment", "end_reason"): {"就业", "迁出", "退休", "死亡", "其他"},
    ("employment", "employment_type"): {"单位就业", "灵活就业", "自主创业", "公益性岗位"},
    ("services", "service_type"): {"职业指导", "职业介绍", "职业培训", "政策咨询", "就业援助"},
    ("communities", "provincial_stars"): {1, 2, 3, 4, 5},
    ("communities", "city_stars"): {1, 2, 3, 4, 5},
}

BOOL = {
    "true": True, "false": False, "1": True, "0": False, "y": True, "n": False,
    "是": True, "否": False, "有": True, "无": False,
}

_DATE_RES = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
]
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_date(s: str):
    for rx in _DATE_RES:
        m = rx.match(s)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    return None


def parse_datetime(s: str):
    parts = re.split(r"[ T]+", s, maxsplit=1)
    d = parse_date(parts[0])
    if d is None:
        return None
    if len(parts) == 1:
        return dt.datetime(d.year, d.month, d.day)
    m = _TIME_RE.match(parts[1])
    if not m:
        return None
    try:
        return dt.datetime(d.year, d.month, d.day, int(m[1]), int(m[2]), int(m[3] or 0))
    except ValueError:
        return None


def parse_bool(s: str):
    return BOOL.get(s.lower(), None)


def parse_int(s: str):
    try:
        return int(s)
    except ValueError:
        try:
            f = float(s)
        except ValueError:
            return None
        return int(f) if f.is_integer() else None


def parse_float(s: str):
    try:
        return float(s)
    except ValueError:
        return None


PARSERS = {"date": parse_date, "datetime": parse_datetime, "bool": parse_bool,
           "int": parse_int, "float": parse_float}


def find_file(folder: str, table: str):
    for ext in ("csv", "tsv", "txt"):
        p = os.path.join(folder, f"{table}.{ext}")
        if os.path.exists(p):
            return p
    return None


def read_table(folder: str, table: str):
    """Returns (frame of typed valid rows, number of rejected rows), or (None, 0)
    when the (optional) table has no file."""
    path = find_file(folder, table)
    if path is None:
        if table in OPTIONAL:
            return None, 0
        raise SystemExit(f"reference: required table {table} missing in {folder}")
    with open(path, "rb") as fh:
        head = fh.readline()
    sep = "\t" if head.count(b"\t") > head.count(b",") else ","
    raw = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, na_filter=False,
                      encoding="utf-8-sig")
    raw.columns = [c.strip() for c in raw.columns]
    n = len(raw)
    ok = pd.Series(True, index=raw.index)
    out = pd.DataFrame(index=raw.index)
    for col, typ, req in SCHEMA[table]:
        if col not in raw.columns:
            if req:
                raise SystemExit(f"reference: {table} lacks required column {col}")
            out[col] = None
            continue
        vals = raw[col].str.strip()
        empty = vals.eq("")
        if req:
            ok &= ~empty
        if typ == "str":
            v = vals.where(~empty, None)
            if col == "person_id":
                v = v.str.upper()
            if col == "gender":  # reading R10: m/f as M/F
                mapped = v.str.upper().map(GENDER)
                ok &= ~(v.notna() & mapped.isna())
                v = mapped
        else:
            uniq = {u: PARSERS[typ](u) for u in vals[~empty].unique()}
            v = vals.map(lambda s: None if s == "" else uniq[s])
            ok &= ~(~empty & v.isna())  # unparseable
        allowed = ALLOWED.get((table, col))
        if allowed is not None:
            ok &= v.isna() | v.isin(allowed)
        out[col] = v
    span = SPANS.get(table)
    if span:
        a, b = span
        has = out[b].notna() & out[a].notna()
        bad = pd.Series(False, index=out.index)
        bad[has] = [e < s for s, e in zip(out.loc[has, a], out.loc[has, b])]
        ok &= ~bad
    out = out[ok]
    out = out[~out.duplicated(KEYS[table], keep="first")]  # reading R1
    for col, typ, _ in SCHEMA[table]:
        if typ in ("date", "datetime"):
            out[col] = pd.to_datetime(out[col])
    return out.reset_index(drop=True), n - len(out)


def load(folder: str):
    tables, rejected = {}, {}
    for t in SCHEMA:
        tables[t], rejected[t] = read_table(folder, t)
    return tables, rejected


# --- the building blocks, in the spec's words ------------------------------

def active_at(df, d):
    return (df.entered_on <= d) & (df.left_on.isna() | (df.left_on > d))


def covers(df, d):
    return (df.started_on <= d) & (df.ended_on.isna() | (df.ended_on >= d))


def open_at(df, d):
    return (df.registered_on <= d) & (df.ended_on.isna() | (df.ended_on > d))


def overlaps_registration(df, s, a):
    return (df.registered_on <= a) & (df.ended_on.isna() | (df.ended_on >= s))


def overlaps_designation(df, s, a):
    return (df.designated_on <= a) & (df.revoked_on.isna() | (df.revoked_on >= s))


def in_period(col, s, a):
    return (col >= s) & (col <= a)


def age_at(birth: pd.Series, d: pd.Timestamp) -> pd.Series:
    before = (birth.dt.month > d.month) | ((birth.dt.month == d.month) & (birth.dt.day > d.day))
    return d.year - birth.dt.year - before.astype(int)


def age_on(birth: pd.Series, d: pd.Series) -> pd.Series:
    """Whole years from each birth date to the date beside it (a row's own
    date, say a job's started_on): the birthday itself counts."""
    before = (birth.dt.month > d.dt.month) | ((birth.dt.month == d.dt.month) & (birth.dt.day > d.dt.day))
    return d.dt.year - birth.dt.year - before.astype(int)


EVENT_TABLES = ["unemployment", "employment", "hardship", "zero_households", "services"]


def extract_date(t) -> dt.date:
    """as_of = "extract": the latest recorded_at (its date), or failing that the
    latest date in any event table (reading R9: every date column of the five
    event tables, rejected rows left out)."""
    rec = t["employment"].recorded_at.dropna()
    if not rec.empty:
        return rec.max().date()
    dates = []
    for name in EVENT_TABLES:
        df = t[name]
        if df is None:
            continue
        for col, typ, _ in SCHEMA[name]:
            if typ == "date":
                dates.append(df[col].max())
    dates = [d for d in dates if not pd.isna(d)]
    if not dates:
        raise SystemExit("reference: no date in any event table for as_of = extract")
    return max(dates).date()


def resolve(t, as_of: str, years: str | None):
    """The cut-off and years the way the pipeline reads them: a date or
    `extract`; years default to the as_of year and the one before it."""
    a = extract_date(t) if as_of == "extract" else dt.date.fromisoformat(as_of)
    ys = [int(y) for y in years.split(",")] if years else [a.year - 1, a.year]
    return a, ys


def cutoff(year: int, as_of: dt.date) -> dt.date:
    if year > as_of.year:  # reading R3
        raise SystemExit(f"reference: review year {year} is after the cut-off {as_of}")
    if year < as_of.year:
        return dt.date(year, 12, 31)
    return as_of


def distinct_count(df: pd.DataFrame, key: str) -> pd.Series:
    """Distinct `key` per community_code."""
    if df.empty:
        return pd.Series(dtype="int64")
    return df.groupby("community_code")[key].nunique()


def rate(num: pd.Series, den: pd.Series) -> pd.Series:
    num = num.astype("float64")
    den = den.astype("float64")
    r = num / den
    return r.where(den != 0)  # null, never 0 or 1, when the denominator is 0


# --- the indicators --------------------------------------------------------

def members(t, year: int, as_of: dt.date, rules=RULES) -> dict:
    """For one year: the rows/persons behind each count, per community. Returns
    a dict name -> DataFrame with community_code and the counted key."""
    A = pd.Timestamp(cutoff(year, as_of))
    S = pd.Timestamp(dt.date(year, 1, 1))
    persons, unemp, emp = t["persons"], t["unemployment"], t["employment"]
    hard, zero, serv = t["hardship"], t["zero_households"], t["services"]
    m = {}

    employed_at_A = set(emp.loc[covers(emp, A), "person_id"])

    # labour force (reading R4)
    p = persons[active_at(persons, A) & persons.labor_capacity.astype(bool)]
    age = age_at(p.birth_date, A)
    retire = p.gender.map({"M": rules["retirement_age_male"], "F": rules["retirement_age_female"]})
    p = p[(age >= rules["min_working_age"]) & (age < retire)]
    m["labor_force"] = p[["community_code", "person_id"]]
    m["employed"] = m["labor_force"][m["labor_force"].person_id.isin(employed_at_A)]

    # registered unemployment
    m["registered_unemployed"] = unemp.loc[open_at(unemp, A), ["community_code", "person_id"]]
    ov = unemp[overlaps_registration(unemp, S, A)]
    m["unemployed_in_period"] = ov[["community_code", "person_id"]]
    # R: an employment record (any community) starting in [max(S, registered_on), A]
    # for some overlapping registration of theirs in c.
    j = ov[["community_code", "person_id", "registered_on"]].merge(
        emp[["person_id", "started_on"]], on="person_id", how="inner")
    lo = j.registered_on.where(j.registered_on > S, S)
    j = j[(j.started_on >= lo) & (j.started_on <= A)]
    m["reemployed_in_period"] = j[["community_code", "person_id"]]

    # long-term: open at A, registered more than long_term_days before A
    o = unemp[open_at(unemp, A)]
    o = o[(A - o.registered_on).dt.days > rules["long_term_days"]]
    m["long_term_unemployed"] = o[["community_code", "person_id"]]

    # hardship
    h = hard.loc[overlaps_designation(hard, S, A), ["community_code", "person_id"]]
    m["hardship_persons"] = h
    m["hardship_employed"] = h[h.person_id.isin(employed_at_A)]
    if serv is not None:
        served = set(serv.loc[in_period(serv.delivered_on, S, A), "person_id"])
        m["assisted"] = h[h.person_id.isin(served)]

    # zero-employment households (reading R5)
    z = zero[(zero.identified_on <= A) & (zero.cleared_on.isna() | (zero.cleared_on >= S))].copy()
    end = z.cleared_on.where(z.cleared_on.notna() & (z.cleared_on <= A), A)
    z["days"] = (end - z.identified_on).dt.days
    m["zero_households"] = z[["community_code", "household_id"]]
    m["zero_households_open"] = z.loc[z.cleared_on.isna() | (z.cleared_on > A),
                                      ["community_code", "household_id"]]
    m["zero_households_overdue"] = z.loc[z.days > rules["clearance_days"],
                                         ["community_code", "household_id"]]
    m["_zero_rows"] = z

    # new jobs: starts in P of persons of working age at that start by any of
    # their ledger rows; a person without a ledger row is not counted.
    n = emp.loc[in_period(emp.started_on, S, A), ["community_code", "person_id", "started_on"]]
    n = n.merge(persons[["person_id", "birth_date", "gender"]], on="person_id", how="inner")
    n_age = age_on(n.birth_date, n.started_on)
    n_retire = n.gender.map({"M": rules["retirement_age_male"], "F": rules["retirement_age_female"]})
    n = n[(n_age >= rules["min_working_age"]) & (n_age < n_retire)]
    m["new_jobs"] = n[["community_code", "person_id"]]
    if serv is not None:
        m["services_delivered"] = serv.loc[in_period(serv.delivered_on, S, A),
                                           ["community_code", "service_id"]]
    return m


PERSON_COUNTS = [
    "labor_force", "employed", "registered_unemployed", "unemployed_in_period",
    "reemployed_in_period", "hardship_persons", "hardship_employed", "new_jobs",
    "long_term_unemployed", "assisted",
]
HOUSEHOLD_COUNTS = ["zero_households", "zero_households_open", "zero_households_overdue"]

COLUMNS = [
    "community_code", "community_name", "county", "street", "year", "labor_force",
    "employed", "registered_unemployed", "registered_unemployment_rate",
    "unemployed_in_period", "reemployed_in_period", "reemployment_rate",
    "hardship_persons", "hardship_employed", "hardship_employment_rate",
    "zero_households", "zero_households_open", "zero_households_overdue",
    "zero_households_max_days", "new_jobs", "long_term_unemployed",
    "assistance_targets", "assisted", "assistance_coverage", "services_delivered",
    "platform_ok",
]


def compute(t, as_of: dt.date, years, rules=RULES) -> pd.DataFrame:
    comm = t["communities"][["community_code", "community_name", "county", "street"]]
    frames = []
    for year in years:
        m = members(t, year, as_of, rules)
        df = comm.copy().set_index("community_code")
        df["year"] = year

        def count(name, key):
            if name not in m:
                return pd.Series(pd.NA, index=df.index, dtype="Int64")  # optional table missing
            c = distinct_count(m[name], key)
            return c.reindex(df.index).fillna(0).astype("Int64")

        for name in PERSON_COUNTS:
            df[name] = count(name, "person_id")
        for name in HOUSEHOLD_COUNTS:
            df[name] = count(name, "household_id")
        df["services_delivered"] = count("services_delivered", "service_id")
        z = m["_zero_rows"]
        mx = z.groupby("community_code")["days"].max() if not z.empty else pd.Series(dtype="int64")
        df["zero_households_max_days"] = mx.reindex(df.index).astype("Int64")
        df["assistance_targets"] = df["hardship_persons"]

        df["registered_unemployment_rate"] = rate(
            df.registered_unemployed, df.employed + df.registered_unemployed)
        df["reemployment_rate"] = rate(df.reemployed_in_period, df.unemployed_in_period)
        df["hardship_employment_rate"] = rate(df.hardship_employed, df.hardship_persons)
        if "assisted" in m:
            df["assistance_coverage"] = rate(df.assisted, df.hardship_persons)
        else:
            df["assistance_coverage"] = pd.Series(pd.NA, index=df.index, dtype="Float64")

        plat = t["platform"]
        if plat is None:
            df["platform_ok"] = pd.Series(pd.NA, index=df.index, dtype="boolean")
        else:
            pl = plat[plat.year == year].set_index("community_code")
            ok = (pl.service_window.astype(bool) & (pl.staff_count >= rules["min_staff"])
                  & pl.has_info_system.astype(bool))
            df["platform_ok"] = ok.reindex(df.index).astype("boolean")
        frames.append(df.reset_index())
    out = pd.concat(frames, ignore_index=True)
    return out[COLUMNS]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--as-of", required=True, help="YYYY-MM-DD or `extract`")
    ap.add_argument("--years", help="comma-separated; default: the as_of year and the one before")
    ap.add_argument("--out")
    a = ap.parse_args(argv)
    t, rejected = load(a.input)
    as_of, years = resolve(t, a.as_of, a.years)
    print(f"reference: as_of {as_of}, years {years}, rejected rows per table: {rejected}",
          file=sys.stderr)
    out = compute(t, as_of, years)
    if a.out and a.out.endswith(".parquet"):
        out.to_parquet(a.out, index=False)
    elif a.out:
        out.to_csv(a.out, index=False)
    else:
        print(out.to_string())


if __name__ == "__main__":
    main()
