//! One tenant's history, folded into a compact state as events arrive.
//!
//! [`TenantState`] is what every feature reads: the account facts, one
//! [`Endpoint`] per agent ever enrolled (lifetime, sessions, AD domain,
//! hardware), technicians, open sessions, abuse reports and bans. Applying an
//! event is O(1) apart from a map lookup; duplicates (at-least-once exports)
//! and events that arrive later than the reorder window are absorbed without
//! double counting.

use crate::event::{Account, Enrolment, Event, EventKind, RemovedBy, SourceRef};
use crate::features::wipe_replace::{WipeConfig, WipeTracker};
use crate::hash::{HashedMap, NONE};
use crate::score::Verdict;

/// Most technicians remembered per tenant (enough for linkage).
pub const MAX_TECHNICIANS: usize = 32;
/// Most sessions kept open per tenant; the oldest is dropped beyond it.
pub const MAX_OPEN_SESSIONS: usize = 256;
/// Most abuse reports kept as evidence (all are counted).
pub const MAX_REPORT_EVIDENCE: usize = 8;
/// An endpoint's `removed` while it is enrolled.
pub const ACTIVE: i64 = i64::MAX;

/// Everything scoring knows about one tenant.
#[derive(Debug, Clone, Default)]
pub struct TenantState {
    /// The tenant id as given in input.
    pub id: Box<str>,
    /// The admin email domain as given (for explanations).
    pub admin_domain: Option<Box<str>>,
    /// `account_created`, once seen.
    pub account: Option<AccountFacts>,
    /// Earliest and latest event time seen for the tenant.
    pub first_ts: i64,
    /// Latest event time seen for the tenant.
    pub last_ts: i64,
    /// Every endpoint ever enrolled, in first-seen order.
    pub endpoints: Vec<Endpoint>,
    /// Endpoints currently enrolled.
    pub active: u32,
    /// The wipe-and-replace detector's running state.
    pub wipes: WipeTracker,
    /// Technicians seen in sessions, with the first session that named each.
    pub technicians: Vec<(u64, SourceRef)>,
    /// Sessions started and not yet ended.
    pub open_sessions: Vec<OpenSession>,
    /// Abuse reports received.
    pub reports: u32,
    /// The first reports, as evidence.
    pub report_refs: Vec<SourceRef>,
    /// When and where the tenant was banned.
    pub banned: Option<(i64, SourceRef)>,
    /// Events applied.
    pub events: u64,
    /// The verdict last announced by `watch`.
    pub announced: Verdict,
    index: HashedMap<u32>,
}

/// The facts of the tenant's `account_created`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountFacts {
    /// When the account was created.
    pub ts: i64,
    /// Where `account_created` was read.
    pub source: SourceRef,
    /// What it said.
    pub account: Account,
}

/// One endpoint's lifetime and session counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// Hash of the endpoint id.
    pub key: u64,
    /// Hash of the AD domain, or [`NONE`] for workgroup/home PCs.
    pub ad_domain: u64,
    /// Hash of the hardware hash, or [`NONE`].
    pub hw: u64,
    /// Hash of the public IP at enrolment, or [`NONE`].
    pub public_ip: u64,
    /// Enrolment time (first seen, when no enrolment was read).
    pub enrolled: i64,
    /// Removal time, or [`ACTIVE`].
    pub removed: i64,
    /// Time of the latest event about it.
    pub last_seen: i64,
    /// Sessions started.
    pub sessions: u16,
    /// Sessions started as unattended.
    pub unattended: u16,
    /// Seconds of sessions that ended.
    pub session_secs: u32,
    /// No `endpoint_enrolled` was read for it (only sessions or a removal).
    pub implicit: bool,
    /// Where it was enrolled.
    pub enrol_ref: SourceRef,
    /// Where it was removed (or its first session, when not removed).
    pub other_ref: SourceRef,
}

/// A session that has started and not ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenSession {
    /// Hash of the session id.
    pub session: u64,
    /// Index of the endpoint in [`TenantState::endpoints`].
    pub endpoint: u32,
    /// When it started.
    pub started: i64,
}

impl Endpoint {
    /// Whether it is still enrolled.
    pub fn is_active(&self) -> bool {
        self.removed == ACTIVE
    }

