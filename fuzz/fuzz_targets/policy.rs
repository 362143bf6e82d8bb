//! Policy files: parse and check never panic, whatever the text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = rmmguard_policy::Policy::parse(text);
        let today = jiff::civil::date(2026, 1, 1);
        let _ = rmmguard_policy::Policy::check(text, &|_| true, today);
    }
});
