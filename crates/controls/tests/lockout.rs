//! Controls that cannot lock the operator out, proved after a real LOLRMM
//! import (`../shared/reference/lolrmm`) with the example policy:
//!
//! * no firewall or IDS format blocks an infrastructure port (SSH, DNS,
//!   Kerberos, RPC, SMB, RDP, WinRM, …), whether or not imported ports are
//!   opted in, while the ports it should block are still blocked;
//! * every output still passes the real tool that loads it;
//! * `--explain` names the tool and the source (built-in file or LOLRMM
//!   import) of every block, and warns about broad ones;
//! * the nftables ruleset, loaded in a network namespace, keeps an SSH-like
//!   session over loopback, and sessions that were up before the load,
//!   alive, while it drops new connections to a blocked RMM port.

mod common;

use std::io::{BufRead, BufReader, Write as _};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::{
    check_iptables, check_nft, check_unbound, check_xml, check_zone, example_policy_text,
    generate_from, lolrmm_catalog, require, run_ok, text, write_temp,
};
use rmmguard_catalog::Catalog;
use rmmguard_controls::{INFRASTRUCTURE, Output, Target};

/// The LOLRMM-widened catalog, imported once for the whole file.
fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(lolrmm_catalog)
}

fn generate(target: Target, imported_ports: bool) -> Output {
    generate_from(catalog(), &example_policy_text(), target, |o| {
        o.imported_ports = imported_ports
    })
}

/// A blocked port run: transport, first, last.
type Blocked = (&'static str, u16, u16);

/// Reads the blocked port runs out of one format's text.
type BlockedParser = fn(&str) -> Vec<Blocked>;

fn range(protocol: &'static str, ports: &str, separator: char) -> Blocked {
    let ports = ports.trim_matches(['\'', ',']);
    let (first, last) = ports.split_once(separator).unwrap_or((ports, ports));
    (
        protocol,
        first.parse().unwrap_or_else(|_| panic!("port {first:?}")),
        last.parse().unwrap_or_else(|_| panic!("port {last:?}")),
    )
}

fn protocol_of(text: &str) -> &'static str {
    if text.eq_ignore_ascii_case("tcp") {
        "tcp"
    } else if text.eq_ignore_ascii_case("udp") {
        "udp"
    } else {
        panic!("protocol {text:?}")
    }
}

/// Every element of the nftables port sets (all of them end in drops).
fn nft_blocked(text: &str) -> Vec<Blocked> {
    let mut out = Vec::new();
    let mut protocol = None;
    for line in text.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix("set rmm_") {
            protocol = match name.split('_').next() {
                Some("tcp") => Some("tcp"),
                Some("udp") => Some("udp"),
                _ => None,
            };
        } else if line == "}" || line.starts_with("chain ") {
            protocol = None;
        } else if let Some(protocol) = protocol
            && line.starts_with(|c: char| c.is_ascii_digit())
        {
            let element = line.split_whitespace().next().unwrap_or_default();
            out.push(range(protocol, element, '-'));
        }
    }
    out
}

/// Every `--dport` of the iptables rules (each ends in DROP or the
/// approved-paths chain, which drops the rest).
fn iptables_blocked(text: &str) -> Vec<Blocked> {
    text.lines()
        .filter(|line| line.starts_with("-A ") && line.contains("--dport "))
        .map(|line| {
            let protocol = line.split("-p ").nth(1).unwrap().split(' ').next().unwrap();
            let ports = line
                .split("--dport ")
                .nth(1)
                .unwrap()
                .split(' ')
                .next()
                .unwrap();
            range(protocol_of(protocol), ports, ':')
        })
        .collect()
}

/// Every port of the Windows Firewall block rules.
fn firewall_blocked(text: &str) -> Vec<Blocked> {
    text.lines()
        .filter(|line| line.starts_with("New-NetFirewallRule") && line.contains("Port '"))
        .map(|line| {
            let protocol = line
                .split("-Protocol ")
                .nth(1)
                .unwrap()
                .split(' ')
                .next()
                .unwrap();
            let ports = line
                .split("Port '")
                .nth(1)
                .unwrap()
                .split('\'')
                .next()
                .unwrap();
            range(protocol_of(protocol), ports, '-')
        })
        .collect()
}

