//! The scoring config: thresholds, the reorder window, and every feature's
//! parameters and points, read from a TOML file.
//!
//! Every key is optional (defaults are [`Config::default`], written out with
//! comments in [`DEFAULT_TOML`]); unknown keys are an error so a typo does
//! not silently fall back to a default.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind};
use crate::features::Feature;
use crate::features::abuse_reports::AbuseReportsConfig;
use crate::features::ad_spread::AdSpreadConfig;
use crate::features::fresh_domain::FreshDomainConfig;
use crate::features::linkage::LinkageConfig;
use crate::features::naming::NamingConfig;
use crate::features::one_shot::OneShotConfig;
use crate::features::trial_burst::TrialBurstConfig;
use crate::features::wipe_replace::WipeConfig;

/// The default config, with a comment on every key.
pub const DEFAULT_TOML: &str = include_str!("default_config.toml");

/// Everything scoring can be told.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The review and suspend thresholds.
    pub thresholds: Thresholds,
    /// How late events may arrive.
    pub input: InputConfig,
    /// The fresh-admin-domain feature.
    pub fresh_domain: FreshDomainConfig,
    /// The wipe-and-replace feature.
    pub wipe_replace: WipeConfig,
    /// The AD-domain-spread feature.
    pub ad_spread: AdSpreadConfig,
    /// The one-shot-endpoint feature.
    pub one_shot: OneShotConfig,
    /// The trial-burst feature.
    pub trial_burst: TrialBurstConfig,
    /// The linkage feature.
    pub linkage: LinkageConfig,
    /// The naming feature.
    pub naming: NamingConfig,
    /// The abuse-report feature.
    pub abuse_reports: AbuseReportsConfig,
    /// A multiplier per feature on its points (1 by default; `tenants fit`
    /// writes fitted ones).
    pub weights: Weights,
}

/// A multiplier per feature: a reason's points are its feature's points
/// times the weight, rounded, so a score stays the sum of its reasons.
///
/// The defaults are 1 (the hand-set points as they are); `rmmguard tenants
/// fit` learns them from the vendor's bans (see [`crate::fit`]).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    /// Multiplier on `fresh_domain` points.
    pub fresh_domain: f64,
    /// Multiplier on `wipe_replace` points.
    pub wipe_replace: f64,
    /// Multiplier on `ad_spread` points.
    pub ad_spread: f64,
    /// Multiplier on `one_shot` points.
    pub one_shot: f64,
    /// Multiplier on `trial_burst` points.
    pub trial_burst: f64,
    /// Multiplier on `linkage` points.
    pub linkage: f64,
    /// Multiplier on `naming` points.
    pub naming: f64,
    /// Multiplier on `abuse_reports` points.
    pub abuse_reports: f64,
}

impl Default for Weights {
    fn default() -> Weights {
        Weights::uniform(1.0)
    }
}

impl Weights {
    /// The same multiplier for every feature.
    pub fn uniform(weight: f64) -> Weights {
        Weights::from_array([weight; Feature::ALL.len()])
    }

    /// Weights in [`Feature::ALL`] order.
    pub fn from_array(values: [f64; Feature::ALL.len()]) -> Weights {
        let [
            fresh_domain,
            wipe_replace,
            ad_spread,
            one_shot,
            trial_burst,
            linkage,
            naming,
            abuse_reports,
        ] = values;
        Weights {
            fresh_domain,
            wipe_replace,
            ad_spread,
            one_shot,
            trial_burst,
            linkage,
            naming,
            abuse_reports,
        }
    }

    /// Weights in [`Feature::ALL`] order.
    pub fn to_array(self) -> [f64; Feature::ALL.len()] {
        Feature::ALL.map(|feature| self.get(feature))
    }

    /// One feature's multiplier.
    pub fn get(&self, feature: Feature) -> f64 {
        match feature {
            Feature::FreshDomain => self.fresh_domain,
            Feature::WipeReplace => self.wipe_replace,
            Feature::AdSpread => self.ad_spread,
            Feature::OneShot => self.one_shot,
            Feature::TrialBurst => self.trial_burst,
            Feature::Linkage => self.linkage,
            Feature::Naming => self.naming,
            Feature::AbuseReports => self.abuse_reports,
        }
    }

    /// A feature's points after its weight, rounded.
    pub fn apply(&self, feature: Feature, points: u32) -> u32 {
        let weight = self.get(feature);
        if weight == 1.0 {
            return points;
        }
        (f64::from(points) * weight)
            .round()
            .clamp(0.0, f64::from(u32::MAX)) as u32
    }
}

/// Score thresholds: at `review` a tenant goes to the review queue; at
/// `suspend` new sessions are refused pending review (data is never deleted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// Score that puts a tenant in the review queue.
    pub review: u32,
    /// Score that suspends new sessions.
    pub suspend: u32,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            review: 55,
            suspend: 85,
        }
    }
}

