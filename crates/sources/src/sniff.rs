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

/// Sniffs the format of content from its first bytes (up to 64 KiB is
/// plenty): binary signatures first, then the text shapes of each family.
/// Text is read as UTF-8; a byte order mark, leading blank lines and zero
/// padding are passed over.
///
/// # Errors
///
/// Says why the content is not a supported format.
pub fn sniff(head: &[u8]) -> Result<Format, &'static str> {
    if head.starts_with(b"ElfFile\0") {
        return Ok(Format::Evtx);
    }
    if let Some(format) = crate::network::sniff::network_format(head) {
        return Ok(format);
    }
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = text
        .iter()
        .position(|&b| !b.is_ascii_whitespace() && b != 0)
        .ok_or(
            if text.is_empty() || text.iter().all(u8::is_ascii_whitespace) {
                "empty file"
            } else {
                "nothing but NUL bytes at the start"
            },
        )?;
    let text = &text[start..];
    if let Some(format) = crate::mail::sniff::mail_format(text) {
        return Ok(format);
    }
    crate::windows::sniff::windows_format(text)
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
