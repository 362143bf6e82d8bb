//! Which country a message's national phone numbers belong to. A number
//! written `030 1234 5678` means nothing without one; the message says it in
//! many small ways, each scored: a `+` country code on another number (3),
//! a currency that only one country writes (3) or that several share (1),
//! the country-code domains of the recipients (2 each) and of the sender,
//! Reply-To and links (1 each: a compromised or free-mail sender can be
//! anywhere), a country's name (2), and the language (1). The regions are
//! tried best first, then the configured default (`--phone-region`), then
//! the United States.

use phonenumber::country;

use crate::lure::data::RegionHints;

/// At most this many regions the message points at are tried for one
/// national number (then the default and the United States).
const MAX_RANKED: usize = 6;

/// What one message says about its country.
#[derive(Debug, Default)]
pub(crate) struct Evidence<'a> {
    /// The message's language (ISO 639-1).
    pub language: &'a str,
    /// Currencies of its amounts (folded: `€`, `usd`).
    pub currencies: Vec<&'a str>,
    /// Domains of the sender, Reply-To and links (anyone's, weak).
    pub domains: Vec<&'a str>,
    /// Domains of the recipients (the victim's country).
    pub recipients: Vec<&'a str>,
    /// Regions whose names the text uses (index into the hints).
    pub named: Vec<usize>,
    /// Regions of numbers written with a `+` country code.
    pub dialled: Vec<country::Id>,
}

/// The regions to try, best first, and why the first was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Order {
    pub regions: Vec<country::Id>,
    /// `currency €, language de` (empty when only the default applies).
    pub reason: String,
}

/// Ranks the regions for a message.
pub(crate) fn order(hints: &[RegionHints], evidence: &Evidence<'_>, default: country::Id) -> Order {
    let mut scores = vec![0i32; hints.len()];
    let mut reasons: Vec<Vec<String>> = vec![Vec::new(); hints.len()];
    let ids: Vec<Option<country::Id>> = hints.iter().map(|h| h.id.parse().ok()).collect();
    for dialled in &evidence.dialled {
        if let Some(index) = ids.iter().position(|id| id.as_ref() == Some(dialled)) {
            scores[index] += 3;
            reasons[index].push("a +-number".into());
        }
    }
    for currency in &evidence.currencies {
        let sharing: Vec<usize> = (0..hints.len())
            .filter(|&i| hints[i].currencies.iter().any(|c| c == currency))
            .collect();
        let weight = if sharing.len() == 1 { 3 } else { 1 };
        for index in sharing {
            scores[index] += weight;
            reasons[index].push(format!("currency {currency}"));
        }
    }
    let domains = evidence.domains.iter().map(|d| (d, 1));
    for (domain, weight) in domains.chain(evidence.recipients.iter().map(|d| (d, 2))) {
        let tld = domain.rsplit('.').next().unwrap_or("");
        if let Some(index) = hints.iter().position(|h| h.tlds.iter().any(|t| t == tld)) {
            scores[index] += weight;
            reasons[index].push(format!("domain {domain}"));
        }
    }
    for &index in &evidence.named {
        if index < hints.len() {
            scores[index] += 2;
            reasons[index].push(format!("named {}", hints[index].id));
        }
    }
    for (index, hint) in hints.iter().enumerate() {
        if hint.languages.iter().any(|l| l == evidence.language) {
            scores[index] += 1;
            reasons[index].push(format!("language {}", evidence.language));
        }
    }
    let mut ranked: Vec<usize> = (0..hints.len()).filter(|&i| scores[i] > 0).collect();
    // Stable: data order breaks ties.
    ranked.sort_by_key(|&i| std::cmp::Reverse(scores[i]));
    let reason = ranked
        .first()
        .map(|&i| {
            let mut parts = reasons[i].clone();
            parts.dedup();
            parts.join(", ")
        })
        .unwrap_or_default();
    let mut regions: Vec<country::Id> = Vec::new();
    for id in ranked
        .into_iter()
        .filter_map(|i| ids[i])
        .take(MAX_RANKED)
        .chain([default, country::Id::US])
    {
        if !regions.contains(&id) {
            regions.push(id);
        }
    }
    Order { regions, reason }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lure::data;

    fn ids(order: &Order) -> Vec<String> {
        order.regions.iter().map(|id| format!("{id:?}")).collect()
    }

    #[test]
    fn the_message_says_where_it_is() {
        let hints = data::regions().unwrap();
        let euro_german = Evidence {
            language: "de",
            currencies: vec!["€"],
            ..Evidence::default()
        };
        let order_de = order(&hints, &euro_german, country::Id::US);
        assert_eq!(ids(&order_de), ["DE", "AT", "IE", "CH", "FR", "BE", "US"]);
        assert_eq!(order_de.reason, "currency €, language de");
        let pounds = Evidence {
            language: "en",
            currencies: vec!["£"],
            ..Evidence::default()
        };
        assert_eq!(ids(&order(&hints, &pounds, country::Id::US))[0], "GB");
        let indian = Evidence {
            language: "en",
            domains: vec!["corp.co.in"],
            ..Evidence::default()
        };
        assert_eq!(ids(&order(&hints, &indian, country::Id::US))[0], "IN");
        let nothing = Evidence {
            language: "xx",
            ..Evidence::default()
        };
        assert_eq!(ids(&order(&hints, &nothing, country::Id::GB)), ["GB", "US"]);
    }
}
