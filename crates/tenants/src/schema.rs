//! The input schema, version 1: one record per JSON line or CSV row.
//!
//! Every record has `type`, `ts` (RFC 3339) and, except `domain_info`,
//! `tenant`; the other fields depend on the type (see [`FIELDS`] and
//! docs/TENANTS.md). Unknown fields are ignored, so exporters may add
//! their own; an optional `v` names the schema version and a record with a
//! version this build does not know is skipped.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: u64 = 1;

/// Every field of schema version 1, in the column order the generator
/// writes CSV in. Readers accept any column order and extra columns.
pub const FIELDS: &[&str] = &[
    "v",
    "type",
    "ts",
    "tenant",
    "name",
    "company",
    "admin_email",
    "admin_domain",
    "signup_ip",
    "plan",
    "domain",
    "registered",
    "freemail",
    "registrar",
    "nameservers",
    "endpoint",
    "hostname",
    "ad_domain",
    "public_ip",
    "os",
    "hw_hash",
    "by",
    "session",
    "technician",
    "attended",
    "reason",
];

/// The record types of schema version 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordType {
    /// A tenant account was created.
    AccountCreated,
    /// Registration facts about a domain (RDAP/WHOIS), not tied to a tenant.
    DomainInfo,
    /// An agent was enrolled on an endpoint.
    EndpointEnrolled,
    /// An endpoint was removed from the tenant.
    EndpointRemoved,
    /// A remote session started.
    SessionStarted,
    /// A remote session ended.
    SessionEnded,
    /// Someone reported abuse by the tenant.
    AbuseReport,
    /// Trust and safety banned the tenant.
    TenantBanned,
}

impl RecordType {
    /// The record type named by `type`, if it is one of the schema's.
    pub fn parse(name: &str) -> Option<RecordType> {
        Some(match name {
            "account_created" => RecordType::AccountCreated,
            "domain_info" => RecordType::DomainInfo,
            "endpoint_enrolled" => RecordType::EndpointEnrolled,
            "endpoint_removed" => RecordType::EndpointRemoved,
            "session_started" => RecordType::SessionStarted,
            "session_ended" => RecordType::SessionEnded,
            "abuse_report" => RecordType::AbuseReport,
            "tenant_banned" => RecordType::TenantBanned,
            _ => return None,
        })
    }

    /// The name written in `type`.
    pub fn name(self) -> &'static str {
        match self {
            RecordType::AccountCreated => "account_created",
            RecordType::DomainInfo => "domain_info",
            RecordType::EndpointEnrolled => "endpoint_enrolled",
            RecordType::EndpointRemoved => "endpoint_removed",
            RecordType::SessionStarted => "session_started",
            RecordType::SessionEnded => "session_ended",
            RecordType::AbuseReport => "abuse_report",
            RecordType::TenantBanned => "tenant_banned",
        }
    }
}

/// One input record as read, borrowing its text from the reader's buffer.
///
/// Every field is optional here; [`crate::Engine::ingest`] checks what each
/// type requires. Fields not listed are ignored.
#[derive(Debug, Default, Deserialize)]
pub struct Record<'a> {
    /// Schema version (absent means 1).
    #[serde(default)]
    pub v: Option<u64>,
    /// The record type.
    #[serde(rename = "type", borrow, default)]
    pub kind: Option<Text<'a>>,
    /// When it happened, RFC 3339.
    #[serde(borrow, default)]
    pub ts: Option<Text<'a>>,
    /// The tenant (account) id.
    #[serde(borrow, default)]
    pub tenant: Option<Text<'a>>,
    /// The tenant's display name.
    #[serde(borrow, default)]
    pub name: Option<Text<'a>>,
    /// The company name given at signup.
    #[serde(borrow, default)]
    pub company: Option<Text<'a>>,
    /// The admin's email address.
    #[serde(borrow, default)]
    pub admin_email: Option<Text<'a>>,
    /// The admin email's domain (derived from `admin_email` when absent).
    #[serde(borrow, default)]
    pub admin_domain: Option<Text<'a>>,
    /// The IP address the account signed up from.
    #[serde(borrow, default)]
    pub signup_ip: Option<Text<'a>>,
    /// `trial`, `free`, `paid` or another plan name.
    #[serde(borrow, default)]
    pub plan: Option<Text<'a>>,
    /// The domain a `domain_info` record describes.
    #[serde(borrow, default)]
    pub domain: Option<Text<'a>>,
    /// The domain's registration date (RDAP `registration` event), if known.
    #[serde(borrow, default)]
    pub registered: Option<Text<'a>>,
    /// Whether the domain is a freemail provider.
    #[serde(default, deserialize_with = "flag")]
    pub freemail: Option<bool>,
    /// The domain's registrar.
    #[serde(borrow, default)]
    pub registrar: Option<Text<'a>>,
    /// The domain's nameservers, separated by `;`, `,` or spaces.
    #[serde(borrow, default)]
    pub nameservers: Option<Text<'a>>,
    /// The endpoint (agent) id, unique within the tenant.
    #[serde(borrow, default)]
    pub endpoint: Option<Text<'a>>,
    /// The endpoint's hostname.
    #[serde(borrow, default)]
    pub hostname: Option<Text<'a>>,
    /// The endpoint's Active Directory domain; empty, `null` or
    /// `WORKGROUP` when it is not domain-joined.
    #[serde(borrow, default)]
    pub ad_domain: Option<Text<'a>>,
    /// The endpoint's public IP address at enrolment.
    #[serde(borrow, default)]
    pub public_ip: Option<Text<'a>>,
    /// The endpoint's operating system.
    #[serde(borrow, default)]
    pub os: Option<Text<'a>>,
    /// A hash of the endpoint's hardware (machine SID, board serial …).
    #[serde(borrow, default)]
    pub hw_hash: Option<Text<'a>>,
    /// Who removed an endpoint: `admin`, `api`, `uninstall`, `vendor` …
    #[serde(borrow, default)]
    pub by: Option<Text<'a>>,
    /// The session id (or session key).
    #[serde(borrow, default)]
    pub session: Option<Text<'a>>,
    /// The technician (login) who ran a session.
    #[serde(borrow, default)]
    pub technician: Option<Text<'a>>,
    /// Whether someone at the endpoint attended the session.
    #[serde(default, deserialize_with = "flag")]
    pub attended: Option<bool>,
    /// Free text: why a report or ban was made (not scored).
    #[serde(borrow, default)]
    pub reason: Option<Text<'a>>,
}

