//! A small, versioned binary encoding of the engine's state for the watch
//! state file: tenants, domains, and the events held in the reorder buffer.
//!
//! Little-endian fixed-width fields, length-prefixed lists; a decode error
//! names what was being read. The format is private to the state file and
//! versioned by [`FORMAT`].

use crate::error::Error;
use crate::event::{Account, Domain, Enrolment, Event, EventKind, Plan, RemovedBy, SourceRef};
use crate::features::wipe_replace::{Burst, Pending, WipeTracker};
use crate::reorder::Held;
use crate::score::Verdict;
use crate::state::{AccountFacts, Endpoint, KnownDomain, OpenSession, TenantState};

/// The encoding's version, stored in the state file.
pub const FORMAT: u32 = 2;

/// Appends fields to a buffer.
#[derive(Debug, Default)]
pub struct Writer(pub Vec<u8>);

/// Reads fields back.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    what: &'static str,
}

impl Writer {
    fn u8(&mut self, value: u8) {
        self.0.push(value);
    }
    fn u16(&mut self, value: u16) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }
    fn u32(&mut self, value: u32) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }
    /// Appends a u64.
    pub fn u64(&mut self, value: u64) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }
    /// Appends an i64.
    pub fn i64(&mut self, value: i64) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }
    fn bool(&mut self, value: bool) {
        self.u8(u8::from(value));
    }
    fn len(&mut self, len: usize) {
        self.u32(len as u32);
    }
    fn source(&mut self, source: SourceRef) {
        self.u64(source.to_bits());
    }
    fn opt_i64(&mut self, value: Option<i64>) {
        self.bool(value.is_some());
        self.i64(value.unwrap_or_default());
    }
    fn str(&mut self, text: &str) {
        self.len(text.len());
        self.0.extend_from_slice(text.as_bytes());
    }
}

impl<'a> Reader<'a> {
    /// Reads `bytes`, naming `what` in errors.
    pub fn new(bytes: &'a [u8], what: &'static str) -> Reader<'a> {
        Reader { bytes, what }
    }

    fn take(&mut self, count: usize) -> Result<&'a [u8], Error> {
        if self.bytes.len() < count {
            return Err(Error::state(format!("truncated {} record", self.what)));
        }
        let (head, rest) = self.bytes.split_at(count);
        self.bytes = rest;
        Ok(head)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut array = [0u8; N];
        array.copy_from_slice(self.take(N)?);
        Ok(array)
    }
    fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, Error> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    /// Reads a u64.
    pub fn u64(&mut self) -> Result<u64, Error> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    /// Reads an i64.
    pub fn i64(&mut self) -> Result<i64, Error> {
        Ok(i64::from_le_bytes(self.array()?))
    }
    fn bool(&mut self) -> Result<bool, Error> {
        Ok(self.u8()? != 0)
    }
    fn len(&mut self) -> Result<usize, Error> {
        let len = self.u32()? as usize;
        if len > self.bytes.len() {
            return Err(Error::state(format!("bad length in {} record", self.what)));
        }
        Ok(len)
    }
    fn source(&mut self) -> Result<SourceRef, Error> {
        Ok(SourceRef::from_bits(self.u64()?))
    }
    fn opt_i64(&mut self) -> Result<Option<i64>, Error> {
        let present = self.bool()?;
        let value = self.i64()?;
        Ok(present.then_some(value))
    }
    fn str(&mut self) -> Result<String, Error> {
        let len = self.len()?;
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec())
            .map_err(|_| Error::state(format!("bad text in {} record", self.what)))
    }
    /// Fails unless every byte was read.
    pub fn finish(&self) -> Result<(), Error> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(Error::state(format!(
                "trailing bytes in {} record",
                self.what
            )))
        }
    }
}

