//! iptables / ip6tables: an `iptables-restore --noflush` file that owns only
//! the RMMGUARD-* chains of the filter table, so reloading it replaces them
//! and leaves every other rule alone. The hooks from FORWARD, OUTPUT and
//! INPUT are inserted once, by the commands the header gives.

use std::fmt::Write as _;

use crate::addresses::AddressBlock;
use crate::network::{NetworkPlan, family};
use crate::ports::PortClass;
use crate::scope::Scope;
use crate::text::firewall_comment;
use crate::{Note, Output, OutputFile, Reason, Target};

/// Which file: IPv4 (`iptables-restore`) or IPv6 (`ip6tables-restore`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    V4,
    V6,
}

impl Family {
    fn target(self) -> Target {
        match self {
            Family::V4 => Target::Iptables,
            Family::V6 => Target::Ip6tables,
        }
    }

    fn command(self) -> &'static str {
        match self {
            Family::V4 => "iptables",
            Family::V6 => "ip6tables",
        }
    }

    fn is_v6(self) -> bool {
        self == Family::V6
    }
}

const CHAINS: [&str; 6] = [
    "RMMGUARD-FORWARD",
    "RMMGUARD-FWD-INSIDE",
    "RMMGUARD-FWD-OUTSIDE",
    "RMMGUARD-EGRESS",
    "RMMGUARD-INGRESS",
    "RMMGUARD-APPROVED",
];

pub(crate) fn generate(scope: &Scope<'_>, family_: Family) -> Output {
    let plan = NetworkPlan::new(scope);
    let target = family_.target();
    let command = family_.command();
    let mut writer = Writer::default();
    writer
        .text
        .push_str(&scope.options.provenance.comment(target.name(), "#"));
    let _ = write!(
        writer.text,
        "#\n# Load with `{command}-restore --noflush FILE`: it replaces the RMMGUARD-* chains\n\
         # and leaves every other rule alone. Hook them in once (safe to repeat):\n\
         #   {command} -C FORWARD -j RMMGUARD-FORWARD 2>/dev/null || {command} -I FORWARD 1 -j RMMGUARD-FORWARD\n\
         #   {command} -C OUTPUT -j RMMGUARD-EGRESS 2>/dev/null || {command} -I OUTPUT 1 -j RMMGUARD-EGRESS\n\
         #   {command} -C INPUT -j RMMGUARD-INGRESS 2>/dev/null || {command} -I INPUT 1 -j RMMGUARD-INGRESS\n\
         # EGRESS: inside -> outside; INGRESS: outside -> inside.\n\
         # Ports of authorized tools stay open from the approved paths only.\n\
         # Loopback, sessions already up and infrastructure ports are never dropped.\n\
         *filter\n"
    );
    for chain in CHAINS {
        let _ = writeln!(writer.text, ":{chain} - [0:0]");
    }
    forward(&mut writer, &plan, family_);
    direction(
        &mut writer,
        &plan,
        family_,
        "RMMGUARD-EGRESS",
        "-d",
        "outbound",
    );
    direction(
        &mut writer,
        &plan,
        family_,
        "RMMGUARD-INGRESS",
        "-s",
        "inbound",
    );
    approved(&mut writer, &plan, family_);
    writer.text.push_str("COMMIT\n");
    let notes = writer.notes;
    let remarks = crate::group_notes(plan.remarks);
    let warnings = plan.warnings;
    Output {
        files: vec![OutputFile {
            name: target.default_file_name().to_owned(),
            text: writer.text,
        }],
        notes,
        remarks,
        warnings,
    }
}

#[derive(Default)]
struct Writer {
    text: String,
    notes: Vec<Note>,
}

impl Writer {
    fn rule(&mut self, rule: String, reasons: Vec<Reason>) {
        self.text.push_str(&rule);
        self.text.push('\n');
        if !reasons.is_empty() {
            self.notes.push(Note { rule, reasons });
        }
    }
}

