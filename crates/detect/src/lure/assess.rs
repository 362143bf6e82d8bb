//! Judging one message as a callback lure, transparently: every signal that
//! fired is kept with its weight and the text it fired on, and the verdict
//! is a sum against a threshold behind three gates.
//!
//! Gates (all required for a callback lure):
//! 1. a valid phone number with a call to action near it: in its line or
//!    the two lines before it (`call`, `rufen Sie … an`, `appelez`, `📞`, …,
//!    in the message's language or English);
//! 2. lure content: money (two or more transaction words, or an amount) and
//!    pressure or a name to trust (a brand, a look-alike domain, two or more
//!    refund/cancellation words, or urgency) — a plumber's invoice has the
//!    first and none of the second;
//! 3. an untrusted sender: freemail, a display name that does not match the
//!    address, a brand named by a sender outside the brand's domains, a
//!    look-alike domain, a brand domain whose authentication failed, or a
//!    Reply-To elsewhere; never a brand's own domain that the receiving
//!    server authenticated (DMARC pass with aligned DKIM or SPF).
//!
//! Then the score (see [`Weights`]) must reach [`THRESHOLD`]. A message with
//! no readable text, image attachments and brand or transaction words in its
//! subject is an image-only lure; with `--ocr` the images are read, and a
//! number in them is reported like any other.
//!
//! The message's language picks the vocabulary (its own and English), and
//! with its currency, domains, country names and `+` numbers tells which
//! country its national numbers belong to (`region`). Numbers in text the
//! HTML hides from the reader are reported apart (`hidden_phones`): context,
//! never a call to action or an indicator.

use phonenumber::country;
use rmmguard_events::{AttachmentKind, Mail};

use crate::lure::Lure;
use crate::lure::auth::{self, SenderAuth};
use crate::lure::lexicon::{Category, ENGLISH, FREEMAIL, Hit, INFRASTRUCTURE, Lexicon, WordHit};
use crate::lure::{amount, phone, region};

/// The score a callback lure needs.
pub(crate) const THRESHOLD: i32 = 4;

/// Body text shorter than this (in characters) counts as short.
const SHORT_BODY: usize = 1750;

/// Body text longer than this (in characters) is newsletter-shaped.
const LONG_BODY: usize = 4000;

/// Brands count when named in the subject, the sender's name, or this many
/// first bytes of a text: a lure puts the brand up front, a newsletter that
/// mentions one deep in an article is not impersonating it.
const PROMINENT: usize = 1000;

/// Lines before a number's line that its call to action may be on.
const CALL_LINES_BEFORE: usize = 2;

/// However the lines fall, the call to action is at most this far (bytes)
/// before the number, or after it on its line.
const CALL_REACH_BEFORE: usize = 400;
const CALL_REACH_AFTER: usize = 120;

/// Bytes of subject and body the language detector reads.
const LANGUAGE_SAMPLE: usize = 2000;

/// Link hosts looked at for look-alike domains and country hints.
const LINK_HOSTS: usize = 16;

/// The weights of the signals.
struct Weights;

impl Weights {
    const BRAND: i32 = 2;
    const LOOKALIKE: i32 = 2;
    const TRANSACTION: i32 = 1;
    const MANY_TRANSACTION: i32 = 2;
    const AMOUNT: i32 = 1;
    const DISPUTE: i32 = 1;
    const URGENCY: i32 = 1;
    const NO_LINKS: i32 = 1;
    const SOME_LINKS: i32 = -1;
    const MANY_LINKS: i32 = -2;
    const SHORT_BODY: i32 = 1;
    const LONG_BODY: i32 = -2;
    const FREEMAIL: i32 = 1;
    const DISPLAY_NAME: i32 = 1;
    const SENDER_NOT_BRAND: i32 = 1;
    const BRAND_AUTH_FAILED: i32 = 2;
    const BRAND_AUTH_MISSING: i32 = 1;
    const BRAND_AUTHENTICATED: i32 = -4;
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
    /// Images carry the lure: not read (no text, images, lure words around
    /// them), or read by OCR with the number in them.
    ImageOnly,
}

