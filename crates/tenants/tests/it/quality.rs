//! Detection quality on a small generated dataset (the 100,000-tenant run is
//! a documented command, not a test), and the generator's determinism.

use rmmguard_tenants::Config;
use rmmguard_tenants::batch;
use rmmguard_tenants::eval::{self, Truth};
use rmmguard_tenants::simulate::TRUTH_FILE;
use rmmguard_tenants::simulate::tape::OutputFormat;

use crate::common::generate;

#[test]
fn precision_and_recall_at_the_review_threshold() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let events = generate(dir.path(), 2024, 2_000, OutputFormat::JsonLines);
    let run = batch::score_files(&[events], Config::default())?;
    let truth = Truth::read(&dir.path().join(TRUTH_FILE))?;
    assert_eq!(truth.len(), 2_000);
    let evaluation = eval::evaluate(&run.scores, &truth, Config::default().thresholds);
    let mut report = Vec::new();
    eval::write_text(&mut report, &evaluation)?;
    let report = String::from_utf8(report)?;
    let review = evaluation.review;
    assert!(
        review.true_positives + review.false_negatives >= 60,
        "too few abusive tenants:\n{report}"
    );
    assert!(
        review.precision() >= 0.95,
        "precision below 0.95:\n{report}"
    );
    assert!(review.recall() >= 0.95, "recall below 0.95:\n{report}");
    assert_eq!(evaluation.unscored, 0, "{report}");
    Ok(())
}

#[test]
fn the_same_seed_writes_the_same_bytes() -> Result<(), Box<dyn std::error::Error>> {
    let first = tempfile::tempdir()?;
    let second = tempfile::tempdir()?;
    let other = tempfile::tempdir()?;
    let a = std::fs::read(generate(first.path(), 77, 300, OutputFormat::JsonLines))?;
    let b = std::fs::read(generate(second.path(), 77, 300, OutputFormat::JsonLines))?;
    let c = std::fs::read(generate(other.path(), 78, 300, OutputFormat::JsonLines))?;
    assert!(a == b, "same seed, different events");
    assert!(a != c, "different seeds, same events");
    assert_eq!(
        std::fs::read(first.path().join(TRUTH_FILE))?,
        std::fs::read(second.path().join(TRUTH_FILE))?
    );
    Ok(())
}
