//! CSV files, read as a stream: the bytes are hashed as they are read,
//! decoded to UTF-8 block by block, split into records by the `csv` crate and
//! laid out as text columns, a chunk of rows at a time, for typing. Only the
//! columns the contract maps are kept.
//!
//! The header is found among the first records (`headers::find_header`):
//! they are read ahead, the header chosen, and the records after it go on
//! into the stream of rows; the records above it (a title, an export-time
//! line) are skipped. Comma or tab separated. Rows keep their line in the
//! file (a quoted line break counts). Rows whose every cell is empty (an
//! export's trailing `,,,,` lines) hold no data and are skipped, as blank rows
//! of a sheet are; so are totals, notes and signature lines after the last
//! record (`footers`), held back until a record follows them or the file
//! ends. A row's shape is checked here: cut by the end of the file inside a
//! quoted field, fewer fields than the header, a non-empty field past the
//! header.

use std::collections::VecDeque;
use std::io::{Cursor, Read};

use ::csv::{ByteRecord, ReaderBuilder};

use super::decode::{Gb18030Text, NotText, Utf8Text, utf8_failure};
use super::footers;
use super::headers::{HeadRow, Mapping, SEARCHED_ROWS, find_header, map_headers};
use super::raw::{BadShape, Failure, Opened, RawChunk, RawColumn, Sink, TableFile};
use super::rejects::RejectReason;
use super::text_column::TextBuilder;
use crate::config::pipeline::{Delimiter, Encoding};
use crate::contract::TableSpec;
use crate::contract::identity::mask_identities_in;
use crate::digest::Hashing;

/// Rows typed at a time: bounds the text held in memory per table.
pub const CHUNK_ROWS: usize = 1 << 18;

/// How the bytes are decoded on this pass.
#[derive(Clone, Copy, PartialEq)]
enum Decoding {
    Utf8,
    /// GB18030, as the pipeline asserts (`Gb18030`) or as detected (`Auto`).
    Gb18030(Encoding),
}

/// Reads a CSV table into `sink`. A file that detection reads as UTF-8 and
/// turns out not to be is read again, as GB18030, into a restarted sink.
pub fn read(file: TableFile<'_>, sink: &mut dyn Sink) -> Result<Opened, Failure> {
    let first = match file.input.encoding {
        Encoding::Gb18030 => Decoding::Gb18030(Encoding::Gb18030),
        Encoding::Utf8 | Encoding::Auto => Decoding::Utf8,
    };
    match read_as(file, first, sink) {
        Err(Failure::NotUtf8(at)) => match utf8_failure(file.input.encoding, at) {
            Some(message) => Err(Failure::Unreadable(message)),
            None => {
                sink.restart();
                read_as(file, Decoding::Gb18030(Encoding::Auto), sink)
            }
        },
        other => other,
    }
}

/// A decoded byte stream of either encoding.
enum Decoded<R> {
    Utf8(Utf8Text<R>),
    Gb18030(Gb18030Text<R>),
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Decoded::Utf8(d) => d.read(out),
            Decoded::Gb18030(d) => d.read(out),
        }
    }
}

fn read_as(
    file: TableFile<'_>,
    decoding: Decoding,
    sink: &mut dyn Sink,
) -> Result<Opened, Failure> {
    let mut source = Hashing::open(file.path)
        .map_err(|e| Failure::Unreadable(format!("cannot read the file: {e}")))?;
    let parsed = {
        let decoded = match decoding {
            Decoding::Utf8 => Decoded::Utf8(Utf8Text::new(&mut source)),
            Decoding::Gb18030(setting) => Decoded::Gb18030(Gb18030Text::new(&mut source, setting)),
        };
        parse(file, decoded, sink)
    };
    // An empty file says so before anything else.
    if source.all_blank() {
        return Err(Failure::Unreadable(
            "the file is empty: no header row".to_string(),
        ));
    }
    let parsed = parsed?;
    let encoding = match decoding {
        Decoding::Utf8 if parsed.had_bom => "UTF-8 (BOM)",
        Decoding::Utf8 => "UTF-8",
        Decoding::Gb18030(Encoding::Gb18030) => "GB18030",
        Decoding::Gb18030(_) => "GB18030 (detected)",
    };
    let sep = if parsed.separator == b'\t' {
        "tab"
    } else {
        "comma"
    };
    let place = parsed.place.map_or_else(String::new, |p| format!(", {p}"));
    Ok(Opened {
        read_as: format!("CSV, {encoding}, {sep}-separated{place}"),
        seen: source.finish(),
        unused: parsed.unused,
        notes: parsed.notes,
        warnings: parsed.warnings,
        sheets: Vec::new(),
    })
}

