//! The hunt engine: discover inputs, split them into units, read and
//! inspect the units on a worker pool, merge, judge, and point every piece
//! of evidence at its line.
//!
//! Parallelism is by data: each worker reads a unit (an EVTX chunk range,
//! a JSON-lines byte range, a whole small file) and runs every rule over
//! its events into its own tally. Tallies and statistics merge in any
//! order with the same result, so output does not depend on the thread count.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use rmmguard_catalog::PortTransport;
use rmmguard_correlate::audit::{AuditRow, audit};
use rmmguard_correlate::indicators::{self, Counted};
use rmmguard_correlate::{Entities, correlate};
use rmmguard_detect::{Detector, Report, Tally};
use rmmguard_events::{Location, SourceRef, Transport};
use rmmguard_findings::Incident;
use rmmguard_sinks::Run;
use rmmguard_sources::{
    DiagnosticLevel, Discovery, FileStats, Format, Input, NetScreen, Prefilter, ReadContext,
    Skipped, Unit, discover_each, plan, read_unit,
};

use crate::Error;
use crate::lines::LineIndex;

/// How to run a hunt.
#[derive(Debug, Clone)]
pub struct HuntConfig {
    /// Worker threads; 0 uses every core.
    pub threads: usize,
    /// Bytes per unit of parallel work.
    pub unit_bytes: u64,
    /// Skip raw records that contain no needle without parsing them.
    pub prefilter: bool,
    /// Which site (network) events belong to.
    pub site: SiteMode,
    /// Known assets (hosts, IPs, users, mailboxes) for joining findings.
    pub entities: Entities,
    /// Correlation windows.
    pub correlate: rmmguard_correlate::Config,
    /// Read mail images with OCR (`None`: images are not read).
    pub ocr: Option<rmmguard_sources::Ocr>,
}

impl Default for HuntConfig {
    fn default() -> HuntConfig {
        HuntConfig {
            threads: 0,
            unit_bytes: 4 << 20,
            prefilter: true,
            site: SiteMode::None,
            entities: Entities::default(),
            correlate: rmmguard_correlate::Config::default(),
            ocr: None,
        }
    }
}

/// How events get their site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteMode {
    /// No site.
    None,
    /// Every event belongs to this site.
    Fixed(String),
    /// Each top-level folder under a path given is a site.
    FromDir,
}

/// Progress reporting for long runs (a terminal progress bar, or nothing).
pub trait Progress: Sync {
    /// The run will read this many bytes.
    fn start(&self, total_bytes: u64);
    /// This many more bytes were read.
    fn advance(&self, bytes: u64);
    /// The run is over.
    fn finish(&self);
}

/// Progress that goes nowhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// One input file and what reading it amounted to.
#[derive(Debug, Clone)]
pub struct FileSummary {
    /// The file.
    pub path: Arc<Path>,
    /// Its sniffed format.
    pub format: Format,
    /// Whether it was gzip-compressed.
    pub gzip: bool,
    /// Its site.
    pub site: Option<Arc<str>>,
    /// Counts and diagnostics.
    pub stats: FileStats,
}

/// The outcome of a hunt.
#[derive(Debug)]
pub struct Hunt {
    /// Findings and inventory.
    pub report: Report,
    /// Findings joined into incidents, most severe first.
    pub incidents: Vec<Incident>,
    /// The RMM audit: one row per tool and tenant.
    pub audit: Vec<AuditRow>,
    /// Indicators named by flagged findings, most named first.
    pub indicators: Vec<Counted>,
    /// Every file read, in path order.
    pub files: Vec<FileSummary>,
    /// Files passed over, and why.
    pub skipped: Vec<Skipped>,
    /// Wall-clock time of the hunt.
    pub elapsed: Duration,
    /// Worker threads used.
    pub threads: usize,
    /// Whether the prefilter was on.
    pub prefiltered: bool,
    /// Prefilter needles, if it was on.
    pub needles: usize,
}

