#!/usr/bin/env python3
"""Measures the falsification detectors on both sides: falsification found, and
honest practice left alone.

For each seed: `fullemp generate` writes a synthetic extract with
falsification injected into a share of the communities (`ground_truth.csv`)
and, in half of the clean ones by default, an honest confounder
(`confounders.csv`: a mover's old stay never closed, rehired retirees, a slow
clerk, a local large hire, quarterly keying, a small community, a death after
re-employment); `fullemp run` computes everything on it (cut-off = the
generator's review year's 31 December); this script reads the published
`findings/` dataset (Parquet, Hive-partitioned by year) and prints:

* recall per community-level pattern: the share of injected communities with
  a high or medium finding of the review year from ANY detector ("the
  detectors together"; for implausible_change, whose detector only ever
  reports low, its own finding counts too); overall, the same count over all
  injected communities, and beside it the strict overall share with a high or
  medium finding (which implausible_change, low by its rule, holds down);
* per confounder: how many of its clean communities got a high, a medium or
  a low finding (any year), from which detector, and how many got one more
  severe than the confounder allows (see ALLOWED);
* the share of clean communities with a high finding, and with a high or
  medium finding leaving out those whose confounder allows a medium;
* per detector, its precision: of the communities it flags high or medium,
  the share that are falsified;
* the county-level tests (digit_heaping, threshold_bunching) apart;
* the same figures over all seeds together.

Exit 0 when the bar holds on each seed and over all seeds together: recall
>= 90 % for every community-level pattern and >= 95 % overall, clean communities
with a high finding <= 0.5 %, with a high or medium one <= 5 % (leaving out the
honest practice allowed a medium), no honest practice above its acceptable
level. Recall is also printed per cell of the threat model
(docs/threat-model.md), with what fired on each pattern's communities. Exit 1 below the bar, 2 on a usage or tool error.

With `--years FIRST-LAST` the extracts hold a range of review years
(`fullemp generate --years`) and the runs rate every one of them: the
patterns act in the last year (recall is counted there), and a clean
community's findings of any year count against the bars, so the bars say
whether honest communities stay clean year after year as the rates drift.

    python3 scripts/quality.py --fullemp target/release/fullemp --seeds 1,2,3

Needs pyarrow (tests/requirements.txt).
"""

import argparse
import csv
import math
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import pyarrow.dataset as ds

REPO = pathlib.Path(__file__).resolve().parent.parent
COUNTY_PATTERNS = {"digit_heaping", "threshold_bunching"}
# Community-level detectors whose every finding is low by the rules of the
# detectors (a year-on-year change is a reason to look, not evidence). A
# pattern built for one of them leaves, by design, no trace a high or medium
# detector reads, so its per-pattern recall counts its own detector's finding
# at any severity. The overall recall stays strict: high or medium only.
LOW_ONLY = {"implausible_change"}
RECALL_BAR = 0.90
# Overall recall (high or medium, every community-level pattern together).
OVERALL_RECALL_BAR = 0.95
FALSE_HIGH_BAR = 0.005
FALSE_STRONG_BAR = 0.05
SEVERITY_RANK = {"none": 0, "low": 1, "medium": 2, "high": 3}
# A confounder allowed no finding may still draw the low findings that clean
# communities without any confounder draw by chance (a year-on-year change of
# a small rate, say); more than chance fails: a one-sided exact binomial test
# of its share of communities with a low finding against that baseline share,
# at CHANCE_ALPHA divided by the number of such confounders tested together
# (Bonferroni: with seven of them, one would pass 0.01 by chance now and then).
CHANCE_ALPHA = 0.01
# The most severe finding each honest confounder may draw (the table of honest
# practice in docs/detectors.md); "none" is read as "none beyond chance".
ALLOWED = {
    "stale_stay": "none",
    "stale_stay_origin": "low",
    "rehired_retiree": "none",
    "slow_closing": "none",
    "local_large_hire": "medium",
    "quarterly_keying": "medium",
    "small_community": "none",
    "death_after_reemployment": "none",
    "public_welfare_posts": "medium",
    "seasonal_work": "medium",
    "job_fair": "medium",
    "year_end_cleanup": "medium",
    "prompt_placement": "none",
    "designation_review": "medium",
    "temp_job_clearance": "none",
}
# The cell of the threat model (docs/threat-model.md) each community-level
# pattern of the generator fills: the rated figure it moves, and how.
CELLS = {
    "claimed_vs_registry": "claims: figure claimed above the registry",
    "cutoff_window_dressing": "reemployment_rate: start moved across the cut-off",
    "short_jobs": "reemployment_rate: numerator inflated",
    "brief_registrations": "reemployment_rate: numerator and denominator padded",
    "bulk_backfill": "reemployment_rate: records made after the fact",
    "reemployment_without_record": "reemployment_rate: closings without a record",
    "employer_concentration": "reemployment_rate: paper employer",
    "invalid_identity": "reemployment_rate: persons who cannot be counted",
    "duplicate_person": "reemployment_rate: persons of another community",
    "implausible_change": "reemployment_rate: year-on-year jump",
    "hardship_cover": "hardship_employment_rate: job kept over the cut-off",
    "revoked_designations": "hardship_employment_rate: denominator deflated",
    "closed_before_cutoff": "registered_unemployment_rate: numerator deflated",
    "service_burst": "assistance_coverage: records made after the fact",
    "unverified_clearance": "zero-household veto: clearance without a job",
    "thin_clearance": "zero-household veto: clearance backed by a passing job",
    "padded_new_jobs": "new_jobs: numerator inflated",
}


