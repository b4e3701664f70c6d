//! The claimed-vs-registry tolerance, judged one way everywhere: a claimed
//! rate exceeds the registry's when the difference, in percentage points, is
//! more than `tolerance_pp` (docs/rules.md, `claimed_vs_registry`). The
//! detector filters its rows with the expression form; the panel view, which
//! the report's chart draws, names the points with the number form.

use polars::prelude::*;

/// Slack for comparing fractions written in percent: 0.75 − 0.70 is
/// 0.05000000000000004 in binary, which must not count as more than 5 points.
pub const EPSILON_PP: f64 = 1e-9;

/// Claimed minus registry, in percentage points.
pub fn excess_pp(claimed: f64, registry: f64) -> f64 {
    (claimed - registry) * 100.0
}

/// Whether an excess in percentage points is beyond the tolerance.
pub fn exceeds(excess_pp: f64, tolerance_pp: f64) -> bool {
    excess_pp > tolerance_pp + EPSILON_PP
}

/// `excess_pp` over two rate columns.
pub fn excess_pp_expr(claimed: Expr, registry: Expr) -> Expr {
    (claimed - registry) * lit(100.0)
}

/// `exceeds` over an excess column.
pub fn exceeds_expr(excess_pp: Expr, tolerance_pp: f64) -> Expr {
    excess_pp.gt(lit(tolerance_pp + EPSILON_PP))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_points_over_is_within_a_five_point_tolerance_despite_binary_fractions() {
        assert!(!exceeds(excess_pp(0.75, 0.70), 5.0));
        assert!(exceeds(excess_pp(0.76, 0.70), 5.0));
    }

    #[test]
    fn the_expression_judges_as_the_number_form() {
        let df = df!("claimed" => [0.75, 0.76], "registry" => [0.70, 0.70]).unwrap();
        let out = df
            .lazy()
            .filter(exceeds_expr(
                excess_pp_expr(col("claimed"), col("registry")),
                5.0,
            ))
            .collect()
            .unwrap();
        assert_eq!(out.height(), 1);
    }
}
