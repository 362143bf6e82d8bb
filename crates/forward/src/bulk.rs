//! Elasticsearch and OpenSearch `_bulk`: ECS documents ([`crate::ecs`]),
//! each created under its record's id, so a resend is recognized (`409`,
//! counted as delivered) instead of stored twice.
//!
//! The response is read item by item (in request order, as the API
//! guarantees): `429` and `5xx` items are sent again, other failures are
//! refused for good with the receiver's reason.

use serde_json::{Value, json};

use crate::http::{self, Client};
use crate::target::{Delivery, Target};
use crate::{Error, Item, Record, Secret, TargetConfig, ecs};

/// A bulk endpoint.
#[derive(Debug)]
pub struct Bulk {
    client: Client,
    url: String,
    index: String,
    authorization: Option<Secret>,
}

impl Bulk {
    /// From a `kind = "elasticsearch"` table.
    pub fn new(config: &TargetConfig) -> Result<Bulk, Error> {
        let base = config.url.clone().unwrap_or_default();
        let url = if base.trim_end_matches('/').ends_with("/_bulk") {
            base
        } else {
            format!("{}/_bulk", base.trim_end_matches('/'))
        };
        Ok(Bulk {
            client: Client::new(config)?,
            url,
            index: config.index.clone().unwrap_or_else(|| "rmmguard".into()),
            authorization: config
                .token()?
                .map(|key| Secret::from(format!("ApiKey {}", key.expose()))),
        })
    }

    /// The request body: an action line and a document line per record.
    pub fn body(&self, batch: &[Item]) -> Vec<u8> {
        let mut body = Vec::new();
        for item in batch {
            let action = json!({ "create": { "_index": self.index, "_id": item.id } });
            let doc = match &item.record {
                Record::Finding(f) => ecs::finding(&item.id, f),
                Record::Incident(i) => ecs::incident(&item.id, i),
            };
            for line in [action, doc] {
                // A Value always serializes.
                let _ = serde_json::to_writer(&mut body, &line);
                body.push(b'\n');
            }
        }
        body
    }
}

impl Target for Bulk {
    fn deliver(&mut self, batch: &[Item]) -> Delivery {
        let body = self.body(batch);
        let auth: Vec<(&str, &str)> = self
            .authorization
            .iter()
            .map(|a| ("Authorization", a.expose()))
            .collect();
        let reply = match self
            .client
            .post(&self.url, "application/x-ndjson", &auth, &body)
        {
            Ok(reply) => reply,
            Err(e) => return Delivery::failed(e.0),
        };
        if !(200..300).contains(&reply.status) {
            return Delivery::Failed {
                retryable: http::retryable(reply.status),
                why: http::describe(&reply),
            };
        }
        judge(&reply.body, batch.len())
    }
}

/// Reads a 2xx bulk response.
fn judge(body: &str, len: usize) -> Delivery {
    let Ok(answer) = serde_json::from_str::<Value>(body) else {
        return Delivery::failed("bulk response is not JSON");
    };
    let Some(items) = answer.get("items").and_then(Value::as_array) else {
        return Delivery::failed("bulk response has no items");
    };
    if items.len() != len {
        return Delivery::failed(format!(
            "bulk response has {} items for {len} records",
            items.len()
        ));
    }
    let mut retry = Vec::new();
    let mut rejected = Vec::new();
    let mut why = String::new();
    for (index, item) in items.iter().enumerate() {
        // Each item is `{"<action>": {...}}`.
        let result = item.as_object().and_then(|o| o.values().next());
        let status = result
            .and_then(|r| r.get("status"))
            .and_then(Value::as_u64)
            .unwrap_or(0);
        match status {
            200..=299 | 409 => {}
            429 | 500..=599 | 0 => {
                if why.is_empty() {
                    why = format!("item status {status}: {}", reason(result));
                }
                retry.push(index);
            }
            _ => rejected.push((index, format!("status {status}: {}", reason(result)))),
        }
    }
    if retry.is_empty() {
        Delivery::Done { rejected }
    } else {
        Delivery::Partial {
            retry,
            rejected,
            why,
        }
    }
}

fn reason(result: Option<&Value>) -> String {
    let error = result.and_then(|r| r.get("error"));
    let field = |name| {
        error
            .and_then(|e| e.get(name))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    format!("{} {}", field("type"), field("reason"))
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_judged_one_by_one() {
        let body = r#"{"took":3,"errors":true,"items":[
            {"create":{"_index":"r","_id":"a","status":201}},
            {"create":{"_index":"r","_id":"b","status":429,"error":{"type":"es_rejected_execution_exception","reason":"queue full"}}},
            {"create":{"_index":"r","_id":"c","status":409,"error":{"type":"version_conflict_engine_exception","reason":"exists"}}},
            {"create":{"_index":"r","_id":"d","status":400,"error":{"type":"mapper_parsing_exception","reason":"bad"}}},
            {"create":{"_index":"r","_id":"e","status":503}}]}"#;
        let Delivery::Partial {
            retry,
            rejected,
            why,
        } = judge(body, 5)
        else {
            panic!()
        };
        assert_eq!(retry, [1, 4]);
        assert_eq!(
            rejected,
            [(3, "status 400: mapper_parsing_exception bad".to_owned())]
        );
        assert!(why.contains("429"), "{why}");
        assert!(matches!(judge(body, 4), Delivery::Failed { .. }));
        assert!(matches!(judge("<html>", 4), Delivery::Failed { .. }));
    }
}
