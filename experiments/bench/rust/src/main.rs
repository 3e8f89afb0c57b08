//! The Rust side of `make bench` (see `experiments/bench/run.py`).
//!
//! ```text
//! presidio-x402-bench prepare   DIR            workload.json, state-<n>.json, audit.jsonl
//! presidio-x402-bench native    DIR OUT.json   the native core (release build)
//! presidio-x402-bench component DIR OUT.json   presidio_x402.wasm under wasmtime (feature `component`)
//! ```
//!
//! `prepare` writes the one workload every host runs: the configuration and
//! keys, 8192 distinct real x402 v2 challenges, and for each size n the guard
//! state left by n payments made through the native [`Guard`] (assess →
//! finalize → settle, the clock advancing so that all n lie inside the
//! window, the last one now). It also keeps the first 1000 audit lines of
//! those payments (a real HMAC chain) for the verification workload.
//!
//! Each host then, per size: creates a guard, loads the state, fills its
//! replay set with n live fingerprints, and times assess → replay
//! check-and-set → finalize per payment (settle runs after each one,
//! untimed). Times are wall-clock per call; medians and p95s are reported.

use base64::Engine as _;
use presidio_x402_core::audit::{self, Head};
use presidio_x402_core::guard::Guard;
use presidio_x402_core::hex;
use presidio_x402_core::pii::{self, PiiConfig};
use presidio_x402_core::pipeline::{HostResults, Outcome, PaymentContext};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The PII engine's adversarial inputs at the 16 KiB cap (shared with the core's tests).
#[path = "../../../../core/tests/support/adversarial.rs"]
mod adversarial;
#[cfg(feature = "component")]
mod component;
/// Every core entry point's adversarial inputs (shared with the core's tests).
#[path = "../../../../core/tests/support/entry_worst.rs"]
mod entry_worst;

/// Prior payments in the window, per measured size.
pub const SIZES: [u64; 5] = [10, 1_000, 10_000, 100_000, 1_000_000];
/// Distinct challenges (each decision of one size uses a new one).
const REQUESTS: usize = 8192;
/// Audit lines in the verification workload.
const AUDIT_LINES: usize = 1000;
/// The guard configuration of every host: limits that never refuse, but are
/// evaluated (the window total and the per-endpoint total are summed on every
/// decision, as the seed's are).
const CONFIG: &str = r#"{"max_per_call_usd": null, "daily_limit_usd": 1000000000, "per_endpoint": {"https://api.example.com": 1000000000}, "agent_id": "bench-agent"}"#;
const REPLAY_KEY: [u8; 32] = [0x11; 32];
const AUDIT_KEY: [u8; 32] = [0x22; 32];
const REASON: &str = "daily market report for the trading agent";
const DESCRIPTION: &str = "Access to premium market data";
const PAY_TO: &str = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
/// The prior payments end now and start (window - MARGIN) ago, so they stay
/// inside the window for the whole run.
const MARGIN_MS: u64 = 30 * 60 * 1000;

/// Sampling, shared by every host (written into workload.json).
pub const WARMUP: usize = 300;
pub const SAMPLES: usize = 3000;
pub const MIN_SAMPLES: usize = 20;
pub const ROUNDS: usize = 10;
pub const BUDGET_S: f64 = 3.0;
pub const PII_REPS: usize = 5;
pub const AUDIT_RUNS: usize = 20;
/// Untimed decisions on a throw-away guard before the first size (CPU clock
/// ramp-up, caches, allocator): this long.
pub const PREWARM_S: f64 = 1.0;

pub fn wall_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis() as u64
}

fn url(i: usize) -> String {
    format!("https://api.example.com/premium-data/{i}")
}

/// A real x402 v2 `PAYMENT-REQUIRED` header: 0.01 USDC on Base for resource `i`.
fn header(i: usize) -> String {
    let doc = json!({
        "x402Version": 2, "error": "Payment required",
        "resource": {"url": url(i), "description": DESCRIPTION, "mimeType": "application/json"},
        "accepts": [{"scheme": "exact", "network": "eip155:8453", "amount": "10000",
                     "asset": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "payTo": PAY_TO,
                     "maxTimeoutSeconds": 60, "extra": {"name": "USD Coin", "version": "2"}}]
    });
    base64::engine::general_purpose::STANDARD.encode(doc.to_string())
}

/// The prepared workload, as read back by every host.
pub struct Workload {
    pub dir: PathBuf,
    pub v: Value,
    pub config: String,
    pub reason: String,
    pub requests: Vec<(String, String)>,
    pub sizes: Vec<u64>,
}

