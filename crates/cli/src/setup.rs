//! The detection flags shared by `hunt` and `watch`, turned into a compiled
//! detector and the engine's config.

use std::path::Path;

use anyhow::{Context, Result};
use rmmguard::detect::{DetectConfig, Detector};
use rmmguard::{HuntConfig, SiteMode};

use crate::args::DetectArgs;
use crate::load;

/// A detector and an engine config from the flags, and the day exclusions are judged on.
pub fn engine(
    args: &DetectArgs,
    data_dir: &Path,
) -> Result<(Detector, HuntConfig, jiff::civil::Date)> {
    let catalog = load::catalog(data_dir, args.builtin_catalog)?;
    let policy = args
        .policy
        .as_deref()
        .map(|path| load::policy(path, &catalog))
        .transpose()?;
    let iocs = load::iocs(&args.ioc)?;
    let today = args.today.unwrap_or_else(|| jiff::Zoned::now().date());
    let config = DetectConfig {
        max_evidence: args.max_evidence,
        today,
        financial_domains: load::domain_list(args.financial_domains.as_deref())?,
        phone_region: Some(args.phone_region.clone()),
    };
    let detector =
        Detector::new(&catalog, policy, iocs, config).context("cannot compile the catalog")?;
    let hunt_config = HuntConfig {
        prefilter: !args.no_prefilter,
        site: match (&args.site.site, args.site.site_from_dir) {
            (Some(name), _) => SiteMode::Fixed(name.clone()),
            (None, true) => SiteMode::FromDir,
            (None, false) => SiteMode::None,
        },
        entities: match &args.assets {
            Some(path) => load::assets(path)?,
            None => Default::default(),
        },
        ocr: if args.ocr {
            let ocr = rmmguard::sources::Ocr::default();
            ocr.version()
                .map_err(anyhow::Error::msg)
                .context("--ocr needs Tesseract (Debian: apt-get install tesseract-ocr)")?;
            Some(ocr)
        } else {
            None
        },
        ..HuntConfig::default()
    };
    Ok((detector, hunt_config, today))
}
