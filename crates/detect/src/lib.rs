//! Detection: the catalog, policy and indicators compiled into one
//! [`Detector`], applied to events, producing explained [`Finding`]s.
//!
//! The flow for a run:
//!
//! 1. [`Detector::new`] compiles the catalog (names, PE metadata, services,
//!    a reversed-label domain trie, tells, tenant regexes), the policy and
//!    the IOCs once; it is shared read-only by every worker.
//! 2. [`Detector::needles`] gives the sources their prefilter: records that
//!    contain no needle cannot produce a finding and are skipped unparsed.
//! 3. Each worker calls [`Detector::inspect`] for every event into its own
//!    [`Tally`]; tallies [`Tally::merge`] in any order.
//! 4. [`Detector::finish`] judges what was seen against the policy and
//!    returns the sorted findings and the RMM inventory.
//!
//! ```
//! use rmmguard_catalog::Catalog;
//! use rmmguard_detect::{DetectConfig, Detector, IocSet, Tally};
//! use rmmguard_events::{Event, EventKind, Location, Meta, Process, ProcessStart, SourceRef};
//!
//! let detector = Detector::new(&Catalog::builtin()?, None, IocSet::builtin(), DetectConfig::default())?;
//! let event = Event {
//!     meta: Meta::new(SourceRef::new("x.jsonl", Location::Record(1))).with_host("WS-01"),
//!     kind: EventKind::ProcessStart(ProcessStart {
//!         process: Process::with_executable(r"C:\Users\bob\Downloads\AnyDesk.exe"),
//!         ..ProcessStart::default()
//!     }),
//! };
//! let mut tally = Tally::new(5);
//! detector.inspect(&event, &mut tally);
//! let report = detector.finish(tally);
//! let ids: Vec<&str> = report.findings.iter().map(|f| f.rule.id).collect();
//! assert_eq!(ids, ["E005", "E002"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod domain_trie;
mod error;
pub mod financial;
mod index;
pub mod ioc;
mod lure;
pub mod needles;
mod net_facts;
mod paths;
mod rules;
mod sensor;
mod tally;

pub use domain_trie::DomainTrie;
pub use error::{Error, ErrorKind};
pub use ioc::IocSet;
pub use needles::Needles;
pub use tally::Tally;

use jiff::civil::Date;
use rmmguard_catalog::Catalog;
use rmmguard_events::Event;
use rmmguard_findings::{Authorization, Finding, InventoryRow};
use rmmguard_policy::Policy;

use crate::index::CatalogIndex;

/// Knobs of the detector.
#[derive(Debug, Clone)]
pub struct DetectConfig {
    /// Pieces of evidence kept per finding (the first in file order).
    pub max_evidence: usize,
    /// The day exclusions are judged against (their expiry dates).
    pub today: Date,
    /// Banking and payment domains beyond the built-in list (rule E016).
    pub financial_domains: Vec<String>,
    /// The country (ISO 3166 code, `DE`) a mail's national phone numbers are
    /// read in when the message itself says nothing (`None`: `US`).
    pub phone_region: Option<String>,
}

impl Default for DetectConfig {
    fn default() -> DetectConfig {
        DetectConfig {
            max_evidence: 5,
            today: jiff::Zoned::now().date(),
            financial_domains: Vec::new(),
            phone_region: None,
        }
    }
}

/// The compiled catalog, policy and indicators. Build once, share by reference.
#[derive(Debug)]
pub struct Detector {
    index: CatalogIndex,
    iocs: IocSet,
    financial: financial::FinancialSites,
    lure: lure::Lure,
    policy: Option<Policy>,
    config: DetectConfig,
    needles: Needles,
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Findings, most severe first.
    pub findings: Vec<Finding>,
    /// Findings dropped by policy exclusions, with the exclusion's reason.
    pub suppressed: Vec<(Finding, String)>,
    /// Every RMM tool seen, per host.
    pub inventory: Vec<InventoryRow>,
    /// How many events were inspected.
    pub events_inspected: u64,
}

/// The flows and addresses the network rules judge (see
/// [`Detector::network_interest`]).
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkInterest {
    /// Server ports the perimeter and session rules judge.
    pub ports: Vec<(rmmguard_catalog::PortTransport, u16)>,
    /// Protocols, as sensors name them, that make a flow a session.
    pub protocols: &'static [&'static str],
    /// Indicator addresses.
    pub addresses: Vec<std::net::IpAddr>,
    /// Indicator blocks.
    pub nets: Vec<ipnet::IpNet>,
}

impl Detector {
    /// Compiles the catalog, the policy (if any) and the indicators.
    ///
    /// # Errors
    ///
    /// A catalog pattern that does not compile.
    pub fn new(
        catalog: &Catalog,
        policy: Option<Policy>,
        iocs: IocSet,
        config: DetectConfig,
    ) -> Result<Detector, Error> {
        let index = CatalogIndex::build(catalog)?;
        let mut needles = index.needles.clone();
        if iocs.fits_prefilter() {
            for value in iocs.needles() {
                needles.admit(&value);
            }
        } else {
            needles.admit_everything();
        }
        let financial = financial::FinancialSites::new(&config.financial_domains, &mut needles);
        let region = config.phone_region.as_deref().unwrap_or("US");
        let default_region = region
            .to_ascii_uppercase()
            .parse::<phonenumber::country::Id>()
            .map_err(|_| {
                Error::new(ErrorKind::Config(format!(
                    "phone region {region:?} is not an ISO 3166 country code libphonenumber knows"
                )))
            })?;
        let lure =
            lure::Lure::new(default_region).map_err(|e| Error::new(ErrorKind::Catalog(e)))?;
        Ok(Detector {
            index,
            iocs,
            financial,
            lure,
            policy,
            config,
            needles,
        })
    }

    /// The prefilter needles (see [`needles`]): lower-case strings of which at
    /// least one appears in every raw record that can produce a finding.
    pub fn needles(&self) -> &Needles {
        &self.needles
    }

    /// What the network screen must let through besides names with
    /// needles: flows on the ports and protocols the network rules judge,
    /// and indicator addresses (see `rmmguard_sources::NetScreen`).
    pub fn network_interest(&self) -> NetworkInterest {
        let (addresses, nets) = self.iocs.addresses();
        NetworkInterest {
            ports: self.index.net.judged_ports(),
            protocols: net_facts::SESSION_PROTOCOLS,
            addresses,
            nets,
        }
    }

    /// The policy the detector judges against, if any.
    pub fn policy(&self) -> Option<&Policy> {
        self.policy.as_ref()
    }

    /// Inspects one event into a worker's tally.
    pub fn inspect(&self, event: &Event, tally: &mut Tally) {
        rules::inspect(self, event, tally);
    }

    /// Judges everything tallied and returns the sorted findings and inventory.
    pub fn finish(&self, tally: Tally) -> Report {
        rules::finish(self, tally)
    }

    /// How the policy judges a tool (catalog id) on a host with a tenant;
    /// [`Authorization::Unreviewed`] without a policy.
    pub fn authorization(
        &self,
        tool: &str,
        host: Option<&str>,
        tenant: Option<&str>,
    ) -> Authorization {
        rules::authorization(self, tool, host, tenant)
    }

    /// A new, empty tally sized by the config.
    pub fn tally(&self) -> Tally {
        Tally::new(self.config.max_evidence)
    }
}
