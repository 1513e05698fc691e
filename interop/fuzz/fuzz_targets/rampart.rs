//! Any bytes into the strict `rampart/1` reader, then the analysis: neither may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(model) = analysis::parse(text) {
            let _ = analysis::analyze(&model, &analysis::Options::default());
        }
    }
});
