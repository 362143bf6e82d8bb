//! The ClientHello inside QUIC: a client's Initial packets are encrypted
//! with keys anyone can derive from the packet's Destination Connection ID
//! (RFC 9001 §5.2), so a sensor can read the SNI and fingerprint them like
//! TLS over TCP. This module removes header protection, decrypts Initial
//! packets (AES-128-GCM) and collects their CRYPTO frames, which may be
//! split over several packets and sent out of order.
//!
//! QUIC versions 1 and 2 and draft 29 are read; other versions are passed over.

use aes::Aes128;
use aes::cipher::{BlockEncrypt, KeyInit, generic_array::GenericArray};
use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes128Gcm, Nonce, Tag};
use hkdf::Hkdf;
use sha2::Sha256;

/// Most CRYPTO bytes gathered per connection (a ClientHello is a few KiB).
const MAX_CRYPTO: usize = 16 << 10;

const VERSION_1: u32 = 0x0000_0001;
const VERSION_2: u32 = 0x6b33_43cf;
const DRAFT_29: u32 = 0xff00_001d;

/// The client's CRYPTO stream of one connection, gathered from its Initial packets.
#[derive(Debug, Default)]
pub(crate) struct CryptoStream {
    /// Contiguous bytes from offset 0.
    bytes: Vec<u8>,
    /// Fragments past a gap: (offset, bytes).
    pending: Vec<(u64, Vec<u8>)>,
}

impl CryptoStream {
    /// The contiguous bytes from the start of the stream.
    pub fn data(&self) -> &[u8] {
        &self.bytes
    }

    fn add(&mut self, offset: u64, data: &[u8]) {
        let held: usize =
            self.bytes.len() + self.pending.iter().map(|(_, d)| d.len()).sum::<usize>();
        if held + data.len() > MAX_CRYPTO {
            return;
        }
        self.pending.push((offset, data.to_vec()));
        loop {
            let end = self.bytes.len() as u64;
            let Some(index) = self.pending.iter().position(|(o, _)| *o <= end) else {
                break;
            };
            let (offset, data) = self.pending.swap_remove(index);
            let skip = usize::try_from(end - offset).unwrap_or(usize::MAX);
            if let Some(fresh) = data.get(skip..) {
                self.bytes.extend_from_slice(fresh);
            }
        }
    }
}

/// Whether a UDP payload starts like a QUIC long-header Initial packet of a known version.
pub(crate) fn looks_like_initial(payload: &[u8]) -> bool {
    let Some(&first) = payload.first() else {
        return false;
    };
    let Some(version) = payload.get(1..5) else {
        return false;
    };
    let version = u32::from_be_bytes([version[0], version[1], version[2], version[3]]);
    first & 0xc0 == 0xc0 && initial_type(version).is_some_and(|t| (first >> 4) & 0x03 == t)
}

/// Decrypts the client Initial packets in a datagram and adds their CRYPTO
/// frames to `stream`. Returns an error text for a packet that should
/// decrypt and does not.
pub(crate) fn read_datagram(payload: &[u8], stream: &mut CryptoStream) -> Result<(), String> {
    let mut rest = payload;
    // A datagram may coalesce several packets; only Initial ones are read.
    while let Some(&first) = rest.first() {
        if first & 0x80 == 0 {
            break;
        }
        let Some(header) = LongHeader::parse(rest) else {
            return Err("QUIC long header cut short".into());
        };
        let packet = rest
            .get(..header.packet_end)
            .ok_or("QUIC packet cut short")?;
        if header.is_initial {
            let plain = decrypt(packet, &header)?;
            crypto_frames(&plain, stream);
        }
        rest = &rest[header.packet_end..];
    }
    Ok(())
}

fn initial_type(version: u32) -> Option<u8> {
    match version {
        VERSION_1 | DRAFT_29 => Some(0),
        VERSION_2 => Some(1),
        _ => None,
    }
}

struct LongHeader<'a> {
    version: u32,
    dcid: &'a [u8],
    is_initial: bool,
    /// Offset of the (protected) packet number.
    pn_offset: usize,
    /// One past the packet's last byte.
    packet_end: usize,
}

