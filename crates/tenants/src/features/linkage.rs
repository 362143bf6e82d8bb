//! Linkage: a tenant that shares fingerprints with banned tenants is
//! probably the same crew back under a new name.
//!
//! [`LinkIndex`] maps each fingerprint of every banned tenant (hardware
//! hashes of its endpoints, technicians, signup IP, admin domain, admin
//! email pattern) to that tenant, and keeps a reputation per registrar +
//! nameserver pair (how many tenants use it, how many of them are banned).
//! Freemail domains are never linkage. Points add up per kind of link.

use serde::{Deserialize, Serialize};

use crate::event::{SourceRef, TenantIdx};
use crate::features::{Context, Feature, MAX_EVIDENCE, Reason};
use crate::hash::{self, HashedMap, NONE};
use crate::state::{KnownDomain, TenantState};

/// Local parts too common to link two tenants by.
const GENERIC_LOCAL_PARTS: &[&str] = &[
    "admin",
    "administrator",
    "info",
    "contact",
    "office",
    "support",
    "help",
    "helpdesk",
    "billing",
    "sales",
    "hello",
    "mail",
    "owner",
    "accounts",
    "account",
    "tech",
    "service",
    "team",
    "noreply",
    "root",
    "webmaster",
    "postmaster",
    "manager",
    "ceo",
    "it",
];

/// Points of the linkage feature.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkageConfig {
    /// An endpoint whose hardware hash a banned tenant enrolled.
    pub hardware: u32,
    /// A technician who worked for a banned tenant.
    pub technician: u32,
    /// The same (non-freemail) admin domain as a banned tenant.
    pub admin_domain: u32,
    /// The same admin email pattern as a banned tenant …
    pub email_pattern: u32,
    /// … when at most this many tenants use the pattern (common names
    /// like `johnsmith` link nobody).
    pub email_pattern_max_tenants: u32,
    /// The same signup IP as a banned tenant.
    pub signup_ip: u32,
    /// A registrar + nameserver pair mostly used by banned tenants.
    pub registrar: u32,
    /// Banned tenants (other than this one) the pair needs …
    pub registrar_min_banned: u32,
    /// … and their share of the pair's tenants.
    pub registrar_min_share: f64,
    /// The feature's cap.
    pub cap: u32,
}

impl Default for LinkageConfig {
    fn default() -> LinkageConfig {
        LinkageConfig {
            hardware: 15,
            technician: 15,
            admin_domain: 15,
            email_pattern: 8,
            email_pattern_max_tenants: 5,
            signup_ip: 5,
            registrar: 5,
            registrar_min_banned: 3,
            registrar_min_share: 0.15,
            cap: 25,
        }
    }
}

/// Fingerprints of banned tenants, and registrar reputations.
#[derive(Debug, Clone, Default)]
pub struct LinkIndex {
    hardware: HashedMap<TenantIdx>,
    technician: HashedMap<TenantIdx>,
    signup_ip: HashedMap<TenantIdx>,
    admin_domain: HashedMap<TenantIdx>,
    email_pattern: HashedMap<TenantIdx>,
    pattern_users: HashedMap<u32>,
    registrar: HashedMap<Reputation>,
}

/// How many tenants use a registrar + nameserver pair, and how many are banned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reputation {
    /// Tenants whose admin domain uses the pair.
    pub tenants: u32,
    /// Of those, banned ones.
    pub banned: u32,
}

