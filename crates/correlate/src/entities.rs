//! Entity resolution: which host a finding is about, whatever the source.
//!
//! Rules, in order:
//! 1. a finding with a host name is about that host, compared by its short
//!    name, case-insensitively (`WS-7.corp.local` = `ws-7`), unless the
//!    "name" is an IP address, which goes to rule 2;
//! 2. a finding with an IP (network evidence: `source.ip` or
//!    `destination.ip` facts) is about the asset that has that IP in
//!    `assets.csv`, else about the IP itself;
//! 3. a mail finding is about the host of its mailbox (`email.to.address`) or
//!    user in `assets.csv`, else about the mailbox itself.
//!
//! Limits: without `assets.csv`, network and mail findings stay on their IP
//! or mailbox and do not join endpoint findings of the same machine; DHCP
//! changes over the period are not modelled (an IP maps to one asset).

use std::collections::HashMap;
use std::net::IpAddr;

use rmmguard_findings::{FactKey, Finding};

/// One row of `assets.csv`: `host,ips,user,mailbox,site,group` (IPs separated
/// by spaces or semicolons; only `host` is required).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// Host name.
    pub host: String,
    /// Its addresses.
    pub ips: Vec<IpAddr>,
    /// Its main user (`DOMAIN\user` or `user`).
    pub user: Option<String>,
    /// Its user's mailbox.
    pub mailbox: Option<String>,
    /// Its site.
    pub site: Option<String>,
    /// Its group (department, role).
    pub group: Option<String>,
}

/// What is wrong with an `assets.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntitiesError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for EntitiesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for EntitiesError {}

fn csv_error(error: &csv::Error) -> EntitiesError {
    EntitiesError {
        line: error.position().map_or(1, |p| p.line() as usize),
        message: match error.kind() {
            csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_owned(),
            _ => error.to_string(),
        },
    }
}

/// Known assets and the lookups built from them.
#[derive(Debug, Clone, Default)]
pub struct Entities {
    assets: Vec<Asset>,
    by_ip: HashMap<IpAddr, usize>,
    by_mailbox: HashMap<String, usize>,
    by_user: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
}

/// Lower-case short name: `WS-7.corp.local` → `ws-7`.
pub fn short_name(host: &str) -> String {
    host.split('.').next().unwrap_or(host).trim().to_lowercase()
}

fn user_key(user: &str) -> String {
    user.rsplit('\\')
        .next()
        .unwrap_or(user)
        .trim()
        .to_lowercase()
}