def default_binary():
    target = os.environ.get("CARGO_TARGET_DIR") or str(REPO / "target")
    return str(pathlib.Path(target) / "release" / "fullemp")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--fullemp", default=default_binary(),
                   help="the fullemp binary (default: $CARGO_TARGET_DIR or target/, release)")
    p.add_argument("--seeds", default="1,2", help="comma-separated seeds (at least one)")
    p.add_argument("--communities", type=int, default=1000)
    p.add_argument("--persons-per-community", type=int, default=100)
    p.add_argument("--fraud-share", type=float, default=0.2)
    p.add_argument("--confounders", type=float, default=0.5,
                   help="share of the clean communities given an honest confounder (default 0.5)")
    p.add_argument("--year", type=int, default=2021, help="the review year Y of the extracts")
    p.add_argument("--years", help="a range of review years FIRST-LAST (e.g. 2019-2021) instead "
                                   "of --year: every year rated, the patterns in the last")
    p.add_argument("--rules", default=str(REPO / "pipelines" / "rules" / "default.toml"),
                   help="rules file for the runs (default: the shipped defaults)")
    p.add_argument("--work", help="folder for extracts and runs (default: a temporary one, removed)")
    args = p.parse_args(argv)
    try:
        args.seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    except ValueError:
        p.error(f"--seeds must be whole numbers separated by commas, got {args.seeds!r}")
    if not args.seeds:
        p.error("--seeds names no seed")
    args.first_year = args.year - 1
    if args.years:
        try:
            args.first_year, args.year = (int(y) for y in args.years.split("-"))
        except ValueError:
            p.error(f"--years must be FIRST-LAST, e.g. 2019-2021, got {args.years!r}")
    if not pathlib.Path(args.fullemp).is_file():
        p.error(f"no fullemp binary at {args.fullemp}: build it (cargo build --release) or pass --fullemp")
    return args


def call(cmd, env=None):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.stderr.write(f"command failed ({r.returncode}): {' '.join(map(str, cmd))}\n{r.stderr}\n")
        raise SystemExit(2)


def generate_and_run(args, seed, work):
    extract = work / f"seed-{seed}" / "extract"
    out = work / f"seed-{seed}" / "out"
    call([args.fullemp, "--quiet", "generate", "--out", str(extract),
          "--communities", str(args.communities),
          "--persons-per-community", str(args.persons_per_community),
          "--seed", str(seed), "--years", f"{args.first_year}-{args.year}",
          "--fraud-share", str(args.fraud_share),
          "--confounders", str(args.confounders)])
    pipeline = work / f"seed-{seed}" / "pipeline.toml"
    pipeline.write_text(
        f'input_dir = "{extract}"\n'
        f'output_dir = "{out}"\n'
        f'as_of = "{args.year}-12-31"\n'
        f'years = [{", ".join(str(y) for y in range(args.first_year, args.year + 1))}]\n'
        f'rules_file = "{pathlib.Path(args.rules).resolve()}"\n',
        encoding="utf-8")
    env = dict(os.environ, FULLEMP_PII_KEY="quality-check-key")
    call([args.fullemp, "--quiet", "run", "--pipeline", str(pipeline), "--force"], env=env)
    return extract, out / "latest"


