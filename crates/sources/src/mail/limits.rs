//! Every limit the mail reader applies, in one place. Each protects memory
//! or time against a hostile message; hitting one is reported (a diagnostic
//! with the file and offset, or a note on the attachment), never silent.

/// Raw bytes of one message kept for parsing; the rest is cut (and reported).
/// Mail servers refuse messages far smaller than this (25–50 MB).
pub(crate) const MAX_MESSAGE: usize = 32 << 20;

/// A physical header line longer than this is dropped (RFC 5322 allows 998 bytes).
pub(crate) const MAX_HEADER_LINE: usize = 64 << 10;

/// `multipart/` containers in one message; more is a nesting bomb and the
/// message is skipped (real mail has a handful).
pub(crate) const MAX_MULTIPARTS: usize = 64;

/// Leaf parts of one message looked at; the rest are counted and reported.
pub(crate) const MAX_PARTS: usize = 256;

/// Decoded bytes of one attachment that text is taken from.
pub(crate) const MAX_ATTACHMENT: usize = 16 << 20;

/// Normalized text kept per body and per attachment, in bytes.
pub(crate) const MAX_TEXT: usize = 256 << 10;

/// Hidden text (HTML the reader does not see) kept per message, in bytes.
pub(crate) const MAX_HIDDEN: usize = 64 << 10;

/// Links kept per message.
pub(crate) const MAX_LINKS: usize = 256;

/// Addresses kept per message (To and Cc together, Reply-To).
pub(crate) const MAX_ADDRESSES: usize = 64;

/// Entries of a ZIP container (DOCX, archive) that are looked at.
pub(crate) const MAX_ZIP_ENTRIES: usize = 4096;

/// Inflated bytes of one XML part of a DOCX (the declared size, then the
/// actual size while inflating: a liar is caught either way).
pub(crate) const MAX_ZIP_PART: u64 = 16 << 20;

/// Raw bytes of a PDF that text is taken from.
pub(crate) const MAX_PDF: usize = 8 << 20;

/// Pages of a PDF that text is taken from (lures have one or two).
pub(crate) const MAX_PDF_PAGES: u32 = 16;

/// Inflated bytes of one PDF stream, and of all of them together.
pub(crate) const MAX_PDF_STREAM: u64 = 16 << 20;
/// See [`MAX_PDF_STREAM`].
pub(crate) const MAX_PDF_INFLATED: u64 = 64 << 20;

/// Wall-clock time for the text of one PDF; past it the extraction is abandoned.
pub(crate) const PDF_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Stack of the thread that reads a PDF (the PDF parser recurses, up to its
/// own nesting limit of 100).
pub(crate) const PDF_STACK: usize = 64 << 20;
