//! Criterion benchmarks of the core's decision functions, and of a full
//! decision (`assess` + `finalize`) at small and large state.
use base64::Engine as _;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use presidio_x402_core::config::GuardConfig;
use presidio_x402_core::money::{self, Usd};
use presidio_x402_core::pipeline::{self, HostResults, PaymentContext};
use presidio_x402_core::policy::{self, GuardState};
use presidio_x402_core::{audit, challenge, replay, url};
use std::hint::black_box;

const RK: &[u8] = b"bench replay key, 32 bytes long!";
const AK: &[u8] = b"bench audit chain key 0123456789";

fn header() -> String {
    let doc = serde_json::json!({
        "x402Version": 2, "error": "Payment required",
        "resource": {"url": "http://127.0.0.1:4021/weather", "description": "Weather data", "mimeType": "application/json"},
        "accepts": [{"scheme": "exact", "network": "eip155:84532", "amount": "1000",
                     "asset": "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
                     "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "maxTimeoutSeconds": 300,
                     "extra": {"name": "USDC", "version": "2"}}]
    });
    base64::engine::general_purpose::STANDARD.encode(doc.to_string())
}

fn cfg() -> GuardConfig {
    GuardConfig::from_json(
        r#"{"max_per_call_usd": 0.10, "daily_limit_usd": 1000000, "per_endpoint": {"http://127.0.0.1:4021": 1000000},
            "reservation_lease_seconds": 86400}"#,
    )
    .unwrap()
}

/// A state that has seen `n` committed payments spread over the window.
fn state_after(cfg: &GuardConfig, n: u64, now: u64) -> GuardState {
    let mut s = GuardState::default();
    let u = url::parse("http://127.0.0.1:4021/weather").unwrap();
    let step = (cfg.window_ms() / n.max(1)).max(1);
    for i in 0..n {
        let t = now - cfg.window_ms() + 1 + i * step;
        if let policy::PolicyVerdict::Allow(r) =
            policy::evaluate(cfg, &mut s.spend, Usd(1000), &u, t, 86_400_000).unwrap()
        {
            s.spend.commit(&r);
        }
    }
    s
}

fn decision(c: &mut Criterion) {
    let cfg = cfg();
    let h = header();
    let now = 1_800_000_000_000u64;
    let ctx = PaymentContext {
        method: "GET",
        request_url: "http://127.0.0.1:4021/weather",
        payment_required: Some(&h),
        body: None,
        reason: "",
        request_body_sha256: None,
        idempotency_key: None,
        now_ms: now,
    };
    for n in [0u64, 1_000, 100_000] {
        let base = state_after(&cfg, n, now);
        c.bench_function(
            &format!("full decision (assess+finalize), {n} prior payments"),
            |b| {
                b.iter_batched_ref(
                    || base.clone(),
                    |s| {
                        let a = pipeline::assess(&cfg, s, &ctx, RK);
                        let io = HostResults {
                            replay_fresh: Some(true),
                            votes: vec![],
                        };
                        let d = pipeline::finalize(&cfg, s, &a, &io, AK, None, now).unwrap();
                        black_box(d.allowed)
                    },
                    BatchSize::SmallInput,
                )
            },
        );
    }
    let no_pii = GuardConfig::from_json(
        r#"{"max_per_call_usd": 0.10, "daily_limit_usd": 1000000, "per_endpoint": {"http://127.0.0.1:4021": 1000000},
            "reservation_lease_seconds": 86400, "pii": {"entities": []}}"#,
    )
    .unwrap();
    c.bench_function(
        "full decision (assess+finalize), PII off, 0 prior payments",
        |b| {
            b.iter_batched_ref(
                GuardState::default,
                |s| {
                    let a = pipeline::assess(&no_pii, s, &ctx, RK);
                    let io = HostResults {
                        replay_fresh: Some(true),
                        votes: vec![],
                    };
                    black_box(
                        pipeline::finalize(&no_pii, s, &a, &io, AK, None, now)
                            .unwrap()
                            .allowed,
                    )
                },
                BatchSize::SmallInput,
            )
        },
    );
    let mut s = GuardState::default();
    c.bench_function("assess only", |b| {
        b.iter(|| {
            let a = pipeline::assess(&cfg, &mut s, &ctx, RK);
            if let Some(r) = &a.reservation {
                s.spend.release(r);
            }
            black_box(a.blocked)
        })
    });
}

fn functions(c: &mut Criterion) {
    let h = header();
    c.bench_function("challenge::parse v2 header", |b| {
        b.iter(|| black_box(challenge::parse(Some(&h), None).unwrap()))
    });
    c.bench_function("money::parse_atomic", |b| {
        b.iter(|| money::parse_atomic(black_box("123456789")))
    });
    c.bench_function("Usd::parse", |b| b.iter(|| Usd::parse(black_box("0.10"))));
    c.bench_function("url::parse", |b| {
        b.iter(|| url::parse(black_box("https://API.example.com:443/a/b?x=1")))
    });
    let u = url::parse("https://api.example.com/a/b?x=1").unwrap();
    let id = replay::PaymentIdentity {
        method: "GET",
        url: &u,
        body_sha256: None,
        idempotency_key: None,
        network: "eip155:84532",
        asset: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
        pay_to: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
    };
    c.bench_function("replay::fingerprint", |b| {
        b.iter(|| replay::fingerprint(RK, black_box(&id)).unwrap())
    });
    let cfg = cfg();
    let mut s = GuardState::default();
    c.bench_function("policy::evaluate + release", |b| {
        b.iter(|| {
            if let policy::PolicyVerdict::Allow(r) =
                policy::evaluate(&cfg, &mut s.spend, Usd(1000), &u, 5, 60_000).unwrap()
            {
                s.spend.release(black_box(&r));
            }
        })
    });
    let ev = audit::AuditEvent {
        event_type: "payment_allowed".into(),
        outcome: "allowed".into(),
        resource_url: "https://api.example.com/a".into(),
        ..Default::default()
    };
    c.bench_function("audit::append", |b| {
        b.iter(|| audit::append(AK, None, black_box(&ev), 5).unwrap())
    });
    let (line, head) = audit::append(AK, None, &ev, 5).unwrap();
    c.bench_function("audit::verify (1 line)", |b| {
        b.iter(|| audit::verify(AK, &[line.as_str()], None, Some(&head)).unwrap())
    });
    let mut chain = Vec::new();
    let mut h = None;
    for i in 0..100u64 {
        let (l, nh) = audit::append(AK, h.as_ref(), &ev, 5 + i).unwrap();
        chain.push(l);
        h = Some(nh);
    }
    let refs: Vec<&str> = chain.iter().map(String::as_str).collect();
    c.bench_function("audit::verify (100 lines)", |b| {
        b.iter(|| audit::verify(AK, &refs, None, h.as_ref()).unwrap())
    });
}

criterion_group!(all, decision, functions);
criterion_main!(all);
