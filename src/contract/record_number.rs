//! The identifiers registries number (`record_id`, `registration_id`,
//! `service_id`, one per event row; `household_id`, shared by a household's
//! members) held as 64-bit numbers, where a whole column allows it exactly:
//! every identifier of the column has one shape, that is the same characters
//! in the same places around the same places for digits, with at most 17
//! digits in all (`E` and 17 digits; a 12-digit community code, `H` and 5
//! digits). The number is the digits read in order, with the shape's place
//! in the process's list of shapes in the top bits. Equal numbers are equal
//! texts, and within a shape numbers order as the texts do (two identifiers
//! of one shape first differ at a digit), so joins, sorts and first-of-each
//! choices are the text's own. A column with any other identifier stays text.
//!
//! Eight bytes a row, where the text takes 34 (18 characters and a 16-byte
//! view). Readers turn the few identifiers they show back into text
//! (`texts`, `text_lists`, `as_text`).
//!
//! The shapes are kept once per process and only grow, so frames read in
//! one run, or in tests side by side, never disagree, and two columns of
//! one shape (a household in the ledger and in `zero_households`) join.

use std::sync::Mutex;

use polars::prelude::*;
use polars_arrow::array::MutableBinaryViewArray;

/// Bits of the number that hold the digits (10^17 < 2^58).
const DIGIT_BITS: u32 = 58;
/// The most digits a number holds.
const MAX_DIGITS: usize = 17;
/// How many shapes a process can hold (the bits above the digits).
const MAX_SHAPES: usize = 1 << (64 - DIGIT_BITS);

/// An identifier's shape: the identifier with every ASCII digit written as
/// `0` (no other character of the shape is a `0`, so the zeros are exactly
/// the places for digits).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shape(Vec<u8>);

impl Shape {
    /// The shape of one identifier, when it holds 1 to 17 digits.
    fn of(id: &str) -> Option<Shape> {
        let bytes: Vec<u8> = id
            .bytes()
            .map(|b| if b.is_ascii_digit() { b'0' } else { b })
            .collect();
        let digits = bytes.iter().filter(|&&b| b == b'0').count();
        (1..=MAX_DIGITS).contains(&digits).then_some(Shape(bytes))
    }

    /// `id`'s digits as one number, when `id` has this shape.
    fn digits(&self, id: &str) -> Option<u64> {
        let id = id.as_bytes();
        if id.len() != self.0.len() {
            return None;
        }
        let mut n = 0u64;
        for (&b, &s) in id.iter().zip(&self.0) {
            if s == b'0' {
                if !b.is_ascii_digit() {
                    return None;
                }
                n = n * 10 + u64::from(b - b'0');
            } else if b != s {
                return None;
            }
        }
        Some(n)
    }

    /// The identifier of this shape whose digits read `n`, written into
    /// `out` (one buffer for a whole column).
    fn write(&self, mut n: u64, out: &mut Vec<u8>) {
        out.clear();
        out.extend_from_slice(&self.0);
        for b in out.iter_mut().rev() {
            if *b == b'0' {
                *b = b'0' + (n % 10) as u8;
                n /= 10;
            }
        }
    }
}

static SHAPES: Mutex<Vec<Shape>> = Mutex::new(Vec::new());

/// The place of `shape` among the process's shapes, added if new; None
/// when every place is taken.
fn place_of(shape: Shape) -> Option<u64> {
    let mut shapes = SHAPES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(k) = shapes.iter().position(|s| *s == shape) {
        return Some(k as u64);
    }
    if shapes.len() >= MAX_SHAPES {
        return None;
    }
    shapes.push(shape);
    Some((shapes.len() - 1) as u64)
}

/// How one column's identifiers become numbers: the shape of its first
/// identifier. A column read in parts (ingest's chunks) keeps one
/// `Numbering` for every part.
#[derive(Debug, Clone)]
pub struct Numbering {
    shape: Shape,
    high: u64,
}

impl Numbering {
    /// The numbering of the shape of the column's first identifier; None
    /// when it has none (too many digits, or none) or the column is empty.
    pub fn of_first(ca: &StringChunked) -> Option<Numbering> {
        let shape = Shape::of(ca.iter().flatten().next()?)?;
        let high = place_of(shape.clone())? << DIGIT_BITS;
        Some(Numbering { shape, high })
    }

    /// The column as numbers, when every identifier in it has this shape;
    /// None (keep the text) otherwise. Nulls stay null.
    pub fn encode(&self, ca: &StringChunked) -> Option<UInt64Chunked> {
        let mut out: UInt64Chunked = ca
            .iter()
            .map(|v| match v {
                None => Ok(None),
                Some(id) => self.shape.digits(id).map(|n| Some(self.high | n)).ok_or(()),
            })
            .collect::<Result<_, ()>>()
            .ok()?;
        out.rename(ca.name().clone());
        Some(out)
    }
}

/// The column as numbers, when every identifier in it has the shape of the
/// first; None (keep the text) otherwise. Nulls stay null.
pub fn encode_column(ca: &StringChunked) -> Option<UInt64Chunked> {
    Numbering::of_first(ca)?.encode(ca)
}

/// The column's numbers as the identifiers' texts.
pub fn decode_column(ca: &UInt64Chunked) -> StringChunked {
    let shapes = SHAPES.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let mut texts = MutableBinaryViewArray::<str>::with_capacity(ca.len());
    let mut buf = Vec::with_capacity(32);
    for v in ca.iter() {
        match v {
            None => texts.push_null(),
            Some(n) => {
                shapes[(n >> DIGIT_BITS) as usize].write(n & ((1u64 << DIGIT_BITS) - 1), &mut buf);
                texts
                    .push_value(std::str::from_utf8(&buf).expect("a shape is the bytes of a text"));
            }
        }
    }
    StringChunked::with_chunk(ca.name().clone(), texts.freeze())
}

