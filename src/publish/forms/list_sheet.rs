//! The working list sheets the bureau fills in (核实记录, 异议登记,
//! 取消资格审批, 报送登记): one layout, one row writer that finds each cell by its column
//! name in the contract, and the sheet's dropdowns and date checks, so that
//! a sheet's own file says only which value goes in which column.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook, Worksheet};

use super::Heading;
use super::cells::{self, failed};
use crate::error::Result;

/// What a list sheet checks in a column of its rows.
pub enum Check<'a> {
    /// A dropdown of these values.
    OneOf(&'a [&'a str]),
    /// A date.
    Date,
}

/// A list sheet's layout.
pub struct Layout<'a> {
    /// The sheet's name, also what the next run reads it back as.
    pub sheet: &'a str,
    /// The contract's columns, in order.
    pub columns: &'a [&'a str],
    pub widths: &'a [f64],
    /// The header row (0-based).
    pub header_row: u32,
    /// The columns the header block's unit, signatories and date start at.
    pub heading: [u16; 3],
    /// Rows below the last with the checks, for entries still to come.
    pub spare_rows: u32,
    /// The checks, by column name.
    pub checks: &'a [(&'a str, Check<'a>)],
}

/// The header row of every list sheet (0-based): below the header block
/// and the title.
pub const HEADER_ROW: u32 = 4;

impl<'a> Layout<'a> {
    /// A sheet named `sheet` of the contract's `columns` at `widths`, its
    /// header block's parts starting at the columns `heading`, its rows
    /// checked as `checks` says.
    pub const fn new(
        (sheet, columns): (&'a str, &'a [&'a str]),
        widths: &'a [f64],
        heading: [u16; 3],
        checks: &'a [(&'a str, Check<'a>)],
    ) -> Layout<'a> {
        Layout {
            sheet,
            columns,
            widths,
            header_row: HEADER_ROW,
            heading,
            spare_rows: 0,
            checks,
        }
    }

    /// The same with the checks running `rows` rows below the last.
    pub const fn with_spare_rows(self, rows: u32) -> Layout<'a> {
        Layout {
            spare_rows: rows,
            ..self
        }
    }

    pub fn column(&self, name: &str) -> u16 {
        cells::column_of(self.columns, name)
    }
}

/// One row being written.
pub struct Row<'w> {
    ws: &'w mut Worksheet,
    layout: &'w Layout<'w>,
    row: u32,
    cell: &'w Format,
    centred: &'w Format,
    date: &'w Format,
}

impl Row<'_> {
    /// Text, written even when empty.
    pub fn text(&mut self, name: &str, value: &str) -> Result<()> {
        cells::text(
            self.ws,
            self.row,
            self.layout.column(name),
            value,
            self.cell,
        )
    }

    /// Text, or a bordered blank when none or empty.
    pub fn text_or_blank(&mut self, name: &str, value: Option<&str>) -> Result<()> {
        let col = self.layout.column(name);
        cells::text_or_blank(self.ws, self.row, col, value, self.cell)
    }

    /// Text centred (a value of a dropdown), or a blank.
    pub fn choice(&mut self, name: &str, value: Option<&str>) -> Result<()> {
        let col = self.layout.column(name);
        cells::text_or_blank(self.ws, self.row, col, value, self.centred)
    }

    /// A year, centred.
    pub fn year(&mut self, name: &str, year: i32) -> Result<()> {
        let col = self.layout.column(name);
        self.ws
            .write_number_with_format(self.row, col, f64::from(year), self.centred)
            .map_err(failed)?;
        Ok(())
    }

    /// A date, or a blank with the date format.
    pub fn date(&mut self, name: &str, value: Option<NaiveDate>) -> Result<()> {
        let col = self.layout.column(name);
        cells::date_or_blank(self.ws, self.row, col, value, self.date)
    }

    /// The row's height: 18 points, or what `text` in column `name` needs.
    pub fn fit(&mut self, name: &str, text: &str) -> Result<()> {
        self.fit_all(&[(name, text)])
    }

    /// The row's height: 18 points, or what the tallest of the texts needs,
    /// each in its column (by name).
    pub fn fit_all(&mut self, texts: &[(&str, &str)]) -> Result<()> {
        let fit: Vec<(&str, f64)> = texts
            .iter()
            .map(|(name, text)| (*text, self.layout.widths[self.layout.column(name) as usize]))
            .collect();
        self.height(cells::row_height(&fit, 18.0))
    }

    pub fn height(&mut self, points: f64) -> Result<()> {
        self.ws.set_row_height(self.row, points).map_err(failed)?;
        Ok(())
    }
}

/// The workbook of a list sheet: the header block, the title and header
/// row, a row per record written by `write`, then the checks.
pub fn workbook<T>(
    title: &str,
    head: &Heading,
    layout: &Layout,
    records: &[T],
    date: NaiveDate,
    mut write: impl FnMut(&mut Row, &T) -> Result<()>,
) -> Result<Workbook> {
    let mut wb = cells::list_form(
        title,
        head,
        layout.sheet,
        layout.columns,
        layout.widths,
        (layout.header_row, records.len(), layout.heading),
        date,
    )?;
    let ws = wb.worksheet_from_index(0).map_err(failed)?;
    let (cell, centred, date_fmt) = (cells::cell(), cells::centred(), cells::date_cell());
    for (k, record) in records.iter().enumerate() {
        let mut row = Row {
            ws,
            layout,
            row: layout.header_row + 1 + k as u32,
            cell: &cell,
            centred: &centred,
            date: &date_fmt,
        };
        write(&mut row, record)?;
    }
    let first = layout.header_row + 1;
    let data = (
        first,
        layout.header_row + records.len() as u32 + layout.spare_rows,
    );
    for (name, check) in layout.checks {
        match check {
            Check::OneOf(values) => cells::dropdown(ws, data, layout.column(name), values)?,
            Check::Date => cells::date_validation(ws, data, layout.column(name))?,
        }
    }
    Ok(wb)
}
