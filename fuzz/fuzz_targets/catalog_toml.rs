//! Catalog TOML files: parsed and validated.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rmmguard_catalog::{Catalog, ErrorKind, parse_tool};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The id must equal the file name: parse again under the id it gives.
    let tool = match parse_tool("fuzz.toml", text) {
        Ok(tool) => tool,
        Err(error) => match error.kind() {
            ErrorKind::Invalid { tool, .. } => match parse_tool(&format!("{tool}.toml"), text) {
                Ok(tool) => tool,
                Err(_) => return,
            },
            _ => return,
        },
    };
    let _ = Catalog::new("fuzz".to_owned(), vec![tool]);
});
