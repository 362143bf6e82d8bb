//! The dataset generator: vendor tenant events with ground truth.
//!
//! `run` draws each tenant's kind from [`KINDS`] (legitimate populations,
//! [`lookalike`]s of each vendor tell, abusive kinds in [`abusive`] and
//! [`single`]-tell abusers, banned history), writes its records through [`builder`],
//! and writes the shard (`events-NNNNN.jsonl` or `.csv`, a few thousand
//! tenants each, sorted by arrival) before starting the next, so memory is
//! bounded by one shard. Labels go only to `truth.json` (and the abusive
//! tenants to `bans.csv`, the ban list `tenants fit` learns from); nothing
//! in the events names a kind. The same seed always gives the same files.

pub mod abusive;
pub mod builder;
pub mod fleet;
pub mod identity;
pub mod legit;
pub mod lookalike;
pub mod rng;
pub mod single;
pub mod tape;
pub mod vocab;
pub mod world;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::simulate::abusive::Tells;
use crate::simulate::builder::Gen;
use crate::simulate::rng::Rng;
use crate::simulate::single::Tell;
use crate::simulate::tape::{OutputFormat, Tape};
use crate::simulate::world::World;
use crate::time::{self, DAY};

const ID_STREAM: u64 = 0x1d;
const KIND_STREAM: u64 = 0x6b;
const TENANT_STREAM: u64 = 0x7e;
const SHARD_STREAM: u64 = 0x5d;

/// The name of the ground-truth file.
pub const TRUTH_FILE: &str = "truth.json";

/// The name of the ban list written beside it: every abusive tenant, as a
/// vendor's own bans would list them (the labels `tenants fit` learns from).
pub const BANS_FILE: &str = "bans.csv";

/// What a tenant is, in the ground truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Legitimate: a home user.
    Home,
    /// Legitimate: a small business.
    SmallBusiness,
    /// Legitimate: a managed service provider.
    Msp,
    /// Legitimate: a break-fix repair shop.
    BreakFix,
    /// Legitimate: someone helping friends and family.
    Freelancer,
    /// Legitimate: signed up, never used.
    Dormant,
    /// Legitimate look-alike of wipe-and-replace: an MSP that loses one
    /// client (sometimes its dominant one) and removes its endpoints once.
    MspLostClient,
    /// Legitimate look-alike of a trial burst: a trial that imports a whole
    /// fleet of one AD domain on its first day.
    TrialImport,
    /// Legitimate look-alike of a fresh domain: a new business that
    /// registered its domain the week it signed up and enrols its own PCs.
    FreshBusiness,
    /// Abusive, banned in the past (excluded from precision/recall).
    Banned,
    /// Abusive: fresh admin domain.
    FreshDomain,
    /// Abusive: wipe-and-replace cycles.
    WipeReplace,
    /// Abusive: one endpoint per AD domain.
    AdSpread,
    /// Abusive: one-shot endpoints only.
    OneShot,
    /// Abusive: trial burst.
    TrialBurst,
    /// Abusive: linked to banned tenants.
    Linked,
    /// Abusive: brand and help-desk naming.
    Brand,
    /// Abusive: two tells at once.
    Mixed,
    /// Abusive: hides among an MSP-like fleet.
    MspMimic,
    /// Abusive, one tell only: a fresh admin domain, otherwise ordinary.
    FreshOnly,
    /// Abusive, one tell only: regular wipe-and-replace, otherwise ordinary.
    WipeOnly,
    /// Abusive, one tell only: AD-domain spread, otherwise ordinary.
    SpreadOnly,
}

/// Every kind with its share of tenants.
pub const KINDS: &[(Kind, f64)] = &[
    (Kind::Home, 0.366),
    (Kind::SmallBusiness, 0.31),
    (Kind::Msp, 0.025),
    (Kind::BreakFix, 0.02),
    (Kind::Freelancer, 0.08),
    (Kind::Dormant, 0.10),
    (Kind::MspLostClient, 0.008),
    (Kind::TrialImport, 0.008),
    (Kind::FreshBusiness, 0.008),
    (Kind::Banned, 0.01),
    (Kind::FreshDomain, 0.05 * 0.15),
    (Kind::WipeReplace, 0.05 * 0.14),
    (Kind::AdSpread, 0.05 * 0.10),
    (Kind::OneShot, 0.05 * 0.15),
    (Kind::TrialBurst, 0.05 * 0.10),
    (Kind::Linked, 0.05 * 0.12),
    (Kind::Brand, 0.05 * 0.10),
    (Kind::Mixed, 0.05 * 0.09),
    (Kind::MspMimic, 0.05 * 0.05),
    (Kind::FreshOnly, 0.005),
    (Kind::WipeOnly, 0.005),
    (Kind::SpreadOnly, 0.005),
];

