//! The findings filters of the dashboard, read from the query string: the
//! page renders with them and the live stream applies the same ones, so a
//! row that arrives live is one the page would have shown.

use jiff::{Span, Timestamp};
use rmmguard::findings::Severity;
use rmmguard::findings::wire::FindingRecord;
use serde::Deserialize;

/// `?severity=&rule=&host=&site=&tool=&tenant=&since=&until=&status=`
/// (empty values mean no filter).
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct Filters {
    pub severity: Option<String>,
    pub rule: Option<String>,
    pub host: Option<String>,
    pub site: Option<String>,
    pub tool: Option<String>,
    pub tenant: Option<String>,
    /// A time (RFC 3339) or a span back from now (`24h`, `7d`).
    pub since: Option<String>,
    /// A time (RFC 3339) or a span back from now.
    pub until: Option<String>,
    /// Incident statuses (`open,acknowledged` by default, or `all`).
    pub status: Option<String>,
}

/// Filters checked and ready to apply.
#[derive(Debug, Clone)]
pub(crate) struct Applied {
    pub min: Severity,
    rule: Option<String>,
    host: Option<String>,
    site: Option<String>,
    tool: Option<String>,
    tenant: Option<String>,
    since: Option<Timestamp>,
    until: Option<Timestamp>,
}

fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// A time: RFC 3339, or a span before `now` (`24h`, `7d`, `P1D`).
fn moment(text: &str, now: Timestamp) -> Result<Timestamp, String> {
    if let Ok(time) = text.parse::<Timestamp>() {
        return Ok(time);
    }
    let span: Span = text.parse().map_err(|_| {
        format!("{text:?} is neither a time (2026-11-20T09:00:00Z) nor a span (24h, 7d)")
    })?;
    now.to_zoned(jiff::tz::TimeZone::UTC)
        .checked_sub(span)
        .map(|zoned| zoned.timestamp())
        .map_err(|e| format!("{text:?}: {e}"))
}

impl Filters {
    /// The filters to apply and, for each value that means nothing, why
    /// it was ignored.
    pub(crate) fn apply(&self, now: Timestamp) -> (Applied, Vec<String>) {
        let mut problems = Vec::new();
        let min = match given(&self.severity).map(|s| s.parse::<Severity>()) {
            None => Severity::Info,
            Some(Ok(severity)) => severity,
            Some(Err(e)) => {
                problems.push(e.to_string());
                Severity::Info
            }
        };
        let mut time = |value: &Option<String>| match given(value).map(|t| moment(&t, now)) {
            None => None,
            Some(Ok(time)) => Some(time),
            Some(Err(e)) => {
                problems.push(e);
                None
            }
        };
        let since = time(&self.since);
        let until = time(&self.until);
        let applied = Applied {
            min,
            rule: given(&self.rule),
            host: given(&self.host),
            site: given(&self.site),
            tool: given(&self.tool),
            tenant: given(&self.tenant),
            since,
            until,
        };
        (applied, problems)
    }
}

impl Applied {
    /// Whether `record` passes every filter (text compared ignoring case).
    pub(crate) fn admits(&self, record: &FindingRecord) -> bool {
        let matches = |wanted: &Option<String>, value: Option<&str>| {
            wanted
                .as_deref()
                .is_none_or(|w| value.is_some_and(|v| v.eq_ignore_ascii_case(w)))
        };
        let last = record.last_seen.or(record.first_seen);
        let first = record.first_seen.or(record.last_seen);
        record.severity >= self.min
            && matches(&self.rule, Some(&record.rule_id))
            && matches(&self.host, record.host.as_deref())
            && matches(&self.site, record.site.as_deref())
            && matches(&self.tool, record.tool.as_deref())
            && matches(&self.tenant, record.tenant.as_deref())
            && self.since.is_none_or(|s| last.is_some_and(|t| t >= s))
            && self.until.is_none_or(|u| first.is_some_and(|t| t <= u))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-20T12:00:00Z".parse().expect("time")
    }

    #[test]
    fn times_are_absolute_or_back_from_now() {
        assert_eq!(
            moment("2026-11-20T09:00:00Z", now()),
            Ok("2026-11-20T09:00:00Z".parse().expect("time"))
        );
        assert_eq!(
            moment("24h", now()),
            Ok("2026-11-19T12:00:00Z".parse().expect("time"))
        );
        assert_eq!(
            moment("7d", now()),
            Ok("2026-11-13T12:00:00Z".parse().expect("time"))
        );
        assert!(moment("yesterday-ish", now()).is_err());
    }

    #[test]
    fn bad_values_are_reported_and_ignored() {
        let filters = Filters {
            severity: Some("severe".into()),
            since: Some("soon".into()),
            host: Some("  ".into()),
            ..Filters::default()
        };
        let (applied, problems) = filters.apply(now());
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(applied.min, Severity::Info);
        assert!(applied.host.is_none() && applied.since.is_none());
    }
}
