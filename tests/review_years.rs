//! Several review years in one extract (`fullemp generate --years`,
//! docs/generator.md "Several review years"): `--year Y` is the range Y-1..Y
//! byte for byte; a range of three years is rated year by year, its rates
//! drifting a few points a year and its stars moving; one recognised
//! community fails its first year, is disqualified with the province's
//! approval and leaves the re-inspection from the next year; the patterns of
//! the ground truth are found in the year they act in, and the clean
//! communities stay clean in every year.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fullemp::generate::{self, Options};
use polars::prelude::*;

mod support;

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

#[test]
fn one_review_year_is_the_range_of_it_and_the_year_before() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut one = Options::new(a.path());
    one.communities = 40;
    one.year = 2021;
    one.confounder_share = 0.5;
    let mut range = one.clone();
    range.out = b.path().to_path_buf();
    range.first_year = Some(2020);
    generate::generate(&one).unwrap();
    generate::generate(&range).unwrap();
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    assert!(
        !fa.contains_key("approvals.csv"),
        "two years: nobody disqualified"
    );
    for (name, bytes) in &fa {
        assert!(bytes == &fb[name], "{name} differs");
    }
}

fn partition(run: &Path, table: &str, year: i32) -> DataFrame {
    let path = run.join(format!("{table}/year={year}/part-0.parquet"));
    ParquetReader::new(std::fs::File::open(&path).unwrap())
        .finish()
        .unwrap()
}

/// Column `name` of `df` by community code.
fn by_code(df: &DataFrame, name: &str) -> BTreeMap<String, AnyValue<'static>> {
    let codes = df.column("community_code").unwrap().str().unwrap();
    let values = df.column(name).unwrap();
    (0..df.height())
        .map(|k| {
            (
                codes.get(k).unwrap().to_string(),
                values.get(k).unwrap().into_static(),
            )
        })
        .collect()
}

fn float(v: &AnyValue) -> Option<f64> {
    v.extract::<f64>()
}

fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
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

