//! Per-decision cost through wasmtime next to the native core.
//!
//! * `payment/*`: one allowed payment, assess + finalize + settle.
//! * `decision/*`: assess + finalize, refused at the replay check (the
//!   reservation is released, so the state stays the same size).
//! * `call/*`: one `call("money.parse-usd", …)` round trip (JSON façade).
//! * `audit-verify-100/*`: verifying a 100-line chain against its head.
//! * `pii-redact-16k/*`: `call("pii.redact", …)` on a 16 KiB text of names,
//!   places, addresses and numbers (the scanner's cost at the input cap).
//!
//! Run with `make bench-component` (builds the component first).

use criterion::{criterion_group, criterion_main, Criterion};
use presidio_x402_core::facade;
use presidio_x402_core::guard::Guard;
use presidio_x402_core::pipeline::{HostResults, Outcome};
use presidio_x402_host_test::{wit, Host};
use std::hint::black_box;
use std::time::Duration;

/// A real x402 v2 `PAYMENT-REQUIRED` header (0.001 USDC on Base Sepolia).
const HEADER: &str = "eyJ4NDAyVmVyc2lvbiI6MiwiZXJyb3IiOiJQYXltZW50IHJlcXVpcmVkIiwicmVzb3VyY2UiOnsidXJsIjoiaHR0cDovLzEyNy4wLjAuMTo0MDIxL3dlYXRoZXIiLCJkZXNjcmlwdGlvbiI6IldlYXRoZXIgZGF0YSIsIm1pbWVUeXBlIjoiYXBwbGljYXRpb24vanNvbiJ9LCJhY2NlcHRzIjpbeyJzY2hlbWUiOiJleGFjdCIsIm5ldHdvcmsiOiJlaXAxNTU6ODQ1MzIiLCJhbW91bnQiOiIxMDAwIiwiYXNzZXQiOiIweDAzNkNiRDUzODQyYzU0MjY2MzRlNzkyOTU0MWVDMjMxOGYzZENGN2UiLCJwYXlUbyI6IjB4MjA5NjkzQmM2YWZjMEM1MzI4YkEzNkZhRjAzQzUxNEVGMzEyMjg3QyIsIm1heFRpbWVvdXRTZWNvbmRzIjozMDAsImV4dHJhIjp7Im5hbWUiOiJVU0RDIiwidmVyc2lvbiI6IjIifX1dfQ==";
const URL: &str = "http://127.0.0.1:4021/weather";
const CONFIG: &str =
    r#"{"max_per_call_usd": 1, "daily_limit_usd": 1000000, "agent_id": "bench-agent"}"#;
const REPLAY_KEY: [u8; 32] = [0x11; 32];
const AUDIT_KEY: [u8; 32] = [0x22; 32];

