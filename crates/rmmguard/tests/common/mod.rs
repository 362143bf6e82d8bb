//! Shared test helpers: where the shared reference data is, and a compact
//! text rendering of findings that snapshot tests compare.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::path::{Path, PathBuf};

use rmmguard::detect::{DetectConfig, Detector, IocSet};
use rmmguard::findings::Finding;
use rmmguard::policy::Policy;
use rmmguard::{Hunt, HuntConfig, NoProgress, hunt};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A path under `../shared/reference`, which must exist.
pub fn reference(relative: &str) -> PathBuf {
    let path = repo().join("../shared/reference").join(relative);
    assert!(
        path.exists(),
        "missing reference data {}: the tests read ../shared/reference beside the repository",
        path.display()
    );
    path
}

/// A detector over the built-in catalog with an optional policy, judged on a fixed day.
pub fn detector(policy: Option<&str>) -> Detector {
    let catalog = rmmguard::catalog::Catalog::builtin().expect("built-in catalog");
    let policy = policy.map(|text| Policy::parse(text).expect("test policy"));
    let config = DetectConfig {
        max_evidence: 5,
        today: jiff::civil::date(2026, 11, 26),
        ..DetectConfig::default()
    };
    Detector::new(&catalog, policy, IocSet::builtin(), config).expect("detector")
}

/// Hunts paths with a detector on `threads` threads.
pub fn run(paths: &[PathBuf], detector: &Detector, threads: usize) -> Hunt {
    let config = HuntConfig {
        threads,
        ..HuntConfig::default()
    };
    hunt(paths, detector, &config, &NoProgress).expect("hunt")
}

/// Hunts a generated folder, each top-level folder being a site, with the
/// generator's `assets.csv` (beside the evidence or one folder up) joining
/// network and mail findings to hosts.
pub fn run_sites(paths: &[PathBuf], detector: &Detector, threads: usize) -> Hunt {
    let assets = paths.first().and_then(|path| {
        [path.join("assets.csv"), path.join("../assets.csv")]
            .into_iter()
            .find(|candidate| candidate.is_file())
    });
    let entities = match assets {
        Some(file) => rmmguard::correlate::Entities::from_csv(
            &std::fs::read_to_string(file).expect("assets.csv"),
        )
        .expect("assets.csv parses"),
        None => rmmguard::correlate::Entities::default(),
    };
    let config = HuntConfig {
        threads,
        site: rmmguard::SiteMode::FromDir,
        entities,
        ..HuntConfig::default()
    };
    hunt(paths, detector, &config, &NoProgress).expect("hunt")
}

/// One line per finding: severity, rule, host, tool, tenant, count, first evidence.
pub fn render(findings: &[Finding], root: &Path) -> String {
    let root = root.display().to_string();
    findings
        .iter()
        .map(|f| {
            let evidence = f
                .evidence
                .first()
                .map(|e| e.source.to_string().replace(&root, "…"))
                .unwrap_or_default();
            format!(
                "{} {} host={} tool={} tenant={} count={} {}\n",
                f.severity,
                f.rule.id,
                f.host.as_deref().unwrap_or("-"),
                f.tool.as_ref().map_or("-", |t| &t.id),
                f.tenant.as_deref().unwrap_or("-"),
                f.count,
                evidence
            )
        })
        .collect()
}

/// Findings without their evidence references (which differ by format):
/// severity, rule, host, tool, tenant, count and summary.
pub fn keys(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {} {} {} {}",
                f.severity,
                f.rule.id,
                f.host.as_deref().unwrap_or("-"),
                f.tool.as_ref().map_or("-", |t| &t.id),
                f.tenant.as_deref().unwrap_or("-"),
                f.count,
                f.summary
            )
        })
        .collect()
}
