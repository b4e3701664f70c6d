//! The review's timeline (评审日程) as the report opens with it and `explain`
//! prints it: each stage, its date, and its state on the day the document is
//! made, with what each county still owes. The run builds it from its
//! calendar; `explain` rebuilds the calendar from the run's manifest, so a
//! report and a later `explain` count the same way (`ratings::calendar`).
//!
//! What "still owes" means: where the bureau records what it received
//! (`filings`, the working sheet 报送登记), a county owes the register
//! (复查登记表) or the list (推荐名单) until its receipt is recorded, and a
//! receipt after the due date is late by so many working days. Without any
//! receipt recorded the program cannot see a form being filed and infers,
//! saying so: for the register, the county's communities under
//! re-inspection whose verdict is not decided (数据不全); for the list, its
//! applications without a county decision (an empty `county_recommends`
//! cell, or the street's still empty). The later stages are the city's own
//! and owe nothing per county.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::labels;
use super::{Panel, Verdict};
use crate::config::Review;
use crate::ratings::calendar::{self, LIST, REGISTER, Stage};

/// What one county still owes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Owed {
    /// Communities under re-inspection without a decided verdict.
    pub undecided_verdicts: usize,
    /// Applications without a county decision (待定).
    pub undecided_applications: usize,
    /// Whether the bureau records receipts (a `filings` table was read);
    /// without, what is owed is inferred from the data.
    pub receipts_recorded: bool,
    /// The day the county's register and list came in, if recorded.
    pub register_received: Option<NaiveDate>,
    pub list_received: Option<NaiveDate>,
}

/// One line of the timeline.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Row {
    pub key: String,
    pub stage: String,
    /// "2022-01-07", or "2022-01-28 至 2022-02-08" for a stage that lasts.
    pub date: String,
    /// "已过", "还有 3 个工作日", "逾期 2 个工作日", …
    pub state: String,
    /// `done`, `due`, `today`, `running` or `overdue`: the row's CSS class.
    pub class: String,
    /// Per county, what is still owed for this stage: "新华区:2 个申报待县区推荐".
    pub owed: Vec<String>,
}

/// The review's dated stages and the working-day calendar they count in.
pub struct Calendar {
    pub stages: Vec<Stage>,
    pub review: Review,
}

/// What each county owes as the data shows it: its communities under
/// re-inspection without a decided verdict, given as (county, under
/// re-inspection, verdict), and its applications waiting for a
/// recommendation, given by county. The one count the report and `explain`
/// share.
pub fn count_owed<'a>(
    verdicts: impl IntoIterator<Item = (&'a str, bool, Option<Verdict>)>,
    waiting: impl IntoIterator<Item = &'a str>,
) -> BTreeMap<String, Owed> {
    let mut by: BTreeMap<String, Owed> = BTreeMap::new();
    for (county, under, verdict) in verdicts {
        if under && !matches!(verdict, Some(Verdict::Pass | Verdict::Fail)) {
            by.entry(county.to_string()).or_default().undecided_verdicts += 1;
        }
    }
    for county in waiting {
        by.entry(county.to_string())
            .or_default()
            .undecided_applications += 1;
    }
    by
}

/// What each county owes, from the review year's rows and, where the bureau
/// records them, its receipts.
pub fn owed(panel: &Panel) -> BTreeMap<String, Owed> {
    let mut by = count_owed(
        panel
            .communities
            .iter()
            .map(|c| (c.county.as_str(), c.under_reinspection, c.verdict)),
        panel.waiting.iter().map(|w| w.county.as_str()),
    );
    if let Some(receipts) = &panel.receipts {
        use crate::contract::review_records::{LIST_FILED, REGISTER_FILED};
        for c in &panel.communities {
            let o = by.entry(c.county.clone()).or_default();
            o.receipts_recorded = true;
            let got = |doc: &str| {
                receipts
                    .get(&(c.county.clone(), panel.year, doc.to_string()))
                    .and_then(|r| r.0)
            };
            o.register_received = got(REGISTER_FILED);
            o.list_received = got(LIST_FILED);
        }
    }
    by
}

