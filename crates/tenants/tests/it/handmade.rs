//! A hand-made tenant set for issue 20, written record by record here and
//! not by the generator: abusive tenants that show exactly one of the
//! vendor's three tells (in several variants each) with otherwise ordinary
//! behaviour, crews that show two or three, and the legitimate look-alikes
//! of each tell. Each case states the verdict it must get and, for abusers,
//! the reason that must come first.

use std::fmt::Write as _;

use rmmguard_tenants::batch;
use rmmguard_tenants::features::Feature;
use rmmguard_tenants::time::{self, DAY, HOUR, MINUTE};
use rmmguard_tenants::{Config, Verdict};

/// Where every case starts: its account is created at this time.
const START: &str = "2024-03-01T09:00:00Z";

/// One tenant's records, built by hand.
struct Case {
    tenant: String,
    lines: Vec<(i64, String)>,
    want: Want,
    first: Option<Feature>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    /// Below review.
    Clear,
    /// Review or more.
    Review,
    /// Suspend.
    Suspend,
}

/// Where an endpoint sits.
#[derive(Clone)]
enum Place {
    /// In this AD domain, behind this address.
    Ad(String, String),
    /// No AD domain, behind this address.
    Workgroup(String),
}

fn home(n: u64) -> Place {
    Place::Workgroup(format!("198.51.{}.{}", n / 250, 1 + n % 250))
}

fn org(n: u64) -> Place {
    Place::Ad(
        format!("corp.victim{n}.example"),
        format!("203.0.{}.{}", n / 250, 1 + n % 250),
    )
}

fn office(domain: &str) -> Place {
    Place::Ad(domain.to_owned(), "192.0.2.10".to_owned())
}

impl Case {
    fn new(tenant: &str, want: Want, first: Option<Feature>) -> Case {
        Case {
            tenant: tenant.to_owned(),
            lines: Vec::new(),
            want,
            first,
        }
    }

    fn push(&mut self, ts: i64, kind: &str, fields: &[(&str, &str)]) {
        let mut line = format!("{{\"type\":\"{kind}\",\"ts\":\"{}\"", time::format(ts));
        if kind != "domain_info" {
            let _ = write!(line, ",\"tenant\":\"{}\"", self.tenant);
        }
        for (key, value) in fields {
            let _ = write!(line, ",\"{key}\":\"{value}\"");
        }
        line.push('}');
        self.lines.push((ts, line));
    }

    /// `domain_info` at `at`, registered `age` seconds before the account.
    fn domain(&mut self, at: i64, domain: &str, age: i64) {
        let registered = time::format(start() - age);
        self.push(
            at,
            "domain_info",
            &[("domain", domain), ("registered", &registered)],
        );
    }

    fn account(&mut self, email: &str, plan: &str, name: &str) {
        self.push(
            start(),
            "account_created",
            &[("admin_email", email), ("plan", plan), ("name", name)],
        );
    }

    /// Enrols `endpoint` at `at`; ordinary use follows: three sessions over
    /// the next days, one of them unattended.
    fn enrol(&mut self, at: i64, endpoint: &str, place: &Place) {
        let (ad, ip) = match place {
            Place::Ad(ad, ip) => (ad.as_str(), ip.as_str()),
            Place::Workgroup(ip) => ("", ip.as_str()),
        };
        self.push(
            at,
            "endpoint_enrolled",
            &[("endpoint", endpoint), ("ad_domain", ad), ("public_ip", ip)],
        );
        for (n, (after, attended)) in [(HOUR, "true"), (DAY, "false"), (3 * DAY, "true")]
            .into_iter()
            .enumerate()
        {
            let session = format!("{endpoint}-s{n}");
            self.push(
                at + after,
                "session_started",
                &[
                    ("endpoint", endpoint),
                    ("session", &session),
                    ("technician", "tech@desk.example"),
                    ("attended", attended),
                ],
            );
            self.push(
                at + after + 25 * MINUTE,
                "session_ended",
                &[("endpoint", endpoint), ("session", &session)],
            );
        }
    }

    fn remove(&mut self, at: i64, endpoint: &str, by: &str) {
        self.push(
            at,
            "endpoint_removed",
            &[("endpoint", endpoint), ("by", by)],
        );
    }

    /// `count` endpoints `prefix0…`, the first at `from`, one every `every`
    /// seconds, placed by `place`.
    fn fleet(
        &mut self,
        prefix: &str,
        from: i64,
        count: u64,
        every: i64,
        place: impl Fn(u64) -> Place,
    ) {
        for n in 0..count {
            self.enrol(from + n as i64 * every, &format!("{prefix}{n}"), &place(n));
        }
    }

