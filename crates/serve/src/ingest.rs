//! What senders post, made into spool lines: the events API (JSON lines, or
//! one JSON object) and the Elasticsearch `_bulk` protocol (action lines,
//! each `index` or `create` followed by its document), gzip or not.
//!
//! Each document is sniffed on its own (Windows event in any shipper's
//! shape, Zeek JSON, Suricata EVE, osquery results) and spooled by shape.
//! A document a shipper wrapped as a string in `message` (Filebeat without
//! a JSON parser, Fluent Bit's `log` key) is unwrapped first. Documents that
//! are no shape rmmguard reads are refused one by one, with the reason, as
//! Elasticsearch refuses a bad document in a bulk request.

use std::io::Read;

use rmmguard::sources::sniff;
use serde::Serialize;
use serde_json::Value;

use crate::spool::family;

/// Documents sorted into spool lines, and the ones refused.
#[derive(Debug, Default)]
pub struct Sorted {
    /// Spool lines by shape folder.
    pub lines: Vec<(&'static str, Vec<u8>)>,
    /// Documents accepted.
    pub accepted: u64,
    /// Documents refused, with the reason: (index in the request, reason).
    pub refused: Vec<(usize, String)>,
}

impl Sorted {
    fn add(&mut self, index: usize, document: &[u8]) {
        match shape(document) {
            Ok((family, line)) => {
                self.accepted += 1;
                let at = match self.lines.iter().position(|(f, _)| *f == family) {
                    Some(at) => at,
                    None => {
                        self.lines.push((family, Vec::new()));
                        self.lines.len() - 1
                    }
                };
                if let Some((_, lines)) = self.lines.get_mut(at) {
                    lines.extend_from_slice(&line);
                    lines.push(b'\n');
                }
            }
            Err(reason) => self.refused.push((index, reason)),
        }
    }
}

/// Why a whole request is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// The body is larger than allowed, as sent or once decompressed.
    #[error("body over {limit} bytes{}", if *.decoded { " once decompressed" } else { "" })]
    TooLarge {
        /// The limit.
        limit: usize,
        /// Whether the decompressed size broke it.
        decoded: bool,
    },
    /// The gzip stream is broken.
    #[error("bad gzip body: {0}")]
    Gzip(String),
    /// The body breaks the protocol (a `_bulk` action without its document, …).
    #[error("{0}")]
    Malformed(String),
}

/// The body as sent, gunzipped when `gzip`, within `max_decoded` bytes.
///
/// # Errors
///
/// A broken gzip stream, or one that inflates past the limit.
pub fn decode(body: &[u8], gzip: bool, max_decoded: usize) -> Result<Vec<u8>, Refused> {
    if !gzip {
        return Ok(body.to_vec());
    }
    let mut decoded = Vec::new();
    let mut reader = flate2::read::MultiGzDecoder::new(body).take(max_decoded as u64 + 1);
    reader
        .read_to_end(&mut decoded)
        .map_err(|e| Refused::Gzip(e.to_string()))?;
    if decoded.len() > max_decoded {
        return Err(Refused::TooLarge {
            limit: max_decoded,
            decoded: true,
        });
    }
    Ok(decoded)
}

/// The events API: JSON lines, or one JSON object or array of objects.
pub fn events(body: &[u8]) -> Sorted {
    let mut sorted = Sorted::default();
    let trimmed = body.trim_ascii();
    if trimmed.starts_with(b"[") {
        match serde_json::from_slice::<Vec<Value>>(trimmed) {
            Ok(documents) => {
                for (index, document) in documents.iter().enumerate() {
                    let bytes = serde_json::to_vec(document).unwrap_or_default();
                    sorted.add(index, &bytes);
                }
            }
            Err(e) => sorted
                .refused
                .push((0, format!("not a JSON array of events: {e}"))),
        }
        return sorted;
    }
    for (index, line) in lines(body).enumerate() {
        sorted.add(index, line);
    }
    sorted
}

/// One item of a `_bulk` answer.
#[derive(Debug, Clone, Serialize)]
pub struct BulkItem {
    /// `index` or `create`, as asked.
    #[serde(skip)]
    pub action: String,
    /// The index named (or the one in the URL).
    pub _index: String,
    /// The document id given, or one we made.
    pub _id: String,
    /// HTTP status of this document: 201 created, 400 refused.
    pub status: u16,
    /// `created` for an accepted document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<&'static str>,
    /// Why it was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
}

