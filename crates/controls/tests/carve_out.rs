//! The carve-out, proved on the generated outputs themselves:
//!
//! * the RPZ zone, parsed and resolved with RPZ's own precedence (exact
//!   owner before wildcard, longer wildcard before shorter), blocks
//!   `evil.screenconnect.com` and passes `acme.screenconnect.com`;
//! * the nftables ruleset, walked rule by rule for a packet, accepts the
//!   VPN subnet's traffic to 8041 and drops the workstation subnet's;
//! * the same ruleset loaded into a gateway network namespace lets a real
//!   TCP connection through from the VPN address and not from the
//!   workstation address (the test needs root, as CI has, and fails
//!   saying so where network namespaces cannot be made).

mod common;

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{generate, generate_with, require, run_ok, text, write_temp};
use rmmguard_controls::{DnsAnswer, Sinkhole, Target};

// ---------------------------------------------------------------- RPZ

/// What an RPZ zone does with a query name.
#[derive(Debug, PartialEq, Eq)]
enum RpzAction {
    /// Not in the zone: resolved normally.
    NotListed,
    /// `CNAME rpz-passthru.`: resolved normally, explicitly.
    Passthru,
    /// `CNAME .`: NXDOMAIN.
    Nxdomain,
    /// Local data (a sinkhole): the records answered.
    LocalData(Vec<String>),
}

struct Zone {
    records: BTreeMap<String, Vec<String>>,
}

impl Zone {
    fn parse(text: &str) -> Zone {
        let mut records: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for line in text.lines() {
            let line = line.split(';').next().unwrap_or("").trim();
            if line.is_empty() || line.starts_with('$') || line.starts_with('@') {
                continue;
            }
            let (owner, data) = line.split_once(' ').expect("owner and data");
            records
                .entry(owner.to_owned())
                .or_default()
                .push(data.to_owned());
        }
        Zone { records }
    }

    /// RPZ QNAME trigger precedence: an exact owner wins; otherwise the
    /// wildcard with the longest suffix the name is strictly below.
    fn resolve(&self, qname: &str) -> RpzAction {
        let data = self.records.get(qname).or_else(|| {
            let labels: Vec<&str> = qname.split('.').collect();
            (1..labels.len())
                .find_map(|cut| self.records.get(&format!("*.{}", labels[cut..].join("."))))
        });
        let Some(data) = data else {
            return RpzAction::NotListed;
        };
        match data.as_slice() {
            [one] if one == "CNAME rpz-passthru." => RpzAction::Passthru,
            [one] if one == "CNAME ." => RpzAction::Nxdomain,
            many => RpzAction::LocalData(many.to_vec()),
        }
    }
}

#[test]
fn rpz_answers_for_evil_but_not_for_the_authorized_instance() {
    let zone = Zone::parse(text(&generate(Target::Rpz)));
    assert_eq!(zone.resolve("evil.screenconnect.com"), RpzAction::Nxdomain);
    assert_eq!(zone.resolve("acme.screenconnect.com"), RpzAction::Passthru);
    // The carve-out is exact: names below the instance are not ours.
    assert_eq!(
        zone.resolve("x.acme.screenconnect.com"),
        RpzAction::Nxdomain
    );
    assert_eq!(zone.resolve("screenconnect.com"), RpzAction::Nxdomain);
    assert_eq!(
        zone.resolve("relay-1a2b3c4d.net.anydesk.com"),
        RpzAction::Nxdomain
    );
    assert_eq!(zone.resolve("example.org"), RpzAction::NotListed);
    // TeamViewer is authorized for any tenant and Atera for an account (not a
    // DNS name), so their domains stay resolvable.
    assert_eq!(zone.resolve("router1.teamviewer.com"), RpzAction::NotListed);
    assert_eq!(zone.resolve("agent.atera.com"), RpzAction::NotListed);
}

#[test]
fn rpz_sinkhole_answers_local_data_and_keeps_the_carve_out() {
    let output = generate_with(Target::Rpz, |o| {
        o.dns_answer = DnsAnswer::Sinkhole(Sinkhole {
            v4: Some("192.0.2.53".parse().unwrap()),
            v6: None,
        })
    });
    let zone = Zone::parse(text(&output));
    assert_eq!(
        zone.resolve("evil.screenconnect.com"),
        RpzAction::LocalData(vec!["A 192.0.2.53".into()])
    );
    assert_eq!(zone.resolve("acme.screenconnect.com"), RpzAction::Passthru);
}

