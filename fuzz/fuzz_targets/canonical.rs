//! libFuzzer entry for [`presidio_x402_fuzz::canonical`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = presidio_x402_fuzz::canonical(data);
});
