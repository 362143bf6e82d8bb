//! TLS fingerprints of hellos: JA3 and JA3S (Salesforce, MD5 of decimal
//! field lists) and JA4 for clients (FoxIO's public specification, our own
//! code; the JA4+ server and certificate variants are not computed).
//!
//! GREASE values (RFC 8701, `0x?a?a`) are left out everywhere, as every
//! implementation does.

use std::fmt::Write as _;

use md5::{Digest as _, Md5};
use sha2::Sha256;

use super::hello::{ClientHello, ServerHello};

/// Whether a value is a GREASE placeholder.
pub(crate) fn is_grease(value: u16) -> bool {
    value & 0x0f0f == 0x0a0a && value >> 8 == value & 0xff
}

/// JA3 of a ClientHello: MD5 of `version,ciphers,extensions,groups,point formats`.
pub(crate) fn ja3(hello: &ClientHello) -> String {
    let text = format!(
        "{},{},{},{},{}",
        hello.version,
        decimal(hello.ciphers.iter().copied()),
        decimal(hello.extensions.iter().copied()),
        decimal(hello.groups.iter().copied()),
        decimal(hello.point_formats.iter().map(|&f| u16::from(f))),
    );
    hex(&Md5::digest(text.as_bytes()))
}

/// JA3S of a ServerHello: MD5 of `version,cipher,extensions`.
pub(crate) fn ja3s(hello: &ServerHello) -> String {
    let text = format!(
        "{},{},{}",
        hello.version,
        hello.cipher,
        decimal(hello.extensions.iter().copied())
    );
    hex(&Md5::digest(text.as_bytes()))
}

/// The transport a ClientHello came over, JA4's first character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Carrier {
    Tcp,
    Quic,
}

/// JA4 of a ClientHello: `t13d1516h2_8daaf6152771_e5627efa2ab1`.
pub(crate) fn ja4(hello: &ClientHello, carrier: Carrier) -> String {
    let ciphers: Vec<u16> = hello
        .ciphers
        .iter()
        .copied()
        .filter(|c| !is_grease(*c))
        .collect();
    let extensions: Vec<u16> = hello
        .extensions
        .iter()
        .copied()
        .filter(|e| !is_grease(*e))
        .collect();
    let version = hello
        .supported_versions
        .iter()
        .copied()
        .filter(|v| !is_grease(*v))
        .max()
        .unwrap_or(hello.version);
    let part_a = format!(
        "{}{}{}{:02}{:02}{}",
        match carrier {
            Carrier::Tcp => 't',
            Carrier::Quic => 'q',
        },
        version_code(version),
        if extensions.contains(&0) { 'd' } else { 'i' },
        ciphers.len().min(99),
        extensions.len().min(99),
        alpn_code(hello.alpn.first().map(String::as_bytes)),
    );
    let mut sorted_ciphers = ciphers;
    sorted_ciphers.sort_unstable();
    let part_b = truncated_sha256(&hex_list(&sorted_ciphers), sorted_ciphers.is_empty());
    let mut sorted_extensions: Vec<u16> = extensions
        .into_iter()
        .filter(|e| *e != 0x0000 && *e != 0x0010)
        .collect();
    sorted_extensions.sort_unstable();
    let algorithms: Vec<u16> = hello
        .signature_algorithms
        .iter()
        .copied()
        .filter(|a| !is_grease(*a))
        .collect();
    let mut text = hex_list(&sorted_extensions);
    if !algorithms.is_empty() {
        text.push('_');
        text.push_str(&hex_list(&algorithms));
    }
    let part_c = truncated_sha256(&text, sorted_extensions.is_empty());
    format!("{part_a}_{part_b}_{part_c}")
}

fn version_code(version: u16) -> &'static str {
    match version {
        0x0304 => "13",
        0x0303 => "12",
        0x0302 => "11",
        0x0301 => "10",
        0x0300 => "s3",
        0x0002 => "s2",
        0xfeff => "d1",
        0xfefd => "d2",
        0xfefc => "d3",
        _ => "00",
    }
}

/// First and last character of the first ALPN value (`h2`, `h1` for
/// `http/1.1`); hex digits when either is not alphanumeric; `00` when absent.
fn alpn_code(alpn: Option<&[u8]>) -> String {
    let Some((&first, rest)) = alpn.and_then(<[u8]>::split_first) else {
        return "00".into();
    };
    let last = rest.last().copied().unwrap_or(first);
    if first.is_ascii_alphanumeric() && last.is_ascii_alphanumeric() {
        return format!("{}{}", first as char, last as char);
    }
    let first_hex = format!("{first:02x}");
    let last_hex = format!("{last:02x}");
    format!(
        "{}{}",
        first_hex.chars().next().unwrap_or('0'),
        last_hex.chars().last().unwrap_or('0')
    )
}

fn truncated_sha256(text: &str, empty: bool) -> String {
    if empty {
        return "000000000000".into();
    }
    let mut digest = hex(&Sha256::digest(text.as_bytes()));
    digest.truncate(12);
    digest
}

fn decimal(values: impl Iterator<Item = u16>) -> String {
    // Built in one buffer: fingerprints are computed for every handshake.
    let mut out = String::with_capacity(64);
    for value in values.filter(|v| !is_grease(*v)) {
        if !out.is_empty() {
            out.push('-');
        }
        let _ = write!(out, "{value}");
    }
    out
}

fn hex_digit(nibble: u16) -> char {
    char::from_digit(u32::from(nibble & 0xf), 16).unwrap_or('0')
}

fn hex_list(values: &[u16]) -> String {
    let mut out = String::with_capacity(values.len() * 5);
    for value in values {
        if !out.is_empty() {
            out.push(',');
        }
        for shift in [12, 8, 4, 0] {
            out.push(hex_digit(value >> shift));
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        out.push(hex_digit(u16::from(byte) >> 4));
        out.push(hex_digit(u16::from(byte)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grease_and_alpn_codes() {
        assert!(is_grease(0x0a0a) && is_grease(0xfafa) && !is_grease(0x0a1a));
        assert_eq!(alpn_code(Some(b"h2")), "h2");
        assert_eq!(alpn_code(Some(b"http/1.1")), "h1");
        assert_eq!(alpn_code(Some(b"x")), "xx");
        assert_eq!(alpn_code(None), "00");
        assert_eq!(alpn_code(Some(b"\xab\x01")), "a1");
    }

    #[test]
    fn ja4_of_the_public_specification_example() {
        // The FoxIO JA4 example ClientHello: 15 ciphers and 16 extensions
        // (GREASE removed), SNI, ALPN h2.
        let hello = ClientHello {
            version: 0x0303,
            ciphers: vec![
                0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013,
                0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
            ],
            extensions: vec![
                0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023,
                0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015,
            ],
            sni: Some("example.com".into()),
            alpn: vec!["h2".into()],
            signature_algorithms: vec![
                0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
            ],
            supported_versions: vec![0x0304, 0x0303],
            ..ClientHello::default()
        };
        assert_eq!(
            ja4(&hello, Carrier::Tcp),
            "t13d1516h2_8daaf6152771_e5627efa2ab1"
        );
    }
}
