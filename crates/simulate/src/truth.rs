//! Ground truth: every planted activity, the findings it must produce, and
//! the chain it belongs to. Written as `truth.json` beside the evidence and
//! read back by `rmmguard eval`.

use serde::{Deserialize, Serialize};

/// The version of the truth file format.
pub const TRUTH_VERSION: u32 = 1;

/// Everything planted in a generated folder.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Truth {
    /// [`TRUTH_VERSION`].
    pub version: u32,
    /// The seed the folder was generated from.
    pub seed: u64,
    /// The scenarios planted.
    pub scenarios: Vec<String>,
    /// The policy file written beside the evidence (relative path).
    pub policy: String,
    /// Planted activities, malicious or policy-relevant.
    pub activities: Vec<Activity>,
    /// Event counts.
    pub counts: Counts,
}

/// How many events were written.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Counts {
    /// Every event.
    pub events: u64,
    /// Events of planted malicious activity.
    pub malicious: u64,
    /// Events of authorized (legitimate) RMM activity.
    pub authorized: u64,
}

/// One planted activity.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Activity {
    /// Stable id (`A3`).
    pub id: String,
    /// The scenario that planted it.
    pub scenario: String,
    /// The chain it belongs to (activities of one attack share it).
    pub chain: Option<String>,
    /// The cross-site campaign it belongs to (the same relay at several sites).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    /// Its stage in the chain (`first-stage-site`, `portable-rmm`, …).
    pub stage: String,
    /// Whether it is malicious (false for authorized MSP activity).
    pub malicious: bool,
    /// Host FQDN.
    pub host: String,
    /// User, `DOMAIN\user`.
    pub user: String,
    /// Site.
    pub site: String,
    /// Tool id, if it is about a tool.
    pub tool: Option<String>,
    /// Tenant, relay or instance, if any.
    pub tenant: Option<String>,
    /// Start of the activity (RFC 3339).
    pub start: String,
    /// End of the activity (RFC 3339).
    pub end: String,
    /// The findings it must produce.
    pub expect: Vec<Expect>,
    /// Events written for it.
    pub events: u64,
}

/// A finding an activity must produce.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Expect {
    /// Rule id (`E005`).
    pub rule: String,
    /// Host FQDN.
    pub host: String,
    /// Tool id, if the finding names one.
    pub tool: Option<String>,
    /// Whether its detector exists yet; pending expectations are listed, not scored.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pending: bool,
    /// The evidence format a pending expectation waits for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs: Option<String>,
}
