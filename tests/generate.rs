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
    // (format, sample, first year of a range of review years)
    for (format, sample, first_year) in [
        (FileFormat::Csv, false, None),
        (FileFormat::Parquet, false, None),
        (FileFormat::Xlsx, false, None),
        (FileFormat::Csv, true, None),
        (FileFormat::Parquet, false, Some(2018)),
    ] {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        // Enough communities for one outside the counties of the
        // county-level patterns to lose its qualification in a range.
        let communities = if first_year.is_some() { 30 } else { 12 };
        let mut oa = options(a.path(), communities, 40);
        oa.format = format;
        oa.sample = sample;
        oa.first_year = first_year;
        let mut ob = oa.clone();
        ob.out = b.path().to_path_buf();
        run(&oa);
        run(&ob);
        let (fa, fb) = (files(a.path()), files(b.path()));
        assert_eq!(
            fa.len(),
            match (sample, first_year) {
                (true, _) => 15,
                (false, Some(_)) => 11,
                (false, None) => 10,
            },
            "nine tables, ground truth (and the README, decisions, verifications, objections and \
             reinspections; approvals for a range of years)"
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
    let summary = run(&generate::sample::options(dir.path()));
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
    run(&generate::sample::options(dir.path()));
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
        "public_welfare_posts",
        "seasonal_work",
        "job_fair",
        "year_end_cleanup",
        "prompt_placement",
        "designation_review",
        "temp_job_clearance",
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

    // The later confounders, each in most of its communities (a small
    // community may lack the persons a practice needs).
    let hardship = read(dir, "hardship");
    let services = read(dir, "services");
    let zeros = read(dir, "zero_households");
    let days = |from: NaiveDate, to: NaiveDate| (to - from).num_days();
    let most = |name: &str, found: &dyn Fn(&str) -> bool| {
        let n = by[name].iter().filter(|c| found(c)).count();
        assert!(
            2 * n >= by[name].len() && n >= 1,
            "{name}: {n} of {}",
            by[name].len()
        );
    };
    let job_dates =
        |j: &BTreeMap<String, String>| (date(&j["started_on"]).unwrap(), date(&j["ended_on"]));
    // Public-welfare posts: lasting posts at the street office in the last
    // five weeks, for persons registered months before and served earlier.
    most("public_welfare_posts", &|code| {
        jobs.iter()
            .filter(|j| j["community_code"] == code && j["employment_type"] == "公益性岗位")
            .filter(|j| {
                let (st, en) = job_dates(j);
                en.is_none() && (3..=35).contains(&days(st, cutoff))
            })
            .any(|j| {
                let st = date(&j["started_on"]).unwrap();
                regs.iter().any(|r| {
                    r["person_id"] == j["person_id"]
                        && r["end_reason"] == "就业"
                        && days(date(&r["registered_on"]).unwrap(), st) >= 90
                }) && services.iter().any(|v| {
                    v["person_id"] == j["person_id"] && date(&v["delivered_on"]).unwrap() < st
                })
            })
    });
    // Seasonal work: a job of 15–45 days of a person whose registration it closed.
    most("seasonal_work", &|code| {
        jobs.iter()
            .filter(|j| j["community_code"] == code)
            .any(|j| {
                let (st, en) = job_dates(j);
                en.is_some_and(|e| (14..=44).contains(&days(st, e)))
                    && regs.iter().any(|r| {
                        r["person_id"] == j["person_id"]
                            && r["end_reason"] == "就业"
                            && date(&r["ended_on"]).is_some_and(|e| (0..=5).contains(&days(st, e)))
                    })
            })
    });
    // Job fair: one day with services to three or more persons, of one kind.
    most("job_fair", &|code| {
        let mut per: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
        for v in services.iter().filter(|v| v["community_code"] == code) {
            per.entry((v["delivered_on"].clone(), v["service_type"].clone()))
                .or_default()
                .insert(v["person_id"].clone());
        }
        per.values().any(|p| p.len() >= 3)
    });
    // Year-end clean-up: registrations closed with 其他 in December, never
    // registered again.
    most("year_end_cleanup", &|code| {
        regs.iter()
            .filter(|r| r["community_code"] == code && r["end_reason"] == "其他")
            .filter(|r| date(&r["ended_on"]).is_some_and(|e| e.month() == 12 && e.year() == 2021))
            .any(|r| {
                !regs
                    .iter()
                    .any(|o| o["person_id"] == r["person_id"] && o["registered_on"] > r["ended_on"])
            })
    });
    // Prompt placement: a job introduction on the day of registering and a
    // lasting job within the week.
    most("prompt_placement", &|code| {
        regs.iter()
            .filter(|r| r["community_code"] == code)
            .any(|r| {
                let on = date(&r["registered_on"]).unwrap();
                services.iter().any(|v| {
                    v["person_id"] == r["person_id"]
                        && v["service_type"] == "职业介绍"
                        && date(&v["delivered_on"]) == Some(on)
                }) && jobs.iter().any(|j| {
                    let (st, en) = job_dates(j);
                    j["person_id"] == r["person_id"]
                        && (1..=7).contains(&days(on, st))
                        && en.is_none()
                })
            })
    });
    // Designation review: revoked in the year, the person moved out (迁出)
    // or of retirement age on the day.
    most("designation_review", &|code| {
        hardship
            .iter()
            .filter(|d| d["community_code"] == code)
            .filter(|d| date(&d["revoked_on"]).is_some_and(|r| (start..=cutoff).contains(&r)))
            .any(|d| {
                let revoked = date(&d["revoked_on"]).unwrap();
                persons.iter().any(|p| {
                    let retire = if p["gender"] == "男" { 60 } else { 55 };
                    p["person_id"] == d["person_id"]
                        && p["community_code"] == code
                        && (p["left_reason"] == "迁出"
                            || age(date(&p["birth_date"]).unwrap(), revoked) >= retire)
                })
            })
    });
    // Temporary job clearance: a household identified twice.
    most("temp_job_clearance", &|code| {
        let mut n: BTreeMap<&str, usize> = BTreeMap::new();
        for z in zeros.iter().filter(|z| z["community_code"] == code) {
            *n.entry(z["household_id"].as_str()).or_default() += 1;
        }
        n.values().any(|&k| k >= 2)
    });
}

// ------------------------------------------------- the threat model's patterns

/// The patterns that fake one rated figure each (docs/generator.md).
const FIGURE_PATTERNS: [&str; 8] = [
    "short_jobs",
    "brief_registrations",
    "revoked_designations",
    "hardship_cover",
    "service_burst",
    "thin_clearance",
    "closed_before_cutoff",
    "padded_new_jobs",
];

/// A community's verdict and score as the rules' defaults read them
/// (re-inspection: veto, re-employment ≥ 0.70, hardship ≥ 0.90, registered
/// unemployment ≤ 0.04, coverage ≥ 0.95, platform; score: the six components
/// and the bands 60 / 70 / 78 / 85 / 90 / 95), off the community's own rows.
#[derive(Debug)]
struct Outcome {
    recognised: bool,
    failing: Vec<&'static str>,
    /// 0 for no level (veto or under 60), 1 for city level, 2 + stars − 1 above.
    band: u8,
    score: f64,
}

fn outcome(batch: &generate::model::Batch, code: &str, year: i32) -> Outcome {
    use generate::registry::{figures, hardship_persons, labour, registered_open};
    let (s, a) = (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap(),
    );
    let f = figures(batch, code, s, a);
    let (force, employed) = labour(batch, code, a);
    let open = registered_open(batch, code, a);
    let h = hardship_persons(batch, code, s, a);
    let assisted = h
        .keys()
        .filter(|p| {
            batch
                .services
                .iter()
                .any(|v| &v.person == *p && (s..=a).contains(&v.delivered))
        })
        .count();
    let overdue = batch
        .zero_households
        .iter()
        .filter(|z| z.community == code && z.identified <= a && z.cleared.is_none_or(|c| c >= s))
        .filter(|z| (z.cleared.filter(|&c| c <= a).unwrap_or(a) - z.identified).num_days() > 30)
        .count();
    let platform = batch
        .platform
        .iter()
        .find(|p| p.community == code && p.year == year)
        .is_some_and(|p| p.window && p.staff >= 1 && p.info_system);
    let ratio = |n: usize, d: usize| (d > 0).then(|| n as f64 / d as f64);
    let (re, hr) = (f.reemployment_rate(), f.hardship_rate());
    let ur = ratio(open, employed + open);
    let cov = ratio(assisted, h.len());
    let mut failing = vec![];
    if overdue > 0 {
        failing.push("veto");
    }
    for (name, rate, ok) in [
        ("reemployment_rate", re, re.is_none_or(|r| r >= 0.70)),
        ("hardship_employment_rate", hr, hr.is_none_or(|r| r >= 0.90)),
        (
            "registered_unemployment_rate",
            ur,
            ur.is_none_or(|r| r <= 0.04),
        ),
        ("assistance_coverage", cov, cov.is_none_or(|r| r >= 0.95)),
    ] {
        let _ = rate;
        if !ok {
            failing.push(name);
        }
    }
    if !platform {
        failing.push("platform_ok");
    }
    let part = |v: Option<f64>, zero: f64, full: f64, weight: f64| {
        v.map_or(weight, |v| {
            (weight * (v - zero) / (full - zero)).clamp(0.0, weight)
        })
    };
    let per_100 = ratio(f.new_jobs * 100, force);
    let score = part(re, 0.5, 0.95, 25.0)
        + part(hr, 0.6, 1.0, 25.0)
        + part(ur, 0.06, 0.02, 15.0)
        + part(cov, 0.5, 1.0, 10.0)
        + part(per_100, 0.0, 5.0, 10.0)
        + if platform { 15.0 } else { 0.0 };
    let band = if overdue > 0 {
        0
    } else {
        [60.0, 70.0, 78.0, 85.0, 90.0, 95.0]
            .iter()
            .filter(|&&t| score >= t - 1e-9)
            .count() as u8
    };
    let c = batch.communities.iter().find(|c| c.code == code).unwrap();
    Outcome {
        recognised: [c.provincial_year, c.provincial_star_year]
            .into_iter()
            .any(|y| y.is_some_and(|y| y <= year))
            || c.national == Some(true),
        failing,
        band,
        score,
    }
}

#[test]
fn each_figure_pattern_changes_the_outcome_it_fakes() {
    // 1,000 communities, a fifth falsified: every pattern is dealt. Three
    // seeds: every faked community, none spared.
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut wrong = vec![];
    for seed in 1..=3 {
        let mut o = options(Path::new("/nonexistent"), 1000, 100);
        o.fraud_share = 0.2;
        o.seed = seed;
        let ctx = generate::Context::new(&o).unwrap();
        for (i, p) in ctx.assignment.community.iter().enumerate() {
            let Some(p) = p else { continue };
            if !FIGURE_PATTERNS.contains(&p.id()) {
                continue;
            }
            let code = ctx.geo.sites[i].code.clone();
            let before = outcome(&ctx.honest(i).batch, &code, o.year);
            let after = outcome(&ctx.community(i), &code, o.year);
            *seen.entry(p.id()).or_default() += 1;
            let what = format!("seed {seed} {code} {}: {before:?} -> {after:?}", p.id());
            if p.id() == "padded_new_jobs" {
                // Nothing new in the year before; the padding moves the
                // score across a band.
                if after.band <= before.band || after.score <= before.score {
                    wrong.push(what);
                }
                continue;
            }
            // Re-inspected, failing on the faked figure (a short_jobs
            // community may also fail on its open registrations, which the
            // faking closes), passing after.
            let rule = match p.id() {
                "short_jobs" | "brief_registrations" => "reemployment_rate",
                "revoked_designations" | "hardship_cover" => "hardship_employment_rate",
                "service_burst" => "assistance_coverage",
                "thin_clearance" => "veto",
                _ => "registered_unemployment_rate",
            };
            if !before.recognised || !before.failing.contains(&rule) || !after.failing.is_empty() {
                wrong.push(what);
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} outcomes unchanged:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(
        seen.keys().copied().collect::<BTreeSet<_>>(),
        FIGURE_PATTERNS.into_iter().collect::<BTreeSet<_>>()
    );
    assert!(seen.values().all(|&n| n >= 30), "{seen:?}");
}

#[test]
fn some_rosters_name_only_a_national_or_star_recognition_and_some_platform_checks_are_missing() {
    // docs/generator.md: about 3% of the provincially recognised
    // communities keep only the national mark, 3% only a star year; about
    // 4% of the honest communities have no platform row for the review
    // year, and no falsified one.
    let o = options(Path::new("/nonexistent"), 1000, 20);
    let ctx = generate::Context::new(&o).unwrap();
    let (mut national_only, mut star_only, mut no_platform) = (0, 0, 0);
    for i in 0..ctx.geo.sites.len() {
        let b = ctx.community(i);
        let c = &b.communities[0];
        if c.provincial_year.is_none()
            && c.provincial_star_year.is_none()
            && c.national == Some(true)
        {
            national_only += 1;
        }
        if c.provincial_year.is_none() && c.provincial_star_year.is_some() {
            assert!(c.provincial_stars.is_some(), "{}", c.code);
            star_only += 1;
        }
        let years: Vec<i32> = b.platform.iter().map(|p| p.year).collect();
        if !years.contains(&o.year) {
            assert!(ctx.assignment.is_honest(i), "{} falsified", c.code);
            assert!(years.contains(&(o.year - 1)), "only the review year's row");
            no_platform += 1;
        }
    }
    // 1,000 communities, about 650 provincial: 3% is about 20 of them.
    for (what, n, lo, hi) in [
        ("national only", national_only, 8, 35),
        ("star year only", star_only, 8, 35),
        ("no platform row", no_platform, 15, 60),
    ] {
        assert!((lo..=hi).contains(&n), "{what}: {n}");
    }
}

#[test]
fn the_figure_patterns_leave_their_traces_in_the_written_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(dir.path(), 1000, 100);
    o.fraud_share = 0.2;
    run(&o);
    let by = truth(dir.path());
    for p in FIGURE_PATTERNS {
        assert!(
            by.get(p).is_some_and(|c| c.len() >= 10),
            "{p} in the ground truth"
        );
    }
    let (s, a) = (
        NaiveDate::from_ymd_opt(2021, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2021, 12, 31).unwrap(),
    );
    let days = |from: NaiveDate, to: NaiveDate| (to - from).num_days();
    let persons = read(dir.path(), "persons");
    let jobs = read(dir.path(), "employment");
    let regs = read(dir.path(), "unemployment");
    let hardship = read(dir.path(), "hardship");
    let services = read(dir.path(), "services");
    let zeros = read(dir.path(), "zero_households");
    let jobs_of = |p: &str| -> Vec<(NaiveDate, Option<NaiveDate>)> {
        jobs.iter()
            .filter(|j| j["person_id"] == p)
            .map(|j| (date(&j["started_on"]).unwrap(), date(&j["ended_on"])))
            .collect()
    };
    let in_community = |rows: &'_ Rows, code: &str| -> Rows {
        rows.iter()
            .filter(|r| r["community_code"] == code)
            .cloned()
            .collect()
    };

    // short_jobs: registrations closed as 就业 at the start of a job of 2–20
    // days, the starts spread over the year (some months before the cut-off).
    for code in &by["short_jobs"] {
        let starts: Vec<NaiveDate> = in_community(&regs, code)
            .iter()
            .filter(|r| r["end_reason"] == "就业")
            .flat_map(|r| {
                let ended = date(&r["ended_on"]).unwrap();
                jobs_of(&r["person_id"])
                    .into_iter()
                    .filter_map(move |(st, en)| {
                        let short = en.is_some_and(|e| (1..=19).contains(&days(st, e)));
                        (short && (0..=3).contains(&days(st, ended))).then_some(st)
                    })
            })
            .collect();
        assert!(starts.len() >= 3, "{code}: {} short jobs", starts.len());
        assert!(
            starts.iter().all(|&st| days(st, a) >= 30),
            "{code}: short jobs not crowded before the cut-off"
        );
    }

    // brief_registrations: registered 0–3 days before a lasting job began,
    // closed as 就业 on its first day.
    for code in &by["brief_registrations"] {
        let brief = in_community(&regs, code)
            .iter()
            .filter(|r| r["end_reason"] == "就业")
            .filter(|r| {
                let (on, ended) = (
                    date(&r["registered_on"]).unwrap(),
                    date(&r["ended_on"]).unwrap(),
                );
                (0..=3).contains(&days(on, ended))
                    && jobs_of(&r["person_id"])
                        .iter()
                        .any(|&(st, en)| st == ended && en.is_none())
            })
            .count();
        assert!(brief >= 2, "{code}: {brief} brief registrations");
    }

    // revoked_designations: revoked in the 60 days before S, the person still
    // in the ledger, no job started after and none on the cut-off.
    for code in &by["revoked_designations"] {
        let revoked = in_community(&hardship, code)
            .iter()
            .filter(|d| date(&d["revoked_on"]).is_some_and(|r| (1..=60).contains(&days(r, s))))
            .filter(|d| {
                let p = &d["person_id"];
                let r = date(&d["revoked_on"]).unwrap();
                persons
                    .iter()
                    .any(|x| &x["person_id"] == p && x["left_on"].is_empty())
                    && jobs_of(p)
                        .iter()
                        .all(|&(st, en)| st < r && en.is_some_and(|e| e < a))
            })
            .count();
        assert!(
            revoked >= 1,
            "{code}: {revoked} designations ended without a job"
        );
    }

    // hardship_cover: hardship persons' jobs starting in the second half of
    // the year and ending 1–20 days after the cut-off.
    for code in &by["hardship_cover"] {
        let covering = in_community(&hardship, code)
            .iter()
            .filter(|d| {
                jobs_of(&d["person_id"]).iter().any(|&(st, en)| {
                    st >= s + chrono::Duration::days(181)
                        && st <= a
                        && en.is_some_and(|e| (1..=20).contains(&days(a, e)))
                })
            })
            .count();
        assert!(covering >= 1, "{code}: {covering} jobs around the cut-off");
    }

    // service_burst: three or more hardship persons served within two days.
    for code in &by["service_burst"] {
        let h: BTreeSet<String> = in_community(&hardship, code)
            .iter()
            .map(|d| d["person_id"].clone())
            .collect();
        let mut on: Vec<(NaiveDate, String)> = in_community(&services, code)
            .iter()
            .filter(|v| h.contains(&v["person_id"]))
            .map(|v| (date(&v["delivered_on"]).unwrap(), v["person_id"].clone()))
            .filter(|(d, _)| (s..=a).contains(d))
            .collect();
        on.sort();
        let crowded = on
            .iter()
            .map(|(d, _)| {
                on.iter()
                    .filter(|(e, _)| (0..=1).contains(&days(*d, *e)))
                    .map(|(_, p)| p)
                    .collect::<BTreeSet<_>>()
                    .len()
            })
            .max()
            .unwrap_or(0);
        assert!(
            crowded >= 3,
            "{code}: at most {crowded} persons within two days"
        );
    }

    // thin_clearance: cleared 10–25 days after identification by a member's
    // job covering the clearing day and ending 2–14 days after it.
    for code in &by["thin_clearance"] {
        let thin = in_community(&zeros, code)
            .iter()
            .filter(|z| {
                let (on, cleared) = (date(&z["identified_on"]).unwrap(), date(&z["cleared_on"]));
                let Some(c) = cleared else { return false };
                (10..=25).contains(&days(on, c))
                    && persons
                        .iter()
                        .filter(|p| p["household_id"] == z["household_id"])
                        .any(|p| {
                            jobs_of(&p["person_id"]).iter().any(|&(st, en)| {
                                st <= c && en.is_some_and(|e| (2..=14).contains(&days(c, e)))
                            })
                        })
            })
            .count();
        assert!(thin >= 1, "{code}: no thin clearance");
    }

    // closed_before_cutoff: closings with 其他 in the 45 days before A, and
    // somewhere a person registering again after A.
    let mut reopened = 0;
    for code in &by["closed_before_cutoff"] {
        let rows = in_community(&regs, code);
        let closed: Vec<&BTreeMap<String, String>> = rows
            .iter()
            .filter(|r| r["end_reason"] == "其他")
            .filter(|r| date(&r["ended_on"]).is_some_and(|e| (1..=45).contains(&days(e, a))))
            .collect();
        assert!(!closed.is_empty(), "{code}: no closing before A");
        reopened += closed
            .iter()
            .filter(|c| {
                rows.iter().any(|r| {
                    r["person_id"] == c["person_id"]
                        && date(&r["registered_on"]).is_some_and(|d| d > a)
                })
            })
            .count();
    }
    assert!(reopened >= 3, "{reopened} registered again after A");

    // padded_new_jobs: nobody registered, and new jobs in the year of 3–20 days.
    for code in &by["padded_new_jobs"] {
        assert!(
            in_community(&regs, code).is_empty(),
            "{code}: registrations"
        );
        let short = in_community(&jobs, code)
            .iter()
            .filter(|j| {
                let st = date(&j["started_on"]).unwrap();
                (s..=a).contains(&st)
                    && date(&j["ended_on"]).is_some_and(|e| (2..=19).contains(&days(st, e)))
            })
            .count();
        assert!(short >= 2, "{code}: {short} padded jobs");
    }

    // duplicate_person: in some copier communities the copier's registration
    // of a copied person is dated on or before the neighbour's own.
    let mut early = 0;
    for code in &by["duplicate_person"] {
        for r in in_community(&regs, code) {
            early += usize::from(regs.iter().any(|o| {
                o["person_id"] == r["person_id"]
                    && &o["community_code"] != code
                    && date(&o["registered_on"]) >= date(&r["registered_on"])
                    && date(&o["registered_on"]).is_some_and(|d| d >= s)
            }));
        }
    }
    assert!(early >= 3, "{early} copied registrations dated first");
}
