//! Checking a [`Record`] against the schema and turning it into an
//! [`Event`]: required fields, timestamps, normalization (lowercased
//! domains, "no AD domain" spellings), and hashing of identifiers.

use crate::error::RecordError;
use crate::event::{Account, Domain, Enrolment, EventKind, Plan, RemovedBy};
use crate::features::{linkage, naming};
use crate::hash::{self, NONE};
use crate::schema::{Record, RecordType, SCHEMA_VERSION, Text};
use crate::time;

/// The checked parts of a record: its type, time, tenant id and facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked<'r> {
    /// The record type.
    pub kind: RecordType,
    /// Seconds since the epoch.
    pub ts: i64,
    /// The tenant id (`None` only for `domain_info`).
    pub tenant: Option<&'r str>,
    /// The facts.
    pub event: EventKind,
    /// The admin domain as written, for `account_created`.
    pub admin_domain: Option<String>,
}

/// Checks a record and extracts its event.
///
/// # Errors
///
/// A [`RecordError`] naming the missing or bad field, an unknown type, or an
/// unsupported schema version.
pub fn check<'r>(record: &'r Record<'_>) -> Result<Checked<'r>, RecordError> {
    if let Some(version) = record.v.filter(|&v| v != SCHEMA_VERSION) {
        return Err(RecordError::Version(version));
    }
    let kind_text = required(&record.kind, "type")?;
    let Some(kind) = RecordType::parse(kind_text) else {
        return Err(RecordError::UnknownType(
            kind_text.chars().take(40).collect(),
        ));
    };
    let ts_text = required(&record.ts, "ts")?;
    let Some(ts) = time::parse(ts_text) else {
        return Err(RecordError::value("ts", ts_text));
    };
    let tenant = match kind {
        RecordType::DomainInfo => None,
        _ => Some(required(&record.tenant, "tenant")?),
    };
    let mut admin_domain = None;
    let event = match kind {
        RecordType::AccountCreated => {
            let (account, domain) = account(record);
            admin_domain = domain;
            EventKind::AccountCreated(account)
        }
        RecordType::DomainInfo => EventKind::DomainInfo(domain(record)?),
        RecordType::EndpointEnrolled => EventKind::EndpointEnrolled(enrolment(record)?),
        RecordType::EndpointRemoved => EventKind::EndpointRemoved {
            endpoint: hash::hash_str(required(&record.endpoint, "endpoint")?),
            by: optional(&record.by).map_or(RemovedBy::Unknown, RemovedBy::parse),
        },
        RecordType::SessionStarted => EventKind::SessionStarted {
            session: hash::hash_str(required(&record.session, "session")?),
            endpoint: hash::hash_str(required(&record.endpoint, "endpoint")?),
            technician: optional(&record.technician).map_or(NONE, hash::hash_lower),
            attended: record.attended,
        },
        RecordType::SessionEnded => EventKind::SessionEnded {
            session: hash::hash_str(required(&record.session, "session")?),
            endpoint: optional(&record.endpoint).map_or(NONE, hash::hash_str),
        },
        RecordType::AbuseReport => EventKind::AbuseReport,
        RecordType::TenantBanned => EventKind::TenantBanned,
    };
    Ok(Checked {
        kind,
        ts,
        tenant,
        event,
        admin_domain,
    })
}

fn account(record: &Record<'_>) -> (Account, Option<String>) {
    let email = optional(&record.admin_email);
    let domain = optional(&record.admin_domain)
        .or_else(|| email.and_then(|email| email.rsplit_once('@').map(|(_, domain)| domain)))
        .map(|domain| domain.trim().trim_end_matches('.').to_ascii_lowercase())
        .filter(|domain| !domain.is_empty());
    let texts = [
        optional(&record.name).unwrap_or_default(),
        optional(&record.company).unwrap_or_default(),
        email.unwrap_or_default(),
    ];
    let account = Account {
        admin_domain: domain.as_deref().map_or(NONE, hash::hash_str),
        email_pattern: email.map_or(NONE, linkage::email_pattern),
        signup_ip: optional(&record.signup_ip).map_or(NONE, hash::hash_str),
        plan: optional(&record.plan).map_or(Plan::Unknown, Plan::parse),
        naming: naming::scan(&texts),
    };
    (account, domain)
}

fn domain(record: &Record<'_>) -> Result<Domain, RecordError> {
    let name = required(&record.domain, "domain")?;
    let registered = match optional(&record.registered) {
        None => None,
        Some(text) => {
            Some(time::parse(text).ok_or_else(|| RecordError::value("registered", text))?)
        }
    };
    let registrar = optional(&record.registrar).map_or(NONE, |r| hash::hash_lower(r.trim()));
    let nameservers = optional(&record.nameservers).map_or(NONE, nameserver_set);
    let registrar_ns = match (registrar, nameservers) {
        (NONE, NONE) => NONE,
        (registrar, nameservers) => hash::combine(registrar, nameservers),
    };
    Ok(Domain {
        domain: hash::hash_lower(name.trim().trim_end_matches('.')),
        registered,
        freemail: record.freemail,
        registrar_ns,
    })
}

