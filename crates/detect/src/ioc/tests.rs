use super::*;
use rmmguard_events::{DnsQuery, FileTransfer, Location, Meta, Process, ProcessStart, SourceRef};

fn event(kind: EventKind) -> Event {
    Event {
        meta: Meta::new(SourceRef::new("t", Location::Record(1))),
        kind,
    }
}

#[test]
fn builtin_domains_match_subdomains() {
    let set = IocSet::builtin();
    assert_eq!(
        set.domain("cdn.myhelpcare.online")
            .map(|i| i.source.to_string()),
        Some("AA23-025A".to_owned())
    );
    assert!(set.domain("myhelpcare.online.example").is_none());
    let hits = set.check(&event(EventKind::DnsQuery(DnsQuery {
        query: "win03.xyz".into(),
        ..DnsQuery::default()
    })));
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].field, "dns.question.name");
    assert_eq!(
        hits[0].ioc.description.as_deref(),
        Some("first-stage domain of the AA23-025A refund-scam campaign")
    );
}

#[test]
fn plain_csv_and_stix_files() {
    let mut set = IocSet::default();
    let stats = set
        .add_file(
            "list.txt",
            "# comment\nevil[.]example\n203.0.113.0/24\nhxxp://bad.example/x.exe\nnot a value\n",
        )
        .unwrap();
    assert_eq!(
        stats,
        IocFileStats {
            added: 4,
            skipped: 1,
            unknown: vec![UnknownValue {
                line: Some(5),
                value: "not a value".into()
            }]
        }
    );
    let stats = set
        .add_file("iocs.csv", "type,value,description\nsha256,AB12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12,dropper\nfilename,support.client.exe,\n")
        .unwrap();
    assert_eq!(stats.added, 2);
    let bundle = r#"{"type":"bundle","objects":[
        {"type":"indicator","name":"relay","pattern":"[domain-name:value = 'relay.crook.example'] OR [ipv4-addr:value = '198.51.100.7']"},
        {"type":"indicator","pattern":"[file:hashes.'MD5' = '0123456789abcdef0123456789abcdef']"},
        {"type":"domain-name","value":"second.example"}]}"#;
    let stats = set.add_file("bundle.json", bundle).unwrap();
    assert_eq!(stats.added, 4);
    assert!(set.domain("relay.crook.example").is_some());
    assert!(set.ip("203.0.113.9".parse().unwrap()).is_some());
    assert!(set.ip("198.51.100.7".parse().unwrap()).is_some());
    assert!(set.domain("bad.example").is_some());
    let kinds: Vec<IocKind> = set.iter().map(|i| i.kind).collect();
    assert!(kinds.contains(&IocKind::Url) && kinds.contains(&IocKind::FileName));
    assert_eq!(distinct_sources(&set).len(), 3);
    assert_eq!(set.len(), 10);
    let hash = set
        .iter()
        .find(|i| i.kind == IocKind::Hash && i.value.starts_with("ab12"))
        .unwrap();
    assert_eq!(hash.description.as_deref(), Some("dropper"));
    assert!(set.add_file("bad.json", "{not json").is_err());
    // The same file again adds nothing.
    let again = set
        .add_file("list.txt", "evil.example\n203.0.113.0/24\n")
        .unwrap();
    assert_eq!(again, IocFileStats::default());
    assert_eq!(set.len(), 10);
}

