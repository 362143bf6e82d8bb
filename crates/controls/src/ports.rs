//! The port plan shared by the firewall and IDS targets: the catalog's RMM
//! ports cut into disjoint segments, each either open only from the approved
//! paths (an authorized tool uses it) or blocked for everyone.

use std::collections::BTreeSet;

use rmmguard_catalog::{PortRange, PortTransport};

use crate::Reason;
use crate::scope::{Scope, policy_reason};

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
    /// Ports left open by `--open-port`, and why (for `--explain`).
    pub remarks: Vec<(String, Reason)>,
}

struct Claim {
    range: PortRange,
    authorized: bool,
    reason: Reason,
}

impl PortPlan {
    pub fn new(scope: &Scope<'_>) -> PortPlan {
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
                claims.push(Claim {
                    range: *range,
                    authorized: tool.is_authorized(),
                    reason,
                });
            }
        }
        let mut plan = PortPlan::default();
        for transport in [PortTransport::Tcp, PortTransport::Udp] {
            plan.add_transport(transport, &claims, &scope.options.open_ports);
        }
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

    fn add_transport(&mut self, transport: PortTransport, claims: &[Claim], open: &[PortRange]) {
        let claims: Vec<&Claim> = claims
            .iter()
            .filter(|c| c.range.transport == transport)
            .collect();
        let open: Vec<&PortRange> = open.iter().filter(|r| r.transport == transport).collect();
        let mut bounds = BTreeSet::new();
        for range in claims.iter().map(|c| &c.range).chain(open.iter().copied()) {
            bounds.insert(u32::from(range.first));
            bounds.insert(u32::from(range.last) + 1);
        }
        let bounds: Vec<u32> = bounds.into_iter().collect();
        let mut segments: Vec<PortSegment> = Vec::new();
        for pair in bounds.windows(2) {
            let (Ok(first), Ok(last)) = (u16::try_from(pair[0]), u16::try_from(pair[1] - 1)) else {
                continue;
            };
            let active: Vec<&&Claim> = claims
                .iter()
                .filter(|c| c.range.first <= first && last <= c.range.last)
                .collect();
            if active.is_empty() {
                continue;
            }
            if let Some(kept) = open.iter().find(|r| r.first <= first && last <= r.last) {
                let reason = policy_reason(
                    "--open-port",
                    &kept.to_string(),
                    "left open by the command line",
                );
                self.remarks.push((
                    format!("not blocked: {}", span(transport, first, last)),
                    reason,
                ));
                continue;
            }
            let class = if active.iter().any(|c| c.authorized) {
                PortClass::ApprovedOnly
            } else {
                PortClass::Blocked
            };
            let mut reasons: Vec<Reason> = active.iter().map(|c| c.reason.clone()).collect();
            reasons.sort();
            reasons.dedup();
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
