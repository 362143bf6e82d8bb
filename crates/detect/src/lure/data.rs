//! The lure data files, compiled in with `include_str!` and parsed once
//! when the detector is built: brands and their sending domains
//! (`data/lure/brands.toml`), one vocabulary per language
//! (`data/lure/lang/*.toml`), and what points at a country
//! (`data/lure/regions.toml`). Their format is in `data/lure/README.md`.

use serde::Deserialize;

/// A brand scammers impersonate.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Brand {
    /// The name reported (`email.lure.brand`).
    pub name: String,
    /// What kind of business it is (security, bank, courier, …).
    pub category: String,
    /// Spellings matched case-insensitively on folded text.
    #[serde(default)]
    pub spellings: Vec<String>,
    /// Short names matched only as written (`UPS`, `ING`).
    #[serde(default)]
    pub exact: Vec<String>,
    /// Domains that may legitimately send in its name.
    pub domains: Vec<String>,
}

/// The words of lures in one language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Vocabulary {
    /// ISO 639-1 code (`en`, `de`).
    pub language: String,
    /// Orders, invoices, renewals, charges.
    pub transaction: Vec<String>,
    /// Refunds, cancellations, disputes, "not you".
    pub dispute: Vec<String>,
    /// Deadlines and pressure.
    pub urgency: Vec<String>,
    /// Phrases that turn a number into a call to action.
    pub call: Vec<String>,
    /// Phrases of bank statements.
    pub statement: Vec<String>,
}

/// What points at one country.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegionHints {
    /// ISO 3166 code as libphonenumber names it (`DE`).
    pub id: String,
    /// Message languages that point at it.
    pub languages: Vec<String>,
    /// Its country-code top-level domains (without the dot).
    pub tlds: Vec<String>,
    /// Currency symbols and codes (folded, lower case).
    pub currencies: Vec<String>,
    /// Its names as written in mail (folded, lower case).
    pub names: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BrandFile {
    brand: Vec<Brand>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionFile {
    region: Vec<RegionHints>,
}

const BRANDS: &str = include_str!("../../data/lure/brands.toml");
const REGIONS: &str = include_str!("../../data/lure/regions.toml");
/// The vocabularies; English first (it is read in every message).
const LANGUAGES: &[(&str, &str)] = &[
    ("en.toml", include_str!("../../data/lure/lang/en.toml")),
    ("de.toml", include_str!("../../data/lure/lang/de.toml")),
    ("fr.toml", include_str!("../../data/lure/lang/fr.toml")),
    ("es.toml", include_str!("../../data/lure/lang/es.toml")),
    ("it.toml", include_str!("../../data/lure/lang/it.toml")),
    ("pt.toml", include_str!("../../data/lure/lang/pt.toml")),
    ("nl.toml", include_str!("../../data/lure/lang/nl.toml")),
];

/// The brands (data order).
pub(crate) fn brands() -> Result<Vec<Brand>, String> {
    let file: BrandFile =
        toml::from_str(BRANDS).map_err(|e| format!("data/lure/brands.toml: {e}"))?;
    Ok(file.brand)
}

/// The vocabularies, English first.
pub(crate) fn vocabularies() -> Result<Vec<Vocabulary>, String> {
    LANGUAGES
        .iter()
        .map(|(name, text)| toml::from_str(text).map_err(|e| format!("data/lure/lang/{name}: {e}")))
        .collect()
}

/// The regions (data order breaks ties).
pub(crate) fn regions() -> Result<Vec<RegionHints>, String> {
    let file: RegionFile =
        toml::from_str(REGIONS).map_err(|e| format!("data/lure/regions.toml: {e}"))?;
    Ok(file.region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_files_parse_and_hold_what_the_issue_asks() {
        let brands = brands().unwrap();
        assert_eq!(brands.len(), 136);
        let mut categories: Vec<&str> = brands.iter().map(|b| b.category.as_str()).collect();
        categories.sort_unstable();
        categories.dedup();
        assert_eq!(
            categories,
            [
                "bank",
                "courier",
                "crypto",
                "marketplace",
                "payment",
                "retail",
                "security",
                "software",
                "support",
                "telecom"
            ]
        );
        for brand in &brands {
            assert!(!brand.domains.is_empty(), "{} has no domain", brand.name);
            assert!(
                !brand.spellings.is_empty() || !brand.exact.is_empty(),
                "{} has no spelling",
                brand.name
            );
        }
        let languages: Vec<String> = vocabularies()
            .unwrap()
            .into_iter()
            .map(|v| v.language)
            .collect();
        assert_eq!(languages, ["en", "de", "fr", "es", "it", "pt", "nl"]);
        let regions = regions().unwrap();
        for region in &regions {
            assert!(
                region.id.parse::<phonenumber::country::Id>().is_ok(),
                "{} is not a region libphonenumber knows",
                region.id
            );
        }
        assert_eq!(regions.len(), 20);
    }
}