/// Every signal name the assessment can give (a test checks each has a
/// fact key, and that this list names every signal made below).
#[cfg(test)]
pub(crate) const SIGNAL_NAMES: &[&str] = &[
    "phone",
    "brand",
    "lookalike-domain",
    "transaction",
    "amount",
    "dispute",
    "urgency",
    "freemail-sender",
    "display-name-mismatch",
    "sender-not-brand",
    "brand-auth-failed",
    "brand-auth-missing",
    "brand-authenticated",
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
    /// The region libphonenumber gives it (`DE`).
    pub region: String,
    /// Its line type (`toll-free`, `mobile`, …).
    pub line: &'static str,
    /// `body:812`, `attachment invoice.pdf:40`.
    pub at: String,
    /// The number as written.
    pub written: String,
    /// The call to action near it, if any.
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
    /// Brands named or imitated, by name, in order of first mention.
    pub brands: Vec<String>,
    /// The message's language (ISO 639-1).
    pub language: String,
    /// Why national numbers were read in their region (`currency €, language de`).
    pub region_reason: String,
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

    /// The phones a reader is asked to call (with a call to action), first sighting first.
    pub fn call_phones(&self) -> Vec<&FoundPhone> {
        self.phones.iter().filter(|p| p.call.is_some()).collect()
    }

    /// The numbers a reader is asked to call, in E.164.
    pub fn call_numbers(&self) -> Vec<&str> {
        self.call_phones()
            .into_iter()
            .map(|p| p.e164.as_str())
            .collect()
    }
}

/// One text of the message, with its label for evidence and its words.
struct Text<'a> {
    label: String,
    text: &'a str,
    place: Place,
    words: Vec<WordHit>,
    candidates: Vec<phone::Candidate>,
}

/// Judges a message.
pub(crate) fn assess(lure: &Lure, mail: &Mail) -> Assessment {
    let lexicon = &lure.lexicon;
    let texts = texts(lexicon, mail);
    let language = language(lexicon, mail, &texts);
    let amounts: Vec<Vec<amount::Amount>> = texts.iter().map(|t| amount::find(t.text)).collect();
    let hosts = link_hosts(mail);
    let order = region_order(lure, mail, &texts, &amounts, &hosts, language);
    let mut phones = find_phones(lexicon, &texts, &order.regions, language);
    let mut signals = Vec::new();
    let mut content = content_signals(lexicon, mail, &texts, &amounts, language, &mut signals);
    let lookalike = lookalike_signal(lure, mail, &hosts, &mut signals);
    if let Some(brand) = lookalike
        && !content.brands.contains(&brand)
    {
        content.brands.push(brand);
    }
    let sender = sender_signals(
        lexicon,
        mail,
        &content.brands,
        lookalike.is_some(),
        &mut signals,
    );
    if sender && content.is_strong() {
        call_the_only_number(&mut phones);
    }
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
    if let Some(first) = phones.iter().find(|p| p.call.is_some()) {
        signals.insert(
            0,
            Signal {
                name: "phone",
                weight: 0,
                detail: format!(
                    "{:?} at {} near {:?}: {} ({}, {})",
                    first.written,
                    first.at,
                    first.call.as_deref().unwrap_or(""),
                    first.e164,
                    first.region,
                    first.line
                ),
            },
        );
    }
    shape_signals(mail, &place, &texts, &mut signals);
    let score: i32 = signals.iter().map(|s| s.weight).sum();
    let money = content.terms >= 2 || content.amount;
    let pressure = !content.brands.is_empty() || content.disputes >= 2 || content.urgent;
    let verdict = match &place {
        Some(place) if money && pressure && sender && score >= THRESHOLD => match place {
            Place::Attachment(index)
                if mail
                    .attachments
                    .get(*index)
                    .is_some_and(|a| a.kind == AttachmentKind::Image) =>
            {
                Verdict::ImageOnly
            }
            _ => Verdict::Callback(place.clone()),
        },
        _ if is_image_only(mail)
            && sender
            && (!content.brands.is_empty() || content.terms >= 1) =>
        {
            Verdict::ImageOnly
        }
        _ => Verdict::Clean,
    };
    let hidden_phones = phone::find(&mail.hidden_text, &order.regions)
        .into_iter()
        .map(|p| p.e164)
        .collect();
    Assessment {
        verdict,
        phones,
        signals,
        score,
        brands: content
            .brands
            .iter()
            .map(|&b| lexicon.brand(b).name.clone())
            .collect(),
        language: lexicon.languages()[language].clone(),
        region_reason: order.reason,
        hidden_phones,
    }
}