/// A hash of a set of nameservers that ignores order, case and trailing dots.
fn nameserver_set(text: &str) -> u64 {
    let set = text
        .split(|c: char| c == ';' || c == ',' || c.is_whitespace())
        .map(|ns| ns.trim_end_matches('.'))
        .filter(|ns| !ns.is_empty())
        .fold(0u64, |acc, ns| acc.wrapping_add(hash::hash_lower(ns)));
    if set == NONE { 1 } else { set }
}

fn enrolment(record: &Record<'_>) -> Result<Enrolment, RecordError> {
    Ok(Enrolment {
        endpoint: hash::hash_str(required(&record.endpoint, "endpoint")?),
        ad_domain: optional(&record.ad_domain).map_or(NONE, ad_domain),
        public_ip: optional(&record.public_ip).map_or(NONE, hash::hash_str),
        hw: optional(&record.hw_hash).map_or(NONE, hash::hash_str),
    })
}

/// The AD domain's hash, or none for the spellings of "not domain-joined".
pub fn ad_domain(text: &str) -> u64 {
    let text = text.trim().trim_end_matches('.');
    let none = ["", "-", "null", "none", "workgroup", "n/a"];
    if none
        .iter()
        .any(|spelling| text.eq_ignore_ascii_case(spelling))
    {
        return NONE;
    }
    hash::hash_lower(text)
}

fn required<'r>(field: &'r Option<Text<'_>>, name: &'static str) -> Result<&'r str, RecordError> {
    optional(field).ok_or(RecordError::Missing(name))
}

fn optional<'r>(field: &'r Option<Text<'_>>) -> Option<&'r str> {
    let text = field.as_ref().map(Text::as_str)?;
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(first), Some(last))
            if !first.is_ascii_whitespace() && !last.is_ascii_whitespace() =>
        {
            Some(text)
        }
        _ => Some(text).filter(|text| !text.trim().is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_line(line: &'static str) -> Result<Checked<'static>, RecordError> {
        let record: Record<'_> =
            serde_json::from_str(line).map_err(|e| RecordError::Syntax(e.to_string()))?;
        let record: &'static Record<'static> = Box::leak(Box::new(record));
        check(record)
    }

    #[test]
    fn required_fields_and_versions() {
        let missing_tenant = check_line(r#"{"type":"abuse_report","ts":"2024-01-01T00:00:00Z"}"#);
        assert_eq!(missing_tenant, Err(RecordError::Missing("tenant")));
        let empty_endpoint = check_line(
            r#"{"type":"endpoint_removed","ts":"2024-01-01T00:00:00Z","tenant":"t","endpoint":" "}"#,
        );
        assert_eq!(empty_endpoint, Err(RecordError::Missing("endpoint")));
        let bad_ts = check_line(r#"{"type":"abuse_report","ts":"soon","tenant":"t"}"#);
        assert_eq!(bad_ts, Err(RecordError::value("ts", "soon")));
        let future =
            check_line(r#"{"v":2,"type":"abuse_report","ts":"2024-01-01T00:00:00Z","tenant":"t"}"#);
        assert_eq!(future, Err(RecordError::Version(2)));
        let unknown =
            check_line(r#"{"type":"heartbeat","ts":"2024-01-01T00:00:00Z","tenant":"t"}"#);
        assert_eq!(unknown, Err(RecordError::UnknownType("heartbeat".into())));
        let domain_needs_no_tenant = check_line(
            r#"{"v":1,"type":"domain_info","ts":"2024-01-01T00:00:00Z","domain":"a.example"}"#,
        );
        assert_eq!(domain_needs_no_tenant.map(|c| c.tenant), Ok(None));
    }

    #[test]
    fn admin_domain_comes_from_the_email_when_absent() {
        let checked = check_line(
            r#"{"type":"account_created","ts":"2024-01-01T00:00:00Z","tenant":"t","admin_email":"Bob@Fresh.XYZ"}"#,
        );
        assert_eq!(
            checked.map(|c| c.admin_domain),
            Ok(Some("fresh.xyz".to_owned()))
        );
    }

    #[test]
    fn no_domain_spellings_and_nameserver_sets() {
        assert_eq!(ad_domain("WORKGROUP"), NONE);
        assert_eq!(ad_domain(" "), NONE);
        assert_eq!(ad_domain("CORP.example."), ad_domain("corp.example"));
        assert_eq!(
            nameserver_set("ns1.a.example; NS2.a.example."),
            nameserver_set("ns2.a.example,ns1.a.example")
        );
        assert_ne!(
            nameserver_set("ns1.a.example"),
            nameserver_set("ns1.b.example")
        );
    }
}
