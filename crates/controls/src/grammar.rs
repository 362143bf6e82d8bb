//! The grammar every value must follow before a generator writes it:
//! DNS names, vendor addresses, file names, publisher and product names,
//! service names, certificate subjects, fingerprints and command-line
//! fragments. A value from a catalog import or a policy that fails is never
//! written: the generator skips it and lists it, with its source, among the
//! output's warnings.
//!
//! The grammars are the intersection of what every format that uses the
//! value accepts (a DNS name is written into RPZ, hosts, Unbound, Suricata
//! and Sigma alike), so one check serves all of them; the quoting in
//! `text.rs` stays as a second wall.

use std::net::IpAddr;

use ipnet::IpNet;

use crate::text::is_hazard;

/// The longest DNS name (RFC 1035, without the final dot).
const NAME_MAX: usize = 253;
/// The longest DNS label.
const LABEL_MAX: usize = 63;
/// The longest free-text value (publisher, product, certificate subject).
const TEXT_MAX: usize = 256;
/// The longest Windows file name.
const FILE_NAME_MAX: usize = 255;
/// Fewest literal characters a file-name pattern must have before its
/// extension: `dd.exe` or `*.exe` would deny far more than one tool.
const FILE_STEM_MIN: usize = 3;

/// Apex domains of shared platforms (cloud hosting, CDNs, the operating
/// systems' own services): blocking one of them whole, or any name above
/// it, blocks far more than an RMM tool. Names below them stay blockable.
const SHARED_PLATFORMS: &[&str] = &[
    "akamaiedge.net",
    "akamaized.net",
    "amazonaws.com",
    "apple.com",
    "azure.com",
    "azureedge.net",
    "azurewebsites.net",
    "cloudflare.com",
    "cloudflare.net",
    "cloudflarestorage.com",
    "cloudfront.net",
    "core.windows.net",
    "fastly.net",
    "github.com",
    "githubusercontent.com",
    "google.com",
    "googleapis.com",
    "live.com",
    "microsoft.com",
    "microsoftonline.com",
    "office.com",
    "r2.cloudflarestorage.com",
    "windows.com",
    "windows.net",
    "windowsupdate.com",
];

/// A grammar check: `Err` says why the value fails.
pub(crate) type Check = fn(&str) -> Result<(), String>;

/// What kind of DNS pattern a value may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DnsUse {
    /// A name to block: `x.com`, `*.x.com` or a glob with an inner `*`.
    Block,
    /// A name to keep resolvable (an authorized tenant): `x.com` or `*.x.com`.
    CarveOut,
}