def read_truth(extract):
    with open(extract / "ground_truth.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_confounders(extract):
    path = extract / "confounders.csv"
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        if r["confounder"] not in ALLOWED:
            sys.stderr.write(f"unknown confounder {r['confounder']!r} in {path}\n")
            raise SystemExit(2)
    return rows


def read_communities(extract):
    with open(extract / "communities.csv", encoding="utf-8-sig", newline="") as f:
        return [row["community_code"] for row in csv.DictReader(f)]


def read_findings(run):
    folder = run / "findings"
    if not folder.is_dir():
        sys.stderr.write(f"the run wrote no findings/ folder: {folder}\n")
        raise SystemExit(2)
    table = ds.dataset(str(folder), format="parquet", partitioning="hive").to_table(
        columns=["detector", "severity", "level", "community_code", "county", "year"])
    return table.to_pylist()


class Tally:
    """Counts of one seed, or of several added together."""

    COUNTERS = ("injected", "found_any", "found_bar", "found_own", "counties", "counties_found",
                "counties_other", "conf_n", "conf_over", "conf_low", "det_flagged", "det_true")

    def __init__(self):
        self.injected = {}       # pattern -> communities
        self.found_any = {}      # pattern -> with a high/medium finding of any detector
        self.found_bar = {}      # pattern -> found as the per-pattern bar counts it
        self.found_own = {}      # pattern -> with any finding of its own detector
        self.clean = 0
        self.clean_high = 0
        self.clean_strong_base = 0  # clean communities not allowed a medium by a confounder
        self.clean_strong = 0       # of those, with a high or medium finding
        self.counties = {}       # county pattern -> injected counties
        self.counties_found = {}
        self.counties_other = {}  # county pattern -> other counties flagged by its test
        self.conf_n = {}         # confounder -> clean communities carrying it
        self.conf_over = {}      # confounder -> of those, flagged above what it allows
        self.conf_low = {}       # confounder -> of those, with a low finding (and no worse)
        self.plain = 0           # clean communities without any confounder
        self.plain_low = 0       # of those, with a low finding (and no worse)
        self.conf_hits = {}      # confounder -> {(severity, detector): communities}
        self.pattern_hits = {}   # pattern -> {(severity, detector): communities}, review year
        self.det_flagged = {}    # detector -> communities it flags high or medium
        self.det_true = {}       # detector -> of those, falsified

    def add(self, other):
        for name in self.COUNTERS:
            mine, theirs = getattr(self, name), getattr(other, name)
            for k, v in theirs.items():
                mine[k] = mine.get(k, 0) + v
        for table, theirs in ((self.conf_hits, other.conf_hits),
                              (self.pattern_hits, other.pattern_hits)):
            for c, hits in theirs.items():
                mine = table.setdefault(c, {})
                for k, v in hits.items():
                    mine[k] = mine.get(k, 0) + v
        self.clean += other.clean
        self.plain += other.plain
        self.plain_low += other.plain_low
        self.clean_high += other.clean_high
        self.clean_strong_base += other.clean_strong_base
        self.clean_strong += other.clean_strong


def bump(d, k, n=1):
    d[k] = d.get(k, 0) + n


def score(truth, confounders, communities, findings, year):
    t = Tally()
    community_truth = {r["community_code"]: r["pattern"] for r in truth if r["community_code"]}
    county_truth = [(r["pattern"], r["county"]) for r in truth if not r["community_code"]]
    carried = {}
    for r in confounders:
        carried.setdefault(r["community_code"], set()).add(r["confounder"])
    strong_this_year = {}
    any_this_year = {}
    pairs_this_year = {}
    # Any review year: (severity, detector) pairs of each community.
    any_year = {}
    for f in findings:
        if f["level"] != "community" or not f["community_code"]:
            continue
        code = f["community_code"]
        any_year.setdefault(code, set()).add((f["severity"], f["detector"]))
        if f["year"] == year:
            any_this_year.setdefault(code, set()).add(f["detector"])
            pairs_this_year.setdefault(code, set()).add((f["severity"], f["detector"]))
            if f["severity"] in ("high", "medium"):
                strong_this_year.setdefault(code, set()).add(f["detector"])
    for code, pattern in community_truth.items():
        bump(t.injected, pattern)
        strong = strong_this_year.get(code, set())
        bump(t.found_any, pattern, 1 if strong else 0)
        own = pattern in any_this_year.get(code, set())
        bump(t.found_own, pattern, 1 if own else 0)
        found = bool(strong) or (pattern in LOW_ONLY and own)
        bump(t.found_bar, pattern, 1 if found else 0)
        hits = t.pattern_hits.setdefault(pattern, {})
        for pair in pairs_this_year.get(code, set()):
            bump(hits, pair)
    for code in communities:
        if code in community_truth:
            continue
        found = any_year.get(code, set())
        severities = {s for s, _ in found}
        t.clean += 1
        t.clean_high += 1 if "high" in severities else 0
        mine = carried.get(code, set())
        allowed = max((SEVERITY_RANK[ALLOWED[c]] for c in mine), default=0)
        if allowed < SEVERITY_RANK["medium"]:
            t.clean_strong_base += 1
            t.clean_strong += 1 if severities & {"high", "medium"} else 0
        worst = max((SEVERITY_RANK[s] for s in severities), default=0)
        only_low = worst == SEVERITY_RANK["low"]
        if not mine:
            t.plain += 1
            t.plain_low += 1 if only_low else 0
        for c in mine:
            own = SEVERITY_RANK[ALLOWED[c]]
            bump(t.conf_n, c)
            # A low finding on a community allowed none is judged by the
            # chance test below, over all such communities together.
            bump(t.conf_over, c, 1 if worst > max(allowed, own, SEVERITY_RANK["low"]) else 0)
            bump(t.conf_low, c, 1 if only_low and allowed == 0 else 0)
            hits = t.conf_hits.setdefault(c, {})
            for pair in found:
                bump(hits, pair)
    flagged_by = {}
    for code, pairs in any_year.items():
        for severity, detector in pairs:
            if severity in ("high", "medium"):
                flagged_by.setdefault(detector, set()).add(code)
    for detector, codes in flagged_by.items():
        t.det_flagged[detector] = len(codes)
        t.det_true[detector] = len(codes & community_truth.keys())
    flagged = {}
    for f in findings:
        if f["level"] == "county" and f["year"] == year:
            flagged.setdefault(f["detector"], set()).add(f["county"])
    for pattern in sorted(COUNTY_PATTERNS):
        injected = {c for p, c in county_truth if p == pattern}
        hit = flagged.get(pattern, set())
        t.counties[pattern] = len(injected)
        t.counties_found[pattern] = len(injected & hit)
        t.counties_other[pattern] = len(hit - injected)
    return t


def share(n, d):
    return n / d if d else None


def binomial_tail(k, n, p):
    """P(X >= k) for X ~ Binomial(n, p)."""
    if k <= 0:
        return 1.0
    return sum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k, n + 1))