/// The count a county owes for a stage, and its words (empty: nothing to say).
fn owed_for(stage: &Stage, o: &Owed, review: &Review) -> (usize, String) {
    let (received, what, inferred) = match stage.key.as_str() {
        REGISTER => (
            o.register_received,
            "登记表",
            (
                o.undecided_verdicts,
                format!(
                    "{} 个复查社区结论未定({})",
                    o.undecided_verdicts,
                    labels::verdict(Some(Verdict::Incomplete))
                ),
            ),
        ),
        LIST => (
            o.list_received,
            "推荐名单",
            (
                o.undecided_applications,
                format!("{} 个申报待推荐(待定)", o.undecided_applications),
            ),
        ),
        _ => return (0, String::new()),
    };
    match received {
        Some(day) if day > stage.due => (
            0,
            format!(
                "{what}已于 {day} 收到,逾期 {} 个工作日",
                calendar::working_days_after(stage.due, day, review)
            ),
        ),
        Some(day) => (0, format!("{what}已于 {day} 收到")),
        None if o.receipts_recorded => (1, format!("未收到{what}")),
        None => (inferred.0, format!("{}(推断:未录报送登记)", inferred.1)),
    }
}

/// The timeline on `day`, with what each county owes.
pub fn rows(calendar: &Calendar, day: NaiveDate, owed: &BTreeMap<String, Owed>) -> Vec<Row> {
    calendar
        .stages
        .iter()
        .map(|stage| {
            let mut total = 0;
            let mut owed_words = Vec::new();
            for (county, o) in owed {
                let (n, words) = owed_for(stage, o, &calendar.review);
                total += n;
                if n > 0 || (o.receipts_recorded && !words.is_empty()) {
                    owed_words.push(format!("{county}:{words}"));
                }
            }
            let state = calendar::state(stage, day, total, &calendar.review);
            let (state, class) = labels::stage_state(state);
            Row {
                key: stage.key.clone(),
                stage: stage.label.clone(),
                date: match stage.start {
                    Some(start) => format!("{start} 至 {}", stage.due),
                    None => stage.due.to_string(),
                },
                state,
                class: class.into(),
                owed: owed_words,
            }
        })
        .collect()
}

