//! Every scenario of the evidence generator: generate a small folder, hunt
//! it with the generated policy, and score against truth.json. Each must
//! give the planted findings and nothing else, from endpoint logs and from
//! each site's network sensor (pcap, Zeek TSV, EVE or Zeek JSON in turn).

mod common;

use common::{detector, run_sites};
use rmmguard::findings::Severity;
use rmmguard_simulate::{Config, Formats, Scenario, Shape, generate};

fn scored(scenarios: Vec<Scenario>, seed: u64, formats: Formats) -> rmmguard::eval::Score {
    scored_with_incidents(scenarios, seed, formats).0
}

fn scored_with_incidents(
    scenarios: Vec<Scenario>,
    seed: u64,
    formats: Formats,
) -> (
    rmmguard::eval::Score,
    rmmguard::eval::IncidentScore,
    Vec<rmmguard::findings::Incident>,
) {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        seed,
        scenarios,
        shape: Shape {
            sites: 5,
            hosts_per_site: 2,
            days: 1,
        },
        formats,
        background_per_day: 40,
        size: None,
        browsing_per_day: None,
        sensor: None,
    };
    let truth = generate(&config, dir.path()).expect("generate");
    let policy = std::fs::read_to_string(dir.path().join("policy.toml")).expect("policy");
    let evidence = if formats.jsonl && formats.evtx {
        dir.path().join("evtx")
    } else {
        dir.path().to_path_buf()
    };
    let hunt = run_sites(&[evidence], &detector(Some(&policy)), 2);
    let findings = rmmguard::eval::score(&truth, &hunt.report.findings, Severity::Low);
    let incidents = rmmguard::eval::score_incidents(&truth, &hunt.incidents);
    (findings, incidents, hunt.incidents)
}

const JSONL: Formats = Formats {
    jsonl: true,
    evtx: false,
    network: true,
    mail: true,
};

#[test]
fn each_scenario_alone_scores_perfectly() {
    for &scenario in Scenario::ALL {
        let score = scored(vec![Scenario::Msp, scenario], 41, JSONL);
        assert_eq!(score.false_positives, Vec::new(), "{}", scenario.name());
        assert_eq!(score.misses, Vec::new(), "{}", scenario.name());
        assert_eq!(score.pending, Vec::new(), "{}", scenario.name());
        let planted = !matches!(scenario, Scenario::Msp);
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
    let (score, incidents, list) = scored_with_incidents(vec![Scenario::Msp], 5, JSONL);
    assert_eq!(
        score.overall.true_positives + score.overall.false_positives,
        0,
        "{:?}",
        score.false_positives
    );
    assert_eq!(
        list,
        Vec::new(),
        "benign background and authorized MSP work make no incident"
    );
    assert_eq!(incidents.overall.false_positives, 0);
}

#[test]
fn each_planted_chain_is_one_incident_with_all_its_stages() {
    for scenario in [Scenario::CallbackAnydesk, Scenario::CallbackScreenconnect] {
        let (_, score, incidents) = scored_with_incidents(vec![Scenario::Msp, scenario], 23, JSONL);
        assert_eq!(score.misses, Vec::new(), "{}", scenario.name());
        assert_eq!(score.false_positives, Vec::new(), "{}", scenario.name());
        let chains: Vec<_> = incidents
            .iter()
            .filter(|i| i.kind == rmmguard::findings::IncidentKind::Chain)
            .collect();
        assert_eq!(chains.len(), 1, "{}", scenario.name());
        assert_eq!(
            chains[0].severity,
            Severity::Critical,
            "banking during the session"
        );
    }
}

#[test]
fn the_same_relay_at_three_of_five_sites_is_one_campaign() {
    let (_, score, incidents) =
        scored_with_incidents(vec![Scenario::Msp, Scenario::Campaign], 31, JSONL);
    let campaigns: Vec<_> = incidents
        .iter()
        .filter(|i| i.kind == rmmguard::findings::IncidentKind::Campaign)
        .collect();
    assert_eq!(campaigns.len(), 1, "{incidents:#?}");
    assert_eq!(campaigns[0].sites.len(), 3);
    assert!(
        campaigns[0]
            .title
            .starts_with("Related activity on 3 networks"),
        "{}",
        campaigns[0].title
    );
    assert_eq!(score.misses, Vec::new());
    assert_eq!(score.false_positives, Vec::new());
}

#[test]
fn all_scenarios_together_in_evtx_score_perfectly() {
    let both = Formats {
        jsonl: true,
        evtx: true,
        network: true,
        mail: true,
    };
    let (score, incidents, _) = scored_with_incidents(Scenario::ALL.to_vec(), 9, both);
    assert_eq!(score.false_positives, Vec::new());
    assert_eq!(score.misses, Vec::new());
    assert_eq!(score.overall.precision(), 1.0);
    assert_eq!(score.overall.recall(), 1.0);
    assert_eq!(score.pending, Vec::new());
    assert_eq!(incidents.false_positives, Vec::new());
    assert_eq!(incidents.misses, Vec::new());
    assert_eq!(incidents.overall.precision(), 1.0);
    assert_eq!(incidents.overall.recall(), 1.0);
}
