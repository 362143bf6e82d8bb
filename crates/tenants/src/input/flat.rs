//! A fast path for the common JSON line: one flat object whose values are
//! plain strings (no escapes), booleans, null or small numbers.
//!
//! [`parse`] fills a [`Record`] borrowing straight from the line, or returns
//! `false` for anything else (escapes, nested values, duplicate fields,
//! unexpected value types, bad syntax), and
//! the caller falls back to `serde_json`, which then gives the same record
//! or the proper error. The caller checks the line is UTF-8 first (one pass
//! is cheaper than one per string). Strings are scanned eight bytes at a
//! time.

use std::borrow::Cow;

use crate::schema::{Record, Text};

/// Parses a flat object into `record` (which must be empty); `false` when
/// `serde_json` must decide (then `record` holds partial garbage).
pub fn parse<'a>(line: &'a str, record: &mut Record<'a>) -> bool {
    parse_into(line, record).is_some()
}

fn parse_into<'a>(line: &'a str, record: &mut Record<'a>) -> Option<()> {
    let mut cursor = Cursor {
        bytes: line.as_bytes(),
        text: line,
        at: 0,
    };
    let mut seen = 0u64;
    cursor.skip_ws();
    cursor.expect(b'{')?;
    cursor.skip_ws();
    if cursor.peek()? == b'}' {
        cursor.at += 1;
        return cursor.finish().then_some(());
    }
    loop {
        cursor.skip_ws();
        let key = cursor.string()?.as_bytes();
        cursor.skip_ws();
        cursor.expect(b':')?;
        cursor.skip_ws();
        let value = cursor.value()?;
        if let Some(bit) = assign(record, key, value)? {
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
        }
        cursor.skip_ws();
        match cursor.next()? {
            b',' => continue,
            b'}' => return cursor.finish().then_some(()),
            _ => return None,
        }
    }
}

/// A JSON value the fast path understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Value<'a> {
    Str(&'a str),
    Bool(bool),
    Null,
    /// A number, as written.
    Number(&'a str),
}

/// Stores a value in its field; `Some(bit)` names the field (for duplicate
/// checks), `Some(0)` an ignored one, `None` a value serde must judge.
fn assign<'a>(record: &mut Record<'a>, key: &[u8], value: Value<'a>) -> Option<Option<u64>> {
    let Some(field) = field(key) else {
        return Some(None);
    };
    let bit = 1u64 << field as u32;
    let slot = match field {
        Field::V => {
            record.v = match value {
                Value::Number(digits) => Some(digits.parse::<u64>().ok()?),
                Value::Null => None,
                _ => return None,
            };
            return Some(Some(bit));
        }
        Field::Freemail | Field::Attended => {
            let flag = match value {
                Value::Bool(flag) => Some(flag),
                Value::Null => None,
                _ => return None,
            };
            match field {
                Field::Freemail => record.freemail = flag,
                _ => record.attended = flag,
            }
            return Some(Some(bit));
        }
        Field::Type => &mut record.kind,
        Field::Ts => &mut record.ts,
        Field::Tenant => &mut record.tenant,
        Field::Name => &mut record.name,
        Field::Company => &mut record.company,
        Field::AdminEmail => &mut record.admin_email,
        Field::AdminDomain => &mut record.admin_domain,
        Field::SignupIp => &mut record.signup_ip,
        Field::Plan => &mut record.plan,
        Field::Domain => &mut record.domain,
        Field::Registered => &mut record.registered,
        Field::Registrar => &mut record.registrar,
        Field::Nameservers => &mut record.nameservers,
        Field::Endpoint => &mut record.endpoint,
        Field::Hostname => &mut record.hostname,
        Field::AdDomain => &mut record.ad_domain,
        Field::PublicIp => &mut record.public_ip,
        Field::Os => &mut record.os,
        Field::HwHash => &mut record.hw_hash,
        Field::By => &mut record.by,
        Field::Session => &mut record.session,
        Field::Technician => &mut record.technician,
        Field::Reason => &mut record.reason,
    };
    *slot = match value {
        Value::Str(text) => Some(Text(Cow::Borrowed(text))),
        Value::Null => None,
        _ => return None,
    };
    Some(Some(bit))
}

