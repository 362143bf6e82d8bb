//! A corpus of callback lures in seven languages and sixteen countries'
//! number formats, with benign look-alikes in the same languages, and the
//! truth of every message (`lures.json`): whether it is a lure, its
//! language, country, brand, where the number is (body, PDF, DOCX,
//! invitation, image), the number as written and in E.164.
//!
//! Lures are put together from parts (`words`), so no two read alike; they
//! come from freemail, look-alike, spoofed and compromised senders, carry
//! decoy digits (customer numbers, references, dates, IBANs), and write
//! their numbers the way each country does — or carelessly (`numbers`).
//! The look-alikes are the mail a lure detector must leave alone: a
//! tradesman's invoice from a freemail address, the vendor's own
//! authenticated renewal, the IT helpdesk's notice, a shop's shipping
//! notice, a practice's appointment reminder.
//!
//! ```no_run
//! use rmmguard_simulate::lures::{CorpusConfig, write_corpus};
//!
//! let truth = write_corpus(std::path::Path::new("out"), &CorpusConfig::new(1, 700, 1400))?;
//! assert_eq!(truth.messages.len(), 2100);
//! # Ok::<(), std::io::Error>(())
//! ```

mod attach;
mod brands;
mod image;
mod numbers;
mod words;

use std::fs;
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::mail::{base64, one_page_pdf};
use crate::rng::Rng;
use brands::{BRANDS, Brand};
use numbers::{COUNTRIES, Country, Damage, Number};
use words::{LANGUAGES, Parts, Texts};

/// The version of `lures.json`.
pub const LURE_TRUTH_VERSION: u32 = 1;

/// The file name of the corpus truth.
pub const LURE_TRUTH_FILE: &str = "lures.json";

/// What corpus to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusConfig {
    /// The seed: same seed, same bytes.
    pub seed: u64,
    /// Callback lures to write.
    pub lures: u64,
    /// Benign look-alikes to write.
    pub lookalikes: u64,
    /// Also deliver lures as a picture (read only with OCR).
    pub images: bool,
}

impl CorpusConfig {
    /// `lures` lures and `lookalikes` look-alikes, pictures included.
    pub fn new(seed: u64, lures: u64, lookalikes: u64) -> CorpusConfig {
        CorpusConfig {
            seed,
            lures,
            lookalikes,
            images: true,
        }
    }
}

/// The truth of a corpus.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct LureTruth {
    /// [`LURE_TRUTH_VERSION`].
    pub version: u32,
    /// The seed.
    pub seed: u64,
    /// Every message, in file order.
    pub messages: Vec<MessageTruth>,
}

/// The truth of one message.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MessageTruth {
    /// The file, relative to the corpus folder.
    pub file: String,
    /// `Message-ID` without brackets.
    pub message_id: String,
    /// Whether it is a callback lure.
    pub lure: bool,
    /// `callback`, or the look-alike's kind (`invoice`, `renewal`, `it-notice`, `shipping`, `appointment`).
    pub kind: String,
    /// ISO 639-1.
    pub language: String,
    /// ISO 3166 country whose number format it uses.
    pub country: String,
    /// The brand named, if any.
    pub brand: Option<String>,
    /// Where the number is: `body`, `pdf`, `docx`, `calendar`, `image`.
    pub delivery: String,
    /// Who sent it: `freemail`, `lookalike`, `spoofed`, `compromised`, `brand`, `business`.
    pub sender: String,
    /// The number to call, E.164.
    pub e164: String,
    /// `toll-free`, `fixed`, `mobile`.
    pub line_type: String,
    /// The number as written.
    pub written: String,
    /// How it was written (`national`, `international`, `line-break`, `homoglyph`, `vanity`).
    pub shape: Vec<String>,
}

