//! Adversarial inputs for every core entry point that takes text, as
//! `call(op, json)` inputs of about `n` bytes: the JSON redaction walk (deep
//! nesting to the depth cap, many colliding keys, one huge value, many values
//! at a window edge, cue keys with long values, arrays of near-PII, a long
//! key holding many findings), the challenge parsers (v1 body, v2 header),
//! configuration JSON, money strings, URLs (normalisation and masking), audit
//! chain verification, MPA answers, countersignatures and tallies, and
//! payload checks. `core/tests/worst_case.rs` checks that the work grows
//! linearly with `n`; the bench (`experiments/bench/rust`, `make bench`, rows
//! "entry_worst") times each at 16 KiB.

use base64::Engine as _;
use presidio_x402_core::audit::{append, AuditEvent};
use presidio_x402_core::pii::MAX_TEMPLATE_BYTES;
use serde_json::{json, Map, Value};

/// `unit` repeated while the text stays within `n` bytes.
pub fn fill_to(unit: &str, n: usize) -> String {
    unit.repeat(n / unit.len().max(1))
}

/// An audit key for the generated chains.
const KEY: [u8; 32] = [7; 32];

fn request() -> Value {
    json!({"agent_id": "my-agent-v1", "amount": "2500000", "amount_usd": "2.5",
        "asset": "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913", "expires_at_ms": 1767225630000u64,
        "fingerprint": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "method": "GET", "network": "eip155:8453",
        "pay_to": "0x209693bc6afc0c5328ba36faf03c514ef312287c",
        "request_id": "b07b76c01060e75aa8f032e69a9dfa88",
        "resource_url": "https://api.example.com/premium/report?id=[REDACTED]", "scheme": "exact"})
}

fn mpa_config() -> Value {
    json!({"approvers": [
        {"approver_id": "alice", "mode": "crypto", "secret": "alice-countersign-key-0001"},
        {"approver_id": "bob", "mode": "crypto", "secret": "bob-countersign-key-0002"},
        {"approver_id": "w1", "mode": "webhook", "webhook_url": "https://approvals.example.com/w1"},
        {"approver_id": "w2", "mode": "webhook", "secret": "w2-response-hmac-key-0004",
         "webhook_url": "https://approvals.example.com/w2"}],
        "min_amount_usd": 1.0, "threshold": 2, "timeout_seconds": 30})
}

fn offer(i: usize) -> Value {
    json!({"scheme": "exact", "network": "base-sepolia", "maxAmountRequired": format!("{}", 10000 + i),
        "asset": "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
        "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
        "resource": "https://api.example.com/premium-data", "description": "Access to premium market data",
        "mimeType": "application/json", "outputSchema": null, "maxTimeoutSeconds": 60,
        "extra": {"name": "USDC", "version": "2"}})
}

/// v1 offers (about 530 bytes each, PII in each description) filling `n`
/// bytes, at most the 32 a challenge may hold.
fn offers(n: usize) -> Vec<Value> {
    (0..(n / 512).clamp(1, 32))
        .map(|i| {
            let mut o = offer(i);
            o["description"] = json!(fill_to("Jane Doe a.b@c.de ", 128));
            o
        })
        .collect()
}

/// An audit chain of lines filling about `n` bytes.
fn audit_lines(n: usize) -> Vec<String> {
    let event = AuditEvent::from_json(&json!({"agent_id": "my-agent-v1", "amount_usd": "0.01",
        "event_type": "payment_attempt", "network": "eip155:8453", "outcome": "allowed",
        "pii_entities_found": ["EMAIL_ADDRESS"], "policy_limit_usd": null,
        "replay_fingerprint": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "resource_url": "https://api.example.com/weather?city=[REDACTED]&n=0"}))
    .expect("a valid event");
    let (mut lines, mut head, mut size) = (Vec::new(), None, 0);
    while size < n {
        let (line, h) = append(
            &KEY,
            head.as_ref(),
            &event,
            1_767_225_600_000 + lines.len() as u64,
        )
        .expect("append");
        size += line.len() + 1;
        lines.push(line);
        head = Some(h);
    }
    lines
}

