//! Amounts of money as lures write them, in every common format: a symbol
//! or code before or after the number (`£389.99`, `299,99 €`, `AUD 329.95`,
//! `₹12,499`, `USD 1,249.00`, `1.429,00 EUR`, `Rs. 4,999`, `R$ 349,90`),
//! with `,` `.` or spaces grouping thousands (Indian lakh grouping too) and
//! `.` or `,` before the cents. The currency is kept: it hints at the
//! country of the message's phone numbers.

/// An amount found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Amount {
    /// Byte span in the text.
    pub start: usize,
    pub end: usize,
    /// The currency as written, folded (`€`, `usd`, `r$`, `rs.`).
    pub currency: String,
}

/// Currency symbols and codes, longest first so `R$` wins over `$`.
const CURRENCIES: &[&str] = &[
    "sfr.", "mx$", "us$", "au$", "ca$", "nz$", "rs.", "usd", "eur", "gbp", "aud", "cad", "inr",
    "chf", "brl", "mxn", "nzd", "zar", "sgd", "r$", "a$", "c$", "s$", "rs", "fr.", "$", "€", "£",
    "₹", "¥",
];

/// Amounts kept per text (the first ones; a lure shows one or two).
const MAX_AMOUNTS: usize = 8;

/// The amounts in `text`, in order.
pub(crate) fn find(text: &str) -> Vec<Amount> {
    let mut found: Vec<Amount> = Vec::new();
    let mut at = 0;
    while at < text.len() && found.len() < MAX_AMOUNTS {
        let rest = &text[at..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        if let Some(currency) = digit_soon(text, at)
            .then(|| currency_at(text, at))
            .flatten()
        {
            // Symbol or code first: `€ 299,99`, `USD1,249.00`.
            let mut number_at = at + currency.len();
            number_at += spaces(&text[number_at..], 2);
            let length = number(&text[number_at..]);
            if length > 0 && !preceded_by_alnum(text, at) {
                found.push(Amount {
                    start: at,
                    end: number_at + length,
                    currency: text[at..at + currency.len()].to_lowercase(),
                });
                at = number_at + length;
                continue;
            }
        }
        if c.is_ascii_digit() && !preceded_by_alnum(text, at) {
            // Number first: `299,99 €`, `389.99 USD`.
            let length = number(rest);
            if length > 0 {
                let after = at + length;
                let gap = spaces(&text[after..], 2);
                if let Some(currency) = currency_at(text, after + gap)
                    && (has_cents(&rest[..length])
                        || !currency.chars().all(|c| c.is_ascii_alphabetic()))
                {
                    let end = after + gap + currency.len();
                    found.push(Amount {
                        start: at,
                        end,
                        currency: text[after + gap..end].to_lowercase(),
                    });
                    at = end;
                    continue;
                }
                at += length;
                continue;
            }
        }
        at += c.len_utf8();
    }
    found
}

/// Bytes a currency and the spaces after it span at most (`sfr.` and two
/// narrow no-break spaces), plus the first digit.
const CURRENCY_REACH: usize = 4 + 2 * '\u{202f}'.len_utf8() + 1;

/// Whether a digit follows `at` closely enough for a currency written there
/// to lead an amount: the cheap test that spares the currency search at
/// nearly every character of ordinary text.
fn digit_soon(text: &str, at: usize) -> bool {
    text.as_bytes()
        .get(at..)
        .is_some_and(|rest| rest.iter().take(CURRENCY_REACH).any(u8::is_ascii_digit))
}

/// The currency written at `at`, if one is (a code must stand alone).
fn currency_at(text: &str, at: usize) -> Option<&'static str> {
    let rest = text.get(at..)?;
    CURRENCIES.iter().copied().find(|currency| {
        let Some(head) = rest.get(..currency.len()) else {
            return false;
        };
        if !head.eq_ignore_ascii_case(currency) {
            return false;
        }
        let alphabetic_end = currency.ends_with(|c: char| c.is_ascii_alphabetic());
        let next = rest[currency.len()..].chars().next();
        let glued_after = alphabetic_end && next.is_some_and(char::is_alphabetic);
        let glued_before =
            currency.starts_with(|c: char| c.is_ascii_alphabetic()) && preceded_by_alpha(text, at);
        !glued_after && !glued_before
    })
}

