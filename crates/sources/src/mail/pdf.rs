//! The text and links of a PDF attachment, taken with `pdf-extract` (on
//! `lopdf`) behind guards, because phishing PDFs are hostile:
//!
//! * size: at most [`MAX_PDF`] bytes, the first [`MAX_PDF_PAGES`] pages;
//! * decompression bombs: before parsing, every Flate stream is inflated
//!   into a counter (nothing kept) and the file is refused if one stream
//!   passes [`MAX_PDF_STREAM`] or all together pass [`MAX_PDF_INFLATED`];
//!   filters whose output cannot be bounded that way (LZW, RunLength, or
//!   Flate behind an ASCII filter) and encrypted files are refused;
//! * recursion: a page tree whose `Parent` chain loops is refused, and
//!   form XObjects lose their own `Do` operators (the extractor recurses
//!   into forms without a depth limit); the parser's own nesting limit (100)
//!   runs on a thread with a [`PDF_STACK`] stack;
//! * panics: the extraction runs under `catch_unwind`;
//! * time: a deadline checked on every glyph and path, and the caller waits
//!   at most [`PDF_TIMEOUT`] for the thread, then abandons it.

use std::collections::HashSet;
use std::io::{self, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::time::Instant;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use pdf_extract::{ColorSpace, MediaBox, OutputDev, OutputError, Path, PlainTextOutput, Transform};

use crate::mail::limits::{
    MAX_PDF, MAX_PDF_INFLATED, MAX_PDF_PAGES, MAX_PDF_STREAM, MAX_TEXT, PDF_STACK, PDF_TIMEOUT,
};

/// Text and links of a PDF.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct PdfText {
    pub text: String,
    pub links: Vec<String>,
    /// Pages in the document.
    pub pages: u32,
    /// Whether text was cut (a page or size limit).
    pub partial: bool,
}

/// Extracts the text of a PDF. Errors say why no text was taken.
pub(crate) fn pdf_text(bytes: &[u8], max_links: usize) -> Result<PdfText, String> {
    if bytes.len() > MAX_PDF {
        return Err(format!(
            "PDF of {} bytes is over the {} MiB limit",
            bytes.len(),
            MAX_PDF >> 20
        ));
    }
    check_streams(bytes)?;
    let owned = bytes.to_vec();
    let (sender, receiver) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("rmmguard-pdf".into())
        .stack_size(PDF_STACK)
        .spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(|| extract(&owned, max_links)))
                .unwrap_or_else(|_| {
                    Err("the PDF parser failed on this file (a panic, caught)".into())
                });
            // The receiver may have given up waiting; nothing to do then.
            let _ = sender.send(result);
        });
    let reader = match spawned {
        Ok(reader) => reader,
        Err(error) => return Err(format!("cannot start the PDF reader thread ({error})")),
    };
    match receiver.recv_timeout(PDF_TIMEOUT) {
        // The thread has sent its last word and is exiting: wait for it, so
        // finished readers do not outlive the message (the fuzzer's leak
        // check saw one still tearing down its thread-locals).
        Ok(result) => {
            let _ = reader.join();
            result
        }
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!(
            "PDF text extraction took longer than {} s and was abandoned",
            PDF_TIMEOUT.as_secs()
        )),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let _ = reader.join();
            Err("the PDF reader thread stopped".into())
        }
    }
}

/// Refuses files whose streams could inflate without bound (see the module docs).
fn check_streams(bytes: &[u8]) -> Result<(), String> {
    if !bytes.starts_with(b"%PDF")
        && memchr::memmem::find(&bytes[..bytes.len().min(1024)], b"%PDF").is_none()
    {
        return Err("not a PDF (no %PDF header)".into());
    }
    let mut total = 0u64;
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&bytes[from..], b"stream") {
        let keyword = from + at;
        from = keyword + 6;
        if keyword >= 3 && &bytes[keyword - 3..keyword] == b"end" {
            continue;
        }
        let body_start = match bytes.get(from..from + 2) {
            Some([b'\r', b'\n']) => from + 2,
            Some([b'\n', _]) | Some([b'\r', _]) => from + 1,
            _ => continue,
        };
        let body_end = memchr::memmem::find(&bytes[body_start..], b"endstream")
            .map_or(bytes.len(), |i| body_start + i);
        let dict = &bytes[keyword.saturating_sub(2048)..keyword];
        let dict = match memchr::memmem::rfind(dict, b"obj") {
            Some(i) => &dict[i..],
            None => dict,
        };
        let filters = Filters::of(dict);
        if filters.unbounded {
            return Err(
                "PDF uses a filter whose output rmmguard cannot bound (LZW, RunLength or chained)"
                    .into(),
            );
        }
        if filters.flate {
            let inflated = inflated_len(&bytes[body_start..body_end]);
            if inflated > MAX_PDF_STREAM {
                return Err(format!(
                    "a PDF stream at byte {body_start} inflates past {} MiB: a decompression bomb",
                    MAX_PDF_STREAM >> 20
                ));
            }
            total += inflated;
            if total > MAX_PDF_INFLATED {
                return Err(format!(
                    "PDF streams inflate past {} MiB together: a decompression bomb",
                    MAX_PDF_INFLATED >> 20
                ));
            }
        }
        from = body_end;
    }
    if memchr::memmem::find(bytes, b"/Encrypt").is_some() {
        return Err("encrypted PDF: its text is not read".into());
    }
    Ok(())
}