impl Kind {
    /// The kind's name in truth files.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Home => "home",
            Kind::SmallBusiness => "small_business",
            Kind::Msp => "msp",
            Kind::BreakFix => "break_fix",
            Kind::Freelancer => "freelancer",
            Kind::Dormant => "dormant",
            Kind::MspLostClient => "msp_lost_client",
            Kind::TrialImport => "trial_import",
            Kind::FreshBusiness => "fresh_business",
            Kind::Banned => "banned",
            Kind::FreshDomain => "fresh_domain",
            Kind::WipeReplace => "wipe_replace",
            Kind::AdSpread => "ad_spread",
            Kind::OneShot => "one_shot",
            Kind::TrialBurst => "trial_burst",
            Kind::Linked => "linked",
            Kind::Brand => "brand",
            Kind::Mixed => "mixed",
            Kind::MspMimic => "msp_mimic",
            Kind::FreshOnly => "fresh_only",
            Kind::WipeOnly => "wipe_only",
            Kind::SpreadOnly => "spread_only",
        }
    }

    /// Whether tenants of this kind are abusive.
    pub fn is_abusive(self) -> bool {
        self >= Kind::Banned
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The seed; the same seed gives the same files.
    pub seed: u64,
    /// Tenants to generate.
    pub tenants: u64,
    /// Tenants per output file.
    pub shard_tenants: u64,
    /// Output format.
    pub format: OutputFormat,
    /// The end of the stream (seconds since the epoch).
    pub end: i64,
    /// Share of invalid lines mixed in (readers must skip and count them).
    pub garbage: f64,
}