/// The schema's fields (their number is their bit in duplicate checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    V,
    Type,
    Ts,
    Tenant,
    Name,
    Company,
    AdminEmail,
    AdminDomain,
    SignupIp,
    Plan,
    Domain,
    Registered,
    Freemail,
    Registrar,
    Nameservers,
    Endpoint,
    Hostname,
    AdDomain,
    PublicIp,
    Os,
    HwHash,
    By,
    Session,
    Technician,
    Attended,
    Reason,
}

/// The field a key names (a `match` on byte strings compiles to length and
/// word comparisons, no calls).
fn field(key: &[u8]) -> Option<Field> {
    Some(match key {
        b"v" => Field::V,
        b"type" => Field::Type,
        b"ts" => Field::Ts,
        b"tenant" => Field::Tenant,
        b"name" => Field::Name,
        b"company" => Field::Company,
        b"admin_email" => Field::AdminEmail,
        b"admin_domain" => Field::AdminDomain,
        b"signup_ip" => Field::SignupIp,
        b"plan" => Field::Plan,
        b"domain" => Field::Domain,
        b"registered" => Field::Registered,
        b"freemail" => Field::Freemail,
        b"registrar" => Field::Registrar,
        b"nameservers" => Field::Nameservers,
        b"endpoint" => Field::Endpoint,
        b"hostname" => Field::Hostname,
        b"ad_domain" => Field::AdDomain,
        b"public_ip" => Field::PublicIp,
        b"os" => Field::Os,
        b"hw_hash" => Field::HwHash,
        b"by" => Field::By,
        b"session" => Field::Session,
        b"technician" => Field::Technician,
        b"attended" => Field::Attended,
        b"reason" => Field::Reason,
        _ => return None,
    })
}

struct Cursor<'a> {
    bytes: &'a [u8],
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then_some(())
    }

    fn skip_ws(&mut self) {
        while matches!(self.bytes.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn finish(&mut self) -> bool {
        self.skip_ws();
        self.at == self.bytes.len()
    }

    /// A string without escapes or control characters.
    fn string(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.at;
        let length = find_special(self.bytes.get(start..)?)?;
        let end = start + length;
        if self.bytes[end] != b'"' {
            return None;
        }
        self.at = end + 1;
        self.text.get(start..end)
    }

    fn value(&mut self) -> Option<Value<'a>> {
        match self.peek()? {
            b'"' => self.string().map(Value::Str),
            b't' => self.literal(b"true", Value::Bool(true)),
            b'f' => self.literal(b"false", Value::Bool(false)),
            b'n' => self.literal(b"null", Value::Null),
            b'0'..=b'9' => {
                let start = self.at;
                while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    self.at += 1;
                }
                // Fractions, exponents, leading zeros: serde decides.
                let digits = self.text.get(start..self.at)?;
                let plain = !matches!(self.peek(), Some(b'.' | b'e' | b'E'))
                    && (digits == "0" || !digits.starts_with('0'));
                plain.then_some(Value::Number(digits))
            }
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8], value: Value<'a>) -> Option<Value<'a>> {
        let end = self.at + word.len();
        if self.bytes.get(self.at..end)? != word {
            return None;
        }
        self.at = end;
        Some(value)
    }
}

