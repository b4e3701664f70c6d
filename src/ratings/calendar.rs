//! The review calendar (docs/rules.md): the publicity period (公示), whose
//! end is the Nth working day counted from the start, the start included
//! when it is a working day; the review's stages in order with their dates;
//! and where a stage stands on a given day, in working days. Working days
//! are Monday–Friday, minus the listed public holidays, plus the listed
//! weekend days worked in exchange (调休).

use chrono::{Datelike, NaiveDate, Weekday};

use super::Publicity;
use crate::config::Review;
use crate::config::rules::PublicityRules;
use crate::error::{Error, Result};

/// Whether `day` is a working day under the review calendar.
pub fn is_working_day(day: NaiveDate, review: &Review) -> bool {
    if review.adjusted_workdays.contains(&day) {
        return true;
    }
    let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
    !weekend && !review.holidays.contains(&day)
}

/// The publicity period, or None when the pipeline sets no start. A day
/// listed both as a holiday and as a worked weekend day is a contradiction in
/// the pipeline file and is refused rather than guessed.
pub fn publicity(review: &Review, rules: &PublicityRules) -> Result<Option<Publicity>> {
    let Some(start) = review.publicity_start else {
        return Ok(None);
    };
    if let Some(day) = review
        .holidays
        .iter()
        .find(|d| review.adjusted_workdays.contains(d))
    {
        return Err(Error::usage(format!(
            "review: {day} is listed both in `holidays` and in `adjusted_workdays`; keep it in one of them"
        )));
    }
    let mut counted = 0;
    let mut day = start;
    loop {
        if is_working_day(day, review) {
            counted += 1;
            if counted >= rules.working_days {
                return Ok(Some(Publicity {
                    start,
                    end: day,
                    working_days: rules.working_days,
                }));
            }
        }
        day = day
            .succ_opt()
            .ok_or_else(|| Error::usage(format!("review: no end of publicity after {start}")))?;
    }
}

/// Working days after `from` up to and including `to`; 0 when `to` is not
/// after `from`. Both "due in N" and "overdue by N" count this way, so the
/// day of the report itself never counts.
pub fn working_days_after(from: NaiveDate, to: NaiveDate, review: &Review) -> i64 {
    from.iter_days()
        .skip(1)
        .take_while(|d| *d <= to)
        .filter(|d| is_working_day(*d, review))
        .count() as i64
}

/// One stage of the review (docs/rules.md), in the order they run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// The pipeline key that dates it: `register_due`, `list_due`,
    /// `cross_assessment`, `publicity`, `confirmation_due`.
    pub key: String,
    /// What the notice calls it.
    pub label: String,
    /// The first day of a stage that lasts (cross assessment, publicity).
    pub start: Option<NaiveDate>,
    /// Its due date, or the last day of a stage that lasts.
    pub due: NaiveDate,
}

pub const REGISTER: &str = "register_due";
pub const LIST: &str = "list_due";
pub const CROSS_ASSESSMENT: &str = "cross_assessment";
pub const PUBLICITY: &str = "publicity";
pub const CONFIRMATION: &str = "confirmation_due";

/// The stages the pipeline dates, in order; none without a calendar. The
/// confirmation comes once the publicity period has ended (公示期满无异议的,
/// 发文确认): a confirmation due on or before its end is refused, naming the key.
pub fn stages(review: &Review, publicity: Option<&Publicity>) -> Result<Vec<Stage>> {
    if let (Some(p), Some(due)) = (publicity, review.confirmation_due)
        && due <= p.end
    {
        return Err(Error::usage(format!(
            "review: key `review.confirmation_due`: {due} is not after the end of the publicity period ({}, {} working days from {})",
            p.end, p.working_days, p.start
        )));
    }
    let mut out = Vec::new();
    let mut due = |key: &str, label: &str, start, due: Option<NaiveDate>| {
        if let Some(due) = due {
            out.push(Stage {
                key: key.into(),
                label: label.into(),
                start,
                due,
            });
        }
    };
    due(REGISTER, "复查登记表报送", None, review.register_due);
    due(LIST, "推荐名单报送", None, review.list_due);
    due(
        CROSS_ASSESSMENT,
        "市级交叉考核",
        review.cross_assessment_start,
        review.cross_assessment_end,
    );
    due(
        PUBLICITY,
        "公示",
        publicity.map(|p| p.start),
        publicity.map(|p| p.end),
    );
    due(CONFIRMATION, "发文确认", None, review.confirmation_due);
    Ok(out)
}

/// Where a stage stands on the day of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Its day has passed and nothing is outstanding (已过).
    Done,
    /// Its day has passed with items outstanding: working days since.
    Overdue(i64),
    /// Due on the day itself.
    DueToday,
    /// Due later: working days until its due date (0: the last working day
    /// before a due date that falls on a day off).
    DueIn(i64),
    /// A stage that lasts, not begun: working days until its first day.
    StartsIn(i64),
    /// A stage that lasts, under way: working days left after the day.
    Running(i64),
}

