//! Recognizing Windows events and inventories from their first line: JSON
//! lines of Windows events (evtx_dump, Winlogbeat, NXLog), osquery results,
//! inventory arrays and inventory CSV headers.

use crate::Format;

/// Column names that mark a CSV or JSON row as an inventory row.
const INVENTORY_KEYS: &[&str] = &[
    "install_location",
    "publisher",
    "display_name",
    "start_type",
    "service_type",
    "identifying_number",
    "uninstall_string",
    "module_path",
    "displayname",
    "displayversion",
];

/// The Windows or inventory format of text that starts with `text` (past
/// any byte order mark and leading blank lines).
///
/// # Errors
///
/// Says why the text is none of them.
pub(crate) fn windows_format(text: &[u8]) -> Result<Format, &'static str> {
    let first_line = match memchr::memchr(b'\n', text) {
        Some(end) => &text[..end],
        None => text,
    };
    let lower = String::from_utf8_lossy(first_line).to_lowercase();
    match text.first() {
        Some(b'{') => {
            if lower.contains("\"hostidentifier\"")
                && (lower.contains("\"columns\"") || lower.contains("\"snapshot\""))
            {
                Ok(Format::InventoryJsonLines)
            } else if lower.contains("\"winlog\"")
                || lower.contains("\"event\"")
                || lower.contains("\"eventid\"")
            {
                Ok(Format::EventJson)
            } else {
                Err("JSON records of an unknown shape (expected Windows events or osquery results)")
            }
        }
        Some(b'[') => {
            if INVENTORY_KEYS
                .iter()
                .any(|key| lower.contains(&format!("\"{key}\"")))
                || lower.contains("\"name\"")
            {
                Ok(Format::InventoryJson)
            } else {
                Err(
                    "a JSON array that is not an inventory (expected name/version/publisher or service keys)",
                )
            }
        }
        _ if !text.contains(&0) => {
            let header: Vec<String> = lower
                .trim_end_matches('\r')
                .split(',')
                .map(|h| h.trim().trim_matches('"').to_owned())
                .collect();
            let has_name = header.iter().any(|h| h == "name" || h == "displayname");
            let has_inventory = header
                .iter()
                .any(|h| INVENTORY_KEYS.contains(&h.as_str()) || h == "version" || h == "path");
            if header.len() > 1 && has_name && has_inventory {
                Ok(Format::InventoryCsv)
            } else {
                Err("text that is neither JSON events nor an inventory CSV")
            }
        }
        _ => Err("binary content of an unknown format"),
    }
}