/// The destination ports of the Suricata port rules (`drop` in IPS mode).
fn suricata_blocked(text: &str) -> Vec<Blocked> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let header: Vec<&str> = line.split(" (").next()?.split(' ').collect();
            let protocol = *header.get(1)?;
            let ports = *header.get(6)?;
            (matches!(protocol, "tcp" | "udp") && ports != "any")
                .then(|| range(protocol_of(protocol), ports, ':'))
        })
        .collect()
}

/// Fails naming the infrastructure port a blocked run covers, if any.
fn assert_no_infrastructure(format: &str, blocked: &[Blocked]) {
    for (protocol, first, last) in blocked {
        for entry in INFRASTRUCTURE {
            let same_transport = entry
                .ranges()
                .any(|r| r.to_string().starts_with(&format!("{protocol}/")));
            assert!(
                !(same_transport && *first <= entry.last && entry.first <= *last),
                "{format} blocks {protocol}/{first}-{last}, which holds infrastructure {} ({})",
                entry.label(),
                entry.service
            );
        }
    }
}

fn holds(blocked: &[Blocked], protocol: &str, port: u16) -> bool {
    blocked
        .iter()
        .any(|(p, first, last)| *p == protocol && (*first..=*last).contains(&port))
}

#[test]
fn no_format_blocks_an_infrastructure_port_after_a_lolrmm_import() {
    for imported_ports in [false, true] {
        let parsed: [(Target, BlockedParser); 5] = [
            (Target::Nftables, nft_blocked),
            (Target::Iptables, iptables_blocked),
            (Target::Ip6tables, iptables_blocked),
            (Target::WindowsFirewall, firewall_blocked),
            (Target::Suricata, suricata_blocked),
        ];
        for (target, parse) in parsed {
            let output = generate(target, imported_ports);
            let blocked = parse(text(&output));
            assert_no_infrastructure(target.name(), &blocked);
            for (protocol, port) in [
                ("tcp", 22),
                ("udp", 53),
                ("tcp", 88),
                ("tcp", 135),
                ("udp", 161),
                ("tcp", 445),
                ("tcp", 3389),
                ("tcp", 5985),
            ] {
                assert!(
                    !holds(&blocked, protocol, port),
                    "{target}: {protocol}/{port}"
                );
            }
            // The parsers see the blocks that must be there: AnyDesk is built
            // in; Faronics Insight's tcp/1313 comes from the import only.
            assert!(holds(&blocked, "tcp", 7070), "{target}: tcp/7070 missing");
            assert_eq!(
                holds(&blocked, "tcp", 1313),
                imported_ports,
                "{target}: tcp/1313 with imported_ports = {imported_ports}"
            );
        }
    }
}

#[test]
fn rdp_is_blocked_only_when_the_operator_names_it() {
    let output = generate_from(catalog(), &example_policy_text(), Target::Nftables, |o| {
        o.imported_ports = true;
        o.block_infrastructure = vec!["tcp/3389".parse().unwrap()];
    });
    let blocked = nft_blocked(text(&output));
    assert!(holds(&blocked, "tcp", 3389));
    assert!(!holds(&blocked, "tcp", 22));
    assert!(
        output.warnings.iter().any(|w| w
            .rule
            .starts_with("broad: tcp/3389 is infrastructure (RDP)")),
        "{:#?}",
        output.warnings
    );
}

#[test]
fn outputs_after_a_lolrmm_import_pass_the_real_tools() {
    for imported_ports in [false, true] {
        check_nft(text(&generate(Target::Nftables, imported_ports)));
        check_iptables(text(&generate(Target::Iptables, imported_ports)), false);
        check_iptables(text(&generate(Target::Ip6tables, imported_ports)), true);
    }
    check_zone(text(&generate(Target::Rpz, false)));
    check_unbound(text(&generate(Target::Unbound, false)));
    check_xml(text(&generate(Target::Applocker, false)));
}

