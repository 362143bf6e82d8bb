//! The engine: a registry of tenants, the domains' facts, the reorder
//! buffer and the stream's clock; records go in, scores come out.
//!
//! Batch scoring and `watch` share it: both call [`Engine::ingest`] per
//! record and [`Engine::end_of_stream`] at the end of each input, then
//! [`Engine::score_all`]. `watch` also asks which tenants changed
//! ([`Engine::take_touched`]) and persists the state through
//! [`crate::watch::store`].

use crate::config::Config;
use crate::error::RecordError;
use crate::event::{Event, EventKind, SourceRef, TenantIdx};
use crate::features::fresh_domain::FREEMAIL;
use crate::features::linkage::LinkIndex;
use crate::features::{self, Context};
use crate::hash::{self, HashedMap, HashedSet, StrMap};
use crate::ingest;
use crate::reorder::Reorder;
use crate::schema::Record;
use crate::score::{self, Score};
use crate::state::{KnownDomain, TenantState};

/// The scoring engine. See the module docs.
#[derive(Debug, Clone)]
pub struct Engine {
    config: Config,
    registry: StrMap<TenantIdx>,
    pub(crate) tenants: Vec<TenantState>,
    pub(crate) domains: HashedMap<KnownDomain>,
    freemail: HashedSet,
    pub(crate) reorder: Reorder,
    pub(crate) now: i64,
    pub(crate) applied: u64,
    touched: Option<Touched>,
}

/// Tenants (and whether any domain or ban) changed since last asked.
#[derive(Debug, Clone, Default)]
pub struct Touched {
    flags: Vec<bool>,
    /// Tenants changed, in first-changed order.
    pub tenants: Vec<TenantIdx>,
    /// Domains whose facts changed (may repeat).
    pub domains: Vec<u64>,
    /// Whether a tenant was banned (every tenant's linkage may change).
    pub bans: bool,
}

impl Engine {
    /// An empty engine.
    pub fn new(config: Config) -> Engine {
        let freemail = FREEMAIL
            .iter()
            .map(|domain| hash::hash_str(domain))
            .collect();
        let reorder = Reorder::new(config.reorder_seconds());
        Engine {
            config,
            registry: StrMap::default(),
            tenants: Vec::new(),
            domains: HashedMap::default(),
            freemail,
            reorder,
            now: i64::MIN,
            applied: 0,
            touched: None,
        }
    }

    /// The config scoring runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Checks one record and feeds it through the reorder buffer.
    ///
    /// # Errors
    ///
    /// The record is not valid against the schema; nothing was changed.
    pub fn ingest(&mut self, record: &Record<'_>, source: SourceRef) -> Result<(), RecordError> {
        let checked = ingest::check(record)?;
        let tenant = checked.tenant.map(|id| self.tenant_slot(id));
        if let (Some(idx), Some(domain)) = (tenant, checked.admin_domain) {
            let state = &mut self.tenants[idx as usize];
            if state.admin_domain.is_none() {
                state.admin_domain = Some(domain.into());
                self.touch(idx, false);
            }
        }
        self.now = self.now.max(checked.ts);
        self.reorder.push(Event {
            ts: checked.ts,
            tenant,
            source,
            kind: checked.event,
        });
        while let Some(event) = self.reorder.pop_ready() {
            self.apply(&event);
        }
        Ok(())
    }

    /// Releases every held event (the end of one input file or stream).
    pub fn end_of_stream(&mut self) {
        while let Some(event) = self.reorder.pop() {
            self.apply(&event);
        }
    }

    /// The latest event time seen (the stream's clock).
    pub fn now(&self) -> i64 {
        self.now
    }

    /// Events applied so far.
    pub fn applied(&self) -> u64 {
        self.applied
    }

    /// Events that arrived later than the reorder window.
    pub fn late(&self) -> u64 {
        self.reorder.late()
    }

    /// Events held in the reorder buffer.
    pub fn held(&self) -> usize {
        self.reorder.len()
    }

    /// Every tenant seen, by index.
    pub fn tenants(&self) -> &[TenantState] {
        &self.tenants
    }

    /// The index of a tenant id.
    pub fn tenant_idx(&self, id: &str) -> Option<TenantIdx> {
        self.registry.get(id).copied()
    }

    /// Whether a (hashed) admin domain is freemail: the `domain_info` flag
    /// when given, else the built-in list.
    pub fn is_freemail(&self, domain: u64) -> bool {
        match self
            .domains
            .get(&domain)
            .and_then(|known| known.facts.freemail)
        {
            Some(flag) => flag,
            None => self.freemail.contains(&domain),
        }
    }