    /// Removes `prefix0…` (`count` of them) from `at`, a minute apart.
    fn wipe(&mut self, prefix: &str, at: i64, count: u64, by: &str) {
        for n in 0..count {
            self.remove(at + n as i64 * MINUTE, &format!("{prefix}{n}"), by);
        }
    }
}

fn start() -> i64 {
    time::parse(START).unwrap_or_default()
}

/// An account with an old domain of its own, or freemail.
fn ordinary(case: &mut Case, freemail: bool) {
    let tenant = case.tenant.clone();
    if freemail {
        case.account(&format!("{tenant}@gmail.com"), "trial", "Prime Services");
    } else {
        let domain = format!("{tenant}.example");
        case.domain(start() - 5 * MINUTE, &domain, 6 * 365 * DAY);
        case.account(&format!("ops@{domain}"), "paid", "Prime Services");
    }
}

/// `cycles` regular wipe-and-replace cycles of `size` endpoints, `every`
/// seconds apart, from `from`.
fn cycles(
    case: &mut Case,
    from: i64,
    cycles: u64,
    size: u64,
    every: i64,
    place: &dyn Fn(u64) -> Place,
) {
    for set in 0..=cycles {
        let at = from + set as i64 * every;
        let prefix = format!("set{set}-");
        case.fleet(&prefix, at, size, 10 * MINUTE, |n| place(set * 1000 + n));
        if set < cycles {
            case.wipe(&prefix, at + every - DAY, size, "api");
        }
    }
}

