//! The rules: what fires on each event, by vantage point, and what is
//! judged once a run's events are all seen.
//!
//! The rule *table* (ids, ATT&CK, stages, texts) is `rmmguard_findings::rules`;
//! this module is the logic. [`inspect`] dispatches one event by kind to the
//! vantage point that reads it — `endpoint` (processes, services, files,
//! registry, app logs, inventories), `network` (flows, DNS, TLS, HTTP and
//! files on the wire), `mail` and `mail_rmm` (lures, RMM links and
//! attachments) — each writing into the shared `pass::Pass`; `judge`
//! turns the tally into findings at the end. Adding a rule is an entry in the
//! table plus its logic in one of these files.

mod endpoint;
mod judge;
mod mail;
mod mail_rmm;
mod network;
mod pass;

use rmmguard_events::{Event, EventKind};
use rmmguard_findings::{Evidence, Fact, FactKey, rules};

pub(crate) use judge::{authorization, finish};

use crate::Detector;
use crate::sensor;
use crate::tally::{HitSpec, Tally};
use pass::Pass;

/// Inspects one event; see [`Detector::inspect`].
pub(crate) fn inspect(detector: &Detector, event: &Event, tally: &mut Tally) {
    tally.events += 1;
    let mut pass = Pass {
        detector,
        index: &detector.index,
        meta: &event.meta,
        sensor_host: sensor::host_of(detector.policy(), event),
        evidence: evidence_of(event),
        tally,
    };
    match &event.kind {
        EventKind::ProcessStart(e) => pass.process_start(e),
        EventKind::ProcessAccess(e) => pass.process_access(e),
        EventKind::NetConnection(e) => pass.net_connection(e),
        EventKind::DnsQuery(e) if sensor::is_wire_dns(e) => pass.sensor_dns(e),
        EventKind::DnsQuery(e) => pass.dns_query(e),
        EventKind::FileCreate(e) => pass.file_create(e),
        EventKind::FileAccess(e) => pass.file_access(e),
        EventKind::ServiceInstall(e) => pass.service_install(e),
        EventKind::ImageLoad(e) => pass.image_load(e),
        EventKind::RegistrySet(e) => pass.registry_set(e),
        EventKind::AppLog(e) => pass.app_log(e),
        EventKind::Software(e) => pass.software(e),
        EventKind::NetFlow(e) => pass.net_flow(e),
        EventKind::Tls(e) => pass.tls(e),
        EventKind::Http(e) => pass.http(e),
        EventKind::FileTransfer(e) => pass.file_transfer(e),
        EventKind::Mail(e) => pass.mail(e),
        _ => {}
    }
    let detector = pass.detector;
    for hit in detector.iocs.check(event) {
        let ioc = hit.ioc;
        pass.hit(HitSpec {
            rule: rules::IOC_MATCH,
            tool: None,
            tenant: None,
            subject: format!("{}:{}", ioc.kind.as_str(), ioc.value),
            summary: format!(
                "{} {} from {} seen in {} on {}",
                ioc.kind.as_str(),
                ioc.value,
                ioc.source,
                hit.field,
                pass.host()
            ),
            facts: vec![
                Fact::new(FactKey::IocValue, ioc.value.clone()),
                Fact::new(FactKey::IocKind, ioc.kind.as_str()),
                Fact::new(FactKey::IocSource, ioc.source.to_string()),
                Fact::new(FactKey::IocField, hit.field),
            ],
        });
    }
}

/// How an event is described in evidence lists: `Sysmon 1 process_start`.
fn evidence_of(event: &Event) -> Evidence {
    let meta = &event.meta;
    let channel = match meta.provider.as_deref() {
        Some(p) if p.eq_ignore_ascii_case("Microsoft-Windows-Sysmon") => Some("Sysmon".to_owned()),
        Some(p) if p.eq_ignore_ascii_case("Microsoft-Windows-Security-Auditing") => {
            Some("Security".to_owned())
        }
        Some(p) if p.eq_ignore_ascii_case("Service Control Manager") => Some("System".to_owned()),
        Some(p) => Some(p.to_owned()),
        None => None,
    };
    let what = match (channel, meta.code) {
        (Some(channel), Some(code)) => format!("{channel} {code} {}", event.kind.name()),
        (Some(channel), None) => format!("{channel} {}", event.kind.name()),
        (None, _) => event.kind.name().to_owned(),
    };
    Evidence {
        source: meta.source.clone(),
        timestamp: meta.timestamp,
        what,
    }
}
