//! Quoting text for each output syntax, so that catalog and policy values
//! (tool names, tenants, reasons) can never break out of a string.

/// A double-quoted nftables or iptables comment: no quotes or control
/// characters, at most `max` bytes (both tools cap comments).
pub(crate) fn firewall_comment(text: &str, max: usize) -> String {
    let mut clean: String = text
        .chars()
        .map(|c| {
            if c == '"' || c == '\\' || c.is_control() {
                '\''
            } else {
                c
            }
        })
        .filter(|c| c.is_ascii())
        .collect();
    if clean.len() > max {
        clean.truncate(max.saturating_sub(3));
        clean.push_str("...");
    }
    clean
}

/// A YAML single-quoted scalar.
pub(crate) fn yaml(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("'{}'", clean.replace('\'', "''"))
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
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A PowerShell single-quoted string (quotes included).
pub(crate) fn powershell(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    // PowerShell also treats the typographic single quotes as quote characters.
    let escaped = clean.replace(['\'', '\u{2018}', '\u{2019}', '\u{201a}', '\u{201b}'], "''");
    format!("'{escaped}'")
}

/// A Suricata `msg` or content string: `"`, `;` and `\` escaped.
pub(crate) fn suricata(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' | ';' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() || !c.is_ascii() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A PCRE literal: every metacharacter escaped (and `/`, the delimiter).
pub(crate) fn pcre_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if "\\^$.|?*+()[]{}/-".contains(c) {
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
        assert_eq!(firewall_comment("a\"b\\c\nd", 128), "a'b'c'd");
        assert_eq!(firewall_comment(&"x".repeat(10), 8), "xxxxx...");
        assert_eq!(yaml("it's"), "'it''s'");
        assert_eq!(xml_attr("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(powershell("O'Brien\u{2019}s"), "'O''Brien''s'");
        assert_eq!(suricata("a;b\"c"), "a\\;b\\\"c");
        assert_eq!(pcre_literal("a.b-c/d"), "a\\.b\\-c\\/d");
    }
}
