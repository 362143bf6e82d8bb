//! The words of callback lures, compiled once from the data files: brands
//! (with the domains that may legitimately send in their name), the
//! transaction, dispute, urgency, call-to-action and bank-statement words of
//! every language, country names, and the language detector; plus the
//! freemail providers and the web infrastructure that is never a lure
//! domain.
//!
//! Words are matched on folded text (`fold`) at word boundaries, all
//! languages in one pass (overlapping matches, so that `contact` is found
//! inside a text where `contacte` is also a pattern); a pattern marked `*`
//! may sit inside a compound. Brands are matched on text folded further
//! (`N0rt0n`), letter-spaced (`P a y P a l`), and short ones (`UPS`) only
//! as written.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use whatlang::Lang;

use crate::lure::data::{self, Brand, RegionHints};
use crate::lure::fold::{Fold, Folded, at_boundaries, fold_str};

/// Free webmail providers: anyone can send from them.
pub(crate) const FREEMAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "ymail.com",
    "rocketmail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "aol.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "gmx.com",
    "gmx.net",
    "gmx.de",
    "web.de",
    "t-online.de",
    "mail.com",
    "protonmail.com",
    "proton.me",
    "zoho.com",
    "yandex.com",
    "yandex.ru",
    "mail.ru",
    "inbox.ru",
    "list.ru",
    "bk.ru",
    "qq.com",
    "163.com",
    "126.com",
    "sina.com",
    "rediffmail.com",
    "libero.it",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "comcast.net",
    "verizon.net",
    "att.net",
    "sbcglobal.net",
    "cox.net",
    "tutanota.com",
    "hushmail.com",
    "yahoo.co.uk",
    "yahoo.co.in",
    "yahoo.fr",
    "hotmail.co.uk",
    "hotmail.fr",
    "outlook.in",
    "aim.com",
];

/// Domains of shared web infrastructure: never reported as lure domains.
pub(crate) const INFRASTRUCTURE: &[&str] = &[
    "google.com",
    "googleusercontent.com",
    "googleapis.com",
    "gstatic.com",
    "microsoft.com",
    "office.com",
    "live.com",
    "outlook.com",
    "apple.com",
    "icloud.com",
    "amazonaws.com",
    "cloudfront.net",
    "w3.org",
    "schema.org",
    "akamaihd.net",
    "facebook.com",
    "twitter.com",
    "x.com",
    "linkedin.com",
    "instagram.com",
    "youtube.com",
];

/// What a word says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Category {
    Transaction,
    Dispute,
    Urgency,
    Call,
    Statement,
    /// A country's name (index into the regions).
    Country(usize),
}

/// A brand named in a text: the brand's index and the byte span as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub index: usize,
    pub start: usize,
    pub end: usize,
}

/// A word found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WordHit {
    /// Index into [`Lexicon::term`] (the same word in two languages is two terms).
    pub term: usize,
    /// Index into [`Lexicon::languages`].
    pub language: usize,
    pub category: Category,
    /// Byte span in the original text.
    pub start: usize,
    pub end: usize,
}

/// What one pattern of the word automaton is.
#[derive(Debug, Clone, Copy)]
struct WordInfo {
    language: usize,
    category: Category,
    /// Whether the word may continue a compound before / after it.
    open: (bool, bool),
}

/// The compiled data.
#[derive(Debug)]
pub(crate) struct Lexicon {
    brands: Vec<Brand>,
    brand_words: AhoCorasick,
    brand_of: Vec<usize>,
    squeezed_brands: AhoCorasick,
    squeezed_brand_of: Vec<usize>,
    exact_brands: Option<AhoCorasick>,
    exact_brand_of: Vec<usize>,
    words: AhoCorasick,
    word_info: Vec<WordInfo>,
    terms: Vec<String>,
    languages: Vec<String>,
    regions: Vec<RegionHints>,
    detector: whatlang::Detector,
}

/// Index of English in [`Lexicon::languages`] (its vocabulary is read in every message).
pub(crate) const ENGLISH: usize = 0;