fn cases() -> Vec<Case> {
    let s = start();
    let mut all = Vec::new();
    use Want::*;

    // Fresh admin domain only.
    let mut c = Case::new("fresh-no-endpoints", Review, Some(Feature::FreshDomain));
    c.domain(s - 2 * MINUTE, "helpdesk-now.example", 12 * MINUTE);
    c.account("boss@helpdesk-now.example", "trial", "Prime Services");
    all.push(c);
    let mut c = Case::new(
        "fresh-info-after-account",
        Review,
        Some(Feature::FreshDomain),
    );
    c.account("ops@quick-start.example", "paid", "Metro Services");
    c.domain(s + 8 * MINUTE, "quick-start.example", 45 * MINUTE);
    c.fleet("pc", s + DAY, 4, 6 * HOUR, home);
    all.push(c);
    let mut c = Case::new("fresh-59-minutes", Review, Some(Feature::FreshDomain));
    c.domain(s - MINUTE, "nova-ent.example", 59 * MINUTE);
    c.account("a@nova-ent.example", "free", "Nova Enterprises");
    c.fleet("pc", s + 2 * DAY, 2, DAY, org);
    all.push(c);
    let mut c = Case::new("fresh-same-minute", Review, Some(Feature::FreshDomain));
    c.domain(s + MINUTE, "same-minute.example", 0);
    c.account("x@same-minute.example", "trial", "Smart Tech");
    c.fleet("pc", s + HOUR, 8, 3 * HOUR, home);
    all.push(c);

    // Regular wipe-and-replace only.
    let mut c = Case::new("wipe-lab-twice", Review, Some(Feature::WipeReplace));
    ordinary(&mut c, false);
    cycles(&mut c, s + DAY, 2, 6, 7 * DAY, &|_| {
        Place::Workgroup("192.0.2.77".into())
    });
    all.push(c);
    let mut c = Case::new(
        "wipe-offices-four-times",
        Review,
        Some(Feature::WipeReplace),
    );
    ordinary(&mut c, true);
    cycles(&mut c, s + DAY, 4, 15, 10 * DAY, &|n| {
        office(&format!("site{}.corp.example", n % 3))
    });
    all.push(c);
    let mut c = Case::new("wipe-slow-uninstall", Review, Some(Feature::WipeReplace));
    ordinary(&mut c, false);
    for set in 0..3u64 {
        let at = s + DAY + set as i64 * 20 * DAY;
        let prefix = format!("g{set}-");
        c.fleet(&prefix, at, 8, HOUR, |_| {
            Place::Workgroup("192.0.2.78".into())
        });
        if set < 2 {
            for n in 0..8u64 {
                c.remove(
                    at + 14 * DAY + n as i64 * 35 * MINUTE,
                    &format!("{prefix}{n}"),
                    "uninstall",
                );
            }
        }
    }
    all.push(c);
    let mut c = Case::new("wipe-five-at-a-time", Review, Some(Feature::WipeReplace));
    ordinary(&mut c, true);
    cycles(&mut c, s + DAY, 3, 5, 5 * DAY, &|_| {
        Place::Workgroup("192.0.2.79".into())
    });
    all.push(c);

    // AD-domain spread only.
    let mut c = Case::new("spread-100-domains", Review, Some(Feature::AdSpread));
    ordinary(&mut c, false);
    c.fleet("ws", s + DAY, 100, 5 * HOUR, org);
    all.push(c);
    let mut c = Case::new("spread-40-home-pcs", Review, Some(Feature::AdSpread));
    ordinary(&mut c, true);
    c.fleet("pc", s + DAY, 40, 12 * HOUR, home);
    all.push(c);
    let mut c = Case::new("spread-exactly-80-percent", Review, Some(Feature::AdSpread));
    ordinary(&mut c, false);
    c.fleet("ws", s + DAY, 30, 8 * HOUR, |n| {
        if n < 24 {
            org(n)
        } else {
            office("shared.corp.example")
        }
    });
    all.push(c);
    let mut c = Case::new("spread-mixed", Review, Some(Feature::AdSpread));
    ordinary(&mut c, true);
    c.fleet("ws", s + DAY, 60, 11 * HOUR, |n| {
        if n % 2 == 0 { org(n) } else { home(n) }
    });
    all.push(c);

    // Two or three tells: suspend.
    let mut c = Case::new("crew-fresh-and-spread", Suspend, None);
    c.domain(s - MINUTE, "fix-it-fast.example", 20 * MINUTE);
    c.account("r@fix-it-fast.example", "trial", "Global Solutions");
    c.fleet("ws", s + DAY, 50, 6 * HOUR, org);
    all.push(c);
    let mut c = Case::new("crew-fresh-and-wipes", Suspend, None);
    c.domain(s - MINUTE, "rotate.example", 30 * MINUTE);
    c.account("r@rotate.example", "paid", "United Tech");
    cycles(&mut c, s + DAY, 2, 8, 6 * DAY, &|_| {
        Place::Workgroup("192.0.2.80".into())
    });
    all.push(c);
    let mut c = Case::new("crew-wipes-and-spread", Suspend, None);
    ordinary(&mut c, true);
    cycles(&mut c, s + DAY, 2, 14, 6 * DAY, &home);
    all.push(c);
    let mut c = Case::new("crew-all-three", Suspend, None);
    c.domain(s - MINUTE, "all-three.example", 5 * MINUTE);
    c.account("r@all-three.example", "trial", "Alpha Systems");
    cycles(&mut c, s + DAY, 3, 12, 5 * DAY, &org);
    all.push(c);

    // Legitimate look-alikes: below review.
    let mut c = Case::new("msp-loses-one-client", Clear, None);
    ordinary(&mut c, false);
    for client in 0..4u64 {
        let domain = format!("client{client}.corp.example");
        c.fleet(
            &format!("c{client}-"),
            s + DAY + client as i64 * DAY,
            12,
            HOUR,
            |_| office(&domain),
        );
    }
    c.wipe("c2-", s + 90 * DAY, 12, "admin");
    all.push(c);
    let mut c = Case::new("msp-dominant-client-leaves", Clear, None);
    ordinary(&mut c, false);
    c.fleet("big", s + DAY, 40, 30 * MINUTE, |_| {
        office("big.corp.example")
    });
    c.fleet("small", s + 2 * DAY, 2, HOUR, |_| {
        office("small.corp.example")
    });
    c.wipe("big", s + 60 * DAY, 40, "admin");
    c.fleet("next", s + 63 * DAY, 15, HOUR, |_| {
        office("next.corp.example")
    });
    all.push(c);
    let mut c = Case::new("trial-imports-one-domain", Clear, None);
    c.domain(s - 5 * MINUTE, "acme-plumbing.example", 9 * 365 * DAY);
    c.account("it@acme-plumbing.example", "trial", "Acme Plumbing");
    c.fleet("pc", s + 30 * MINUTE, 150, 5 * MINUTE, |_| {
        office("acme.local")
    });
    all.push(c);
    let mut c = Case::new("freelancer-eight-friends", Clear, None);
    ordinary(&mut c, true);
    c.fleet("friend", s + DAY, 8, 9 * DAY, home);
    all.push(c);
    let mut c = Case::new("freelancer-twenty-over-a-year", Clear, None);
    ordinary(&mut c, true);
    c.fleet("friend", s + DAY, 20, 18 * DAY, home);
    all.push(c);
    let mut c = Case::new("new-business-domain-this-week", Clear, None);
    c.domain(s - MINUTE, "bakery-new.example", 3 * DAY);
    c.account("owner@bakery-new.example", "trial", "Riverside Bakery");
    c.fleet("pc", s + HOUR, 12, 20 * MINUTE, |_| office("bakery.local"));
    all.push(c);
    let mut c = Case::new("new-business-domain-this-hour", Clear, None);
    c.domain(s - MINUTE, "dental-new.example", 20 * MINUTE);
    c.account("owner@dental-new.example", "trial", "Hillside Dental");
    c.fleet("pc", s + HOUR, 10, 20 * MINUTE, |_| office("dental.local"));
    all.push(c);
    let mut c = Case::new("new-business-workgroup", Clear, None);
    c.domain(s - MINUTE, "florist-new.example", 2 * HOUR);
    c.account("owner@florist-new.example", "paid", "Lakeside Florist");
    c.fleet("pc", s + HOUR, 5, HOUR, |_| {
        Place::Workgroup("192.0.2.99".into())
    });
    all.push(c);
    let mut c = Case::new("hardware-refreshes-years-apart", Clear, None);
    ordinary(&mut c, false);
    c.fleet("gen1-", s + DAY, 15, 10 * MINUTE, |_| office("corp.local"));
    c.wipe("gen1-", s + 300 * DAY, 15, "admin");
    c.fleet("gen2-", s + 302 * DAY, 15, 10 * MINUTE, |_| {
        office("corp.local")
    });
    c.wipe("gen2-", s + 1100 * DAY, 15, "admin");
    c.fleet("gen3-", s + 1101 * DAY, 15, 10 * MINUTE, |_| {
        office("corp.local")
    });
    all.push(c);
    let mut c = Case::new("repair-shop-two-years", Clear, None);
    ordinary(&mut c, false);
    for n in 0..45u64 {
        let at = s + DAY + n as i64 * 16 * DAY;
        let endpoint = format!("job{n}");
        c.enrol(at, &endpoint, &if n % 4 == 0 { org(n) } else { home(n) });
        c.remove(at + 10 * DAY, &endpoint, "admin");
    }
    all.push(c);
    let mut c = Case::new("msp-25-clients", Clear, None);
    ordinary(&mut c, false);
    c.fleet("ep", s + DAY, 300, 20 * MINUTE, |n| {
        office(&format!("client{}.corp.example", n % 25))
    });
    all.push(c);
    let mut c = Case::new("home-user", Clear, None);
    ordinary(&mut c, true);
    c.fleet("pc", s + DAY, 2, 30 * DAY, home);
    all.push(c);
    all
}

