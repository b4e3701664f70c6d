//! The panel's working sheets read back (`contract::review_records`).
//!
//! A 评审记录 sheet is `decisions` in its wide layout: title rows, then a
//! two-row header whose upper row names the groups (申报信息 over the
//! application's columns, each stage's name over 结论/意见/日期/决定单位) and
//! whose lower row names the fields, then one row per application. Each row
//! is unpivoted into one `decisions` row per stage whose group holds
//! anything; an empty group is a stage not decided yet. The rows go through
//! the same typing and checks as any table, a stage at a time, with the sheet
//! row as their line and the group's column (`县级初选·结论`) in their rejects.
//!
//! A 核实记录 sheet is `verifications` under an ordinary header; the rows whose
//! result, date, checker and note are all empty are findings still awaiting a
//! check: they are skipped and counted (`OpenItems`), not rejected.

use std::io::Cursor;

use calamine::Reader;
use polars::prelude::*;

use super::footers;
use super::headers::SEARCHED_ROWS;
use super::raw::{Cell, Failure, Opened, RawChunk, RawColumn, Sink};
use super::typing::{TableTyping, Typed};
use super::xlsx::{Grid, cell, filled_rows, merged_regions, text_of};
use crate::config::Stages;
use crate::contract::review_records::{APPLICATION_FIELDS, APPLICATION_GROUP, STAGE_FIELDS};
use crate::contract::tables::DECISIONS;
use crate::digest::Hashing;
use crate::error::Result;

/// The `decisions` columns a stage group's fields fill, in `STAGE_FIELDS` order.
const STAGE_COLUMNS: [&str; 4] = ["decision", "opinion", "decided_on", "decided_by"];

/// The name a reject of a sheet row gives its column: the sheet's own header
/// (`社区代码`, `县级初选·结论`) rather than the contract's name.
pub fn sheet_column(stage_name: &str, column: &str) -> String {
    if let Some(k) = STAGE_COLUMNS.iter().position(|c| *c == column) {
        return format!("{stage_name}·{}", STAGE_FIELDS[k]);
    }
    match column {
        "community_code" => APPLICATION_FIELDS[0].to_string(),
        "year" => APPLICATION_FIELDS[4].to_string(),
        "stage" => stage_name.to_string(),
        "community_code+year+stage" => {
            format!(
                "{}+{}+{stage_name}",
                APPLICATION_FIELDS[0], APPLICATION_FIELDS[4]
            )
        }
        other => other.to_string(),
    }
}

/// Where the columns of a 评审记录 sheet stand.
struct WideHeader {
    /// Sheet rows (range coordinates) of the upper and lower header rows.
    lower: usize,
    code: usize,
    year: usize,
    /// Per stage of the list, the column of each of `STAGE_FIELDS` (None:
    /// the group lacks it).
    stages: Vec<[Option<usize>; 4]>,
    /// The stage groups as the sheet orders them, as headed there.
    order: Vec<String>,
    unused: Vec<String>,
    /// Groups laid out as a stage (a 结论 column under them) whose name is
    /// no stage the program knows: their decisions are not read.
    unknown_stages: Vec<String>,
}