#[test]
fn explain_names_tool_and_source_of_every_block_and_warns_about_broad_ones() {
    let output = generate(Target::Nftables, true);
    for note in output.notes.iter().chain(&output.remarks) {
        for reason in &note.reasons {
            assert_eq!(
                reason.tool.is_some() && !matches!(reason.field.as_str(), "tenants" | "hosts"),
                reason.source.is_some(),
                "{}: {reason}",
                note.rule
            );
        }
    }
    let explain = output.explain();
    for needle in [
        "set rmm_tcp_blocked element 7070\n    because catalog anydesk network.ports \"tcp/7070\" (built-in catalog/anydesk.toml): anydesk is not authorized by the policy\n",
        "set rmm_tcp_blocked element 1313\n    because catalog faronics-insight network.ports \"tcp/1313\" (LOLRMM import ",
        "not blocked: tcp/22 is infrastructure (SSH: remote administration of servers and network devices, the operator's own session)\n    because catalog ",
        "\nWarnings:\n",
        // udp/4500 (IPsec NAT traversal) is kept open inside NoMachine's range.
        "broad: udp/4011-4499 blocks 489 ports (nomachine)",
        "broad: udp/4501-4999 blocks 499 ports (nomachine)",
        "broad: tcp/8080 is shared with other software",
    ] {
        assert!(
            explain.contains(needle),
            "{needle:?} missing from\n{explain}"
        );
    }
    // Without the opt-in, the imported ports are listed as left out, by tool and source.
    let default = generate(Target::Nftables, false).explain();
    assert!(
        default.contains("not blocked: tcp/1313 (a port from the LOLRMM import: blocked only with --imported-ports)\n    because catalog faronics-insight network.ports \"tcp/1313\" (LOLRMM import "),
        "{default}"
    );
}

#[test]
fn firewalls_keep_loopback_and_sessions_that_are_up_before_any_drop() {
    let nft = generate(Target::Nftables, true);
    let nft = text(&nft);
    for (hook, keep) in [
        (
            "output",
            vec![
                "oifname \"lo\" accept",
                "ct state established,related accept",
            ],
        ),
        (
            "input",
            vec![
                "iifname \"lo\" accept",
                "ct state established,related accept",
            ],
        ),
        ("forward", vec!["ct state established,related accept"]),
    ] {
        let chain = nft
            .split(&format!("\tchain {hook} {{\n"))
            .nth(1)
            .and_then(|rest| rest.split("\n\t}").next())
            .unwrap_or_else(|| panic!("base chain {hook}"));
        let rules: Vec<&str> = chain.lines().map(str::trim).skip(1).collect();
        for (index, wanted) in keep.iter().enumerate() {
            assert!(rules[index].starts_with(wanted), "{hook}: {rules:?}");
        }
    }
    for target in [Target::Iptables, Target::Ip6tables] {
        let output = generate(target, true);
        for (chain, interface) in [("RMMGUARD-EGRESS", "-o"), ("RMMGUARD-INGRESS", "-i")] {
            let rules: Vec<&str> = text(&output)
                .lines()
                .filter(|l| l.starts_with(&format!("-A {chain} ")))
                .collect();
            assert!(
                rules[0].starts_with(&format!("-A {chain} {interface} lo ")),
                "{rules:?}"
            );
            assert!(rules[0].ends_with("-j RETURN"));
            assert!(
                rules[1].contains("--ctstate ESTABLISHED,RELATED")
                    && rules[1].ends_with("-j RETURN")
            );
        }
    }
    // Windows Firewall: inbound blocks stay off the Domain profile.
    let firewall = generate(Target::WindowsFirewall, true);
    let inbound: Vec<&str> = text(&firewall)
        .lines()
        .filter(|l| l.contains("-Direction Inbound"))
        .collect();
    assert!(inbound.len() > 10, "{}", inbound.len());
    for rule in inbound {
        assert!(rule.contains("-Profile Private, Public "), "{rule}");
    }
    assert!(
        text(&firewall)
            .lines()
            .filter(|l| l.contains("-Direction Outbound"))
            .all(|l| l.contains("-Profile Any "))
    );
}

// ---------------------------------------------------------------- network namespace

/// Two namespaces joined by a veth pair: `host` (192.0.2.1, the ruleset,
/// the listeners) and `peer` (192.0.2.2). Dropped in any case.
struct Lab {
    host: String,
    peer: String,
    children: Vec<Child>,
}

