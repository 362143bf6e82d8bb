//! Findings and incidents as Elastic Common Schema documents.
//!
//! The fixed part: `@timestamp`, `event.*` (`kind: alert`, numeric
//! `severity`, `id`), `rule.*`, `threat.*` (ATT&CK), `host.name`,
//! `user.name`, `message`, `labels.site`. Typed facts go under their own
//! ECS names (`tls.client.ja3`, `source.ip`), with two adjustments so that
//! no field is both a value and an object: a fact key that extends another
//! key (`rmm.tenant.kind` beside `rmm.tenant`) joins its last part with `_`
//! (`rmm.tenant_kind`), and an application log's `message` fact becomes
//! `event.original` (`message` is the finding's summary). Everything
//! rmmguard-specific is under `rmmguard.*`.

use std::borrow::Cow;

use rmmguard_findings::wire::{FindingRecord, IncidentRecord};
use rmmguard_findings::{FactKey, Severity, rules};
use serde_json::{Map, Value, json};

/// ECS `event.severity` of a severity (the numbers Elastic's own rules use).
pub fn severity_number(severity: Severity) -> u64 {
    match severity {
        Severity::Info => 1,
        Severity::Low => 21,
        Severity::Medium => 47,
        Severity::High => 73,
        Severity::Critical => 99,
    }
}

/// Where a fact goes in a document.
pub fn field_name(key: FactKey) -> Cow<'static, str> {
    if key == FactKey::Message {
        return Cow::Borrowed("event.original");
    }
    let name = key.as_str();
    let parent = FactKey::ALL
        .iter()
        .map(|other| other.as_str())
        .filter(|other| name.len() > other.len() + 1)
        .filter(|other| name.starts_with(other) && name.as_bytes()[other.len()] == b'.')
        .max_by_key(|other| other.len());
    match parent {
        Some(parent) => Cow::Owned(format!("{parent}_{}", &name[parent.len() + 1..])),
        None => Cow::Borrowed(name),
    }
}

/// The document of a finding with id `id`.
pub fn finding(id: &str, record: &FindingRecord) -> Value {
    let mut doc = json!({
        "@timestamp": timestamp(record.first_seen),
        "message": record.summary,
        "event": event(id, record.severity, "rmmguard.finding", record.first_seen, record.last_seen),
        "rule": {
            "id": record.rule_id,
            "name": record.rule,
            "description": record.title,
            "ruleset": "rmmguard",
        },
        "threat": threat([record.attack.as_str()]),
        "rmmguard": {
            "finding_id": id,
            "schema_version": record.schema_version,
            "severity": record.severity,
            "stage": record.stage,
            "tool": record.tool,
            "tool_name": record.tool_name,
            "tenant": record.tenant,
            "authorization": record.authorization,
            "count": record.count,
            "evidence": record.evidence,
        },
    });
    if let Some(host) = &record.host {
        insert(&mut doc, "host.name", Value::from(host.as_str()));
    }
    if let Some(user) = &record.user {
        insert(&mut doc, "user.name", Value::from(user.as_str()));
    }
    if let Some(site) = &record.site {
        insert(&mut doc, "labels.site", Value::from(site.as_str()));
    }
    for fact in &record.facts {
        let value = match fact.values.as_slice() {
            [one] => Value::from(one.as_str()),
            many => Value::from(many.to_vec()),
        };
        if !insert(&mut doc, &field_name(fact.key), value.clone()) {
            // A fact that would overwrite a fixed field is kept beside it.
            insert(
                &mut doc,
                &format!("rmmguard.unmapped.{}", fact.key.as_str().replace('.', "_")),
                value,
            );
        }
    }
    prune_nulls(&mut doc);
    doc
}