/// How input is read.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct InputConfig {
    /// Events may arrive up to this many minutes out of time order.
    pub reorder_minutes: f64,
}

impl Default for InputConfig {
    fn default() -> InputConfig {
        InputConfig {
            reorder_minutes: 60.0,
        }
    }
}

impl Config {
    /// Parses a config from TOML text.
    ///
    /// # Errors
    ///
    /// When the TOML is malformed, names an unknown key, or sets thresholds
    /// that make no sense.
    pub fn from_toml(text: &str) -> Result<Config, Error> {
        let config: Config = toml::from_str(text)
            .map_err(|error| Error::new(ErrorKind::Config(error.message().to_owned())))?;
        config.validate()?;
        Ok(config)
    }

    /// Writes the whole config as TOML (every key, no comments), which
    /// [`Config::from_toml`] reads back to the same config.
    ///
    /// # Errors
    ///
    /// Never for a valid config; the TOML writer's error otherwise.
    pub fn to_toml(&self) -> Result<String, Error> {
        toml::to_string(self).map_err(|error| Error::new(ErrorKind::Config(error.to_string())))
    }

    /// Reads a config file.
    ///
    /// # Errors
    ///
    /// When the file cannot be read or [`Config::from_toml`] rejects it.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|error| Error::io(path, error))?;
        Config::from_toml(&text).map_err(|error| error.at(path))
    }

    /// The reorder window in seconds.
    pub fn reorder_seconds(&self) -> i64 {
        (self.input.reorder_minutes * 60.0) as i64
    }

    fn validate(&self) -> Result<(), Error> {
        let invalid = |message: &str| Err(Error::new(ErrorKind::Config(message.to_owned())));
        if self.thresholds.review == 0 || self.thresholds.suspend < self.thresholds.review {
            return invalid("thresholds: need 0 < review <= suspend");
        }
        if self.input.reorder_minutes.is_nan() || self.input.reorder_minutes < 0.0 {
            return invalid("input.reorder_minutes must be 0 or more");
        }
        let shares = [
            self.wipe_replace.fraction,
            self.wipe_replace.replace_fraction,
            self.linkage.registrar_min_share,
        ];
        if shares.iter().any(|share| !(0.0..=1.0).contains(share)) {
            return invalid("fractions and shares must lie between 0 and 1");
        }
        let weights = self.weights.to_array();
        if weights
            .iter()
            .any(|w| !w.is_finite() || *w < 0.0 || *w > 1000.0)
        {
            return invalid("weights must be numbers from 0 to 1000");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_toml_is_the_default() {
        assert_eq!(
            Config::from_toml(DEFAULT_TOML).ok(),
            Some(Config::default())
        );
    }

    #[test]
    fn written_configs_read_back_the_same() {
        let mut config = Config {
            weights: Weights::from_array([1.25, 0.0, 0.1 + 0.2, 3.0, 1.0, 0.5, 2.0, 1e-3]),
            ..Config::default()
        };
        config.thresholds.review = 61;
        config.ad_spread.floor = 0.55;
        let text = config.to_toml().unwrap_or_default();
        assert_eq!(Config::from_toml(&text).ok(), Some(config));
    }

    #[test]
    fn weights_scale_and_round_points() {
        let weights = Weights::from_array([1.0, 0.5, 1.26, 0.0, 1.0, 1.0, 1.0, 1.0]);
        assert_eq!(weights.apply(Feature::FreshDomain, 41), 41);
        assert_eq!(weights.apply(Feature::WipeReplace, 55), 28);
        assert_eq!(weights.apply(Feature::AdSpread, 50), 63);
        assert_eq!(weights.apply(Feature::OneShot, 45), 0);
        let negative = Config::from_toml("[weights]\nnaming = -1.0\n").map(|_| ());
        assert_eq!(
            negative.map_err(|e| e.to_string()),
            Err("invalid config: weights must be numbers from 0 to 1000".into())
        );
    }

    #[test]
    fn partial_files_keep_other_defaults() {
        let config = Config::from_toml("[thresholds]\nreview = 50\n[naming]\ncap = 0\n").ok();
        let config = config.unwrap_or_default();
        assert_eq!(
            config.thresholds,
            Thresholds {
                review: 50,
                suspend: 85
            }
        );
        assert_eq!(config.naming.cap, 0);
        assert_eq!(config.one_shot, OneShotConfig::default());
    }

    #[test]
    fn typos_and_nonsense_are_errors() {
        let typo = Config::from_toml("[thresholds]\nreveiw = 50\n")
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert!(
            matches!(&typo, Err(message) if message.contains("reveiw")),
            "{typo:?}"
        );
        let inverted = Config::from_toml("[thresholds]\nreview = 90\nsuspend = 80\n").map(|_| ());
        assert_eq!(
            inverted.map_err(|e| e.to_string()),
            Err("invalid config: thresholds: need 0 < review <= suspend".into())
        );
    }
}
