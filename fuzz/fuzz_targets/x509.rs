//! Server certificates: the input is one DER certificate, sent by a TLS 1.2
//! server after its ServerHello in a Certificate message (split over as
//! many records as it needs), so the subject and issuer are read from it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rmmguard_fuzz::Chunk;

fn u24(len: usize) -> [u8; 3] {
    let len = u32::try_from(len).unwrap_or(0).to_be_bytes();
    [len[1], len[2], len[3]]
}

fuzz_target!(|data: &[u8]| {
    let der = &data[..data.len().min(30_000)];
    let mut handshake = Vec::with_capacity(der.len() + 128);
    // ServerHello: TLS 1.2, a fixed random, no session id, one cipher, no extensions.
    let mut hello = vec![3, 3];
    hello.extend_from_slice(&[7; 32]);
    hello.extend_from_slice(&[0, 0xc0, 0x2f, 0]);
    handshake.push(2);
    handshake.extend_from_slice(&u24(hello.len()));
    handshake.extend_from_slice(&hello);
    // Certificate: the chain's length, then one certificate.
    handshake.push(11);
    handshake.extend_from_slice(&u24(der.len() + 6));
    handshake.extend_from_slice(&u24(der.len() + 3));
    handshake.extend_from_slice(&u24(der.len()));
    handshake.extend_from_slice(der);
    // ServerHelloDone.
    handshake.extend_from_slice(&[14, 0, 0, 0]);
    let mut records = Vec::with_capacity(handshake.len() + 64);
    for piece in handshake.chunks(16_384) {
        records.extend_from_slice(&[22, 3, 3]);
        records.extend_from_slice(&u16::try_from(piece.len()).unwrap_or(0).to_be_bytes());
        records.extend_from_slice(piece);
    }
    let chunks = [Chunk {
        dir: 1,
        repeat: false,
        bytes: &records,
    }];
    let packets = rmmguard_fuzz::tcp_conversation(443, &chunks);
    rmmguard_fuzz::read_capture(&rmmguard_fuzz::pcap(rmmguard_fuzz::LINK_RAW, &packets));
});
