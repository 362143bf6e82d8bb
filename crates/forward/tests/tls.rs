//! https: the forwarder speaks TLS (rustls) to a receiver whose
//! certificate chains to the `ca_file` given, and refuses one it cannot
//! verify. The certificates are test-only (`tests/tls/make.sh`).

mod common;

use std::io::{BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread;

use common::{forwarder, items, quick, read_request};
use rmmguard_forward::{Kind, TargetConfig};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/tls")
        .join(name)
}

fn server_config() -> Arc<rustls::ServerConfig> {
    let pem = std::fs::read(fixture("server.pem")).expect("server.pem");
    let certs: Vec<CertificateDer<'static>> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item.expect("pem") {
            ureq::tls::PemItem::Certificate(cert) => {
                Some(CertificateDer::from(cert.der().to_vec()))
            }
            _ => None,
        })
        .collect();
    let pem = std::fs::read(fixture("server.key")).expect("server.key");
    let key = ureq::tls::parse_pem(&pem)
        .find_map(|item| match item.expect("pem") {
            ureq::tls::PemItem::PrivateKey(key) => Some(PrivateKeyDer::Pkcs8(
                PrivatePkcs8KeyDer::from(key.der().to_vec()),
            )),
            _ => None,
        })
        .expect("a key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocols")
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .expect("server certificate"),
    )
}

/// A HEC receiver behind TLS; returns its address and the events' count.
fn tls_hec() -> (String, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let events = Arc::new(Mutex::new(0));
    let count = events.clone();
    let config = server_config();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(tcp) = stream else { continue };
            let Ok(connection) = rustls::ServerConnection::new(config.clone()) else {
                continue;
            };
            let count = count.clone();
            thread::spawn(move || {
                let mut tls = BufReader::new(rustls::StreamOwned::new(connection, tcp));
                while let Some(request) = read_request(&mut tls) {
                    let n = serde_json::Deserializer::from_slice(&request.body)
                        .into_iter::<serde_json::Value>()
                        .count();
                    *count.lock().unwrap() += n;
                    let body = r#"{"text":"Success","code":0}"#;
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if tls.get_mut().write_all(reply.as_bytes()).is_err() {
                        return;
                    }
                    let _ = tls.get_mut().flush();
                }
            });
        }
    });
    (
        format!("https://127.0.0.1:{}/services/collector/event", addr.port()),
        events,
    )
}

fn target(url: String) -> TargetConfig {
    let mut target = quick(TargetConfig::new(Kind::Hec));
    target.url = Some(url);
    target.token = Some("t".into());
    target.retries = 0;
    target
}

#[test]
fn https_with_the_receivers_ca_delivers() {
    let (url, events) = tls_hec();
    let mut target = target(url);
    target.ca_file = Some(fixture("ca.pem"));
    let (mut forwarder, warnings) = forwarder(vec![target]);
    for item in &items(3) {
        forwarder.submit(item);
    }
    forwarder.flush();
    assert_eq!(forwarder.total().sent, 4, "{:?}", warnings.lock().unwrap());
    assert_eq!(*events.lock().unwrap(), 4);
}

#[test]
fn https_to_a_certificate_not_trusted_is_refused() {
    let (url, events) = tls_hec();
    // The built-in Mozilla roots do not include the test CA.
    let (mut forwarder, warnings) = forwarder(vec![target(url)]);
    for item in &items(1) {
        forwarder.submit(item);
    }
    forwarder.flush();
    let counters = forwarder.total();
    assert_eq!((counters.sent, counters.dropped), (0, 2));
    assert_eq!(*events.lock().unwrap(), 0);
    let warnings = warnings.lock().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.to_lowercase().contains("certificate")),
        "{warnings:?}"
    );
}
