//! Profiling loop for the PII engine: `cargo run --release --example pii_prof [n]`.
use presidio_x402_core::pii::{scan, PiiConfig};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let t = [
        "https://api.weatherdata.io/v1/forecast?lat=52.52&lon=13.40&days=7",
        "7-day weather forecast API access (premium tier)",
        "Agent purchase: forecast for logistics planning",
    ];
    let cfg = PiiConfig::default();
    let mut k = 0;
    for _ in 0..n {
        for s in t {
            k += scan(std::hint::black_box(s), &cfg)
                .map(|v| v.len())
                .unwrap_or(0);
        }
    }
    println!("{k}");
}