    fn new(key: u64, ts: i64, source: SourceRef) -> Endpoint {
        Endpoint {
            key,
            ad_domain: NONE,
            hw: NONE,
            public_ip: NONE,
            enrolled: ts,
            removed: ACTIVE,
            last_seen: ts,
            sessions: 0,
            unattended: 0,
            session_secs: 0,
            implicit: true,
            enrol_ref: source,
            other_ref: SourceRef::NONE,
        }
    }
}

impl TenantState {
    /// An empty state for tenant `id`.
    pub fn new(id: &str) -> TenantState {
        TenantState {
            id: id.into(),
            first_ts: i64::MAX,
            last_ts: i64::MIN,
            ..TenantState::default()
        }
    }

    /// Folds one event into the state.
    pub fn apply(&mut self, event: &Event, wipe: &WipeConfig) {
        self.events += 1;
        self.first_ts = self.first_ts.min(event.ts);
        self.last_ts = self.last_ts.max(event.ts);
        match event.kind {
            EventKind::AccountCreated(account) => self.account_created(event, account),
            EventKind::EndpointEnrolled(enrolment) => self.enrolled(event, enrolment, wipe),
            EventKind::EndpointRemoved { endpoint, by } => self.removed(event, endpoint, by, wipe),
            EventKind::SessionStarted {
                session,
                endpoint,
                technician,
                attended,
            } => self.session_started(event, session, endpoint, technician, attended),
            EventKind::SessionEnded { session, endpoint } => {
                self.session_ended(event, session, endpoint)
            }
            EventKind::AbuseReport => self.reported(event.source),
            EventKind::TenantBanned => {
                if self.banned.is_none() {
                    self.banned = Some((event.ts, event.source));
                }
            }
            EventKind::DomainInfo(_) => {}
        }
    }

    /// The endpoint with this key, if any.
    pub fn endpoint(&self, key: u64) -> Option<&Endpoint> {
        self.index
            .get(&key)
            .map(|&idx| &self.endpoints[idx as usize])
    }

    /// Rebuilds the key index after the endpoints were restored from storage.
    pub fn reindex(&mut self) {
        self.index.clear();
        for (idx, endpoint) in self.endpoints.iter().enumerate() {
            self.index.insert(endpoint.key, idx as u32);
        }
    }

    /// Approximate heap bytes held by this state (for memory reports).
    pub fn heap_bytes(&self) -> usize {
        self.id.len()
            + self.admin_domain.as_ref().map_or(0, |d| d.len())
            + self.endpoints.capacity() * size_of::<Endpoint>()
            + self.index.capacity() * (size_of::<u64>() + size_of::<u32>() + 1)
            + self.technicians.capacity() * size_of::<(u64, SourceRef)>()
            + self.open_sessions.capacity() * size_of::<OpenSession>()
            + self.report_refs.capacity() * size_of::<SourceRef>()
    }

    fn account_created(&mut self, event: &Event, account: Account) {
        if self.account.is_some() {
            return;
        }
        self.account = Some(AccountFacts {
            ts: event.ts,
            source: event.source,
            account,
        });
    }

    fn enrolled(&mut self, event: &Event, enrolment: Enrolment, wipe: &WipeConfig) {
        let (idx, fresh) = self.endpoint_slot(enrolment.endpoint, event.ts, event.source);
        let endpoint = &mut self.endpoints[idx];
        if enrolment.ad_domain != NONE {
            endpoint.ad_domain = enrolment.ad_domain;
        }
        if enrolment.hw != NONE {
            endpoint.hw = enrolment.hw;
        }
        if enrolment.public_ip != NONE {
            endpoint.public_ip = enrolment.public_ip;
        }
        endpoint.last_seen = endpoint.last_seen.max(event.ts);
        if endpoint.implicit {
            endpoint.implicit = false;
            endpoint.enrolled = endpoint.enrolled.min(event.ts);
            endpoint.enrol_ref = event.source;
        }
        let reenrolled = !fresh && !endpoint.is_active() && event.ts > endpoint.removed;
        if reenrolled {
            endpoint.removed = ACTIVE;
        }
        if fresh || reenrolled {
            self.active += 1;
            self.wipes.on_enrol(event.ts, event.source, wipe);
        }
    }