impl Lexicon {
    /// Compiles the data files (they are compiled in: failure is a bug the tests catch).
    pub fn new() -> Result<Lexicon, String> {
        let brands = data::brands()?;
        let vocabularies = data::vocabularies()?;
        let regions = data::regions()?;
        let mut spellings = Vec::new();
        let mut brand_of = Vec::new();
        let mut squeezed: Vec<String> = Vec::new();
        let mut squeezed_brand_of = Vec::new();
        let mut exact = Vec::new();
        let mut exact_brand_of = Vec::new();
        for (index, brand) in brands.iter().enumerate() {
            for spelling in &brand.spellings {
                spellings.push(fold_str(spelling, Fold::Brands));
                brand_of.push(index);
                let letters = fold_str(spelling, Fold::Squeezed);
                if letters.len() >= 5 && !squeezed.contains(&letters) {
                    squeezed.push(letters);
                    squeezed_brand_of.push(index);
                }
            }
            for name in &brand.exact {
                exact.push(name.clone());
                exact_brand_of.push(index);
            }
        }
        let mut patterns: Vec<String> = Vec::new();
        let mut word_info = Vec::new();
        let mut languages = Vec::new();
        let mut push = |word: &str, language: usize, category: Category| {
            let open = (word.starts_with('*'), word.ends_with('*'));
            let folded = fold_str(word.trim_matches('*'), Fold::Words);
            if !folded.is_empty() {
                patterns.push(folded);
                word_info.push(WordInfo {
                    language,
                    category,
                    open,
                });
            }
        };
        for (language, vocabulary) in vocabularies.iter().enumerate() {
            languages.push(vocabulary.language.clone());
            for (words, category) in [
                (&vocabulary.transaction, Category::Transaction),
                (&vocabulary.dispute, Category::Dispute),
                (&vocabulary.urgency, Category::Urgency),
                (&vocabulary.call, Category::Call),
                (&vocabulary.statement, Category::Statement),
            ] {
                for word in words {
                    push(word, language, category);
                }
            }
        }
        for (index, region) in regions.iter().enumerate() {
            for name in &region.names {
                push(name, ENGLISH, Category::Country(index));
            }
        }
        let allow: Vec<Lang> = languages.iter().filter_map(|code| lang_of(code)).collect();
        if allow.len() != languages.len() {
            return Err("data/lure/lang: a language whatlang does not know".into());
        }
        Ok(Lexicon {
            brand_words: automaton(&spellings, MatchKind::LeftmostLongest)?,
            brand_of,
            squeezed_brands: automaton(&squeezed, MatchKind::LeftmostLongest)?,
            squeezed_brand_of,
            exact_brands: if exact.is_empty() {
                None
            } else {
                Some(
                    AhoCorasickBuilder::new()
                        .match_kind(MatchKind::LeftmostLongest)
                        .build(&exact)
                        .map_err(|e| format!("brand names: {e}"))?,
                )
            },
            exact_brand_of,
            words: automaton(&patterns, MatchKind::Standard)?,
            word_info,
            terms: patterns,
            languages,
            regions,
            detector: whatlang::Detector::with_allowlist(allow),
            brands,
        })
    }

    /// Every brand, in data order.
    pub fn brand_list(&self) -> &[Brand] {
        &self.brands
    }

    /// One brand.
    pub fn brand(&self, index: usize) -> &Brand {
        &self.brands[index]
    }

    /// The languages, in data order (English first).
    pub fn languages(&self) -> &[String] {
        &self.languages
    }

    /// The regions, in data order.
    pub fn regions(&self) -> &[RegionHints] {
        &self.regions
    }

    /// The folded text of a term.
    pub fn term(&self, term: usize) -> &str {
        &self.terms[term]
    }

