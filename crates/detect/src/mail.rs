//! Rules over mail: callback-phishing lures (M001 in the body, M002 only in
//! a PDF/DOCX/ICS attachment, M003 image-only), RMM downloads and
//! invitations in links (M004) and attachments (M005), and indicators of
//! compromise named by a message (E014).
//!
//! Every mail finding carries the indicators an analyst blocks, as facts
//! with stable keys: `mail.phone` (E.164, comma-separated), `mail.from`,
//! `mail.reply_to`, `mail.return_path`, `mail.lure_domain`, plus the
//! message's identity (`mail.message_id`, `mail.subject`, `mail.recipient`)
//! and, for lures, every signal that fired (`signal.<name>`) and the score
//! (`mail.score`). The sinks read them back for the summary's indicator list.

mod assess;
mod lexicon;
mod phone;
mod rmm;

use rmmguard_events::{AttachmentKind, Mail};

pub(crate) use lexicon::Lexicon;

use crate::inspect::Pass;
use crate::mail::assess::{Assessment, Place, Verdict, domain_of, is_freemail, is_within};
use crate::mail::lexicon::{BRANDS, INFRASTRUCTURE};
use crate::rules::{self, Rule};
use crate::tally::HitSpec;

impl Pass<'_> {
    /// A mail message.
    pub(crate) fn mail(&mut self, mail: &Mail) {
        let assessment = assess::assess(&self.detector.mail, mail);
        match &assessment.verdict {
            Verdict::Callback(Place::Body) => self.lure(mail, &assessment, rules::MAIL_CALLBACK),
            Verdict::Callback(Place::Attachment(_)) => {
                self.lure(mail, &assessment, rules::MAIL_CALLBACK_ATTACHMENT)
            }
            Verdict::ImageOnly => self.lure(mail, &assessment, rules::MAIL_IMAGE_LURE),
            Verdict::Clean => {}
        }
        self.rmm_links(mail);
        self.rmm_attachments(mail);
        self.mail_iocs(mail);
    }

    /// M001–M003: a lure, with its signals and indicators.
    fn lure(&mut self, mail: &Mail, assessment: &Assessment, rule: &'static Rule) {
        let recipient = self
            .meta
            .user
            .clone()
            .unwrap_or_else(|| "the recipient".into());
        let numbers = assessment.call_numbers();
        let impersonating = match assessment.brands.as_slice() {
            [] => String::new(),
            brands => format!(" impersonating {}", brands.join("/")),
        };
        let summary = match &assessment.verdict {
            Verdict::Callback(Place::Attachment(index)) => {
                let name = mail
                    .attachments
                    .get(*index)
                    .and_then(|a| a.name.as_deref())
                    .unwrap_or("an attachment");
                format!(
                    "callback lure{impersonating} in {name} asks {recipient} to call {}",
                    numbers.join(", ")
                )
            }
            Verdict::ImageOnly => {
                let images: Vec<&str> = mail
                    .attachments
                    .iter()
                    .filter(|a| a.kind == AttachmentKind::Image)
                    .map(|a| a.name.as_deref().unwrap_or("an image"))
                    .collect();
                format!(
                    "image-only lure{impersonating} to {recipient} (images not read: {})",
                    images.join(", ")
                )
            }
            _ => format!(
                "callback lure{impersonating} asks {recipient} to call {}",
                numbers.join(", ")
            ),
        };
        let mut facts = self.mail_facts(mail);
        if !numbers.is_empty() {
            facts.insert(0, ("mail.phone".into(), numbers.join(", ")));
        }
        if !assessment.hidden_phones.is_empty() {
            facts.push((
                "mail.phone_hidden".into(),
                assessment.hidden_phones.join(", "),
            ));
        }
        let domains = lure_domains(mail, assessment);
        if !domains.is_empty() {
            facts.push(("mail.lure_domain".into(), domains.join(", ")));
        }
        if !assessment.brands.is_empty() {
            facts.push(("mail.brand".into(), assessment.brands.join(", ")));
        }
        facts.push((
            "mail.score".into(),
            format!(
                "{} (threshold {}): {}",
                assessment.score,
                assess::THRESHOLD,
                assessment.breakdown()
            ),
        ));
        for signal in &assessment.signals {
            facts.push((format!("signal.{}", signal.name), signal.detail.clone()));
        }
        let subject = message_key(mail, self.meta);
        self.hit(HitSpec {
            rule,
            tool: None,
            tenant: None,
            subject,
            summary,
            facts,
        });
    }

    /// The identity and sender facts every mail finding carries.
    pub(crate) fn mail_facts(&self, mail: &Mail) -> Vec<(String, String)> {
        let mut facts = Vec::new();
        if let Some(from) = &mail.from {
            facts.push(("mail.from".into(), from.address.clone()));
            if let Some(name) = &from.name {
                facts.push(("mail.from_name".into(), name.clone()));
            }
        }
        if !mail.reply_to.is_empty() {
            let addresses: Vec<&str> = mail.reply_to.iter().map(|a| a.address.as_str()).collect();
            facts.push(("mail.reply_to".into(), addresses.join(", ")));
        }
        if let Some(return_path) = &mail.return_path {
            facts.push(("mail.return_path".into(), return_path.clone()));
        }
        if let Some(subject) = &mail.subject {
            facts.push(("mail.subject".into(), subject.clone()));
        }
        if let Some(id) = &mail.message_id {
            facts.push(("mail.message_id".into(), id.clone()));
        }
        if let Some(recipient) = &self.meta.user {
            facts.push(("mail.recipient".into(), recipient.clone()));
        }
        facts
    }
}

