//! Cross-site campaigns from every kind of indicator (issue 12): a JA3, a
//! JA4, a file hash and a relay, each shared by three of five sites (and
//! decoys of each kind at the others), form one campaign each — and the
//! terminal summary, the incidents JSON lines and the HTML report agree.
//! Every site also looks up AnyDesk's shared cloud: a vendor every customer
//! reaches is evidence at each site, but no campaign.
//!
//! The evidence is written here: Suricata EVE TLS records (an AnyDesk relay
//! handshake without SNI, with its fingerprints) and Sysmon process starts
//! as Winlogbeat JSON (a portable AnyDesk with its image hash, a
//! ScreenConnect client joining a relay), one folder per site.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

const JA3: &str = "e7d705a3286e19ea42f587b344ee6865";
const JA4: &str = "t13d1516h2_8daaf6152771_02713d6af862";
const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const RELAY: &str = "relay.crook.example";

/// Which sites (1–5) share each indicator; the others get a decoy.
const JA3_SITES: [u8; 3] = [1, 2, 3];
const JA4_SITES: [u8; 3] = [2, 3, 4];
const HASH_SITES: [u8; 3] = [3, 4, 5];
const RELAY_SITES: [u8; 3] = [1, 3, 5];

fn pick(sites: [u8; 3], site: u8, shared: &str, decoy: String) -> String {
    if sites.contains(&site) {
        shared.to_owned()
    } else {
        decoy
    }
}

fn eve(site: u8) -> String {
    let ja3 = pick(JA3_SITES, site, JA3, format!("{:032x}", u128::from(site)));
    let ja4 = pick(
        JA4_SITES,
        site,
        JA4,
        format!("t13d1516h2_decoy{site}_000000000000"),
    );
    let cloud = if site == 1 {
        "Boot.Net.AnyDesk.com"
    } else {
        "boot.net.anydesk.com"
    };
    let dns = format!(
        r#"{{"timestamp":"2026-11-20T10:0{site}:00.000000+0000","flow_id":{},"event_type":"dns","src_ip":"10.{site}.0.5","src_port":53000,"dest_ip":"10.{site}.0.1","dest_port":53,"proto":"UDP","dns":{{"type":"query","id":7,"rrname":"{cloud}","rrtype":"A"}}}}"#,
        100 + u32::from(site)
    ) + "\n";
    dns + &format!(
        r#"{{"timestamp":"2026-11-20T10:0{site}:00.000000+0000","flow_id":{site},"event_type":"tls","src_ip":"10.{site}.0.5","src_port":50123,"dest_ip":"203.0.113.{site}","dest_port":443,"proto":"TCP","tls":{{"subject":"CN=AnyNet Relay","issuerdn":"CN=AnyNet Root CA","version":"TLS 1.2","ja3":{{"hash":"{ja3}"}},"ja4":"{ja4}"}}}}"#
    ) + "\n"
}

fn sysmon(site: u8, record: u32, image: &str, command_line: &str, hashes: &str) -> String {
    let host = format!("S{site}-WS-01.corp.example");
    common::sysmon_process_start(&host, record, image, command_line, hashes)
}

fn write_sites(root: &Path) {
    for site in 1..=5u8 {
        let dir = root.join(format!("s{site}"));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("eve.json"), eve(site)).unwrap();
        let hash = pick(HASH_SITES, site, HASH, format!("{:064x}", u128::from(site)));
        let relay = pick(
            RELAY_SITES,
            site,
            RELAY,
            format!("relay-{site}.decoy.example"),
        );
        let mut sysmon_lines = sysmon(
            site,
            1,
            "C:\\Users\\bob\\Downloads\\AnyDesk.exe",
            "\"C:\\Users\\bob\\Downloads\\AnyDesk.exe\"",
            &format!(
                "MD5=00112233445566778899AABBCCDDEEFF,SHA256={},IMPHASH=00",
                hash.to_uppercase()
            ),
        );
        sysmon_lines += &sysmon(
            site,
            2,
            "C:\\Program Files (x86)\\ScreenConnect Client (5f1c2a7e9b3d4e60)\\ScreenConnect.ClientService.exe",
            &format!(
                "\"C:\\Program Files (x86)\\ScreenConnect Client (5f1c2a7e9b3d4e60)\\ScreenConnect.ClientService.exe\" \"?e=Access&y=Guest&h={relay}&p=8041&s=6b1f&k=BgIAAACk\""
            ),
            "SHA256=1111111111111111111111111111111111111111111111111111111111111111",
        );
        fs::write(dir.join("Sysmon.jsonl"), sysmon_lines).unwrap();
    }
}

