//! Recognizing network sensor output from its first bytes: pcap and pcapng
//! magic numbers, the Zeek ASCII writer's `#separator`/`#fields` header,
//! and the first JSON line of Zeek (`_path`, or `uid` with `id.orig_h`) and
//! Suricata EVE (`event_type` with `timestamp`).

use crate::Format;

/// Most comment lines looked past for a Zeek header.
const MAX_COMMENT_LINES: usize = 4;

/// The network format of content, if it is one.
pub(crate) fn network_format(head: &[u8]) -> Option<Format> {
    match head.get(..4)? {
        [0xd4, 0xc3, 0xb2, 0xa1]
        | [0xa1, 0xb2, 0xc3, 0xd4]
        | [0x4d, 0x3c, 0xb2, 0xa1]
        | [0xa1, 0xb2, 0x3c, 0x4d] => {
            return Some(Format::Pcap);
        }
        // A pcapng section header: its type, then a byte-order magic at offset 8.
        [0x0a, 0x0d, 0x0d, 0x0a]
            if matches!(
                head.get(8..12),
                Some([0x1a, 0x2b, 0x3c, 0x4d] | [0x4d, 0x3c, 0x2b, 0x1a])
            ) =>
        {
            return Some(Format::Pcapng);
        }
        _ => {}
    }
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let mut text = &text[text
        .iter()
        .position(|&b| !b.is_ascii_whitespace() && b != 0)?..];
    // Comment lines before the header (a test harness's banner) are passed over.
    for _ in 0..MAX_COMMENT_LINES {
        if text.starts_with(b"#separator") || text.starts_with(b"#fields\t") {
            return Some(Format::ZeekTsv);
        }
        if text.first() != Some(&b'#') {
            break;
        }
        text = &text[memchr::memchr(b'\n', text)? + 1..];
    }
    if text.first() != Some(&b'{') {
        return None;
    }
    let line = &text[..memchr::memchr(b'\n', text).unwrap_or(text.len())];
    let has = |key: &[u8]| memchr::memmem::find(line, key).is_some();
    if has(b"\"event_type\"") && has(b"\"timestamp\"") {
        Some(Format::SuricataEve)
    } else if has(b"\"_path\"") || (has(b"\"uid\"") && has(b"\"id.orig_h\"")) || has(b"\"fuid\"") {
        Some(Format::ZeekJson)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        assert_eq!(
            network_format(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0]),
            Some(Format::Pcap)
        );
        let mut ng = vec![0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0];
        ng.extend_from_slice(&[0x4d, 0x3c, 0x2b, 0x1a]);
        assert_eq!(network_format(&ng), Some(Format::Pcapng));
        assert_eq!(network_format(b"\n\r\r\nplain text"), None);
        assert_eq!(
            network_format(b"#separator \\x09\n#set_separator\t,\n"),
            Some(Format::ZeekTsv)
        );
        assert_eq!(
            network_format(b"### BTest baseline data\n#separator \\x09\n"),
            Some(Format::ZeekTsv)
        );
        assert_eq!(network_format(b"# a comment\nplain text\n"), None);
        assert_eq!(network_format(b"#\n#\n#\n#\n#\n#separator \\x09\n"), None);
        assert_eq!(
            network_format(b"{\"_path\":\"conn\",\"ts\":\"2018-03-24T17:15:21Z\"}\n"),
            Some(Format::ZeekJson)
        );
        assert_eq!(
            network_format(b"{\"ts\":1.5,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\"}"),
            Some(Format::ZeekJson)
        );
        assert_eq!(
            network_format(
                b"{\"timestamp\":\"2009-11-24T21:27:09.534255+0000\",\"event_type\":\"flow\"}"
            ),
            Some(Format::SuricataEve)
        );
        assert_eq!(network_format(b"{\"winlog\":{}}"), None);
    }
}