    fn removed(&mut self, event: &Event, key: u64, by: RemovedBy, wipe: &WipeConfig) {
        let (idx, fresh) = self.endpoint_slot(key, event.ts, event.source);
        let endpoint = &mut self.endpoints[idx];
        endpoint.last_seen = endpoint.last_seen.max(event.ts);
        if !fresh && !endpoint.is_active() {
            return;
        }
        endpoint.removed = event.ts.max(endpoint.enrolled);
        endpoint.other_ref = event.source;
        if fresh {
            // A removal of an endpoint never seen enrolled: it was never counted active.
            return;
        }
        let active_before = self.active;
        self.active = self.active.saturating_sub(1);
        if by != RemovedBy::Vendor {
            self.wipes
                .on_remove(event.ts, event.source, active_before, wipe);
        }
    }

    fn session_started(
        &mut self,
        event: &Event,
        session: u64,
        key: u64,
        technician: u64,
        attended: Option<bool>,
    ) {
        if self
            .open_sessions
            .iter()
            .any(|open| open.session == session)
        {
            return;
        }
        let (idx, fresh) = self.endpoint_slot(key, event.ts, event.source);
        if fresh {
            // A session proves the agent is enrolled even if its enrolment is late or lost.
            self.active += 1;
        }
        let endpoint = &mut self.endpoints[idx];
        endpoint.sessions = endpoint.sessions.saturating_add(1);
        if attended == Some(false) {
            endpoint.unattended = endpoint.unattended.saturating_add(1);
        }
        endpoint.last_seen = endpoint.last_seen.max(event.ts);
        if !endpoint.other_ref.is_some() {
            endpoint.other_ref = event.source;
        }
        self.remember_technician(technician, event.source);
        if self.open_sessions.len() == MAX_OPEN_SESSIONS {
            self.open_sessions.remove(0);
        }
        self.open_sessions.push(OpenSession {
            session,
            endpoint: idx as u32,
            started: event.ts,
        });
    }

    fn session_ended(&mut self, event: &Event, session: u64, key: u64) {
        let Some(position) = self
            .open_sessions
            .iter()
            .position(|open| open.session == session)
        else {
            if let Some(&idx) = self.index.get(&key) {
                let endpoint = &mut self.endpoints[idx as usize];
                endpoint.last_seen = endpoint.last_seen.max(event.ts);
            }
            return;
        };
        let open = self.open_sessions.remove(position);
        let endpoint = &mut self.endpoints[open.endpoint as usize];
        let seconds = (event.ts - open.started).clamp(0, i64::from(u32::MAX));
        endpoint.session_secs = endpoint.session_secs.saturating_add(seconds as u32);
        endpoint.last_seen = endpoint.last_seen.max(event.ts);
    }

    fn reported(&mut self, source: SourceRef) {
        self.reports += 1;
        if self.report_refs.len() < MAX_REPORT_EVIDENCE {
            self.report_refs.push(source);
        }
    }

    fn remember_technician(&mut self, technician: u64, source: SourceRef) {
        if technician == NONE || self.technicians.len() >= MAX_TECHNICIANS {
            return;
        }
        if self
            .technicians
            .iter()
            .all(|&(known, _)| known != technician)
        {
            self.technicians.push((technician, source));
        }
    }

    /// The endpoint's index, creating an implicit one (not yet counted
    /// active) when the key is new; the flag says whether it was created.
    fn endpoint_slot(&mut self, key: u64, ts: i64, source: SourceRef) -> (usize, bool) {
        if let Some(&idx) = self.index.get(&key) {
            return (idx as usize, false);
        }
        let idx = self.endpoints.len();
        self.endpoints.push(Endpoint::new(key, ts, source));
        self.index.insert(key, idx as u32);
        (idx, true)
    }
}

/// What `domain_info` said about a domain, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownDomain {
    /// The facts (merged when several records describe the domain).
    pub facts: crate::event::Domain,
    /// The record that gave them last.
    pub source: SourceRef,
}

impl KnownDomain {
    /// Merges a newer record: present values replace, absent ones keep.
    pub fn merge(&mut self, facts: crate::event::Domain, source: SourceRef) {
        if facts.registered.is_some() {
            self.facts.registered = facts.registered;
        }
        if facts.freemail.is_some() {
            self.facts.freemail = facts.freemail;
        }
        if facts.registrar_ns != NONE {
            self.facts.registrar_ns = facts.registrar_ns;
        }
        self.source = source;
    }
}
