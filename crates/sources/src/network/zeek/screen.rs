//! Which Zeek records the network screen lets through to a full parse (see
//! `crate::network::screen` for why each way in is needed). The check reads a few
//! cells by position, so a record screened out costs a split and a lookup
//! or two, not an event.

use super::logs::{Joins, Log};
use crate::network::screen::may_name;
use crate::{NetScreen, Prefilter};

/// The cells the screen reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Proto,
    OrigHost,
    RespHost,
    RespPort,
    Service,
    Query,
    Answers,
    ServerName,
    Subject,
    Issuer,
    NextProtocol,
    Ja3,
    Ja3s,
    Ja4,
    CertFps,
    CertFuids,
    Host,
    Uri,
    RespFilenames,
}

impl Field {
    /// Zeek's name of each field, in declaration order (see [`Field::index`]).
    pub const NAMES: [&'static str; 19] = [
        "proto",
        "id.orig_h",
        "id.resp_h",
        "id.resp_p",
        "service",
        "query",
        "answers",
        "server_name",
        "subject",
        "issuer",
        "next_protocol",
        "ja3",
        "ja3s",
        "ja4",
        "cert_chain_fps",
        "cert_chain_fuids",
        "host",
        "uri",
        "resp_filenames",
    ];

    /// Position in declaration order, and so in [`Field::NAMES`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether Zeek logs the field as a set or vector.
    pub fn is_list(self) -> bool {
        matches!(
            self,
            Field::Answers | Field::CertFps | Field::CertFuids | Field::RespFilenames
        )
    }
}

/// Raw access to a record's screened cells.
pub(crate) trait Cells {
    /// The raw (still escaped) text of a single-valued field; `None` when
    /// the log lacks the field or it is unset or empty.
    fn get(&self, field: Field) -> Option<&str>;
    /// Whether any item of a field (the one value of a single-valued one)
    /// passes `test`.
    fn any(&self, field: Field, test: &mut dyn FnMut(&str) -> bool) -> bool;
}

/// The cells [`keep`] may read for a record of `log` (readers split only
/// as far as these): the debug build checks that it reads no other.
pub(crate) fn reads(log: Log, addresses: bool) -> &'static [Field] {
    use Field::*;
    match (log, addresses) {
        (Log::Conn, _) => &[Proto, OrigHost, RespHost, RespPort, Service],
        (Log::Dns, false) => &[Query],
        (Log::Dns, true) => &[Query, OrigHost, RespHost, Answers],
        (Log::Ssl, _) => &[
            OrigHost,
            RespHost,
            ServerName,
            Subject,
            Issuer,
            NextProtocol,
            Ja3,
            Ja3s,
            Ja4,
            CertFps,
            CertFuids,
        ],
        (Log::Http, _) => &[OrigHost, RespHost, Host, Uri, RespFilenames],
        _ => &[],
    }
}

/// Whether a record may produce a finding and must be parsed in full.
pub(crate) fn keep(
    log: Log,
    cells: &dyn Cells,
    screen: &NetScreen,
    prefilter: &Prefilter,
    joins: &Joins,
) -> bool {
    let needle = |field: Field| cells.any(field, &mut |text| may_name(prefilter, text.as_bytes()));
    let address = |field: Field| cells.any(field, &mut |text| screen.address(text));
    let ends =
        || screen.watches_addresses() && (address(Field::OrigHost) || address(Field::RespHost));
    match log {
        Log::Conn => {
            cells.any(Field::Service, &mut |service| screen.protocol(service))
                || matches!(
                    (cells.get(Field::Proto), cells.get(Field::RespPort)),
                    (Some(proto), Some(port)) if screen.port(proto, port)
                )
                || ends()
        }
        Log::Dns => {
            needle(Field::Query)
                || (screen.watches_addresses() && (ends() || address(Field::Answers)))
        }
        Log::Ssl => {
            cells.get(Field::ServerName).is_none()
                || [
                    Field::ServerName,
                    Field::Subject,
                    Field::Issuer,
                    Field::NextProtocol,
                    Field::Ja3,
                    Field::Ja3s,
                    Field::Ja4,
                ]
                .into_iter()
                .any(needle)
                || certificate_needle(cells, prefilter, joins)
                || ends()
        }
        Log::Http => {
            [Field::Host, Field::Uri, Field::RespFilenames]
                .into_iter()
                .any(needle)
                || ends()
        }
        // rdp, rfb, files and notice records are few and judged whole;
        // x509 records feed the ssl join.
        Log::X509 | Log::Files | Log::Rdp | Log::Rfb | Log::Notice => true,
        Log::Other => false,
    }
}

