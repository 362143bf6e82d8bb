//! Zeek's JSON records: the stock writer (`LogAscii::use_json`, flattened
//! dotted names, unset fields left out, `ts` as epoch seconds, ISO 8601 or
//! epoch milliseconds) and the json-streaming package (`_path`,
//! `_write_ts`, ISO times).

use std::borrow::Cow;

use rmmguard_events::Timestamp;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::Record;
use super::logs::Log;
use super::screen::{Cells, Field};
use crate::network::light::{Present, Text, Texts};
use crate::network::sensor;

/// A parsed record's log: its `_path`, or else told from its fields.
pub(crate) fn log_of(record: &Map<String, Value>) -> Log {
    match record.get("_path").and_then(Value::as_str) {
        Some(path) => Log::of_path(path),
        None => Log::of_fields(&|name| record.contains_key(name)),
    }
}

/// One JSON record.
pub(crate) struct JsonRecord<'a>(pub &'a Map<String, Value>);

impl Record for JsonRecord<'_> {
    fn text(&self, name: &str) -> Option<Cow<'_, str>> {
        match self.0.get(name)? {
            Value::String(text) if !text.is_empty() && text != "-" => Some(Cow::Borrowed(text)),
            Value::Number(number) => Some(Cow::Owned(number.to_string())),
            Value::Bool(flag) => Some(Cow::Borrowed(if *flag { "T" } else { "F" })),
            _ => None,
        }
    }

    fn list(&self, name: &str) -> Vec<String> {
        match self.0.get(name) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|item| match item {
                    Value::String(text) => Some(text.clone()),
                    Value::Number(number) => Some(number.to_string()),
                    _ => None,
                })
                .collect(),
            Some(Value::String(text)) if !text.is_empty() && text != "-" => vec![text.clone()],
            _ => Vec::new(),
        }
    }

    fn count(&self, name: &str) -> Option<u64> {
        match self.0.get(name)? {
            Value::Number(number) => number.as_u64(),
            Value::String(text) => text.parse().ok(),
            _ => None,
        }
    }

    fn number(&self, name: &str) -> Option<f64> {
        match self.0.get(name)? {
            Value::Number(number) => number.as_f64(),
            Value::String(text) => text.parse().ok(),
            _ => None,
        }
    }

    fn time(&self, name: &str) -> Option<Timestamp> {
        match self.0.get(name)? {
            Value::String(text) => sensor::iso_time(text).or_else(|| sensor::epoch_seconds(text)),
            Value::Number(number) => {
                if let Some(millis) = number.as_i64().filter(|m| m.abs() > 100_000_000_000) {
                    return Timestamp::from_millisecond(millis).ok();
                }
                sensor::epoch_float(number.as_f64()?)
            }
            _ => None,
        }
    }

    fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }
}

/// The fields of a Zeek JSON record that the network screen reads and that
/// tell its log, parsed without building the record: strings are borrowed
/// unless escaped, every other field is skipped.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct JsonCells<'a> {
    #[serde(rename = "_path", borrow)]
    path: Text<'a>,
    #[serde(borrow)]
    proto: Text<'a>,
    #[serde(rename = "id.orig_h", borrow)]
    orig_h: Text<'a>,
    #[serde(rename = "id.resp_h", borrow)]
    resp_h: Text<'a>,
    #[serde(rename = "id.resp_p", borrow)]
    resp_p: Text<'a>,
    #[serde(borrow)]
    service: Text<'a>,
    #[serde(borrow)]
    query: Text<'a>,
    #[serde(borrow)]
    answers: Texts<'a>,
    #[serde(borrow)]
    server_name: Text<'a>,
    #[serde(borrow)]
    subject: Text<'a>,
    #[serde(borrow)]
    issuer: Text<'a>,
    #[serde(borrow)]
    next_protocol: Text<'a>,
    #[serde(borrow)]
    ja3: Text<'a>,
    #[serde(borrow)]
    ja3s: Text<'a>,
    #[serde(borrow)]
    ja4: Text<'a>,
    #[serde(borrow)]
    cert_chain_fps: Texts<'a>,
    #[serde(borrow)]
    cert_chain_fuids: Texts<'a>,
    #[serde(borrow)]
    host: Text<'a>,
    #[serde(borrow)]
    uri: Text<'a>,
    #[serde(borrow)]
    resp_filenames: Texts<'a>,
    // Present only to tell a record's log when it has no `_path`.
    conn_state: Present,
    orig_bytes: Present,
    qtype_name: Present,
    trans_id: Present,
    #[serde(rename = "certificate.subject")]
    certificate_subject: Present,
    cipher: Present,
    trans_depth: Present,
    status_code: Present,
    fuid: Present,
    mime_type: Present,
    analyzers: Present,
    security_protocol: Present,
    cookie: Present,
    client_major_version: Present,
    note: Present,
}

