//! A receiver down for a while — connections refused, then 503s, then
//! back — and a reply lost on the way: every record arrives exactly once,
//! in order, and the spool is empty and gone afterwards. A full spool
//! drops the newest records, counted and warned.

mod common;

use std::sync::{Arc, Mutex};

use common::{Answer, HttpReceiver, Index, forwarder, items, quick, spool_files};
use rmmguard_forward::{Forwarder, Item, Kind, TargetConfig};
use serde_json::Value;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Busy,
    Healthy,
    /// Take the request, then hang up without answering (once).
    LoseReply,
}

fn submit_all(forwarder: &mut Forwarder, items: &[Item]) {
    for item in items {
        forwarder.submit(item);
    }
    forwarder.flush();
}

#[test]
fn hec_gets_everything_once_after_refusals_and_503s_even_across_a_restart() {
    let mode = Arc::new(Mutex::new(Mode::Busy));
    let stored: Arc<Mutex<Vec<String>>> = Arc::default();
    let (state, store) = (mode.clone(), stored.clone());
    let mut receiver = HttpReceiver::start(move |request| {
        if *state.lock().unwrap() == Mode::Busy {
            return Answer::Reply(503, r#"{"text":"Server is busy","code":9}"#.into());
        }
        let stream = serde_json::Deserializer::from_str(request.text()).into_iter::<Value>();
        let mut store = store.lock().unwrap();
        for event in stream {
            let event = event.expect("json");
            let id = event["event"]["finding_id"]
                .as_str()
                .or(event["event"]["incident_id"].as_str())
                .expect("an id");
            store.push(id.to_owned());
        }
        Answer::Reply(200, r#"{"text":"Success","code":0}"#.into())
    });
    receiver.stop();
    let spool = tempfile::tempdir().expect("tempdir");
    let mut target = quick(TargetConfig::new(Kind::Hec));
    target.url = Some(receiver.url("/services/collector/event"));
    target.token = Some("t".into());
    target.batch_size = 3;
    target.spool_dir = Some(spool.path().to_owned());

    let all = items(9);
    let (first, second) = all.split_at(4);
    let (mut forwarder1, warnings) = forwarder(vec![target.clone()]);
    // Down: connections refused.
    submit_all(&mut forwarder1, first);
    let counters = forwarder1.total();
    assert_eq!(
        (counters.sent, counters.spooled, counters.spool_records),
        (0, 4, 4)
    );
    assert_eq!(spool_files(spool.path()), 2, "batches of 3 and 1");
    // Up, but busy: 503 for everything.
    receiver.resume();
    submit_all(&mut forwarder1, second);
    let counters = forwarder1.total();
    assert_eq!(
        (counters.sent, counters.spooled, counters.spool_records),
        (0, 10, 10)
    );
    assert_eq!(counters.dropped, 0);
    assert!(stored.lock().unwrap().is_empty());
    assert!(
        warnings
            .lock()
            .unwrap()
            .iter()
            .all(|w| w.contains("not delivered"))
    );
    drop(forwarder1);

    // Back, and a new process: the spool is replayed in order.
    *mode.lock().unwrap() = Mode::Healthy;
    let (mut forwarder2, warnings) = forwarder(vec![target]);
    assert_eq!(forwarder2.total().spool_records, 10);
    forwarder2.flush();
    let ids: Vec<&str> = all.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(*stored.lock().unwrap(), ids, "each once, in order");
    let counters = forwarder2.total();
    assert_eq!(
        (
            counters.sent,
            counters.dropped,
            counters.spool_records,
            counters.spool_bytes
        ),
        (10, 0, 0, 0)
    );
    assert_eq!(
        spool_files(spool.path()),
        0,
        "delivered segments are deleted"
    );
    assert!(warnings.lock().unwrap().is_empty());
}

#[test]
fn bulk_stores_each_document_once_though_a_reply_was_lost() {
    let mode = Arc::new(Mutex::new(Mode::Busy));
    let index = Arc::new(Mutex::new(Index::default()));
    let (state, shared) = (mode.clone(), index.clone());
    let mut receiver = HttpReceiver::start(move |request| {
        let mut mode = state.lock().unwrap();
        match *mode {
            Mode::Busy => Answer::Reply(503, r#"{"error":"unavailable","status":503}"#.into()),
            Mode::Healthy => shared.lock().unwrap().bulk(request),
            Mode::LoseReply => {
                // Indexed, but the answer never reaches the sender.
                let _ = shared.lock().unwrap().bulk(request);
                *mode = Mode::Healthy;
                Answer::Hangup
            }
        }
    });
    receiver.stop();
    let spool = tempfile::tempdir().expect("tempdir");
    let mut target = quick(TargetConfig::new(Kind::Elasticsearch));
    target.url = Some(receiver.url(""));
    target.batch_size = 4;
    target.spool_dir = Some(spool.path().to_owned());
    let (mut forwarder, _) = forwarder(vec![target]);

    let all = items(11);
    let (first, second) = all.split_at(5);
    submit_all(&mut forwarder, first);
    receiver.resume();
    submit_all(&mut forwarder, second);
    assert_eq!(forwarder.total().spool_records, 12);
    assert!(index.lock().unwrap().docs.is_empty());

    *mode.lock().unwrap() = Mode::LoseReply;
    forwarder.flush();
    let index = index.lock().unwrap();
    assert_eq!(index.docs.len(), 12, "each document once");
    assert!(all.iter().all(|item| index.docs.contains_key(&item.id)));
    assert_eq!(
        index.creates, 16,
        "the batch whose reply was lost went twice"
    );
    let counters = forwarder.total();
    assert_eq!(
        (
            counters.sent,
            counters.retried,
            counters.dropped,
            counters.spool_records
        ),
        // Records 0-3 went 3 times while down, 3 times more on the forced
        // flush, 3 times while busy, and once more for the lost reply.
        (12, 8 + 8 + 8 + 4, 0, 0)
    );
    assert_eq!(spool_files(spool.path()), 0);
}

#[test]
fn a_full_spool_drops_the_newest_records_counted_and_warned() {
    let stored: Arc<Mutex<Vec<String>>> = Arc::default();
    let store = stored.clone();
    let mut receiver = HttpReceiver::start(move |request| {
        let stream = serde_json::Deserializer::from_str(request.text()).into_iter::<Value>();
        for event in stream {
            let event = event.expect("json");
            let id = event["event"]["finding_id"].as_str().unwrap_or("incident");
            store.lock().unwrap().push(id.to_owned());
        }
        Answer::Reply(200, r#"{"text":"Success","code":0}"#.into())
    });
    receiver.stop();
    let all = items(6);
    let line = |item: &Item| serde_json::to_vec(item).expect("json").len() as u64 + 1;
    let spool = tempfile::tempdir().expect("tempdir");
    let mut target = quick(TargetConfig::new(Kind::Hec));
    target.url = Some(receiver.url("/services/collector/event"));
    target.token = Some("t".into());
    target.batch_size = 2;
    target.spool_dir = Some(spool.path().to_owned());
    // Room for the first three records.
    target.spool_limit_bytes = all[..3].iter().map(line).sum();
    let (mut forwarder, warnings) = forwarder(vec![target]);
    submit_all(&mut forwarder, &all);
    let counters = forwarder.total();
    assert_eq!(
        (counters.sent, counters.spooled, counters.dropped),
        (0, 3, 4)
    );
    let dropped: Vec<String> = warnings
        .lock()
        .unwrap()
        .iter()
        .filter(|w| w.contains("dropped"))
        .cloned()
        .collect();
    // The lane rests after its first failure: later batches go straight to
    // the spool, and each batch that does not fit is one warning.
    assert_eq!(
        dropped,
        [
            "forward hec: dropped 1 record: the spool is full",
            "forward hec: dropped 2 records: the spool is full",
            "forward hec: dropped 1 record: the spool is full",
        ]
    );

    receiver.resume();
    forwarder.flush();
    let ids: Vec<&str> = all[..3].iter().map(|i| i.id.as_str()).collect();
    assert_eq!(*stored.lock().unwrap(), ids);
    let counters = forwarder.total();
    assert_eq!(
        (counters.sent, counters.dropped, counters.spool_records),
        (3, 4, 0)
    );
}

#[test]
fn without_a_spool_an_unreachable_receiver_means_dropped_records() {
    let mut receiver = HttpReceiver::start(|_| Answer::Reply(200, "ok".into()));
    receiver.stop();
    let mut target = quick(TargetConfig::new(Kind::Webhook));
    target.url = Some(receiver.url("/hook"));
    let (mut forwarder, warnings) = forwarder(vec![target]);
    submit_all(&mut forwarder, &items(3));
    let counters = forwarder.total();
    assert_eq!((counters.sent, counters.dropped), (0, 3));
    assert!(
        warnings
            .lock()
            .unwrap()
            .iter()
            .any(|w| w == "forward webhook: dropped 3 records: the receiver is unreachable and no spool_dir is set"),
        "{warnings:?}"
    );
}

#[test]
fn a_damaged_spool_line_is_reported_dropped_and_the_rest_delivered() {
    let stored: Arc<Mutex<Vec<String>>> = Arc::default();
    let store = stored.clone();
    let receiver = HttpReceiver::start(move |request| {
        for event in serde_json::Deserializer::from_str(request.text()).into_iter::<Value>() {
            let event = event.expect("json");
            let id = event["event"]["finding_id"].as_str().unwrap_or("incident");
            store.lock().unwrap().push(id.to_owned());
        }
        Answer::Reply(200, r#"{"text":"Success","code":0}"#.into())
    });
    // A segment a crash left: two whole records and a torn third.
    let all = items(2);
    let spool = tempfile::tempdir().expect("tempdir");
    let mut text = Vec::new();
    for item in &all[..2] {
        text.extend(serde_json::to_vec(item).expect("json"));
        text.push(b'\n');
    }
    let torn_at = text.len();
    text.extend_from_slice(br#"{"id":"f-torn","fin"#);
    let segment = spool.path().join("00000000000000000001.spool");
    std::fs::write(&segment, text).expect("segment");

    let mut target = quick(TargetConfig::new(Kind::Hec));
    target.url = Some(receiver.url("/services/collector/event"));
    target.token = Some("t".into());
    target.spool_dir = Some(spool.path().to_owned());
    let (mut forwarder, warnings) = forwarder(vec![target]);
    assert_eq!(
        forwarder.total().spool_records,
        2,
        "the torn line has no newline"
    );
    forwarder.flush();
    let ids: Vec<&str> = all[..2].iter().map(|i| i.id.as_str()).collect();
    assert_eq!(*stored.lock().unwrap(), ids);
    let counters = forwarder.total();
    assert_eq!(
        (counters.sent, counters.dropped, counters.spool_records),
        (2, 1, 0)
    );
    let warnings = warnings.lock().unwrap();
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].starts_with(&format!(
            "forward hec: dropped a damaged spool record at {}@{torn_at}: ",
            segment.display()
        )),
        "{warnings:?}"
    );
    assert_eq!(spool_files(spool.path()), 0);
}
