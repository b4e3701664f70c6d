//! Synthetic identifiers, valid by construction through the contract's own
//! check-character functions, and the deliberate ways a pattern spoils them.
//!
//! Person identifiers must be unique across the whole extract, or honest
//! persons would look like the `duplicate_person` pattern. Within a county the
//! region code is shared, so uniqueness rests on (birth date, sequence): each
//! person gets a county-wide number n; the sequence carries n mod 500 (and
//! the sex in its parity, as GB 11643 requires), and the birth date is nudged
//! by less than G days so that its day number is n div 500 mod G, where G is
//! the number of such groups in the county. Two persons with the same
//! sequence then differ in their birth dates.

use chrono::{Duration, NaiveDate};

use crate::contract::identity::{gb11643_check_char, gb32100_check_char};

/// Sequences per sex: three digits, parity reserved for the sex.
const PER_GROUP: u64 = 500;

/// How the county-wide person numbers map to identifiers.
#[derive(Debug, Clone, Copy)]
pub struct PersonNumbering {
    /// Number of groups of 500 persons in the county (at least 1).
    pub groups: u64,
}

impl PersonNumbering {
    pub fn for_county(persons: u64) -> PersonNumbering {
        PersonNumbering {
            groups: persons.div_ceil(PER_GROUP).max(1),
        }
    }

    /// The birth date moved forward (by less than `groups` days) onto the
    /// person's group, and the identifier built from it.
    pub fn identify(
        &self,
        region: &str,
        number: u64,
        male: bool,
        wanted_birth: NaiveDate,
    ) -> (String, NaiveDate) {
        let group = (number / PER_GROUP) % self.groups;
        let day = wanted_birth.num_days_from_ce() as i64;
        let shift = (group as i64 - day).rem_euclid(self.groups as i64);
        let birth = wanted_birth + Duration::days(shift);
        let seq = 2 * (number % PER_GROUP) + u64::from(male);
        let body = format!("{region}{}{seq:03}", birth.format("%Y%m%d"));
        let check = gb11643_check_char(&body).expect("17 digits");
        (format!("{body}{check}"), birth)
    }
}

use chrono::Datelike;

/// An identifier with a wrong check character (the `invalid_identity` pattern).
pub fn spoil_person_id(id: &str) -> String {
    let body = &id[..17];
    let right = gb11643_check_char(body).expect("17 digits");
    let wrong = match right {
        '9' => '0',
        'X' => '1',
        c if c.is_ascii_digit() => char::from(c as u8 + 1),
        _ => '0',
    };
    format!("{body}{wrong}")
}

/// The GB 32100 alphabet (digits and upper-case letters without I, O, S, V, Z).
const CODE_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// `n` written in `width` symbols of the GB 32100 alphabet.
fn base31(mut n: u64, width: usize) -> String {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = CODE_ALPHABET[(n % 31) as usize];
        n /= 31;
    }
    String::from_utf8(out).expect("ascii")
}

/// GB 11714 check character of an 8-character organisation code body.
fn gb11714_check(body: &str) -> char {
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let value = |c: u8| {
        if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        }
    };
    let sum: u32 = body.bytes().zip(W).map(|(c, w)| value(c) * w).sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from(b'0' + d as u8),
    }
}

/// A unified social credit code: registration authority and kind (`91`
/// enterprise, `92` individual business), the county's region code, a
/// GB 11714 organisation code made unique by `serial`, and the check.
pub fn credit_code(kind: &str, region: &str, serial: u64) -> String {
    let org_body = format!("MA{}", base31(serial, 6));
    let body = format!("{kind}{region}{org_body}{}", gb11714_check(&org_body));
    let check = gb32100_check_char(&body).expect("17 symbols of the alphabet");
    format!("{body}{check}")
}

/// A credit code whose check character is wrong (the shell-employer pattern).
pub fn spoil_credit_code(code: &str) -> String {
    let body = &code[..17];
    let right = gb32100_check_char(body).expect("17 symbols of the alphabet") as u8;
    let pos = CODE_ALPHABET
        .iter()
        .position(|&c| c == right)
        .expect("in the alphabet");
    format!("{body}{}", CODE_ALPHABET[(pos + 7) % 31] as char)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::identity::{gb11643_birth_date, gb11643_valid, gb32100_valid};
    use std::collections::BTreeSet;

    #[test]
    fn identifiers_are_valid_unique_and_carry_the_birth_date() {
        let numbering = PersonNumbering::for_county(5_000);
        let birth = NaiveDate::from_ymd_opt(1980, 6, 1).unwrap();
        let mut seen = BTreeSet::new();
        for n in 0..5_000 {
            // The worst case: everybody wants the same birthday.
            let (id, b) = numbering.identify("410402", n, n % 2 == 0, birth);
            assert!(gb11643_valid(&id), "{id}");
            assert_eq!(gb11643_birth_date(&id), Some(b));
            assert!((b - birth).num_days() < 10);
            assert!(seen.insert(id));
        }
        let bad = spoil_person_id(seen.iter().next().unwrap());
        assert!(!gb11643_valid(&bad));
    }

    #[test]
    fn credit_codes_pass_and_spoiled_ones_fail() {
        let mut seen = BTreeSet::new();
        for serial in 0..2_000 {
            let c = credit_code("91", "410402", serial);
            assert!(gb32100_valid(&c), "{c}");
            assert!(!gb32100_valid(&spoil_credit_code(&c)));
            assert!(seen.insert(c));
        }
    }
}
