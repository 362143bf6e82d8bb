//! Slack/Teams-compatible incoming webhooks: one `{"text": …}` message per
//! incident and per finding at or above the target's least severity (high
//! by default).
//!
//! Evidence text is made inert for chat: `&`, `<` and `>` escaped as Slack
//! requires (so `<!channel>` or `<http://x|click>` stay text, and HTML
//! renders as text in Teams), control characters and newlines flattened
//! (a value cannot fake a line of the message), URL schemes defanged
//! (`hxxps://`) and link previews turned off, so no chat client fetches a
//! scam link from a finding.

use rmmguard_findings::wire::{FindingRecord, IncidentRecord};
use serde_json::json;

use crate::http::{self, Client};
use crate::target::{Delivery, Target};
use crate::{Error, Item, Record, TargetConfig};

/// A webhook.
#[derive(Debug)]
pub struct Webhook {
    client: Client,
    url: String,
}

impl Webhook {
    /// From a `kind = "webhook"` table.
    pub fn new(config: &TargetConfig) -> Result<Webhook, Error> {
        Ok(Webhook {
            client: Client::new(config)?,
            url: config.url.clone().unwrap_or_default(),
        })
    }
}

/// The JSON body of one record's message.
pub fn payload(item: &Item) -> serde_json::Value {
    let text = match &item.record {
        Record::Finding(f) => finding_text(&item.id, f),
        Record::Incident(i) => incident_text(&item.id, i),
    };
    json!({ "text": text, "unfurl_links": false, "unfurl_media": false })
}

impl Target for Webhook {
    fn deliver(&mut self, batch: &[Item]) -> Delivery {
        let mut rejected = Vec::new();
        for (index, item) in batch.iter().enumerate() {
            let body = payload(item).to_string();
            let why = match self
                .client
                .post(&self.url, "application/json", &[], body.as_bytes())
            {
                Ok(reply) if (200..300).contains(&reply.status) => continue,
                Ok(reply) if !http::retryable(reply.status) => {
                    rejected.push((index, http::describe(&reply)));
                    continue;
                }
                Ok(reply) => http::describe(&reply),
                Err(e) => e.0,
            };
            if index == 0 {
                return Delivery::failed(why);
            }
            return Delivery::Partial {
                retry: (index..batch.len()).collect(),
                rejected,
                why,
            };
        }
        Delivery::Done { rejected }
    }
}

fn finding_text(id: &str, f: &FindingRecord) -> String {
    let mut lines = vec![format!(
        "*[{}] {} {}*: {}",
        f.severity.as_str().to_uppercase(),
        inert(&f.rule_id),
        inert(&f.rule),
        inert(&f.summary)
    )];
    let mut context = Vec::new();
    for (label, value) in [
        ("host", f.host.as_deref()),
        ("user", f.user.as_deref()),
        ("site", f.site.as_deref()),
        ("tool", f.tool_name.as_deref()),
        ("tenant", f.tenant.as_deref()),
        ("stage", f.stage.map(|s| s.as_str())),
    ] {
        if let Some(value) = value {
            context.push(format!("{label}: {}", inert(value)));
        }
    }
    if !context.is_empty() {
        lines.push(context.join(" | "));
    }
    if !f.evidence.is_empty() {
        let refs: Vec<String> = f.evidence.iter().map(|e| inert(&e.reference)).collect();
        lines.push(format!("evidence: {}", refs.join(", ")));
    }
    lines.push(format!("id: {}", inert(id)));
    lines.join("\n")
}

fn incident_text(id: &str, i: &IncidentRecord) -> String {
    let mut lines = vec![format!(
        "*[{}] incident {}*: {}",
        i.severity.as_str().to_uppercase(),
        i.kind.as_str(),
        inert(&i.title)
    )];
    let list = |values: &[String]| {
        values
            .iter()
            .map(|v| inert(v))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !i.hosts.is_empty() {
        lines.push(format!("hosts: {}", list(&i.hosts)));
    }
    if !i.stages.is_empty() {
        let stages: Vec<&str> = i.stages.iter().map(|s| s.as_str()).collect();
        lines.push(format!("stages: {}", stages.join(", ")));
    }
    if !i.reasons.is_empty() {
        lines.push(format!("why: {}", list(&i.reasons)));
    }
    lines.push(format!("id: {}", inert(id)));
    lines.join("\n")
}

/// Text from evidence, made inert for a chat message.
pub fn inert(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    defang(&out)
}

/// `http://` → `hxxp[://]` (any case; `https`, `ftp` alike), so the text
/// links nowhere.
fn defang(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in lower.match_indices("://") {
        let scheme_start = lower[..at]
            .rfind(|c: char| !c.is_ascii_alphanumeric() && c != '+' && c != '-' && c != '.')
            .map_or(0, |i| i + 1);
        let scheme = &lower[scheme_start..at];
        if matches!(scheme, "http" | "https" | "ftp") && scheme_start >= last {
            out.push_str(&text[last..scheme_start]);
            out.push_str(match scheme {
                "http" => "hxxp",
                "https" => "hxxps",
                _ => "fxp",
            });
            out.push_str("[://]");
            last = at + 3;
        }
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use rmmguard_findings::{Finding, rules};

    use super::*;

    #[test]
    fn evidence_is_inert_in_chat() {
        assert_eq!(
            inert("<!channel> <script>x</script> & <https://evil.example|click>"),
            "&lt;!channel&gt; &lt;script&gt;x&lt;/script&gt; &amp; &lt;hxxps[://]evil.example|click&gt;"
        );
        assert_eq!(
            inert("HTTP://A.example/x\nid: fake"),
            "hxxp[://]A.example/x id: fake"
        );
        assert_eq!(
            inert("see ftp://x and mailto:y"),
            "see fxp[://]x and mailto:y"
        );
    }

    #[test]
    fn a_finding_message_has_its_id_and_context() {
        let mut finding = Finding::new(rules::PORTABLE_RMM, "AnyDesk <b>ran</b>");
        finding.host = Some("WS-01".into());
        let item = Item::finding("f-1", FindingRecord::from(&finding));
        let body = payload(&item);
        assert_eq!(
            body["text"],
            "*[HIGH] E005 portable-rmm*: AnyDesk &lt;b&gt;ran&lt;/b&gt;\nhost: WS-01 | stage: portable-rmm\nid: f-1"
        );
        assert_eq!(body["unfurl_links"], false);
    }
}
