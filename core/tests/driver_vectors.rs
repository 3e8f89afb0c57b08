//! Driver scenarios (`vectors/driver/scenarios.json`): a config, payments
//! (requests with their 402) and the scripted answers of the world. This
//! test plays the world against the native driver, checks each scenario's
//! stated expectations (action kinds per crossing, the verdict, audit
//! outcomes, metrics), verifies the audit log, and records every crossing
//! in `vectors/driver/transcripts.json`, which every other host replays byte
//! for byte. `UPDATE_TRANSCRIPTS=1 cargo test --test driver_vectors` rewrites
//! the file; otherwise any difference fails.

use presidio_x402_core::driver::Driver;
use presidio_x402_core::facade::expected_matches;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vectors/driver")
}

fn hex(s: &str) -> Vec<u8> {
    presidio_x402_core::hex::decode(s).expect("hex")
}

/// The scripted world: a store with versions, a replay set with TTLs, an
/// audit log, webhook approvers, a signer and a server.
struct World<'a> {
    script: &'a Value,
    state: Option<String>,
    version: u64,
    replay: BTreeMap<String, u64>,
    heads: Option<Value>,
    lines: Vec<String>,
    counts: BTreeMap<String, u64>,
    payment: usize,
    /// Every action's JSON (a `send` without its URL, with its header
    /// decoded): what the host would write, log or send on.
    emitted: String,
    /// The `sign` actions' requirements and resource echo.
    signed: Vec<Value>,
    /// The payment headers sent, decoded.
    sent: Vec<Value>,
    /// The default signer's last EIP-3009 nonce.
    nonce: u64,
    /// The scripted mid-payment reload (`reload_on_sign`, `reload_on_webhook`) was done.
    reloaded: bool,
    /// Each `cas-state`'s riding head seq (`save_head`), null without one.
    cas_heads: Vec<Value>,
}