struct Parsed {
    separator: u8,
    had_bom: bool,
    unused: Vec<String>,
    /// Where the header stands when it is not the first line.
    place: Option<String>,
    notes: Vec<String>,
    warnings: Vec<String>,
}

/// A failure of the decoded stream or the CSV reader.
fn stream_failure(e: &std::io::Error, what: &str) -> Failure {
    match NotText::of(e) {
        Some(NotText::Utf8At(at)) => Failure::NotUtf8(*at),
        Some(NotText::Message(m)) => Failure::Unreadable(m.clone()),
        None => Failure::Unreadable(format!("{what}: {e}")),
    }
}

fn csv_failure(e: ::csv::Error, what: &str) -> Failure {
    match e.kind() {
        ::csv::ErrorKind::Io(io) if NotText::of(io).is_some() => stream_failure(io, what),
        _ => Failure::Unreadable(format!("{what}: {e}")),
    }
}

/// Lines the separator is judged on: the header is among them.
const JUDGED_LINES: usize = SEARCHED_ROWS + 2;

/// The decoded text up to and including its first `JUDGED_LINES` line
/// breaks (or all of it, or its first MiB).
fn first_lines<R: Read>(decoded: &mut R) -> Result<Vec<u8>, Failure> {
    let mut prefix = Vec::new();
    let mut block = vec![0u8; 1 << 16];
    let mut breaks = 0;
    loop {
        let n = decoded
            .read(&mut block)
            .map_err(|e| stream_failure(&e, "cannot read the file"))?;
        if n == 0 {
            return Ok(prefix);
        }
        prefix.extend_from_slice(&block[..n]);
        breaks += memchr::memchr_iter(b'\n', &block[..n]).count();
        if breaks >= JUDGED_LINES || prefix.len() >= 1 << 20 {
            return Ok(prefix);
        }
    }
}

/// The separator: as set, or tab when the first lines hold more tabs than
/// commas (canonical and Chinese headers hold neither character, and a title
/// line above the header holds few).
fn separator(setting: Delimiter, first: &[u8]) -> u8 {
    let lines: Vec<&[u8]> = first.split(|&b| b == b'\n').take(JUDGED_LINES).collect();
    let count = |c: u8| -> usize {
        lines
            .iter()
            .map(|l| l.iter().filter(|&&b| b == c).count())
            .sum()
    };
    match setting {
        Delimiter::Comma => b',',
        Delimiter::Tab => b'\t',
        Delimiter::Auto if count(b'\t') > count(b',') => b'\t',
        Delimiter::Auto => b',',
    }
}

/// A field trimmed of surrounding white space. Most fields start and end
/// with a visible ASCII character and need no look at Unicode's white space.
fn field(s: &str) -> &str {
    let b = s.as_bytes();
    let visible = |c: u8| c > b' ' && c < 0x80;
    match (b.first(), b.last()) {
        (Some(&first), Some(&last)) if visible(first) && visible(last) => s,
        _ => s.trim(),
    }
}

/// The cells of a record as text. The reader only ever sees UTF-8: `decode`
/// hands on UTF-8 bytes only once checked (or GB18030 decoded to UTF-8), and
/// the CSV reader splits and unquotes at ASCII bytes, which never fall inside
/// a character; so the check `StringRecord` would repeat on every record is
/// not needed.
trait Cells {
    fn cell(&self, i: usize) -> Option<&str>;
    fn cells(&self) -> impl Iterator<Item = &str>;
}

