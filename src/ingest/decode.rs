//! Text encodings of CSV files. polars and DuckDB read UTF-8 only, so every
//! CSV is transcoded here. Detection tries strict UTF-8 first and falls back
//! to GB18030 only when the bytes are not valid UTF-8: GB18030 decodes almost
//! any byte string, so the other order would turn UTF-8 into mojibake.

use std::borrow::Cow;

use crate::config::pipeline::Encoding;

/// The decoded text and the name of the encoding used.
pub fn decode(bytes: &[u8], setting: Encoding) -> Result<(Cow<'_, str>, &'static str), String> {
    let without_bom = bytes.strip_prefix(b"\xEF\xBB\xBF");
    let utf8_name = if without_bom.is_some() {
        "UTF-8 (BOM)"
    } else {
        "UTF-8"
    };
    match setting {
        Encoding::Utf8 => match std::str::from_utf8(without_bom.unwrap_or(bytes)) {
            Ok(s) => Ok((Cow::Borrowed(s), utf8_name)),
            Err(e) => Err(format!(
                "not valid UTF-8 at byte {} (the pipeline sets encoding = \"utf8\")",
                e.valid_up_to()
            )),
        },
        Encoding::Gb18030 => {
            // The setting states what the file must be. UTF-8 text with any
            // non-ASCII character is as good as never valid GB18030 as well,
            // and read as GB18030 it would be mojibake that passes as names.
            let body = without_bom.unwrap_or(bytes);
            if without_bom.is_some() || (!body.is_ascii() && std::str::from_utf8(body).is_ok()) {
                return Err(
                    "the pipeline sets encoding = \"gb18030\" but the file is UTF-8 text; \
                     set encoding = \"utf8\" or leave it to detection (\"auto\")"
                        .to_string(),
                );
            }
            gb18030(bytes).map(|t| (t, "GB18030")).ok_or_else(|| {
                "not valid GB18030 text (the pipeline sets encoding = \"gb18030\")".to_string()
            })
        }
        Encoding::Auto => match std::str::from_utf8(without_bom.unwrap_or(bytes)) {
            Ok(s) => Ok((Cow::Borrowed(s), utf8_name)),
            Err(_) => gb18030(bytes)
                .map(|t| (t, "GB18030 (detected)"))
                .ok_or_else(|| "neither valid UTF-8 nor valid GB18030 text".to_string()),
        },
    }
}

/// GB18030 text without its byte-order mark (84 31 95 33, which decodes to
/// U+FEFF and would stick to the first header), or None when the bytes are
/// not GB18030.
fn gb18030(bytes: &[u8]) -> Option<Cow<'_, str>> {
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return None;
    }
    Some(match text {
        Cow::Owned(s) if s.starts_with('\u{feff}') => {
            Cow::Owned(s['\u{feff}'.len_utf8()..].to_string())
        }
        other => other,
    })
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

    #[test]
    fn gb18030_byte_order_mark_is_dropped() {
        let text = "社区代码,社区名称\n";
        let gb = [
            b"\x84\x31\x95\x33".as_slice(),
            &encoding_rs::GB18030.encode(text).0,
        ]
        .concat();
        let (s, how) = decode(&gb, Encoding::Auto).unwrap();
        assert_eq!((s.as_ref(), how), (text, "GB18030 (detected)"));
    }

    #[test]
    fn utf8_text_declared_gb18030_is_refused() {
        let e = decode("社区代码\n".as_bytes(), Encoding::Gb18030).unwrap_err();
        assert!(e.contains("but the file is UTF-8 text"), "{e}");
        // ASCII reads the same either way.
        let (s, how) = decode(b"community_code\n", Encoding::Gb18030).unwrap();
        assert_eq!((s.as_ref(), how), ("community_code\n", "GB18030"));
        let bom = decode(b"\xEF\xBB\xBFcommunity_code\n", Encoding::Gb18030).unwrap_err();
        assert!(bom.contains("but the file is UTF-8 text"), "{bom}");
        let e = decode(b"\xff\xff", Encoding::Gb18030).unwrap_err();
        assert_eq!(
            e,
            "not valid GB18030 text (the pipeline sets encoding = \"gb18030\")"
        );
    }
}