#[test]
fn without_the_tenant_the_instance_is_blocked_too() {
    let catalog = common::catalog();
    let text_ = common::policy_text().replace(
        "tenants = [\"acme.screenconnect.com\"]",
        "tenants = [\"acme.example\"]",
    );
    let policy = rmmguard_policy::Policy::parse(&text_).unwrap();
    let output = Target::Rpz
        .generate(&catalog, &policy, &common::options(&catalog, &text_))
        .unwrap();
    let zone = Zone::parse(text(&output));
    assert_eq!(zone.resolve("acme.screenconnect.com"), RpzAction::Nxdomain);
}

// ---------------------------------------------------------------- nftables rule walk

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Accept,
    Drop,
}

#[derive(Debug, Clone, Copy)]
struct Packet {
    hook: &'static str,
    saddr: IpAddr,
    daddr: IpAddr,
    protocol: &'static str,
    dport: u16,
}

#[derive(Debug)]
enum Element {
    Net(ipnet::IpNet),
    Ports(u16, u16),
}

struct Ruleset {
    sets: BTreeMap<String, Vec<Element>>,
    chains: BTreeMap<String, Vec<String>>,
    /// Base chains by hook name, with their policy.
    hooks: BTreeMap<String, (String, Verdict)>,
}

impl Ruleset {
    /// Parses the subset of nft syntax the generator writes; anything else fails the test.
    fn parse(text: &str) -> Ruleset {
        let body = text
            .split("table inet rmmguard {\n")
            .nth(1)
            .expect("table body");
        let mut ruleset = Ruleset {
            sets: BTreeMap::new(),
            chains: BTreeMap::new(),
            hooks: BTreeMap::new(),
        };
        let mut lines = body.lines().map(str::trim).filter(|l| !l.is_empty());
        while let Some(line) = lines.next() {
            if let Some(name) = line.strip_prefix("set ").and_then(|l| l.strip_suffix(" {")) {
                ruleset.sets.insert(name.to_owned(), parse_set(&mut lines));
            } else if let Some(name) = line
                .strip_prefix("chain ")
                .and_then(|l| l.strip_suffix(" {"))
            {
                let mut rules = Vec::new();
                for line in lines.by_ref() {
                    if line == "}" {
                        break;
                    }
                    if let Some(hook) = line.strip_prefix("type filter hook ") {
                        let hook_name = hook.split(' ').next().unwrap().to_owned();
                        let policy = if line.contains("policy accept;") {
                            Verdict::Accept
                        } else {
                            Verdict::Drop
                        };
                        ruleset.hooks.insert(hook_name, (name.to_owned(), policy));
                        continue;
                    }
                    rules.push(line.to_owned());
                }
                ruleset.chains.insert(name.to_owned(), rules);
            } else if line == "}" {
                break;
            } else {
                panic!("unexpected line in the table: {line}");
            }
        }
        ruleset
    }

    fn evaluate(&self, packet: Packet) -> Verdict {
        let (chain, policy) = self.hooks.get(packet.hook).expect("hooked chain");
        self.run_chain(chain, packet).unwrap_or(*policy)
    }

    /// A final verdict, or `None` when the chain returns.
    fn run_chain(&self, chain: &str, packet: Packet) -> Option<Verdict> {
        for rule in &self.chains[chain] {
            let rule = rule.split(" comment \"").next().unwrap();
            let tokens: Vec<&str> = rule.split_whitespace().collect();
            let (matched, rest) = self.matches(&tokens, packet);
            if !matched {
                continue;
            }
            match rest {
                ["accept"] | ["counter", "accept"] => return Some(Verdict::Accept),
                ["drop"] | ["counter", "drop"] => return Some(Verdict::Drop),
                ["return"] => return None,
                ["jump", target] => {
                    if let Some(verdict) = self.run_chain(target, packet) {
                        return Some(verdict);
                    }
                }
                other => panic!("unknown statement {other:?} in {rule}"),
            }
        }
        None
    }

