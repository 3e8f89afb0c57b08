//! The vector-only simulators: `policy.sequence` (policy steps on a fresh
//! ledger) and `pipeline.run` (whole payments through the pipeline, with a
//! host simulated by the steps). Hosts never need them; the golden vectors do.

use super::views::{assessment_json, decision_json};
use super::{config_field, key_field, opt_str, str_field, u64_field};
use crate::config::GuardConfig;
use crate::error::Code;
use crate::ledger;
use crate::money::Usd;
use crate::pipeline::{self, Assessment, HostResults, Outcome, PaymentContext};
use crate::policy::{self, GuardState, PolicyVerdict};
use crate::url;
use serde_json::Value;

/// Runs one of these operations; `None` when `op` is not one of them.
pub(super) fn call(op: &str, input: &Value) -> Option<Result<Value, Code>> {
    Some(match op {
        "policy.sequence" => policy_sequence(input),
        "pipeline.run" => pipeline_run(input),
        _ => return None,
    })
}

/// Runs a sequence of policy steps on a fresh state:
/// `{"op":"pay","at_ms","usd","url"}`, `{"op":"commit"|"release","ref":<step>}`,
/// `{"op":"total","at_ms","key"?}`. Each step yields one result.
fn policy_sequence(input: &Value) -> Result<Value, Code> {
    let cfg = config_field(input)?;
    let steps = input
        .get("steps")
        .and_then(Value::as_array)
        .ok_or(Code::InvalidInput)?;
    let mut state = ledger::SpendState::default();
    let mut reservations: Vec<Option<ledger::Reservation>> = Vec::new();
    let mut out = Vec::new();
    for s in steps {
        let at = s.get("at_ms").and_then(Value::as_u64).unwrap_or(0);
        let r = match str_field(s, "op")? {
            "pay" => {
                let usd = Usd::parse(str_field(s, "usd")?)?;
                let u = url::parse(str_field(s, "url")?)?;
                match policy::evaluate(
                    &cfg,
                    &mut state,
                    usd,
                    &u,
                    at,
                    cfg.reservation_lease_seconds.saturating_mul(1000),
                )? {
                    PolicyVerdict::Allow(r) => {
                        reservations.push(Some(r.clone()));
                        obj!(("allowed", true), ("reservation", r.id), ("keys", r.keys))
                    }
                    PolicyVerdict::Deny(d) => {
                        reservations.push(None);
                        let mut out = obj!(
                            ("allowed", false),
                            ("code", d.code.as_str()),
                            ("limit_usd", d.limit.to_string()),
                            ("current_usd", d.current.to_string())
                        );
                        if let Some(words) = policy::limit_words(d.code) {
                            out["message"] = Value::String(format!(
                                "{words}: {} spent + {usd} > limit {} USD",
                                d.current, d.limit
                            ));
                        }
                        out
                    }
                }
            }
            op @ ("commit" | "release") => {
                let i = usize::try_from(u64_field(s, "ref")?).map_err(|_| Code::InvalidInput)?;
                let r = reservations
                    .get(i)
                    .cloned()
                    .flatten()
                    .ok_or(Code::InvalidInput)?;
                if op == "commit" {
                    state.commit(&r)
                } else {
                    state.release(&r)
                }
                reservations.push(None);
                obj!(("done", op))
            }
            "total" => {
                reservations.push(None);
                let key =
                    opt_str(s, "key")?.map_or(policy::GLOBAL_KEY.to_string(), policy::endpoint_key);
                state.rebucket(ledger::bucket_ms_for(cfg.window_ms()));
                state.prune(at, cfg.window_ms());
                obj!(
                    (
                        "total_usd",
                        state.window_total(&key, at, cfg.window_ms()).to_string()
                    ),
                    ("open_reservations", state.reservations.len())
                )
            }
            _ => return Err(Code::InvalidInput),
        };
        out.push(r);
    }
    Ok(obj!(("results", out)))
}

/// Runs whole payments through the pipeline on one fresh state, with a host
/// simulated by the steps: `assess` (a 402 context), then `finalize`
/// (`replay_fresh`, `votes`) and/or `settle` (`outcome`) on the latest
/// assessment. A simulated replay store is kept when `replay_fresh` is
/// `"store"`. Returns each step's JSON and, at the end, the audit log.
fn pipeline_run(input: &Value) -> Result<Value, Code> {
    let cfg = config_field(input)?;
    let replay_key = key_field(input, "replay_key_hex")?;
    let audit_key = key_field(input, "audit_key_hex")?;
    let steps = input
        .get("steps")
        .and_then(Value::as_array)
        .ok_or(Code::InvalidInput)?;
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
                    request_body_sha256: opt_str(s, "request_body_sha256")?,
                    idempotency_key: opt_str(s, "idempotency_key")?,
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
                let io = HostResults {
                    replay_fresh: fresh,
                    votes,
                };
                let d =
                    pipeline::finalize(&cfg, &mut state, a, &io, &audit_key, head.as_ref(), now)?;
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
                let d =
                    pipeline::settle(&cfg, &mut state, a, outcome, &audit_key, head.as_ref(), now)?;
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
    let verified = crate::audit::verify(
        &audit_key,
        &lines.iter().map(String::as_str).collect::<Vec<_>>(),
        None,
        head.as_ref(),
    )
    .is_ok();
    Ok(obj!(
        ("results", out),
        ("audit_lines", lines),
        ("audit_verifies", verified)
    ))
}

fn base64_json(v: &Value) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(v.to_string())
}

fn votes_from(
    cfg: &GuardConfig,
    a: &Assessment,
    s: &Value,
    now: u64,
) -> Result<Vec<(String, crate::mpa::Vote)>, Code> {
    let sigs: Vec<(String, String)> = s
        .get("signatures")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    let mut hooks = Vec::new();
    for h in s
        .get("webhooks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        hooks.push(pipeline::WebhookAnswer {
            approver_id: str_field(h, "approver_id")?.to_string(),
            status: h
                .get("status")
                .and_then(Value::as_u64)
                .and_then(|x| u16::try_from(x).ok())
                .unwrap_or(200),
            body: opt_str(h, "body")?.unwrap_or("").as_bytes().to_vec(),
            hmac: opt_str(h, "hmac")?.map(str::to_string),
            timed_out: h.get("timed_out").and_then(Value::as_bool).unwrap_or(false),
        });
    }
    Ok(pipeline::judge_approvals(cfg, a, &sigs, &hooks, now))
}
