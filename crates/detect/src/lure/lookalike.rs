//! Sender and link domains dressed as a brand's: the brand's name with a
//! look-alike letter (`paypa1.com`, `rnicrosoft.com`, Cyrillic letters), the
//! brand's name plus a word (`norton-renewals.com`, `geeksquadbilling.net`),
//! or one or two letters off (`mcafe-e.com`, `coinbsae.com`) — and not one
//! of the domains the brand sends from.

use crate::lure::assess::{is_within, organization_of};
use crate::lure::fold::{Fold, fold_str};
use crate::lure::lexicon::Lexicon;

/// A domain that imitates a brand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lookalike {
    /// Index of the brand.
    pub brand: usize,
    /// The domain.
    pub domain: String,
    /// How it imitates (`the brand's name plus a word`).
    pub how: &'static str,
}

/// The names a brand's domains are measured against: the labels of its
/// own domains and its longer spellings, folded (`paypal`, `geeksquad`).
#[derive(Debug)]
pub(crate) struct Names {
    names: Vec<(String, usize)>,
}

impl Names {
    /// Built once with the lexicon.
    pub fn new(lexicon: &Lexicon) -> Names {
        let mut names: Vec<(String, usize)> = Vec::new();
        for (index, brand) in lexicon.brand_list().iter().enumerate() {
            let labels = brand.domains.iter().map(|d| {
                organization_of(d)
                    .split('.')
                    .next()
                    .unwrap_or("")
                    .to_owned()
            });
            let spellings = brand.spellings.iter().map(|s| fold_str(s, Fold::Squeezed));
            for name in labels.chain(spellings) {
                let name = skeleton(&name);
                if name.len() >= 4 && !names.iter().any(|(n, i)| *n == name && *i == index) {
                    names.push((name, index));
                }
            }
        }
        Names { names }
    }

    /// Whether `domain` imitates a brand it does not belong to.
    pub fn check(&self, lexicon: &Lexicon, domain: &str) -> Option<Lookalike> {
        let organization = organization_of(domain);
        let label = organization.split('.').next().unwrap_or("");
        if label.len() < 4 || label.starts_with("xn--") && label.len() < 8 {
            return None;
        }
        let folded = skeleton(label);
        let tokens: Vec<String> = label.split('-').map(skeleton).collect();
        for (name, index) in &self.names {
            let how = if folded == *name {
                if label.chars().all(|c| c.is_ascii_lowercase() || c == '-') && label == name {
                    "the brand's name under a domain it does not send from"
                } else {
                    "the brand's name with look-alike letters"
                }
            } else if (name.len() >= 5 && folded.contains(name.as_str()))
                || tokens.iter().any(|t| t == name)
            {
                "the brand's name plus a word"
            } else if name.len() >= 6 && close(&folded, name) {
                "a misspelling of the brand's name"
            } else {
                continue;
            };
            // The brand's own domains are checked only for a name that
            // matched: most domains match no name, and this is the dearer test.
            if lexicon
                .brand(*index)
                .domains
                .iter()
                .any(|d| is_within(domain, d))
            {
                continue;
            }
            return Some(Lookalike {
                brand: *index,
                domain: domain.to_owned(),
                how,
            });
        }
        None
    }
}

/// The letters a reader would see: look-alikes folded, digits read as
/// letters, `rn` as `m`, `vv` as `w`, `i` and `l` as one, hyphens dropped.
fn skeleton(label: &str) -> String {
    let folded = fold_str(label, Fold::Squeezed);
    folded
        .replace("rn", "m")
        .replace("vv", "w")
        .replace('i', "l")
        .replace('5', "s")
}

/// Whether two names are one edit apart (or two, for long names):
/// insertions, deletions, substitutions, adjacent swaps.
fn close(a: &str, b: &str) -> bool {
    let limit = if b.len() >= 10 { 2 } else { 1 };
    if a.len().abs_diff(b.len()) > limit {
        return false;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous2 = vec![0usize; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            current[j] = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                current[j] = current[j].min(previous2[j - 2] + 1);
            }
        }
        std::mem::swap(&mut previous2, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()] <= limit
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(domain: &str) -> Option<(String, &'static str)> {
        let lexicon = Lexicon::new().unwrap();
        let names = Names::new(&lexicon);
        names
            .check(&lexicon, domain)
            .map(|l| (lexicon.brand(l.brand).name.clone(), l.how))
    }

    #[test]
    fn imitations_are_named() {
        assert_eq!(
            check("paypa1.com"),
            Some(("PayPal".into(), "the brand's name with look-alike letters"))
        );
        assert_eq!(
            check("rnicrosoft-billing.com").map(|(b, _)| b),
            Some("Microsoft".into())
        );
        assert_eq!(
            check("norton-renewals.com"),
            Some(("Norton".into(), "the brand's name plus a word"))
        );
        assert_eq!(
            check("coinbsae.com"),
            Some(("Coinbase".into(), "a misspelling of the brand's name"))
        );
        assert_eq!(
            check("ebay-billing.net"),
            Some(("eBay".into(), "the brand's name plus a word"))
        );
    }

    #[test]
    fn the_brands_own_domains_and_strangers_are_not() {
        assert_eq!(check("mail.paypal.com"), None);
        assert_eq!(check("norton.com"), None);
        assert_eq!(check("corp.example"), None);
        assert_eq!(check("gmail.com"), None);
        assert_eq!(check("parts-shop.example"), None);
        assert_eq!(check("mortonsalt.com"), None);
    }
}