/// Checks a DNS name or pattern; returns it lower-case without a final dot.
///
/// Labels are ASCII letters, digits and inner hyphens (an internationalized
/// name must be written in its `xn--` form), 1–63 bytes, 253 in all; a
/// leading `*.` means "any name below"; for blocks, a `*` inside a label is
/// a glob (only Suricata and Sigma can express it).
pub(crate) fn dns_pattern(text: &str, use_: DnsUse) -> Result<String, String> {
    if !text.is_ascii() {
        return Err(
            "not ASCII: write an internationalized name in its xn-- (punycode) form".into(),
        );
    }
    let lower = text.strip_suffix('.').unwrap_or(text).to_ascii_lowercase();
    if lower.is_empty() {
        return Err("empty".into());
    }
    if lower.len() > NAME_MAX {
        return Err(format!("longer than {NAME_MAX} bytes"));
    }
    let (below, name) = match lower.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, lower.as_str()),
    };
    let labels: Vec<&str> = name.split('.').collect();
    let mut last_glob = None;
    for (index, label) in labels.iter().enumerate() {
        if label.is_empty() {
            return Err("empty label (a leading, trailing or doubled dot)".into());
        }
        if label.len() > LABEL_MAX {
            return Err(format!("a label is longer than {LABEL_MAX} bytes"));
        }
        let literal = label.replace('*', "");
        if let Some(bad) = literal
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(format!(
                "{bad:?} is not allowed in a DNS name (letters, digits and '-' only)"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("a label starts or ends with '-'".into());
        }
        if label.contains('*') {
            if use_ == DnsUse::CarveOut {
                return Err("'*' is only allowed as a whole first label (*.name)".into());
            }
            if label.contains("**") || (literal.is_empty() && *label != "*") {
                return Err("a '*' inside a label must stand beside letters or digits".into());
            }
            last_glob = Some(index);
        }
    }
    let fixed = match last_glob {
        Some(index) => &labels[index + 1..],
        None => &labels[..],
    };
    if fixed.len() < 2 {
        return Err(
            "names a top-level domain (or matches any name under one): far too broad".into(),
        );
    }
    // A glob whose first label has a distinctive literal part
    // (`pdqinstallers.*.r2.cloudflarestorage.com`) names one tool's hosts.
    let distinctive_glob = !below
        && last_glob.is_some()
        && labels
            .first()
            .is_some_and(|first| first.replace('*', "").len() >= 4);
    if use_ == DnsUse::Block && !distinctive_glob {
        let suffix = fixed.join(".");
        let covers_platform = SHARED_PLATFORMS.iter().any(|platform| {
            (below || last_glob.is_some() || suffix == *platform)
                && (suffix == *platform || platform.ends_with(&format!(".{suffix}")))
        });
        if covers_platform {
            return Err(format!(
                "blocks all of {suffix}, a shared platform: far too broad (block the tool's own names under it)"
            ));
        }
    }
    Ok(lower)
}

/// Why a vendor address may not be blocked, if it may not: only global
/// unicast addresses, no wider than a /16 (IPv4) or /32 (IPv6), and outside
/// the organization's own ranges and approved paths.
pub(crate) fn vendor_address(text: &str, own: &[IpNet]) -> Result<IpNet, String> {
    let net = text
        .parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| "not an IP address or CIDR block".to_owned())?
        .trunc();
    let widest = match net {
        IpNet::V4(_) => 16,
        IpNet::V6(_) => 32,
    };
    if net.prefix_len() < widest {
        return Err(format!(
            "wider than a /{widest}: far too broad for one vendor"
        ));
    }
    if let Some(kind) = special(net.network()) {
        return Err(format!("{kind}, not a vendor's public address"));
    }
    if let Some(range) = own
        .iter()
        .find(|range| range.contains(&net) || net.contains(*range))
    {
        return Err(format!(
            "overlaps {range}, one of the policy's own ranges or approved paths"
        ));
    }
    Ok(net)
}

/// The kind of a non-global address, if it is one.
fn special(address: IpAddr) -> Option<&'static str> {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            if v4.is_unspecified() || a == 0 {
                Some("an unspecified address")
            } else if v4.is_loopback() {
                Some("a loopback address")
            } else if v4.is_private() || (a == 100 && (64..128).contains(&b)) {
                Some("a private address")
            } else if v4.is_link_local() {
                Some("a link-local address")
            } else if v4.is_multicast() || v4.is_broadcast() || a >= 240 {
                Some("a multicast, broadcast or reserved address")
            } else if v4.is_documentation() {
                Some("a documentation address")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            if v6.is_unspecified() || v6.is_loopback() {
                Some("an unspecified or loopback address")
            } else if first & 0xfe00 == 0xfc00 {
                Some("a private (unique local) address")
            } else if first & 0xffc0 == 0xfe80 {
                Some("a link-local address")
            } else if v6.is_multicast() {
                Some("a multicast address")
            } else if v6.to_ipv4_mapped().is_some() {
                Some("an IPv4-mapped address")
            } else if first == 0x2001 && v6.segments()[1] == 0x0db8 {
                Some("a documentation address")
            } else {
                None
            }
        }
    }
}

