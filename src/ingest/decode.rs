//! Text encodings of CSV files, decoded as a stream. polars and DuckDB read
//! UTF-8 only, so every CSV becomes UTF-8 here, in bounded blocks: a file is
//! never held whole, nor twice.
//!
//! Detection tries strict UTF-8 first and falls back to GB18030 only when the
//! bytes are not valid UTF-8: GB18030 decodes almost any byte string, so the
//! other order would turn UTF-8 into mojibake. As the whole file decides, a
//! file read as UTF-8 that turns out not to be is read again from the start as
//! GB18030 (see `csv.rs`).

use std::io::{self, Read};

use encoding_rs::{DecoderResult, GB18030};

use crate::config::pipeline::Encoding;

const BLOCK: usize = 1 << 18;

/// Why the bytes are not text in the encoding asked for. Travels inside an
/// `io::Error` through the CSV reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotText {
    /// Not UTF-8 at this byte (after any byte-order mark).
    Utf8At(u64),
    /// A message for the user, final.
    Message(String),
}

impl std::fmt::Display for NotText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotText::Utf8At(at) => write!(f, "not valid UTF-8 at byte {at}"),
            NotText::Message(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for NotText {}

impl NotText {
    fn into_io(self) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, self)
    }

    /// The decoding failure an I/O error carries, if it is one.
    pub fn of(e: &io::Error) -> Option<&NotText> {
        e.get_ref()
            .and_then(|inner| inner.downcast_ref::<NotText>())
    }
}

/// The message for a file that is not UTF-8 under each setting, or None when
/// detection should go on to GB18030.
pub fn utf8_failure(setting: Encoding, at: u64) -> Option<String> {
    match setting {
        Encoding::Utf8 => Some(format!(
            "not valid UTF-8 at byte {at} (the pipeline sets encoding = \"utf8\")"
        )),
        Encoding::Gb18030 | Encoding::Auto => None,
    }
}

/// UTF-8 bytes passed on once checked, without a leading byte-order mark.
pub struct Utf8Text<R> {
    inner: R,
    buf: Vec<u8>,
    /// `buf[pos..ready]` is checked text not yet handed out; `buf[ready..len]`
    /// the start of a character cut by the block's end.
    pos: usize,
    ready: usize,
    len: usize,
    /// Bytes before `buf[0]`, counted after the byte-order mark.
    offset: u64,
    started: bool,
    eof: bool,
    had_bom: bool,
}

impl<R: Read> Utf8Text<R> {
    pub fn new(inner: R) -> Utf8Text<R> {
        Utf8Text {
            inner,
            buf: vec![0; BLOCK],
            pos: 0,
            ready: 0,
            len: 0,
            offset: 0,
            started: false,
            eof: false,
            had_bom: false,
        }
    }

    /// Whether the text began with a UTF-8 byte-order mark (dropped).
    pub fn had_bom(&self) -> bool {
        self.had_bom
    }

