//! MIME messages around a fuzzer's bytes: a part of a given content type,
//! base64-encoded so that any byte reaches the decoder behind it (PDF,
//! DOCX, calendar, HTML).

/// A message with a short plain-text body and one base64 part of
/// `content_type`, attached under `file_name` when there is one, inline
/// otherwise.
pub fn message_with_part(content_type: &str, file_name: Option<&str>, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() * 4 / 3 + 1024);
    out.extend_from_slice(
        b"From: Billing <billing@invoices.example>\r\n\
          To: alice@contoso.example\r\n\
          Subject: Your subscription renewal\r\n\
          Date: Mon, 16 Jan 2023 09:30:00 +0000\r\n\
          Message-ID: <fuzz@invoices.example>\r\n\
          MIME-Version: 1.0\r\n\
          Content-Type: multipart/mixed; boundary=\"fuzz-boundary\"\r\n\r\n\
          --fuzz-boundary\r\n\
          Content-Type: text/plain; charset=utf-8\r\n\r\n\
          See the attached document.\r\n\
          --fuzz-boundary\r\n",
    );
    out.extend_from_slice(format!("Content-Type: {content_type}").as_bytes());
    match file_name {
        Some(name) => {
            out.extend_from_slice(format!("; name=\"{name}\"\r\n").as_bytes());
            out.extend_from_slice(
                format!("Content-Disposition: attachment; filename=\"{name}\"\r\n").as_bytes(),
            );
        }
        None => out.extend_from_slice(b"\r\nContent-Disposition: inline\r\n"),
    }
    out.extend_from_slice(b"Content-Transfer-Encoding: base64\r\n\r\n");
    base64_lines(bytes, &mut out);
    out.extend_from_slice(b"--fuzz-boundary--\r\n");
    out
}

fn base64_lines(bytes: &[u8], out: &mut Vec<u8>) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for line in bytes.chunks(57) {
        for group in line.chunks(3) {
            let b = [
                group[0],
                group.get(1).copied().unwrap_or(0),
                group.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            let symbols = [
                ALPHABET[(n >> 18) as usize & 63],
                ALPHABET[(n >> 12) as usize & 63],
                ALPHABET[(n >> 6) as usize & 63],
                ALPHABET[n as usize & 63],
            ];
            let keep = group.len() + 1;
            out.extend_from_slice(&symbols[..keep]);
            out.extend(std::iter::repeat_n(b'=', 4 - keep));
        }
        out.extend_from_slice(b"\r\n");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_rfc_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg==\r\n"),
            ("fo", "Zm8=\r\n"),
            ("foo", "Zm9v\r\n"),
            ("foobar", "Zm9vYmFy\r\n"),
        ] {
            let mut out = Vec::new();
            super::base64_lines(plain.as_bytes(), &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), encoded);
        }
    }
}