/// A header cell's text; white space inside it (Alt+Enter, spaces) does not
/// count.
fn header_text(grid: &Grid<'_>, r: usize, c: usize) -> String {
    text_of(grid.value(r, c))
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn wide_header(
    grid: &Grid<'_>,
    filled: &[usize],
    list: &Stages,
) -> std::result::Result<WideHeader, String> {
    let upper = filled
        .iter()
        .take(SEARCHED_ROWS)
        .copied()
        .find(|&r| (0..grid.width).any(|c| header_text(grid, r, c) == APPLICATION_GROUP))
        .ok_or_else(|| {
            format!(
                "no two-row header with \"{APPLICATION_GROUP}\" over the application's columns in the first {SEARCHED_ROWS} rows"
            )
        })?;
    let placed = place_columns(grid, upper, list)?;
    let missing = |what: &str| format!("required column {APPLICATION_GROUP}·{what} missing");
    let code = placed.code.ok_or_else(|| missing(APPLICATION_FIELDS[0]))?;
    let year = placed.year.ok_or_else(|| missing(APPLICATION_FIELDS[4]))?;
    for (s, cols) in placed.stages.iter().enumerate() {
        if cols.iter().any(Option::is_some) && cols[0].is_none() {
            return Err(format!(
                "required column {}·{} missing",
                list[s].name, STAGE_FIELDS[0]
            ));
        }
    }
    Ok(WideHeader {
        lower: upper + 1,
        code,
        year,
        stages: placed.stages,
        order: placed.order,
        unused: placed.unused,
        unknown_stages: placed.unknown_stages,
    })
}

/// The columns under a two-row header as placed, before the required ones
/// are checked (see `WideHeader`).
struct Placed {
    code: Option<usize>,
    year: Option<usize>,
    stages: Vec<[Option<usize>; 4]>,
    order: Vec<String>,
    unused: Vec<String>,
    unknown_stages: Vec<String>,
}

/// Each column placed by its group (the upper row, carried right over the
/// group's columns) and its field (the lower row): an application field, a
/// stage field, or unused. A stage field standing twice fails.
fn place_columns(
    grid: &Grid<'_>,
    upper: usize,
    list: &Stages,
) -> std::result::Result<Placed, String> {
    let lower = upper + 1;
    let mut group = String::new();
    let mut placed = Placed {
        code: None,
        year: None,
        stages: vec![[None; 4]; list.len()],
        order: Vec::new(),
        unused: Vec::new(),
        unknown_stages: Vec::new(),
    };
    for c in 0..grid.width {
        let u = header_text(grid, upper, c);
        if !u.is_empty() {
            group = u;
        }
        let field = header_text(grid, lower, c);
        if field.is_empty() {
            continue;
        }
        if group == APPLICATION_GROUP {
            if field == APPLICATION_FIELDS[0] {
                placed.code = Some(c);
            } else if field == APPLICATION_FIELDS[4] {
                placed.year = Some(c);
            }
            // The other application fields describe the row and are not read.
        } else if let (Some((s, _)), Some(k)) = (
            list.find(&group),
            STAGE_FIELDS.iter().position(|f| *f == field),
        ) {
            if placed.stages[s][k].is_some() {
                return Err(format!("column {group}·{field} stands twice"));
            }
            placed.stages[s][k] = Some(c);
            if placed.order.last() != Some(&group) {
                placed.order.push(group.clone());
            }
        } else {
            if list.find(&group).is_none()
                && field == STAGE_FIELDS[0]
                && !placed.unknown_stages.contains(&group)
            {
                placed.unknown_stages.push(group.clone());
            }
            placed
                .unused
                .push(crate::contract::identity::mask_identities_in(&format!(
                    "{group}·{field}"
                )));
        }
    }
    Ok(placed)
}

/// A workbook's first sheet as read: the file's account, the sheet's name
/// as messages show it, its cells and merged ranges.
struct FirstSheet {
    seen: crate::digest::Seen,
    shown: String,
    range: calamine::Range<calamine::Data>,
    merged: Vec<super::xlsx::Region>,
}

/// The workbook opened and its first sheet read, or why not.
fn open_first_sheet(path: &std::path::Path) -> std::result::Result<FirstSheet, Failure> {
    let (bytes, seen) = Hashing::read_all(path)
        .map_err(|e| Failure::Unreadable(format!("cannot open the workbook: {e}")))?;
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| Failure::Unreadable(format!("cannot open the workbook: {e}")))?;
    let Some(sheet) = book.sheet_names().first().cloned() else {
        return Err(Failure::Unreadable("the workbook has no sheet".into()));
    };
    // The sheet's name as messages show it (a clerk may name it after a person).
    let shown = crate::contract::identity::mask_identities_in(&sheet);
    let unreadable = |e: String| Failure::Unreadable(format!("cannot read sheet \"{shown}\": {e}"));
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| unreadable(e.to_string()))?;
    let merged = merged_regions(&mut book, &sheet).map_err(unreadable)?;
    Ok(FirstSheet {
        seen,
        shown,
        range,
        merged,
    })
}

/// Reads a 评审记录 sheet (its first sheet) as `decisions` rows, typed.
pub fn read_decision_sheet(path: &std::path::Path, name: &str, list: &Stages) -> Result<ReadSheet> {
    let sheet = match open_first_sheet(path) {
        Ok(s) => s,
        Err(f) => return Ok(Err(f)),
    };
    let grid = Grid::new(&sheet.range, &sheet.merged);
    let (filled, line) = filled_rows(&sheet.range);
    let header = match wide_header(&grid, &filled, list) {
        Ok(h) => h,
        Err(m) => return Ok(Err(Failure::Columns(m))),
    };
    let rows = application_rows(&grid, &filled, &header);
    let mut typed: Vec<Typed> = Vec::new();
    for (s, cols) in header.stages.iter().enumerate() {
        let stage = Stage {
            name: list[s].name.as_str(),
            cols,
        };
        if let Some(t) = type_stage(&grid, &rows, &header, stage, name, &line)? {
            typed.push(t);
        }
    }
    let all = stack(typed, name)?;
    let opened = Opened {
        read_as: format!(
            "XLSX, sheet \"{}\", working sheet (header at row {}, one row per application and stage; {})",
            sheet.shown,
            line(header.lower),
            sheet_order(&header.order, list)
        ),
        seen: sheet.seen,
        warnings: unknown_stage_warnings(&header.unknown_stages, list, name),
        unused: header.unused,
        notes: Vec::new(),
        // The sheet's rows are their lines.
        sheets: vec![super::raw::SheetSpan {
            sheet: sheet.shown.clone(),
            offset: 0,
            last: u64::MAX,
        }],
    };
    Ok(Ok((opened, all)))
}