impl Cells for ByteRecord {
    fn cell(&self, i: usize) -> Option<&str> {
        // SAFETY: UTF-8, as above.
        self.get(i)
            .map(|b| unsafe { std::str::from_utf8_unchecked(b) })
    }

    fn cells(&self) -> impl Iterator<Item = &str> {
        // SAFETY: UTF-8, as above.
        self.iter()
            .map(|b| unsafe { std::str::from_utf8_unchecked(b) })
    }
}

/// The CSV reader over the decoded stream, watching where quotes open.
type CsvReader<R> = ::csv::Reader<QuoteWatch<std::io::Chain<Cursor<Vec<u8>>, Decoded<R>>>>;

fn parse<R: Read>(
    file: TableFile<'_>,
    mut decoded: Decoded<R>,
    sink: &mut dyn Sink,
) -> Result<Parsed, Failure> {
    let TableFile { path, input, spec } = file;
    let prefix = first_lines(&mut decoded)?;
    let sep = separator(input.delimiter, &prefix);
    let watched = QuoteWatch::new(Cursor::new(prefix).chain(decoded), sep);
    let mut reader = ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(watched);
    let bound = input.max_row_lines();
    let (head, rows) = read_head(&mut reader, input.header_row, bound)?;
    if rows.is_empty() {
        return Err(Failure::Unreadable(
            "the file is empty: no header row".to_string(),
        ));
    }
    let found = find_header(spec, &rows, &input.columns, input.header_row)
        .and_then(|h| map_headers(spec, &h.names, &input.columns).map(|m| (h, m)));
    let (header, mapping) = match found {
        Ok(found) => found,
        Err(message) => {
            // The whole file is still read: an unreadable file says so first.
            let mut record = ByteRecord::new();
            while reader
                .read_byte_record(&mut record)
                .map_err(|e| csv_failure(e, "cannot read a row"))?
            {}
            return Err(Failure::Columns(message));
        }
    };
    let shown = super::shown_name(path);
    let mut notes = Vec::new();
    if let Some((n, first)) = header.skipped(&rows) {
        tracing::info!(file = %shown, rows = n, first = %first, "rows above the header skipped");
        notes.push(format!(
            "{n} rows above the header skipped (the first: \"{first}\")"
        ));
    }
    for w in &mapping.near_misses {
        tracing::warn!(file = %shown, "{w}");
    }
    let mut layout = Layout::new(spec, &header.names, &mapping);
    // The records read ahead after the header are the first rows.
    let at = head
        .iter()
        .position(|(i, _, _)| *i == Some(header.at))
        .expect("the header is a row read ahead");
    let ahead: VecDeque<(ByteRecord, Extent)> = head
        .into_iter()
        .skip(at + 1)
        .map(|(_, r, span)| (r, span))
        .collect();
    let mut body = read_body(&mut reader, ahead, &layout, bound, sink)?;
    notes.extend(body.skipped_notes(&shown));
    let watched = reader.get_ref();
    if body.last_is_row && watched.inside_quotes() {
        body.chunk.cut(&layout, &body.last);
    }
    let had_bom = match watched.inner.get_ref().1 {
        Decoded::Utf8(d) => d.had_bom(),
        Decoded::Gb18030(_) => false,
    };
    sink.take(body.chunk.finish())?;
    layout.unused = mapping.unused;
    Ok(Parsed {
        separator: sep,
        had_bom,
        unused: layout.unused,
        place: header.place(&rows, "line"),
        notes,
        warnings: mapping.near_misses,
    })
}

/// What reading the rows under the header leaves: the last chunk, not yet
/// passed on; the last row and whether it was the file's last line that
/// held anything; and the rows skipped.
struct Body {
    chunk: TextChunk,
    last: ByteRecord,
    last_is_row: bool,
    /// Rows with every cell empty.
    blank: usize,
    /// Rows of dashes or equals signs before the first record.
    rules: usize,
    /// Footer-like rows after the last record.
    held: Vec<ByteRecord>,
}

