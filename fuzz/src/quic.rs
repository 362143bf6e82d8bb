//! Client Initial packets encrypted as RFC 9001 §5 says (keys from the
//! Destination Connection ID, AES-128-GCM, header protection), so that the
//! fuzzer's bytes reach the CRYPTO frame reader and the ClientHello parser
//! behind the decryption instead of failing the AEAD tag check.

use aes::Aes128;
use aes::cipher::{BlockEncrypt, KeyInit, generic_array::GenericArray};
use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes128Gcm, Nonce};
use hkdf::Hkdf;
use sha2::Sha256;

/// QUIC version 1 (RFC 9000).
pub const VERSION_1: u32 = 0x0000_0001;
/// QUIC version 2 (RFC 9369).
pub const VERSION_2: u32 = 0x6b33_43cf;
/// Draft 29.
pub const DRAFT_29: u32 = 0xff00_001d;

const SALT_V1: [u8; 20] = [
    0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad,
    0xcc, 0xbb, 0x7f, 0x0a,
];
const SALT_V2: [u8; 20] = [
    0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb,
    0xf9, 0xbd, 0x2e, 0xd9,
];
const SALT_DRAFT_29: [u8; 20] = [
    0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97, 0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0,
    0x43, 0x90, 0xa8, 0x99,
];

fn expand_label(secret: &[u8], label: &str, out: &mut [u8]) {
    let Ok(hkdf) = Hkdf::<Sha256>::from_prk(secret) else {
        return;
    };
    let full = format!("tls13 {label}");
    let mut info = Vec::with_capacity(4 + full.len());
    info.extend_from_slice(&u16::try_from(out.len()).unwrap_or(0).to_be_bytes());
    info.push(u8::try_from(full.len()).unwrap_or(0));
    info.extend_from_slice(full.as_bytes());
    info.push(0);
    let _ = hkdf.expand(&info, out);
}

/// One client Initial packet of `version` to `dcid` with packet number `pn`
/// carrying `frames` (padded to the length header protection needs; at most
/// 16,000 bytes are used). `dcid` is cut to 20 bytes.
pub fn client_initial(version: u32, dcid: &[u8], pn: u8, frames: &[u8]) -> Vec<u8> {
    let dcid = &dcid[..dcid.len().min(20)];
    let (salt, prefix, kind) = match version {
        VERSION_2 => (SALT_V2, "quicv2", 1u8),
        DRAFT_29 => (SALT_DRAFT_29, "quic", 0),
        _ => (SALT_V1, "quic", 0),
    };
    let (initial, _) = Hkdf::<Sha256>::extract(Some(&salt), dcid);
    let mut client = [0u8; 32];
    expand_label(&initial, "client in", &mut client);
    let mut key = [0u8; 16];
    let mut iv = [0u8; 12];
    let mut hp = [0u8; 16];
    expand_label(&client, &format!("{prefix} key"), &mut key);
    expand_label(&client, &format!("{prefix} iv"), &mut iv);
    expand_label(&client, &format!("{prefix} hp"), &mut hp);

    let mut plain = frames[..frames.len().min(16_000)].to_vec();
    plain.resize(plain.len().max(4), 0);
    // One-byte packet numbers: the length covers it, the payload and the tag.
    let length = 1 + plain.len() + 16;
    let mut packet = vec![0xc0 | (kind << 4)];
    packet.extend_from_slice(&version.to_be_bytes());
    packet.push(u8::try_from(dcid.len()).unwrap_or(0));
    packet.extend_from_slice(dcid);
    packet.push(0); // no source connection id
    packet.push(0); // no token
    packet.extend_from_slice(&(0x4000 | u16::try_from(length).unwrap_or(0)).to_be_bytes());
    let pn_offset = packet.len();
    packet.push(pn);

    let mut nonce = iv;
    nonce[11] ^= pn;
    let cipher = Aes128Gcm::new(GenericArray::from_slice(&key));
    let Ok(tag) = cipher.encrypt_in_place_detached(Nonce::from_slice(&nonce), &packet, &mut plain)
    else {
        return packet;
    };
    packet.extend_from_slice(&plain);
    packet.extend_from_slice(&tag);

    let sample = &packet[pn_offset + 4..pn_offset + 20];
    let mut mask = GenericArray::clone_from_slice(sample);
    Aes128::new(GenericArray::from_slice(&hp)).encrypt_block(&mut mask);
    packet[0] ^= mask[0] & 0x0f;
    packet[pn_offset] ^= mask[1];
    packet
}
