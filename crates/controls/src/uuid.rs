//! Deterministic GUIDs: an RFC 9562 version-8 UUID built from the SHA-256
//! of a namespace and a name, so the same rule gets the same id every run.

use sha2::{Digest, Sha256};

/// The UUID (lower-case, hyphenated) for `name` within `namespace`.
pub(crate) fn from_name(namespace: &str, name: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(namespace.as_bytes());
    hasher.update([0u8]);
    hasher.update(name.as_bytes());
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    // Version 8 (custom, here name-based over SHA-256) and the RFC 9562 variant.
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_versioned_and_distinct() {
        let a = from_name("applocker", "deny anydesk");
        assert_eq!(a, from_name("applocker", "deny anydesk"));
        assert_ne!(a, from_name("applocker", "deny teamviewer"));
        assert_ne!(a, from_name("sigma", "deny anydesk"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "8", "version nibble of {a}");
        assert!(
            matches!(&a[19..20], "8" | "9" | "a" | "b"),
            "variant of {a}"
        );
    }
}
