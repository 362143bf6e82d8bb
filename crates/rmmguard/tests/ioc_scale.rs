//! Indicator sets too large for the prefilter (issue 13): above
//! `NEEDLE_LIMIT` values the detector admits the empty needle, so the
//! prefilter and the network screen pass every record instead of searching
//! for every value. The findings must be those of a small set holding the
//! same hits, prefilter on in both runs.

use std::path::{Path, PathBuf};

use rmmguard::detect::ioc::NEEDLE_LIMIT;
use rmmguard::detect::{DetectConfig, Detector, IocSet};
use rmmguard::{HuntConfig, NoProgress, SiteMode, hunt};

/// Indicators the example evidence names: a relay domain (in ScreenConnect
/// command lines), the address of an unauthorized VNC host, and a site
/// whose DNS queries name no RMM tool (so only an indicator needle, or the
/// empty one, lets their records through the prefilter).
const HITS: &str = "helpdesk-secure.example\n10.11.0.20\nycombinator.com\n";

fn detector(iocs: &str) -> Detector {
    let catalog = rmmguard::catalog::Catalog::builtin().expect("built-in catalog");
    let mut set = IocSet::builtin();
    set.add_file("iocs.txt", iocs).expect("iocs");
    let config = DetectConfig {
        today: jiff::civil::date(2026, 11, 26),
        ..DetectConfig::default()
    };
    Detector::new(&catalog, None, set, config).expect("detector")
}

/// The IOC findings (E014) of a prefiltered hunt, one line each.
fn ioc_findings(detector: &Detector) -> Vec<String> {
    let paths: Vec<PathBuf> =
        vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/evidence/jsonl")];
    let config = HuntConfig {
        threads: 2,
        prefilter: true,
        site: SiteMode::FromDir,
        ..HuntConfig::default()
    };
    let run = hunt(&paths, detector, &config, &NoProgress).expect("hunt");
    let mut lines: Vec<String> = run
        .report
        .findings
        .iter()
        .filter(|f| f.rule.id == "E014")
        .map(|f| {
            format!(
                "{} {} {}",
                f.host.as_deref().unwrap_or("-"),
                f.summary,
                f.count
            )
        })
        .collect();
    lines.sort();
    lines
}

#[test]
fn issue_13_a_set_too_large_for_the_prefilter_finds_what_a_small_one_does() {
    let small = detector(HITS);
    let mut big_list: String = (0..NEEDLE_LIMIT)
        .map(|i| format!("filler-{i}.invalid\n"))
        .collect();
    big_list.push_str(HITS);
    let big = detector(&big_list);
    let expected = ioc_findings(&small);
    assert!(
        expected.iter().any(|f| f.contains("ycombinator.com")),
        "the example evidence names the indicators: {expected:?}"
    );
    assert_eq!(ioc_findings(&big), expected);
    assert!(!small.needles().as_slice().iter().any(String::is_empty));
    assert!(
        big.needles().as_slice().iter().any(String::is_empty),
        "the empty needle stands for the values the prefilter cannot hold"
    );
    assert!(
        big.needles().as_slice().len() < small.needles().as_slice().len(),
        "no needle per indicator"
    );
}
