//! How fast records go out: HEC, bulk and syslog TCP to receivers on
//! 127.0.0.1 (the tests' receivers, which only count), and the spool's
//! write and replay rate with fsync per batch. Prints records per second;
//! BENCHMARKS.md has the command and the numbers.
//!
//! `cargo run --release -p rmmguard-forward --example forward_bench [N]`

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use common::{Answer, HttpReceiver, TcpReceiver, eventually, forwarder, items};
use rmmguard_forward::{Item, Kind, TargetConfig, Transport};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let items = items(n - 1);
    println!(
        "{n} records (findings of about {} bytes as JSON)",
        json_len(&items[1])
    );

    let hec_events = Arc::new(AtomicUsize::new(0));
    let count = hec_events.clone();
    let hec = HttpReceiver::start(move |request| {
        count.fetch_add(
            request.body.iter().filter(|&&b| b == b'\n').count(),
            Ordering::Relaxed,
        );
        Answer::Reply(200, r#"{"text":"Success","code":0}"#.into())
    });
    let mut target = TargetConfig::new(Kind::Hec);
    target.url = Some(hec.url("/services/collector/event"));
    target.token = Some("t".into());
    target.batch_size = 500;
    report("hec, batches of 500", &items, target);

    let bulk = HttpReceiver::start(|request| {
        let records = request.body.iter().filter(|&&b| b == b'\n').count() / 2;
        let item = r#"{"create":{"status":201}}"#;
        let items = vec![item; records].join(",");
        Answer::Reply(
            200,
            format!(r#"{{"took":1,"errors":false,"items":[{items}]}}"#),
        )
    });
    let mut target = TargetConfig::new(Kind::Elasticsearch);
    target.url = Some(bulk.url(""));
    target.batch_size = 500;
    report("elasticsearch bulk (ECS), batches of 500", &items, target);

    let syslog = TcpReceiver::start();
    let mut target = TargetConfig::new(Kind::Syslog);
    target.address = Some(syslog.addr.to_string());
    target.transport = Transport::Tcp;
    target.batch_size = 500;
    report("syslog CEF over TCP, batches of 500", &items, target);
    eventually(|| syslog.messages.lock().unwrap().len() == items.len());

    // The spool: a receiver that is down, then back.
    let mut down =
        HttpReceiver::start(|_| Answer::Reply(200, r#"{"text":"Success","code":0}"#.into()));
    down.stop();
    let spool = tempfile::tempdir().expect("tempdir");
    let mut target = TargetConfig::new(Kind::Hec);
    target.url = Some(down.url("/services/collector/event"));
    target.token = Some("t".into());
    target.batch_size = 500;
    target.retries = 0;
    target.spool_dir = Some(spool.path().to_owned());
    let (mut forwarder, _) = forwarder(vec![target]);
    let start = Instant::now();
    for item in &items {
        forwarder.submit(item);
    }
    forwarder.flush();
    let spooled = forwarder.total();
    print_rate(
        "spool write (fsync per batch of 500)",
        spooled.spooled as usize,
        start,
    );
    println!("  spool: {} bytes", spooled.spool_bytes);
    down.resume();
    let start = Instant::now();
    forwarder.flush();
    print_rate(
        "spool replay to hec",
        forwarder.total().sent as usize,
        start,
    );
    assert_eq!(forwarder.total().spool_records, 0);
}

fn report(label: &str, items: &[Item], target: TargetConfig) {
    let (mut forwarder, warnings) = forwarder(vec![target]);
    let start = Instant::now();
    for item in items {
        forwarder.submit(item);
    }
    forwarder.flush();
    let sent = forwarder.total().sent as usize;
    assert_eq!(sent, items.len(), "{:?}", warnings.lock().unwrap());
    print_rate(label, sent, start);
}

fn print_rate(label: &str, records: usize, start: Instant) {
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{label}: {records} records in {seconds:.3} s, {:.0} records/s",
        records as f64 / seconds
    );
}

fn json_len(item: &Item) -> usize {
    serde_json::to_vec(item).map_or(0, |v| v.len())
}