def pct(x):
    return "   n/a" if x is None else f"{100 * x:5.1f}%"


def report(title, t):
    """Prints one tally; returns the list of bars it misses."""
    print(f"\n== {title}")
    print(f"{'pattern':<30}{'injected':>9}{'recall':>9}{'H/M any':>9}{'own detector':>14}")
    misses = []
    total, found, found_bar = 0, 0, 0
    for pattern in sorted(t.injected):
        n = t.injected[pattern]
        a, b, o = t.found_any.get(pattern, 0), t.found_bar.get(pattern, 0), t.found_own.get(pattern, 0)
        total += n
        found += a
        found_bar += b
        r = share(b, n)
        mark = "" if r is not None and r >= RECALL_BAR else "  < bar"
        note = "  (own low finding counts)" if pattern in LOW_ONLY else ""
        print(f"{pattern:<30}{n:>9}{pct(r):>9}{pct(share(a, n)):>9}{pct(share(o, n)):>14}{mark}{note}")
        if mark:
            misses.append(f"{title}: recall of {pattern} {pct(r).strip()} below {RECALL_BAR:.0%}")
    print("what fired on the falsified communities (review year; communities per severity and detector):")
    for pattern in sorted(t.injected):
        hits = t.pattern_hits.get(pattern, {})
        detail = ", ".join(f"{d} {s} {n}" for (s, d), n in sorted(hits.items(), key=lambda kv: (
            -SEVERITY_RANK[kv[0][0]], kv[0][1])))
        print(f"  {pattern:<28} {detail or '-'}")
    cells = {}
    for pattern in t.injected:
        cell = CELLS.get(pattern, f"(no cell) {pattern}")
        n, b = cells.get(cell, (0, 0))
        cells[cell] = (n + t.injected[pattern], b + t.found_bar.get(pattern, 0))
    print(f"\n{'threat-model cell':<62}{'injected':>9}{'recall':>9}")
    for cell in sorted(cells):
        n, b = cells[cell]
        print(f"{cell:<62}{n:>9}{pct(share(b, n)):>9}")
    overall = share(found_bar, total)
    strict = share(found, total)
    print(f"{'all community-level patterns':<30}{total:>9}{pct(overall):>9}{pct(strict):>9}"
          f"   (recall as per pattern; H/M any: high or medium only)")
    if overall is None or overall < OVERALL_RECALL_BAR:
        misses.append(f"{title}: overall recall {pct(overall).strip()} below {OVERALL_RECALL_BAR:.0%}")

    base = share(t.plain_low, t.plain)
    print(f"\nclean communities without a confounder: {t.plain}, of which {t.plain_low} with a low "
          f"finding only = {pct(base).strip()} (the chance baseline)")
    print(f"{'confounder (allowed)':<36}{'clean':>6}{'high':>6}{'medium':>8}{'low':>6}{'above':>7}"
          f"{'low p':>8}  detectors")
    tested = sum(1 for c in t.conf_n if ALLOWED[c] == "none") or 1
    for c in sorted(t.conf_n):
        hits = t.conf_hits.get(c, {})
        by_sev = {s: 0 for s in ("high", "medium", "low")}
        for (s, _), n in hits.items():
            by_sev[s] += n
        detail = ", ".join(f"{d} {s} {n}" for (s, d), n in sorted(hits.items(), key=lambda kv: (
            -SEVERITY_RANK[kv[0][0]], kv[0][1])))
        over = t.conf_over.get(c, 0)
        label = f"{c} ({ALLOWED[c]})"
        p_low = "-"
        if ALLOWED[c] == "none" and base is not None:
            p = binomial_tail(t.conf_low.get(c, 0), t.conf_n[c], base)
            p_low = f"{p:.3f}"
            if p < CHANCE_ALPHA / tested:
                misses.append(f"{title}: {c} communities draw low findings beyond chance "
                              f"({t.conf_low.get(c, 0)} of {t.conf_n[c]}, p = {p:.4f})")
        print(f"{label:<36}{t.conf_n[c]:>6}{by_sev['high']:>6}{by_sev['medium']:>8}{by_sev['low']:>6}"
              f"{over:>7}{p_low:>8}  {detail or '-'}")
        if over:
            misses.append(f"{title}: {over} {c} communities flagged above {ALLOWED[c]}")
    print("(high/medium/low: findings of any year on those communities, counted once per "
          "community, severity and detector)")

    fh = share(t.clean_high, t.clean)
    print(f"\nclean communities with a high finding: {t.clean_high} of {t.clean} = {pct(fh).strip()}"
          f" (bar <= {FALSE_HIGH_BAR:.1%})")
    if fh is None or fh > FALSE_HIGH_BAR:
        misses.append(f"{title}: clean with a high finding {pct(fh).strip()} above {FALSE_HIGH_BAR:.1%}")
    fs = share(t.clean_strong, t.clean_strong_base)
    print(f"clean communities with a high or medium finding (leaving out confounders allowed a "
          f"medium): {t.clean_strong} of {t.clean_strong_base} = {pct(fs).strip()} "
          f"(bar <= {FALSE_STRONG_BAR:.0%})")
    if fs is None or fs > FALSE_STRONG_BAR:
        misses.append(f"{title}: clean with a high or medium finding {pct(fs).strip()} above "
                      f"{FALSE_STRONG_BAR:.0%}")
    print(f"\n{'detector':<30}{'flags H/M':>10}{'falsified':>10}{'precision':>10}")
    for d in sorted(t.det_flagged):
        n, k = t.det_flagged[d], t.det_true.get(d, 0)
        print(f"{d:<30}{n:>10}{k:>10}{pct(share(k, n)):>10}")
    print("county-level tests (reported apart, not part of the bar):")
    for pattern in sorted(t.counties):
        print(f"  {pattern:<28} injected counties found {t.counties_found[pattern]} of "
              f"{t.counties[pattern]}; other counties flagged {t.counties_other[pattern]}")
    return misses


def main(argv):
    args = parse_args(argv)
    work = pathlib.Path(args.work) if args.work else pathlib.Path(tempfile.mkdtemp(prefix="fullemp-quality-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"quality check: {args.communities} communities, {args.persons_per_community} persons "
          f"each, fraud share {args.fraud_share}, confounders in {args.confounders:.0%} of the clean "
          f"ones, review years {args.first_year}-{args.year}, seeds {args.seeds}")
    try:
        total = Tally()
        misses = []
        for seed in args.seeds:
            extract, run = generate_and_run(args, seed, work)
            t = score(read_truth(extract), read_confounders(extract), read_communities(extract),
                      read_findings(run), args.year)
            misses += report(f"seed {seed}", t)
            total.add(t)
        if len(args.seeds) > 1:
            misses += report("all seeds", total)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    if misses:
        print("\nBELOW THE BAR:")
        for m in misses:
            print(f"  {m}")
        return 1
    print("\nthe bar holds: recall >= 90 % for every community-level pattern and >= 95 % overall; "
          "clean communities with a high finding <= 0.5 %, with a high or medium one <= 5 %; no "
          "honest practice above its acceptable level")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
