//! Field conventions shared by the network sensors' logs (Zeek, Suricata):
//! endpoints, times in their several spellings, protocol and TLS version
//! names, MIME types from libmagic descriptions, and a bounded
//! first-in-first-out map for joining records that refer to each other.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::IpAddr;

use rmmguard_events::{Endpoint, Event, EventKind, Location, Meta, SourceRef, Timestamp};

/// An endpoint from an address and a port as logged.
pub(crate) fn endpoint(ip: Option<&str>, port: Option<u64>) -> Endpoint {
    Endpoint {
        ip: ip.and_then(|ip| ip.trim().parse::<IpAddr>().ok()),
        port: port.and_then(|p| u16::try_from(p).ok()),
        domain: None,
    }
}

/// `1521911721.258458` (epoch seconds with a fraction).
pub(crate) fn epoch_seconds(text: &str) -> Option<Timestamp> {
    let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    let seconds: i64 = whole.parse().ok()?;
    // Up to nine fraction digits, scaled to nanoseconds (no allocation: this
    // runs once per record).
    let mut nanos: i32 = 0;
    let mut scale = 100_000_000;
    for byte in fraction.bytes().take(9) {
        if !byte.is_ascii_digit() {
            return None;
        }
        nanos += i32::from(byte - b'0') * scale;
        scale /= 10;
    }
    Timestamp::new(seconds, if seconds < 0 { -nanos } else { nanos }).ok()
}

/// An epoch time in floating-point seconds, as JSON writers give it.
pub(crate) fn epoch_float(seconds: f64) -> Option<Timestamp> {
    if !seconds.is_finite() {
        return None;
    }
    // Round to microseconds, the precision sensors log, so 1.5e9-scale floats
    // give the same instant as their decimal spelling.
    let micros = (seconds * 1e6).round() as i64;
    Timestamp::from_microsecond(micros).ok()
}

/// `2018-03-24T17:15:21.258458Z` or Suricata's `2009-11-24T21:27:09.534255+0000`.
pub(crate) fn iso_time(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(time) = text.parse::<Timestamp>() {
        return Some(time);
    }
    // An offset without a colon (`+0000`): put one in.
    let bytes = text.as_bytes();
    let n = bytes.len();
    if n > 5 && matches!(bytes[n - 5], b'+' | b'-') && bytes[n - 4..].iter().all(u8::is_ascii_digit)
    {
        let fixed = format!("{}:{}", &text[..n - 2], &text[n - 2..]);
        return fixed.parse::<Timestamp>().ok();
    }
    None
}

/// A sensor's application protocol name as rmmguard spells it (`ssl` → `tls`).
pub(crate) fn protocol(name: &str) -> Option<String> {
    let name = name.trim().to_ascii_lowercase();
    let first = name.split(',').next().unwrap_or("").trim();
    match first {
        "" | "-" | "failed" | "unknown" => None,
        "ssl" | "tls" => Some("tls".into()),
        "vnc" => Some("rfb".into()),
        other => Some(other.to_owned()),
    }
}

/// `TLSv12`, `TLSv1.2` or `TLS 1.2` → `TLS 1.2`.
pub(crate) fn tls_version(name: &str) -> Option<String> {
    let name = name.trim();
    let digits: String = name.chars().filter(char::is_ascii_digit).collect();
    let upper = name.to_ascii_uppercase();
    let family = if upper.starts_with("TLS") {
        "TLS"
    } else if upper.starts_with("SSL") {
        "SSL"
    } else if upper.starts_with("DTLS") {
        "DTLS"
    } else {
        return (!name.is_empty() && name != "-").then(|| name.to_owned());
    };
    match digits.as_bytes() {
        [major, minor, ..] => Some(format!("{family} {}.{}", *major as char, *minor as char)),
        _ => Some(name.to_owned()),
    }
}

