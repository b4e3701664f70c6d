//! Cell values by column type, with every spelling the data contract lists:
//! dates (`2021-12-31`, `2021/12/31`, `2021.12.31`, `20211231`,
//! `2021年12月31日`, Excel serials), datetimes (a date plus `HH:MM[:SS]`),
//! booleans (`true/false`, `1/0`, `Y/N`, `是/否`, `有/无`), rates (a fraction,
//! `85%` or `85`), genders (`男/女`, `M/F`). Identifiers, codes, numbers and
//! dates are read after folding full-width forms (`fold`); an identifier that
//! Excel turned into a number is refused (`damaged_identifier`).

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use super::raw::Cell;
use super::rejects::RejectReason;
use crate::contract::dates::parse_date;
use crate::contract::{Column, Kind};

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(NaiveDate),
    Datetime(NaiveDateTime),
}

/// Why a cell cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub reason: RejectReason,
    pub detail: String,
}

fn problem(reason: RejectReason, detail: impl Into<String>) -> Problem {
    Problem {
        reason,
        detail: detail.into(),
    }
}

/// Parses one cell for its column, including the required, allowed-set and
/// range checks. An empty optional cell is `Value::Null` (or the column's default).
pub fn parse(cell: &Cell, column: &Column) -> Result<Value, Problem> {
    let folded_text;
    let cell = match cell {
        Cell::Text(s) if column.code => match fold_code(s) {
            Cow::Borrowed(_) => cell,
            Cow::Owned(f) if f.is_empty() => &Cell::Empty,
            Cow::Owned(f) => {
                folded_text = Cell::Text(f);
                &folded_text
            }
        },
        Cell::Text(s) if folded(column) => match fold(s) {
            Cow::Borrowed(_) => cell,
            Cow::Owned(f) if f.is_empty() => &Cell::Empty,
            Cow::Owned(f) => {
                folded_text = Cell::Text(f);
                &folded_text
            }
        },
        _ => cell,
    };
    if column.code
        && let Some(p) = damaged_identifier(cell)
    {
        return Err(p);
    }
    let value = match cell {
        Cell::Empty => Value::Null,
        Cell::Error(e) => {
            return Err(problem(
                RejectReason::Unparseable,
                format!("Excel error value {e}"),
            ));
        }
        _ => typed(cell, column.kind)?,
    };
    if value == Value::Null {
        if column.required {
            return Err(problem(RejectReason::RequiredEmpty, ""));
        }
        return Ok(column.default.map_or(Value::Null, Value::Bool));
    }
    if let Value::Str(s) = &value
        && !allowed(column, s)
    {
        return Err(problem(
            RejectReason::NotAllowed,
            format!("allowed: {}", column.allowed.join(", ")),
        ));
    }
    if let (Value::Int(i), Some((lo, hi))) = (&value, column.range)
        && !in_range(column, *i)
    {
        let range = if hi == i64::MAX {
            format!("{lo} or more")
        } else {
            format!("{lo}–{hi}")
        };
        return Err(problem(
            RejectReason::NotAllowed,
            format!("allowed: {range}"),
        ));
    }
    Ok(value)
}