fn texts<'a>(lexicon: &Lexicon, mail: &'a Mail) -> Vec<Text<'a>> {
    let mut texts = Vec::new();
    let mut push = |label: String, text: &'a str, place: Place| {
        texts.push(Text {
            label,
            words: lexicon.words(text),
            candidates: phone::candidates(text),
            text,
            place,
        });
    };
    if let Some(subject) = &mail.subject {
        push("subject".into(), subject, Place::Body);
    }
    push("body".into(), &mail.body, Place::Body);
    for (index, attachment) in mail.attachments.iter().enumerate() {
        let readable = matches!(
            attachment.kind,
            AttachmentKind::Pdf
                | AttachmentKind::Docx
                | AttachmentKind::Calendar
                | AttachmentKind::Text
                | AttachmentKind::Image
        );
        if let (true, Some(text)) = (readable, &attachment.text) {
            let name = attachment
                .name
                .as_deref()
                .unwrap_or(&attachment.content_type);
            push(format!("attachment {name}"), text, Place::Attachment(index));
        }
    }
    texts
}

/// The message's language: of its subject and body, or of its first
/// attachment when the body says little.
fn language(lexicon: &Lexicon, mail: &Mail, texts: &[Text<'_>]) -> usize {
    let mut sample = String::new();
    if let Some(subject) = &mail.subject {
        sample.push_str(subject);
        sample.push('\n');
    }
    for text in texts.iter().filter(|t| t.label != "subject") {
        if sample.len() >= LANGUAGE_SAMPLE {
            break;
        }
        let room = LANGUAGE_SAMPLE - sample.len();
        sample.push_str(&text.text[..floor_boundary(text.text, room.min(text.text.len()))]);
        sample.push('\n');
    }
    let hits: Vec<WordHit> = texts.iter().flat_map(|t| t.words.iter().copied()).collect();
    lexicon.language(&sample, &hits)
}

/// Hosts of the message's links, distinct, at most [`LINK_HOSTS`].
fn link_hosts(mail: &Mail) -> Vec<String> {
    let mut hosts: Vec<String> = Vec::new();
    for link in &mail.links {
        if hosts.len() == LINK_HOSTS {
            break;
        }
        if let Some(host) = url_host(link)
            && !hosts.contains(&host)
        {
            hosts.push(host);
        }
    }
    hosts
}

fn region_order(
    lure: &Lure,
    mail: &Mail,
    texts: &[Text<'_>],
    amounts: &[Vec<amount::Amount>],
    hosts: &[String],
    language: usize,
) -> region::Order {
    let lexicon = &lure.lexicon;
    let mut evidence = region::Evidence {
        language: &lexicon.languages()[language],
        ..region::Evidence::default()
    };
    for amount in amounts.iter().flatten() {
        if !evidence.currencies.contains(&amount.currency.as_str()) {
            evidence.currencies.push(&amount.currency);
        }
    }
    for address in mail.from.iter().chain(mail.reply_to.iter()) {
        evidence.domains.push(domain_of(&address.address));
    }
    for address in mail.to.iter().take(4) {
        evidence.recipients.push(domain_of(&address.address));
    }
    evidence.domains.extend(hosts.iter().map(String::as_str));
    for text in texts {
        for hit in &text.words {
            if let Category::Country(index) = hit.category
                && !evidence.named.contains(&index)
            {
                evidence.named.push(index);
            }
        }
        for id in phone::dialled_regions(&text.candidates) {
            if !evidence.dialled.contains(&id) {
                evidence.dialled.push(id);
            }
        }
    }
    region::order(lexicon.regions(), &evidence, lure.default_region)
}

fn find_phones(
    lexicon: &Lexicon,
    texts: &[Text<'_>],
    regions: &[country::Id],
    language: usize,
) -> Vec<FoundPhone> {
    let mut found: Vec<FoundPhone> = Vec::new();
    for text in texts {
        for phone in phone::resolve(text.text, &text.candidates, regions) {
            let call = call_near(lexicon, text, phone.start, phone.end, language)
                .map(|hit| text.text[hit.start..hit.end].to_owned());
            let written = text.text[phone.start..phone.end].to_owned();
            let at = format!("{}:{}", text.label, phone.start);
            let known = found.iter_mut().find(|p| p.e164 == phone.e164);
            match known {
                // Keep the first sighting, but let a later one supply the call to action.
                Some(known) if known.call.is_none() && call.is_some() => {
                    known.call = call;
                    known.at = at;
                    known.written = written;
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
                    region: phone.region,
                    line: phone.line,
                    at,
                    written,
                    call,
                    place: text.place.clone(),
                }),
            }
        }
    }
    found
}

/// The call to action nearest a number: on its line or the lines just
/// before it (the nearest before wins), else after it on its line.
fn call_near<'t>(
    _lexicon: &Lexicon,
    text: &'t Text<'_>,
    start: usize,
    end: usize,
    language: usize,
) -> Option<&'t WordHit> {
    let body = text.text;
    let mut window_start = body[..start].rfind('\n').map_or(0, |at| at + 1);
    let mut lines = 0;
    while window_start > 0 && lines < CALL_LINES_BEFORE {
        let previous = body[..window_start - 1].rfind('\n').map_or(0, |at| at + 1);
        if !body[previous..window_start].trim().is_empty() {
            lines += 1;
        }
        window_start = previous;
    }
    window_start = window_start.max(floor_boundary(
        body,
        start.saturating_sub(CALL_REACH_BEFORE),
    ));
    let line_end = body[end..].find('\n').map_or(body.len(), |at| end + at);
    let window_end = line_end.min(end + CALL_REACH_AFTER);
    let calls = text.words.iter().filter(|hit| {
        hit.category == Category::Call && (hit.language == language || hit.language == ENGLISH)
    });
    let mut before = None;
    let mut after = None;
    for hit in calls {
        if hit.start >= window_start && hit.end <= start {
            before = Some(hit);
        } else if hit.start >= end && hit.end <= window_end && after.is_none() {
            after = Some(hit);
        }
    }
    before.or(after)
}

