//! `tenants fit`: learn the feature weights from the vendor's own bans.
//!
//! Every tenant in the events is scored with the base config's features
//! (weights 1, so each feature gives its own points); a tenant listed as
//! banned in the labels file is a positive, every other tenant a negative.
//! Tenants the events themselves show banned (`tenant_banned`) are left
//! out, as in [`crate::eval`]: scoring shows them as banned whatever their
//! points. The tenants are split by a hash of their id into a training and a
//! validation part; an L2-regularised logistic regression with non-negative
//! coefficients ([`logistic`]) is fitted on the training part over the
//! features' points.
//!
//! The model becomes a config the scorer reads like any other: each
//! coefficient, scaled so that the review threshold stays where the base
//! config has it, is the feature's weight (a multiplier on its points, see
//! [`crate::config::Weights`]), review is where the model says even odds and
//! suspend where it says 99 to 1. A score is still the sum of its reasons'
//! (weighted, rounded) points, so every score stays explainable. The
//! validation part measures the fitted config and the base config side by
//! side, threshold by threshold.

pub mod logistic;

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rmmguard_words::counted;

use crate::batch;
use crate::config::{Config, Thresholds, Weights};
use crate::error::{Error, ErrorKind};
use crate::eval::Point;
use crate::features::{Feature, Reason};
use crate::hash;
use crate::score::Verdict;

/// Points per unit of a model column (the regression sees points / 10).
const POINTS_PER_UNIT: f64 = 10.0;
/// The odds at which the fitted config suspends (99 to 1).
const SUSPEND_ODDS: f64 = 99.0;

/// Which tenants the vendor banned (or cleared), read from a CSV file.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    abusive: HashMap<String, bool>,
}

impl Labels {
    /// Reads a labels file: CSV with a header row naming a `tenant` column
    /// and optionally an `abusive` column (`true`/`false`, `1`/`0`,
    /// `yes`/`no`; absent means every listed tenant was banned). Tenants not
    /// listed are taken as legitimate.
    ///
    /// # Errors
    ///
    /// The file cannot be read, has no `tenant` column, or a row has a bad
    /// `abusive` value (named with its line).
    pub fn read(path: &Path) -> Result<Labels, Error> {
        let file = std::fs::File::open(path).map_err(|error| Error::io(path, error))?;
        let mut reader = ::csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(io::BufReader::new(file));
        let header = reader
            .headers()
            .map_err(|error| Error::format(format!("labels: {error}")).at(path))?
            .clone();
        let column = |name: &str| {
            header.iter().position(|h| {
                h.trim()
                    .trim_start_matches('\u{feff}')
                    .eq_ignore_ascii_case(name)
            })
        };
        let Some(tenant_column) = column("tenant") else {
            return Err(Error::format("labels: no `tenant` column in the header row").at(path));
        };
        let abusive_column = column("abusive");
        let mut labels = Labels::default();
        for row in reader.records() {
            let row = row.map_err(|error| Error::format(format!("labels: {error}")).at(path))?;
            let line = row.position().map_or(0, |p| p.line());
            let tenant = row.get(tenant_column).unwrap_or_default().trim();
            if tenant.is_empty() {
                continue;
            }
            let abusive = match abusive_column.and_then(|c| row.get(c)).map(str::trim) {
                None | Some("") => true,
                Some(value) => crate::schema::parse_flag(value).flatten().ok_or_else(|| {
                    Error::format(format!(
                        "labels: line {line}: bad `abusive` value {value:?}"
                    ))
                    .at(path)
                })?,
            };
            labels.abusive.insert(tenant.to_owned(), abusive);
        }
        Ok(labels)
    }

    /// Labels from (tenant, abusive) pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, bool)>) -> Labels {
        Labels {
            abusive: pairs.into_iter().collect(),
        }
    }

    /// Whether the tenant is labelled abusive (unlisted tenants are not).
    pub fn is_abusive(&self, tenant: &str) -> bool {
        self.abusive.get(tenant).copied().unwrap_or(false)
    }

    /// Tenants listed as abusive.
    pub fn abusive_count(&self) -> usize {
        self.abusive.values().filter(|&&abusive| abusive).count()
    }
}

/// How to fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitOptions {
    /// The L2 penalty on the coefficients (per 10 points of a feature).
    pub l2: f64,
    /// The share of tenants held out for validation.
    pub validation: f64,
}

