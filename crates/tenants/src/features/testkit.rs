//! Hand-written event sequences for feature tests.
//!
//! A script is one record per line, `TIMESTAMP TYPE key=value …` (values
//! with spaces in double quotes); it is turned into JSON lines and read
//! through the real JSON-lines reader and engine, so line numbers in
//! evidence are script lines. [`check`] renders one feature's reason for
//! tenant `t1` as `POINTS FEATURE: SUMMARY [EVIDENCE LINES]`, or `-`.

use expect_test::Expect;

use crate::config::Config;
use crate::engine::Engine;
use crate::event::SourceRef;
use crate::features::Feature;
use crate::input::{self, Format};

/// The date `day` days after 2024-04-30 (`at(1)` is 2024-05-01).
pub fn at(day: u32) -> String {
    let start = jiff::civil::date(2024, 4, 30);
    let date = start
        .checked_add(jiff::Span::new().days(i64::from(day)))
        .unwrap_or(start);
    date.strftime("%Y-%m-%d").to_string()
}

/// `count` enrolments on `date`, a minute apart, with `extra` fields per endpoint.
pub fn enrol_many(
    tenant: &str,
    date: &str,
    count: usize,
    extra: impl Fn(usize) -> String,
) -> String {
    many(tenant, date, count, "endpoint_enrolled", extra)
}

/// `count` removals on `date`, a minute apart.
pub fn remove_many(
    tenant: &str,
    date: &str,
    count: usize,
    extra: impl Fn(usize) -> String,
) -> String {
    many(tenant, date, count, "endpoint_removed", extra)
}

/// `count` refund-scam victims from day `day`, an hour apart: enrolled, one
/// attended 45-minute session, and (if `removed`) removed two hours later.
pub fn victims(tenant: &str, day: u32, count: usize, removed: bool) -> String {
    let date = at(day);
    let mut lines = Vec::new();
    for n in 0..count {
        let hour = n % 20;
        lines.push(format!(
            "{date}T{hour:02}:00:00Z endpoint_enrolled tenant={tenant} endpoint=v{n} ad_domain="
        ));
        lines.push(format!(
            "{date}T{hour:02}:05:00Z session_started tenant={tenant} endpoint=v{n} session=vs{n} attended=true technician=tk"
        ));
        lines.push(format!(
            "{date}T{hour:02}:50:00Z session_ended tenant={tenant} endpoint=v{n} session=vs{n}"
        ));
        if removed {
            lines.push(format!(
                "{date}T{:02}:55:00Z endpoint_removed tenant={tenant} endpoint=v{n} by=admin",
                hour + 2
            ));
        }
    }
    lines.join("\n")
}

/// Turns a script into JSON lines.
pub fn to_jsonl(script: &str) -> String {
    let mut out = String::new();
    for line in script
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
    {
        let mut object = serde_json::Map::new();
        let mut tokens = tokens(line).into_iter();
        let ts = tokens.next().unwrap_or_default();
        let kind = tokens.next().unwrap_or_default();
        object.insert("ts".into(), ts.into());
        object.insert("type".into(), kind.into());
        for token in tokens {
            let (key, value) = token.split_once('=').unwrap_or((&token, ""));
            let value = match value {
                "true" => serde_json::Value::Bool(true),
                "false" => serde_json::Value::Bool(false),
                other => other.into(),
            };
            object.insert(key.to_owned(), value);
        }
        out.push_str(&serde_json::Value::Object(object).to_string());
        out.push('\n');
    }
    out
}

/// Runs a script through a fresh engine with the default config.
pub fn run(script: &str) -> Engine {
    run_with(script, Config::default())
}

/// Runs a script through a fresh engine.
pub fn run_with(script: &str, config: Config) -> Engine {
    let jsonl = to_jsonl(script);
    let mut engine = Engine::new(config);
    let mut reader = jsonl.as_bytes();
    let stats = input::read(&mut reader, Format::JsonLines, 0, &mut |record, source| {
        engine.ingest(record, source)
    });
    let stats = stats.unwrap_or_default();
    assert_eq!(
        stats.skipped, 0,
        "script has bad records: {:?}",
        stats.diagnostics
    );
    engine.end_of_stream();
    engine
}

/// Renders one feature's reason for tenant `t1`.
pub fn render(engine: &Engine, feature: Feature) -> String {
    let Some(idx) = engine.tenant_idx("t1") else {
        return "no tenant t1".into();
    };
    let score = engine.score(idx, &engine.link_index());
    let Some(reason) = score
        .reasons
        .iter()
        .find(|reason| reason.feature == feature)
    else {
        return "-".into();
    };
    let lines: Vec<String> = reason
        .evidence
        .iter()
        .map(|source: &SourceRef| source.line().to_string())
        .collect();
    format!(
        "{} {}: {} [{}]",
        reason.points,
        feature.name(),
        reason.summary,
        lines.join(" ")
    )
}

/// Checks one feature's reason for tenant `t1` against an inline snapshot.
pub fn check(script: &str, feature: Feature, expect: Expect) {
    expect.assert_eq(&render(&run(script), feature));
}

fn many(
    tenant: &str,
    date: &str,
    count: usize,
    kind: &str,
    extra: impl Fn(usize) -> String,
) -> String {
    (0..count)
        .map(|n| {
            let (hour, minute) = (n / 60 % 24, n % 60);
            format!(
                "{date}T{hour:02}:{minute:02}:00Z {kind} tenant={tenant} endpoint=e{n} {}",
                extra(n)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn tokens(line: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}
