//! The countries generated mail comes from, their phone numbering as people
//! write it, and their money. Numbers are drawn from each country's real
//! ranges (toll-free, geographic, mobile) and kept only when libphonenumber
//! says they are valid, so the truth's E.164 is a number a detector should
//! find; then they are written the way that country writes them — or
//! carelessly: broken over two lines, with `O` for `0`, loose separators,
//! letters for digits.

use phonenumber::{Mode, country};

use crate::rng::Rng;

/// A numbering plan of one country: a range and how its numbers are grouped.
#[derive(Debug)]
pub(crate) struct Plan {
    /// `toll-free`, `fixed` or `mobile` (for the truth).
    pub kind: &'static str,
    /// The first digits of the national significant number.
    pub prefix: &'static str,
    /// Digits in the national significant number.
    pub len: usize,
    /// Ways to group the digits as written nationally (trunk prefix included).
    pub groups: &'static [&'static [usize]],
    /// Written without the trunk prefix (`1800 123 456` in Australia).
    pub bare: bool,
}

/// A country: its code, trunk prefix, plans, languages and money.
#[derive(Debug)]
pub(crate) struct Country {
    /// ISO 3166 code (`DE`).
    pub code: &'static str,
    /// Country calling code (`49`).
    pub cc: &'static str,
    /// The trunk prefix written before national numbers (`0`, or none).
    pub trunk: &'static str,
    /// Languages written there (ISO 639-1), most common first.
    pub languages: &'static [&'static str],
    /// Separators people put between groups, most common first.
    pub separators: &'static [&'static str],
    /// Whether the area code is often put in parentheses.
    pub paren_area: bool,
    /// Country-code top-level domain.
    pub tld: &'static str,
    /// How amounts are written there.
    pub money: Money,
    /// The country's name as its own people write it in an address line.
    pub name: &'static str,
    pub plans: &'static [Plan],
}

/// Amount styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Money {
    Usd,
    Cad,
    Gbp,
    Aud,
    Inr,
    EuroComma,
    EuroDot,
    Chf,
    Mxn,
    Brl,
}

const NANP_GROUPS: &[&[usize]] = &[&[3, 3, 4]];

