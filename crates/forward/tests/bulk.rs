//! Elasticsearch `_bulk`: ECS documents created under their ids, a
//! receiver answering the real response shape, one item throttled once.

mod common;

use std::sync::{Arc, Mutex};

use common::{HttpReceiver, Index, forwarder, items, quick};
use rmmguard_forward::{Kind, TargetConfig};
use serde_json::json;

#[test]
fn ecs_documents_arrive_once_and_a_throttled_item_alone_goes_again() {
    let items = items(6);
    let index = Arc::new(Mutex::new(Index {
        throttle_once: vec![items[1].id.clone()],
        ..Index::default()
    }));
    let auth = Arc::new(Mutex::new(Vec::new()));
    let (shared, seen) = (index.clone(), auth.clone());
    let receiver = HttpReceiver::start(move |request| {
        seen.lock()
            .unwrap()
            .push(request.header("authorization").map(str::to_owned));
        shared.lock().unwrap().bulk(request)
    });
    let mut target = quick(TargetConfig::new(Kind::Elasticsearch));
    target.url = Some(receiver.url("/"));
    target.token = Some("a2V5".into());
    target.index = Some("rmm-alerts".into());
    target.batch_size = 4;
    let (mut forwarder, warnings) = forwarder(vec![target]);
    for item in &items {
        forwarder.submit(item);
    }
    forwarder.flush();

    let stored = index.lock().unwrap();
    assert_eq!(stored.docs.len(), 7);
    assert_eq!(stored.creates, 8, "7 records and the throttled one again");
    let counters = forwarder.total();
    assert_eq!(
        (
            counters.sent,
            counters.retried,
            counters.rejected,
            counters.dropped
        ),
        (7, 1, 0, 0)
    );
    assert!(
        auth.lock()
            .unwrap()
            .iter()
            .all(|a| a.as_deref() == Some("ApiKey a2V5"))
    );
    let doc = &stored.docs[&items[0].id];
    assert_eq!(doc["event"]["kind"], "alert");
    assert_eq!(doc["event"]["id"], items[0].id.as_str());
    assert_eq!(doc["event"]["severity"], 73);
    assert_eq!(doc["rule"]["id"], "E005");
    assert_eq!(doc["rule"]["name"], "portable-rmm");
    assert_eq!(doc["host"]["name"], "WS-00|evil=1");
    assert_eq!(doc["threat"]["technique"]["id"], json!(["T1219"]));
    assert_eq!(doc["destination"]["ip"], "203.0.113.7");
    assert_eq!(
        doc["process"]["executable"],
        "C:\\Users\\u0\\Downloads\\AnyDesk.exe"
    );
    assert_eq!(doc["@timestamp"], "2023-11-14T22:13:20Z");
    let incident = &stored.docs[&items[6].id];
    assert_eq!(incident["event"]["dataset"], "rmmguard.incident");
    assert_eq!(incident["event"]["severity"], 99);
    assert_eq!(incident["host"]["name"], json!(["WS-00|evil=1", "WS-01"]));
    assert!(warnings.lock().unwrap().is_empty());

    // Sending the same records again stores nothing new.
    drop(stored);
    for item in &items {
        forwarder.submit(item);
    }
    forwarder.flush();
    assert_eq!(forwarder.total().sent, 14);
    let index = index.lock().unwrap();
    assert_eq!(index.docs.len(), 7, "a resend is a conflict, not a copy");
    assert_eq!(index.creates, 15);
}
