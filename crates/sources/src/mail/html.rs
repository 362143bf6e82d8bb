//! HTML to text, the way a reader sees the message: tags dropped, block
//! elements as line breaks, `script`/`style` and elements hidden with
//! `display:none` left out, image `alt` text kept, character references
//! decoded; the `href` of every link collected on the way.
//!
//! Hand-written (one pass, no DOM): mail HTML is often broken, and a
//! tolerant scanner that never fails is all the rules need. A full HTML
//! parser (html5ever, via html2text) would add a large dependency tree for
//! layout the rules do not read.

/// Text and links of an HTML document.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct HtmlText {
    /// What a reader sees.
    pub text: String,
    /// Text the document hides from its reader (inline `display:none` or
    /// `visibility:hidden|collapse`, or a class its style sheet hides):
    /// filler that scanners read and people do not.
    pub hidden: String,
    pub links: Vec<String>,
}

/// Elements that end a line.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "br",
    "center",
    "dd",
    "div",
    "dl",
    "dt",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
];

/// Elements whose content is never shown.
const HIDDEN: &[&str] = &["script", "style", "template"];

/// An element whose content is being skipped.
struct Skip {
    name: String,
    depth: usize,
    /// Keep its text as hidden text (not for scripts and styles).
    keep: bool,
}

/// Converts HTML to text, collecting up to `max_links` link targets.
pub(crate) fn to_text(html: &str, max_links: usize) -> HtmlText {
    let mut out = HtmlText::default();
    let hidden_classes = hidden_classes(html);
    let bytes = html.as_bytes();
    let mut i = 0;
    let mut text_start = 0;
    let mut skipping: Option<Skip> = None;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let Some(tag) = read_tag(html, i) else {
            // A lone '<': text.
            i += 1;
            continue;
        };
        match &skipping {
            None => push_text(&mut out.text, &html[text_start..i]),
            Some(skip) if skip.keep => push_text(&mut out.hidden, &html[text_start..i]),
            Some(_) => {}
        }
        i = tag.end;
        text_start = i;
        if let Some(skip) = skipping.as_mut() {
            if tag.name == skip.name {
                if tag.closing {
                    skip.depth -= 1;
                } else if !tag.self_closing {
                    skip.depth += 1;
                }
            }
            if skip.keep && BLOCKS.contains(&tag.name.as_str()) {
                out.hidden.push('\n');
            }
            if skip.depth == 0 {
                skipping = None;
            }
            continue;
        }
        if tag.closing {
            if BLOCKS.contains(&tag.name.as_str()) {
                out.text.push('\n');
            } else if matches!(tag.name.as_str(), "td" | "th") {
                out.text.push(' ');
            }
            continue;
        }
        let unshown = HIDDEN.contains(&tag.name.as_str());
        let hidden = unshown || is_hidden(&tag.attributes, &hidden_classes);
        if hidden && !tag.self_closing && !is_void(&tag.name) {
            skipping = Some(Skip {
                name: tag.name.clone(),
                depth: 1,
                keep: !unshown,
            });
            continue;
        }
        if BLOCKS.contains(&tag.name.as_str()) {
            out.text.push('\n');
        }
        for (name, value) in &tag.attributes {
            match (tag.name.as_str(), name.as_str()) {
                ("a" | "area", "href") | ("form", "action") => {
                    let link = decode_entities(value.trim());
                    if is_web_link(&link)
                        && out.links.len() < max_links
                        && !out.links.contains(&link)
                    {
                        out.links.push(link);
                    }
                }
                ("img", "alt") => {
                    out.text.push(' ');
                    out.text.push_str(&decode_entities(value));
                    out.text.push(' ');
                }
                _ => {}
            }
        }
    }
    match &skipping {
        None => push_text(&mut out.text, &html[text_start..]),
        Some(skip) if skip.keep => push_text(&mut out.hidden, &html[text_start..]),
        Some(_) => {}
    }
    out
}

/// Class names that the document's style sheets hide (`div.x { display:
/// none }`, `.y { visibility: collapse }`); only single-class selectors
/// count, so a broad rule never hides a whole message.
fn hidden_classes(html: &str) -> Vec<String> {
    let mut classes = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(open) = lower[from..].find("<style") {
        let start = from + open;
        let Some(body) = lower[start..].find('>').map(|i| start + i + 1) else {
            break;
        };
        let end = lower[body..]
            .find("</style")
            .map_or(lower.len(), |i| body + i);
        for rule in lower[body..end].split('}') {
            let Some((selectors, declarations)) = rule.split_once('{') else {
                continue;
            };
            let squeezed: String = declarations
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            if !(squeezed.contains("display:none")
                || squeezed.contains("visibility:hidden")
                || squeezed.contains("visibility:collapse"))
            {
                continue;
            }
            for selector in selectors.split(',') {
                let selector = selector.trim().trim_start_matches("<!--").trim();
                if selector.contains(char::is_whitespace) || selector.matches('.').count() != 1 {
                    continue;
                }
                let class = selector.rsplit('.').next().unwrap_or("");
                if !class.is_empty()
                    && class
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                {
                    classes.push(class.to_owned());
                }
            }
        }
        from = end;
    }
    classes
}

