//! Vendor tenant events: the first byte picks JSON lines or CSV; the rest
//! is read record by record into the scoring engine, which then scores
//! every tenant.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rmmguard_tenants::input::{self, Format};
use rmmguard_tenants::{Config, Engine};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let format = if selector & 1 == 0 {
        Format::JsonLines
    } else {
        Format::Csv
    };
    let mut engine = Engine::new(Config::default());
    let mut reader = std::io::Cursor::new(rest);
    let _ = input::read(&mut reader, format, 0, &mut |record, source| {
        engine.ingest(record, source)
    });
    engine.end_of_stream();
    let _ = engine.score_all();
});
