//! `tenants fit` on a generated history with its ban list: the fitted
//! weights do as well as the hand-set defaults on held-out tenants, and the
//! config it writes, read back by scoring, gives exactly the scores and the
//! precision and recall the fit reported.

use rmmguard_tenants::config::Config;
use rmmguard_tenants::eval::Point;
use rmmguard_tenants::fit::{self, FitOptions, Labels};
use rmmguard_tenants::simulate::BANS_FILE;
use rmmguard_tenants::simulate::tape::OutputFormat;
use rmmguard_tenants::{Verdict, batch};

use crate::common::generate;

#[test]
fn fitted_weights_match_the_defaults_and_round_trip_through_the_config()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let events = generate(dir.path(), 31, 4_000, OutputFormat::JsonLines);
    let labels = Labels::read(&dir.path().join(BANS_FILE))?;
    // Half held out, so that one tenant more or less moves the measure by
    // well under the 0.02 it is allowed.
    let options = FitOptions {
        validation: 0.5,
        ..FitOptions::default()
    };
    let fitted = fit::fit_files(
        std::slice::from_ref(&events),
        &labels,
        &Config::default(),
        &options,
    )?;
    let mut report = Vec::new();
    fit::write_report(&mut report, &fitted)?;
    let report = String::from_utf8(report)?;
    let (review, base) = (fitted.fitted.0, fitted.base.0);
    assert!(
        base.true_positives + base.false_negatives >= 80,
        "too few abusive validation tenants:\n{report}"
    );
    assert!(
        review.precision() >= base.precision() - 0.02 && review.recall() >= base.recall() - 0.02,
        "fitted weights do worse than the defaults:\n{report}"
    );
    assert_eq!(fitted.config.thresholds.review, 55, "{report}");

    // The written config reads back as the fitted one…
    let path = dir.path().join("fitted.toml");
    let mut text = Vec::new();
    fit::write_config(&mut text, &fitted)?;
    std::fs::write(&path, &text)?;
    let loaded = Config::load(&path)?;
    assert_eq!(loaded, fitted.config);
    // …and scoring with it gives the precision and recall the fit reported.
    let run = batch::score_files(std::slice::from_ref(&events), loaded)?;
    let held_out: Vec<(u32, bool)> = run
        .scores
        .iter()
        .filter(|score| score.verdict != Verdict::Banned)
        .filter(|score| fit::in_validation(&score.tenant, options.validation))
        .map(|score| (score.total, labels.is_abusive(&score.tenant)))
        .collect();
    let at = |threshold: u32| {
        let mut point = Point {
            threshold,
            ..Point::default()
        };
        for &(total, abusive) in &held_out {
            match (total >= threshold, abusive) {
                (true, true) => point.true_positives += 1,
                (true, false) => point.false_positives += 1,
                (false, true) => point.false_negatives += 1,
                (false, false) => {}
            }
        }
        point
    };
    let thresholds = fitted.config.thresholds;
    assert_eq!(
        (at(thresholds.review), at(thresholds.suspend)),
        fitted.fitted
    );
    // Every score is still the sum of its reasons.
    assert!(
        run.scores
            .iter()
            .all(|s| s.total == s.reasons.iter().map(|r| r.points).sum::<u32>())
    );
    Ok(())
}

#[test]
fn labels_name_the_tenant_column_and_bad_values() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let good = dir.path().join("bans.csv");
    std::fs::write(
        &good,
        "\u{feff}Tenant,abusive,note\nt1,,x\nt2,false,cleared\nt3,yes\n\n",
    )?;
    let labels = Labels::read(&good)?;
    assert_eq!(
        ["t1", "t2", "t3", "t4"].map(|t| labels.is_abusive(t)),
        [true, false, true, false]
    );
    assert_eq!(labels.abusive_count(), 2);
    let no_column = dir.path().join("no-column.csv");
    std::fs::write(&no_column, "id\nt1\n")?;
    let error = Labels::read(&no_column)
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert_eq!(
        error,
        Err(format!(
            "{}: labels: no `tenant` column in the header row",
            no_column.display()
        ))
    );
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "tenant,abusive\nt1,true\nt2,maybe\n")?;
    let error = Labels::read(&bad).map(|_| ()).map_err(|e| e.to_string());
    assert_eq!(
        error,
        Err(format!(
            "{}: labels: line 3: bad `abusive` value \"maybe\"",
            bad.display()
        ))
    );
    Ok(())
}
