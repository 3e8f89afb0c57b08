//! Worst-case inputs at the 16 KiB cap: prints the time of `redact` on each,
//! to catch super-linear behaviour. `cargo run --release --example pii_worst`
use presidio_x402_core::pii::{redact, PiiConfig, MAX_TEXT_BYTES};
use std::time::Instant;

fn fill(unit: &str) -> String {
    let mut s = String::new();
    while s.len() + unit.len() <= MAX_TEXT_BYTES {
        s.push_str(unit);
    }
    s
}

fn main() {
    let cfg = PiiConfig::default();
    let cases = [
        "a@",
        "@",
        "a",
        "a.",
        "1 ",
        "1-",
        "1.",
        "1",
        ":",
        "a:",
        "f:",
        "::1 ",
        "%41",
        "%2541",
        "&#64;",
        "&amp;",
        "=QUFBQUFBQUFBQQ&",
        "John Smith ",
        "for John ",
        "patient=john-smith&",
        "in New York, ",
        "J. ",
        "4111 1111 1111 1111 ",
        "1.1.1.1 ",
        "+1 415 555 2671 ",
        "DE89 3704 0044 0532 0130 00 ",
        "\u{200b}",
        "ａ",
        "a+b",
        "x@y.co ",
        "Smith, ",
        "ab-",
        "A ",
        // issue 20 forms: path segments, fragments, keys, form encoding,
        // other-script digits, non-Latin local parts, cue + token.
        "/QUFBQUFBQUFBQQ",
        "#QUFBQUFBQUFBQQ",
        "?QUFBQUFBQUFBQQ=",
        "&QUFBQUFBQUFBQQ",
        "QUFB",
        "1+",
        "a+1+",
        "/1-",
        "/+33142685300",
        "/4111111111111111",
        "user=x:",
        "Nkosi, Wanjiru, ",
        "for patient Wanjiru. ",
        "\u{664}",
        "\u{7528}@",
        "\u{7528}",
    ];
    let mut worst = 0f64;
    for unit in cases {
        let s = fill(unit);
        let t0 = Instant::now();
        let r = redact(&s, &cfg).expect("within cap");
        let ms = t0.elapsed().as_secs_f64() * 1e3;
        worst = worst.max(ms);
        println!(
            "{:>8.3} ms  {:>5} findings  {:?} x {}",
            ms,
            r.findings.len(),
            unit,
            s.len() / unit.len()
        );
    }
    println!("worst {worst:.3} ms");
}
