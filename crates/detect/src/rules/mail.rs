//! Rules over mail: callback-phishing lures (M001 in the body, M002 only in
//! a PDF/DOCX/ICS attachment, M003 image-only), RMM downloads and
//! invitations in links (M004) and attachments (M005), and indicators of
//! compromise named by a message (E014).
//!
//! Every mail finding carries the indicators an analyst blocks, as typed
//! facts: `phone.e164` (one value per number), `email.from.address`,
//! `email.reply_to.address`, `email.return_path`, `email.lure.domain`, plus
//! the message's identity (`email.message_id`, `email.subject`,
//! `email.to.address`) and, for lures, every signal that fired
//! (`email.signal.<name>`) and the score (`email.lure.score`). The sinks read
//! them back through the one indicator extractor.

use rmmguard_events::{AttachmentKind, Mail};
use rmmguard_findings::{Fact, FactKey, Rule, rules};

use super::pass::Pass;
use crate::lure::Lure;
use crate::lure::assess::{
    self, Assessment, Place, Verdict, domain_of, is_freemail, is_within, url_host,
};
use crate::lure::lexicon::INFRASTRUCTURE;
use crate::tally::HitSpec;

impl Pass<'_> {
    /// A mail message.
    pub(super) fn mail(&mut self, mail: &Mail) {
        let assessment = assess::assess(&self.detector.lure, mail);
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
            Verdict::ImageOnly if !numbers.is_empty() => {
                let read: Vec<&str> = mail
                    .attachments
                    .iter()
                    .filter(|a| a.kind == AttachmentKind::Image && a.text.is_some())
                    .map(|a| a.name.as_deref().unwrap_or("an image"))
                    .collect();
                format!(
                    "image-only lure{impersonating} asks {recipient} to call {} (read by OCR from {})",
                    numbers.join(", "),
                    read.join(", ")
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
            let phones = assessment.call_phones();
            facts.insert(0, Fact::many(FactKey::PhoneE164, numbers.iter().cloned()));
            facts.insert(
                1,
                Fact::many(
                    FactKey::PhoneRegion,
                    phones.iter().map(|p| p.region.as_str()),
                ),
            );
            facts.insert(
                2,
                Fact::many(FactKey::PhoneLineType, phones.iter().map(|p| p.line)),
            );
        }
        if !assessment.hidden_phones.is_empty() {
            facts.push(Fact::many(
                FactKey::PhoneHidden,
                assessment.hidden_phones.iter().cloned(),
            ));
        }
        let domains = lure_domains(&self.detector.lure, mail, assessment);
        if !domains.is_empty() {
            facts.push(Fact::many(
                FactKey::EmailLureDomain,
                domains.iter().cloned(),
            ));
        }
        if !assessment.brands.is_empty() {
            facts.push(Fact::many(
                FactKey::EmailBrand,
                assessment.brands.iter().cloned(),
            ));
        }
        facts.push(Fact::new(
            FactKey::EmailLureLanguage,
            match assessment.region_reason.as_str() {
                "" => assessment.language.clone(),
                reason => format!("{} (numbers read by {reason})", assessment.language),
            },
        ));
        facts.push(Fact::new(
            FactKey::EmailLureScore,
            format!(
                "{} (threshold {}): {}",
                assessment.score,
                assess::THRESHOLD,
                assessment.breakdown()
            ),
        ));
        for signal in &assessment.signals {
            // Every signal name has a key (a test checks the table covers them).
            if let Some(key) = FactKey::signal(signal.name) {
                facts.push(Fact::new(key, signal.detail.clone()));
            }
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
    pub(crate) fn mail_facts(&self, mail: &Mail) -> Vec<Fact> {
        let mut facts = Vec::new();
        if let Some(from) = &mail.from {
            facts.push(Fact::new(FactKey::EmailFromAddress, from.address.clone()));
            if let Some(name) = &from.name {
                facts.push(Fact::new(FactKey::EmailFromName, name.clone()));
            }
        }
        if !mail.reply_to.is_empty() {
            let addresses: Vec<&str> = mail.reply_to.iter().map(|a| a.address.as_str()).collect();
            facts.push(Fact::many(FactKey::EmailReplyTo, addresses.iter().cloned()));
        }
        if let Some(return_path) = &mail.return_path {
            facts.push(Fact::new(FactKey::EmailReturnPath, return_path.clone()));
        }
        if let Some(subject) = &mail.subject {
            facts.push(Fact::new(FactKey::EmailSubject, subject.clone()));
        }
        if let Some(id) = &mail.message_id {
            facts.push(Fact::new(FactKey::EmailMessageId, id.clone()));
        }
        if let Some(recipient) = &self.meta.user {
            facts.push(Fact::new(FactKey::EmailTo, recipient.clone()));
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
fn lure_domains(lure: &Lure, mail: &Mail, assessment: &Assessment) -> Vec<String> {
    let brand_domains: Vec<&str> = lure
        .lexicon
        .brand_list()
        .iter()
        .filter(|b| assessment.brands.contains(&b.name))
        .flat_map(|b| b.domains.iter().map(String::as_str))
        .collect();
    let mut candidates: Vec<String> = Vec::new();
    let senders = mail
        .from
        .iter()
        .chain(mail.reply_to.iter())
        .map(|a| domain_of(&a.address).to_owned())
        .chain(mail.return_path.iter().map(|p| domain_of(p).to_owned()));
    candidates.extend(senders);
    candidates.extend(mail.links.iter().filter_map(|link| url_host(link)));
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
    use rmmguard_findings::{FactKey, Finding};

    use crate::lure::assess::SIGNAL_NAMES;
    use crate::{DetectConfig, Detector, IocSet};

    #[test]
    fn every_lure_signal_has_a_fact_key() {
        for name in SIGNAL_NAMES {
            assert!(
                FactKey::signal(name).is_some(),
                "no fact key for signal {name}"
            );
        }
    }

    fn detector() -> Detector {
        Detector::new(
            &Catalog::builtin().unwrap(),
            None,
            IocSet::builtin(),
            DetectConfig::default(),
        )
        .unwrap()
    }

    fn findings(detector: &Detector, mail: Mail) -> Vec<Finding> {
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
        assert_eq!(finding.fact(FactKey::PhoneE164), Some("+18035550186"));
        assert_eq!(
            finding.fact(FactKey::EmailFromAddress),
            Some("renewals.desk@gmail.com")
        );
        assert_eq!(
            finding.fact(FactKey::EmailReplyTo),
            Some("billing@refund-desk.example")
        );
        assert_eq!(
            finding.fact(FactKey::EmailLureDomain),
            Some("refund-desk.example")
        );
        assert!(
            finding
                .fact(FactKey::SignalBrand)
                .is_some_and(|b| b.starts_with("\"Geek Squad\" at sender name:0")),
            "{:?}",
            finding.fact(FactKey::SignalBrand)
        );
        assert!(
            finding
                .fact(FactKey::EmailLureScore)
                .is_some_and(|s| s.starts_with("12 (threshold 4)")),
            "{:?}",
            finding.fact(FactKey::EmailLureScore)
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
        assert_eq!(found[0].fact(FactKey::IocValue), Some("myhelpcare.online"));
    }
}