impl Hunt {
    /// Total bytes read.
    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.stats.bytes).sum()
    }

    /// Total records in the files read.
    pub fn records(&self) -> u64 {
        self.files.iter().map(|f| f.stats.records).sum()
    }

    /// Total records skipped as malformed.
    pub fn skipped_records(&self) -> u64 {
        self.files.iter().map(|f| f.stats.skipped).sum()
    }

    /// The run as every output sees it (see `rmmguard_sinks::Sink`).
    pub fn view(&self) -> Run<'_> {
        let diagnostics = self
            .files
            .iter()
            .flat_map(|file| &file.stats.diagnostics)
            .map(|d| {
                let level = match d.level {
                    DiagnosticLevel::Error => "error",
                    DiagnosticLevel::Warning => "warning",
                    DiagnosticLevel::Note => "note",
                };
                (&d.source, level, d.message.as_str())
            })
            .collect();
        Run {
            files: self.files.len(),
            bytes: self.bytes(),
            records: self.records(),
            parsed: self.files.iter().map(|f| f.stats.parsed).sum(),
            skipped_records: self.skipped_records(),
            skipped_files: self
                .skipped
                .iter()
                .map(|s| (s.path.display().to_string(), s.reason.clone()))
                .collect(),
            diagnostics,
            elapsed: self.elapsed,
            threads: self.threads,
            findings: &self.report.findings,
            suppressed: self.report.suppressed.len(),
            incidents: &self.incidents,
            audit: &self.audit,
            inventory: &self.report.inventory,
            indicators: &self.indicators,
            assets: None,
        }
    }
}

