//! A lure as a picture: the text drawn in a 5×7 pixel font, four times
//! enlarged, black on white, as a one-bit PNG (stored zlib blocks; no image
//! library). Capitals only, accents dropped: what the font draws.

use super::attach::crc32;

/// Pixels per font pixel.
const SCALE: usize = 4;
/// Characters per line before wrapping.
const WIDTH: usize = 46;
const MARGIN: usize = 24;

/// The lines upper-cased, transliterated to what the font has, and wrapped.
pub(crate) fn ascii_lines(lines: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for line in lines.iter().flat_map(|l| l.split('\n')) {
        let mut text = String::new();
        for c in line.chars() {
            match c {
                '€' => text.push_str("EUR"),
                '£' => text.push_str("GBP"),
                '₹' => text.push_str("INR"),
                '–' | '—' => text.push('-'),
                '’' => text.push('\''),
                'ß' => text.push_str("SS"),
                c if c.is_ascii() => text.push(c.to_ascii_uppercase()),
                c => text.push(fold_accent(c)),
            }
        }
        let mut current = String::new();
        for word in text.split_whitespace() {
            if !current.is_empty() && current.len() + word.len() + 1 > WIDTH {
                out.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push(current);
    }
    out
}

fn fold_accent(c: char) -> char {
    match c.to_lowercase().next().unwrap_or(c) {
        'á' | 'à' | 'â' | 'ã' | 'ä' => 'A',
        'é' | 'è' | 'ê' | 'ë' => 'E',
        'í' | 'ì' | 'î' | 'ï' => 'I',
        'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'O',
        'ú' | 'ù' | 'û' | 'ü' => 'U',
        'ç' => 'C',
        'ñ' => 'N',
        _ => ' ',
    }
}

/// The lines drawn as a PNG.
pub(crate) fn png(lines: &[String]) -> Vec<u8> {
    let columns = lines.iter().map(String::len).max().unwrap_or(1).max(1);
    let width = MARGIN * 2 + columns * 6 * SCALE;
    let height = MARGIN * 2 + lines.len().max(1) * 10 * SCALE;
    let mut pixels = vec![false; width * height];
    for (row, line) in lines.iter().enumerate() {
        for (column, c) in line.chars().enumerate() {
            let bits = glyph(c);
            for (y, bits) in bits.iter().enumerate() {
                for x in 0..5 {
                    if bits & (0x10 >> x) == 0 {
                        continue;
                    }
                    let left = MARGIN + (column * 6 + x) * SCALE;
                    let top = MARGIN + (row * 10 + y) * SCALE;
                    for dy in 0..SCALE {
                        let start = (top + dy) * width + left;
                        pixels[start..start + SCALE].fill(true);
                    }
                }
            }
        }
    }
    encode(width, height, &pixels)
}

/// One-bit greyscale PNG; `true` is black.
fn encode(width: usize, height: usize, pixels: &[bool]) -> Vec<u8> {
    let stride = width.div_ceil(8);
    let mut raw = Vec::with_capacity((stride + 1) * height);
    for row in pixels.chunks(width) {
        raw.push(0); // filter: none
        let mut packed = vec![0xffu8; stride];
        for (x, &black) in row.iter().enumerate() {
            if black {
                packed[x / 8] &= !(0x80 >> (x % 8));
            }
        }
        raw.extend_from_slice(&packed);
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&(width as u32).to_be_bytes());
    header.extend_from_slice(&(height as u32).to_be_bytes());
    header.extend_from_slice(&[1, 0, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &zlib_stored(&raw));
    chunk(&mut png, b"IEND", &[]);
    png
}

fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    png.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    png.extend_from_slice(&crc_input);
    png.extend_from_slice(&crc32(&crc_input).to_be_bytes());
}

/// A zlib stream of stored (uncompressed) blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(65_535).collect();
    if blocks.is_empty() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// Rows of a character, five bits each (high bit left).
fn glyph(c: char) -> [u8; 7] {
    match c {
        '0' => [0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        '1' => [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E],
        '2' => [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F],
        '3' => [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E],
        '4' => [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02],
        '5' => [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E],
        '6' => [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E],
        '7' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        '8' => [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E],
        '9' => [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C],
        'A' => [0x0E, 0x11, 0x11, 0x11, 0x1F, 0x11, 0x11],
        'B' => [0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E],
        'C' => [0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E],
        'D' => [0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C],
        'E' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F],
        'F' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10],
        'G' => [0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F],
        'H' => [0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        'I' => [0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E],
        'J' => [0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C],
        'K' => [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11],
        'L' => [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F],
        'M' => [0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11],
        'N' => [0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11],
        'O' => [0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'P' => [0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10],
        'Q' => [0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D],
        'R' => [0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11],
        'S' => [0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E],
        'T' => [0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
        'U' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'V' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04],
        'W' => [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A],
        'X' => [0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11],
        'Y' => [0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04],
        'Z' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F],
        '.' => [0, 0, 0, 0, 0, 0x0C, 0x0C],
        ',' => [0, 0, 0, 0, 0x0C, 0x04, 0x08],
        ':' => [0, 0x0C, 0x0C, 0, 0x0C, 0x0C, 0],
        ';' => [0, 0x0C, 0x0C, 0, 0x0C, 0x04, 0x08],
        '-' => [0, 0, 0, 0x1F, 0, 0, 0],
        '+' => [0, 0x04, 0x04, 0x1F, 0x04, 0x04, 0],
        '(' => [0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02],
        ')' => [0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08],
        '/' => [0, 0x01, 0x02, 0x04, 0x08, 0x10, 0],
        '?' => [0x0E, 0x11, 0x01, 0x02, 0x04, 0, 0x04],
        '!' => [0x04, 0x04, 0x04, 0x04, 0x04, 0, 0x04],
        '\'' => [0x0C, 0x04, 0x08, 0, 0, 0, 0],
        '$' => [0x04, 0x0F, 0x14, 0x0E, 0x05, 0x1E, 0x04],
        '#' => [0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A],
        '&' => [0x0C, 0x12, 0x14, 0x08, 0x15, 0x12, 0x0D],
        '%' => [0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03],
        '*' => [0, 0x04, 0x15, 0x0E, 0x15, 0x04, 0],
        '=' => [0, 0, 0x1F, 0, 0x1F, 0, 0],
        _ => [0; 7],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_pngs_of_the_right_size() {
        let picture = png(&ascii_lines(&[
            "Appelez le 01 23 45 67 89 – réf. 42".to_owned()
        ]));
        assert!(picture.starts_with(b"\x89PNG\r\n\x1a\n"));
        let width = u32::from_be_bytes([picture[16], picture[17], picture[18], picture[19]]);
        assert_eq!(width as usize, MARGIN * 2 + 35 * 6 * SCALE);
        assert_eq!(
            ascii_lines(&["Appelez le 01 23 45 67 89 – réf. 42".to_owned()]),
            ["APPELEZ LE 01 23 45 67 89 - REF. 42"]
        );
    }
}
