//! The `audit.*` operations: `audit.append`, `audit.verify`,
//! `audit.verify-report` and `audit.verify-chains`.

use super::{key_field, u64_field};
use crate::audit::{
    append, verify, verify_chains, verify_text, AuditEvent, AuditFailure, Head, MIN_KEY_BYTES,
};
use crate::error::Code;
use serde_json::{json, Value};

fn head_field(input: &Value, k: &str) -> Result<Option<Head>, Code> {
    Head::from_json(input.get(k))
}

fn verify_input(input: &Value) -> Result<Result<Head, AuditFailure>, Code> {
    let key = key_field(input, "key_hex")?;
    let start = head_field(input, "start")?;
    let expected = head_field(input, "expected_head")?;
    if let Some(text) = input.get("text") {
        let text = text.as_str().ok_or(Code::InvalidInput)?;
        return Ok(verify_text(&key, text, start.as_ref(), expected.as_ref()));
    }
    let lines = input
        .get("lines")
        .and_then(Value::as_array)
        .ok_or(Code::InvalidInput)?;
    let lines: Vec<&str> = lines
        .iter()
        .map(|l| l.as_str().ok_or(Code::InvalidInput))
        .collect::<Result<_, _>>()?;
    Ok(verify(&key, &lines, start.as_ref(), expected.as_ref()))
}

/// `{ok, head, line, seq, code}` of one verification.
fn report_json(r: &Result<Head, AuditFailure>) -> Value {
    match r {
        Ok(h) => {
            json!({ "ok": true, "head": h.to_json(), "line": null, "seq": null, "code": null })
        }
        Err(f) => {
            json!({ "ok": false, "head": null, "line": f.line, "seq": f.seq, "code": f.code.as_str() })
        }
    }
}

/// Runs an `audit.*` operation; `None` when `op` is not one.
pub(super) fn call(op: &str, input: &Value) -> Option<Result<Value, Code>> {
    let r = match op {
        "audit.append" => (|| {
            let key = key_field(input, "key_hex")?;
            let head = head_field(input, "head")?;
            let event = AuditEvent::from_json(input.get("event").ok_or(Code::InvalidInput)?)?;
            let now = u64_field(input, "now_ms")?;
            let (line, head) = append(&key, head.as_ref(), &event, now)?;
            Ok(json!({ "line": line, "head": head.to_json() }))
        })(),
        "audit.verify" => verify_input(input).and_then(|r| match r {
            Ok(h) => Ok(json!({ "head": h.to_json() })),
            Err(f) => Err(f.code),
        }),
        "audit.verify-report" => verify_input(input).map(|r| report_json(&r)),
        "audit.verify-chains" => (|| {
            let key = key_field(input, "key_hex")?;
            let chains = input
                .get("chains")
                .and_then(Value::as_array)
                .ok_or(Code::InvalidInput)?;
            let chains: Vec<(&str, &str)> = chains
                .iter()
                .map(|c| {
                    match (
                        c.get("name").and_then(Value::as_str),
                        c.get("text").and_then(Value::as_str),
                    ) {
                        (Some(n), Some(t)) => Ok((n, t)),
                        _ => Err(Code::InvalidInput),
                    }
                })
                .collect::<Result<_, _>>()?;
            if key.len() < MIN_KEY_BYTES {
                return Err(Code::KeyTooShort);
            }
            let reports = verify_chains(&key, &chains)?;
            let ok = reports.iter().all(|r| r.result.is_ok());
            let list: Vec<Value> = reports
                .iter()
                .map(|r| {
                    let mut v = report_json(&r.result);
                    v["name"] = json!(r.name);
                    v["replica"] = json!(r.replica);
                    v
                })
                .collect();
            Ok(json!({ "ok": ok, "chains": list }))
        })(),
        _ => return None,
    };
    Some(r)
}