/// Length of a number at the start of `text`: digits, grouped by `,` `.`
/// or a space (groups of 2 or 3 digits), with optional cents; 0 if none.
fn number(text: &str) -> usize {
    let bytes = text.as_bytes();
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let first = digits(0);
    if first == 0 || first > 9 {
        return 0;
    }
    let mut end = first;
    while let Some(&separator) = bytes.get(end) {
        if !matches!(separator, b',' | b'.' | b' ') {
            break;
        }
        let group = digits(end + 1);
        let after_group = bytes.get(end + 1 + group);
        let cents = group == 2
            && separator != b' '
            && !after_group.is_some_and(|b| {
                b.is_ascii_digit()
                    || matches!(b, b',' | b'.')
                        && bytes.get(end + 4).is_some_and(u8::is_ascii_digit)
            });
        if group == 3 || (group == 2 && !cents && separator == b',') {
            end += 1 + group;
            continue;
        }
        if cents {
            end += 3;
        }
        break;
    }
    end
}

/// Whether a number ends with a decimal part (`389.99`, `299,99`).
fn has_cents(number: &str) -> bool {
    let bytes = number.as_bytes();
    bytes.len() >= 3
        && matches!(bytes[bytes.len() - 3], b'.' | b',')
        && bytes[bytes.len() - 2..].iter().all(u8::is_ascii_digit)
}

/// Up to `max` spaces (also no-break ones) at the start of `text`, in bytes.
fn spaces(text: &str, max: usize) -> usize {
    text.chars()
        .take(max)
        .take_while(|c| matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(char::len_utf8)
        .sum()
}

fn preceded_by_alnum(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
}

fn preceded_by_alpha(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_some_and(char::is_alphabetic)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Vec<(String, String)> {
        find(text)
            .into_iter()
            .map(|a| (text[a.start..a.end].to_owned(), a.currency))
            .collect()
    }

    fn one(written: &str, currency: &str) -> Vec<(String, String)> {
        vec![(written.to_owned(), currency.to_owned())]
    }

    #[test]
    fn every_common_format() {
        assert_eq!(check("paid £389.99 today"), one("£389.99", "£"));
        assert_eq!(check("Betrag: 299,99 € wird"), one("299,99 €", "€"));
        assert_eq!(check("total 1.429,00 € ce"), one("1.429,00 €", "€"));
        assert_eq!(check("charged AUD 329.95."), one("AUD 329.95", "aud"));
        assert_eq!(check("₹12,499 debited"), one("₹12,499", "₹"));
        assert_eq!(check("USD 1,249.00 will"), one("USD 1,249.00", "usd"));
        assert_eq!(check("pay $ 476.44 now"), one("$ 476.44", "$"));
        assert_eq!(check("USD574.99 today"), one("USD574.99", "usd"));
        assert_eq!(check("charged 389.99 USD"), one("389.99 USD", "usd"));
        assert_eq!(check("Rs. 1,24,999 debited"), one("Rs. 1,24,999", "rs."));
        assert_eq!(check("R$ 349,90 cobrado"), one("R$ 349,90", "r$"));
        assert_eq!(check("1 249,00 EUR"), one("1 249,00 EUR", "eur"));
        assert_eq!(check("€1.299"), one("€1.299", "€"));
    }

    #[test]
    fn not_amounts() {
        assert_eq!(check("no money 12 here"), []);
        assert_eq!(check("3 eurosport, 12 usdt, version 2.5"), []);
        assert_eq!(check("BUSD 12"), []);
    }
}
