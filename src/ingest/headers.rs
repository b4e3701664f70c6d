//! Header mapping: each contract column is found under its canonical name, its
//! Chinese header, or the header the pipeline maps it to. Headers match after
//! trimming spaces; ASCII case and full-width brackets do not matter.

use std::collections::BTreeMap;

use crate::contract::TableSpec;
use crate::contract::identity::mask_identities_in;

/// Where each of the contract's columns stands in the file (None: absent).
#[derive(Debug, Clone)]
pub struct Mapping {
    pub positions: Vec<Option<usize>>,
    /// Headers no column took, for the log (identity numbers masked).
    pub unused: Vec<String>,
}

fn normalise(h: &str) -> String {
    h.trim()
        .replace('（', "(")
        .replace('）', ")")
        .to_ascii_lowercase()
}

/// Maps the file's headers to the contract's columns, or explains what is missing:
/// the missing column(s), the columns found, and the closest match.
pub fn map_headers(
    spec: &TableSpec,
    headers: &[String],
    overrides: &BTreeMap<String, String>,
) -> Result<Mapping, String> {
    let found: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let mut positions = Vec::with_capacity(spec.columns.len());
    let mut missing = Vec::new();
    for col in spec.columns {
        let names: Vec<String> = match overrides.get(col.name) {
            Some(h) => vec![normalise(h)],
            None => vec![normalise(col.name), normalise(col.chinese)],
        };
        let hits: Vec<usize> = (0..found.len())
            .filter(|&i| names.contains(&found[i]))
            .collect();
        match hits.as_slice() {
            [] => {
                if col.required {
                    missing.push(col);
                }
                positions.push(None);
            }
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
    if !missing.is_empty() {
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
                let mut targets = vec![col.name, col.chinese];
                if let Some(h) = overrides.get(col.name) {
                    targets.push(h);
                }
                match closest(&free, &targets) {
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
        return Err(format!(
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
        ));
    }
    let unused = (0..headers.len())
        .filter(|i| !positions.contains(&Some(*i)))
        .map(|i| shown(&headers[i]))
        .collect();
    Ok(Mapping { positions, unused })
}

/// A header as messages and logs show it. A file without its header row has
/// its first data row read as headers, identity numbers among them.
fn shown(header: &str) -> String {
    mask_identities_in(header)
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
        let headers = h(&[
            "身份证号",
            "社区代码",
            "户编号",
            "性别",
            "出生日期",
            "有无劳动能力",
            "登记日期",
        ]);
        let mut o = BTreeMap::new();
        o.insert("person_id".to_string(), "身份证号".to_string());
        let m = map_headers(&PERSONS, &headers, &o).unwrap();
        assert_eq!(m.positions[0], Some(0));
    }

    #[test]
    fn missing_column_message_names_column_found_and_closest() {
        let headers = h(&[
            "身份证号码",
            "社区代码",
            "户编号",
            "性别",
            "出生日期",
            "有无劳动能力",
            "登记日期",
        ]);
        let e = map_headers(&PERSONS, &headers, &BTreeMap::new()).unwrap_err();
        assert_eq!(
            e,
            "required column missing: `person_id` (公民身份号码), closest match \"身份证号码\"; \
             columns found: 身份证号码, 社区代码, 户编号, 性别, 出生日期, 有无劳动能力, 登记日期"
        );
        let headers = h(&[
            "person_idd",
            "community_code",
            "household_id",
            "gender",
            "birth_date",
            "labor_capacity",
            "entered_on",
        ]);
        let e = map_headers(&PERSONS, &headers, &BTreeMap::new()).unwrap_err();
        assert!(
            e.contains("`person_id` (公民身份号码), closest match \"person_idd\""),
            "{e}"
        );
    }
}
