//! CSV: one row per tenant with each feature's points in its own column and
//! the reasons' sentences joined, for spreadsheets and SIEM lookups.
//!
//! Tenant ids and reasons carry text from the input (names, domains), which
//! the people being scored chose. A cell that a spreadsheet would take for a
//! formula (it begins with `=`, `+`, `-`, `@`, a tab or a carriage return)
//! is written with a leading `'`, as OWASP's CSV injection advice says.

use std::borrow::Cow;
use std::io::{self, Write};

use crate::features::Feature;
use crate::score::Score;

/// Writes the header and one row per score, in rank order.
///
/// # Errors
///
/// The writer fails.
pub fn write(out: &mut dyn Write, scores: &[Score]) -> io::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
    let mut header = vec!["rank", "tenant", "score", "verdict"];
    header.extend(Feature::ALL.iter().map(|f| f.name()));
    header.push("reasons");
    writer.write_record(&header).map_err(io::Error::other)?;
    for (rank, score) in scores.iter().enumerate() {
        let mut row = vec![
            (rank + 1).to_string(),
            inert(&score.tenant).into_owned(),
            score.total.to_string(),
            score.verdict.name().to_owned(),
        ];
        row.extend(
            Feature::ALL
                .iter()
                .map(|&feature| score.points(feature).to_string()),
        );
        let reasons: Vec<&str> = score
            .reasons
            .iter()
            .filter(|r| r.points > 0)
            .map(|r| r.summary.as_str())
            .collect();
        row.push(inert(&reasons.join("; ")).into_owned());
        writer.write_record(&row).map_err(io::Error::other)?;
    }
    writer.flush()
}

/// The cell with a leading `'` when a spreadsheet would read it as a formula.
pub fn inert(cell: &str) -> Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::Reason;
    use crate::score::Verdict;

    #[test]
    fn header_and_rows() {
        let reason = Reason {
            feature: Feature::OneShot,
            points: 35,
            summary: "a, b".into(),
            evidence: Vec::new(),
        };
        let scores = [Score {
            idx: 0,
            tenant: "t1".into(),
            total: 35,
            verdict: Verdict::Clear,
            reasons: vec![reason],
        }];
        let mut out = Vec::new();
        assert!(write(&mut out, &scores).is_ok());
        assert_eq!(
            String::from_utf8(out).unwrap_or_default(),
            "rank,tenant,score,verdict,fresh_domain,wipe_replace,ad_spread,one_shot,trial_burst,linkage,naming,abuse_reports,reasons\n\
             1,t1,35,clear,0,0,0,35,0,0,0,0,\"a, b\"\n"
        );
    }

    #[test]
    fn formula_cells_are_neutralised() {
        let score = |tenant: &str, summary: &str| Score {
            idx: 0,
            tenant: tenant.into(),
            total: 10,
            verdict: Verdict::Clear,
            reasons: vec![Reason {
                feature: Feature::Naming,
                points: 10,
                summary: summary.into(),
                evidence: Vec::new(),
            }],
        };
        let scores = [
            score(
                "=HYPERLINK(\"http://x.example\",\"y\")",
                "@SUM(1+1)*cmd|' /C calc'!A0",
            ),
            score("+1", "-2"),
            score("\tt", "\rr"),
            score("plain", "fine = ok"),
        ];
        let mut out = Vec::new();
        assert!(write(&mut out, &scores).is_ok());
        let text = String::from_utf8(out).unwrap_or_default();
        let rows: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(
            rows,
            vec![
                "1,\"'=HYPERLINK(\"\"http://x.example\"\",\"\"y\"\")\",10,clear,0,0,0,0,0,0,10,0,'@SUM(1+1)*cmd|' /C calc'!A0",
                "2,'+1,10,clear,0,0,0,0,0,0,10,0,'-2",
                "3,'\tt,10,clear,0,0,0,0,0,0,10,0,\"'\rr\"",
                "4,plain,10,clear,0,0,0,0,0,0,10,0,fine = ok",
            ]
        );
    }
}
