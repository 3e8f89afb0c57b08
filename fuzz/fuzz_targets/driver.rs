//! libFuzzer entry for [`presidio_x402_fuzz::driver`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = presidio_x402_fuzz::driver(data);
});