/// An identifier column as text, as an expression: numbers decoded, any
/// other column cast (a date as `YYYY-MM-DD`).
pub fn as_text(e: Expr) -> Expr {
    e.map(
        |c| match c.dtype() {
            DataType::UInt64 => Ok(decode_column(c.u64()?).into_column()),
            _ => c.cast(&DataType::String),
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::String)),
    )
}

/// An identifier column of a frame read out as texts (`frame::strings`
/// for a text column).
pub fn texts(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<String>>> {
    match df.schema().get(name) {
        Some(DataType::UInt64) => Ok(decode_column(df.column(name)?.u64()?)
            .iter()
            .map(|v| v.map(str::to_string))
            .collect()),
        _ => crate::frame::strings(df, name),
    }
}

/// A column of identifier lists read out as texts (`frame::string_lists`
/// for lists of text).
pub fn text_lists(df: &DataFrame, name: &str) -> PolarsResult<Vec<Vec<String>>> {
    match df.schema().get(name) {
        Some(DataType::List(inner)) if **inner == DataType::UInt64 => {
            let lists = df.column(name)?.list()?.clone();
            (0..lists.len())
                .map(|i| {
                    Ok(match lists.get_as_series(i) {
                        Some(s) => decode_column(s.u64()?)
                            .iter()
                            .map(|v| v.unwrap_or_default().to_string())
                            .collect(),
                        None => Vec::new(),
                    })
                })
                .collect()
        }
        _ => crate::frame::string_lists(df, name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The identifiers (nulls left out) in the order of their numbers.
    fn in_number_order<'a>(numbers: &UInt64Chunked, ids: &[Option<&'a str>]) -> Vec<&'a str> {
        let mut by_number: Vec<(u64, &str)> = numbers
            .iter()
            .zip(ids)
            .filter_map(|(n, id)| Some((n?, (*id)?)))
            .collect();
        by_number.sort();
        by_number.into_iter().map(|(_, t)| t).collect()
    }

    fn column(ids: &[Option<&str>]) -> StringChunked {
        StringChunked::from_iter_options("record_id".into(), ids.iter().copied())
    }

    #[test]
    fn one_shape_round_trips_and_orders_as_the_text() {
        let ids = [
            Some("E41040200100100002"),
            None,
            Some("E00000000000000001"),
            Some("E41040200100100001"),
        ];
        let numbers = encode_column(&column(&ids)).expect("one shape");
        let back: Vec<Option<String>> = decode_column(&numbers)
            .iter()
            .map(|v| v.map(str::to_string))
            .collect();
        let want: Vec<Option<String>> = ids.iter().map(|v| v.map(str::to_string)).collect();
        assert_eq!(back, want);
        let mut by_text: Vec<&str> = ids.iter().flatten().copied().collect();
        by_text.sort();
        assert_eq!(in_number_order(&numbers, &ids), by_text);
    }

    #[test]
    fn a_column_of_mixed_shapes_stays_text() {
        for ids in [
            [Some("E001"), Some("E0002")],
            [Some("E001"), Some("S002")],
            [Some("E001"), Some("E00x")],
            [Some("R-17"), Some("R-17b")],
            [Some("E123456789012345678"), Some("E123456789012345679")],
            [Some("no digits"), Some("none")],
        ] {
            assert!(encode_column(&column(&ids)).is_none(), "{ids:?}");
        }
    }

    #[test]
    fn letters_between_digits_keep_their_places() {
        // A household: the community's 12 digits, `H`, then 5 digits.
        let ids = [
            Some("410402001002H00458"),
            Some("410402001001H00458"),
            Some("410402001002H00191"),
            None,
        ];
        let numbers = encode_column(&column(&ids)).expect("one shape");
        let texts = decode_column(&numbers);
        let back: Vec<Option<&str>> = texts.iter().collect();
        assert_eq!(back, ids.to_vec());
        assert_eq!(
            in_number_order(&numbers, &ids),
            vec![
                "410402001001H00458",
                "410402001002H00191",
                "410402001002H00458"
            ]
        );
        // One shape in two columns: equal texts, equal numbers.
        let other = encode_column(&column(&[Some("410402001002H00191")])).unwrap();
        assert_eq!(other.get(0), numbers.get(2));
        // Another letter in the same place is another shape: text.
        let mixed = [Some("410402001002H00458"), Some("410402001002D00458")];
        assert!(encode_column(&column(&mixed)).is_none());
    }

    #[test]
    fn a_numbering_holds_across_the_parts_of_a_column() {
        let first = column(&[Some("U41040200100100001")]);
        let numbering = Numbering::of_first(&first).unwrap();
        let later = column(&[Some("U41040200100100002"), None]);
        let n = numbering.encode(&later).expect("same shape");
        assert_eq!(
            decode_column(&n).iter().collect::<Vec<_>>(),
            vec![Some("U41040200100100002"), None]
        );
        let odd = column(&[Some("U410402001001D0001")]);
        assert!(numbering.encode(&odd).is_none());
    }

    #[test]
    fn digits_alone_and_leading_zeros_keep_their_text() {
        let ids = [Some("000123"), Some("000045")];
        let numbers = encode_column(&column(&ids)).expect("one shape");
        let texts = decode_column(&numbers);
        let back: Vec<Option<&str>> = texts.iter().collect();
        assert_eq!(back, vec![Some("000123"), Some("000045")]);
    }
}