fn typed(cell: &Cell, kind: Kind) -> Result<Value, Problem> {
    let bad = |what: &str| problem(RejectReason::Unparseable, format!("not {what}"));
    match kind {
        Kind::Str => Ok(Value::Str(text(cell))),
        Kind::Gender => match gender_of(&text(cell)) {
            Some(g) => Ok(Value::Str(g.into())),
            None => Err(problem(RejectReason::NotAllowed, "allowed: 男, 女, M, F")),
        },
        Kind::Int => match cell {
            Cell::Number(f) => integral(*f)
                .map(Value::Int)
                .ok_or_else(|| bad("a whole number")),
            Cell::Text(s) => parse_int(s)
                .map(Value::Int)
                .ok_or_else(|| bad("a whole number")),
            _ => Err(bad("a whole number")),
        },
        Kind::Float => match cell {
            Cell::Number(f) => Ok(Value::Float(*f)),
            Cell::Text(s) => parse_float(s)
                .map(Value::Float)
                .ok_or_else(|| bad("a number")),
            _ => Err(bad("a number")),
        },
        Kind::Rate => {
            let v = match cell {
                Cell::Number(f) => Some(as_fraction(*f, false)),
                Cell::Text(s) => rate_of_text(s),
                _ => None,
            };
            match v {
                None => Err(bad("a rate (0.85, 85% or 85)")),
                Some(r) if !rate_allowed(r) => Err(problem(
                    RejectReason::NotAllowed,
                    "allowed: a rate between 0 and 1 (0–100%)",
                )),
                Some(r) => Ok(Value::Float(r)),
            }
        }
        Kind::Bool => match cell {
            Cell::Bool(b) => Ok(Value::Bool(*b)),
            Cell::Number(f) if *f == 1.0 => Ok(Value::Bool(true)),
            Cell::Number(f) if *f == 0.0 => Ok(Value::Bool(false)),
            Cell::Text(s) => parse_bool(s)
                .map(Value::Bool)
                .ok_or_else(|| bad("a yes/no value (true/false, 1/0, Y/N, 是/否, 有/无)")),
            _ => Err(bad("a yes/no value (true/false, 1/0, Y/N, 是/否, 有/无)")),
        },
        Kind::Date => match cell {
            Cell::DateTime(dt) => Ok(Value::Date(dt.date())),
            Cell::Number(f) => eight_digit_date(*f)
                .or_else(|| excel_serial(*f).map(|dt| dt.date()))
                .map(Value::Date)
                .ok_or_else(|| bad("a date")),
            Cell::Text(s) => date_of_text(s)
                .map(Value::Date)
                .ok_or_else(|| bad("a date")),
            _ => Err(bad("a date")),
        },
        Kind::Datetime => match cell {
            Cell::DateTime(dt) => Ok(Value::Datetime(*dt)),
            Cell::Number(f) => eight_digit_date(*f)
                .map(|d| d.and_time(NaiveTime::MIN))
                .or_else(|| excel_serial(*f))
                .map(Value::Datetime)
                .ok_or_else(|| bad("a date and time")),
            Cell::Text(s) => datetime_of_text(s)
                .map(Value::Datetime)
                .ok_or_else(|| bad("a date and time")),
            _ => Err(bad("a date and time")),
        },
    }
}

/// Whether a column's text is folded to ASCII forms before it is read:
/// identifiers and codes, numbers and dates. Names and other free text are
/// kept as the file holds them.
pub fn folded(column: &Column) -> bool {
    column.code
        || matches!(
            column.kind,
            Kind::Int | Kind::Float | Kind::Rate | Kind::Date | Kind::Datetime
        )
}

/// A text with full-width digits, letters and spaces (`４１０４０２…Ｘ`, an
/// ideographic space) folded to ASCII by Unicode NFKC, and trimmed. ASCII
/// text, and text NFKC leaves alone (`2021年12月31日`), is returned as it is,
/// without an allocation.
pub fn fold(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || is_nfkc_quick(s.chars()) == IsNormalized::Yes {
        return Cow::Borrowed(s);
    }
    let folded: String = s.nfkc().collect();
    match folded.trim() {
        t if t.len() == folded.len() => Cow::Owned(folded),
        t => Cow::Owned(t.to_string()),
    }
}

/// Characters that take no room on screen, or look like a space, and that
/// text pasted from a web page or a chat window carries: zero-width spaces
/// and joiners, the word joiner, direction marks, the soft hyphen and the
/// byte-order mark. Nothing an identifier or a header is made of.
pub fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{202A}'..='\u{202E}'
    )
}