fn forward(writer: &mut Writer, plan: &NetworkPlan, family_: Family) {
    let internal: Vec<&AddressBlock> = family(&plan.internal, family_.is_v6()).collect();
    if internal.is_empty() {
        // Without internal ranges the direction is unknown: apply both.
        writer.rule(
            "-A RMMGUARD-FORWARD -j RMMGUARD-EGRESS".to_owned(),
            Vec::new(),
        );
        writer.rule(
            "-A RMMGUARD-FORWARD -j RMMGUARD-INGRESS".to_owned(),
            Vec::new(),
        );
        return;
    }
    for block in &internal {
        writer.rule(
            format!(
                "-A RMMGUARD-FORWARD -s {} -g RMMGUARD-FWD-INSIDE",
                block.net
            ),
            block.reasons.clone(),
        );
    }
    writer.rule(
        "-A RMMGUARD-FORWARD -g RMMGUARD-FWD-OUTSIDE".to_owned(),
        Vec::new(),
    );
    for block in &internal {
        // Inside to inside never crosses the perimeter.
        writer.rule(
            format!("-A RMMGUARD-FWD-INSIDE -d {} -j RETURN", block.net),
            block.reasons.clone(),
        );
    }
    writer.rule(
        "-A RMMGUARD-FWD-INSIDE -g RMMGUARD-EGRESS".to_owned(),
        Vec::new(),
    );
    for block in &internal {
        writer.rule(
            format!(
                "-A RMMGUARD-FWD-OUTSIDE -d {} -g RMMGUARD-INGRESS",
                block.net
            ),
            block.reasons.clone(),
        );
    }
}

fn direction(
    writer: &mut Writer,
    plan: &NetworkPlan,
    family_: Family,
    chain: &str,
    host_flag: &str,
    what: &str,
) {
    // Before any drop: loopback and sessions already up (the operator's SSH
    // among them) leave these chains untouched. RETURN, not ACCEPT, so the
    // rest of the host's own firewall still judges them.
    let interface = if host_flag == "-d" { "-o" } else { "-i" };
    writer.rule(
        format!("-A {chain} {interface} lo -m comment --comment \"keep loopback\" -j RETURN"),
        Vec::new(),
    );
    writer.rule(
        format!(
            "-A {chain} -m conntrack --ctstate ESTABLISHED,RELATED -m comment --comment \"keep sessions that are already up\" -j RETURN"
        ),
        Vec::new(),
    );
    for block in family(&plan.vendor_hosts, family_.is_v6()) {
        let tools = tools(&block.reasons);
        writer.rule(
            format!(
                "-A {chain} {host_flag} {} -m comment --comment \"{what}: RMM vendor address ({tools})\" -j DROP",
                block.net
            ),
            block.reasons.clone(),
        );
    }
    for segment in &plan.ports.segments {
        let (verdict, why) = match segment.class {
            PortClass::ApprovedOnly => ("RMMGUARD-APPROVED", "authorized RMM port"),
            PortClass::Blocked => ("DROP", "unauthorized RMM port"),
        };
        let protocol = segment.protocol();
        let comment = firewall_comment(
            &format!("{what}: {why} ({})", segment.tools().join(" ")),
            250,
        );
        writer.rule(
            format!(
                "-A {chain} -p {protocol} -m {protocol} --dport {} -m comment --comment \"{comment}\" -j {verdict}",
                segment.ports(":")
            ),
            segment.reasons.clone(),
        );
    }
}

fn approved(writer: &mut Writer, plan: &NetworkPlan, family_: Family) {
    for block in family(&plan.approved, family_.is_v6()) {
        writer.rule(
            format!(
                "-A RMMGUARD-APPROVED -s {} -m comment --comment \"approved path\" -j RETURN",
                block.net
            ),
            block.reasons.clone(),
        );
    }
    writer.rule(
        "-A RMMGUARD-APPROVED -m comment --comment \"authorized RMM port off the approved paths\" -j DROP".to_owned(),
        Vec::new(),
    );
}

fn tools(reasons: &[Reason]) -> String {
    let mut tools: Vec<&str> = reasons.iter().filter_map(|r| r.tool.as_deref()).collect();
    tools.sort_unstable();
    tools.dedup();
    firewall_comment(&tools.join(" "), 200)
}