    fn fill(&mut self) -> io::Result<()> {
        self.offset += self.ready as u64;
        self.buf.copy_within(self.ready..self.len, 0);
        self.len -= self.ready;
        self.ready = 0;
        self.pos = 0;
        let mut n = self.inner.read(&mut self.buf[self.len..])?;
        self.len += n;
        if !self.started {
            // The byte-order mark needs three bytes to be seen.
            while n > 0 && self.len < 3 {
                n = self.inner.read(&mut self.buf[self.len..])?;
                self.len += n;
            }
            self.started = true;
            if self.buf[..self.len].starts_with(b"\xEF\xBB\xBF") {
                self.buf.copy_within(3..self.len, 0);
                self.len -= 3;
                self.had_bom = true;
                n = n.max(1);
            }
        }
        if n == 0 {
            self.eof = true;
            if self.len > 0 {
                // A character cut by the end of the file.
                return Err(NotText::Utf8At(self.offset).into_io());
            }
            return Ok(());
        }
        // SIMD checking: every byte of every CSV passes here.
        match simdutf8::compat::from_utf8(&self.buf[..self.len]) {
            Ok(_) => self.ready = self.len,
            Err(e) if e.error_len().is_none() => self.ready = e.valid_up_to(),
            Err(e) => {
                return Err(NotText::Utf8At(self.offset + e.valid_up_to() as u64).into_io());
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf8Text<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.ready {
            if self.eof {
                return Ok(0);
            }
            self.fill()?;
        }
        let n = out.len().min(self.ready - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Whether a byte stream, seen block by block, is UTF-8 with some non-ASCII
/// character: then a `gb18030` setting is refused (the file is UTF-8 text).
#[derive(Default)]
struct Utf8Watch {
    carry: Vec<u8>,
    valid: bool,
    non_ascii: bool,
    started: bool,
    bom: bool,
}

impl Utf8Watch {
    fn new() -> Utf8Watch {
        Utf8Watch {
            valid: true,
            ..Utf8Watch::default()
        }
    }

    fn feed(&mut self, block: &[u8]) {
        if !self.started && !block.is_empty() {
            self.started = true;
            self.bom = block.starts_with(b"\xEF\xBB\xBF");
        }
        if !self.valid {
            return;
        }
        self.non_ascii = self.non_ascii || !block.is_ascii();
        let joined;
        let bytes = if self.carry.is_empty() {
            block
        } else {
            joined = [self.carry.as_slice(), block].concat();
            joined.as_slice()
        };
        match std::str::from_utf8(bytes) {
            Ok(_) => self.carry.clear(),
            Err(e) if e.error_len().is_none() => {
                self.carry = bytes[e.valid_up_to()..].to_vec();
            }
            Err(_) => self.valid = false,
        }
    }

    /// At the end of the stream: the file is UTF-8 text (a UTF-8 byte-order
    /// mark, or valid UTF-8 with a non-ASCII character).
    fn is_utf8_text(&self) -> bool {
        self.bom || (self.valid && self.carry.is_empty() && self.non_ascii)
    }
}

/// GB18030 bytes decoded to UTF-8 block by block, strictly (a malformed
/// sequence stops the read), without a leading GB18030 byte-order mark.
pub struct Gb18030Text<R> {
    inner: R,
    setting: Encoding,
    decoder: encoding_rs::Decoder,
    raw: Vec<u8>,
    raw_pos: usize,
    raw_len: usize,
    out: Vec<u8>,
    out_pos: usize,
    out_len: usize,
    eof: bool,
    done: bool,
    first_output: bool,
    watch: Utf8Watch,
}

impl<R: Read> Gb18030Text<R> {
    /// `setting` is `Gb18030` (asserted by the pipeline) or `Auto` (detected).
    pub fn new(inner: R, setting: Encoding) -> Gb18030Text<R> {
        Gb18030Text {
            inner,
            setting,
            decoder: GB18030.new_decoder_without_bom_handling(),
            raw: vec![0; BLOCK],
            raw_pos: 0,
            raw_len: 0,
            out: vec![0; BLOCK * 2 + 16],
            out_pos: 0,
            out_len: 0,
            eof: false,
            done: false,
            first_output: true,
            watch: Utf8Watch::new(),
        }
    }

    fn malformed(&self) -> io::Error {
        let m = match self.setting {
            Encoding::Gb18030 => {
                "not valid GB18030 text (the pipeline sets encoding = \"gb18030\")"
            }
            _ => "neither valid UTF-8 nor valid GB18030 text",
        };
        NotText::Message(m.to_string()).into_io()
    }

    fn utf8_refused() -> io::Error {
        NotText::Message(
            "the pipeline sets encoding = \"gb18030\" but the file is UTF-8 text; \
             set encoding = \"utf8\" or leave it to detection (\"auto\")"
                .to_string(),
        )
        .into_io()
    }

    /// Reads the rest of the raw bytes to know whether the file is UTF-8 text,
    /// which the `gb18030` setting reports before anything else.
    fn drain_watch(&mut self) -> io::Result<bool> {
        if self.setting != Encoding::Gb18030 {
            return Ok(false);
        }
        while !self.eof {
            let n = self.inner.read(&mut self.raw)?;
            if n == 0 {
                self.eof = true;
            } else {
                self.watch.feed(&self.raw[..n]);
            }
        }
        Ok(self.watch.is_utf8_text())
    }

    fn fill(&mut self) -> io::Result<()> {
        loop {
            if self.raw_pos == self.raw_len && !self.eof {
                let n = self.inner.read(&mut self.raw)?;
                self.raw_pos = 0;
                self.raw_len = n;
                if n == 0 {
                    self.eof = true;
                } else if self.setting == Encoding::Gb18030 {
                    self.watch.feed(&self.raw[..n]);
                }
            }
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.raw[self.raw_pos..self.raw_len],
                &mut self.out,
                self.eof,
            );
            self.raw_pos += read;
            self.out_pos = 0;
            self.out_len = written;
            if let DecoderResult::Malformed(_, _) = result {
                return Err(if self.drain_watch()? {
                    Self::utf8_refused()
                } else {
                    self.malformed()
                });
            }
            if self.first_output && written > 0 {
                self.first_output = false;
                if self.out[..written].starts_with("\u{feff}".as_bytes()) {
                    self.out_pos = 3;
                }
            }
            if self.eof && self.raw_pos == self.raw_len && result == DecoderResult::InputEmpty {
                self.done = true;
                if self.setting == Encoding::Gb18030 && self.watch.is_utf8_text() {
                    return Err(Self::utf8_refused());
                }
            }
            if self.out_pos < self.out_len || self.done {
                return Ok(());
            }
        }
    }
}

impl<R: Read> Read for Gb18030Text<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.out_pos == self.out_len {
            if self.done {
                return Ok(0);
            }
            self.fill()?;
            if self.out_pos == self.out_len {
                return Ok(0);
            }
        }
        let n = out.len().min(self.out_len - self.out_pos);
        out[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader handing out at most `step` bytes a call, to cut characters
    /// across blocks.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(out.len()).min(self.bytes.len());
            out[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn utf8(bytes: &[u8], step: usize) -> io::Result<String> {
        let mut s = String::new();
        Utf8Text::new(Trickle { bytes, step }).read_to_string(&mut s)?;
        Ok(s)
    }

    fn gb(bytes: &[u8], setting: Encoding, step: usize) -> io::Result<String> {
        let mut s = String::new();
        Gb18030Text::new(Trickle { bytes, step }, setting).read_to_string(&mut s)?;
        Ok(s)
    }

    fn not_text(e: io::Error) -> NotText {
        NotText::of(&e).cloned().expect("a decoding failure")
    }

    #[test]
    fn utf8_with_and_without_bom_across_blocks() {
        let text = "社区代码,社区名称\n";
        for step in [1, 2, 5, 1 << 20] {
            assert_eq!(utf8(text.as_bytes(), step).unwrap(), text);
            let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
            assert_eq!(utf8(&bom, step).unwrap(), text);
        }
        assert_eq!(utf8(b"", 4).unwrap(), "");
    }

    #[test]
    fn invalid_utf8_names_its_byte() {
        let (gb, _, _) = GB18030.encode("ab社区");
        for step in [1, 3, 1 << 20] {
            assert_eq!(
                not_text(utf8(&gb, step).unwrap_err()),
                NotText::Utf8At(2),
                "step {step}"
            );
        }
        // A character cut by the end of the file.
        assert_eq!(
            not_text(utf8(&"a社".as_bytes()[..3], 2).unwrap_err()),
            NotText::Utf8At(1)
        );
        let bom = [b"\xEF\xBB\xBFab\xff".as_slice()].concat();
        assert_eq!(not_text(utf8(&bom, 2).unwrap_err()), NotText::Utf8At(2));
    }

    #[test]
    fn gb18030_decoded_across_blocks_and_its_bom_dropped() {
        let text = "社区代码,社区名称\n410402001001,解放路社区\n";
        let (bytes, _, _) = GB18030.encode(text);
        for step in [1, 3, 7, 1 << 20] {
            assert_eq!(gb(&bytes, Encoding::Auto, step).unwrap(), text);
            assert_eq!(gb(&bytes, Encoding::Gb18030, step).unwrap(), text);
            let bom = [b"\x84\x31\x95\x33".as_slice(), &bytes].concat();
            assert_eq!(gb(&bom, Encoding::Auto, step).unwrap(), text);
        }
    }

    #[test]
    fn gb18030_failures_by_setting() {
        assert_eq!(
            not_text(gb(b"ab\xff\xff", Encoding::Auto, 2).unwrap_err()),
            NotText::Message("neither valid UTF-8 nor valid GB18030 text".into())
        );
        assert_eq!(
            not_text(gb(b"\xff\xff", Encoding::Gb18030, 1).unwrap_err()),
            NotText::Message(
                "not valid GB18030 text (the pipeline sets encoding = \"gb18030\")".into()
            )
        );
        let refused = not_text(gb("社区代码\n".as_bytes(), Encoding::Gb18030, 2).unwrap_err());
        assert!(refused.to_string().contains("but the file is UTF-8 text"));
        let bom = not_text(gb(b"\xEF\xBB\xBFcommunity_code\n", Encoding::Gb18030, 2).unwrap_err());
        assert!(bom.to_string().contains("but the file is UTF-8 text"));
        // ASCII reads the same either way.
        assert_eq!(
            gb(b"community_code\n", Encoding::Gb18030, 3).unwrap(),
            "community_code\n"
        );
    }
}
