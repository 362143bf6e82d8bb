//! Mail that delivers remote access: links to an RMM installer or to an RMM
//! tenant's client invitation (M004), RMM installers attached or packed in
//! an attached archive (M005), and indicators of compromise in a message
//! (E014). Tool facts come from the catalog: its domains, installer and
//! binary names, client-join tells (`e=Access&y=Guest&h=…`) and tenant rules.

use rmmguard_catalog::{Field, TellKind};
use rmmguard_events::{AttachmentKind, Mail, basename};
use rmmguard_policy::Verdict as PolicyVerdict;

use rmmguard_findings::{Fact, FactKey, rules};

use super::mail::message_key;
use super::pass::Pass;
use crate::lure::assess::{domain_of, url_host};
use crate::tally::HitSpec;

/// File name endings of something a browser would download and run.
const DOWNLOAD_ENDINGS: &[&str] = &[".exe", ".msi", ".dmg", ".pkg", ".zip", ".msix", ".appx"];

/// What a link to an RMM tool offers.
struct RmmLink {
    tool: usize,
    tenant: Option<String>,
    reason: &'static str,
}

impl Pass<'_> {
    /// M004: links to RMM installers or tenant invitations.
    pub(super) fn rmm_links(&mut self, mail: &Mail) {
        for link in &mail.links {
            let Some(found) = self.rmm_link(link) else {
                continue;
            };
            if self.authorized(found.tool, found.tenant.as_deref()) {
                continue;
            }
            let name = self.name(found.tool).to_owned();
            let recipient = self
                .meta
                .user
                .clone()
                .unwrap_or_else(|| "the recipient".into());
            let summary = match &found.tenant {
                Some(tenant) => format!(
                    "mail to {recipient} links to a {name} {} ({tenant})",
                    found.reason
                ),
                None => format!("mail to {recipient} links to a {name} {}", found.reason),
            };
            let mut facts = vec![
                Fact::new(FactKey::UrlOriginal, link.clone()),
                Fact::new(FactKey::Reason, found.reason.to_owned()),
            ];
            if let Some(host) = url_host(link) {
                facts.push(Fact::new(FactKey::EmailLureDomain, host));
            }
            if let Some(tenant) = &found.tenant {
                facts.push(Fact::new(FactKey::RmmTenant, tenant.clone()));
            }
            facts.extend(self.mail_facts(mail));
            let subject = format!("{}|{}", message_key(mail, self.meta), link.to_lowercase());
            self.hit(HitSpec {
                rule: rules::MAIL_RMM_LINK,
                tool: Some(found.tool),
                tenant: found.tenant,
                subject,
                summary,
                facts,
            });
        }
    }

    /// The RMM tool a link downloads or invites to, if any.
    fn rmm_link(&self, link: &str) -> Option<RmmLink> {
        let lower = link.to_lowercase();
        let host = url_host(link)?;
        let file = url_file_name(&lower);
        let file_tool = file.and_then(|f| {
            self.index
                .tool_of_installer(f)
                .or_else(|| self.index.tool_of_image(f))
        });
        let invited = self.index.tools.iter().position(|tool| {
            tool.tells.iter().any(|tell| {
                tell.kind == TellKind::ClientJoin
                    && tell.field == Field::CommandLine
                    && tell.matches(&lower)
            })
        });
        let domain_tool = self.index.tool_of_domain(&host);
        let tool = invited.or(file_tool).or(domain_tool)?;
        let tenant = self
            .index
            .tenant(tool, Field::CommandLine, link)
            .or_else(|| self.index.tenant(tool, Field::Domain, &host))
            .map(|(tenant, _)| tenant);
        let reason = if invited.is_some() {
            "client invitation"
        } else if file_tool.is_some() {
            "installer download"
        } else if file.is_some_and(|f| DOWNLOAD_ENDINGS.iter().any(|e| f.ends_with(e))) {
            "download"
        } else if tenant.is_some() {
            "tenant page"
        } else {
            // A vendor's web site, not a download or an invitation.
            return None;
        };
        Some(RmmLink {
            tool,
            tenant,
            reason,
        })
    }

    /// M005: RMM installers attached, or packed in an attached archive.
    pub(super) fn rmm_attachments(&mut self, mail: &Mail) {
        for attachment in &mail.attachments {
            let mut names: Vec<(String, Option<&str>)> = Vec::new();
            if let Some(name) = &attachment.name {
                names.push((name.clone(), None));
            }
            if attachment.kind == AttachmentKind::Archive
                && let Some(listing) = &attachment.text
            {
                let archive = attachment.name.as_deref();
                names.extend(
                    listing
                        .lines()
                        .take(512)
                        .map(|entry| (basename(entry).to_owned(), archive.or(Some("an archive")))),
                );
            }
            for (name, archive) in names {
                let tool = self
                    .index
                    .tool_of_installer(&name)
                    .or_else(|| self.index.tool_of_image(&name));
                let Some(tool) = tool else { continue };
                self.rmm_attachment(mail, tool, &name, archive);
            }
        }
    }

    fn rmm_attachment(&mut self, mail: &Mail, tool: usize, name: &str, archive: Option<&str>) {
        if self.authorized(tool, None) {
            return;
        }
        let tool_name = self.name(tool).to_owned();
        let recipient = self
            .meta
            .user
            .clone()
            .unwrap_or_else(|| "the recipient".into());
        let summary = match archive {
            Some(archive) => {
                format!("mail to {recipient} carries {tool_name} installer {name} inside {archive}")
            }
            None => format!("mail to {recipient} carries {tool_name} installer {name}"),
        };
        let mut facts = vec![Fact::new(FactKey::FileName, name.to_owned())];
        if let Some(archive) = archive {
            facts.push(Fact::new(FactKey::FileArchive, archive.to_owned()));
        }
        facts.extend(self.mail_facts(mail));
        self.hit(HitSpec {
            rule: rules::MAIL_RMM_ATTACHMENT,
            tool: Some(tool),
            tenant: None,
            subject: format!("{}|{}", message_key(mail, self.meta), name.to_lowercase()),
            summary,
            facts,
        });
    }

    /// Whether the policy authorizes this tool (with this tenant) everywhere:
    /// then a link to it is the organization's own support, not a lure.
    fn authorized(&self, tool: usize, tenant: Option<&str>) -> bool {
        let Some(policy) = self.detector.policy() else {
            return false;
        };
        let id = &self.index.tool(tool).reference.id;
        policy.judge(id, None, tenant) == PolicyVerdict::Authorized
    }

    /// E014: indicators named by the message (link hosts and URLs, sender
    /// domains, attachment names, domains written in its text).
    pub(super) fn mail_iocs(&mut self, mail: &Mail) {
        let detector = self.detector;
        let iocs = &detector.iocs;
        if iocs.is_empty() {
            return;
        }
        // (value, kind, source, field, what the mail said), one per indicator.
        let mut hits: Vec<(String, String, String, String, String)> = Vec::new();
        let mut add = |ioc: Option<crate::ioc::Ioc>, field: &str, seen: &str| {
            if let Some(ioc) = ioc
                && !hits
                    .iter()
                    .any(|(value, kind, ..)| *value == ioc.value && kind == ioc.kind.as_str())
            {
                hits.push((
                    ioc.value.clone(),
                    ioc.kind.as_str().to_owned(),
                    ioc.source.to_string(),
                    field.to_owned(),
                    seen.to_owned(),
                ));
            }
        };
        for link in &mail.links {
            let lower = link.to_lowercase();
            if let Some(host) = url_host(link) {
                add(iocs.domain(&host), "mail.link", link);
            }
            for ioc in iocs.urls_in(&lower) {
                add(Some(ioc), "mail.link", link);
            }
        }
        let senders = mail
            .from
            .iter()
            .chain(mail.reply_to.iter())
            .map(|a| a.address.as_str())
            .chain(mail.return_path.as_deref());
        for sender in senders {
            add(iocs.domain(domain_of(sender)), "mail.sender", sender);
        }
        for attachment in &mail.attachments {
            if let Some(name) = &attachment.name {
                let lower = name.to_lowercase();
                add(iocs.file_name(&lower), "mail.attachment", name);
            }
        }
        let texts = std::iter::once(mail.body.as_str())
            .chain(mail.attachments.iter().filter_map(|a| a.text.as_deref()));
        for text in texts {
            for token in domain_tokens(text) {
                add(iocs.domain(&token), "mail.text", &token);
            }
        }
        for (value, kind, source, field, seen) in hits {
            let recipient = self
                .meta
                .user
                .clone()
                .unwrap_or_else(|| "the recipient".into());
            let summary =
                format!("{kind} {value} from {source} named in mail to {recipient} ({field})");
            let mut facts = vec![
                Fact::new(FactKey::IocValue, value.clone()),
                Fact::new(FactKey::IocKind, kind.clone()),
                Fact::new(FactKey::IocSource, source),
                Fact::new(FactKey::IocField, field),
                Fact::new(FactKey::IocSeen, seen),
            ];
            facts.extend(self.mail_facts(mail));
            self.hit(HitSpec {
                rule: rules::IOC_MATCH,
                tool: None,
                tenant: None,
                subject: format!("{kind}:{value}|{}", message_key(mail, self.meta)),
                summary,
                facts,
            });
        }
    }
}

