//! The port plan shared by the firewall and IDS targets: the catalog's RMM
//! ports cut into disjoint segments, each either open only from the approved
//! paths (an authorized tool uses it) or blocked for everyone.

use std::collections::BTreeSet;

use rmmguard_catalog::{PortRange, PortTransport};

use crate::infrastructure::{BROAD_RANGE, INFRASTRUCTURE, InfrastructurePort, SHARED};
use crate::scope::{Scope, policy_reason};
use crate::{FactSource, Note, Reason};

/// What happens to traffic to a port segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum PortClass {
    /// An authorized tool uses it: allowed from approved paths, blocked from elsewhere.
    ApprovedOnly,
    /// Only unauthorized tools use it: blocked from everywhere.
    Blocked,
}

/// A run of ports with one class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PortSegment {
    pub transport: PortTransport,
    pub first: u16,
    pub last: u16,
    pub class: PortClass,
    pub reasons: Vec<Reason>,
}

impl PortSegment {
    /// `tcp`, `udp`.
    pub fn protocol(&self) -> &'static str {
        transport_name(self.transport)
    }

    /// `8041` or `5900-5910`.
    pub fn ports(&self, range_separator: &str) -> String {
        if self.first == self.last {
            self.first.to_string()
        } else {
            format!("{}{range_separator}{}", self.first, self.last)
        }
    }

    /// The tool ids behind the segment, sorted.
    pub fn tools(&self) -> Vec<&str> {
        let tools: BTreeSet<&str> = self
            .reasons
            .iter()
            .filter_map(|r| r.tool.as_deref())
            .collect();
        tools.into_iter().collect()
    }
}

/// Every RMM port segment, sorted by transport and port.
#[derive(Debug, Default)]
pub(crate) struct PortPlan {
    pub segments: Vec<PortSegment>,
    /// Ports left open (by `--open-port`, as infrastructure, as imported
    /// ports without `--imported-ports`), and why (for `--explain`).
    pub remarks: Vec<(String, Reason)>,
    /// Blocks that reach far (wide ranges, shared ports, infrastructure the
    /// operator chose to block), for `--explain` and the warnings.
    pub warnings: Vec<Note>,
}

struct Claim {
    range: PortRange,
    authorized: bool,
    reason: Reason,
}

/// The ranges the plan must not block, and the operator's exceptions.
struct Kept<'o> {
    open: Vec<&'o PortRange>,
    infrastructure: Vec<(PortRange, &'static InfrastructurePort)>,
    block_anyway: Vec<&'o PortRange>,
}

impl PortPlan {
    pub fn new(scope: &Scope<'_>) -> PortPlan {
        let mut plan = PortPlan::default();
        let mut claims = Vec::new();
        for tool in &scope.tools {
            for range in &tool.tool.network.ports {
                let reason = match tool.line() {
                    Some(line) => tool.reason_with(
                        "network.ports",
                        &range.to_string(),
                        format!(
                            "{} is authorized (policy line {line}): open only from the approved paths",
                            tool.tool.id
                        ),
                    ),
                    None => tool.reason("network.ports", &range.to_string(), scope),
                };
                let imported = reason.source.as_ref().is_some_and(FactSource::is_imported);
                if imported && !scope.options.imported_ports {
                    plan.remarks.push((
                        format!(
                            "not blocked: {range} (a port from the LOLRMM import: blocked only with --imported-ports)"
                        ),
                        reason,
                    ));
                    continue;
                }
                claims.push(Claim {
                    range: *range,
                    authorized: tool.is_authorized(),
                    reason,
                });
            }
        }
        for transport in [PortTransport::Tcp, PortTransport::Udp] {
            let kept = Kept {
                open: scope
                    .options
                    .open_ports
                    .iter()
                    .filter(|r| r.transport == transport)
                    .collect(),
                infrastructure: INFRASTRUCTURE
                    .iter()
                    .flat_map(|entry| entry.ranges().map(move |range| (range, entry)))
                    .filter(|(range, _)| range.transport == transport)
                    .collect(),
                block_anyway: scope
                    .options
                    .block_infrastructure
                    .iter()
                    .filter(|r| r.transport == transport)
                    .collect(),
            };
            plan.add_transport(transport, &claims, &kept);
        }
        plan.warn_broad();
        plan
    }

    pub fn of_class(&self, class: PortClass) -> impl Iterator<Item = &PortSegment> {
        self.segments
            .iter()
            .filter(move |segment| segment.class == class)
    }

    pub fn of(
        &self,
        transport: PortTransport,
        class: PortClass,
    ) -> impl Iterator<Item = &PortSegment> {
        self.segments
            .iter()
            .filter(move |segment| segment.class == class && segment.transport == transport)
    }

