//! Zeek's JSON records: the stock writer (`LogAscii::use_json`, flattened
//! dotted names, unset fields left out, `ts` as epoch seconds, ISO 8601 or
//! epoch milliseconds) and the json-streaming package (`_path`,
//! `_write_ts`, ISO times).

use std::borrow::Cow;

use rmmguard_events::Timestamp;
use serde_json::{Map, Value};

use super::Record;
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