/// Whether text looks like HTML rather than plain text.
pub(crate) fn looks_like_html(text: &str) -> bool {
    // Cut on a character boundary: byte 4096 may fall inside one.
    let head = &text[..text.floor_char_boundary(4096)];
    let lower = head.to_ascii_lowercase();
    lower.contains("<html")
        || lower.contains("<body")
        || lower.contains("<div")
        || lower.contains("<p>")
        || lower.contains("<br")
        || lower.contains("<table")
}

fn push_text(out: &mut String, text: &str) {
    if text.is_empty() {
        return;
    }
    // Source line breaks are layout, not text: a space.
    let decoded = decode_entities(text);
    for c in decoded.chars() {
        out.push(if c == '\n' || c == '\r' { ' ' } else { c });
    }
}

fn is_web_link(link: &str) -> bool {
    let lower = link.get(..8).unwrap_or(link).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "br" | "hr" | "img" | "input" | "meta" | "link" | "col" | "area" | "base" | "wbr"
    )
}

fn is_hidden(attributes: &[(String, String)], hidden_classes: &[String]) -> bool {
    attributes.iter().any(|(name, value)| match name.as_str() {
        "style" => {
            let squeezed: String = value
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            squeezed.contains("display:none")
                || squeezed.contains("visibility:hidden")
                || squeezed.contains("visibility:collapse")
        }
        "class" => value
            .split_whitespace()
            .any(|class| hidden_classes.iter().any(|h| h.eq_ignore_ascii_case(class))),
        _ => false,
    })
}

/// A tag: `<name attr="value" …>`, `</name>`, or a comment/doctype (empty name).
struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    attributes: Vec<(String, String)>,
    end: usize,
}

/// Reads the tag starting at `start` (a `<`); `None` when it is not a tag.
fn read_tag(html: &str, start: usize) -> Option<Tag> {
    let bytes = html.as_bytes();
    let rest = &bytes[start..];
    if rest.starts_with(b"<!--") {
        let end =
            memchr::memmem::find(&rest[4..], b"-->").map_or(bytes.len(), |i| start + 4 + i + 3);
        return Some(empty_tag(end));
    }
    if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
        let end = memchr::memchr(b'>', rest).map_or(bytes.len(), |i| start + i + 1);
        return Some(empty_tag(end));
    }
    let mut i = start + 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b':') {
        i += 1;
    }
    if i == name_start {
        return None;
    }
    let name = html[name_start..i].to_ascii_lowercase();
    let mut attributes = Vec::new();
    let mut self_closing = false;
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            self_closing = bytes[i] == b'/';
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        if bytes[i] == b'>' {
            i += 1;
            break;
        }
        self_closing = false;
        let attr_start = i;
        while i < bytes.len()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
            && !bytes[i].is_ascii_whitespace()
        {
            i += 1;
        }
        let attr = html[attr_start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let (value_start, value_end, next) = match bytes.get(i) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let end =
                        memchr::memchr(quote, &bytes[i + 1..]).map_or(bytes.len(), |j| i + 1 + j);
                    (i + 1, end, (end + 1).min(bytes.len()))
                }
                _ => {
                    let mut end = i;
                    while end < bytes.len()
                        && !bytes[end].is_ascii_whitespace()
                        && bytes[end] != b'>'
                    {
                        end += 1;
                    }
                    (i, end, end)
                }
            };
            value = html.get(value_start..value_end).unwrap_or("").to_owned();
            i = next;
        }
        // An empty name means a bare `=value`, and the value was read: `i`
        // has moved on (stepping one more byte skipped the tag's `>`, or cut
        // a character in two).
        if !attr.is_empty() && attributes.len() < 64 {
            attributes.push((attr, value));
        }
    }
    Some(Tag {
        name,
        closing,
        self_closing,
        attributes,
        end: i.min(bytes.len()),
    })
}

fn empty_tag(end: usize) -> Tag {
    Tag {
        name: String::new(),
        closing: false,
        self_closing: true,
        attributes: Vec::new(),
        end,
    }
}

