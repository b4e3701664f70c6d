//! Header mapping: each contract column is found under its canonical name, its
//! Chinese header, or the header the pipeline maps it to. Headers match with
//! white space anywhere in them left out (a line break typed with Alt+Enter,
//! a run of spaces, a full-width space) and invisible characters dropped;
//! ASCII case and full-width brackets do not matter. A header no column
//! takes whose folded name is close to a contract column's is a warning
//! (`near_misses`): an optional column under a misspelled header would
//! otherwise be read as absent.
//!
//! The header row is found, not assumed (`find_header`): among the first
//! `SEARCHED_ROWS` rows that hold anything, the row naming the most contract
//! columns, so that the title and export-time rows desktop clients put above
//! it are skipped. A two-row header (group labels such as 基本信息 above the
//! column names, with some names standing in the upper row over an empty
//! cell) is read as one: the lower row's names, the upper row's where the
//! lower is empty.

use std::collections::BTreeMap;

use crate::contract::identity::mask_identities_in;
use crate::contract::{Column, TableSpec};

/// Where each of the contract's columns stands in the file (None: absent).
#[derive(Debug, Clone)]
pub struct Mapping {
    pub positions: Vec<Option<usize>>,
    /// Headers no column took, for the log (identity numbers masked).
    pub unused: Vec<String>,
    /// Warnings: headers no column took whose name is close to a contract
    /// column the file lacks, naming both.
    pub near_misses: Vec<String>,
}

/// A header as it is compared: white space and invisible characters left
/// out, full-width brackets half-width, ASCII lower case.
pub fn normalise(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && !crate::ingest::values::invisible(*c))
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Rows searched for the header: the first that hold anything.
pub const SEARCHED_ROWS: usize = 15;

/// A row read before the header is known: its line (CSV) or sheet row
/// (XLSX), and its cells as text, trimmed.
#[derive(Debug, Clone)]
pub struct HeadRow {
    pub line: u64,
    pub cells: Vec<String>,
}

/// The header found among the rows given.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// Index of the row naming the columns: the data start after it.
    pub at: usize,
    /// Index of the header's first row: `at - 1` for a two-row header.
    pub first: usize,
    /// The column names.
    pub names: Vec<String>,
}

impl Header {
    /// How the header stands in the file, for `read_as`: None when it is
    /// the first row that holds anything.
    pub fn place(&self, rows: &[HeadRow], noun: &str) -> Option<String> {
        match (self.first, self.at) {
            (0, 0) => None,
            (f, a) if f == a => Some(format!("header on {noun} {}", rows[a].line)),
            (f, a) => Some(format!(
                "two-row header on {noun}s {}–{}",
                rows[f].line, rows[a].line
            )),
        }
    }

    /// The rows above the header, skipped: how many, and the first one's
    /// text (identity numbers masked, cut at 80 characters).
    pub fn skipped(&self, rows: &[HeadRow]) -> Option<(usize, String)> {
        let first = rows[..self.first].first()?;
        let text: Vec<&str> = first
            .cells
            .iter()
            .map(String::as_str)
            .filter(|c| !c.is_empty())
            .collect();
        let text = mask_identities_in(&text.join(" "));
        let text = match text.char_indices().nth(80) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text,
        };
        Some((self.first, text))
    }
}

/// How many contract columns a row of headers names.
fn named(spec: &TableSpec, cells: &[String], overrides: &BTreeMap<String, String>) -> usize {
    let found: Vec<String> = cells.iter().map(|h| normalise(h)).collect();
    spec.columns
        .iter()
        .filter(|col| match overrides.get(col.name) {
            Some(h) => found.contains(&normalise(h)),
            None => {
                let (a, b) = (normalise(col.name), normalise(col.chinese));
                found.iter().any(|f| *f == a || *f == b)
            }
        })
        .count()
}

