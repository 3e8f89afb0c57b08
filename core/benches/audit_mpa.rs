//! Criterion benchmarks of the audit chain and MPA functions.
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use presidio_x402_core::audit::{self, AuditEvent, ChainVerifier};
use presidio_x402_core::canonical::parse_strict;
use presidio_x402_core::error::Code;
use presidio_x402_core::money::Usd;
use presidio_x402_core::mpa::{self, ApprovalRequest, MpaConfig, PaymentFields, Vote};

const KEY: &[u8] = b"bench-audit-chain-key-0000000001";

fn event() -> AuditEvent {
    AuditEvent {
        event_type: "payment_attempt".into(),
        outcome: "blocked".into(),
        resource_url: "https://api.example.com/weather?city=[REDACTED]".into(),
        amount_usd: Some(Usd(250_000_000_000_000_000)),
        network: Some("eip155:8453".into()),
        agent_id: Some("my-agent-v1".into()),
        replica: None,
        pii_entities_found: vec!["EMAIL_ADDRESS".into()],
        policy_limit_usd: Some(Usd(100_000_000_000_000_000)),
        replay_fingerprint: Some(
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
        ),
        payment_id: None,
        code: Some(Code::PolicyPerCallExceeded),
        alerts: Vec::new(),
    }
}

fn payment() -> PaymentFields {
    PaymentFields {
        resource_url: "https://api.example.com/premium/report?id=[REDACTED]".into(),
        method: "GET".into(),
        network: "eip155:8453".into(),
        asset: "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913".into(),
        pay_to: "0x209693bc6afc0c5328ba36faf03c514ef312287c".into(),
        amount: 2_500_000,
        amount_usd: Usd(2_500_000_000_000_000_000),
        scheme: "exact".into(),
        agent_id: Some("my-agent-v1".into()),
        fingerprint: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
    }
}

fn benches(c: &mut Criterion) {
    let ev = event();
    let (first, head) = audit::append(KEY, None, &ev, 1_767_225_600_000).expect("append");
    c.bench_function("audit/append", |b| {
        b.iter(|| {
            audit::append(
                black_box(KEY),
                Some(black_box(&head)),
                black_box(&ev),
                1_767_225_601_000,
            )
        })
    });
    c.bench_function("audit/verify-one-line", |b| {
        b.iter(|| {
            let mut v = ChainVerifier::new(KEY, None, None).expect("verifier");
            v.push(black_box(&first)).expect("line");
            v.finish()
        })
    });
    let mut lines = Vec::new();
    let mut h = None;
    for i in 0..100 {
        let (l, nh) = audit::append(KEY, h.as_ref(), &ev, 1_767_225_600_000 + i).expect("append");
        lines.push(l);
        h = Some(nh);
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    c.bench_function("audit/verify-100-lines", |b| {
        b.iter(|| audit::verify(KEY, black_box(&refs), None, h.as_ref()))
    });
    c.bench_function("canonical/parse-strict-line", |b| {
        b.iter(|| parse_strict(black_box(&first), 1 << 14, 4))
    });

    let cfg = MpaConfig::from_json(
        &serde_json::json!({"threshold": 2, "approvers": [
            {"approver_id": "alice", "mode": "crypto", "secret": "alice-countersign-key-0001"},
            {"approver_id": "bob", "mode": "crypto", "secret": "bob-countersign-key-0002"},
            {"approver_id": "carol", "mode": "webhook", "webhook_url": "https://approvals.example.com/c"}]}),
        "mpa",
    )
    .expect("config");
    let p = payment();
    c.bench_function("mpa/request-build", |b| {
        b.iter(|| ApprovalRequest::new(black_box(p.clone()), 1_767_225_600_000, 30_000))
    });
    let req = ApprovalRequest::new(p, 1_767_225_600_000, 30_000).expect("request");
    c.bench_function("mpa/canonical", |b| b.iter(|| black_box(&req).canonical()));
    let sigs = vec![
        (
            "alice".to_string(),
            mpa::countersign(b"alice-countersign-key-0001", &req).expect("sig"),
        ),
        (
            "bob".to_string(),
            mpa::countersign(b"bob-countersign-key-0002", &req).expect("sig"),
        ),
    ];
    c.bench_function("mpa/verify-2-countersignatures", |b| {
        b.iter(|| {
            mpa::verify_countersignatures(
                &cfg,
                black_box(&req),
                black_box(&sigs),
                1_767_225_601_000,
            )
        })
    });
    let body = format!(
        "{{\"approved\":true,\"request_id\":\"{}\"}}",
        req.request_id
    );
    c.bench_function("mpa/judge-webhook", |b| {
        b.iter(|| {
            mpa::judge_webhook_response(
                &cfg,
                "carol",
                &req,
                200,
                black_box(body.as_bytes()),
                None,
                false,
            )
        })
    });
    let votes = vec![
        ("alice".to_string(), Vote::Approve),
        ("bob".to_string(), Vote::Approve),
        ("carol".to_string(), Vote::Timeout),
    ];
    c.bench_function("mpa/tally", |b| {
        b.iter(|| mpa::tally(&cfg, black_box(&votes)))
    });
}

criterion_group!(all, benches);
criterion_main!(all);