/// The last path segment of a (lower-cased) URL, if it has one.
fn url_file_name(lower: &str) -> Option<&str> {
    let rest = lower.split_once("://").map_or(lower, |(_, rest)| rest);
    let path = rest.split(['?', '#']).next()?;
    let (_, path) = path.split_once('/')?;
    let file = path.rsplit('/').next()?;
    (!file.is_empty()).then_some(file)
}

/// Dotted words of a text that could be domain names (`myhelpcare.online`).
fn domain_tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .map(|token| token.trim_matches(['.', '-']))
        .filter(|token| {
            token.len() > 4
                && token.contains('.')
                && token.rsplit('.').next().is_some_and(|tld| {
                    tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic())
                })
        })
        .map(str::to_ascii_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_parts() {
        assert_eq!(
            url_host("https://User@Relay.Example:8041/x?y").as_deref(),
            Some("relay.example")
        );
        assert_eq!(url_host("mailto:x"), None);
        assert_eq!(
            url_file_name("https://a.example/bin/anydesk.exe?x=1"),
            Some("anydesk.exe")
        );
        assert_eq!(url_file_name("https://a.example/"), None);
        assert_eq!(url_file_name("https://a.example"), None);
        let tokens: Vec<String> =
            domain_tokens("Visit MyHelpCare.online. or win01.xyz, not v1.2").collect();
        assert_eq!(tokens, ["myhelpcare.online", "win01.xyz"]);
    }
}