/// Encodes a tenant's state (its id is stored beside it).
pub fn encode_tenant(tenant: &TenantState) -> Vec<u8> {
    let mut w = Writer::default();
    w.bool(tenant.admin_domain.is_some());
    w.str(tenant.admin_domain.as_deref().unwrap_or_default());
    w.bool(tenant.account.is_some());
    if let Some(facts) = tenant.account {
        w.i64(facts.ts);
        w.source(facts.source);
        encode_account(&mut w, facts.account);
    }
    w.i64(tenant.first_ts);
    w.i64(tenant.last_ts);
    w.len(tenant.endpoints.len());
    for endpoint in &tenant.endpoints {
        encode_endpoint(&mut w, endpoint);
    }
    w.u32(tenant.active);
    encode_wipes(&mut w, &tenant.wipes);
    w.len(tenant.technicians.len());
    for &(technician, source) in &tenant.technicians {
        w.u64(technician);
        w.source(source);
    }
    w.len(tenant.open_sessions.len());
    for open in &tenant.open_sessions {
        w.u64(open.session);
        w.u32(open.endpoint);
        w.i64(open.started);
    }
    w.u32(tenant.reports);
    w.len(tenant.report_refs.len());
    for &source in &tenant.report_refs {
        w.source(source);
    }
    w.opt_i64(tenant.banned.map(|(ts, _)| ts));
    w.source(tenant.banned.map_or(SourceRef::NONE, |(_, source)| source));
    w.u64(tenant.events);
    w.u8(tenant.announced.code());
    w.0
}

/// Decodes [`encode_tenant`].
///
/// # Errors
///
/// The bytes are not a tenant record of this format.
pub fn decode_tenant(id: &str, bytes: &[u8]) -> Result<TenantState, Error> {
    let mut r = Reader::new(bytes, "tenant");
    let mut tenant = TenantState::new(id);
    let has_domain = r.bool()?;
    let domain = r.str()?;
    tenant.admin_domain = has_domain.then(|| domain.into());
    if r.bool()? {
        let ts = r.i64()?;
        let source = r.source()?;
        tenant.account = Some(AccountFacts {
            ts,
            source,
            account: decode_account(&mut r)?,
        });
    }
    tenant.first_ts = r.i64()?;
    tenant.last_ts = r.i64()?;
    let endpoints = r.len()?;
    tenant.endpoints = (0..endpoints)
        .map(|_| decode_endpoint(&mut r))
        .collect::<Result<_, _>>()?;
    tenant.active = r.u32()?;
    tenant.wipes = decode_wipes(&mut r)?;
    let technicians = r.len()?;
    tenant.technicians = (0..technicians)
        .map(|_| Ok((r.u64()?, r.source()?)))
        .collect::<Result<_, Error>>()?;
    let open = r.len()?;
    tenant.open_sessions = (0..open)
        .map(|_| {
            Ok(OpenSession {
                session: r.u64()?,
                endpoint: r.u32()?,
                started: r.i64()?,
            })
        })
        .collect::<Result<_, Error>>()?;
    tenant.reports = r.u32()?;
    let refs = r.len()?;
    tenant.report_refs = (0..refs).map(|_| r.source()).collect::<Result<_, _>>()?;
    let banned = r.opt_i64()?;
    let banned_ref = r.source()?;
    tenant.banned = banned.map(|ts| (ts, banned_ref));
    tenant.events = r.u64()?;
    tenant.announced = Verdict::from_code(r.u8()?);
    r.finish()?;
    if tenant
        .open_sessions
        .iter()
        .any(|open| open.endpoint as usize >= tenant.endpoints.len())
    {
        return Err(Error::state(format!(
            "tenant {id}: session on a missing endpoint"
        )));
    }
    tenant.reindex();
    Ok(tenant)
}

fn encode_account(w: &mut Writer, account: Account) {
    w.u64(account.admin_domain);
    w.u64(account.email_pattern);
    w.u64(account.signup_ip);
    w.u8(account.plan.code());
    w.u32(account.naming);
}

