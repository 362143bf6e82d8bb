//! Phone numbers in mail text. A tolerant scanner finds what a person would
//! read as a number (`+1 (845) 555-0139`, `030 / 1234 5678`, `06.12.34.56.78`,
//! `1-800-FLOWERS`, `l` `I` `|` for 1 and `o` `O` for 0, a number broken
//! over two lines); then the `phonenumber` crate (libphonenumber's metadata)
//! keeps the valid ones and gives them in E.164 with their region and line
//! type. A number with a `+` (or `00`) names its country; a national one is
//! tried in the regions the message points at (`region`), best first.
//!
//! A candidate that is not valid as a whole is tried again without its last
//! groups of digits (`0800 123 4567 24/7` is `0800 123 4567`).

use phonenumber::metadata::DATABASE;
use phonenumber::{Mode, PhoneNumber, Type, country};

/// A valid phone number found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Phone {
    /// E.164 (`+18455550139`).
    pub e164: String,
    /// The region libphonenumber gives it (`US`, `DE`).
    pub region: String,
    /// Toll-free, premium, mobile, fixed, …
    pub line: &'static str,
    /// Byte span of the number as written.
    pub start: usize,
    /// End of that span (exclusive).
    pub end: usize,
    /// Whether it was written with its country code.
    pub international: bool,
}

/// Something that reads like a phone number, before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Candidate {
    digits: String,
    plus: bool,
    start: usize,
    /// After each group of digits: how many digits so far, and the byte end.
    cuts: Vec<(usize, usize)>,
}

/// Digits a number may have at most (E.164 allows 15; `00` and a trunk `0` add two).
const MAX_DIGITS: usize = 17;
/// Groups of digits a number may have.
const MAX_GROUPS: usize = 7;

/// Every valid phone number in `text`, in order, without repeats, national
/// numbers read in `regions` (best first).
pub(crate) fn find(text: &str, regions: &[country::Id]) -> Vec<Phone> {
    resolve(text, &candidates(text), regions)
}

/// What reads like a number in `text`.
pub(crate) fn candidates(text: &str) -> Vec<Candidate> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (_, c) = chars[i];
        let starts_number = c == '+' || c == '(' || c.is_ascii_digit();
        let after_word = i > 0 && chars[i - 1].1.is_alphanumeric();
        if !starts_number || after_word {
            i += 1;
            continue;
        }
        match candidate(text, &chars, i) {
            Some((candidate, next)) => {
                found.push(candidate);
                i = next.max(i + 1);
            }
            None => {
                // A number cannot start inside this run of digits.
                i += 1;
                while i < chars.len() && chars[i].1.is_ascii_digit() {
                    i += 1;
                }
            }
        }
    }
    found
}

/// The regions of numbers written with their country code.
pub(crate) fn dialled_regions(candidates: &[Candidate]) -> Vec<country::Id> {
    let mut regions = Vec::new();
    for candidate in candidates
        .iter()
        .filter(|c| c.plus || c.digits.starts_with("00"))
    {
        let digits = candidate
            .digits
            .strip_prefix("00")
            .unwrap_or(&candidate.digits);
        if let Some(number) = parse_valid(None, &format!("+{digits}"))
            && let Some(id) = number.country().id()
            && !regions.contains(&id)
        {
            regions.push(id);
        }
    }
    regions
}

/// The valid numbers among `candidates`.
pub(crate) fn resolve(text: &str, candidates: &[Candidate], regions: &[country::Id]) -> Vec<Phone> {
    let mut found: Vec<Phone> = Vec::new();
    for candidate in candidates {
        let Some((number, end)) = validate(candidate, regions) else {
            continue;
        };
        let e164 = number.format().mode(Mode::E164).to_string();
        if found.iter().any(|p| p.e164 == e164) {
            continue;
        }
        let region = number
            .country()
            .id()
            .map(|id| format!("{id:?}"))
            .unwrap_or_default();
        found.push(Phone {
            e164,
            region,
            line: line_type(number.number_type(&DATABASE)),
            start: candidate.start,
            end: end.min(text.len()),
            international: candidate.plus || candidate.digits.starts_with("00"),
        });
    }
    found
}