/// The sheet rows under the header that hold an application: totals, notes
/// and signatures after the last one left out.
fn application_rows(grid: &Grid<'_>, filled: &[usize], header: &WideHeader) -> Vec<usize> {
    let mut rows: Vec<usize> = filled
        .iter()
        .copied()
        .filter(|&r| r > header.lower)
        .collect();
    while let Some(&last) = rows.last() {
        let texts: Vec<String> = (0..grid.width).map(|c| raw_text(grid, last, c)).collect();
        let footer = footers::is_footer(texts.iter().map(String::as_str), || {
            !texts[header.code].is_empty() && !texts[header.year].is_empty()
        });
        if !footer {
            break;
        }
        rows.pop();
    }
    rows
}

/// A cell as the sheet holds it (merges not filled in), trimmed.
fn raw_text(grid: &Grid<'_>, r: usize, c: usize) -> String {
    text_of(grid.raw(r, c)).trim().to_string()
}

/// One stage group of the sheet: the stage's name and the columns of its
/// fields.
#[derive(Clone, Copy)]
struct Stage<'a> {
    name: &'a str,
    cols: &'a [Option<usize>; 4],
}

/// The rows whose group of this stage holds anything, typed as `decisions`
/// rows of the stage, their rejects naming the sheet's column; None when
/// the stage is decided on no row.
fn type_stage(
    grid: &Grid<'_>,
    rows: &[usize],
    header: &WideHeader,
    stage: Stage<'_>,
    name: &str,
    line: &impl Fn(usize) -> u64,
) -> Result<Option<Typed>> {
    let decided: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&r| {
            stage
                .cols
                .iter()
                .flatten()
                .any(|&c| !raw_text(grid, r, c).is_empty())
        })
        .collect();
    if decided.is_empty() {
        return Ok(None);
    }
    let cells = |c: Option<usize>| {
        c.map(|c| RawColumn::Cells(decided.iter().map(|&r| cell(grid.value(r, c))).collect()))
    };
    let mut columns: Vec<Option<RawColumn>> = Vec::with_capacity(DECISIONS.columns.len());
    for column in DECISIONS.columns {
        columns.push(match column.name {
            "community_code" => cells(Some(header.code)),
            "year" => cells(Some(header.year)),
            "stage" => Some(RawColumn::Cells(vec![
                Cell::Text(stage.name.to_string());
                decided.len()
            ])),
            other => {
                let k = STAGE_COLUMNS
                    .iter()
                    .position(|c| *c == other)
                    .expect("every other decisions column is a stage field");
                cells(stage.cols[k])
            }
        });
    }
    let mut typing = TableTyping::new(&DECISIONS, name);
    typing.take(RawChunk {
        columns,
        lines: decided.iter().map(|&r| line(r)).collect(),
        shapes: Vec::new(),
        spans: Vec::new(),
    })?;
    let mut t = typing.finish()?;
    for r in &mut t.rejects {
        r.column = sheet_column(stage.name, &r.column);
    }
    Ok(Some(t))
}

/// The stages' typed rows as one table in sheet order (by line), their
/// rejects likewise; an empty table when no stage was decided.
fn stack(mut typed: Vec<Typed>, name: &str) -> Result<Typed> {
    let mut all = match typed.pop() {
        Some(t) => t,
        None => TableTyping::new(&DECISIONS, name).finish()?,
    };
    for t in typed {
        all.frame.vstack_mut_owned(t.frame)?;
        all.rows_read += t.rows_read;
        all.rejects.extend(t.rejects);
        all.folded.extend(t.folded);
    }
    all.frame.rechunk_mut();
    all.frame = all
        .frame
        .sort(["source_line"], SortMultipleOptions::default())?;
    all.rejects.sort_by_key(|r| r.line);
    Ok(all)
}

