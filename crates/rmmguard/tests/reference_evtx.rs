//! The real EVTX reference set (`../shared/reference/evtx`): every file is
//! read, the damaged ones yield explained diagnostics, and the findings are
//! exactly what the events justify.

mod common;

use common::{detector, reference, render, run};
use rmmguard::findings::FactKey;
use rmmguard::sources::DiagnosticLevel;

#[test]
fn reference_evtx_findings_are_exactly_the_rmm_evidence() {
    let root = reference("evtx");
    let hunt = run(std::slice::from_ref(&root), &detector(None), 2);
    assert_eq!(hunt.files.len(), 218, "every .evtx file is read");
    assert_eq!(
        hunt.skipped.len(),
        1,
        "only SOURCE.md is passed over: {:?}",
        hunt.skipped
    );
    // The TeamViewer credential dumper (Sysmon 10 on TeamViewer.exe), DonPAPI
    // reading UltraVNC's ultravnc.ini over C$ (8 probed paths, one finding),
    // and the TeamViewer install the dumper reveals. Nothing else.
    expect_test::expect![[r#"
        high E013 host=LAPTOP-JU4M3I0E tool=teamviewer tenant=- count=1 …/hayabusa-sample-evtx/EVTX-ATTACK-SAMPLES/Credential Access/CA_teamviewer-dumper_sysmon_10.evtx#1
        high E013 host=fs03vuln.offsec.lan tool=ultravnc tenant=- count=8 …/hayabusa-sample-evtx/EVTX-to-MITRE-Attack/EVTX_full_APT_attack_steps/ID5145-4624-DonPAPI full extraction.evtx#313
        medium E002 host=LAPTOP-JU4M3I0E tool=teamviewer tenant=- count=1 …/hayabusa-sample-evtx/EVTX-ATTACK-SAMPLES/Credential Access/CA_teamviewer-dumper_sysmon_10.evtx#1
    "#]]
    .assert_eq(&render(&hunt.report.findings, &root));
    let dumper = &hunt.report.findings[0];
    assert_eq!(dumper.fact(FactKey::ProcessGrantedAccess), Some("0x147a"));
    assert!(
        dumper
            .fact(FactKey::ProcessExecutable)
            .is_some_and(|p| p.ends_with("frida-winjector-helper-32.exe"))
    );
    let vnc = &hunt.report.findings[1];
    assert_eq!(vnc.fact(FactKey::SourceIp), Some("10.23.123.11"));
}

#[test]
fn files_without_rmm_activity_produce_no_findings() {
    let root = reference("evtx");
    let hunt = run(std::slice::from_ref(&root), &detector(None), 1);
    let with_findings: std::collections::BTreeSet<String> = hunt
        .report
        .findings
        .iter()
        .flat_map(|f| &f.evidence)
        .map(|e| {
            e.source
                .file
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        with_findings.into_iter().collect::<Vec<_>>(),
        [
            "CA_teamviewer-dumper_sysmon_10.evtx",
            "ID5145-4624-DonPAPI full extraction.evtx"
        ]
    );
}

#[test]
fn damaged_files_give_counted_explained_diagnostics() {
    let root = reference("evtx/omerbenamram-evtx");
    // Without the prefilter every chunk is parsed, so every parse error shows.
    let detector = detector(None);
    let config = rmmguard::HuntConfig {
        threads: 2,
        prefilter: false,
        ..rmmguard::HuntConfig::default()
    };
    let hunt = rmmguard::hunt(&[root], &detector, &config, &rmmguard::NoProgress).expect("hunt");
    let mut lines: Vec<String> = Vec::new();
    for file in &hunt.files {
        let name = file
            .path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let errors = file
            .stats
            .diagnostics
            .iter()
            .filter(|d| d.level == DiagnosticLevel::Error)
            .count();
        let warnings = file
            .stats
            .diagnostics
            .iter()
            .filter(|d| d.level == DiagnosticLevel::Warning)
            .count();
        lines.push(format!(
            "{name}: records={} parsed={} skipped={} errors={errors} warnings={warnings}",
            file.stats.records, file.stats.parsed, file.stats.skipped
        ));
        for diagnostic in &file.stats.diagnostics {
            assert!(!diagnostic.message.is_empty());
            assert_eq!(
                diagnostic.source.file, file.path,
                "diagnostics name their file"
            );
        }
    }
    expect_test::expect![[r#"
        2-vss_0-Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx: records=1797 parsed=1795 skipped=2 errors=2 warnings=2
        Application_no_crc32.evtx: records=17 parsed=17 skipped=0 errors=0 warnings=0
        new-user-security.evtx: records=4 parsed=4 skipped=0 errors=0 warnings=0
        sample-with-irregular-bool-values.evtx: records=3028 parsed=3028 skipped=0 errors=0 warnings=0
        sample_with_a_bad_chunk_magic.evtx: records=302 parsed=301 skipped=3 errors=3 warnings=3
        security.evtx: records=2261 parsed=2261 skipped=0 errors=0 warnings=0
        security_bad_string_cache.evtx: records=2261 parsed=2261 skipped=0 errors=0 warnings=1
        sysmon.evtx: records=358 parsed=358 skipped=8 errors=8 warnings=0
    "#]]
    .assert_eq(&(lines.join("\n") + "\n"));
}
