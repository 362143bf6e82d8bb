//! DNS messages on the wire (UDP, or TCP with its length prefix), parsed
//! with `simple-dns`: the question name and, in responses, the answers
//! (addresses and CNAME targets).

use std::net::{Ipv4Addr, Ipv6Addr};

use simple_dns::rdata::RData;
use simple_dns::{Packet, PacketFlag};

/// The parts of a DNS message a detector reads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Message {
    pub id: u16,
    pub response: bool,
    /// The first question's name, lower-cased, without the trailing dot.
    pub query: String,
    /// A, AAAA and CNAME answers, as text.
    pub answers: Vec<String>,
}

/// Parses a DNS message; `None` when it is not one (or has no question).
pub(crate) fn parse(payload: &[u8]) -> Option<Message> {
    let packet = Packet::parse(payload).ok()?;
    let question = packet.questions.first()?;
    let query = question
        .qname
        .to_string()
        .trim_end_matches('.')
        .to_lowercase();
    if query.is_empty() {
        return None;
    }
    let answers = packet
        .answers
        .iter()
        .filter_map(|answer| match &answer.rdata {
            RData::A(a) => Some(Ipv4Addr::from(a.address).to_string()),
            RData::AAAA(a) => Some(Ipv6Addr::from(a.address).to_string()),
            RData::CNAME(name) => Some(name.0.to_string().trim_end_matches('.').to_lowercase()),
            _ => None,
        })
        .collect();
    Some(Message {
        id: packet.id(),
        response: packet.has_flags(PacketFlag::RESPONSE),
        query,
        answers,
    })
}

/// The message inside a DNS-over-TCP segment (after its 2-byte length).
pub(crate) fn parse_tcp(payload: &[u8]) -> Option<Message> {
    let len = usize::from(u16::from_be_bytes([*payload.first()?, *payload.get(1)?]));
    parse(payload.get(2..2 + len)?)
}
