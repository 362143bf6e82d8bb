//! The stages of the AA23-025A chain. Each rule names the stage its
//! findings stand for ([`crate::Rule::stage`]); the correlator reads it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A stage of the AA23-025A chain, in chain order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Stage {
    /// A callback-phishing lure reached the user's mailbox.
    #[serde(rename = "lure-mail")]
    LureMail,
    /// The lure or first-stage site was looked up or visited.
    #[serde(rename = "lure-site")]
    LureSite,
    /// An executable or RMM binary was downloaded (or a downloader fetched one).
    #[serde(rename = "download")]
    Download,
    /// An RMM tool ran portably (or renamed).
    #[serde(rename = "portable-rmm")]
    PortableRmm,
    /// An RMM session with a relay or tenant that is not ours.
    #[serde(rename = "rmm-session")]
    RmmSession,
    /// Banking sites visited while the session was open (the refund scam).
    #[serde(rename = "banking-during-session")]
    Banking,
}

impl Stage {
    /// Every stage, in chain order.
    pub const ALL: [Stage; 6] = [
        Stage::LureMail,
        Stage::LureSite,
        Stage::Download,
        Stage::PortableRmm,
        Stage::RmmSession,
        Stage::Banking,
    ];

    /// Lower-case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::LureMail => "lure-mail",
            Stage::LureSite => "lure-site",
            Stage::Download => "download",
            Stage::PortableRmm => "portable-rmm",
            Stage::RmmSession => "rmm-session",
            Stage::Banking => "banking-during-session",
        }
    }

    /// The stage named `name` (as [`Stage::as_str`] gives it, or as the
    /// evidence generator names its activities).
    pub fn from_name(name: &str) -> Option<Stage> {
        match name {
            "lure-mail" => Some(Stage::LureMail),
            "lure-site" | "first-stage-site" => Some(Stage::LureSite),
            "download" | "downloader" => Some(Stage::Download),
            "portable-rmm" => Some(Stage::PortableRmm),
            "rmm-session" => Some(Stage::RmmSession),
            "banking" | "banking-during-session" => Some(Stage::Banking),
            _ => None,
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for stage in Stage::ALL {
            assert_eq!(Stage::from_name(stage.as_str()), Some(stage));
        }
        assert_eq!(Stage::from_name("first-stage-site"), Some(Stage::LureSite));
        assert_eq!(Stage::from_name("authorized-rmm"), None);
    }
}
