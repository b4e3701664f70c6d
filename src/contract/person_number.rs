//! The person identifier as the typed frames hold it: one 64-bit number a
//! cell instead of 18 characters of text (8 bytes instead of 34), exact and
//! lossless, so that every join, distinct count and comparison on it is the
//! comparison of the identifiers themselves.
//!
//! Ingest reads `person_id` as text (full-width forms folded, `x` upper-cased)
//! and encodes it here; the stages after ingest join and count on the number,
//! and turn it back into the text (`decode`) only where a person leaves the
//! frames: the findings' evidence, whose `person_key` is the HMAC of that
//! text, exactly as before.
//!
//! Two forms, told apart by the top bit:
//!
//! - **Well-formed** (top bit clear): 17 ASCII digits and a digit or `X`, the
//!   shape of a GB 11643 number whether or not its check character is right.
//!   The number is `digits × 11 + check`, where `check` is the last
//!   character's value (0–9, `X` = 10): below 1.1 × 10¹⁸ < 2⁶³. Numeric order
//!   is the text's order (`'0' < '9' < 'X'`).
//! - **Anything else** (top bit set): a wrong length, other characters, an
//!   empty-looking code — the low 63 bits are the text's place in a side
//!   dictionary, one per process, that only grows: a text is entered once and
//!   keeps its number, so two different texts never share a number and one
//!   text (read from any table) always gets the same. Such identifiers are
//!   rare (each is a finding of `invalid_identity`), so the dictionary stays
//!   small; its numbers follow the order texts were first met, not the
//!   texts' order, so a stage that orders persons for the panel orders by
//!   `text_of` (the findings do).

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

use chrono::NaiveDate;
use polars::prelude::*;

/// The top bit: set for a text held in the side dictionary.
const SIDE: u64 = 1 << 63;

/// The value of a check character: 0–9, `X` = 10.
fn check_value(c: u8) -> Option<u64> {
    match c {
        b'0'..=b'9' => Some(u64::from(c - b'0')),
        b'X' => Some(10),
        _ => None,
    }
}

/// The number of a well-formed identifier (17 digits and a digit or `X`).
fn well_formed(id: &str) -> Option<u64> {
    let b = id.as_bytes();
    if b.len() != 18 {
        return None;
    }
    let mut digits = 0u64;
    for &c in &b[..17] {
        if !c.is_ascii_digit() {
            return None;
        }
        digits = digits * 10 + u64::from(c - b'0');
    }
    Some(digits * 11 + check_value(b[17])?)
}

#[derive(Default)]
struct Side {
    numbers: HashMap<Box<str>, u64>,
    texts: Vec<Box<str>>,
}

fn side() -> &'static RwLock<Side> {
    static DICTIONARY: OnceLock<RwLock<Side>> = OnceLock::new();
    DICTIONARY.get_or_init(RwLock::default)
}

/// The number of an identifier's text; every text has one, and different
/// texts have different numbers.
pub fn encode(id: &str) -> u64 {
    if let Some(n) = well_formed(id) {
        return n;
    }
    if let Some(&n) = side().read().expect("no panic holding it").numbers.get(id) {
        return n;
    }
    let mut side = side().write().expect("no panic holding it");
    if let Some(&n) = side.numbers.get(id) {
        return n;
    }
    let n = SIDE | side.texts.len() as u64;
    side.texts.push(id.into());
    side.numbers.insert(id.into(), n);
    n
}

/// The text a number was encoded from.
pub fn decode(n: u64) -> String {
    if n & SIDE != 0 {
        let side = side().read().expect("no panic holding it");
        return side
            .texts
            .get((n & !SIDE) as usize)
            .map(|t| t.to_string())
            .expect("a side number comes from encode");
    }
    let (digits, check) = (n / 11, n % 11);
    let check = if check == 10 {
        'X'
    } else {
        char::from(b'0' + check as u8)
    };
    format!("{digits:017}{check}")
}

/// Whether a number holds a well-formed identifier (17 digits and a check
/// character, valid or not).
pub fn is_well_formed(n: u64) -> bool {
    n & SIDE == 0
}

