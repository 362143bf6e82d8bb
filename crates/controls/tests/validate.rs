//! Every output validated by the real tool that will load it: `nft -c`,
//! `iptables-restore --test`, `named-checkzone`, `unbound-checkconf`,
//! `sigma check`, `sigma convert` and `xmllint`. A missing tool fails the test and
//! names scripts/deps/controls.sh, which installs them all.

mod common;

use std::process::Command;

use common::{generate, generate_with, require, run_ok, text, write_temp};
use rmmguard_controls::{DnsAnswer, IdsAction, Sinkhole, Target};

#[test]
fn nftables_passes_nft_check() {
    let output = generate(Target::Nftables);
    let (_dir, path) = write_temp("rmmguard.nft", text(&output));
    let mut command = Command::new(require("nft"));
    command.arg("-c").arg("-f").arg(&path);
    run_ok(command, "nft -c");
}

#[test]
fn nftables_without_a_policy_passes_nft_check() {
    let catalog = common::catalog();
    let policy = rmmguard_policy::Policy::default();
    let options = rmmguard_controls::Options::new(rmmguard_controls::Provenance::new(
        &catalog,
        None,
        jiff::Timestamp::from_second(common::GENERATED_AT).unwrap(),
    ));
    let output = Target::Nftables
        .generate(&catalog, &policy, &options)
        .unwrap();
    let (_dir, path) = write_temp("rmmguard.nft", text(&output));
    let mut command = Command::new(require("nft"));
    command.arg("-c").arg("-f").arg(&path);
    run_ok(command, "nft -c");
    assert!(text(&output).contains("meta nfproto ipv4 jump egress"));
}

#[test]
fn iptables_passes_restore_test() {
    for (target, tool) in [
        (Target::Iptables, "iptables-restore"),
        (Target::Ip6tables, "ip6tables-restore"),
    ] {
        let output = generate(target);
        let mut command = Command::new(require(tool));
        command.arg("--test").arg("--noflush");
        let (_dir, path) = write_temp("rules", text(&output));
        command.stdin(std::fs::File::open(&path).unwrap());
        run_ok(command, tool);
    }
}

#[test]
fn rpz_passes_named_checkzone() {
    for answer in [
        DnsAnswer::Nxdomain,
        DnsAnswer::Sinkhole(Sinkhole {
            v4: Some("192.0.2.53".parse().unwrap()),
            v6: Some("2001:db8::53".parse().unwrap()),
        }),
    ] {
        let output = generate_with(Target::Rpz, |o| o.dns_answer = answer);
        let stdout = common::check_zone(text(&output));
        assert!(stdout.contains("loaded serial 1795651200"), "{stdout}");
    }
}

#[test]
fn unbound_include_passes_unbound_checkconf() {
    for answer in [
        DnsAnswer::Nxdomain,
        DnsAnswer::Sinkhole(Sinkhole {
            v4: Some("192.0.2.53".parse().unwrap()),
            v6: None,
        }),
    ] {
        let output = generate_with(Target::Unbound, |o| o.dns_answer = answer);
        let (dir, include) = write_temp("rmmguard-unbound.conf", text(&output));
        let conf = dir.path().join("unbound.conf");
        let wrapper = format!(
            "server:\n\tdirectory: \"{dir}\"\n\tchroot: \"\"\n\tusername: \"\"\n\tpidfile: \"\"\n\
             \tuse-syslog: no\n\tauto-trust-anchor-file: \"\"\ninclude: \"{include}\"\n",
            dir = dir.path().display(),
            include = include.display()
        );
        std::fs::write(&conf, wrapper).unwrap();
        let mut command = Command::new(require("unbound-checkconf"));
        command.arg(&conf);
        run_ok(command, "unbound-checkconf");
    }
}

#[test]
fn applocker_passes_xmllint() {
    for mode in [
        rmmguard_controls::AppLockerMode::Audit,
        rmmguard_controls::AppLockerMode::Enforce,
    ] {
        let output = generate_with(Target::Applocker, |o| o.applocker_mode = mode);
        common::check_xml(text(&output));
    }
}

#[test]
fn sigma_passes_sigma_check_and_converts_to_splunk_and_lucene() {
    let output = generate(Target::Sigma);
    let dir = tempfile::tempdir().unwrap();
    for file in &output.files {
        std::fs::write(dir.path().join(&file.name), &file.text).unwrap();
    }
    let sigma = require("sigma");
    let mut check = Command::new(&sigma);
    // Strict: validation issues fail too. The ATT&CK and D3FEND tag
    // validators download MITRE's data at run time, which CI cannot; the
    // tags come from a fixed table tested in src/sigma.rs.
    check
        .args([
            "check",
            "--fail-on-issues",
            "-x",
            "attacktag",
            "-x",
            "d3_fendtag",
        ])
        .arg(dir.path());
    let result = run_ok(check, "sigma check");
    let report = String::from_utf8_lossy(&result.stdout);
    assert!(
        report.contains("Found 0 errors, 0 condition errors and 0 issues"),
        "sigma check:\n{report}"
    );
    for (backend, pipeline) in [("splunk", "splunk_windows"), ("lucene", "ecs_windows")] {
        let mut convert = Command::new(&sigma);
        convert
            .args(["convert", "-t", backend, "-p", pipeline])
            .arg(dir.path());
        let result = run_ok(convert, &format!("sigma convert -t {backend}"));
        let queries = String::from_utf8_lossy(&result.stdout);
        let lines = queries
            .lines()
            .filter(|line| !line.trim().is_empty())
            .count();
        assert_eq!(
            lines,
            output.files.len(),
            "one {backend} query per rule:\n{queries}"
        );
        assert!(
            queries.contains("acme.screenconnect.com"),
            "carve-out missing from {backend}"
        );
    }
}