impl Default for FitOptions {
    fn default() -> FitOptions {
        FitOptions {
            l2: 1.0,
            validation: 0.3,
        }
    }
}

/// Tenants and positives in one part of the split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Part {
    /// Tenants.
    pub tenants: u64,
    /// Of those, labelled abusive.
    pub abusive: u64,
}

/// The outcome of a fit.
#[derive(Debug, Clone)]
pub struct Fit {
    /// The base config with the fitted weights and thresholds: what
    /// `tenants score --config` reads.
    pub config: Config,
    /// The model, over features' points divided by 10.
    pub model: logistic::Model,
    /// Score points per unit of log-odds.
    pub points_per_logit: f64,
    /// The training part.
    pub train: Part,
    /// The validation part.
    pub validation: Part,
    /// Tenants left out because the events show them banned.
    pub banned: u64,
    /// The fitted config on the validation part, every fifth threshold.
    pub curve: Vec<Point>,
    /// The fitted config at its review and suspend thresholds (validation).
    pub fitted: (Point, Point),
    /// The base config at its review and suspend thresholds (validation).
    pub base: (Point, Point),
    /// Files read.
    pub files: Vec<PathBuf>,
    /// Records read and skipped.
    pub records: (u64, u64),
}

/// Scores `paths` with the base config's features and fits weights to
/// `labels`.
///
/// # Errors
///
/// An input cannot be read, nothing valid was read, or the labels leave no
/// positive or no negative tenant in the training part.
pub fn fit_files(
    paths: &[PathBuf],
    labels: &Labels,
    base: &Config,
    options: &FitOptions,
) -> Result<Fit, Error> {
    let mut unweighted = base.clone();
    unweighted.weights = Weights::default();
    let run = batch::score_files(paths, unweighted)?;
    run.ensure_read()?;
    let rows: Vec<Row> = run
        .scores
        .iter()
        .filter(|score| score.verdict != Verdict::Banned)
        .map(|score| Row::new(&score.tenant, &score.reasons, labels, options))
        .collect();
    let banned = (run.scores.len() - rows.len()) as u64;
    let mut fit = fit_rows(&rows, base, options)?;
    fit.banned = banned;
    fit.files = run.paths();
    fit.records = (run.records(), run.skipped());
    Ok(fit)
}

/// Whether a tenant falls in the validation part when `share` of tenants
/// are held out: decided by a hash of its id, so the split does not depend
/// on input order and the same tenant is always on the same side.
pub fn in_validation(tenant: &str, share: f64) -> bool {
    let bucket = hash::hash_str(tenant) % 10_000;
    (bucket as f64) < share * 10_000.0
}

/// One tenant: each feature's points, its label and its part of the split.
#[derive(Debug, Clone)]
struct Row {
    points: [u32; Feature::ALL.len()],
    abusive: bool,
    validation: bool,
}

impl Row {
    fn new(tenant: &str, reasons: &[Reason], labels: &Labels, options: &FitOptions) -> Row {
        let mut points = [0u32; Feature::ALL.len()];
        for reason in reasons {
            if let Some(slot) = Feature::ALL.iter().position(|&f| f == reason.feature) {
                points[slot] = points[slot].saturating_add(reason.points);
            }
        }
        Row {
            points,
            abusive: labels.is_abusive(tenant),
            validation: in_validation(tenant, options.validation),
        }
    }

    /// The score under `weights`, exactly as the engine adds it up.
    fn total(&self, weights: &Weights) -> u32 {
        Feature::ALL
            .iter()
            .zip(self.points)
            .map(|(&feature, points)| weights.apply(feature, points))
            .sum()
    }
}