/// The rows under the header (those read ahead first), passed on chunk by
/// chunk. Blank rows and rules before the first record are skipped;
/// footer-like rows are held until a record follows them (then they are
/// rows) or the file ends (then they are skipped).
fn read_body<R: Read>(
    reader: &mut CsvReader<R>,
    mut ahead: VecDeque<(ByteRecord, Extent)>,
    layout: &Layout,
    bound: u64,
    sink: &mut dyn Sink,
) -> Result<Body, Failure> {
    let mut record = ByteRecord::new();
    let mut body = Body {
        chunk: layout.chunk(),
        last: ByteRecord::new(),
        last_is_row: false,
        blank: 0,
        rules: 0,
        held: Vec::new(),
    };
    let mut seen_record = false;
    // Rows held as footers, with where each stands.
    let mut held_spans: Vec<Extent> = Vec::new();
    loop {
        let span = match ahead.pop_front() {
            Some((r, span)) => {
                record = r;
                span
            }
            None => {
                if !reader
                    .read_byte_record(&mut record)
                    .map_err(|e| csv_failure(e, "cannot read a row"))?
                {
                    break;
                }
                row_extent(&record, reader.position(), bound)?
            }
        };
        if record.cells().all(|f| field(f).is_empty()) {
            body.blank += 1;
            body.last_is_row = false;
            continue;
        }
        if !seen_record && footers::is_rule(record.cells().map(field)) {
            body.rules += 1;
            continue;
        }
        if layout.footer(&record) {
            body.held.push(record.clone());
            held_spans.push(span);
            body.last_is_row = false;
            continue;
        }
        seen_record = true;
        let watch = reader.get_ref();
        for (r, span) in body.held.drain(..).zip(held_spans.drain(..)) {
            add(&mut body.chunk, layout, &r, span, watch, sink)?;
        }
        add(&mut body.chunk, layout, &record, span, watch, sink)?;
        std::mem::swap(&mut record, &mut body.last);
        body.last_is_row = true;
    }
    Ok(body)
}

impl Body {
    /// The notes on the rows skipped: blank, rules, footers.
    fn skipped_notes(&self, shown: &str) -> Vec<String> {
        let mut notes = Vec::new();
        let (blank, rules) = (self.blank, self.rules);
        if blank > 0 {
            tracing::info!(file = %shown, rows = blank, "rows with every cell empty skipped");
            notes.push(format!("{blank} rows with every cell empty skipped"));
        }
        if rules > 0 {
            tracing::info!(file = %shown, rows = rules, "rows of dashes or equals signs under the header skipped");
            notes.push(format!(
                "{rules} rows of dashes or equals signs under the header skipped"
            ));
        }
        if let Some(first) = self.held.first() {
            let text = first
                .cells()
                .map(field)
                .find(|c| !c.is_empty())
                .unwrap_or_default();
            let text = mask_identities_in(text);
            tracing::info!(
                file = %shown, rows = self.held.len(), first = %text,
                "rows after the data skipped: totals, notes or signatures"
            );
            notes.push(format!(
                "{} rows after the data skipped: totals, notes or signatures (the first: \"{text}\")",
                self.held.len()
            ));
        }
        notes
    }
}

/// Records read ahead to find the header: every record with, for those that
/// hold anything, its index among `rows`; and those rows as text. Reads
/// `SEARCHED_ROWS` rows that hold anything, or with `header_row` set, up to
/// that line.
type Head = (Vec<(Option<usize>, ByteRecord, Extent)>, Vec<HeadRow>);