    /// Indexes the banned tenants' fingerprints (needed by [`Engine::score`]).
    pub fn link_index(&self) -> LinkIndex {
        LinkIndex::build(&self.tenants, &self.domains, |domain| {
            self.is_freemail(domain)
        })
    }

    /// Scores one tenant.
    pub fn score(&self, idx: TenantIdx, links: &LinkIndex) -> Score {
        let tenant = &self.tenants[idx as usize];
        let admin_domain = tenant
            .account
            .map_or(hash::NONE, |facts| facts.account.admin_domain);
        let context = Context {
            idx,
            tenant,
            domain: self.domains.get(&admin_domain),
            freemail: admin_domain != hash::NONE && self.is_freemail(admin_domain),
            links,
            tenants: &self.tenants,
            now: self.now,
        };
        let mut reasons = Vec::new();
        features::evaluate_all(&context, &self.config, &mut reasons);
        Score::new(
            idx,
            &tenant.id,
            reasons,
            tenant.banned.is_some(),
            &self.config.thresholds,
        )
    }

    /// Scores every tenant, ranked highest first.
    pub fn score_all(&self) -> Vec<Score> {
        let links = self.link_index();
        let mut scores: Vec<Score> = (0..self.tenants.len() as TenantIdx)
            .map(|idx| self.score(idx, &links))
            .collect();
        score::rank(&mut scores);
        scores
    }

    /// Starts recording which tenants change (for `watch`).
    pub fn track_touched(&mut self) {
        self.touched = Some(Touched::default());
    }

    /// What changed since the last call (empty unless tracking).
    pub fn take_touched(&mut self) -> Touched {
        let Some(touched) = &mut self.touched else {
            return Touched::default();
        };
        for &idx in &touched.tenants {
            touched.flags[idx as usize] = false;
        }
        Touched {
            flags: Vec::new(),
            tenants: std::mem::take(&mut touched.tenants),
            domains: std::mem::take(&mut touched.domains),
            bans: std::mem::take(&mut touched.bans),
        }
    }

    /// Approximate heap bytes of all state (for memory reports).
    pub fn heap_bytes(&self) -> usize {
        let tenants: usize = self.tenants.iter().map(TenantState::heap_bytes).sum();
        tenants
            + self.tenants.capacity() * size_of::<TenantState>()
            + self.registry.capacity() * (size_of::<Box<str>>() + size_of::<TenantIdx>() + 1)
            + self.domains.capacity() * (size_of::<u64>() + size_of::<KnownDomain>() + 1)
            + self.reorder.len() * size_of::<crate::reorder::Held>()
    }

    /// Rebuilds an engine from persisted parts (see [`crate::watch::store`]).
    pub(crate) fn restore(
        config: Config,
        tenants: Vec<TenantState>,
        domains: HashedMap<KnownDomain>,
        reorder: Reorder,
        now: i64,
        applied: u64,
    ) -> Engine {
        let mut engine = Engine::new(config);
        engine.registry = tenants
            .iter()
            .enumerate()
            .map(|(idx, t)| (t.id.clone(), idx as TenantIdx))
            .collect();
        engine.tenants = tenants;
        engine.domains = domains;
        engine.reorder = reorder;
        engine.now = now;
        engine.applied = applied;
        engine
    }

    fn tenant_slot(&mut self, id: &str) -> TenantIdx {
        if let Some(&idx) = self.registry.get(id) {
            return idx;
        }
        let idx = self.tenants.len() as TenantIdx;
        self.tenants.push(TenantState::new(id));
        self.registry.insert(id.into(), idx);
        // A new tenant is state to persist even while its first event is
        // still held in the reorder buffer (which refers to it by index).
        self.touch(idx, false);
        idx
    }

    fn apply(&mut self, event: &Event) {
        self.applied += 1;
        match (event.tenant, event.kind) {
            (None, EventKind::DomainInfo(facts)) => {
                self.domains
                    .entry(facts.domain)
                    .and_modify(|known| known.merge(facts, event.source))
                    .or_insert(KnownDomain {
                        facts,
                        source: event.source,
                    });
                if let Some(touched) = &mut self.touched {
                    touched.domains.push(facts.domain);
                }
            }
            (Some(idx), _) => {
                self.tenants[idx as usize].apply(event, &self.config.wipe_replace);
                self.touch(idx, matches!(event.kind, EventKind::TenantBanned));
            }
            (None, _) => {}
        }
    }

    fn touch(&mut self, idx: TenantIdx, ban: bool) {
        let Some(touched) = &mut self.touched else {
            return;
        };
        touched.bans |= ban;
        let slot = idx as usize;
        if touched.flags.len() <= slot {
            touched.flags.resize(slot + 1, false);
        }
        if !touched.flags[slot] {
            touched.flags[slot] = true;
            touched.tenants.push(idx);
        }
    }
}