/// An identifier or code as it is read: invisible characters and any white
/// space inside (a no-break space, an ideographic space) removed, a leading
/// apostrophe (Excel's mark for "keep this as text", typed literally)
/// dropped, then full-width forms folded (`fold`). Plain ASCII without an
/// apostrophe or a space, nearly every value, is returned as it is.
pub fn fold_code(s: &str) -> Cow<'_, str> {
    if s.is_ascii() && !s.starts_with(LEADING_MARKS) {
        return Cow::Borrowed(s);
    }
    // Non-ASCII white space inside (a no-break or ideographic space) goes
    // before NFKC would make it an ASCII space; an ASCII space inside is the
    // file's own and stays.
    let kept: String = s
        .chars()
        .filter(|&c| !invisible(c) && (c.is_ascii() || !c.is_whitespace()))
        .collect();
    // Then full-width forms, so that a full-width apostrophe (`＇`) is one.
    let folded = fold(&kept);
    let out = folded
        .trim_start_matches(|c: char| LEADING_MARKS.contains(&c) || c.is_whitespace())
        .trim();
    if out == s {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(out.to_string())
    }
}

/// Marks typed before an identifier to keep Excel from reading it as a
/// number: the apostrophe, and the quotation marks a Chinese input method
/// types for it (`‘`, `’`), and a backquote.
const LEADING_MARKS: &[char] = &['\'', '‘', '’', '`'];

/// Whether `fold_code` changes a value. Plain ASCII without a leading
/// apostrophe, nearly every value, is answered without a call.
#[inline]
pub fn needs_code_fold(s: &str) -> bool {
    (s.as_bytes().first() == Some(&b'\'') || !s.is_ascii()) && matches!(fold_code(s), Cow::Owned(_))
}

/// A date typed as the eight digits `20210305` into a cell Excel keeps as a
/// number. No Excel serial has eight digits (the last, 9999-12-31, is
/// 2,958,465), so the two readings never meet.
pub fn eight_digit_date(f: f64) -> Option<NaiveDate> {
    let n = integral(f)?;
    if !(10_000_000..=99_999_999).contains(&n) {
        return None;
    }
    let n = n as u32;
    NaiveDate::from_ymd_opt((n / 10_000) as i32, n / 100 % 100, n % 100)
}

/// Whether a text needs `fold` to change it.
pub fn needs_fold(s: &str) -> bool {
    !s.is_ascii() && is_nfkc_quick(s.chars()) != IsNormalized::Yes
}

/// An identifier Excel has held as a number keeps 15 significant digits:
/// from 16 digits on, the last ones are already gone.
const EXACT_DIGITS: f64 = 1e15;

/// What the clerk is told about an identifier saved as a number.
pub const NUMBER_IDENTIFIER_FIX: &str = "Excel keeps only 15 significant digits of a number, \
     so the last digits are lost; export the column as text (format the cells as 文本 before \
     the numbers are typed or pasted) and export again";

/// The problem of an identifier or code cell that Excel turned into a
/// number: a number cell of more than 15 digits, or text in scientific
/// notation (`4.10402E+17`, a CSV saved after the damage). Shorter numbers
/// (12-digit community codes) are exact and read as their digits.
pub fn damaged_identifier(cell: &Cell) -> Option<Problem> {
    let detail = match cell {
        Cell::Number(f) if !f.is_finite() || f.abs() >= EXACT_DIGITS => {
            format!("a number of more than 15 digits: {NUMBER_IDENTIFIER_FIX}")
        }
        Cell::Text(s) if scientific(s) => {
            format!("a number in scientific notation: {NUMBER_IDENTIFIER_FIX}")
        }
        _ => return None,
    };
    Some(problem(RejectReason::NumberIdentifier, detail))
}

/// `4.10402E+17`, `4.10402198001011e+17`, `4E+17`: digits, an optional
/// fraction, `E` or `e` and a signed exponent. The sign is required: a
/// credit code may hold digits around an `E`, never a `+` or `-`.
pub fn scientific(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(e) = b.iter().position(|&c| c == b'E' || c == b'e') else {
        return false;
    };
    let (mantissa, exponent) = (&b[..e], &b[e + 1..]);
    let digits = |d: &[u8]| !d.is_empty() && d.iter().all(u8::is_ascii_digit);
    let mantissa_ok = match mantissa.iter().position(|&c| c == b'.') {
        Some(dot) => digits(&mantissa[..dot]) && digits(&mantissa[dot + 1..]),
        None => digits(mantissa),
    };
    mantissa_ok && matches!(exponent.first(), Some(b'+' | b'-')) && digits(&exponent[1..])
}

