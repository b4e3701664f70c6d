//! Narrowing before an exact look: cheap integer stand-ins for identifiers,
//! so that a detector can group millions of rows by person quickly and keep
//! only the few rows worth comparing exactly. A stand-in may let through rows
//! that the exact comparison then drops; it never drops a row the exact
//! comparison would keep.

use polars::prelude::*;

/// The first 17 characters of `person_id` read as a number (the digits of a
/// well-formed identifier, without its check character); null when the
/// identifier is shorter or they are not all digits. Equal identifiers always
/// get equal numbers; unequal ones get unequal numbers unless they differ
/// only after the 17th character.
pub fn person_number() -> Expr {
    col("person_id").map(
        |c| {
            let numbers: Int64Chunked = c
                .str()?
                .iter()
                .map(|id| id.and_then(seventeen_digits))
                .collect();
            Ok(numbers.with_name(c.name().clone()).into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::Int64)),
    )
}

/// The number the first 17 bytes spell, if they are all ASCII digits.
fn seventeen_digits(id: &str) -> Option<i64> {
    let digits = id.as_bytes().get(..17)?;
    digits.iter().try_fold(0i64, |n, &b| {
        b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0'))
    })
}

/// `person_number`, with every identifier it cannot read given the same
/// number (−1, which no digits give), so that a join on it pairs them all
/// rather than losing them.
pub fn person_number_or_unread() -> Expr {
    person_number().fill_null(lit(-1i64))
}

/// The identifier itself where `person_number` cannot read it, and empty
/// text where it can: joined on together with `person_number_or_unread`,
/// unreadable identifiers pair only with themselves (not every unreadable
/// one with every other), at the cost of an empty, inline text key for the
/// rest.
pub fn unread_identifier() -> Expr {
    when(person_number().is_null())
        .then(col("person_id"))
        .otherwise(lit(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_become_the_number_and_anything_else_is_unread() {
        assert_eq!(
            seventeen_digits("11010519491231002X"),
            Some(11010519491231002)
        );
        assert_eq!(
            seventeen_digits("110105194912310021"),
            Some(11010519491231002)
        );
        assert_eq!(seventeen_digits("1101051949123100"), None, "16 characters");
        assert_eq!(seventeen_digits("AB12CD34EF56GH78IJ"), None);
        assert_eq!(
            seventeen_digits("11010519491231００2X"),
            None,
            "full-width digits"
        );
        let df = df!("person_id" => [Some("11010519491231002X"), None, Some("x")]).unwrap();
        let out = df
            .lazy()
            .select([person_number_or_unread().alias("n")])
            .collect()
            .unwrap();
        let n: Vec<Option<i64>> = out.column("n").unwrap().i64().unwrap().iter().collect();
        assert_eq!(n, vec![Some(11010519491231002), Some(-1), Some(-1)]);
    }
}
