//! Emits one tenant's records onto the tape: accounts, domain facts,
//! endpoints, sessions, removals, reports and bans, with the export's
//! imperfections (late arrivals, exact duplicates, extra fields).

use crate::simulate::rng::Rng;
use crate::simulate::tape::{EXTRA_FIELD, Tape, Value};
use crate::time::MINUTE;

/// Share of records that arrive late (by up to half an hour).
const LATE_SHARE: f64 = 0.01;
/// Share of records exported twice (at-least-once exports).
const DUPLICATE_SHARE: f64 = 0.001;

/// What an account is created with.
#[derive(Debug, Clone, Default)]
pub struct AccountSpec {
    /// Display name.
    pub name: String,
    /// Company.
    pub company: String,
    /// Admin email.
    pub email: String,
    /// Signup IP.
    pub signup_ip: String,
    /// Plan (empty: not exported).
    pub plan: &'static str,
}

/// An endpoint to enrol.
#[derive(Debug, Clone, Default)]
pub struct EndpointSpec {
    /// Endpoint id.
    pub id: String,
    /// Hostname.
    pub hostname: String,
    /// AD domain, or empty for none.
    pub ad_domain: String,
    /// Public IP.
    pub public_ip: String,
    /// Operating system.
    pub os: &'static str,
    /// Hardware hash.
    pub hw: String,
}

/// One tenant's record writer.
#[derive(Debug)]
pub struct Gen<'t> {
    /// The tenant's random stream.
    pub rng: Rng,
    /// The tenant id.
    pub tenant: String,
    tape: &'t mut Tape,
    next_id: u64,
}

impl<'t> Gen<'t> {
    /// A writer for `tenant` onto `tape`.
    pub fn new(tenant: String, rng: Rng, tape: &'t mut Tape) -> Gen<'t> {
        Gen {
            rng,
            tenant,
            tape,
            next_id: 0,
        }
    }

    /// The stream's end (records after it are dropped).
    pub fn end(&self) -> i64 {
        self.tape.end()
    }

    /// A new identifier with a prefix, unique within the tenant.
    pub fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{}{:x}", self.rng.hex(8), self.next_id)
    }

    /// `account_created`.
    pub fn account(&mut self, ts: i64, spec: &AccountSpec) {
        let tenant = self.tenant.clone();
        let mut fields = vec![
            ("tenant", Value::Text(&tenant)),
            ("name", Value::Text(&spec.name)),
            ("company", Value::Text(&spec.company)),
            ("admin_email", Value::Text(&spec.email)),
            ("signup_ip", Value::Text(&spec.signup_ip)),
        ];
        if !spec.plan.is_empty() {
            fields.push(("plan", Value::Text(spec.plan)));
        }
        self.emit(ts, "account_created", &fields, false);
    }

    /// `domain_info` (`registered: None` when RDAP gave no date).
    pub fn domain(
        &mut self,
        ts: i64,
        domain: &str,
        registered: Option<i64>,
        freemail: bool,
        registrar: (&str, &str),
    ) {
        let mut fields = vec![
            ("domain", Value::Text(domain)),
            ("freemail", Value::Flag(freemail)),
        ];
        if let Some(registered) = registered {
            fields.push(("registered", Value::Time(registered)));
        }
        if !registrar.0.is_empty() {
            fields.push(("registrar", Value::Text(registrar.0)));
            fields.push(("nameservers", Value::Text(registrar.1)));
        }
        self.emit(ts, "domain_info", &fields, false);
    }

    /// `endpoint_enrolled`.
    pub fn enrol(&mut self, ts: i64, endpoint: &EndpointSpec) {
        let tenant = self.tenant.clone();
        let version = format!("23.{}.{}", self.rng.below(9), self.rng.below(40));
        let mut fields = vec![
            ("tenant", Value::Text(&tenant)),
            ("endpoint", Value::Text(&endpoint.id)),
            ("hostname", Value::Text(&endpoint.hostname)),
            ("ad_domain", Value::Text(&endpoint.ad_domain)),
            ("public_ip", Value::Text(&endpoint.public_ip)),
            ("os", Value::Text(endpoint.os)),
            ("hw_hash", Value::Text(&endpoint.hw)),
        ];
        if self.rng.chance(0.3) {
            fields.push((EXTRA_FIELD, Value::Text(&version)));
        }
        self.emit(ts, "endpoint_enrolled", &fields, true);
    }

    /// `endpoint_removed`.
    pub fn remove(&mut self, ts: i64, endpoint: &str, by: &str) {
        let tenant = self.tenant.clone();
        let fields = [
            ("tenant", Value::Text(&tenant)),
            ("endpoint", Value::Text(endpoint)),
            ("by", Value::Text(by)),
        ];
        self.emit(ts, "endpoint_removed", &fields, true);
    }

    /// `session_started` and, `minutes` later, `session_ended`.
    pub fn session(
        &mut self,
        ts: i64,
        endpoint: &str,
        technician: &str,
        attended: bool,
        minutes: i64,
    ) {
        let tenant = self.tenant.clone();
        let session = self.id("ss");
        let start = [
            ("tenant", Value::Text(&tenant)),
            ("endpoint", Value::Text(endpoint)),
            ("session", Value::Text(&session)),
            ("technician", Value::Text(technician)),
            ("attended", Value::Flag(attended)),
        ];
        self.emit(ts, "session_started", &start, true);
        let end = [
            ("tenant", Value::Text(&tenant)),
            ("endpoint", Value::Text(endpoint)),
            ("session", Value::Text(&session)),
        ];
        self.emit(ts + minutes.max(1) * MINUTE, "session_ended", &end, true);
    }

    /// `abuse_report`.
    pub fn report(&mut self, ts: i64) {
        let tenant = self.tenant.clone();
        self.emit(
            ts,
            "abuse_report",
            &[
                ("tenant", Value::Text(&tenant)),
                ("reason", Value::Text("refund scam")),
            ],
            false,
        );
    }

    /// `tenant_banned`.
    pub fn ban(&mut self, ts: i64) {
        let tenant = self.tenant.clone();
        self.emit(
            ts,
            "tenant_banned",
            &[
                ("tenant", Value::Text(&tenant)),
                ("reason", Value::Text("abuse")),
            ],
            false,
        );
    }

    /// A line that is not a valid record.
    pub fn garbage(&mut self, ts: i64) {
        let variant = self.rng.next_u64();
        self.tape.garbage(ts, variant);
    }

    fn emit(&mut self, ts: i64, kind: &str, fields: &[(&str, Value<'_>)], may_repeat: bool) {
        let lag = if self.rng.chance(LATE_SHARE) {
            self.rng.range(1, 30 * MINUTE)
        } else {
            0
        };
        if !self.tape.record(ts, lag, kind, fields) {
            return;
        }
        if may_repeat && self.rng.chance(DUPLICATE_SHARE) {
            let lag = self.rng.range(0, 10 * MINUTE);
            self.tape.record(ts, lag, kind, fields);
        }
    }
}
