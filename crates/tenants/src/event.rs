//! The compact, validated event the engine works on.
//!
//! A [`crate::schema::Record`] borrows text from the reader's buffer; an
//! [`Event`] keeps only what scoring needs (timestamps, 64-bit hashes of
//! identifiers, small enums) so it is `Copy`, small enough to sit in the
//! reorder buffer by the million, and cheap to persist for `watch`.

use std::fmt;

/// Where an event came from: input file number and line (1-based).
///
/// Packed in 64 bits (16 for the file, 48 for the line) because every
/// endpoint keeps two of them as evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SourceRef(u64);

impl SourceRef {
    /// No source (line 0 never occurs in input).
    pub const NONE: SourceRef = SourceRef(0);

    /// Line `line` of input file number `file`.
    pub fn new(file: u16, line: u64) -> SourceRef {
        SourceRef((u64::from(file) << 48) | (line & 0xffff_ffff_ffff))
    }

    /// The input file's number (the order files were given in, from 0).
    pub fn file(self) -> u16 {
        (self.0 >> 48) as u16
    }

    /// The 1-based line (CSV: the record's line).
    pub fn line(self) -> u64 {
        self.0 & 0xffff_ffff_ffff
    }

    /// Whether this names a real place.
    pub fn is_some(self) -> bool {
        self.line() != 0
    }

    /// The packed form, for persistence.
    pub fn to_bits(self) -> u64 {
        self.0
    }

    /// Unpacks [`SourceRef::to_bits`].
    pub fn from_bits(bits: u64) -> SourceRef {
        SourceRef(bits)
    }
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}:{}", self.file(), self.line())
    }
}

/// The index of a tenant in the engine's registry.
pub type TenantIdx = u32;

/// One validated event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    /// Seconds since the Unix epoch.
    pub ts: i64,
    /// The tenant, or `None` for `domain_info`.
    pub tenant: Option<TenantIdx>,
    /// Where the record was read.
    pub source: SourceRef,
    /// What happened.
    pub kind: EventKind,
}

/// What happened, with the facts scoring needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EventKind {
    /// `account_created`.
    AccountCreated(Account),
    /// `domain_info`.
    DomainInfo(Domain),
    /// `endpoint_enrolled`.
    EndpointEnrolled(Enrolment),
    /// `endpoint_removed`.
    EndpointRemoved {
        /// Hash of the endpoint id.
        endpoint: u64,
        /// Who removed it.
        by: RemovedBy,
    },
    /// `session_started`.
    SessionStarted {
        /// Hash of the session id.
        session: u64,
        /// Hash of the endpoint id.
        endpoint: u64,
        /// Hash of the technician, or [`crate::hash::NONE`].
        technician: u64,
        /// Whether someone attended at the endpoint (`None`: not said).
        attended: Option<bool>,
    },
    /// `session_ended`.
    SessionEnded {
        /// Hash of the session id.
        session: u64,
        /// Hash of the endpoint id, or [`crate::hash::NONE`].
        endpoint: u64,
    },
    /// `abuse_report`.
    AbuseReport,
    /// `tenant_banned`.
    TenantBanned,
}

/// The facts of `account_created`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Account {
    /// Hash of the lowercased admin email domain.
    pub admin_domain: u64,
    /// Hash of the admin email's local-part pattern ([`crate::naming::email_pattern`]).
    pub email_pattern: u64,
    /// Hash of the signup IP address.
    pub signup_ip: u64,
    /// The plan signed up for.
    pub plan: Plan,
    /// Brand and help-desk words found in the names ([`crate::naming`]).
    pub naming: u32,
}

/// The facts of `domain_info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Domain {
    /// Hash of the lowercased domain.
    pub domain: u64,
    /// Registration time, when RDAP/WHOIS gave one.
    pub registered: Option<i64>,
    /// The freemail flag, when the record says.
    pub freemail: Option<bool>,
    /// Hash of registrar and sorted nameservers together, or none.
    pub registrar_ns: u64,
}

