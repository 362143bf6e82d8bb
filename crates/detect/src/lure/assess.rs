//! Judging one message as a callback lure, transparently: every signal that
//! fired is kept with its weight and the text it fired on, and the verdict
//! is a sum against a threshold behind three gates.
//!
//! Gates (all required for a callback lure):
//! 1. a valid phone number with a call to action just before it
//!    (`call`, `contact`, `support`, `helpline`, `📞`, …);
//! 2. lure content about money: two or more transaction words, or an amount;
//! 3. an untrusted sender: freemail, a display name that does not match the
//!    address, a brand named by a sender outside the brand's domains, or a
//!    Reply-To that differs from the sender.
//!
//! Then the score (see [`Weights`]) must reach [`THRESHOLD`]. A message with
//! no readable text, image attachments and brand or transaction words in
//! its subject is an image-only lure instead (images are not read: no OCR).
//!
//! Numbers in text the HTML hides from the reader are reported apart
//! (`hidden_phones`): context, never a call to action or an indicator.

use rmmguard_events::{AttachmentKind, Mail};

use crate::lure::lexicon::{BRANDS, FREEMAIL, Hit, Lexicon, TRANSACTION_TERMS};
use crate::lure::phone;

/// The score a callback lure needs.
pub(crate) const THRESHOLD: i32 = 4;

/// Body text shorter than this (in characters) counts as short.
const SHORT_BODY: usize = 1750;

/// Body text longer than this (in characters) is newsletter-shaped.
const LONG_BODY: usize = 4000;

/// How far before a number (bytes) a call to action is looked for.
const CALL_WINDOW: usize = 100;

/// Brands count when named in the subject, the sender's name, or this many
/// first bytes of a text: a lure puts the brand up front, a newsletter that
/// mentions one deep in an article is not impersonating it.
const PROMINENT: usize = 1000;

/// The weights of the signals.
struct Weights;

impl Weights {
    const BRAND: i32 = 2;
    const TRANSACTION: i32 = 1;
    const MANY_TRANSACTION: i32 = 2;
    const AMOUNT: i32 = 1;
    const NO_LINKS: i32 = 1;
    const SOME_LINKS: i32 = -1;
    const MANY_LINKS: i32 = -2;
    const SHORT_BODY: i32 = 1;
    const LONG_BODY: i32 = -2;
    const FREEMAIL: i32 = 1;
    const DISPLAY_NAME: i32 = 1;
    const SENDER_NOT_BRAND: i32 = 1;
    const REPLY_TO: i32 = 1;
    const ATTACHMENT_ONLY: i32 = 1;
    const HIDDEN_TEXT: i32 = 1;
    const REPLY_THREAD: i32 = -2;
    const BANK_STATEMENT: i32 = -3;
}

/// Where the call to action is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Place {
    /// The subject or body.
    Body,
    /// Only in this attachment (index into `Mail::attachments`).
    Attachment(usize),
}

/// What the message is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Not a lure this module recognizes.
    Clean,
    /// A callback lure, with the call to action in this place.
    Callback(Place),
    /// No text to read, images attached, and lure words around them.
    ImageOnly,
}

/// Every signal name the assessment can give (a test checks each has a
/// fact key, and that this list names every signal made below).
#[cfg(test)]
pub(crate) const SIGNAL_NAMES: &[&str] = &[
    "phone",
    "brand",
    "transaction",
    "amount",
    "freemail-sender",
    "display-name-mismatch",
    "sender-not-brand",
    "reply-to-differs",
    "no-links",
    "some-links",
    "many-links",
    "hidden-text",
    "short-body",
    "long-body",
    "attachment-only",
    "reply-thread",
    "bank-statement",
];

/// A signal that fired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signal {
    /// Stable name (`brand`, `freemail-sender`, …).
    pub name: &'static str,
    /// What it adds to the score (0 for gates).
    pub weight: i32,
    /// What it fired on, with the place and byte offset (`"McAfee" at body:120`).
    pub detail: String,
}

/// A phone number as found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FoundPhone {
    pub e164: String,
    /// `body:812`, `attachment invoice.pdf:40`.
    pub at: String,
    /// The number as written.
    pub written: String,
    /// The call to action before it, if any.
    pub call: Option<String>,
    /// Which place (for the attachment-only decision).
    pub place: Place,
}

