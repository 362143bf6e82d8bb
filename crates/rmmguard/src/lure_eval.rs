//! Lure detection quality against a generated corpus's `lures.json`
//! (`rmmguard simulate --lures`): per message, whether a callback-lure
//! finding (M001–M003) names it by its `Message-ID`, and with which numbers.
//!
//! * *recall*: lures flagged **with the right number** in E.164, over lures;
//! * *false callback rate*: look-alikes flagged as lures, over look-alikes.
//!
//! Both by language, by country (of the number format), by where the number
//! is (body, PDF, DOCX, invitation, image) and by how it was written.
//! Picture lures count towards recall only when their images were read
//! (`--ocr`); otherwise they are reported apart.

use std::collections::{BTreeMap, HashMap};

use rmmguard_findings::{FactKey, Finding, rules};
use rmmguard_simulate::lures::{LureTruth, MessageTruth};
use rmmguard_sinks::text::{Block, Document, Table};

use crate::eval::ratio;

/// Counts of one group of messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LureCounts {
    /// Lures scored.
    pub lures: u64,
    /// Lures flagged as lures.
    pub flagged: u64,
    /// Lures flagged with the right number.
    pub right_number: u64,
    /// Look-alikes.
    pub benign: u64,
    /// Look-alikes flagged as lures.
    pub false_callbacks: u64,
}

impl LureCounts {
    /// Lures flagged with the right number, over lures (1.0 when none).
    pub fn recall(&self) -> f64 {
        ratio(self.right_number, self.lures)
    }

    /// Look-alikes flagged, over look-alikes (0.0 when none).
    pub fn false_callback_rate(&self) -> f64 {
        if self.benign == 0 {
            0.0
        } else {
            self.false_callbacks as f64 / self.benign as f64
        }
    }

    fn add(&mut self, other: &LureCounts) {
        self.lures += other.lures;
        self.flagged += other.flagged;
        self.right_number += other.right_number;
        self.benign += other.benign;
        self.false_callbacks += other.false_callbacks;
    }
}

/// The outcome of a lure evaluation.
#[derive(Debug, Clone, Default)]
pub struct LureScore {
    /// Every scored message.
    pub overall: LureCounts,
    /// By language.
    pub by_language: BTreeMap<String, LureCounts>,
    /// By country.
    pub by_country: BTreeMap<String, LureCounts>,
    /// By delivery.
    pub by_delivery: BTreeMap<String, LureCounts>,
    /// Lures by how the number was written.
    pub by_shape: BTreeMap<String, LureCounts>,
    /// Look-alikes by kind.
    pub by_kind: BTreeMap<String, LureCounts>,
    /// Picture lures not scored because images were not read: (flagged, total).
    pub unread_images: (u64, u64),
    /// Lures missed or flagged without their number: (file, why).
    pub misses: Vec<(String, String)>,
    /// Look-alikes flagged: (file, summary).
    pub false_callbacks: Vec<(String, String)>,
}

/// Scores the findings of a hunt over a corpus against its truth.
pub fn score(truth: &LureTruth, findings: &[Finding], images_read: bool) -> LureScore {
    let lure_rules = [
        rules::MAIL_CALLBACK.id,
        rules::MAIL_CALLBACK_ATTACHMENT.id,
        rules::MAIL_IMAGE_LURE.id,
    ];
    let mut flagged: HashMap<&str, (Vec<&str>, &str)> = HashMap::new();
    for finding in findings.iter().filter(|f| lure_rules.contains(&f.rule.id)) {
        let Some(id) = finding.fact(FactKey::EmailMessageId) else {
            continue;
        };
        let id = id.trim_matches(['<', '>']);
        let entry = flagged
            .entry(id)
            .or_insert((Vec::new(), finding.summary.as_str()));
        entry.0.extend(
            finding
                .values(FactKey::PhoneE164)
                .iter()
                .map(String::as_str),
        );
    }
    let mut score = LureScore::default();
    for message in &truth.messages {
        let found = flagged.get(message.message_id.as_str());
        let mut counts = LureCounts::default();
        if message.lure {
            if message.delivery == "image" && !images_read {
                score.unread_images.1 += 1;
                score.unread_images.0 += u64::from(found.is_some());
                continue;
            }
            counts.lures = 1;
            counts.flagged = u64::from(found.is_some());
            let right = found.is_some_and(|(numbers, _)| numbers.contains(&message.e164.as_str()));
            counts.right_number = u64::from(right);
            if !right {
                let why = match found {
                    None => format!(
                        "not flagged; number {} written {:?}",
                        message.e164, message.written
                    ),
                    Some((numbers, _)) => format!(
                        "flagged with {:?}, not {} written {:?}",
                        numbers, message.e164, message.written
                    ),
                };
                score.misses.push((describe(message), why));
            }
            for shape in &message.shape {
                score
                    .by_shape
                    .entry(shape.clone())
                    .or_default()
                    .add(&counts);
            }
        } else {
            counts.benign = 1;
            if let Some((_, summary)) = found {
                counts.false_callbacks = 1;
                score
                    .false_callbacks
                    .push((describe(message), (*summary).to_owned()));
            }
            score
                .by_kind
                .entry(message.kind.clone())
                .or_default()
                .add(&counts);
        }
        score.overall.add(&counts);
        score
            .by_language
            .entry(message.language.clone())
            .or_default()
            .add(&counts);
        score
            .by_country
            .entry(message.country.clone())
            .or_default()
            .add(&counts);
        score
            .by_delivery
            .entry(message.delivery.clone())
            .or_default()
            .add(&counts);
    }
    score
}