/// The facts of `endpoint_enrolled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Enrolment {
    /// Hash of the endpoint id.
    pub endpoint: u64,
    /// Hash of the lowercased AD domain, or [`crate::hash::NONE`].
    pub ad_domain: u64,
    /// Hash of the public IP, or none.
    pub public_ip: u64,
    /// Hash of the hardware hash, or none.
    pub hw: u64,
}

/// The plan a tenant signed up for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Plan {
    /// Not said (or `account_created` not seen yet).
    #[default]
    Unknown,
    /// A time-limited trial.
    Trial,
    /// A free tier.
    Free,
    /// A paying customer.
    Paid,
    /// Any other plan name.
    Other,
}

impl Plan {
    /// The plan named in input.
    pub fn parse(text: &str) -> Plan {
        match text.trim().to_ascii_lowercase().as_str() {
            "" => Plan::Unknown,
            "trial" => Plan::Trial,
            "free" => Plan::Free,
            "paid" | "pro" | "business" | "enterprise" => Plan::Paid,
            _ => Plan::Other,
        }
    }

    /// The plan's name in output.
    pub fn name(self) -> &'static str {
        match self {
            Plan::Unknown => "unknown",
            Plan::Trial => "trial",
            Plan::Free => "free",
            Plan::Paid => "paid",
            Plan::Other => "other",
        }
    }

    /// The code used in state files.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// Reads [`Plan::code`].
    pub fn from_code(code: u8) -> Plan {
        match code {
            1 => Plan::Trial,
            2 => Plan::Free,
            3 => Plan::Paid,
            4 => Plan::Other,
            _ => Plan::Unknown,
        }
    }
}

/// Who removed an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RemovedBy {
    /// Not said.
    #[default]
    Unknown,
    /// A tenant admin in the console.
    Admin,
    /// The tenant's API client.
    Api,
    /// The agent was uninstalled on the endpoint.
    Uninstall,
    /// The vendor itself (trust and safety, cleanup jobs).
    Vendor,
}

impl RemovedBy {
    /// Who is named in `by`.
    pub fn parse(text: &str) -> RemovedBy {
        match text.trim().to_ascii_lowercase().as_str() {
            "admin" | "user" | "console" => RemovedBy::Admin,
            "api" => RemovedBy::Api,
            "uninstall" | "agent" => RemovedBy::Uninstall,
            "vendor" | "system" => RemovedBy::Vendor,
            _ => RemovedBy::Unknown,
        }
    }

    /// The code used in state files.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// Reads [`RemovedBy::code`].
    pub fn from_code(code: u8) -> RemovedBy {
        match code {
            1 => RemovedBy::Admin,
            2 => RemovedBy::Api,
            3 => RemovedBy::Uninstall,
            4 => RemovedBy::Vendor,
            _ => RemovedBy::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_ref_packs_file_and_line() {
        let source = SourceRef::new(513, 123_456_789_012);
        assert_eq!((source.file(), source.line()), (513, 123_456_789_012));
        assert!(!SourceRef::NONE.is_some());
        assert_eq!(SourceRef::from_bits(source.to_bits()), source);
    }

    #[test]
    fn codes_round_trip() {
        for plan in [
            Plan::Unknown,
            Plan::Trial,
            Plan::Free,
            Plan::Paid,
            Plan::Other,
        ] {
            assert_eq!(Plan::from_code(plan.code()), plan);
        }
        for by in [
            RemovedBy::Unknown,
            RemovedBy::Admin,
            RemovedBy::Api,
            RemovedBy::Uninstall,
            RemovedBy::Vendor,
        ] {
            assert_eq!(RemovedBy::from_code(by.code()), by);
        }
        assert_eq!(Plan::parse(" Trial "), Plan::Trial);
        assert_eq!(RemovedBy::parse("API"), RemovedBy::Api);
    }
}
