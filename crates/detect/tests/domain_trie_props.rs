//! Property tests: `DomainTrie` against a naive matcher that checks every
//! pattern against the name one by one, following the rules the trie
//! documents (`x.com` exactly, `*.x.com` strictly below, an inner `*` or
//! `?` a glob over the labels left of the literal suffix, case-insensitive,
//! trailing dots ignored; most specific first).

use proptest::prelude::*;
use rmmguard_detect::DomainTrie;

/// A pattern as the naive matcher sees it.
struct Naive {
    /// The wildcard part (labels up to the last one with a wildcard), if any.
    wild: Option<String>,
    /// The literal suffix labels.
    literal: Vec<String>,
}

fn normalize(text: &str) -> String {
    text.trim().trim_end_matches('.').to_ascii_lowercase()
}

fn naive(pattern: &str) -> Option<Naive> {
    let pattern = normalize(pattern);
    let labels: Vec<&str> = pattern.split('.').collect();
    let literal_from = labels
        .iter()
        .rposition(|label| label.contains(['*', '?']))
        .map_or(0, |i| i + 1);
    let literal: Vec<String> = labels[literal_from..]
        .iter()
        .map(|l| l.to_string())
        .collect();
    if literal.is_empty() || literal.iter().any(String::is_empty) {
        return None;
    }
    let wild = (literal_from > 0).then(|| labels[..literal_from].join("."));
    Some(Naive { wild, literal })
}

/// Glob match: `*` any run of characters (dots included), `?` one character.
fn glob(pattern: &[char], text: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some(('*', rest)) => (0..=text.len()).any(|skip| glob(rest, &text[skip..])),
        Some(('?', rest)) => !text.is_empty() && glob(rest, &text[1..]),
        Some((c, rest)) => text.first() == Some(c) && glob(rest, &text[1..]),
    }
}

/// Whether `pattern` matches `domain`; the rank orders matches from the
/// most specific (deepest literal suffix, then exact > glob > below).
fn naive_match(pattern: &Naive, domain: &str) -> Option<(usize, u8)> {
    let domain = normalize(domain);
    if domain.is_empty() {
        return None;
    }
    let suffix = pattern.literal.join(".");
    let depth = pattern.literal.len();
    match &pattern.wild {
        None => (domain == suffix).then_some((depth, 2)),
        Some(wild) => {
            let left = domain.strip_suffix(&suffix)?.strip_suffix('.')?;
            if wild == "*" {
                return Some((depth, 0));
            }
            let wild: Vec<char> = wild.chars().collect();
            let left: Vec<char> = left.chars().collect();
            glob(&wild, &left).then_some((depth, 1))
        }
    }
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-c]{1,2}",
        1 => "[A-C0-9_-]{1,3}",
        1 => Just("é".to_owned()),
        1 => Just(" a\n".to_owned()),
    ]
}

fn pattern() -> impl Strategy<Value = String> {
    let wild_label = prop_oneof![
        Just("*".to_owned()),
        "[a-c]{0,2}[*?][a-c]{0,2}",
        "[a-c]?\\*\\*",
    ];
    (
        proptest::collection::vec(wild_label, 0..3),
        proptest::collection::vec(label(), 0..4),
        prop_oneof![Just(""), Just("."), Just(" ")],
    )
        .prop_map(|(wild, literal, end)| {
            let mut labels = wild;
            labels.extend(literal);
            format!("{}{end}", labels.join("."))
        })
}

fn domain() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(label(), 0..6),
        prop_oneof![Just(""), Just("."), Just("..")],
    )
        .prop_map(|(labels, end)| format!("{}{end}", labels.join(".")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn trie_agrees_with_the_naive_matcher(
        patterns in proptest::collection::vec(pattern(), 0..12),
        domains in proptest::collection::vec(domain(), 1..8),
    ) {
        let mut trie = DomainTrie::default();
        for (index, pattern) in patterns.iter().enumerate() {
            trie.insert(pattern, index);
        }
        let compiled: Vec<Option<Naive>> = patterns.iter().map(|p| naive(p)).collect();
        for domain in &domains {
            // Expected: every matching pattern, most specific first; among
            // equals, later insertions first (the trie's documented order).
            let mut expected: Vec<((usize, u8), usize)> = compiled
                .iter()
                .enumerate()
                .filter_map(|(index, naive)| {
                    naive.as_ref().and_then(|n| naive_match(n, domain)).map(|rank| (rank, index))
                })
                .collect();
            expected.sort_by(|a, b| b.cmp(a));
            let expected: Vec<usize> = expected.into_iter().map(|(_, index)| index).collect();
            let found: Vec<usize> = trie.matches(domain).into_iter().copied().collect();
            prop_assert_eq!(&found, &expected, "domain {:?} patterns {:?}", domain, patterns);
            prop_assert_eq!(trie.best(domain).copied(), expected.first().copied());
        }
    }

    /// Every pattern matches at least one name made from it (its wildcards
    /// filled in), so no inserted pattern is silently unreachable.
    #[test]
    fn a_pattern_matches_a_name_made_from_it(pattern in pattern(), fill in "[a-c]{0,3}") {
        let Some(compiled) = naive(&pattern) else { return Ok(()); };
        let name = match &compiled.wild {
            None => compiled.literal.join("."),
            Some(wild) => {
                let filled = wild.replace('*', &fill).replace('?', "q");
                let filled = if filled.is_empty() { "x".to_owned() } else { filled };
                format!("{filled}.{}", compiled.literal.join("."))
            }
        };
        // Lookups trim the name as inserts trim the pattern; a name that
        // trimming changes is not the name the pattern was made from.
        prop_assume!(normalize(&name) == name);
        let mut trie = DomainTrie::default();
        trie.insert(&pattern, 0u8);
        prop_assert_eq!(trie.matches(&name), vec![&0u8], "pattern {:?} name {:?}", pattern, name);
    }
}

/// Found by `trie_agrees_with_the_naive_matcher`: the glob regex's `.` did
/// not match a newline, so `relay-*.x.com` missed `relay-\n1.x.com`.
#[test]
fn inner_wildcards_span_every_character_even_a_newline() {
    let mut trie = DomainTrie::default();
    trie.insert("relay-*.net.anydesk.com", 1);
    trie.insert("**.b", 2);
    assert_eq!(trie.matches("relay-\n1.net.anydesk.com"), [&1]);
    assert_eq!(trie.matches("x\ny.b"), [&2]);
}

#[test]
fn the_naive_matcher_follows_the_documented_rules() {
    let exact = naive("AnyDesk.com.").unwrap();
    assert_eq!(naive_match(&exact, "anydesk.COM"), Some((2, 2)));
    assert_eq!(naive_match(&exact, "x.anydesk.com"), None);
    let below = naive("*.anydesk.com").unwrap();
    assert_eq!(naive_match(&below, "a.b.anydesk.com"), Some((2, 0)));
    assert_eq!(naive_match(&below, "anydesk.com"), None);
    let inner = naive("relay-*.net.anydesk.com").unwrap();
    assert_eq!(
        naive_match(&inner, "relay-1a.net.anydesk.com"),
        Some((3, 1))
    );
    assert_eq!(naive_match(&inner, "x.relay-1.net.anydesk.com"), None);
    assert!(naive("*").is_none());
    assert!(naive("a..com").is_none());
}
