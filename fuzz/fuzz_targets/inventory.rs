//! Inventories as CSV, a JSON array, and osquery results lines.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rmmguard_sources::{Format, ReadContext, read_bytes};

fuzz_target!(|data: &[u8]| {
    for format in [
        Format::InventoryCsv,
        Format::InventoryJson,
        Format::InventoryJsonLines,
    ] {
        read_bytes(
            format,
            "fuzz.inv",
            data,
            &ReadContext::default(),
            &mut |_| {},
        );
    }
});
