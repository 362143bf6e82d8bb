//! Rules over endpoint evidence: process starts and accesses, network
//! connections and DNS queries logged by the host, files, services, image
//! loads, registry writes, RMM application logs and software inventories.
//! One method per event kind, each attributing the event to tools and firing
//! the stateless rules (E006–E016).

use rmmguard_catalog::{Field, TellKind};
use rmmguard_events::{
    AppLog, DnsQuery, FileAccess, FileCreate, ImageLoad, NetConnection, Process, ProcessAccess,
    ProcessStart, RegistrySet, ServiceInstall, Software, SoftwareKind, basename,
};
use rmmguard_findings::{Fact, FactKey, Mode, rules};

use super::pass::Pass;
use crate::index::{CatalogIndex, lower_basename};
use crate::paths::{PathClass, classify, is_benign_system_process, is_browser, is_shell};
use crate::tally::HitSpec;

impl Pass<'_> {
    pub(super) fn process_start(&mut self, start: &ProcessStart) {
        let process = &start.process;
        let image_tool = process
            .name()
            .and_then(|name| self.index.tool_of_image(name));
        let pe_tool = self.index.tool_of_pe(&process.pe);
        if let (Some(pe_tool), Some(name)) = (pe_tool, process.name())
            && image_tool != Some(pe_tool)
            && !self.index.is_name_of(pe_tool, name)
        {
            self.renamed(pe_tool, process, name);
        }
        let tool = image_tool.or(pe_tool);
        let command_line = process.command_line.as_deref().unwrap_or("");
        if let Some(tool) = tool {
            self.sight_process(tool, process);
            self.tells(tool, Field::CommandLine, command_line);
            self.tenant(tool, Field::CommandLine, command_line);
        }
        if !command_line.is_empty() {
            let lower = command_line.to_lowercase();
            for mentioned in self.index.mentioned_tools(&lower) {
                if Some(mentioned) == tool {
                    continue;
                }
                let kinds = self.tells(mentioned, Field::CommandLine, command_line);
                let mode = if kinds.contains(&TellKind::SilentInstall) {
                    Mode::InstallerRun
                } else {
                    Mode::Mentioned
                };
                self.sight(mentioned, mode);
                self.tenant(mentioned, Field::CommandLine, command_line);
            }
        }
        let parent_tool = self.index.tool_of_process(&start.parent);
        if let Some(parent_tool) = parent_tool
            && Some(parent_tool) != tool
        {
            self.sight_process(parent_tool, &start.parent);
            if let Some(child) = process.name().filter(|name| is_shell(name)) {
                self.remote_command(parent_tool, child, command_line);
            }
        }
    }

    fn renamed(&mut self, tool: usize, process: &Process, image: &str) {
        let name = self.name(tool).to_owned();
        let executable = process.executable.clone().unwrap_or_default();
        let mut facts = vec![Fact::new(FactKey::ProcessExecutable, executable.clone())];
        if let Some(original) = &process.pe.original_file_name {
            facts.push(Fact::new(
                FactKey::ProcessPeOriginalFileName,
                original.clone(),
            ));
        }
        if let Some(product) = &process.pe.product {
            facts.push(Fact::new(FactKey::ProcessPeProduct, product.clone()));
        }
        if let Some(hash) = process.sha256() {
            facts.push(Fact::new(FactKey::FileHashSha256, hash.to_lowercase()));
        }
        let summary = format!("{name} binary renamed to {image} on {}", self.host());
        self.hit(HitSpec {
            rule: rules::RENAMED_RMM,
            tool: Some(tool),
            tenant: None,
            subject: executable.to_lowercase(),
            summary,
            facts,
        });
    }

    fn remote_command(&mut self, tool: usize, child: &str, command_line: &str) {
        let name = self.name(tool).to_owned();
        let summary = format!("{name} started {child} on {}", self.host());
        self.hit(HitSpec {
            rule: rules::REMOTE_COMMAND,
            tool: Some(tool),
            tenant: None,
            subject: format!("child:{}", child.to_lowercase()),
            summary,
            facts: vec![
                Fact::new(FactKey::ProcessName, child.to_owned()),
                Fact::new(FactKey::ProcessCommandLine, command_line.to_owned()),
            ],
        });
    }

    pub(super) fn process_access(&mut self, access: &ProcessAccess) {
        let Some(target_tool) = self.index.tool_of_process(&access.target) else {
            return;
        };
        self.sight_process(target_tool, &access.target);
        let source_tool = self.index.tool_of_process(&access.source);
        let source_name = access.source.name().unwrap_or("");
        if source_tool == Some(target_tool) || is_benign_system_process(source_name) {
            return;
        }
        let rights = access.granted_access.as_deref().unwrap_or("");
        if !can_read_memory(rights) {
            return;
        }
        let name = self.name(target_tool).to_owned();
        let source = access.source.executable.clone().unwrap_or_default();
        let target = access.target.executable.clone().unwrap_or_default();
        let summary = format!(
            "{source_name} read the memory of {name} ({}) on {}",
            basename(&target),
            self.host()
        );
        self.hit(HitSpec {
            rule: rules::CREDENTIAL_ACCESS,
            tool: Some(target_tool),
            tenant: None,
            subject: format!("memory:{}", source.to_lowercase()),
            summary,
            facts: vec![
                Fact::new(FactKey::ProcessExecutable, source),
                Fact::new(FactKey::TargetProcessExecutable, target),
                Fact::new(FactKey::ProcessGrantedAccess, rights.to_owned()),
            ],
        });
    }

    /// A domain or address an endpoint process contacted.
    fn contact(&mut self, process: &Process, domain: Option<&str>, ip: Option<std::net::IpAddr>) {
        if let Some(domain) = domain {
            self.financial_visit(domain, process);
        }
        let domain_tool = domain.and_then(|d| self.index.tool_of_domain(d));
        let infra_tool = domain_tool.or_else(|| ip.and_then(|ip| self.index.tool_of_ip(ip)));
        let process_tool = self.index.tool_of_process(process);
        let Some(tool) = infra_tool else {
            if let Some(process_tool) = process_tool {
                self.sight_process(process_tool, process);
            }
            return;
        };
        if let Some(domain) = domain {
            self.tenant(tool, Field::Domain, &domain.to_lowercase());
        }
        let process_name = process.name();
        match (process_tool, process_name) {
            (Some(own), _) if own == tool => self.sight(tool, Mode::Network),
            // Another RMM tool's process, a browser, or a Windows reputation
            // check: not this tool running.
            (Some(_), _) => {}
            (None, Some(name)) if is_browser(name) || is_benign_system_process(name) => {}
            (None, None) => self.sight(tool, Mode::Network),
            (None, Some(name)) => {
                self.sight(tool, Mode::InMemory);
                let executable = process.executable.clone().unwrap_or_default();
                let target = domain.map_or_else(
                    || ip.map(|i| i.to_string()).unwrap_or_default(),
                    str::to_owned,
                );
                // The vendor's shared cloud is evidence, not an indicator of
                // one actor; a tenant's own host is both (as in N001).
                let target_key = match domain {
                    Some(domain)
                        if self
                            .index
                            .tenant(tool, Field::Domain, &domain.to_lowercase())
                            .is_some() =>
                    {
                        FactKey::DestinationAddress
                    }
                    _ => FactKey::RmmCloud,
                };
                let tool_name = self.name(tool).to_owned();
                let summary = format!(
                    "{name} contacted {tool_name} infrastructure ({target}) on {}",
                    self.host()
                );
                self.hit(HitSpec {
                    rule: rules::NON_RMM_PROCESS_RMM_INFRA,
                    tool: Some(tool),
                    tenant: None,
                    subject: executable.to_lowercase(),
                    summary,
                    facts: vec![
                        Fact::new(FactKey::ProcessExecutable, executable),
                        Fact::new(target_key, target),
                    ],
                });
            }
        }
    }

    /// E016: a banking or payment site looked up or contacted.
    pub fn financial_visit(&mut self, domain: &str, process: &Process) {
        let Some(site) = self.detector.financial.site_of(domain) else {
            return;
        };
        let site = site.to_owned();
        let who = process.name().unwrap_or("a client").to_owned();
        let summary = format!("{who} visited {site} ({domain}) on {}", self.host());
        self.hit(HitSpec {
            rule: rules::FINANCIAL_SITE,
            tool: None,
            tenant: None,
            subject: site.clone(),
            summary,
            facts: vec![
                Fact::new(FactKey::FinancialSite, site),
                Fact::new(FactKey::DestinationDomain, domain.to_owned()),
            ],
        });
    }

    pub(super) fn net_connection(&mut self, connection: &NetConnection) {
        self.contact(
            &connection.process,
            connection.destination.domain.as_deref(),
            connection.destination.ip,
        );
    }

    pub(super) fn dns_query(&mut self, query: &DnsQuery) {
        self.contact(&query.process, Some(&query.query), None);
    }

    pub(super) fn file_create(&mut self, file: &FileCreate) {
        let name = basename(&file.path);
        let tool = self
            .index
            .tool_of_image(name)
            .or_else(|| self.index.tool_of_installer(name));
        let Some(tool) = tool else { return };
        let PathClass::UserWritable(reason) = classify(&file.path) else {
            return;
        };
        let tool_name = self.name(tool).to_owned();
        let writer = file.process.name().unwrap_or("a process").to_owned();
        let summary = format!(
            "{writer} wrote {tool_name} binary {name} to the {reason} on {}",
            self.host()
        );
        self.hit(HitSpec {
            rule: rules::RMM_DROPPED,
            tool: Some(tool),
            tenant: None,
            subject: file.path.to_lowercase(),
            summary,
            facts: vec![
                Fact::new(FactKey::FilePath, file.path.clone()),
                Fact::new(
                    FactKey::ProcessExecutable,
                    file.process.executable.clone().unwrap_or_default(),
                ),
            ],
        });
    }

    pub(super) fn file_access(&mut self, access: &FileAccess) {
        let Some(tool) = self.index.tool_of_config_file(&access.path) else {
            return;
        };
        let accessor_tool = self.index.tool_of_process(&access.process);
        let accessor = access.process.name().unwrap_or("");
        if accessor_tool == Some(tool)
            || (!accessor.is_empty() && is_benign_system_process(accessor))
        {
            return;
        }
        let tool_name = self.name(tool).to_owned();
        let who = match (access.process.name(), access.source_ip) {
            (Some(name), _) => name.to_owned(),
            (None, Some(ip)) => format!("a share client at {ip}"),
            (None, None) => "a process".to_owned(),
        };
        let summary = format!(
            "{who} read {tool_name} configuration {} on {}",
            basename(&access.path),
            self.host()
        );
        let mut facts = vec![Fact::new(FactKey::FilePath, access.path.clone())];
        if let Some(executable) = &access.process.executable {
            facts.push(Fact::new(FactKey::ProcessExecutable, executable.clone()));
        }
        if let Some(share) = &access.share {
            facts.push(Fact::new(FactKey::FileShare, share.clone()));
        }
        if let Some(ip) = access.source_ip {
            facts.push(Fact::new(FactKey::SourceIp, ip.to_string()));
        }
        self.hit(HitSpec {
            rule: rules::CREDENTIAL_ACCESS,
            tool: Some(tool),
            tenant: None,
            // One finding per reader and tool: credential stealers probe many
            // candidate paths of the same file.
            subject: format!("file:{}", who.to_lowercase()),
            summary,
            facts,
        });
    }

    pub(super) fn service_install(&mut self, service: &ServiceInstall) {
        let image = service.image_path.as_deref().unwrap_or("");
        let tool = self
            .index
            .tool_of_service(&service.name)
            .or_else(|| image_tool(self.index, image))
            .or_else(|| {
                self.index
                    .mentioned_tools(&image.to_lowercase())
                    .first()
                    .copied()
            });
        let Some(tool) = tool else { return };
        self.sight(tool, Mode::Service);
        self.tenant(tool, Field::ServiceImage, image);
        self.tells(tool, Field::ServiceImage, image);
        let tool_name = self.name(tool).to_owned();
        let tenant = self
            .index
            .tenant(tool, Field::ServiceImage, image)
            .map(|(t, _)| t);
        let summary = format!(
            "{tool_name} service {:?} installed on {}",
            service.name,
            self.host()
        );
        let mut facts = vec![
            Fact::new(FactKey::ServiceName, service.name.clone()),
            Fact::new(FactKey::ServiceImagePath, image.to_owned()),
        ];
        if let Some(tenant) = &tenant {
            facts.push(Fact::new(FactKey::RmmTenant, tenant.clone()));
        }
        self.hit(HitSpec {
            rule: rules::RMM_INSTALLED,
            tool: Some(tool),
            subject: format!(
                "service:{}|{}",
                service.name.to_lowercase(),
                tenant.as_deref().unwrap_or("")
            ),
            tenant,
            summary,
            facts,
        });
    }

    pub(super) fn image_load(&mut self, load: &ImageLoad) {
        let module = basename(&load.path);
        let Some(tool) = self
            .index
            .tool_of_image(module)
            .or_else(|| self.index.tool_of_pe(&load.pe))
        else {
            return;
        };
        let process_tool = self.index.tool_of_process(&load.process);
        let process_name = load.process.name().unwrap_or("");
        if process_tool == Some(tool) {
            self.sight_process(tool, &load.process);
            return;
        }
        if process_tool.is_some()
            || process_name.is_empty()
            || is_benign_system_process(process_name)
        {
            return;
        }
        self.sight(tool, Mode::InMemory);
        let tool_name = self.name(tool).to_owned();
        let executable = load.process.executable.clone().unwrap_or_default();
        let summary = format!(
            "{process_name} loaded {tool_name} module {module} on {}",
            self.host()
        );
        self.hit(HitSpec {
            rule: rules::NON_RMM_PROCESS_RMM_INFRA,
            tool: Some(tool),
            tenant: None,
            subject: executable.to_lowercase(),
            summary,
            facts: vec![
                Fact::new(FactKey::ProcessExecutable, executable),
                Fact::new(FactKey::DllPath, load.path.clone()),
            ],
        });
    }

    pub(super) fn registry_set(&mut self, set: &RegistrySet) {
        if let Some(tool) = self.index.tool_of_registry_key(&set.key) {
            self.sight(tool, Mode::Registry);
        }
    }

    pub(super) fn app_log(&mut self, log: &AppLog) {
        let provider = self.meta.provider.as_deref().unwrap_or("").to_lowercase();
        let code = self.meta.code;
        let lower = log.message.to_lowercase();
        if provider == "msiinstaller" && matches!(code, Some(1033 | 11707 | 1040 | 11728)) {
            if let Some(tool) = self.index.tool_of_msi_message(&lower) {
                self.sight(tool, Mode::Package);
                self.tenant(tool, Field::AppLog, &log.message);
                let tool_name = self.name(tool).to_owned();
                let summary = format!("{tool_name} package installed on {}", self.host());
                self.hit(HitSpec {
                    rule: rules::RMM_INSTALLED,
                    tool: Some(tool),
                    tenant: None,
                    subject: "package".into(),
                    summary,
                    facts: vec![Fact::new(FactKey::Message, log.message.clone())],
                });
            }
            return;
        }
        let matched: Vec<(usize, TellKind)> = self
            .index
            .tools
            .iter()
            .enumerate()
            .flat_map(|(tool, info)| {
                info.app_logs
                    .iter()
                    .filter(|tell| {
                        provider_matches(&provider, &tell.provider, tell.provider_prefix)
                    })
                    .filter(|tell| {
                        tell.event_ids.is_empty()
                            || code.is_some_and(|c| tell.event_ids.contains(&c))
                    })
                    .filter(|tell| lower.contains(tell.contains.as_str()))
                    .map(move |tell| (tool, tell.kind))
            })
            .collect();
        for (tool, kind) in matched {
            self.sight(tool, Mode::Log);
            self.tenant(tool, Field::AppLog, &log.message);
            let tenant = self
                .index
                .tenant(tool, Field::AppLog, &log.message)
                .map(|(t, _)| t);
            self.tell_finding(tool, kind, "", &log.message, tenant);
        }
    }

    pub(super) fn software(&mut self, software: &Software) {
        let path = software.path.as_deref().unwrap_or("");
        let tool = match software.kind {
            SoftwareKind::Service => self
                .index
                .tool_of_service(&software.name)
                .or_else(|| {
                    software
                        .display_name
                        .as_deref()
                        .and_then(|d| self.index.tool_of_service(d))
                })
                .or_else(|| image_tool(self.index, path)),
            SoftwareKind::Program => None,
        };
        let tool = tool
            .or_else(|| self.index.tool_of_inventory_name(&software.name))
            .or_else(|| {
                software
                    .display_name
                    .as_deref()
                    .and_then(|d| self.index.tool_of_inventory_name(d))
            });
        let Some(tool) = tool else { return };
        let mode = match software.kind {
            SoftwareKind::Service => Mode::Service,
            SoftwareKind::Program => Mode::Inventory,
        };
        self.sight(tool, mode);
        self.tally
            .describe(self.meta, tool, software.version.as_deref(), None);
        if software.kind == SoftwareKind::Service {
            self.tenant(tool, Field::ServiceImage, path);
        }
    }
}

