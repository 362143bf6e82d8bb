//! The words of callback lures, compiled once: impersonated brands (with the
//! domains that may legitimately send in their name), transaction language,
//! the phrases that turn a phone number into a call to action, freemail
//! providers, and the web infrastructure that is never a lure domain.
//!
//! Brands are matched on a folded copy of the text (lower case, Cyrillic and
//! Greek look-alikes as Latin letters) at word boundaries, and also with the
//! separators squeezed out when the original is letter-spaced (`P a y P a l`,
//! `N.o.r.t.o.n`).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// A brand scammers impersonate: its name, spellings, and its own domains.
pub(crate) struct Brand {
    pub name: &'static str,
    pub spellings: &'static [&'static str],
    pub domains: &'static [&'static str],
}

pub(crate) const BRANDS: &[Brand] = &[
    Brand {
        name: "Norton",
        spellings: &[
            "norton",
            "n0rton",
            "nort0n",
            "n0rt0n",
            "nortonlifelock",
            "norton360",
            "gen digital",
        ],
        domains: &[
            "norton.com",
            "nortonlifelock.com",
            "lifelock.com",
            "gendigital.com",
            "symantec.com",
        ],
    },
    Brand {
        name: "LifeLock",
        spellings: &["lifelock", "lifel0ck", "life lock"],
        domains: &[
            "lifelock.com",
            "norton.com",
            "nortonlifelock.com",
            "gendigital.com",
        ],
    },
    Brand {
        name: "McAfee",
        spellings: &["mcafee", "mc afee", "mcafe", "mcaffee", "mcafee+", "mcafée"],
        domains: &["mcafee.com"],
    },
    Brand {
        name: "Geek Squad",
        spellings: &["geek squad", "geeksquad", "geek-squad", "geek squad's"],
        domains: &["geeksquad.com", "bestbuy.com"],
    },
    Brand {
        name: "Best Buy",
        spellings: &["best buy", "bestbuy"],
        domains: &["bestbuy.com"],
    },
    Brand {
        name: "PayPal",
        spellings: &["paypal", "pay pal", "paypa1", "paypai", "pay-pal"],
        domains: &["paypal.com", "paypal.me", "paypal-communication.com"],
    },
    Brand {
        name: "Amazon",
        spellings: &["amazon", "amazon prime", "amzn"],
        domains: &[
            "amazon.com",
            "amazon.co.uk",
            "amazon.de",
            "amazon.ca",
            "amazon.in",
            "amazonses.com",
            "amazon.fr",
            "amazon.es",
            "amazon.it",
        ],
    },
    Brand {
        name: "Microsoft",
        spellings: &[
            "microsoft",
            "micros0ft",
            "windows defender",
            "microsoft defender",
            "windows security",
        ],
        domains: &[
            "microsoft.com",
            "microsoftonline.com",
            "office.com",
            "office365.com",
        ],
    },
    Brand {
        name: "Coinbase",
        spellings: &["coinbase", "c0inbase"],
        domains: &["coinbase.com"],
    },
    Brand {
        name: "eBay",
        spellings: &["ebay"],
        domains: &["ebay.com", "ebay.co.uk", "ebay.de"],
    },
    Brand {
        name: "Symantec",
        spellings: &["symantec"],
        domains: &["symantec.com", "broadcom.com"],
    },
    Brand {
        name: "AT&T",
        spellings: &["at&t", "at & t"],
        domains: &["att.com", "att.net"],
    },
    Brand {
        name: "Webroot",
        spellings: &["webroot"],
        domains: &["webroot.com", "opentext.com"],
    },
    Brand {
        name: "Avast",
        spellings: &["avast"],
        domains: &["avast.com"],
    },
    Brand {
        name: "Kaspersky",
        spellings: &["kaspersky"],
        domains: &["kaspersky.com"],
    },
    Brand {
        name: "Malwarebytes",
        spellings: &["malwarebytes"],
        domains: &["malwarebytes.com"],
    },
    Brand {
        name: "Binance",
        spellings: &["binance"],
        domains: &["binance.com"],
    },
    Brand {
        name: "Cash App",
        spellings: &["cash app", "cashapp"],
        domains: &["cash.app", "squareup.com"],
    },
    Brand {
        name: "Venmo",
        spellings: &["venmo"],
        domains: &["venmo.com"],
    },
];