    /// Whether every match of the rule holds, and the statements after them.
    fn matches<'t>(&self, tokens: &'t [&'t str], packet: Packet) -> (bool, &'t [&'t str]) {
        let mut index = 0;
        let mut all = true;
        while index < tokens.len() {
            let token = tokens[index];
            match token {
                "ip" | "ip6" => {
                    let v6 = token == "ip6";
                    let field = tokens[index + 1];
                    let (negated, set) = match tokens[index + 2] {
                        "!=" => (true, tokens[index + 3]),
                        set => (false, set),
                    };
                    let address = if field == "saddr" {
                        packet.saddr
                    } else {
                        packet.daddr
                    };
                    let family_ok = address.is_ipv6() == v6;
                    let inside = family_ok && self.contains_address(set, address);
                    all &= family_ok && (inside != negated);
                    index += if negated { 4 } else { 3 };
                }
                "tcp" | "udp" => {
                    assert_eq!(tokens[index + 1], "dport");
                    let inside = packet.protocol == token
                        && self.contains_port(tokens[index + 2], packet.dport);
                    all &= inside;
                    index += 3;
                }
                // The walk's packets open new connections on a network
                // interface: neither loopback nor an established session.
                "ct" => {
                    assert_eq!(tokens[index + 1], "state");
                    all = false;
                    index += 3;
                }
                "iifname" | "oifname" => {
                    assert_eq!(tokens[index + 1], "\"lo\"");
                    all = false;
                    index += 2;
                }
                "meta" => {
                    assert_eq!(tokens[index + 1], "nfproto");
                    let v6 = tokens[index + 2] == "ipv6";
                    all &= packet.saddr.is_ipv6() == v6;
                    index += 3;
                }
                _ => return (all, &tokens[index..]),
            }
        }
        (all, &[])
    }

    fn contains_address(&self, set: &str, address: IpAddr) -> bool {
        let name = set.strip_prefix('@').expect("set reference");
        self.sets[name].iter().any(|element| match element {
            Element::Net(net) => net.contains(&address),
            Element::Ports(..) => panic!("{name} is a port set"),
        })
    }

    fn contains_port(&self, set: &str, port: u16) -> bool {
        let name = set.strip_prefix('@').expect("set reference");
        self.sets[name].iter().any(|element| match element {
            Element::Ports(first, last) => (*first..=*last).contains(&port),
            Element::Net(_) => panic!("{name} is an address set"),
        })
    }
}

fn parse_set<'a>(lines: &mut impl Iterator<Item = &'a str>) -> Vec<Element> {
    let mut elements = Vec::new();
    let mut in_elements = false;
    for line in lines.by_ref() {
        match line {
            "}" if in_elements => in_elements = false,
            "}" => break,
            "elements = {" => in_elements = true,
            line if line.starts_with("type ") || line.starts_with("flags ") => {}
            line if in_elements => {
                let value = line
                    .split(" comment ")
                    .next()
                    .unwrap()
                    .trim_end_matches(',');
                let element = if let Ok(net) = value.parse::<ipnet::IpNet>() {
                    Element::Net(net)
                } else if let Ok(ip) = value.parse::<IpAddr>() {
                    Element::Net(ipnet::IpNet::from(ip))
                } else {
                    let (first, last) = value.split_once('-').unwrap_or((value, value));
                    Element::Ports(first.parse().unwrap(), last.parse().unwrap())
                };
                elements.push(element);
            }
            other => panic!("unexpected line in a set: {other}"),
        }
    }
    elements
}

fn packet(
    hook: &'static str,
    saddr: &str,
    daddr: &str,
    protocol: &'static str,
    dport: u16,
) -> Packet {
    Packet {
        hook,
        saddr: saddr.parse().unwrap(),
        daddr: daddr.parse().unwrap(),
        protocol,
        dport,
    }
}