/// What makes two sightings of a message the same finding: its Message-ID,
/// or where it is when it has none.
pub(crate) fn message_key(mail: &Mail, meta: &rmmguard_events::Meta) -> String {
    match &mail.message_id {
        Some(id) if !id.is_empty() => format!("message:{id}"),
        _ => format!("message@{}", meta.source),
    }
}

/// Domains worth blocking from a lure: the sender's, Reply-To's and
/// Return-Path's (unless freemail), and the hosts of its links; never shared
/// web infrastructure or the impersonated brand's own domains.
fn lure_domains(mail: &Mail, assessment: &Assessment) -> Vec<String> {
    let brand_domains: Vec<&str> = BRANDS
        .iter()
        .filter(|b| assessment.brands.contains(&b.name))
        .flat_map(|b| b.domains.iter().copied())
        .collect();
    let mut candidates: Vec<String> = Vec::new();
    let senders = mail
        .from
        .iter()
        .chain(mail.reply_to.iter())
        .map(|a| domain_of(&a.address).to_owned())
        .chain(mail.return_path.iter().map(|p| domain_of(p).to_owned()));
    candidates.extend(senders);
    candidates.extend(mail.links.iter().filter_map(|link| rmm::url_host(link)));
    let mut domains: Vec<String> = Vec::new();
    for domain in candidates {
        let skip = domain.is_empty()
            || !domain.contains('.')
            || is_freemail(&domain)
            || INFRASTRUCTURE.iter().any(|d| is_within(&domain, d))
            || brand_domains.iter().any(|d| is_within(&domain, d));
        if !skip && !domains.contains(&domain) {
            domains.push(domain);
        }
    }
    domains.truncate(16);
    domains
}

#[cfg(test)]
mod tests {
    use rmmguard_catalog::Catalog;
    use rmmguard_events::{Address, Attachment, Event, EventKind, Location, Mail, Meta, SourceRef};

    use crate::{DetectConfig, Detector, IocSet};

    fn detector() -> Detector {
        Detector::new(
            &Catalog::builtin().unwrap(),
            None,
            IocSet::builtin(),
            DetectConfig::default(),
        )
        .unwrap()
    }