/// A Windows file name or name pattern (`AnyDesk.exe`, `AnyDesk*.exe`):
/// no path separators, reserved characters, controls or `..`; `*` and `?`
/// are wildcards; at least three literal characters before the extension.
pub(crate) fn file_name(text: &str) -> Result<(), String> {
    if text.is_empty() || text.len() > FILE_NAME_MAX {
        return Err(format!("empty or longer than {FILE_NAME_MAX} bytes"));
    }
    if let Some(bad) = text
        .chars()
        .find(|c| is_hazard(*c) || "<>:\"/\\|%;`${}".contains(*c))
    {
        return Err(format!("{bad:?} is not allowed in a file name"));
    }
    if text.contains("..") || text.starts_with(['.', ' ']) || text.ends_with(['.', ' ']) {
        return Err("a file name may not start or end with '.' or ' ', or hold '..'".into());
    }
    let stem = match text.rsplit_once('.') {
        Some((stem, extension)) if !extension.contains(['*', '?']) => stem,
        _ => text,
    };
    let literal = stem.chars().filter(|c| !matches!(c, '*' | '?')).count();
    if literal < FILE_STEM_MIN {
        return Err(format!(
            "fewer than {FILE_STEM_MIN} literal characters before the extension: too generic to name one tool"
        ));
    }
    Ok(())
}

/// Free text that names something (a publisher, a product, a service, a
/// certificate subject, an original file name): printable, one line, at
/// most 256 bytes, none of the characters that quote, escape, substitute or
/// end something in one of the formats (`"` `;` `\` `` ` `` `$` `{` `}` `<`
/// `>` `|` `%`), not only wildcards.
pub(crate) fn name_text(text: &str) -> Result<(), String> {
    if text.trim().is_empty() || text.len() > TEXT_MAX {
        return Err(format!("empty or longer than {TEXT_MAX} bytes"));
    }
    if let Some(bad) = text.chars().find(|c| is_hazard(*c)) {
        return Err(format!("holds the control character {bad:?}"));
    }
    if let Some(bad) = text.chars().find(|c| "\";\\`${}<>|%".contains(*c)) {
        return Err(format!("{bad:?} is not allowed in a name"));
    }
    if text.chars().all(|c| matches!(c, '*' | '?' | ' ')) {
        return Err("only wildcards: would match anything".into());
    }
    Ok(())
}

/// A command-line fragment of a tell: one printable ASCII line of at most
/// 256 bytes, not only wildcards. Quotes, `\\` and `$` are legal on a
/// command line; Sigma, the one format that writes tells, quotes and
/// escapes them.
pub(crate) fn command_fragment(text: &str) -> Result<(), String> {
    if text.trim().is_empty() || text.len() > TEXT_MAX {
        return Err(format!("empty or longer than {TEXT_MAX} bytes"));
    }
    if let Some(bad) = text.chars().find(|c| !(c.is_ascii_graphic() || *c == ' ')) {
        return Err(format!("{bad:?} is not printable ASCII"));
    }
    if text.chars().all(|c| matches!(c, '*' | '?' | ' ')) {
        return Err("only wildcards: would match anything".into());
    }
    Ok(())
}