/// Writes the corpus into `dir/mail/` and its truth to `dir/lures.json`.
///
/// # Errors
///
/// The file system's.
pub fn write_corpus(dir: &Path, config: &CorpusConfig) -> io::Result<LureTruth> {
    let mail_dir = dir.join("mail");
    fs::create_dir_all(&mail_dir)?;
    let mut truth = LureTruth {
        version: LURE_TRUTH_VERSION,
        seed: config.seed,
        messages: Vec::new(),
    };
    let total = config.lures + config.lookalikes;
    // Each kind cycles through the languages on its own.
    let mut made = [0u64; 2];
    for index in 0..total {
        // Lures and look-alikes interleaved, each from its own stream.
        let mut rng = Rng::new(config.seed, 0x6c75_7265_0000_0000 | index);
        let lure = index * config.lures / total.max(1) != (index + 1) * config.lures / total.max(1);
        let language = (made[usize::from(lure)] % LANGUAGES.len() as u64) as usize;
        made[usize::from(lure)] += 1;
        let mut message = Draft::new(&mut rng, index, config.seed, language);
        let bytes = if lure {
            message.lure(&mut rng, config.images)
        } else {
            message.lookalike(&mut rng)
        };
        let file = format!("mail/m{index:05}.eml");
        fs::write(dir.join(&file), bytes)?;
        message.truth.file = file;
        truth.messages.push(message.truth);
    }
    let json = serde_json::to_string_pretty(&truth).map_err(io::Error::other)?;
    fs::write(dir.join(LURE_TRUTH_FILE), json)?;
    Ok(truth)
}

/// Where the number goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delivery {
    Body,
    Pdf,
    Docx,
    Calendar,
    Image,
}

impl Delivery {
    fn as_str(self) -> &'static str {
        match self {
            Delivery::Body => "body",
            Delivery::Pdf => "pdf",
            Delivery::Docx => "docx",
            Delivery::Calendar => "calendar",
            Delivery::Image => "image",
        }
    }
}

/// A message being written.
struct Draft {
    language: usize,
    country: &'static Country,
    message_id: String,
    date: String,
    recipient: String,
    recipient_name: String,
    truth: MessageTruth,
}

const FIRST: &[&[&str]] = &[
    &["James", "Olivia", "Priya", "Liam", "Chloe", "Arjun"],
    &["Jonas", "Anna", "Lukas", "Sophie", "Matthias", "Leonie"],
    &["Camille", "Hugo", "Léa", "Julien", "Manon", "Théo"],
    &["Lucía", "Javier", "Carmen", "Diego", "Sofía", "Andrés"],
    &["Giulia", "Marco", "Francesca", "Luca", "Chiara", "Matteo"],
    &["João", "Beatriz", "Tiago", "Mariana", "Rafael", "Inês"],
    &["Daan", "Emma", "Sem", "Julia", "Bram", "Lotte"],
];
const LAST: &[&[&str]] = &[
    &["Walker", "Patel", "Brennan", "Hughes", "Sharma", "Fraser"],
    &["Becker", "Hoffmann", "Schulz", "Krüger", "Wagner", "Brandt"],
    &["Martin", "Lefèvre", "Moreau", "Girard", "Dubois", "Roux"],
    &[
        "García",
        "Fernández",
        "López",
        "Martínez",
        "Ruiz",
        "Navarro",
    ],
    &["Rossi", "Bianchi", "Ferrari", "Romano", "Colombo", "Greco"],
    &[
        "Silva", "Santos", "Ferreira", "Costa", "Oliveira", "Pereira",
    ],
    &["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Mulder"],
];
const COMPANIES: &[&str] = &[
    "northwind",
    "alpenholz",
    "bluerock-legal",
    "fabbrica-nova",
    "tulpgroep",
    "atelier-lune",
    "costa-azul",
];
const FREEMAIL: &[&[&str]] = &[
    &[
        "gmail.com",
        "outlook.com",
        "yahoo.com",
        "hotmail.co.uk",
        "rediffmail.com",
        "bigpond.com",
    ],
    &[
        "gmx.de",
        "web.de",
        "t-online.de",
        "gmail.com",
        "gmx.at",
        "bluewin.ch",
    ],
    &[
        "orange.fr",
        "laposte.net",
        "free.fr",
        "gmail.com",
        "hotmail.fr",
        "skynet.be",
    ],
    &[
        "gmail.com",
        "hotmail.es",
        "yahoo.es",
        "outlook.es",
        "prodigy.net.mx",
    ],
    &[
        "libero.it",
        "virgilio.it",
        "gmail.com",
        "alice.it",
        "tiscali.it",
    ],
    &[
        "sapo.pt",
        "gmail.com",
        "uol.com.br",
        "bol.com.br",
        "hotmail.com",
    ],
    &[
        "ziggo.nl",
        "kpnmail.nl",
        "hotmail.nl",
        "gmail.com",
        "telenet.be",
    ],
];
const SMALL_BUSINESSES: &[&str] = &[
    "kanzlei-weber.de",
    "studio-rossi.it",
    "boulangerie-petit.fr",
    "clinica-sol.es",
    "bakkerij-dekker.nl",
    "oficina-lima.pt",
    "harbour-dental.co.uk",
    "pinnacle-roofing.com",
];