/// Every entry-point case at about `n` bytes: (name, operation, JSON input).
pub fn cases(n: usize) -> Vec<(&'static str, &'static str, String)> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut out: Vec<(&'static str, &'static str, Value)> = Vec::new();
    // --- pii.redact-json: the JSON walk ---
    let mut deep = json!({ "v": fill_to("a.b@c.de ", n / 2) });
    let key = fill_to("k", n / 2 / 16);
    for _ in 0..15 {
        let mut m = Map::new();
        m.insert(key.clone(), deep);
        deep = Value::Object(m);
    }
    out.push(("json-deep", "pii.redact-json", json!({ "value": deep })));
    let mut keys = Map::new();
    for i in 0..(n / 24).min(1000) {
        keys.insert(format!("u{i}@example.com"), json!(i));
    }
    out.push(("json-keys", "pii.redact-json", json!({ "value": keys })));
    let mut literal = Map::new();
    for i in 0..(n / 32).min(1000) {
        // Keys that redact to one already present: `<REDACTED>#n` taken.
        let k = if i % 2 == 0 {
            format!("<REDACTED>#{}", i / 2 + 2)
        } else {
            format!("x{i}@example.com")
        };
        literal.insert(k, json!(i));
    }
    out.push((
        "json-keys-taken",
        "pii.redact-json",
        json!({ "value": literal }),
    ));
    out.push((
        "json-huge",
        "pii.redact-json",
        json!({ "value": { "k": fill_to("a.b@c.de ", n) } }),
    ));
    let edges: Vec<Value> = (0..(n / 64).min(1000))
        .map(|i| {
            json!(format!(
                "{}4111 1111 1111 111{}",
                "x".repeat(40 + i % 8),
                i % 10
            ))
        })
        .collect();
    out.push(("json-edges", "pii.redact-json", json!({ "value": edges })));
    out.push((
        "json-cues",
        "pii.redact-json",
        json!({ "value": { "name": fill_to("Jane Doe ", n / 4), "email": fill_to("jd@x.io ", n / 4),
            "phone": fill_to("+1 415 555 2671 ", n / 4), "address": fill_to("from Lagos ", n / 4) } }),
    ));
    let near: Vec<Value> = (0..(n / 24).min(1000))
        .map(|_| json!("4111 1111 1111 1112"))
        .collect();
    out.push(("json-near", "pii.redact-json", json!({ "value": near })));
    let children: Vec<Value> = (0..(n / 2 / 16).min(900))
        .map(|_| json!("call 415-555-2671"))
        .collect();
    let mut long = Map::new();
    long.insert(fill_to("a@b.co ", n / 2), json!(children));
    out.push(("json-longkey", "pii.redact-json", json!({ "value": long })));
    // --- the string scan through the façade ---
    out.push((
        "pii-redact",
        "pii.redact",
        json!({ "text": fill_to("Jane 415-555 a@b +44 ", n) }),
    ));
    // the longest template the operations take (`MAX_TEMPLATE_BYTES`, PII-free:
    // one that reads as PII is refused), so the answer and its rescan are ~5x
    // the text
    out.push((
        "pii-redact-long-template",
        "pii.redact",
        json!({ "text": fill_to("a@b.co 123-45-6789 ", n),
                "template": fill_to("<{entity_type} removed> ", MAX_TEMPLATE_BYTES) }),
    ));
    // --- challenges ---
    let v1 =
        json!({"x402Version": 1, "error": "X-PAYMENT header is required", "accepts": offers(n)});
    out.push((
        "challenge-v1",
        "challenge.parse",
        json!({ "body": v1.to_string() }),
    ));
    let v1_desc = json!({"x402Version": 1, "error": fill_to("e", n / 2),
        "accepts": [{"scheme": "exact", "network": "base-sepolia", "maxAmountRequired": "10000",
        "asset": "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
        "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
        "resource": format!("https://api.example.com/{}", fill_to("a/", n / 4)),
        "description": fill_to("Jane Doe a.b@c.de ", n / 4), "maxTimeoutSeconds": 60}]});
    out.push((
        "challenge-v1-long",
        "challenge.parse",
        json!({ "body": v1_desc.to_string() }),
    ));
    let accepts: Vec<Value> = (0..(n * 3 / 4 / 400).max(1))
        .map(|i| {
            json!({"scheme": "exact", "network": "eip155:84532", "amount": format!("{}", 1000 + i),
            "asset": "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
            "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "maxTimeoutSeconds": 300,
            "extra": {"name": "USDC", "version": "2"}})
        })
        .collect();
    let v2 = json!({"x402Version": 2, "error": "Payment required",
        "resource": {"url": "http://127.0.0.1:4021/weather", "description": "Weather data", "mimeType": "application/json"},
        "accepts": accepts});
    out.push((
        "challenge-v2",
        "challenge.parse",
        json!({ "header": b64.encode(v2.to_string()) }),
    ));
    // --- configuration ---
    let mut per = Map::new();
    for i in 0..(n / 40).max(1) {
        per.insert(format!("https://api{i}.example.com/v1"), json!(1.0));
    }
    out.push((
        "config",
        "config.validate",
        json!({ "config": {"daily_limit_usd": 5.0, "max_per_call_usd": 0.1, "per_endpoint": per,
            "agent_id": "my-agent-v1"} }),
    ));
    // --- money ---
    out.push((
        "money-atomic",
        "money.parse-atomic",
        json!({ "amount": fill_to("9", n) }),
    ));
    out.push((
        "money-usd",
        "money.parse-usd",
        json!({ "usd": format!("0.{}", fill_to("0", n)) }),
    ));
    // --- URLs ---
    // URLs are capped at 8 KiB: the normalised one fills half of `n`.
    let url = |n: usize| {
        format!(
            "https://api.example.com/{}?{}#{}",
            fill_to("a%2Fb/", n / 3),
            fill_to("token=1&", n / 3),
            fill_to("%41", n / 4)
        )
    };
    out.push((
        "url-normalize",
        "url.normalize",
        json!({ "url": url(n / 2) }),
    ));
    out.push((
        "url-mask",
        "url.mask",
        json!({ "url": format!("https://user:pw@{}", &url(n)[8..]) }),
    ));
    // --- audit ---
    let key_hex: String = KEY.iter().map(|b| format!("{b:02x}")).collect();
    out.push((
        "audit-verify",
        "audit.verify",
        json!({ "key_hex": key_hex, "lines": audit_lines(n) }),
    ));
    // --- MPA ---
    let sigs: Vec<Value> = (0..(n / 80).max(1))
        .map(|i| {
            json!([
                if i % 2 == 0 { "alice" } else { "mallory" },
                "0c2f71f5d36a15b07768f9bf6c4345d9a6916c7b574f62c837c73a1063fd6776"
            ])
        })
        .collect();
    out.push((
        "mpa-verify",
        "mpa.verify",
        json!({"config": mpa_config(), "now_ms": 1767225601000u64, "request": request(), "signatures": sigs}),
    ));
    let mut req = request();
    // A request is capped (URL 2 KiB, agent 256 bytes): the secret grows.
    req["resource_url"] = json!(format!(
        "https://api.example.com/{}",
        fill_to("a/", (n / 8).min(2000))
    ));
    req["agent_id"] = json!(fill_to("a", (n / 64).min(256)));
    out.push((
        "mpa-countersign",
        "mpa.countersign",
        json!({"request": req, "secret": fill_to("k", n / 2)}),
    ));
    let votes: Vec<Value> = (0..(n / 40).max(1))
        .map(|i| json!({"approver_id": format!("a{i}"), "vote": "approve"}))
        .collect();
    out.push((
        "mpa-tally",
        "mpa.tally",
        json!({"config": mpa_config(), "votes": votes}),
    ));
    let body = json!({"approved": true, "request_id": "b07b76c01060e75aa8f032e69a9dfa88",
        "note": fill_to("\\u0041", n / 2)})
    .to_string();
    out.push((
        "mpa-judge-webhook",
        "mpa.judge-webhook",
        json!({"approver_id": "w1", "body": body, "config": mpa_config(), "request": request(),
            "status": 200, "timed_out": false}),
    ));
    // --- payload ---
    let v2one = json!({"x402Version": 2, "error": "Payment required",
        "resource": {"url": "http://127.0.0.1:4021/weather", "description": "Weather data", "mimeType": "application/json"},
        "accepts": [{"scheme": "exact", "network": "eip155:84532", "amount": "1000",
            "asset": "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
            "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "maxTimeoutSeconds": 300,
            "extra": {"name": "USDC", "version": "2"}}]});
    out.push((
        "payload-check",
        "payload.check",
        json!({"now_ms": 1767225600000u64, "payment_required": b64.encode(v2one.to_string()),
            "payload": {"authorization": {"from": "0x1111111111111111111111111111111111111111",
                "nonce": format!("0x{}", fill_to("0", n / 2)),
                "to": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "validAfter": "0",
                "validBefore": "1767225900", "value": fill_to("1", n / 4)},
            "signature": format!("0x{}", fill_to("ab", n / 4))}}),
    ));
    out.into_iter()
        .map(|(name, op, v)| (name, op, v.to_string()))
        .collect()
}
