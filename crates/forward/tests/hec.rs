//! Splunk HEC: batched events with the token, the record and its id, read
//! back by a receiver that answers as HEC does.

mod common;

use std::sync::{Arc, Mutex};

use common::{Answer, HttpReceiver, forwarder, items, quick};
use rmmguard_forward::{Kind, TargetConfig};
use serde_json::Value;

#[test]
fn every_record_arrives_once_as_a_hec_event() {
    let events: Arc<Mutex<Vec<Value>>> = Arc::default();
    let requests = Arc::new(Mutex::new(0));
    let channels: Arc<Mutex<Vec<String>>> = Arc::default();
    let (store, count, seen) = (events.clone(), requests.clone(), channels.clone());
    let receiver = HttpReceiver::start(move |request| {
        *count.lock().unwrap() += 1;
        let channel = request.header("x-splunk-request-channel").unwrap_or("");
        seen.lock().unwrap().push(channel.to_owned());
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/services/collector/event");
        if request.header("authorization") != Some("Splunk s3cret") {
            return Answer::Reply(401, r#"{"text":"Invalid authorization","code":3}"#.into());
        }
        let stream = serde_json::Deserializer::from_str(request.text()).into_iter::<Value>();
        store
            .lock()
            .unwrap()
            .extend(stream.map(|event| event.expect("one JSON event")));
        Answer::Reply(200, r#"{"text":"Success","code":0}"#.into())
    });
    let mut target = quick(TargetConfig::new(Kind::Hec));
    target.url = Some(receiver.url("/services/collector/event"));
    target.token = Some("s3cret".into());
    target.batch_size = 3;
    target.index = Some("security".into());
    let (mut forwarder, warnings) = forwarder(vec![target]);
    let items = items(7);
    for item in &items {
        forwarder.submit(item);
    }
    forwarder.flush();

    let events = events.lock().unwrap();
    assert_eq!(*requests.lock().unwrap(), 3, "8 records in batches of 3");
    assert_eq!(events.len(), 8);
    let channels = channels.lock().unwrap();
    assert_eq!(channels[0].len(), 36, "a UUID channel: {channels:?}");
    assert!(channels.iter().all(|c| *c == channels[0]), "one channel");
    for (event, item) in events.iter().zip(&items) {
        let id_key = if item.kind() == "finding" {
            "finding_id"
        } else {
            "incident_id"
        };
        assert_eq!(event["event"][id_key], item.id.as_str());
        assert_eq!(event["sourcetype"], format!("rmmguard:{}", item.kind()));
        assert_eq!(event["source"], "rmmguard");
        assert_eq!(event["index"], "security");
    }
    let first = &events[0];
    assert_eq!(first["time"], 1_700_000_000.0);
    assert_eq!(first["host"], "WS-00|evil=1");
    assert_eq!(first["event"]["rule_id"], "E005");
    assert_eq!(
        first["event"]["summary"],
        "AnyDesk|ran=1 <script>alert(1)</script>\nforged line \\ end"
    );
    assert_eq!(
        first["event"]["facts"]["destination.ip"],
        serde_json::json!(["203.0.113.7"])
    );
    assert_eq!(events[7]["event"]["kind"], "aa23-025a-chain");
    let counters = forwarder.total();
    assert_eq!(
        (counters.sent, counters.retried, counters.dropped),
        (8, 0, 0)
    );
    assert!(warnings.lock().unwrap().is_empty());
}

#[test]
fn a_malformed_event_is_refused_alone_and_the_rest_retried() {
    // HEC indexes the events before the bad one, names it, and stops.
    let events: Arc<Mutex<Vec<String>>> = Arc::default();
    let store = events.clone();
    let receiver = HttpReceiver::start(move |request| {
        let stream = serde_json::Deserializer::from_str(request.text()).into_iter::<Value>();
        let mut store = store.lock().unwrap();
        for (n, event) in stream.enumerate() {
            let event = event.expect("json");
            let id = event["event"]["finding_id"].as_str().unwrap_or("incident");
            if id.is_empty() || event["event"]["summary"] == "finding 2 on WS-02" {
                return Answer::Reply(
                    400,
                    format!(
                        r#"{{"text":"Invalid data format","code":6,"invalid-event-number":{n}}}"#
                    ),
                );
            }
            store.push(id.to_owned());
        }
        Answer::Reply(200, r#"{"text":"Success","code":0}"#.into())
    });
    let mut target = quick(TargetConfig::new(Kind::Hec));
    target.url = Some(receiver.url("/services/collector/event"));
    target.token = Some("t".into());
    target.batch_size = 10;
    let (mut forwarder, warnings) = forwarder(vec![target]);
    let items = items(5);
    for item in &items {
        forwarder.submit(item);
    }
    forwarder.flush();
    let counters = forwarder.total();
    assert_eq!(
        (counters.sent, counters.rejected, counters.dropped),
        (5, 1, 0)
    );
    assert_eq!(
        counters.retried, 3,
        "the three after the bad one went again"
    );
    assert_eq!(events.lock().unwrap().len(), 5);
    let warnings = warnings.lock().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("refused 1 record for good"),
        "{warnings:?}"
    );
}

#[test]
fn the_example_forwarding_file_parses() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/forward.toml");
    let config = rmmguard_forward::Config::load(&path).expect("examples/forward.toml");
    let kinds: Vec<Kind> = config.forward.iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        [Kind::Hec, Kind::Elasticsearch, Kind::Syslog, Kind::Webhook]
    );
}

#[test]
fn min_severity_leaves_out_lesser_findings_but_never_incidents() {
    let events: Arc<Mutex<Vec<Value>>> = Arc::default();
    let store = events.clone();
    let receiver = HttpReceiver::start(move |request| {
        let stream = serde_json::Deserializer::from_str(request.text()).into_iter::<Value>();
        store
            .lock()
            .unwrap()
            .extend(stream.map(|event| event.expect("one JSON event")));
        Answer::Reply(200, r#"{"text":"Success","code":0}"#.into())
    });
    let mut target = quick(TargetConfig::new(Kind::Hec));
    target.url = Some(receiver.url("/services/collector/event"));
    target.token = Some("t".into());
    target.min_severity = Some(rmmguard_findings::Severity::High);
    let (mut forwarder, _) = forwarder(vec![target]);
    for item in &items(6) {
        forwarder.submit(item);
    }
    forwarder.flush();
    // Findings 2 and 5 are medium.
    let events = events.lock().unwrap();
    let summaries: Vec<&str> = events
        .iter()
        .filter_map(|e| e["event"]["summary"].as_str())
        .collect();
    assert_eq!(summaries.len(), 4, "{summaries:?}");
    assert!(
        summaries
            .iter()
            .all(|s| !s.starts_with("finding 2") && !s.starts_with("finding 5"))
    );
    assert_eq!(events.len(), 5, "and the incident");
    assert_eq!(forwarder.total().sent, 5);
}
