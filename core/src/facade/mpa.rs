//! The `mpa.*` operations: configuration, requests, countersignatures,
//! pre-approvals, webhook judging, tallies and webhook addresses.

use super::views::{config_errors_json, problems_json};
use super::{str_field, u64_field};
use crate::error::Code;
use crate::money::parse_atomic;
use crate::money::Usd;
use crate::mpa::{
    begin, countersign, decide, is_private_host, judge_webhook_response, tally,
    verify_countersignatures, ApprovalRequest, ApproverMode, Begin, Decision, MpaConfig,
    PaymentFields, Preapproval, Purchase, Vote, WebhookAnswer,
};
use serde_json::{json, Map, Value};

fn mpa_config_field(input: &Value) -> Result<MpaConfig, Code> {
    let v = input.get("config").ok_or(Code::InvalidInput)?;
    MpaConfig::from_json(v, "mpa").map_err(|e| e.first().map_or(Code::ConfigMalformed, |e| e.code))
}

fn request_field(input: &Value) -> Result<ApprovalRequest, Code> {
    ApprovalRequest::from_json(input.get("request").ok_or(Code::InvalidInput)?)
}

fn payment_from_json(v: &Value) -> Result<(PaymentFields, u64), Code> {
    let mut m: Map<String, Value> = v.as_object().cloned().ok_or(Code::InvalidInput)?;
    m.insert("request_id".into(), Value::String("0".repeat(32)));
    m.insert("expires_at_ms".into(), json!(0));
    let r = ApprovalRequest::from_json(&Value::Object(m))?;
    Ok((r.payment, 0))
}

fn vote_json(v: Vote) -> Value {
    let code = match v {
        Vote::Bad(c) => Value::String(c.as_str().into()),
        _ => Value::Null,
    };
    obj!(("vote", v.as_str()), ("code", code))
}

fn vote_from_str(s: &str) -> Option<Vote> {
    Some(match s {
        "approve" => Vote::Approve,
        "deny" => Vote::Deny,
        "timeout" => Vote::Timeout,
        "bad" => Vote::Bad(Code::MpaBadResponse),
        _ => return None,
    })
}

fn opt_text(v: &Value, k: &str) -> Result<Option<String>, Code> {
    match v.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Code::InvalidInput),
    }
}

/// `amount_usd` as a JSON number or a decimal string.
fn usd_field(v: &Value, k: &str) -> Result<Usd, Code> {
    match v.get(k) {
        Some(Value::Number(n)) => Usd::parse(&n.to_string()),
        Some(Value::String(s)) => Usd::parse(s),
        _ => Err(Code::InvalidInput),
    }
}

fn purchase_from_json(v: &Value) -> Result<Purchase, Code> {
    let s = |k: &str| str_field(v, k).map(str::to_string);
    Ok(Purchase {
        resource_url: s("resource_url")?,
        method: opt_text(v, "method")?.unwrap_or_else(|| "GET".into()),
        network: s("network")?,
        asset: s("asset")?,
        pay_to: s("pay_to")?,
        amount: opt_text(v, "amount")?
            .map(|a| parse_atomic(&a))
            .transpose()?,
        scheme: opt_text(v, "scheme")?.unwrap_or_else(|| "exact".into()),
        agent_id: opt_text(v, "agent_id")?,
    })
}

fn answers_from_json(v: &Value) -> Result<Vec<WebhookAnswer>, Code> {
    let list = v.as_array().ok_or(Code::InvalidInput)?;
    list.iter()
        .map(|w| {
            Ok(WebhookAnswer {
                approver_id: str_field(w, "approver_id")?.to_string(),
                status: u16::try_from(u64_field(w, "status")?).map_err(|_| Code::InvalidInput)?,
                body: opt_text(w, "body")?.unwrap_or_default().into_bytes(),
                hmac: opt_text(w, "hmac")?,
                timed_out: match w.get("timed_out") {
                    None | Some(Value::Null) => false,
                    Some(t) => t.as_bool().ok_or(Code::InvalidInput)?,
                },
            })
        })
        .collect()
}

