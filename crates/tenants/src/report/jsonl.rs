//! JSON lines: one object per tenant score (schema [`SCORE_SCHEMA`]) and one
//! per threshold crossing in `watch` (schema [`ALERT_SCHEMA`]).

use std::io::{self, Write};

use serde::Serialize;

use crate::report::{ALERT_SCHEMA, SCORE_SCHEMA, Sources};
use crate::score::{Score, Verdict};
use crate::time;

#[derive(Serialize)]
struct ScoreLine<'a> {
    schema: &'static str,
    rank: usize,
    tenant: &'a str,
    score: u32,
    verdict: &'static str,
    reasons: Vec<ReasonLine<'a>>,
}

#[derive(Serialize)]
struct ReasonLine<'a> {
    feature: &'static str,
    points: u32,
    summary: &'a str,
    evidence: Vec<EvidenceLine>,
}

#[derive(Serialize)]
struct EvidenceLine {
    file: String,
    line: u64,
}

#[derive(Serialize)]
struct AlertLine<'a> {
    schema: &'static str,
    ts: String,
    tenant: &'a str,
    score: u32,
    verdict: &'static str,
    previous: &'static str,
    reasons: Vec<ReasonLine<'a>>,
}

/// Writes every score as one JSON line, in rank order.
///
/// # Errors
///
/// The writer fails.
pub fn write(out: &mut dyn Write, scores: &[Score], sources: &Sources) -> io::Result<()> {
    for (rank, score) in scores.iter().enumerate() {
        let line = ScoreLine {
            schema: SCORE_SCHEMA,
            rank: rank + 1,
            tenant: &score.tenant,
            score: score.total,
            verdict: score.verdict.name(),
            reasons: reasons(score, sources),
        };
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes one alert: `score` crossed from `previous` at stream time `ts`.
///
/// # Errors
///
/// The writer fails.
pub fn write_alert(
    out: &mut dyn Write,
    ts: i64,
    score: &Score,
    previous: Verdict,
    sources: &Sources,
) -> io::Result<()> {
    let line = AlertLine {
        schema: ALERT_SCHEMA,
        ts: time::format(ts),
        tenant: &score.tenant,
        score: score.total,
        verdict: score.verdict.name(),
        previous: previous.name(),
        reasons: reasons(score, sources),
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}

fn reasons<'a>(score: &'a Score, sources: &Sources) -> Vec<ReasonLine<'a>> {
    score
        .reasons
        .iter()
        .map(|reason| ReasonLine {
            feature: reason.feature.name(),
            points: reason.points,
            summary: &reason.summary,
            evidence: reason
                .evidence
                .iter()
                .map(|&s| EvidenceLine {
                    file: sources.file(s),
                    line: s.line(),
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::SourceRef;
    use crate::features::{Feature, Reason};

    #[test]
    fn one_line_per_score_with_evidence() {
        let reason = Reason {
            feature: Feature::FreshDomain,
            points: 40,
            summary: "s".into(),
            evidence: vec![SourceRef::new(0, 7)],
        };
        let scores = [Score {
            idx: 0,
            tenant: "t1".into(),
            total: 40,
            verdict: Verdict::Clear,
            reasons: vec![reason],
        }];
        let mut out = Vec::new();
        assert!(write(&mut out, &scores, &Sources::files(vec!["a.jsonl".into()])).is_ok());
        assert_eq!(
            String::from_utf8(out).unwrap_or_default(),
            "{\"schema\":\"rmmguard.tenant_score/1\",\"rank\":1,\"tenant\":\"t1\",\"score\":40,\"verdict\":\"clear\",\
             \"reasons\":[{\"feature\":\"fresh_domain\",\"points\":40,\"summary\":\"s\",\"evidence\":[{\"file\":\"a.jsonl\",\"line\":7}]}]}\n"
        );
    }
}