/// The judgement of one message.
#[derive(Debug, Clone)]
pub(crate) struct Assessment {
    pub verdict: Verdict,
    pub phones: Vec<FoundPhone>,
    pub signals: Vec<Signal>,
    pub score: i32,
    /// Brands named, by name, in order of first mention.
    pub brands: Vec<&'static str>,
    /// Valid numbers in hidden text, E.164 (context, not indicators).
    pub hidden_phones: Vec<String>,
}

impl Assessment {
    /// `brand +2, transaction +2, …`: the score's parts.
    pub fn breakdown(&self) -> String {
        self.signals
            .iter()
            .filter(|s| s.weight != 0)
            .map(|s| format!("{} {:+}", s.name, s.weight))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The phones a reader is asked to call (with a call to action), in E.164.
    pub fn call_numbers(&self) -> Vec<&str> {
        let mut numbers: Vec<&str> = Vec::new();
        for phone in self.phones.iter().filter(|p| p.call.is_some()) {
            if !numbers.contains(&phone.e164.as_str()) {
                numbers.push(&phone.e164);
            }
        }
        numbers
    }
}

/// One text of the message, with its label for evidence.
struct Text<'a> {
    label: String,
    text: &'a str,
    place: Place,
}

/// Judges a message.
pub(crate) fn assess(lexicon: &Lexicon, mail: &Mail) -> Assessment {
    let texts = texts(mail);
    let phones = find_phones(lexicon, &texts);
    let place = if phones
        .iter()
        .any(|p| p.call.is_some() && p.place == Place::Body)
    {
        Some(Place::Body)
    } else {
        phones
            .iter()
            .find(|p| p.call.is_some())
            .map(|p| p.place.clone())
    };
    let mut signals = Vec::new();
    if let Some(first) = phones.iter().find(|p| p.call.is_some()) {
        signals.push(Signal {
            name: "phone",
            weight: 0,
            detail: format!(
                "{:?} at {} after {:?}",
                first.written,
                first.at,
                first.call.as_deref().unwrap_or("")
            ),
        });
    }
    let content = content_signals(lexicon, mail, &texts, &mut signals);
    let sender = sender_signals(mail, &content.brands, &mut signals);
    shape_signals(lexicon, mail, &place, &texts, &mut signals);
    let score: i32 = signals.iter().map(|s| s.weight).sum();
    // A callback lure is about money: a brand alone (credential phishing
    // often names one, with the brand's number in a footer) is not enough.
    let lure_content = content.terms >= 2 || content.amount;
    let verdict = match &place {
        Some(place) if lure_content && sender && score >= THRESHOLD => {
            Verdict::Callback(place.clone())
        }
        _ if is_image_only(mail)
            && sender
            && (!content.brands.is_empty() || content.terms >= 1) =>
        {
            Verdict::ImageOnly
        }
        _ => Verdict::Clean,
    };
    let hidden_phones = phone::find(&mail.hidden_text)
        .into_iter()
        .map(|p| p.e164)
        .collect();
    Assessment {
        verdict,
        phones,
        signals,
        score,
        brands: content.brands,
        hidden_phones,
    }
}

fn texts(mail: &Mail) -> Vec<Text<'_>> {
    let mut texts = Vec::new();
    if let Some(subject) = &mail.subject {
        texts.push(Text {
            label: "subject".into(),
            text: subject,
            place: Place::Body,
        });
    }
    texts.push(Text {
        label: "body".into(),
        text: &mail.body,
        place: Place::Body,
    });
    for (index, attachment) in mail.attachments.iter().enumerate() {
        let readable = matches!(
            attachment.kind,
            AttachmentKind::Pdf
                | AttachmentKind::Docx
                | AttachmentKind::Calendar
                | AttachmentKind::Text
        );
        if let (true, Some(text)) = (readable, &attachment.text) {
            let name = attachment
                .name
                .as_deref()
                .unwrap_or(&attachment.content_type);
            texts.push(Text {
                label: format!("attachment {name}"),
                text,
                place: Place::Attachment(index),
            });
        }
    }
    texts
}