/// What a stream dictionary says about its filters.
struct Filters {
    flate: bool,
    unbounded: bool,
}

impl Filters {
    fn of(dict: &[u8]) -> Filters {
        let has = |name: &[u8]| memchr::memmem::find(dict, name).is_some();
        let flate = has(b"/FlateDecode") || has(b"/Fl ") || has(b"/Fl/") || has(b"/Fl]");
        let lzw = has(b"/LZWDecode") || has(b"/LZW");
        let run_length = has(b"/RunLengthDecode") || has(b"/RL ") || has(b"/RL/") || has(b"/RL]");
        let ascii =
            has(b"/ASCII85Decode") || has(b"/ASCIIHexDecode") || has(b"/A85") || has(b"/AHx");
        Filters {
            flate,
            unbounded: lzw || run_length || (flate && ascii),
        }
    }
}

/// How many bytes a zlib (or, failing that, raw deflate) stream inflates to,
/// counted up to one past the per-stream limit; nothing is kept.
fn inflated_len(body: &[u8]) -> u64 {
    let limit = MAX_PDF_STREAM + 1;
    let mut zlib = flate2::read::ZlibDecoder::new(body).take(limit);
    let counted = count(&mut zlib);
    if counted > 0 || body.len() <= 2 {
        return counted;
    }
    let mut raw = flate2::read::DeflateDecoder::new(&body[2..]).take(limit);
    count(&mut raw)
}

/// Bytes read until the end or the first error.
fn count(reader: &mut dyn Read) -> u64 {
    let mut buffer = [0u8; 16 << 10];
    let mut total = 0u64;
    loop {
        match reader.read(&mut buffer) {
            Ok(0) | Err(_) => return total,
            Ok(n) => total += n as u64,
        }
    }
}

/// Runs on the PDF thread: load, defuse, extract.
fn extract(bytes: &[u8], max_links: usize) -> Result<PdfText, String> {
    let mut document = Document::load_mem(bytes).map_err(|e| format!("unreadable PDF ({e})"))?;
    let pages = document.get_pages();
    check_page_parents(&document, pages.values().copied())?;
    strip_nested_forms(&mut document);
    let mut out = PdfText {
        pages: u32::try_from(pages.len()).unwrap_or(u32::MAX),
        ..PdfText::default()
    };
    let deadline = Instant::now() + PDF_TIMEOUT;
    let mut text = String::new();
    let mut guarded = Guarded {
        inner: PlainTextOutput::new(&mut text),
        deadline,
        written: 0,
    };
    for &page in pages.keys().take(MAX_PDF_PAGES as usize) {
        match pdf_extract::output_doc_page(&document, &mut guarded, page) {
            Ok(()) => {}
            Err(OutputError::IoError(error)) if error.kind() == io::ErrorKind::FileTooLarge => {
                out.partial = true;
                break;
            }
            Err(OutputError::IoError(error)) if error.kind() == io::ErrorKind::TimedOut => {
                return Err(format!(
                    "PDF text extraction passed its {} s deadline",
                    PDF_TIMEOUT.as_secs()
                ));
            }
            // A bad page: keep the text of the others.
            Err(_) => {}
        }
    }
    out.partial |= pages.len() > MAX_PDF_PAGES as usize;
    out.text = text;
    for object in document.objects.values() {
        collect_uris(object, 0, &mut out.links, max_links);
    }
    Ok(out)
}

/// Refuses a page tree whose `Parent` chain loops or is absurdly deep (the
/// extractor follows it recursively to inherit resources).
fn check_page_parents(
    document: &Document,
    pages: impl Iterator<Item = ObjectId>,
) -> Result<(), String> {
    for page in pages {
        let mut seen = HashSet::new();
        let mut current = page;
        loop {
            if !seen.insert(current) || seen.len() > 64 {
                return Err("PDF page tree loops through its Parent links".into());
            }
            let parent = document
                .get_dictionary(current)
                .and_then(|dict| dict.get(b"Parent"))
                .and_then(Object::as_reference);
            match parent {
                Ok(parent) => current = parent,
                Err(_) => break,
            }
        }
    }
    Ok(())
}

