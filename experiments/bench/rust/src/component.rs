//! The same workloads through `target/presidio_x402.wasm` under wasmtime
//! (host-test's `Host`: one instance, the typed WIT exports).

use crate::{
    crossing, interleave, prewarm, stats, wall_ms, ReplaySet, Workload, AUDIT_KEY, AUDIT_RUNS,
    CALL_INPUT, CALL_OP, PII_REPS, REPLAY_KEY,
};
use presidio_x402_host_test::{wasm_path, wit, Host};
use serde_json::{json, Value};
use std::hint::black_box;
use std::time::Instant;

pub fn run(w: &Workload) -> Value {
    let t = Instant::now();
    let mut h = Host::new();
    let instantiate_ms = t.elapsed().as_secs_f64() * 1000.0;
    let mut rows = Vec::new();
    {
        let g = h.create(&w.config).expect("config");
        let fresh = wit::HostResults {
            replay_fresh: Some(true),
            countersignatures: vec![],
            webhook_answers: vec![],
        };
        prewarm(|i| {
            let (url, hdr) = &w.requests[i];
            let now = wall_ms();
            let ctx = wit::PaymentContext {
                method: "GET".into(),
                request_url: url.clone(),
                payment_required: Some(hdr.clone()),
                body: None,
                reason: w.reason.clone(),
                now_ms: now,
            };
            let a = h.assess(g, &ctx, &REPLAY_KEY);
            let d = h
                .finalize(g, a.id, &fresh, &AUDIT_KEY, None, now)
                .expect("finalize");
            h.settle(
                g,
                a.id,
                wit::Outcome::Settled,
                &AUDIT_KEY,
                Some(&d.head),
                now,
            )
            .expect("settle");
        });
        h.drop_guard(g);
    }
    let mut all: Vec<(_, ReplaySet, Option<wit::Head>)> = w
        .sizes
        .iter()
        .map(|&n| {
            let g = h.create(&w.config).expect("config");
            let state = w.state(n);
            h.load_state(g, &state).expect("load state");
            assert_eq!(h.state(g), state, "the loaded state is the prepared one");
            (g, ReplaySet::prefilled(n, wall_ms()), None)
        })
        .collect();
    let samples = interleave(all.len(), |s, i| {
        let (g, replay, head) = &mut all[s];
        let g = *g;
        {
            let (url, hdr) = &w.requests[i];
            let now = wall_ms();
            let t0 = Instant::now();
            let ctx = wit::PaymentContext {
                method: "GET".into(),
                request_url: url.clone(),
                payment_required: Some(hdr.clone()),
                body: None,
                reason: w.reason.clone(),
                now_ms: now,
            };
            let a = h.assess(g, &ctx, &REPLAY_KEY);
            let fresh = match (&a.blocked, &a.fingerprint) {
                (None, Some(fp)) => Some(replay.check_and_set(fp, a.replay_ttl_ms, now)),
                _ => None,
            };
            let io = wit::HostResults {
                replay_fresh: fresh,
                countersignatures: vec![],
                webhook_answers: vec![],
            };
            let d = h
                .finalize(g, a.id, &io, &AUDIT_KEY, head.as_ref(), now)
                .expect("finalize");
            let dt = t0.elapsed().as_nanos() as f64;
            assert!(d.allowed, "bench payment refused: {:?}", d.code);
            let s = h
                .settle(
                    g,
                    a.id,
                    wit::Outcome::Settled,
                    &AUDIT_KEY,
                    Some(&d.head),
                    now,
                )
                .expect("settle");
            *head = Some(s.head);
            replay.forget(a.fingerprint.as_deref().unwrap_or(""));
            dt
        }
    });
    for ((&n, mut ns), (g, replay, _)) in w.sizes.iter().zip(samples).zip(all) {
        h.drop_guard(g);
        let mut r = stats(&mut ns);
        r["workload"] = json!("decision");
        r["prior"] = json!(n);
        r["replay_entries"] = json!(replay.len());
        eprintln!("component: decision after {n} prior payments: {r}");
        rows.push(r);
    }
    // PII: the `redact` export (default PII configuration) on the three fields.
    let corpus = w.corpus();
    let mut redact = |s: &str| {
        let api = h.bindings.presidio_x402_api();
        black_box(
            api.call_redact(&mut h.store, s, "{}")
                .expect("no trap")
                .expect("redacts"),
        );
    };
    let mut ns: Vec<f64> = corpus
        .iter()
        .map(|t| {
            for s in t {
                redact(s);
            }
            let mut reps: Vec<f64> = (0..PII_REPS)
                .map(|_| {
                    let t0 = Instant::now();
                    for s in t {
                        redact(s);
                    }
                    t0.elapsed().as_nanos() as f64
                })
                .collect();
            reps.sort_by(f64::total_cmp);
            reps[reps.len() / 2]
        })
        .collect();
    let mut r = stats(&mut ns);
    r["workload"] = json!("pii");
    r["op"] = json!("redact(text, \"{}\") export on url, description, reason");
    r["triples"] = json!(corpus.len());
    eprintln!("component: pii redact per triple: {r}");
    rows.push(r);
    // Audit: the `audit-verify` export on the 1000-line chain, per line.
    let text = w.audit_text();
    let (seq, mac) = w.audit_head();
    let expected = wit::Head { seq, mac };
    let lines = w.v["audit"]["lines"].as_u64().unwrap() as f64;
    let mut ns: Vec<f64> = (0..AUDIT_RUNS + 2)
        .map(|_| {
            let api = h.bindings.presidio_x402_api();
            let t0 = Instant::now();
            let r = api
                .call_audit_verify(&mut h.store, &AUDIT_KEY, &text, None, Some(&expected))
                .expect("no trap");
            assert!(r.is_ok(), "chain verifies");
            t0.elapsed().as_nanos() as f64 / lines
        })
        .skip(2)
        .collect();
    let mut r = stats(&mut ns);
    r["workload"] = json!("audit_verify");
    r["op"] = json!("audit-verify export of a 1000-line chain with its head, per line");
    eprintln!("component: audit verify per line: {r}");
    rows.push(r);
    rows.push(crossing(|| {
        black_box(h.call(CALL_OP, CALL_INPUT).expect("call"));
    }));
    let size = std::fs::metadata(wasm_path()).map(|m| m.len()).unwrap_or(0);
    json!({"host": "component", "label": "component in wasmtime (Rust host)", "rows": rows,
           "component_bytes": size, "instantiate_ms": instantiate_ms,
           "notes": ["guard resource with the state loaded by load-state; replay set: an in-process HashMap holding n live fingerprints; component compiled by Cranelift once per process (not timed)"]})
}