/// The document of an incident with id `id`.
pub fn incident(id: &str, record: &IncidentRecord) -> Value {
    let mut techniques: Vec<&str> = record
        .timeline
        .iter()
        .filter_map(|entry| rules::by_id(&entry.rule_id))
        .map(|rule| rule.attack)
        .collect();
    techniques.sort_unstable();
    techniques.dedup();
    let mut doc = json!({
        "@timestamp": timestamp(record.first_seen),
        "message": record.title,
        "event": event(id, record.severity, "rmmguard.incident", record.first_seen, record.last_seen),
        "rule": {
            "id": record.kind.as_str(),
            "name": record.kind.as_str(),
            "ruleset": "rmmguard",
        },
        "threat": threat(techniques),
        "host": { "name": record.hosts },
        "rmmguard": {
            "incident_id": id,
            "run_id": record.id,
            "schema_version": record.schema_version,
            "severity": record.severity,
            "kind": record.kind,
            "score": record.score,
            "reasons": record.reasons,
            "sites": record.sites,
            "tool": record.tool,
            "tool_name": record.tool_name,
            "tenant": record.tenant,
            "indicator": record.indicator,
            "stages": record.stages,
            "timeline": record.timeline,
        },
    });
    if !record.sites.is_empty() {
        insert(&mut doc, "labels.site", Value::from(record.sites.join(",")));
    }
    prune_nulls(&mut doc);
    doc
}

fn timestamp(time: Option<jiff::Timestamp>) -> String {
    time.unwrap_or_else(jiff::Timestamp::now).to_string()
}

fn event(
    id: &str,
    severity: Severity,
    dataset: &str,
    start: Option<jiff::Timestamp>,
    end: Option<jiff::Timestamp>,
) -> Value {
    json!({
        "kind": "alert",
        "category": ["intrusion_detection"],
        "type": ["info"],
        "module": "rmmguard",
        "dataset": dataset,
        "id": id,
        "severity": severity_number(severity),
        "start": start.map(|t| t.to_string()),
        "end": end.map(|t| t.to_string()),
    })
}

/// ATT&CK ids as ECS wants them: `T1566` under `technique`, the full
/// `T1566.004` also under `technique.subtechnique`.
fn threat<'a>(ids: impl IntoIterator<Item = &'a str>) -> Value {
    let mut techniques = Vec::new();
    let mut subtechniques = Vec::new();
    for id in ids.into_iter().filter(|id| !id.is_empty()) {
        match id.split_once('.') {
            Some((technique, _)) => {
                techniques.push(technique.to_owned());
                subtechniques.push(id.to_owned());
            }
            None => techniques.push(id.to_owned()),
        }
    }
    techniques.dedup();
    let mut technique = json!({ "id": techniques });
    if !subtechniques.is_empty() {
        insert(
            &mut technique,
            "subtechnique.id",
            Value::from(subtechniques),
        );
    }
    json!({ "framework": "MITRE ATT&CK", "technique": technique })
}

/// Sets a dotted path, making objects on the way; refuses (false) to
/// overwrite a value or to go through one.
fn insert(doc: &mut Value, path: &str, value: Value) -> bool {
    let mut node = doc;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let Value::Object(map) = node else {
            return false;
        };
        if parts.peek().is_none() {
            if map.get(part).is_some_and(|v| !v.is_null()) {
                return false;
            }
            map.insert(part.to_owned(), value);
            return true;
        }
        node = map.entry(part).or_insert_with(|| Value::Object(Map::new()));
        if node.is_null() {
            *node = Value::Object(Map::new());
        }
    }
    false
}

/// Leaves out absent values rather than indexing nulls.
fn prune_nulls(value: &mut Value) {
    if let Value::Object(map) = value {
        map.retain(|_, v| !v.is_null());
        map.values_mut().for_each(prune_nulls);
    }
}

#[cfg(test)]
mod tests {
    use rmmguard_findings::{Fact, Finding};

    use super::*;