fn fit_rows(rows: &[Row], base: &Config, options: &FitOptions) -> Result<Fit, Error> {
    let invalid = |message: String| Error::new(ErrorKind::Fit(message));
    if !(options.l2.is_finite() && options.l2 >= 0.0) {
        return Err(invalid("the L2 penalty must be 0 or more".into()));
    }
    if !(0.0..1.0).contains(&options.validation) {
        return Err(invalid(
            "the validation share must be from 0 to below 1".into(),
        ));
    }
    let training: Vec<&Row> = rows.iter().filter(|row| !row.validation).collect();
    let part = |rows: &mut dyn Iterator<Item = &Row>| {
        rows.fold(Part::default(), |part, row| Part {
            tenants: part.tenants + 1,
            abusive: part.abusive + u64::from(row.abusive),
        })
    };
    let train = part(&mut training.iter().copied());
    let validation = part(&mut rows.iter().filter(|row| row.validation));
    if train.abusive == 0 || train.abusive == train.tenants {
        return Err(invalid(format!(
            "the training part has {}, {} of them labelled abusive: need both kinds",
            counted(train.tenants, "tenant"),
            train.abusive
        )));
    }
    let columns = Feature::ALL.len();
    let matrix: Vec<f64> = training
        .iter()
        .flat_map(|row| row.points.map(|p| f64::from(p) / POINTS_PER_UNIT))
        .collect();
    let labels: Vec<bool> = training.iter().map(|row| row.abusive).collect();
    let model = logistic::fit(&matrix, columns, &labels, options.l2)
        .ok_or_else(|| invalid("the regression could not be fitted".into()))?;
    let review = f64::from(base.thresholds.review);
    let points_per_logit = if model.intercept < -1e-6 {
        review / -model.intercept
    } else {
        POINTS_PER_UNIT
    };
    let mut multipliers = [0.0; Feature::ALL.len()];
    for (slot, coefficient) in model.coefficients.iter().enumerate() {
        // Rounded to 4 decimals so the written config reads back unchanged.
        let weight = points_per_logit * coefficient / POINTS_PER_UNIT;
        multipliers[slot] = (weight * 1e4).round() / 1e4;
    }
    let review_at = (points_per_logit * -model.intercept).round().max(1.0) as u32;
    let suspend_at = (points_per_logit * (SUSPEND_ODDS.ln() - model.intercept)).round() as u32;
    let mut config = base.clone();
    config.weights = Weights::from_array(multipliers);
    config.thresholds = Thresholds {
        review: review_at,
        suspend: suspend_at.max(review_at),
    };
    let held_out: Vec<&Row> = rows.iter().filter(|row| row.validation).collect();
    let judged = |weights: &Weights| -> Vec<(u32, bool)> {
        held_out
            .iter()
            .map(|row| (row.total(weights), row.abusive))
            .collect()
    };
    let fitted_totals = judged(&config.weights);
    let base_totals = judged(&base.weights);
    let top = fitted_totals.iter().map(|(t, _)| *t).max().unwrap_or(0);
    let curve = (0..=top + 5)
        .step_by(5)
        .map(|threshold| point(&fitted_totals, threshold))
        .collect();
    Ok(Fit {
        fitted: (
            point(&fitted_totals, config.thresholds.review),
            point(&fitted_totals, config.thresholds.suspend),
        ),
        base: (
            point(&base_totals, base.thresholds.review),
            point(&base_totals, base.thresholds.suspend),
        ),
        config,
        model,
        points_per_logit,
        train,
        validation,
        banned: 0,
        curve,
        files: Vec::new(),
        records: (0, 0),
    })
}

fn point(judged: &[(u32, bool)], threshold: u32) -> Point {
    let mut point = Point {
        threshold,
        ..Point::default()
    };
    for &(total, abusive) in judged {
        match (total >= threshold, abusive) {
            (true, true) => point.true_positives += 1,
            (true, false) => point.false_positives += 1,
            (false, true) => point.false_negatives += 1,
            (false, false) => {}
        }
    }
    point
}

