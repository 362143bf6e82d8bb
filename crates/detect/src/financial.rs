//! Banking and payment sites: visiting one is harmless, visiting one while
//! an unapproved RMM session is open is the refund-scam stage of AA23-025A.
//! The detector records visits (rule E016, info) and the correlator decides
//! whether they fall inside a session.

use crate::domain_trie::DomainTrie;
use crate::needles::Needles;

/// Banking, brokerage and payment domains, each also matching its subdomains.
pub const BUILTIN: &[&str] = &[
    "chase.com",
    "bankofamerica.com",
    "wellsfargo.com",
    "citi.com",
    "citibank.com",
    "usbank.com",
    "pnc.com",
    "capitalone.com",
    "tdbank.com",
    "truist.com",
    "schwab.com",
    "fidelity.com",
    "vanguard.com",
    "usaa.com",
    "navyfederal.org",
    "ally.com",
    "discover.com",
    "americanexpress.com",
    "regions.com",
    "keybank.com",
    "huntington.com",
    "citizensbank.com",
    "fifththird.com",
    "santanderbank.com",
    "hsbc.com",
    "barclays.co.uk",
    "lloydsbank.co.uk",
    "natwest.com",
    "paypal.com",
    "venmo.com",
    "zellepay.com",
    "cash.app",
    "westernunion.com",
    "moneygram.com",
    "coinbase.com",
    "kraken.com",
];

/// The compiled list of financial domains.
#[derive(Debug, Default)]
pub struct FinancialSites {
    trie: DomainTrie<usize>,
    domains: Vec<String>,
}

impl FinancialSites {
    /// The built-in list plus `extra` domains; each admitted as a prefilter needle.
    pub fn new(extra: &[String], needles: &mut Needles) -> FinancialSites {
        let mut sites = FinancialSites::default();
        for domain in BUILTIN
            .iter()
            .map(|d| (*d).to_owned())
            .chain(extra.iter().map(|d| d.trim().to_lowercase()))
        {
            if domain.is_empty() || sites.domains.contains(&domain) || !needles.admit(&domain) {
                continue;
            }
            let index = sites.domains.len();
            sites.trie.insert(&domain, index);
            sites.trie.insert(&format!("*.{domain}"), index);
            sites.domains.push(domain);
        }
        sites
    }

    /// The listed domain `domain` is, or is below.
    pub fn site_of(&self, domain: &str) -> Option<&str> {
        self.trie.best(domain).map(|&i| self.domains[i].as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banks_and_their_subdomains() {
        let mut needles = Needles::default();
        let sites = FinancialSites::new(&["MyCreditUnion.example".into()], &mut needles);
        assert_eq!(sites.site_of("secure.chase.com"), Some("chase.com"));
        assert_eq!(
            sites.site_of("online.mycreditunion.example"),
            Some("mycreditunion.example")
        );
        assert_eq!(sites.site_of("chase.com.evil.example"), None);
        assert!(needles.as_slice().contains(&"bankofamerica.com".to_owned()));
    }
}
