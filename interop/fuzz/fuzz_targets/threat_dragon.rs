//! Any bytes into the Threat Dragon importer: it must never panic, and a model it returns
//! must pass the engine's validation (the importer's promise).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(imported) = interop::threat_dragon::import(text) {
            let errors = analysis::parse::validate(&imported.model);
            assert!(
                errors.is_empty(),
                "an imported model is invalid: {errors:?}"
            );
        }
    }
});
