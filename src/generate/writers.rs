//! Streaming table writers: CSV (UTF-8 or GB18030, comma or tab, canonical or
//! Chinese headers, the contract's date and boolean spellings), Parquet (typed
//! columns, zstd, one row group per flush) and XLSX (one sheet, fixed document
//! properties). Rows arrive community by community and leave in bounded
//! buffers, so memory does not grow with the extract (XLSX excepted: the
//! format is built in memory and is capped at its row limit anyway).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use polars::io::parquet::write::BatchedWriter;
use polars::prelude::{
    Column as PlColumn, DataFrame, DataType, IntoColumn, NamedFrom, ParquetCompression,
    ParquetWriter, Series, TimeUnit,
};

use super::model::Value;
use crate::contract::tables::{Kind, TableSpec};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Parquet,
    Xlsx,
}

impl FileFormat {
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Parquet => "parquet",
            FileFormat::Xlsx => "xlsx",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headers {
    Canonical,
    Chinese,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Gb18030,
}

/// Date spellings of the contract. `Rotating` cycles through the four
/// numeric-and-Chinese spellings row by row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    Iso,
    Slash,
    Dot,
    Compact,
    Chinese,
    Rotating,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoolStyle {
    TrueFalse,
    OneZero,
    YesNo,
    ShiFou,
    YouWu,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateStyle {
    Fraction,
    Percent,
}

/// How one table's file is laid out.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub format: FileFormat,
    pub headers: Headers,
    pub encoding: TextEncoding,
    pub delimiter: u8,
    pub bom: bool,
    pub dates: DateStyle,
    pub booleans: BoolStyle,
    pub rates: RateStyle,
}

impl Layout {
    pub fn plain(format: FileFormat, headers: Headers, encoding: TextEncoding) -> Layout {
        Layout {
            format,
            headers,
            encoding,
            delimiter: b',',
            bom: false,
            dates: DateStyle::Iso,
            booleans: BoolStyle::TrueFalse,
            rates: RateStyle::Fraction,
        }
    }
}

/// Data rows an XLSX sheet can hold below its header row.
pub const XLSX_MAX_ROWS: u64 = 1_048_575;

fn spell_date(d: NaiveDate, style: DateStyle, row: u64) -> String {
    let style = match style {
        DateStyle::Rotating => [
            DateStyle::Iso,
            DateStyle::Slash,
            DateStyle::Compact,
            DateStyle::Chinese,
        ][(row % 4) as usize],
        s => s,
    };
    match style {
        DateStyle::Iso | DateStyle::Rotating => d.format("%Y-%m-%d").to_string(),
        DateStyle::Slash => d.format("%Y/%m/%d").to_string(),
        DateStyle::Dot => d.format("%Y.%m.%d").to_string(),
        DateStyle::Compact => d.format("%Y%m%d").to_string(),
        DateStyle::Chinese => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
    }
}

fn spell_datetime(t: NaiveDateTime, style: DateStyle) -> String {
    // A time goes with the two spellings that every reader pairs with one.
    let date = if style == DateStyle::Slash {
        t.format("%Y/%m/%d")
    } else {
        t.format("%Y-%m-%d")
    };
    format!("{date} {:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
}

fn spell_bool(b: bool, style: BoolStyle) -> &'static str {
    match (style, b) {
        (BoolStyle::TrueFalse, true) => "true",
        (BoolStyle::TrueFalse, false) => "false",
        (BoolStyle::OneZero, true) => "1",
        (BoolStyle::OneZero, false) => "0",
        (BoolStyle::YesNo, true) => "Y",
        (BoolStyle::YesNo, false) => "N",
        (BoolStyle::ShiFou, true) => "是",
        (BoolStyle::ShiFou, false) => "否",
        (BoolStyle::YouWu, true) => "有",
        (BoolStyle::YouWu, false) => "无",
    }
}

fn spell_rate(r: f64, style: RateStyle) -> String {
    match style {
        RateStyle::Fraction => format!("{}", (r * 10_000.0).round() / 10_000.0),
        RateStyle::Percent => format!("{:.1}%", r * 100.0),
    }
}

/// A cell as text, for CSV (and for the text cells of XLSX).
pub fn spell(v: &Value, layout: &Layout, row: u64) -> String {
    match v {
        Value::Null => String::new(),
        Value::Text(s) | Value::Raw(s) => s.clone(),
        Value::Word(s) => (*s).to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format!("{f}"),
        Value::Rate(r) => spell_rate(*r, layout.rates),
        Value::Bool(b) => spell_bool(*b, layout.booleans).to_string(),
        Value::Date(d) => spell_date(*d, layout.dates, row),
        Value::DateTime(t) => spell_datetime(*t, layout.dates),
    }
}

fn push_field(line: &mut String, field: &str, delimiter: u8) {
    let needs_quotes = field
        .bytes()
        .any(|b| b == delimiter || b == b'"' || b == b'\n' || b == b'\r');
    if needs_quotes {
        line.push('"');
        line.push_str(&field.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(field);
    }
}

/// Text bytes buffered before they are encoded and written.
const CSV_FLUSH_BYTES: usize = 1 << 20;
/// Rows per Parquet row group.
const PARQUET_ROWS: usize = 1 << 16;

enum Buffer {
    Str(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    Date(Vec<Option<i32>>),
    DateTime(Vec<Option<i64>>),
}

impl Buffer {
    fn for_kind(kind: Kind) -> Buffer {
        match kind {
            Kind::Str | Kind::Gender => Buffer::Str(vec![]),
            Kind::Int => Buffer::Int(vec![]),
            Kind::Float | Kind::Rate => Buffer::Float(vec![]),
            Kind::Bool => Buffer::Bool(vec![]),
            Kind::Date => Buffer::Date(vec![]),
            Kind::Datetime => Buffer::DateTime(vec![]),
        }
    }

    fn push(&mut self, v: &Value, column: &str) -> Result<()> {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("date");
        match (self, v) {
            (Buffer::Str(b), Value::Null) => b.push(None),
            (Buffer::Str(b), Value::Text(s)) => b.push(Some(s.clone())),
            (Buffer::Str(b), Value::Word(s)) => b.push(Some((*s).to_string())),
            (Buffer::Int(b), Value::Null) => b.push(None),
            (Buffer::Int(b), Value::Int(i)) => b.push(Some(*i)),
            (Buffer::Float(b), Value::Null) => b.push(None),
            (Buffer::Float(b), Value::Float(f) | Value::Rate(f)) => b.push(Some(*f)),
            (Buffer::Bool(b), Value::Null) => b.push(None),
            (Buffer::Bool(b), Value::Bool(x)) => b.push(Some(*x)),
            (Buffer::Date(b), Value::Null) => b.push(None),
            (Buffer::Date(b), Value::Date(d)) => b.push(Some((*d - epoch).num_days() as i32)),
            (Buffer::DateTime(b), Value::Null) => b.push(None),
            (Buffer::DateTime(b), Value::DateTime(t)) => {
                b.push(Some(t.and_utc().timestamp_millis()))
            }
            (_, other) => {
                return Err(Error::Internal(anyhow::anyhow!(
                    "column {column}: {other:?} cannot be written to Parquet"
                )));
            }
        }
        Ok(())
    }

    fn take(&mut self, name: &str) -> Result<PlColumn> {
        let name = name.into();
        let series = match self {
            Buffer::Str(b) => Series::new(name, std::mem::take(b)),
            Buffer::Int(b) => Series::new(name, std::mem::take(b)),
            Buffer::Float(b) => Series::new(name, std::mem::take(b)),
            Buffer::Bool(b) => Series::new(name, std::mem::take(b)),
            Buffer::Date(b) => Series::new(name, std::mem::take(b)).cast(&DataType::Date)?,
            Buffer::DateTime(b) => Series::new(name, std::mem::take(b))
                .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?,
        };
        Ok(series.into_column())
    }
}

enum Sink {
    Csv {
        file: BufWriter<File>,
        text: String,
        encoding: TextEncoding,
    },
    Parquet {
        writer: Box<BatchedWriter<File>>,
        buffers: Vec<Buffer>,
        pending: usize,
    },
    Xlsx {
        sheet: Box<rust_xlsxwriter::Worksheet>,
        created: NaiveDate,
    },
}

/// One table's file, open for rows.
pub struct TableWriter {
    spec: &'static TableSpec,
    layout: Layout,
    path: PathBuf,
    sink: Sink,
    rows: u64,
}

fn header(spec: &TableSpec, headers: Headers) -> Vec<&'static str> {
    spec.columns
        .iter()
        .map(|c| {
            if headers == Headers::Chinese {
                c.chinese
            } else {
                c.name
            }
        })
        .collect()
}

fn io_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Internal(anyhow::anyhow!("{}: {e}", path.display()))
}

impl TableWriter {
    /// Opens `dir/<table>.<ext>`. `created` is the fixed creation time that
    /// XLSX files carry, so that the same arguments give the same bytes.
    pub fn create(
        dir: &Path,
        spec: &'static TableSpec,
        layout: Layout,
        created: NaiveDate,
    ) -> Result<TableWriter> {
        let path = dir.join(format!("{}.{}", spec.name, layout.format.extension()));
        let sink = match layout.format {
            FileFormat::Csv => {
                let file = File::create(&path).map_err(|e| io_error(&path, e))?;
                let mut text = String::new();
                if layout.bom {
                    text.push('\u{feff}');
                }
                let delimiter = char::from(layout.delimiter).to_string();
                text.push_str(&header(spec, layout.headers).join(&delimiter));
                text.push('\n');
                Sink::Csv {
                    file: BufWriter::new(file),
                    text,
                    encoding: layout.encoding,
                }
            }
            FileFormat::Parquet => {
                let mut buffers: Vec<Buffer> = spec
                    .columns
                    .iter()
                    .map(|c| Buffer::for_kind(c.kind))
                    .collect();
                let names = header(spec, layout.headers);
                let empty = frame(&mut buffers, &names, 0)?;
                let file = File::create(&path).map_err(|e| io_error(&path, e))?;
                let writer = ParquetWriter::new(file)
                    .with_compression(ParquetCompression::Zstd(None))
                    .batched(empty.schema())?;
                Sink::Parquet {
                    writer: Box::new(writer),
                    buffers,
                    pending: 0,
                }
            }
            FileFormat::Xlsx => {
                let mut sheet = rust_xlsxwriter::Worksheet::new();
                sheet
                    .set_name(spec.chinese)
                    .map_err(|e| io_error(&path, e))?;
                for (c, name) in header(spec, layout.headers).into_iter().enumerate() {
                    sheet
                        .write_string(0, c as u16, name)
                        .map_err(|e| io_error(&path, e))?;
                }
                Sink::Xlsx {
                    sheet: Box::new(sheet),
                    created,
                }
            }
        };
        Ok(TableWriter {
            spec,
            layout,
            path,
            sink,
            rows: 0,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Writes one row; returns its line in a CSV file (the header is line 1).
    pub fn write(&mut self, cells: &[Value]) -> Result<u64> {
        debug_assert_eq!(cells.len(), self.spec.columns.len());
        let row = self.rows;
        match &mut self.sink {
            Sink::Csv {
                file,
                text,
                encoding,
            } => {
                for (c, v) in cells.iter().enumerate() {
                    if c > 0 {
                        text.push(char::from(self.layout.delimiter));
                    }
                    push_field(text, &spell(v, &self.layout, row), self.layout.delimiter);
                }
                text.push('\n');
                if text.len() >= CSV_FLUSH_BYTES {
                    flush_text(file, text, *encoding).map_err(|e| io_error(&self.path, e))?;
                }
            }
            Sink::Parquet {
                writer,
                buffers,
                pending,
            } => {
                for ((b, v), col) in buffers.iter_mut().zip(cells).zip(self.spec.columns) {
                    b.push(v, col.name)?;
                }
                *pending += 1;
                if *pending >= PARQUET_ROWS {
                    let names = header(self.spec, self.layout.headers);
                    writer.write_batch(&frame(buffers, &names, *pending)?)?;
                    *pending = 0;
                }
            }
            Sink::Xlsx { sheet, .. } => {
                if row >= XLSX_MAX_ROWS {
                    return Err(Error::usage(format!(
                        "{}: more than {XLSX_MAX_ROWS} rows do not fit in an XLSX sheet; use --format csv or parquet, \
                         or fewer communities",
                        self.path.display()
                    )));
                }
                write_xlsx_row(sheet, (row + 1) as u32, cells, &self.layout)
                    .map_err(|e| io_error(&self.path, e))?;
            }
        }
        self.rows += 1;
        Ok(row + 2)
    }

    pub fn finish(self) -> Result<u64> {
        let path = self.path;
        match self.sink {
            Sink::Csv {
                mut file,
                mut text,
                encoding,
            } => {
                flush_text(&mut file, &mut text, encoding).map_err(|e| io_error(&path, e))?;
                file.flush().map_err(|e| io_error(&path, e))?;
            }
            Sink::Parquet {
                mut writer,
                mut buffers,
                pending,
            } => {
                if pending > 0 {
                    let names = header(self.spec, self.layout.headers);
                    writer.write_batch(&frame(&mut buffers, &names, pending)?)?;
                }
                writer.finish()?;
            }
            Sink::Xlsx { sheet, created } => {
                let mut book = rust_xlsxwriter::Workbook::new();
                let when = rust_xlsxwriter::ExcelDateTime::from_ymd(
                    created.year() as u16,
                    created.month() as u8,
                    created.day() as u8,
                )
                .map_err(|e| io_error(&path, e))?;
                let props = rust_xlsxwriter::DocProperties::new()
                    .set_title(self.spec.chinese)
                    .set_author("fullemp generate")
                    .set_creation_datetime(&when);
                book.set_properties(&props);
                book.push_worksheet(*sheet);
                book.save(&path).map_err(|e| io_error(&path, e))?;
            }
        }
        Ok(self.rows)
    }
}

fn flush_text(
    file: &mut BufWriter<File>,
    text: &mut String,
    encoding: TextEncoding,
) -> std::io::Result<()> {
    match encoding {
        TextEncoding::Utf8 => file.write_all(text.as_bytes())?,
        TextEncoding::Gb18030 => {
            let (bytes, _, _) = encoding_rs::GB18030.encode(text);
            file.write_all(&bytes)?;
        }
    }
    text.clear();
    Ok(())
}

fn frame(buffers: &mut [Buffer], names: &[&str], height: usize) -> Result<DataFrame> {
    let columns = buffers
        .iter_mut()
        .zip(names)
        .map(|(b, n)| b.take(n))
        .collect::<Result<Vec<_>>>()?;
    Ok(DataFrame::new(height, columns)?)
}

/// Days since Excel's epoch (1899-12-30), the serial number of a date cell.
fn excel_serial(t: NaiveDateTime) -> f64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)
        .expect("date")
        .and_hms_opt(0, 0, 0)
        .expect("time");
    (t - epoch).num_seconds() as f64 / 86_400.0
}

fn write_xlsx_row(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    cells: &[Value],
    layout: &Layout,
) -> std::result::Result<(), rust_xlsxwriter::XlsxError> {
    // Formats are cheap to build and deduplicated by the workbook.
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let datetime = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for (c, v) in cells.iter().enumerate() {
        let col = c as u16;
        match v {
            Value::Null => {}
            Value::Int(i) => {
                sheet.write_number(row, col, *i as f64)?;
            }
            Value::Float(f) => {
                sheet.write_number(row, col, *f)?;
            }
            Value::Rate(r) if layout.rates == RateStyle::Fraction => {
                sheet.write_number(row, col, (r * 10_000.0).round() / 10_000.0)?;
            }
            Value::Date(d) => {
                sheet.write_number_with_format(
                    row,
                    col,
                    excel_serial(d.and_hms_opt(0, 0, 0).expect("time")),
                    &date,
                )?;
            }
            Value::DateTime(t) => {
                sheet.write_number_with_format(row, col, excel_serial(*t), &datetime)?;
            }
            other => {
                sheet.write_string(row, col, spell(other, layout, u64::from(row)))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_follow_the_contract() {
        let d = NaiveDate::from_ymd_opt(2021, 3, 5).unwrap();
        assert_eq!(spell_date(d, DateStyle::Slash, 0), "2021/03/05");
        assert_eq!(spell_date(d, DateStyle::Compact, 0), "20210305");
        assert_eq!(spell_date(d, DateStyle::Chinese, 0), "2021年3月5日");
        assert_eq!(spell_date(d, DateStyle::Dot, 0), "2021.03.05");
        assert_eq!(spell_rate(0.857, RateStyle::Percent), "85.7%");
        assert_eq!(spell_bool(true, BoolStyle::YouWu), "有");
        let mut line = String::new();
        push_field(&mut line, "a,\"b\"", b',');
        assert_eq!(line, "\"a,\"\"b\"\"\"");
    }

    #[test]
    fn excel_serials() {
        let t = NaiveDate::from_ymd_opt(2021, 12, 31)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        assert_eq!(excel_serial(t), 44561.5);
    }
}
