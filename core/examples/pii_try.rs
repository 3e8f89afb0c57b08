//! Scans each line of stdin with the default PII configuration and prints the
//! findings (entity, text, score): a quick way to see what the engine does.
//!
//! `printf 'patient Aisha\n' | cargo run --release --example pii_try`
use presidio_x402_core::pii::{scan, PiiConfig};
use std::io::BufRead;

fn main() {
    let cfg = PiiConfig::default();
    for line in std::io::stdin().lock().lines() {
        let t = line.expect("stdin readable");
        let found: Vec<String> = match scan(&t, &cfg) {
            Ok(f) => f
                .iter()
                .map(|x| format!("{}:{:?}@{}", x.entity.as_str(), &t[x.start..x.end], x.score))
                .collect(),
            Err(e) => vec![format!("error {e:?}")],
        };
        println!("{t}\n    -> {}", found.join(" | "));
    }
}