    /// Brands named in `text` (index into [`Lexicon::brand_list`], span in `text`), in order.
    pub fn brands(&self, text: &str) -> Vec<Hit> {
        let folded = Folded::new(text, Fold::Brands);
        let mut hits: Vec<Hit> = Vec::new();
        for m in self.brand_words.find_iter(&folded.text) {
            if at_boundaries(&folded.text, m.start(), m.end(), (false, false)) {
                let (start, end) = folded.original(m.start(), m.end());
                hits.push(Hit {
                    index: self.brand_of[m.pattern().as_usize()],
                    start,
                    end,
                });
            }
        }
        if let Some(exact) = &self.exact_brands {
            for m in exact.find_iter(text) {
                if at_boundaries(text, m.start(), m.end(), (false, false))
                    && !hits
                        .iter()
                        .any(|h| h.start <= m.start() && m.end() <= h.end)
                {
                    hits.push(Hit {
                        index: self.exact_brand_of[m.pattern().as_usize()],
                        start: m.start(),
                        end: m.end(),
                    });
                }
            }
        }
        let squeezed = Folded::new(text, Fold::Squeezed);
        for m in self.squeezed_brands.find_iter(&squeezed.text) {
            let (start, end) = squeezed.original(m.start(), m.end());
            if is_letter_spaced(&text[start..end])
                && !hits.iter().any(|h| h.start <= start && end <= h.end)
            {
                hits.push(Hit {
                    index: self.squeezed_brand_of[m.pattern().as_usize()],
                    start,
                    end,
                });
            }
        }
        hits.sort_by_key(|hit| hit.start);
        hits
    }

    /// Every word of every language in `text`, in order; a word inside a
    /// longer one of the same category and language is left out.
    pub fn words(&self, text: &str) -> Vec<WordHit> {
        let folded = Folded::new(text, Fold::Words);
        let mut hits: Vec<(usize, usize, usize)> = Vec::new();
        for m in self.words.find_overlapping_iter(&folded.text) {
            let info = self.word_info[m.pattern().as_usize()];
            if at_boundaries(&folded.text, m.start(), m.end(), info.open) {
                hits.push((m.pattern().as_usize(), m.start(), m.end()));
            }
        }
        let mut out: Vec<WordHit> = Vec::with_capacity(hits.len());
        for &(pattern, start, end) in &hits {
            let info = self.word_info[pattern];
            let inside_longer = hits.iter().any(|&(other, s, e)| {
                let other_info = self.word_info[other];
                other != pattern
                    && other_info.category == info.category
                    && other_info.language == info.language
                    && s <= start
                    && end <= e
                    && e - s > end - start
            });
            if inside_longer {
                continue;
            }
            let (start, end) = folded.original(start, end);
            out.push(WordHit {
                term: pattern,
                language: info.language,
                category: info.category,
                start,
                end,
            });
        }
        out.sort_by_key(|hit| (hit.start, hit.end));
        // A word and a stem that covers it (`refund`, `refund*`) are one hit.
        out.dedup_by(|a, b| {
            (a.start, a.end, a.category, a.language) == (b.start, b.end, b.category, b.language)
        });
        out
    }

    /// The language of `sample` (index into [`Lexicon::languages`]): the
    /// detector's answer when it is sure, else the language whose words the
    /// message uses most (English when none stands out).
    pub fn language(&self, sample: &str, hits: &[WordHit]) -> usize {
        let mut counts = vec![0usize; self.languages.len()];
        for hit in hits {
            if !matches!(hit.category, Category::Country(_)) {
                counts[hit.language] += 1;
            }
        }
        let by_words = counts
            .iter()
            .enumerate()
            .skip(1)
            .max_by_key(|&(index, count)| (*count, std::cmp::Reverse(index)))
            .filter(|&(_, count)| *count >= 2 && *count * 2 >= counts[ENGLISH])
            .map_or(ENGLISH, |(index, _)| index);
        let detected = self
            .detector
            .detect(sample)
            .filter(|info| info.is_reliable() || info.confidence() > 0.5)
            .and_then(|info| {
                self.languages
                    .iter()
                    .position(|code| lang_of(code) == Some(info.lang()))
            });
        match detected {
            // The detector is sure, and the words do not contradict it.
            Some(language) if language == by_words || counts[language] > 0 => language,
            Some(language) if counts[by_words] == 0 => language,
            _ => by_words,
        }
    }
}

/// The whatlang language of an ISO 639-1 code.
fn lang_of(code: &str) -> Option<Lang> {
    Some(match code {
        "en" => Lang::Eng,
        "de" => Lang::Deu,
        "fr" => Lang::Fra,
        "es" => Lang::Spa,
        "it" => Lang::Ita,
        "pt" => Lang::Por,
        "nl" => Lang::Nld,
        _ => return None,
    })
}

