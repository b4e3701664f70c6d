//! `fullemp generate`: determinism, ground truth, valid identifiers, realistic
//! rates, and extracts that the data contract accepts whole.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use fullemp::config::Pipeline;
use fullemp::contract::identity::{gb11643_birth_date, gb11643_valid, gb32100_valid};
use fullemp::generate::writers::{FileFormat, Headers, TextEncoding};
use fullemp::generate::{self, Options, Summary};

fn options(dir: &Path, communities: usize, persons: usize) -> Options {
    let mut o = Options::new(dir);
    o.communities = communities;
    o.persons_per_community = persons;
    o
}

fn run(o: &Options) -> Summary {
    generate::generate(o).unwrap_or_else(|e| panic!("generate {}: {e}", o.out.display()))
}

type Rows = Vec<BTreeMap<String, String>>;

fn read(dir: &Path, table: &str) -> Rows {
    let mut r = csv::Reader::from_path(dir.join(format!("{table}.csv"))).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn date(s: &str) -> Option<NaiveDate> {
    (!s.is_empty()).then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

/// Communities of each pattern, from ground_truth.csv.
fn truth(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut by: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for t in read(dir, "ground_truth") {
        by.entry(t["pattern"].clone())
            .or_default()
            .insert(t["community_code"].clone());
    }
    by
}

#[test]
fn the_same_arguments_give_the_same_bytes_in_every_format() {
    for (format, sample) in [
        (FileFormat::Csv, false),
        (FileFormat::Parquet, false),
        (FileFormat::Xlsx, false),
        (FileFormat::Csv, true),
    ] {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let mut oa = options(a.path(), 12, 40);
        oa.format = format;
        oa.sample = sample;
        let mut ob = oa.clone();
        ob.out = b.path().to_path_buf();
        run(&oa);
        run(&ob);
        let (fa, fb) = (files(a.path()), files(b.path()));
        assert_eq!(
            fa.len(),
            if sample { 13 } else { 10 },
            "nine tables, ground truth (and the README, decisions and verifications)"
        );
        assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
        for (name, bytes) in &fa {
            assert!(
                bytes == &fb[name],
                "{format:?}: {name} differs between two runs"
            );
        }
    }
    // Another seed is another extract.
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    run(&options(a.path(), 12, 40));
    let mut o = options(b.path(), 12, 40);
    o.seed = 2;
    run(&o);
    assert_ne!(
        std::fs::read(a.path().join("persons.csv")).unwrap(),
        std::fs::read(b.path().join("persons.csv")).unwrap()
    );
}

#[test]
fn every_pattern_appears_in_the_ground_truth() {
    let dir = tempfile::tempdir().unwrap();
    let summary = run(&Options::new(dir.path()));
    let by = truth(dir.path());
    let expected: BTreeSet<&str> = [
        "claimed_vs_registry",
        "cutoff_window_dressing",
        "threshold_bunching",
        "unverified_clearance",
        "reemployment_without_record",
        "invalid_identity",
        "duplicate_person",
        "employer_concentration",
        "bulk_backfill",
        "implausible_change",
        "digit_heaping",
    ]
    .into();
    assert_eq!(
        by.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        expected
    );
    for county_level in ["threshold_bunching", "digit_heaping"] {
        assert!(
            by[county_level].iter().all(String::is_empty),
            "{county_level} names a county, not a community"
        );
    }
    let codes: BTreeSet<String> = read(dir.path(), "communities")
        .into_iter()
        .map(|c| c["community_code"].clone())
        .collect();
    let flagged: Vec<&String> = by.values().flatten().filter(|c| !c.is_empty()).collect();
    assert!(flagged.iter().all(|c| codes.contains(*c)));
    // 30 communities at a share of 0.2 would be 6; every pattern needs one.
    assert_eq!(flagged.len(), 9);
    assert_eq!(summary.truth.len(), 11);

    let dir = tempfile::tempdir().unwrap();
    let mut o = options(dir.path(), 200, 30);
    o.fraud_share = 0.25;
    run(&o);
    let flagged = truth(dir.path())
        .into_values()
        .flatten()
        .filter(|c| !c.is_empty())
        .count();
    assert_eq!(flagged, 50, "a quarter of 200 communities");
}

#[test]
fn identities_and_credit_codes_pass_their_checks_except_where_a_pattern_spoils_them() {
    let dir = tempfile::tempdir().unwrap();
    run(&options(dir.path(), 60, 100));
    let by = truth(dir.path());
    let spoiled_ids = &by["invalid_identity"];
    let shell = &by["employer_concentration"];
    let persons = read(dir.path(), "persons");
    let mut invalid_seen = 0;
    for p in &persons {
        let id = &p["person_id"];
        let birth = date(&p["birth_date"]);
        assert_eq!(
            gb11643_birth_date(id),
            birth,
            "the birth date inside the identifier is the ledger's"
        );
        assert_eq!(
            &id[..6],
            &p["community_code"][..6],
            "the region code is the community's county"
        );
        if gb11643_valid(id) {
            continue;
        }
        invalid_seen += 1;
        assert!(
            spoiled_ids.contains(&p["community_code"]),
            "invalid identifier outside the pattern: {}",
            p["community_code"]
        );
    }
    assert!(
        invalid_seen >= spoiled_ids.len() * 3,
        "each invalid_identity community spoils three"
    );
    let mut bad_codes = 0;
    for j in read(dir.path(), "employment") {
        if !gb11643_valid(&j["person_id"]) {
            assert!(spoiled_ids.contains(&j["community_code"]));
        }
        let code = &j["employer_code"];
        if !code.is_empty() && !gb32100_valid(code) {
            bad_codes += 1;
            assert!(
                shell.contains(&j["community_code"]),
                "invalid credit code outside the pattern"
            );
        }
    }
    // The paper employer's credit code is made up in about half of the
    // communities; wherever it is, it takes at least five hirings.
    let mut at_shell: BTreeMap<String, usize> = BTreeMap::new();
    for j in read(dir.path(), "employment") {
        if j["employer_name"].ends_with("鑫隆人力资源服务有限公司") {
            *at_shell.entry(j["community_code"].clone()).or_default() += 1;
        }
    }
    for c in shell {
        assert!(
            at_shell.get(c).copied().unwrap_or(0) >= 5,
            "the paper employer takes at least five hirings in {c}"
        );
    }
    assert!(bad_codes <= at_shell.values().sum::<usize>());
    // A person in two ledgers: a mover (one stay closed by 迁出 before the
    // other began) or one of the persons a duplicate_person community copied.
    let mut stays: BTreeMap<&str, Vec<&BTreeMap<String, String>>> = BTreeMap::new();
    for p in &persons {
        stays.entry(p["person_id"].as_str()).or_default().push(p);
    }
    let mut movers = 0;
    for rows in stays.values().filter(|r| r.len() > 1) {
        let mut rows = rows.clone();
        rows.sort_by_key(|r| date(&r["entered_on"]));
        let (old, new) = (rows[0], rows[1]);
        match date(&old["left_on"]) {
            Some(left) if left <= date(&new["entered_on"]).unwrap() => {
                assert_eq!(old["left_reason"], "迁出");
                movers += 1;
            }
            _ => assert!(
                by["duplicate_person"].contains(&new["community_code"]),
                "overlapping stays outside the pattern"
            ),
        }
    }
    assert!(movers > 20, "persons move between communities ({movers})");
    let reasons: BTreeSet<&str> = persons.iter().map(|p| p["left_reason"].as_str()).collect();
    assert!(
        reasons.contains("死亡") && reasons.contains("退休"),
        "{reasons:?}"
    );
}

struct Rates {
    reemployment: Option<f64>,
    hardship: Option<f64>,
    unemployment: Option<f64>,
    unemployed: usize,
    overdue: usize,
}

/// The review year's rates of every community, straight from the files by
/// the definitions of docs/indicators.md.
fn rates(dir: &Path, year: i32) -> BTreeMap<String, Rates> {
    let (s, a) = (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap(),
    );
    let jobs = read(dir, "employment");
    let mut by_person: BTreeMap<String, Vec<(NaiveDate, Option<NaiveDate>)>> = BTreeMap::new();
    for j in &jobs {
        by_person
            .entry(j["person_id"].clone())
            .or_default()
            .push((date(&j["started_on"]).unwrap(), date(&j["ended_on"])));
    }
    let employed = |p: &str| {
        by_person.get(p).is_some_and(|v| {
            v.iter()
                .any(|&(st, en)| st <= a && en.is_none_or(|e| e >= a))
        })
    };
    let mut out = BTreeMap::new();
    let mut u: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut r: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut open: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for reg in read(dir, "unemployment") {
        let (c, p) = (reg["community_code"].clone(), reg["person_id"].clone());
        let (on, end) = (date(&reg["registered_on"]).unwrap(), date(&reg["ended_on"]));
        if on <= a && end.is_none_or(|e| e > a) {
            open.entry(c.clone()).or_default().insert(p.clone());
        }
        if on <= a && end.is_none_or(|e| e >= s) {
            u.entry(c.clone()).or_default().insert(p.clone());
            let lo = on.max(s);
            if by_person
                .get(&p)
                .is_some_and(|v| v.iter().any(|&(st, _)| lo <= st && st <= a))
            {
                r.entry(c).or_default().insert(p);
            }
        }
    }
    let mut h: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for d in read(dir, "hardship") {
        let (on, off) = (date(&d["designated_on"]).unwrap(), date(&d["revoked_on"]));
        if on <= a && off.is_none_or(|e| e >= s) {
            h.entry(d["community_code"].clone())
                .or_default()
                .insert(d["person_id"].clone());
        }
    }
    let mut labour: BTreeMap<String, usize> = BTreeMap::new();
    for p in read(dir, "persons") {
        let birth = date(&p["birth_date"]).unwrap();
        let age = a.year()
            - birth.year()
            - i32::from((a.month(), a.day()) < (birth.month(), birth.day()));
        let retire = if p["gender"] == "男" { 60 } else { 55 };
        let active =
            date(&p["entered_on"]).unwrap() <= a && date(&p["left_on"]).is_none_or(|l| l > a);
        if active
            && p["labor_capacity"] == "true"
            && (16..retire).contains(&age)
            && employed(&p["person_id"])
        {
            *labour.entry(p["community_code"].clone()).or_default() += 1;
        }
    }
    let mut overdue: BTreeMap<String, usize> = BTreeMap::new();
    for z in read(dir, "zero_households") {
        let (on, cleared) = (date(&z["identified_on"]).unwrap(), date(&z["cleared_on"]));
        if on <= a
            && cleared.is_none_or(|c| c >= s)
            && (cleared.filter(|&c| c <= a).unwrap_or(a) - on).num_days() > 30
        {
            *overdue.entry(z["community_code"].clone()).or_default() += 1;
        }
    }
    let ratio = |n: usize, d: usize| (d > 0).then(|| n as f64 / d as f64);
    for c in read(dir, "communities") {
        let code = c["community_code"].clone();
        let size = |m: &BTreeMap<String, BTreeSet<String>>| m.get(&code).map_or(0, BTreeSet::len);
        let hs = h.get(&code).cloned().unwrap_or_default();
        let he = hs.iter().filter(|p| employed(p)).count();
        let (emp, reg) = (labour.get(&code).copied().unwrap_or(0), size(&open));
        out.insert(
            code.clone(),
            Rates {
                reemployment: ratio(size(&r), size(&u)),
                hardship: ratio(he, hs.len()),
                unemployment: ratio(reg, emp + reg),
                unemployed: size(&u),
                overdue: overdue.get(&code).copied().unwrap_or(0),
            },
        );
    }
    out
}

fn quantile(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q).round() as usize]
}

