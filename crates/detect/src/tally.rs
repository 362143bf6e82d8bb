//! The per-worker accumulator of what the detector saw.
//!
//! A [`Tally`] holds two kinds of state, both bounded by hosts × tools ×
//! subjects rather than by the number of events: *sightings* (tool T seen
//! on host H: how, with which tenants, first and last seen) and *hits*
//! (rule R fired on host H about subject S). Workers fill their own tally;
//! tallies merge associatively, and every choice between two candidates
//! (which evidence to keep, which spelling of a host to show) goes to the
//! one earliest in file order, so the result does not depend on how the
//! input was split across threads.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use rmmguard_events::{Meta, SourceRef, Timestamp};

use rmmguard_findings::{Evidence, Fact, Mode, Rule, Severity};

/// How many distinct values of a list attribute (users, versions) are kept.
const MAX_VALUES: usize = 8;

/// What the detector has seen so far; see the module docs. Cloning is how
/// `watch` judges the sum of its files' tallies and keeps each of them.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub(crate) max_evidence: usize,
    pub(crate) sightings: HashMap<(String, usize), Sighting>,
    pub(crate) hits: HashMap<HitKey, Hit>,
    pub(crate) events: u64,
}

/// Evidence kept in file order, at most `max` pieces.
#[derive(Debug, Clone, Default)]
pub(crate) struct EvidenceList(pub Vec<Evidence>);

impl EvidenceList {
    fn add(&mut self, evidence: Evidence, max: usize) {
        if self.0.iter().any(|e| e.source == evidence.source) {
            return;
        }
        let at = self.0.partition_point(|e| e.source < evidence.source);
        if at >= max {
            return;
        }
        self.0.insert(at, evidence);
        self.0.truncate(max);
    }

    fn merge(&mut self, other: EvidenceList, max: usize) {
        for evidence in other.0 {
            self.add(evidence, max);
        }
    }
}

/// First/last timestamps and a count.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Span {
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
    pub count: u64,
}

impl Span {
    fn add(&mut self, at: Option<Timestamp>) {
        self.count += 1;
        if let Some(at) = at {
            self.first = Some(self.first.map_or(at, |f| f.min(at)));
            self.last = Some(self.last.map_or(at, |l| l.max(at)));
        }
    }

    fn merge(&mut self, other: Span) {
        self.count += other.count;
        for at in [other.first, other.last].into_iter().flatten() {
            self.first = Some(self.first.map_or(at, |f| f.min(at)));
            self.last = Some(self.last.map_or(at, |l| l.max(at)));
        }
    }
}

/// Labels of the event behind a value: the earliest one wins on merge.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub source: SourceRef,
    pub host: Option<String>,
    pub user: Option<String>,
    pub site: Option<Arc<str>>,
}

impl Origin {
    pub fn of(meta: &Meta) -> Origin {
        Origin {
            source: meta.source.clone(),
            host: meta.host.clone(),
            user: meta.user.clone(),
            site: meta.site.clone(),
        }
    }

    fn keep_earliest(&mut self, other: Origin) {
        if other.source < self.source {
            *self = other;
        }
    }
}

/// One tool on one host.
#[derive(Debug, Clone)]
pub(crate) struct Sighting {
    pub tool: usize,
    pub origin: Origin,
    pub span: Span,
    pub evidence: EvidenceList,
    pub modes: BTreeSet<Mode>,
    /// When install evidence (service, package, installed-path run, …) was seen.
    pub installs: Span,
    /// Whether some install evidence carried no time (an inventory row).
    pub untimed_install: bool,
    pub tenants: BTreeMap<String, TenantSeen>,
    pub portable: Option<PortableRun>,
    pub users: BTreeSet<String>,
    pub versions: BTreeSet<String>,
    pub executables: BTreeSet<String>,
}

/// A tenant, relay or instance seen for a tool on a host.
#[derive(Debug, Clone)]
pub(crate) struct TenantSeen {
    pub label: String,
    pub span: Span,
    pub evidence: EvidenceList,
}

/// The earliest portable run of a tool on a host.
#[derive(Debug, Clone)]
pub(crate) struct PortableRun {
    pub executable: String,
    /// The SHA-256 of the earliest run's image, when the log gave it.
    pub hash: Option<String>,
    pub reason: &'static str,
    pub source: SourceRef,
    pub span: Span,
    pub evidence: EvidenceList,
}

