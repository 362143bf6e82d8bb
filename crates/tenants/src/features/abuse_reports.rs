//! Abuse reports: each report against the tenant adds points, up to a cap.
//!
//! Reports arrive from victims, banks and other vendors keyed by session or
//! tenant; a single report can be mistaken or malicious, so one report alone
//! stays under the review threshold by default.

use serde::{Deserialize, Serialize};

use crate::features::{Context, Feature, MAX_EVIDENCE, Reason};

/// Points of the abuse-report feature.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct AbuseReportsConfig {
    /// Points per report.
    pub per_report: u32,
    /// The feature's cap.
    pub cap: u32,
}

impl Default for AbuseReportsConfig {
    fn default() -> AbuseReportsConfig {
        AbuseReportsConfig {
            per_report: 15,
            cap: 30,
        }
    }
}

/// Scores the abuse reports received.
pub fn evaluate(context: &Context<'_>, config: &AbuseReportsConfig) -> Option<Reason> {
    let reports = context.tenant.reports;
    if reports == 0 {
        return None;
    }
    let points = reports.saturating_mul(config.per_report).min(config.cap);
    let summary = match reports {
        1 => "1 abuse report".to_owned(),
        n => format!("{n} abuse reports"),
    };
    let evidence = context
        .tenant
        .report_refs
        .iter()
        .copied()
        .take(MAX_EVIDENCE)
        .collect();
    Some(Reason {
        feature: Feature::AbuseReports,
        points,
        summary,
        evidence,
    })
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::features::Feature;
    use crate::features::testkit::check;

    #[test]
    fn reports_add_up_to_the_cap() {
        check(
            "2024-04-01T00:00:00Z abuse_report tenant=t1 session=s9 reason=refund-scam
             2024-04-02T00:00:00Z abuse_report tenant=t1
             2024-04-03T00:00:00Z abuse_report tenant=t1",
            Feature::AbuseReports,
            expect![[r#"30 abuse_reports: 3 abuse reports [1 2 3]"#]],
        );
    }

    #[test]
    fn one_report_alone() {
        check(
            "2024-04-01T00:00:00Z abuse_report tenant=t1",
            Feature::AbuseReports,
            expect![[r#"15 abuse_reports: 1 abuse report [1]"#]],
        );
    }
}