#[test]
fn honest_rates_spread_as_real_communities_do_on_1000_communities() {
    let dir = tempfile::tempdir().unwrap();
    run(&options(dir.path(), 1000, 100));
    let flagged: BTreeSet<String> = truth(dir.path()).into_values().flatten().collect();
    let bunched: BTreeSet<String> = read(dir.path(), "ground_truth")
        .into_iter()
        .filter(|t| t["pattern"] == "threshold_bunching")
        .map(|t| t["county"].clone())
        .collect();
    let county: BTreeMap<String, String> = read(dir.path(), "communities")
        .into_iter()
        .map(|c| (c["community_code"].clone(), c["county"].clone()))
        .collect();
    let all = rates(dir.path(), 2021);
    let honest: Vec<&Rates> = all
        .iter()
        .filter(|(c, _)| !flagged.contains(*c) && !bunched.contains(&county[*c]))
        .map(|(_, r)| r)
        .collect();
    assert!(honest.len() > 700, "{}", honest.len());
    let mut re: Vec<f64> = honest
        .iter()
        .filter(|r| r.unemployed > 3)
        .filter_map(|r| r.reemployment)
        .collect();
    let within = re.iter().filter(|&&x| (0.55..=1.0).contains(&x)).count() as f64 / re.len() as f64;
    assert!(within > 0.95, "re-employment mostly in 0.6–0.97: {within}");
    let (p10, med, p90) = (
        quantile(&mut re, 0.1),
        quantile(&mut re, 0.5),
        quantile(&mut re, 0.9),
    );
    assert!(
        p10 < 0.7 && (0.74..0.88).contains(&med) && p90 > 0.9,
        "re-employment {p10} {med} {p90}"
    );

    let mut hr: Vec<f64> = honest.iter().filter_map(|r| r.hardship).collect();
    let (p10, med) = (quantile(&mut hr, 0.1), quantile(&mut hr, 0.5));
    assert!(
        p10 >= 0.6 && (0.8..=0.95).contains(&med),
        "hardship employment {p10} {med}"
    );
    assert!(hr.iter().filter(|&&x| x >= 0.75).count() as f64 > 0.85 * hr.len() as f64);

    let mut ur: Vec<f64> = honest
        .iter()
        .filter(|r| r.unemployed > 3)
        .filter_map(|r| r.unemployment)
        .collect();
    let (p10, med, p90) = (
        quantile(&mut ur, 0.1),
        quantile(&mut ur, 0.5),
        quantile(&mut ur, 0.9),
    );
    assert!(
        p10 >= 0.005 && (0.01..0.04).contains(&med) && p90 <= 0.05,
        "registered unemployment {p10} {med} {p90}"
    );

    // Honest variety: tiny denominators, genuine failures, perfect rates.
    assert!(
        honest.iter().filter(|r| r.unemployed <= 3).count() >= 10,
        "tiny communities"
    );
    assert!(
        honest.iter().filter(|r| r.overdue > 0).count() >= 10,
        "genuinely overdue zero households"
    );
    assert!(
        honest
            .iter()
            .filter(|r| r.reemployment.is_some_and(|x| x >= 0.92) && r.unemployed > 3)
            .count()
            >= 50,
        "legitimately high"
    );

    // Seasonal hiring: more starts in spring than in December.
    let jobs = read(dir.path(), "employment");
    let month = |m: u32| {
        jobs.iter()
            .filter(|j| date(&j["started_on"]).is_some_and(|d| d.year() == 2021 && d.month() == m))
            .count()
    };
    assert!(
        month(3) as f64 > 1.4 * month(12) as f64,
        "March {} December {}",
        month(3),
        month(12)
    );
}