fn automaton<P: AsRef<[u8]>>(patterns: &[P], kind: MatchKind) -> Result<AhoCorasick, String> {
    AhoCorasickBuilder::new()
        .match_kind(kind)
        .build(patterns)
        .map_err(|e| format!("mail word list: {e}"))
}

/// Whether a span is spelled out letter by letter (`P a y P a l`, `N.o.r.t.o.n`):
/// two or more separators, and no piece longer than two letters.
fn is_letter_spaced(span: &str) -> bool {
    let pieces: Vec<&str> = span
        .split(|c: char| !c.is_alphanumeric())
        .filter(|piece| !piece.is_empty())
        .collect();
    pieces.len() >= 3 && pieces.iter().all(|piece| piece.chars().count() <= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brand_names(lexicon: &Lexicon, text: &str) -> Vec<(String, String)> {
        lexicon
            .brands(text)
            .into_iter()
            .map(|hit| {
                (
                    lexicon.brand(hit.index).name.clone(),
                    text[hit.start..hit.end].to_owned(),
                )
            })
            .collect()
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn brands_in_disguise() {
        let lexicon = Lexicon::new().unwrap();
        assert_eq!(
            brand_names(&lexicon, "Your NorTon order, via Pay Pal"),
            pairs(&[("Norton", "NorTon"), ("PayPal", "Pay Pal")])
        );
        assert_eq!(
            brand_names(&lexicon, "P a y P a l refund"),
            pairs(&[("PayPal", "P a y P a l")])
        );
        assert_eq!(
            brand_names(&lexicon, "Nоrtоn 360"),
            pairs(&[("Norton", "Nоrtоn 360")])
        );
        assert_eq!(
            brand_names(&lexicon, "N.o.r.t.o.n and N0rt0n"),
            pairs(&[("Norton", "N.o.r.t.o.n"), ("Norton", "N0rt0n")])
        );
        assert_eq!(
            brand_names(&lexicon, "Your UPS parcel, not ups and downs"),
            pairs(&[("UPS", "UPS")])
        );
        assert!(brand_names(&lexicon, "Alabama zone, webay, nortonville").is_empty());
    }

    #[test]
    fn words_of_every_language_at_boundaries() {
        let lexicon = Lexicon::new().unwrap();
        let words = |text: &str| -> Vec<(String, Category)> {
            lexicon
                .words(text)
                .into_iter()
                .map(|h| (text[h.start..h.end].to_owned(), h.category))
                .collect()
        };
        assert_eq!(
            words("Your order receipt: refund; disorder"),
            [
                ("order".to_owned(), Category::Transaction),
                ("receipt".to_owned(), Category::Transaction),
                ("refund".to_owned(), Category::Dispute),
            ]
        );
        assert_eq!(
            words("Ihre Jahresrechnung: Rückerstattung"),
            [
                ("rechnung".to_owned(), Category::Transaction),
                ("Rückerstattung".to_owned(), Category::Dispute),
            ]
        );
        assert!(
            words("please contact us")
                .iter()
                .any(|(w, c)| w == "contact" && *c == Category::Call)
        );
        assert!(words("recall").is_empty());
    }

    #[test]
    fn languages_are_told_apart() {
        let lexicon = Lexicon::new().unwrap();
        let language = |text: &str| {
            let hits = lexicon.words(text);
            lexicon.languages()[lexicon.language(text, &hits)].clone()
        };
        assert_eq!(
            language("Ihr Abonnement wurde verlängert. Bei Fragen rufen Sie uns bitte an."),
            "de"
        );
        assert_eq!(
            language("Votre abonnement a été renouvelé. Pour un remboursement, appelez-nous."),
            "fr"
        );
        assert_eq!(
            language("Su suscripción ha sido renovada. Para cancelar, llame a nuestro equipo."),
            "es"
        );
        assert_eq!(
            language("Il suo abbonamento è stato rinnovato. Per annullare chiami il numero."),
            "it"
        );
        assert_eq!(
            language("A sua assinatura foi renovada. Para cancelar, ligue para a nossa linha."),
            "pt"
        );
        assert_eq!(
            language("Uw abonnement is verlengd. Wilt u annuleren, bel dan onze klantenservice."),
            "nl"
        );
        assert_eq!(
            language("Your subscription was renewed. To cancel, call our billing desk."),
            "en"
        );
    }
}
