"""Rewrites a generated extract so that it exercises the spec's edges, for the
reference check (tests/reference_check.rs). Deterministic for a given seed.

    python3 tests/reference/edge_cases.py --input GEN --out EDGE --as-of 2021-09-30 \
        --years 2020,2021 [--boundaries] [--spellings] [--seed 7]

--boundaries moves a share of the dates onto the edges of every definition (the
cut-off A and the period start S of each review year, and the day on either
side): ledger stays that end on A, records that start or end on A, registrations
that end on S or on A, designations revoked on S - 1, households cleared on S,
30 and 31 days after identification, registrations 179/180/181 days old,
birthdays that reach 16, 55 or 60 on A or the day after (29 February when the
year has one), re-employment starting on the registration day or the day
before; employment starting the day its person turns 16, 55 or 60 (or the
day before or after) and employment of persons the ledger does not know; platform rows with no staff or missing; services, registrations and
employment records in another community than the person's own; a person
registered in two communities and re-employed between the two registration
days; events in a community that is not in `communities` (an employment record
or the only service of a hardship person there); communities with no event at
all; a rejected employment row keyed in after every other (it must not move
as_of = extract); and a few rows the contract rejects (duplicate keys with
other values, end before start, an empty required cell, values outside the
allowed set), under 1% of each table.

--drop-optional leaves out services, platform and applications;
--drop-recorded-at leaves out employment.recorded_at (as_of = extract then
falls back to the latest event date).

--spellings rewrites values into the other spellings the contract accepts,
without changing their meaning: booleans as 1/0, Y/N, 是/否, 有/无; gender as M/F;
dates as 2021/12/31, 2021.12.31, 20211231, 2021年12月31日; a lower-case check
character `x` in identifiers; spaces around cells; one file with a BOM and one
tab-separated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil

import pandas as pd

D = dt.date
DAY = dt.timedelta(days=1)
DATE_COLS = {
    "persons": [("entered_on", "left_on")],
    "unemployment": [("registered_on", "ended_on")],
    "employment": [("started_on", "ended_on")],
    "hardship": [("designated_on", "revoked_on")],
    "zero_households": [("identified_on", "cleared_on")],
    "services": [("delivered_on", None)],
}
BOOL_COLS = {
    "persons": ["labor_capacity", "wants_work"],
    "platform": ["service_window", "has_info_system"],
    "communities": ["national"],
    "applications": ["street_recommends", "county_recommends"],
}
ALL_DATE_COLS = {
    "persons": ["birth_date", "entered_on", "left_on"],
    "unemployment": ["registered_on", "ended_on"],
    "employment": ["started_on", "ended_on"],
    "hardship": ["designated_on", "revoked_on"],
    "zero_households": ["identified_on", "cleared_on"],
    "services": ["delivered_on"],
    "applications": ["submitted_on"],
}


def pd_(s):
    return D.fromisoformat(s) if s else None


def fmt(d):
    return d.isoformat() if d else ""


def years_before(d: D, k: int) -> D:
    try:
        return d.replace(year=d.year - k)
    except ValueError:  # 29 February
        return D(d.year - k, 2, 28)


def reaches(birth: D, age: int) -> D:
    """The day a person born on `birth` reaches `age` (reading R2: a 29 February
    birthday is reached on 1 March in a common year)."""
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:
        return D(birth.year + age, 3, 1)


def identifier(body: str) -> str:
    """A 17-digit body with its GB 11643 check character."""
    total = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(body))
    return body + "10X98765432"[total % 11]


def cutoff(year, as_of):
    return D(year, 12, 31) if year < as_of.year else as_of


def read(folder, t):
    p = os.path.join(folder, f"{t}.csv")
    if not os.path.exists(p):
        return None
    return pd.read_csv(p, dtype=str, keep_default_na=False, na_filter=False)


def boundaries(t, rng: random.Random, as_of: D, years):
    anchors = []
    for y in years:
        anchors += [D(y, 1, 1), cutoff(y, as_of)]
    cutoffs = [cutoff(y, as_of) for y in years]
    S = [D(y, 1, 1) for y in years]

    def edge():
        return rng.choice(anchors) + rng.choice([-1, 0, 1]) * DAY

    # 1. every start/end column: a share of rows moved onto an edge, order kept
    for table, spans in DATE_COLS.items():
        df = t[table]
        for start, end in spans:
            for i in range(len(df)):
                if rng.random() >= 0.05:
                    continue
                s, e = pd_(df.at[i, start]), (pd_(df.at[i, end]) if end else None)
                if end and rng.random() < 0.5:
                    e = edge()
                    if s > e:
                        s = e - rng.randint(0, 400) * DAY
                else:
                    s = edge()
                    if e is not None and e < s:
                        e = s + rng.randint(0, 60) * DAY
                df.at[i, start] = fmt(s)
                if end:
                    df.at[i, end] = fmt(e)

    # 2. working-age birthdays: 16, 55 and 60 reached on A, the day before or after
    p = t["persons"]
    for i in range(len(p)):
        if rng.random() < 0.04:
            a = rng.choice(cutoffs)
            b = years_before(a, rng.choice([16, 55, 60])) + rng.choice([-1, 0, 1]) * DAY
            p.at[i, "birth_date"] = fmt(b)

    # 3. long-term unemployment: registered 179/180/181 days before A, open or ending on A
    u = t["unemployment"]
    for i in range(len(u)):
        if rng.random() < 0.04:
            a = rng.choice(cutoffs)
            u.at[i, "registered_on"] = fmt(a - (180 + rng.choice([-1, 0, 1])) * DAY)
            u.at[i, "ended_on"] = fmt(rng.choice([None, None, a, a + DAY]))

    # 4. re-employment: a record starting on the registration day, the day before,
    #    or on S for a registration from before S
    e = t["employment"]
    by_person = e.groupby("person_id").groups
    for i in range(len(u)):
        if rng.random() >= 0.06:
            continue
        pid = u.at[i, "person_id"]
        if pid not in by_person:
            continue
        j = rng.choice(list(by_person[pid]))
        reg = pd_(u.at[i, "registered_on"])
        s0 = rng.choice(S)
        start = rng.choice([reg, reg - DAY, s0 if reg < s0 else reg, s0 - DAY])
        e.at[j, "started_on"] = fmt(start)
        end = pd_(e.at[j, "ended_on"])
        if end is not None and end < start:
            e.at[j, "ended_on"] = fmt(start + rng.randint(0, 90) * DAY)

    # 5. zero-employment households: 29/30/31 days to clearance, around A and S
    z = t["zero_households"]
    for i in range(len(z)):
        if rng.random() >= 0.3:
            continue
        a = rng.choice(cutoffs)
        k = rng.choice([29, 30, 31])
        kind = rng.randrange(4)
        if kind == 0:  # still open at A, identified k days before
            z.at[i, "identified_on"], z.at[i, "cleared_on"] = fmt(a - k * DAY), rng.choice(["", fmt(a + DAY)])
        elif kind == 1:  # cleared on A after k days
            z.at[i, "identified_on"], z.at[i, "cleared_on"] = fmt(a - k * DAY), fmt(a)
        elif kind == 2:  # cleared on S (or the day before) after k days
            s = rng.choice(S) + rng.choice([-1, 0]) * DAY
            z.at[i, "identified_on"], z.at[i, "cleared_on"] = fmt(s - k * DAY), fmt(s)
        else:  # identified on A
            z.at[i, "identified_on"], z.at[i, "cleared_on"] = fmt(a), ""
    # a household identified twice in the same community (a distinct key)
    extra = []
    for i in rng.sample(range(len(z)), min(5, len(z))):
        r = z.loc[i].copy()
        ident = pd_(r.identified_on) - rng.randint(40, 400) * DAY
        r["identified_on"], r["cleared_on"] = fmt(ident), fmt(ident + rng.randint(0, 60) * DAY)
        extra.append(r)
    t["zero_households"] = z = pd.concat([z, pd.DataFrame(extra)], ignore_index=True)

    # 6. platform: no staff, no information system, missing rows
    pl = t["platform"]
    for i in range(len(pl)):
        r = rng.random()
        if r < 0.03:
            pl.at[i, "staff_count"] = "0"
        elif r < 0.06:
            pl.at[i, "has_info_system"] = "false"
    drop = rng.sample(range(len(pl)), 6)
    t["platform"] = pl = pl.drop(index=drop).reset_index(drop=True)

    # 7. events in a community that is not in `communities` (they count nowhere,
    #    but an employment record there still makes its person employed)
    nowhere = "419999999999"
    still_registered = sorted(set(u.loc[u.ended_on == "", "person_id"]))
    for k, pid in enumerate(rng.sample(still_registered, min(8, len(still_registered)))):
        r = {c: "" for c in e.columns}
        r.update(record_id=f"EXNOWHERE{k:04d}", person_id=pid,
                 community_code=nowhere, employment_type="灵活就业",
                 started_on=fmt(rng.choice(cutoffs)), ended_on="")
        e.loc[len(e)] = r
    hs = t["hardship"]
    for i in rng.sample(range(len(hs)), 3):
        r = hs.loc[i].copy()
        r["community_code"] = nowhere
        hs.loc[len(hs)] = r
    # hardship persons whose only services in the period were delivered there:
    # still assisted ("at least one service (any community)")
    sv = t["services"]
    added = []
    for k, i in enumerate(rng.sample(range(len(hs)), 20)):
        pid = hs.at[i, "person_id"]
        sv = sv[sv.person_id != pid]
        added.append({
            "service_id": f"SXNOWHERE{k:04d}", "person_id": pid, "community_code": nowhere,
            "service_type": "就业援助", "delivered_on": fmt(rng.choice(anchors))})
    t["services"] = pd.concat([sv, pd.DataFrame(added)], ignore_index=True)

    # communities with no row in any other table: every count 0, every rate,
    # max_days and platform_ok null
    c = t["communities"]
    for k in range(3):
        r = c.loc[rng.randrange(len(c))].copy()
        r["community_code"] = f"4199990000{k:02d}"
        r["community_name"] = f"空白社区{k}"
        c.loc[len(c)] = r

    # 8. events registered in another community than the person's own: services
    #    (assisted counts a service in any community), registrations (a person
    #    registered in two communities), employment records (employed anywhere)
    codes = [c for c in t["communities"].community_code if not c.startswith("41999900")]
    for df, share in ((t["services"], 0.05), (u, 0.04), (e, 0.04)):
        for i in range(len(df)):
            if rng.random() < share:
                df.at[i, "community_code"] = rng.choice(codes)

    # 9. a person registered in two communities, re-employed between the two
    #    registration days: re-employed for the first community only
    regs = u[u.registered_on != ""].copy()
    regs["d"] = regs.registered_on.map(pd_)
    twice = [g.sort_values("d") for _, g in regs.groupby("person_id") if len(g) >= 2]
    for g in rng.sample(twice, min(30, len(twice))):
        i1, i2 = g.index[0], g.index[1]
        d1, d2 = g.d.iloc[0], g.d.iloc[1]
        if (d2 - d1).days < 2 or g.person_id.iloc[0] not in by_person:
            continue
        u.at[i2, "community_code"] = rng.choice(codes)
        j = rng.choice(list(by_person[g.person_id.iloc[0]]))
        start = d1 + (d2 - d1) // 2
        e.at[j, "started_on"] = fmt(start)
        end = pd_(e.at[j, "ended_on"])
        if end is not None and end < start:
            e.at[j, "ended_on"] = fmt(start + rng.randint(0, 90) * DAY)

    # 9b. new jobs: records starting on the day their person turns 16, 55 or 60,
    #     the day before or the day after (working age at the start by the
    #     ledger), and records of persons the ledger does not know (not counted)
    p = t["persons"]
    births = {}
    for i in range(len(p)):
        births.setdefault(p.at[i, "person_id"], pd_(p.at[i, "birth_date"]))
    for j in rng.sample(range(len(e)), min(40, len(e))):
        b = births.get(e.at[j, "person_id"])
        if b is None:
            continue
        start = rng.choice(cutoffs)
        for age in rng.sample([16, 55, 60], 3):
            d = reaches(b, age) + rng.choice([-1, 0, 1]) * DAY
            if any(s0 <= d <= cutoff(s0.year, as_of) for s0 in S):
                start = d
                break
        e.at[j, "started_on"] = fmt(start)
        end = pd_(e.at[j, "ended_on"])
        if end is not None and end < start:
            e.at[j, "ended_on"] = fmt(start + rng.randint(0, 90) * DAY)
    for k in range(5):
        r = {col: "" for col in e.columns}
        r.update(record_id=f"EXNOLEDGER{k:04d}", person_id=identifier(f"41999919800101{k:03d}"),
                 community_code=rng.choice(codes), employment_type="灵活就业",
                 started_on=fmt(rng.choice(cutoffs)), ended_on="")
        e.loc[len(e)] = r

    # 10. rows the contract rejects, under 1% of each table (max_reject_ratio)
    def dup(df, i, **changes):
        r = df.loc[i].copy()
        for k, v in changes.items():
            r[k] = v
        df.loc[len(df)] = r

    a = cutoffs[-1]
    n = len(u)
    dup(u, rng.randrange(n), community_code=u.at[rng.randrange(n), "community_code"],
        registered_on=fmt(a - 300 * DAY), ended_on="")  # duplicate registration_id
    dup(u, rng.randrange(n), registration_id="UBADSPAN1", registered_on=fmt(a),
        ended_on=fmt(a - DAY))  # ends before it starts
    dup(u, rng.randrange(n), registration_id="UBADEMPTY1", person_id="", ended_on="")
    n = len(e)
    # a duplicate record_id keyed in after everything else: rejected, so it must
    # not move the extract's date (as_of = extract) either
    late = max(pd_(v[:10]) for v in e.recorded_at if v) + 45 * DAY
    dup(e, rng.randrange(n), started_on=fmt(a), ended_on="", recorded_at=f"{fmt(late)} 23:59:59")
    dup(e, rng.randrange(n), record_id="EBADTYPE1", employment_type="兼职", started_on=fmt(a), ended_on="")
    dup(e, rng.randrange(n), record_id="EBADDATE1", started_on="2021-02-30", ended_on="")
    n = len(p)
    i = rng.randrange(n)
    dup(p, i, gender="女" if p.at[i, "gender"] == "男" else "男", labor_capacity="false")  # dup key
    dup(p, rng.randrange(n), person_id="110101199003071234", gender="X")
    dup(p, rng.randrange(n), person_id="110101199003075678", labor_capacity="maybe")
    n = len(hs)
    dup(hs, rng.randrange(n), category="残疾人")  # duplicate key
    dup(hs, rng.randrange(n), designated_on=fmt(a), revoked_on=fmt(a - 5 * DAY))
    dup(z, rng.randrange(len(z)), household_id="ZBADSPAN", identified_on=fmt(a), cleared_on=fmt(a - DAY))
    sv = t["services"]
    dup(sv, rng.randrange(len(sv)), delivered_on=fmt(a))  # duplicate service_id
    dup(sv, rng.randrange(len(sv)), service_id="SBADTYPE", service_type="上门走访", delivered_on=fmt(a))
    c = t["communities"]
    dup(c, rng.randrange(len(c)), community_name="重复社区")  # duplicate code, first kept
    dup(pl, rng.randrange(len(pl)), staff_count="三")  # duplicate key and unparseable


SPELL_TRUE = ["true", "1", "Y", "是", "有"]
SPELL_FALSE = ["false", "0", "N", "否", "无"]


def spell_date(s, rng):
    if not s or len(s) != 10:
        return s
    y, m, d = s[:4], s[5:7], s[8:10]
    return rng.choice([s, f"{y}/{m}/{d}", f"{y}.{m}.{d}", f"{y}{m}{d}", f"{y}年{m}月{d}日"])


def spellings(t, rng: random.Random):
    for table, cols in BOOL_COLS.items():
        df = t.get(table)
        if df is None:
            continue
        for c in cols:
            df[c] = [rng.choice(SPELL_TRUE) if v == "true" else rng.choice(SPELL_FALSE)
                     if v == "false" else v for v in df[c]]
    p = t["persons"]
    p["gender"] = [{"男": "M", "女": "F"}.get(v, v) if rng.random() < 0.5 else v for v in p.gender]
    for table, cols in ALL_DATE_COLS.items():
        df = t.get(table)
        if df is None:
            continue
        for c in cols:
            df[c] = [spell_date(v, rng) for v in df[c]]
    e = t["employment"]
    e["recorded_at"] = [v[:16] if v and rng.random() < 0.3 else v for v in e.recorded_at]
    for table in ("persons", "unemployment", "employment", "hardship", "services"):
        df = t[table]
        df["person_id"] = [v.lower() if v.endswith("X") and rng.random() < 0.5 else v
                           for v in df.person_id]
    for table in ("unemployment", "hardship"):
        df = t[table]
        df["community_code"] = [f" {v} " if rng.random() < 0.05 else v for v in df.community_code]


def write(t, out, spelled, rng):
    os.makedirs(out, exist_ok=True)
    for name, df in t.items():
        if df is None:
            continue
        path = os.path.join(out, f"{name}.csv")
        if spelled and name == "services":
            df.to_csv(path, index=False, sep="\t")
        elif spelled and name == "hardship":
            df.to_csv(path, index=False, encoding="utf-8-sig")
        else:
            df.to_csv(path, index=False)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--as-of", required=True, help="YYYY-MM-DD, or `extract`: the latest recorded_at")
    ap.add_argument("--drop-optional", action="store_true",
                    help="leave out the optional services, platform and applications tables")
    ap.add_argument("--drop-recorded-at", action="store_true",
                    help="leave out the optional employment.recorded_at column")
    ap.add_argument("--years", help="default: the as_of year and the one before")
    ap.add_argument("--boundaries", action="store_true")
    ap.add_argument("--spellings", action="store_true")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    years = [int(y) for y in a.years.split(",")] if a.years else None
    rng = random.Random(a.seed)
    names = ["communities", "persons", "unemployment", "employment", "hardship",
             "zero_households", "services", "platform", "applications"]
    t = {n: read(a.input, n) for n in names}
    if a.as_of == "extract":
        as_of = max(pd_(v[:10]) for v in t["employment"].recorded_at if v)
    else:
        as_of = D.fromisoformat(a.as_of)
    if a.boundaries:
        boundaries(t, rng, as_of, years or [as_of.year - 1, as_of.year])
    if a.spellings:
        spellings(t, rng)
    if a.drop_optional:
        for name in ("services", "platform", "applications"):
            t[name] = None
    if a.drop_recorded_at:
        t["employment"] = t["employment"].drop(columns="recorded_at")
    write(t, a.out, a.spellings, rng)
    gt = os.path.join(a.input, "ground_truth.csv")
    if os.path.exists(gt):
        shutil.copy(gt, os.path.join(a.out, "ground_truth.csv"))


if __name__ == "__main__":
    main()