#[test]
fn the_data_contract_rejects_nothing_in_any_format_header_or_encoding() {
    let cases = [
        (FileFormat::Csv, Headers::Canonical, TextEncoding::Utf8),
        (FileFormat::Csv, Headers::Chinese, TextEncoding::Gb18030),
        (FileFormat::Parquet, Headers::Canonical, TextEncoding::Utf8),
        (FileFormat::Parquet, Headers::Chinese, TextEncoding::Utf8),
        (FileFormat::Xlsx, Headers::Chinese, TextEncoding::Utf8),
    ];
    for (format, headers, encoding) in cases {
        let dir = tempfile::tempdir().unwrap();
        let mut o = options(dir.path(), 30, 60);
        (o.format, o.headers, o.encoding) = (format, headers, encoding);
        run(&o);
        let out = tempfile::tempdir().unwrap();
        let pipeline = Pipeline::new(dir.path(), out.path());
        let outcome = fullemp::ingest::validate(&pipeline, &fullemp::detectors::ids()).unwrap();
        assert!(
            outcome.verdict.is_ok(),
            "{format:?} {headers:?} {encoding:?}:\n{}",
            outcome.report
        );
        let extract = fullemp::ingest::ingest(&pipeline, &fullemp::detectors::ids()).unwrap();
        assert!(
            extract.rejects.is_empty(),
            "{format:?} {headers:?} {encoding:?}: {:?}",
            extract.rejects
        );
        assert_eq!(extract.tables.len(), 9);
    }
}

