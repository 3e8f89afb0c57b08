//! JSON façade operations for parsing, URLs, configuration, replay, policy
//! and the pipeline (see [`crate::api`]).

use crate::api::{str_field, u64_field};
use crate::challenge::{self, PaymentOffer};
use crate::config::GuardConfig;
use crate::error::{Code, ConfigError};
use crate::hex;
use crate::ledger;
use crate::money::Usd;
use crate::pipeline::{self, Assessment, Decision, HostResults, Outcome, PaymentContext};
use crate::policy::{self, GuardState, PolicyVerdict};
use crate::replay::{self, PaymentIdentity};
use crate::url::{self, EndpointKey};
use serde_json::{json, Value};

/// Runs a decision-side operation; `None` when `op` is not one of them.
pub(crate) fn call(op: &str, input: &Value) -> Option<Result<Value, Code>> {
    Some(match op {
        "url.normalize" => url_normalize(input),
        "url.endpoint-match" => endpoint_match(input),
        "challenge.parse" => challenge_parse(input),
        "config.validate" => Ok(config_validate(input)),
        "replay.fingerprint" => fingerprint(input),
        "policy.sequence" => policy_sequence(input),
        "pipeline.run" => pipeline_run(input),
        _ => return None,
    })
}

fn opt_str<'a>(v: &'a Value, k: &str) -> Result<Option<&'a str>, Code> {
    match v.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Code::InvalidInput),
    }
}

fn url_normalize(input: &Value) -> Result<Value, Code> {
    let u = url::parse(str_field(input, "url")?)?;
    Ok(json!({"url": u.to_url_string(), "origin": u.origin(), "path": u.path}))
}

fn endpoint_match(input: &Value) -> Result<Value, Code> {
    let key = EndpointKey::parse(str_field(input, "key")?)?;
    let u = url::parse(str_field(input, "url")?)?;
    Ok(json!({"matches": key.matches(&u), "key": key.canonical()}))
}

/// JSON form of an offer (amount as a decimal string).
pub(crate) fn offer_json(o: &PaymentOffer) -> Value {
    json!({
        "index": o.index,
        "scheme": o.scheme,
        "network": o.network,
        "network_raw": o.network_raw,
        "amount": o.amount.to_string(),
        "asset": o.asset,
        "pay_to": o.pay_to,
        "max_timeout_seconds": o.max_timeout_seconds,
        "resource_url": o.resource_url,
        "description": o.description,
        "mime_type": o.mime_type,
        "extra": o.extra,
    })
}

fn config_from(input: &Value) -> Result<GuardConfig, Code> {
    match input.get("config") {
        None | Some(Value::Null) => Ok(GuardConfig::default()),
        Some(c) => GuardConfig::from_value(c).map_err(|e| e[0].code),
    }
}

fn challenge_parse(input: &Value) -> Result<Value, Code> {
    let cfg = config_from(input)?;
    let ch = challenge::parse(opt_str(input, "header")?, opt_str(input, "body")?)?;
    let offers: Vec<Value> = ch
        .offers
        .iter()
        .map(|o| match o {
            Ok(o) => offer_json(o),
            Err(c) => json!({"error": c.as_str()}),
        })
        .collect();
    let selected = challenge::select(&ch, &cfg.networks, &cfg.assets)?;
    Ok(json!({
        "x402_version": ch.x402_version,
        "error": ch.error,
        "resource": ch.resource,
        "offers": offers,
        "selected": offer_json(selected),
    }))
}

fn errors_json(errs: &[ConfigError]) -> Value {
    Value::Array(errs.iter().map(|e| json!({"path": e.path, "code": e.code.as_str()})).collect())
}

fn config_validate(input: &Value) -> Value {
    let cfg = input.get("config").cloned().unwrap_or(Value::Null);
    match GuardConfig::from_value(&cfg) {
        Ok(c) => json!({
            "valid": true,
            "errors": [],
            "max_per_call_usd": c.max_per_call_usd.map(|u| u.to_string()),
            "daily_limit_usd": c.daily_limit_usd.map(|u| u.to_string()),
            "window_seconds": c.window_seconds,
            "per_endpoint": c.per_endpoint.iter().map(|(k, u)| json!([k.canonical(), u.to_string()])).collect::<Vec<_>>(),
            "trusted_wallets": c.trusted_wallets,
            "trusted_wallets_by_endpoint": c.trusted_wallets_by_endpoint.iter().map(|(k, w)| json!([k.canonical(), w])).collect::<Vec<_>>(),
            "networks": c.networks,
            "assets": c.assets.len(),
            "pii_entities": c.pii.entities.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
            "pii_action": c.pii.action.as_str(),
            "mpa_threshold": c.mpa.as_ref().map(|m| m.threshold),
        }),
        Err(e) => json!({"valid": false, "errors": errors_json(&e)}),
    }
}