impl Default for SimConfig {
    fn default() -> SimConfig {
        SimConfig {
            seed: 1,
            tenants: 2_000,
            shard_tenants: 5_000,
            format: OutputFormat::JsonLines,
            end: time::parse("2024-07-01T00:00:00Z").unwrap_or(1_719_792_000),
            garbage: 0.0001,
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct SimSummary {
    /// Tenants written.
    pub tenants: u64,
    /// Records written (valid ones and garbage).
    pub records: u64,
    /// Tenants per kind.
    pub kinds: BTreeMap<Kind, u64>,
    /// Files written.
    pub files: Vec<PathBuf>,
}

/// Writes a dataset and its `truth.json` into `dir`.
///
/// # Errors
///
/// A file cannot be created or written.
pub fn run(config: &SimConfig, dir: &Path) -> Result<SimSummary, Error> {
    std::fs::create_dir_all(dir).map_err(|error| Error::io(dir, error))?;
    let world = World {
        seed: config.seed,
        crews: (config.tenants / 400).max(1),
    };
    let truth_path = dir.join(TRUTH_FILE);
    let mut truth = Truth::create(&truth_path, config)?;
    let bans_path = dir.join(BANS_FILE);
    let bans_file = File::create(&bans_path).map_err(|error| Error::io(&bans_path, error))?;
    let mut bans = BufWriter::new(bans_file);
    bans.write_all(b"tenant,kind\n")
        .map_err(|error| Error::io(&bans_path, error))?;
    let mut summary = SimSummary::default();
    let shard_size = config.shard_tenants.max(1);
    for (shard, first) in (0..config.tenants).step_by(shard_size as usize).enumerate() {
        let last = (first + shard_size).min(config.tenants);
        let mut tape = Tape::new(config.format, config.end);
        for idx in first..last {
            let (id, kind) = tenant(config, &world, idx, &mut tape);
            truth
                .add(&id, kind)
                .map_err(|error| Error::io(&truth_path, error))?;
            if kind.is_abusive() {
                writeln!(bans, "{id},{}", kind.name())
                    .map_err(|error| Error::io(&bans_path, error))?;
            }
            *summary.kinds.entry(kind).or_default() += 1;
        }
        add_garbage(config, shard as u64, &mut tape);
        let path = dir.join(format!("events-{shard:05}.{}", config.format.extension()));
        summary.records += write_shard(&path, &mut tape)?;
        summary.files.push(path);
    }
    truth
        .finish()
        .map_err(|error| Error::io(&truth_path, error))?;
    bans.flush().map_err(|error| Error::io(&bans_path, error))?;
    summary.tenants = config.tenants;
    Ok(summary)
}

/// Generates tenant `idx`; returns its id and kind.
fn tenant(config: &SimConfig, world: &World, idx: u64, tape: &mut Tape) -> (String, Kind) {
    let id = format!("t{}", Rng::derive(config.seed, ID_STREAM, idx).hex(12));
    let weights: Vec<f64> = KINDS.iter().map(|(_, share)| *share).collect();
    let kind = KINDS[Rng::derive(config.seed, KIND_STREAM, idx).weighted(&weights)].0;
    let mut g = Gen::new(
        id.clone(),
        Rng::derive(config.seed, TENANT_STREAM, idx),
        tape,
    );
    match kind {
        Kind::Home => legit::home(&mut g, world),
        Kind::SmallBusiness => legit::small_business(&mut g, world),
        Kind::Msp => legit::msp(&mut g, world),
        Kind::BreakFix => legit::break_fix(&mut g, world),
        Kind::Freelancer => legit::freelancer(&mut g, world),
        Kind::Dormant => legit::dormant(&mut g, world),
        Kind::MspLostClient => lookalike::msp_lost_client(&mut g, world),
        Kind::TrialImport => lookalike::trial_import(&mut g, world),
        Kind::FreshBusiness => lookalike::fresh_business(&mut g, world),
        Kind::FreshOnly => single::abuser(&mut g, Tell::Fresh),
        Kind::WipeOnly => single::abuser(&mut g, Tell::Wipes),
        Kind::SpreadOnly => single::abuser(&mut g, Tell::Spread),
        Kind::Banned => abusive::banned(&mut g, world),
        Kind::Mixed => {
            let tells = Tells::mixed(&mut g);
            abusive::abuser(&mut g, world, tells);
        }
        kind => abusive::abuser(&mut g, world, tells_of(kind)),
    }
    (id, kind)
}

fn tells_of(kind: Kind) -> Tells {
    let mut tells = Tells::default();
    match kind {
        Kind::FreshDomain => tells.fresh = true,
        Kind::WipeReplace => tells.wipes = true,
        Kind::AdSpread => tells.spread = true,
        Kind::TrialBurst => tells.burst = true,
        Kind::Linked => tells.linked = true,
        Kind::Brand => tells.brand = true,
        Kind::MspMimic => tells.mimic = true,
        _ => {}
    }
    tells
}

fn add_garbage(config: &SimConfig, shard: u64, tape: &mut Tape) {
    let mut rng = Rng::derive(config.seed, SHARD_STREAM, shard);
    let count = (tape.len() as f64 * config.garbage).round() as u64;
    for _ in 0..count {
        let ts = config.end - rng.range(0, 365 * DAY);
        let variant = rng.next_u64();
        tape.garbage(ts, variant);
    }
}

fn write_shard(path: &Path, tape: &mut Tape) -> Result<u64, Error> {
    let file = File::create(path).map_err(|error| Error::io(path, error))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let written = tape
        .drain_to(&mut out)
        .map_err(|error| Error::io(path, error))?;
    out.flush().map_err(|error| Error::io(path, error))?;
    Ok(written)
}

/// `truth.json`, written as tenants are generated.
struct Truth {
    out: BufWriter<File>,
    first: bool,
}

impl Truth {
    fn create(path: &Path, config: &SimConfig) -> Result<Truth, Error> {
        let file = File::create(path).map_err(|error| Error::io(path, error))?;
        let mut out = BufWriter::new(file);
        let header = format!(
            "{{\"schema\":\"rmmguard.tenants_truth/1\",\"seed\":{},\"tenants\":{},\"labels\":[\n",
            config.seed, config.tenants
        );
        out.write_all(header.as_bytes())
            .map_err(|error| Error::io(path, error))?;
        Ok(Truth { out, first: true })
    }

    fn add(&mut self, tenant: &str, kind: Kind) -> std::io::Result<()> {
        if !self.first {
            self.out.write_all(b",\n")?;
        }
        self.first = false;
        write!(
            self.out,
            "{{\"tenant\":\"{tenant}\",\"abusive\":{},\"banned\":{},\"kind\":\"{}\"}}",
            kind.is_abusive(),
            kind == Kind::Banned,
            kind.name()
        )
    }

    fn finish(mut self) -> std::io::Result<()> {
        self.out.write_all(b"\n]}\n")?;
        self.out.flush()
    }
}