#[test]
fn nftables_rule_walk_accepts_vpn_and_drops_workstations() {
    let ruleset = Ruleset::parse(text(&generate(Target::Nftables)));
    let cases = [
        // ScreenConnect (authorized): open from the approved paths only.
        (
            packet("forward", "10.8.3.4", "203.0.113.10", "tcp", 8041),
            Verdict::Accept,
        ),
        (
            packet("forward", "10.20.3.4", "203.0.113.10", "tcp", 8041),
            Verdict::Drop,
        ),
        (
            packet("forward", "10.1.2.3", "203.0.113.10", "tcp", 8041),
            Verdict::Accept,
        ),
        (
            packet("forward", "10.1.2.4", "203.0.113.10", "tcp", 8041),
            Verdict::Drop,
        ),
        (
            packet("forward", "fd00:8::5", "2001:db8::1", "tcp", 8041),
            Verdict::Accept,
        ),
        (
            packet("forward", "fd00:20::5", "2001:db8::1", "tcp", 8041),
            Verdict::Drop,
        ),
        (
            packet("output", "10.8.3.4", "203.0.113.10", "tcp", 8040),
            Verdict::Accept,
        ),
        (
            packet("output", "10.20.3.4", "203.0.113.10", "tcp", 8040),
            Verdict::Drop,
        ),
        // Inbound from the internet to an RMM port: dropped.
        (
            packet("forward", "198.51.100.7", "10.20.3.4", "tcp", 8041),
            Verdict::Drop,
        ),
        (
            packet("input", "198.51.100.7", "10.20.3.4", "tcp", 5900),
            Verdict::Drop,
        ),
        // Inside to inside does not cross the perimeter.
        (
            packet("forward", "10.20.3.4", "10.30.3.4", "tcp", 8041),
            Verdict::Accept,
        ),
        // AnyDesk is not authorized: blocked even from the VPN.
        (
            packet("forward", "10.8.3.4", "203.0.113.10", "tcp", 7070),
            Verdict::Drop,
        ),
        // TeamViewer is authorized (any tenant): approved paths only.
        (
            packet("forward", "10.8.3.4", "203.0.113.10", "udp", 5938),
            Verdict::Accept,
        ),
        (
            packet("forward", "10.20.3.4", "203.0.113.10", "udp", 5938),
            Verdict::Drop,
        ),
        // Vendor addresses of unauthorized tools, any port.
        (
            packet("forward", "10.8.3.4", "136.243.104.235", "tcp", 443),
            Verdict::Drop,
        ),
        // Ordinary traffic is untouched.
        (
            packet("forward", "10.20.3.4", "203.0.113.10", "tcp", 443),
            Verdict::Accept,
        ),
    ];
    for (packet, expected) in cases {
        assert_eq!(ruleset.evaluate(packet), expected, "{packet:?}");
    }
}

#[test]
fn nftables_open_port_option_removes_the_block() {
    let output = generate_with(Target::Nftables, |o| {
        o.open_ports = vec!["tcp/7070".parse().unwrap()]
    });
    let ruleset = Ruleset::parse(text(&output));
    let anydesk = packet("forward", "10.20.3.4", "203.0.113.10", "tcp", 7070);
    assert_eq!(ruleset.evaluate(anydesk), Verdict::Accept);
    assert!(
        output
            .remarks
            .iter()
            .any(|r| r.rule == "not blocked: tcp/7070")
    );
}

// ---------------------------------------------------------------- network namespaces

/// Three namespaces: client (VPN and workstation addresses) — gateway
/// (forwarding, the ruleset) — server (a listener on 8041). Dropped in any case.
struct Lab {
    names: [String; 3],
    listener: Option<Child>,
}

impl Lab {
    fn client(&self) -> &str {
        &self.names[0]
    }
    fn gateway(&self) -> &str {
        &self.names[1]
    }
    fn server(&self) -> &str {
        &self.names[2]
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        if let Some(mut child) = self.listener.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        for name in &self.names {
            let _ = Command::new("ip").args(["netns", "del", name]).status();
        }
    }
}

fn ip(args: &[&str]) {
    let mut command = Command::new("ip");
    command.args(args);
    run_ok(command, "ip");
}

fn in_ns(ns: &str, args: &[&str]) {
    let mut command = Command::new("ip");
    command.args(["netns", "exec", ns]).args(args);
    run_ok(command, &format!("ip netns exec {ns}"));
}

