//! A tenant's endpoints planned before they are written: when each is
//! enrolled and removed, so bulk operations (wipes, refreshes, offboarding)
//! can ask which endpoints are active at a moment; then sessions are drawn
//! inside each endpoint's life and everything is emitted.

use crate::simulate::builder::{EndpointSpec, Gen};
use crate::simulate::rng::Rng;
use crate::time::MINUTE;

/// One planned endpoint.
#[derive(Debug, Clone)]
pub struct Planned {
    /// Its facts.
    pub spec: EndpointSpec,
    /// Enrolment time.
    pub enrolled: i64,
    /// Removal time and who removed it.
    pub removed: Option<(i64, &'static str)>,
    /// Sessions: start, technician index, attended, minutes.
    pub sessions: Vec<(i64, usize, bool, i64)>,
}

/// The planned endpoints of one tenant.
#[derive(Debug, Clone, Default)]
pub struct Fleet {
    /// Endpoints in planning order.
    pub endpoints: Vec<Planned>,
}

impl Fleet {
    /// Plans an endpoint; returns its index.
    pub fn add(&mut self, spec: EndpointSpec, enrolled: i64) -> usize {
        self.endpoints.push(Planned {
            spec,
            enrolled,
            removed: None,
            sessions: Vec::new(),
        });
        self.endpoints.len() - 1
    }

    /// Plans a removal (an earlier one wins).
    pub fn remove(&mut self, idx: usize, ts: i64, by: &'static str) {
        let endpoint = &mut self.endpoints[idx];
        let ts = ts.max(endpoint.enrolled + MINUTE);
        match endpoint.removed {
            Some((existing, _)) if existing <= ts => {}
            _ => endpoint.removed = Some((ts, by)),
        }
    }

    /// Indexes of endpoints active at `ts`.
    pub fn active_at(&self, ts: i64) -> Vec<usize> {
        (0..self.endpoints.len())
            .filter(|&idx| {
                let endpoint = &self.endpoints[idx];
                endpoint.enrolled <= ts && endpoint.removed.is_none_or(|(removed, _)| removed > ts)
            })
            .collect()
    }

    /// The end of an endpoint's life (removal, or `end`).
    pub fn life_end(&self, idx: usize, end: i64) -> i64 {
        self.endpoints[idx]
            .removed
            .map_or(end, |(removed, _)| removed.min(end))
    }

    /// Adds `count` sessions at random times inside the endpoint's life.
    pub fn random_sessions(
        &mut self,
        rng: &mut Rng,
        idx: usize,
        end: i64,
        count: u64,
        style: SessionStyle,
    ) {
        let (start, stop) = (
            self.endpoints[idx].enrolled + 5 * MINUTE,
            self.life_end(idx, end) - 2 * MINUTE,
        );
        if stop <= start {
            return;
        }
        for _ in 0..count {
            let ts = rng.range(start, stop);
            let attended = rng.chance(style.attended);
            let minutes = rng.range(style.minutes.0, style.minutes.1);
            let technician = rng.below(style.technicians.max(1) as u64) as usize;
            self.endpoints[idx]
                .sessions
                .push((ts, technician, attended, minutes));
        }
    }

    /// Writes every endpoint: enrolment, sessions, removal.
    pub fn emit(&self, g: &mut Gen<'_>, technicians: &[String]) {
        for endpoint in &self.endpoints {
            g.enrol(endpoint.enrolled, &endpoint.spec);
            for &(ts, technician, attended, minutes) in &endpoint.sessions {
                let technician = technicians.get(technician).map_or("", String::as_str);
                g.session(ts, &endpoint.spec.id, technician, attended, minutes);
            }
            if let Some((ts, by)) = endpoint.removed {
                g.remove(ts, &endpoint.spec.id, by);
            }
        }
    }
}

/// How sessions on an endpoint look.
#[derive(Debug, Clone, Copy)]
pub struct SessionStyle {
    /// Share attended.
    pub attended: f64,
    /// Duration range in minutes.
    pub minutes: (i64, i64),
    /// Technicians to choose from.
    pub technicians: usize,
}