    /// Every fact's field and every fixed field: none may be a prefix
    /// object of another, or Elasticsearch refuses the mapping.
    #[test]
    fn no_field_is_both_a_value_and_an_object() {
        let mut fields: Vec<String> = FactKey::ALL
            .iter()
            .map(|&k| field_name(k).into_owned())
            .collect();
        fields.extend(
            [
                "message",
                "host.name",
                "user.name",
                "labels.site",
                "event.kind",
                "event.severity",
                "event.id",
                "rule.id",
                "rule.name",
            ]
            .map(String::from),
        );
        for a in &fields {
            for b in &fields {
                assert!(
                    !b.starts_with(&format!("{a}.")),
                    "{a} is a value and {b} needs it as an object"
                );
            }
        }
        assert_eq!(field_name(FactKey::RmmTenantKind), "rmm.tenant_kind");
        assert_eq!(
            field_name(FactKey::NetworkProtocolDetail),
            "network.protocol_detail"
        );
        assert_eq!(field_name(FactKey::TlsJa3), "tls.client.ja3");
    }

    #[test]
    fn a_hostile_finding_maps_to_ecs_with_its_text_as_data() {
        let mut finding = Finding::new(
            rules::PORTABLE_RMM,
            "AnyDesk|ran=<script>alert(1)</script>\nnext",
        );
        finding.host = Some("WS-01|x=y".into());
        finding.user = Some("bob".into());
        finding.facts = vec![
            Fact::new(
                FactKey::ProcessExecutable,
                "C:\\Users\\bob\\Downloads\\AnyDesk.exe",
            ),
            Fact::many(FactKey::SourceIp, ["10.0.0.5", "10.0.0.6"]),
            Fact::new(FactKey::RmmTenant, "relay=1|2"),
            Fact::new(FactKey::RmmTenantKind, "relay host"),
            Fact::new(FactKey::Message, "log line"),
            Fact::new(FactKey::Reason, "why"),
        ];
        finding.first_seen = Some(jiff::Timestamp::from_second(1_700_000_000).unwrap());
        let doc = finding_doc(&finding);
        assert_eq!(doc["@timestamp"], "2023-11-14T22:13:20Z");
        assert_eq!(doc["event"]["kind"], "alert");
        assert_eq!(doc["event"]["severity"], 73);
        assert_eq!(doc["event"]["id"], "f-1");
        assert_eq!(doc["event"]["reason"], "why");
        assert_eq!(doc["event"]["original"], "log line");
        assert_eq!(doc["rule"]["id"], "E005");
        assert_eq!(doc["rule"]["name"], "portable-rmm");
        assert_eq!(doc["host"]["name"], "WS-01|x=y");
        assert_eq!(doc["user"]["name"], "bob");
        assert_eq!(doc["threat"]["technique"]["id"], json!(["T1219"]));
        assert_eq!(
            doc["process"]["executable"],
            "C:\\Users\\bob\\Downloads\\AnyDesk.exe"
        );
        assert_eq!(doc["source"]["ip"], json!(["10.0.0.5", "10.0.0.6"]));
        assert_eq!(doc["rmm"]["tenant"], "relay=1|2");
        assert_eq!(doc["rmm"]["tenant_kind"], "relay host");
        assert_eq!(
            doc["message"],
            "AnyDesk|ran=<script>alert(1)</script>\nnext"
        );
        assert_eq!(doc["rmmguard"]["severity"], "high");
        assert!(
            doc["rmmguard"].get("tenant").is_none(),
            "nulls are left out"
        );
    }

    fn finding_doc(finding: &Finding) -> Value {
        super::finding("f-1", &FindingRecord::from(finding))
    }

    #[test]
    fn subtechniques_are_split() {
        let threat = threat(["T1566.004", "T1219"]);
        assert_eq!(threat["technique"]["id"], json!(["T1566", "T1219"]));
        assert_eq!(
            threat["technique"]["subtechnique"]["id"],
            json!(["T1566.004"])
        );
    }
}