#[test]
fn the_sample_rejects_exactly_its_planted_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut o = Options::new(dir.path());
    o.sample = true;
    let summary = run(&o);
    assert_eq!(summary.planted.len(), 7);
    let out = tempfile::tempdir().unwrap();
    let extract = fullemp::ingest::ingest(
        &Pipeline::new(dir.path(), out.path()),
        &fullemp::detectors::ids(),
    )
    .unwrap();
    let got: BTreeSet<(String, u64)> = extract
        .rejects
        .iter()
        .map(|r| (r.file.clone(), r.line))
        .collect();
    let planted: BTreeSet<(String, u64)> = summary
        .planted
        .iter()
        .map(|p| {
            (
                format!(
                    "{}.{}",
                    p.table.name(),
                    generate::sample::layout(p.table).format.extension()
                ),
                p.line,
            )
        })
        .collect();
    assert_eq!(got, planted);
    let readme = std::fs::read_to_string(dir.path().join("README.md")).unwrap();
    assert!(readme.contains(generate::sample::COMMAND));
    // The nightly run takes the extract's own date as its cut-off.
    let latest = summary.latest_recorded_at.unwrap().date();
    assert!(
        latest >= NaiveDate::from_ymd_opt(2021, 12, 31).unwrap(),
        "{latest}"
    );
}

