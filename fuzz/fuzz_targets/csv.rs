//! Any bytes as a CSV data file: rows or a located error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lotrinh::diag::Diagnostics;
use lotrinh::source::raw::{parse_csv, utf8};

fuzz_target!(|data: &[u8]| {
    let mut d = Diagnostics::default();
    if let Some(text) = utf8(data.to_vec(), 0, &mut d) {
        if parse_csv(&text, 0, &mut d).is_none() {
            assert!(d.has_errors());
        }
    }
});