/// A candidate's digits, real digits, end and cuts, kept at a line break.
type Kept = (String, usize, usize, Vec<(usize, usize)>);

/// Reads a candidate starting at `chars[from]`; returns it and the index to go on from.
fn candidate(text: &str, chars: &[(usize, char)], from: usize) -> Option<(Candidate, usize)> {
    let mut digits = String::new();
    let mut real_digits = 0;
    let mut plus = false;
    let mut i = from;
    let mut last_digit_end = from;
    let mut separators_in_row = 0;
    let mut line_breaks = 0;
    let mut vanity = false;
    let mut in_group = false;
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    // The number as it stood before a line break, should what follows the
    // break turn out not to belong to it (`22\n(7j/7)`).
    let mut before_break: Option<Kept> = None;
    while i < chars.len() && i - from < 48 {
        let c = chars[i].1;
        if c == '+' && i == from {
            plus = true;
        } else if let Some(d) = digit_of(c) {
            // A look-alike only counts between digits or separators of this number.
            if !c.is_ascii_digit() && real_digits == 0 {
                break;
            }
            if !c.is_ascii_digit()
                && chars
                    .get(i + 1)
                    .is_some_and(|&(_, n)| n.is_alphabetic() && digit_of(n).is_none())
            {
                break;
            }
            digits.push(d);
            if c.is_ascii_digit() {
                real_digits += 1;
            }
            in_group = true;
            separators_in_row = 0;
            last_digit_end = i + 1;
        } else if c.is_ascii_uppercase()
            && separators_in_row > 0
            && (vanity || is_vanity_prefix(&digits))
        {
            // `1-800-FLOWERS`: letters for digits after a toll-free prefix.
            let run: Vec<char> = chars[i..]
                .iter()
                .map(|&(_, c)| c)
                .take_while(char::is_ascii_uppercase)
                .collect();
            let ends_word = chars
                .get(i + run.len())
                .is_none_or(|&(_, n)| !n.is_alphabetic());
            if !(3..=10).contains(&run.len()) || !ends_word {
                break;
            }
            if in_group {
                cuts.push((digits.len(), last_digit_end));
            }
            digits.extend(run.iter().map(|&c| keypad(c)));
            vanity = true;
            in_group = true;
            separators_in_row = 0;
            i += run.len();
            last_digit_end = i;
            continue;
        } else if is_separator(c) {
            if in_group {
                cuts.push((digits.len(), last_digit_end));
                in_group = false;
            }
            separators_in_row += 1;
            if separators_in_row > 3 {
                break;
            }
        } else if c == '\n'
            && line_breaks == 0
            && real_digits >= 3
            && chars.get(i + 1).is_some_and(|&(_, n)| n != '(')
        {
            // A number broken over two lines (a narrow column, a careless template).
            if in_group {
                cuts.push((digits.len(), last_digit_end));
                in_group = false;
            }
            before_break = Some((digits.clone(), real_digits, last_digit_end, cuts.clone()));
            line_breaks += 1;
            separators_in_row += 1;
        } else if c == '\r' {
        } else {
            break;
        }
        if digits.len() > MAX_DIGITS {
            return None;
        }
        i += 1;
    }
    if in_group {
        cuts.push((digits.len(), last_digit_end));
    }
    // The number must not run on into a longer number or the middle of a
    // word (a capital after it is a new word glued on by a careless template).
    let runs_on = |end: usize| {
        chars
            .get(end)
            .is_some_and(|&(_, c)| c.is_ascii_digit() || (c.is_alphabetic() && !c.is_uppercase()))
    };
    if runs_on(last_digit_end) {
        let (kept, kept_real, kept_end, kept_cuts) = before_break?;
        if last_digit_end == kept_end || runs_on(kept_end) {
            return None;
        }
        (digits, real_digits, last_digit_end, cuts) = (kept, kept_real, kept_end, kept_cuts);
    }
    if is_date_or_reference(&chars[from..last_digit_end]) {
        return None;
    }
    let plausible = real_digits >= 4 && digits.len() >= 7 && cuts.len() <= MAX_GROUPS;
    if !plausible {
        return None;
    }
    let start = chars[from].0;
    let cuts = cuts
        .into_iter()
        .map(|(n, index)| (n, chars.get(index).map_or(text.len(), |&(at, _)| at)))
        .collect();
    Some((
        Candidate {
            digits,
            plus,
            start,
            cuts,
        },
        last_digit_end,
    ))
}