impl Drop for Lab {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        for name in [&self.host, &self.peer] {
            let _ = Command::new("ip").args(["netns", "del", name]).status();
        }
    }
}

fn in_ns(ns: &str, args: &[&str]) {
    let mut command = Command::new("ip");
    command.args(["netns", "exec", ns]).args(args);
    run_ok(command, &format!("ip netns exec {ns}"));
}

/// Builds the lab; fails the test with what to do where namespaces cannot be made.
fn lab() -> Lab {
    require("ip");
    let tag = std::process::id();
    let (host, peer) = (format!("rmmgl{tag}h"), format!("rmmgl{tag}p"));
    let probe = Command::new("ip")
        .args(["netns", "add", &host])
        .output()
        .expect("run ip netns add");
    assert!(
        probe.status.success(),
        "cannot create a network namespace ({}): this test needs root (CI runs as root) \
         and iproute2, nftables and python3 from `sudo bash scripts/deps/controls.sh`",
        String::from_utf8_lossy(&probe.stderr).trim()
    );
    let lab = Lab {
        host: host.clone(),
        peer: peer.clone(),
        children: Vec::new(),
    };
    let mut add = Command::new("ip");
    add.args(["netns", "add", &peer]);
    run_ok(add, "ip netns add");
    let (vh, vp) = (format!("lh{tag}"), format!("lp{tag}"));
    let mut link = Command::new("ip");
    link.args([
        "link", "add", &vh, "netns", &host, "type", "veth", "peer", "name", &vp, "netns", &peer,
    ]);
    run_ok(link, "ip link add");
    for (ns, dev) in [
        (&host, "lo"),
        (&host, vh.as_str()),
        (&peer, "lo"),
        (&peer, vp.as_str()),
    ] {
        in_ns(ns, &["ip", "link", "set", dev, "up"]);
    }
    in_ns(&host, &["ip", "addr", "add", "192.0.2.1/24", "dev", &vh]);
    in_ns(&peer, &["ip", "addr", "add", "192.0.2.2/24", "dev", &vp]);
    lab
}

/// Echo listeners on 127.0.0.1 and 192.0.2.1, ports 22 (SSH-like) and
/// 7070 (AnyDesk: blocked by the ruleset). Prints "listening" when ready.
const SERVER: &str = r#"
import socket, threading, time
def serve(conn):
    with conn:
        while True:
            data = conn.recv(64)
            if not data:
                return
            conn.sendall(data)
