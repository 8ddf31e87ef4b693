//! Any bytes as a YAML data file: a tree or a located error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lotrinh::diag::Diagnostics;
use lotrinh::source::raw::{parse_yaml, utf8};

fuzz_target!(|data: &[u8]| {
    let mut d = Diagnostics::default();
    if let Some(text) = utf8(data.to_vec(), 0, &mut d) {
        if parse_yaml(&text, 0, &mut d).is_none() {
            assert!(d.has_errors());
        }
    }
});