impl World<'_> {
    /// Keeps what an action hands out, for the `leaks` outcome.
    fn record(&mut self, kind: &str, a: &Value) {
        use base64::Engine as _;
        let mut a = a.clone();
        if kind == "send" {
            // The request goes to the raw URL: that is not a leak.
            a["url"] = Value::Null;
            let value = a["header"]["value"].as_str().unwrap_or("");
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(value)
                .expect("header base64");
            let payload: Value = serde_json::from_slice(&bytes).expect("header json");
            self.emitted.push_str(&payload.to_string());
            self.sent.push(payload);
        }
        if kind == "sign" {
            self.signed
                .push(json!({"requirements": a["requirements"], "resource": a["resource"], "metadata": a["metadata"]}));
        }
        self.emitted.push_str(&a.to_string());
    }

    /// The n-th (1-based) action of `kind` in the scenario: is it scripted to fail?
    fn fails(&mut self, kind: &str) -> bool {
        let n = self.counts.entry(kind.to_string()).or_insert(0);
        *n += 1;
        let n = *n;
        self.script
            .get("fail")
            .and_then(|f| f.get(kind))
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|x| x.as_u64() == Some(n)))
    }

    /// This payment's scripted value of `key` (an array per payment, or one value for all).
    fn per_payment(&self, key: &str) -> Option<Value> {
        let v = self.script.get(key)?;
        match v {
            Value::Array(a)
                if self
                    .script
                    .get("per_payment")
                    .and_then(|p| p.as_array())
                    .is_some_and(|p| p.iter().any(|k| k == key)) =>
            {
                a.get(self.payment).cloned()
            }
            _ => Some(v.clone()),
        }
    }

    /// Performs one action; returns its answer event, if it has one.
    fn perform(&mut self, a: &Value, now: u64) -> Result<Option<Value>, Value> {
        let kind = a["do"].as_str().expect("do");
        self.record(kind, a);
        Ok(Some(match kind {
            "load-head" => {
                if self.fails("load-head") {
                    json!({"on": "store-error"})
                } else {
                    let mut h = self.script.get("heads").cloned().unwrap_or(json!({}));
                    // The log's own head is its last line, once the world has written one.
                    if let Some(last) = self.lines.last() {
                        let l: Value = serde_json::from_str(last).expect("line");
                        h["log"] = json!({"seq": l["seq"], "mac": l["mac"]});
                    }
                    let stored = h
                        .get("stored")
                        .cloned()
                        .or_else(|| self.heads.clone())
                        .unwrap_or(Value::Null);
                    json!({"on": "head", "stored": stored, "log": h.get("log").cloned().unwrap_or(Value::Null)})
                }
            }
            "load-state" => {
                if self.fails("load-state") {
                    json!({"on": "store-error"})
                } else {
                    json!({"on": "state", "state": self.state, "version": self.version.to_string()})
                }
            }
            "cas-state" => {
                self.cas_heads.push(a["save_head"]["head"]["seq"].clone());
                if self.fails("cas-state") {
                    json!({"on": "store-error"})
                } else {
                    let n = self.counts["cas-state"];
                    let lost = self
                        .script
                        .get("cas_lost")
                        .and_then(Value::as_array)
                        .is_some_and(|l| {
                            l.iter()
                                .any(|x| x.as_u64() == Some(n) || x.as_str() == Some("always"))
                        });
                    // A store that answers only `won` (`cas_bare`) gives no snapshot.
                    let bare = self.script.get("cas_bare") == Some(&json!(true));
                    let fp = a["fingerprint"].as_str().map(str::to_string);
                    if lost || a["version"].as_str() != Some(&self.version.to_string()) {
                        if lost {
                            self.version += 1; // another process stored first
                        }
                        if bare {
                            json!({"on": "cas", "won": false})
                        } else {
                            json!({"on": "cas", "won": false, "state": self.state, "version": self.version.to_string()})
                        }
                    } else if a.get("save_head").is_some_and(|h| {
                        h["prev_seq"].as_u64()
                            != Some(
                                self.heads
                                    .as_ref()
                                    .map_or(0, |h| h["seq"].as_u64().unwrap_or(0)),
                            )
                            || self.fails("cas-head")
                    }) {
                        // The stored head is not the one the guard last saved (or the
                        // script says another writer moved it): nothing is written.
                        json!({"on": "cas", "won": false, "head_saved": false})
                    } else if fp
                        .as_ref()
                        .is_some_and(|f| self.replay.get(f).is_some_and(|&exp| exp > now))
                    {
                        // A live fingerprint: nothing is written.
                        json!({"on": "cas", "won": false, "fresh": false})
                    } else {
                        if let Some(f) = fp.clone() {
                            self.replay
                                .insert(f, now + a["ttl_ms"].as_u64().expect("ttl"));
                        }
                        self.version += 1;
                        self.state = a["state"].as_str().map(str::to_string);
                        let mut ev = json!({"on": "cas", "won": true});
                        if fp.is_some() {
                            ev["fresh"] = json!(true);
                        }
                        if let Some(h) = a.get("save_head") {
                            self.heads = Some(h["head"].clone());
                            // `cas_head_silent`: a store that does not say it saved the head.
                            if self.script.get("cas_head_silent") != Some(&json!(true)) {
                                ev["head_saved"] = json!(true);
                            }
                        }
                        if !bare {
                            ev["version"] = json!(self.version.to_string());
                        }
                        ev
                    }
                }
            }
            "replay-set" => {
                if self.fails("replay-set") {
                    json!({"on": "store-error"})
                } else {
                    let fp = a["fingerprint"].as_str().expect("fp").to_string();
                    let live = self.replay.get(&fp).is_some_and(|&exp| exp > now);
                    if !live {
                        self.replay
                            .insert(fp, now + a["ttl_ms"].as_u64().expect("ttl"));
                    }
                    json!({"on": "replay", "fresh": !live})
                }
            }
            "replay-forget" => {
                self.replay.remove(a["fingerprint"].as_str().expect("fp"));
                return Ok(None);
            }
            // Fire-and-forget: the post is recorded in the transcript only.
            "alert" => return Ok(None),
            "audit" => {
                if self.fails("audit") {
                    return Err(json!({"on": "audit-failed"}));
                }
                self.lines
                    .push(a["line"].as_str().expect("line").to_string());
                return Ok(None);
            }
            "save-head" => {
                let cur = self
                    .heads
                    .as_ref()
                    .map_or(0, |h| h["seq"].as_u64().unwrap_or(0));
                if self.fails("save-head") || a["prev_seq"].as_u64() != Some(cur) {
                    return Err(json!({"on": "head-save-failed"}));
                }
                self.heads = Some(a["head"].clone());
                return Ok(None);
            }
            "post-webhook" => {
                let id = a["approver_id"].as_str().expect("id");
                let rid = a["headers"]["x-mpa-request-id"]
                    .as_str()
                    .expect("request id");
                let deadline = a["deadline_ms"].as_u64().expect("deadline");
                let how = self
                    .script
                    .get("webhooks")
                    .and_then(|w| w.get(id))
                    .and_then(Value::as_str)
                    .unwrap_or("timeout");
                let approve = json!({"approved": true, "request_id": rid}).to_string();
                let (status, body, at) = match how {
                    "approve" => (200, approve, now),
                    "deny" => (
                        200,
                        json!({"approved": false, "request_id": rid}).to_string(),
                        now,
                    ),
                    "forged" => (
                        200,
                        json!({"approved": true, "request_id": "0".repeat(32)}).to_string(),
                        now,
                    ),
                    "redirect" => (302, String::new(), now),
                    // Answered after the deadline (the host reports when it arrived).
                    "late" => (200, approve, deadline + 1_000),
                    _ => {
                        return Ok(Some(
                            json!({"on": "webhook", "approver_id": id, "status": 0, "body": "",
                                               "hmac": null, "timed_out": true}),
                        ))
                    }
                };
                json!({"on": "webhook", "approver_id": id, "status": status, "body": body, "hmac": null,
                       "timed_out": false, "at_ms": at})
            }
            "ask-human" => {
                // A person answers the prompt (scripted: approve, deny, late,
                // unavailable; `timeout` or absent: the host stops waiting at
                // the deadline).
                let id = a["approver_id"].as_str().expect("id");
                let deadline = a["deadline_ms"].as_u64().expect("deadline");
                let how = self
                    .script
                    .get("humans")
                    .and_then(|w| w.get(id))
                    .and_then(Value::as_str)
                    .unwrap_or("timeout");
                let (vote, at) = match how {
                    "late" => ("approve", deadline + 1_000),
                    "timeout" => ("timeout", deadline + 1),
                    v => (v, now),
                };
                json!({"on": "human", "approver_id": id, "vote": vote, "at_ms": at})
            }
            "countersign" => {
                // Each scripted approver signs the canonical request with its secret (hex).
                let req = presidio_x402_core::mpa::ApprovalRequest::from_json(&a["request_json"])
                    .expect("request");
                let sigs: Vec<Value> = self
                    .script
                    .get("countersign")
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.iter()
                            .map(|(id, secret)| {
                                let sig = presidio_x402_core::mpa::countersign(
                                    secret.as_str().expect("secret").as_bytes(),
                                    &req,
                                )
                                .expect("countersign");
                                json!([id, sig])
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                json!({"on": "countersignatures", "signatures": sigs})
            }
            "sign" => match self.per_payment("signer").unwrap_or(json!("ok")) {
                Value::String(s) if s == "fail" => json!({"on": "signer-failed"}),
                Value::String(_) => {
                    // A well-behaved EIP-3009 signer: exactly what was approved,
                    // valid for the offer's timeout from now (as `@x402/evm` signs).
                    let timeout = a["requirements"]["maxTimeoutSeconds"]
                        .as_u64()
                        .unwrap_or(60);
                    let from = self
                        .script
                        .get("wallet")
                        .and_then(Value::as_str)
                        .unwrap_or("0x1111111111111111111111111111111111111111");
                    self.nonce += 1;
                    json!({"on": "signed", "payload": {"signature": format!("0x{}", "ab".repeat(65)),
                        "authorization": {"from": from, "to": a["pay_to"], "value": a["amount"],
                            "validAfter": "0", "validBefore": (now / 1000 + timeout).to_string(),
                            "nonce": format!("0x{:064x}", self.nonce)}}})
                }
                p => json!({"on": "signed", "payload": p}),
            },
            "send" => match self.per_payment("paid").unwrap_or(json!("settled")) {
                Value::String(s) if s == "settled" => json!({"on": "response", "status": 200,
                    "settlement": "eyJzdWNjZXNzIjp0cnVlLCJ0cmFuc2FjdGlvbiI6IjB4MSJ9"}),
                Value::String(s) if s == "unobserved" => json!({"on": "unobserved"}),
                Value::Object(mut m) => {
                    m.insert(
                        "on".into(),
                        json!(if m.contains_key("sent") {
                            "network-error"
                        } else {
                            "response"
                        }),
                    );
                    Value::Object(m)
                }
                other => panic!("paid: {other}"),
            },
            "sleep" => json!({"on": "wake"}),
            "done" => return Ok(None),
            other => panic!("unknown action {other}"),
        }))
    }
}

struct Recorder {
    crossings: Vec<Value>,
}

fn kinds(actions: &[Value]) -> String {
    actions
        .iter()
        .map(|a| a["do"].as_str().unwrap_or("?"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs one task to its `done`, crossing by crossing; returns its kinds per crossing and the done action.
fn run_task(
    d: &mut Driver,
    w: &mut World<'_>,
    rec: &mut Recorder,
    start: usize,
    first: Value,
    clock: &mut u64,
) -> (Vec<String>, Value) {
    let id = first["id"].as_u64().expect("id");
    let mut actions: Vec<Value> = first["actions"].as_array().expect("actions").clone();
    let mut trace = vec![kinds(&actions)];
    for _ in 0..400 {
        let mut answers = Vec::new();
        let mut done = None;
        for a in &actions {
            match w.perform(a, *clock) {
                Ok(Some(ev)) => answers.push(ev),
                Ok(None) => {
                    if a["do"] == "done" {
                        done = Some(a.clone());
                    }
                }
                Err(fail) => {
                    answers = vec![fail];
                    done = None;
                    break;
                }
            }
        }
        if let Some(dn) = done {
            return (trace, dn);
        }
        mid_payment_reload(d, w, rec, &actions, *clock);
        assert!(
            !answers.is_empty(),
            "task stalled after {}",
            kinds(&actions)
        );
        // A sleep's answer comes when its time is reached.
        for a in &actions {
            if a["do"] == "sleep" {
                *clock = (*clock).max(a["until_ms"].as_u64().expect("until"));
            }
        }
        // A host that waited for a slow approver answers after the deadline, all at once.
        let slow = w
            .script
            .get("webhooks")
            .and_then(Value::as_object)
            .is_some_and(|m| {
                actions
                    .iter()
                    .filter(|a| a["do"] == "post-webhook")
                    .any(|a| {
                        m.get(a["approver_id"].as_str().unwrap_or(""))
                            .and_then(Value::as_str)
                            .is_none_or(|h| h == "late" || h == "timeout")
                    })
            });
        let slow_human = w
            .script
            .get("humans")
            .and_then(Value::as_object)
            .is_some_and(|m| {
                actions.iter().filter(|a| a["do"] == "ask-human").any(|a| {
                    m.get(a["approver_id"].as_str().unwrap_or(""))
                        .and_then(Value::as_str)
                        .is_none_or(|h| h == "late" || h == "timeout")
                })
            });
        if slow || slow_human {
            let deadline = actions
                .iter()
                .filter_map(|a| a["deadline_ms"].as_u64())
                .max()
                .unwrap_or(0);
            *clock = (*clock).max(deadline + 1);
        }
        *clock += 1;
        let input = Value::Array(answers).to_string();
        let out = d.handle_json(id, *clock, &input);
        let out_text = match &out {
            Ok(t) => t.clone(),
            Err(c) => json!({"error": c.as_str()}).to_string(),
        };
        rec.crossings.push(json!({"call": "handle", "task": start, "now_ms": *clock, "input": input, "output": out_text}));
        actions = serde_json::from_str::<Value>(
            &out.unwrap_or_else(|c| panic!("handle {c:?}: {input} after {}", kinds(&actions))),
        )
        .expect("json")
        .as_array()
        .expect("array")
        .clone();
        trace.push(kinds(&actions));
    }
    panic!("task did not finish");
}

/// The world's `reload_on_sign` / `reload_on_webhook`: a reload crossing
/// (performed at once: an unshared store's reload needs no answer) after the
/// first `sign` / `post-webhook` batch was performed and before its answers
/// are fed, while a payment's spend is reserved.
fn mid_payment_reload(
    d: &mut Driver,
    w: &mut World<'_>,
    rec: &mut Recorder,
    actions: &[Value],
    clock: u64,
) {
    for (key, kind) in [
        ("reload_on_sign", "sign"),
        ("reload_on_webhook", "post-webhook"),
    ] {
        let Some(cfg) = w.script.get(key) else {
            continue;
        };
        if w.reloaded || !actions.iter().any(|a| a["do"] == kind) {
            continue;
        }
        w.reloaded = true;
        let input = cfg.to_string();
        let out = d.reload_json(&input, clock);
        rec.crossings
            .push(json!({"call": "reload", "now_ms": clock, "input": input, "output": out}));
        let v: Value = serde_json::from_str(&out).expect("reload json");
        for a in v["actions"].as_array().expect("actions") {
            assert_eq!(
                w.perform(a, clock).expect("performed"),
                None,
                "a mid-payment reload asks nothing"
            );
        }
    }
}

fn run_scenario(s: &Value) -> (Value, Vec<String>) {
    let input = &s["input"];
    let config = input["config"].to_string();
    let profile = input["profile"].to_string();
    let (rk, ak) = (
        input["replay_key_hex"].as_str().expect("rk"),
        input["audit_key_hex"].as_str().expect("ak"),
    );
    let mut d = Driver::from_json(&config, &profile, &hex(rk), &hex(ak)).expect("driver");
    let world = &input["world"];
    let mut w = World {
        script: world,
        state: None,
        version: 0,
        replay: BTreeMap::new(),
        heads: world
            .get("heads")
            .and_then(|h| h.get("stored"))
            .cloned()
            .filter(|v| !v.is_null()),
        lines: world
            .get("log")
            .and_then(Value::as_array)
            .map(|l| l.iter().map(|x| x.as_str().unwrap().to_string()).collect())
            .unwrap_or_default(),
        counts: BTreeMap::new(),
        payment: 0,
        emitted: String::new(),
        signed: Vec::new(),
        nonce: 0,
        sent: Vec::new(),
        reloaded: false,
        cas_heads: Vec::new(),
    };
    let mut rec = Recorder {
        crossings: Vec::new(),
    };
    let mut clock = input["now_ms"].as_u64().unwrap_or(1_000);
    let mut results = Vec::new();
    let open = d.open_json();
    rec.crossings.push(json!({"call": "open", "output": open}));
    let open_v: Value = serde_json::from_str(&open).expect("open");
    let (trace, done) = run_task(&mut d, &mut w, &mut rec, 0, open_v, &mut clock);
    results.push(json!({"crossings": trace, "done": done}));
    for (i, p) in input["payments"]
        .as_array()
        .expect("payments")
        .iter()
        .enumerate()
    {
        w.payment = i;
        // `{"advance_ms": n}` moves the clock on (no crossing, no task).
        if let Some(n) = p.get("advance_ms").and_then(Value::as_u64) {
            clock += n;
            continue;
        }
        // `{"store_write": text}`: another process stores `text` (no crossing, no task).
        if let Some(text) = p.get("store_write").and_then(Value::as_str) {
            w.state = (!text.is_empty()).then(|| text.to_string());
            w.version += 1;
            continue;
        }
        // `{"head_write": head}`: another writer of the replica stores its head.
        if let Some(h) = p.get("head_write") {
            w.heads = Some(h.clone());
            continue;
        }
        clock += 1;
        // `{"flush": true}`: the host calls `flush` (the guard is quiet).
        if p.get("flush").is_some() {
            let out = d.flush_json(clock);
            let start = rec.crossings.len();
            rec.crossings
                .push(json!({"call": "flush", "now_ms": clock, "output": out}));
            let first: Value = serde_json::from_str(&out).expect("flush json");
            let (trace, done) = run_task(&mut d, &mut w, &mut rec, start, first, &mut clock);
            results.push(json!({"crossings": trace, "done": done}));
            continue;
        }
        if let Some(text) = p.get("reload").map(Value::to_string).or_else(|| {
            p.get("reload_text")
                .and_then(Value::as_str)
                .map(String::from)
        }) {
            let out = d.reload_json(&text, clock);
            let start = rec.crossings.len();
            rec.crossings
                .push(json!({"call": "reload", "now_ms": clock, "input": text, "output": out}));
            let first: Value = serde_json::from_str(&out).expect("reload json");
            let (trace, done) = run_task(&mut d, &mut w, &mut rec, start, first, &mut clock);
            results.push(json!({"crossings": trace, "done": done}));
            continue;
        }
        let start = rec.crossings.len();
        // A `{"control": {...}}` entry is an operator control task (the kill switch).
        let out = if let Some(ctl) = p.get("control") {
            let input = ctl.to_string();
            let out = d.control_json(&input, clock).expect("control");
            rec.crossings
                .push(json!({"call": "control", "now_ms": clock, "input": input, "output": out}));
            out
        } else {
            let begin = p.to_string();
            let out = d.begin_json(&begin, clock).expect("begin");
            rec.crossings
                .push(json!({"call": "begin", "now_ms": clock, "input": begin, "output": out}));
            out
        };
        let first: Value = serde_json::from_str(&out).expect("begin json");
        let (trace, done) = run_task(&mut d, &mut w, &mut rec, start, first, &mut clock);
        results.push(json!({"crossings": trace, "done": done}));
    }
    let transcript = json!({
        "tcId": s["tcId"], "comment": s["comment"], "config": config, "profile": profile,
        "replay_key_hex": rk, "audit_key_hex": ak, "crossings": rec.crossings,
    });
    let mut outcomes: Map<String, Value> = Map::new();
    outcomes.insert("tasks".into(), Value::Array(results));
    outcomes.insert(
        "audit_outcomes".into(),
        Value::Array(
            w.lines
                .iter()
                .map(|l| serde_json::from_str::<Value>(l).expect("line")["outcome"].clone())
                .collect(),
        ),
    );
    outcomes.insert(
        "audit_payment_ids".into(),
        Value::Array(
            w.lines
                .iter()
                .map(|l| serde_json::from_str::<Value>(l).expect("line")["payment_id"].clone())
                .collect(),
        ),
    );
    outcomes.insert(
        "audit_alerts".into(),
        Value::Array(
            w.lines
                .iter()
                .map(|l| serde_json::from_str::<Value>(l).expect("line")["alerts"].clone())
                .collect(),
        ),
    );
    outcomes.insert(
        "sent_extensions".into(),
        Value::Array(w.sent.iter().map(|p| p["extensions"].clone()).collect()),
    );
    // The world's secrets (`secrets`: strings of the input) that any action
    // handed out, raw or JSON-escaped: the expected list is empty.
    let leaks: Vec<Value> = world
        .get("secrets")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .filter(|x| {
                    let esc = Value::String((*x).to_string()).to_string();
                    w.emitted.contains(x) || w.emitted.contains(esc.trim_matches('"'))
                })
                .map(|x| json!(x))
                .collect()
        })
        .unwrap_or_default();
    outcomes.insert("leaks".into(), Value::Array(leaks));
    outcomes.insert("signed".into(), Value::Array(w.signed.clone()));
    outcomes.insert("sent".into(), Value::Array(w.sent.clone()));
    outcomes.insert(
        "state".into(),
        serde_json::from_str(&d.state_json()).expect("state"),
    );
    // Every log the world kept verifies under the audit key.
    let verify = presidio_x402_core::facade::call(
        "audit.verify",
        &json!({"key_hex": ak, "lines": w.lines, "expected_head": d.head().map(|h| json!({"seq": h.seq, "mac": h.mac}))}),
    );
    outcomes.insert("audit_verifies".into(), json!(verify.is_ok()));
    // Where the stored head is in the log: the lines after it (0: the log's
    // head), "not-in-log" when no line has its seq and mac, null without one.
    let lag = w.heads.as_ref().map(|h| {
        w.lines
            .iter()
            .rev()
            .position(|l| {
                let l: Value = serde_json::from_str(l).expect("line");
                l["seq"] == h["seq"] && l["mac"] == h["mac"]
            })
            .map_or(json!("not-in-log"), |n| json!(n))
    });
    outcomes.insert("head_lag".into(), lag.unwrap_or(Value::Null));
    outcomes.insert("cas_heads".into(), Value::Array(w.cas_heads.clone()));
    (
        json!({"transcript": transcript, "outcomes": Value::Object(outcomes)}),
        w.lines,
    )
}

#[test]
fn driver_scenarios() {
    let text = std::fs::read_to_string(dir().join("scenarios.json")).expect("scenarios.json");
    let doc: Value = serde_json::from_str(&text).expect("json");
    let mut transcripts = Vec::new();
    let mut failures = Vec::new();
    let mut n = 0;
    for g in doc["testGroups"].as_array().expect("groups") {
        for s in g["tests"].as_array().expect("tests") {
            n += 1;
            let (r, _) = run_scenario(s);
            let got = &r["outcomes"];
            if !expected_matches(&s["expected"], got) {
                failures.push(format!(
                    "tcId {} ({}):\n  expected {}\n  got      {}",
                    s["tcId"],
                    s["comment"].as_str().unwrap_or(""),
                    s["expected"],
                    got
                ));
            }
            transcripts.push(r["transcript"].clone());
        }
    }
    assert!(n > 0, "no driver scenarios");
    // Every span attribute key of every `done` is one of the core's table (named once).
    let keys: Vec<&str> = presidio_x402_core::driver::spans::ATTRIBUTES
        .iter()
        .map(|a| a.0)
        .collect();
    let mut spans = 0;
    for t in &transcripts {
        for c in t["crossings"].as_array().into_iter().flatten() {
            let out: Value =
                serde_json::from_str(c["output"].as_str().unwrap_or("null")).unwrap_or(Value::Null);
            let acts = out
                .get("actions")
                .unwrap_or(&out)
                .as_array()
                .cloned()
                .unwrap_or_default();
            for sp in acts
                .iter()
                .filter_map(|a| a.get("spans"))
                .filter_map(Value::as_array)
                .flatten()
            {
                spans += 1;
                for k in sp["attributes"].as_object().expect("attributes").keys() {
                    assert!(
                        keys.contains(&k.as_str()),
                        "span attribute {k} is not in spans::ATTRIBUTES"
                    );
                }
            }
        }
    }
    assert!(spans > 0, "no span plans");
    assert!(
        failures.is_empty(),
        "{} of {n} driver scenarios failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let crossings: usize = transcripts
        .iter()
        .map(|t| t["crossings"].as_array().map_or(0, Vec::len))
        .sum();
    let file = json!({"schema": "presidio-x402-driver-transcripts-v1", "scenarios": transcripts});
    let mut out = serde_json::to_string_pretty(&file).expect("json");
    out.push('\n');
    let path = dir().join("transcripts.json");
    if std::env::var_os("UPDATE_TRANSCRIPTS").is_some() {
        std::fs::write(&path, &out).expect("write transcripts");
    } else {
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(old == out, "vectors/driver/transcripts.json differs from the native driver: run UPDATE_TRANSCRIPTS=1 cargo test -p presidio-x402-core --release --test driver_vectors and review the diff");
    }
    println!("driver scenarios: {n} passed, {crossings} crossings recorded");
}
