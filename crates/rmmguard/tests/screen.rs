//! The network screen is sound: hunting Zeek logs (TSV and JSON) and
//! Suricata EVE with it (records no network rule could flag passed over
//! unparsed) gives exactly the findings, counts and evidence of hunting
//! without it (every record parsed), on the real WRCCDC logs and on
//! generated sites in each format, with
//! indicators of every kind the screen checks (address, block, domain,
//! JA3) drawn from the traffic itself so that they hit.

mod common;

use std::path::{Path, PathBuf};

use common::{reference, render};
use rmmguard::detect::{DetectConfig, Detector, IocSet};
use rmmguard::policy::Policy;
use rmmguard::{HuntConfig, NoProgress, SiteMode, hunt};
use rmmguard_simulate::network::NetFormats;
use rmmguard_simulate::{Config, Formats, Scenario, Shape, generate};

fn detector(policy: Option<&str>, iocs: &str) -> Detector {
    let catalog = rmmguard::catalog::Catalog::builtin().expect("built-in catalog");
    let policy = policy.map(|text| Policy::parse(text).expect("policy"));
    let mut set = IocSet::builtin();
    set.add_file("test-iocs.txt", iocs).expect("iocs");
    let config = DetectConfig {
        today: jiff::civil::date(2026, 11, 26),
        ..DetectConfig::default()
    };
    Detector::new(&catalog, policy, set, config).expect("detector")
}

/// Findings rendered with their first evidence, and how many records were
/// parsed in full, with the screen on or off.
fn hunted(paths: &[PathBuf], detector: &Detector, screened: bool) -> (String, u64, u64) {
    let config = HuntConfig {
        threads: 2,
        prefilter: screened,
        site: SiteMode::FromDir,
        ..HuntConfig::default()
    };
    let hunt = hunt(paths, detector, &config, &NoProgress).expect("hunt");
    let parsed = hunt.files.iter().map(|f| f.stats.parsed).sum();
    let mut text = render(&hunt.report.findings, Path::new("/"));
    for finding in &hunt.report.findings {
        text.push_str(&format!("{}: {:?}\n", finding.summary, finding.evidence));
    }
    (text, parsed, hunt.records())
}

fn assert_sound(paths: &[PathBuf], detector: &Detector) -> String {
    let (screened, parsed, records) = hunted(paths, detector, true);
    let (full, all, _) = hunted(paths, detector, false);
    assert_eq!(
        screened, full,
        "the screen changed the findings of {paths:?}"
    );
    assert!(parsed < all, "the screen passed nothing over in {paths:?}");
    assert!(
        !screened.is_empty(),
        "no findings in {paths:?}: the test proves nothing"
    );
    eprintln!("{paths:?}: {parsed} of {records} records parsed with the screen");
    screened
}

/// The first value of a column in a Zeek TSV log, on a record that
/// satisfies `pick`.
fn column(log: &Path, name: &str, pick: impl Fn(&str) -> bool) -> String {
    let text = std::fs::read_to_string(log).expect("zeek log");
    let fields: Vec<&str> = text
        .lines()
        .find_map(|line| line.strip_prefix("#fields\t"))
        .expect("#fields")
        .split('\t')
        .collect();
    let at = fields.iter().position(|f| *f == name).expect("column");
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split('\t').nth(at))
        .find(|value| pick(value))
        .expect("a value")
        .to_owned()
}

#[test]
fn real_zeek_logs_give_the_same_findings_screened() {
    let detector = detector(None, "");
    for format in ["tsv", "json"] {
        let found = assert_sound(&[reference(&format!("network/zeek/{format}"))], &detector);
        for rule in ["N001", "N002"] {
            assert!(found.contains(rule), "{format}: {rule} missing:\n{found}");
        }
    }
    // Zeek's test baselines: old layouts, the x509 and files joins, and an
    // indicator for one HTTP host among fourteen.
    let detector = self::detector(None, "meta.wikimedia.org\n");
    let baselines = assert_sound(&[reference("network/zeek/format-baselines")], &detector);
    assert!(baselines.contains("meta.wikimedia.org"), "{baselines}");
}

/// Two sites of every scenario with one sensor format at both.
fn generated(sensor: NetFormats) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        seed: 7,
        scenarios: Scenario::ALL.to_vec(),
        shape: Shape {
            sites: 2,
            hosts_per_site: 3,
            days: 1,
        },
        formats: Formats {
            jsonl: true,
            evtx: false,
            network: true,
            mail: false,
        },
        background_per_day: 5,
        size: None,
        browsing_per_day: Some(40),
        sensor: Some(sensor),
    };
    generate(&config, dir.path()).expect("generate");
    dir
}

