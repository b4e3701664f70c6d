//! Rows under the data that hold no record: totals (合计 3219人), notes
//! (注：…) and signature lines (填表人：…  审核人：…). A row is such a footer
//! when its first non-empty cell starts with one of the words below and it
//! leaves a required column empty; the readers skip footers only at the end
//! of the data (every row after them a footer or blank), so a row of the
//! same shape between records stays a reject.

/// Words that start a footer's first cell, and whether any text may follow
/// directly (`合计3219人`) or only a break (`注：`, `注1.`, not `注销…`).
const WORDS: &[(&str, bool)] = &[
    ("合计", true),
    ("总计", true),
    ("小计", true),
    ("填表说明", true),
    ("填表人", true),
    ("审核人", true),
    ("负责人", true),
    ("说明", false),
    ("注", false),
];

/// Whether a first cell starts like a footer. Spaces inside are ignored
/// (`合  计`, as forms space out two-character words).
pub fn footer_word(first_cell: &str) -> bool {
    // Every word starts with a non-ASCII character: most cells are done here.
    if first_cell.as_bytes().first().is_none_or(u8::is_ascii) {
        return false;
    }
    let packed: String = first_cell
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(8)
        .collect();
    WORDS.iter().any(|(word, run_on)| {
        packed
            .strip_prefix(word)
            .is_some_and(|rest| *run_on || rest.chars().next().is_none_or(|c| !is_ideograph(c)))
    })
}

/// A CJK ideograph: a word going on (`注销`), not a break after `注`.
fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// Whether a row is a footer: its first non-empty cell starts like one and
/// it does not fill every required column (a record does, whatever its first
/// cell says).
pub fn is_footer<'a>(
    mut cells: impl Iterator<Item = &'a str>,
    fills_required: impl FnOnce() -> bool,
) -> bool {
    cells.find(|c| !c.is_empty()).is_some_and(footer_word) && !fills_required()
}

/// A footer, or a rule above the footers: what the readers skip at the end.
pub fn is_footer_or_rule<'a>(
    cells: impl Iterator<Item = &'a str> + Clone,
    fills_required: impl FnOnce() -> bool,
) -> bool {
    is_rule(cells.clone()) || is_footer(cells, fills_required)
}

/// Whether a row is a rule drawn under the header or above the totals: every
/// non-empty cell made of dashes, equals signs or underscores only (`-----`,
/// `＝＝＝`, `———`). Such a row holds no record.
pub fn is_rule<'a>(cells: impl Iterator<Item = &'a str>) -> bool {
    let mut any = false;
    for c in cells.filter(|c| !c.is_empty()) {
        any = true;
        if !c.chars().all(|ch| {
            matches!(
                ch,
                '-' | '='
                    | '_'
                    | '－'
                    | '＝'
                    | '＿'
                    | '—'
                    | '–'
                    | '─'
                    | '━'
                    | '═'
                    | ' '
                    | '\u{3000}'
            )
        }) {
            return false;
        }
    }
    any
}

#[cfg(test)]
mod tests {
    use super::{footer_word, is_rule};

    #[test]
    fn rules_are_rows_of_dashes_or_equals_signs() {
        assert!(is_rule(["-----", "", "---"].into_iter()));
        assert!(is_rule(["＝＝＝＝"].into_iter()));
        assert!(is_rule(["———", "==="].into_iter()));
        assert!(!is_rule(["", ""].into_iter()));
        assert!(!is_rule(["---", "410402001001"].into_iter()));
        assert!(!is_rule(["-3"].into_iter()));
    }

    #[test]
    fn totals_notes_and_signatures_but_not_words_that_go_on() {
        for cell in [
            "合计",
            "合 计",
            "合计 3219人",
            "合计3219人",
            "总计：",
            "小计",
            "注：1. 本表由社区填报",
            "注:",
            "注1.",
            "注",
            "说明：",
            "填表说明：",
            "填表人：张三",
            "审核人:李四",
            "负责人 王五",
        ] {
            assert!(footer_word(cell), "{cell}");
        }
        for cell in [
            "注销",
            "说明社区",
            "410402001001",
            "H001",
            "",
            "张三",
            "Note",
        ] {
            assert!(!footer_word(cell), "{cell}");
        }
    }
}
