//! Webhooks: one message per incident and per high or critical finding,
//! evidence text inert.

mod common;

use std::sync::{Arc, Mutex};

use common::{Answer, HttpReceiver, forwarder, items, quick};
use rmmguard_findings::Severity;
use rmmguard_forward::{Kind, TargetConfig};
use serde_json::Value;

#[test]
fn urgent_records_arrive_one_message_each_with_inert_text() {
    let messages: Arc<Mutex<Vec<Value>>> = Arc::default();
    let store = messages.clone();
    let receiver = HttpReceiver::start(move |request| {
        assert_eq!(request.path, "/hooks/T000/B000/x");
        assert_eq!(request.header("content-type"), Some("application/json"));
        store
            .lock()
            .unwrap()
            .push(serde_json::from_slice(&request.body).expect("json"));
        Answer::Reply(200, "ok".into())
    });
    let mut target = quick(TargetConfig::new(Kind::Webhook));
    target.url = Some(receiver.url("/hooks/T000/B000/x"));
    let (mut forwarder, warnings) = forwarder(vec![target]);
    let items = items(6);
    for item in &items {
        forwarder.submit(item);
    }
    forwarder.flush();

    let urgent: Vec<&str> = items
        .iter()
        .filter(|i| i.kind() == "incident" || i.severity() >= Severity::High)
        .map(|i| i.id.as_str())
        .collect();
    // Findings 2 and 5 are medium: four findings and the incident.
    assert_eq!(urgent.len(), 5);
    let messages = messages.lock().unwrap();
    assert_eq!(messages.len(), urgent.len());
    for (message, id) in messages.iter().zip(&urgent) {
        let text = message["text"].as_str().expect("text");
        assert!(text.ends_with(&format!("\nid: {id}")), "{text}");
        assert_eq!(message["unfurl_links"], false);
    }
    let first = messages[0]["text"].as_str().unwrap_or_default();
    assert_eq!(
        first,
        "*[HIGH] E005 portable-rmm*: AnyDesk|ran=1 &lt;script&gt;alert(1)&lt;/script&gt; forged line \\ end\n\
         host: WS-00|evil=1 | tool: AnyDesk | stage: portable-rmm\n\
         evidence: case/ws0.evtx#1\n\
         id: ".to_owned() + urgent[0]
    );
    let incident = messages[4]["text"].as_str().unwrap_or_default();
    assert!(
        incident.starts_with(
            "*[CRITICAL] incident aa23-025a-chain*: Chain &lt;b&gt;on&lt;/b&gt; WS-01 &amp; more\n"
        ),
        "{incident}"
    );
    assert_eq!(forwarder.total().sent, 5);
    assert!(warnings.lock().unwrap().is_empty());
}