/// `15.04.2025`, `2025-04-15`, `07/12/2025`, `2025-8413-90`: a date, or a
/// reference led by a year, written with one separator between three groups
/// — never how a phone number is grouped.
fn is_date_or_reference(chars: &[(usize, char)]) -> bool {
    let text: String = chars.iter().map(|&(_, c)| c).collect();
    let Some(separator) = text.chars().find(|c| matches!(c, '.' | '/' | '-')) else {
        return false;
    };
    let groups: Vec<&str> = text.split(separator).collect();
    if groups.len() != 3
        || !groups
            .iter()
            .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let year = |g: &str| g.len() == 4 && (g.starts_with("19") || g.starts_with("20"));
    let small =
        |g: &str, max: u32| g.len() <= 2 && g.parse::<u32>().is_ok_and(|n| (1..=max).contains(&n));
    let day_first =
        small(groups[0], 31) && small(groups[1], 31) && (year(groups[2]) || groups[2].len() == 2);
    day_first || year(groups[0])
}

/// The number a candidate is, trying it whole and then without its last
/// groups; with the byte end of the part that was valid.
///
/// The regions come first: a national number valid in the message's own
/// country, shortened, beats the same digits plus a stray group read in a
/// country further down the list.
fn validate(candidate: &Candidate, regions: &[country::Id]) -> Option<(PhoneNumber, usize)> {
    let international = candidate.plus || candidate.digits.starts_with("00");
    let groups: Vec<&[country::Id]> = if international {
        vec![regions]
    } else {
        regions.iter().map(std::slice::from_ref).collect()
    };
    for regions in groups {
        for (tries, &(count, end)) in candidate.cuts.iter().rev().enumerate() {
            if count < 7 || tries == 4 {
                break;
            }
            let digits = &candidate.digits[..count];
            if let Some(number) = validate_digits(digits, candidate.plus, regions) {
                return Some((number, end));
            }
        }
    }
    None
}

fn validate_digits(digits: &str, plus: bool, regions: &[country::Id]) -> Option<PhoneNumber> {
    let international = if plus {
        Some(digits)
    } else {
        digits.strip_prefix("00")
    };
    if let Some(digits) = international {
        // `+49 (0) 30 1234 5678`: the trunk `0` some write after the country code.
        return parse_valid(None, &format!("+{digits}")).or_else(|| {
            (1..=3)
                .filter(|&cc| digits.as_bytes().get(cc) == Some(&b'0'))
                .find_map(|cc| {
                    parse_valid(None, &format!("+{}{}", &digits[..cc], &digits[cc + 1..]))
                })
        });
    }
    for &region in regions {
        let id = format!("{region:?}");
        let Some(meta) = DATABASE.by_id(id.as_str()) else {
            continue;
        };
        // Where numbers are dialled with a trunk `0`, a geographic number is
        // written with it; mobile and non-geographic ones (`1800 123 456`,
        // `98765 43210`) often are not.
        // Brazilians write the area code without it (dialled, the `0` is
        // followed by a carrier code).
        let trunk_missing = meta.national_prefix() == Some("0")
            && !digits.starts_with('0')
            && region != country::Id::BR;
        if let Some(number) = parse_valid(Some(region), digits)
            && number.code().value() == meta.country_code()
            && (!trunk_missing
                || matches!(
                    number.number_type(&DATABASE),
                    Type::Mobile | Type::TollFree | Type::SharedCost | Type::Uan
                ))
        {
            return Some(number);
        }
    }
    None
}