#[test]
fn blocks_are_searched_for_by_their_shared_octets() {
    let mut set = IocSet::default();
    let stats = set
        .add_file(
            "blocks.txt",
            "203.0.113.0/24\n10.20.0.0/20\n10.0.0.0/8\n2001:db8::/32\n2001:db8::7\n",
        )
        .unwrap();
    assert_eq!(
        stats,
        IocFileStats {
            added: 3,
            skipped: 2,
            unknown: vec![
                UnknownValue {
                    line: Some(3),
                    value: "10.0.0.0/8".into()
                },
                UnknownValue {
                    line: Some(4),
                    value: "2001:db8::/32".into()
                }
            ]
        },
        "blocks wider than /16 and IPv6 blocks have no literal to search for"
    );
    let needles: Vec<String> = set.needles().map(|n| n.into_owned()).collect();
    assert_eq!(needles, ["203.0.113.", "10.20.", "2001:db8::7"]);
    assert!(set.ip("10.20.15.1".parse().unwrap()).is_some());
    let (addresses, nets) = set.addresses();
    assert_eq!((addresses.len(), nets.len()), (1, 2));
}

#[test]
fn process_fields() {
    let mut set = IocSet::default();
    let source: Arc<str> = Arc::from("t");
    set.add_value(&source, "ab12ab12ab12ab12ab12ab12ab12ab12", None);
    set.add_value(&source, "evil.example", None);
    set.add_value(&source, "dropper.exe", None);
    set.add_value(&source, "hxxps://cdn.evil[.]example/a", None);
    let start = ProcessStart {
        process: Process {
            executable: Some(r"C:\Users\x\Downloads\DROPPER.exe".into()),
            command_line: Some("curl https://CDN.evil.example/a".into()),
            hashes: Some("MD5=AB12AB12AB12AB12AB12AB12AB12AB12,IMPHASH=00".into()),
            ..Process::default()
        },
        ..ProcessStart::default()
    };
    let hits = set.check(&event(EventKind::ProcessStart(start)));
    let fields: Vec<(&str, &str)> = hits
        .iter()
        .map(|h| (h.field, h.ioc.value.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("process.name", "dropper.exe"),
            ("process.hash", "ab12ab12ab12ab12ab12ab12ab12ab12"),
            ("process.command_line", "https://cdn.evil.example/a"),
            ("process.command_line", "cdn.evil.example"),
        ]
    );
    let transfer = FileTransfer {
        hash: Some("AB12AB12AB12AB12AB12AB12AB12AB12".into()),
        ..FileTransfer::default()
    };
    let hits = set.check(&event(EventKind::FileTransfer(transfer)));
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].field, "file.hash");
    assert_eq!(
        set.file_name("Dropper.EXE").map(|i| i.value),
        Some("dropper.exe".into())
    );
    assert_eq!(set.urls_in("see HTTPS://cdn.evil.example/a/b").len(), 1);
}

#[test]
fn files_stream_with_bom_crlf_and_bad_bytes() {
    let mut text = b"\xef\xbb\xbfevil.example\r\n\r\n# note\r\n".to_vec();
    text.extend_from_slice(b"bad\xffname.example\r\n198.51.100.1\r\n");
    let mut set = IocSet::default();
    let stats = set.add_reader("feed.txt", text.as_slice()).unwrap();
    assert_eq!(
        stats,
        IocFileStats {
            added: 2,
            skipped: 1,
            unknown: vec![UnknownValue {
                line: Some(4),
                value: "bad\u{fffd}name.example".into()
            }]
        }
    );
    assert!(set.domain("www.evil.example").is_some());
    let csv = "\u{feff}indicator,notes\r\nevil.example,known\r\nother.example,\"c2\"\r\n";
    let mut set = IocSet::default();
    let stats = set.add_reader("feed.csv", csv.as_bytes()).unwrap();
    assert_eq!(
        stats,
        IocFileStats {
            added: 2,
            skipped: 0,
            unknown: Vec::new()
        }
    );
    assert_eq!(
        set.domain("other.example").and_then(|i| i.description),
        Some("c2".to_owned())
    );
}

#[test]
fn large_sets_leave_the_prefilter_and_screen_open() {
    let mut set = IocSet::default();
    let list: String = (0..=NEEDLE_LIMIT)
        .map(|i| format!("host-{i}.example\n"))
        .collect();
    set.add_file("big.txt", &list).unwrap();
    assert_eq!(set.len(), NEEDLE_LIMIT + 1);
    assert!(!set.fits_prefilter());
    let mut small = IocSet::builtin();
    small.add_file("few.txt", "198.51.100.1\n").unwrap();
    assert!(small.fits_prefilter());
    assert_eq!(small.addresses().0.len(), 1);
}