impl LinkIndex {
    /// Indexes every banned tenant's fingerprints; `freemail` says which
    /// admin domains to leave out.
    pub fn build(
        tenants: &[TenantState],
        domains: &HashedMap<KnownDomain>,
        freemail: impl Fn(u64) -> bool,
    ) -> LinkIndex {
        let mut index = LinkIndex::default();
        for (idx, tenant) in tenants.iter().enumerate() {
            let idx = idx as TenantIdx;
            let Some(account) = tenant.account.map(|facts| facts.account) else {
                continue;
            };
            let free = freemail(account.admin_domain);
            let pair = domains
                .get(&account.admin_domain)
                .map_or(NONE, |d| d.facts.registrar_ns);
            if pair != NONE && !free {
                let reputation = index.registrar.entry(pair).or_default();
                reputation.tenants += 1;
                reputation.banned += u32::from(tenant.banned.is_some());
            }
            if tenant.banned.is_none() {
                continue;
            }
            index.add_banned(idx, tenant, free);
        }
        for tenant in tenants {
            let Some(pattern) = tenant.account.map(|facts| facts.account.email_pattern) else {
                continue;
            };
            if index.email_pattern.contains_key(&pattern) {
                *index.pattern_users.entry(pattern).or_default() += 1;
            }
        }
        index
    }

    fn add_banned(&mut self, idx: TenantIdx, tenant: &TenantState, free: bool) {
        for endpoint in &tenant.endpoints {
            insert(&mut self.hardware, endpoint.hw, idx);
        }
        for &(technician, _) in &tenant.technicians {
            insert(&mut self.technician, technician, idx);
        }
        let Some(account) = tenant.account.map(|facts| facts.account) else {
            return;
        };
        insert(&mut self.signup_ip, account.signup_ip, idx);
        insert(&mut self.email_pattern, account.email_pattern, idx);
        if !free {
            insert(&mut self.admin_domain, account.admin_domain, idx);
        }
    }
}

fn insert(map: &mut HashedMap<TenantIdx>, key: u64, idx: TenantIdx) {
    if key != NONE {
        map.entry(key).or_insert(idx);
    }
}

/// The admin email's local part reduced to its letters (`John.Smith+rmm77`
/// → `johnsmith`), hashed; [`NONE`] when too short or generic to link by.
pub fn email_pattern(email: &str) -> u64 {
    let local = email.split('@').next().unwrap_or_default();
    let local = local.split('+').next().unwrap_or_default();
    let letters: String = local
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if letters.len() < 4 || GENERIC_LOCAL_PARTS.contains(&letters.as_str()) {
        return NONE;
    }
    hash::hash_str(&letters)
}

/// One kind of link found.
struct Link {
    what: &'static str,
    points: u32,
    other: TenantIdx,
    count: u32,
    source: SourceRef,
}

/// Scores links to banned tenants.
pub fn evaluate(context: &Context<'_>, config: &LinkageConfig) -> Option<Reason> {
    let mut links = Vec::new();
    endpoint_links(context, config, &mut links);
    technician_links(context, config, &mut links);
    account_links(context, config, &mut links);
    let registrar = registrar_link(context, config);
    if links.is_empty() && registrar.is_none() {
        return None;
    }
    let mut points = links.iter().map(|link| link.points).sum::<u32>();
    let mut parts: Vec<String> = links
        .iter()
        .map(|link| {
            let other = context
                .tenants
                .get(link.other as usize)
                .map_or("?", |t| &*t.id);
            match link.count {
                1 => format!("{} with banned tenant {other}", link.what),
                n => format!("{} with banned tenant {other} ({n}×)", link.what),
            }
        })
        .collect();
    let mut evidence: Vec<SourceRef> = Vec::with_capacity(MAX_EVIDENCE);
    let mut sources: Vec<SourceRef> = links.iter().map(|link| link.source).collect();
    if let Some((summary, source)) = registrar {
        points += config.registrar;
        parts.push(summary);
        sources.push(source);
    }
    for source in sources {
        if source.is_some() && !evidence.contains(&source) && evidence.len() < MAX_EVIDENCE {
            evidence.push(source);
        }
    }
    let points = points.min(config.cap);
    Some(Reason {
        feature: Feature::Linkage,
        points,
        summary: parts.join("; "),
        evidence,
    })
}

