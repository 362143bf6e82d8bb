//! Shared helpers: generating small datasets and comparing scores.

use std::path::{Path, PathBuf};

use rmmguard_tenants::Score;
use rmmguard_tenants::features::Feature;
use rmmguard_tenants::simulate::{self, SimConfig, tape::OutputFormat};

/// Generates `tenants` tenants with `seed` into `dir` (one file); returns the events file.
pub fn generate(dir: &Path, seed: u64, tenants: u64, format: OutputFormat) -> PathBuf {
    let config = SimConfig {
        seed,
        tenants,
        shard_tenants: tenants,
        format,
        ..SimConfig::default()
    };
    let summary =
        simulate::run(&config, dir).unwrap_or_else(|error| panic!("cannot generate: {error}"));
    assert_eq!(summary.files.len(), 1);
    summary.files[0].clone()
}

/// Each tenant's total, verdict and points per feature, sorted by tenant.
pub fn totals(scores: &[Score]) -> Vec<String> {
    let mut rows: Vec<String> = scores
        .iter()
        .map(|s| {
            let points: Vec<String> = Feature::ALL
                .iter()
                .map(|&f| s.points(f).to_string())
                .collect();
            format!(
                "{} {} {} {}",
                s.tenant,
                s.total,
                s.verdict.name(),
                points.join(",")
            )
        })
        .collect();
    rows.sort();
    rows
}
