//! Where a binary lives, and what kind of process a name is: the small
//! judgements the rules make about paths and images.

/// Where an executable ran from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathClass {
    /// Program Files, the Windows folder: somewhere only installers write.
    System,
    /// A folder any user can write to; the reason names which.
    UserWritable(&'static str),
    /// Anywhere else.
    Other,
}

/// Classifies a Windows path (case-insensitive).
pub(crate) fn classify(path: &str) -> PathClass {
    let lower = path.to_lowercase().replace('/', "\\");
    const USER_WRITABLE: &[(&str, &str)] = &[
        ("\\downloads\\", "Downloads folder"),
        ("\\desktop\\", "Desktop folder"),
        ("\\documents\\", "Documents folder"),
        ("\\appdata\\local\\temp\\", "user Temp folder"),
        ("\\windows\\temp\\", "Windows Temp folder"),
        ("\\appdata\\", "AppData folder"),
        ("\\users\\public\\", "Users\\Public folder"),
        ("\\temp\\", "Temp folder"),
        ("\\tmp\\", "Temp folder"),
    ];
    for (needle, reason) in USER_WRITABLE {
        if lower.contains(needle) {
            return PathClass::UserWritable(reason);
        }
    }
    let drive = lower.as_bytes();
    let on_system_drive = drive.first() == Some(&b'c') && drive.get(1) == Some(&b':');
    let in_program_files = lower.contains("\\program files");
    if lower.contains(":\\windows\\") || in_program_files {
        return PathClass::System;
    }
    let has_drive = drive.len() > 2 && drive[0].is_ascii_alphabetic() && drive[1] == b':';
    if has_drive && !on_system_drive {
        return PathClass::UserWritable("removable or non-system drive");
    }
    PathClass::Other
}

/// Browsers: their lookups of vendor sites are downloads, not RMM traffic.
pub(crate) fn is_browser(name: &str) -> bool {
    const BROWSERS: &[&str] = &[
        "chrome.exe",
        "msedge.exe",
        "firefox.exe",
        "iexplore.exe",
        "brave.exe",
        "opera.exe",
        "vivaldi.exe",
        "safari",
        "chromium.exe",
        "msedgewebview2.exe",
        "arc.exe",
    ];
    BROWSERS.iter().any(|b| name.eq_ignore_ascii_case(b))
}

/// Windows components that look up or scan anything (reputation checks, AV,
/// search indexing); they never make an RMM finding on their own.
pub(crate) fn is_benign_system_process(name: &str) -> bool {
    const BENIGN: &[&str] = &[
        "smartscreen.exe",
        "msmpeng.exe",
        "mpcmdrun.exe",
        "nissrv.exe",
        "searchindexer.exe",
        "searchprotocolhost.exe",
        "csrss.exe",
        "wininit.exe",
        "services.exe",
        "lsass.exe",
        "svchost.exe",
        "taskmgr.exe",
        "wmiprvse.exe",
        "sysmon.exe",
        "sysmon64.exe",
        "system",
        "registry",
        "memcompression",
    ];
    BENIGN.iter().any(|b| name.eq_ignore_ascii_case(b))
}

/// Shells and script hosts: a child of an RMM agent that is one of these is a
/// remote command.
pub(crate) fn is_shell(name: &str) -> bool {
    const SHELLS: &[&str] = &[
        "cmd.exe",
        "powershell.exe",
        "pwsh.exe",
        "wscript.exe",
        "cscript.exe",
        "mshta.exe",
        "bash.exe",
        "wsl.exe",
    ];
    SHELLS.iter().any(|s| name.eq_ignore_ascii_case(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(
            classify(r"C:\Users\bob\Downloads\AnyDesk.exe"),
            PathClass::UserWritable("Downloads folder")
        );
        assert_eq!(
            classify(r"C:\Users\bob\AppData\Local\Temp\ScreenConnect\x.exe"),
            PathClass::UserWritable("user Temp folder")
        );
        assert_eq!(
            classify(r"C:\Program Files (x86)\AnyDesk\AnyDesk.exe"),
            PathClass::System
        );
        assert_eq!(
            classify(r"C:\Windows\System32\quickassist.exe"),
            PathClass::System
        );
        assert_eq!(
            classify(r"E:\AnyDesk.exe"),
            PathClass::UserWritable("removable or non-system drive")
        );
        assert_eq!(
            classify(r"D:\Program Files\AnyDesk\AnyDesk.exe"),
            PathClass::System
        );
        assert_eq!(classify(r"C:\Tools\AnyDesk.exe"), PathClass::Other);
        assert_eq!(classify("AnyDesk.exe"), PathClass::Other);
    }

    #[test]
    fn process_kinds() {
        assert!(is_browser("MSEDGE.EXE"));
        assert!(!is_browser("powershell.exe"));
        assert!(is_shell("PowerShell.exe"));
        assert!(is_benign_system_process("smartscreen.exe"));
    }
}
