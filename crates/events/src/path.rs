//! Small helpers for the Windows and Unix paths found in events.

/// The last component of a Windows or Unix path: `C:\a\b.exe` → `b.exe`.
///
/// Both separators count, because evidence mixes them (`C:/Users/…` in some
/// EDR exports). A path that ends in a separator yields the empty string.
pub fn basename(path: &str) -> &str {
    match path.rfind(['\\', '/']) {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

/// Whether `path` looks like a Windows path (drive letter, UNC, or backslashes).
pub fn is_windows_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.contains('\\') || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basenames() {
        assert_eq!(basename(r"C:\Users\bob\AnyDesk.exe"), "AnyDesk.exe");
        assert_eq!(basename("/usr/bin/rustdesk"), "rustdesk");
        assert_eq!(basename("plain.exe"), "plain.exe");
        assert_eq!(basename(r"C:\dir\"), "");
        assert_eq!(basename(""), "");
    }

    #[test]
    fn windows_paths() {
        assert!(is_windows_path(r"C:\x"));
        assert!(is_windows_path("c:/x"));
        assert!(is_windows_path(r"\\server\share"));
        assert!(!is_windows_path("/usr/bin"));
    }
}
