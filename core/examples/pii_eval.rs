//! Runs the PII engine over an evaluation corpus (JSONL from
//! `experiments/pii/gen_corpus.py`) and prints one JSON line per record with
//! the findings (UTF-8 byte offsets) and the time per triple.
//!
//! `cargo run --release --example pii_eval -- corpus.jsonl [reps] > out.jsonl`
//!
//! Timing: each triple (url, description, reason) is scanned `reps` times
//! (default 50) after one warm-up pass; the reported time is the mean of those
//! repetitions, for `scan` and for `redact` (what the pipeline calls).
use presidio_x402_core::pii::{redact, scan, PiiConfig};
use serde_json::{json, Value};
use std::io::{BufRead, Write};
use std::time::Instant;

const FIELDS: [&str; 3] = ["url", "description", "reason"];

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: pii_eval CORPUS.jsonl [reps]");
    let reps: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(50);
    let file = std::fs::File::open(&path).expect("corpus readable");
    let cfg = PiiConfig::default();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in std::io::BufReader::new(file).lines() {
        let line = line.expect("line");
        let rec: Value = serde_json::from_str(&line).expect("json");
        let texts: Vec<String> = FIELDS
            .iter()
            .map(|f| rec["fields"][f].as_str().unwrap_or("").to_string())
            .collect();
        let mut findings = Vec::new();
        for (f, t) in FIELDS.iter().zip(&texts) {
            for x in scan(t, &cfg).expect("scan") {
                findings.push(json!({"field": f, "start": x.start, "end": x.end,
                                     "entity": x.entity.as_str(), "score": x.score}));
            }
        }
        let time = |redacting: bool| {
            let t0 = Instant::now();
            for _ in 0..reps {
                for t in &texts {
                    if redacting {
                        std::hint::black_box(redact(std::hint::black_box(t), &cfg).ok());
                    } else {
                        std::hint::black_box(scan(std::hint::black_box(t), &cfg).ok());
                    }
                }
            }
            t0.elapsed().as_nanos() as f64 / f64::from(reps)
        };
        time(true);
        let ns_scan = time(false);
        let ns_redact = time(true);
        writeln!(out, "{}", json!({"id": rec["id"], "findings": findings,
                                    "ns_scan": ns_scan, "ns_redact": ns_redact}))
            .expect("write");
    }
}