fn parse_valid(region: Option<country::Id>, text: &str) -> Option<PhoneNumber> {
    let number = phonenumber::parse(region, text).ok()?;
    number.is_valid().then_some(number)
}

/// `1800`, `1-888`, `0800`: a toll-free prefix that vanity letters may follow.
fn is_vanity_prefix(digits: &str) -> bool {
    let national = digits.strip_prefix('1').unwrap_or(digits);
    matches!(
        national,
        "800" | "888" | "877" | "866" | "855" | "844" | "833" | "0800" | "0808"
    )
}

/// The digit a letter stands for on a phone keypad.
fn keypad(c: char) -> char {
    match c {
        'A'..='C' => '2',
        'D'..='F' => '3',
        'G'..='I' => '4',
        'J'..='L' => '5',
        'M'..='O' => '6',
        'P'..='S' => '7',
        'T'..='V' => '8',
        _ => '9',
    }
}

/// Characters a number may be broken up with.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-'
            | '.'
            | '('
            | ')'
            | '/'
            | '⋅'
            | '·'
            | '–'
            | '—'
            | '\u{a0}'
            | '\u{202f}'
            | '\u{2009}'
            | '\t'
    )
}

/// A look-alike read as a digit inside a number.
fn digit_of(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        'l' | 'I' | '|' => Some('1'),
        'o' | 'O' => Some('0'),
        _ => None,
    }
}

/// libphonenumber's line type in our words.
fn line_type(kind: Type) -> &'static str {
    match kind {
        Type::TollFree => "toll-free",
        Type::PremiumRate => "premium",
        Type::Mobile => "mobile",
        Type::FixedLine => "fixed",
        Type::FixedLineOrMobile => "fixed-or-mobile",
        Type::SharedCost => "shared-cost",
        Type::Voip => "voip",
        Type::PersonalNumber => "personal",
        Type::Pager => "pager",
        Type::Uan => "uan",
        Type::Voicemail => "voicemail",
        _ => "unknown",
    }
}

#[cfg(test)]
mod props;

#[cfg(test)]
mod tests {
    use super::*;
    use country::Id;

    fn e164s(text: &str) -> Vec<String> {
        find(text, &[Id::US]).into_iter().map(|p| p.e164).collect()
    }

    fn check(text: &str, regions: &[Id]) -> Vec<String> {
        find(text, regions)
            .into_iter()
            .map(|p| format!("{} {} {}", p.e164, p.region, p.line))
            .collect()
    }

    #[test]
    fn the_shapes_lures_use() {
        assert_eq!(e164s("call +1(845) 555-0139 now"), ["+18455550139"]);
        assert_eq!(e164s("Desk: 1 810 555-0198."), ["+18105550198"]);
        assert_eq!(e164s("📞 (888)-555-0188"), ["+18885550188"]);
        assert_eq!(e164s("Contact: 8105550154"), ["+18105550154"]);
        assert_eq!(e164s("+1 843-555-0184"), ["+18435550184"]);
        assert_eq!(
            e164s("1 (833) 555-0105 and 855-555-0117"),
            ["+18335550105", "+18555550117"]
        );
        assert_eq!(e164s("Call 1-8OO-555-0155"), ["+18005550155"]);
        assert_eq!(e164s("+1 802.555.0115"), ["+18025550115"]);
        assert_eq!(e164s("+44 20 7946 0958"), ["+442079460958"]);
        assert_eq!(e164s("Call 1-800-FLOWERS today"), ["+18003569377"]);
        assert_eq!(e164s("Call 1-800-GOT-JUNK now"), ["+18004685865"]);
        assert_eq!(e164s("Call 1 (888)\n555-0142 now"), ["+18885550142"]);
        assert_eq!(e164s("0044 20 7946 0958"), ["+442079460958"]);
        assert_eq!(e164s("+49 (0) 30 1234 5678"), ["+493012345678"]);
    }

