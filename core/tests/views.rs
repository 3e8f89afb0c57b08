//! The façade's JSON views (`facade::views`) against independent `json!`
//! builders (the shapes as they were built before the views became the one
//! definition), on every assess/finalize/settle step of the pipeline vectors:
//! the direct writers (the wasm-bindgen glue's output, with `id`,
//! `approval_canonical` and `votes`), the value forms (`pipeline.run`; the
//! offer inside them is `challenge.parse`'s) and the component's
//! `metadata-json` text.

use base64::Engine as _;
use presidio_x402_core::challenge::PaymentOffer;
use presidio_x402_core::config::GuardConfig;
use presidio_x402_core::facade::views;
use presidio_x402_core::hex;
use presidio_x402_core::ledger;
use presidio_x402_core::mpa::Vote;
use presidio_x402_core::pii;
use presidio_x402_core::pipeline::{
    self, Assessment, Decision, HostResults, Outcome, PaymentContext, WebhookAnswer,
};
use presidio_x402_core::policy::GuardState;
use presidio_x402_core::Code;
use serde_json::{json, Value};

fn parse(s: &str) -> Value {
    serde_json::from_str(s).expect("valid JSON")
}

fn offer_oracle(o: &PaymentOffer) -> Value {
    json!({
        "index": o.index, "scheme": o.scheme, "network": o.network, "network_raw": o.network_raw,
        "amount": o.amount.to_string(), "asset": o.asset, "pay_to": o.pay_to,
        "max_timeout_seconds": o.max_timeout_seconds, "resource_url": o.resource_url,
        "description": o.description, "mime_type": o.mime_type, "extra": o.extra,
    })
}

fn metadata_oracle(a: &Assessment) -> Value {
    let m = &a.metadata;
    json!({
        "request_url": m.request_url, "resource_url": m.resource_url, "description": m.description,
        "reason": m.reason, "extra": m.extra, "resource_echo": m.resource_echo,
    })
}

fn assessment_oracle(a: &Assessment) -> Value {
    json!({
        "blocked": a.blocked.map(Code::as_str),
        "x402_version": a.x402_version,
        "offer": a.offer.as_ref().map(offer_oracle),
        "requirements": a.requirements,
        "metadata": metadata_oracle(a),
        "pii_entities": a.pii_entities.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
        "pii_count": a.pii_count,
        "amount_usd": a.amount_usd.map(|u| u.to_string()),
        "limit_usd": a.limit_usd.map(|u| u.to_string()),
        "current_usd": a.current_usd.map(|u| u.to_string()),
        "reservation": a.reservation.as_ref().map(ledger::reservation_to_json),
        "fingerprint": a.fingerprint,
        "replay_ttl_ms": a.replay_ttl_ms,
        "approval": a.approval.as_ref().map(|r| r.to_json()),
        "pin": a.pin.as_ref().map(|(k, v)| json!([k, v])),
        "method": a.method,
        "now_ms": a.now_ms,
    })
}

fn decision_oracle(d: &Decision) -> Value {
    json!({
        "allowed": d.allowed,
        "code": d.code.map(Code::as_str),
        "audit_line": d.audit_line,
        "head": {"seq": d.head.seq, "mac": d.head.mac},
        "metrics": pipeline::metrics_json(&d.metrics),
        "forget_fingerprint": d.forget_fingerprint,
    })
}

fn votes_oracle(votes: &[(String, Vote)]) -> Value {
    let code = |v: &Vote| match v {
        Vote::Bad(c) => Value::from(c.as_str()),
        _ => Value::Null,
    };
    votes
        .iter()
        .map(|(id, v)| json!({"approver_id": id, "vote": v.as_str(), "code": code(v)}))
        .collect()
}

fn check_assessment(a: &Assessment, id: u64, ctx: &str) {
    assert_eq!(views::assessment_json(a), assessment_oracle(a), "{ctx}");
    let mut out = String::new();
    views::write_assessment(&mut out, a, Some(id));
    let mut want = assessment_oracle(a);
    let m = want.as_object_mut().unwrap();
    m.insert("id".into(), id.into());
    m.insert(
        "approval_canonical".into(),
        a.approval.as_ref().map(|r| r.canonical()).into(),
    );
    assert_eq!(parse(&out), want, "{ctx}");
    assert!(
        out.starts_with(&format!("{{\"id\":{id},\"blocked\":")),
        "{ctx}: members in the glue's order"
    );
    assert_eq!(
        views::metadata_json(&a.metadata).to_string(),
        metadata_oracle(a).to_string(),
        "{ctx}"
    );
}

fn check_decision(d: &Decision, votes: &[(String, Vote)], ctx: &str) {
    assert_eq!(views::decision_json(d), decision_oracle(d), "{ctx}");
    let mut out = String::new();
    views::write_decision(&mut out, d, Some(votes));
    let mut want = decision_oracle(d);
    want["votes"] = votes_oracle(votes);
    assert_eq!(parse(&out), want, "{ctx}");
    assert!(out.starts_with("{\"allowed\":"), "{ctx}");
}

