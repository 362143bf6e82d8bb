//! A trie over reversed domain labels: `relay-1.net.anydesk.com` is looked up
//! as `com` → `anydesk` → `net` → `relay-1`, so one walk finds every exact
//! and `*.suffix` pattern that matches, whatever the number of patterns.
//!
//! Patterns with a wildcard inside a label (`relay-*.net.anydesk.com`) hang
//! off the trie node of their literal suffix and are checked with a glob
//! only when the walk reaches that node.

use std::collections::HashMap;

use regex::Regex;

/// Maps domain patterns to values of type `T`.
#[derive(Debug)]
pub struct DomainTrie<T> {
    root: Node<T>,
}

#[derive(Debug)]
struct Node<T> {
    children: HashMap<Box<str>, Node<T>>,
    /// Values of patterns that end exactly here (`anydesk.com`).
    exact: Vec<T>,
    /// Values of `*.here` patterns: any name strictly below this node.
    below: Vec<T>,
    /// Inner-wildcard patterns whose literal suffix ends here, as regexes
    /// over the remaining (left-hand) part of the name.
    globs: Vec<(Regex, T)>,
}

impl<T> Default for Node<T> {
    fn default() -> Node<T> {
        Node {
            children: HashMap::new(),
            exact: Vec::new(),
            below: Vec::new(),
            globs: Vec::new(),
        }
    }
}

impl<T> Default for DomainTrie<T> {
    fn default() -> DomainTrie<T> {
        DomainTrie {
            root: Node::default(),
        }
    }
}

impl<T: Clone> DomainTrie<T> {
    /// Adds a pattern: `x.com`, `*.x.com`, or a glob such as `relay-*.net.x.com`.
    /// Patterns are lower-cased; a bare `*` or empty pattern is ignored.
    pub fn insert(&mut self, pattern: &str, value: T) {
        let pattern = pattern.trim().trim_end_matches('.').to_ascii_lowercase();
        let labels: Vec<&str> = pattern.split('.').collect();
        // The literal suffix: the labels after the last label that has a wildcard.
        let literal_from = labels
            .iter()
            .rposition(|label| label.contains(['*', '?']))
            .map_or(0, |i| i + 1);
        let literal = &labels[literal_from..];
        if literal.is_empty() || literal.iter().any(|l| l.is_empty()) {
            return;
        }
        let mut node = &mut self.root;
        for label in literal.iter().rev() {
            node = node.children.entry(Box::from(*label)).or_default();
        }
        match &labels[..literal_from] {
            [] => node.exact.push(value),
            ["*"] => node.below.push(value),
            wild => {
                let glob = wild.join(".");
                if let Some(regex) = glob_regex(&glob) {
                    node.globs.push((regex, value));
                }
            }
        }
    }

    /// Every value whose pattern matches `domain` (case-insensitive), most specific first.
    pub fn matches(&self, domain: &str) -> Vec<&T> {
        let mut out = Vec::new();
        self.walk(domain, |value| out.push(value));
        out.reverse();
        out
    }

    /// The most specific value whose pattern matches `domain`.
    pub fn best(&self, domain: &str) -> Option<&T> {
        let mut best = None;
        self.walk(domain, |value| best = Some(value));
        best
    }

    fn walk<'a>(&'a self, domain: &str, mut visit: impl FnMut(&'a T)) {
        let domain = domain.trim().trim_end_matches('.');
        if domain.is_empty() {
            return;
        }
        let lower;
        let domain = if domain.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = domain.to_ascii_lowercase();
            lower.as_str()
        } else {
            domain
        };
        let mut node = &self.root;
        let mut rest = domain;
        loop {
            let (left, label) = match rest.rfind('.') {
                Some(dot) => (Some(&rest[..dot]), &rest[dot + 1..]),
                None => (None, rest),
            };
            let Some(child) = node.children.get(label) else {
                return;
            };
            node = child;
            match left {
                None => {
                    node.exact.iter().for_each(&mut visit);
                    return;
                }
                Some(left) => {
                    node.below.iter().for_each(&mut visit);
                    for (regex, value) in &node.globs {
                        if regex.is_match(left) {
                            visit(value);
                        }
                    }
                    rest = left;
                }
            }
        }
    }
}

/// A domain glob as an anchored regex: `*` spans any characters, `?` one.
fn glob_regex(glob: &str) -> Option<Regex> {
    // `s`: `.` matches a newline too, so `*` really spans any characters.
    let mut pattern = String::from("(?s)^");
    for c in glob.chars() {
        match c {
            '*' => pattern.push_str(".*"),
            '?' => pattern.push('.'),
            c => pattern.push_str(&regex::escape(&c.to_string())),
        }
    }
    pattern.push('$');
    Regex::new(&pattern).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trie() -> DomainTrie<&'static str> {
        let mut trie = DomainTrie::default();
        trie.insert("anydesk.com", "apex");
        trie.insert("*.anydesk.com", "sub");
        trie.insert("relay-*.net.anydesk.com", "relay");
        trie.insert("*.screenconnect.com", "sc");
        trie.insert("*", "ignored");
        trie
    }

    #[test]
    fn exact_suffix_and_glob() {
        let trie = trie();
        assert_eq!(trie.matches("anydesk.com"), [&"apex"]);
        assert_eq!(trie.matches("boot.net.anydesk.com"), [&"sub"]);
        assert_eq!(
            trie.matches("relay-0a1b2c3d.net.anydesk.com"),
            [&"relay", &"sub"]
        );
        assert_eq!(trie.best("RELAY-0A1B2C3D.net.AnyDesk.com."), Some(&"relay"));
        assert_eq!(trie.matches("screenconnect.com"), Vec::<&&str>::new());
        assert_eq!(trie.matches("evil.screenconnect.com"), [&"sc"]);
    }

    #[test]
    fn near_misses() {
        let trie = trie();
        assert!(trie.matches("notanydesk.com").is_empty());
        assert!(trie.matches("anydesk.com.evil.net").is_empty());
        assert!(trie.matches("com").is_empty());
        assert!(trie.matches("").is_empty());
    }
}
