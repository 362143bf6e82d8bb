//! A small X.509 v3 certificate assembled by hand in DER: subject and
//! issuer names, a validity period and an RSA public key. Its signature is
//! filler (nothing verifies it): sensors only read the names.

/// DER of a certificate with these names, deterministic per `id`.
pub(super) fn certificate(
    subject: &[(String, String)],
    issuer: &[(String, String)],
    id: u64,
) -> Vec<u8> {
    let sha256_with_rsa = sequence(&[
        oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]),
        vec![0x05, 0x00],
    ]);
    let serial = tlv(0x02, &[0x01, (id >> 8) as u8 | 0x01, id as u8]);
    let validity = sequence(&[tlv(0x17, b"181118021423Z"), tlv(0x17, b"281115021423Z")]);
    let mut modulus = vec![0x00, 0xc1];
    modulus.extend((0..63).map(|i| (id.rotate_left(i) & 0xff) as u8 | 1));
    let rsa_key = sequence(&[tlv(0x02, &modulus), tlv(0x02, &[0x01, 0x00, 0x01])]);
    let mut key_bits = vec![0x00];
    key_bits.extend(rsa_key);
    let spki = sequence(&[
        sequence(&[
            oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]),
            vec![0x05, 0x00],
        ]),
        tlv(0x03, &key_bits),
    ]);
    let tbs = sequence(&[
        tlv(0xa0, &tlv(0x02, &[0x02])),
        serial,
        sha256_with_rsa.clone(),
        name(issuer),
        validity,
        name(subject),
        spki,
    ]);
    let mut signature = vec![0x00];
    signature.extend((0..64).map(|i| (id.rotate_right(i) & 0xff) as u8));
    sequence(&[tbs, sha256_with_rsa, tlv(0x03, &signature)])
}

/// A distinguished name: one RDN per attribute, in the order given.
fn name(attributes: &[(String, String)]) -> Vec<u8> {
    let rdns: Vec<Vec<u8>> = attributes
        .iter()
        .filter_map(|(kind, value)| {
            let arc = match kind.to_ascii_uppercase().as_str() {
                "CN" => 3,
                "C" => 6,
                "L" => 7,
                "ST" => 8,
                "O" => 10,
                "OU" => 11,
                _ => return None,
            };
            let string = if arc == 6 {
                tlv(0x13, value.as_bytes())
            } else {
                tlv(0x0c, value.as_bytes())
            };
            Some(tlv(0x31, &sequence(&[oid(&[0x55, 0x04, arc]), string])))
        })
        .collect();
    sequence(&rdns)
}

fn oid(encoded: &[u8]) -> Vec<u8> {
    tlv(0x06, encoded)
}

fn sequence(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend_from_slice(&[0x81, len as u8]);
    } else {
        out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(content);
    out
}