/// Words of orders, invoices, renewals, charges and refunds.
pub(crate) const TRANSACTION_TERMS: &[&str] = &[
    "renewal",
    "renewed",
    "renew",
    "auto-renew",
    "auto renewal",
    "automatic renewal",
    "auto-renewal",
    "subscription",
    "membership",
    "invoice",
    "receipt",
    "billing",
    "bill",
    "order",
    "purchase",
    "purchased",
    "payment",
    "paid",
    "charged",
    "charge",
    "debited",
    "deducted",
    "auto debit",
    "transaction",
    "refund",
    "refunded",
    "cancel",
    "cancellation",
    "dispute",
    "unauthorized",
    "license key",
    "activation key",
    "total amount",
    "amount",
];

/// Phrases that ask the reader to phone (looked for just before a number).
pub(crate) const CALL_PHRASES: &[&str] = &[
    "call",
    "contact",
    "reach",
    "phone",
    "telephone",
    "tel",
    "toll free",
    "toll-free",
    "helpline",
    "help line",
    "hotline",
    "support",
    "assistance",
    "helpdesk",
    "help desk",
    "customer care",
    "customer service",
    "dial",
    "desk",
    "number",
    "speak",
    "📞",
    "☎",
    "📱",
];

/// Phrases of bank statements (two or more: not a lure, a statement).
pub(crate) const STATEMENT_TERMS: &[&str] = &[
    "opening balance",
    "closing balance",
    "direct debit",
    "interest rate",
    "account balance",
    "available balance",
];

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

/// A match: the index of what matched, and its byte span in the text searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub index: usize,
    pub start: usize,
    pub end: usize,
}

/// The compiled word lists.
#[derive(Debug)]
pub(crate) struct Lexicon {
    brands: AhoCorasick,
    brand_of: Vec<usize>,
    squeezed_brands: AhoCorasick,
    squeezed_brand_of: Vec<usize>,
    terms: AhoCorasick,
    calls: AhoCorasick,
    statements: AhoCorasick,
}

impl Lexicon {
    /// Compiles the lists (they are constants: failure is a bug).
    pub fn new() -> Result<Lexicon, String> {
        let mut spellings = Vec::new();
        let mut brand_of = Vec::new();
        let mut squeezed = Vec::new();
        let mut squeezed_brand_of = Vec::new();
        for (index, brand) in BRANDS.iter().enumerate() {
            for spelling in brand.spellings {
                spellings.push(*spelling);
                brand_of.push(index);
                let letters: String = spelling
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .collect();
                if letters.len() >= 5 && !squeezed.contains(&letters) {
                    squeezed.push(letters);
                    squeezed_brand_of.push(index);
                }
            }
        }
        Ok(Lexicon {
            brands: automaton(&spellings)?,
            brand_of,
            squeezed_brands: automaton(&squeezed)?,
            squeezed_brand_of,
            terms: automaton(TRANSACTION_TERMS)?,
            calls: automaton(CALL_PHRASES)?,
            statements: automaton(STATEMENT_TERMS)?,
        })
    }

    /// Brands named in `text` (index into [`BRANDS`], span in `text`), in order.
    pub fn brands(&self, text: &str) -> Vec<Hit> {
        let folded = Folded::new(text);
        let mut hits: Vec<Hit> = whole_words(&self.brands, &folded.text)
            .map(|hit| Hit {
                index: self.brand_of[hit.index],
                ..folded.original(hit)
            })
            .collect();
        let squeezed = Folded::squeezed(text);
        for hit in self.squeezed_brands.find_iter(&squeezed.text) {
            let span = squeezed.original(Hit {
                index: 0,
                start: hit.start(),
                end: hit.end(),
            });
            if is_letter_spaced(&text[span.start..span.end])
                && !hits
                    .iter()
                    .any(|h| h.start <= span.start && span.end <= h.end)
            {
                hits.push(Hit {
                    index: self.squeezed_brand_of[hit.pattern().as_usize()],
                    ..span
                });
            }
        }
        hits.sort_by_key(|hit| hit.start);
        hits
    }

    /// Transaction words in `text` (index into [`TRANSACTION_TERMS`]), at word boundaries.
    pub fn terms(&self, text: &str) -> Vec<Hit> {
        whole_words(&self.terms, text).collect()
    }

    /// The call-to-action phrase nearest the end of `text`, if any.
    pub fn last_call(&self, text: &str) -> Option<Hit> {
        whole_words(&self.calls, text).last()
    }

    /// How many distinct bank-statement phrases `text` has.
    pub fn statement_terms(&self, text: &str) -> usize {
        let mut seen: Vec<usize> = whole_words(&self.statements, text)
            .map(|h| h.index)
            .collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    }
}

