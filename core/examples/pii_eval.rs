//! Runs the PII engine over an evaluation corpus (JSONL from
//! `experiments/pii/gen_corpus.py`) and prints one JSON line per record with
//! the findings (UTF-8 byte offsets) and the time per triple.
//!
//! `cargo run --release --example pii_eval -- corpus.jsonl [reps [min_score [ENTITY,...|all [context [hints.jsonl]]]]] > out.jsonl`
//!
//! `context` is `on` (the default) or `off` (`PiiConfig::context`);
//! `hints.jsonl` holds one `{"id", "hints": [{"entity", "text", "score"}]}`
//! line per record, a host detector's findings, passed as `PiiConfig::hints`
//! for every field of that record (as the pipeline does per assessment).
//!
//! Timing: each triple (url, description, reason) is scanned `reps` times
//! (default 50) after one warm-up pass, in 5 batches; the reported time is the
//! median batch mean, for `scan` and for `redact` (what the pipeline calls).
use presidio_x402_core::pii::{redact, scan, EntityType, PiiConfig, PiiHint};
use serde_json::{json, Value};
use std::io::{BufRead, Write};
use std::time::Instant;

const FIELDS: [&str; 3] = ["url", "description", "reason"];

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: pii_eval CORPUS.jsonl [reps]");
    let reps: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(50);
    let file = std::fs::File::open(&path).expect("corpus readable");
    // Optional grid axes: `min_score` (per mille) and a comma-separated
    // entity list (`make pii-eval`'s sweep, experiments/pii/grid.py).
    let mut cfg = PiiConfig::default();
    if let Some(m) = args.next().and_then(|s| s.parse().ok()) {
        cfg.min_score = m;
    }
    if let Some(list) = args.next().filter(|l| l != "all") {
        cfg.entities = list.split(',').filter_map(EntityType::parse).collect();
    }
    cfg.context = args.next().is_none_or(|c| c != "off");
    let hints: std::collections::HashMap<String, Vec<PiiHint>> = args
        .next()
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("hints readable");
            text.lines()
                .map(|l| {
                    let v: Value = serde_json::from_str(l).expect("hints json");
                    let hs = v["hints"].as_array().cloned().unwrap_or_default();
                    let hs = hs
                        .iter()
                        .filter_map(|h| {
                            Some(PiiHint {
                                entity: EntityType::parse(h["entity"].as_str()?)?,
                                text: h["text"].as_str()?.to_string(),
                                score: h["score"].as_u64()? as u16,
                            })
                        })
                        .filter(|h| PiiHint::validate(std::slice::from_ref(h)).is_ok())
                        .take(presidio_x402_core::pii::MAX_HINTS)
                        .collect();
                    (v["id"].to_string(), hs)
                })
                .collect()
        })
        .unwrap_or_default();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in std::io::BufReader::new(file).lines() {
        let line = line.expect("line");
        let rec: Value = serde_json::from_str(&line).expect("json");
        let texts: Vec<String> = FIELDS
            .iter()
            .map(|f| rec["fields"][f].as_str().unwrap_or("").to_string())
            .collect();
        cfg.hints = hints
            .get(&rec["id"].to_string())
            .cloned()
            .unwrap_or_default();
        let mut findings = Vec::new();
        for (f, t) in FIELDS.iter().zip(&texts) {
            for x in scan(t, &cfg).expect("scan") {
                findings.push(json!({"field": f, "start": x.start, "end": x.end,
                                     "entity": x.entity.as_str(), "score": x.score}));
            }
        }
        // Median of 5 batches (each `reps / 5` repetitions), so a burst of
        // load from other processes does not decide a triple's time.
        let time = |redacting: bool| {
            let per = (reps / 5).max(1);
            let mut batches = [0f64; 5];
            for slot in &mut batches {
                let t0 = Instant::now();
                for _ in 0..per {
                    for t in &texts {
                        if redacting {
                            std::hint::black_box(redact(std::hint::black_box(t), &cfg).ok());
                        } else {
                            std::hint::black_box(scan(std::hint::black_box(t), &cfg).ok());
                        }
                    }
                }
                *slot = t0.elapsed().as_nanos() as f64 / f64::from(per);
            }
            batches.sort_by(f64::total_cmp);
            batches[2]
        };
        // `reps` 0: findings only (the grid), no timing.
        let (ns_scan, ns_redact) = if reps == 0 {
            (0.0, 0.0)
        } else {
            time(true);
            (time(false), time(true))
        };
        writeln!(
            out,
            "{}",
            json!({"id": rec["id"], "findings": findings,
                                    "ns_scan": ns_scan, "ns_redact": ns_redact})
        )
        .expect("write");
    }
}