/// One row as a line of text, for `explain`:
/// "复查登记表报送 2022-01-07 逾期 2 个工作日(新华区:1 个复查社区结论未定(数据不全))".
pub fn line(row: &Row) -> String {
    let mut s = format!("{} {} {}", row.stage, row.date, row.state);
    if !row.owed.is_empty() {
        s.push_str(&format!("({})", row.owed.join(";")));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::rules::PublicityRules;
    use crate::panel::{Community, Waiting};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// The 2021 review's calendar (pipelines/annual-review-2021.toml).
    fn review_2021() -> Calendar {
        let review = Review {
            register_due: Some(d(2022, 1, 7)),
            list_due: Some(d(2022, 1, 14)),
            cross_assessment_start: Some(d(2022, 1, 17)),
            cross_assessment_end: Some(d(2022, 1, 26)),
            ..calendar::spring_festival()
        };
        let p = calendar::publicity(&review, &PublicityRules { working_days: 5 })
            .unwrap()
            .unwrap();
        Calendar {
            stages: calendar::stages(&review, Some(&p)).unwrap(),
            review,
        }
    }

    fn panel() -> Panel {
        let community = |code: &str, county: &str, verdict: Option<&str>| Community {
            code: code.into(),
            county: county.into(),
            under_reinspection: true,
            verdict: verdict.and_then(Verdict::parse),
            ..Community::default()
        };
        Panel {
            communities: vec![
                community("a", "新华区", Some("incomplete")),
                community("b", "新华区", Some("pass")),
                community("c", "卫东区", Some("fail")),
            ],
            waiting: vec![Waiting {
                code: "c".into(),
                county: "卫东区".into(),
                waiting_for: "county".into(),
                ..Waiting::default()
            }],
            ..Panel::default()
        }
    }

    fn states(day: NaiveDate) -> Vec<(String, String)> {
        rows(&review_2021(), day, &owed(&panel()))
            .into_iter()
            .map(|r| (r.stage, r.state))
            .collect()
    }

    #[test]
    fn before_the_first_due_date_every_stage_lies_ahead_in_working_days() {
        // Tue 4 Jan 2022: Wed 5, Thu 6, Fri 7.
        let s = states(d(2022, 1, 4));
        assert_eq!(s[0], ("复查登记表报送".into(), "还有 3 个工作日".into()));
        assert_eq!(s[1], ("推荐名单报送".into(), "还有 8 个工作日".into()));
        assert_eq!(s[2].1, "未开始,还有 9 个工作日开始");
        assert_eq!(s[3].0, "公示");
        assert_eq!(s[4], ("发文确认".into(), "还有 25 个工作日".into()));
    }

    #[test]
    fn the_run_date_decides_overdue_counting_working_days_across_the_holiday() {
        // Mon 7 Feb 2022, the first working day after the Spring Festival.
        let r = rows(&review_2021(), d(2022, 2, 7), &owed(&panel()));
        // Register due Fri 7 Jan, 新华区 still has an undecided verdict:
        // 10–14, 17–21, 24–28 Jan, 29, 30 Jan (worked), 7 Feb = 18.
        assert_eq!(r[0].state, "逾期 18 个工作日");
        assert_eq!(r[0].class, "overdue");
        assert_eq!(
            r[0].owed,
            ["新华区:1 个复查社区结论未定(数据不全)(推断:未录报送登记)"]
        );
        assert_eq!(r[1].state, "逾期 13 个工作日");
        assert_eq!(
            r[1].owed,
            ["卫东区:1 个申报待推荐(待定)(推断:未录报送登记)"]
        );
        // The cross assessment is over and owes nothing per county.
        assert_eq!((r[2].state.as_str(), r[2].class.as_str()), ("已过", "done"));
        // Publicity 28 Jan – 8 Feb: under way, 8 Feb left after today.
        assert_eq!(r[3].date, "2022-01-28 至 2022-02-08");
        assert_eq!(r[3].state, "进行中,今日后还有 1 个工作日");
        assert_eq!(r[4].state, "还有 4 个工作日");
    }

    #[test]
    fn a_passed_due_date_with_nothing_owed_is_done() {
        let mut p = panel();
        p.communities[0].verdict = Some(Verdict::Pass);
        p.waiting.clear();
        let r = rows(&review_2021(), d(2022, 1, 10), &owed(&p));
        assert_eq!((r[0].state.as_str(), r[0].class.as_str()), ("已过", "done"));
        assert!(r[0].owed.is_empty());
        assert_eq!(r[1].state, "还有 4 个工作日");
        assert_eq!(
            line(&r[0]),
            "复查登记表报送 2022-01-07 已过",
            "explain prints the same words"
        );
    }

    #[test]
    fn the_due_day_itself_is_due_today() {
        let r = rows(&review_2021(), d(2022, 1, 14), &owed(&panel()));
        assert_eq!(
            (r[1].state.as_str(), r[1].class.as_str()),
            ("今日截止", "today")
        );
        assert_eq!(
            line(&r[1]),
            "推荐名单报送 2022-01-14 今日截止(卫东区:1 个申报待推荐(待定)(推断:未录报送登记))"
        );
    }

    /// With receipts recorded, what a county owes is read from them: a
    /// register received after its due date is late by the working days
    /// between (the Spring Festival's holidays not counted), a list not yet
    /// received is owed, whatever the data would suggest.
    #[test]
    fn receipts_decide_what_is_filed_and_how_late() {
        use crate::contract::review_records::{LIST_FILED, REGISTER_FILED};
        let mut p = panel();
        p.year = 2021;
        let mut receipts = crate::panel::filings::Receipts::new();
        // 新华区's register came in Wed 9 Feb: 10–14, 17–21, 24–28 Jan,
        // 29, 30 Jan (worked), 7, 8, 9 Feb = 20 working days after Fri 7 Jan.
        receipts.insert(
            ("新华区".into(), 2021, REGISTER_FILED.into()),
            (Some(d(2022, 2, 9)), None),
        );
        // 卫东区's register on time; its list not received.
        receipts.insert(
            ("卫东区".into(), 2021, REGISTER_FILED.into()),
            (Some(d(2022, 1, 6)), None),
        );
        receipts.insert(
            ("卫东区".into(), 2021, "其他".into()),
            (Some(d(2022, 1, 6)), None),
        );
        p.receipts = Some(receipts);
        let r = rows(&review_2021(), d(2022, 2, 10), &owed(&p));
        assert_eq!(
            r[0].owed,
            [
                "卫东区:登记表已于 2022-01-06 收到",
                "新华区:登记表已于 2022-02-09 收到,逾期 20 个工作日"
            ]
        );
        assert_eq!((r[0].state.as_str(), r[0].class.as_str()), ("已过", "done"));
        assert_eq!(
            r[1].owed,
            ["卫东区:未收到推荐名单", "新华区:未收到推荐名单"]
        );
        assert_eq!(r[1].class, "overdue");
        let _ = LIST_FILED;
    }
}
