//! Web links written out in plain text (`https://…`, `www.…`), as a mail
//! client would make them clickable.

/// Appends the links found in `text` to `links` (no duplicates, at most `max`).
pub(crate) fn collect(text: &str, links: &mut Vec<String>, max: usize) {
    let bytes = text.as_bytes();
    let mut from = 0;
    while links.len() < max {
        let Some(start) = next_start(text, from) else {
            return;
        };
        let mut end = start;
        while end < bytes.len() && is_url_byte(bytes[end]) {
            end += 1;
        }
        let link =
            text[start..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '\'']);
        from = end.max(start + 1);
        if link.len() <= "https://".len() {
            continue;
        }
        let link = if link.starts_with("www.") || link.starts_with("WWW.") {
            format!("http://{link}")
        } else {
            link.to_owned()
        };
        if !links.contains(&link) {
            links.push(link);
        }
    }
}

/// The byte index of the next `http://`, `https://` or word-initial `www.`.
fn next_start(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = from;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let i = rest
            .iter()
            .position(|&b| matches!(b, b'h' | b'H' | b'w' | b'W'))?;
        let candidate = at + i;
        let tail = &bytes[candidate..];
        let head = &tail[..tail.len().min(8)];
        let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
        let boundary = candidate == 0 || !bytes[candidate - 1].is_ascii_alphanumeric();
        if lower.starts_with(b"http://") || lower.starts_with(b"https://") {
            return Some(candidate);
        }
        if boundary && lower.starts_with(b"www.") {
            return Some(candidate);
        }
        at = candidate + 1;
    }
    None
}

fn is_url_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b':'
                | b'/'
                | b'?'
                | b'#'
                | b'['
                | b']'
                | b'@'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b'%'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_in_text() {
        let mut links = Vec::new();
        collect(
            "Go to https://a.example/x?y=1. Or www.b.example, not awww.c; HTTP://D.example/ again https://a.example/x?y=1",
            &mut links,
            10,
        );
        assert_eq!(
            links,
            [
                "https://a.example/x?y=1",
                "http://www.b.example",
                "HTTP://D.example/"
            ]
        );
    }
}
