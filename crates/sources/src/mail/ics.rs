//! Calendar invitations (iCalendar, RFC 5545): the text a reader sees in the
//! invite: summary, description (plain or HTML), location, comments and the
//! organizer's name, with folded lines joined and escapes undone.

use crate::mail::html;

/// Text and links of a calendar object.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct IcsText {
    pub text: String,
    pub links: Vec<String>,
}

/// Properties whose values are shown to the invitee.
const SHOWN: &[&str] = &[
    "SUMMARY",
    "DESCRIPTION",
    "X-ALT-DESC",
    "LOCATION",
    "COMMENT",
    "URL",
    "ATTACH",
];

/// Reads the visible text of an iCalendar object.
pub(crate) fn to_text(ics: &str, max_links: usize) -> IcsText {
    let mut out = IcsText::default();
    for line in unfold(ics).lines() {
        let Some((name_and_params, value)) = split_property(line) else {
            continue;
        };
        let mut params = name_and_params.split(';');
        let name = params.next().unwrap_or("").trim().to_ascii_uppercase();
        if name == "ORGANIZER" {
            if let Some(cn) = params.find_map(|p| p.trim().strip_prefix("CN=")) {
                out.text.push_str(cn.trim_matches('"'));
                out.text.push('\n');
            }
            continue;
        }
        if !SHOWN.contains(&name.as_str()) {
            continue;
        }
        let value = unescape(value);
        if matches!(name.as_str(), "URL" | "ATTACH") {
            crate::mail::links::collect(&value, &mut out.links, max_links);
            continue;
        }
        if html::looks_like_html(&value) || name == "X-ALT-DESC" {
            let converted = html::to_text(&value, max_links);
            for link in converted.links {
                if out.links.len() < max_links && !out.links.contains(&link) {
                    out.links.push(link);
                }
            }
            out.text.push_str(&converted.text);
        } else {
            crate::mail::links::collect(&value, &mut out.links, max_links);
            out.text.push_str(&value);
        }
        out.text.push('\n');
    }
    out
}

/// Joins folded lines (a line break followed by a space or tab continues the line).
fn unfold(ics: &str) -> String {
    let mut out = String::with_capacity(ics.len());
    for line in ics.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        match line.strip_prefix([' ', '\t']) {
            Some(continuation) if !out.is_empty() => {
                out.pop(); // the line break that ended the previous line
                out.push_str(continuation);
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// `NAME;PARAM=x:value` → (`NAME;PARAM=x`, `value`): the first colon outside quotes.
fn split_property(line: &str) -> Option<(&str, &str)> {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ':' if !quoted => return Some((&line[..i], &line[i + 1..])),
            _ => {}
        }
    }
    None
}

/// Undoes TEXT escapes: `\n`, `\,`, `\;`, `\\`.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_escaped_and_html_descriptions() {
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nORGANIZER;CN=\"Norton Billing\":mailto:x@y.example\r\nSUMMARY:Receipt AB12\\, confirmed\r\nDESCRIPTION:Call us at\r\n  (839) 555-01\r\n 12\\nthanks\r\nX-ALT-DESC;FMTTYPE=text/html:<p>See <a href=\"https://x.example/\">here</a></p>\r\nUID:123\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let out = to_text(ics, 10);
        assert_eq!(
            out.text,
            "Norton Billing\nReceipt AB12, confirmed\nCall us at (839) 555-0112\nthanks\n\nSee here\n\n"
        );
        assert_eq!(out.links, ["https://x.example/"]);
    }
}