/// The 17 digits of a well-formed identifier, as a number.
pub fn digits(n: u64) -> Option<u64> {
    is_well_formed(n).then_some(n / 11)
}

/// The birth date written in characters 7–14 of the identifier, as
/// `identity::gb11643_birth_date` reads it from the text.
pub fn birth_date(n: u64) -> Option<NaiveDate> {
    match digits(n) {
        Some(d) => {
            let ymd = (d / 1_000) % 100_000_000;
            NaiveDate::from_ymd_opt(
                (ymd / 10_000) as i32,
                ((ymd / 100) % 100) as u32,
                (ymd % 100) as u32,
            )
        }
        None => super::identity::gb11643_birth_date(&decode(n)),
    }
}

/// A text column of identifiers as numbers (nulls stay null).
pub fn encode_column(ca: &StringChunked) -> UInt64Chunked {
    let mut out: UInt64Chunked = ca.iter().map(|v| v.map(encode)).collect();
    out.rename(ca.name().clone());
    out
}

/// A column of numbers as the identifiers' texts.
pub fn decode_column(ca: &UInt64Chunked) -> StringChunked {
    let mut out: StringChunked = ca.iter().map(|v| v.map(decode)).collect();
    out.rename(ca.name().clone());
    out
}

/// The identifiers' texts of a column of numbers, as an expression (for
/// ordering a few rows as the texts order).
pub fn text_of(e: Expr) -> Expr {
    e.map(
        |c| {
            let texts = decode_column(c.u64()?);
            Ok(texts.into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::String)),
    )
}

/// The birth dates inside identifiers, as an expression (null where the
/// characters are not a date).
pub fn birth_date_of(e: Expr) -> Expr {
    e.map(
        |c| {
            let days: Int32Chunked = c
                .u64()?
                .iter()
                .map(|v| v.and_then(birth_date).map(days_since_epoch))
                .collect();
            Ok(days.with_name(c.name().clone()).into_date().into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::Date)),
    )
}

fn days_since_epoch(d: NaiveDate) -> i32 {
    use chrono::Datelike;
    d.num_days_from_ce() - 719_163
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_identifiers_round_trip_and_keep_their_order() {
        let ids = [
            "000000000000000000",
            "11010519491231002X",
            "110105194912310029",
            "999999999999999999",
            "99999999999999999X",
        ];
        for id in ids {
            let n = encode(id);
            assert!(is_well_formed(n));
            assert_eq!(decode(n), id);
        }
        let mut sorted = ids.to_vec();
        sorted.sort();
        let mut by_number = ids.to_vec();
        by_number.sort_by_key(|id| encode(id));
        assert_eq!(sorted, by_number, "numeric order is the text's order");
        assert!(encode("99999999999999999X") < SIDE);
    }

    #[test]
    fn anything_else_keeps_its_exact_text() {
        let odd = [
            "11010519491231002x",
            "1101051949123100",
            "1101051949123100211",
            "AB12CD34EF56GH78IJ",
            "４１０４０２",
            " ",
        ];
        let numbers: Vec<u64> = odd.iter().map(|t| encode(t)).collect();
        for (t, &n) in odd.iter().zip(&numbers) {
            assert!(!is_well_formed(n), "{t}");
            assert_eq!(decode(n), *t);
            assert_eq!(encode(t), n, "a text keeps its number");
        }
        let distinct: std::collections::HashSet<u64> = numbers.iter().copied().collect();
        assert_eq!(
            distinct.len(),
            odd.len(),
            "different texts, different numbers"
        );
        assert_ne!(encode("11010519491231002x"), encode("11010519491231002X"));
    }

    #[test]
    fn birth_dates_read_as_from_the_text() {
        for id in [
            "11010519491231002X",
            "110105194913310029",
            "11010519490229002X",
            "41040219990725009",
            "ABCDEF19991231",
        ] {
            assert_eq!(
                birth_date(encode(id)),
                super::super::identity::gb11643_birth_date(id),
                "{id}"
            );
        }
    }
}
