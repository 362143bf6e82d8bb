//! BinXML, the token stream a record's XML is stored as: elements, attributes, literal text,
//! substitutions, template instances with their values, and names in the chunk string table.
//!
//! Sizes that BinXML stores before the data they measure (element, attribute list, template
//! and value sizes) are written as zero and patched once the data is written.

use crate::chunk::{Chunk, TemplateRef, put_u32};

/// Why a record could not be encoded.
#[derive(Debug)]
pub(crate) enum EncodeError {
    /// The record does not fit in what is left of the chunk.
    ChunkFull,
    /// The record holds something EVTX cannot store; the message says what.
    Invalid(String),
}

/// A result of encoding.
pub(crate) type Result<T> = std::result::Result<T, EncodeError>;

/// Substitution value types (MS-EVEN6 2.2.4.1).
pub(crate) mod value_type {
    pub(crate) const NULL: u8 = 0x00;
    pub(crate) const STRING: u8 = 0x01;
    pub(crate) const UINT8: u8 = 0x04;
    pub(crate) const UINT16: u8 = 0x06;
    pub(crate) const UINT32: u8 = 0x08;
    pub(crate) const UINT64: u8 = 0x0a;
    pub(crate) const GUID: u8 = 0x0f;
    pub(crate) const FILETIME: u8 = 0x11;
    pub(crate) const SID: u8 = 0x13;
    pub(crate) const HEX_INT64: u8 = 0x15;
    pub(crate) const BINXML: u8 = 0x21;
}

mod token {
    pub(crate) const EOF: u8 = 0x00;
    pub(crate) const OPEN_START_ELEMENT: u8 = 0x01;
    pub(crate) const CLOSE_START_ELEMENT: u8 = 0x02;
    pub(crate) const CLOSE_EMPTY_ELEMENT: u8 = 0x03;
    pub(crate) const END_ELEMENT: u8 = 0x04;
    pub(crate) const VALUE: u8 = 0x05;
    pub(crate) const ATTRIBUTE: u8 = 0x06;
    pub(crate) const TEMPLATE_INSTANCE: u8 = 0x0c;
    pub(crate) const NORMAL_SUBSTITUTION: u8 = 0x0d;
    pub(crate) const OPTIONAL_SUBSTITUTION: u8 = 0x0e;
    pub(crate) const FRAGMENT_HEADER: u8 = 0x0f;
    /// Set on an element start that has attributes, and on an attribute that another follows.
    pub(crate) const MORE: u8 = 0x40;
}

/// The DependencyId of an element that depends on no value.
const NO_DEPENDENCY: u16 = 0xffff;
/// The size of a template definition's header: next offset, GUID and data size.
const TEMPLATE_HEADER_SIZE: u32 = 24;

/// The value of an attribute or the content of an element.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Content<'a> {
    /// Literal text, the same in every instance of the template.
    Text(&'a str),
    /// The instance's value at `index`, of type `value_type`. An optional substitution whose
    /// value is null leaves its attribute (or its element's text) out.
    Substitution {
        index: u16,
        value_type: u8,
        optional: bool,
    },
}

/// An element whose start tag has been written.
#[derive(Debug)]
pub(crate) struct Element {
    /// Where the element's data size goes.
    size_at: usize,
    /// Where the attribute list's size goes, when the element has attributes.
    attributes_at: Option<usize>,
}

/// Writes the fragment header (BinXML 1.1) that starts every BinXML stream.
pub(crate) fn fragment_header(buf: &mut Vec<u8>) {
    buf.extend_from_slice(&[token::FRAGMENT_HEADER, 1, 1, 0]);
}

/// Writes the token that ends a BinXML stream.
pub(crate) fn end_of_stream(buf: &mut Vec<u8>) {
    buf.push(token::EOF);
}