/// A warning per group laid out as a stage under a name the review does not
/// know: its decisions are not read.
fn unknown_stage_warnings(unknown: &[String], list: &Stages, name: &str) -> Vec<String> {
    let known: Vec<&str> = list.names();
    unknown
        .iter()
        .map(|g| {
            let g = crate::contract::identity::mask_identities_in(g);
            let w = format!(
                "the columns under \"{g}\" are not read: it is no stage of the review ({}), \
                 so the decisions in them do not count; give the group its stage's name",
                known.join(", ")
            );
            tracing::warn!(file = %name, "{w}");
            w
        })
        .collect()
}

/// Which stage order the sheet carries, said in the read-as line: the
/// current list's, or the sheet's own (an older sheet, read by header), with
/// the former names it uses.
fn sheet_order(order: &[String], list: &Stages) -> String {
    let current: Vec<&str> = list
        .iter()
        .filter(|s| order.iter().any(|o| s.is_named(o)))
        .map(|s| s.name.as_str())
        .collect();
    if order.iter().map(String::as_str).eq(current.iter().copied()) {
        return format!("stages in the current order: {}", list.order_text());
    }
    let shown: Vec<String> = order
        .iter()
        .map(|o| match list.find(o) {
            Some((_, s)) if s.name != *o => format!("{o} (now {})", s.name),
            _ => o.clone(),
        })
        .collect();
    format!(
        "stages in an older order: {}; read by header into the current order {}",
        shown.join(" → "),
        list.order_text()
    )
}

/// A working sheet read and typed, or why it gave no table.
pub type ReadSheet = std::result::Result<(Opened, Typed), Failure>;

/// A sink that passes on only the rows holding something in one of the
/// `watched` columns (a 核实记录 row with a result, date, checker or note):
/// the others await a check and are counted in `skipped`. Misshapen rows
/// are passed on, to be rejected.
pub struct OpenItems<'a> {
    pub inner: &'a mut dyn Sink,
    pub watched: Vec<usize>,
    pub skipped: usize,
}

fn filled_at(column: Option<&RawColumn>, row: usize) -> bool {
    match column {
        None => false,
        Some(RawColumn::Text(ca)) => ca.get(row).is_some_and(|v| !v.trim().is_empty()),
        Some(RawColumn::Cells(cells)) => match &cells[row] {
            Cell::Empty => false,
            Cell::Text(t) => !t.trim().is_empty(),
            _ => true,
        },
        Some(RawColumn::Native(s)) => s.get(row).is_ok_and(|v| match v {
            AnyValue::Null => false,
            AnyValue::String(t) => !t.trim().is_empty(),
            AnyValue::StringOwned(t) => !t.trim().is_empty(),
            _ => true,
        }),
    }
}

fn keep_rows(column: RawColumn, keep: &[bool]) -> PolarsResult<RawColumn> {
    let mask = BooleanChunked::from_slice(PlSmallStr::EMPTY, keep);
    Ok(match column {
        RawColumn::Text(ca) => RawColumn::Text(ca.filter(&mask)?),
        RawColumn::Native(s) => RawColumn::Native(s.filter(&mask)?),
        RawColumn::Cells(cells) => RawColumn::Cells(
            cells
                .into_iter()
                .zip(keep)
                .filter(|(_, k)| **k)
                .map(|(c, _)| c)
                .collect(),
        ),
    })
}

impl Sink for OpenItems<'_> {
    fn take(&mut self, chunk: RawChunk) -> Result<()> {
        let n = chunk.lines.len();
        let keep: Vec<bool> = (0..n)
            .map(|row| {
                chunk.shapes.iter().any(|(r, _)| *r == row)
                    || self
                        .watched
                        .iter()
                        .any(|&i| filled_at(chunk.columns[i].as_ref(), row))
            })
            .collect();
        let kept = keep.iter().filter(|k| **k).count();
        self.skipped += n - kept;
        if kept == n {
            return self.inner.take(chunk);
        }
        let mut at = vec![usize::MAX; n];
        let mut next = 0;
        for (row, k) in keep.iter().enumerate() {
            if *k {
                at[row] = next;
                next += 1;
            }
        }
        let columns = chunk
            .columns
            .into_iter()
            .map(|c| c.map(|c| keep_rows(c, &keep)).transpose())
            .collect::<PolarsResult<Vec<_>>>()?;
        let lines = chunk
            .lines
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(l, _)| *l)
            .collect();
        let shapes = chunk.shapes.into_iter().map(|(r, s)| (at[r], s)).collect();
        let spans = chunk
            .spans
            .into_iter()
            .filter(|(r, _)| keep[*r])
            .map(|(r, n)| (at[r], n))
            .collect();
        self.inner.take(RawChunk {
            columns,
            lines,
            shapes,
            spans,
        })
    }

    fn restart(&mut self) {
        self.skipped = 0;
        self.inner.restart();
    }
}