/// A JA3 fingerprint: 32 hexadecimal digits (an MD5).
pub(crate) fn ja3(text: &str) -> Result<(), String> {
    if text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err("not 32 hexadecimal digits (an MD5)".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names() {
        let block = |t: &str| dns_pattern(t, DnsUse::Block);
        assert_eq!(block("AnyDesk.com.").as_deref(), Ok("anydesk.com"));
        assert_eq!(block("*.anydesk.com").as_deref(), Ok("*.anydesk.com"));
        assert_eq!(
            block("relay-*.net.anydesk.com").as_deref(),
            Ok("relay-*.net.anydesk.com")
        );
        assert_eq!(
            block("xn--bcher-kva.example").as_deref(),
            Ok("xn--bcher-kva.example")
        );
        for bad in [
            "a;b.com",
            "a}.com",
            "a\nb.com",
            "a\".com",
            "a'b.com",
            "$(id).com",
            "`id`.com",
            "a\\b.com",
            "a..com",
            "a\0.com",
            "bücher.example",
            "a_b.example.com",
            "-a.example.com",
            "com",
            "*.com",
            "*",
            "*.*.com",
            "a**.x.com",
            "*.amazonaws.com",
            "microsoft.com",
            "*.windows.net",
            "x.*.windows.net",
            "",
            ".",
        ] {
            assert!(block(bad).is_err(), "{bad:?} accepted");
        }
        assert!(block(&format!("{}.com", "a".repeat(64))).is_err());
        assert!(block(&format!("{}.com", "a".repeat(63))).is_ok());
        assert!(block(&format!("{}a", "a.".repeat(127))).is_err());
        assert!(
            block(&"a.".repeat(127)).is_ok(),
            "253 bytes and the final dot"
        );
        // Names below a shared platform stay blockable.
        assert!(block("remotedesktop.google.com").is_ok());
        assert!(block("*.trycloudflare.com").is_ok());
        assert!(block("pdqinstallers.*.r2.cloudflarestorage.com").is_ok());
        // Carve-outs: no inner globs, but a platform name is fine.
        assert!(dns_pattern("acme.screenconnect.com", DnsUse::CarveOut).is_ok());
        assert!(dns_pattern("relay-*.x.com", DnsUse::CarveOut).is_err());
    }

    #[test]
    fn vendor_addresses() {
        let own: Vec<IpNet> = vec!["198.51.100.0/24".parse().unwrap()];
        assert_eq!(
            vendor_address("136.243.104.235", &own).unwrap().to_string(),
            "136.243.104.235/32"
        );
        assert!(vendor_address("2a00:1450::/32", &own).is_ok());
        for bad in [
            "0.0.0.0/0",
            "8.0.0.0/8",
            "10.1.2.3",
            "127.0.0.1",
            "169.254.1.1",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "::/0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:1.2.3.4",
            "198.51.100.7",
            "1.2.3.4; drop",
            "1.2.3.4\n",
        ] {
            assert!(vendor_address(bad, &own).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn file_names_and_text() {
        assert!(file_name("AnyDesk.exe").is_ok());
        assert!(file_name("AnyDesk*.exe").is_ok());
        assert!(file_name("tmate").is_ok());
        assert!(file_name("nxd.exe").is_ok());
        assert!(file_name("I'm InTouch Go Installer.exe").is_ok());
        for bad in [
            "*.exe",
            "dd.exe",
            "a*b.exe",
            "..\\x.exe",
            "a/b.exe",
            "evil\".exe",
            "x\0y.exe",
            "new\nline.exe",
            "AnyDesk.exe;",
            "evil}brace.exe",
            "$(id)aaa.exe",
            "`id`aaaa.exe",
            "",
        ] {
            assert!(file_name(bad).is_err(), "{bad:?} accepted");
        }
        assert!(name_text("AnyDesk Software GmbH").is_ok());
        assert!(name_text("*").is_err());
        assert!(name_text("ConnectWise, LLC").is_ok());
        assert!(name_text("CN=*.anydesk.com, O=philandro").is_ok());
        for bad in [
            "a\"b", "a;b", "a\\b", "a`b", "$(a)", "a{b}", "<a>", "a|b", "%TEMP%",
        ] {
            assert!(name_text(bad).is_err(), "{bad:?} accepted");
        }
        assert!(name_text("a\nb").is_err());
        assert!(name_text(&"a".repeat(300)).is_err());
        assert!(command_fragment("--silent").is_ok());
        assert!(command_fragment("–silent").is_err());
        assert!(command_fragment("\\AnyViewer\\AVCore.exe").is_ok());
        assert!(command_fragment("--a\nb").is_err());
        assert!(ja3("0123456789abcdef0123456789ABCDEF").is_ok());
        assert!(ja3("0123\"").is_err());
    }
}