/// A cell as text: numbers without a spurious `.0` (a code or phone number
/// stored as a number in XLSX reads as its digits).
pub fn text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.clone(),
        Cell::Number(f) => match integral(*f) {
            Some(i) => i.to_string(),
            None => f.to_string(),
        },
        Cell::Bool(b) => b.to_string(),
        Cell::DateTime(dt) => dt.format("%Y-%m-%d %H:%M:%S").to_string(),
        Cell::Error(e) => e.clone(),
    }
}

/// Whether a text is in the column's allowed set (any text when it has none).
pub fn allowed(column: &Column, s: &str) -> bool {
    column.allowed.is_empty() || column.allowed.contains(&s)
}

/// Whether a whole number lies in the column's range (any when it has none).
pub fn in_range(column: &Column, i: i64) -> bool {
    column.range.is_none_or(|(lo, hi)| (lo..=hi).contains(&i))
}

/// A rate must end between 0 and 1.
pub fn rate_allowed(r: f64) -> bool {
    (0.0..=1.0).contains(&r)
}

/// `男`/`女` for the spellings of a gender.
pub fn gender_of(s: &str) -> Option<&'static str> {
    match s {
        "男" | "M" | "m" => Some("男"),
        "女" | "F" | "f" => Some("女"),
        _ => None,
    }
}

/// A rate written as text: `85%` is a percentage, a bare number above 1 too.
pub fn rate_of_text(s: &str) -> Option<f64> {
    match s.trim().strip_suffix(['%', '％']) {
        Some(p) => parse_float(p).map(|v| as_fraction(v, true)),
        None => parse_float(s).map(|v| as_fraction(v, false)),
    }
}

/// A date written as text, in any of the contract's spellings, or a datetime's date.
pub fn date_of_text(s: &str) -> Option<NaiveDate> {
    parse_date(s).or_else(|| parse_datetime(s).map(|dt| dt.date()))
}

/// A datetime written as text; a date alone is midnight.
pub fn datetime_of_text(s: &str) -> Option<NaiveDateTime> {
    parse_datetime(s).or_else(|| parse_date(s).map(|d| d.and_time(NaiveTime::MIN)))
}

pub fn integral(f: f64) -> Option<i64> {
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}

pub fn parse_int(s: &str) -> Option<i64> {
    let s = s.trim();
    s.parse::<i64>()
        .ok()
        .or_else(|| parse_float(s).and_then(integral))
}

pub fn parse_float(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|f| f.is_finite())
}

/// A rate as a fraction: `85%` and `85` are 0.85; `0.85` and `1` stay.
pub fn as_fraction(v: f64, percent: bool) -> f64 {
    if percent || v > 1.0 { v / 100.0 } else { v }
}

pub fn parse_bool(s: &str) -> Option<bool> {
    let s = s.trim();
    let is = |word: &str| s.eq_ignore_ascii_case(word);
    // Ticks and crosses: what a form's yes/no column is often marked with.
    if is("true") || is("1") || is("y") || matches!(s, "是" | "有" | "√" | "✓" | "✔") {
        Some(true)
    } else if is("false") || is("0") || is("n") || matches!(s, "否" | "无" | "×" | "✗" | "✘" | "╳")
    {
        Some(false)
    } else {
        None
    }
}

/// A date plus `HH:MM[:SS[.fff]]`, separated by a space or `T`.
pub fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    let (date, time) = s.split_once([' ', 'T'])?;
    let date = parse_date(date)?;
    let time = time.trim();
    let t = clock(time).or_else(|| {
        ["%H:%M:%S%.f", "%H:%M:%S", "%H:%M"]
            .iter()
            .find_map(|f| NaiveTime::parse_from_str(time, f).ok())
    })?;
    Some(date.and_time(t))
}