impl Entities {
    /// Reads `assets.csv` text with the `csv` crate: quoted cells (a host
    /// list with commas, a name with quotes) and blank lines are fine.
    ///
    /// # Errors
    ///
    /// A missing `host` column, a malformed row, or a bad IP address, with its line.
    pub fn from_csv(text: &str) -> Result<Entities, EntitiesError> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let header: Vec<String> = match reader.headers() {
            Ok(header) => header.iter().map(str::to_lowercase).collect(),
            Err(error) => return Err(csv_error(&error)),
        };
        if header.iter().all(String::is_empty) {
            return Ok(Entities::default());
        }
        let column = |name: &str| header.iter().position(|h| h == name);
        let Some(host_column) = column("host") else {
            return Err(EntitiesError {
                line: 1,
                message: "assets.csv needs a `host` column (host,ips,user,mailbox,site,group)"
                    .into(),
            });
        };
        let mut entities = Entities::default();
        for row in reader.records() {
            let row = row.map_err(|error| csv_error(&error))?;
            let line = row.position().map_or(0, |p| p.line() as usize);
            let cell = |index: Option<usize>| {
                index
                    .and_then(|i| row.get(i))
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
            };
            let Some(host) = cell(Some(host_column)) else {
                continue;
            };
            let mut ips = Vec::new();
            for ip in cell(column("ips"))
                .unwrap_or_default()
                .split([' ', ';', ','])
                .filter(|s| !s.is_empty())
            {
                let parsed = ip.parse().map_err(|_| EntitiesError {
                    line,
                    message: format!("{ip:?} is not an IP address"),
                })?;
                ips.push(parsed);
            }
            entities.add(Asset {
                host,
                ips,
                user: cell(column("user")),
                mailbox: cell(column("mailbox")).map(|m| m.to_lowercase()),
                site: cell(column("site")),
                group: cell(column("group")),
            });
        }
        Ok(entities)
    }

    /// Adds an asset.
    pub fn add(&mut self, asset: Asset) {
        let index = self.assets.len();
        for ip in &asset.ips {
            self.by_ip.insert(*ip, index);
        }
        if let Some(mailbox) = &asset.mailbox {
            self.by_mailbox.insert(mailbox.clone(), index);
        }
        if let Some(user) = &asset.user {
            self.by_user.insert(user_key(user), index);
        }
        self.by_name.entry(short_name(&asset.host)).or_insert(index);
        self.assets.push(asset);
    }

    /// The known assets.
    pub fn assets(&self) -> &[Asset] {
        &self.assets
    }

    /// The asset a host names: by address when the host is one, else by
    /// its short name.
    pub fn asset_of_host(&self, host: &str) -> Option<&Asset> {
        let index = match host.parse::<IpAddr>() {
            Ok(ip) => self.by_ip.get(&ip),
            Err(_) => self.by_name.get(&short_name(host)),
        };
        index.and_then(|&i| self.assets.get(i))
    }

    /// A host as a report shows it: an address the assets name becomes
    /// `NAME (address)`; anything else is shown as it is.
    pub fn display_host(&self, host: &str) -> String {
        match (host.parse::<IpAddr>(), self.asset_of_host(host)) {
            (Ok(_), Some(asset)) => format!("{} ({host})", asset.host),
            _ => host.to_owned(),
        }
    }

    /// The site the assets give a host (by name or address).
    pub fn site_of_host(&self, host: &str) -> Option<&str> {
        self.asset_of_host(host)?.site.as_deref()
    }

    /// The host a finding is about: (key for joining, name to show).
    pub fn host_of(&self, finding: &Finding) -> Option<(String, String)> {
        if let Some(host) = &finding.host {
            return Some(match host.parse::<IpAddr>() {
                Ok(ip) => self.by_ip(ip),
                Err(_) => (short_name(host), host.clone()),
            });
        }
        for key in [FactKey::SourceIp, FactKey::DestinationIp] {
            if let Some(ip) = finding.fact(key).and_then(|v| v.parse::<IpAddr>().ok()) {
                return Some(self.by_ip(ip));
            }
        }
        // Mail findings name their mailbox as the recipient (and as the user).
        let mailbox = finding
            .fact(FactKey::EmailTo)
            .or(finding.user.as_deref().filter(|u| u.contains('@')))
            .map(str::to_lowercase);
        if let Some(asset) = mailbox.as_ref().and_then(|m| self.by_mailbox.get(m)) {
            return Some(self.asset(*asset));
        }
        if let Some(asset) = finding
            .user
            .as_deref()
            .and_then(|u| self.by_user.get(&user_key(u)))
        {
            return Some(self.asset(*asset));
        }
        mailbox.map(|m| (format!("mailbox:{m}"), m))
    }

    fn by_ip(&self, ip: IpAddr) -> (String, String) {
        match self.by_ip.get(&ip) {
            Some(&asset) => self.asset(asset),
            None => (ip.to_string(), ip.to_string()),
        }
    }

    fn asset(&self, index: usize) -> (String, String) {
        let host = &self.assets[index].host;
        (short_name(host), host.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_assets_and_reports_bad_rows() {
        let entities = Entities::from_csv(
            "host,ips,user,mailbox,site,group\nWS-7.corp.local,10.1.0.7;10.1.0.8,CORP\\bob,Bob@corp.example,hq,finance\n\nSRV-1,,,,dc,\n",
        )
        .unwrap();
        assert_eq!(entities.assets().len(), 2);
        assert_eq!(entities.assets()[0].ips.len(), 2);
        assert_eq!(
            entities.assets()[0].mailbox.as_deref(),
            Some("bob@corp.example")
        );
        let error = Entities::from_csv("host,ips\nX,10.0.0.300\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "line 2: \"10.0.0.300\" is not an IP address"
        );
        assert!(Entities::from_csv("name,ips\nX,\n").is_err());
        // Quoted cells: commas and quotes inside a host name or IP list.
        let quoted = Entities::from_csv(
            "host,ips,user\n\"WS-9, \"\"lab\"\"\",\"10.9.0.1, 10.9.0.2\",\"CORP\\eve\"\n",
        )
        .unwrap();
        assert_eq!(quoted.assets()[0].host, "WS-9, \"lab\"");
        assert_eq!(quoted.assets()[0].ips.len(), 2);
        assert_eq!(quoted.assets()[0].user.as_deref(), Some("CORP\\eve"));
        assert_eq!(short_name("WS-7.corp.local"), "ws-7");
    }

    #[test]
    fn hosts_are_shown_by_name_with_their_address_and_site() {
        let entities = Entities::from_csv(
            "host,ips,site\nBRANCH1-WS-001.contoso.local,10.11.0.21,branch1\nHQ-WS-001,,hq\n",
        )
        .unwrap();
        assert_eq!(
            entities.display_host("10.11.0.21"),
            "BRANCH1-WS-001.contoso.local (10.11.0.21)"
        );
        assert_eq!(entities.display_host("10.11.0.99"), "10.11.0.99");
        assert_eq!(
            entities.display_host("hq-ws-001.contoso.local"),
            "hq-ws-001.contoso.local"
        );
        assert_eq!(entities.site_of_host("10.11.0.21"), Some("branch1"));
        assert_eq!(entities.site_of_host("HQ-WS-001.contoso.local"), Some("hq"));
        assert_eq!(entities.site_of_host("other"), None);
    }
}