#[test]
fn generated_sites_give_the_same_findings_screened_with_indicators() {
    let none = NetFormats::default();
    let tsv = generated(NetFormats {
        zeek_tsv: true,
        ..none
    });
    let json = generated(NetFormats {
        zeek_json: true,
        ..none
    });
    let eve = generated(NetFormats { eve: true, ..none });
    // Indicators from the traffic (the same in both: same seed).
    let zeek = tsv.path().join("hq/network/zeek");
    let is_public = |value: &str| !value.starts_with("10.") && value.contains('.');
    let browsed = column(&zeek.join("dns.log"), "query", |q| q.starts_with("www."));
    let answer = column(&zeek.join("dns.log"), "answers", is_public);
    let server = column(&zeek.join("conn.log"), "id.resp_h", |ip| {
        is_public(ip) && !answer.contains(ip)
    });
    let block = format!("{}.0/24", server.rsplit_once('.').expect("IPv4").0);
    // Hand-written TLS records add what generated logs lack: a JA3, and a
    // handshake without SNI that names nothing (AnyDesk's port pattern).
    let ja3 = "e7d705a3286e19ea42f587b344ee6865";
    let other = "0123456789abcdef0123456789abcdef";
    std::fs::write(
        zeek.join("ssl-ja3.log"),
        format!(
            "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tssl\n\
             #fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tserver_name\tja3\n\
             1776174407.000000\tCa\t10.11.0.9\t50000\t93.184.9.9\t443\twww.example.org\t{ja3}\n\
             1776174408.000000\tCb\t10.11.0.9\t50001\t93.184.9.9\t443\twww.example.org\t{other}\n\
             1776174409.000000\tCc\t10.11.0.9\t50002\t93.184.9.10\t7070\t-\t{other}\n"
        ),
    )
    .expect("ssl log");
    let json_record = |uid: &str, port: u16, hash: &str| {
        format!(
            r#"{{"_path":"ssl","ts":"2026-04-14T13:46:47Z","uid":"{uid}","id.orig_h":"10.11.0.9","id.orig_p":{port},"id.resp_h":"93.184.9.9","id.resp_p":443,"server_name":"www.example.org","ja3":"{hash}"}}"#
        )
    };
    let no_sni = r#"{"_path":"ssl","ts":"2026-04-14T13:46:49Z","uid":"Cc","id.orig_h":"10.11.0.9","id.orig_p":50002,"id.resp_h":"93.184.9.10","id.resp_p":7070}"#;
    std::fs::write(
        json.path().join("hq/network/zeek-json/ssl-ja3.log"),
        format!(
            "{}\n{}\n{no_sni}\n",
            json_record("Ca", 50000, ja3),
            json_record("Cb", 50001, other)
        ),
    )
    .expect("ssl log");
    let eve_record = |flow: u32, port: u16, hash: &str| {
        format!(
            r#"{{"timestamp":"2026-04-14T13:46:47.000000+0000","flow_id":{flow},"event_type":"tls","src_ip":"10.11.0.9","src_port":{port},"dest_ip":"93.184.9.9","dest_port":443,"proto":"TCP","tls":{{"sni":"www.example.org","ja3":{{"hash":"{hash}"}}}}}}"#
        )
    };
    let eve_no_sni = r#"{"timestamp":"2026-04-14T13:46:49.000000+0000","flow_id":3,"event_type":"tls","src_ip":"10.11.0.9","src_port":50002,"dest_ip":"93.184.9.10","dest_port":7070,"proto":"TCP","tls":{"version":"TLS 1.2"}}"#;
    std::fs::write(
        eve.path().join("hq/network/eve-ja3.json"),
        format!(
            "{}\n{}\n{eve_no_sni}\n",
            eve_record(1, 50000, ja3),
            eve_record(2, 50001, other)
        ),
    )
    .expect("eve log");
    let iocs = format!("{browsed}\n{answer}\n{block}\n{ja3}\n");
    for dir in [&tsv, &json, &eve] {
        let policy = std::fs::read_to_string(dir.path().join("policy.toml")).expect("policy");
        let detector = detector(Some(&policy), &iocs);
        let found = assert_sound(&[dir.path().to_path_buf()], &detector);
        for value in [browsed.as_str(), answer.as_str(), block.as_str(), ja3] {
            assert!(
                found.contains(value),
                "indicator {value} not found:\n{found}"
            );
        }
        assert!(
            found.contains("AnyDesk relay session (TLS without SNI, on port 7070)"),
            "no-SNI handshake missing:\n{found}"
        );
        // The sessions the scenarios plant.
        for rule in ["N002", "N004", "N005", "N006"] {
            assert!(found.contains(rule), "{rule} missing:\n{found}");
        }
    }
}