#[test]
fn each_tell_alone_reaches_review_and_look_alikes_stay_below()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("handmade.jsonl");
    let cases = cases();
    let mut lines: Vec<(i64, &str)> = cases
        .iter()
        .flat_map(|case| case.lines.iter().map(|(ts, line)| (*ts, line.as_str())))
        .collect();
    lines.sort_by_key(|(ts, _)| *ts);
    let text: String = lines.iter().map(|(_, line)| format!("{line}\n")).collect();
    std::fs::write(&path, text)?;
    let run = batch::score_files(&[path], Config::default())?;
    assert_eq!(run.skipped(), 0, "{:?}", run.files);
    let mut table = String::new();
    let mut wrong = Vec::new();
    for case in &cases {
        let score = run
            .scores
            .iter()
            .find(|score| score.tenant == case.tenant)
            .ok_or_else(|| format!("no score for {}", case.tenant))?;
        let first = score
            .reasons
            .first()
            .filter(|r| r.points > 0)
            .map(|r| r.feature);
        let reasons: Vec<String> = score
            .reasons
            .iter()
            .filter(|r| r.points > 0)
            .map(|r| format!("{} {}", r.points, r.feature.name()))
            .collect();
        let _ = writeln!(
            table,
            "{:<32} {:>3} {:<8} {}",
            case.tenant,
            score.total,
            score.verdict.name(),
            reasons.join(", ")
        );
        let verdict_ok = match case.want {
            Want::Clear => score.verdict == Verdict::Clear,
            Want::Review => score.verdict >= Verdict::Review,
            Want::Suspend => score.verdict == Verdict::Suspend,
        };
        let first_ok = case.first.is_none_or(|feature| first == Some(feature));
        if !verdict_ok || !first_ok {
            wrong.push(case.tenant.as_str());
        }
    }
    assert!(wrong.is_empty(), "wrong: {wrong:?}\n{table}");
    // 12 single-tell abusers, 4 crews, 12 look-alikes.
    let count = |want: Want| cases.iter().filter(|case| case.want == want).count();
    assert_eq!(
        (
            count(Want::Review),
            count(Want::Suspend),
            count(Want::Clear)
        ),
        (12, 4, 12)
    );
    Ok(())
}
