//! Policy files: parse and check never panic, whatever the text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = rmmguard_policy::Policy::parse(text);
        let context = rmmguard_policy::Context {
            known_tool: &|_| true,
            rule_ids: &["E001", "E005", "N001", "M001"],
            today: jiff::civil::date(2026, 1, 1),
        };
        let _ = rmmguard_policy::Policy::check_with(text, &context);
        let _ = rmmguard_policy::Policy::load(text, &context);
    }
});
