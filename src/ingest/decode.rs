//! Text encodings of CSV files. polars and DuckDB read UTF-8 only, so every
//! CSV is transcoded here. Detection tries strict UTF-8 first and falls back
//! to GB18030 only when the bytes are not valid UTF-8: GB18030 decodes almost
//! any byte string, so the other order would turn UTF-8 into mojibake.

use std::borrow::Cow;

use crate::config::pipeline::Encoding;

/// The decoded text and the name of the encoding used.
pub fn decode(bytes: &[u8], setting: Encoding) -> Result<(Cow<'_, str>, &'static str), String> {
    let without_bom = bytes.strip_prefix(b"\xEF\xBB\xBF");
    match setting {
        Encoding::Utf8 => match std::str::from_utf8(without_bom.unwrap_or(bytes)) {
            Ok(s) => Ok((
                Cow::Borrowed(s),
                if without_bom.is_some() {
                    "UTF-8 (BOM)"
                } else {
                    "UTF-8"
                },
            )),
            Err(e) => Err(format!(
                "not valid UTF-8 at byte {} (the pipeline sets encoding = \"utf8\")",
                e.valid_up_to()
            )),
        },
        Encoding::Gb18030 => Ok((gb18030(bytes)?, "GB18030")),
        Encoding::Auto => match std::str::from_utf8(without_bom.unwrap_or(bytes)) {
            Ok(s) => Ok((
                Cow::Borrowed(s),
                if without_bom.is_some() {
                    "UTF-8 (BOM)"
                } else {
                    "UTF-8"
                },
            )),
            Err(_) => Ok((gb18030(bytes)?, "GB18030 (detected)")),
        },
    }
}

fn gb18030(bytes: &[u8]) -> Result<Cow<'_, str>, String> {
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err("neither valid UTF-8 nor valid GB18030 text".to_string());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom_and_gb18030() {
        let text = "社区代码,社区名称\n";
        let (s, how) = decode(text.as_bytes(), Encoding::Auto).unwrap();
        assert_eq!((s.as_ref(), how), (text, "UTF-8"));
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        let (s, how) = decode(&bom, Encoding::Auto).unwrap();
        assert_eq!((s.as_ref(), how), (text, "UTF-8 (BOM)"));
        let (gb, _, _) = encoding_rs::GB18030.encode(text);
        assert!(std::str::from_utf8(&gb).is_err());
        let (s, how) = decode(&gb, Encoding::Auto).unwrap();
        assert_eq!((s.as_ref(), how), (text, "GB18030 (detected)"));
        let (s, _) = decode(&gb, Encoding::Gb18030).unwrap();
        assert_eq!(s.as_ref(), text);
        assert!(decode(&gb, Encoding::Utf8).is_err());
    }
}