/// Named character references that occur in mail (the rest stay as written).
const ENTITIES: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", '\u{A0}'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("thinsp", '\u{2009}'),
    ("zwnj", '\u{200C}'),
    ("zwj", '\u{200D}'),
    ("lrm", '\u{200E}'),
    ("rlm", '\u{200F}'),
    ("shy", '\u{AD}'),
    ("copy", '©'),
    ("reg", '®'),
    ("trade", '™'),
    ("hellip", '…'),
    ("mdash", '—'),
    ("ndash", '–'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("sbquo", '‚'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("bdquo", '„'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("bull", '•'),
    ("middot", '·'),
    ("sdot", '⋅'),
    ("deg", '°'),
    ("times", '×'),
    ("divide", '÷'),
    ("plusmn", '±'),
    ("para", '¶'),
    ("sect", '§'),
    ("cent", '¢'),
    ("pound", '£'),
    ("euro", '€'),
    ("yen", '¥'),
    ("dollar", '$'),
    ("num", '#'),
    ("commat", '@'),
    ("period", '.'),
    ("colon", ':'),
    ("lpar", '('),
    ("rpar", ')'),
    ("hyphen", '-'),
    ("excl", '!'),
    ("quest", '?'),
    ("iexcl", '¡'),
    ("iquest", '¿'),
    ("aacute", 'á'),
    ("eacute", 'é'),
    ("iacute", 'í'),
    ("oacute", 'ó'),
    ("uacute", 'ú'),
    ("ntilde", 'ñ'),
    ("agrave", 'à'),
    ("egrave", 'è'),
    ("auml", 'ä'),
    ("ouml", 'ö'),
    ("uuml", 'ü'),
    ("szlig", 'ß'),
    ("ccedil", 'ç'),
    ("Aacute", 'Á'),
    ("Eacute", 'É'),
    ("Ntilde", 'Ñ'),
    ("Auml", 'Ä'),
    ("Ouml", 'Ö'),
    ("Uuml", 'Ü'),
];

/// Decodes character references: `&amp;`, `&#36;`, `&#x24;` (with or without `;`
/// for numeric ones). Unknown names and invalid numbers stay as written.
pub(crate) fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match decode_one(after) {
            Some((c, used)) => {
                out.push(c);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character of the reference at the start of `text` (after `&`), and
/// the bytes it used.
fn decode_one(text: &str) -> Option<(char, usize)> {
    if let Some(number) = text.strip_prefix('#') {
        let (digits, radix, skip) = match number.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 2),
            None => (number, 10, 1),
        };
        let len = digits
            .bytes()
            .take_while(|b| b.is_ascii_hexdigit() && (radix == 16 || b.is_ascii_digit()))
            .count();
        if len == 0 || len > 8 {
            return None;
        }
        let value = u32::from_str_radix(&digits[..len], radix).ok()?;
        let c = char::from_u32(value).unwrap_or('\u{FFFD}');
        let semicolon = usize::from(digits[len..].starts_with(';'));
        return Some((c, skip + len + semicolon));
    }
    let len = text
        .bytes()
        .take(10)
        .take_while(u8::is_ascii_alphanumeric)
        .count();
    if !text[len..].starts_with(';') {
        return None;
    }
    let name = &text[..len];
    ENTITIES
        .iter()
        .find(|(entity, _)| *entity == name)
        .or_else(|| {
            ENTITIES
                .iter()
                .find(|(entity, _)| entity.eq_ignore_ascii_case(name))
        })
        .map(|&(_, c)| (c, len + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_links_and_hidden_parts() {
        let html = r#"<html><head><style>p{color:red}</style><title>T</title></head>
            <body><p>Call&nbsp;us at <b>+1&#40;845) 555&#x2D;0139</b></p>
            <div style="display: none">hidden <div>nested</div> still hidden</div>
            <a href="https://example.com/x?a=1&amp;b=2">click</a><img src=x.png alt="Norton logo">
            <table><tr><td>Total</td><td>$389.99</td></tr></table><!-- <p>comment</p> -->after</body></html>"#;
        let out = to_text(html, 10);
        let text: String = out.text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(
            text,
            "T Call us at +1(845) 555-0139 click Norton logo Total $389.99 after"
        );
        assert_eq!(out.links, ["https://example.com/x?a=1&b=2"]);
        assert_eq!(
            out.hidden.split_whitespace().collect::<Vec<_>>().join(" "),
            "hidden nested still hidden"
        );
    }

    #[test]
    fn classes_hidden_by_the_style_sheet() {
        let html = "<style><!-- div.Section1 {visibility: collapse; max-height: 0} p {color: red} --></style>\
                    <div class=\"Section1\"><p>stolen thread, +1 555 0100</p></div><img alt=\"Call now\">";
        let out = to_text(html, 5);
        assert_eq!(out.text.trim(), "Call now");
        assert_eq!(out.hidden.trim(), "stolen thread, +1 555 0100");
    }

    #[test]
    fn broken_html_never_fails() {
        for html in [
            "<",
            "<a href=",
            "<a href='x",
            "a < b > c",
            "<!--",
            "<div style=",
            "&#xFFFFFFFFF;&#0;&bogus;&",
        ] {
            let _ = to_text(html, 10);
        }
        assert_eq!(
            decode_entities("a &amp b &#65 &#x42; &euro;"),
            "a &amp b A B €"
        );
        assert_eq!(to_text("x < y", 1).text, "x < y");
    }
}
