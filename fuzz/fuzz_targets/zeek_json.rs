//! Zeek JSON logs (stock and json-streaming), read unscreened and behind the prefilter and network
//! screen (the light parse of the fields the screen reads).
#![no_main]
use libfuzzer_sys::fuzz_target;
use rmmguard_sources::Format;

fuzz_target!(|data: &[u8]| {
    rmmguard_fuzz::read_both_ways(Format::ZeekJson, "conn.json", data);
});