fn read_head<R: Read>(
    reader: &mut ::csv::Reader<R>,
    header_row: Option<u64>,
    bound: u64,
) -> Result<Head, Failure> {
    let mut head = Vec::new();
    let mut rows: Vec<HeadRow> = Vec::new();
    loop {
        let enough = match header_row {
            Some(line) => rows.last().is_some_and(|r| r.line >= line),
            None => rows.len() >= SEARCHED_ROWS,
        };
        if enough {
            break;
        }
        let mut record = ByteRecord::new();
        let what = match rows.is_empty() {
            true => "cannot read the header row",
            false => "cannot read a row",
        };
        if !reader
            .read_byte_record(&mut record)
            .map_err(|e| csv_failure(e, what))?
        {
            break;
        }
        let span = row_extent(&record, reader.position(), bound)?;
        let index = match record.cells().all(|f| field(f).is_empty()) {
            true => None,
            false => {
                rows.push(HeadRow {
                    line: record.position().map_or(0, |p| p.line()),
                    cells: record.cells().map(|h| h.trim().to_string()).collect(),
                });
                Some(rows.len() - 1)
            }
        };
        head.push((index, record, span));
    }
    Ok((head, rows))
}

/// Where a record stands: the lines of the file it runs over, and its
/// range in the decoded stream.
#[derive(Clone, Copy)]
struct Extent {
    lines: u64,
    start: u64,
    end: u64,
}

/// The lines of the file a record runs over (1 for a row on one line), the
/// reader being at `next_line` after it; or, past `bound`, the stray quote
/// that made it: an error at the line where the quoted value opens. Without
/// the bound, a quote left open would swallow every row up to the next
/// quote, or to the end of the file, into one value of one row.
fn row_extent(record: &ByteRecord, after: &::csv::Position, bound: u64) -> Result<Extent, Failure> {
    let next_line = after.line();
    let start = record.position().map_or(next_line, |p| p.line());
    let span = next_line.saturating_sub(start).max(1);
    if span <= bound {
        return Ok(Extent {
            lines: span,
            start: record.position().map_or(after.byte(), |p| p.byte()),
            end: after.byte(),
        });
    }
    // Every value before the first one holding a line break is on the row's
    // first line: the quoted value opens there.
    Err(Failure::Shape(format!(
        "line {start}: a quoted value opens here and runs over {span} lines of the file \
         (a row may run over at most {bound}, max_row_lines): a quote `\"` left open, \
         which would swallow the rows after it; close the quote or remove it (a quote \
         inside a value is written twice, `\"\"`, in a quoted value), and export again"
    )))
}

/// Adds a row to the chunk, handing a full chunk to the sink first.
fn add<R: Read>(
    chunk: &mut TextChunk,
    layout: &Layout,
    record: &ByteRecord,
    at: Extent,
    watch: &QuoteWatch<R>,
    sink: &mut dyn Sink,
) -> Result<(), Failure> {
    if chunk.lines.len() == CHUNK_ROWS {
        let full = std::mem::replace(chunk, layout.chunk());
        sink.take(full.finish())?;
    }
    if at.lines > 1 {
        chunk.spans.push((chunk.lines.len(), at.lines));
    }
    chunk.push(layout, record);
    if !watch.bare.is_empty()
        && let Some(q) = watch.bare_in(at.start, at.end)
    {
        chunk.bare_quote(layout, record, q);
    }
    Ok(())
}

/// Where each contract column stands in the file's records, and what a
/// row's last cell is called.
struct Layout {
    positions: Vec<Option<usize>>,
    /// Header fields after the last named one (trailing separators) need no cell.
    width: usize,
    headers: usize,
    /// Per file position: the column a reject names and whether it is an identity.
    names: Vec<(String, bool)>,
    /// File positions of the required contract columns.
    required: Vec<usize>,
    unused: Vec<String>,
}