/// What makes two hits the same finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct HitKey {
    pub rule: &'static str,
    pub host: String,
    pub tool: Option<usize>,
    pub subject: String,
}

/// One rule firing, aggregated over repeated events.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub tool: Option<usize>,
    pub tenant: Option<String>,
    pub summary: String,
    pub facts: Vec<Fact>,
    pub origin: Origin,
    pub span: Span,
    pub evidence: EvidenceList,
}

/// What a rule reports about one event, before aggregation.
pub(crate) struct HitSpec {
    pub rule: &'static Rule,
    pub tool: Option<usize>,
    pub tenant: Option<String>,
    pub subject: String,
    pub summary: String,
    pub facts: Vec<Fact>,
}

fn host_key(meta: &Meta) -> String {
    meta.host.as_deref().unwrap_or("").to_lowercase()
}

/// Keeps the `MAX_VALUES` smallest values, so the result is the same in any insertion order.
fn insert_capped(set: &mut BTreeSet<String>, value: &str) {
    if set.len() >= MAX_VALUES && set.last().is_some_and(|last| value >= last.as_str()) {
        return;
    }
    set.insert(value.to_owned());
    while set.len() > MAX_VALUES {
        set.pop_last();
    }
}

impl Tally {
    /// An empty tally keeping up to `max_evidence` pieces of evidence per finding.
    pub fn new(max_evidence: usize) -> Tally {
        Tally {
            max_evidence: max_evidence.max(1),
            ..Tally::default()
        }
    }

    /// How many events were inspected.
    pub fn events(&self) -> u64 {
        self.events
    }

    fn sighting(&mut self, meta: &Meta, tool: usize) -> &mut Sighting {
        let origin = Origin::of(meta);
        let sighting = self
            .sightings
            .entry((host_key(meta), tool))
            .or_insert_with(|| Sighting {
                tool,
                origin: origin.clone(),
                span: Span::default(),
                evidence: EvidenceList::default(),
                modes: BTreeSet::new(),
                installs: Span::default(),
                untimed_install: false,
                tenants: BTreeMap::new(),
                portable: None,
                users: BTreeSet::new(),
                versions: BTreeSet::new(),
                executables: BTreeSet::new(),
            });
        sighting.origin.keep_earliest(origin);
        sighting
    }

    /// Records that `tool` was seen on the event's host, and how.
    pub(crate) fn sight(&mut self, meta: &Meta, tool: usize, mode: Mode, evidence: &Evidence) {
        let max = self.max_evidence;
        let sighting = self.sighting(meta, tool);
        sighting.span.add(meta.timestamp);
        sighting.evidence.add(evidence.clone(), max);
        sighting.modes.insert(mode);
        if mode.is_install() {
            sighting.installs.add(meta.timestamp);
            sighting.untimed_install |= meta.timestamp.is_none();
        }
        if let Some(user) = &meta.user {
            insert_capped(&mut sighting.users, user);
        }
    }

    /// Records an attribute of a sighting (a version, an executable path).
    pub(crate) fn describe(
        &mut self,
        meta: &Meta,
        tool: usize,
        version: Option<&str>,
        executable: Option<&str>,
    ) {
        let sighting = self.sighting(meta, tool);
        if let Some(version) = version {
            insert_capped(&mut sighting.versions, version);
        }
        if let Some(executable) = executable {
            insert_capped(&mut sighting.executables, executable);
        }
    }

    /// Records a tenant seen for `tool` on the event's host.
    pub(crate) fn tenant(
        &mut self,
        meta: &Meta,
        tool: usize,
        tenant: String,
        label: &str,
        evidence: &Evidence,
    ) {
        let max = self.max_evidence;
        let sighting = self.sighting(meta, tool);
        let seen = sighting
            .tenants
            .entry(tenant)
            .or_insert_with(|| TenantSeen {
                label: label.to_owned(),
                span: Span::default(),
                evidence: EvidenceList::default(),
            });
        if label < seen.label.as_str() {
            seen.label = label.to_owned();
        }
        seen.span.add(meta.timestamp);
        seen.evidence.add(evidence.clone(), max);
    }

