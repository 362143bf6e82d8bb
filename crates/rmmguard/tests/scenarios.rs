//! Every scenario of the evidence generator: generate a small folder, hunt
//! it with the generated policy, and score against truth.json. Each must
//! give the planted findings and nothing else; scenarios that need network
//! evidence are recorded as pending.

mod common;

use common::{detector, run};
use rmmguard::detect::Severity;
use rmmguard::simulate::{Config, Formats, Scenario, Shape, generate};

fn scored(scenarios: Vec<Scenario>, seed: u64, formats: Formats) -> rmmguard::eval::Score {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        seed,
        scenarios,
        shape: Shape {
            sites: 2,
            hosts_per_site: 3,
            days: 1,
        },
        formats,
        background_per_day: 40,
        size: None,
    };
    let truth = generate(&config, dir.path()).expect("generate");
    let policy = std::fs::read_to_string(dir.path().join("policy.toml")).expect("policy");
    let evidence = if formats.jsonl && formats.evtx {
        dir.path().join("evtx")
    } else {
        dir.path().to_path_buf()
    };
    let hunt = run(&[evidence], &detector(Some(&policy)), 2);
    rmmguard::eval::score(&truth, &hunt.report.findings, Severity::Low)
}

const JSONL: Formats = Formats {
    jsonl: true,
    evtx: false,
};

#[test]
fn each_scenario_alone_scores_perfectly() {
    for &scenario in Scenario::ALL {
        let score = scored(vec![Scenario::Msp, scenario], 41, JSONL);
        assert_eq!(score.false_positives, Vec::new(), "{}", scenario.name());
        assert_eq!(score.misses, Vec::new(), "{}", scenario.name());
        let pending = matches!(scenario, Scenario::OutsideVpn | Scenario::InboundPort);
        assert_eq!(score.pending.is_empty(), !pending, "{}", scenario.name());
        let planted = !matches!(scenario, Scenario::Msp) && !pending;
        assert_eq!(
            score.overall.true_positives > 0,
            planted,
            "{}",
            scenario.name()
        );
    }
}

#[test]
fn authorized_msp_activity_alone_raises_nothing() {
    let score = scored(vec![Scenario::Msp], 5, JSONL);
    assert_eq!(
        score.overall.true_positives + score.overall.false_positives,
        0,
        "{:?}",
        score.false_positives
    );
}

#[test]
fn all_scenarios_together_in_evtx_score_perfectly() {
    let both = Formats {
        jsonl: true,
        evtx: true,
    };
    let score = scored(Scenario::ALL.to_vec(), 9, both);
    assert_eq!(score.false_positives, Vec::new());
    assert_eq!(score.misses, Vec::new());
    assert_eq!(score.overall.precision(), 1.0);
    assert_eq!(score.overall.recall(), 1.0);
    assert_eq!(score.pending.len(), 2);
}