    fn add_transport(&mut self, transport: PortTransport, claims: &[Claim], kept: &Kept<'_>) {
        let claims: Vec<&Claim> = claims
            .iter()
            .filter(|c| c.range.transport == transport)
            .collect();
        let mut bounds = BTreeSet::new();
        let ranges = claims
            .iter()
            .map(|c| &c.range)
            .chain(kept.open.iter().copied())
            .chain(kept.infrastructure.iter().map(|(range, _)| range))
            .chain(kept.block_anyway.iter().copied());
        for range in ranges {
            bounds.insert(u32::from(range.first));
            bounds.insert(u32::from(range.last) + 1);
        }
        let bounds: Vec<u32> = bounds.into_iter().collect();
        let mut segments: Vec<PortSegment> = Vec::new();
        for pair in bounds.windows(2) {
            let (Ok(first), Ok(last)) = (u16::try_from(pair[0]), u16::try_from(pair[1] - 1)) else {
                continue;
            };
            let within = |r: &PortRange| r.first <= first && last <= r.last;
            let active: Vec<&&Claim> = claims.iter().filter(|c| within(&c.range)).collect();
            if active.is_empty() {
                continue;
            }
            let here = span(transport, first, last);
            if let Some(open) = kept.open.iter().find(|r| within(r)) {
                let reason = policy_reason(
                    "--open-port",
                    &open.to_string(),
                    "left open by the command line",
                );
                self.remarks.push((format!("not blocked: {here}"), reason));
                continue;
            }
            let infrastructure = kept
                .infrastructure
                .iter()
                .find(|(range, _)| within(range))
                .map(|(_, entry)| *entry);
            let anyway = kept.block_anyway.iter().any(|r| within(r));
            let mut reasons: Vec<Reason> = active.iter().map(|c| c.reason.clone()).collect();
            reasons.sort();
            reasons.dedup();
            match (infrastructure, anyway) {
                (Some(entry), false) => {
                    let rule = format!(
                        "not blocked: {here} is infrastructure ({}: {})",
                        entry.service, entry.reason
                    );
                    for reason in reasons {
                        self.remarks.push((rule.clone(), reason));
                    }
                    continue;
                }
                (Some(entry), true) => {
                    let mut why = reasons.clone();
                    why.push(policy_reason(
                        "--block-infrastructure",
                        &here,
                        "blocked as the command line asks",
                    ));
                    self.warnings.push(Note {
                        rule: format!(
                            "broad: {here} is infrastructure ({}), blocked because --block-infrastructure asks",
                            entry.service
                        ),
                        reasons: why,
                    });
                }
                (None, _) => {}
            }
            let class = if active.iter().any(|c| c.authorized) {
                PortClass::ApprovedOnly
            } else {
                PortClass::Blocked
            };
            let segment = PortSegment {
                transport,
                first,
                last,
                class,
                reasons,
            };
            // Adjacent runs of the same tools merge into one rule.
            match segments.last_mut() {
                Some(previous)
                    if u32::from(previous.last) + 1 == u32::from(first)
                        && previous.class == segment.class
                        && previous.tools() == segment.tools() =>
                {
                    previous.last = last;
                    previous.reasons.extend(segment.reasons);
                    previous.reasons.sort();
                    previous.reasons.dedup();
                }
                _ => segments.push(segment),
            }
        }
        self.segments.extend(segments);
    }

    /// Warnings for wide ranges and for ports many programs share.
    fn warn_broad(&mut self) {
        for segment in &self.segments {
            let here = span(segment.transport, segment.first, segment.last);
            let width = u32::from(segment.last) - u32::from(segment.first) + 1;
            if width > BROAD_RANGE {
                self.warnings.push(Note {
                    rule: format!(
                        "broad: {here} blocks {width} ports ({}); --open-port narrows it",
                        segment.tools().join(" ")
                    ),
                    reasons: segment.reasons.clone(),
                });
            }
            for (transport, port, users) in SHARED {
                if *transport == segment.transport && (segment.first..=segment.last).contains(port)
                {
                    self.warnings.push(Note {
                        rule: format!(
                            "broad: {} is shared with other software ({users}); --open-port {} keeps it open",
                            span(*transport, *port, *port),
                            span(*transport, *port, *port)
                        ),
                        reasons: segment.reasons.clone(),
                    });
                }
            }
        }
    }
}

/// `tcp`, `udp`.
pub(crate) fn transport_name(transport: PortTransport) -> &'static str {
    match transport {
        PortTransport::Tcp => "tcp",
        PortTransport::Udp => "udp",
    }
}

fn span(transport: PortTransport, first: u16, last: u16) -> String {
    PortRange {
        transport,
        first,
        last,
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use rmmguard_catalog::Catalog;
    use rmmguard_policy::Policy;

    use super::*;
    use crate::{Options, Provenance};

    fn plan(policy: &str, open: &[&str]) -> Vec<String> {
        let catalog = Catalog::builtin().unwrap();
        let policy = Policy::parse(policy).unwrap();
        let mut options = Options::new(Provenance::new(
            &catalog,
            Some(""),
            jiff::Timestamp::UNIX_EPOCH,
        ));
        options.open_ports = open.iter().map(|p| p.parse().unwrap()).collect();
        let scope = Scope::new(&catalog, &policy, &options);
        PortPlan::new(&scope)
            .segments
            .iter()
            .filter(|s| s.first >= 5500 && s.last <= 5938 || s.first >= 8040 && s.last <= 8041)
            .map(|s| {
                format!(
                    "{}/{} {:?} {}",
                    s.protocol(),
                    s.ports("-"),
                    s.class,
                    s.tools().join(",")
                )
            })
            .collect()
    }

    #[test]
    fn overlapping_ranges_split_into_disjoint_segments() {
        let auth = "[[authorized]]\ntool = \"screenconnect\"\n[[authorized]]\ntool = \"realvnc\"\n";
        let got = plan(auth, &["tcp/5800"]);
        assert_eq!(
            got,
            [
                "tcp/5500 Blocked tigervnc,tightvnc,ultravnc,vnc",
                "tcp/5555 Blocked nezha",
                "tcp/5801-5810 Blocked vnc",
                "tcp/5900-5910 ApprovedOnly realvnc,tigervnc,tightvnc,ultravnc,vnc",
                "tcp/5931 Blocked ammyy-admin",
                "tcp/5938 Blocked teamviewer",
                "tcp/8040-8041 ApprovedOnly screenconnect",
                "udp/5938 Blocked teamviewer",
            ]
        );
    }
}