/// A string field that borrows from the input when it has no escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<'a>(pub Cow<'a, str>);

impl Text<'_> {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text<'a>, D::Error> {
        deserializer.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Borrowed(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(value)))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(value.to_string())))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(value.to_string())))
    }
}

/// Reads a flag written as a JSON boolean, `0`/`1`, or text
/// (`true`/`false`, `yes`/`no`); `null` is absent.
fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    deserializer.deserialize_any(FlagVisitor)
}

/// Parses a flag written as text (CSV cells and JSON strings): `None` when
/// it is not a flag, `Some(None)` when empty (absent).
pub fn parse_flag(text: &str) -> Option<Option<bool>> {
    match text.trim() {
        "" => Some(None),
        "true" | "TRUE" | "True" | "1" | "yes" | "y" => Some(Some(true)),
        "false" | "FALSE" | "False" | "0" | "no" | "n" => Some(Some(false)),
        _ => None,
    }
}

struct FlagVisitor;

impl<'de> Visitor<'de> for FlagVisitor {
    type Value = Option<bool>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Option<bool>, E> {
        Ok(Some(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Option<bool>, E> {
        match value {
            0 => Ok(Some(false)),
            1 => Ok(Some(true)),
            _ => Err(E::custom(format!("{value} is not a boolean"))),
        }
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Option<bool>, E> {
        parse_flag(value).ok_or_else(|| E::custom(format!("{value:?} is not a boolean")))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<bool>, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<bool>, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Record<'_> {
        serde_json::from_str(line).unwrap_or_else(|error| panic!("{line}: {error}"))
    }

    #[test]
    fn borrows_plain_strings_and_unescapes_others() {
        let record =
            parse(r#"{"type":"account_created","tenant":"t\u00e9","ts":"2024-01-01T00:00:00Z"}"#);
        assert!(matches!(record.ts, Some(Text(Cow::Borrowed(_)))));
        assert_eq!(
            record.tenant.map(|t| t.0.into_owned()),
            Some("té".to_owned())
        );
    }

    #[test]
    fn ignores_unknown_fields_and_nulls() {
        let record =
            parse(r#"{"type":"x","extra":{"nested":[1,2]},"registered":null,"attended":null}"#);
        assert_eq!(record.kind.map(|t| t.0.into_owned()), Some("x".to_owned()));
        assert_eq!(record.registered, None);
        assert_eq!(record.attended, None);
    }

    #[test]
    fn flags_in_several_spellings() {
        assert_eq!(parse(r#"{"attended":true}"#).attended, Some(true));
        assert_eq!(parse(r#"{"attended":"no"}"#).attended, Some(false));
        assert_eq!(parse(r#"{"attended":1}"#).attended, Some(true));
        assert!(serde_json::from_str::<Record<'_>>(r#"{"attended":"maybe"}"#).is_err());
    }

    #[test]
    fn every_type_round_trips_its_name() {
        for name in [
            "account_created",
            "domain_info",
            "endpoint_enrolled",
            "endpoint_removed",
            "session_started",
            "session_ended",
            "abuse_report",
            "tenant_banned",
        ] {
            assert_eq!(RecordType::parse(name).map(RecordType::name), Some(name));
        }
        assert_eq!(RecordType::parse("heartbeat"), None);
    }
}