fn describe(message: &MessageTruth) -> String {
    format!(
        "{} ({} {} {} {} {})",
        message.file,
        message.kind,
        message.language,
        message.country,
        message.delivery,
        message.sender
    )
}

/// The score as a report: the totals, a table per grouping, then the misses
/// and false callbacks (at most `list` of each).
pub fn document(score: &LureScore, list: usize) -> Document {
    let mut blocks = Vec::new();
    let o = &score.overall;
    blocks.push(Block::Line(format!(
        "recall (right E.164): {:.4} ({} of {} lures; {} flagged)",
        o.recall(),
        o.right_number,
        o.lures,
        o.flagged
    )));
    blocks.push(Block::Line(format!(
        "false callback rate: {:.4} ({} of {} look-alikes)",
        o.false_callback_rate(),
        o.false_callbacks,
        o.benign
    )));
    if score.unread_images.1 > 0 {
        blocks.push(Block::Line(format!(
            "picture lures not scored (images not read; run with --ocr): {} of {} flagged as image-only",
            score.unread_images.0, score.unread_images.1
        )));
    }
    for (title, groups) in [
        ("LANGUAGE", &score.by_language),
        ("COUNTRY", &score.by_country),
        ("DELIVERY", &score.by_delivery),
    ] {
        blocks.push(Block::Blank);
        blocks.push(Block::Table(table(title, groups, true)));
    }
    blocks.push(Block::Blank);
    blocks.push(Block::Table(table(
        "NUMBER WRITTEN",
        &score.by_shape,
        false,
    )));
    blocks.push(Block::Blank);
    let kinds = score
        .by_kind
        .iter()
        .map(|(kind, c)| {
            vec![
                kind.clone(),
                c.benign.to_string(),
                c.false_callbacks.to_string(),
                format!("{:.2}%", 100.0 * c.false_callback_rate()),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table::new(
        &["LOOK-ALIKE", ">MESSAGES", ">FLAGGED", ">RATE"],
        kinds,
    )));
    for (title, items) in [
        ("misses:", &score.misses),
        ("false callbacks:", &score.false_callbacks),
    ] {
        if items.is_empty() {
            continue;
        }
        blocks.push(Block::Blank);
        blocks.push(Block::Line(format!("{title} ({})", items.len())));
        for (file, why) in items.iter().take(list) {
            blocks.push(Block::Line(format!("  {file}: {why}")));
        }
    }
    Document(blocks)
}

fn table(title: &str, groups: &BTreeMap<String, LureCounts>, benign: bool) -> Table {
    let rows = groups
        .iter()
        .map(|(name, c)| {
            let mut row = vec![
                name.clone(),
                c.lures.to_string(),
                c.right_number.to_string(),
                format!("{:.3}", c.recall()),
            ];
            if benign {
                row.push(c.benign.to_string());
                row.push(c.false_callbacks.to_string());
                row.push(format!("{:.2}%", 100.0 * c.false_callback_rate()));
            }
            row
        })
        .collect();
    let mut headers = vec![title, ">LURES", ">RIGHT NUMBER", ">RECALL"];
    if benign {
        headers.extend([">LOOK-ALIKES", ">FLAGGED", ">FALSE CALLBACK"]);
    }
    Table::new(&headers, rows)
}
