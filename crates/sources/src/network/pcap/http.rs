//! HTTP/1.x on a reassembled TCP stream: request and response heads, and
//! enough of the body framing (`Content-Length`) to find the next message
//! and the first bytes of a download. A chunked or unframed body ends the
//! parse of that direction (the exchange already read is still reported).

/// Longest head accepted; a longer one ends the parse of that direction.
pub(crate) const MAX_HEAD: usize = 16 << 10;

/// A request head.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Request {
    pub method: String,
    pub uri: String,
    pub host: Option<String>,
    pub user_agent: Option<String>,
    /// `Content-Length` of the request body (0 when absent).
    pub body: u64,
}

/// A response head.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Response {
    pub status: u16,
    pub content_type: Option<String>,
    pub content_length: Option<u64>,
    /// `filename` of `Content-Disposition`.
    pub file_name: Option<String>,
    pub chunked: bool,
}

/// The outcome of looking for a head at the start of a buffer.
pub(crate) enum Head<T> {
    /// A complete head and its length in bytes.
    Complete(T, usize),
    /// More bytes are needed.
    Partial,
    /// Not HTTP, or over [`MAX_HEAD`].
    Invalid,
}

/// Parses a request head at the start of `data`.
pub(crate) fn request(data: &[u8]) -> Head<Request> {
    head(data, |start_line, headers| {
        let mut parts = start_line.splitn(3, ' ');
        let method = parts.next()?.to_owned();
        let uri = parts.next()?.to_owned();
        if !parts.next()?.starts_with("HTTP/1.") {
            return None;
        }
        Some(Request {
            method,
            uri,
            host: header(headers, "host").map(|h| h.to_lowercase()),
            user_agent: header(headers, "user-agent").map(str::to_owned),
            body: header(headers, "content-length")
                .and_then(|l| l.trim().parse().ok())
                .unwrap_or(0),
        })
    })
}

/// Parses a response head at the start of `data`.
pub(crate) fn response(data: &[u8]) -> Head<Response> {
    head(data, |start_line, headers| {
        let mut parts = start_line.splitn(3, ' ');
        if !parts.next()?.starts_with("HTTP/1.") {
            return None;
        }
        let status = parts.next()?.parse().ok()?;
        Some(Response {
            status,
            content_type: header(headers, "content-type")
                .map(|t| t.split(';').next().unwrap_or("").trim().to_lowercase())
                .filter(|t| !t.is_empty()),
            content_length: header(headers, "content-length").and_then(|l| l.trim().parse().ok()),
            file_name: header(headers, "content-disposition").and_then(disposition_file_name),
            chunked: header(headers, "transfer-encoding")
                .is_some_and(|t| t.to_ascii_lowercase().contains("chunked")),
        })
    })
}

fn head<T>(data: &[u8], build: impl FnOnce(&str, &[(&str, &str)]) -> Option<T>) -> Head<T> {
    let Some(end) = memchr::memmem::find(data, b"\r\n\r\n") else {
        return if data.len() > MAX_HEAD {
            Head::Invalid
        } else {
            Head::Partial
        };
    };
    if end > MAX_HEAD {
        return Head::Invalid;
    }
    let text = String::from_utf8_lossy(&data[..end]);
    let mut lines = text.split("\r\n");
    let start_line = lines.next().unwrap_or("");
    let headers: Vec<(&str, &str)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim(), value.trim()))
        .collect();
    match build(start_line, &headers) {
        Some(value) => Head::Complete(value, end + 4),
        None => Head::Invalid,
    }
}

fn header<'a>(headers: &[(&'a str, &'a str)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
}

/// `attachment; filename="AnyDesk.exe"` → `AnyDesk.exe`.
fn disposition_file_name(value: &str) -> Option<String> {
    value.split(';').find_map(|part| {
        let (key, name) = part.trim().split_once('=')?;
        if !key.trim().eq_ignore_ascii_case("filename") {
            return None;
        }
        let name = name.trim().trim_matches('"');
        (!name.is_empty()).then(|| name.to_owned())
    })
}

/// A MIME type from a body's first bytes, where they are telling.
pub(crate) fn sniff_mime(body: &[u8]) -> Option<&'static str> {
    if body.starts_with(b"MZ") {
        Some("application/x-dosexec")
    } else if body.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]) {
        Some("application/x-ole-storage")
    } else if body.starts_with(b"PK\x03\x04") {
        Some("application/zip")
    } else if body.starts_with(b"%PDF") {
        Some("application/pdf")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_and_names() {
        let Head::Complete(req, len) = request(
            b"GET /dl/AnyDesk.exe?x=1 HTTP/1.1\r\nHost: Download.AnyDesk.com\r\nUser-Agent: curl/8\r\n\r\nrest",
        ) else {
            panic!("request")
        };
        assert_eq!(req.host.as_deref(), Some("download.anydesk.com"));
        assert_eq!(len, 84);
        assert_eq!(
            crate::network::sensor::uri_file_name(&req.uri).as_deref(),
            Some("AnyDesk.exe")
        );
        assert_eq!(crate::network::sensor::uri_file_name("/"), None);
        assert_eq!(
            crate::network::sensor::uri_file_name("http://h.example/a/b.msi").as_deref(),
            Some("b.msi")
        );
        let Head::Complete(resp, _) = response(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream; x=y\r\nContent-Length: 10\r\nContent-Disposition: attachment; filename=\"x.exe\"\r\n\r\n",
        ) else {
            panic!("response")
        };
        assert_eq!(resp.content_length, Some(10));
        assert_eq!(resp.file_name.as_deref(), Some("x.exe"));
        assert_eq!(
            resp.content_type.as_deref(),
            Some("application/octet-stream")
        );
        assert!(matches!(request(b"GET / HTTP/1.1\r\nHost"), Head::Partial));
        assert!(matches!(request(b"HELLO\r\n\r\n"), Head::Invalid));
        assert_eq!(sniff_mime(b"MZ\x90\x00"), Some("application/x-dosexec"));
    }
}