/// The position of the first `"`, `\\` or control character.
fn find_special(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        // A byte is flagged when it is zero after the XOR (a match) or below 0x20.
        // Borrows may flag bytes above the first match, never below it.
        let found = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (word.wrapping_sub(ONES * 0x20) & !word);
        let found = found & HIGH;
        if found != 0 {
            return Some(offset + (found.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    let tail = chunks
        .remainder()
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    Some(offset + tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path agrees with serde whenever it answers.
    fn agrees(line: &str) -> bool {
        let mut record = Record::default();
        let fast = parse(line, &mut record).then_some(record);
        let slow = serde_json::from_str::<Record<'_>>(line);
        match (&fast, &slow) {
            (Some(fast), Ok(slow)) => {
                assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{line}")
            }
            (Some(fast), Err(error)) => {
                panic!("fast path accepted {line} ({fast:?}), serde: {error}")
            }
            (None, _) => {}
        }
        fast.is_some()
    }

    #[test]
    fn plain_lines_take_the_fast_path() {
        assert!(agrees(
            r#"{"type":"session_started","ts":"2024-01-01T00:00:00Z","tenant":"t","attended":true,"v":1}"#
        ));
        assert!(agrees(
            r#" { "type" : "x" , "registered" : null , "unknown" : 12 , "other": false } "#
        ));
        assert!(agrees(r#"{}"#));
        assert!(agrees(r#"{"agent_version":"23.1.2","type":"a"}"#));
        assert!(agrees("{\"name\":\"Caf\u{e9} \u{1f600}\"}"));
    }

    #[test]
    fn anything_unusual_falls_back() {
        for line in [
            r#"{"type":"a\"b"}"#,
            r#"{"type":"a","type":"b"}"#,
            r#"{"x":{"nested":1},"type":"a"}"#,
            r#"{"x":[1,2]}"#,
            r#"{"tenant":12}"#,
            r#"{"attended":"yes"}"#,
            r#"{"attended":1}"#,
            r#"{"v":1.0}"#,
            r#"{"v":01}"#,
            r#"{"v":-1}"#,
            r#"{"type":"a"} trailing"#,
            r#"{"type":"a",}"#,
            r#"{"type":"a""#,
            "{\"type\":\"a\tb\"}",
            r#"{"type":tru}"#,
            r#"[1]"#,
            "",
        ] {
            assert!(!agrees(line), "fast path took {line}");
        }
    }

    #[test]
    fn every_schema_field_has_a_key() {
        for name in crate::schema::FIELDS {
            assert!(field(name.as_bytes()).is_some(), "{name}");
        }
        assert_eq!(field(b"typo"), None);
    }

    #[test]
    fn special_bytes_are_found_exactly() {
        for text in [
            "",
            "a",
            "abcdefgh",
            "abcdefghijklmnop\"",
            "ab\\c",
            "\u{7f}\u{80}\u{ff}x\"",
            "é\u{1}",
        ] {
            let bytes = text.as_bytes();
            let slow = bytes
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            for start in 0..bytes.len().min(9) {
                assert_eq!(
                    find_special(&bytes[start..]),
                    slow.filter(|&p| p >= start).map(|p| p - start),
                    "{text:?} from {start}"
                );
            }
        }
        let mut long = vec![b'x'; 40];
        for position in 0..40 {
            for special in [b'"', b'\\', 0x1f, 0] {
                long[position] = special;
                assert_eq!(find_special(&long), Some(position));
                long[position] = 0xc3;
            }
        }
        assert_eq!(find_special(&long), None);
    }

    #[test]
    fn generated_lines_agree() {
        let end = crate::simulate::SimConfig::default().end;
        let mut tape =
            crate::simulate::tape::Tape::new(crate::simulate::tape::OutputFormat::JsonLines, end);
        let mut rng = crate::simulate::rng::Rng::new(5);
        let world = crate::simulate::world::World { seed: 5, crews: 3 };
        for n in 0..40 {
            let mut g = crate::simulate::builder::Gen::new(
                format!("t{n}"),
                crate::simulate::rng::Rng::new(n),
                &mut tape,
            );
            match rng.below(3) {
                0 => crate::simulate::legit::msp(&mut g, &world),
                1 => crate::simulate::legit::home(&mut g, &world),
                _ => crate::simulate::abusive::banned(&mut g, &world),
            }
        }
        let mut out = Vec::new();
        assert!(tape.drain_to(&mut out).is_ok());
        let text = String::from_utf8(out).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.len() > 1000);
        assert!(lines.iter().all(|line| agrees(line)));
    }
}