    /// Records a run of `tool` from a user-writable folder.
    pub(crate) fn portable(
        &mut self,
        meta: &Meta,
        tool: usize,
        executable: &str,
        hash: Option<&str>,
        reason: &'static str,
        evidence: &Evidence,
    ) {
        let max = self.max_evidence;
        let sighting = self.sighting(meta, tool);
        let run = sighting.portable.get_or_insert_with(|| PortableRun {
            executable: executable.to_owned(),
            hash: hash.map(str::to_lowercase),
            reason,
            source: meta.source.clone(),
            span: Span::default(),
            evidence: EvidenceList::default(),
        });
        if meta.source < run.source {
            run.executable = executable.to_owned();
            run.hash = hash.map(str::to_lowercase);
            run.reason = reason;
            run.source = meta.source.clone();
        }
        run.span.add(meta.timestamp);
        run.evidence.add(evidence.clone(), max);
    }

    /// Records one firing of a rule.
    pub(crate) fn hit(&mut self, meta: &Meta, spec: HitSpec, evidence: &Evidence) {
        let key = HitKey {
            rule: spec.rule.id,
            host: host_key(meta),
            tool: spec.tool,
            subject: spec.subject,
        };
        let origin = Origin::of(meta);
        let max = self.max_evidence;
        let hit = self.hits.entry(key).or_insert_with(|| Hit {
            rule: spec.rule,
            severity: spec.rule.severity,
            tool: spec.tool,
            tenant: spec.tenant.clone(),
            summary: spec.summary.clone(),
            facts: spec.facts.clone(),
            origin: origin.clone(),
            span: Span::default(),
            evidence: EvidenceList::default(),
        });
        if origin.source < hit.origin.source {
            hit.summary = spec.summary;
            hit.facts = spec.facts;
            hit.tenant = spec.tenant;
            hit.origin = origin;
        }
        hit.span.add(meta.timestamp);
        hit.evidence.add(evidence.clone(), max);
    }

    /// Folds another worker's tally into this one.
    pub fn merge(&mut self, other: Tally) {
        let max = self.max_evidence.max(other.max_evidence);
        self.max_evidence = max;
        self.events += other.events;
        for (key, theirs) in other.sightings {
            match self.sightings.get_mut(&key) {
                None => {
                    self.sightings.insert(key, theirs);
                }
                Some(ours) => merge_sighting(ours, theirs, max),
            }
        }
        for (key, theirs) in other.hits {
            match self.hits.get_mut(&key) {
                None => {
                    self.hits.insert(key, theirs);
                }
                Some(ours) => {
                    if theirs.origin.source < ours.origin.source {
                        ours.summary = theirs.summary;
                        ours.facts = theirs.facts;
                        ours.tenant = theirs.tenant;
                        ours.origin = theirs.origin;
                    }
                    ours.span.merge(theirs.span);
                    ours.evidence.merge(theirs.evidence, max);
                }
            }
        }
    }
}

fn merge_sighting(ours: &mut Sighting, theirs: Sighting, max: usize) {
    ours.origin.keep_earliest(theirs.origin);
    ours.span.merge(theirs.span);
    ours.evidence.merge(theirs.evidence, max);
    ours.modes.extend(theirs.modes);
    ours.installs.merge(theirs.installs);
    ours.untimed_install |= theirs.untimed_install;
    for (tenant, seen) in theirs.tenants {
        match ours.tenants.get_mut(&tenant) {
            None => {
                ours.tenants.insert(tenant, seen);
            }
            Some(own) => {
                if seen.label < own.label {
                    own.label = seen.label;
                }
                own.span.merge(seen.span);
                own.evidence.merge(seen.evidence, max);
            }
        }
    }
    match (&mut ours.portable, theirs.portable) {
        (_, None) => {}
        (None, Some(run)) => ours.portable = Some(run),
        (Some(own), Some(run)) => {
            if run.source < own.source {
                own.executable = run.executable;
                own.reason = run.reason;
                own.source = run.source;
            }
            own.span.merge(run.span);
            own.evidence.merge(run.evidence, max);
        }
    }
    for value in theirs.users {
        insert_capped(&mut ours.users, &value);
    }
    for value in theirs.versions {
        insert_capped(&mut ours.versions, &value);
    }
    for value in theirs.executables {
        insert_capped(&mut ours.executables, &value);
    }
}