/// The common `HH:MM:SS` and `HH:MM` read without a format string (ingest
/// reads millions of them); None for any other shape or an impossible time,
/// which the format strings then judge.
fn clock(time: &str) -> Option<NaiveTime> {
    let b = time.as_bytes();
    let two = |at: usize| -> Option<u32> {
        let (h, l) = (*b.get(at)?, *b.get(at + 1)?);
        (h.is_ascii_digit() && l.is_ascii_digit())
            .then(|| u32::from(h - b'0') * 10 + u32::from(l - b'0'))
    };
    match b.len() {
        5 if b[2] == b':' => NaiveTime::from_hms_opt(two(0)?, two(3)?, 0),
        8 if b[2] == b':' && b[5] == b':' => NaiveTime::from_hms_opt(two(0)?, two(3)?, two(6)?),
        _ => None,
    }
}

/// An Excel serial date (1900 date system): days since 1899-12-30, the
/// fraction the time of day. Serials before 1900-03-01 are refused: Excel
/// counts a 29 February 1900 that never was.
pub fn excel_serial(serial: f64) -> Option<NaiveDateTime> {
    if !serial.is_finite() || !(61.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor();
    let millis = ((serial - days) * 86_400_000.0).round() as i64;
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(NaiveTime::MIN);
    Some(base + chrono::Duration::days(days as i64) + chrono::Duration::milliseconds(millis))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::tables::{APPLICATIONS, EMPLOYMENT, PERSONS};

    fn col(spec: &crate::contract::TableSpec, name: &str) -> Column {
        *spec.column(name).unwrap()
    }
    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_date_spelling_and_excel_serials() {
        let c = col(&PERSONS, "birth_date");
        let spellings = crate::contract::dates::SPELLINGS_OF_A_DATE;
        for s in spellings.into_iter().chain(["2021-12-31 00:00:00"]) {
            assert_eq!(parse(&t(s), &c), Ok(Value::Date(d(2021, 12, 31))), "{s}");
        }
        // 44561 is 2021-12-31 in Excel's 1900 system (44197 is 2021-01-01).
        assert_eq!(
            parse(&Cell::Number(44561.0), &c),
            Ok(Value::Date(d(2021, 12, 31)))
        );
        assert_eq!(
            parse(&Cell::Number(44197.0), &c),
            Ok(Value::Date(d(2021, 1, 1)))
        );
        let p = parse(&t("2021-02-30"), &c).unwrap_err();
        assert_eq!(p.reason, RejectReason::Unparseable);
    }

    #[test]
    fn datetimes() {
        let c = col(&EMPLOYMENT, "recorded_at");
        let want = d(2021, 12, 31).and_hms_opt(9, 5, 0).unwrap();
        for s in [
            "2021-12-31 09:05",
            "2021-12-31 09:05:00",
            "2021/12/31 09:05:00",
            "2021-12-31T09:05:00",
            "20211231 09:05",
        ] {
            assert_eq!(parse(&t(s), &c), Ok(Value::Datetime(want)), "{s}");
        }
        assert_eq!(
            parse(&Cell::Number(44561.0 + 9.0 / 24.0 + 5.0 / 1440.0), &c),
            Ok(Value::Datetime(want))
        );
        assert!(parse(&t("2021-12-31 25:00"), &c).is_err());
    }

    #[test]
    fn the_quick_clock_agrees_with_the_format_strings() {
        let chrono_time = |t: &str| {
            ["%H:%M:%S%.f", "%H:%M:%S", "%H:%M"]
                .iter()
                .find_map(|f| NaiveTime::parse_from_str(t, f).ok())
        };
        let mut answered = 0;
        for h in [0, 9, 23, 24, 99] {
            for m in [0, 5, 59, 60] {
                for t in [
                    format!("{h:02}:{m:02}"),
                    format!("{h:02}:{m:02}:00"),
                    format!("{h:02}:{m:02}:59"),
                    format!("{h:02}:{m:02}:60"),
                    format!("{h}:{m:02}"),
                ] {
                    if let Some(quick) = clock(&t) {
                        answered += 1;
                        assert_eq!(chrono_time(&t), Some(quick), "{t}");
                    }
                }
            }
        }
        assert!(answered > 20, "the quick path reads the common shapes");
        assert_eq!(
            clock("09:05:00.5"),
            None,
            "fractions go to the format strings"
        );
    }

    #[test]
    fn full_width_forms_fold_to_ascii_and_other_text_is_kept() {
        assert_eq!(fold("４１０４０２ｘ"), "410402x");
        assert_eq!(fold("２０２１－１２－３１"), "2021-12-31");
        assert_eq!(fold("Ｈ００１\u{3000}"), "H001");
        assert!(matches!(fold("2021年12月31日"), Cow::Borrowed(_)));
        assert!(matches!(fold("410402001001"), Cow::Borrowed(_)));
        assert!(!needs_fold("光明社区") && needs_fold("１"));
        let code = col(&PERSONS, "community_code");
        assert_eq!(
            parse(&t("４１０４０２００１００１"), &code),
            Ok(Value::Str("410402001001".into()))
        );
        assert_eq!(
            parse(&t("２０２１年１月５日"), &col(&PERSONS, "birth_date")),
            Ok(Value::Date(d(2021, 1, 5)))
        );
        // Names are free text: kept as written.
        assert_eq!(
            parse(&t("ＡＢＣ"), &col(&EMPLOYMENT, "employer_name")),
            Ok(Value::Str("ＡＢＣ".into()))
        );
    }

    #[test]
    fn identifiers_lose_invisible_characters_and_a_leading_apostrophe() {
        let id = "410402198005010011";
        for spoiled in [
            format!("'{id}"),
            format!("‘{id}"),
            format!("＇{id}"),
            format!("\u{FEFF}{id}"),
            format!("{}\u{200B}{}", &id[..6], &id[6..]),
            format!("{}\u{00A0}{}\u{3000}", &id[..3], &id[3..]),
            format!("{id}\u{2060}"),
        ] {
            assert_eq!(fold_code(&spoiled), id, "{spoiled:?}");
            assert!(needs_code_fold(&spoiled), "{spoiled:?}");
        }
        assert!(matches!(fold_code(id), Cow::Borrowed(_)));
        assert!(!needs_code_fold(id));
        // An ASCII space inside is the file's own; an apostrophe inside too.
        assert_eq!(fold_code("H 001"), "H 001");
        assert_eq!(fold_code("O'1"), "O'1");
        assert_eq!(
            parse(&t(&format!("'{id}")), &col(&PERSONS, "person_id")),
            Ok(Value::Str(id.into()))
        );
    }

    #[test]
    fn ticks_and_crosses_and_eight_digit_numbers() {
        let c = col(&PERSONS, "labor_capacity");
        for (s, b) in [
            ("√", true),
            ("✓", true),
            ("✔", true),
            ("×", false),
            ("✗", false),
        ] {
            assert_eq!(parse(&t(s), &c), Ok(Value::Bool(b)), "{s}");
        }
        let date = col(&PERSONS, "birth_date");
        assert_eq!(
            parse(&Cell::Number(20210305.0), &date),
            Ok(Value::Date(d(2021, 3, 5)))
        );
        assert_eq!(
            parse(&Cell::Number(20211331.0), &date).unwrap_err().reason,
            RejectReason::Unparseable
        );
        // Serials keep their meaning: no serial has eight digits.
        assert_eq!(
            parse(&Cell::Number(44561.0), &date),
            Ok(Value::Date(d(2021, 12, 31)))
        );
    }

    #[test]
    fn identifiers_excel_turned_into_numbers_are_refused() {
        let id = col(&PERSONS, "person_id");
        for cell in [
            Cell::Number(4.10402198001011e17),
            Cell::Number(1e15),
            t("4.10402E+17"),
            t("4.10402198001011e+17"),
            t("４.１０４０２Ｅ＋１７"),
        ] {
            let p = parse(&cell, &id).unwrap_err();
            assert_eq!(p.reason, RejectReason::NumberIdentifier, "{cell:?}");
            assert!(p.detail.contains("15 significant digits"), "{}", p.detail);
        }
        // Exact as numbers: read as their digits.
        assert_eq!(
            parse(
                &Cell::Number(999_999_999_999_999.0),
                &col(&PERSONS, "household_id")
            ),
            Ok(Value::Str("999999999999999".into()))
        );
        // A credit code may hold digits around an E, never a sign.
        assert!(!scientific("914104001234E56789"));
        assert!(scientific("4E+17") && scientific("4.1e-3") && !scientific("4.E+17"));
        assert_eq!(
            parse(&t("914104001234E56789"), &col(&EMPLOYMENT, "employer_code")),
            Ok(Value::Str("914104001234E56789".into()))
        );
    }

    #[test]
    fn every_boolean_spelling() {
        let c = col(&PERSONS, "labor_capacity");
        for (s, b) in [
            ("true", true),
            ("false", false),
            ("TRUE", true),
            ("1", true),
            ("0", false),
            ("Y", true),
            ("N", false),
            ("y", true),
            ("是", true),
            ("否", false),
            ("有", true),
            ("无", false),
        ] {
            assert_eq!(parse(&t(s), &c), Ok(Value::Bool(b)), "{s}");
        }
        assert_eq!(parse(&Cell::Bool(true), &c), Ok(Value::Bool(true)));
        assert_eq!(
            parse(&t("maybe"), &c).unwrap_err().reason,
            RejectReason::Unparseable
        );
        assert_eq!(
            parse(&Cell::Empty, &c).unwrap_err().reason,
            RejectReason::RequiredEmpty
        );
        // An empty optional boolean takes the contract's default.
        assert_eq!(
            parse(&Cell::Empty, &col(&PERSONS, "wants_work")),
            Ok(Value::Bool(true))
        );
    }

    #[test]
    fn rates_as_fraction_or_percentage() {
        let c = col(&APPLICATIONS, "claimed_reemployment_rate");
        for s in ["0.85", "85%", "85", "85.0％"] {
            match parse(&t(s), &c) {
                Ok(Value::Float(v)) => assert!((v - 0.85).abs() < 1e-12, "{s}: {v}"),
                other => panic!("{s}: {other:?}"),
            }
        }
        assert_eq!(parse(&t("1"), &c), Ok(Value::Float(1.0)));
        assert_eq!(
            parse(&t("120%"), &c).unwrap_err().reason,
            RejectReason::NotAllowed
        );
        assert_eq!(
            parse(&t("-5"), &c).unwrap_err().reason,
            RejectReason::NotAllowed
        );
        assert_eq!(
            parse(&t("high"), &c).unwrap_err().reason,
            RejectReason::Unparseable
        );
    }

    #[test]
    fn allowed_sets_genders_and_numbers_as_text() {
        assert_eq!(
            parse(&t("M"), &col(&PERSONS, "gender")),
            Ok(Value::Str("男".into()))
        );
        assert_eq!(
            parse(&t("X"), &col(&PERSONS, "gender")).unwrap_err().reason,
            RejectReason::NotAllowed
        );
        let et = col(&EMPLOYMENT, "employment_type");
        assert_eq!(
            parse(&t("灵活就业"), &et),
            Ok(Value::Str("灵活就业".into()))
        );
        assert_eq!(
            parse(&t("打零工"), &et).unwrap_err().reason,
            RejectReason::NotAllowed
        );
        let code = col(&PERSONS, "community_code");
        assert_eq!(
            parse(&Cell::Number(410402001001.0), &code),
            Ok(Value::Str("410402001001".into()))
        );
    }
}
