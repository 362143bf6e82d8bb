//! The stages of the AA23-025A chain, and which findings stand for which.

use rmmguard_detect::{Finding, Severity};

/// A stage of the AA23-025A chain, in chain order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// A callback-phishing lure reached the user's mailbox.
    LureMail,
    /// The lure or first-stage site was looked up or visited.
    LureSite,
    /// An executable or RMM binary was downloaded (or a downloader fetched one).
    Download,
    /// An RMM tool ran portably (or renamed).
    PortableRmm,
    /// An RMM session with a relay or tenant that is not ours.
    RmmSession,
    /// Banking sites visited while the session was open (the refund scam).
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

    /// Lower-case name.
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

/// The chain stage a finding stands for, if any. Authorized (info-level)
/// activity never does, except banking visits, which only count inside a
/// session (the chain decides).
pub fn of(finding: &Finding) -> Option<Stage> {
    let rule = finding.rule;
    if rule.id == "E016" {
        return Some(Stage::Banking);
    }
    if finding.severity == Severity::Info {
        return None;
    }
    if rule.attack.starts_with("T1566") {
        return Some(Stage::LureMail);
    }
    match rule.name {
        "ioc-match" => return Some(Stage::LureSite),
        "rmm-binary-dropped" | "rmm-infra-from-non-rmm-process" => return Some(Stage::Download),
        "portable-rmm" | "renamed-rmm" => return Some(Stage::PortableRmm),
        "foreign-tenant" => return Some(Stage::RmmSession),
        _ => {}
    }
    if rule.name.contains("download") {
        return Some(Stage::Download);
    }
    if rule.name.contains("relay")
        || rule.name.contains("session")
        || rule.name.contains("rmm-cloud")
    {
        return Some(Stage::RmmSession);
    }
    // An unapproved tool seen talking to its cloud is a session.
    let unapproved = matches!(rule.name, "unauthorized-rmm" | "unreviewed-rmm");
    let online = finding
        .fact("install_mode")
        .is_some_and(|modes| modes.contains("network") || modes.contains("in-memory"));
    (unapproved && online).then_some(Stage::RmmSession)
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
