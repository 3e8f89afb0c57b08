//! Criterion benchmarks of one whole payment through the sans-I/O driver
//! (`begin` → `signed` → `response` → `done`, the crossings of the first
//! recorded transcript), with and without the OpenTelemetry span plan.
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use presidio_x402_core::config::GuardConfig;
use presidio_x402_core::driver::{Driver, Profile};
use serde_json::Value;
use std::hint::black_box;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn payment(c: &mut Criterion) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../vectors/driver/transcripts.json"
    ))
    .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let s = &doc["scenarios"][0];
    let cfg = GuardConfig::from_json(s["config"].as_str().unwrap()).unwrap();
    let rk = hex(s["replay_key_hex"].as_str().unwrap());
    let ak = hex(s["audit_key_hex"].as_str().unwrap());
    let cr = s["crossings"].as_array().unwrap();
    let begin = cr[1]["input"].as_str().unwrap().to_string();
    let handles: Vec<(u64, String)> = cr[2..]
        .iter()
        .map(|c| {
            (
                c["now_ms"].as_u64().unwrap(),
                c["input"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let now = cr[1]["now_ms"].as_u64().unwrap();
    let traced = {
        let mut v: Value = serde_json::from_str(&begin).unwrap();
        v["spans"] = Value::Bool(true);
        v.to_string()
    };
    for (name, b) in [("spans off", &begin), ("spans on", &traced)] {
        c.bench_function(&format!("driver: one paid payment, {name}"), |bn| {
            bn.iter_batched_ref(
                || {
                    let mut d = Driver::new(cfg.clone(), Profile::default(), &rk, &ak).unwrap();
                    d.open_json();
                    d
                },
                |d| {
                    let out = d.begin_json(b, now).unwrap();
                    let mut last = out.len();
                    for (t, e) in &handles {
                        last += d.handle_json(1, *t, e).unwrap().len();
                    }
                    black_box(last)
                },
                BatchSize::SmallInput,
            )
        });
    }
}

criterion_group!(all, payment);
criterion_main!(all);