/// What the lure content amounted to.
struct Content {
    /// Brand indices.
    brands: Vec<usize>,
    terms: usize,
    disputes: usize,
    urgent: bool,
    amount: bool,
}

impl Content {
    /// Money, and at least two kinds of pressure (a brand, refund words,
    /// urgency): a lure by its words alone.
    fn is_strong(&self) -> bool {
        let money = self.terms >= 2 || self.amount;
        let pressures = usize::from(!self.brands.is_empty())
            + usize::from(self.disputes >= 1)
            + usize::from(self.urgent);
        money && pressures >= 2
    }
}

/// In a message that is a lure by its words and sender, a number with no
/// call to action near it is still the one to call when it is the only
/// number outside the subject: lures word the invitation every way
/// (`Not you? Our cancellation desk: …`, `… (refunds, 24/7)`), and no list
/// of verbs has them all.
fn call_the_only_number(phones: &mut [FoundPhone]) {
    if phones.iter().any(|p| p.call.is_some()) {
        return;
    }
    let mut outside_subject = phones.iter_mut().filter(|p| !p.at.starts_with("subject:"));
    if let (Some(only), None) = (outside_subject.next(), outside_subject.next()) {
        only.call = Some(ONLY_NUMBER.to_owned());
    }
}

/// What [`call_the_only_number`] puts where the call to action goes.
pub(crate) const ONLY_NUMBER: &str = "(no call word; the lure's only number)";

