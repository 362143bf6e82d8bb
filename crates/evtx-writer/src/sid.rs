//! Security identifiers: the text form `S-1-5-21-…` turned into the binary form a SID value
//! stores (revision, sub-authority count, 48-bit big-endian authority, little-endian
//! sub-authorities).

/// A SID holds at most this many sub-authorities.
const MAX_SUB_AUTHORITIES: usize = 15;

/// A SID in binary form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sid {
    bytes: [u8; 8 + 4 * MAX_SUB_AUTHORITIES],
    len: usize,
}

impl Sid {
    /// Parses the text form `S-R-A-S1-S2-…`, with the authority in decimal or `0x` hex.
    /// Returns `None` when `text` is not a SID.
    pub(crate) fn parse(text: &str) -> Option<Sid> {
        let mut parts = text.strip_prefix("S-")?.split('-');
        let revision: u8 = parts.next()?.parse().ok()?;
        let authority = parts.next()?;
        let authority = match authority.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok()?,
            None => authority.parse().ok()?,
        };
        if authority >= 1 << 48 {
            return None;
        }
        let mut sid = Sid {
            bytes: [0; 8 + 4 * MAX_SUB_AUTHORITIES],
            len: 8,
        };
        sid.bytes[0] = revision;
        sid.bytes[2..8].copy_from_slice(&authority.to_be_bytes()[2..]);
        for part in parts {
            if sid.len == sid.bytes.len() {
                return None;
            }
            let sub_authority: u32 = part.parse().ok()?;
            sid.bytes[sid.len..sid.len + 4].copy_from_slice(&sub_authority.to_le_bytes());
            sid.len += 4;
            sid.bytes[1] += 1;
        }
        Some(sid)
    }

    /// The binary form.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Option<&str>) {
        let hex = Sid::parse(text).map(|sid| {
            sid.as_bytes()
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect::<String>()
        });
        assert_eq!(hex.as_deref(), expected, "{text}");
    }

    #[test]
    fn parses_what_windows_stores() {
        // The bytes of these SIDs in real logs.
        check("S-1-5-18", Some("010100000000000512000000"));
        check(
            "S-1-5-21-1587066498-1489273250-1035260531-1108",
            Some("01050000000000051500000082b6985ea281c45873d2b43d54040000"),
        );
        check("S-1-0x10-1", Some("010100000000001001000000"));
        check("S-1-1", Some("0100000000000001"));
    }

    #[test]
    fn rejects_what_is_not_a_sid() {
        for text in [
            "",
            "S-1",
            "s-1-5-18",
            "S-1-5-x",
            "S-1-5-18-",
            "S-1-281474976710656-1",
            "S-1-5-4294967296",
            "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16",
        ] {
            check(text, None);
        }
        check(
            "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15",
            Some(concat!(
                "010f00000000000501000000020000000300000004000000050000000600000007000000",
                "08000000090000000a0000000b0000000c0000000d0000000e0000000f000000"
            )),
        );
    }
}