/// Hunts through files and folders with a compiled detector.
///
/// # Errors
///
/// A path that does not exist, or a worker pool that cannot start. Bad
/// files and records are reported in the result, never as errors.
pub fn hunt(
    paths: &[PathBuf],
    detector: &Detector,
    config: &HuntConfig,
    progress: &dyn Progress,
) -> Result<Hunt, Error> {
    let started = Instant::now();
    let Discovery { inputs, skipped } = discover_with_sites(paths, &config.site)?;
    let units = plan(&inputs, config.unit_bytes);
    let (prefilter, screen) = if config.prefilter {
        (
            Some(Prefilter::new(detector.needles().as_slice())?),
            Some(network_screen(detector)),
        )
    } else {
        (None, None)
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .map_err(|e| Error::Threads {
            threads: config.threads,
            message: e.to_string(),
        })?;
    progress.start(inputs.iter().map(|i| i.len).sum());
    let context = ReadContext {
        prefilter: prefilter.as_ref(),
        screen: screen.as_ref(),
        ocr: config.ocr.as_ref(),
    };
    let outputs: Vec<(usize, FileStats, Tally)> = pool.install(|| {
        units
            .par_iter()
            .map(|unit| {
                let output = run_unit(&inputs, unit, detector, &context);
                progress.advance(unit.end - unit.start);
                output
            })
            .collect()
    });
    progress.finish();
    let mut tally = detector.tally();
    let mut stats: Vec<FileStats> = vec![FileStats::default(); inputs.len()];
    for (input, unit_stats, unit_tally) in outputs {
        stats[input].merge(unit_stats);
        tally.merge(unit_tally);
    }
    let mut report = detector.finish(tally);
    resolve_lines(&inputs, &mut report, &mut stats);
    let incidents = correlate(&report.findings, &config.entities, &config.correlate);
    let audit = audit(&report.inventory, &|tool, host, tenant| {
        detector.authorization(&tool.id, host, tenant)
    });
    let files = inputs
        .iter()
        .zip(stats)
        .map(|(input, stats)| FileSummary {
            path: Arc::clone(&input.path),
            format: input.format,
            gzip: input.gzip,
            site: input.site.clone(),
            stats,
        })
        .collect();
    let indicators = indicators::flagged(&report.findings);
    Ok(Hunt {
        report,
        incidents,
        audit,
        indicators,
        files,
        skipped,
        elapsed: started.elapsed(),
        threads: pool.current_num_threads(),
        prefiltered: prefilter.is_some(),
        needles: prefilter.as_ref().map_or(0, Prefilter::len),
    })
}

/// The network screen, filled from what the detector's network rules judge.
pub(crate) fn network_screen(detector: &Detector) -> NetScreen {
    let interest = detector.network_interest();
    let mut screen = NetScreen::default();
    for (transport, port) in interest.ports {
        let transport = match transport {
            PortTransport::Tcp => Transport::Tcp,
            PortTransport::Udp => Transport::Udp,
        };
        screen.watch_port(transport, port);
    }
    for protocol in interest.protocols {
        screen.watch_protocol(protocol);
    }
    for ip in interest.addresses {
        screen.watch_address(ip);
    }
    for net in interest.nets {
        screen.watch_net(net);
    }
    screen
}

fn run_unit(
    inputs: &[Input],
    unit: &Unit,
    detector: &Detector,
    context: &ReadContext<'_>,
) -> (usize, FileStats, Tally) {
    let mut tally = detector.tally();
    let input = &inputs[unit.input];
    let stats = read_unit(input, unit, context, &mut |event| {
        detector.inspect(&event, &mut tally)
    });
    (unit.input, stats, tally)
}

/// Discovers each path separately so `--site-from-dir` knows each file's root.
fn discover_with_sites(paths: &[PathBuf], site: &SiteMode) -> Result<Discovery, Error> {
    let mut all = Discovery::default();
    for (root, found) in paths.iter().zip(discover_each(paths)?) {
        let Discovery {
            mut inputs,
            skipped,
        } = found;
        for input in &mut inputs {
            input.site = match site {
                SiteMode::None => None,
                SiteMode::Fixed(name) => Some(Arc::from(name.as_str())),
                SiteMode::FromDir => site_of(root, &input.path),
            };
        }
        all.inputs.extend(inputs);
        all.skipped.extend(skipped);
    }
    Ok(all)
}

/// The top-level folder of `path` under `root` (or the root's own name).
pub(crate) fn site_of(root: &Path, path: &Path) -> Option<Arc<str>> {
    let relative = path.strip_prefix(root).ok()?;
    let mut components = relative.components();
    let first = components.next()?;
    let name = if components.next().is_some() {
        first.as_os_str().to_string_lossy().into_owned()
    } else {
        root.file_name()?.to_string_lossy().into_owned()
    };
    Some(Arc::from(name.as_str()))
}

/// Turns the byte offsets JSON-lines readers report into line numbers, for
/// every piece of evidence and every diagnostic.
fn resolve_lines(inputs: &[Input], report: &mut Report, stats: &mut [FileStats]) {
    let mut by_file: Vec<(usize, Vec<u64>)> = Vec::new();
    let mut wanted = |source: &SourceRef| {
        if let Location::Offset(offset) = source.location
            && let Some(index) = inputs.iter().position(|i| {
                i.path == source.file && i.format == Format::EventJson && i.is_seekable()
            })
        {
            match by_file.iter_mut().find(|(i, _)| *i == index) {
                Some((_, offsets)) => offsets.push(offset),
                None => by_file.push((index, vec![offset])),
            }
        }
    };
    for_each_source(report, stats, &mut |source| wanted(source));
    if by_file.is_empty() {
        return;
    }
    let indexes: Vec<(Arc<Path>, LineIndex)> = by_file
        .into_iter()
        .filter_map(|(index, offsets)| {
            let path = Arc::clone(&inputs[index].path);
            LineIndex::build(&path, offsets)
                .ok()
                .map(|lines| (path, lines))
        })
        .collect();
    for_each_source(report, stats, &mut |source| {
        if let Location::Offset(offset) = source.location
            && let Some((_, lines)) = indexes.iter().find(|(path, _)| *path == source.file)
            && let Some(line) = lines.line_of(offset)
        {
            source.location = Location::Line { line, offset };
        }
    });
}

fn for_each_source(
    report: &mut Report,
    stats: &mut [FileStats],
    visit: &mut dyn FnMut(&mut SourceRef),
) {
    let findings = report
        .findings
        .iter_mut()
        .chain(report.suppressed.iter_mut().map(|(finding, _)| finding));
    for finding in findings {
        for evidence in &mut finding.evidence {
            visit(&mut evidence.source);
        }
    }
    for stat in stats {
        for diagnostic in &mut stat.diagnostics {
            visit(&mut diagnostic.source);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_from_folders() {
        let root = Path::new("/cases/acme");
        assert_eq!(
            site_of(root, Path::new("/cases/acme/hq/ws1/a.evtx")).as_deref(),
            Some("hq")
        );
        assert_eq!(
            site_of(root, Path::new("/cases/acme/a.evtx")).as_deref(),
            Some("acme")
        );
        assert_eq!(site_of(root, Path::new("/elsewhere/a.evtx")), None);
    }
}