/// Whether a certificate of the chain joined from x509 names a needle (the
/// rules read the leaf; any is a superset).
fn certificate_needle(cells: &dyn Cells, prefilter: &Prefilter, joins: &Joins) -> bool {
    let mut joined = |key: &str| {
        joins.certs.get(key).is_some_and(|(subject, issuer)| {
            [subject, issuer]
                .into_iter()
                .flatten()
                .any(|name| may_name(prefilter, name.as_bytes()))
        })
    };
    cells.any(Field::CertFps, &mut joined) || cells.any(Field::CertFuids, &mut joined)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::zeek::tsv::{Header, TsvRecord, split_first};
    use rmmguard_events::Transport;

    /// Whether the screen keeps `row` of a log with `fields`.
    fn kept(path: &str, fields: &str, row: &str, joins: &Joins) -> bool {
        let mut header = Header::default();
        assert!(header.read_line(&format!("#path\t{path}")));
        assert!(header.read_line(&format!("#fields\t{fields}")));
        let mut screen = NetScreen::default();
        screen.watch_port(Transport::Tcp, 5938);
        screen.watch_protocol("rfb");
        screen.watch_net("203.0.113.0/24".parse().unwrap());
        let prefilter = Prefilter::new(&["anydesk".into(), "anynet relay".into()]).unwrap();
        let mut spans = Vec::new();
        let cells = header.cells_holding(reads(header.log, screen.watches_addresses()));
        split_first(row, b'\t', cells, &mut spans);
        let record = TsvRecord {
            header: &header,
            text: row,
            spans: &spans,
        };
        keep(header.log, &record, &screen, &prefilter, joins)
    }

    #[test]
    fn field_names_line_up_with_the_variants() {
        for (field, name) in [
            (Field::Proto, "proto"),
            (Field::RespPort, "id.resp_p"),
            (Field::Query, "query"),
            (Field::ServerName, "server_name"),
            (Field::CertFuids, "cert_chain_fuids"),
            (Field::RespFilenames, "resp_filenames"),
        ] {
            assert_eq!(Field::NAMES.get(field.index()), Some(&name));
        }
    }

    #[test]
    fn flows_by_port_protocol_or_address() {
        let fields = "id.orig_h\tid.resp_h\tid.resp_p\tproto\tservice";
        let joins = Joins::default();
        assert!(kept(
            "conn",
            fields,
            "10.0.0.1\t8.8.8.8\t5938\ttcp\t-",
            &joins
        ));
        assert!(!kept(
            "conn",
            fields,
            "10.0.0.1\t8.8.8.8\t5938\tudp\t-",
            &joins
        ));
        assert!(kept(
            "conn",
            fields,
            "10.0.0.1\t8.8.8.8\t6900\ttcp\trfb",
            &joins
        ));
        assert!(kept(
            "conn",
            fields,
            "203.0.113.9\t10.0.0.1\t443\ttcp\tssl",
            &joins
        ));
        assert!(!kept(
            "conn",
            fields,
            "10.0.0.1\t8.8.8.8\t443\ttcp\tssl",
            &joins
        ));
    }

    #[test]
    fn names_by_needle_escape_or_absence() {
        let joins = Joins::default();
        let dns = "id.orig_h\tid.resp_h\tquery\tanswers";
        assert!(kept(
            "dns",
            dns,
            "10.0.0.1\t10.0.0.2\trelay-1.net.AnyDesk.com\t-",
            &joins
        ));
        assert!(kept("dns", dns, "10.0.0.1\t10.0.0.2\tx\\x2eorg\t-", &joins));
        assert!(kept(
            "dns",
            dns,
            "10.0.0.1\t10.0.0.2\twww.bing.com\t1.1.1.1,203.0.113.4",
            &joins
        ));
        assert!(!kept(
            "dns",
            dns,
            "10.0.0.1\t10.0.0.2\twww.bing.com\t1.1.1.1",
            &joins
        ));
        let ssl = "id.orig_h\tid.resp_h\tserver_name\tcert_chain_fps";
        assert!(
            kept("ssl", ssl, "10.0.0.1\t8.8.8.8\t-\t(empty)", &joins),
            "no SNI"
        );
        assert!(!kept(
            "ssl",
            ssl,
            "10.0.0.1\t8.8.8.8\twww.bing.com\tfp1",
            &joins
        ));
        let mut joins = Joins::default();
        joins
            .certs
            .insert("fp1".into(), (Some("CN=AnyNet Relay".into()), None));
        assert!(kept(
            "ssl",
            ssl,
            "10.0.0.1\t8.8.8.8\twww.bing.com\tfp1,fp2",
            &joins
        ));
        let http = "id.orig_h\tid.resp_h\thost\turi";
        assert!(kept(
            "http",
            http,
            "10.0.0.1\t8.8.8.8\tdl.example\t/AnyDesk.exe",
            &joins
        ));
        assert!(kept(
            "http",
            http,
            "10.0.0.1\t8.8.8.8\tdl.example\t/Any%44esk.exe",
            &joins
        ));
        assert!(!kept(
            "http",
            http,
            "10.0.0.1\t8.8.8.8\tdl.example\t/setup.exe",
            &joins
        ));
        assert!(kept("x509", "fingerprint", "fp9", &joins));
        assert!(kept("rdp", "cookie", "admin", &joins));
        assert!(!kept("weird", "name", "bad_TCP_checksum", &joins));
    }
}