/// Sixteen countries of the seven languages; ten or more are always drawn.
pub(crate) const COUNTRIES: &[Country] = &[
    Country {
        code: "US",
        cc: "1",
        trunk: "",
        languages: &["en", "es"],
        separators: &["-", ".", " "],
        paren_area: true,
        tld: "us",
        money: Money::Usd,
        name: "USA",
        plans: &[
            Plan {
                kind: "toll-free",
                prefix: "888",
                len: 10,
                groups: NANP_GROUPS,
                bare: false,
            },
            Plan {
                kind: "toll-free",
                prefix: "844",
                len: 10,
                groups: NANP_GROUPS,
                bare: false,
            },
            Plan {
                kind: "toll-free",
                prefix: "877",
                len: 10,
                groups: NANP_GROUPS,
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "213",
                len: 10,
                groups: NANP_GROUPS,
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "646",
                len: 10,
                groups: NANP_GROUPS,
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "469",
                len: 10,
                groups: NANP_GROUPS,
                bare: false,
            },
        ],
    },
    Country {
        code: "CA",
        cc: "1",
        trunk: "",
        languages: &["en", "fr"],
        separators: &["-", " ", "."],
        paren_area: true,
        tld: "ca",
        money: Money::Cad,
        name: "Canada",
        plans: &[
            Plan {
                kind: "toll-free",
                prefix: "866",
                len: 10,
                groups: NANP_GROUPS,
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "416",
                len: 10,
                groups: NANP_GROUPS,
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "514",
                len: 10,
                groups: NANP_GROUPS,
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "604",
                len: 10,
                groups: NANP_GROUPS,
                bare: false,
            },
        ],
    },
    Country {
        code: "GB",
        cc: "44",
        trunk: "0",
        languages: &["en"],
        separators: &[" ", "-"],
        paren_area: false,
        tld: "uk",
        money: Money::Gbp,
        name: "United Kingdom",
        plans: &[
            Plan {
                kind: "toll-free",
                prefix: "800",
                len: 10,
                groups: &[&[4, 3, 4]],
                bare: false,
            },
            Plan {
                kind: "toll-free",
                prefix: "808",
                len: 10,
                groups: &[&[4, 3, 4]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "20",
                len: 10,
                groups: &[&[3, 4, 4]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "161",
                len: 10,
                groups: &[&[4, 3, 4]],
                bare: false,
            },
            Plan {
                kind: "mobile",
                prefix: "74",
                len: 10,
                groups: &[&[5, 6], &[5, 3, 3]],
                bare: false,
            },
        ],
    },
    Country {
        code: "AU",
        cc: "61",
        trunk: "0",
        languages: &["en"],
        separators: &[" "],
        paren_area: true,
        tld: "au",
        money: Money::Aud,
        name: "Australia",
        plans: &[
            Plan {
                kind: "toll-free",
                prefix: "1800",
                len: 10,
                groups: &[&[4, 3, 3]],
                bare: true,
            },
            Plan {
                kind: "fixed",
                prefix: "29",
                len: 9,
                groups: &[&[2, 4, 4]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "39",
                len: 9,
                groups: &[&[2, 4, 4]],
                bare: false,
            },
            Plan {
                kind: "mobile",
                prefix: "41",
                len: 9,
                groups: &[&[4, 3, 3]],
                bare: false,
            },
        ],
    },
    Country {
        code: "IN",
        cc: "91",
        trunk: "0",
        languages: &["en"],
        separators: &[" ", "-"],
        paren_area: false,
        tld: "in",
        money: Money::Inr,
        name: "India",
        plans: &[
            Plan {
                kind: "toll-free",
                prefix: "1800",
                len: 11,
                groups: &[&[4, 3, 4], &[4, 7]],
                bare: true,
            },
            Plan {
                kind: "mobile",
                prefix: "98",
                len: 10,
                groups: &[&[5, 5]],
                bare: true,
            },
            Plan {
                kind: "mobile",
                prefix: "70",
                len: 10,
                groups: &[&[5, 5], &[3, 3, 4]],
                bare: true,
            },
            Plan {
                kind: "fixed",
                prefix: "11",
                len: 10,
                groups: &[&[3, 8], &[3, 4, 4]],
                bare: false,
            },
        ],
    },
    Country {
        code: "DE",
        cc: "49",
        trunk: "0",
        languages: &["de"],
        separators: &[" ", "/", "-"],
        paren_area: true,
        tld: "de",
        money: Money::EuroComma,
        name: "Deutschland",
        plans: &[
            Plan {
                kind: "toll-free",
                prefix: "800",
                len: 10,
                groups: &[&[4, 3, 4], &[4, 7]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "30",
                len: 10,
                groups: &[&[3, 4, 4], &[3, 8]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "89",
                len: 10,
                groups: &[&[3, 3, 5]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "221",
                len: 10,
                groups: &[&[4, 7]],
                bare: false,
            },
            Plan {
                kind: "mobile",
                prefix: "151",
                len: 11,
                groups: &[&[4, 8], &[5, 3, 4]],
                bare: false,
            },
            Plan {
                kind: "mobile",
                prefix: "176",
                len: 11,
                groups: &[&[4, 8]],
                bare: false,
            },
        ],
    },
    Country {
        code: "AT",
        cc: "43",
        trunk: "0",
        languages: &["de"],
        separators: &[" ", "/"],
        paren_area: false,
        tld: "at",
        money: Money::EuroComma,
        name: "Österreich",
        plans: &[
            Plan {
                kind: "toll-free",
                prefix: "800",
                len: 9,
                groups: &[&[4, 3, 3]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "1",
                len: 8,
                groups: &[&[2, 3, 2, 2], &[2, 7]],
                bare: false,
            },
            Plan {
                kind: "mobile",
                prefix: "664",
                len: 10,
                groups: &[&[4, 7], &[4, 3, 4]],
                bare: false,
            },
        ],
    },
    Country {
        code: "CH",
        cc: "41",
        trunk: "0",
        languages: &["de", "fr", "it"],
        separators: &[" "],
        paren_area: false,
        tld: "ch",
        money: Money::Chf,
        name: "Schweiz",
        plans: &[
            Plan {
                kind: "toll-free",
                prefix: "800",
                len: 9,
                groups: &[&[4, 3, 3]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "44",
                len: 9,
                groups: &[&[3, 3, 2, 2]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "22",
                len: 9,
                groups: &[&[3, 3, 2, 2]],
                bare: false,
            },
            Plan {
                kind: "mobile",
                prefix: "79",
                len: 9,
                groups: &[&[3, 3, 2, 2]],
                bare: false,
            },
        ],
    },
    Country {
        code: "FR",
        cc: "33",
        trunk: "0",
        languages: &["fr"],
        separators: &[" ", ".", ""],
        paren_area: false,
        tld: "fr",
        money: Money::EuroComma,
        name: "France",
        plans: &[
            Plan {
                kind: "toll-free",
                prefix: "805",
                len: 9,
                groups: &[&[1, 3, 2, 2, 2], &[2, 2, 2, 2, 2]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "1",
                len: 9,
                groups: &[&[2, 2, 2, 2, 2]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "4",
                len: 9,
                groups: &[&[2, 2, 2, 2, 2]],
                bare: false,
            },
            Plan {
                kind: "mobile",
                prefix: "6",
                len: 9,
                groups: &[&[2, 2, 2, 2, 2]],
                bare: false,
            },
            Plan {
                kind: "mobile",
                prefix: "7",
                len: 9,
                groups: &[&[2, 2, 2, 2, 2]],
                bare: false,
            },
        ],
    },
    Country {
        code: "BE",
        cc: "32",
        trunk: "0",
        languages: &["fr", "nl"],
        separators: &[" ", "/", "."],
        paren_area: false,
        tld: "be",
        money: Money::EuroComma,
        name: "Belgique",
        plans: &[
            Plan {
                kind: "toll-free",
                prefix: "800",
                len: 8,
                groups: &[&[4, 2, 3]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "2",
                len: 8,
                groups: &[&[2, 3, 2, 2]],
                bare: false,
            },
            Plan {
                kind: "mobile",
                prefix: "47",
                len: 9,
                groups: &[&[4, 2, 2, 2]],
                bare: false,
            },
        ],
    },
    Country {
        code: "ES",
        cc: "34",
        trunk: "",
        languages: &["es"],
        separators: &[" ", ""],
        paren_area: false,
        tld: "es",
        money: Money::EuroComma,
        name: "España",
        plans: &[
            Plan {
                kind: "toll-free",
                prefix: "900",
                len: 9,
                groups: &[&[3, 3, 3]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "91",
                len: 9,
                groups: &[&[2, 3, 2, 2], &[3, 3, 3]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "93",
                len: 9,
                groups: &[&[2, 3, 2, 2]],
                bare: false,
            },
            Plan {
                kind: "mobile",
                prefix: "6",
                len: 9,
                groups: &[&[3, 3, 3], &[3, 2, 2, 2]],
                bare: false,
            },
        ],
    },
    Country {
        code: "MX",
        cc: "52",
        trunk: "",
        languages: &["es"],
        separators: &[" ", "-"],
        paren_area: true,
        tld: "mx",
        money: Money::Mxn,
        name: "México",
        plans: &[
            Plan {
                kind: "toll-free",
                prefix: "800",
                len: 10,
                groups: &[&[3, 3, 4]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "55",
                len: 10,
                groups: &[&[2, 4, 4]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "33",
                len: 10,
                groups: &[&[2, 4, 4]],
                bare: false,
            },
        ],
    },
    Country {
        code: "IT",
        cc: "39",
        trunk: "",
        languages: &["it"],
        separators: &[" ", "."],
        paren_area: false,
        tld: "it",
        money: Money::EuroComma,
        name: "Italia",
        plans: &[
            Plan {
                kind: "toll-free",
                prefix: "800",
                len: 9,
                groups: &[&[3, 3, 3], &[3, 6]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "02",
                len: 10,
                groups: &[&[2, 4, 4], &[2, 8]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "06",
                len: 10,
                groups: &[&[2, 4, 4]],
                bare: false,
            },
            Plan {
                kind: "mobile",
                prefix: "34",
                len: 10,
                groups: &[&[3, 3, 4], &[3, 7]],
                bare: false,
            },
        ],
    },
    Country {
        code: "PT",
        cc: "351",
        trunk: "",
        languages: &["pt"],
        separators: &[" "],
        paren_area: false,
        tld: "pt",
        money: Money::EuroComma,
        name: "Portugal",
        plans: &[
            Plan {
                kind: "toll-free",
                prefix: "800",
                len: 9,
                groups: &[&[3, 3, 3]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "21",
                len: 9,
                groups: &[&[3, 3, 3]],
                bare: false,
            },
            Plan {
                kind: "mobile",
                prefix: "91",
                len: 9,
                groups: &[&[3, 3, 3]],
                bare: false,
            },
        ],
    },
    Country {
        code: "BR",
        cc: "55",
        trunk: "",
        languages: &["pt"],
        separators: &[" ", "-"],
        paren_area: true,
        tld: "br",
        money: Money::Brl,
        name: "Brasil",
        plans: &[
            Plan {
                kind: "toll-free",
                prefix: "800",
                len: 10,
                groups: &[&[4, 3, 4]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "113",
                len: 10,
                groups: &[&[2, 4, 4]],
                bare: false,
            },
            Plan {
                kind: "mobile",
                prefix: "119",
                len: 11,
                groups: &[&[2, 5, 4]],
                bare: false,
            },
        ],
    },
    Country {
        code: "NL",
        cc: "31",
        trunk: "0",
        languages: &["nl"],
        separators: &[" ", "-"],
        paren_area: false,
        tld: "nl",
        money: Money::EuroDot,
        name: "Nederland",
        plans: &[
            Plan {
                kind: "toll-free",
                prefix: "800",
                len: 10,
                groups: &[&[4, 3, 4], &[4, 7]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "20",
                len: 9,
                groups: &[&[3, 3, 4]],
                bare: false,
            },
            Plan {
                kind: "fixed",
                prefix: "10",
                len: 9,
                groups: &[&[3, 3, 4]],
                bare: false,
            },
            Plan {
                kind: "mobile",
                prefix: "6",
                len: 9,
                groups: &[&[2, 8], &[2, 2, 2, 2, 2]],
                bare: false,
            },
        ],
    },
];

/// The countries where `language` is written.
pub(crate) fn countries_of(language: &str) -> Vec<&'static Country> {
    COUNTRIES
        .iter()
        .filter(|c| c.languages.contains(&language))
        .collect()
}

/// A number drawn for a message: its truth and how it is written.
#[derive(Debug, Clone)]
pub(crate) struct Number {
    /// E.164 (`+4980012345678`).
    pub e164: String,
    /// Plan kind (`toll-free`).
    pub kind: &'static str,
    /// As written in the message.
    pub written: String,
    /// What was done to it (`international`, `line-break`, `homoglyph`, …), for the truth.
    pub shape: Vec<&'static str>,
}

/// How carelessly a number may be written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Damage {
    /// May be broken over two lines.
    pub line_break: bool,
    /// May use look-alike characters and letters.
    pub tricks: bool,
}

/// A valid number of `country`, written in one of its shapes.
pub(crate) fn draw(rng: &mut Rng, country: &Country, damage: Damage) -> Number {
    let plan = rng.pick(country.plans);
    let nsn = national_number(rng, country, plan);
    let mut shape = Vec::new();
    let mut digits_written = nsn.clone();
    let mut vanity = None;
    // Letters for digits, as North American toll-free numbers are advertised.
    if damage.tricks && country.cc == "1" && plan.kind == "toll-free" && rng.below(6) == 0 {
        let word = *rng.pick(&["HELPNOW", "FIXPCS4", "REFUNDS", "CARE247", "SUPPORT"]);
        let letters: String = word.chars().collect();
        vanity = Some(letters.clone());
        digits_written = format!("{}{}", &nsn[..3], letters);
        shape.push("vanity");
    }
    let e164_digits = match &vanity {
        Some(letters) => format!(
            "{}{}",
            &nsn[..3],
            letters.chars().map(keypad).collect::<String>()
        ),
        None => nsn.clone(),
    };
    let e164 = format!("+{}{}", country.cc, e164_digits);
    let international = vanity.is_none() && rng.below(10) < 3;
    let groups = *rng.pick(plan.groups);
    let mut written = if international {
        shape.push("international");
        write_international(rng, country, plan, &digits_written, groups)
    } else {
        shape.push("national");
        write_national(rng, country, plan, &digits_written, groups)
    };
    if damage.tricks
        && vanity.is_none()
        && rng.below(12) == 0
        && let Some(swapped) = homoglyph(rng, &written)
    {
        written = swapped;
        shape.push("homoglyph");
    }
    if damage.line_break
        && rng.below(10) == 0
        && let Some(broken) = break_line(&written)
    {
        written = broken;
        shape.push("line-break");
    }
    Number {
        e164,
        kind: plan.kind,
        written,
        shape,
    }
}

/// A national significant number in `plan` that libphonenumber accepts.
fn national_number(rng: &mut Rng, country: &Country, plan: &Plan) -> String {
    let mut fallback = String::new();
    for _ in 0..200 {
        let mut nsn = plan.prefix.to_owned();
        while nsn.len() < plan.len {
            nsn.push(char::from(b'0' + rng.below(10) as u8));
        }
        if is_valid(&format!("+{}{}", country.cc, nsn)) {
            return nsn;
        }
        fallback = nsn;
    }
    fallback
}

/// Whether libphonenumber takes `e164` as a valid number.
pub(crate) fn is_valid(e164: &str) -> bool {
    phonenumber::parse(None::<country::Id>, e164)
        .is_ok_and(|n| n.is_valid() && n.format().mode(Mode::E164).to_string() == e164)
}

/// Splits `digits` by `sizes` (the last group takes what is left).
fn split<'a>(digits: &'a str, sizes: &[usize]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut at = 0;
    for (i, &size) in sizes.iter().enumerate() {
        if at >= digits.len() {
            break;
        }
        let end = if i + 1 == sizes.len() {
            digits.len()
        } else {
            (at + size).min(digits.len())
        };
        out.push(&digits[at..end]);
        at = end;
    }
    out
}

fn write_national(
    rng: &mut Rng,
    country: &Country,
    plan: &Plan,
    digits: &str,
    groups: &[usize],
) -> String {
    let trunk = if plan.bare { "" } else { country.trunk };
    let national = format!("{trunk}{digits}");
    let parts = split(&national, groups);
    let separator = *rng.pick(country.separators);
    let nanp = country.cc == "1";
    let mut out = String::new();
    if nanp && (plan.kind == "toll-free" || rng.below(4) == 0) && rng.below(3) > 0 {
        out.push_str(if separator == " " { "1 " } else { "1-" });
    }
    for (i, part) in parts.iter().enumerate() {
        if i == 0 && country.paren_area && plan.kind != "toll-free" && rng.below(2) == 0 {
            out.push_str(&format!("({part})"));
            out.push(' ');
            continue;
        }
        out.push_str(part);
        if i + 1 < parts.len() {
            // A slash after the area code, or the space a French number keeps.
            let sep = if separator == "/" && i > 0 {
                " "
            } else {
                separator
            };
            out.push_str(if sep == "/" && rng.below(2) == 0 {
                " / "
            } else {
                sep
            });
        }
    }
    out
}

fn write_international(
    rng: &mut Rng,
    country: &Country,
    plan: &Plan,
    digits: &str,
    groups: &[usize],
) -> String {
    // The national grouping, less the trunk prefix.
    let mut sizes = groups.to_vec();
    if !country.trunk.is_empty()
        && !plan.bare
        && let Some(first) = sizes.first_mut()
    {
        *first = first.saturating_sub(country.trunk.len()).max(1);
    }
    let parts = split(digits, &sizes);
    let separator = match *rng.pick(country.separators) {
        "/" | "" => " ",
        other => other,
    };
    let lead = match rng.below(10) {
        0 => format!("00{} ", country.cc),
        1 | 2 if !country.trunk.is_empty() && !plan.bare => format!("+{} (0)", country.cc),
        _ => format!("+{} ", country.cc),
    };
    format!("{lead}{}", parts.join(separator))
}

/// One `0` written as `O` or one `1` as `l`, away from the first character.
fn homoglyph(rng: &mut Rng, written: &str) -> Option<String> {
    let spots: Vec<usize> = written
        .char_indices()
        .skip(2)
        .filter(|&(_, c)| c == '0' || c == '1')
        .map(|(i, _)| i)
        .collect();
    if spots.is_empty() {
        return None;
    }
    let at = *rng.pick(&spots);
    let mut out = written.to_owned();
    let with = if &written[at..=at] == "0" { "O" } else { "l" };
    out.replace_range(at..=at, with);
    Some(out)
}

/// The number broken at its last separator, as a narrow column breaks it.
fn break_line(written: &str) -> Option<String> {
    let at = written.rfind([' ', '-', '.'])?;
    if at < 4 {
        return None;
    }
    Some(format!("{}\n{}", &written[..at], &written[at + 1..]))
}

/// The keypad digit of a letter.
fn keypad(c: char) -> char {
    match c {
        'A'..='C' => '2',
        'D'..='F' => '3',
        'G'..='I' => '4',
        'J'..='L' => '5',
        'M'..='O' => '6',
        'P'..='S' => '7',
        'T'..='V' => '8',
        'W'..='Z' => '9',
        other => other,
    }
}

/// An amount as `country` writes it: `£389.99`, `1.429,00 €`, `R$ 1.499,90`.
pub(crate) fn amount(rng: &mut Rng, money: Money) -> String {
    let whole =
        [49, 89, 149, 299, 349, 399, 489, 599, 899, 1249, 1429, 1899][rng.below(12) as usize];
    let cents = [0, 95, 99, 90, 49][rng.below(5) as usize];
    let (whole, cents) = match money {
        Money::Inr => (whole * 83, 0),
        Money::Mxn => (whole * 17, cents),
        Money::Brl => (whole * 5, cents),
        _ => (whole, cents),
    };
    let dot = group_thousands(whole, ',');
    let comma = group_thousands(whole, '.');
    let pick = rng.below(3);
    match money {
        Money::Usd => match pick {
            0 => format!("${dot}.{cents:02}"),
            1 => format!("USD {dot}.{cents:02}"),
            _ => format!("US$ {dot}.{cents:02}"),
        },
        Money::Cad => match pick {
            0 => format!("CAD {dot}.{cents:02}"),
            1 => format!("C${dot}.{cents:02}"),
            _ => format!("${dot}.{cents:02} CAD"),
        },
        Money::Gbp => match pick {
            0 | 1 => format!("£{dot}.{cents:02}"),
            _ => format!("GBP {dot}.{cents:02}"),
        },
        Money::Aud => match pick {
            0 => format!("AUD {dot}.{cents:02}"),
            1 => format!("A${dot}.{cents:02}"),
            _ => format!("${dot}.{cents:02} AUD"),
        },
        Money::Inr => match pick {
            0 => format!("₹{}", indian(whole)),
            1 => format!("Rs. {}", indian(whole)),
            _ => format!("INR {}.00", indian(whole)),
        },
        Money::EuroComma => match pick {
            0 => format!("{comma},{cents:02} €"),
            1 => format!("€ {comma},{cents:02}"),
            _ => format!("{comma},{cents:02} EUR"),
        },
        Money::EuroDot => match pick {
            0 => format!("€ {comma},{cents:02}"),
            1 => format!("€{comma},-"),
            _ => format!("EUR {comma},{cents:02}"),
        },
        Money::Chf => match pick {
            0 => format!("CHF {whole}.{cents:02}"),
            1 => format!("Fr. {whole}.–"),
            _ => format!("{whole}.{cents:02} CHF"),
        },
        Money::Mxn => match pick {
            0 => format!("${dot}.{cents:02} MXN"),
            _ => format!("MXN {dot}.{cents:02}"),
        },
        Money::Brl => format!("R$ {comma},{cents:02}"),
    }
}

fn group_thousands(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// `1,23,456`: lakh grouping.
fn indian(n: u64) -> String {
    let digits = n.to_string();
    if digits.len() <= 3 {
        return digits;
    }
    let (head, tail) = digits.split_at(digits.len() - 3);
    let mut out = String::new();
    for (i, c) in head.chars().enumerate() {
        if i > 0 && (head.len() - i).is_multiple_of(2) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out},{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_plan_draws_valid_numbers() {
        let mut rng = Rng::new(5, 9);
        for country in COUNTRIES {
            for plan in country.plans {
                let nsn = national_number(&mut rng, country, plan);
                let e164 = format!("+{}{nsn}", country.cc);
                assert!(is_valid(&e164), "{} {} {e164}", country.code, plan.prefix);
            }
        }
    }

    #[test]
    fn drawn_numbers_keep_their_digits() {
        let mut rng = Rng::new(1, 2);
        for _ in 0..2000 {
            let country = rng.pick(COUNTRIES);
            let number = draw(
                &mut rng,
                country,
                Damage {
                    line_break: true,
                    tricks: false,
                },
            );
            let digits: String = number
                .written
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            let e164_digits = &number.e164[1..];
            let national = &e164_digits[country.cc.len()..];
            assert!(
                digits.ends_with(national),
                "{} {:?}",
                number.e164,
                number.written
            );
        }
    }

    #[test]
    fn amounts_in_local_styles() {
        assert_eq!(group_thousands(1429, '.'), "1.429");
        assert_eq!(indian(1_234_567), "12,34,567");
        assert_eq!(indian(12_499), "12,499");
    }
}