fn find_phones(lexicon: &Lexicon, texts: &[Text<'_>]) -> Vec<FoundPhone> {
    let mut found: Vec<FoundPhone> = Vec::new();
    for text in texts {
        for phone in phone::find(text.text) {
            let window_start = floor_boundary(text.text, phone.start.saturating_sub(CALL_WINDOW));
            let before = &text.text[window_start..phone.start];
            let call = lexicon
                .last_call(before)
                .map(|hit| before[hit.start..hit.end].to_owned());
            let known = found.iter_mut().find(|p| p.e164 == phone.e164);
            match known {
                // Keep the first sighting, but let a later one supply the call to action.
                Some(known) if known.call.is_none() && call.is_some() => {
                    known.call = call;
                    known.at = format!("{}:{}", text.label, phone.start);
                    known.written = text.text[phone.start..phone.end].to_owned();
                    if text.place == Place::Body {
                        known.place = Place::Body;
                    }
                }
                Some(known) => {
                    if text.place == Place::Body && call.is_some() {
                        known.place = Place::Body;
                    }
                }
                None => found.push(FoundPhone {
                    e164: phone.e164,
                    at: format!("{}:{}", text.label, phone.start),
                    written: text.text[phone.start..phone.end].to_owned(),
                    call,
                    place: text.place.clone(),
                }),
            }
        }
    }
    found
}

/// What the lure content amounted to.
struct Content {
    brands: Vec<&'static str>,
    terms: usize,
    amount: bool,
}

fn content_signals(
    lexicon: &Lexicon,
    mail: &Mail,
    texts: &[Text<'_>],
    signals: &mut Vec<Signal>,
) -> Content {
    let display_name = mail.from.as_ref().and_then(|from| from.name.as_deref());
    let mut all: Vec<(String, &str)> = texts.iter().map(|t| (t.label.clone(), t.text)).collect();
    if let Some(name) = display_name {
        all.insert(0, ("sender name".into(), name));
    }
    let mut brands: Vec<&'static str> = Vec::new();
    let mut first_brand: Option<String> = None;
    let mut terms: Vec<&'static str> = Vec::new();
    let mut first_term: Option<String> = None;
    let mut amount: Option<String> = None;
    for (label, text) in &all {
        let lead = &text[..floor_boundary(text, PROMINENT.min(text.len()))];
        for hit in lexicon.brands(lead) {
            let name = BRANDS[hit.index].name;
            if !brands.contains(&name) {
                brands.push(name);
            }
            first_brand.get_or_insert_with(|| spot(lead, hit, label));
        }
        for hit in lexicon.terms(text) {
            let term = TRANSACTION_TERMS[hit.index];
            if !terms.contains(&term) {
                terms.push(term);
            }
            first_term.get_or_insert_with(|| spot(text, hit, label));
        }
        if amount.is_none()
            && let Some(hit) = find_amount(text)
        {
            amount = Some(spot(text, hit, label));
        }
    }
    if let Some(first) = first_brand {
        let also = if brands.len() > 1 {
            format!(" (brands: {})", brands.join(", "))
        } else {
            String::new()
        };
        signals.push(Signal {
            name: "brand",
            weight: Weights::BRAND,
            detail: format!("{first}{also}"),
        });
    }
    if terms.len() >= 2 {
        signals.push(Signal {
            name: "transaction",
            weight: if terms.len() >= 4 {
                Weights::MANY_TRANSACTION
            } else {
                Weights::TRANSACTION
            },
            detail: format!(
                "{} (first {})",
                terms.join(", "),
                first_term.unwrap_or_default()
            ),
        });
    }
    if let Some(amount) = &amount {
        signals.push(Signal {
            name: "amount",
            weight: Weights::AMOUNT,
            detail: amount.clone(),
        });
    }
    Content {
        brands,
        terms: terms.len(),
        amount: amount.is_some(),
    }
}

/// Sender signals; returns whether the sender is untrusted (gate 3).
fn sender_signals(mail: &Mail, brands: &[&'static str], signals: &mut Vec<Signal>) -> bool {
    let Some(from) = &mail.from else {
        return false;
    };
    let domain = domain_of(&from.address);
    let before = signals.len();
    if is_freemail(domain) {
        signals.push(Signal {
            name: "freemail-sender",
            weight: Weights::FREEMAIL,
            detail: from.address.clone(),
        });
    }
    if let Some(name) = &from.name
        && let Some(reason) = display_name_mismatch(name, &from.address)
    {
        signals.push(Signal {
            name: "display-name-mismatch",
            weight: Weights::DISPLAY_NAME,
            detail: format!("{name:?} <{}>: {reason}", from.address),
        });
    }
    let owned = |brand: &&str| {
        BRANDS
            .iter()
            .filter(|b| b.name == *brand)
            .flat_map(|b| b.domains.iter())
            .any(|d| is_within(domain, d))
    };
    if let Some(brand) = brands.iter().find(|brand| !owned(brand)) {
        signals.push(Signal {
            name: "sender-not-brand",
            weight: Weights::SENDER_NOT_BRAND,
            detail: format!("names {brand}, sent from {domain}"),
        });
    }
    let organization = organization_of(domain);
    let elsewhere = mail
        .reply_to
        .iter()
        .find(|r| organization_of(domain_of(&r.address)) != organization);
    if let Some(reply_to) = elsewhere {
        signals.push(Signal {
            name: "reply-to-differs",
            weight: Weights::REPLY_TO,
            detail: format!("replies go to {}, not {}", reply_to.address, from.address),
        });
    }
    signals.len() > before
}

/// Links, length, where the lure is, and the negatives.
fn shape_signals(
    lexicon: &Lexicon,
    mail: &Mail,
    place: &Option<Place>,
    texts: &[Text<'_>],
    signals: &mut Vec<Signal>,
) {
    match mail.links.len() {
        0 => signals.push(Signal {
            name: "no-links",
            weight: Weights::NO_LINKS,
            detail: "no web links".into(),
        }),
        1..=3 => {}
        n @ 4..=10 => signals.push(Signal {
            name: "some-links",
            weight: Weights::SOME_LINKS,
            detail: format!("{n} web links"),
        }),
        n => signals.push(Signal {
            name: "many-links",
            weight: Weights::MANY_LINKS,
            detail: format!("{n} web links"),
        }),
    }
    let hidden_chars = mail
        .hidden_text
        .chars()
        .filter(|c| !c.is_whitespace())
        .count();
    if hidden_chars > 100 {
        signals.push(Signal {
            name: "hidden-text",
            weight: Weights::HIDDEN_TEXT,
            detail: format!("{hidden_chars} characters the reader does not see"),
        });
    }
    let body_chars = mail.body.chars().count();
    if body_chars < SHORT_BODY {
        signals.push(Signal {
            name: "short-body",
            weight: Weights::SHORT_BODY,
            detail: format!("{body_chars} characters"),
        });
    } else if body_chars > LONG_BODY {
        signals.push(Signal {
            name: "long-body",
            weight: Weights::LONG_BODY,
            detail: format!("{body_chars} characters"),
        });
    }
    if let Some(Place::Attachment(index)) = place
        && let Some(attachment) = mail.attachments.get(*index)
    {
        signals.push(Signal {
            name: "attachment-only",
            weight: Weights::ATTACHMENT_ONLY,
            detail: format!(
                "the number is only in {}",
                attachment
                    .name
                    .as_deref()
                    .unwrap_or(&attachment.content_type)
            ),
        });
    }
    let subject = mail.subject.as_deref().unwrap_or("").to_lowercase();
    let reply_prefix = ["re:", "aw:", "sv:", "antw:", "fw:", "fwd:"]
        .iter()
        .any(|p| subject.starts_with(p));
    if mail.in_reply_to.is_some() && reply_prefix {
        signals.push(Signal {
            name: "reply-thread",
            weight: Weights::REPLY_THREAD,
            detail: format!("answers {}", mail.in_reply_to.as_deref().unwrap_or("")),
        });
    }
    let statement = texts
        .iter()
        .map(|t| lexicon.statement_terms(t.text))
        .max()
        .unwrap_or(0);
    if statement >= 2 {
        signals.push(Signal {
            name: "bank-statement",
            weight: Weights::BANK_STATEMENT,
            detail: format!("{statement} bank-statement phrases"),
        });
    }
}

/// No text worth reading, and at least one image attached.
fn is_image_only(mail: &Mail) -> bool {
    let visible = mail.body.chars().filter(|c| !c.is_whitespace()).count();
    let has_image = mail
        .attachments
        .iter()
        .any(|a| a.kind == AttachmentKind::Image);
    let has_text = mail
        .attachments
        .iter()
        .any(|a| a.text.as_deref().is_some_and(|t| t.trim().len() > 50));
    visible < 200 && has_image && !has_text
}

/// Why a display name does not fit its address, if it does not.
pub(crate) fn display_name_mismatch(name: &str, address: &str) -> Option<String> {
    let domain = domain_of(address);
    let lower = name.to_lowercase();
    if let Some(at) = lower.find('@') {
        let named = lower[at + 1..]
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '-')
            .split(|c: char| c.is_whitespace() || c == '>' || c == '"')
            .next()
            .unwrap_or("");
        if !named.is_empty() && !is_within(domain, named) && !is_within(named, domain) {
            return Some(format!("the name shows an address at {named}"));
        }
    }
    if lower.chars().filter(char::is_ascii_digit).count() >= 3 {
        return Some("the name is a number or reference, not a sender".into());
    }
    for brand in BRANDS {
        let named = brand.spellings.iter().any(|s| lower.contains(s));
        if named && !brand.domains.iter().any(|d| is_within(domain, d)) {
            return Some(format!(
                "the name says {} but the address is at {domain}",
                brand.name
            ));
        }
    }
    None
}

/// `"McAfee" at body:120`.
fn spot(text: &str, hit: Hit, label: &str) -> String {
    format!("{:?} at {label}:{}", &text[hit.start..hit.end], hit.start)
}

/// An amount of money: `$389.99`, `USD 344.78`, `USD574.99`, `$ 476.44`, `389.99 USD`.
fn find_amount(text: &str) -> Option<Hit> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        let prefix = if rest.starts_with('$') || rest.starts_with('€') || rest.starts_with('£') {
            rest.chars().next().map_or(1, char::len_utf8)
        } else if rest.len() >= 3
            && rest.as_bytes()[..3].eq_ignore_ascii_case(b"usd")
            && !bytes.get(i + 3).is_some_and(u8::is_ascii_alphabetic)
        {
            3
        } else {
            0
        };
        if prefix > 0 && (i == 0 || !bytes[i - 1].is_ascii_alphabetic()) {
            let mut j = i + prefix;
            while bytes.get(j) == Some(&b' ') && j < i + prefix + 2 {
                j += 1;
            }
            let number = digits_with_cents(&bytes[j..]);
            if number > 0 {
                return Some(Hit {
                    index: 0,
                    start: i,
                    end: j + number,
                });
            }
        }
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let number = digits_with_cents(&bytes[i..]);
            let after = &text[i + number..];
            let after_trimmed = after.trim_start_matches(' ');
            if number > 0
                && bytes[i..i + number].contains(&b'.')
                && after_trimmed.len() >= 3
                && after_trimmed.as_bytes()[..3].eq_ignore_ascii_case(b"usd")
            {
                let end = i + number + (after.len() - after_trimmed.len()) + 3;
                return Some(Hit {
                    index: 0,
                    start: i,
                    end,
                });
            }
            i += number.max(1);
            continue;
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// Length of `1,234.56` / `389.99` / `3891` at the start of `bytes` (0 if none).
fn digits_with_cents(bytes: &[u8]) -> usize {
    let mut i = 0;
    while i < bytes.len()
        && (bytes[i].is_ascii_digit()
            || (bytes[i] == b',' && i > 0 && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)))
    {
        i += 1;
    }
    if i == 0 {
        return 0;
    }
    if bytes.get(i) == Some(&b'.')
        && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
        && bytes.get(i + 2).is_some_and(u8::is_ascii_digit)
    {
        i += 3;
    }
    i
}

/// The domain of an address (`a@b.example` → `b.example`).
pub(crate) fn domain_of(address: &str) -> &str {
    address
        .rsplit_once('@')
        .map_or("", |(_, domain)| domain.trim_end_matches('>'))
}

/// The organization's domain: the last two labels, or three under a
/// two-letter country code with a generic second level (`example.co.uk`).
pub(crate) fn organization_of(domain: &str) -> &str {
    let labels: Vec<&str> = domain.rsplit('.').collect();
    let keep = match labels.as_slice() {
        [tld, second, ..]
            if tld.len() == 2
                && matches!(
                    *second,
                    "co" | "com" | "net" | "org" | "ac" | "gov" | "edu" | "ne" | "or"
                ) =>
        {
            3
        }
        _ => 2,
    };
    if labels.len() <= keep {
        return domain;
    }
    let cut: usize = labels[..keep].iter().map(|l| l.len() + 1).sum::<usize>() - 1;
    &domain[domain.len() - cut..]
}

/// Whether `domain` is `parent` or below it.
pub(crate) fn is_within(domain: &str, parent: &str) -> bool {
    domain == parent
        || domain
            .strip_suffix(parent)
            .is_some_and(|rest| rest.ends_with('.'))
}

/// Whether anyone can send from this domain.
pub(crate) fn is_freemail(domain: &str) -> bool {
    FREEMAIL.iter().any(|free| is_within(domain, free))
        || domain.starts_with("yahoo.")
        || domain.starts_with("hotmail.")
        || domain.starts_with("outlook.")
        || domain.starts_with("live.")
}

/// The largest char boundary at or below `at`.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signal_names_list_every_signal_made() {
        let source = include_str!("assess.rs");
        for (at, _) in source.match_indices("name: \"") {
            let rest = &source[at + 7..];
            let name = &rest[..rest.find('"').unwrap()];
            assert!(
                SIGNAL_NAMES.contains(&name),
                "signal {name} missing from SIGNAL_NAMES"
            );
        }
    }
    use rmmguard_events::{Address, Attachment};

    fn lure() -> Mail {
        Mail {
            from: Some(Address {
                name: Some("Your Order #865999".into()),
                address: "gersidemiriey@gmail.com".into(),
            }),
            subject: Some("Order Confirmation".into()),
            body: "Microsoft Defender Team. Invoice Id: MS-2801-1396259. Amount $389.99 will be \
                   charged. To cancel and get a refund, contact our customer service at \
                   +1(845) 555-0127."
                .into(),
            ..Mail::default()
        }
    }

    #[test]
    fn a_body_lure_and_its_signals() {
        let lexicon = Lexicon::new().unwrap();
        let assessment = assess(&lexicon, &lure());
        assert_eq!(assessment.verdict, Verdict::Callback(Place::Body));
        assert_eq!(assessment.call_numbers(), ["+18455550127"]);
        assert_eq!(assessment.brands, ["Microsoft"]);
        assert_eq!(
            assessment.breakdown(),
            "brand +2, transaction +2, amount +1, freemail-sender +1, display-name-mismatch +1, \
             sender-not-brand +1, no-links +1, short-body +1"
        );
        let phone = &assessment.signals[0];
        assert_eq!(
            phone.detail,
            "\"+1(845) 555-0127\" at body:146 after \"customer service\""
        );
    }

    #[test]
    fn near_misses_stay_clean() {
        let lexicon = Lexicon::new().unwrap();
        // The brand's own domain, its real support line: no untrusted sender.
        let mut genuine = lure();
        genuine.from = Some(Address {
            name: Some("Microsoft".into()),
            address: "billing@microsoft.com".into(),
        });
        assert_eq!(assess(&lexicon, &genuine).verdict, Verdict::Clean);
        // A number in a postal footer, no call to action: not a callback.
        let mut footer = lure();
        footer.body = "Your deposit is restricted; clarify it on our portal. Coinbase, 100 Pine \
                       Street, San Francisco, CA 94111 | United States 1-888-555-0130"
            .into();
        assert_eq!(assess(&lexicon, &footer).verdict, Verdict::Clean);
        // A lure in a PDF only.
        let mut pdf = lure();
        pdf.body = "review on your activity".into();
        pdf.attachments.push(Attachment {
            name: Some("invoice.pdf".into()),
            content_type: "application/pdf".into(),
            size: 100,
            kind: AttachmentKind::Pdf,
            text: Some("Norton LifeLock renewal $499.99. Call support: +1 (803) 555-0175".into()),
            note: None,
        });
        let assessment = assess(&lexicon, &pdf);
        assert_eq!(assessment.verdict, Verdict::Callback(Place::Attachment(0)));
        assert_eq!(assessment.call_numbers(), ["+18035550175"]);
    }

    #[test]
    fn amounts_and_names() {
        let amount = |text: &str| find_amount(text).map(|h| text[h.start..h.end].to_owned());
        assert_eq!(amount("pay $ 476.44 now").as_deref(), Some("$ 476.44"));
        assert_eq!(amount("USD574.99 today").as_deref(), Some("USD574.99"));
        assert_eq!(amount("charged 389.99 USD").as_deref(), Some("389.99 USD"));
        assert_eq!(amount("$1,478.92").as_deref(), Some("$1,478.92"));
        assert_eq!(amount("no money 12 here"), None);
        assert!(display_name_mismatch("support@inlt.paypal.com", "x@freeducation.co.uk").is_some());
        assert!(display_name_mismatch("LifeLock by Norton", "x@gmail.com").is_some());
        assert!(display_name_mismatch("Norton", "billing@norton.com").is_none());
        assert!(display_name_mismatch("Jane Doe", "jane@corp.example").is_none());
        assert!(is_within("mail.norton.com", "norton.com"));
        assert!(!is_within("evilnorton.com", "norton.com"));
        assert!(
            is_freemail("gmail.com") && is_freemail("yahoo.co.jp") && !is_freemail("corp.example")
        );
        assert_eq!(organization_of("hq.lp.example"), "lp.example");
        assert_eq!(organization_of("mail.shop.co.uk"), "shop.co.uk");
        assert_eq!(organization_of("example"), "example");
    }
}