/// How many of the contract's required columns a row of headers names.
pub fn required_named(
    spec: &TableSpec,
    cells: &[String],
    overrides: &BTreeMap<String, String>,
) -> usize {
    let found: Vec<String> = cells.iter().map(|h| normalise(h)).collect();
    spec.columns
        .iter()
        .filter(|col| col.required)
        .filter(|col| match overrides.get(col.name) {
            Some(h) => found.contains(&normalise(h)),
            None => found
                .iter()
                .any(|f| *f == normalise(col.name) || *f == normalise(col.chinese)),
        })
        .count()
}

/// Two header rows read as one: the lower row's names, the upper row's
/// where the lower cell is empty (a name merged down over two rows).
fn joined(upper: &[String], lower: &[String]) -> Vec<String> {
    (0..upper.len().max(lower.len()))
        .map(|i| match lower.get(i).filter(|c| !c.is_empty()) {
            Some(c) => c.clone(),
            None => upper.get(i).cloned().unwrap_or_default(),
        })
        .collect()
}

/// The header among `rows` (rows that hold anything, in file order): the
/// row given by `header_row` (a line or sheet row number), else the row
/// naming the most contract columns. A two-row header counts when the two
/// rows together name more columns than either alone. Two candidates naming
/// as many columns is an error naming both; when no row names any column,
/// the first row is the header (and the mapping says what is missing).
pub fn find_header(
    spec: &TableSpec,
    rows: &[HeadRow],
    overrides: &BTreeMap<String, String>,
    header_row: Option<u64>,
) -> Result<Header, String> {
    let score = |cells: &[String]| named(spec, cells, overrides);
    // A row with the row above it, when together they name more columns.
    let with_upper = |at: usize| -> Option<(usize, Vec<String>)> {
        let upper = at.checked_sub(1)?;
        let names = joined(&rows[upper].cells, &rows[at].cells);
        let alone = score(&rows[at].cells).max(score(&rows[upper].cells));
        (score(&names) > alone).then_some((score(&names), names))
    };
    if let Some(line) = header_row {
        let at = rows.iter().position(|r| r.line == line).ok_or_else(|| {
            format!("`header_row = {line}`: row {line} is empty or past the end of the file")
        })?;
        return Ok(match with_upper(at) {
            Some((_, names)) => Header {
                at,
                first: at - 1,
                names,
            },
            None => Header {
                at,
                first: at,
                names: rows[at].cells.clone(),
            },
        });
    }
    let mut candidates: Vec<(usize, Header)> = Vec::new();
    for (at, row) in rows.iter().enumerate().take(SEARCHED_ROWS) {
        candidates.push((
            score(&row.cells),
            Header {
                at,
                first: at,
                names: row.cells.clone(),
            },
        ));
        if let Some((n, names)) = with_upper(at) {
            candidates.push((
                n,
                Header {
                    at,
                    first: at - 1,
                    names,
                },
            ));
        }
    }
    let best = candidates.iter().map(|(n, _)| *n).max().unwrap_or(0);
    if best == 0 {
        return Ok(Header {
            at: 0,
            first: 0,
            names: rows.first().map(|r| r.cells.clone()).unwrap_or_default(),
        });
    }
    let mut top = candidates.into_iter().filter(|(n, _)| *n == best);
    let (_, header) = top.next().expect("a best candidate");
    if let Some((_, other)) = top.next() {
        let lines = |h: &Header| match h.first == h.at {
            true => format!("row {}", rows[h.at].line),
            false => format!("rows {}–{}", rows[h.first].line, rows[h.at].line),
        };
        return Err(format!(
            "the header row is ambiguous: {} and {} both name {best} of the contract's columns; \
             set `header_row` under [input.{}] to the one to read",
            lines(&header),
            lines(&other),
            spec.name
        ));
    }
    Ok(header)
}

