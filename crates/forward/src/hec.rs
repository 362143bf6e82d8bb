//! Splunk HTTP Event Collector: batched JSON events posted to
//! `/services/collector/event` with `Authorization: Splunk TOKEN`.
//!
//! Each record is one event object (`time`, `host`, `source`, `sourcetype`,
//! optional `index`, and the wire record as `event` with its `finding_id`
//! or `incident_id`); a batch is the objects one after another, as HEC
//! reads them. HEC answers `{"text":"Success","code":0}`; on a malformed
//! event it names `invalid-event-number`, and the events before it were
//! indexed, so only that one is refused and those after it retried.

use serde_json::{Map, Value};

use crate::http::{self, Client};
use crate::target::{Delivery, Target};
use crate::{Error, Item, Record, Secret, TargetConfig};

/// A HEC endpoint.
#[derive(Debug)]
pub struct Hec {
    client: Client,
    url: String,
    authorization: Secret,
    source: String,
    sourcetype: String,
    index: Option<String>,
    channel: String,
}

impl Hec {
    /// From a `kind = "hec"` table.
    pub fn new(config: &TargetConfig) -> Result<Hec, Error> {
        let token = config
            .token()?
            .map(|t| t.expose().to_owned())
            .unwrap_or_default();
        Ok(Hec {
            client: Client::new(config)?,
            url: config.url.clone().unwrap_or_default(),
            authorization: Secret::from(format!("Splunk {token}")),
            source: config.source.clone().unwrap_or_else(|| "rmmguard".into()),
            sourcetype: config
                .sourcetype
                .clone()
                .unwrap_or_else(|| "rmmguard".into()),
            index: config.index.clone(),
            channel: channel_id(),
        })
    }

    /// The event object of one record.
    pub fn event(&self, item: &Item) -> Value {
        let mut event = Map::new();
        let (time, host, record) = match &item.record {
            Record::Finding(f) => (
                f.first_seen,
                f.host.clone(),
                with_id(serde_json::to_value(f), "finding_id", &item.id),
            ),
            Record::Incident(i) => (
                i.first_seen,
                i.hosts.first().cloned(),
                with_id(serde_json::to_value(i), "incident_id", &item.id),
            ),
        };
        let time = time.unwrap_or_else(jiff::Timestamp::now);
        event.insert(
            "time".into(),
            Value::from(time.as_millisecond() as f64 / 1000.0),
        );
        if let Some(host) = host {
            event.insert("host".into(), Value::from(host));
        }
        event.insert("source".into(), Value::from(self.source.as_str()));
        event.insert(
            "sourcetype".into(),
            Value::from(format!("{}:{}", self.sourcetype, item.kind())),
        );
        if let Some(index) = &self.index {
            event.insert("index".into(), Value::from(index.as_str()));
        }
        event.insert("event".into(), record);
        Value::Object(event)
    }
}

/// A random (version 4 shaped) UUID for `X-Splunk-Request-Channel`: HEC
/// tokens with indexer acknowledgement refuse requests without a channel,
/// and others ignore it. Not secret, so the clock and process id seed it.
fn channel_id() -> String {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
        ^ u64::from(std::process::id()).rotate_left(32);
    let mut random = crate::backoff::SplitMix(seed);
    let (a, b) = (random.next(), random.next());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0x0fff,
        0x8000 | (b >> 48) & 0x3fff,
        b & 0xffff_ffff_ffff
    )
}

fn with_id(record: serde_json::Result<Value>, key: &str, id: &str) -> Value {
    let mut record = match record {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    record.insert(key.into(), Value::from(id));
    Value::Object(record)
}

impl Target for Hec {
    fn deliver(&mut self, batch: &[Item]) -> Delivery {
        let mut body = Vec::new();
        for item in batch {
            // A Value always serializes.
            let _ = serde_json::to_writer(&mut body, &self.event(item));
            body.push(b'\n');
        }
        let headers = [
            ("Authorization", self.authorization.expose()),
            ("X-Splunk-Request-Channel", self.channel.as_str()),
        ];
        let reply = match self
            .client
            .post(&self.url, "application/json", &headers, &body)
        {
            Ok(reply) => reply,
            Err(e) => return Delivery::failed(e.0),
        };
        judge(&reply, batch.len())
    }
}

/// Reads HEC's answer.
fn judge(reply: &http::Reply, len: usize) -> Delivery {
    let answer: Option<Value> = serde_json::from_str(&reply.body).ok();
    let code = answer
        .as_ref()
        .and_then(|a| a.get("code"))
        .and_then(Value::as_u64);
    if (200..300).contains(&reply.status) && code == Some(0) {
        return Delivery::done();
    }
    let why = http::describe(reply);
    if reply.status == 400 {
        let bad = answer
            .as_ref()
            .and_then(|a| a.get("invalid-event-number"))
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok());
        if let Some(bad) = bad.filter(|&n| n < len) {
            return Delivery::Partial {
                retry: (bad + 1..len).collect(),
                rejected: vec![(bad, why.clone())],
                why,
            };
        }
    }
    Delivery::Failed {
        retryable: http::retryable(reply.status),
        why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> http::Reply {
        http::Reply {
            status,
            body: body.into(),
        }
    }

    #[test]
    fn channels_look_like_uuids() {
        let id = channel_id();
        let parts: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12], "{id}");
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
    }

    #[test]
    fn answers_are_judged_by_status_and_code() {
        assert_eq!(
            judge(&reply(200, r#"{"text":"Success","code":0}"#), 3),
            Delivery::done()
        );
        assert!(matches!(
            judge(&reply(200, "<html>proxy</html>"), 3),
            Delivery::Failed {
                retryable: true,
                ..
            }
        ));
        assert!(matches!(
            judge(&reply(503, r#"{"text":"Server is busy","code":9}"#), 3),
            Delivery::Failed {
                retryable: true,
                ..
            }
        ));
        let partial = judge(
            &reply(
                400,
                r#"{"text":"Invalid data format","code":6,"invalid-event-number":1}"#,
            ),
            3,
        );
        let Delivery::Partial {
            retry, rejected, ..
        } = partial
        else {
            panic!("{partial:?}")
        };
        assert_eq!(retry, [2]);
        assert_eq!(rejected[0].0, 1);
        assert!(matches!(
            judge(&reply(400, r#"{"text":"No data","code":5}"#), 3),
            Delivery::Failed {
                retryable: false,
                ..
            }
        ));
    }
}