#[test]
fn three_review_years_are_rated_year_by_year_with_drift_and_a_disqualification() {
    let dir = tempfile::tempdir().unwrap();
    let extract = dir.path().join("extract");
    let mut o = Options::new(&extract);
    o.communities = 300;
    o.first_year = Some(2019);
    o.year = 2021;
    generate::generate(&o).unwrap();

    // The histories hold every year: applications and platform checks of
    // each, and the province's approval of one disqualification.
    for table in ["applications", "platform"] {
        let years: BTreeSet<String> = read_csv(&extract.join(format!("{table}.csv")))
            .into_iter()
            .map(|r| r["year"].clone())
            .collect();
        assert_eq!(
            years,
            ["2019", "2020", "2021"].map(String::from).into(),
            "{table}"
        );
    }
    let approvals = read_csv(&extract.join("approvals.csv"));
    assert_eq!(approvals.len(), 1);
    let (revoked, answered) = (
        &approvals[0]["community_code"],
        &approvals[0]["answered_on"],
    );
    assert_eq!(
        (
            approvals[0]["year"].as_str(),
            approvals[0]["answer"].as_str()
        ),
        ("2019", "同意取消")
    );
    assert!(answered.starts_with("2020-03-"), "{answered}");
    // The ground truth names the year its patterns act in: the last.
    let truth = read_csv(&extract.join("ground_truth.csv"));
    assert!(truth.iter().all(|t| t["year"] == "2021"));
    let falsified: BTreeSet<String> = truth
        .iter()
        .map(|t| t["community_code"].clone())
        .filter(|c| !c.is_empty())
        .collect();

    let out = dir.path().join("out");
    let p = support::pipeline(
        &dir.path().join("p.toml"),
        &extract,
        &out,
        "as_of = 2021-12-31\nyears = [2019, 2020, 2021]\n",
    );
    let run = support::fullemp(&["run", "--pipeline", p.to_str().unwrap()]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let run = out.join("latest");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["rows_rejected"], 0);

    let years = [2019, 2020, 2021];
    let ratings: Vec<DataFrame> = years
        .iter()
        .map(|&y| partition(&run, "ratings", y))
        .collect();
    let indicators: Vec<DataFrame> = years
        .iter()
        .map(|&y| partition(&run, "indicators", y))
        .collect();
    for df in ratings.iter().chain(&indicators) {
        assert_eq!(df.height(), 300);
    }

    // Drift: an honest community's rates move a few points from one year to
    // the next, both ways, with now and then a larger step.
    let unemployed: Vec<_> = indicators
        .iter()
        .map(|df| by_code(df, "unemployed_in_period"))
        .collect();
    for (name, low, high) in [
        ("reemployment_rate", 0.02, 0.10),
        ("hardship_employment_rate", 0.02, 0.15),
    ] {
        let rates: Vec<_> = indicators.iter().map(|df| by_code(df, name)).collect();
        let mut steps = vec![];
        for code in rates[0].keys() {
            let big = unemployed
                .iter()
                .all(|u| u[code].extract::<i64>().is_some_and(|n| n >= 10));
            if falsified.contains(code) || code == revoked || !big {
                continue;
            }
            let r: Vec<Option<f64>> = rates.iter().map(|m| float(&m[code])).collect();
            for w in r.windows(2) {
                if let [Some(x), Some(y)] = w {
                    steps.push(y - x);
                }
            }
        }
        assert!(steps.len() > 200, "{name}: {}", steps.len());
        let mut size: Vec<f64> = steps.iter().map(|s| s.abs()).collect();
        size.sort_by(f64::total_cmp);
        let median = size[size.len() / 2];
        assert!(
            (low..high).contains(&median),
            "{name}: median change {median}"
        );
        assert!(steps.iter().any(|&s| s > 0.05) && steps.iter().any(|&s| s < -0.05));
    }
    // Stars follow the score from year to year.
    let stars: Vec<_> = ratings.iter().map(|df| by_code(df, "stars")).collect();
    let changed = stars[0]
        .keys()
        .filter(|c| {
            stars
                .iter()
                .map(|s| s[*c].to_string())
                .collect::<BTreeSet<_>>()
                .len()
                > 1
        })
        .count();
    assert!(
        (30..270).contains(&changed),
        "stars changed in {changed} of 300"
    );

    // The disqualified community: fails 2019 on its re-employment rate, out
    // of the re-inspection from 2020 on, revoked on the day approved.
    let scope: Vec<_> = ratings
        .iter()
        .map(|df| by_code(df, "under_reinspection"))
        .collect();
    let verdicts: Vec<_> = ratings.iter().map(|df| by_code(df, "verdict")).collect();
    let failing = by_code(&ratings[0], "failing_rules");
    assert_eq!(scope[0][revoked], AnyValue::Boolean(true));
    assert_eq!(verdicts[0][revoked].get_str(), Some("fail"));
    assert!(
        failing[revoked]
            .get_str()
            .is_some_and(|f| f.contains("min_reemployment_rate"))
    );
    for y in [1, 2] {
        assert_eq!(scope[y][revoked], AnyValue::Boolean(false), "{}", years[y]);
        assert_eq!(
            by_code(&ratings[y], "qualification_revoked_on")[revoked].to_string(),
            *answered
        );
    }

    // The ground truth per year: the patterns are found in 2021, the year
    // they act in; no clean community draws a high finding in any year.
    let strong = |y: usize, severities: &[&str]| -> BTreeSet<String> {
        let f = partition(&run, "findings", years[y]);
        let codes = f.column("community_code").unwrap().str().unwrap();
        let sev = f.column("severity").unwrap().str().unwrap();
        (0..f.height())
            .filter(|&k| sev.get(k).is_some_and(|s| severities.contains(&s)))
            .filter_map(|k| codes.get(k).map(str::to_string))
            .collect()
    };
    let found = strong(2, &["high", "medium"]);
    let patterns: BTreeMap<&str, &str> = truth
        .iter()
        .filter(|t| !t["community_code"].is_empty() && t["pattern"] != "implausible_change")
        .map(|t| (t["community_code"].as_str(), t["pattern"].as_str()))
        .collect();
    let missed: Vec<_> = patterns
        .iter()
        .filter(|(c, _)| !found.contains(**c))
        .collect();
    assert!(
        missed.len() * 10 <= patterns.len(),
        "{} of {} falsified communities without a high or medium finding in 2021: {missed:?}",
        missed.len(),
        patterns.len()
    );
    for (y, year) in years.iter().enumerate() {
        let clean_high: Vec<String> = strong(y, &["high"])
            .into_iter()
            .filter(|c| !falsified.contains(c))
            .collect();
        assert!(clean_high.len() <= 1, "{year}: {clean_high:?}");
    }
}