fn ctx(now_ms: u64) -> wit::PaymentContext {
    wit::PaymentContext {
        method: "GET".into(),
        request_url: URL.into(),
        payment_required: Some(HEADER.into()),
        body: None,
        reason: "weather for the trip".into(),
        now_ms,
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("per-decision");
    g.sample_size(60)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));

    // ---- native ----
    let mut native = Guard::new(CONFIG).expect("config");
    let mut now = 1_767_225_600_000u64;
    g.bench_function("payment/native", |b| {
        b.iter(|| {
            now += 1;
            let c = ctx(now);
            let (id, a) = native.assess(&presidio_x402_host_test::native_context(&c), &REPLAY_KEY);
            assert!(a.blocked.is_none());
            let io = HostResults {
                replay_fresh: Some(true),
                votes: vec![],
            };
            let d = native
                .finalize(id, &io, &AUDIT_KEY, None, now)
                .expect("finalize");
            assert!(d.allowed);
            black_box(
                native
                    .settle(id, Outcome::Settled, &AUDIT_KEY, Some(&d.head), now)
                    .expect("settle"),
            );
        })
    });
    g.bench_function("decision/native", |b| {
        b.iter(|| {
            now += 1;
            let c = ctx(now);
            let (id, _) = native.assess(&presidio_x402_host_test::native_context(&c), &REPLAY_KEY);
            let io = HostResults {
                replay_fresh: Some(false),
                votes: vec![],
            };
            black_box(
                native
                    .finalize(id, &io, &AUDIT_KEY, None, now)
                    .expect("finalize"),
            );
        })
    });

    // ---- component ----
    let mut h = Host::new();
    let guard = h.create(CONFIG).expect("config");
    let fresh = wit::HostResults {
        replay_fresh: Some(true),
        countersignatures: vec![],
        webhook_answers: vec![],
    };
    let seen = wit::HostResults {
        replay_fresh: Some(false),
        countersignatures: vec![],
        webhook_answers: vec![],
    };
    g.bench_function("payment/component", |b| {
        b.iter(|| {
            now += 1;
            let a = h.assess(guard, &ctx(now), &REPLAY_KEY);
            assert!(a.blocked.is_none());
            let d = h
                .finalize(guard, a.id, &fresh, &AUDIT_KEY, None, now)
                .expect("finalize");
            assert!(d.allowed);
            black_box(
                h.settle(
                    guard,
                    a.id,
                    wit::Outcome::Settled,
                    &AUDIT_KEY,
                    Some(&d.head),
                    now,
                )
                .expect("settle"),
            );
        })
    });
    g.bench_function("decision/component", |b| {
        b.iter(|| {
            now += 1;
            let a = h.assess(guard, &ctx(now), &REPLAY_KEY);
            black_box(
                h.finalize(guard, a.id, &seen, &AUDIT_KEY, None, now)
                    .expect("finalize"),
            );
        })
    });

    // ---- one JSON façade round trip ----
    let input = r#"{"usd":"0.01"}"#;
    g.bench_function("call/native", |b| {
        b.iter(|| black_box(facade::call_json("money.parse-usd", input).expect("ok")))
    });
    g.bench_function("call/component", |b| {
        b.iter(|| black_box(h.call("money.parse-usd", input).expect("ok")))
    });

    // ---- audit verification: a 100-line chain against its head ----
    let ev = presidio_x402_core::audit::AuditEvent {
        event_type: "payment_allowed".into(),
        outcome: "allowed".into(),
        resource_url: URL.into(),
        ..Default::default()
    };
    let (mut text, mut head) = (String::new(), None);
    for i in 0..100u64 {
        let (l, nh) = presidio_x402_core::audit::append(&AUDIT_KEY, head.as_ref(), &ev, now + i)
            .expect("append");
        text.push_str(&l);
        text.push('\n');
        head = Some(nh);
    }
    let head = head.expect("head");
    g.bench_function("audit-verify-100/native", |b| {
        b.iter(|| {
            black_box(presidio_x402_core::audit::verify_text(
                &AUDIT_KEY,
                &text,
                None,
                Some(&head),
            ))
            .expect("verifies")
        })
    });
    let expected = wit::Head {
        seq: head.seq,
        mac: head.mac.clone(),
    };
    g.bench_function("audit-verify-100/component", |b| {
        b.iter(|| {
            let api = h.bindings.presidio_x402_api();
            let r = api
                .call_audit_verify(&mut h.store, &AUDIT_KEY, &text, None, Some(&expected))
                .expect("no trap");
            assert!(r.is_ok(), "chain verifies");
        })
    });

    // ---- the PII scanner at the 16 KiB cap ----
    let mut text = String::new();
    let words = [
        "Dr. Maria Gonzalez from Lagos paid",
        "order 4111 1111 1111 1111 for jane.doe@example.com",
        "call +44 20 7946 0958 near Springfield",
        "Kowalski, Anna visited Rio de Janeiro with O'Brien",
        "ssn 401-62-7719 and iban DE89370400440532013000",
    ];
    for w in words.iter().cycle() {
        if text.len() + w.len() + 1 > presidio_x402_core::pii::MAX_TEXT_BYTES {
            break;
        }
        text.push_str(w);
        text.push(' ');
    }
    let input = serde_json::json!({ "text": text }).to_string();
    g.bench_function("pii-redact-16k/native", |b| {
        b.iter(|| black_box(facade::call_json("pii.redact", &input).expect("ok")))
    });
    g.bench_function("pii-redact-16k/component", |b| {
        b.iter(|| black_box(h.call("pii.redact", &input).expect("ok")))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
