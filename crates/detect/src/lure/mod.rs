//! Recognizing callback-phishing lures in a message: the brand, transaction
//! and call-to-action vocabularies compiled once ([`Lexicon`]), a tolerant
//! phone-number scanner validated to E.164 (`phone`), and the gated,
//! weighted lure score with every signal and its text span (`assess`). The
//! mail rules (`rules/mail.rs`) turn an assessment into findings.

pub(crate) mod assess;
pub(crate) mod lexicon;
pub(crate) mod phone;

pub(crate) use lexicon::Lexicon;
