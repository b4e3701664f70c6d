//! Text columns in exactly-sized buffers. polars' own builders grow a text
//! column's buffer by doubling and keep the spare capacity (up to 16 MB a
//! column and chunk) for as long as the column lives: on a large extract
//! about as many bytes again as the text itself, in every typed frame. CSV
//! cells are laid into `TextBuilder`, which keeps each chunk's out-of-line
//! bytes in one buffer trimmed to its length; a text column read another way
//! (Parquet) is re-laid once by `tight_column`.

use polars::prelude::*;
use polars_arrow::array::{Array, Utf8ViewArray, View};
use polars_arrow::bitmap::MutableBitmap;
use polars_arrow::datatypes::ArrowDataType;
use polars_buffer::Buffer;

/// A text column being laid out cell by cell.
pub struct TextBuilder {
    views: Vec<View>,
    /// Out-of-line bytes of the buffers already full (each under 4 GiB, as
    /// view offsets are 32-bit), then of the one being filled.
    full: Vec<Buffer<u8>>,
    bytes: Vec<u8>,
    validity: MutableBitmap,
    /// Bytes of every value, inline or not.
    total: usize,
}

impl TextBuilder {
    pub fn with_capacity(rows: usize) -> TextBuilder {
        TextBuilder {
            views: Vec::with_capacity(rows),
            full: Vec::new(),
            bytes: Vec::new(),
            validity: MutableBitmap::with_capacity(rows),
            total: 0,
        }
    }

    pub fn push(&mut self, value: &str) {
        let b = value.as_bytes();
        let outside = b.len() > View::MAX_INLINE_SIZE as usize;
        if outside && self.bytes.len() + b.len() > u32::MAX as usize {
            let mut full = std::mem::take(&mut self.bytes);
            full.shrink_to_fit();
            self.full.push(Buffer::from(full));
        }
        let buffer = self.full.len() as u32;
        self.views
            .push(View::new_from_bytes(b, buffer, self.bytes.len() as u32));
        if outside {
            self.bytes.extend_from_slice(b);
        }
        self.validity.push(true);
        self.total += b.len();
    }

    pub fn push_null(&mut self) {
        self.views.push(View::default());
        self.validity.push(false);
    }

    /// The column, its out-of-line bytes in buffers of exactly their length.
    pub fn finish(mut self) -> StringChunked {
        if !self.bytes.is_empty() {
            self.bytes.shrink_to_fit();
            let last = std::mem::take(&mut self.bytes);
            self.full.push(Buffer::from(last));
        }
        let buffer_len = self.full.iter().map(|b| b.len()).sum();
        let validity = Option::<polars_arrow::bitmap::Bitmap>::from(self.validity);
        // SAFETY: every view was made from its value's bytes, and a value
        // longer than 12 bytes was appended to the buffer the view names at
        // the offset it holds; every value came from a &str, so is UTF-8.
        let array = unsafe {
            Utf8ViewArray::new_unchecked(
                ArrowDataType::Utf8View,
                Buffer::from(self.views),
                Buffer::from(self.full),
                validity,
                Some(self.total),
                buffer_len,
            )
        };
        StringChunked::with_chunk(PlSmallStr::EMPTY, array)
    }
}

/// A text column re-laid with its out-of-line bytes in exactly-sized
/// buffers, one per chunk.
pub fn tight_column(ca: &StringChunked) -> StringChunked {
    StringChunked::from_chunk_iter(ca.name().clone(), ca.downcast_iter().map(tight))
}