impl Layout {
    fn new(spec: &TableSpec, headers: &[String], mapping: &Mapping) -> Layout {
        let names = (0..headers.len())
            .map(|p| {
                match spec
                    .columns
                    .iter()
                    .zip(&mapping.positions)
                    .find(|(_, at)| **at == Some(p))
                {
                    Some((c, _)) => (c.name.to_string(), c.identity),
                    None => (headers[p].clone(), false),
                }
            })
            .collect();
        Layout {
            positions: mapping.positions.clone(),
            width: headers
                .iter()
                .rposition(|h| !h.is_empty())
                .map_or(0, |i| i + 1),
            headers: headers.len(),
            names,
            required: spec
                .columns
                .iter()
                .zip(&mapping.positions)
                .filter(|(c, _)| c.required)
                .filter_map(|(_, p)| *p)
                .collect(),
            unused: Vec::new(),
        }
    }

    /// Whether a record reads as a total, a note or a signature line, or a
    /// rule drawn above them.
    fn footer(&self, record: &ByteRecord) -> bool {
        // A record's first cell nearly always starts with a letter or a
        // digit: neither a rule nor a footer word.
        if record
            .cell(0)
            .and_then(|c| c.as_bytes().first())
            .is_some_and(u8::is_ascii_alphanumeric)
        {
            return false;
        }
        footers::is_rule(record.cells().map(field))
            || footers::is_footer(record.cells().map(field), || {
                self.required
                    .iter()
                    .all(|&p| record.cell(p).is_some_and(|c| !field(c).is_empty()))
            })
    }

    fn chunk(&self) -> TextChunk {
        TextChunk {
            builders: self
                .positions
                .iter()
                .map(|p| p.map(|_| TextBuilder::with_capacity(CHUNK_ROWS)))
                .collect(),
            lines: Vec::with_capacity(CHUNK_ROWS),
            shapes: Vec::new(),
            spans: Vec::new(),
        }
    }

    /// The reject of a row whose last cell shows the problem.
    fn at_last_cell(&self, record: &ByteRecord, reason: RejectReason, detail: String) -> BadShape {
        let last = record.len().saturating_sub(1);
        let (column, identity) = self.names.get(last).cloned().unwrap_or_default();
        let value = record
            .cell(last)
            .map(field)
            .filter(|v| !v.is_empty())
            .map(str::to_string);
        BadShape {
            reason,
            column,
            identity,
            value,
            detail,
        }
    }

    fn shape(&self, record: &ByteRecord) -> Option<BadShape> {
        if record.len() < self.width {
            return Some(self.at_last_cell(
                record,
                RejectReason::FewerFields,
                format!("{} fields, the header has {}", record.len(), self.width),
            ));
        }
        // Trailing empty fields (a separator at the end of the line) hold nothing.
        let extra = record
            .cells()
            .skip(self.headers)
            .map(field)
            .find(|v| !v.is_empty())?;
        Some(BadShape {
            reason: RejectReason::TooManyFields,
            column: String::new(),
            identity: false,
            value: Some(extra.to_string()),
            detail: format!(
                "{} fields, the header has {}: a separator inside a value that is not quoted \
                 moves the values after it one column on; quote that value; the row: {}",
                record.len(),
                self.headers,
                row_text(record)
            ),
        })
    }
}