fn ascii_lower(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            'á' | 'à' | 'â' | 'ã' => Some('a'),
            'é' | 'è' | 'ê' => Some('e'),
            'í' => Some('i'),
            'ó' | 'ô' | 'õ' => Some('o'),
            'ú' | 'ü' => Some('u'),
            'ç' => Some('c'),
            'ñ' => Some('n'),
            'ö' => Some('o'),
            'ä' => Some('a'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            '-' | '.' => Some(c),
            _ => None,
        })
        .collect()
}

impl Draft {
    fn new(rng: &mut Rng, index: u64, seed: u64, language: usize) -> Draft {
        let code = LANGUAGES[language];
        let countries = numbers::countries_of(code);
        let country = *rng.pick(&countries);
        let first = *rng.pick(FIRST[language]);
        let last = *rng.pick(LAST[language]);
        let tld = if rng.below(10) < 6 {
            country.tld
        } else {
            "com"
        };
        let tld = if tld == "uk" { "co.uk" } else { tld };
        let recipient = format!(
            "{}.{}@{}.{tld}",
            ascii_lower(first),
            ascii_lower(last).replace(' ', ""),
            rng.pick(COMPANIES)
        );
        let day = 1 + rng.below(28) as u32;
        let month = 1 + rng.below(12) as u32;
        let hex = rng.hex(8);
        Draft {
            language,
            country,
            message_id: format!("{index}.{hex}.{seed}@lures.simulate"),
            date: format!(
                "{}, {day:02} {} 2025 {:02}:{:02}:00 +0000",
                ["Mon", "Tue", "Wed", "Thu", "Fri"][rng.below(5) as usize],
                [
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec"
                ][month as usize - 1],
                rng.below(24),
                rng.below(60)
            ),
            recipient,
            recipient_name: first.to_owned(),
            truth: MessageTruth {
                message_id: format!("{index}.{hex}.{seed}@lures.simulate"),
                language: code.to_owned(),
                country: country.code.to_owned(),
                ..MessageTruth::default()
            },
        }
    }

