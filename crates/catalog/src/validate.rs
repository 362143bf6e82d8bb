//! The rules a catalog entry must follow beyond what its types enforce.

use regex::RegexBuilder;

use crate::{Error, Tool};

/// Checks one tool: id shape, domains, tells, and tenant regexes.
pub(crate) fn tool(tool: &Tool) -> Result<(), Error> {
    let fail = |message: String| Err(Error::invalid(&tool.id, message));
    let id_ok = !tool.id.is_empty()
        && tool
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    if !id_ok {
        return fail("id must be lower-case letters, digits, '-' and '.'".into());
    }
    if tool.name.trim().is_empty() {
        return fail("name is empty".into());
    }
    for domain in &tool.network.domains {
        domain_pattern(domain).or_else(fail)?;
    }
    for tell in &tool.tells {
        if tell
            .all
            .iter()
            .chain(&tell.any)
            .any(|s| s.trim().is_empty())
            || tell.all.is_empty()
        {
            return fail(format!(
                "tell {:?} needs non-empty `all` strings",
                tell.kind
            ));
        }
    }
    for rule in &tool.tenants {
        let regex = RegexBuilder::new(&rule.regex)
            .case_insensitive(true)
            .build()
            .map_err(|e| Error::invalid(&tool.id, format!("tenant regex: {e}")))?;
        if !regex.capture_names().any(|name| name == Some("tenant")) {
            return fail(format!(
                "tenant regex {:?} has no (?P<tenant>…) group",
                rule.regex
            ));
        }
    }
    let empty = tool
        .binaries
        .names
        .iter()
        .chain(&tool.install.paths)
        .chain(&tool.install.services)
        .chain(&tool.install.installers)
        .any(|s| s.trim().is_empty());
    if empty {
        return fail("empty name, path, service or installer entry".into());
    }
    Ok(())
}

/// A domain pattern is lower-case labels of letters, digits, `-`, `_`, with `*` wildcards.
pub(crate) fn domain_pattern(domain: &str) -> Result<(), String> {
    let ok = !domain.is_empty()
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'.' | b'*' | b'_')
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "domain pattern {domain:?} must be lower-case labels with '*' wildcards"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_patterns() {
        assert!(domain_pattern("*.anydesk.com").is_ok());
        assert!(domain_pattern("relay-*.net.anydesk.com").is_ok());
        assert!(domain_pattern("AnyDesk.com").is_err());
        assert!(domain_pattern("a..b").is_err());
        assert!(domain_pattern("").is_err());
        assert!(domain_pattern("host:443").is_err());
    }
}
