//! Brand and help-desk naming: the tenant, company, admin email or admin
//! domain carries a brand the scam impersonates (Norton, McAfee, Geek Squad,
//! PayPal …) or help-desk words (help, care, secure, support, 24/7 …).
//!
//! [`scan`] runs once per `account_created` and keeps a bit per word found.
//! Brands are matched on a look-alike folded form (`n0rton` → `norton`)
//! inside words and within one edit of a whole word (`mcafe`); help-desk
//! words are matched as substrings. Legitimate MSPs are called "… IT
//! Support" too, so help-desk words earn little and brands more.

use serde::{Deserialize, Serialize};

use crate::features::{Context, Feature, Reason};

/// Brands impersonated in callback phishing (bits 0..).
pub const BRANDS: &[&str] = &[
    "norton",
    "mcafee",
    "geeksquad",
    "paypal",
    "amazon",
    "microsoft",
    "windows",
    "apple",
    "bestbuy",
    "lifelock",
    "avast",
    "coinbase",
    "ebay",
    "symantec",
    "webroot",
];

/// Help-desk words (bits 16..).
pub const HELPDESK_WORDS: &[&str] = &[
    "help", "care", "secure", "support", "247", "24x7", "refund", "renew", "desk", "assist",
    "protect", "fix", "billing", "geek",
];

const WORD_BIT: u32 = 16;

/// Points of the naming feature.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct NamingConfig {
    /// A brand name or a near miss of one.
    pub brand: u32,
    /// One help-desk word.
    pub one_word: u32,
    /// Two or more help-desk words.
    pub two_words: u32,
    /// The feature's cap.
    pub cap: u32,
}

impl Default for NamingConfig {
    fn default() -> NamingConfig {
        NamingConfig {
            brand: 10,
            one_word: 3,
            two_words: 6,
            cap: 12,
        }
    }
}

/// Finds brands and help-desk words in names; a bit per entry of [`BRANDS`]
/// and (from bit 16) of [`HELPDESK_WORDS`].
pub fn scan(texts: &[&str]) -> u32 {
    let mut bits = 0u32;
    let mut plain = String::new();
    let mut folded = String::new();
    let mut words: Vec<String> = Vec::new();
    for text in texts {
        plain.clear();
        folded.clear();
        words.clear();
        for c in text.chars() {
            if c.is_ascii_alphanumeric() {
                plain.push(c.to_ascii_lowercase());
                folded.push(fold_look_alike(c.to_ascii_lowercase()));
            }
        }
        for word in text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|word| word.len() >= 5)
        {
            words.push(
                word.chars()
                    .map(|c| fold_look_alike(c.to_ascii_lowercase()))
                    .collect(),
            );
        }
        for (bit, word) in HELPDESK_WORDS.iter().enumerate() {
            if plain.contains(word) {
                bits |= 1 << (WORD_BIT + bit as u32);
            }
        }
        for (bit, brand) in BRANDS.iter().enumerate() {
            let near_miss =
                brand.len() >= 5 && words.iter().any(|word| within_one_edit(word, brand));
            if folded.contains(brand) || near_miss {
                bits |= 1 << bit;
            }
        }
    }
    bits
}

/// The brand and help-desk words whose bits are set.
pub fn words(bits: u32) -> (Vec<&'static str>, Vec<&'static str>) {
    let brands = BRANDS
        .iter()
        .enumerate()
        .filter(|(bit, _)| bits & (1 << bit) != 0)
        .map(|(_, w)| *w);
    let helpdesk = HELPDESK_WORDS
        .iter()
        .enumerate()
        .filter(|(bit, _)| bits & (1 << (WORD_BIT + *bit as u32)) != 0)
        .map(|(_, w)| *w);
    (brands.collect(), helpdesk.collect())
}

/// Scores the words found at signup.
pub fn evaluate(context: &Context<'_>, config: &NamingConfig) -> Option<Reason> {
    let account = context.tenant.account?;
    let (brands, helpdesk) = words(account.account.naming);
    let word_points = match helpdesk.len() {
        0 => 0,
        1 => config.one_word,
        _ => config.two_words,
    };
    let brand_points = if brands.is_empty() { 0 } else { config.brand };
    let points = (brand_points + word_points).min(config.cap);
    if points == 0 {
        return None;
    }
    let mut found = brands;
    found.extend(helpdesk);
    let summary = format!(
        "brand or help-desk words in the tenant's names: {}",
        found.join(", ")
    );
    Some(Reason {
        feature: Feature::Naming,
        points,
        summary,
        evidence: vec![account.source],
    })
}

fn fold_look_alike(c: char) -> char {
    match c {
        '0' => 'o',
        '1' => 'l',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        other => other,
    }
}

fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let rest_a = a.len() - prefix - suffix.min(a.len() - prefix);
    let rest_b = b.len() - prefix - suffix.min(b.len() - prefix);
    rest_a <= 1 && rest_b <= 1
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::{scan, within_one_edit, words};
    use crate::features::Feature;
    use crate::features::testkit::check;

    fn found(texts: &[&str]) -> String {
        let (brands, helpdesk) = words(scan(texts));
        format!("{brands:?} {helpdesk:?}")
    }

    #[test]
    fn brands_and_look_alikes() {
        assert_eq!(
            found(&["N0rton Care 24/7"]),
            r#"["norton"] ["care", "247"]"#
        );
        assert_eq!(found(&["Geek-Squad Services"]), r#"["geeksquad"] ["geek"]"#);
        assert_eq!(found(&["mcafe refunds"]), r#"["mcafee"] ["refund"]"#);
        assert_eq!(found(&["paypa1-billing"]), r#"["paypal"] ["billing"]"#);
        assert_eq!(found(&["Smith & Sons Plumbing"]), r#"[] []"#);
    }

    #[test]
    fn edit_distance_of_one() {
        assert!(within_one_edit("nortn", "norton"));
        assert!(within_one_edit("nortom", "norton"));
        assert!(within_one_edit("norton", "norton"));
        assert!(!within_one_edit("nroton", "norton"));
        assert!(!within_one_edit("north", "norton"));
    }

    #[test]
    fn brand_and_helpdesk_name_scores_the_cap() {
        check(
            "2024-04-01T00:00:00Z account_created tenant=t1 name=\"Geek Squad Help Desk\" admin_email=a@geeksquad-care.example",
            Feature::Naming,
            expect![[
                r#"12 naming: brand or help-desk words in the tenant's names: geeksquad, help, care, desk, geek [1]"#
            ]],
        );
    }

    #[test]
    fn msp_called_it_support_scores_a_little() {
        check(
            "2024-04-01T00:00:00Z account_created tenant=t1 company=\"Acme IT Support LLC\" admin_email=ops@acme-it.example",
            Feature::Naming,
            expect![[r#"3 naming: brand or help-desk words in the tenant's names: support [1]"#]],
        );
    }

    #[test]
    fn plain_names_score_nothing() {
        check(
            "2024-04-01T00:00:00Z account_created tenant=t1 company=\"Riverside Dental\" admin_email=office@riverside.example",
            Feature::Naming,
            expect![[r#"-"#]],
        );
    }
}
