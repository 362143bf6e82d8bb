//! HTML building. Every piece of evidence (hosts, titles, summaries, facts,
//! notes) and every other value reaches the page through [`escape`]: the
//! only way text enters markup here.

use std::fmt::Write;

/// `text` made safe for HTML element content and double-quoted attribute
/// values: the report's escaping (`sinks::safe::html`), after control
/// characters other than tab and line breaks, which have no business in a
/// page, are shown as U+FFFD where they were.
pub(crate) fn escape(text: &str) -> String {
    let hidden = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if !text.chars().any(hidden) {
        return rmmguard::sinks::safe::html(text);
    }
    let visible: String = text
        .chars()
        .map(|c| if hidden(c) { '\u{fffd}' } else { c })
        .collect();
    rmmguard::sinks::safe::html(&visible)
}

/// A query-string component: everything but unreserved characters
/// percent-encoded (the result is then safe in an attribute too).
pub(crate) fn query_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// A whole page: head with the dashboard's own CSS and JS, a header with
/// navigation and logout (when someone is logged in), then `body`.
pub(crate) fn page(title: &str, who: Option<(&str, &str, &str)>, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · rmmguard</title>\
         <link rel=\"icon\" href=\"data:,\">\
         <link rel=\"stylesheet\" href=\"/dashboard/static/app.css\">\
         <script src=\"/dashboard/static/app.js\" defer></script></head><body>\
         <header><a class=\"brand\" href=\"/dashboard\">rmmguard</a>",
        escape(title)
    );
    if let Some((name, role, csrf)) = who {
        let _ = write!(
            out,
            "<nav><a href=\"/dashboard\">Incidents &amp; findings</a>\
             <a href=\"/dashboard/hosts\">Hosts</a></nav>\
             <span class=\"who\">{} ({})</span>\
             <form method=\"post\" action=\"/dashboard/logout\">{}\
             <button type=\"submit\">Log out</button></form>",
            escape(name),
            escape(role),
            csrf_field(csrf)
        );
    }
    let _ = writeln!(
        out,
        "<span id=\"live\" class=\"live\" hidden></span></header><main>{body}</main></body></html>"
    );
    out
}

/// The hidden CSRF field every POST form carries.
pub(crate) fn csrf_field(csrf: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        escape(csrf)
    )
}

/// `<td>` with escaped text (an em dash when there is none).
pub(crate) fn cell(out: &mut String, class: &str, text: Option<&str>) {
    let _ = write!(
        out,
        "<td class=\"{class}\">{}</td>",
        escape(text.unwrap_or("—"))
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_evidence_comes_out_as_text() {
        assert_eq!(
            escape("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            escape("\"><img src=x onerror=alert(1)>"),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(escape("a'b&c"), "a&#39;b&amp;c");
        assert_eq!(escape("tab\there\u{0}\u{1b}"), "tab\there\u{fffd}\u{fffd}");
        assert_eq!(escape("ÄÖ 日本 C:\\x"), "ÄÖ 日本 C:\\x");
    }

    #[test]
    fn escaped_text_never_holds_a_markup_character() {
        let nasty = "<>&\"' \u{0}<!-- --> ]]> `${x}` javascript:";
        let escaped = escape(nasty);
        assert!(!escaped.contains(['<', '>', '"', '\'']), "{escaped}");
    }

    #[test]
    fn query_components_are_percent_encoded() {
        assert_eq!(query_component("a b&c=d\"<"), "a%20b%26c%3Dd%22%3C");
        assert_eq!(query_component("WS-01.corp_x~"), "WS-01.corp_x~");
        assert_eq!(query_component("é"), "%C3%A9");
    }

    #[test]
    fn pages_escape_their_title_and_who() {
        let html = page("<t>", Some(("<b>", "analyst", "c\"s")), "");
        assert!(html.contains("<title>&lt;t&gt; · rmmguard</title>"));
        assert!(html.contains("&lt;b&gt; (analyst)"));
        assert!(html.contains("value=\"c&quot;s\""));
    }
}