impl JsonCells<'_> {
    /// The record's log, as [`log_of`] tells it from the full record.
    pub fn log(&self) -> Log {
        match self.path.as_str() {
            Some(path) => Log::of_path(path),
            None => Log::of_fields(&|name| self.has(name)),
        }
    }

    fn has(&self, name: &str) -> bool {
        match name {
            "conn_state" => self.conn_state.is_present(),
            "orig_bytes" => self.orig_bytes.is_present(),
            "qtype_name" => self.qtype_name.is_present(),
            "trans_id" => self.trans_id.is_present(),
            "certificate.subject" => self.certificate_subject.is_present(),
            "server_name" => self.server_name.is_present(),
            "cipher" => self.cipher.is_present(),
            "cert_chain_fps" => self.cert_chain_fps.is_present(),
            "trans_depth" => self.trans_depth.is_present(),
            "status_code" => self.status_code.is_present(),
            "fuid" => self.fuid.is_present(),
            "mime_type" => self.mime_type.is_present(),
            "analyzers" => self.analyzers.is_present(),
            "security_protocol" => self.security_protocol.is_present(),
            "cookie" => self.cookie.is_present(),
            "client_major_version" => self.client_major_version.is_present(),
            "note" => self.note.is_present(),
            _ => false,
        }
    }

    fn list(&self, field: Field) -> Option<&Texts<'_>> {
        match field {
            Field::Answers => Some(&self.answers),
            Field::CertFps => Some(&self.cert_chain_fps),
            Field::CertFuids => Some(&self.cert_chain_fuids),
            Field::RespFilenames => Some(&self.resp_filenames),
            _ => None,
        }
    }
}

impl Cells for JsonCells<'_> {
    fn get(&self, field: Field) -> Option<&str> {
        let text = match field {
            Field::Proto => &self.proto,
            Field::OrigHost => &self.orig_h,
            Field::RespHost => &self.resp_h,
            Field::RespPort => &self.resp_p,
            Field::Service => &self.service,
            Field::Query => &self.query,
            Field::ServerName => &self.server_name,
            Field::Subject => &self.subject,
            Field::Issuer => &self.issuer,
            Field::NextProtocol => &self.next_protocol,
            Field::Ja3 => &self.ja3,
            Field::Ja3s => &self.ja3s,
            Field::Ja4 => &self.ja4,
            Field::Host => &self.host,
            Field::Uri => &self.uri,
            Field::Answers | Field::CertFps | Field::CertFuids | Field::RespFilenames => {
                return None;
            }
        };
        text.as_deref()
    }

    fn any(&self, field: Field, test: &mut dyn FnMut(&str) -> bool) -> bool {
        match self.list(field) {
            Some(list) => list.items().iter().any(|item| test(item)),
            None => self.get(field).is_some_and(test),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(line: &str) -> JsonCells<'_> {
        serde_json::from_str(line).unwrap()
    }

    #[test]
    fn screened_fields_of_any_shape() {
        let conn = cells(
            r#"{"ts":1.5,"id.orig_h":"10.0.0.1","id.resp_p":5938,"proto":"tcp","service":null,"conn_state":"SF","extra":{"a":[1,{"b":2}]}}"#,
        );
        assert_eq!(conn.log(), Log::Conn);
        assert_eq!(conn.get(Field::RespPort), Some("5938"));
        assert_eq!(conn.get(Field::Service), None);
        assert_eq!(conn.get(Field::OrigHost), Some("10.0.0.1"));
        let dns = cells(
            r#"{"_path":"dns","query":"relay\u002eanydesk.com","answers":["1.2.3.4",7,"-",null]}"#,
        );
        assert_eq!(dns.log(), Log::Dns);
        assert_eq!(dns.get(Field::Query), Some("relay.anydesk.com"));
        let mut seen = Vec::new();
        assert!(!dns.any(Field::Answers, &mut |a| {
            seen.push(a.to_owned());
            false
        }));
        assert_eq!(
            seen,
            ["1.2.3.4", "7"],
            "numbers count, as in the full record"
        );
        let ssl = cells(r#"{"server_name":"-","cert_chain_fps":"fp1","cipher":"x"}"#);
        assert_eq!(ssl.log(), Log::Ssl);
        assert_eq!(ssl.get(Field::ServerName), None);
        assert!(ssl.any(Field::CertFps, &mut |fp| fp == "fp1"));
        assert!(serde_json::from_str::<JsonCells<'_>>("{\"query\":").is_err());
    }

    #[test]
    fn the_light_parse_tells_the_log_as_the_full_one_does() {
        for line in [
            r#"{"server_name":"-"}"#,
            r#"{"conn_state":null}"#,
            r#"{"cert_chain_fps":[]}"#,
            r#"{"fuid":"F1","mime_type":"text/plain"}"#,
            r#"{"note":"X","uid":"C1"}"#,
            r#"{"uid":"C1"}"#,
            r#"{"_path":"","conn_state":"SF"}"#,
            r#"{"_path":"-","conn_state":"SF"}"#,
            r#"{"_path":5,"conn_state":"SF"}"#,
            r#"{"_path":null,"qtype_name":"A"}"#,
        ] {
            let map: Map<String, Value> = serde_json::from_str(line).unwrap();
            assert_eq!(cells(line).log(), log_of(&map), "{line}");
        }
    }
}
