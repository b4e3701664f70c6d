//! The typed frame's text in exactly-sized buffers. Text columns are built a
//! chunk at a time by growing buffers, which keep their spare capacity (up to
//! 16 MB a column and chunk) for as long as the frame lives: on a large
//! extract about as many bytes again as the text itself. Each text column is
//! copied once into one buffer of exactly its bytes, and the grown buffers
//! are freed.

use polars::prelude::*;
use polars_arrow::array::{Array, Utf8ViewArray, View};
use polars_buffer::Buffer;

/// Every text column of `frame` re-laid tight; other columns as they are.
pub fn compact_text(frame: DataFrame) -> PolarsResult<DataFrame> {
    let height = frame.height();
    let columns = frame
        .into_columns()
        .into_iter()
        .map(|c| match c.dtype() {
            DataType::String => {
                let ca = c.str()?.rechunk();
                let tight = ca.downcast_iter().map(tight).collect::<Vec<_>>();
                let ca = StringChunked::from_chunk_iter(c.name().clone(), tight);
                Ok(ca.into_column())
            }
            _ => Ok(c),
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    DataFrame::new(height, columns)
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

    #[test]
    fn a_column_of_short_strings_keeps_no_buffer() {
        let df = df!("code" => [Some("410402001001"), None, Some("男")]).unwrap();
        let tight = compact_text(df.clone()).unwrap();
        assert!(tight.equals_missing(&df));
        let ca = tight.column("code").unwrap().str().unwrap().clone();
        assert_eq!(ca.downcast_iter().next().unwrap().data_buffers().len(), 0);
    }

    #[test]
    fn values_and_nulls_survive_and_the_buffer_is_exactly_the_long_strings() {
        let long = "一个超过十二字节的社区名称";
        let df = df!(
            "name" => [Some("short"), None, Some(long), Some("another long value!")],
            "n" => [1i32, 2, 3, 4],
        )
        .unwrap();
        // Grow the column from several chunks, as ingest does.
        let mut grown = df.clone();
        grown.vstack_mut(&df).unwrap();
        let tight = compact_text(grown.clone()).unwrap();
        assert!(tight.equals_missing(&grown));
        let ca = tight.column("name").unwrap().str().unwrap().clone();
        assert_eq!(ca.chunks().len(), 1);
        let arr = ca.downcast_iter().next().unwrap();
        assert_eq!(arr.data_buffers().len(), 1);
        let want = 2 * (long.len() + "another long value!".len());
        assert_eq!(arr.data_buffers()[0].len(), want);
        assert_eq!(arr.total_buffer_len(), want);
    }
}
