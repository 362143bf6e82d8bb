//! The store as `watch` uses it: checkpoints survive reopening, findings
//! update by id, incidents keep their analyst's state through correlation.

use std::collections::BTreeSet;

use jiff::Timestamp;
use rmmguard_findings::wire::{FindingRecord, IncidentRecord};
use rmmguard_findings::{Finding, Incident, IncidentKind, Severity, finding_id, rules};
use rmmguard_store::{Batch, Error, FileRow, Status, Store};

fn at(second: i64) -> Timestamp {
    Timestamp::from_second(1_790_000_000 + second).expect("time")
}

fn finding(host: &str, count: u64) -> FindingRecord {
    let mut finding = Finding::new(
        rules::PORTABLE_RMM,
        format!("AnyDesk ran from Downloads on {host}"),
    );
    finding.id = finding_id(&[finding.rule.id, host, "anydesk", ""]);
    finding.host = Some(host.to_owned());
    finding.count = count;
    FindingRecord::from(&finding)
}

fn incident(title: &str) -> IncidentRecord {
    IncidentRecord::from(&Incident {
        id: "I1".into(),
        kind: IncidentKind::Chain,
        title: title.into(),
        severity: Severity::High,
        score: 80,
        reasons: vec![],
        hosts: vec!["ws1".into()],
        sites: vec![],
        tool: None,
        tenant: None,
        indicator: None,
        stages: vec![],
        timeline: vec![],
        first_seen: None,
        last_seen: None,
    })
}

fn file(watermark: u64) -> FileRow {
    FileRow {
        path: "/logs/a.jsonl".into(),
        dev: u64::MAX - 1, // wider than i64: must round-trip
        ino: 42,
        head_len: 256,
        head_hash: u64::MAX,
        size: 1000,
        mtime_ns: 5,
        watermark,
    }
}

#[test]
fn a_checkpoint_is_there_after_reopening_and_findings_update_by_id() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("state.db");
    {
        let mut store = Store::open(&path).expect("open");
        let mut batch = Batch::default();
        batch.files(vec![file(640)]);
        batch.finding(finding("ws1", 1));
        batch.finding(finding("ws2", 1));
        assert!(batch.has_changes());
        store.commit(&batch, at(0)).expect("commit");
        let mut batch = Batch::default();
        batch.finding(finding("ws1", 3));
        batch.retire(finding("ws2", 1).id);
        store.commit(&batch, at(10)).expect("commit");
    }
    let store = Store::open(&path).expect("reopen");
    assert_eq!(store.files().expect("files"), vec![file(640)]);
    let all = store.findings(Severity::Info, false).expect("findings");
    assert_eq!(all.len(), 2);
    let ws1 = all
        .iter()
        .find(|f| f.record.host.as_deref() == Some("ws1"))
        .expect("ws1");
    assert_eq!((ws1.record.count, ws1.revision, ws1.current), (3, 1, true));
    assert_eq!((ws1.stored_at, ws1.updated_at), (at(0), at(10)));
    let current = store.findings(Severity::Info, true).expect("current");
    assert_eq!(current.len(), 1);
    assert!(
        store
            .findings(Severity::Critical, false)
            .expect("none")
            .is_empty()
    );
}

#[test]
fn incidents_keep_the_analysts_state_through_correlation() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("state.db")).expect("open");
    assert_eq!(store.next_incident().expect("next"), 1);
    let ids: BTreeSet<String> = [finding("ws1", 1).id].into();
    let mut batch = Batch::default();
    batch.open(1, incident("chain on ws1"), ids.clone());
    batch.log(1, "opened".into());
    store.commit(&batch, at(0)).expect("commit");
    assert_eq!(store.next_incident().expect("next"), 2);

    store.acknowledge(1, "ana", at(5)).expect("ack");
    let mut batch = Batch::default();
    batch.update(
        1,
        incident("chain on ws1, now with a download"),
        ids.clone(),
        false,
    );
    store.commit(&batch, at(6)).expect("update");
    let row = store.incident(1).expect("incident");
    assert_eq!(
        row.status,
        Status::Acknowledged,
        "correlation leaves the status alone"
    );
    assert_eq!(row.assignee.as_deref(), Some("ana"));
    assert_eq!(row.record.title, "chain on ws1, now with a download");

    store
        .close(1, "test machine, false positive", at(9))
        .expect("close");
    assert!(
        store
            .incidents(&[Status::Open, Status::Acknowledged])
            .expect("open")
            .is_empty()
    );
    let mut batch = Batch::default();
    batch.update(1, incident("chain on ws1 again"), ids, true);
    store.commit(&batch, at(20)).expect("reopen");
    let row = store.incident(1).expect("incident");
    assert_eq!((row.status, row.closed_at), (Status::Open, None));
    let log: Vec<String> = store
        .log(1)
        .expect("log")
        .into_iter()
        .map(|e| e.what)
        .collect();
    assert_eq!(
        log,
        [
            "opened",
            "acknowledged by ana",
            "closed: test machine, false positive"
        ]
    );
    assert!(matches!(
        store.assign(7, "bob", at(30)),
        Err(Error::NoIncident(7))
    ));
}

#[test]
fn a_file_that_is_not_a_state_file_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("state.db");
    std::fs::write(
        &path,
        b"not sqlite at all, just text that is long enough to be read",
    )
    .expect("write");
    let error = Store::open(&path).expect_err("refused");
    assert!(error.to_string().contains("state.db"), "{error}");
}