#[test]
fn more_addresses_than_the_screen_holds_watch_every_address() {
    let mut set = IocSet::default();
    let stats = set
        .add_file("ips.txt", "10.0.0.1\n10.0.0.2\n10.9.0.0/16\n2001:db8::1\n")
        .unwrap();
    assert_eq!(stats.added, 4);
    let (addresses, nets) = set.addresses_within(4);
    assert_eq!((addresses.len(), nets.len()), (3, 1));
    let (addresses, nets) = set.addresses_within(3);
    assert!(addresses.is_empty());
    let nets: Vec<String> = nets.iter().map(ToString::to_string).collect();
    assert_eq!(nets, ["0.0.0.0/0", "::/0"]);
    assert_eq!(
        set.ip("10.0.0.2".parse().unwrap()).map(|i| i.value),
        Some("10.0.0.2".to_owned())
    );
    assert_eq!(set.addresses(), set.addresses_within(ADDRESS_LIMIT));
}

/// The indicator set as it was before the compact store: a list searched
/// for duplicates, a domain trie, a hash map of addresses and a list of
/// blocks tried in order. The store must give the same answers.
mod naive {
    use std::collections::HashMap;
    use std::net::IpAddr;

    use ipnet::IpNet;

    use crate::domain_trie::DomainTrie;
    use crate::ioc::IocKind;

    #[derive(Default)]
    pub struct Naive {
        pub values: Vec<(IocKind, String)>,
        domains: DomainTrie<usize>,
        ips: HashMap<IpAddr, usize>,
        nets: Vec<(IpNet, usize)>,
        exact: HashMap<(IocKind, String), usize>,
        urls: Vec<usize>,
    }

    impl Naive {
        pub fn add(&mut self, kind: IocKind, value: &str) {
            if self.values.iter().any(|(k, v)| *k == kind && v == value) {
                return;
            }
            let index = self.values.len();
            match kind {
                IocKind::Domain => {
                    self.domains.insert(value, index);
                    self.domains.insert(&format!("*.{value}"), index);
                }
                IocKind::Ip => match value.parse::<IpAddr>() {
                    Ok(ip) => {
                        self.ips.insert(ip, index);
                    }
                    Err(_) => {
                        if let Ok(net) = value.parse::<IpNet>() {
                            self.nets.push((net, index));
                        }
                    }
                },
                IocKind::Url => self.urls.push(index),
                _ => {
                    self.exact.insert((kind, value.to_owned()), index);
                }
            }
            self.values.push((kind, value.to_owned()));
        }

        pub fn domain(&self, domain: &str) -> Option<&str> {
            self.domains
                .best(domain)
                .map(|&i| self.values[i].1.as_str())
        }

        pub fn ip(&self, ip: IpAddr) -> Option<&str> {
            self.ips
                .get(&ip)
                .or_else(|| {
                    self.nets
                        .iter()
                        .find(|(n, _)| n.contains(&ip))
                        .map(|(_, i)| i)
                })
                .map(|&i| self.values[i].1.as_str())
        }

        pub fn exact(&self, kind: IocKind, value: &str) -> Option<&str> {
            self.exact
                .get(&(kind, value.to_owned()))
                .map(|&i| self.values[i].1.as_str())
        }

        pub fn urls_in(&self, text: &str) -> Vec<&str> {
            let mut found: Vec<&str> = self
                .urls
                .iter()
                .map(|&i| self.values[i].1.as_str())
                .filter(|url| text.contains(url))
                .collect();
            found.sort_unstable();
            found
        }
    }
}

