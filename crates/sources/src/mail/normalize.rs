//! Making mail text comparable before any rule reads it: Unicode NFKC
//! (full-width digits, ligatures and styled letters become plain ones),
//! invisible characters removed (zero-width spaces and joiners, soft
//! hyphens, bidi controls, variation selectors, the U+E0000 tag block, and
//! combining marks stuck onto ASCII letters), whitespace runs squeezed, and
//! the result cut at a byte limit on a character boundary.
//!
//! Digit look-alikes (`l`, `O` for `1`, `0`) are folded only where a phone
//! number is read (the detector's phone scanner): folding them everywhere
//! would break words.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Whether a character is invisible padding that scammers use to split
/// words and numbers (and that no reader sees).
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'                      // soft hyphen
            | '\u{034F}'                // combining grapheme joiner
            | '\u{061C}'                // Arabic letter mark
            | '\u{115F}' | '\u{1160}'   // Hangul fillers
            | '\u{17B4}' | '\u{17B5}'   // Khmer inherent vowels
            | '\u{180B}'..='\u{180F}'   // Mongolian selectors and vowel separator
            | '\u{200B}'..='\u{200F}'   // zero-width space, joiners, marks
            | '\u{202A}'..='\u{202E}'   // bidi embeddings and overrides
            | '\u{2060}'..='\u{206F}'   // word joiner, invisible operators, bidi isolates
            | '\u{3164}'                // Hangul filler
            | '\u{FE00}'..='\u{FE0F}'   // variation selectors
            | '\u{FEFF}'                // zero-width no-break space
            | '\u{FFA0}'                // half-width Hangul filler
            | '\u{1D173}'..='\u{1D17A}' // musical formatting
            | '\u{E0000}'..='\u{E0FFF}' // tags and variation selectors supplement
    )
}

/// Appends the normalized form of `text` to `out`, keeping `out` under
/// `limit` bytes; returns `false` when text had to be cut.
pub(crate) fn push_clean(out: &mut String, text: &str, limit: usize) -> bool {
    let mut previous_ascii = out.chars().next_back().is_some_and(|c| c.is_ascii());
    let mut pending_space = false;
    let push = |out: &mut String, c: char| -> bool {
        if out.len() + c.len_utf8() > limit {
            return false;
        }
        out.push(c);
        true
    };
    let chars: Box<dyn Iterator<Item = char>> = if text.is_ascii() {
        Box::new(text.chars())
    } else {
        Box::new(text.nfkc())
    };
    for c in chars {
        if is_invisible(c) || (previous_ascii && is_combining_mark(c)) {
            continue;
        }
        let c = match c {
            '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => ' ',
            '\r' => continue,
            c => c,
        };
        if c == ' ' || c == '\t' {
            pending_space = true;
            continue;
        }
        if c == '\n' {
            // Squeeze blank lines and drop spaces before a line end.
            pending_space = false;
            if out.ends_with("\n\n") || out.is_empty() {
                continue;
            }
            if !push(out, '\n') {
                return false;
            }
            previous_ascii = true;
            continue;
        }
        if pending_space && !out.is_empty() && !out.ends_with('\n') && !push(out, ' ') {
            return false;
        }
        pending_space = false;
        if !push(out, c) {
            return false;
        }
        previous_ascii = c.is_ascii();
    }
    true
}

/// The normalized form of a short text (a subject, a display name), on one line.
pub(crate) fn clean_line(text: &str, limit: usize) -> String {
    let mut out = String::new();
    push_clean(&mut out, text, limit);
    out.replace('\n', " ").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(text: &str) -> String {
        let mut out = String::new();
        push_clean(&mut out, text, 1 << 20);
        out
    }

    #[test]
    fn invisible_padding_is_removed_and_compatibility_forms_fold() {
        assert_eq!(clean("C\u{E0139}o\u{E0139}inbase"), "Coinbase");
        assert_eq!(clean("Y\u{034F}o\u{034F}u\u{034F}r"), "Your");
        assert_eq!(clean("P\u{200D}\u{200D}r\u{200D}ime"), "Prime");
        assert_eq!(clean("amzn\u{073F}.\u{073F}com"), "amzn.com");
        assert_eq!(clean("\u{FF11}\u{FF18}\u{FF10}\u{FF10}"), "1800");
        assert_eq!(clean("ﬁle"), "file");
        assert_eq!(clean("café"), "café");
    }

    #[test]
    fn whitespace_is_squeezed_and_text_cut_on_a_boundary() {
        assert_eq!(clean("a \t b\r\n\n\n\nc  \n"), "a b\n\nc\n");
        let mut out = String::new();
        assert!(!push_clean(&mut out, "ééé", 5));
        assert_eq!(out, "éé");
        assert_eq!(clean_line(" Order\n #1 ", 100), "Order #1");
    }
}