fn decode_account(r: &mut Reader<'_>) -> Result<Account, Error> {
    Ok(Account {
        admin_domain: r.u64()?,
        email_pattern: r.u64()?,
        signup_ip: r.u64()?,
        plan: Plan::from_code(r.u8()?),
        naming: r.u32()?,
    })
}

fn encode_endpoint(w: &mut Writer, endpoint: &Endpoint) {
    w.u64(endpoint.key);
    w.u64(endpoint.ad_domain);
    w.u64(endpoint.hw);
    w.u64(endpoint.public_ip);
    w.i64(endpoint.enrolled);
    w.i64(endpoint.removed);
    w.i64(endpoint.last_seen);
    w.u16(endpoint.sessions);
    w.u16(endpoint.unattended);
    w.u32(endpoint.session_secs);
    w.bool(endpoint.implicit);
    w.source(endpoint.enrol_ref);
    w.source(endpoint.other_ref);
}

fn decode_endpoint(r: &mut Reader<'_>) -> Result<Endpoint, Error> {
    Ok(Endpoint {
        key: r.u64()?,
        ad_domain: r.u64()?,
        hw: r.u64()?,
        public_ip: r.u64()?,
        enrolled: r.i64()?,
        removed: r.i64()?,
        last_seen: r.i64()?,
        sessions: r.u16()?,
        unattended: r.u16()?,
        session_secs: r.u32()?,
        implicit: r.bool()?,
        enrol_ref: r.source()?,
        other_ref: r.source()?,
    })
}

fn encode_wipes(w: &mut Writer, wipes: &WipeTracker) {
    w.bool(wipes.burst.is_some());
    let burst = wipes.burst.unwrap_or(Burst {
        start: 0,
        active_before: 0,
        removed: 0,
        first_ref: SourceRef::NONE,
        wiped: false,
    });
    w.i64(burst.start);
    w.u32(burst.active_before);
    w.u32(burst.removed);
    w.source(burst.first_ref);
    w.bool(burst.wiped);
    w.bool(wipes.pending.is_some());
    let pending = wipes.pending.unwrap_or(Pending {
        ts: 0,
        wiped: 0,
        replaced: 0,
        removal_ref: SourceRef::NONE,
        replace_ref: SourceRef::NONE,
    });
    w.i64(pending.ts);
    w.u32(pending.wiped);
    w.u32(pending.replaced);
    w.source(pending.removal_ref);
    w.source(pending.replace_ref);
    w.u32(wipes.cycles);
    w.u32(wipes.regular);
    w.opt_i64(wipes.last_cycle);
    w.u32(wipes.largest);
    w.len(wipes.evidence.len());
    for &(removal, replacement) in &wipes.evidence {
        w.source(removal);
        w.source(replacement);
    }
}

fn decode_wipes(r: &mut Reader<'_>) -> Result<WipeTracker, Error> {
    let has_burst = r.bool()?;
    let burst = Burst {
        start: r.i64()?,
        active_before: r.u32()?,
        removed: r.u32()?,
        first_ref: r.source()?,
        wiped: r.bool()?,
    };
    let has_pending = r.bool()?;
    let pending = Pending {
        ts: r.i64()?,
        wiped: r.u32()?,
        replaced: r.u32()?,
        removal_ref: r.source()?,
        replace_ref: r.source()?,
    };
    let cycles = r.u32()?;
    let regular = r.u32()?;
    let last_cycle = r.opt_i64()?;
    let largest = r.u32()?;
    let count = r.len()?;
    let evidence = (0..count)
        .map(|_| Ok((r.source()?, r.source()?)))
        .collect::<Result<_, Error>>()?;
    Ok(WipeTracker {
        burst: has_burst.then_some(burst),
        pending: has_pending.then_some(pending),
        cycles,
        regular,
        last_cycle,
        largest,
        evidence,
    })
}

/// Encodes a domain's facts.
pub fn encode_domain(known: &KnownDomain) -> Vec<u8> {
    let mut w = Writer::default();
    encode_domain_facts(&mut w, known.facts);
    w.source(known.source);
    w.0
}

