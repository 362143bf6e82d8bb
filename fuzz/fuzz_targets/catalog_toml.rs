//! Catalog TOML files: parsed, validated alone, and merged into the
//! built-in catalog as an imported tool would be.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rmmguard_catalog::{Catalog, ErrorKind, parse_tool};

fn builtin() -> &'static Catalog {
    static BUILTIN: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    BUILTIN.get_or_init(|| match Catalog::builtin() {
        Ok(catalog) => catalog,
        Err(error) => panic!("the built-in catalog does not load: {error}"),
    })
}

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
    let _ = Catalog::new("fuzz".to_owned(), vec![tool.clone()]);
    let _ = builtin().merge_imported(vec![tool]);
});