fn key_from(input: &Value, k: &str) -> Result<Vec<u8>, Code> {
    hex::decode(str_field(input, k)?).ok_or(Code::InvalidInput)
}

fn fingerprint(input: &Value) -> Result<Value, Code> {
    let key = key_from(input, "key_hex")?;
    let u = url::parse(str_field(input, "url")?)?;
    let network = crate::assets::normalize_network(str_field(input, "network")?, 2)?;
    let amount = crate::money::parse_atomic(str_field(input, "amount")?)?;
    let id = PaymentIdentity {
        method: str_field(input, "method")?,
        url: &u,
        network: &network,
        asset: str_field(input, "asset")?,
        pay_to: str_field(input, "pay_to")?,
        amount,
        scheme: str_field(input, "scheme")?,
    };
    let fp = replay::fingerprint(&key, &id)?;
    Ok(json!({"fingerprint": fp, "encoding_hex": hex::encode(&replay::encode(&id))}))
}

/// Runs a sequence of policy steps on a fresh state:
/// `{"op":"pay","at_ms","usd","url"}`, `{"op":"commit"|"release","ref":<step>}`,
/// `{"op":"total","at_ms","key"?}`. Each step yields one result.
fn policy_sequence(input: &Value) -> Result<Value, Code> {
    let cfg = config_from(input)?;
    let steps = input.get("steps").and_then(Value::as_array).ok_or(Code::InvalidInput)?;
    let mut state = ledger::SpendState::default();
    let mut reservations: Vec<Option<ledger::Reservation>> = Vec::new();
    let mut out = Vec::new();
    for s in steps {
        let at = s.get("at_ms").and_then(Value::as_u64).unwrap_or(0);
        let r = match str_field(s, "op")? {
            "pay" => {
                let usd = Usd::parse(str_field(s, "usd")?)?;
                let u = url::parse(str_field(s, "url")?)?;
                match policy::evaluate(&cfg, &mut state, usd, &u, at, cfg.reservation_lease_seconds.saturating_mul(1000))? {
                    PolicyVerdict::Allow(r) => {
                        reservations.push(Some(r.clone()));
                        json!({"allowed": true, "reservation": r.id, "keys": r.keys})
                    }
                    PolicyVerdict::Deny(d) => {
                        reservations.push(None);
                        json!({"allowed": false, "code": d.code.as_str(), "limit_usd": d.limit.to_string(),
                               "current_usd": d.current.to_string()})
                    }
                }
            }
            op @ ("commit" | "release") => {
                let i = usize::try_from(u64_field(s, "ref")?).map_err(|_| Code::InvalidInput)?;
                let r = reservations.get(i).cloned().flatten().ok_or(Code::InvalidInput)?;
                if op == "commit" {
                    state.commit(&r)
                } else {
                    state.release(&r)
                }
                reservations.push(None);
                json!({"done": op})
            }
            "total" => {
                reservations.push(None);
                let key = opt_str(s, "key")?.map_or(policy::GLOBAL_KEY.to_string(), policy::endpoint_key);
                state.rebucket(ledger::bucket_ms_for(cfg.window_ms()));
                state.prune(at, cfg.window_ms());
                json!({"total_usd": state.window_total(&key, at, cfg.window_ms()).to_string(),
                       "open_reservations": state.reservations.len()})
            }
            _ => return Err(Code::InvalidInput),
        };
        out.push(r);
    }
    Ok(json!({"results": out}))
}