def listen(address, port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((address, port))
    s.listen(16)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()
for address in ("127.0.0.1", "192.0.2.1"):
    for port in (22, 7070):
        threading.Thread(target=listen, args=(address, port), daemon=True).start()
time.sleep(0.5)
print("listening", flush=True)
time.sleep(120)
"#;

/// Opens one session per target given as HOST:PORT, checks an echo on
/// each, prints "up", then at each line on stdin checks every session
/// again and prints "ok" or the first that failed.
const SESSIONS: &str = r#"
import socket, sys
sessions = []
for target in sys.argv[1:]:
    host, port = target.rsplit(":", 1)
    s = socket.create_connection((host, int(port)), timeout=3)
    s.sendall(b"ping")
    assert s.recv(4) == b"ping", target
    sessions.append((target, s))
print("up", flush=True)
for line in sys.stdin:
    failed = None
    for target, s in sessions:
        try:
            s.sendall(b"again")
            if s.recv(5) != b"again":
                failed = target
        except OSError:
            failed = target
        if failed:
            break
    print("ok" if failed is None else "lost " + failed, flush=True)
"#;

/// A fresh connection with an echo, as a second login would.
const CONNECT: &str = r#"
import socket, sys
host, port = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((host, int(port)), timeout=2)
s.sendall(b"new")
assert s.recv(3) == b"new"
"#;

fn python_in(ns: &str, python: &std::path::Path, script: &str, args: &[&str]) -> Command {
    let mut command = Command::new("ip");
    command
        .args(["netns", "exec", ns])
        .arg(python)
        .args(["-c", script])
        .args(args);
    command
}

fn read_line(stdout: &mut BufReader<ChildStdout>, what: &str) -> String {
    let mut line = String::new();
    stdout
        .read_line(&mut line)
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    line.trim().to_owned()
}

fn connects(ns: &str, python: &std::path::Path, target: &str) -> bool {
    python_in(ns, python, CONNECT, &[target])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Sessions in one namespace: its stdin (a line asks for a check) and stdout.
struct Sessions {
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Sessions {
    fn start(lab: &mut Lab, ns: &str, python: &std::path::Path, targets: &[&str]) -> Sessions {
        let mut child = python_in(ns, python, SESSIONS, targets)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the sessions");
        let stdin = child.stdin.take().expect("stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        lab.children.push(child);
        assert_eq!(read_line(&mut stdout, "sessions"), "up", "sessions in {ns}");
        Sessions { stdin, stdout }
    }

    fn check(&mut self) -> String {
        writeln!(self.stdin, "check").expect("ask for a check");
        self.stdin.flush().expect("flush");
        read_line(&mut self.stdout, "session check")
    }
}

#[test]
fn nftables_in_a_network_namespace_keeps_loopback_and_established_sessions() {
    let nft = require("nft");
    let python = require("python3");
    // The widest ruleset: imported ports too, so tcp/7070 and more are dropped.
    let output = generate(Target::Nftables, true);
    let (_dir, ruleset) = write_temp("rmmguard.nft", text(&output));
    let mut lab = lab();
    let (host, peer) = (lab.host.clone(), lab.peer.clone());
    let mut server = python_in(&host, &python, SERVER, &[])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the listeners");
    let mut server_out = BufReader::new(server.stdout.take().expect("stdout"));
    lab.children.push(server);
    assert_eq!(read_line(&mut server_out, "listeners"), "listening");
    // Connection tracking on, as on any host with a stateful firewall: a
    // session is "established" only if conntrack saw it start.
    let (_pre_dir, pre) = write_temp(
        "conntrack.nft",
        "table inet conntrack_on {\n\tchain input {\n\t\ttype filter hook input priority -10; policy accept;\n\t\tct state new counter\n\t}\n\tchain output {\n\t\ttype filter hook output priority -10; policy accept;\n\t\tct state new counter\n\t}\n}\n",
    );
    let mut conntrack = Command::new("ip");
    conntrack
        .args(["netns", "exec", &host])
        .arg(&nft)
        .arg("-f")
        .arg(&pre);
    run_ok(conntrack, "nft -f (conntrack on)");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !connects(&peer, &python, "192.0.2.1:7070") {
        assert!(Instant::now() < deadline, "the lab never connected");
        std::thread::sleep(Duration::from_millis(100));
    }
    // Sessions up before the load: SSH-like and AnyDesk over loopback, and
    // from the peer over the veth.
    let mut local = Sessions::start(
        &mut lab,
        &host,
        &python,
        &["127.0.0.1:22", "127.0.0.1:7070"],
    );
    let mut remote = Sessions::start(
        &mut lab,
        &peer,
        &python,
        &["192.0.2.1:22", "192.0.2.1:7070"],
    );
    let mut load = Command::new("ip");
    load.args(["netns", "exec", &host])
        .arg(&nft)
        .arg("-f")
        .arg(&ruleset);
    run_ok(load, "nft -f in the host namespace");
    assert_eq!(local.check(), "ok", "loopback sessions after the load");
    assert_eq!(
        remote.check(),
        "ok",
        "sessions that were up before the load"
    );
    // New connections: loopback and SSH still work; a new AnyDesk
    // connection from the peer is dropped, so the ruleset is really loaded.
    assert!(
        connects(&host, &python, "127.0.0.1:22"),
        "new SSH over loopback"
    );
    assert!(
        connects(&host, &python, "127.0.0.1:7070"),
        "new loopback connection to 7070"
    );
    assert!(
        connects(&peer, &python, "192.0.2.1:22"),
        "new SSH from the peer"
    );
    assert!(
        !connects(&peer, &python, "192.0.2.1:7070"),
        "a new connection to tcp/7070 (AnyDesk) must be dropped"
    );
    assert_eq!(local.check(), "ok", "loopback sessions at the end");
    assert_eq!(remote.check(), "ok", "established sessions at the end");
}
