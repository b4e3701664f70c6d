//! The contract's date spellings (docs/data-contract.md): one parser for
//! every date cell ingest reads and every date a pipeline file writes as a
//! string.

use chrono::NaiveDate;

/// Parses the contract's date spellings: `2021-12-31`, `2021/12/31`,
/// `2021.12.31`, `20211231`, `2021年12月31日`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some(d) = fixed_width(s.as_bytes()) {
        return d;
    }
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(s, "%Y%m%d").ok();
    }
    let normalised: String = s
        .replace(['年', '月'], "-")
        .replace('日', "")
        .chars()
        .map(|c| if c == '/' || c == '.' { '-' } else { c })
        .collect();
    let mut parts = normalised.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || y.len() != 4
        || m.is_empty()
        || m.len() > 2
        || d.is_empty()
        || d.len() > 2
    {
        return None;
    }
    if ![y, m, d]
        .iter()
        .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// The common `YYYY-MM-DD` (or `/`, `.`) spelling read without allocating:
/// ingest parses millions of dates. None when the text has another shape,
/// Some(None) when it has this shape but is no calendar date.
fn fixed_width(b: &[u8]) -> Option<Option<NaiveDate>> {
    if b.len() != 10 || !matches!(b[4], b'-' | b'/' | b'.') || b[7] != b[4] {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    Some(NaiveDate::from_ymd_opt(y as i32, m, d))
}

/// 2021-12-31 in each spelling the contract reads: the cases of the tests
/// of every reader of dates.
#[cfg(test)]
pub(crate) const SPELLINGS_OF_A_DATE: [&str; 5] = [
    "2021-12-31",
    "2021/12/31",
    "2021.12.31",
    "20211231",
    "2021年12月31日",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_contract_spelling() {
        let want = NaiveDate::from_ymd_opt(2021, 12, 31);
        for s in SPELLINGS_OF_A_DATE.into_iter().chain([" 2021-12-31 "]) {
            assert_eq!(parse_date(s), want, "{s}");
        }
        assert_eq!(parse_date("2021/1/5"), NaiveDate::from_ymd_opt(2021, 1, 5));
    }

    #[test]
    fn impossible_dates_fail() {
        for s in [
            "2021-02-30",
            "2021-13-01",
            "20210230",
            "2021-12",
            "21-12-31",
            "abc",
            "",
            "2021-12-31-1",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }
}
