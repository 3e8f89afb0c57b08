//! Scans each command-line argument and prints the findings:
//! `cargo run --release --example pii_scan -- "text" ...`
use presidio_x402_core::pii::{redact, PiiConfig};

fn main() {
    let cfg = PiiConfig::default();
    for a in std::env::args().skip(1) {
        match redact(&a, &cfg) {
            Ok(r) => {
                println!("{a:?}\n  -> {:?}", r.text);
                for f in r.findings {
                    println!(
                        "     {} {:?} ({})",
                        f.entity.as_str(),
                        &a[f.start..f.end],
                        f.score
                    );
                }
            }
            Err(c) => println!("{a:?}\n  -> error {c}"),
        }
    }
}