impl Workload {
    pub fn load(dir: &Path) -> Workload {
        let text = std::fs::read_to_string(dir.join("workload.json"))
            .expect("workload.json (run prepare first)");
        let v: Value = serde_json::from_str(&text).expect("workload json");
        let requests = v["requests"]
            .as_array()
            .expect("requests")
            .iter()
            .map(|r| {
                (
                    r["url"].as_str().unwrap().to_string(),
                    r["header"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        Workload {
            dir: dir.to_path_buf(),
            config: v["config_json"].as_str().unwrap().to_string(),
            reason: v["reason"].as_str().unwrap().to_string(),
            sizes: v["sizes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect(),
            requests,
            v,
        }
    }
    pub fn state(&self, n: u64) -> String {
        std::fs::read_to_string(self.dir.join(format!("state-{n}.json"))).expect("state file")
    }
    pub fn audit_text(&self) -> String {
        std::fs::read_to_string(self.dir.join("audit.jsonl")).expect("audit.jsonl")
    }
    pub fn audit_head(&self) -> (u64, String) {
        let h = &self.v["audit"]["head"];
        (
            h["seq"].as_u64().unwrap(),
            h["mac"].as_str().unwrap().to_string(),
        )
    }
    pub fn corpus(&self) -> Vec<[String; 3]> {
        let text = std::fs::read_to_string(self.dir.join("corpus.jsonl"))
            .expect("corpus.jsonl (gen_corpus.py)");
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let r: Value = serde_json::from_str(l).expect("corpus line");
                let f = |k: &str| r["fields"][k].as_str().unwrap_or("").to_string();
                [f("url"), f("description"), f("reason")]
            })
            .collect()
    }
}

/// A host's in-memory replay set: fingerprint → expiry, check-and-set, swept
/// when it doubles (the Python MemoryStore's policy).
pub struct ReplaySet {
    map: HashMap<String, u64>,
    next_sweep: usize,
}

impl ReplaySet {
    /// `n` live (synthetic, 64-hex) fingerprints: what n recent payments leave.
    pub fn prefilled(n: u64, now: u64) -> ReplaySet {
        let mut map = HashMap::with_capacity(n as usize + REQUESTS);
        for k in 0..n {
            map.insert(format!("{k:064x}"), now + 3_600_000);
        }
        ReplaySet { map, next_sweep: 0 }
    }
    pub fn check_and_set(&mut self, fp: &str, ttl_ms: u64, now: u64) -> bool {
        if self.map.len() >= self.next_sweep {
            self.map.retain(|_, e| *e > now);
            self.next_sweep = (2 * self.map.len()).max(1024);
        }
        if matches!(self.map.get(fp), Some(&e) if e > now) {
            return false;
        }
        self.map.insert(fp.to_string(), now + ttl_ms);
        true
    }
    /// Removes a fingerprint (the bench's untimed bookkeeping: every sample
    /// then sees exactly n prior fingerprints).
    pub fn forget(&mut self, fp: &str) {
        self.map.remove(fp);
    }
    pub fn len(&self) -> usize {
        self.map.len()
    }
}

/// Median, p95, mean (µs) of per-call samples.
pub fn stats(ns: &mut [f64]) -> Value {
    ns.sort_by(f64::total_cmp);
    let q = |p: f64| ns[((ns.len() as f64 * p) as usize).min(ns.len() - 1)] / 1000.0;
    let mean = ns.iter().sum::<f64>() / ns.len() as f64 / 1000.0;
    json!({"median_us": q(0.5), "p95_us": q(0.95), "mean_us": mean, "samples": ns.len()})
}

/// Samples `k` sizes interleaved, so a burst of load from another process
/// hits every size alike: first a warm-up per size (WARMUP calls, at most
/// 1 s), then ROUNDS rounds (alternating in direction) in which each size gets
/// SAMPLES / ROUNDS timed calls or BUDGET_S / ROUNDS seconds, whichever ends
/// first (at least MIN_SAMPLES / ROUNDS calls). `step(size, i)` runs call `i`
/// (a fresh request index per size) and returns its time in ns.
pub fn interleave(k: usize, mut step: impl FnMut(usize, usize) -> f64) -> Vec<Vec<f64>> {
    let mut next = vec![0usize; k];
    for (s, i) in next.iter_mut().enumerate() {
        let start = Instant::now();
        while *i < WARMUP && start.elapsed().as_secs_f64() < 1.0 {
            step(s, *i);
            *i += 1;
        }
    }
    let chunk = Duration::from_secs_f64(BUDGET_S / ROUNDS as f64);
    let mut out = vec![Vec::with_capacity(SAMPLES); k];
    for round in 0..ROUNDS {
        for j in 0..k {
            let s = if round % 2 == 0 { j } else { k - 1 - j };
            let start = Instant::now();
            let mut c = 0;
            while c < SAMPLES / ROUNDS && (c < MIN_SAMPLES / ROUNDS || start.elapsed() < chunk) {
                out[s].push(step(s, next[s]));
                next[s] += 1;
                c += 1;
            }
        }
    }
    out
}

/// The trivial JSON-façade call timed in every host, for scale (the cost of a crossing).
pub const CALL_OP: &str = "money.parse-usd";
pub const CALL_INPUT: &str = r#"{"usd":"0.01"}"#;

/// 200 untimed then 3000 timed calls of `f`.
pub fn crossing(mut f: impl FnMut()) -> Value {
    for _ in 0..200 {
        f();
    }
    let mut ns: Vec<f64> = (0..3000)
        .map(|_| {
            let t0 = Instant::now();
            f();
            t0.elapsed().as_nanos() as f64
        })
        .collect();
    let mut r = stats(&mut ns);
    r["workload"] = json!("call");
    r["op"] = json!(format!("call(\"{CALL_OP}\", {CALL_INPUT})"));
    r
}

/// Calls `step(i)` (i cycling over the requests) for PREWARM_S seconds.
pub fn prewarm(mut step: impl FnMut(usize)) {
    let start = Instant::now();
    let mut i = 0;
    while start.elapsed().as_secs_f64() < PREWARM_S {
        step(i % REQUESTS);
        i += 1;
    }
}

fn prepare(dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let now0 = wall_ms();
    let cfg_v: Value = serde_json::from_str(CONFIG).unwrap();
    let window_ms = 86_400_000u64;
    let span = window_ms - MARGIN_MS;
    let h0 = header(0);
    let u0 = url(0);
    let mut builds = Vec::new();
    let mut audit_lines: Vec<String> = Vec::new();
    let mut audit_head: Option<Head> = None;
    for &n in &SIZES {
        let t = Instant::now();
        let mut g = Guard::new(CONFIG).expect("config");
        let mut head: Option<Head> = None;
        for i in 0..n {
            let now = now0 - span + (span as u128 * (i + 1) as u128 / n as u128) as u64;
            let ctx = PaymentContext {
                method: "GET",
                request_url: &u0,
                payment_required: Some(&h0),
                body: None,
                reason: REASON,
                request_body_sha256: None,
                idempotency_key: None,
                now_ms: now,
            };
            let (id, a) = g.assess(&ctx, &REPLAY_KEY);
            assert!(
                a.blocked.is_none(),
                "prior payment {i} blocked: {:?}",
                a.blocked
            );
            // The builder's replay store answers "fresh": every prior payment is
            // paid (the measured hosts get n live fingerprints instead).
            let io = HostResults {
                replay_fresh: Some(true),
                votes: vec![],
            };
            let d = g
                .finalize(id, &io, &AUDIT_KEY, head.as_ref(), now)
                .expect("finalize");
            assert!(d.allowed, "prior payment {i} refused: {:?}", d.code);
            let s = g
                .settle(id, Outcome::Settled, &AUDIT_KEY, Some(&d.head), now)
                .expect("settle");
            if n == 1_000 && audit_lines.len() < AUDIT_LINES {
                audit_lines.push(d.audit_line.clone());
                audit_lines.push(s.audit_line.clone());
                audit_head = Some(s.head.clone());
            }
            head = Some(s.head);
        }
        let state = g.state_json();
        std::fs::write(dir.join(format!("state-{n}.json")), &state).expect("write state");
        let secs = t.elapsed().as_secs_f64();
        eprintln!(
            "prepare: {n} prior payments through the native guard in {secs:.2} s, state {} bytes",
            state.len()
        );
        builds.push(json!({"prior": n, "seconds": secs, "state_bytes": state.len()}));
    }
    assert_eq!(audit_lines.len(), AUDIT_LINES);
    let mut text = audit_lines.join("\n");
    text.push('\n');
    std::fs::write(dir.join("audit.jsonl"), &text).expect("write audit");
    let ah = audit_head.expect("head");
    let requests: Vec<Value> = (0..REQUESTS)
        .map(|i| json!({"url": url(i), "header": header(i)}))
        .collect();
    let w = json!({
        "built_at_ms": now0,
        "config": cfg_v, "config_json": CONFIG,
        "replay_key_hex": hex::encode(&REPLAY_KEY), "audit_key_hex": hex::encode(&AUDIT_KEY),
        "method": "GET", "reason": REASON, "description": DESCRIPTION, "pay_to": PAY_TO,
        "amount_usd": "0.01", "network": "eip155:8453",
        "sizes": SIZES, "state_builds": builds,
        "requests": requests,
        "sampling": {"warmup": WARMUP, "samples": SAMPLES, "rounds": ROUNDS, "min_samples": MIN_SAMPLES, "budget_s": BUDGET_S,
                     "pii_reps": PII_REPS, "audit_runs": AUDIT_RUNS, "prewarm_s": PREWARM_S},
        "call": {"op": CALL_OP, "input": CALL_INPUT},
        "audit": {"file": "audit.jsonl", "lines": AUDIT_LINES, "bytes": text.len(),
                  "head": {"seq": ah.seq, "mac": ah.mac}},
        "corpus": "corpus.jsonl",
    });
    std::fs::write(
        dir.join("workload.json"),
        serde_json::to_string(&w).unwrap(),
    )
    .expect("write workload");
}

fn native(w: &Workload) -> Value {
    let mut rows = Vec::new();
    {
        let mut g = Guard::new(&w.config).expect("config");
        prewarm(|i| {
            let (url, hdr) = &w.requests[i];
            let now = wall_ms();
            let ctx = PaymentContext {
                method: "GET",
                request_url: url,
                payment_required: Some(hdr),
                body: None,
                reason: &w.reason,
                request_body_sha256: None,
                idempotency_key: None,
                now_ms: now,
            };
            let (id, _) = g.assess(&ctx, &REPLAY_KEY);
            let io = HostResults {
                replay_fresh: Some(true),
                votes: vec![],
            };
            let d = g
                .finalize(id, &io, &AUDIT_KEY, None, now)
                .expect("finalize");
            g.settle(id, Outcome::Settled, &AUDIT_KEY, Some(&d.head), now)
                .expect("settle");
        });
    }
    struct Size {
        g: Guard,
        replay: ReplaySet,
        head: Option<Head>,
    }
    let mut all: Vec<Size> = w
        .sizes
        .iter()
        .map(|&n| {
            let mut g = Guard::new(&w.config).expect("config");
            let state = w.state(n);
            g.load_state_json(&state).expect("load state");
            assert_eq!(
                g.state_json(),
                state,
                "the loaded state is the prepared one"
            );
            Size {
                g,
                replay: ReplaySet::prefilled(n, wall_ms()),
                head: None,
            }
        })
        .collect();
    let samples = interleave(all.len(), |s, i| {
        let Size { g, replay, head } = &mut all[s];
        {
            let (url, hdr) = &w.requests[i];
            let now = wall_ms();
            let t0 = Instant::now();
            let ctx = PaymentContext {
                method: "GET",
                request_url: url,
                payment_required: Some(hdr),
                body: None,
                reason: &w.reason,
                request_body_sha256: None,
                idempotency_key: None,
                now_ms: now,
            };
            let (id, a) = g.assess(&ctx, &REPLAY_KEY);
            let fp = a.fingerprint.clone();
            let fresh = match (&a.blocked, &fp) {
                (None, Some(fp)) => Some(replay.check_and_set(fp, a.replay_ttl_ms, now)),
                _ => None,
            };
            let io = HostResults {
                replay_fresh: fresh,
                votes: vec![],
            };
            let d = g
                .finalize(id, &io, &AUDIT_KEY, head.as_ref(), now)
                .expect("finalize");
            let dt = t0.elapsed().as_nanos() as f64;
            assert!(d.allowed, "bench payment refused: {:?}", d.code);
            let s = g
                .settle(id, Outcome::Settled, &AUDIT_KEY, Some(&d.head), now)
                .expect("settle");
            *head = Some(s.head);
            replay.forget(fp.as_deref().unwrap_or(""));
            dt
        }
    });
    for ((&n, mut ns), size) in w.sizes.iter().zip(samples).zip(&all) {
        let mut r = stats(&mut ns);
        r["workload"] = json!("decision");
        r["prior"] = json!(n);
        r["replay_entries"] = json!(size.replay.len());
        eprintln!("native: decision after {n} prior payments: {r}");
        rows.push(r);
    }
    // PII: redact the three fields of each corpus triple (what assess does).
    let corpus = w.corpus();
    let cfg = PiiConfig::default();
    let per_triple = |f: &dyn Fn(&str)| -> Vec<f64> {
        corpus
            .iter()
            .map(|t| {
                for s in t {
                    f(s);
                }
                let mut reps: Vec<f64> = (0..PII_REPS)
                    .map(|_| {
                        let t0 = Instant::now();
                        for s in t {
                            f(s);
                        }
                        t0.elapsed().as_nanos() as f64
                    })
                    .collect();
                reps.sort_by(f64::total_cmp);
                reps[reps.len() / 2]
            })
            .collect()
    };
    let mut r = stats(&mut per_triple(&|s| {
        black_box(pii::redact(black_box(s), &cfg).ok());
    }));
    r["workload"] = json!("pii");
    r["op"] = json!("pii::redact on url, description, reason");
    r["triples"] = json!(corpus.len());
    eprintln!("native: pii redact per triple: {r}");
    rows.push(r);
    let mut r = stats(&mut per_triple(&|s| {
        black_box(pii::scan(black_box(s), &cfg).ok());
    }));
    r["workload"] = json!("pii_scan");
    r["op"] = json!("pii::scan on url, description, reason (findings only)");
    r["triples"] = json!(corpus.len());
    eprintln!("native: pii scan per triple: {r}");
    rows.push(r);
    // Worst case: each adversarial 16 KiB input, the median of 15 redactions;
    // the row is the slowest case.
    let mut worst: Option<(f64, &str)> = None;
    for (name, text) in adversarial::cases() {
        let mut ns: Vec<f64> = (0..15)
            .map(|_| {
                let t0 = Instant::now();
                black_box(pii::redact(black_box(&text), &cfg).ok());
                t0.elapsed().as_nanos() as f64
            })
            .collect();
        ns.sort_by(f64::total_cmp);
        let med = ns[ns.len() / 2];
        if worst.is_none_or(|(w, _)| med > w) {
            worst = Some((med, name));
        }
    }
    if let Some((ns, name)) = worst {
        let r = json!({"workload": "pii_worst", "median_us": ns / 1000.0, "case": name,
                       "cases": adversarial::cases().len(),
                       "op": "pii::redact on the slowest adversarial 16 KiB input (core/tests/support/adversarial.rs)"});
        eprintln!("native: pii worst case: {r}");
        rows.push(r);
    }
    // Every entry point's adversarial input at 16 KiB through `call(op,
    // json)` (the JSON walk among them): one row each, the median of 15 calls.
    for (name, op, input) in entry_worst::cases(pii::MAX_TEXT_BYTES) {
        let _ = presidio_x402_core::facade::call_json(op, &input);
        let mut ns: Vec<f64> = (0..15)
            .map(|_| {
                let t0 = Instant::now();
                black_box(presidio_x402_core::facade::call_json(op, black_box(&input)).ok());
                t0.elapsed().as_nanos() as f64
            })
            .collect();
        ns.sort_by(f64::total_cmp);
        let r = json!({"workload": "entry_worst", "case": name, "op": op, "bytes": input.len(),
                       "median_us": ns[ns.len() / 2] / 1000.0});
        eprintln!("native: entry worst case: {r}");
        rows.push(r);
    }
    // Audit: verify the 1000-line chain, per line.
    let text = w.audit_text();
    let (seq, mac) = w.audit_head();
    let head = Head { seq, mac };
    let lines = w.v["audit"]["lines"].as_u64().unwrap() as f64;
    let mut ns: Vec<f64> = (0..AUDIT_RUNS + 2)
        .map(|_| {
            let t0 = Instant::now();
            let h = audit::verify_text(&AUDIT_KEY, black_box(&text), None, Some(&head))
                .expect("chain verifies");
            black_box(h);
            t0.elapsed().as_nanos() as f64 / lines
        })
        .skip(2)
        .collect();
    let mut r = stats(&mut ns);
    r["workload"] = json!("audit_verify");
    r["op"] = json!("audit::verify_text of a 1000-line chain with its head, per line");
    eprintln!("native: audit verify per line: {r}");
    rows.push(r);
    rows.push(crossing(|| {
        black_box(presidio_x402_core::facade::call_json(CALL_OP, CALL_INPUT).expect("call"));
    }));
    json!({"host": "native", "label": "native core (Rust, release)", "rows": rows,
           "notes": ["Guard (core::guard) with the state loaded by load_state_json; replay set: an in-process HashMap holding n live fingerprints"]})
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: presidio-x402-bench prepare DIR | native DIR OUT | component DIR OUT";
    let cmd = args.get(1).expect(usage).as_str();
    let dir = PathBuf::from(args.get(2).expect(usage));
    let out = match cmd {
        "prepare" => {
            prepare(&dir);
            return;
        }
        "native" => native(&Workload::load(&dir)),
        #[cfg(feature = "component")]
        "component" => component::run(&Workload::load(&dir)),
        _ => panic!("{usage} (component needs --features component)"),
    };
    let path = args.get(3).expect(usage);
    std::fs::write(path, serde_json::to_string_pretty(&out).unwrap()).expect("write result");
}