/// One text array with its out-of-line bytes in a single exactly-sized
/// buffer (strings of up to 12 bytes live in their views and need none).
fn tight(array: &Utf8ViewArray) -> Utf8ViewArray {
    let outside = |v: &View| v.length > View::MAX_INLINE_SIZE;
    let needed: usize = array
        .views()
        .iter()
        .filter(|v| outside(v))
        .map(|v| v.length as usize)
        .sum();
    if needed >= u32::MAX as usize {
        // Offsets are 32-bit: such a column stays as it was.
        return array.clone();
    }
    if needed == 0 {
        // Every string lives in its view: the views stay, the buffers go.
        // SAFETY: no view points into a buffer.
        return unsafe {
            Utf8ViewArray::new_unchecked(
                array.dtype().clone(),
                array.views().clone(),
                Buffer::from(Vec::new()),
                array.validity().cloned(),
                Some(array.total_bytes_len()),
                0,
            )
        };
    }
    let buffers = array.data_buffers();
    let mut bytes: Vec<u8> = Vec::with_capacity(needed);
    let views: Vec<View> = array
        .views()
        .iter()
        .map(|v| {
            let mut v = *v;
            if outside(&v) {
                // SAFETY: the view belongs to `array`, whose buffers these are.
                bytes.extend_from_slice(unsafe { v.get_slice_unchecked(buffers) });
                v.buffer_idx = 0;
                v.offset = (bytes.len() - v.length as usize) as u32;
            }
            v
        })
        .collect();
    let data: Buffer<Buffer<u8>> = Buffer::from(vec![Buffer::from(bytes)]);
    // SAFETY: every out-of-line view now points into buffer 0 at an offset
    // and length within it, holding the same bytes as before (so still
    // UTF-8 with the same prefix); inline views are unchanged.
    unsafe {
        Utf8ViewArray::new_unchecked(
            array.dtype().clone(),
            Buffer::from(views),
            data,
            array.validity().cloned(),
            Some(array.total_bytes_len()),
            needed,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: &str = "一个超过十二字节的社区名称";

    fn built(values: &[Option<&str>]) -> StringChunked {
        let mut b = TextBuilder::with_capacity(values.len());
        for v in values {
            match v {
                Some(v) => b.push(v),
                None => b.push_null(),
            }
        }
        b.finish()
    }

    fn buffer_lens(ca: &StringChunked) -> Vec<usize> {
        ca.downcast_iter()
            .flat_map(|a| a.data_buffers().iter().map(|b| b.len()).collect::<Vec<_>>())
            .collect()
    }

    #[test]
    fn built_values_and_nulls_read_back_and_only_long_values_take_buffer_bytes() {
        let values = [
            Some("short"),
            None,
            Some(LONG),
            Some("another long value!"),
            Some(""),
        ];
        let ca = built(&values);
        let back: Vec<Option<&str>> = ca.iter().collect();
        assert_eq!(back, values);
        assert_eq!(ca.null_count(), 1);
        assert_eq!(
            buffer_lens(&ca),
            vec![LONG.len() + "another long value!".len()]
        );
        // Sorting sees the same strings (the long one by all its bytes).
        let sorted = ca.sort(false);
        let sorted: Vec<&str> = sorted.iter().flatten().collect();
        assert_eq!(sorted, vec!["", "another long value!", "short", LONG]);
    }

    #[test]
    fn a_column_of_short_strings_keeps_no_buffer() {
        let ca = built(&[Some("410402001001"), None, Some("男")]);
        assert!(buffer_lens(&ca).is_empty());
        assert_eq!(ca.get(0), Some("410402001001"));
    }

    #[test]
    fn a_column_from_a_growing_builder_is_relaid_exactly() {
        let values = [Some("short"), None, Some(LONG), Some("another long value!")];
        let mut grown = StringChunked::new("name".into(), &values);
        grown
            .append(&StringChunked::new("name".into(), &values))
            .unwrap();
        let tight = tight_column(&grown);
        assert_eq!(
            tight.iter().collect::<Vec<_>>(),
            grown.iter().collect::<Vec<_>>()
        );
        let per_chunk = LONG.len() + "another long value!".len();
        assert_eq!(buffer_lens(&tight), vec![per_chunk, per_chunk]);
    }
}
