//! The record identifiers of the event tables (`record_id`,
//! `registration_id`, `service_id`: one per row, never repeated) held as
//! 64-bit numbers, where a whole column allows it exactly: every identifier
//! of the column is one prefix without digits followed by digits of one
//! width (at most 17), as registries number their records (`E` and 17
//! digits, say). The number is the digits, with the column's shape in the
//! top bits. Equal numbers are equal texts, and numbers order as the texts
//! do (one prefix, one width), so joins, sorts and first-of-each choices
//! are the text's own. A column with any other identifier stays text.
//!
//! Eight bytes a row, where the text takes 34 (18 characters and a 16-byte
//! view). Readers get the text back through `held::readable`.
//!
//! The shapes are kept once per process and only grow, so frames read in
//! one run, or in tests side by side, never disagree.

use std::sync::Mutex;

use polars::prelude::*;

/// Bits of the number that hold the digits (10^17 < 2^58).
const DIGIT_BITS: u32 = 58;
/// The widest run of digits a number holds.
const MAX_WIDTH: usize = 17;
/// How many shapes a process can hold (the bits above the digits).
const MAX_SHAPES: usize = 1 << (64 - DIGIT_BITS);

/// A column's shape: its identifiers' prefix and digit width.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shape {
    prefix: String,
    width: usize,
}

static SHAPES: Mutex<Vec<Shape>> = Mutex::new(Vec::new());

/// The shape of one identifier: a prefix without digits (possibly empty),
/// then 1 to 17 ASCII digits and nothing else.
fn shape_of(id: &str) -> Option<Shape> {
    let at = id.find(|c: char| c.is_ascii_digit())?;
    let (prefix, digits) = id.split_at(at);
    (digits.len() <= MAX_WIDTH && digits.bytes().all(|b| b.is_ascii_digit())).then(|| Shape {
        prefix: prefix.to_string(),
        width: digits.len(),
    })
}

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

/// The column as numbers, when every identifier in it has the shape of the
/// first; None (keep the text) otherwise. Nulls stay null.
pub fn encode_column(ca: &StringChunked) -> Option<UInt64Chunked> {
    let first = ca.iter().flatten().next()?;
    let shape = shape_of(first)?;
    let (prefix, width) = (shape.prefix.clone(), shape.width);
    let fits = |id: &str| {
        id.len() == prefix.len() + width
            && id.starts_with(prefix.as_str())
            && id.as_bytes()[prefix.len()..].iter().all(u8::is_ascii_digit)
    };
    if !ca.iter().flatten().all(fits) {
        return None;
    }
    let high = place_of(shape)? << DIGIT_BITS;
    let number = |id: &str| {
        id.as_bytes()[prefix.len()..]
            .iter()
            .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'))
    };
    let mut out: UInt64Chunked = ca.iter().map(|v| v.map(|id| high | number(id))).collect();
    out.rename(ca.name().clone());
    Some(out)
}

/// The column's numbers as the identifiers' texts.
pub fn decode_column(ca: &UInt64Chunked) -> StringChunked {
    let shapes = SHAPES.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let mut out: StringChunked = ca
        .iter()
        .map(|v| {
            v.map(|n| {
                let shape = &shapes[(n >> DIGIT_BITS) as usize];
                let digits = n & ((1u64 << DIGIT_BITS) - 1);
                format!("{}{:0width$}", shape.prefix, digits, width = shape.width)
            })
        })
        .collect();
    out.rename(ca.name().clone());
    out
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
        let mut by_number: Vec<(u64, &str)> = numbers
            .iter()
            .zip(ids)
            .filter_map(|(n, id)| Some((n?, id?)))
            .collect();
        by_number.sort();
        let mut by_text: Vec<&str> = ids.iter().flatten().copied().collect();
        by_text.sort();
        assert_eq!(
            by_number.iter().map(|(_, t)| *t).collect::<Vec<_>>(),
            by_text
        );
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
    fn digits_alone_and_leading_zeros_keep_their_text() {
        let ids = [Some("000123"), Some("000045")];
        let numbers = encode_column(&column(&ids)).expect("one shape");
        let texts = decode_column(&numbers);
        let back: Vec<Option<&str>> = texts.iter().collect();
        assert_eq!(back, vec![Some("000123"), Some("000045")]);
    }
}