/// The tool of the executable at the start of a service image path.
fn image_tool(index: &CatalogIndex, image: &str) -> Option<usize> {
    let executable = executable_of(image);
    if executable.is_empty() {
        return None;
    }
    index.tool_of_image(&lower_basename(executable))
}

/// `"C:\a b\x.exe" --service` → `C:\a b\x.exe`.
fn executable_of(image: &str) -> &str {
    let image = image.trim();
    if let Some(rest) = image.strip_prefix('"') {
        return rest.split('"').next().unwrap_or("");
    }
    match image.to_lowercase().find(".exe") {
        Some(end) => &image[..end + 4],
        None => image.split(' ').next().unwrap_or(""),
    }
}

fn provider_matches(provider: &str, wanted: &str, prefix: bool) -> bool {
    if prefix {
        provider.starts_with(wanted)
    } else {
        provider == wanted
    }
}

/// Whether an access mask (`0x1410`, `0x1fffff`) includes PROCESS_VM_READ.
fn can_read_memory(rights: &str) -> bool {
    const PROCESS_VM_READ: u32 = 0x0010;
    let hex = rights
        .trim()
        .trim_start_matches("0x")
        .trim_start_matches("0X");
    u32::from_str_radix(hex, 16).is_ok_and(|mask| mask & PROCESS_VM_READ != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executables_of_service_images() {
        assert_eq!(
            executable_of(r#""C:\Program Files\AnyDesk\AnyDesk.exe" --service"#),
            r"C:\Program Files\AnyDesk\AnyDesk.exe"
        );
        assert_eq!(executable_of(r"C:\Windows\x.exe -k"), r"C:\Windows\x.exe");
        assert_eq!(executable_of(""), "");
    }

    #[test]
    fn access_masks() {
        assert!(can_read_memory("0x1410"));
        assert!(can_read_memory("0x1FFFFF"));
        assert!(!can_read_memory("0x1000"));
        assert!(!can_read_memory("junk"));
    }
}
