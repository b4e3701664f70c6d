//! CSV files: transcoded to UTF-8, comma or tab separated, the first record
//! the header. Rows keep their line number in the file for rejects. Rows whose
//! every cell is empty (an export's trailing `,,,,` lines) hold no data and are
//! skipped, as blank rows of a sheet are; a last row that the file ends inside
//! a quoted field of is marked cut, for typing to reject.

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
    let mut rows: Vec<RawRow> = Vec::new();
    let mut blank = 0usize;
    let mut last_start = None;
    for record in records {
        let record = record.map_err(|e| format!("cannot read a row: {e}"))?;
        let line = record.position().map_or(0, |p| p.line());
        last_start = record.position().map(|p| p.byte() as usize);
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
            .collect::<Vec<Cell>>();
        if cells.iter().all(|c| *c == Cell::Empty) {
            blank += 1;
            last_start = None;
            continue;
        }
        rows.push(RawRow {
            line,
            cells,
            cut: false,
        });
    }
    if blank > 0 {
        tracing::info!(file = %path.display(), rows = blank, "rows with every cell empty skipped");
    }
    if let (Some(start), Some(last)) = (last_start, rows.last_mut()) {
        last.cut = ends_inside_quotes(&text.as_bytes()[start..], separator);
    }
    let sep = if separator == b'\t' { "tab" } else { "comma" };
    Ok(RawTable {
        file: path.to_path_buf(),
        headers,
        rows,
        read_as: format!("CSV, {encoding}, {sep}-separated"),
    })
}

/// Whether a record (from its first byte to the end of the file) ends inside a
/// quoted field. The csv reader takes an unclosed quote to run to the end of
/// the file and returns what it has, so a file cut inside a quoted field
/// would otherwise give a complete-looking row with its last value cut.
fn ends_inside_quotes(record: &[u8], separator: u8) -> bool {
    let mut quoted = false;
    let mut field_start = true;
    let mut i = 0;
    while i < record.len() {
        let b = record[i];
        if quoted {
            if b == b'"' {
                if record.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
            field_start = false;
        } else if field_start && b == b'"' {
            quoted = true;
            field_start = false;
        } else {
            field_start = b == separator || b == b'\n' || b == b'\r';
        }
        i += 1;
    }
    quoted
}

#[cfg(test)]
mod tests {
    use super::ends_inside_quotes;

    #[test]
    fn a_record_cut_inside_quotes() {
        assert!(ends_inside_quotes(b"1,\"abc", b','));
        assert!(ends_inside_quotes(b"1,\"a\"\"b,\nc", b','));
        assert!(!ends_inside_quotes(b"1,\"abc\"\n", b','));
        assert!(!ends_inside_quotes(b"1,\"a\"\"b\",c", b','));
        assert!(
            !ends_inside_quotes(b"1,5\" screen", b','),
            "a quote inside a field is text"
        );
        assert!(ends_inside_quotes(b"1\t\"abc", b'\t'));
    }
}