fn endpoint_links(context: &Context<'_>, config: &LinkageConfig, links: &mut Vec<Link>) {
    let mut found: Option<Link> = None;
    for endpoint in &context.tenant.endpoints {
        let Some(&other) = context.links.hardware.get(&endpoint.hw) else {
            continue;
        };
        if endpoint.hw == NONE || other == context.idx {
            continue;
        }
        match &mut found {
            Some(link) => link.count += 1,
            None => {
                found = Some(Link {
                    what: "hardware hash shared",
                    points: config.hardware,
                    other,
                    count: 1,
                    source: endpoint.enrol_ref,
                })
            }
        }
    }
    links.extend(found);
}

fn technician_links(context: &Context<'_>, config: &LinkageConfig, links: &mut Vec<Link>) {
    let mut found: Option<Link> = None;
    for &(technician, source) in &context.tenant.technicians {
        let Some(&other) = context.links.technician.get(&technician) else {
            continue;
        };
        if other == context.idx {
            continue;
        }
        match &mut found {
            Some(link) => link.count += 1,
            None => {
                found = Some(Link {
                    what: "technician shared",
                    points: config.technician,
                    other,
                    count: 1,
                    source,
                })
            }
        }
    }
    links.extend(found);
}

fn account_links(context: &Context<'_>, config: &LinkageConfig, links: &mut Vec<Link>) {
    let Some(facts) = context.tenant.account else {
        return;
    };
    let account = facts.account;
    let mut check = |map: &HashedMap<TenantIdx>, key: u64, what: &'static str, points: u32| {
        if key == NONE {
            return;
        }
        if let Some(&other) = map.get(&key).filter(|&&other| other != context.idx) {
            links.push(Link {
                what,
                points,
                other,
                count: 1,
                source: facts.source,
            });
        }
    };
    if !context.freemail {
        check(
            &context.links.admin_domain,
            account.admin_domain,
            "admin domain shared",
            config.admin_domain,
        );
    }
    let users = context
        .links
        .pattern_users
        .get(&account.email_pattern)
        .copied()
        .unwrap_or(0);
    if users <= config.email_pattern_max_tenants {
        check(
            &context.links.email_pattern,
            account.email_pattern,
            "admin email pattern shared",
            config.email_pattern,
        );
    }
    check(
        &context.links.signup_ip,
        account.signup_ip,
        "signup IP shared",
        config.signup_ip,
    );
}