/// Writes an element start tag with its attributes, in a template definition (where element
/// starts carry a DependencyId: the element is left out when that value is null).
pub(crate) fn start_element(
    chunk: &mut Chunk,
    name: &str,
    dependency: Option<u16>,
    attributes: &[(&str, Content<'_>)],
) -> Result<Element> {
    let with_attributes = !attributes.is_empty();
    let mut start = token::OPEN_START_ELEMENT;
    if with_attributes {
        start |= token::MORE;
    }
    chunk.buf.push(start);
    put_u16(&mut chunk.buf, dependency.unwrap_or(NO_DEPENDENCY));
    let size_at = reserve_u32(&mut chunk.buf);
    name_ref(chunk, name)?;
    let attributes_at = with_attributes.then(|| reserve_u32(&mut chunk.buf));
    for (index, (name, value)) in attributes.iter().enumerate() {
        let mut attribute = token::ATTRIBUTE;
        if index + 1 < attributes.len() {
            attribute |= token::MORE;
        }
        chunk.buf.push(attribute);
        name_ref(chunk, name)?;
        content(&mut chunk.buf, *value)?;
    }
    Ok(Element {
        size_at,
        attributes_at,
    })
}

/// Ends a start tag with `>`: content and an end tag follow.
pub(crate) fn close_start(buf: &mut Vec<u8>, element: &Element) {
    patch_attributes_size(buf, element);
    buf.push(token::CLOSE_START_ELEMENT);
}

/// Ends a start tag with `/>`: the element is complete.
pub(crate) fn close_empty(buf: &mut Vec<u8>, element: Element) {
    patch_attributes_size(buf, &element);
    buf.push(token::CLOSE_EMPTY_ELEMENT);
    patch_size(buf, element.size_at);
}

/// Writes the end tag of an element that [`close_start`] opened.
pub(crate) fn end_element(buf: &mut Vec<u8>, element: Element) {
    buf.push(token::END_ELEMENT);
    patch_size(buf, element.size_at);
}

/// Writes an element with attributes and at most one piece of content.
pub(crate) fn leaf_element(
    chunk: &mut Chunk,
    name: &str,
    dependency: Option<u16>,
    attributes: &[(&str, Content<'_>)],
    text: Option<Content<'_>>,
) -> Result<()> {
    let element = start_element(chunk, name, dependency, attributes)?;
    match text {
        Some(text) => {
            close_start(&mut chunk.buf, &element);
            content(&mut chunk.buf, text)?;
            end_element(&mut chunk.buf, element);
        }
        None => close_empty(&mut chunk.buf, element),
    }
    Ok(())
}

/// Writes literal text or a substitution.
pub(crate) fn content(buf: &mut Vec<u8>, content: Content<'_>) -> Result<()> {
    match content {
        Content::Text(text) => {
            buf.extend_from_slice(&[token::VALUE, value_type::STRING]);
            let count_at = buf.len();
            put_u16(buf, 0);
            let units = put_utf16(buf, text);
            let units = u16::try_from(units).map_err(|_| {
                EncodeError::Invalid(format!(
                    "text of {units} UTF-16 units is longer than BinXML allows ({})",
                    u16::MAX
                ))
            })?;
            buf[count_at..count_at + 2].copy_from_slice(&units.to_le_bytes());
        }
        Content::Substitution {
            index,
            value_type,
            optional,
        } => {
            let substitution = match optional {
                true => token::OPTIONAL_SUBSTITUTION,
                false => token::NORMAL_SUBSTITUTION,
            };
            buf.push(substitution);
            put_u16(buf, index);
            buf.push(value_type);
        }
    }
    Ok(())
}

/// Writes a template instance token for the template whose key is in [`Chunk::key`]: a
/// reference to its definition, and the definition itself (written by `define`, between a
/// fragment header and the end of its stream) the first time the chunk uses it.
///
/// The instance's values must follow (see [`Values`]).
pub(crate) fn template_instance(
    chunk: &mut Chunk,
    define: impl FnOnce(&mut Chunk) -> Result<()>,
) -> Result<()> {
    chunk.buf.extend_from_slice(&[token::TEMPLATE_INSTANCE, 1]);
    if let Some(template) = chunk.template() {
        put_u32_le(&mut chunk.buf, template.id);
        put_u32_le(&mut chunk.buf, template.offset);
        return Ok(());
    }
    let guid = template_guid(&chunk.key);
    let id = u32::from_le_bytes([guid[0], guid[1], guid[2], guid[3]]);
    let offset = chunk.offset() + 8;
    put_u32_le(&mut chunk.buf, id);
    put_u32_le(&mut chunk.buf, offset);
    // The next definition in the template table's bucket: none, as the table is left empty.
    put_u32_le(&mut chunk.buf, 0);
    chunk.buf.extend_from_slice(&guid);
    let size_at = reserve_u32(&mut chunk.buf);
    fragment_header(&mut chunk.buf);
    define(chunk)?;
    end_of_stream(&mut chunk.buf);
    patch_size(&mut chunk.buf, size_at);
    debug_assert_eq!(offset + TEMPLATE_HEADER_SIZE, size_at as u32 + 4);
    chunk.add_template(TemplateRef { offset, id });
    Ok(())
}

/// The values of a template instance: a count, a table of (size, type) descriptors, then the
/// values. The table is reserved up front and filled in as each value is written.
#[derive(Debug)]
pub(crate) struct Values {
    table_at: usize,
    count: usize,
    written: usize,
}

impl Values {
    /// Starts the values of an instance that has `count` of them.
    pub(crate) fn start(buf: &mut Vec<u8>, count: u16) -> Values {
        put_u32_le(buf, u32::from(count));
        let table_at = buf.len();
        buf.resize(table_at + 4 * usize::from(count), 0);
        Values {
            table_at,
            count: usize::from(count),
            written: 0,
        }
    }

    /// Describes the value of type `value_type` written from `start` to the buffer's end.
    pub(crate) fn close(&mut self, buf: &mut [u8], value_type: u8, start: usize) -> Result<()> {
        debug_assert!(self.written < self.count);
        let size = buf.len() - start;
        let size = u16::try_from(size).map_err(|_| {
            EncodeError::Invalid(format!(
                "a value of {size} bytes is larger than BinXML allows ({})",
                u16::MAX
            ))
        })?;
        let at = self.table_at + 4 * self.written;
        buf[at..at + 2].copy_from_slice(&size.to_le_bytes());
        buf[at + 2] = value_type;
        self.written += 1;
        Ok(())
    }

    /// Writes a null value, which leaves out what optionally substitutes it.
    pub(crate) fn null(&mut self, buf: &mut [u8]) -> Result<()> {
        let start = buf.len();
        self.close(buf, value_type::NULL, start)
    }

    /// Writes an unsigned integer of the type `value_type`, stored in `N` bytes.
    pub(crate) fn int<const N: usize>(
        &mut self,
        buf: &mut Vec<u8>,
        value_type: u8,
        bytes: [u8; N],
    ) -> Result<()> {
        let start = buf.len();
        buf.extend_from_slice(&bytes);
        self.close(buf, value_type, start)
    }

    /// Writes a string value (UTF-16LE, without a terminating NUL).
    pub(crate) fn string(&mut self, buf: &mut Vec<u8>, value: &str) -> Result<()> {
        let start = buf.len();
        put_utf16(buf, value);
        self.close(buf, value_type::STRING, start)
    }

    /// Writes a value of type `value_type` stored as `bytes`.
    pub(crate) fn bytes(&mut self, buf: &mut Vec<u8>, value_type: u8, bytes: &[u8]) -> Result<()> {
        let start = buf.len();
        buf.extend_from_slice(bytes);
        self.close(buf, value_type, start)
    }
}

/// Writes a reference to the name `name`: the offset of its entry in the chunk string table,
/// followed by the entry itself the first time the chunk uses the name.
fn name_ref(chunk: &mut Chunk, name: &str) -> Result<()> {
    if let Some(offset) = chunk.name(name) {
        put_u32_le(&mut chunk.buf, offset);
        return Ok(());
    }
    let offset = chunk.offset() + 4;
    put_u32_le(&mut chunk.buf, offset);
    let link_at = reserve_u32(&mut chunk.buf);
    let hash = name_hash(name);
    put_u16(&mut chunk.buf, hash);
    let count_at = chunk.buf.len();
    put_u16(&mut chunk.buf, 0);
    let units = put_utf16(&mut chunk.buf, name);
    let units = u16::try_from(units).map_err(|_| {
        EncodeError::Invalid(format!(
            "a name of {units} UTF-16 units is longer than BinXML allows ({})",
            u16::MAX
        ))
    })?;
    chunk.buf[count_at..count_at + 2].copy_from_slice(&units.to_le_bytes());
    put_u16(&mut chunk.buf, 0);
    let next = chunk.add_name(name, offset, hash);
    put_u32(&mut chunk.buf, link_at, next);
    Ok(())
}

/// The hash a string table entry stores, whose low 6 bits pick its bucket: the low 16 bits of
/// `h = h * 65599 + unit` over the name's UTF-16 units.
fn name_hash(name: &str) -> u16 {
    let hash = name.encode_utf16().fold(0u32, |hash, unit| {
        hash.wrapping_mul(65599).wrapping_add(u32::from(unit))
    });
    hash as u16
}

/// A template's GUID: a hash of its key, so that a template has the same GUID in every chunk
/// and every file.
fn template_guid(key: &[u8]) -> [u8; 16] {
    let mut guid = [0; 16];
    for (seed, part) in (0u32..).zip(guid.chunks_exact_mut(4)) {
        let mut hasher = crc32fast::Hasher::new_with_initial(seed);
        hasher.update(key);
        part.copy_from_slice(&hasher.finalize().to_le_bytes());
    }
    guid
}

/// Writes `text` as UTF-16LE and returns how many units that took.
pub(crate) fn put_utf16(buf: &mut Vec<u8>, text: &str) -> usize {
    if text.is_ascii() {
        let start = buf.len();
        buf.resize(start + 2 * text.len(), 0);
        for (unit, &byte) in buf[start..].chunks_exact_mut(2).zip(text.as_bytes()) {
            unit[0] = byte;
        }
        return text.len();
    }
    let mut units = 0;
    for unit in text.encode_utf16() {
        buf.extend_from_slice(&unit.to_le_bytes());
        units += 1;
    }
    units
}

fn put_u16(buf: &mut Vec<u8>, value: u16) {
    buf.extend_from_slice(&value.to_le_bytes());
}

fn put_u32_le(buf: &mut Vec<u8>, value: u32) {
    buf.extend_from_slice(&value.to_le_bytes());
}

/// Writes a zero `u32` to patch later and returns where it is.
fn reserve_u32(buf: &mut Vec<u8>) -> usize {
    let at = buf.len();
    buf.extend_from_slice(&[0; 4]);
    at
}

/// Patches the size at `at` to the number of bytes written after it.
fn patch_size(buf: &mut [u8], at: usize) {
    let size = buf.len() - (at + 4);
    put_u32(buf, at, size as u32);
}

fn patch_attributes_size(buf: &mut [u8], element: &Element) {
    if let Some(at) = element.attributes_at {
        patch_size(buf, at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_hash_matches_windows() {
        // Hashes Windows stored for these names in a real System log's string table.
        assert_eq!(name_hash("Event"), 3258);
        assert_eq!(name_hash("EventData"), 33348);
        assert_eq!(name_hash("Qualifiers"), 55849);
        assert_eq!(name_hash("SystemTime"), 31548);
    }

    #[test]
    fn a_name_is_written_once_per_chunk() {
        let mut chunk = Chunk::default();
        name_ref(&mut chunk, "Data").unwrap();
        let first = chunk.buf[512..].to_vec();
        let entry_at = 512 + 4;
        assert_eq!(&first[..4], &(entry_at as u32).to_le_bytes());
        assert_eq!(&first[4..8], &[0; 4]);
        assert_eq!(&first[8..10], &name_hash("Data").to_le_bytes());
        assert_eq!(&first[10..12], &[4, 0]);
        assert_eq!(&first[12..], b"D\0a\0t\0a\0\0\0");

        let len = chunk.buf.len();
        name_ref(&mut chunk, "Data").unwrap();
        assert_eq!(&chunk.buf[len..], &(entry_at as u32).to_le_bytes());
    }

    #[test]
    fn element_and_attribute_list_sizes_cover_their_bytes() {
        let mut chunk = Chunk::default();
        let at = chunk.buf.len();
        let qualifiers = Content::Substitution {
            index: 4,
            value_type: value_type::UINT16,
            optional: true,
        };
        let id = Content::Substitution {
            index: 3,
            value_type: value_type::UINT16,
            optional: true,
        };
        leaf_element(
            &mut chunk,
            "EventID",
            Some(3),
            &[("Qualifiers", qualifiers)],
            Some(id),
        )
        .unwrap();
        // The sizes Windows wrote for the same element in a real log.
        let bytes = &chunk.buf[at..];
        assert_eq!(&bytes[..3], &[0x41, 3, 0]);
        assert_eq!(u32::from_le_bytes(bytes[3..7].try_into().unwrap()), 77);
        assert_eq!(bytes.len(), 7 + 77);
        assert_eq!(u32::from_le_bytes(bytes[35..39].try_into().unwrap()), 39);
    }

    #[test]
    fn utf16_counts_units_not_chars() {
        let mut buf = Vec::new();
        assert_eq!(put_utf16(&mut buf, "Zoë 🦀"), 6);
        assert_eq!(buf.len(), 12);
    }
}
