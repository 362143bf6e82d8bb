//! Generated mail with ground truth by construction: an mbox large enough to
//! be read in several parallel ranges (every message read exactly once),
//! lures in the body, in a PDF and in an invitation found with their
//! numbers, and the benign kinds (a genuine renewal from the brand's own
//! domain with its support line, shipping, colleagues, newsletters) clean.

mod common;

use common::{detector, run};
use rmmguard::findings::FactKey;
use rmmguard_simulate::mail::{
    BenignKind, BenignSpec, Delivery, LureSpec, write_benign, write_lure, write_mbox,
};

#[test]
fn a_generated_mailbox_read_in_ranges_gives_every_lure_and_nothing_else() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("inbox.mbox");
    let summary = write_mbox(&path, 11, 3000, 50).expect("mbox");
    assert!(
        summary.bytes > 2 << 20,
        "big enough for several ranges: {summary:?}"
    );
    let hunt = run(&[path], &detector(None), 2);
    let stats = &hunt.files[0].stats;
    assert_eq!(
        (stats.records, stats.events, stats.skipped),
        (3000, 3000, 0)
    );
    let lures: Vec<_> = hunt
        .report
        .findings
        .iter()
        .filter(|f| f.rule.id.starts_with('M'))
        .collect();
    assert_eq!(lures.len() as u64, summary.lures, "{lures:#?}");
    let by_rule = |id: &str| lures.iter().filter(|f| f.rule.id == id).count() as u64;
    // Body lures are M001; PDF and invitation lures carry the number only in the attachment.
    assert_eq!(by_rule("M001"), summary.lures / 3);
    assert_eq!(by_rule("M002"), summary.lures - summary.lures / 3);
    assert!(lures.iter().all(|f| {
        f.fact(FactKey::PhoneE164)
            .is_some_and(|p| p.contains("555"))
    }));
}

#[test]
fn each_delivery_and_each_benign_kind() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = LureSpec::new("Geek Squad", "+1 (803) 555-0142", "victim@corp.example");
    for (delivery, id) in [
        (Delivery::Body, "body"),
        (Delivery::Pdf, "pdf"),
        (Delivery::Calendar, "ics"),
    ] {
        let mut spec = base.clone().with_delivery(delivery);
        spec.message_id = format!("lure-{id}@rmmguard.simulate");
        write_lure(dir.path(), &spec).expect("lure");
    }
    for (kind, id) in [
        (BenignKind::GenuineRenewal, "renewal"),
        (BenignKind::Shipping, "shipping"),
        (BenignKind::Colleague, "colleague"),
        (BenignKind::Newsletter, "newsletter"),
    ] {
        let mut spec = BenignSpec::new(kind, "victim@corp.example");
        spec.message_id = format!("benign-{id}@rmmguard.simulate");
        write_benign(dir.path(), &spec).expect("benign");
    }
    let hunt = run(&[dir.path().to_path_buf()], &detector(None), 1);
    assert_eq!(hunt.files.len(), 7);
    let found: Vec<(&str, String, Option<&str>)> = hunt
        .report
        .findings
        .iter()
        .map(|f| {
            let file = f.evidence[0]
                .source
                .file
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (f.rule.id, file, f.fact(FactKey::PhoneE164))
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "M001",
                "lure-body_rmmguard_simulate.eml".to_owned(),
                Some("+18035550142")
            ),
            (
                "M002",
                "lure-ics_rmmguard_simulate.eml".to_owned(),
                Some("+18035550142")
            ),
            (
                "M002",
                "lure-pdf_rmmguard_simulate.eml".to_owned(),
                Some("+18035550142")
            ),
        ]
    );
    let pdf = &hunt.report.findings[2];
    assert!(
        pdf.summary.contains("in INV-20250701-4471.pdf"),
        "{}",
        pdf.summary
    );
    assert_eq!(
        pdf.fact(FactKey::EmailFromAddress),
        Some("billing.renewals.team@gmail.com")
    );
    assert!(pdf.fact(FactKey::SignalAttachmentOnly).is_some());
}
