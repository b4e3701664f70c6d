//! The publicity period (公示, docs/rules.md): its end is the Nth working day
//! counted from the start, the start included when it is a working day.
//! Working days are Monday–Friday, minus the listed public holidays, plus the
//! listed weekend days worked in exchange (调休).

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
