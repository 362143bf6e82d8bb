//! Zeek's JSON records: the stock writer (`LogAscii::use_json`, flattened
//! dotted names, unset fields left out, `ts` as epoch seconds, ISO 8601 or
//! epoch milliseconds) and the json-streaming package (`_path`,
//! `_write_ts`, ISO times).

use std::borrow::Cow;

use rmmguard_events::Timestamp;
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::Record;
use super::logs::Log;
use super::screen::{Cells, Field};
use crate::sensor;

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
    conn_state: Option<IgnoredAny>,
    orig_bytes: Option<IgnoredAny>,
    qtype_name: Option<IgnoredAny>,
    trans_id: Option<IgnoredAny>,
    #[serde(rename = "certificate.subject")]
    certificate_subject: Option<IgnoredAny>,
    cipher: Option<IgnoredAny>,
    trans_depth: Option<IgnoredAny>,
    status_code: Option<IgnoredAny>,
    fuid: Option<IgnoredAny>,
    mime_type: Option<IgnoredAny>,
    analyzers: Option<IgnoredAny>,
    security_protocol: Option<IgnoredAny>,
    cookie: Option<IgnoredAny>,
    client_major_version: Option<IgnoredAny>,
    note: Option<IgnoredAny>,
}

impl JsonCells<'_> {
    /// The record's log: its `_path`, or else told from its fields.
    pub fn log(&self) -> Log {
        match self.path.0.as_deref() {
            Some(path) => Log::of_path(path),
            None => Log::of_fields(&|name| self.has(name)),
        }
    }

    fn has(&self, name: &str) -> bool {
        match name {
            "conn_state" => self.conn_state.is_some(),
            "orig_bytes" => self.orig_bytes.is_some(),
            "qtype_name" => self.qtype_name.is_some(),
            "trans_id" => self.trans_id.is_some(),
            "certificate.subject" => self.certificate_subject.is_some(),
            "server_name" => self.server_name.0.is_some(),
            "cipher" => self.cipher.is_some(),
            "cert_chain_fps" => !self.cert_chain_fps.0.is_empty(),
            "trans_depth" => self.trans_depth.is_some(),
            "status_code" => self.status_code.is_some(),
            "fuid" => self.fuid.is_some(),
            "mime_type" => self.mime_type.is_some(),
            "analyzers" => self.analyzers.is_some(),
            "security_protocol" => self.security_protocol.is_some(),
            "cookie" => self.cookie.is_some(),
            "client_major_version" => self.client_major_version.is_some(),
            "note" => self.note.is_some(),
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
        text.0.as_deref()
    }

    fn any(&self, field: Field, test: &mut dyn FnMut(&str) -> bool) -> bool {
        match self.list(field) {
            Some(list) => list.0.iter().any(|item| test(item)),
            None => self.get(field).is_some_and(test),
        }
    }
}

/// A field's text: a string (not empty, not Zeek's `-`) or a number's
/// digits; any other value counts as unset.
#[derive(Debug, Default)]
struct Text<'a>(Option<Cow<'a, str>>);

/// A list field's string items (a lone string is a list of one).
#[derive(Debug, Default)]
struct Texts<'a>(Vec<Cow<'a, str>>);

fn set_text(text: Cow<'_, str>) -> Option<Cow<'_, str>> {
    (!text.is_empty() && text != "-").then_some(text)
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text<'a>, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(set_text(Cow::Borrowed(text))))
            }
            fn visit_str<E>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text(set_text(Cow::Owned(text.to_owned()))))
            }
            fn visit_u64<E>(self, number: u64) -> Result<Text<'de>, E> {
                Ok(Text(Some(Cow::Owned(number.to_string()))))
            }
            fn visit_i64<E>(self, number: i64) -> Result<Text<'de>, E> {
                Ok(Text(Some(Cow::Owned(number.to_string()))))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Text<'de>, E> {
                Ok(Text(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Text<'de>, E> {
                Ok(Text(None))
            }
            fn visit_unit<E>(self) -> Result<Text<'de>, E> {
                Ok(Text(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Text<'de>, A::Error> {
                while items.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Texts<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Texts<'a>, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = Texts<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Texts<'de>, A::Error> {
                let mut texts = Vec::new();
                while let Some(Text(item)) = items.next_element::<Text<'de>>()? {
                    texts.extend(item);
                }
                Ok(Texts(texts))
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Texts<'de>, E> {
                Ok(Texts(set_text(Cow::Borrowed(text)).into_iter().collect()))
            }
            fn visit_str<E>(self, text: &str) -> Result<Texts<'de>, E> {
                Ok(Texts(
                    set_text(Cow::Owned(text.to_owned())).into_iter().collect(),
                ))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Texts<'de>, E> {
                Ok(Texts(Vec::new()))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Texts<'de>, E> {
                Ok(Texts(Vec::new()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Texts<'de>, E> {
                Ok(Texts(Vec::new()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Texts<'de>, E> {
                Ok(Texts(Vec::new()))
            }
            fn visit_unit<E>(self) -> Result<Texts<'de>, E> {
                Ok(Texts(Vec::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Texts<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Texts(Vec::new()))
            }
        }
        deserializer.deserialize_any(Visit)
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
}