fn automaton<P: AsRef<[u8]>>(patterns: &[P]) -> Result<AhoCorasick, String> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(patterns)
        .map_err(|e| format!("mail word list: {e}"))
}

/// Matches that start and end at word boundaries.
fn whole_words<'a>(automaton: &'a AhoCorasick, text: &'a str) -> impl Iterator<Item = Hit> + 'a {
    let bytes = text.as_bytes();
    automaton.find_iter(text).filter_map(move |m| {
        let before = m.start().checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(m.end()).copied();
        let word = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
        let first = bytes[m.start()];
        let last = bytes[m.end() - 1];
        let open = !word(before) || !first.is_ascii_alphanumeric();
        let close = !word(after) || !last.is_ascii_alphanumeric();
        (open && close).then_some(Hit {
            index: m.pattern().as_usize(),
            start: m.start(),
            end: m.end(),
        })
    })
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

/// A folded copy of a text and, for each of its bytes, the span of the
/// original character it came from.
struct Folded {
    text: String,
    origin: Vec<(usize, usize)>,
}

impl Folded {
    /// Lower case, look-alike letters as Latin ones, everything else kept.
    fn new(text: &str) -> Folded {
        Folded::build(text, |c| Some(fold(c)))
    }

    /// Only letters and digits, folded.
    fn squeezed(text: &str) -> Folded {
        Folded::build(text, |c| {
            let c = fold(c);
            c.is_alphanumeric().then_some(c)
        })
    }

    fn build(text: &str, map: impl Fn(char) -> Option<char>) -> Folded {
        let mut out = String::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len());
        for (at, c) in text.char_indices() {
            if let Some(folded) = map(c) {
                out.push(folded);
                origin.extend(std::iter::repeat_n(
                    (at, at + c.len_utf8()),
                    folded.len_utf8(),
                ));
            }
        }
        Folded { text: out, origin }
    }

    /// The span of the original text a folded span came from.
    fn original(&self, hit: Hit) -> Hit {
        let start = self.origin.get(hit.start).map_or(0, |&(start, _)| start);
        let end = hit
            .end
            .checked_sub(1)
            .and_then(|last| self.origin.get(last))
            .map_or(start, |&(_, end)| end);
        Hit {
            index: hit.index,
            start,
            end: end.max(start),
        }
    }
}

/// Lower case; Cyrillic and Greek letters that look Latin as Latin.
fn fold(c: char) -> char {
    let lower = c.to_lowercase().next().unwrap_or(c);
    match lower {
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ε' | 'ё' => 'e',
        'һ' => 'h',
        'і' | 'ι' | 'ї' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'п' | 'ո' => 'n',
        'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' => 'u',
        'ν' => 'v',
        'ш' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brand_names(lexicon: &Lexicon, text: &str) -> Vec<(&'static str, String)> {
        lexicon
            .brands(text)
            .into_iter()
            .map(|hit| (BRANDS[hit.index].name, text[hit.start..hit.end].to_owned()))
            .collect()
    }

    #[test]
    fn brands_in_disguise() {
        let lexicon = Lexicon::new().unwrap();
        assert_eq!(
            brand_names(&lexicon, "Your NorTon order, via Pay Pal"),
            [
                ("Norton", "NorTon".to_owned()),
                ("PayPal", "Pay Pal".to_owned())
            ]
        );
        assert_eq!(
            brand_names(&lexicon, "P a y P a l refund"),
            [("PayPal", "P a y P a l".to_owned())]
        );
        assert_eq!(
            brand_names(&lexicon, "Nоrtоn 360"),
            [("Norton", "Nоrtоn".to_owned())]
        );
        assert_eq!(
            brand_names(&lexicon, "N.o.r.t.o.n"),
            [("Norton", "N.o.r.t.o.n".to_owned())]
        );
        assert!(brand_names(&lexicon, "Alabama zone, webay, nortonville").is_empty());
    }

    #[test]
    fn terms_and_calls_at_word_boundaries() {
        let lexicon = Lexicon::new().unwrap();
        let terms: Vec<&str> = lexicon
            .terms("Your order receipt: refund or cancel; disorder")
            .into_iter()
            .map(|h| TRANSACTION_TERMS[h.index])
            .collect();
        assert_eq!(terms, ["order", "receipt", "refund", "cancel"]);
        assert!(lexicon.last_call("please call us at ").is_some());
        assert!(lexicon.last_call("recall ").is_none());
        assert_eq!(
            lexicon.statement_terms("Opening balance 1, closing balance 2"),
            2
        );
    }
}