/// A row's cells as the clerk would look for them in the file, cut at 120
/// characters (masked where the reject is made).
fn row_text(record: &ByteRecord) -> String {
    let text = record.cells().map(field).collect::<Vec<_>>().join(",");
    match text.char_indices().nth(120) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// Rows being laid out as text columns.
struct TextChunk {
    builders: Vec<Option<TextBuilder>>,
    lines: Vec<u64>,
    shapes: Vec<(usize, BadShape)>,
    spans: Vec<(usize, u64)>,
}

impl TextChunk {
    fn push(&mut self, layout: &Layout, record: &ByteRecord) {
        let row = self.lines.len();
        for (builder, position) in self.builders.iter_mut().zip(&layout.positions) {
            if let (Some(b), Some(p)) = (builder, position) {
                match record.cell(*p) {
                    Some(f) => {
                        let v = field(f);
                        if v.is_empty() {
                            b.push_null();
                        } else {
                            b.push(v);
                        }
                    }
                    None => b.push_null(),
                }
            }
        }
        self.lines.push(record.position().map_or(0, |p| p.line()));
        if let Some(shape) = layout.shape(record) {
            self.shapes.push((row, shape));
        }
    }

    /// The last row holds a value whose quotes reading would drop: a
    /// reject (unless its shape already is one) quoting the value as the
    /// file holds it.
    fn bare_quote(&mut self, layout: &Layout, record: &ByteRecord, q: &BareQuote) {
        let row = self.lines.len() - 1;
        if self.shapes.last().is_some_and(|(r, _)| *r == row) {
            return;
        }
        let raw = String::from_utf8_lossy(&q.raw).trim().to_string();
        // The value as read: the raw text without its quotes.
        let unquoted = raw
            .replace("\"\"", "\u{0}")
            .replace('"', "")
            .replace('\u{0}', "\"");
        let position = record.cells().position(|c| field(c) == unquoted.trim());
        let (column, identity) = position
            .and_then(|p| layout.names.get(p).cloned())
            .unwrap_or_default();
        self.shapes.push((
            row,
            BadShape {
                reason: RejectReason::Unparseable,
                column,
                identity,
                value: Some(raw).filter(|v| !v.is_empty()),
                detail: "a quote inside the value is not written twice, so reading it would drop \
                         its quotes: quote the whole value and write each quote in it twice \
                         (\"\"), or export with a program that writes CSV so"
                    .into(),
            },
        ));
    }

    /// The last row was cut by the end of the file inside a quoted field.
    fn cut(&mut self, layout: &Layout, record: &ByteRecord) {
        let Some(row) = self.lines.len().checked_sub(1) else {
            return;
        };
        self.shapes.retain(|(r, _)| *r != row);
        self.shapes.push((
            row,
            layout.at_last_cell(
                record,
                RejectReason::UnclosedQuote,
                "the row is cut short: the file was truncated or a quote never closes".into(),
            ),
        ));
    }

    fn finish(self) -> RawChunk {
        RawChunk {
            columns: self
                .builders
                .into_iter()
                .map(|b| b.map(|b| RawColumn::Text(b.finish())))
                .collect(),
            lines: self.lines,
            shapes: self.shapes,
            spans: self.spans,
        }
    }
}

/// Follows the quoting of the text passed on, to tell at the end whether the
/// file ends inside a quoted field. The csv reader takes an unclosed quote to
/// run to the end of the file and returns what it has, so a file cut inside a
/// quoted field would otherwise give a complete-looking row with its last
/// value cut. Quoting as the csv reader has it: a quote opens a quoted field
/// only at a field's start, `""` inside is a quote, and after the closing
/// quote the field goes on unquoted.
struct QuoteWatch<R> {
    inner: R,
    separator: u8,
    quoted: bool,
    /// The next byte starts a field (the stream's start, or after a separator
    /// or line break).
    field_start: bool,
    /// A quote inside a quoted field ended the last block: the next byte says
    /// whether it was doubled.
    pending: bool,
    /// Bytes passed on before the current block.
    pos: u64,
    /// Where the open quoted field's quote stands in the current block.
    opened: Option<usize>,
    /// Quoted fields whose closing quote another character follows, in
    /// stream order: their quotes would be lost in reading.
    bare: Vec<BareQuote>,
}

/// A value that starts with a quote closing before the value ends
/// (`"老王"饭店`, from a writer that does not double its quotes).
struct BareQuote {
    /// Stream offset of the closing quote.
    at: u64,
    /// The value as the file holds it (as much of it as the block held).
    raw: Vec<u8>,
}

impl<R: Read> QuoteWatch<R> {
    fn new(inner: R, separator: u8) -> QuoteWatch<R> {
        QuoteWatch {
            inner,
            separator,
            quoted: false,
            field_start: true,
            pending: false,
            pos: 0,
            opened: None,
            bare: Vec::new(),
        }
    }

    /// The bare quote within the stream range of a record, if any.
    fn bare_in(&self, start: u64, end: u64) -> Option<&BareQuote> {
        let at = self.bare.partition_point(|q| q.at < start);
        self.bare.get(at).filter(|q| q.at < end)
    }

    fn inside_quotes(&self) -> bool {
        self.quoted && !self.pending
    }

    fn boundary(&self, b: u8) -> bool {
        b == self.separator || b == b'\n' || b == b'\r'
    }

    fn follow(&mut self, b: &[u8]) {
        self.opened = None;
        self.walk(b);
        self.pos += b.len() as u64;
    }

    fn walk(&mut self, b: &[u8]) {
        let mut i = 0;
        if self.pending && !b.is_empty() {
            self.pending = false;
            if b[0] == b'"' {
                i = 1;
            } else {
                if !self.boundary(b[0]) {
                    self.bare.push(BareQuote {
                        at: self.pos,
                        raw: Vec::new(),
                    });
                }
                self.quoted = false;
                self.field_start = false;
            }
        }
        while i < b.len() {
            let Some(j) = memchr::memchr(b'"', &b[i..]) else {
                if !self.quoted {
                    self.field_start = self.boundary(b[b.len() - 1]);
                }
                return;
            };
            let k = i + j;
            if self.quoted {
                match b.get(k + 1) {
                    Some(b'"') => i = k + 2,
                    Some(&c) => {
                        if !self.boundary(c) {
                            let from = self.opened.unwrap_or(0);
                            let to = b[k..]
                                .iter()
                                .position(|&c| self.boundary(c))
                                .map_or(b.len(), |e| k + e);
                            self.bare.push(BareQuote {
                                at: self.pos + k as u64,
                                raw: b[from..to].to_vec(),
                            });
                        }
                        self.quoted = false;
                        self.field_start = false;
                        i = k + 1;
                    }
                    None => {
                        self.pending = true;
                        return;
                    }
                }
            } else {
                let starts = if k > i {
                    self.boundary(b[k - 1])
                } else {
                    self.field_start
                };
                self.quoted = starts;
                if starts {
                    self.opened = Some(k);
                }
                self.field_start = false;
                i = k + 1;
            }
        }
    }
}

impl<R: Read> Read for QuoteWatch<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.follow(&out[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::QuoteWatch;
    use std::io::Read;

    fn ends_inside_quotes(text: &[u8], separator: u8) -> bool {
        for step in [1, 2, 3, text.len().max(1)] {
            let mut w = QuoteWatch::new(std::io::empty(), separator);
            for block in text.chunks(step) {
                w.follow(block);
            }
            let whole = {
                let mut w = QuoteWatch::new(text, separator);
                std::io::copy(&mut w.by_ref(), &mut std::io::sink()).unwrap();
                w.inside_quotes()
            };
            assert_eq!(w.inside_quotes(), whole, "step {step}");
        }
        let mut w = QuoteWatch::new(text, separator);
        std::io::copy(&mut w.by_ref(), &mut std::io::sink()).unwrap();
        w.inside_quotes()
    }

    #[test]
    fn a_record_cut_inside_quotes() {
        assert!(ends_inside_quotes(b"1,\"abc", b','));
        assert!(ends_inside_quotes(b"1,\"a\"\"b,\nc", b','));
        assert!(!ends_inside_quotes(b"1,\"abc\"\n", b','));
        assert!(!ends_inside_quotes(b"1,\"a\"\"b\",c", b','));
        assert!(!ends_inside_quotes(b"1,\"a\"\"\"", b','));
        assert!(
            !ends_inside_quotes(b"1,5\" screen", b','),
            "a quote inside a field is text"
        );
        assert!(ends_inside_quotes(b"1\t\"abc", b'\t'));
        assert!(ends_inside_quotes(b"a,b\n1,\"x\ny\"\n2,\"open", b','));
        assert!(!ends_inside_quotes(b"a,b\n1,\"x\ny\"\n2,\"z\"\"\"\n", b','));
        assert!(ends_inside_quotes(b"\"", b','));
    }
}