    #[test]
    fn national_numbers_in_their_region() {
        assert_eq!(
            check("Rufen Sie 0800 330 4455 an", &[Id::DE, Id::US]),
            ["+498003304455 DE toll-free"]
        );
        assert_eq!(
            check("Tel. 030 / 1234 5678", &[Id::DE, Id::US]),
            ["+493012345678 DE fixed"]
        );
        assert_eq!(
            check("Appelez le 01 99 00 12 34", &[Id::FR, Id::US]),
            ["+33199001234 FR fixed"]
        );
        assert_eq!(
            check("call 020 7946 0958 or 07400 123456", &[Id::GB, Id::US]),
            ["+442079460958 GB fixed", "+447400123456 GB mobile"]
        );
        assert_eq!(
            check("llame al 912 345 678", &[Id::ES, Id::US]),
            ["+34912345678 ES fixed"]
        );
        assert_eq!(
            check("0800 123 4567 24/7", &[Id::GB]),
            ["+448001234567 GB toll-free"]
        );
        // The same digits, read in the wrong country first, are still found
        // in the right one when that country is also tried.
        assert_eq!(
            check("(02) 5550 1234", &[Id::US, Id::AU]),
            ["+61255501234 AU fixed"]
        );
        assert_eq!(
            check("call 1800 123 456 or 0412 345 678", &[Id::AU, Id::US]),
            ["+611800123456 AU toll-free", "+61412345678 AU mobile"]
        );
        assert_eq!(
            check("call 98765 43210 or 1800 425 3800", &[Id::IN, Id::US]),
            ["+919876543210 IN mobile", "+9118004253800 IN toll-free"]
        );
        // A geographic number without its trunk prefix is not read in a trunk country.
        assert_eq!(
            check("call 803 555 0142", &[Id::DE, Id::US]),
            ["+18035550142 US fixed-or-mobile"]
        );
    }

    #[test]
    fn spans_point_at_the_number_as_written() {
        let text = "Call +1 (845) 555-0139 today";
        let phone = &find(text, &[Id::US])[0];
        assert_eq!(&text[phone.start..phone.end], "+1 (845) 555-0139");
        let text = "Call 0800 123 4567 24/7";
        let phone = &find(text, &[Id::GB])[0];
        assert_eq!(&text[phone.start..phone.end], "0800 123 4567");
    }

    #[test]
    fn ids_dates_and_invalid_numbers_are_not_phones() {
        assert!(e164s("Order UBCN-309848744 and ORD385934").is_empty());
        assert!(e164s("Invoice 70575021628111 on 2025-04-15").is_empty());
        assert!(e164s("id 1029281360 and 0000000000 and 123-456-7890").is_empty());
        assert!(e164s("key 8ecfcfdf-08b6-4cfc-aecb-e73fb2420e9a").is_empty());
        assert!(e164s("hello world, look at lOOl").is_empty());
        assert!(check("am 15.04.2025 um 10:30", &[Id::DE, Id::FR, Id::US]).is_empty());
        assert!(e164s("Order 12345 ABCDEFG").is_empty());
        assert!(check("il 07/12/2025 e 2025-8413-90", &[Id::IT, Id::US]).is_empty());
        assert!(check("am 3.4.2025", &[Id::DE, Id::US]).is_empty());
    }

    #[test]
    fn a_number_ends_at_a_line_break_when_what_follows_is_not_its() {
        assert_eq!(
            check("conseiller :\n079 247 86 22\n(7j/7)", &[Id::CH, Id::US]),
            ["+41792478622 CH mobile"]
        );
        assert_eq!(
            check("ligue (11) 3890 6871 hoje", &[Id::BR, Id::US]),
            ["+551138906871 BR fixed"]
        );
    }
}