/// Maps the file's headers to the contract's columns, or explains what is missing:
/// the missing column(s), the columns found, and the closest match.
pub fn map_headers(
    spec: &TableSpec,
    headers: &[String],
    overrides: &BTreeMap<String, String>,
) -> Result<Mapping, String> {
    let positions = column_positions(spec, headers, overrides)?;
    let missing: Vec<&Column> = spec
        .columns
        .iter()
        .zip(&positions)
        .filter(|(col, at)| col.required && at.is_none())
        .map(|(col, _)| col)
        .collect();
    if !missing.is_empty() {
        return Err(missing_message(&missing, &positions, headers, overrides));
    }
    let unused: Vec<usize> = (0..headers.len())
        .filter(|i| !positions.contains(&Some(*i)) && !headers[*i].trim().is_empty())
        .collect();
    let near_misses = unused
        .iter()
        .filter_map(|&i| near_miss(spec, &headers[i], &positions, overrides))
        .collect();
    let unused = unused.iter().map(|&i| shown(&headers[i])).collect();
    Ok(Mapping {
        positions,
        unused,
        near_misses,
    })
}

/// Where each contract column stands among the headers (None: nowhere), by
/// its name or Chinese name, or by the header the pipeline maps it to. A
/// column standing more than once fails.
fn column_positions(
    spec: &TableSpec,
    headers: &[String],
    overrides: &BTreeMap<String, String>,
) -> Result<Vec<Option<usize>>, String> {
    let found: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let mut positions = Vec::with_capacity(spec.columns.len());
    for col in spec.columns {
        let names: Vec<String> = match overrides.get(col.name) {
            Some(h) => vec![normalise(h)],
            None => vec![normalise(col.name), normalise(col.chinese)],
        };
        let hits: Vec<usize> = (0..found.len())
            .filter(|&i| names.contains(&found[i]))
            .collect();
        match hits.as_slice() {
            [] => positions.push(None),
            [i] => positions.push(Some(*i)),
            many => {
                let which: Vec<String> = many.iter().map(|&i| shown(&headers[i])).collect();
                return Err(format!(
                    "column `{}` ({}) stands more than once: headers {}",
                    col.name,
                    col.chinese,
                    which.join(", ")
                ));
            }
        }
    }
    Ok(positions)
}

/// The names a header may be a misspelling of: the column's name, its
/// Chinese name and the header the pipeline maps it to.
fn targets<'a>(col: &'a Column, overrides: &'a BTreeMap<String, String>) -> Vec<&'a str> {
    let mut targets = vec![col.name, col.chinese];
    if let Some(h) = overrides.get(col.name) {
        targets.push(h);
    }
    targets
}

/// Why the headers do not map: each required column missing with the
/// closest unplaced header, then every header found.
fn missing_message(
    missing: &[&Column],
    positions: &[Option<usize>],
    headers: &[String],
    overrides: &BTreeMap<String, String>,
) -> String {
    let taken: Vec<usize> = positions.iter().flatten().copied().collect();
    let free: Vec<&String> = (0..headers.len())
        .filter(|i| !taken.contains(i))
        .map(|i| &headers[i])
        .collect();
    let parts: Vec<String> = missing
        .iter()
        .map(|col| {
            let wanted = match overrides.get(col.name) {
                Some(h) => format!("`{}` (mapped to header \"{h}\")", col.name),
                None => format!("`{}` ({})", col.name, col.chinese),
            };
            match closest(&free, &targets(col, overrides)) {
                Some(m) => format!("{wanted}, closest match \"{}\"", shown(m)),
                None => wanted,
            }
        })
        .collect();
    let noun = if missing.len() == 1 {
        "required column"
    } else {
        "required columns"
    };
    format!(
        "{noun} missing: {}; columns found: {}",
        parts.join("; "),
        if headers.is_empty() {
            "(none)".to_string()
        } else {
            headers
                .iter()
                .map(|h| shown(h))
                .collect::<Vec<_>>()
                .join(", ")
        }
    )
}

/// A warning when an unused header is close to the name of a column the
/// file lacks: it is likely that column misspelt.
fn near_miss(
    spec: &TableSpec,
    header: &String,
    positions: &[Option<usize>],
    overrides: &BTreeMap<String, String>,
) -> Option<String> {
    let free = [header];
    let (col, _) = spec
        .columns
        .iter()
        .zip(positions)
        .filter(|(_, at)| at.is_none())
        .find(|(col, _)| closest(&free, &targets(col, overrides)).is_some())?;
    Some(format!(
        "column \"{}\" is not read: its name is close to `{}` ({}), which the file lacks; \
         rename the header, or map it under [input.{}.columns]",
        shown(header),
        col.name,
        col.chinese,
        spec.name
    ))
}

