//! The county's own re-inspection conclusion beside the computed verdict
//! (docs/ratings.md, "The county's conclusion"). A county may record its
//! conclusion of a community's re-inspection (`reinspections`: 合格 or
//! 不合格, the day, the inspector, the site notes); the ratings carry the
//! word and the day, and whether it differs from the verdict the data give:
//! 合格 against a fail, 不合格 against a pass. Where either is missing, or the
//! verdict is incomplete (nothing to set the county's word against), the
//! disagreement is null. The county's word is shown, never acted on: the
//! verdict, the score and everything read from them stay the data's.

use polars::prelude::*;

use super::verdict::{VERDICT, Verdict};
use crate::contract::review_records::COUNTY_PASSED;
use crate::error::Result;

/// The columns the county's conclusion adds to the ratings.
pub const COUNTY_CONCLUSION: &str = "county_conclusion";
pub const COUNTY_INSPECTED_ON: &str = "county_inspected_on";
pub const COUNTY_DISAGREES: &str = "county_disagrees";

/// `ratings` (community_code, year, verdict, …) with the county's conclusion
/// of each community and year, from the `reinspections` table (None:
/// nothing recorded, the columns null).
pub fn with_county_conclusion(
    ratings: LazyFrame,
    reinspections: Option<&DataFrame>,
) -> Result<LazyFrame> {
    let recorded = match reinspections {
        Some(df) => df.clone().lazy().select([
            col("community_code").cast(DataType::String),
            col("year").cast(DataType::Int64),
            col("conclusion")
                .cast(DataType::String)
                .alias(COUNTY_CONCLUSION),
            col("inspected_on")
                .cast(DataType::Date)
                .alias(COUNTY_INSPECTED_ON),
        ]),
        None => DataFrame::new_infer_height(vec![
            Column::new("community_code".into(), Vec::<String>::new()),
            Column::new("year".into(), Vec::<i64>::new()),
            Column::new(COUNTY_CONCLUSION.into(), Vec::<String>::new()),
            Column::new(COUNTY_INSPECTED_ON.into(), Vec::<i32>::new()).cast(&DataType::Date)?,
        ])?
        .lazy(),
    };
    let passed = |c: Expr, word: &str| c.eq(lit(word.to_string()));
    let comparable = col(COUNTY_CONCLUSION)
        .is_not_null()
        .and(col(VERDICT).is_not_null())
        .and(col(VERDICT).neq(lit(Verdict::Incomplete.as_str())));
    Ok(ratings
        .join(
            recorded,
            [col("community_code"), col("year")],
            [col("community_code"), col("year")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(
            when(comparable)
                .then(
                    passed(col(COUNTY_CONCLUSION), COUNTY_PASSED)
                        .neq(passed(col(VERDICT), Verdict::Pass.as_str())),
                )
                .otherwise(lit(NULL).cast(DataType::Boolean))
                .alias(COUNTY_DISAGREES),
        ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::bools;

    #[test]
    fn the_county_disagrees_where_its_word_and_the_verdict_differ() {
        let ratings = df!(
            "community_code" => ["a", "b", "c", "d", "e", "f", "g"],
            "year" => [2021i64; 7],
            "verdict" => [Some("pass"), Some("fail"), Some("fail"), Some("incomplete"), None, Some("pass"), Some("pass")],
        )
        .unwrap();
        let recorded = df!(
            "community_code" => ["a", "b", "c", "d", "e", "f", "g"],
            "year" => [2021i64, 2021, 2021, 2021, 2021, 2021, 2020],
            "conclusion" => ["合格", "合格", "不合格", "合格", "不合格", "不合格", "不合格"],
            "inspected_on" => [chrono::NaiveDate::from_ymd_opt(2022, 1, 5).unwrap(); 7],
        )
        .unwrap();
        let out = with_county_conclusion(ratings.clone().lazy(), Some(&recorded))
            .unwrap()
            .sort(["community_code"], SortMultipleOptions::default())
            .collect()
            .unwrap();
        // a agrees; b: 合格 against a fail; c agrees on a fail; d: incomplete;
        // e: not under re-inspection; f: 不合格 against a pass; g: recorded
        // for another year.
        assert_eq!(
            bools(&out, COUNTY_DISAGREES).unwrap(),
            [
                Some(false),
                Some(true),
                Some(false),
                None,
                None,
                Some(true),
                None
            ]
        );
        let none = with_county_conclusion(ratings.lazy(), None)
            .unwrap()
            .collect()
            .unwrap();
        assert_eq!(none.column(COUNTY_CONCLUSION).unwrap().null_count(), 7);
        assert_eq!(
            none.column(COUNTY_INSPECTED_ON).unwrap().dtype(),
            &DataType::Date
        );
    }
}
