//! Packet captures (pcap and pcapng, plain or `.gz`): every packet is
//! decoded to TCP or UDP, grouped into flows, and the flows' application
//! protocols are read into events: `NetFlow` per flow (with the protocol
//! recognized from its payload, whatever the port), `DnsQuery` per DNS
//! transaction, `Tls` per handshake (SNI, ALPN, JA3, JA3S, JA4, the server
//! certificate's subject and issuer; QUIC Initial packets are decrypted for
//! their ClientHello), `Http` per request and `FileTransfer` per response
//! body.
//!
//! The capture is read as one stream in one pass, with bounded memory (see
//! `flow.rs`). Events point at the byte offset of their first packet's
//! record. A packet that cannot be decoded is a counted error, unless the
//! capture's snap length cut it (ordinary: those are counted in one note);
//! damage in an application protocol is a warning; a record that cannot be framed ends
//! the file with one explained error. Sensor events carry no host name: the
//! detector names the internal side.

mod capture;
mod decode;
mod dns;
mod fingerprint;
mod flow;
mod hello;
mod http;
mod quic;
mod session;
mod stream;
mod tells;

use std::io::Read;

use rmmguard_events::{Event, Location, SourceRef, Timestamp};

use crate::{Error, EventSink, FileStats};
use capture::{Capture, Next};
use decode::Decoded;
use flow::FlowTable;
use session::At;

/// Reads a whole capture.
pub(crate) fn read_stream(
    reader: Box<dyn Read>,
    stats: &mut FileStats,
    sink: &mut EventSink<'_>,
) -> Result<(), Error> {
    let mut capture = Capture::open(reader).map_err(Error::format)?;
    let base = SourceRef::new(sink.path(), Location::Offset(0));
    let mut out = Out { base, stats, sink };
    let mut table = FlowTable::default();
    let mut end = 0;
    let mut cut = CutShort::default();
    loop {
        match capture.next() {
            Next::Packet(packet) => {
                out.stats.records += 1;
                end = packet.offset + packet.data.len() as u64;
                let at = At {
                    offset: packet.offset,
                    nanos: packet.nanos,
                };
                match decode::decode(packet.link, packet.data) {
                    Decoded::Segment(segment) => {
                        out.stats.parsed += 1;
                        table.packet(&segment, at, &mut out);
                    }
                    Decoded::Ignored => out.stats.parsed += 1,
                    Decoded::Bad(_) if packet.cut => {
                        out.stats.parsed += 1;
                        cut.count(packet.offset);
                    }
                    Decoded::Bad(message) => {
                        out.error(packet.offset, &format!("packet skipped: {message}"));
                    }
                }
            }
            Next::Other => {}
            Next::Bad { offset, message } => {
                out.stats.records += 1;
                out.error(offset, &message);
            }
            Next::Fatal { offset, message } => {
                out.error(
                    offset,
                    &format!("{message}; the rest of the capture is not read"),
                );
                break;
            }
            Next::End => break,
        }
    }
    table.finish(&mut out);
    cut.report(&mut out);
    out.stats.bytes += end;
    Ok(())
}

/// Packets the snap length cut before their TCP or UDP header: ordinary in
/// captures taken with a small snap length, so one counted note, not an
/// error per packet.
#[derive(Default)]
struct CutShort {
    first: Option<u64>,
    count: u64,
}

impl CutShort {
    fn count(&mut self, offset: u64) {
        self.first.get_or_insert(offset);
        self.count += 1;
    }

    fn report(&self, out: &mut Out<'_, '_>) {
        let Some(first) = self.first else {
            return;
        };
        let packets = rmmguard_words::counted(self.count, "packet");
        out.note(
            first,
            &format!(
                "{packets} cut by the capture's snap length before their TCP or UDP header \
                 (ordinary in captures that keep only each packet's first bytes): passed over"
            ),
        );
    }
}

/// Where the readers of a capture report: events to the sink, problems to the stats.
pub(crate) struct Out<'s, 'k> {
    base: SourceRef,
    stats: &'s mut FileStats,
    sink: &'s mut EventSink<'k>,
}

impl Out<'_, '_> {
    /// The file's source reference (at offset 0), to derive event locations from.
    pub fn base(&self) -> &SourceRef {
        &self.base
    }

    /// Hands an event on.
    pub fn event(&mut self, event: Event) {
        self.stats.events += 1;
        self.sink.event(event);
    }

    /// A packet that was skipped.
    pub fn error(&mut self, offset: u64, message: &str) {
        let path = self.base.file.clone();
        self.stats
            .error(&path, Location::Offset(offset), message.to_owned());
    }

    /// Something worth knowing that is not damage.
    pub fn note(&mut self, offset: u64, message: &str) {
        let path = self.base.file.clone();
        self.stats
            .note(&path, Location::Offset(offset), message.to_owned());
    }

    /// A packet that was read, but some of it could not be understood.
    pub fn warning(&mut self, offset: u64, message: &str) {
        let path = self.base.file.clone();
        self.stats
            .warning(&path, Location::Offset(offset), message.to_owned());
    }
}

/// Nanoseconds since the epoch as a timestamp (`None` for the zero time of
/// simple packet blocks, or out of range).
pub(crate) fn timestamp(nanos: i128) -> Option<Timestamp> {
    if nanos == 0 {
        return None;
    }
    Timestamp::from_nanosecond(nanos).ok()
}
