//! Recognizing callback-phishing lures in a message: the data (brands,
//! vocabularies of seven languages, region hints) compiled once
//! ([`Lexicon`], from `data`, folded by `fold`), a tolerant phone-number
//! scanner validated to E.164 in the message's region (`phone`, `region`),
//! amounts in every common format (`amount`), look-alike domains
//! (`lookalike`), the receiving server's authentication results (`auth`),
//! and the gated, weighted lure score with every signal and its text span
//! (`assess`). The mail rules (`rules/mail.rs`) turn an assessment into
//! findings.

pub(crate) mod amount;
pub(crate) mod assess;
pub(crate) mod auth;
pub(crate) mod data;
pub(crate) mod fold;
pub(crate) mod lexicon;
pub(crate) mod lookalike;
pub(crate) mod phone;
pub(crate) mod region;

use phonenumber::country;

pub(crate) use lexicon::Lexicon;

/// Everything the lure assessment needs, built once per detector.
#[derive(Debug)]
pub(crate) struct Lure {
    pub lexicon: Lexicon,
    pub names: lookalike::Names,
    /// The region national numbers are read in when the message says nothing.
    pub default_region: country::Id,
}

impl Lure {
    /// Compiles the data for national numbers defaulting to `default_region`.
    pub fn new(default_region: country::Id) -> Result<Lure, String> {
        let lexicon = Lexicon::new()?;
        let names = lookalike::Names::new(&lexicon);
        Ok(Lure {
            lexicon,
            names,
            default_region,
        })
    }
}
