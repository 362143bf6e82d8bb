//! Windows Firewall: a PowerShell script of `New-NetFirewallRule` calls in
//! one rule group. It first removes that group's rules, so running it again
//! replaces them. Windows Firewall lets a block rule beat any allow rule, so
//! the approved paths are exempt by scoping each block to the addresses
//! outside them (the local address outbound, the remote address inbound).

use std::fmt::Write as _;
use std::net::IpAddr;

use crate::addresses::complement;
use crate::network::{NetworkPlan, nets};
use crate::ports::{PortClass, PortSegment};
use crate::scope::Scope;
use crate::text::powershell;
use crate::{Error, ErrorKind, Note, Output, OutputFile, Reason, Target};

pub(crate) fn generate(scope: &Scope<'_>) -> Result<Output, Error> {
    let group = scope.options.firewall_group.trim();
    if group.is_empty() || group.chars().any(char::is_control) {
        return Err(Error::new(
            Target::WindowsFirewall.name(),
            ErrorKind::BadOption(format!(
                "firewall group {group:?} must be a non-empty single-line name"
            )),
        ));
    }
    let plan = NetworkPlan::new(scope);
    let mut script = Script {
        text: String::new(),
        notes: Vec::new(),
        group: group.to_owned(),
    };
    script.text.push_str("#Requires -RunAsAdministrator\n");
    script.text.push_str(
        &scope
            .options
            .provenance
            .comment(Target::WindowsFirewall.name(), "#"),
    );
    let _ = write!(
        script.text,
        "#\n# Run elevated: powershell -ExecutionPolicy Bypass -File rmmguard-firewall.ps1\n\
         # Idempotent: removes every rule of the group first, then adds them again.\n\
         # Ports of authorized tools stay open from the approved paths only.\n\
         # Infrastructure ports are never blocked; inbound rules apply to the\n\
         # Private and Public profiles only, so management on the Domain network stays.\n\
         $ErrorActionPreference = 'Stop'\n\
         $Group = {}\n\
         Get-NetFirewallRule -Group $Group -ErrorAction SilentlyContinue | Remove-NetFirewallRule\n",
        powershell(group)
    );
    let outside_approved = outside(&plan);
    for (direction, word) in [("Outbound", "out"), ("Inbound", "in")] {
        let _ = writeln!(script.text, "\n# {direction}");
        vendor_hosts(&mut script, &plan, direction, word);
        for segment in &plan.ports.segments {
            port_rule(&mut script, segment, direction, word, &outside_approved);
        }
    }
    let notes = script.notes;
    let remarks = crate::group_notes(plan.remarks);
    let warnings = plan.warnings;
    Ok(Output {
        files: vec![OutputFile {
            name: Target::WindowsFirewall.default_file_name().to_owned(),
            text: script.text,
        }],
        notes,
        remarks,
        warnings,
    })
}

struct Script {
    text: String,
    notes: Vec<Note>,
    group: String,
}

impl Script {
    /// One `New-NetFirewallRule` call; `parameters` are already quoted.
    fn rule(
        &mut self,
        name: String,
        display: String,
        description: String,
        parameters: &[(&str, String)],
        reasons: Vec<Reason>,
    ) {
        let _ = write!(
            self.text,
            "New-NetFirewallRule -Group $Group -Name {} -DisplayName {} -Description {}",
            powershell(&format!("{}-{name}", self.group)),
            powershell(&format!("{}: {display}", self.group)),
            powershell(&description),
        );
        for (parameter, value) in parameters {
            let _ = write!(self.text, " -{parameter} {value}");
        }
        // Inbound blocks stay off the Domain profile: on the managed network
        // the host is inside the perimeter, where management reaches it.
        let profile = if parameters
            .iter()
            .any(|(parameter, value)| *parameter == "Direction" && value == "Inbound")
        {
            "Private, Public"
        } else {
            "Any"
        };
        let _ = writeln!(
            self.text,
            " -Action Block -Profile {profile} -Enabled True | Out-Null"
        );
        self.notes.push(Note {
            rule: format!("{}-{name}", self.group),
            reasons,
        });
    }
}