/// A MIME type from a libmagic description (Suricata's `fileinfo.magic`).
pub(crate) fn mime_of_magic(magic: &str) -> Option<String> {
    let lower = magic.to_ascii_lowercase();
    let mime = if lower.starts_with("pe32") || lower.contains("ms-dos executable") {
        "application/x-dosexec"
    } else if lower.starts_with("zip archive") {
        "application/zip"
    } else if lower.starts_with("pdf document") {
        "application/pdf"
    } else if lower.starts_with("composite document file") {
        "application/x-ole-storage"
    } else if lower.starts_with("html document") {
        "text/html"
    } else {
        return None;
    };
    Some(mime.to_owned())
}

/// The file name a URI names: its last path segment, without the query.
pub(crate) fn uri_file_name(uri: &str) -> Option<String> {
    let path = uri.split(['?', '#']).next().unwrap_or("");
    let path = path.split_once("://").map_or(path, |(_, rest)| {
        rest.find('/').map_or("", |slash| &rest[slash..])
    });
    let name = path.rsplit('/').next().unwrap_or("");
    (!name.is_empty()).then(|| name.to_owned())
}

/// An event at a line of a log file.
pub(crate) fn line_event(
    base: &SourceRef,
    line: u64,
    offset: u64,
    timestamp: Option<Timestamp>,
    kind: EventKind,
) -> Event {
    let mut meta = Meta::new(base.at(Location::Line { line, offset }));
    meta.timestamp = timestamp;
    Event { meta, kind }
}

/// A map that forgets its oldest entries past a capacity: joins between
/// records of a stream stay within bounded memory.
#[derive(Debug)]
pub(crate) struct BoundedMap<K, V> {
    map: HashMap<K, V>,
    order: VecDeque<K>,
    capacity: usize,
}

impl<K: Eq + Hash + Clone, V> BoundedMap<K, V> {
    pub fn new(capacity: usize) -> BoundedMap<K, V> {
        BoundedMap {
            map: HashMap::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    pub fn insert(&mut self, key: K, value: V) {
        if self.map.insert(key.clone(), value).is_none() {
            self.order.push_back(key);
            while self.order.len() > self.capacity {
                if let Some(old) = self.order.pop_front() {
                    self.map.remove(&old);
                }
            }
        }
    }

    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.get(key)
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        let value = self.map.remove(key)?;
        if let Some(at) = self.order.iter().position(|k| k == key) {
            self.order.remove(at);
        }
        Some(value)
    }

    /// Takes every entry, oldest first.
    pub fn drain(&mut self) -> Vec<V> {
        let mut values = Vec::with_capacity(self.map.len());
        for key in self.order.drain(..) {
            if let Some(value) = self.map.remove(&key) {
                values.push(value);
            }
        }
        values
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_versions_and_protocols() {
        let a = epoch_seconds("1521911721.258458").unwrap();
        let b = iso_time("2018-03-24T17:15:21.258458Z").unwrap();
        let c = iso_time("2018-03-24T17:15:21.258458+0000").unwrap();
        let d = epoch_float(1521911721.258458).unwrap();
        assert_eq!(a, b);
        assert_eq!(b, c);
        assert_eq!(a, d);
        assert_eq!(tls_version("TLSv12").as_deref(), Some("TLS 1.2"));
        assert_eq!(tls_version("TLS 1.3").as_deref(), Some("TLS 1.3"));
        assert_eq!(protocol("ssl,http").as_deref(), Some("tls"));
        assert_eq!(protocol("-"), None);
        assert_eq!(
            mime_of_magic("PE32 executable (GUI) Intel 80386, for MS Windows").as_deref(),
            Some("application/x-dosexec")
        );
    }

    #[test]
    fn bounded_map_forgets_the_oldest() {
        let mut map = BoundedMap::new(2);
        map.insert(1, "a");
        map.insert(2, "b");
        map.insert(3, "c");
        assert_eq!(map.get(&1), None);
        assert_eq!(map.remove(&2), Some("b"));
        assert_eq!(map.drain(), vec!["c"]);
    }
}
