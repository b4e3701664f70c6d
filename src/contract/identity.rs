//! Check characters of the two national identifier standards.
//!
//! GB 11643-1999, citizen identity number: 17 digits and a check character;
//! weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, the weighted sum mod 11 picks
//! the check character from `1 0 X 9 8 7 6 5 4 3 2`.
//!
//! GB 32100-2015, unified social credit code: 17 characters of a 31-symbol
//! alphabet (digits and upper-case letters without I, O, S, V, Z) and a check
//! character; weights 3^i mod 31, check = (31 − sum mod 31) mod 31.

use chrono::NaiveDate;

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// The GB 11643 check character of the first 17 digits, or None when they are
/// not 17 ASCII digits.
pub fn gb11643_check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    Some(ID_CHECK[(sum % 11) as usize] as char)
}

/// Whether `id` is a valid GB 11643 identifier (a lower-case `x` is accepted).
/// Only the check character is verified here; the birth date inside it is
/// compared with the ledger by the detectors.
pub fn gb11643_valid(id: &str) -> bool {
    if id.len() != 18 || !id.is_ascii() {
        return false;
    }
    let (body, check) = id.split_at(17);
    match gb11643_check_char(body) {
        Some(c) => check.eq_ignore_ascii_case(&c.to_string()),
        None => false,
    }
}

/// The birth date written in characters 7–14 of an 18-character identifier.
pub fn gb11643_birth_date(id: &str) -> Option<NaiveDate> {
    let digits = id.get(6..14)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(digits, "%Y%m%d").ok()
}

/// The GB 32100 alphabet; a symbol's value is its position.
const CODE_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CODE_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn code_value(c: u8) -> Option<u32> {
    CODE_ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The GB 32100 check character of the first 17 characters.
pub fn gb32100_check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (&c, w) in b.iter().zip(CODE_WEIGHTS) {
        sum += code_value(c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(CODE_ALPHABET[check as usize] as char)
}

/// Whether `code` is a valid GB 32100 unified social credit code.
pub fn gb32100_valid(code: &str) -> bool {
    if code.len() != 18 || !code.is_ascii() {
        return false;
    }
    let (body, check) = code.split_at(17);
    gb32100_check_char(body).is_some_and(|c| check.as_bytes()[0] == c as u8)
}

/// Whether a text looks like an identity number (18 characters: 17 digits and
/// a digit or X, or the older 15 digits), valid or not. Such text is masked
/// wherever it could be printed.
pub fn looks_like_identity(s: &str) -> bool {
    let b = s.as_bytes();
    match b.len() {
        18 => {
            b[..17].iter().all(u8::is_ascii_digit)
                && (b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'x')
        }
        15 => b.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// Masks an identifier for display: the first 6 and last 4 characters kept,
/// the rest `*`. Shorter text is masked whole.
pub fn mask(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let n = chars.len();
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| if i < 6 || i >= n - 4 { c } else { '*' })
        .collect()
}

/// The ASCII form of a full-width character (U+FF01–U+FF5E); any other
/// character as it is.
fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Masks every identity-number-like run of characters inside a text (a reject
/// value or a log line may hold one where no identifier was expected).
pub fn mask_identities_in(text: &str) -> String {
    // A run is recognised on the ASCII forms of its characters, so an
    // identity number typed in full width (０-９, Ｘ) is masked too; what is
    // kept of it, and everything around it, is written as the text had it.
    let chars: Vec<char> = text.chars().collect();
    let ascii: Vec<char> = chars.iter().copied().map(half_width).collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if ascii[i].is_ascii_digit() {
            let mut j = i;
            while j < chars.len() && ascii[j].is_ascii_digit() {
                j += 1;
            }
            if j < chars.len() && j - i == 17 && (ascii[j] == 'X' || ascii[j] == 'x') {
                j += 1;
            }
            let folded: String = ascii[i..j].iter().collect();
            let run: String = chars[i..j].iter().collect();
            if looks_like_identity(&folded) || (j - i) > 15 {
                out.push_str(&mask(&run));
            } else {
                out.push_str(&run);
            }
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identity_number_in_full_width_digits_is_masked_and_other_text_kept() {
        // A synthetic number of the right shape, typed in full width.
        let ascii = format!("410402{}", "19900101123X");
        let wide: String = ascii
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
            .collect();
        let masked = mask_identities_in(&format!("（合计）{wide}，"));
        assert!(masked.starts_with("（合计）"), "{masked}");
        assert!(masked.ends_with("，"), "{masked}");
        assert_eq!(masked.chars().filter(|&c| c == '*').count(), 8, "{masked}");
    }

    #[test]
    fn standard_example_passes_and_every_other_check_character_fails() {
        let id = "11010519491231002X";
        assert!(gb11643_valid(id));
        assert!(
            gb11643_valid("11010519491231002x"),
            "lower-case x is accepted"
        );
        for c in "0123456789".chars() {
            let altered = format!("{}{c}", &id[..17]);
            assert!(!gb11643_valid(&altered), "{altered} must fail");
        }
        assert_eq!(
            gb11643_birth_date(id),
            NaiveDate::from_ymd_opt(1949, 12, 31)
        );
    }

    #[test]
    fn wrong_lengths_and_letters_fail() {
        assert!(!gb11643_valid("11010519491231002"));
        assert!(!gb11643_valid("11010519491231002XX"));
        assert!(!gb11643_valid("A1010519491231002X"));
        assert!(!gb11643_valid(""));
    }

    #[test]
    fn credit_code_check_character() {
        // Any 17-character body: the computed check character passes and every
        // other symbol of the alphabet fails.
        let body = "91410400MA40000AB";
        let c = gb32100_check_char(body).unwrap();
        let code = format!("{body}{c}");
        assert!(gb32100_valid(&code));
        for alt in CODE_ALPHABET.iter().map(|&b| b as char).filter(|&a| a != c) {
            assert!(
                !gb32100_valid(&format!("{body}{alt}")),
                "altered check {alt} must fail"
            );
        }
        assert!(
            !gb32100_valid("91410400MA40000AI1"),
            "I is outside the alphabet"
        );
    }

    #[test]
    fn published_credit_code_example() {
        // A widely published valid code (its check character worked by hand: 3).
        assert!(gb32100_valid("91350100M000100Y43"));
        assert!(!gb32100_valid("91350100M000100Y44"));
    }

    #[test]
    fn masking_keeps_six_and_four() {
        assert_eq!(mask("11010519491231002X"), "110105********002X");
        assert_eq!(
            mask_identities_in("id 11010519491231002X here"),
            "id 110105********002X here"
        );
        assert_eq!(mask_identities_in("line 12, 2021"), "line 12, 2021");
    }
}