/// Takes `Do` operators out of form XObjects, so forms cannot invoke forms.
fn strip_nested_forms(document: &mut Document) {
    let forms: Vec<ObjectId> = document
        .objects
        .iter()
        .filter(|(_, object)| is_form(object))
        .map(|(id, _)| *id)
        .collect();
    for id in forms {
        let Some(Object::Stream(stream)) = document.objects.get_mut(&id) else {
            continue;
        };
        let decoded = stream
            .decompressed_content()
            .ok()
            .and_then(|data| Content::decode(&data).ok());
        let Some(mut content) = decoded else {
            stream.set_plain_content(Vec::new());
            continue;
        };
        if content.operations.iter().any(|op| op.operator == "Do") {
            content.operations.retain(|op| op.operator != "Do");
            stream.set_plain_content(content.encode().unwrap_or_default());
        }
    }
}

fn is_form(object: &Object) -> bool {
    match object {
        Object::Stream(stream) => stream
            .dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|name| name == b"Form"),
        _ => false,
    }
}

/// Link annotations' targets (`/URI (…)`), looking a few levels into dictionaries.
fn collect_uris(object: &Object, depth: usize, links: &mut Vec<String>, max: usize) {
    if depth > 4 || links.len() >= max {
        return;
    }
    let dict: &Dictionary = match object {
        Object::Dictionary(dict) => dict,
        Object::Stream(stream) => &stream.dict,
        Object::Array(items) => {
            for item in items.iter().take(64) {
                collect_uris(item, depth + 1, links, max);
            }
            return;
        }
        _ => return,
    };
    for (key, value) in dict.iter() {
        if key.as_slice() == b"URI"
            && let Object::String(bytes, _) = value
        {
            let link = String::from_utf8_lossy(bytes).trim().to_owned();
            let lower = link.to_ascii_lowercase();
            if (lower.starts_with("http://") || lower.starts_with("https://"))
                && !links.contains(&link)
                && links.len() < max
            {
                links.push(link);
            }
        } else if matches!(value, Object::Dictionary(_) | Object::Array(_)) {
            collect_uris(value, depth + 1, links, max);
        }
    }
}

/// The plain-text writer with a deadline and a size limit.
struct Guarded<'a> {
    inner: PlainTextOutput<&'a mut String>,
    deadline: Instant,
    written: usize,
}

impl Guarded<'_> {
    fn check(&self) -> Result<(), OutputError> {
        if self.written > MAX_TEXT {
            return Err(OutputError::IoError(io::Error::new(
                io::ErrorKind::FileTooLarge,
                "text limit",
            )));
        }
        if Instant::now() > self.deadline {
            return Err(OutputError::IoError(io::Error::new(
                io::ErrorKind::TimedOut,
                "deadline",
            )));
        }
        Ok(())
    }
}

impl OutputDev for Guarded<'_> {
    fn begin_page(
        &mut self,
        page_num: u32,
        media_box: &MediaBox,
        art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.check()?;
        self.inner.begin_page(page_num, media_box, art_box)
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.inner.end_page()
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        self.written += char.len() + 1;
        self.check()?;
        self.inner
            .output_character(trm, width, spacing, font_size, char)
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.inner.begin_word()
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        self.inner.end_word()
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        self.inner.end_line()
    }

    fn stroke(
        &mut self,
        _ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        _path: &Path,
    ) -> Result<(), OutputError> {
        self.check()
    }

    fn fill(
        &mut self,
        _ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        _path: &Path,
    ) -> Result<(), OutputError> {
        self.check()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bombs_and_odd_filters_are_refused_before_parsing() {
        use std::io::Write;
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..20 {
            encoder.write_all(&zeros).unwrap();
        }
        let body = encoder.finish().unwrap();
        let mut pdf = b"%PDF-1.4\n1 0 obj\n<< /Length 9 /Filter /FlateDecode >>\nstream\n".to_vec();
        pdf.extend_from_slice(&body);
        pdf.extend_from_slice(b"\nendstream\nendobj\n%%EOF\n");
        let error = pdf_text(&pdf, 5).unwrap_err();
        assert!(error.contains("decompression bomb"), "{error}");
        let lzw = b"%PDF-1.4\n1 0 obj\n<< /Filter /LZWDecode >>\nstream\nxx\nendstream\nendobj\n";
        assert!(pdf_text(lzw, 5).unwrap_err().contains("cannot bound"));
        assert!(pdf_text(b"hello", 5).unwrap_err().contains("not a PDF"));
        let truncated = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R";
        assert!(
            pdf_text(truncated, 5)
                .unwrap_err()
                .starts_with("unreadable PDF")
        );
    }
}
