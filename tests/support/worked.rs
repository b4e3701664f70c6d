//! The hand-worked extract of `tests/indicators.rs`, shared with the run,
//! explain, report and fault tests. Cut-off A = 2021-12-31, S = 2021-01-01.

use std::path::{Path, PathBuf};

use super::{id, pipeline, write};

pub const C1: &str = "410402001001";
pub const C2: &str = "410402001002";
pub const C3: &str = "410402001003";

/// Pipeline lines (TOML) under which C1 passes its 2021 re-inspection: no
/// veto (it has 2 overdue households), the unemployment ceiling at its 0.5,
/// and rate thresholds below its rates. Its margin, by hand from the counts
/// of tests/indicators.rs: reemployment 2 of 7 at 0.25 → 1/7 = 0.14 is
/// below: 1; hardship 2 of 3 employed at 0.6 → 1/3 is below: 1; coverage 2
/// of 3 assisted at 0.3 → 1/3 = 0.33 holds, 0/3 does not: 2. So 1, shared
/// by min_reemployment_rate and min_hardship_employment_rate.
pub const C1_PASSES: &str = "[rules.reinspection]\n\
    zero_household_veto = false\n\
    min_reemployment_rate = 0.25\n\
    min_hardship_employment_rate = 0.6\n\
    max_registered_unemployment_rate = 0.5\n\
    min_assistance_coverage = 0.3\n";

/// `dir/pipeline.toml` reading `extract` and publishing to `out`, cut-off
/// 2021-12-31, review years 2020 and 2021, then `extra` lines (TOML, each
/// ending in a newline).
pub fn pipeline_file(dir: &Path, extract: &Path, out: &Path, extra: &str) -> PathBuf {
    pipeline(
        &dir.join("pipeline.toml"),
        extract,
        out,
        &format!("as_of = 2021-12-31\nyears = [2020, 2021]\n{extra}"),
    )
}

/// Persons used below: (label, birth date).
pub fn p(label: &str) -> String {
    let births = [
        ("P1", "19800501"),
        ("P2", "19661231"),
        ("P3", "19670101"),
        ("P4", "19611231"),
        ("P5", "20051231"),
        ("P6", "19900101"),
        ("P7", "19900102"),
        ("P8", "19850101"),
        ("P9", "19850601"),
        ("P10", "19850701"),
        ("P11", "19700101"),
        ("P12", "19750101"),
        ("P13", "19760101"),
        ("P14", "19770101"),
        ("P15", "19780101"),
        ("P16", "19790101"),
    ];
    let (i, (_, b)) = births
        .iter()
        .enumerate()
        .find(|(_, (l, _))| *l == label)
        .unwrap();
    id(i as u32 + 1, b)
}