fn sigs_from_json(v: Option<&Value>) -> Result<Vec<(String, String)>, Code> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    v.as_array()
        .ok_or(Code::InvalidInput)?
        .iter()
        .map(|p| match p.as_array().map(Vec::as_slice) {
            Some([Value::String(a), Value::String(s)]) => Ok((a.clone(), s.clone())),
            _ => Err(Code::InvalidInput),
        })
        .collect()
}

fn op(op: &str, input: &Value) -> Result<Value, Code> {
    match op {
        "mpa.config" => {
            let cfg = input.get("config").ok_or(Code::InvalidInput)?;
            let prefix = input
                .get("path_prefix")
                .and_then(Value::as_str)
                .unwrap_or("mpa");
            Ok(match MpaConfig::from_json(cfg, prefix) {
                Ok(c) => {
                    obj!(
                        ("ok", true),
                        ("config", c.summary()),
                        ("errors", Value::Array(Vec::new()))
                    )
                }
                Err(es) => {
                    obj!(
                        ("ok", false),
                        ("config", Value::Null),
                        ("errors", config_errors_json(&es))
                    )
                }
            })
        }
        "mpa.request" => {
            let (payment, _) = payment_from_json(input.get("payment").ok_or(Code::InvalidInput)?)?;
            let r = ApprovalRequest::new(
                payment,
                u64_field(input, "now_ms")?,
                u64_field(input, "timeout_ms")?,
            )?;
            Ok(obj!(
                ("request_id", r.request_id.as_str()),
                ("expires_at_ms", r.expires_at_ms),
                ("canonical", r.canonical()),
                ("request", r.to_json())
            ))
        }
        "mpa.preapprove" => {
            let amount = parse_atomic(str_field(input, "amount")?)?;
            let method = input.get("method").and_then(Value::as_str).unwrap_or("GET");
            let scheme = input
                .get("scheme")
                .and_then(Value::as_str)
                .unwrap_or("exact");
            let p = Preapproval::new(
                method,
                str_field(input, "url")?,
                str_field(input, "network")?,
                str_field(input, "asset")?,
                str_field(input, "pay_to")?,
                amount,
                scheme,
            )?;
            let not_after = u64_field(input, "not_after_ms")?;
            let token = p.token(str_field(input, "secret")?.as_bytes(), not_after)?;
            Ok(obj!(
                ("token", token),
                ("canonical", p.canonical(not_after))
            ))
        }
        "mpa.countersign" => {
            let sig = countersign(
                str_field(input, "secret")?.as_bytes(),
                &request_field(input)?,
            )?;
            Ok(obj!(("signature", sig)))
        }
        "mpa.verify" => {
            let cfg = mpa_config_field(input)?;
            let req = request_field(input)?;
            let sigs = input
                .get("signatures")
                .and_then(Value::as_array)
                .ok_or(Code::InvalidInput)?;
            let sigs: Vec<(String, String)> = sigs
                .iter()
                .map(|p| match p.as_array().map(Vec::as_slice) {
                    Some([Value::String(a), Value::String(s)]) => Ok((a.clone(), s.clone())),
                    _ => Err(Code::InvalidInput),
                })
                .collect::<Result<_, _>>()?;
            let t = verify_countersignatures(&cfg, &req, &sigs, u64_field(input, "now_ms")?);
            t.verdict?;
            Ok(obj!(
                ("approved", true),
                ("approvals", t.approvals),
                ("threshold", t.threshold),
                ("approved_by", t.approved_by),
                ("problems", problems_json(&t.problems))
            ))
        }
        "mpa.judge-webhook" => {
            let cfg = mpa_config_field(input)?;
            let req = request_field(input)?;
            let status =
                u16::try_from(u64_field(input, "status")?).map_err(|_| Code::InvalidInput)?;
            let header = match input.get("hmac_header") {
                None | Some(Value::Null) => None,
                Some(h) => Some(h.as_str().ok_or(Code::InvalidInput)?),
            };
            let timed_out = match input.get("timed_out") {
                None => false,
                Some(t) => t.as_bool().ok_or(Code::InvalidInput)?,
            };
            let body = str_field(input, "body")?;
            let v = judge_webhook_response(
                &cfg,
                str_field(input, "approver_id")?,
                &req,
                status,
                body.as_bytes(),
                header,
                timed_out,
            );
            Ok(vote_json(v))
        }
        "mpa.tally" => {
            let cfg = mpa_config_field(input)?;
            let votes = input
                .get("votes")
                .and_then(Value::as_array)
                .ok_or(Code::InvalidInput)?;
            let votes: Vec<(String, Vote)> = votes
                .iter()
                .map(|v| {
                    let id = str_field(v, "approver_id")?.to_string();
                    let vote = vote_from_str(str_field(v, "vote")?).ok_or(Code::InvalidInput)?;
                    Ok((id, vote))
                })
                .collect::<Result<_, Code>>()?;
            let n = tally(&cfg, &votes)?;
            Ok(obj!(
                ("approved", true),
                ("approvals", n),
                ("threshold", cfg.threshold)
            ))
        }
        "mpa.begin" => {
            let cfg = mpa_config_field(input)?;
            let p = purchase_from_json(input.get("payment").ok_or(Code::InvalidInput)?)?;
            let now = u64_field(input, "now_ms")?;
            Ok(
                match begin(&cfg, &p, usd_field(input, "amount_usd")?, now)? {
                    Begin::Exempt => {
                        obj!(
                            ("required", false),
                            ("request", Value::Null),
                            ("webhooks", Value::Array(Vec::new())),
                            ("countersign", Value::Null)
                        )
                    }
                    Begin::Required {
                        request: r,
                        deadline_ms,
                    } => {
                        let body = r.canonical();
                        let webhooks: Vec<Value> = cfg
                            .approvers
                            .iter()
                            .filter_map(|a| match &a.mode {
                                ApproverMode::Webhook { url, .. } => Some(obj!(
                                    ("approver_id", a.id.as_str()),
                                    ("url", url.as_str()),
                                    ("body", body.as_str()),
                                    ("deadline_ms", deadline_ms),
                                    (
                                        "headers",
                                        obj!(
                                            ("content-type", "application/json"),
                                            ("x-mpa-request-id", r.request_id.as_str())
                                        )
                                    )
                                )),
                                ApproverMode::Crypto { .. } | ApproverMode::Human => None,
                            })
                            .collect();
                        obj!(
                            ("required", true),
                            ("request", r.to_json()),
                            ("request_id", r.request_id.as_str()),
                            ("expires_at_ms", r.expires_at_ms),
                            ("canonical", body.as_str()),
                            ("deadline_ms", deadline_ms),
                            ("webhooks", webhooks),
                            (
                                "countersign",
                                obj!(
                                    ("request", body.as_str()),
                                    ("request_json", r.to_json()),
                                    ("deadline_ms", deadline_ms)
                                )
                            )
                        )
                    }
                },
            )
        }
        "mpa.decide" => {
            let cfg = mpa_config_field(input)?;
            let req = request_field(input)?;
            let sigs = sigs_from_json(input.get("signatures"))?;
            let answers = match input.get("webhooks") {
                None | Some(Value::Null) => None,
                Some(w) => Some(answers_from_json(w)?),
            };
            let d = decide(
                &cfg,
                &req,
                &sigs,
                answers.as_deref(),
                u64_field(input, "now_ms")?,
            );
            let message = d.message();
            Ok(match d {
                Decision::AskWebhooks => obj!(("verdict", "ask-webhooks"), ("message", message)),
                Decision::Verdict {
                    verdict,
                    approvals,
                    threshold,
                    approved_by,
                    problems,
                } => {
                    obj!(
                        (
                            "verdict",
                            if verdict.is_ok() {
                                "approved"
                            } else {
                                "refused"
                            }
                        ),
                        ("code", verdict.err().map(|c| c.as_str())),
                        ("approvals", approvals),
                        ("threshold", threshold),
                        ("approved_by", approved_by),
                        ("problems", problems_json(&problems)),
                        ("message", message)
                    )
                }
            })
        }
        "mpa.webhook-address" => {
            let addr = str_field(input, "address")?;
            let allow = input
                .get("allow_private")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let private = is_private_host(addr)?;
            Ok(obj!(("private", private), ("allowed", allow || !private)))
        }
        _ => Err(Code::InvalidInput),
    }
}

/// Runs an `mpa.*` operation; `None` when `op` is not one (every other
/// `mpa.` name is [`Code::InvalidInput`]).
pub(super) fn call(name: &str, input: &Value) -> Option<Result<Value, Code>> {
    name.starts_with("mpa.").then(|| op(name, input))
}
