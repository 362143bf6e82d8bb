//! Rules over network evidence (flows, TLS, HTTP, files on the wire):
//! issue 4, being built. Until then these events are read and ignored.

use rmmguard_events::{FileTransfer, Http, NetFlow, Tls};

use crate::inspect::Pass;

impl Pass<'_> {
    /// A network flow.
    pub(crate) fn net_flow(&mut self, _flow: &NetFlow) {}

    /// A TLS handshake.
    pub(crate) fn tls(&mut self, _tls: &Tls) {}

    /// An HTTP exchange.
    pub(crate) fn http(&mut self, _http: &Http) {}

    /// A file on the wire.
    pub(crate) fn file_transfer(&mut self, _file: &FileTransfer) {}
}
