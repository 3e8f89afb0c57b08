//! Worst-case inputs at the 16 KiB cap (`core/tests/support/adversarial.rs`):
//! prints the time of `redact` on each, slowest first, to catch super-linear
//! behaviour. `cargo run --release --example pii_worst [CASE] [REPS]`; the
//! same cases are timed by `make bench` (row "PII worst case at 16 KiB").
use presidio_x402_core::pii::{redact, PiiConfig};
use std::time::Instant;

#[path = "../tests/support/adversarial.rs"]
mod adversarial;

fn main() {
    let cfg = PiiConfig::default();
    let only = std::env::args().nth(1).filter(|s| !s.is_empty());
    let reps: usize = std::env::args()
        .nth(2)
        .map_or(15, |s| s.parse().expect("REPS is a number"));
    let mut rows: Vec<(f64, &str, usize)> = adversarial::cases()
        .into_iter()
        .filter(|(n, _)| only.as_deref().is_none_or(|o| o == *n))
        .map(|(name, text)| {
            let mut ms: Vec<f64> = (0..reps.max(1))
                .map(|_| {
                    let t0 = Instant::now();
                    let r = redact(&text, &cfg).expect("within cap");
                    std::hint::black_box(r);
                    t0.elapsed().as_secs_f64() * 1e3
                })
                .collect();
            ms.sort_by(f64::total_cmp);
            let found = redact(&text, &cfg).map_or(0, |r| r.findings.len());
            (ms[ms.len() / 2], name, found)
        })
        .collect();
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, name, found) in &rows {
        println!("{ms:>8.3} ms  {found:>5} findings  {name}");
    }
}