/// The address ranges outside every approved path, as a PowerShell array;
/// `None` when there are no approved paths (the block then applies to all).
fn outside(plan: &NetworkPlan) -> Option<String> {
    if plan.approved.is_empty() {
        return None;
    }
    let nets = nets(&plan.approved);
    let ranges: Vec<String> = complement(&nets, false)
        .into_iter()
        .chain(complement(&nets, true))
        .map(|(first, last)| powershell(&range(first, last)))
        .collect();
    Some(format!("@({})", ranges.join(", ")))
}

fn range(first: IpAddr, last: IpAddr) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}-{last}")
    }
}

fn vendor_hosts(script: &mut Script, plan: &NetworkPlan, direction: &str, word: &str) {
    if plan.vendor_hosts.is_empty() {
        return;
    }
    let addresses: Vec<String> = plan
        .vendor_hosts
        .iter()
        .map(|b| powershell(&b.net.to_string()))
        .collect();
    let reasons: Vec<Reason> = plan
        .vendor_hosts
        .iter()
        .flat_map(|b| b.reasons.clone())
        .collect();
    let mut tools: Vec<&str> = reasons.iter().filter_map(|r| r.tool.as_deref()).collect();
    tools.sort_unstable();
    tools.dedup();
    let tools = tools.join(" ");
    script.rule(
        format!("{word}-vendor-addresses"),
        format!(
            "{} RMM vendor addresses ({tools})",
            direction.to_lowercase()
        ),
        format!(
            "Blocks {} traffic with the fixed addresses of unauthorized RMM tools: {tools}.",
            direction.to_lowercase()
        ),
        &[
            ("Direction", direction.to_owned()),
            ("Protocol", "Any".to_owned()),
            ("RemoteAddress", format!("@({})", addresses.join(", "))),
        ],
        reasons,
    );
}

fn port_rule(
    script: &mut Script,
    segment: &PortSegment,
    direction: &str,
    word: &str,
    outside: &Option<String>,
) {
    let protocol = segment.protocol();
    let ports = segment.ports("-");
    let tools = segment.tools().join(" ");
    let port_parameter = if direction == "Outbound" {
        "RemotePort"
    } else {
        "LocalPort"
    };
    let mut parameters = vec![
        ("Direction", direction.to_owned()),
        ("Protocol", protocol.to_uppercase()),
        (port_parameter, powershell(&ports)),
    ];
    let mut reasons = segment.reasons.clone();
    let description = match (segment.class, outside) {
        (PortClass::ApprovedOnly, Some(ranges)) => {
            // Outbound the approved path is this host's own address (VPN or
            // VDI adapter); inbound it is the peer's (jump host, VPN client).
            let address = if direction == "Outbound" {
                "LocalAddress"
            } else {
                "RemoteAddress"
            };
            parameters.push((address, ranges.clone()));
            reasons.push(crate::scope::policy_reason(
                "networks.approved",
                "approved paths",
                "exempt: the rule is scoped to the addresses outside them",
            ));
            format!(
                "Authorized RMM port ({tools}): blocked {} except on the approved VPN/VDI paths and jump hosts.",
                direction.to_lowercase()
            )
        }
        (PortClass::ApprovedOnly, None) => format!(
            "Authorized RMM port ({tools}): the policy names no approved paths, so it is blocked {} everywhere.",
            direction.to_lowercase()
        ),
        (PortClass::Blocked, _) => format!(
            "Unauthorized RMM port ({tools}): blocked {}.",
            direction.to_lowercase()
        ),
    };
    script.rule(
        format!("{word}-{protocol}-{ports}"),
        format!("{} {protocol}/{ports} ({tools})", direction.to_lowercase()),
        description,
        &parameters,
        reasons,
    );
}