fn registrar_link(context: &Context<'_>, config: &LinkageConfig) -> Option<(String, SourceRef)> {
    let known = context.domain?;
    if context.freemail || known.facts.registrar_ns == NONE {
        return None;
    }
    let reputation = context.links.registrar.get(&known.facts.registrar_ns)?;
    let banned_others =
        reputation.banned - u32::from(context.tenant.banned.is_some() && reputation.banned > 0);
    let share = f64::from(banned_others) / f64::from(reputation.tenants.max(1));
    if banned_others < config.registrar_min_banned || share < config.registrar_min_share {
        return None;
    }
    let summary = format!(
        "registrar and nameservers used by {banned_others} banned of {} tenants",
        reputation.tenants
    );
    Some((summary, known.source))
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::email_pattern;
    use crate::features::Feature;
    use crate::features::testkit::check;
    use crate::hash::{NONE, hash_str};

    const BANNED: &str = "
        2024-03-01T00:00:00Z account_created tenant=old admin_email=Refund.Desk77@scam.example signup_ip=198.51.100.7
        2024-03-01T01:00:00Z endpoint_enrolled tenant=old endpoint=o1 hw_hash=HW-AAA
        2024-03-01T01:10:00Z session_started tenant=old endpoint=o1 session=s0 technician=tech-zed attended=true
        2024-03-20T00:00:00Z tenant_banned tenant=old reason=reports";

    #[test]
    fn ban_evasion_through_hardware_and_technician() {
        let script = format!(
            "{BANNED}
            2024-04-01T00:00:00Z account_created tenant=t1 admin_email=jo@gmail.com signup_ip=203.0.113.9
            2024-04-01T01:00:00Z endpoint_enrolled tenant=t1 endpoint=n1 hw_hash=HW-AAA
            2024-04-01T01:10:00Z session_started tenant=t1 endpoint=n1 session=s1 technician=tech-zed attended=true"
        );
        check(
            &script,
            Feature::Linkage,
            expect![[
                r#"25 linkage: hardware hash shared with banned tenant old; technician shared with banned tenant old [6 7]"#
            ]],
        );
    }

    #[test]
    fn ban_read_after_the_linked_tenant_still_links() {
        let script = "
            2024-04-01T00:00:00Z account_created tenant=t1 admin_email=refunddesk@gmail.com signup_ip=198.51.100.7
            2024-04-02T00:00:00Z account_created tenant=old admin_email=refund.desk@gmail.com signup_ip=198.51.100.7
            2024-04-20T00:00:00Z tenant_banned tenant=old";
        check(
            script,
            Feature::Linkage,
            expect![[
                r#"13 linkage: admin email pattern shared with banned tenant old; signup IP shared with banned tenant old [1]"#
            ]],
        );
    }

    #[test]
    fn common_name_patterns_do_not_link() {
        let mut script = String::from(
            "2024-04-01T00:00:00Z account_created tenant=t1 admin_email=john.smith@gmail.com
             2024-04-02T00:00:00Z account_created tenant=old admin_email=johnsmith@gmail.com
             2024-04-20T00:00:00Z tenant_banned tenant=old\n",
        );
        for n in 0..5 {
            script.push_str(&format!("2024-04-03T00:00:00Z account_created tenant=other{n} admin_email=john.smith{n}@outlook.com\n"));
        }
        check(&script, Feature::Linkage, expect![[r#"-"#]]);
    }

    #[test]
    fn freemail_domains_and_unbanned_tenants_do_not_link() {
        let script = "
            2024-04-01T00:00:00Z account_created tenant=other admin_email=ann@gmail.com signup_ip=192.0.2.1
            2024-04-01T00:00:00Z account_created tenant=t1 admin_email=bob@gmail.com signup_ip=192.0.2.1
            2024-04-02T00:00:00Z account_created tenant=old admin_email=cy@gmail.com
            2024-04-20T00:00:00Z tenant_banned tenant=old";
        check(script, Feature::Linkage, expect![[r#"-"#]]);
    }

    #[test]
    fn registrar_mostly_used_by_banned_tenants() {
        let mut script = String::new();
        for n in 0..4 {
            script.push_str(&format!(
                "2024-03-0{d}T00:00:00Z domain_info domain=b{n}.example registrar=ShadyReg nameservers=ns1.shady.example;ns2.shady.example
                 2024-03-0{d}T00:01:00Z account_created tenant=b{n} admin_email=x@b{n}.example
                 2024-03-0{d}T00:02:00Z tenant_banned tenant=b{n}\n",
                d = n + 1
            ));
        }
        script.push_str(
            "2024-04-01T00:00:00Z domain_info domain=t1.example registrar=shadyreg nameservers=NS2.shady.example,ns1.shady.example
             2024-04-01T00:01:00Z account_created tenant=t1 admin_email=y@t1.example",
        );
        check(
            &script,
            Feature::Linkage,
            expect![[r#"5 linkage: registrar and nameservers used by 4 banned of 5 tenants [13]"#]],
        );
    }

    #[test]
    fn email_patterns() {
        assert_eq!(
            email_pattern("John.Smith+rmm77@x.example"),
            hash_str("johnsmith")
        );
        assert_eq!(email_pattern("admin2@x.example"), NONE);
        assert_eq!(email_pattern("it@x.example"), NONE);
        assert_eq!(email_pattern("@x.example"), NONE);
    }
}