/// A tiny deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_domain(rng: &mut Rng) -> String {
    const LABELS: &[&str] = &["a", "cdn", "evil", "relay", "x-1", "mail", "b2"];
    const TLDS: &[&str] = &["example", "test", "xyz"];
    let depth = 1 + rng.below(3);
    let mut labels: Vec<&str> = (0..depth)
        .map(|_| LABELS[rng.below(LABELS.len() as u64) as usize])
        .collect();
    labels.push(TLDS[rng.below(TLDS.len() as u64) as usize]);
    labels.join(".")
}

fn random_ip(rng: &mut Rng) -> String {
    format!("10.{}.{}.{}", rng.below(3), rng.below(4), rng.below(6))
}

#[test]
fn the_compact_store_gives_the_answers_of_the_old_set() {
    for seed in 1..=30u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let mut set = IocSet::default();
        let mut naive = naive::Naive::default();
        let mut lines = Vec::new();
        for _ in 0..rng.below(120) {
            let line = match rng.below(8) {
                0 | 1 => random_domain(&mut rng),
                2 => random_ip(&mut rng),
                3 => match rng.below(3) {
                    0 => format!("10.{}.0.0/16", rng.below(3)),
                    1 => format!("10.{}.{}.0/24", rng.below(3), rng.below(4)),
                    _ => format!(
                        "10.{}.{}.{}/30",
                        rng.below(3),
                        rng.below(4),
                        4 * rng.below(2)
                    ),
                },
                4 => format!("{:032x}", rng.below(6)),
                5 => format!("tool{}.exe", rng.below(5)),
                6 => format!("http://{}/p{}", random_domain(&mut rng), rng.below(3)),
                _ => format!("t13d1516h2_{:012x}_e5627efa2ab1", rng.below(4)),
            };
            lines.push(line);
        }
        // Half the values in one file, the rest in a second: dedup across files.
        let half = lines.len() / 2;
        for (name, chunk) in [("one.txt", &lines[..half]), ("two.txt", &lines[half..])] {
            set.add_file(name, &chunk.join("\n")).unwrap();
            for line in chunk {
                let (kind, value) = classify(line).unwrap();
                if kind == IocKind::Url {
                    naive.add(IocKind::Domain, &url_host(&value).unwrap());
                }
                naive.add(kind, &value);
            }
        }
        assert_eq!(set.len(), naive.values.len(), "seed {seed}");
        let values: Vec<(IocKind, String)> = set.iter().map(|i| (i.kind, i.value)).collect();
        assert_eq!(values, naive.values, "seed {seed}: same values, same order");
        for _ in 0..200 {
            let query = random_domain(&mut rng);
            assert_eq!(
                set.domain(&query).map(|i| i.value),
                naive.domain(&query).map(str::to_owned),
                "seed {seed}: domain {query}"
            );
            let ip: IpAddr = random_ip(&mut rng).parse().unwrap();
            assert_eq!(
                set.ip(ip).map(|i| i.value),
                naive.ip(ip).map(str::to_owned),
                "seed {seed}: ip {ip}"
            );
            let hash = format!("{:032x}", rng.below(8));
            assert_eq!(
                set.store
                    .exact(IocKind::Hash, &hash)
                    .map(|id| set.store.value(id).to_owned()),
                naive.exact(IocKind::Hash, &hash).map(str::to_owned),
            );
            let file = format!("TOOL{}.exe", rng.below(7));
            assert_eq!(
                set.file_name(&file).map(|i| i.value),
                naive
                    .exact(IocKind::FileName, &file.to_lowercase())
                    .map(str::to_owned),
            );
            let text = format!(
                "run http://{}/p{} then xhttp://{}/p{}x",
                random_domain(&mut rng),
                rng.below(3),
                random_domain(&mut rng),
                rng.below(3)
            );
            let mut got: Vec<String> = set.urls_in(&text).into_iter().map(|i| i.value).collect();
            got.sort_unstable();
            assert_eq!(got, naive.urls_in(&text), "seed {seed}: urls in {text}");
        }
    }
}
