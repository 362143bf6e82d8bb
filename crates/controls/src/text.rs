//! Quoting text for each output syntax, so that catalog and policy values
//! (tool names, tenants, reasons) can never break out of a string or a
//! comment. Values with a grammar of their own (names, addresses) are
//! checked first by `grammar.rs`; these functions are the second wall, for
//! the free text that ends up in messages, descriptions and comments.

/// Whether a character could end a line or a string in some output syntax,
/// or hide what follows: C0/C1 controls, Unicode line and paragraph
/// separators, bidirectional and other format characters, the byte-order
/// mark and noncharacters.
pub(crate) fn is_hazard(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
                | '\u{fffe}' | '\u{ffff}'
        )
}

/// Text for a one-line comment in any format: hazards become spaces, so
/// the comment cannot end early and start a rule.
pub(crate) fn comment_line(text: &str) -> String {
    text.chars()
        .map(|c| if is_hazard(c) { ' ' } else { c })
        .collect()
}

/// Text inside an XML comment: one line, and no `--` (which XML forbids there).
pub(crate) fn xml_comment(text: &str) -> String {
    let mut out = comment_line(text);
    while out.contains("--") {
        out = out.replace("--", "- -");
    }
    if out.ends_with('-') {
        out.push(' ');
    }
    out
}

/// A double-quoted nftables or iptables comment: only ASCII letters, digits,
/// space and `-._:/,()+@=` survive (anything else becomes `_`), so no quote,
/// escape or variable syntax of either tool can appear; at most `max` bytes
/// (both tools cap comments).
pub(crate) fn firewall_comment(text: &str, max: usize) -> String {
    let mut clean: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " -._:/,()+@=".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.len() > max {
        clean.truncate(max.saturating_sub(3));
        clean.push_str("...");
    }
    clean
}

/// A YAML single-quoted scalar: hazards become spaces (YAML 1.1 readers
/// also break lines at U+0085, U+2028 and U+2029), `'` is doubled.
pub(crate) fn yaml(text: &str) -> String {
    format!("'{}'", comment_line(text).replace('\'', "''"))
}

/// A Sigma string value that means exactly `text`: the wildcards `*` and
/// `?` and the escape `\` are escaped, so catalog text cannot widen a match.
pub(crate) fn sigma_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An XML attribute value (without the surrounding quotes).
pub(crate) fn xml_attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if is_hazard(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A PowerShell single-quoted string (quotes included). Inside one, only a
/// quote character is special; PowerShell also takes the typographic single
/// quotes as quotes, so every one of them is doubled.
pub(crate) fn powershell(text: &str) -> String {
    let clean = comment_line(text);
    let escaped = clean.replace(['\'', '\u{2018}', '\u{2019}', '\u{201a}', '\u{201b}'], "''");
    format!("'{escaped}'")
}

/// A Suricata `msg` string: `"`, `;` and `\` escaped, hazards and
/// non-ASCII characters become spaces.
pub(crate) fn suricata(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' | ';' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if is_hazard(c) || !c.is_ascii() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A Suricata `content` string matching the bytes of `text` exactly: ASCII
/// letters, digits and `-._=,/@+*() ` are written as they are; every other
/// byte (quotes, `;`, `:`, `\`, `|`, controls, UTF-8) as a `|hex|` run.
pub(crate) fn suricata_content(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_hex = false;
    for byte in text.bytes() {
        let plain = byte.is_ascii_alphanumeric() || b"-._=,/@+*() ".contains(&byte);
        if plain {
            if in_hex {
                out.push('|');
                in_hex = false;
            }
            out.push(char::from(byte));
        } else {
            if in_hex {
                out.push(' ');
            } else {
                out.push('|');
                in_hex = true;
            }
            out.push_str(&format!("{byte:02X}"));
        }
    }
    if in_hex {
        out.push('|');
    }
    out
}

/// A PCRE literal: every metacharacter escaped (and `/`, the delimiter);
/// only used on values the grammar already limited to printable ASCII.
pub(crate) fn pcre_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if "\\^$.|?*+()[]{}/-\"';#".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(firewall_comment("a\"b\\c\nd'e$f", 128), "a_b_c_d_e_f");
        assert_eq!(firewall_comment(&"x".repeat(10), 8), "xxxxx...");
        assert_eq!(yaml("it's"), "'it''s'");
        assert_eq!(yaml("a\u{2028}b\nc"), "'a b c'");
        assert_eq!(sigma_literal(r"a*b?c\d"), r"a\*b\?c\\d");
        assert_eq!(xml_attr("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(xml_attr("a\u{0}b\u{fffe}"), "a b ");
        assert_eq!(xml_comment("a--b-"), "a- -b- ");
        assert_eq!(powershell("O'Brien\u{2019}s"), "'O''Brien''s'");
        assert_eq!(powershell("a\nb"), "'a b'");
        assert_eq!(suricata("a;b\"c"), "a\\;b\\\"c");
        assert_eq!(suricata_content("CN=a|b;\"c\""), "CN=a|7C|b|3B 22|c|22|");
        assert_eq!(suricata_content("é"), "|C3 A9|");
        assert_eq!(pcre_literal("a.b-c/d"), "a\\.b\\-c\\/d");
        assert_eq!(comment_line("a\r\nb\u{202e}c"), "a  b c");
    }
}