    fn texts(&self) -> &'static Texts {
        words::texts(self.language)
    }

    fn parts(&self) -> &'static Parts {
        words::parts(self.language)
    }

    fn record_number(&mut self, number: &Number) {
        self.truth.e164 = number.e164.clone();
        self.truth.line_type = number.kind.to_owned();
        self.truth.written = number.written.clone();
        self.truth.shape = number.shape.iter().map(|s| (*s).to_owned()).collect();
    }

    /// A callback lure.
    fn lure(&mut self, rng: &mut Rng, images: bool) -> Vec<u8> {
        let brand = rng.pick(BRANDS);
        let delivery = match rng.below(20) {
            0..=7 => Delivery::Body,
            8..=10 => Delivery::Pdf,
            11..=13 => Delivery::Docx,
            14..=16 => Delivery::Calendar,
            _ if images => Delivery::Image,
            _ => Delivery::Body,
        };
        let number = numbers::draw(
            rng,
            self.country,
            Damage {
                line_break: matches!(delivery, Delivery::Body | Delivery::Pdf | Delivery::Docx),
                tricks: delivery != Delivery::Image,
            },
        );
        self.record_number(&number);
        self.truth.lure = true;
        self.truth.kind = "callback".into();
        self.truth.brand = Some(brand.name.to_owned());
        self.truth.delivery = delivery.as_str().into();
        let fill = self.fill(rng, brand, &number.written);
        let lines = self.compose_lure(rng, &fill);
        let parts = self.parts();
        let subject = if rng.below(4) == 0 {
            fill.apply(pick(rng, &self.texts().lure_subjects))
        } else {
            fill.apply(pick(rng, &parts.subjects))
        };
        let (from, extra) = self.lure_sender(rng, brand, &fill.brand);
        let mut head = self.head(&from, &subject, &extra);
        match delivery {
            Delivery::Body => self.body_part(rng, &mut head, &lines),
            Delivery::Image => {
                let cover = vec![fill.apply(pick(rng, &parts.covers))];
                let picture = image::png(&image::ascii_lines(&lines));
                attach_part(
                    &mut head,
                    &cover,
                    "image/png",
                    &format!("{}.png", fill.order),
                    &picture,
                );
            }
            _ => {
                let cover = vec![
                    fill.apply(pick(rng, &parts.greetings)),
                    fill.apply(pick(rng, &parts.covers)),
                    fill.brand.clone(),
                ];
                self.attachment(rng, &mut head, delivery, &cover, &lines, &fill, &from);
            }
        }
        head.into_bytes()
    }

    /// The values a template's placeholders take.
    fn fill(&self, rng: &mut Rng, brand: &Brand, phone: &str) -> Fill {
        let order = match rng.below(4) {
            0 => format!(
                "{}{}-{}",
                char::from(b'A' + rng.below(26) as u8),
                char::from(b'A' + rng.below(26) as u8),
                100_000 + rng.below(900_000)
            ),
            1 => format!("INV-{}", rng.hex(8).to_uppercase()),
            2 => format!("{}-{:04}-{:02}", 2025, rng.below(10_000), rng.below(100)),
            _ => format!("#{}", 10_000_000 + rng.below(90_000_000)),
        };
        Fill {
            brand: (*rng.pick(brand.written)).to_owned(),
            product: (*rng.pick(brand.products)).to_owned(),
            date: words::date(
                LANGUAGES[self.language],
                1 + rng.below(28) as u32,
                1 + rng.below(12) as u32,
            ),
            amount: numbers::amount(rng, self.country.money),
            order,
            customer: format!("{}", 10_000_000 + rng.below(90_000_000)),
            name: self.recipient_name.clone(),
            phone: phone.to_owned(),
            sender: String::new(),
        }
    }

    fn compose_lure(&self, rng: &mut Rng, fill: &Fill) -> Vec<String> {
        if rng.below(4) == 0 {
            let template = rng.pick(&self.texts().lures);
            return fill
                .apply(template)
                .split('\n')
                .map(str::to_owned)
                .collect();
        }
        let parts = self.parts();
        let mut lines = vec![fill.apply(pick(rng, &parts.greetings))];
        lines.push(fill.apply(pick(rng, &parts.openings)));
        lines.push(fill.apply(pick(rng, &parts.charges)));
        if rng.below(10) < 7 {
            lines.push(fill.apply(pick(rng, &parts.references)));
        }
        lines.push(fill.apply(pick(rng, &parts.not_you)));
        match rng.below(20) {
            0..=7 => lines.push(fill.apply(pick(rng, &parts.call_inline))),
            8..=14 => {
                lines.push(fill.apply(pick(rng, &parts.call_label)));
                lines.push(fill.phone.clone());
            }
            _ => lines.push(format!("{} {}", fill.phone, rng.pick(&parts.call_after))),
        }
        if rng.below(10) < 6 {
            lines.push(fill.apply(pick(rng, &parts.deadlines)));
        }
        lines.extend(
            fill.apply(pick(rng, &parts.closings))
                .split('\n')
                .map(str::to_owned),
        );
        // Some templates run everything into one paragraph.
        if rng.below(6) == 0 {
            let joined = lines.join(" ");
            return vec![joined];
        }
        lines
    }

    /// From, and extra headers (Reply-To, Authentication-Results).
    fn lure_sender(&mut self, rng: &mut Rng, brand: &Brand, written: &str) -> (String, String) {
        let label = ["Billing", "Support", "Service", "Team", "Accounts"][rng.below(5) as usize];
        let received = "mx.recipient.example";
        let (kind, from, auth, reply) = match rng.below(20) {
            0..=8 => {
                let domain = *rng.pick(FREEMAIL[self.language]);
                let local = format!(
                    "{}.{}{}",
                    ascii_lower(brand.name).replace(' ', ""),
                    label.to_lowercase(),
                    rng.below(1000)
                );
                (
                    "freemail",
                    format!("\"{written} {label}\" <{local}@{domain}>"),
                    pass(received, domain),
                    None,
                )
            }
            9..=12 => {
                let domain = *rng.pick(brand.lookalikes);
                (
                    "lookalike",
                    format!("\"{written}\" <billing@{domain}>"),
                    pass(received, domain),
                    None,
                )
            }
            13..=15 => {
                let domain = brand.domain;
                let auth = format!(
                    "Authentication-Results: {received}; spf=softfail smtp.mailfrom={domain}; dkim=none; dmarc=fail header.from={domain}\r\n"
                );
                let reply = format!(
                    "{}.refunds@{}",
                    ascii_lower(brand.name).replace(' ', ""),
                    rng.pick(FREEMAIL[self.language])
                );
                (
                    "spoofed",
                    format!("\"{written}\" <service@{domain}>"),
                    auth,
                    Some(reply),
                )
            }
            _ => {
                let domain = *rng.pick(SMALL_BUSINESSES);
                let reply = (rng.below(2) == 0).then(|| {
                    format!(
                        "helpdesk{}@{}",
                        rng.below(100),
                        rng.pick(FREEMAIL[self.language])
                    )
                });
                (
                    "compromised",
                    format!("\"{written} {label}\" <office@{domain}>"),
                    pass(received, domain),
                    reply,
                )
            }
        };
        self.truth.sender = kind.into();
        let mut extra = auth;
        if let Some(reply) = reply {
            extra.push_str(&format!("Reply-To: {reply}\r\n"));
        }
        (from, extra)
    }

    /// A benign look-alike.
    fn lookalike(&mut self, rng: &mut Rng) -> Vec<u8> {
        let texts = self.texts();
        let kind = rng.below(5);
        let plan_kind = |n: &Number| n.kind;
        let mut number = numbers::draw(
            rng,
            self.country,
            Damage {
                line_break: false,
                tricks: false,
            },
        );
        // The helpdesk and practices have ordinary lines; a vendor, a toll-free one.
        for _ in 0..8 {
            let wanted = if kind == 1 || kind == 3 {
                "toll-free"
            } else {
                "fixed"
            };
            if plan_kind(&number) == wanted || (kind == 0 && plan_kind(&number) == "mobile") {
                break;
            }
            number = numbers::draw(
                rng,
                self.country,
                Damage {
                    line_break: false,
                    tricks: false,
                },
            );
        }
        self.record_number(&number);
        let brand = rng.pick(BRANDS);
        let mut fill = self.fill(rng, brand, &number.written);
        let received = "mx.recipient.example";
        let first = *rng.pick(FIRST[self.language]);
        let last = *rng.pick(LAST[self.language]);
        let (kind_name, template, from, auth, delivery) = match kind {
            0 => {
                let domain = *rng.pick(FREEMAIL[self.language]);
                fill.sender = format!("{first} {last}");
                let delivery = match rng.below(10) {
                    0..=5 => Delivery::Body,
                    6..=7 => Delivery::Pdf,
                    _ => Delivery::Docx,
                };
                let from = format!(
                    "\"{first} {last}\" <{}.{}{}@{domain}>",
                    ascii_lower(first),
                    ascii_lower(last).replace(' ', ""),
                    rng.below(100)
                );
                (
                    "invoice",
                    texts.invoice,
                    from,
                    pass(received, domain),
                    delivery,
                )
            }
            1 => {
                self.truth.brand = Some(brand.name.to_owned());
                let host = ["mail", "email", "billing", "account"][rng.below(4) as usize];
                let domain = format!("{host}.{}", brand.domain);
                let from = format!("\"{}\" <no-reply@{domain}>", fill.brand);
                let auth = format!(
                    "Authentication-Results: {received}; dkim=pass header.d={} header.s=s1; spf=pass smtp.mailfrom={domain}; dmarc=pass (p=reject) header.from={domain}\r\n",
                    brand.domain
                );
                ("renewal", texts.renewal, from, auth, Delivery::Body)
            }
            2 => {
                let domain = self
                    .recipient
                    .rsplit('@')
                    .next()
                    .unwrap_or("corp.example")
                    .to_owned();
                let from = format!("\"IT Service Desk\" <servicedesk@{domain}>");
                (
                    "it-notice",
                    texts.it_notice,
                    from,
                    pass(received, &domain),
                    Delivery::Body,
                )
            }
            3 => {
                let shop = [
                    "lumen-store",
                    "casa-verde",
                    "fahrradwerk",
                    "maison-claire",
                    "tienda-sur",
                    "tech-outlet",
                ][rng.below(6) as usize];
                let domain = format!("{shop}.{}", self.country.tld);
                let from = format!("\"{}\" <orders@{domain}>", shop.replace('-', " "));
                (
                    "shipping",
                    texts.shipping,
                    from,
                    pass(received, &domain),
                    Delivery::Body,
                )
            }
            _ => {
                let domain = format!(
                    "praxis-{}.{}",
                    ascii_lower(last).replace(' ', ""),
                    self.country.tld
                );
                let from = format!("\"{last}\" <termine@{domain}>");
                let delivery = if rng.below(10) < 3 {
                    Delivery::Calendar
                } else {
                    Delivery::Body
                };
                (
                    "appointment",
                    texts.appointment,
                    from,
                    pass(received, &domain),
                    delivery,
                )
            }
        };
        self.truth.kind = kind_name.into();
        self.truth.sender = if kind_name == "invoice" {
            "freemail"
        } else if kind_name == "renewal" {
            "brand"
        } else {
            "business"
        }
        .into();
        self.truth.delivery = delivery.as_str().into();
        let (subject, body) = template;
        let subject = fill.apply(subject);
        let mut lines: Vec<String> = fill.apply(body).split('\n').map(str::to_owned).collect();
        self.decoys(rng, kind_name, &mut lines, &fill);
        let mut head = self.head(&from, &subject, &auth);
        match delivery {
            Delivery::Body if kind_name == "renewal" => {
                // The vendor's own mail links to its site.
                let links = 2 + rng.below(5);
                let mut html_lines = lines.clone();
                for i in 0..links {
                    html_lines.push(format!(
                        "<a href=\"https://www.{}/account/{i}\">{}</a>",
                        brand.domain, brand.name
                    ));
                }
                self.body_part(rng, &mut head, &html_lines);
            }
            Delivery::Body => self.body_part(rng, &mut head, &lines),
            _ => {
                let cover = vec![
                    fill.apply(self.parts().greetings[2]),
                    fill.apply(pick(rng, &self.parts().covers)),
                    fill.sender.clone(),
                ];
                self.attachment(rng, &mut head, delivery, &cover, &lines, &fill, &from);
            }
        }
        head.into_bytes()
    }

    /// Digits that are not the number to call: an IBAN, a postal address, hours.
    fn decoys(&self, rng: &mut Rng, kind: &str, lines: &mut Vec<String>, fill: &Fill) {
        if kind == "invoice" && rng.below(2) == 0 {
            lines.push(format!(
                "IBAN {}{:02} {:04} {:04} {:04} {:04} {:02}",
                self.country.code,
                rng.below(100),
                rng.below(10_000),
                rng.below(10_000),
                rng.below(10_000),
                rng.below(10_000),
                rng.below(100)
            ));
        }
        if rng.below(3) == 0 {
            lines.push(format!(
                "{} {}, {} {}",
                [
                    "Hauptstr.",
                    "Rue",
                    "Calle",
                    "Via",
                    "Rua",
                    "Straatweg",
                    "High St"
                ][self.language % 7],
                1 + rng.below(120),
                10_000 + rng.below(89_999),
                self.country.name
            ));
        }
        if rng.below(3) == 0 {
            lines.push(format!(
                "{} {}",
                ["Ref.", "Nr.", "N°", "N.º", "N.", "Nº", "Nr."][self.language % 7],
                fill.order
            ));
        }
    }

    fn head(&self, from: &str, subject: &str, extra: &str) -> String {
        format!(
            "Received: from relay.example (relay.example [192.0.2.25]) by mx.recipient.example; {date}\r\n{extra}From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\n",
            date = self.date,
            to = self.recipient,
            id = self.message_id,
        )
    }

    /// The text in the body: plain, or plain and HTML.
    fn body_part(&mut self, rng: &mut Rng, head: &mut String, lines: &[String]) {
        let plain: Vec<String> = lines.iter().map(|l| strip_tags(l)).collect();
        let text = plain
            .join("\r\n")
            .replace('\n', "\r\n")
            .replace("\r\r\n", "\r\n");
        if rng.below(10) < 3 && !lines.iter().any(|l| l.contains("<a ")) {
            head.push_str("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
            head.push_str(&text);
            head.push_str("\r\n");
            return;
        }
        let boundary = format!(
            "=_alt_{}",
            &self.message_id[..self.message_id.find('@').unwrap_or(0)].replace('.', "")
        );
        let html: String = lines
            .iter()
            .map(|l| format!("<p>{}</p>", html_text(l)))
            .collect();
        head.push_str(&format!(
            "Content-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n"
        ));
        head.push_str(&format!("--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{text}\r\n"));
        head.push_str(&format!(
            "--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n<html><body>{html}</body></html>\r\n--{boundary}--\r\n"
        ));
    }

    /// A cover note in the body and the text in an attachment.
    #[allow(clippy::too_many_arguments)]
    fn attachment(
        &mut self,
        rng: &mut Rng,
        head: &mut String,
        delivery: Delivery,
        cover: &[String],
        lines: &[String],
        fill: &Fill,
        from: &str,
    ) {
        let name = fill.order.trim_start_matches('#').to_owned();
        match delivery {
            Delivery::Pdf => {
                let split: Vec<String> = lines
                    .iter()
                    .flat_map(|l| l.split('\n'))
                    .map(str::to_owned)
                    .collect();
                attach_part(
                    head,
                    cover,
                    "application/pdf",
                    &format!("{name}.pdf"),
                    &one_page_pdf(&split),
                );
            }
            Delivery::Docx => {
                let split: Vec<String> = lines
                    .iter()
                    .flat_map(|l| l.split('\n'))
                    .map(str::to_owned)
                    .collect();
                attach_part(
                    head,
                    cover,
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    &format!("{name}.docx"),
                    &attach::docx(&split),
                );
            }
            _ => {
                let address = from
                    .rsplit('<')
                    .next()
                    .unwrap_or(from)
                    .trim_end_matches('>');
                let display = from.split('"').nth(1).unwrap_or("Organizer");
                let summary = if self.truth.lure {
                    fill.apply(self.parts().invite)
                } else {
                    cover.get(1).cloned().unwrap_or_default()
                };
                let ics = attach::invitation(&self.message_id, (display, address), &summary, lines);
                let boundary = format!("=_mix_{}", rng.hex(12));
                head.push_str(&format!(
                    "Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n"
                ));
                head.push_str(&format!(
                    "--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
                    cover.join("\r\n")
                ));
                head.push_str(&format!("--{boundary}\r\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{ics}\r\n"));
                head.push_str(&format!(
                    "--{boundary}\r\nContent-Type: application/ics; name=\"invite.ics\"\r\nContent-Disposition: attachment; filename=\"invite.ics\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--{boundary}--\r\n",
                    base64(ics.as_bytes())
                ));
            }
        }
    }
}

