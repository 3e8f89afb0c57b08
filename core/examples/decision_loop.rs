//! A fixed loop of the `make bench` native decision workload (a `Guard`,
//! v2 challenges, assess → finalize → settle), for `perf stat -e
//! instructions` and `perf record`: deterministic work per run, no timing
//! statistics of its own besides one wall-clock mean.
//!
//! `cargo run -p presidio-x402-core --release --example decision_loop -- [N]`
use base64::Engine as _;
use presidio_x402_core::guard::Guard;
use presidio_x402_core::pipeline::{HostResults, Outcome, PaymentContext};
use std::hint::black_box;
use std::time::Instant;

const CONFIG: &str = r#"{"max_per_call_usd": null, "daily_limit_usd": 1000000000, "per_endpoint": {"https://api.example.com": 1000000000}, "agent_id": "bench-agent"}"#;
const REASON: &str = "daily market report for the trading agent";

fn header(url: &str) -> String {
    let doc = serde_json::json!({
        "x402Version": 2, "error": "Payment required",
        "resource": {"url": url, "description": "Access to premium market data", "mimeType": "application/json"},
        "accepts": [{"scheme": "exact", "network": "eip155:8453", "amount": "10000",
                     "asset": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
                     "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
                     "maxTimeoutSeconds": 60, "extra": {"name": "USD Coin", "version": "2"}}]
    });
    base64::engine::general_purpose::STANDARD.encode(doc.to_string())
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("N"))
        .unwrap_or(100_000);
    let reqs: Vec<(String, String)> = (0..64)
        .map(|i| {
            let u = format!("https://api.example.com/premium-data/{i}");
            let h = header(&u);
            (u, h)
        })
        .collect();
    let mut g = Guard::new(CONFIG).expect("config");
    let mut head = None;
    let mut now = 1_800_000_000_000u64;
    let mut decide_ns = 0u128;
    for i in 0..n {
        let (url, hdr) = &reqs[i % reqs.len()];
        now += 1;
        let t0 = Instant::now();
        let ctx = PaymentContext {
            method: "GET",
            request_url: url,
            payment_required: Some(hdr),
            body: None,
            reason: REASON,
            request_body_sha256: None,
            idempotency_key: None,
            now_ms: now,
        };
        let (id, _a) = g.assess(&ctx, &[0x11; 32]);
        let io = HostResults {
            replay_fresh: Some(true),
            votes: vec![],
        };
        let d = g
            .finalize(id, &io, &[0x22; 32], head.as_ref(), now)
            .expect("finalize");
        decide_ns += t0.elapsed().as_nanos();
        assert!(d.allowed, "{:?}", d.code);
        let s = g
            .settle(id, Outcome::Settled, &[0x22; 32], Some(&d.head), now)
            .expect("settle");
        head = Some(black_box(s.head));
    }
    eprintln!(
        "{n} decisions (assess+finalize), mean {:.2} µs",
        decide_ns as f64 / n as f64 / 1000.0
    );
}
