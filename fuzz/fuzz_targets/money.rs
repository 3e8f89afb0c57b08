//! libFuzzer entry for [`presidio_x402_fuzz::money`], timed
//! ([`presidio_x402_fuzz::run_timed`]).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    presidio_x402_fuzz::run_timed("money", data);
});