#[test]
fn the_committed_sample_is_what_its_command_makes() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let dir = tempfile::tempdir().unwrap();
    let mut o = Options::new(dir.path());
    o.sample = true;
    run(&o);
    let (want, got) = (files(&committed), files(dir.path()));
    assert_eq!(
        want.keys().collect::<Vec<_>>(),
        got.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &got {
        assert!(
            bytes == &want[name],
            "sample_data/{name} is stale: run `{}`",
            generate::sample::COMMAND
        );
    }
}

#[test]
fn an_xlsx_extract_beyond_the_row_limit_is_refused_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("big");
    let mut o = options(&out, 8000, 100);
    o.format = FileFormat::Xlsx;
    let e = generate::generate(&o).unwrap_err();
    assert_eq!(e.exit_code(), 2, "{e}");
    assert!(e.to_string().contains("XLSX"), "{e}");
    assert!(!out.exists(), "nothing written");
}

// ---------------------------------------------------------------- confounders

/// Rows of `table` keyed by community, as the file spells them.
fn rows_by_community(dir: &Path, table: &str) -> BTreeMap<String, Vec<Rows>> {
    let mut by: BTreeMap<String, Vec<Rows>> = BTreeMap::new();
    for r in read(dir, table) {
        by.entry(r["community_code"].clone())
            .or_default()
            .push(vec![r]);
    }
    by
}

/// Whole years from `birth` to `d`.
fn age(birth: NaiveDate, d: NaiveDate) -> i32 {
    let mut a = d.year() - birth.year();
    if (d.month(), d.day()) < (birth.month(), birth.day()) {
        a -= 1;
    }
    a
}

