//! Folding text so that words and brands match however they are dressed:
//! lower case, Latin accents dropped (`Rückerstattung` → `ruckerstattung`),
//! Cyrillic and Greek look-alikes read as Latin letters, typographic
//! apostrophes and dashes made plain; for brands also the digits and signs
//! scammers put in for letters (`N0rt0n`, `PayPa1`, `@mazon`). Every folded
//! byte remembers the span of the original character it came from.

/// A folded copy of a text and, for each of its bytes, the span of the
/// original character it came from.
pub(crate) struct Folded {
    pub text: String,
    origin: Vec<(u32, u32)>,
}

/// How far to fold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fold {
    /// Letters, accents, look-alike letters, punctuation.
    Words,
    /// As `Words`, and digits and signs used as letters (`0`→`o`, `1`→`l`, `3`→`e`, `@`→`a`).
    Brands,
    /// As `Brands`, keeping only letters and digits (`P a y P a l` → `paypal`).
    Squeezed,
}

impl Folded {
    /// `text` folded as `fold` says.
    pub fn new(text: &str, fold: Fold) -> Folded {
        let mut out = String::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len());
        for (at, c) in text.char_indices() {
            let Some(folded) = fold_char(c, fold) else {
                continue;
            };
            out.push(folded);
            let span = (at as u32, (at + c.len_utf8()) as u32);
            origin.extend(std::iter::repeat_n(span, folded.len_utf8()));
        }
        Folded { text: out, origin }
    }

    /// The span of the original text a folded span `[start, end)` came from.
    pub fn original(&self, start: usize, end: usize) -> (usize, usize) {
        let from = self.origin.get(start).map_or(0, |&(s, _)| s as usize);
        let to = end
            .checked_sub(1)
            .and_then(|last| self.origin.get(last))
            .map_or(from, |&(_, e)| e as usize);
        (from, to.max(from))
    }
}

/// A pattern from the data files folded like the text it is matched on.
pub(crate) fn fold_str(text: &str, fold: Fold) -> String {
    text.chars().filter_map(|c| fold_char(c, fold)).collect()
}

/// One character folded (`None`: dropped).
pub(crate) fn fold_char(c: char, fold: Fold) -> Option<char> {
    let lower = if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    };
    let letter = match lower {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'ç' | 'ć' | 'č' | 'с' | 'ϲ' => 'c',
        'ď' | 'ԁ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'е' | 'ε' | 'ё' => 'e',
        'ğ' => 'g',
        'һ' => 'h',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' | 'і' | 'ι' | 'ї' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'ł' => 'l',
        'м' => 'm',
        'ñ' | 'ń' | 'ň' | 'п' | 'ո' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'ř' => 'r',
        'ß' | 'ś' | 'š' | 'ş' | 'ѕ' => 's',
        'ť' | 'т' | 'τ' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'υ' => 'u',
        'ν' => 'v',
        'ш' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'ý' | 'ÿ' | 'у' | 'γ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        '’' | '‘' | '´' | '`' | 'ʼ' => '\'',
        '–' | '—' | '‐' | '‑' => '-',
        '\u{a0}' | '\u{202f}' | '\u{2009}' => ' ',
        other => other,
    };
    let letter = match (fold, letter) {
        (Fold::Brands | Fold::Squeezed, '0') => 'o',
        (Fold::Brands | Fold::Squeezed, '1' | '|') => 'l',
        (Fold::Brands | Fold::Squeezed, '3') => 'e',
        (Fold::Brands | Fold::Squeezed, '@') => 'a',
        (_, other) => other,
    };
    match fold {
        Fold::Squeezed => letter.is_alphanumeric().then_some(letter),
        _ => Some(letter),
    }
}

/// Whether the folded match `[start, end)` of `text` stands at word
/// boundaries (a side marked `open` needs none: a compound may continue).
pub(crate) fn at_boundaries(text: &str, start: usize, end: usize, open: (bool, bool)) -> bool {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let first = text[start..].chars().next();
    let last = text[..end].chars().next_back();
    let before_ok = open.0 || !word(first) || !word(text[..start].chars().next_back());
    let after_ok = open.1 || !word(last) || !word(text[end..].chars().next());
    before_ok && after_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding() {
        assert_eq!(fold_str("Rückerstattung", Fold::Words), "ruckerstattung");
        assert_eq!(fold_str("Nоrtоn 360", Fold::Words), "norton 360");
        assert_eq!(fold_str("PayPa1 N0rt0n", Fold::Brands), "paypal norton");
        assert_eq!(fold_str("P a y-P a l", Fold::Squeezed), "paypal");
        assert_eq!(fold_str("didn’t", Fold::Words), "didn't");
        let folded = Folded::new("Größe: N0rton", Fold::Brands);
        assert_eq!(folded.text, "grose: norton");
        assert_eq!(folded.original(7, 13), (9, 15));
        assert!(at_boundaries("a norton b", 2, 8, (false, false)));
        assert!(!at_boundaries("nortonville", 0, 6, (false, false)));
        assert!(at_boundaries("jahresrechnung", 6, 14, (true, false)));
    }
}