/// The `_bulk` protocol: the sorted documents and one item per action.
///
/// # Errors
///
/// An action line that is not JSON, or an action without its document.
pub fn bulk(
    body: &[u8],
    default_index: Option<&str>,
    id_base: u64,
) -> Result<(Sorted, Vec<BulkItem>), Refused> {
    let mut sorted = Sorted::default();
    let mut items = Vec::new();
    let mut lines = lines(body);
    let mut index = 0;
    while let Some(action_line) = lines.next() {
        let action: Value = serde_json::from_slice(action_line)
            .map_err(|e| Refused::Malformed(format!("action line {}: {e}", index + 1)))?;
        let Some((name, meta)) = action.as_object().and_then(|o| o.iter().next()) else {
            return Err(Refused::Malformed(format!(
                "action line {} names no action",
                index + 1
            )));
        };
        let target = meta
            .get("_index")
            .and_then(Value::as_str)
            .or(default_index)
            .unwrap_or("rmmguard")
            .to_owned();
        let id = meta
            .get("_id")
            .and_then(Value::as_str)
            .map_or_else(|| format!("rmg-{id_base}-{index}"), str::to_owned);
        let mut item = BulkItem {
            action: name.clone(),
            _index: target,
            _id: id,
            status: 201,
            result: Some("created"),
            error: None,
        };
        match name.as_str() {
            "index" | "create" => {
                let Some(document) = lines.next() else {
                    return Err(Refused::Malformed(format!(
                        "{name} action {} has no document",
                        index + 1
                    )));
                };
                let before = sorted.refused.len();
                sorted.add(index, document);
                if let Some((_, reason)) = sorted.refused.get(before) {
                    refuse(&mut item, "document_parsing_exception", reason.clone());
                }
            }
            "update" => {
                let _ = lines.next(); // The partial document goes with it.
                refuse(
                    &mut item,
                    "action_request_validation_exception",
                    "rmmguard keeps events, it does not update them".into(),
                );
            }
            _ => refuse(
                &mut item,
                "action_request_validation_exception",
                format!("action {name} is not taken"),
            ),
        }
        items.push(item);
        index += 1;
    }
    Ok((sorted, items))
}

fn refuse(item: &mut BulkItem, kind: &str, reason: String) {
    item.status = 400;
    item.result = None;
    item.error = Some(serde_json::json!({"type": kind, "reason": reason}));
}