/// Decodes [`encode_domain`].
///
/// # Errors
///
/// The bytes are not a domain record of this format.
pub fn decode_domain(bytes: &[u8]) -> Result<KnownDomain, Error> {
    let mut r = Reader::new(bytes, "domain");
    let facts = decode_domain_facts(&mut r)?;
    let source = r.source()?;
    r.finish()?;
    Ok(KnownDomain { facts, source })
}

fn encode_domain_facts(w: &mut Writer, facts: Domain) {
    w.u64(facts.domain);
    w.opt_i64(facts.registered);
    w.u8(match facts.freemail {
        None => 0,
        Some(false) => 1,
        Some(true) => 2,
    });
    w.u64(facts.registrar_ns);
}

fn decode_domain_facts(r: &mut Reader<'_>) -> Result<Domain, Error> {
    Ok(Domain {
        domain: r.u64()?,
        registered: r.opt_i64()?,
        freemail: match r.u8()? {
            0 => None,
            1 => Some(false),
            _ => Some(true),
        },
        registrar_ns: r.u64()?,
    })
}

/// Encodes the events held in the reorder buffer.
pub fn encode_held(held: &[Held]) -> Vec<u8> {
    let mut w = Writer::default();
    w.len(held.len());
    for item in held {
        w.u64(item.seq);
        encode_event(&mut w, &item.event);
    }
    w.0
}

/// Decodes [`encode_held`].
///
/// # Errors
///
/// The bytes are not a held-events record of this format.
pub fn decode_held(bytes: &[u8]) -> Result<Vec<Held>, Error> {
    let mut r = Reader::new(bytes, "held events");
    let count = r.len()?;
    let held = (0..count)
        .map(|_| {
            Ok(Held {
                seq: r.u64()?,
                event: decode_event(&mut r)?,
            })
        })
        .collect::<Result<_, Error>>()?;
    r.finish()?;
    Ok(held)
}

fn encode_event(w: &mut Writer, event: &Event) {
    w.i64(event.ts);
    w.bool(event.tenant.is_some());
    w.u32(event.tenant.unwrap_or_default());
    w.source(event.source);
    match event.kind {
        EventKind::AccountCreated(account) => {
            w.u8(0);
            encode_account(w, account);
        }
        EventKind::DomainInfo(facts) => {
            w.u8(1);
            encode_domain_facts(w, facts);
        }
        EventKind::EndpointEnrolled(enrolment) => {
            w.u8(2);
            for value in [
                enrolment.endpoint,
                enrolment.ad_domain,
                enrolment.public_ip,
                enrolment.hw,
            ] {
                w.u64(value);
            }
        }
        EventKind::EndpointRemoved { endpoint, by } => {
            w.u8(3);
            w.u64(endpoint);
            w.u8(by.code());
        }
        EventKind::SessionStarted {
            session,
            endpoint,
            technician,
            attended,
        } => {
            w.u8(4);
            for value in [session, endpoint, technician] {
                w.u64(value);
            }
            w.u8(attended.map_or(0, |a| 1 + u8::from(a)));
        }
        EventKind::SessionEnded { session, endpoint } => {
            w.u8(5);
            w.u64(session);
            w.u64(endpoint);
        }
        EventKind::AbuseReport => w.u8(6),
        EventKind::TenantBanned => w.u8(7),
    }
}