/// The state of `stage` on `day`, with `outstanding` items still open for it.
pub fn state(stage: &Stage, day: NaiveDate, outstanding: usize, review: &Review) -> State {
    match stage.start {
        Some(start) if day < start => State::StartsIn(working_days_after(day, start, review)),
        Some(_) if day <= stage.due => State::Running(working_days_after(day, stage.due, review)),
        _ if day < stage.due => State::DueIn(working_days_after(day, stage.due, review)),
        _ if day == stage.due => State::DueToday,
        _ if outstanding == 0 => State::Done,
        _ => State::Overdue(working_days_after(stage.due, day, review)),
    }
}

/// The 2022 Spring Festival of the annual pipeline, for tests: 31 Jan–6
/// Feb off, the weekend of 29–30 Jan worked, publicity from 28 Jan and the
/// confirmation due 11 Feb.
#[cfg(test)]
pub(crate) fn spring_festival() -> Review {
    let d = |m: u32, day: u32| NaiveDate::from_ymd_opt(2022, m, day).unwrap();
    Review {
        publicity_start: Some(d(1, 28)),
        holidays: (0..7).map(|k| d(1, 31) + chrono::Days::new(k)).collect(),
        adjusted_workdays: vec![d(1, 29), d(1, 30)],
        confirmation_due: Some(d(2, 11)),
        ..Review::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn an_ordinary_week_starting_on_a_weekend_begins_counting_on_monday() {
        let review = Review {
            publicity_start: Some(d(2021, 6, 5)),
            ..Review::default()
        };
        // Sat 5 and Sun 6 do not count; Mon 7 .. Fri 11 are days 1..5.
        let p = publicity(&review, &PublicityRules { working_days: 5 })
            .unwrap()
            .unwrap();
        assert_eq!(p.end, d(2021, 6, 11));
    }

    use super::spring_festival;

    #[test]
    fn working_days_skip_the_holiday_and_count_the_worked_weekend() {
        let r = spring_festival();
        // Fri 28 Jan → Mon 7 Feb: Sat 29, Sun 30 (worked), Mon 7.
        assert_eq!(working_days_after(d(2022, 1, 28), d(2022, 2, 7), &r), 3);
        assert_eq!(working_days_after(d(2022, 2, 7), d(2022, 1, 28), &r), 0);
        let p = publicity(&r, &PublicityRules { working_days: 5 })
            .unwrap()
            .unwrap();
        // 28, 29, 30 Jan, then 7, 8 Feb.
        assert_eq!(p.end, d(2022, 2, 8));
    }

    #[test]
    fn a_stage_is_due_in_n_working_days_then_due_today_then_done_or_overdue() {
        let r = spring_festival();
        let stage = Stage {
            key: CONFIRMATION.into(),
            label: "发文确认".into(),
            start: None,
            due: d(2022, 2, 11),
        };
        // Fri 28 Jan: 29, 30 Jan, 7..11 Feb.
        assert_eq!(state(&stage, d(2022, 1, 28), 0, &r), State::DueIn(7));
        assert_eq!(state(&stage, d(2022, 2, 11), 3, &r), State::DueToday);
        assert_eq!(state(&stage, d(2022, 2, 12), 0, &r), State::Done);
        // Due Fri 11 Feb, outstanding items on Tue 15 Feb: Mon 14, Tue 15.
        assert_eq!(state(&stage, d(2022, 2, 15), 2, &r), State::Overdue(2));
    }

    #[test]
    fn a_stage_that_lasts_starts_runs_and_ends() {
        let r = spring_festival();
        let p = publicity(&r, &PublicityRules { working_days: 5 })
            .unwrap()
            .unwrap();
        let stages = stages(&r, Some(&p)).unwrap();
        let publicity_stage = stages.iter().find(|s| s.key == PUBLICITY).unwrap();
        assert_eq!(
            state(publicity_stage, d(2022, 1, 27), 0, &r),
            State::StartsIn(1)
        );
        // Sun 30 Jan, a worked day: 7 and 8 Feb remain.
        assert_eq!(
            state(publicity_stage, d(2022, 1, 30), 0, &r),
            State::Running(2)
        );
        assert_eq!(state(publicity_stage, d(2022, 2, 9), 0, &r), State::Done);
    }

    #[test]
    fn a_confirmation_inside_the_publicity_period_is_refused_by_key() {
        let mut r = spring_festival();
        r.confirmation_due = Some(d(2022, 2, 7));
        let p = publicity(&r, &PublicityRules { working_days: 5 })
            .unwrap()
            .unwrap();
        let e = stages(&r, Some(&p)).unwrap_err();
        assert!(e.to_string().contains("review.confirmation_due"), "{e}");
        assert!(e.to_string().contains("2022-02-08"), "{e}");
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn a_day_both_holiday_and_workday_is_refused() {
        let review = Review {
            publicity_start: Some(d(2022, 1, 28)),
            holidays: vec![d(2022, 1, 29)],
            adjusted_workdays: vec![d(2022, 1, 29)],
            ..Review::default()
        };
        let e = publicity(&review, &PublicityRules { working_days: 5 }).unwrap_err();
        assert!(e.to_string().contains("2022-01-29"), "{e}");
    }
}