/// Writes what the fit found: the parts, the weights, and precision and
/// recall on the validation part for the fitted and the base config.
///
/// # Errors
///
/// The writer fails.
pub fn write_report(out: &mut dyn Write, fit: &Fit) -> io::Result<()> {
    for line in report_lines(fit) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Writes the fitted config as TOML, the report above it as comments.
///
/// # Errors
///
/// The writer fails, or the config cannot be written as TOML.
pub fn write_config(out: &mut dyn Write, fit: &Fit) -> Result<(), Error> {
    let toml = fit.config.to_toml()?;
    let mut text = String::from(
        "# rmmguard tenants: a fitted scoring config (`rmmguard tenants fit`).\n\
         # Use it with `rmmguard tenants score --config FILE`; every key is written out.\n#\n",
    );
    for line in report_lines(fit) {
        text.push_str("# ");
        text.push_str(&line);
        text.push('\n');
    }
    text.push('\n');
    text.push_str(&toml);
    out.write_all(text.as_bytes()).map_err(Error::from_io)
}

fn report_lines(fit: &Fit) -> Vec<String> {
    let mut lines = vec![
        format!(
            "{}, {} ({} skipped); {} banned in the events left out",
            counted(fit.files.len(), "file"),
            counted(fit.records.0, "record"),
            fit.records.1,
            counted(fit.banned, "tenant")
        ),
        format!(
            "training: {} ({} labelled abusive); validation: {} ({} labelled abusive)",
            counted(fit.train.tenants, "tenant"),
            fit.train.abusive,
            counted(fit.validation.tenants, "tenant"),
            fit.validation.abusive
        ),
        format!(
            "model: intercept {:.4}; {:.2} score points per unit of log-odds; review at even odds ({}), suspend at 99 to 1 ({})",
            fit.model.intercept,
            fit.points_per_logit,
            fit.config.thresholds.review,
            fit.config.thresholds.suspend
        ),
        "weights (multipliers on each feature's points):".to_owned(),
    ];
    for feature in Feature::ALL {
        lines.push(format!(
            "  {:<14} {:.4}",
            feature.name(),
            fit.config.weights.get(feature)
        ));
    }
    let row = |name: &str, p: &Point| {
        format!(
            "  {name:<24} threshold {:>3}: precision {:.4}  recall {:.4}  (tp {}, fp {}, fn {})",
            p.threshold,
            p.precision(),
            p.recall(),
            p.true_positives,
            p.false_positives,
            p.false_negatives
        )
    };
    lines.push("validation:".to_owned());
    lines.push(row("fitted, review", &fit.fitted.0));
    lines.push(row("fitted, suspend", &fit.fitted.1));
    lines.push(row("base config, review", &fit.base.0));
    lines.push(row("base config, suspend", &fit.base.1));
    lines.push("fitted config on the validation part, per threshold:".to_owned());
    lines.push(format!(
        "  {:>9} {:>9} {:>9} {:>7} {:>7} {:>7}",
        "threshold", "precision", "recall", "tp", "fp", "fn"
    ));
    for p in &fit.curve {
        lines.push(format!(
            "  {:>9} {:>9.4} {:>9.4} {:>7} {:>7} {:>7}",
            p.threshold,
            p.precision(),
            p.recall(),
            p.true_positives,
            p.false_positives,
            p.false_negatives
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(points: [u32; 8], abusive: bool, validation: bool) -> Row {
        Row {
            points,
            abusive,
            validation,
        }
    }

    #[test]
    fn learns_which_feature_tells_and_keeps_review_where_it_was() {
        // Abusive tenants show fresh_domain (40 points); legitimate ones
        // naming (6) as often as abusive ones do. Fresh domain should carry
        // the weight, naming none.
        let mut rows = Vec::new();
        for n in 0..400u32 {
            let abusive = n % 5 == 0;
            let fresh = if abusive { n % 25 != 0 } else { n % 97 == 1 };
            let mut points = [0; 8];
            points[0] = if fresh { 40 } else { 0 };
            points[6] = if n % 3 == 0 { 6 } else { 0 };
            rows.push(row(points, abusive, n % 4 == 0));
        }
        let fit = fit_rows(&rows, &Config::default(), &FitOptions::default());
        let fit = fit.unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(fit.config.thresholds.review, 55);
        assert!(
            fit.config.weights.fresh_domain > 1.0,
            "{:?}",
            fit.config.weights
        );
        assert!(fit.config.weights.naming < 0.5, "{:?}", fit.config.weights);
        assert_eq!((fit.train.tenants, fit.validation.tenants), (300, 100));
        // Every validation tenant that shows the fresh domain is flagged.
        assert_eq!(fit.fitted.0.false_negatives, 4);
        assert!(fit.config.thresholds.suspend > 55);
    }

    #[test]
    fn one_label_class_is_an_error() {
        let rows = vec![row([0; 8], false, false), row([5; 8], false, false)];
        let result = fit_rows(&rows, &Config::default(), &FitOptions::default());
        assert_eq!(
            result.map(|_| ()).map_err(|e| e.to_string()),
            Err("cannot fit: the training part has 2 tenants, 0 of them labelled abusive: need both kinds".into())
        );
    }
}
