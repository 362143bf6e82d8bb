//! Bearer tokens with roles. Tokens are stored as SHA-256 hex (a leaked
//! config does not leak them) and compared in constant time. Shippers that
//! cannot send a bearer token send the same token where they can: as an
//! Elasticsearch `ApiKey` (raw, or base64 of `id:token`) or as the password
//! of Basic authentication.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Send events (events API, `_bulk`); nothing else.
    Ingest,
    /// Read findings, incidents, metrics.
    Viewer,
    /// A viewer who may also acknowledge, assign and close incidents.
    Analyst,
}

impl Role {
    /// Whether this role may do what `needed` may.
    pub fn allows(self, needed: Role) -> bool {
        match needed {
            Role::Ingest => self == Role::Ingest,
            Role::Viewer => matches!(self, Role::Viewer | Role::Analyst),
            Role::Analyst => self == Role::Analyst,
        }
    }

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Ingest => "ingest",
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
        }
    }
}

/// One `[[token]]` of the config.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenEntry {
    /// Who holds it (shown in logs and the incident log; never the token).
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// SHA-256 of the token, lower-case hex.
    pub sha256: String,
}

impl TokenEntry {
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.sha256.len() != 64 || !self.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "token {:?}: sha256 must be 64 hex digits (the hash, not the token)",
                self.name
            ));
        }
        Ok(())
    }
}

/// The tokens, ready to check.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    entries: Vec<(String, Role, [u8; 32])>,
}

impl Tokens {
    /// From the config's entries (checked by the config).
    pub fn new(entries: &[TokenEntry]) -> Tokens {
        let entries = entries
            .iter()
            .filter_map(|entry| Some((entry.name.clone(), entry.role, unhex(&entry.sha256)?)))
            .collect();
        Tokens { entries }
    }

    /// Who an `Authorization` header value names, if anyone.
    pub fn check(&self, header: &str) -> Option<(&str, Role)> {
        let token = presented(header)?;
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        // Every entry is compared, so the time does not say which one matched.
        let mut found = None;
        for (name, role, hash) in &self.entries {
            if bool::from(hash.ct_eq(&digest)) {
                found = Some((name.as_str(), *role));
            }
        }
        found
    }
}

/// The token a header presents: `Bearer T`, `ApiKey T` or `ApiKey
/// base64(id:T)`, or `Basic base64(user:T)`.
fn presented(header: &str) -> Option<String> {
    let (scheme, value) = header.trim().split_once(' ')?;
    let value = value.trim();
    match scheme.to_ascii_lowercase().as_str() {
        "bearer" => Some(value.to_owned()),
        "apikey" => Some(match decode(value) {
            Some(decoded) if decoded.contains(':') => decoded.split_once(':')?.1.to_owned(),
            _ => value.to_owned(),
        }),
        "basic" => Some(decode(value)?.split_once(':')?.1.to_owned()),
        _ => None,
    }
}

fn decode(value: &str) -> Option<String> {
    String::from_utf8(STANDARD.decode(value).ok()?).ok()
}

/// A new random token and its config line, for `serve --new-token`.
///
/// # Errors
///
/// The system's random source cannot be read.
pub fn new_token() -> std::io::Result<(String, String)> {
    use std::io::Read;
    let mut bytes = [0u8; 24];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    let token = format!("rmg_{}", hex(&bytes));
    let hash = hex(&Sha256::digest(token.as_bytes()));
    Ok((token, hash))
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> Tokens {
        let entry = |name: &str, role, token: &str| TokenEntry {
            name: name.into(),
            role,
            sha256: hex(&Sha256::digest(token.as_bytes())),
        };
        Tokens::new(&[
            entry("beats", Role::Ingest, "ingest-secret"),
            entry("ana", Role::Analyst, "analyst-secret"),
        ])
    }

    #[test]
    fn every_way_a_shipper_presents_a_token_is_read() {
        let tokens = tokens();
        let basic = format!("Basic {}", STANDARD.encode("elastic:ingest-secret"));
        let api_key = format!("ApiKey {}", STANDARD.encode("id1:ingest-secret"));
        for header in [
            "Bearer ingest-secret",
            "ApiKey ingest-secret",
            &basic,
            &api_key,
        ] {
            assert_eq!(
                tokens.check(header),
                Some(("beats", Role::Ingest)),
                "{header}"
            );
        }
        assert_eq!(
            tokens.check("bearer analyst-secret"),
            Some(("ana", Role::Analyst))
        );
        for header in [
            "Bearer wrong",
            "Bearer",
            "",
            "Digest ingest-secret",
            "Basic !!!",
        ] {
            assert_eq!(tokens.check(header), None, "{header}");
        }
    }

    #[test]
    fn roles_allow_what_they_say() {
        assert!(Role::Analyst.allows(Role::Viewer));
        assert!(!Role::Viewer.allows(Role::Analyst));
        assert!(!Role::Ingest.allows(Role::Viewer));
        assert!(!Role::Analyst.allows(Role::Ingest));
    }

    #[test]
    fn new_tokens_hash_to_what_the_config_gets() {
        let (token, hash) = new_token().expect("urandom");
        assert!(token.starts_with("rmg_") && token.len() == 52);
        let entry = TokenEntry {
            name: "x".into(),
            role: Role::Viewer,
            sha256: hash,
        };
        entry.check().expect("valid entry");
        assert_eq!(
            Tokens::new(&[entry]).check(&format!("Bearer {token}")),
            Some(("x", Role::Viewer))
        );
    }
}
