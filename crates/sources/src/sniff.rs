//! Format detection from the first bytes of content, never from file names.

/// A format rmmguard reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// Windows XML Event Log (`ElfFile` header).
    Evtx,
    /// JSON lines of Windows events: evtx_dump, Winlogbeat (ECS) or NXLog.
    EventJson,
    /// A software or service inventory as CSV.
    InventoryCsv,
    /// A software or service inventory as one JSON array (osquery `--json`).
    InventoryJson,
    /// osquery results-log JSON lines (`hostIdentifier`, `columns`).
    InventoryJsonLines,
    /// One RFC 5322 mail message (`.eml`, a Maildir file).
    Eml,
    /// An mbox mailbox: messages that each start with a `From ` line.
    Mbox,
    /// A packet capture in the classic pcap format.
    Pcap,
    /// A packet capture in the pcapng format.
    Pcapng,
    /// Zeek logs in the ASCII (TSV) writer's format, with `#fields` headers.
    ZeekTsv,
    /// Zeek logs as JSON lines (stock writer, or json-streaming with `_path`).
    ZeekJson,
    /// Suricata EVE JSON lines (`event_type`).
    SuricataEve,
}

impl Format {
    /// Short name for summaries.
    pub fn name(self) -> &'static str {
        match self {
            Format::Evtx => "evtx",
            Format::EventJson => "event-jsonl",
            Format::InventoryCsv => "inventory-csv",
            Format::InventoryJson => "inventory-json",
            Format::InventoryJsonLines => "osquery-jsonl",
            Format::Eml => "eml",
            Format::Mbox => "mbox",
            Format::Pcap => "pcap",
            Format::Pcapng => "pcapng",
            Format::ZeekTsv => "zeek-tsv",
            Format::ZeekJson => "zeek-json",
            Format::SuricataEve => "suricata-eve",
        }
    }
}

/// Column names that mark a CSV or JSON row as an inventory row.
const INVENTORY_KEYS: &[&str] = &[
    "install_location",
    "publisher",
    "display_name",
    "start_type",
    "service_type",
    "identifying_number",
    "uninstall_string",
    "module_path",
    "displayname",
    "displayversion",
];

/// Sniffs the format of content from its first bytes (up to 64 KiB is plenty).
///
/// # Errors
///
/// Says why the content is not a supported format.
pub fn sniff(head: &[u8]) -> Result<Format, &'static str> {
    if head.starts_with(b"ElfFile\0") {
        return Ok(Format::Evtx);
    }
    if let Some(format) = crate::net_sniff::network_format(head) {
        return Ok(format);
    }
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .ok_or("empty file")?;
    let text = &text[start..];
    if let Some(format) = crate::mail_sniff::mail_format(text) {
        return Ok(format);
    }
    let first_line = match memchr::memchr(b'\n', text) {
        Some(end) => &text[..end],
        None => text,
    };
    let lower = String::from_utf8_lossy(first_line).to_lowercase();
    match text.first() {
        Some(b'{') => {
            if lower.contains("\"hostidentifier\"")
                && (lower.contains("\"columns\"") || lower.contains("\"snapshot\""))
            {
                Ok(Format::InventoryJsonLines)
            } else if lower.contains("\"winlog\"")
                || lower.contains("\"event\"")
                || lower.contains("\"eventid\"")
            {
                Ok(Format::EventJson)
            } else {
                Err("JSON records of an unknown shape (expected Windows events or osquery results)")
            }
        }
        Some(b'[') => {
            if INVENTORY_KEYS
                .iter()
                .any(|key| lower.contains(&format!("\"{key}\"")))
                || lower.contains("\"name\"")
            {
                Ok(Format::InventoryJson)
            } else {
                Err(
                    "a JSON array that is not an inventory (expected name/version/publisher or service keys)",
                )
            }
        }
        _ if !text.contains(&0) => {
            let header: Vec<String> = lower
                .trim_end_matches('\r')
                .split(',')
                .map(|h| h.trim().trim_matches('"').to_owned())
                .collect();
            let has_name = header.iter().any(|h| h == "name" || h == "displayname");
            let has_inventory = header
                .iter()
                .any(|h| INVENTORY_KEYS.contains(&h.as_str()) || h == "version" || h == "path");
            if header.len() > 1 && has_name && has_inventory {
                Ok(Format::InventoryCsv)
            } else {
                Err("text that is neither JSON events nor an inventory CSV")
            }
        }
        _ => Err("binary content of an unknown format"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(sniff(b"ElfFile\0rest"), Ok(Format::Evtx));
        assert_eq!(
            sniff(b"{\"Event\":{\"System\":{}}}\n"),
            Ok(Format::EventJson)
        );
        assert_eq!(
            sniff(b"\xef\xbb\xbf  {\"@timestamp\":\"x\",\"winlog\":{}}"),
            Ok(Format::EventJson)
        );
        assert_eq!(
            sniff(b"{\"EventTime\":\"x\",\"EventID\":1}"),
            Ok(Format::EventJson)
        );
        assert_eq!(
            sniff(b"{\"name\":\"programs\",\"hostIdentifier\":\"ws\",\"columns\":{}}"),
            Ok(Format::InventoryJsonLines)
        );
        assert_eq!(
            sniff(b"[{\"name\":\"AnyDesk\",\"version\":\"8\"}]"),
            Ok(Format::InventoryJson)
        );
        assert_eq!(
            sniff(b"host,name,version,publisher\r\nws,AnyDesk,8,x\r\n"),
            Ok(Format::InventoryCsv)
        );
        assert!(sniff(b"").is_err());
        assert!(sniff(b"{\"message\":\"hello\"}").is_err());
        assert!(sniff(b"just some text\n").is_err());
        assert!(sniff(b"\x00\x01\x02").is_err());
    }
}