fn decode_event(r: &mut Reader<'_>) -> Result<Event, Error> {
    let ts = r.i64()?;
    let has_tenant = r.bool()?;
    let tenant = r.u32()?;
    let source = r.source()?;
    let kind = match r.u8()? {
        0 => EventKind::AccountCreated(decode_account(r)?),
        1 => EventKind::DomainInfo(decode_domain_facts(r)?),
        2 => EventKind::EndpointEnrolled(Enrolment {
            endpoint: r.u64()?,
            ad_domain: r.u64()?,
            public_ip: r.u64()?,
            hw: r.u64()?,
        }),
        3 => EventKind::EndpointRemoved {
            endpoint: r.u64()?,
            by: RemovedBy::from_code(r.u8()?),
        },
        4 => EventKind::SessionStarted {
            session: r.u64()?,
            endpoint: r.u64()?,
            technician: r.u64()?,
            attended: match r.u8()? {
                0 => None,
                1 => Some(false),
                _ => Some(true),
            },
        },
        5 => EventKind::SessionEnded {
            session: r.u64()?,
            endpoint: r.u64()?,
        },
        6 => EventKind::AbuseReport,
        7 => EventKind::TenantBanned,
        other => return Err(Error::state(format!("unknown event kind {other}"))),
    };
    Ok(Event {
        ts,
        tenant: has_tenant.then_some(tenant),
        source,
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::testkit::{at, enrol_many, remove_many, run, victims};

    #[test]
    fn tenant_state_round_trips() {
        let script = format!(
            "2024-04-01T00:00:00Z account_created tenant=t1 admin_email=a@b.example plan=trial name=\"Geek Help\"\n{}\n{}\n{}\n\
             2024-06-01T00:00:00Z abuse_report tenant=t1\n2024-06-02T00:00:00Z tenant_banned tenant=t1\n\
             2024-06-03T00:00:00Z session_started tenant=t1 endpoint=open session=o1 attended=false technician=x",
            victims("t1", 1, 5, true),
            enrol_many("t1", &at(10), 8, |i| format!(
                "endpoint=w{i} ad_domain=d{i}.example hw_hash=h{i}"
            )),
            remove_many("t1", &at(12), 8, |i| format!("endpoint=w{i}")),
        );
        let engine = run(&script);
        for tenant in engine.tenants() {
            let decoded = decode_tenant(&tenant.id, &encode_tenant(tenant));
            let decoded = decoded.map_err(|e| e.to_string());
            assert_eq!(
                decoded.as_ref().map(|t| format!("{t:?}")),
                Ok(format!("{tenant:?}"))
            );
        }
        assert!(decode_tenant("x", &encode_tenant(&engine.tenants()[0])[..20]).is_err());
    }

    #[test]
    fn events_and_domains_round_trip() {
        let events = [
            EventKind::AccountCreated(Account {
                admin_domain: 1,
                email_pattern: 2,
                signup_ip: 3,
                plan: Plan::Paid,
                naming: 9,
            }),
            EventKind::DomainInfo(Domain {
                domain: 4,
                registered: Some(-5),
                freemail: Some(false),
                registrar_ns: 6,
            }),
            EventKind::EndpointEnrolled(Enrolment {
                endpoint: 7,
                ad_domain: 0,
                public_ip: 8,
                hw: 9,
            }),
            EventKind::EndpointRemoved {
                endpoint: 7,
                by: RemovedBy::Api,
            },
            EventKind::SessionStarted {
                session: 1,
                endpoint: 2,
                technician: 3,
                attended: None,
            },
            EventKind::SessionEnded {
                session: 1,
                endpoint: 0,
            },
            EventKind::AbuseReport,
            EventKind::TenantBanned,
        ];
        let held: Vec<Held> = events
            .iter()
            .enumerate()
            .map(|(n, &kind)| Held {
                seq: n as u64,
                event: Event {
                    ts: n as i64,
                    tenant: (n % 2 == 0).then_some(3),
                    source: SourceRef::new(1, n as u64),
                    kind,
                },
            })
            .collect();
        let decoded = decode_held(&encode_held(&held)).map_err(|e| e.to_string());
        assert_eq!(decoded.map(|h| format!("{h:?}")), Ok(format!("{held:?}")));
        let known = KnownDomain {
            facts: Domain {
                domain: 1,
                registered: None,
                freemail: Some(true),
                registrar_ns: 0,
            },
            source: SourceRef::new(0, 9),
        };
        assert_eq!(decode_domain(&encode_domain(&known)).ok(), Some(known));
    }
}