/// A header as messages and logs show it. A file without its header row has
/// its first data row read as headers, identity numbers among them.
/// Line breaks and tabs inside a header show as `⏎` and a space, so that a
/// clerk sees why `注销⏎日期` is not `注销日期`.
fn shown(header: &str) -> String {
    let visible: String = header
        .trim()
        .chars()
        .filter(|c| !crate::ingest::values::invisible(*c))
        .map(|c| match c {
            '\n' => '⏎',
            '\r' | '\t' => ' ',
            c => c,
        })
        .collect();
    mask_identities_in(&visible.replace(" ⏎", "⏎").replace("⏎⏎", "⏎"))
}

/// The found header most like one of the targets, when it is near enough.
fn closest<'a>(found: &[&'a String], targets: &[&str]) -> Option<&'a String> {
    let similarity = |a: &str, b: &str| {
        let (a, b) = (normalise(a), normalise(b));
        let edit = strsim::normalized_damerau_levenshtein(&a, &b);
        // Chinese headers are short: shared characters say more than edits.
        let shared = b.chars().filter(|c| a.contains(*c)).count() as f64;
        let overlap = shared / a.chars().count().max(b.chars().count()).max(1) as f64;
        edit.max(overlap)
    };
    found
        .iter()
        .map(|h| {
            (
                targets.iter().map(|t| similarity(h, t)).fold(0.0, f64::max),
                *h,
            )
        })
        .filter(|(s, _)| *s >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, h)| h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::tables::{PERSONS, PLATFORM};

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn rows(v: &[&[&str]]) -> Vec<HeadRow> {
        v.iter()
            .enumerate()
            .map(|(i, r)| HeadRow {
                line: i as u64 + 1,
                cells: h(r),
            })
            .collect()
    }

    /// The headers of the required `persons` columns, Chinese as a registry
    /// export heads them, or the contract's names.
    fn persons_required(chinese: bool) -> Vec<&'static str> {
        PERSONS
            .columns
            .iter()
            .filter(|c| c.required)
            .map(|c| if chinese { c.chinese } else { c.name })
            .collect()
    }

    /// A `persons` row under those headers.
    const A_PERSON: &[&str] = &[
        "x",
        "410402001001",
        "H1",
        "男",
        "1980-01-01",
        "是",
        "2020-01-01",
    ];

    /// The required `persons` headers with the first (the identity
    /// number's) as given.
    fn persons_headed(first: &str, chinese: bool) -> Vec<String> {
        let mut headers = h(&persons_required(chinese));
        headers[0] = first.to_string();
        headers
    }

    #[test]
    fn the_header_below_a_title_and_an_export_line_is_found() {
        let r = rows(&[
            &["平顶山市劳动力资源台账(2021年度)", "", ""],
            &["导出时间：2021-12-31", "", "制表单位：新华区"],
            &persons_required(true),
            A_PERSON,
        ]);
        let found = find_header(&PERSONS, &r, &BTreeMap::new(), None).unwrap();
        assert_eq!((found.first, found.at), (2, 2));
        assert_eq!(found.names, h(&persons_required(true)));
        assert_eq!(found.place(&r, "line").as_deref(), Some("header on line 3"));
        assert_eq!(
            found.skipped(&r),
            Some((2, "平顶山市劳动力资源台账(2021年度)".to_string()))
        );
        // The header on the first row: nothing to say.
        let found = find_header(&PERSONS, &r[2..], &BTreeMap::new(), None).unwrap();
        assert_eq!((found.at, found.place(&r[2..], "line")), (0, None));
    }

    #[test]
    fn a_two_row_header_reads_the_lower_names_and_the_upper_where_it_is_empty() {
        let r = rows(&[
            &[
                "公民身份号码",
                "社区代码",
                "基本信息",
                "",
                "",
                "就业状况",
                "",
            ],
            &[
                "",
                "",
                "户编号",
                "性别",
                "出生日期",
                "有无劳动能力",
                "登记日期",
            ],
            A_PERSON,
        ]);
        let found = find_header(&PERSONS, &r, &BTreeMap::new(), None).unwrap();
        assert_eq!((found.first, found.at), (0, 1));
        assert_eq!(found.names, h(&persons_required(true)));
        assert_eq!(
            found.place(&r, "row").as_deref(),
            Some("two-row header on rows 1–2")
        );
        assert_eq!(found.skipped(&r), None);
        // Group labels over every name: the lower row alone is the header.
        let r = rows(&[
            &["基本信息", "", "", "", "", "就业状况", ""],
            &persons_required(true),
        ]);
        let found = find_header(&PERSONS, &r, &BTreeMap::new(), None).unwrap();
        assert_eq!((found.first, found.at), (1, 1));
    }

    #[test]
    fn two_rows_naming_as_many_columns_are_an_error_naming_both() {
        let r = rows(&[&["title"], &persons_required(true), &persons_required(true)]);
        let e = find_header(&PERSONS, &r, &BTreeMap::new(), None).unwrap_err();
        assert_eq!(
            e,
            "the header row is ambiguous: row 2 and row 3 both name 7 of the contract's columns; \
             set `header_row` under [input.persons] to the one to read"
        );
        // The setting decides.
        let found = find_header(&PERSONS, &r, &BTreeMap::new(), Some(3)).unwrap();
        assert_eq!(found.at, 2);
        let e = find_header(&PERSONS, &r, &BTreeMap::new(), Some(9)).unwrap_err();
        assert!(e.contains("`header_row = 9`"), "{e}");
    }

    #[test]
    fn no_row_naming_a_column_leaves_the_first_as_header() {
        let r = rows(&[&["a", "b"], &["c", "d"]]);
        let found = find_header(&PERSONS, &r, &BTreeMap::new(), None).unwrap();
        assert_eq!((found.at, found.names.clone()), (0, h(&["a", "b"])));
    }

    #[test]
    fn chinese_and_canonical_headers_with_spaces() {
        let headers = h(&[
            " 公民身份号码 ",
            "community_code",
            "户编号",
            "性别",
            "出生日期",
            "有无劳动能力",
            "登记日期",
        ]);
        let m = map_headers(&PERSONS, &headers, &BTreeMap::new()).unwrap();
        assert_eq!(m.positions[0], Some(0));
        assert_eq!(m.positions[1], Some(1));
        assert_eq!(m.positions[8], None, "left_on is optional and absent");
    }

    #[test]
    fn full_width_brackets_match() {
        let headers = h(&[
            "社区代码",
            "年度",
            "是否设立服务窗口",
            "工作人员数",
            "是否接入信息系统",
            "工作经费（元）",
        ]);
        let m = map_headers(&PLATFORM, &headers, &BTreeMap::new()).unwrap();
        assert_eq!(m.positions[5], Some(5));
    }

    #[test]
    fn configured_mapping_wins() {
        let headers = persons_headed("身份证号", true);
        let mut o = BTreeMap::new();
        o.insert("person_id".to_string(), "身份证号".to_string());
        let m = map_headers(&PERSONS, &headers, &o).unwrap();
        assert_eq!(m.positions[0], Some(0));
    }

    #[test]
    fn missing_column_message_names_column_found_and_closest() {
        let headers = persons_headed("身份证号码", true);
        let e = map_headers(&PERSONS, &headers, &BTreeMap::new()).unwrap_err();
        assert_eq!(
            e,
            "required column missing: `person_id` (公民身份号码), closest match \"身份证号码\"; \
             columns found: 身份证号码, 社区代码, 户编号, 性别, 出生日期, 有无劳动能力, 登记日期"
        );
        let headers = persons_headed("person_idd", false);
        let e = map_headers(&PERSONS, &headers, &BTreeMap::new()).unwrap_err();
        assert!(
            e.contains("`person_id` (公民身份号码), closest match \"person_idd\""),
            "{e}"
        );
    }
}