/// JSON summary of an assessment.
pub fn assessment_json(a: &Assessment) -> Value {
    let m = &a.metadata;
    json!({
        "blocked": a.blocked.map(Code::as_str),
        "x402_version": a.x402_version,
        "offer": a.offer.as_ref().map(offer_json),
        "requirements": a.requirements,
        "metadata": {
            "request_url": m.request_url, "resource_url": m.resource_url, "description": m.description,
            "reason": m.reason, "extra": m.extra, "resource_echo": m.resource_echo,
        },
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

/// JSON form of a decision.
pub fn decision_json(d: &Decision) -> Value {
    let metrics = pipeline::metrics_json(&d.metrics);
    json!({
        "allowed": d.allowed,
        "code": d.code.map(Code::as_str),
        "audit_line": d.audit_line,
        "head": {"seq": d.head.seq, "mac": d.head.mac},
        "metrics": metrics,
        "forget_fingerprint": d.forget_fingerprint,
    })
}

/// Runs whole payments through the pipeline on one fresh state, with a host
/// simulated by the steps: `assess` (a 402 context), then `finalize`
/// (`replay_fresh`, `votes`) and/or `settle` (`outcome`) on the latest
/// assessment. A simulated replay store is kept when `replay_fresh` is
/// `"store"`. Returns each step's JSON and, at the end, the audit log.
fn pipeline_run(input: &Value) -> Result<Value, Code> {
    let cfg = config_from(input)?;
    let replay_key = key_from(input, "replay_key_hex")?;
    let audit_key = key_from(input, "audit_key_hex")?;
    let steps = input.get("steps").and_then(Value::as_array).ok_or(Code::InvalidInput)?;
    let mut state = GuardState::default();
    let mut head = None;
    let mut lines = Vec::new();
    let mut seen: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    let mut last: Option<Assessment> = None;
    let mut out = Vec::new();
    for s in steps {
        let now = s.get("now_ms").and_then(Value::as_u64).unwrap_or(0);
        let r = match str_field(s, "op")? {
            "assess" => {
                let body = match s.get("body") {
                    Some(Value::String(b)) => Some(b.clone()),
                    Some(Value::Null) | None => None,
                    Some(other) => Some(other.to_string()),
                };
                let header = match s.get("header_json") {
                    Some(v) => Some(base64_json(v)),
                    None => opt_str(s, "header")?.map(str::to_string),
                };
                let ctx = PaymentContext {
                    method: opt_str(s, "method")?.unwrap_or("GET"),
                    request_url: str_field(s, "url")?,
                    payment_required: header.as_deref(),
                    body: body.as_deref(),
                    reason: opt_str(s, "reason")?.unwrap_or(""),
                    now_ms: now,
                };
                let hints = match s.get("hints") {
                    Some(h) => crate::pii::hints_from_json(h)?,
                    None => Vec::new(),
                };
                let a = pipeline::assess_with_hints(&cfg, &mut state, &ctx, &hints, &replay_key);
                let j = assessment_json(&a);
                last = Some(a);
                j
            }
            "finalize" => {
                let a = last.as_ref().ok_or(Code::InvalidInput)?;
                let fresh = match s.get("replay_fresh") {
                    Some(Value::Bool(b)) => Some(*b),
                    Some(Value::String(m)) if m == "store" => a.fingerprint.as_ref().map(|fp| {
                        let live = seen.get(fp).is_some_and(|&exp| exp > now);
                        if !live {
                            seen.insert(fp.clone(), now + a.replay_ttl_ms);
                        }
                        !live
                    }),
                    _ => None,
                };
                let votes = votes_from(&cfg, a, s, now)?;
                let io = HostResults { replay_fresh: fresh, votes };
                let d = pipeline::finalize(&cfg, &mut state, a, &io, &audit_key, head.as_ref(), now)?;
                if d.forget_fingerprint {
                    if let Some(fp) = &a.fingerprint {
                        seen.remove(fp);
                    }
                }
                lines.push(d.audit_line.clone());
                head = Some(d.head.clone());
                decision_json(&d)
            }
            "settle" => {
                let a = last.as_ref().ok_or(Code::InvalidInput)?;
                let outcome = match str_field(s, "outcome")? {
                    "settled" => Outcome::Settled,
                    c => Outcome::Failed(Code::parse(c).ok_or(Code::InvalidInput)?),
                };
                let d = pipeline::settle(&cfg, &mut state, a, outcome, &audit_key, head.as_ref(), now)?;
                if d.forget_fingerprint {
                    if let Some(fp) = &a.fingerprint {
                        seen.remove(fp);
                    }
                }
                lines.push(d.audit_line.clone());
                head = Some(d.head.clone());
                decision_json(&d)
            }
            _ => return Err(Code::InvalidInput),
        };
        out.push(r);
    }
    let verified = crate::audit::verify(&audit_key, &lines.iter().map(String::as_str).collect::<Vec<_>>(), None, head.as_ref()).is_ok();
    Ok(json!({"results": out, "audit_lines": lines, "audit_verifies": verified}))
}

fn base64_json(v: &Value) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(v.to_string())
}

fn votes_from(cfg: &GuardConfig, a: &Assessment, s: &Value, now: u64) -> Result<Vec<(String, crate::mpa::Vote)>, Code> {
    let sigs: Vec<(String, String)> = s
        .get("signatures")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())).collect())
        .unwrap_or_default();
    let mut hooks = Vec::new();
    for h in s.get("webhooks").and_then(Value::as_array).into_iter().flatten() {
        hooks.push(pipeline::WebhookAnswer {
            approver_id: str_field(h, "approver_id")?.to_string(),
            status: h.get("status").and_then(Value::as_u64).and_then(|x| u16::try_from(x).ok()).unwrap_or(200),
            body: opt_str(h, "body")?.unwrap_or("").as_bytes().to_vec(),
            hmac: opt_str(h, "hmac")?.map(str::to_string),
            timed_out: h.get("timed_out").and_then(Value::as_bool).unwrap_or(false),
        });
    }
    Ok(pipeline::judge_approvals(cfg, a, &sigs, &hooks, now))
}
