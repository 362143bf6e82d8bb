//! ZIP containers: the text of a Word document (DOCX: `word/document.xml`
//! and its headers, footers and notes; links from its relationships) and
//! the file names inside any other archive.
//!
//! Guarded against decompression bombs twice: an entry that *declares* more
//! than [`MAX_ZIP_PART`] is refused before inflating, and inflation stops one
//! byte past the limit whatever the entry declared.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use crate::mail::html::decode_entities;
use crate::mail::limits::{MAX_ZIP_ENTRIES, MAX_ZIP_PART};

/// Text and links of a document.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct DocText {
    pub text: String,
    pub links: Vec<String>,
}

/// Whether the bytes are a ZIP file that holds a Word document.
pub(crate) fn is_docx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
        && memchr::memmem::find(&bytes[..bytes.len().min(64 << 10)], b"word/").is_some()
}

/// The text of a DOCX. Errors say why no text was taken.
pub(crate) fn docx_text(bytes: &[u8], max_links: usize) -> Result<DocText, String> {
    let mut archive = open(bytes)?;
    let names: Vec<String> = (0..archive.len())
        .filter_map(|i| {
            archive
                .name_for_index(i)
                .and_then(Result::ok)
                .map(|n| n.into_owned())
        })
        .collect();
    let mut out = DocText::default();
    let parts = names.iter().filter(|name| is_text_part(name));
    let mut inflated = 0u64;
    for name in parts {
        let xml = read_entry(&mut archive, name)?;
        inflated += xml.len() as u64;
        if inflated > 2 * MAX_ZIP_PART {
            return Err(format!(
                "its parts inflate past {} MiB together: a decompression bomb",
                (2 * MAX_ZIP_PART) >> 20
            ));
        }
        word_text(&String::from_utf8_lossy(&xml), &mut out.text);
    }
    if let Some(rels) = names.iter().find(|n| *n == "word/_rels/document.xml.rels") {
        let xml = read_entry(&mut archive, rels)?;
        external_targets(&String::from_utf8_lossy(&xml), &mut out.links, max_links);
    }
    Ok(out)
}

/// The file names inside an archive, one per line.
pub(crate) fn entry_names(bytes: &[u8]) -> Result<String, String> {
    let archive = open(bytes)?;
    let mut names = String::new();
    for i in 0..archive.len() {
        if let Some(Ok(name)) = archive.name_for_index(i) {
            names.push_str(&name);
            names.push('\n');
        }
    }
    Ok(names)
}

fn open(bytes: &[u8]) -> Result<ZipArchive<Cursor<&[u8]>>, String> {
    let archive = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a readable ZIP file ({e})"))?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(format!(
            "{} entries (limit {MAX_ZIP_ENTRIES})",
            archive.len()
        ));
    }
    Ok(archive)
}

fn is_text_part(name: &str) -> bool {
    name == "word/document.xml"
        || name == "word/footnotes.xml"
        || name == "word/endnotes.xml"
        || name == "word/comments.xml"
        || ((name.starts_with("word/header") || name.starts_with("word/footer"))
            && name.ends_with(".xml"))
}

/// Inflates one entry, refusing entries that declare or reach more than the limit.
fn read_entry(archive: &mut ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Vec<u8>, String> {
    let mut entry = archive
        .by_name(name)
        .map_err(|e| format!("{name} cannot be read ({e})"))?;
    let declared = entry.size();
    if declared > MAX_ZIP_PART {
        return Err(format!(
            "{name} declares {declared} bytes (limit {} MiB): a decompression bomb",
            MAX_ZIP_PART >> 20
        ));
    }
    let mut data = Vec::new();
    let read = (&mut entry).take(MAX_ZIP_PART + 1).read_to_end(&mut data);
    if let Err(error) = read {
        // The zip reader stops an entry that outgrows its declared size.
        if data.len() as u64 >= declared {
            return Err(format!(
                "{name} inflates past the {declared} bytes it declares: a decompression bomb"
            ));
        }
        return Err(format!("{name} cannot be inflated ({error})"));
    }
    if data.len() as u64 > MAX_ZIP_PART {
        return Err(format!(
            "{name} inflates past {} MiB though it declares {declared} bytes: a decompression bomb",
            MAX_ZIP_PART >> 20
        ));
    }
    Ok(data)
}

/// Appends the text runs (`<w:t>`) of WordprocessingML, a line per paragraph.
fn word_text(xml: &str, out: &mut String) {
    let mut rest = xml;
    let mut in_text = false;
    while let Some(open) = rest.find('<') {
        if in_text {
            out.push_str(&decode_entities(&rest[..open]));
        }
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open + 1..open + close];
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        let closing = tag.starts_with('/');
        let self_closing = tag.ends_with('/');
        match name {
            "w:t" => in_text = !closing && !self_closing,
            "w:p" if closing => out.push('\n'),
            "w:tab" => out.push('\t'),
            "w:br" | "w:cr" => out.push('\n'),
            _ => {}
        }
        rest = &rest[open + close + 1..];
    }
}

/// Appends external relationship targets (hyperlinks) that are web links.
fn external_targets(xml: &str, links: &mut Vec<String>, max: usize) {
    for part in xml.split("Target=\"").skip(1) {
        let target = decode_entities(part.split('"').next().unwrap_or(""));
        let lower = target.to_ascii_lowercase();
        if (lower.starts_with("http://") || lower.starts_with("https://"))
            && links.len() < max
            && !links.contains(&target)
        {
            links.push(target);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_runs_become_lines() {
        let mut out = String::new();
        word_text(
            r#"<w:document><w:body><w:p><w:r><w:t>Norton</w:t></w:r><w:r><w:t xml:space="preserve"> renewal &amp; refund</w:t></w:r></w:p><w:p><w:r><w:tab/><w:t>Call +1 802-555-0115</w:t></w:r></w:p></w:body></w:document>"#,
            &mut out,
        );
        assert_eq!(out, "Norton renewal & refund\n\tCall +1 802-555-0115\n");
        let mut links = Vec::new();
        external_targets(
            r#"<Relationship Id="rId4" Type="x/hyperlink" Target="https://x.example/a?b=1&amp;c=2" TargetMode="External"/><Relationship Target="styles.xml"/>"#,
            &mut links,
            5,
        );
        assert_eq!(links, ["https://x.example/a?b=1&c=2"]);
    }

    #[test]
    fn garbage_is_refused_with_a_reason() {
        assert!(
            docx_text(b"PK\x03\x04garbage", 5)
                .unwrap_err()
                .starts_with("not a readable ZIP")
        );
        assert!(entry_names(b"").is_err());
    }
}