#[test]
fn sigma_stream_of_documents_is_one_rule_per_file() {
    let output = generate(Target::Sigma);
    let names: Vec<&str> = output.files.iter().map(|f| f.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted, names, "file names are unique and sorted");
    for file in &output.files {
        assert!(
            file.name.starts_with("rmmguard_e0") && file.name.ends_with(".yml"),
            "{}",
            file.name
        );
        assert_eq!(file.text.matches("\ntitle: ").count(), 1, "{}", file.name);
    }
}

#[test]
fn suricata_rules_are_well_formed_with_unique_sids() {
    for action in [IdsAction::Alert, IdsAction::Drop] {
        let output = generate_with(Target::Suricata, |o| o.ids_action = action);
        let mut sids = std::collections::BTreeSet::new();
        let expected = if action == IdsAction::Alert {
            "alert "
        } else {
            "drop "
        };
        for line in text(&output).lines().filter(|l| !l.starts_with('#')) {
            assert!(line.starts_with(expected), "{line}");
            let open = line.find(" (").expect("options start");
            assert!(line.ends_with(";)"), "{line}");
            let header: Vec<&str> = line[..open].split(' ').collect();
            assert_eq!(
                header.len(),
                7,
                "action proto src sport -> dst dport: {line}"
            );
            assert_eq!(header[4], "->", "{line}");
            let options = &line[open + 2..line.len() - 1];
            assert_eq!(
                unescaped_quotes(options) % 2,
                0,
                "unbalanced quotes: {line}"
            );
            for keyword in [
                "msg:\"RMMGUARD ",
                "classtype:policy-violation;",
                "rev:1;",
                "metadata:",
            ] {
                assert!(options.contains(keyword), "{keyword} missing: {line}");
            }
            let sid: u32 = options
                .split("sid:")
                .nth(1)
                .and_then(|rest| rest.split(';').next())
                .and_then(|n| n.parse().ok())
                .expect("sid");
            assert!((9_100_000..9_200_000).contains(&sid), "{sid}");
            assert!(sids.insert(sid), "duplicate sid {sid}");
        }
        assert!(sids.len() > 500, "{} rules", sids.len());
    }
}

fn unescaped_quotes(text: &str) -> usize {
    let bytes = text.as_bytes();
    (0..bytes.len())
        .filter(|&i| bytes[i] == b'"' && (i == 0 || bytes[i - 1] != b'\\'))
        .count()
}

#[test]
fn windows_firewall_script_is_well_formed() {
    let output = generate(Target::WindowsFirewall);
    let script = text(&output);
    assert!(script.starts_with("#Requires -RunAsAdministrator\n"));
    let removal = script
        .find("Get-NetFirewallRule -Group $Group -ErrorAction SilentlyContinue | Remove-NetFirewallRule")
        .expect("removes its own old rules");
    let mut names = std::collections::BTreeSet::new();
    for line in script
        .lines()
        .filter(|l| l.starts_with("New-NetFirewallRule"))
    {
        assert!(
            script.find(line).unwrap() > removal,
            "rules are added after the removal"
        );
        assert_eq!(
            line.matches('\'').count() % 2,
            0,
            "unbalanced quotes: {line}"
        );
        for parameter in [
            "-Group $Group",
            "-Name 'rmmguard-",
            "-Direction ",
            "-Action Block",
            "-Protocol ",
        ] {
            assert!(line.contains(parameter), "{parameter} missing: {line}");
        }
        let name = line
            .split("-Name '")
            .nth(1)
            .and_then(|r| r.split('\'').next())
            .unwrap();
        assert!(names.insert(name.to_owned()), "duplicate rule name {name}");
    }
    assert_eq!(names.len(), output.notes.len());
    let vpn_rule = script
        .lines()
        .find(|l| l.contains("-Name 'rmmguard-out-tcp-8040-8041'"))
        .expect("screenconnect outbound rule");
    assert!(
        vpn_rule.contains("-LocalAddress @('0.0.0.0-10.1.2.2', '10.1.2.4-10.7.255.255', '10.9.0.0-255.255.255.255'"),
        "{vpn_rule}"
    );
}
