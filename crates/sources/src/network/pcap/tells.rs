//! Protocol tells that do not depend on the port: the first bytes of a
//! payload that give a remote-access protocol away (RFB's version banner,
//! RDP's X.224 connection request and its cookie, TeamViewer's framing, an
//! SSH banner), and the shapes of TLS and HTTP openings.

/// A protocol recognized from a payload, with what gave it away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tell {
    /// `network.protocol` (`rfb`, `rdp`, `ssh`).
    pub protocol: &'static str,
    /// The evidence (`RFB 003.008`, `cookie: alice`), if worth keeping.
    pub detail: Option<String>,
}

/// RFB (VNC): `RFB 003.008\n`, sent first by the server and echoed by the client.
pub(crate) fn rfb(payload: &[u8]) -> Option<Tell> {
    let banner = payload.get(..12)?;
    let digits = |range: std::ops::Range<usize>| banner[range].iter().all(u8::is_ascii_digit);
    if banner.starts_with(b"RFB ")
        && digits(4..7)
        && banner[7] == b'.'
        && digits(8..11)
        && banner[11] == b'\n'
    {
        let version = String::from_utf8_lossy(&banner[..11]).into_owned();
        return Some(Tell {
            protocol: "rfb",
            detail: Some(version),
        });
    }
    None
}

/// RDP: a TPKT header, an X.224 Connection Request, and maybe a cookie
/// (`Cookie: mstshash=<user>`) or routing token.
pub(crate) fn rdp(payload: &[u8]) -> Option<Tell> {
    if payload.len() < 11 || payload[0] != 3 || payload[1] != 0 {
        return None;
    }
    let length = usize::from(u16::from_be_bytes([payload[2], payload[3]]));
    let indicator = usize::from(payload[4]);
    if length < 11 || length > payload.len() || payload[5] != 0xe0 || indicator + 5 > length {
        return None;
    }
    let variable = payload.get(11..length).unwrap_or(&[]);
    let detail = variable.strip_prefix(b"Cookie: mstshash=").map(|rest| {
        let end = memchr::memmem::find(rest, b"\r\n").unwrap_or(rest.len());
        format!("cookie: {}", String::from_utf8_lossy(&rest[..end]))
    });
    Some(Tell {
        protocol: "rdp",
        detail,
    })
}

/// SSH: its banner line (`SSH-2.0-OpenSSH_9.6`).
pub(crate) fn ssh(payload: &[u8]) -> Option<Tell> {
    if !payload.starts_with(b"SSH-") {
        return None;
    }
    let end = memchr::memchr(b'\r', payload)
        .or_else(|| memchr::memchr(b'\n', payload))
        .unwrap_or(payload.len())
        .min(80);
    Some(Tell {
        protocol: "ssh",
        detail: Some(String::from_utf8_lossy(&payload[..end]).into_owned()),
    })
}

/// Whether a TCP payload is TeamViewer framing (`17 24` handshake and
/// keep-alive, `11 30` data). One packet proves little: the flow table asks
/// for several.
pub(crate) fn teamviewer_tcp(payload: &[u8]) -> bool {
    matches!(payload, [0x17, 0x24, ..] | [0x11, 0x30, ..])
}

/// Whether a UDP payload is TeamViewer's (a zero first byte, `17 24` at 11).
pub(crate) fn teamviewer_udp(payload: &[u8]) -> bool {
    payload.len() > 13 && payload[0] == 0 && payload[11..13] == [0x17, 0x24]
}

/// Whether a payload opens with a TLS handshake record of the given type
/// (1 ClientHello, 2 ServerHello).
pub(crate) fn tls_handshake(payload: &[u8], kind: u8) -> bool {
    matches!(payload, [0x16, 0x03, 0x00..=0x04, _, _, k, ..] if *k == kind)
}

/// Whether a payload opens with an HTTP/1.x request line.
pub(crate) fn http_request(payload: &[u8]) -> bool {
    const METHODS: &[&[u8]] = &[
        b"GET ",
        b"POST ",
        b"HEAD ",
        b"PUT ",
        b"DELETE ",
        b"OPTIONS ",
        b"PATCH ",
        b"CONNECT ",
    ];
    METHODS.iter().any(|m| payload.starts_with(m))
}

/// Whether a payload opens with an HTTP/1.x status line.
pub(crate) fn http_response(payload: &[u8]) -> bool {
    payload.starts_with(b"HTTP/1.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banners_and_requests() {
        assert_eq!(
            rfb(b"RFB 003.008\n"),
            Some(Tell {
                protocol: "rfb",
                detail: Some("RFB 003.008".into())
            })
        );
        assert!(rfb(b"RFB 3.8\n").is_none());
        let mut cr = vec![3, 0, 0, 0, 0, 0xe0, 0, 0, 0, 0, 0];
        cr.extend_from_slice(b"Cookie: mstshash=alice\r\n");
        cr.extend_from_slice(&[1, 0, 8, 0, 3, 0, 0, 0]);
        let len = cr.len() as u16;
        cr[2..4].copy_from_slice(&len.to_be_bytes());
        cr[4] = (cr.len() - 5) as u8;
        assert_eq!(
            rdp(&cr).and_then(|t| t.detail),
            Some("cookie: alice".into())
        );
        assert!(rdp(b"\x03\x00\x00\x13GET / HTTP/1.1").is_none());
        assert!(teamviewer_tcp(&[0x17, 0x24, 0x1b, 0, 0]));
        assert!(!teamviewer_tcp(&[0x17, 0x03, 0x03]));
        assert!(tls_handshake(&[0x16, 3, 1, 0, 200, 1, 0], 1));
        assert!(http_request(b"GET /x HTTP/1.1\r\n"));
    }
}