    fn findings(detector: &Detector, mail: Mail) -> Vec<crate::Finding> {
        let mut meta = Meta::new(SourceRef::new("inbox.mbox", Location::Offset(0)));
        meta.user = Some("victim@corp.example".into());
        let event = Event {
            meta,
            kind: EventKind::Mail(Box::new(mail)),
        };
        let mut tally = detector.tally();
        detector.inspect(&event, &mut tally);
        detector.finish(tally).findings
    }

    fn lure() -> Mail {
        Mail {
            message_id: Some("<1@x>".into()),
            from: Some(Address {
                name: Some("Geek Squad".into()),
                address: "renewals.desk@gmail.com".into(),
            }),
            reply_to: vec![Address {
                name: None,
                address: "billing@refund-desk.example".into(),
            }],
            subject: Some("Your Geek Squad renewal".into()),
            body: "Your subscription was renewed and $399.99 charged. To cancel, call \
                   +1 (803) 555-0186 within 24 hours."
                .into(),
            ..Mail::default()
        }
    }

    #[test]
    fn a_lure_carries_its_indicators() {
        let detector = detector();
        let found = findings(&detector, lure());
        assert_eq!(found.len(), 1, "{found:#?}");
        let finding = &found[0];
        assert_eq!(finding.rule.id, "M001");
        assert_eq!(
            finding.summary,
            "callback lure impersonating Geek Squad asks victim@corp.example to call +18035550186"
        );
        assert_eq!(finding.fact("mail.phone"), Some("+18035550186"));
        assert_eq!(finding.fact("mail.from"), Some("renewals.desk@gmail.com"));
        assert_eq!(
            finding.fact("mail.reply_to"),
            Some("billing@refund-desk.example")
        );
        assert_eq!(
            finding.fact("mail.lure_domain"),
            Some("refund-desk.example")
        );
        assert!(
            finding
                .fact("signal.brand")
                .is_some_and(|b| b.starts_with("\"Geek Squad\" at sender name:0")),
            "{:?}",
            finding.fact("signal.brand")
        );
        assert!(
            finding
                .fact("mail.score")
                .is_some_and(|s| s.starts_with("11 (threshold 4)")),
            "{:?}",
            finding.fact("mail.score")
        );
    }

    #[test]
    fn rmm_invitations_installers_and_iocs() {
        let detector = detector();
        let mut mail = Mail {
            message_id: Some("<2@x>".into()),
            from: Some(Address {
                name: None,
                address: "it@helpdesk.example".into(),
            }),
            subject: Some("Remote session".into()),
            body: "Join: https://support.evil.example/Bin/ScreenConnect.ClientSetup.exe?e=Access&y=Guest&h=relay.evil.example&p=8041 \
                   or visit myhelpcare.online"
                .into(),
            ..Mail::default()
        };
        mail.links = vec![
            "https://support.evil.example/Bin/ScreenConnect.ClientSetup.exe?e=Access&y=Guest&h=relay.evil.example&p=8041".into(),
            "https://anydesk.com/en".into(),
        ];
        mail.attachments.push(Attachment {
            name: Some("AnyDesk.exe".into()),
            content_type: "application/octet-stream".into(),
            size: 10,
            kind: rmmguard_events::AttachmentKind::Executable,
            text: None,
            note: None,
        });
        let found = findings(&detector, mail);
        let ids: Vec<&str> = found.iter().map(|f| f.rule.id).collect();
        assert_eq!(ids, ["E014", "M004", "M005"], "{found:#?}");
        let link = &found[1];
        assert_eq!(link.tenant.as_deref(), Some("relay.evil.example"));
        assert_eq!(link.tool.as_ref().map(|t| &*t.id), Some("screenconnect"));
        assert_eq!(found[0].fact("ioc.value"), Some("myhelpcare.online"));
    }
}