/// A multipart/mixed message: the cover note and one attachment.
fn attach_part(head: &mut String, cover: &[String], content_type: &str, name: &str, bytes: &[u8]) {
    let boundary = format!("=_mix_{:08x}", attach::crc32(bytes));
    head.push_str(&format!(
        "Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n"
    ));
    head.push_str(&format!(
        "--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
        cover.join("\r\n")
    ));
    head.push_str(&format!(
        "--{boundary}\r\nContent-Type: {content_type}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--{boundary}--\r\n",
        base64(bytes)
    ));
}

/// `Authentication-Results` of mail that passed for its own domain.
fn pass(received: &str, domain: &str) -> String {
    format!(
        "Authentication-Results: {received}; dkim=pass header.d={domain}; spf=pass smtp.mailfrom={domain}; dmarc=pass header.from={domain}\r\n"
    )
}

fn html_text(line: &str) -> String {
    if line.starts_with("<a ") {
        return line.to_owned();
    }
    line.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', "<br>")
}

fn strip_tags(line: &str) -> String {
    if let (Some(open), Some(close)) = (line.find('>'), line.rfind("</a>")) {
        return line[open + 1..close].to_owned();
    }
    line.to_owned()
}

/// One of the texts.
fn pick(rng: &mut Rng, texts: &[&'static str]) -> &'static str {
    let text: &&'static str = rng.pick(texts);
    text
}

/// Placeholder values.
struct Fill {
    brand: String,
    product: String,
    date: String,
    amount: String,
    order: String,
    customer: String,
    name: String,
    phone: String,
    sender: String,
}

impl Fill {
    fn apply(&self, template: &str) -> String {
        template
            .replace("{brand}", &self.brand)
            .replace("{product}", &self.product)
            .replace("{date}", &self.date)
            .replace("{amount}", &self.amount)
            .replace("{order}", &self.order)
            .replace("{customer}", &self.customer)
            .replace("{name}", &self.name)
            .replace("{sender}", &self.sender)
            .replace("{phone}", &self.phone)
    }
}

/// The countries a corpus draws from (for docs and tests).
pub fn countries() -> Vec<&'static str> {
    COUNTRIES.iter().map(|c| c.code).collect()
}

/// The brands a corpus draws from.
pub fn brands() -> Vec<&'static str> {
    BRANDS.iter().map(|b| b.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpora_are_deterministic_and_balanced() {
        let dir = tempfile::tempdir().unwrap();
        let config = CorpusConfig::new(3, 140, 140);
        let a = write_corpus(&dir.path().join("a"), &config).unwrap();
        let b = write_corpus(&dir.path().join("b"), &config).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.messages.iter().filter(|m| m.lure).count(), 140);
        for language in LANGUAGES {
            assert_eq!(
                a.messages
                    .iter()
                    .filter(|m| m.language == *language)
                    .count(),
                40
            );
        }
        for message in &a.messages {
            assert!(numbers::is_valid(&message.e164), "{message:?}");
            let bytes = fs::read(dir.path().join("a").join(&message.file)).unwrap();
            assert_eq!(
                bytes,
                fs::read(dir.path().join("b").join(&message.file)).unwrap()
            );
        }
        assert!(countries().len() >= 10 && brands().len() >= 20);
    }
}
