//! Mail: `.eml` files (one message; Maildir folders are files of this
//! kind), mbox mailboxes (many messages, split on `From ` lines) and their
//! gzip-compressed forms, each message turned into one `Mail` event.
//!
//! The flow for one message: `framing` cuts it out of the stream with
//! bounded memory (a header line or a message over its limit is cut, and
//! said so), `message` decodes the MIME structure with `mail-parser` and
//! builds the event (body text from text and HTML parts, attachments with
//! the text of PDF, DOCX, calendar and text files), and `normalize` makes
//! all text comparable (NFKC, invisible characters removed).
//!
//! Mail is never prefiltered: the callback-phishing rules need no catalog
//! needle, so every message is read. Every limit is in [`limits`]; a message
//! or attachment over one becomes a diagnostic with the file and the byte
//! offset of the message, never a crash or an unbounded allocation.

//!
//! [`sniff`] recognizes mail by its header block; it is built even without
//! the `mail` feature, so that mail is named (and passed over with a reason)
//! rather than taken for unknown text.

#[cfg(feature = "mail")]
mod auth;
#[cfg(feature = "mail")]
mod docx;
#[cfg(feature = "mail")]
mod framing;
#[cfg(feature = "mail")]
mod html;
#[cfg(feature = "mail")]
mod ics;
#[cfg(feature = "mail")]
pub(crate) mod limits;
#[cfg(feature = "mail")]
mod links;
#[cfg(feature = "mail")]
mod message;
#[cfg(feature = "mail")]
mod normalize;
pub(crate) mod ocr;
#[cfg(feature = "mail")]
mod pdf;
#[cfg(feature = "mail")]
mod read;
pub(crate) mod sniff;

#[cfg(feature = "mail")]
pub(crate) use read::{plan, read_eml, read_mbox_range, read_mbox_stream};