#[test]
fn confounders_are_written_as_honest_practice_and_leave_other_communities_alone() {
    let (plain, mixed) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let o = options(plain.path(), 140, 60);
    run(&o);
    let mut om = o.clone();
    om.out = mixed.path().to_path_buf();
    om.confounder_share = 1.0;
    let summary = run(&om);
    assert!(!plain.path().join("confounders.csv").exists());
    let dir = mixed.path();
    // The ground truth does not move, and no falsified community carries a
    // confounder of its own.
    assert_eq!(truth(plain.path()), truth(dir));
    let falsified: BTreeSet<String> = truth(dir).into_values().flatten().collect();
    let mut by: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for l in read(dir, "confounders") {
        by.entry(l["confounder"].clone())
            .or_default()
            .insert(l["community_code"].clone());
    }
    assert_eq!(
        summary.confounders.len(),
        by.values().map(BTreeSet::len).sum::<usize>()
    );
    let expected: BTreeSet<&str> = [
        "stale_stay",
        "stale_stay_origin",
        "rehired_retiree",
        "slow_closing",
        "local_large_hire",
        "quarterly_keying",
        "small_community",
        "death_after_reemployment",
    ]
    .into();
    assert_eq!(
        by.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        expected
    );
    for (c, codes) in &by {
        if c != "stale_stay_origin" {
            assert!(
                codes.is_disjoint(&falsified),
                "{c} in a falsified community"
            );
        }
    }
    // Every other community's rows are byte for byte those of the extract
    // without confounders. A community's batch also writes a few rows under
    // its neighbour's code (the movers' old stays and old jobs): a
    // confounded community's neighbour counts as touched.
    let confounded: BTreeSet<String> = by.values().flatten().cloned().collect();
    let mut touched = confounded.clone();
    for j in read(dir, "employment") {
        if confounded.contains(&j["record_id"][1..13]) {
            touched.insert(j["community_code"].clone());
        }
    }
    for p in read(dir, "persons") {
        let h = &p["household_id"];
        let writer =
            (h.len() >= 19 && &h[12..13] == "Y").then(|| format!("{}{}", &h[..6], &h[13..19]));
        if writer.is_some_and(|w| confounded.contains(&w)) {
            touched.insert(p["community_code"].clone());
        }
    }
    for table in [
        "persons",
        "unemployment",
        "employment",
        "hardship",
        "applications",
    ] {
        let (a, b) = (
            rows_by_community(plain.path(), table),
            rows_by_community(dir, table),
        );
        let mut compared = 0;
        for (code, rows) in &a {
            if !touched.contains(code) {
                // Compared without printing: the rows hold identity numbers.
                assert!(Some(rows) == b.get(code), "{table} of {code} differs");
                compared += 1;
            }
        }
        assert!(
            compared >= 20,
            "{table}: only {compared} communities compared"
        );
    }

    let persons = read(dir, "persons");
    let jobs = read(dir, "employment");
    let regs = read(dir, "unemployment");
    let (start, cutoff) = (
        NaiveDate::from_ymd_opt(2021, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2021, 12, 31).unwrap(),
    );

    // Stale stay: the old stay is open, and the old community shows nothing
    // of the mover after the move.
    let mut stale = 0;
    for code in &by["stale_stay"] {
        // This community's own stays (not the old stays that a neighbour's
        // movers left here, whose household is `{code}Y…`).
        for p in persons
            .iter()
            .filter(|p| &p["community_code"] == code && p["household_id"].get(12..13) != Some("Y"))
        {
            let arrived = date(&p["entered_on"]).unwrap();
            let old: Vec<_> = persons
                .iter()
                .filter(|o| o["person_id"] == p["person_id"] && &o["community_code"] != code)
                .collect();
            for o in &old {
                stale += 1;
                assert!(by["stale_stay_origin"].contains(&o["community_code"]));
                assert_eq!(o["left_on"], "", "the old stay stays open");
                for j in jobs.iter().filter(|j| {
                    j["person_id"] == p["person_id"] && j["community_code"] == o["community_code"]
                }) {
                    let ended = date(&j["ended_on"]).expect("the old job ended");
                    assert!(ended < arrived, "the old job ends before the move");
                }
            }
        }
    }
    assert!(stale >= 2 * by["stale_stay"].len(), "{stale} stale stays");

    // Rehired retirees: employment starts in the review year past retirement.
    for code in &by["rehired_retiree"] {
        let retirees = jobs
            .iter()
            .filter(|j| &j["community_code"] == code)
            .filter(|j| {
                let started = date(&j["started_on"]).unwrap();
                let p = persons
                    .iter()
                    .find(|p| p["person_id"] == j["person_id"])
                    .unwrap();
                let retire = if p["gender"] == "男" { 60 } else { 55 };
                (start..=cutoff).contains(&started)
                    && age(date(&p["birth_date"]).unwrap(), started) >= retire
            })
            .count();
        assert!(retirees >= 1, "{code}: no retiree taken back on");
    }

    // Slow closing: every registration closed as 就业 closes 35–70 days
    // after the job that closed it began.
    for code in &by["slow_closing"] {
        let mut slow = 0;
        for r in regs.iter().filter(|r| &r["community_code"] == code) {
            if r["end_reason"] != "就业" {
                continue;
            }
            let (registered, ended) = (
                date(&r["registered_on"]).unwrap(),
                date(&r["ended_on"]).unwrap(),
            );
            let began = jobs
                .iter()
                .filter(|j| j["person_id"] == r["person_id"])
                .filter_map(|j| date(&j["started_on"]))
                .filter(|s| *s >= registered && *s <= ended)
                .max()
                .unwrap();
            let days = (ended - began).num_days();
            slow += usize::from((35..=70).contains(&days));
        }
        assert!(slow >= 1, "{code}: no slow closing");
    }

    // Local large hire: one new employer, valid code, behind several starts.
    for code in &by["local_large_hire"] {
        let mut per: BTreeMap<&str, usize> = BTreeMap::new();
        for j in jobs.iter().filter(|j| &j["community_code"] == code) {
            *per.entry(j["employer_code"].as_str()).or_default() += 1;
        }
        let hire = jobs
            .iter()
            .filter(|j| &j["community_code"] == code)
            .filter(|j| gb32100_valid(&j["employer_code"]))
            .filter(|j| {
                !jobs.iter().any(|o| {
                    o["employer_code"] == j["employer_code"] && &o["community_code"] != code
                })
            })
            .count();
        assert!(hire >= 2, "{code}: the new employer hired {hire}");
    }

    // Quarterly keying: records keyed at one sitting (the same hour), each
    // started weeks before; most such communities key three or more.
    let mut sittings = 0;
    for code in &by["quarterly_keying"] {
        let mut keyed: Vec<(String, NaiveDate)> = jobs
            .iter()
            .filter(|j| &j["community_code"] == code && !j["recorded_at"].is_empty())
            .map(|j| (j["recorded_at"].clone(), date(&j["started_on"]).unwrap()))
            .collect();
        keyed.sort();
        sittings += usize::from(keyed.windows(3).any(|w| {
            w[0].0[..13] == w[2].0[..13]
                && w.iter().all(|(at, s)| {
                    NaiveDate::parse_from_str(&at[..10], "%Y-%m-%d").unwrap() - *s
                        >= chrono::Duration::days(14)
                })
        }));
    }
    assert!(
        2 * sittings >= by["quarterly_keying"].len(),
        "{sittings} sittings"
    );

    // Death after re-employment: the ledger closes with 死亡 after a job
    // started in the review year.
    for code in &by["death_after_reemployment"] {
        let died = persons
            .iter()
            .filter(|p| &p["community_code"] == code && p["left_reason"] == "死亡")
            .any(|p| {
                let d = date(&p["left_on"]).unwrap();
                jobs.iter().any(|j| {
                    j["person_id"] == p["person_id"]
                        && date(&j["started_on"]).is_some_and(|s| s >= start && s < d)
                })
            });
        assert!(died, "{code}: nobody died after re-employment");
    }
}
