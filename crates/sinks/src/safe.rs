//! Making evidence text inert for where it is written. Every byte rmmguard
//! reads can be shaped by the people it hunts: a host name can carry a
//! terminal escape, a subject a spreadsheet formula, a file name markup.
//! Each output passes such text through the function for its destination.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Text for a terminal: control characters (C0, DEL, C1), the Unicode line
/// and paragraph separators, and the controls that reorder or hide text
/// (bidirectional marks, overrides and isolates, zero-width characters,
/// BOM), shown escaped (`\x1b`, `\u{202e}`)
/// so no escape sequence reaches the terminal and what is shown is what is
/// there.
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_hidden_control(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:04x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

fn is_hidden_control(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// A CSV cell a spreadsheet will not run: a cell whose first character (after
/// leading spaces) is `=`, `+`, `-`, `@`, a tab or a carriage return is
/// prefixed with `'`, as OWASP's CSV-injection guidance advises. Quoting of
/// separators is the CSV writer's job.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    let first = text.trim_start_matches(' ').chars().next();
    match first {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// HTML text and attribute escaping.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON text safe to embed in an HTML `<script>` element: `<`, `>` and `&`
/// (which could close the element or open a comment: `</script>`, `<!--`)
/// and U+2028/U+2029 (line ends to JavaScript) become `\u` escapes. They
/// can only occur inside JSON strings, where the escapes mean the same.
pub fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_controls_only() {
        assert_eq!(terminal("WS-01"), "WS-01");
        assert!(matches!(terminal("WS-01"), Cow::Borrowed(_)));
        assert_eq!(
            terminal("a\x1b]0;pwned\x07b\x1b[2J\u{9b}c"),
            "a\\x1b]0;pwned\\x07b\\x1b[2J\\x9bc"
        );
        assert_eq!(terminal("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert_eq!(terminal("a\u{2028}b"), "a\\u{2028}b");
        assert_eq!(terminal("tab\there"), "tab\\x09here");
        assert_eq!(terminal("Grüße 東京"), "Grüße 東京");
    }

    #[test]
    fn csv_formulas_are_neutralized() {
        for bad in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "@SUM(1+1)*cmd|' /C calc'!A0",
            "+1+1",
            "-2+3",
            "\t=1",
            "\r=1",
            "  =1",
        ] {
            assert_eq!(csv_cell(bad), format!("'{bad}"), "{bad:?}");
        }
        assert_eq!(csv_cell("WS-01"), "WS-01");
        assert_eq!(csv_cell(""), "");
        assert_eq!(csv_cell("a=b"), "a=b");
    }

    #[test]
    fn html_and_script_json() {
        assert_eq!(
            html("<a href=\"x\">&</a>'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;&#39;"
        );
        let json = serde_json::to_string("<!--</script>&\u{2028}").unwrap();
        let safe = script_json(&json);
        assert_eq!(safe, "\"\\u003c!--\\u003c/script\\u003e\\u0026\\u2028\"");
        assert_eq!(
            serde_json::from_str::<String>(&safe).unwrap(),
            "<!--</script>&\u{2028}"
        );
    }
}