/// Sites named by a campaign title: "Related activity on 3 networks (s1, s2, s3): …".
fn sites_of(title: &str) -> Vec<String> {
    let start = title.find('(').unwrap() + 1;
    let end = title.find(')').unwrap();
    title[start..end].split(", ").map(str::to_owned).collect()
}

#[test]
fn each_kind_of_shared_indicator_forms_one_campaign_in_every_output() {
    let evidence = tempfile::tempdir().unwrap();
    write_sites(evidence.path());
    let out = tempfile::tempdir().unwrap();
    let incidents = out.path().join("incidents.jsonl");
    let findings = out.path().join("findings.jsonl");
    let html = out.path().join("report.html");
    let run = Command::new(env!("CARGO_BIN_EXE_rmmguard"))
        .args(["hunt", "--site-from-dir", "--incidents"])
        .arg(&incidents)
        .arg("--jsonl")
        .arg(&findings)
        .arg("--html")
        .arg(&html)
        .arg(evidence.path())
        .env("RMMGUARD_DATA_DIR", out.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("run rmmguard");
    let terminal = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{terminal}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );

    // Incidents: exactly the four campaigns, each at its three sites.
    let mut campaigns: Vec<(String, Vec<String>)> = fs::read_to_string(&incidents)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|incident| incident["kind"] == "cross-site-campaign")
        .map(|incident| {
            let title = incident["title"].as_str().unwrap().to_owned();
            let sites = incident["sites"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_owned())
                .collect::<Vec<_>>();
            assert_eq!(sites, sites_of(&title), "{title}");
            (title, sites)
        })
        .collect();
    campaigns.sort();
    let shared: Vec<(&str, [u8; 3])> = vec![
        ("JA3", JA3_SITES),
        ("JA4", JA4_SITES),
        ("file hash", HASH_SITES),
        ("tenant or relay", RELAY_SITES),
    ];
    assert_eq!(campaigns.len(), shared.len(), "{campaigns:#?}");
    for (kind, sites) in &shared {
        let value = match *kind {
            "JA3" => JA3,
            "JA4" => JA4,
            "file hash" => HASH,
            _ => RELAY,
        };
        let named = format!("{kind} {value}");
        let matching: Vec<&(String, Vec<String>)> = campaigns
            .iter()
            .filter(|(title, _)| title.contains(&named))
            .collect();
        assert_eq!(matching.len(), 1, "{named}: {campaigns:#?}");
        let expected: Vec<String> = sites.iter().map(|s| format!("s{s}")).collect();
        assert_eq!(matching[0].1, expected, "{named}");
        // The terminal lists the same campaign, and the same indicator as
        // seen at those sites; the HTML report shows both.
        assert!(
            terminal.contains(&matching[0].0),
            "terminal lacks {named}:\n{terminal}"
        );
        let sites_listed = format!("{value} at {}", expected.join(", "));
        assert!(
            terminal.contains(&sites_listed),
            "terminal lacks {sites_listed}:\n{terminal}"
        );
        let report = fs::read_to_string(&html).unwrap();
        assert!(report.contains(value), "HTML report lacks {value}");
    }
    // Decoys are never part of a campaign.
    for decoy in ["relay-2.decoy.example", "t13d1516h2_decoy5_000000000000"] {
        assert!(
            !campaigns.iter().any(|(title, _)| title.contains(decoy)),
            "{decoy}"
        );
    }
    // The vendor's shared cloud is evidence at every site, never a campaign.
    let findings = fs::read_to_string(&findings).unwrap();
    let cloud_sites = findings
        .lines()
        .filter(|line| line.contains(r#""rule_id":"N001""#))
        .filter(|line| line.contains(r#""rmm.cloud":["boot.net.anydesk.com"]"#))
        .count();
    assert_eq!(cloud_sites, 5, "{findings}");
    assert!(
        !campaigns
            .iter()
            .any(|(title, _)| title.contains("anydesk.com")),
        "{campaigns:#?}"
    );
    // The findings carry the indicators as typed facts.
    assert!(findings.contains(&format!(r#""file.hash.sha256":["{HASH}"]"#)));
    assert!(findings.contains(&format!(r#""tls.client.ja3":["{JA3}"]"#)));
    assert!(findings.contains(&format!(r#""tls.client.ja4":["{JA4}"]"#)));
}