fn approvals(s: &Value) -> (Vec<(String, String)>, Vec<WebhookAnswer>) {
    let sigs = s
        .get("signatures")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    let hooks = s
        .get("webhooks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|h| WebhookAnswer {
            approver_id: h["approver_id"].as_str().unwrap_or("").to_string(),
            status: h
                .get("status")
                .and_then(Value::as_u64)
                .map_or(200, |x| x as u16),
            body: h["body"].as_str().unwrap_or("").as_bytes().to_vec(),
            hmac: h["hmac"].as_str().map(str::to_string),
            timed_out: h["timed_out"].as_bool().unwrap_or(false),
        })
        .collect();
    (sigs, hooks)
}

#[test]
fn views_match_the_json_builders_on_every_pipeline_vector() {
    let (mut assessments, mut decisions) = (0, 0);
    for file in [
        "pipeline-run.json",
        "pipeline-mpa.json",
        "pipeline-pii.json",
    ] {
        let path = format!("{}/../vectors/{file}", env!("CARGO_MANIFEST_DIR"));
        let doc = parse(&std::fs::read_to_string(path).expect("vector file"));
        for g in doc["testGroups"].as_array().unwrap() {
            for t in g["tests"].as_array().unwrap() {
                let input = &t["input"];
                let Ok(cfg) = GuardConfig::from_value(input.get("config").unwrap_or(&json!({})))
                else {
                    continue;
                };
                let rk = hex::decode(input["replay_key_hex"].as_str().unwrap()).unwrap();
                let ak = hex::decode(input["audit_key_hex"].as_str().unwrap()).unwrap();
                let mut state = GuardState::default();
                let (mut last, mut head) = (None::<Assessment>, None);
                for (n, s) in input["steps"].as_array().unwrap().iter().enumerate() {
                    let ctx = format!("{file} #{} step {n}", t["tcId"]);
                    let now = s["now_ms"].as_u64().unwrap_or(0);
                    match s["op"].as_str().unwrap() {
                        "assess" => {
                            let body = match &s["body"] {
                                Value::String(b) => Some(b.clone()),
                                Value::Null => None,
                                o => Some(o.to_string()),
                            };
                            let header = match s.get("header_json") {
                                Some(v) => Some(
                                    base64::engine::general_purpose::STANDARD.encode(v.to_string()),
                                ),
                                None => s["header"].as_str().map(str::to_string),
                            };
                            let pc = PaymentContext {
                                method: s["method"].as_str().unwrap_or("GET"),
                                request_url: s["url"].as_str().unwrap(),
                                payment_required: header.as_deref(),
                                body: body.as_deref(),
                                reason: s["reason"].as_str().unwrap_or(""),
                                request_body_sha256: None,
                                idempotency_key: None,
                                now_ms: now,
                            };
                            let hints = s
                                .get("hints")
                                .map(|h| pii::hints_from_json(h).unwrap())
                                .unwrap_or_default();
                            let a = pipeline::assess_with_hints(&cfg, &mut state, &pc, &hints, &rk);
                            check_assessment(&a, n as u64 + 1, &ctx);
                            assessments += 1;
                            last = Some(a);
                        }
                        op @ ("finalize" | "settle") => {
                            let Some(a) = &last else { continue };
                            let (d, votes) = if op == "finalize" {
                                let (sigs, hooks) = approvals(s);
                                let votes = pipeline::judge_approvals(&cfg, a, &sigs, &hooks, now);
                                let io = HostResults {
                                    replay_fresh: Some(true),
                                    votes: votes.clone(),
                                };
                                (
                                    pipeline::finalize(
                                        &cfg,
                                        &mut state,
                                        a,
                                        &io,
                                        &ak,
                                        head.as_ref(),
                                        now,
                                    ),
                                    votes,
                                )
                            } else {
                                let outcome = match s["outcome"].as_str().unwrap() {
                                    "settled" => Outcome::Settled,
                                    c => Outcome::Failed(Code::parse(c).unwrap()),
                                };
                                (
                                    pipeline::settle(
                                        &cfg,
                                        &mut state,
                                        a,
                                        outcome,
                                        &ak,
                                        head.as_ref(),
                                        now,
                                    ),
                                    Vec::new(),
                                )
                            };
                            let Ok(d) = d else { continue };
                            check_decision(&d, &votes, &ctx);
                            decisions += 1;
                            head = Some(d.head.clone());
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    assert!(
        assessments > 50 && decisions > 50,
        "only {assessments} assessments and {decisions} decisions compared"
    );
}

#[test]
fn small_views() {
    let errs = GuardConfig::from_value(&json!({"max_per_call_usd": "x", "nope": 1})).unwrap_err();
    let want: Vec<Value> = errs
        .iter()
        .map(|e| json!({"path": e.path, "code": e.code.as_str()}))
        .collect();
    assert_eq!(views::config_errors_json(&errs), Value::Array(want));
    let problems = vec![
        ("alice".to_string(), Code::MpaBadSignature),
        ("x".to_string(), Code::MpaUnknownApprover),
    ];
    assert_eq!(
        views::problems_json(&problems).to_string(),
        r#"[{"approver_id":"alice","code":"mpa-bad-signature"},{"approver_id":"x","code":"mpa-unknown-approver"}]"#
    );
    let r = pii::redact(
        "mail john@example.com or jane@example.com, John Smith",
        &pii::PiiConfig::default(),
    )
    .unwrap();
    assert_eq!(
        views::redaction_json(&r).to_string(),
        r#"{"count":3,"entities":["EMAIL_ADDRESS","PERSON"],"text":"mail <REDACTED> or <REDACTED>, <REDACTED>"}"#
    );
}
