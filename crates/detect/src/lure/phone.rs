//! Phone numbers in mail text: a tolerant scanner finds what a person would
//! read as a number (`+1 (845) 555-0139`, `1 803 555-0186`, `(888)-555-0188`,
//! `8105550154`, with `l`/`I`/`|` for 1 and `o`/`O` for 0 inside a number),
//! then the `phonenumber` crate (libphonenumber's metadata) keeps the valid
//! ones and gives them in E.164. Numbers without a country code are read as
//! North American (10 digits, or 11 starting with 1).

use phonenumber::{Mode, country};

/// A valid phone number found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Phone {
    /// E.164 (`+18455550139`).
    pub e164: String,
    /// Byte span of the number as written.
    pub start: usize,
    /// End of that span (exclusive).
    pub end: usize,
}

/// Characters a number may be broken up with.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-' | '.' | '(' | ')' | '/' | '⋅' | '·' | '–' | '—' | '\u{a0}'
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

/// Every valid phone number in `text`, in order, without repeats of the same number.
pub(crate) fn find(text: &str) -> Vec<Phone> {
    let mut found: Vec<Phone> = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let starts_number = c == '+' || c == '(' || c.is_ascii_digit();
        let after_word = i > 0 && chars[i - 1].1.is_alphanumeric();
        if !starts_number || after_word {
            i += 1;
            continue;
        }
        match candidate(&chars, i) {
            Some((digits, plus, end_index)) => {
                let end = chars.get(end_index).map_or(text.len(), |&(at, _)| at);
                if let Some(e164) = validate(&digits, plus)
                    && !found.iter().any(|p| p.e164 == e164)
                {
                    found.push(Phone { e164, start, end });
                }
                i = end_index.max(i + 1);
            }
            None => {
                // Skip the rest of this run of digits: a number cannot start inside it.
                i += 1;
                while i < chars.len() && chars[i].1.is_ascii_digit() {
                    i += 1;
                }
            }
        }
    }
    found
}

/// Reads a number starting at `chars[from]`: its digits, whether it had a
/// leading `+`, and the index one past its last character.
fn candidate(chars: &[(usize, char)], from: usize) -> Option<(String, bool, usize)> {
    let mut digits = String::new();
    let mut real_digits = 0;
    let mut plus = false;
    let mut i = from;
    let mut last_digit_end = from;
    let mut separators_in_row = 0;
    let mut groups = 0;
    let mut in_group = false;
    while i < chars.len() && i - from < 32 {
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
            if !in_group {
                groups += 1;
                in_group = true;
            }
            separators_in_row = 0;
            last_digit_end = i + 1;
        } else if is_separator(c) {
            separators_in_row += 1;
            in_group = false;
            if separators_in_row > 3 {
                break;
            }
        } else {
            break;
        }
        if digits.len() > 15 {
            return None;
        }
        i += 1;
    }
    // The number must not run on into a longer number or the middle of a
    // word (a capital after it is a new word glued on by a careless template).
    if chars
        .get(last_digit_end)
        .is_some_and(|&(_, c)| c.is_ascii_digit() || (c.is_alphabetic() && !c.is_uppercase()))
    {
        return None;
    }
    let plausible = real_digits >= 7
        && groups <= 5
        && if plus {
            (8..=15).contains(&digits.len())
        } else {
            digits.len() == 10 || (digits.len() == 11 && digits.starts_with('1'))
        };
    plausible.then_some((digits, plus, last_digit_end))
}

/// The E.164 form of a valid number.
fn validate(digits: &str, plus: bool) -> Option<String> {
    let text = if plus || digits.len() == 11 {
        format!("+{digits}")
    } else {
        format!("+1{digits}")
    };
    let number = phonenumber::parse(Some(country::Id::US), &text).ok()?;
    if !number.is_valid() {
        return None;
    }
    Some(number.format().mode(Mode::E164).to_string())
}

#[cfg(test)]
mod props;

#[cfg(test)]
mod tests {
    use super::*;

    fn e164s(text: &str) -> Vec<String> {
        find(text).into_iter().map(|p| p.e164).collect()
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
    }

    #[test]
    fn spans_point_at_the_number_as_written() {
        let text = "Call +1 (845) 555-0139 today";
        let phone = &find(text)[0];
        assert_eq!(&text[phone.start..phone.end], "+1 (845) 555-0139");
    }

    #[test]
    fn ids_dates_and_invalid_numbers_are_not_phones() {
        assert!(e164s("Order UBCN-309848744 and ORD385934").is_empty());
        assert!(e164s("Invoice 70575021628111 on 2025-04-15").is_empty());
        assert!(e164s("id 1029281360 and 0000000000 and 123-456-7890").is_empty());
        assert!(e164s("key 8ecfcfdf-08b6-4cfc-aecb-e73fb2420e9a").is_empty());
        assert!(e164s("hello world, look at lOOl").is_empty());
    }
}
