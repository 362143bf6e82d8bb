//! Sender authentication as the receiving server recorded it: the topmost
//! `Authentication-Results` header (RFC 8601; the one our own server added,
//! since each hop prepends its own), or without one the newest
//! `ARC-Authentication-Results` (RFC 8617, highest `i=`). Results lower
//! cased, comments dropped, one [`AuthResult`] per method result.

use rmmguard_events::AuthResult;

/// Results kept per message (real headers carry a handful).
const MAX_RESULTS: usize = 32;

/// The results of the header block `headers` (name, raw value), in order.
pub(crate) fn results<'a>(headers: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<AuthResult> {
    let mut arc: Option<(u32, &str)> = None;
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("Authentication-Results") {
            return parse(value, false);
        }
        if name.eq_ignore_ascii_case("ARC-Authentication-Results") {
            let instance = arc_instance(value).unwrap_or(0);
            if arc.is_none_or(|(seen, _)| instance > seen) {
                arc = Some((instance, value));
            }
        }
    }
    arc.map(|(_, value)| parse(value, true)).unwrap_or_default()
}

/// `i=2; …` → 2.
fn arc_instance(value: &str) -> Option<u32> {
    let first = value.split(';').next()?.trim();
    first.strip_prefix("i=")?.trim().parse().ok()
}

/// The method results of one header value.
fn parse(value: &str, arc: bool) -> Vec<AuthResult> {
    let text = without_comments(value);
    let mut pieces = text.split(';').map(str::trim);
    if arc {
        pieces.next(); // `i=N`
    }
    pieces.next(); // the server's id (and version)
    let mut out = Vec::new();
    for piece in pieces {
        let mut tokens = piece.split_whitespace();
        let Some((method, result)) = tokens.next().and_then(|t| t.split_once('=')) else {
            continue;
        };
        let method = method.to_ascii_lowercase();
        if method.is_empty()
            || !method
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            continue;
        }
        let mut domain = None;
        for token in tokens {
            let Some((property, value)) = token.split_once('=') else {
                continue;
            };
            let property = property.to_ascii_lowercase();
            let wanted = match method.as_str() {
                "dkim" => property == "header.d" || (property == "header.i" && domain.is_none()),
                "spf" => {
                    property == "smtp.mailfrom" || (property == "smtp.helo" && domain.is_none())
                }
                "dmarc" => property == "header.from",
                _ => property == "header.d" || property == "header.from",
            };
            if wanted {
                let value = value.trim_matches(['"', '<', '>']).to_lowercase();
                let value = value.rsplit_once('@').map_or(value.as_str(), |(_, d)| d);
                if !value.is_empty() {
                    domain = Some(value.to_owned());
                }
            }
        }
        out.push(AuthResult {
            method,
            result: result.trim().to_ascii_lowercase(),
            domain,
        });
        if out.len() == MAX_RESULTS {
            break;
        }
    }
    out
}

/// The value with `( … )` comments (nested ones too) removed and unfolded.
fn without_comments(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut depth = 0usize;
    let mut escaped = false;
    for c in value.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if depth > 0 => escaped = true,
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            '\r' | '\n' | '\t' if depth == 0 => out.push(' '),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(headers: &[(&str, &str)]) -> Vec<String> {
        results(headers.iter().copied())
            .into_iter()
            .map(|r| format!("{}={} {}", r.method, r.result, r.domain.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn the_topmost_header_is_ours() {
        let found = check(&[
            (
                "Authentication-Results",
                " mx.corp.example;\r\n dkim=pass (2048-bit key) header.d=norton.com header.s=s1;\r\n \
                 spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=bounce@mail.norton.com;\r\n \
                 dmarc=pass (p=REJECT) header.from=Norton.com",
            ),
            (
                "Authentication-Results",
                " forged.example; dkim=fail header.d=x.example",
            ),
        ]);
        assert_eq!(
            found,
            [
                "dkim=pass norton.com",
                "spf=pass mail.norton.com",
                "dmarc=pass norton.com"
            ]
        );
    }

    #[test]
    fn the_newest_arc_set_without_one() {
        let found = check(&[
            (
                "ARC-Authentication-Results",
                "i=1; a.example; dkim=fail header.d=a.example",
            ),
            (
                "ARC-Authentication-Results",
                "i=2; b.example; spf=softfail smtp.mailfrom=x@gmail.com; dmarc=fail header.from=paypal.com",
            ),
        ]);
        assert_eq!(found, ["spf=softfail gmail.com", "dmarc=fail paypal.com"]);
        assert_eq!(check(&[("Subject", "x")]), Vec::<String>::new());
        assert_eq!(
            check(&[("Authentication-Results", "mx.example; none")]),
            Vec::<String>::new()
        );
    }
}