impl<'a> LongHeader<'a> {
    fn parse(packet: &'a [u8]) -> Option<LongHeader<'a>> {
        let first = *packet.first()?;
        let version = u32::from_be_bytes(packet.get(1..5)?.try_into().ok()?);
        let dcid_len = usize::from(*packet.get(5)?);
        let dcid = packet.get(6..6 + dcid_len)?;
        let mut at = 6 + dcid_len;
        let scid_len = usize::from(*packet.get(at)?);
        at += 1 + scid_len;
        let kind = (first >> 4) & 0x03;
        let is_initial = initial_type(version) == Some(kind);
        if version == 0 {
            return None; // Version negotiation has no length field.
        }
        if is_initial {
            let (token_len, used) = varint(packet.get(at..)?)?;
            at += used + usize::try_from(token_len).ok()?;
        } else if kind == 3 && initial_type(version).is_some() {
            return None; // Retry: no length field; nothing follows it.
        }
        let (length, used) = varint(packet.get(at..)?)?;
        at += used;
        let packet_end = at.checked_add(usize::try_from(length).ok()?)?;
        if packet_end > packet.len() {
            return None;
        }
        Some(LongHeader {
            version,
            dcid,
            is_initial,
            pn_offset: at,
            packet_end,
        })
    }
}

/// Keys of a client's Initial packets.
struct Keys {
    key: [u8; 16],
    iv: [u8; 12],
    hp: [u8; 16],
}

fn client_keys(version: u32, dcid: &[u8]) -> Option<Keys> {
    let (salt, prefix): (&[u8], &str) = match version {
        VERSION_1 => (
            &[
                0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8,
                0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
            ],
            "quic",
        ),
        DRAFT_29 => (
            &[
                0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97, 0x86, 0xf1, 0x9c, 0x61,
                0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99,
            ],
            "quic",
        ),
        VERSION_2 => (
            &[
                0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26,
                0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9,
            ],
            "quicv2",
        ),
        _ => return None,
    };
    let (initial, _) = Hkdf::<Sha256>::extract(Some(salt), dcid);
    let mut client = [0u8; 32];
    expand_label(&initial, "client in", &mut client)?;
    let mut keys = Keys {
        key: [0; 16],
        iv: [0; 12],
        hp: [0; 16],
    };
    expand_label(&client, &format!("{prefix} key"), &mut keys.key)?;
    expand_label(&client, &format!("{prefix} iv"), &mut keys.iv)?;
    expand_label(&client, &format!("{prefix} hp"), &mut keys.hp)?;
    Some(keys)
}

/// HKDF-Expand-Label of TLS 1.3 with an empty context.
fn expand_label(secret: &[u8], label: &str, out: &mut [u8]) -> Option<()> {
    let hkdf = Hkdf::<Sha256>::from_prk(secret).ok()?;
    let full = format!("tls13 {label}");
    let mut info = Vec::with_capacity(4 + full.len());
    info.extend_from_slice(&u16::try_from(out.len()).ok()?.to_be_bytes());
    info.push(u8::try_from(full.len()).ok()?);
    info.extend_from_slice(full.as_bytes());
    info.push(0);
    hkdf.expand(&info, out).ok()
}

/// Removes header protection and decrypts one Initial packet's payload.
fn decrypt(packet: &[u8], header: &LongHeader<'_>) -> Result<Vec<u8>, String> {
    let keys = client_keys(header.version, header.dcid).ok_or("unknown QUIC version")?;
    let sample = packet
        .get(header.pn_offset + 4..header.pn_offset + 20)
        .ok_or("QUIC packet too short to sample")?;
    let mut mask = GenericArray::clone_from_slice(sample);
    Aes128::new(GenericArray::from_slice(&keys.hp)).encrypt_block(&mut mask);
    let first = packet[0] ^ (mask[0] & 0x0f);
    let pn_len = usize::from(first & 0x03) + 1;
    let payload_start = header.pn_offset + pn_len;
    let mut aad = packet
        .get(..payload_start)
        .ok_or("QUIC packet cut short")?
        .to_vec();
    aad[0] = first;
    let mut number = 0u64;
    for i in 0..pn_len {
        let byte = aad[header.pn_offset + i] ^ mask[1 + i];
        aad[header.pn_offset + i] = byte;
        number = (number << 8) | u64::from(byte);
    }
    let sealed = packet
        .get(payload_start..header.packet_end)
        .filter(|s| s.len() >= 16)
        .ok_or("QUIC payload too short")?;
    let (cipher_text, tag) = sealed.split_at(sealed.len() - 16);
    let mut nonce = keys.iv;
    for (i, byte) in number.to_be_bytes().iter().enumerate() {
        nonce[4 + i] ^= byte;
    }
    let mut plain = cipher_text.to_vec();
    Aes128Gcm::new(GenericArray::from_slice(&keys.key))
        .decrypt_in_place_detached(
            Nonce::from_slice(&nonce),
            &aad,
            &mut plain,
            Tag::from_slice(tag),
        )
        .map_err(|_| "QUIC Initial packet does not decrypt".to_owned())?;
    Ok(plain)
}

/// Walks the frames of a decrypted Initial payload, keeping CRYPTO data.
fn crypto_frames(mut plain: &[u8], stream: &mut CryptoStream) {
    while let Some((kind, used)) = varint(plain) {
        plain = &plain[used..];
        match kind {
            0x00 | 0x01 => {} // PADDING, PING
            0x02 | 0x03 => {
                // ACK: largest, delay, range count, first range, ranges (, ECN counts).
                let Some(rest) = skip_ack(plain, kind == 0x03) else {
                    return;
                };
                plain = rest;
            }
            0x06 => {
                let Some((offset, a)) = varint(plain) else {
                    return;
                };
                let Some((length, b)) = varint(&plain[a..]) else {
                    return;
                };
                let Ok(length) = usize::try_from(length) else {
                    return;
                };
                let Some(data) = plain.get(a + b..a + b + length) else {
                    return;
                };
                stream.add(offset, data);
                plain = &plain[a + b + length..];
            }
            0x1c => return, // CONNECTION_CLOSE: nothing useful follows.
            _ => return,
        }
    }
}

fn skip_ack(mut plain: &[u8], ecn: bool) -> Option<&[u8]> {
    let next = |plain: &mut &[u8]| -> Option<u64> {
        let (value, used) = varint(plain)?;
        *plain = &plain[used..];
        Some(value)
    };
    next(&mut plain)?;
    next(&mut plain)?;
    let ranges = next(&mut plain)?;
    next(&mut plain)?;
    for _ in 0..ranges.min(1024) {
        next(&mut plain)?;
        next(&mut plain)?;
    }
    if ecn {
        for _ in 0..3 {
            next(&mut plain)?;
        }
    }
    Some(plain)
}

/// A QUIC variable-length integer and how many bytes it took.
fn varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let first = *bytes.first()?;
    let len = 1usize << (first >> 6);
    let raw = bytes.get(..len)?;
    let mut value = u64::from(first & 0x3f);
    for &byte in &raw[1..] {
        value = (value << 8) | u64::from(byte);
    }
    Some((value, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9001_client_initial_keys() {
        // RFC 9001 Appendix A.1: keys for DCID 0x8394c8f03e515708.
        let keys = client_keys(VERSION_1, &[0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08])
            .expect("keys");
        assert_eq!(
            keys.key,
            [
                0x1f, 0x36, 0x96, 0x13, 0xdd, 0x76, 0xd5, 0x46, 0x77, 0x30, 0xef, 0xcb, 0xe3, 0xb1,
                0xa2, 0x2d
            ]
        );
        assert_eq!(
            keys.iv,
            [
                0xfa, 0x04, 0x4b, 0x2f, 0x42, 0xa3, 0xfd, 0x3b, 0x46, 0xfb, 0x25, 0x5c
            ]
        );
        assert_eq!(
            keys.hp,
            [
                0x9f, 0x50, 0x44, 0x9e, 0x04, 0xa0, 0xe8, 0x10, 0x28, 0x3a, 0x1e, 0x99, 0x33, 0xad,
                0xed, 0xd2
            ]
        );
    }

    #[test]
    fn varints_and_out_of_order_crypto() {
        assert_eq!(varint(&[0x25]), Some((37, 1)));
        assert_eq!(varint(&[0x7b, 0xbd]), Some((15293, 2)));
        assert_eq!(varint(&[0x9d, 0x7f, 0x3e, 0x7d]), Some((494_878_333, 4)));
        let mut stream = CryptoStream::default();
        stream.add(3, b"def");
        assert!(stream.data().is_empty());
        stream.add(0, b"abc");
        assert_eq!(stream.data(), b"abcdef");
        stream.add(2, b"cdefg");
        assert_eq!(stream.data(), b"abcdefg");
    }
}
