//! CSV files: transcoded to UTF-8, comma or tab separated, the first record
//! the header. Rows keep their line number in the file for rejects.

use std::path::Path;

use super::decode::decode;
use super::raw::{Cell, RawRow, RawTable};
use crate::config::TableInput;
use crate::config::pipeline::Delimiter;

pub fn read(path: &Path, input: &TableInput) -> Result<RawTable, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read the file: {e}"))?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err("the file is empty: no header row".to_string());
    }
    let (text, encoding) = decode(&bytes, input.encoding)?;
    let first_line = text.lines().next().unwrap_or("");
    let separator = match input.delimiter {
        Delimiter::Comma => b',',
        Delimiter::Tab => b'\t',
        // The header row decides: canonical and Chinese headers hold neither character.
        Delimiter::Auto if first_line.matches('\t').count() > first_line.matches(',').count() => {
            b'\t'
        }
        Delimiter::Auto => b',',
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let headers: Vec<String> = match records.next() {
        Some(Ok(r)) => r.iter().map(|h| h.trim().to_string()).collect(),
        Some(Err(e)) => return Err(format!("cannot read the header row: {e}")),
        None => return Err("the file is empty: no header row".to_string()),
    };
    let mut rows = Vec::new();
    for record in records {
        let record = record.map_err(|e| format!("cannot read a row: {e}"))?;
        let line = record.position().map_or(0, |p| p.line());
        let cells = record
            .iter()
            .map(|v| {
                let v = v.trim();
                if v.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(v.to_string())
                }
            })
            .collect();
        rows.push(RawRow { line, cells });
    }
    let sep = if separator == b'\t' { "tab" } else { "comma" };
    Ok(RawTable {
        file: path.to_path_buf(),
        headers,
        rows,
        read_as: format!("CSV, {encoding}, {sep}-separated"),
    })
}
