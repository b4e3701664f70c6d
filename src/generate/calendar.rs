//! The dates every community shares: the years of the histories (the review
//! year, the year before it, and for an extract of several review years the
//! years before those), and the extract's own date, which lies past the
//! cut-off so that jobs ending soon after it are visible (the window-dressing
//! test needs them).

use chrono::{Duration, NaiveDate, NaiveDateTime};

#[derive(Debug, Clone, Copy)]
pub struct Calendar {
    /// The review year Y: the latest year of the histories.
    pub year: i32,
    /// The first year of the histories: Y-1 for one review year and the
    /// year before it, earlier for a range of review years.
    pub first_year: i32,
    /// S of the first year: the histories begin here, and a person "settled"
    /// was in the ledger before it.
    pub first_start: NaiveDate,
    /// S and A of the review year (docs/indicators.md: P = [S, A]).
    pub start: NaiveDate,
    pub cutoff: NaiveDate,
    /// S and A of the year before, which the change detector compares with.
    pub prev_start: NaiveDate,
    pub prev_cutoff: NaiveDate,
    /// The last day the extract holds: every event date and `recorded_at` is
    /// on or before it, and the latest `recorded_at` falls on it.
    pub extract: NaiveDate,
}

/// Days the extract reaches past the cut-off: the detectors' `after_days`
/// (60) so that a job kept just past the cut-off shows its end.
pub const DAYS_PAST_CUTOFF: i64 = 60;

impl Calendar {
    /// Review year `year` and the year before it.
    pub fn new(year: i32) -> Calendar {
        Calendar::range(year - 1, year)
    }

    /// Histories from `first_year` to review year `year` (at least two years:
    /// the change detector compares each year with the one before).
    pub fn range(first_year: i32, year: i32) -> Calendar {
        let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a calendar date");
        let cutoff = ymd(year, 12, 31);
        Calendar {
            year,
            first_year,
            first_start: ymd(first_year, 1, 1),
            start: ymd(year, 1, 1),
            cutoff,
            prev_start: ymd(year - 1, 1, 1),
            prev_cutoff: ymd(year - 1, 12, 31),
            extract: cutoff + Duration::days(DAYS_PAST_CUTOFF),
        }
    }

    /// The years of the histories, oldest first.
    pub fn years(&self) -> std::ops::RangeInclusive<i32> {
        self.first_year..=self.year
    }

    /// How many years the histories cover (2 for one review year).
    pub fn span(&self) -> usize {
        (self.year - self.first_year + 1) as usize
    }

    /// S and A (1 January and 31 December) of `year`.
    pub fn period(&self, year: i32) -> (NaiveDate, NaiveDate) {
        let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("a calendar date");
        (ymd(1, 1), ymd(12, 31))
    }

    /// The cut-off plus or minus days.
    pub fn from_cutoff(&self, days: i64) -> NaiveDate {
        self.cutoff + Duration::days(days)
    }

    /// The end of the extract's last working day: nothing is keyed later.
    pub fn extract_closing(&self) -> NaiveDateTime {
        self.extract.and_hms_opt(17, 30, 0).expect("a time of day")
    }
}

/// The date `years` whole years after `d` (29 February falls to 28 February).
pub fn add_years(d: NaiveDate, years: i32) -> NaiveDate {
    use chrono::Datelike;
    let y = d.year() + years;
    NaiveDate::from_ymd_opt(y, d.month(), d.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, d.month(), 28))
        .expect("a calendar date")
}

/// Whole years from `birth` to `d`.
pub fn age_at(birth: NaiveDate, d: NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut age = d.year() - birth.year();
    if (d.month(), d.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_leap_days() {
        let b = NaiveDate::from_ymd_opt(2000, 2, 29).unwrap();
        assert_eq!(
            add_years(b, 1),
            NaiveDate::from_ymd_opt(2001, 2, 28).unwrap()
        );
        assert_eq!(age_at(b, NaiveDate::from_ymd_opt(2016, 2, 28).unwrap()), 15);
        assert_eq!(age_at(b, NaiveDate::from_ymd_opt(2016, 2, 29).unwrap()), 16);
        let c = Calendar::new(2021);
        assert_eq!(c.extract, NaiveDate::from_ymd_opt(2022, 3, 1).unwrap());
        assert_eq!((c.first_start, c.span()), (c.prev_start, 2));
        let r = Calendar::range(2019, 2021);
        assert_eq!(r.first_start, NaiveDate::from_ymd_opt(2019, 1, 1).unwrap());
        assert_eq!(r.prev_start, NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
        assert_eq!(r.years().collect::<Vec<_>>(), [2019, 2020, 2021]);
    }
}
