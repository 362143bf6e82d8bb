//! Windows evidence: EVTX files, Windows events as JSON lines (evtx_dump,
//! Winlogbeat, NXLog) and software/service inventories. Every event shape
//! goes through [`winevent`], one mapping to the normalized `Event`.

pub(crate) mod evtx;
pub(crate) mod inventory;
pub(crate) mod jsonl;
pub(crate) mod sniff;
pub mod winevent;