/// Builds the lab, or says why the machine does not allow it.
fn lab() -> Result<Lab, String> {
    require("ip");
    let tag = std::process::id();
    let names = [
        format!("rmmg{tag}c"),
        format!("rmmg{tag}g"),
        format!("rmmg{tag}s"),
    ];
    let probe = Command::new("ip")
        .args(["netns", "add", &names[0]])
        .output()
        .map_err(|e| e.to_string())?;
    if !probe.status.success() {
        return Err(String::from_utf8_lossy(&probe.stderr).trim().to_owned());
    }
    let lab = Lab {
        names: names.clone(),
        listener: None,
    };
    ip(&["netns", "add", lab.gateway()]);
    ip(&["netns", "add", lab.server()]);
    let (c, g, s) = (lab.client(), lab.gateway(), lab.server());
    let (vc, vgc, vgs, vs) = (
        format!("rc{tag}"),
        format!("rgc{tag}"),
        format!("rgs{tag}"),
        format!("rs{tag}"),
    );
    ip(&[
        "link", "add", &vc, "netns", c, "type", "veth", "peer", "name", &vgc, "netns", g,
    ]);
    ip(&[
        "link", "add", &vgs, "netns", g, "type", "veth", "peer", "name", &vs, "netns", s,
    ]);
    for (ns, link) in [
        (c, "lo"),
        (c, vc.as_str()),
        (g, "lo"),
        (g, vgc.as_str()),
        (g, vgs.as_str()),
        (s, "lo"),
        (s, vs.as_str()),
    ] {
        in_ns(ns, &["ip", "link", "set", link, "up"]);
    }
    in_ns(c, &["ip", "addr", "add", "10.8.0.10/16", "dev", &vc]);
    in_ns(c, &["ip", "addr", "add", "10.20.0.10/16", "dev", &vc]);
    in_ns(c, &["ip", "route", "add", "default", "via", "10.8.0.1"]);
    in_ns(g, &["ip", "addr", "add", "10.8.0.1/16", "dev", &vgc]);
    in_ns(g, &["ip", "addr", "add", "10.20.0.1/16", "dev", &vgc]);
    in_ns(g, &["ip", "addr", "add", "192.0.2.1/24", "dev", &vgs]);
    in_ns(g, &["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"]);
    in_ns(s, &["ip", "addr", "add", "192.0.2.10/24", "dev", &vs]);
    in_ns(s, &["ip", "route", "add", "default", "via", "192.0.2.1"]);
    Ok(lab)
}

const LISTENER: &str = r#"
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.0.2.10", 8041))
s.listen(8)
s.settimeout(1)
end = time.time() + 60
while time.time() < end:
    try:
        c, _ = s.accept()
        c.sendall(b"ok")
        c.close()
    except OSError:
        pass
"#;

const CONNECT: &str = r#"
import socket, sys
s = socket.socket()
s.settimeout(2)
s.bind((sys.argv[1], 0))
s.connect(("192.0.2.10", 8041))
assert s.recv(2) == b"ok"
"#;

/// Whether a TCP connection from `source` (in the client namespace) reaches the listener.
fn connects(lab: &Lab, python: &std::path::Path, source: &str) -> bool {
    Command::new("ip")
        .args(["netns", "exec", lab.client()])
        .arg(python)
        .args(["-c", CONNECT, source])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|status| status.success())
        .unwrap_or(false)
}

#[test]
fn nftables_in_network_namespaces_passes_vpn_and_blocks_workstations() {
    let nft = require("nft");
    let python = require("python3");
    let output = generate(Target::Nftables);
    let (_dir, ruleset) = write_temp("rmmguard.nft", text(&output));
    let mut lab = lab().unwrap_or_else(|why| {
        panic!(
            "cannot create a network namespace ({why}): this test needs root (CI runs as root) \
             and iproute2, nftables and python3 from `sudo bash scripts/deps/controls.sh`"
        )
    });
    let listener = Command::new("ip")
        .args(["netns", "exec", lab.server()])
        .arg(&python)
        .args(["-c", LISTENER])
        .spawn()
        .expect("start the listener");
    lab.listener = Some(listener);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !connects(&lab, &python, "10.20.0.10") {
        assert!(
            Instant::now() < deadline,
            "the lab never connected without the ruleset"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut load = Command::new("ip");
    load.args(["netns", "exec", lab.gateway()])
        .arg(&nft)
        .arg("-f")
        .arg(&ruleset);
    run_ok(load, "nft -f in the gateway namespace");
    assert!(
        connects(&lab, &python, "10.8.0.10"),
        "VPN subnet to 8041 must pass"
    );
    assert!(
        !connects(&lab, &python, "10.20.0.10"),
        "workstation subnet to 8041 must be dropped"
    );
    eprintln!(
        "network namespaces: VPN 10.8.0.10 -> 192.0.2.10:8041 connected; workstation 10.20.0.10 dropped"
    );
}
