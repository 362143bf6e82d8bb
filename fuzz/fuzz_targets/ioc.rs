//! IOC files (plain, CSV, STIX) and LOLRMM documents.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let mut set = rmmguard_detect::IocSet::default();
        let _ = set.add_file("fuzz.txt", text);
    }
});