/// Non-blank lines, without their line breaks.
fn lines(body: &[u8]) -> impl Iterator<Item = &[u8]> {
    body.split(|b| *b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .filter(|line| !line.trim_ascii().is_empty())
}

/// The spool folder and line for one document, or why it is refused.
pub(crate) fn shape(document: &[u8]) -> Result<(&'static str, Vec<u8>), String> {
    shape_within(document, 2)
}

/// As [`shape`], unwrapping at most `depth` string fields.
fn shape_within(document: &[u8], depth: u8) -> Result<(&'static str, Vec<u8>), String> {
    let document = document.trim_ascii();
    // The common case costs one validation and one sniff: a one-line JSON
    // object in a shape rmmguard reads is spooled as sent.
    if document.first() == Some(&b'{')
        && !document.contains(&b'\n')
        && let Some(family) = sniff(document).ok().and_then(family)
    {
        serde_json::from_slice::<serde::de::IgnoredAny>(document)
            .map_err(|e| format!("not JSON: {e}"))?;
        return Ok((family, document.to_vec()));
    }
    let value: Value = serde_json::from_slice(document).map_err(|e| format!("not JSON: {e}"))?;
    if !value.is_object() {
        return Err("not a JSON object".into());
    }
    let line = serde_json::to_vec(&value).map_err(|e| e.to_string())?;
    if let Some(family) = sniff(&line).ok().and_then(family) {
        return Ok((family, line));
    }
    // A raw line a shipper wrapped in a string field.
    for key in ["message", "log"].into_iter().filter(|_| depth > 0) {
        if let Some(inner) = value.get(key).and_then(Value::as_str)
            && inner.trim_start().starts_with('{')
            && let Ok((family, line)) = shape_within(inner.as_bytes(), depth - 1)
        {
            return Ok((family, line));
        }
    }
    Err("not an event rmmguard reads (Windows event as Winlogbeat, NXLog or evtx_dump JSON; Zeek JSON; Suricata EVE; osquery results)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOWS: &str = r#"{"@timestamp":"2026-11-20T09:01:00Z","event":{"code":"1"},"host":{"name":"ws1"},"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":"1","event_data":{"Image":"C:\\a.exe"}}}"#;
    const EVE: &str = r#"{"timestamp":"2026-11-20T09:05:00.123456+0000","flow_id":1,"event_type":"dns","src_ip":"10.0.0.1","src_port":5,"dest_ip":"10.0.0.2","dest_port":53,"proto":"UDP","dns":{"type":"query","rrname":"a.example","rrtype":"A"}}"#;

    #[test]
    fn documents_are_sorted_by_shape_and_bad_ones_refused_alone() {
        let body = format!("{WINDOWS}\n\nnot json\n{EVE}\r\n{{\"hello\":1}}\n[1]\n");
        let sorted = events(body.as_bytes());
        assert_eq!(sorted.accepted, 2);
        let families: Vec<&str> = sorted.lines.iter().map(|(f, _)| *f).collect();
        assert_eq!(families, ["windows", "eve"]);
        let refused: Vec<usize> = sorted.refused.iter().map(|(i, _)| *i).collect();
        assert_eq!(refused, [1, 3, 4]);
        assert_eq!(
            sorted.lines[0].1,
            format!("{WINDOWS}\n").into_bytes(),
            "spooled as sent"
        );
    }

    #[test]
    fn raw_lines_wrapped_by_shippers_are_unwrapped() {
        let filebeat = serde_json::json!({"message": EVE, "log": {"offset": 0}, "input": {"type": "filestream"}});
        let fluent_bit = serde_json::json!({"@timestamp": "x", "log": WINDOWS});
        let body = format!("{filebeat}\n{fluent_bit}\n");
        let sorted = events(body.as_bytes());
        assert_eq!(sorted.accepted, 2, "{:?}", sorted.refused);
        let nested = serde_json::json!({"message": serde_json::json!({"message": serde_json::json!({"message": EVE}).to_string()}).to_string()});
        assert_eq!(
            events(nested.to_string().as_bytes()).accepted,
            0,
            "two wrappings at most"
        );
    }

    #[test]
    fn bulk_answers_every_action() {
        let body = format!(
            "{{\"create\":{{\"_index\":\"winlogbeat\"}}}}\n{WINDOWS}\n{{\"index\":{{\"_id\":\"x\"}}}}\n{{\"no\":\"shape\"}}\n{{\"delete\":{{\"_id\":\"y\"}}}}\n"
        );
        let (sorted, items) = bulk(body.as_bytes(), Some("url-index"), 7).expect("bulk");
        assert_eq!(sorted.accepted, 1);
        let summary: Vec<(&str, &str, u16)> = items
            .iter()
            .map(|i| (i.action.as_str(), i._index.as_str(), i.status))
            .collect();
        assert_eq!(
            summary,
            [
                ("create", "winlogbeat", 201),
                ("index", "url-index", 400),
                ("delete", "url-index", 400)
            ]
        );
        assert_eq!(items[0]._id, "rmg-7-0");
        assert_eq!(items[1]._id, "x");
        assert!(
            bulk(b"{\"create\":{}}\n", None, 0).is_err(),
            "an action without its document"
        );
        assert!(bulk(b"not json\n", None, 0).is_err());
    }

    #[test]
    fn gzip_is_inflated_within_the_limit() {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&vec![b' '; 1 << 20]).expect("compress");
        let zipped = encoder.finish().expect("gzip");
        assert_eq!(decode(&zipped, true, 1 << 20).map(|d| d.len()), Ok(1 << 20));
        assert_eq!(
            decode(&zipped, true, 1000),
            Err(Refused::TooLarge {
                limit: 1000,
                decoded: true
            })
        );
        assert!(matches!(
            decode(b"not gzip", true, 1000),
            Err(Refused::Gzip(_))
        ));
    }
}