fn content_signals(
    lexicon: &Lexicon,
    mail: &Mail,
    texts: &[Text<'_>],
    amounts: &[Vec<amount::Amount>],
    language: usize,
    signals: &mut Vec<Signal>,
) -> Content {
    let mut brands: Vec<usize> = Vec::new();
    let mut first_brand: Option<String> = None;
    if let Some(name) = mail.from.as_ref().and_then(|from| from.name.as_deref()) {
        for hit in lexicon.brands(name) {
            if !brands.contains(&hit.index) {
                brands.push(hit.index);
            }
            first_brand.get_or_insert_with(|| spot(name, hit.start, hit.end, "sender name"));
        }
    }
    let mut found: [(Vec<usize>, Option<String>); 3] = Default::default();
    let mut amount: Option<String> = None;
    for (text, text_amounts) in texts.iter().zip(amounts) {
        let lead = &text.text[..floor_boundary(text.text, PROMINENT.min(text.text.len()))];
        for Hit { index, start, end } in lexicon.brands(lead) {
            if !brands.contains(&index) {
                brands.push(index);
            }
            first_brand.get_or_insert_with(|| spot(lead, start, end, &text.label));
        }
        for hit in &text.words {
            if hit.language != language && hit.language != ENGLISH {
                continue;
            }
            let slot = match hit.category {
                Category::Transaction => 0,
                Category::Dispute => 1,
                Category::Urgency => 2,
                _ => continue,
            };
            let (terms, first) = &mut found[slot];
            let term = lexicon.term(hit.term);
            if !terms.iter().any(|&t| lexicon.term(t) == term) {
                terms.push(hit.term);
            }
            first.get_or_insert_with(|| spot(text.text, hit.start, hit.end, &text.label));
        }
        if amount.is_none()
            && let Some(first) = text_amounts.first()
        {
            amount = Some(spot(text.text, first.start, first.end, &text.label));
        }
    }
    if let Some(first) = first_brand {
        let category = brands
            .first()
            .map_or("", |&b| lexicon.brand(b).category.as_str());
        let also = if brands.len() > 1 {
            let names: Vec<&str> = brands
                .iter()
                .map(|&b| lexicon.brand(b).name.as_str())
                .collect();
            format!(" (brands: {})", names.join(", "))
        } else {
            String::new()
        };
        signals.push(Signal {
            name: "brand",
            weight: Weights::BRAND,
            detail: format!("{first}, a {category} brand{also}"),
        });
    }
    let listed = |terms: &[usize], first: &Option<String>| {
        let words: Vec<&str> = terms.iter().map(|&t| lexicon.term(t)).collect();
        format!(
            "{} (first {})",
            words.join(", "),
            first.as_deref().unwrap_or("")
        )
    };
    let [
        (transactions, first_transaction),
        (disputes, first_dispute),
        (urgencies, first_urgency),
    ] = &found;
    if transactions.len() >= 2 {
        signals.push(Signal {
            name: "transaction",
            weight: if transactions.len() >= 4 {
                Weights::MANY_TRANSACTION
            } else {
                Weights::TRANSACTION
            },
            detail: listed(transactions, first_transaction),
        });
    }
    if let Some(amount) = &amount {
        signals.push(Signal {
            name: "amount",
            weight: Weights::AMOUNT,
            detail: amount.clone(),
        });
    }
    if disputes.len() >= 2 {
        signals.push(Signal {
            name: "dispute",
            weight: Weights::DISPUTE,
            detail: listed(disputes, first_dispute),
        });
    }
    if !urgencies.is_empty() {
        signals.push(Signal {
            name: "urgency",
            weight: Weights::URGENCY,
            detail: listed(urgencies, first_urgency),
        });
    }
    Content {
        brands,
        terms: transactions.len(),
        disputes: disputes.len(),
        urgent: !urgencies.is_empty(),
        amount: amount.is_some(),
    }
}

/// A sender, Reply-To, Return-Path or link domain imitating a brand; returns the brand.
fn lookalike_signal(
    lure: &Lure,
    mail: &Mail,
    hosts: &[String],
    signals: &mut Vec<Signal>,
) -> Option<usize> {
    let senders = mail
        .from
        .iter()
        .chain(mail.reply_to.iter())
        .map(|a| domain_of(&a.address))
        .chain(mail.return_path.as_deref().map(domain_of));
    for domain in senders.chain(hosts.iter().map(String::as_str)) {
        if domain.is_empty()
            || is_freemail(domain)
            || INFRASTRUCTURE.iter().any(|d| is_within(domain, d))
        {
            continue;
        }
        if let Some(found) = lure.names.check(&lure.lexicon, domain) {
            signals.push(Signal {
                name: "lookalike-domain",
                weight: Weights::LOOKALIKE,
                detail: format!(
                    "{} imitates {}: {}",
                    found.domain,
                    lure.lexicon.brand(found.brand).name,
                    found.how
                ),
            });
            return Some(found.brand);
        }
    }
    None
}

/// Sender signals; returns whether the sender is untrusted (gate 3).
fn sender_signals(
    lexicon: &Lexicon,
    mail: &Mail,
    brands: &[usize],
    lookalike: bool,
    signals: &mut Vec<Signal>,
) -> bool {
    let Some(from) = &mail.from else {
        return false;
    };
    let domain = domain_of(&from.address);
    let owns = |brand: usize| {
        lexicon
            .brand(brand)
            .domains
            .iter()
            .any(|d| is_within(domain, d))
    };
    let mut untrusted = lookalike;
    if let Some(&brand) = brands.iter().find(|&&b| owns(b)) {
        let name = &lexicon.brand(brand).name;
        match auth::judge(mail) {
            SenderAuth::Aligned => {
                signals.push(Signal {
                    name: "brand-authenticated",
                    weight: Weights::BRAND_AUTHENTICATED,
                    detail: format!(
                        "{} is {name}'s, and the receiving server authenticated it",
                        from.address
                    ),
                });
                // The brand's own, authenticated mail: whatever else it says, not a lure.
                return false;
            }
            SenderAuth::Failed(why) => {
                signals.push(Signal {
                    name: "brand-auth-failed",
                    weight: Weights::BRAND_AUTH_FAILED,
                    detail: format!("{domain} is {name}'s, but {why}"),
                });
                untrusted = true;
            }
            SenderAuth::Missing => signals.push(Signal {
                name: "brand-auth-missing",
                weight: Weights::BRAND_AUTH_MISSING,
                detail: format!("{domain} is {name}'s, but no authentication was recorded"),
            }),
        }
    }
    let before = signals.len();
    if is_freemail(domain) {
        signals.push(Signal {
            name: "freemail-sender",
            weight: Weights::FREEMAIL,
            detail: from.address.clone(),
        });
    }
    if let Some(name) = &from.name
        && let Some(reason) = display_name_mismatch(lexicon, name, &from.address)
    {
        signals.push(Signal {
            name: "display-name-mismatch",
            weight: Weights::DISPLAY_NAME,
            detail: format!("{name:?} <{}>: {reason}", from.address),
        });
    }
    if let Some(&brand) = brands.iter().find(|&&b| !owns(b)) {
        signals.push(Signal {
            name: "sender-not-brand",
            weight: Weights::SENDER_NOT_BRAND,
            detail: format!("names {}, sent from {domain}", lexicon.brand(brand).name),
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
    untrusted || signals.len() > before
}

/// Links, length, where the lure is, and the negatives.
fn shape_signals(
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
    let reply_prefix = [
        "re:", "aw:", "sv:", "antw:", "fw:", "fwd:", "tr:", "rv:", "r:",
    ]
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
        .map(|t| {
            let mut seen: Vec<usize> = t
                .words
                .iter()
                .filter(|h| h.category == Category::Statement)
                .map(|h| h.term)
                .collect();
            seen.sort_unstable();
            seen.dedup();
            seen.len()
        })
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

/// No text worth reading outside images, and at least one image attached.
fn is_image_only(mail: &Mail) -> bool {
    let visible = mail.body.chars().filter(|c| !c.is_whitespace()).count();
    let has_image = mail
        .attachments
        .iter()
        .any(|a| a.kind == AttachmentKind::Image);
    let has_text = mail.attachments.iter().any(|a| {
        a.kind != AttachmentKind::Image && a.text.as_deref().is_some_and(|t| t.trim().len() > 50)
    });
    visible < 200 && has_image && !has_text
}

/// Why a display name does not fit its address, if it does not.
pub(crate) fn display_name_mismatch(
    lexicon: &Lexicon,
    name: &str,
    address: &str,
) -> Option<String> {
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
    for hit in lexicon.brands(name) {
        let brand = lexicon.brand(hit.index);
        if !brand.domains.iter().any(|d| is_within(domain, d)) {
            return Some(format!(
                "the name says {} but the address is at {domain}",
                brand.name
            ));
        }
    }
    department_elsewhere(&lower, address)
}

/// Words that make a display name a company's department (`Acme Billing`).
const DEPARTMENTS: &[&str] = &[
    "billing",
    "support",
    "service",
    "services",
    "accounts",
    "team",
    "helpdesk",
    "care",
    "kundenservice",
    "abrechnung",
    "buchhaltung",
    "facturation",
    "comptabilité",
    "servicio",
    "soporte",
    "facturación",
    "assistenza",
    "fatturazione",
    "suporte",
    "faturação",
    "atendimento",
    "klantenservice",
    "facturatie",
    "administratie",
];

/// A name styled as a company's department whose company appears nowhere
/// in the address (`"SecureLine Billing" <office@dental-practice.example>`):
/// a name borrowed for the mail, as brands the list does not know are.
fn department_elsewhere(name: &str, address: &str) -> Option<String> {
    let words: Vec<&str> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if !words.iter().any(|w| DEPARTMENTS.contains(w)) {
        return None;
    }
    let address = address.to_lowercase();
    let company: Vec<&&str> = words
        .iter()
        .filter(|w| !DEPARTMENTS.contains(w) && w.chars().count() >= 3)
        .collect();
    let elsewhere = !company.is_empty() && !company.iter().any(|w| address.contains(**w));
    elsewhere.then(|| {
        format!(
            "the name is a department of {} but the address is not",
            company.iter().map(|w| **w).collect::<Vec<_>>().join(" ")
        )
    })
}

/// `"McAfee" at body:120`.
fn spot(text: &str, start: usize, end: usize, label: &str) -> String {
    format!("{:?} at {label}:{start}", &text[start..end])
}

/// The host of a web link, lower-cased (`https://user@Host:8080/x` → `host`).
pub(crate) fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#', '\\']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = host.split(':').next()?.trim_end_matches('.').to_lowercase();
    (!host.is_empty() && host.contains('.')).then_some(host)
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
mod tests;
