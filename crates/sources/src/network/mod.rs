//! Network evidence: packet captures (`pcap`, feature `network`), Zeek logs
//! (TSV and JSON) and Suricata EVE, with the conventions their logs share
//! (`sensor`), the network screen that decides which sensor records are
//! worth a full parse (`screen`, `light`), and format sniffing (`sniff`).

pub(crate) mod eve;
pub(crate) mod light;
#[cfg(feature = "network")]
pub(crate) mod pcap;
pub(crate) mod screen;
pub(crate) mod sensor;
pub(crate) mod sniff;
pub(crate) mod zeek;