pub fn fixture(dir: &Path, with_optional: bool) {
    write(
        dir,
        "communities.csv",
        format!(
            "community_code,community_name,county,street,provincial_year\n\
             {C1},光明社区,新华区,中兴路街道,2015\n{C2},和平社区,新华区,中兴路街道,\n{C3},东风社区,卫东区,东安路街道,\n"
        ),
    );
    let persons = [
        // P1: working age, able, active → labour force; E1 covers A → employed.
        (
            "P1",
            C1,
            "H1",
            "男",
            "1980-05-01",
            "是",
            "2015-01-01",
            "",
            "",
        ),
        // P2: a woman who turns 55 on A is past working age.
        (
            "P2",
            C1,
            "H2",
            "女",
            "1966-12-31",
            "是",
            "2015-01-01",
            "",
            "",
        ),
        // P3: a woman of 54 at A is of working age; not employed at A.
        (
            "P3",
            C1,
            "H3",
            "女",
            "1967-01-01",
            "是",
            "2015-01-01",
            "",
            "",
        ),
        // P4: a man who turns 60 on A is past working age.
        (
            "P4",
            C1,
            "H4",
            "男",
            "1961-12-31",
            "是",
            "2015-01-01",
            "",
            "",
        ),
        // P5: turns 16 on A: of working age.
        (
            "P5",
            C1,
            "H5",
            "男",
            "2005-12-31",
            "是",
            "2015-01-01",
            "",
            "",
        ),
        // P6: left the ledger on A: not active at A.
        (
            "P6",
            C1,
            "H6",
            "男",
            "1990-01-01",
            "是",
            "2015-01-01",
            "2021-12-31",
            "迁出",
        ),
        // P7: leaves the day after A: active at A; employed through a record of another community.
        (
            "P7",
            C1,
            "H7",
            "男",
            "1990-01-02",
            "是",
            "2015-01-01",
            "2022-01-01",
            "迁出",
        ),
        // P8: no labour capacity.
        (
            "P8",
            C1,
            "H8",
            "男",
            "1985-01-01",
            "否",
            "2015-01-01",
            "",
            "",
        ),
        // P9 moved: C2 until 2021-06-30, C1 from 2021-07-01: in C1's labour force only.
        (
            "P9",
            C2,
            "H9",
            "女",
            "1985-06-01",
            "是",
            "2015-01-01",
            "2021-06-30",
            "迁出",
        ),
        (
            "P9",
            C1,
            "H9",
            "女",
            "1985-06-01",
            "是",
            "2021-07-01",
            "",
            "",
        ),
        // P10: entered after A.
        (
            "P10",
            C1,
            "H10",
            "男",
            "1985-07-01",
            "是",
            "2022-01-01",
            "",
            "",
        ),
        // P11: C2's only labour force, not employed.
        (
            "P11",
            C2,
            "H11",
            "男",
            "1970-01-01",
            "是",
            "2015-01-01",
            "",
            "",
        ),
    ];
    let mut text = String::from(
        "person_id,community_code,household_id,gender,birth_date,labor_capacity,entered_on,left_on,left_reason\n",
    );
    for (l, c, h, g, b, cap, e, left, why) in persons {
        text.push_str(&format!(
            "{},{c},{h},{g},{b},{cap},{e},{left},{why}\n",
            p(l)
        ));
    }
    write(dir, "persons.csv", &text);

    let employment = [
        ("E1", "P1", C1, "2020-03-01", ""),
        // P3's job ended the day before A: not employed at A; a new job of C1 in P.
        ("E3", "P3", C1, "2021-02-01", "2021-12-30"),
        // Registered by C2: counts for C2's new_jobs and for P7 being employed at A.
        ("E7", "P7", C2, "2021-05-01", ""),
        // Starts on A: covers A, a new job in P, and re-employs P9's registration.
        ("E9", "P9", C1, "2021-12-31", ""),
        // P12 re-employed on S, through C2: counts for C1's reemployed_in_period;
        // no new job of C2 (P12 has no ledger row to be aged by).
        ("E12", "P12", C2, "2021-01-01", "2021-03-31"),
        // Starts after A: nothing.
        ("E20", "P5", C1, "2022-01-05", ""),
    ];
    let mut text =
        String::from("record_id,person_id,community_code,employment_type,started_on,ended_on\n");
    for (r, l, c, s, e) in employment {
        text.push_str(&format!("{r},{},{c},单位就业,{s},{e}\n", p(l)));
    }
    write(dir, "employment.csv", &text);

    let unemployment = [
        // Open at A (and long-term: registered 305 days before A).
        ("U1", "P3", C1, "2021-03-01", "", ""),
        // Ended on A: not open at A, but overlaps P.
        ("U2", "P5", C1, "2021-06-15", "2021-12-31", "其他"),
        // Ended on S: overlaps P; re-employed on S through C2.
        ("U3", "P12", C1, "2020-05-01", "2021-01-01", "就业"),
        // Ended before S: does not overlap P.
        ("U4", "P13", C1, "2020-01-01", "2020-12-31", "其他"),
        // Re-employed on A.
        ("U5", "P9", C1, "2021-07-01", "2021-12-30", "就业"),
        // P1's only job started before this registration: not re-employed.
        ("U6", "P1", C1, "2021-04-01", "2021-08-01", "其他"),
        // Open at A, registered 181 days before A: long-term.
        ("U8", "P14", C1, "2021-07-03", "", ""),
        // Open at A, registered exactly 180 days before A: not long-term.
        ("U9", "P15", C1, "2021-07-04", "", ""),
    ];
    let mut text = String::from(
        "registration_id,person_id,community_code,registered_on,ended_on,end_reason\n",
    );
    for (r, l, c, s, e, why) in unemployment {
        text.push_str(&format!("{r},{},{c},{s},{e},{why}\n", p(l)));
    }
    write(dir, "unemployment.csv", &text);

    let hardship = [
        ("P3", C1, "2020-01-01", ""),
        ("P1", C1, "2021-05-01", ""),
        // Revoked before S: not in H.
        ("P5", C1, "2019-01-01", "2020-12-31"),
        // Revoked on S: overlaps P, so in H; employed at A.
        ("P7", C1, "2020-06-01", "2021-01-01"),
        // Designated after A.
        ("P16", C1, "2022-01-02", ""),
    ];
    let mut text = String::from("person_id,community_code,category,designated_on,revoked_on\n");
    for (l, c, d, r) in hardship {
        text.push_str(&format!("{},{c},4050人员,{d},{r}\n", p(l)));
    }
    write(dir, "hardship.csv", &text);

    write(
        dir,
        "zero_households.csv",
        format!(
            "household_id,community_code,identified_on,cleared_on\n\
             HH1,{C1},2021-11-01,2021-12-01\n\
             HH2,{C1},2021-11-01,2021-12-02\n\
             HH3,{C1},2021-12-15,\n\
             HH4,{C1},2020-06-01,2020-12-31\n\
             HH5,{C1},2021-10-01,2022-01-15\n\
             HH6,{C1},2022-01-01,\n"
        ),
    );
    if with_optional {
        write(
            dir,
            "services.csv",
            format!(
                "service_id,person_id,community_code,service_type,delivered_on\n\
                 S1,{},{C2},职业指导,2021-12-31\nS2,{},{C1},职业介绍,2020-12-31\n\
                 S3,{},{C1},就业援助,2021-01-01\nS4,{},{C1},政策咨询,2021-06-01\n",
                p("P3"),
                p("P1"),
                p("P7"),
                p("P5")
            ),
        );
        // C1 applies for star level; C2's county does not recommend it.
        write(
            dir,
            "applications.csv",
            format!(
                "community_code,year,applied_level,claimed_reemployment_rate,claimed_new_jobs,street_recommends,county_recommends\n\
                 {C1},2021,星级,85%,3,是,是\n{C2},2021,市级,0.9,2,是,否\n"
            ),
        );
        write(
            dir,
            "platform.csv",
            format!(
                "community_code,year,service_window,staff_count,has_info_system\n\
                 {C1},2021,是,1,是\n{C2},2021,是,0,是\n{C1},2020,否,3,是\n"
            ),
        );
    }
}
