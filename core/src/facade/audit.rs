//! The `audit.*` operations: `audit.append`, `audit.verify`,
//! `audit.verify-report`, `audit.verify-chains`, `audit.report` and
//! `audit.repair-tail`.

use super::{key_field, u64_field};
use crate::audit::{
    append, repair_tail, verify_chains, AuditEvent, AuditFailure, ChainVerifier, Head, HeadCheck,
    MIN_KEY_BYTES, TAIL_WINDOW_BYTES,
};
use crate::error::Code;
use base64::Engine as _;
use serde_json::{json, Value};

fn head_field(input: &Value, k: &str) -> Result<Option<Head>, Code> {
    Head::from_json(input.get(k))
}

/// One log's verification and how it compares with the stored head.
type Verified = (Result<Head, AuditFailure>, HeadCheck);

fn verify_input(input: &Value) -> Result<Verified, Code> {
    let key = key_field(input, "key_hex")?;
    let start = head_field(input, "start")?;
    let expected = head_field(input, "expected_head")?;
    let stored = head_field(input, "stored_head")?;
    let v = match (&stored, &start, &expected) {
        (None, _, _) => ChainVerifier::new(&key, start.as_ref(), expected.as_ref()),
        (Some(s), None, None) => ChainVerifier::with_stored_head(&key, s),
        _ => return Err(Code::InvalidInput),
    };
    let mut v = match v {
        Ok(v) => v,
        Err(f) => return Ok((Err(f), HeadCheck::Unchecked)),
    };
    let result = if let Some(text) = input.get("text") {
        let text = text.as_str().ok_or(Code::InvalidInput)?;
        crate::audit::verify_text_with(v, text)
    } else {
        let lines = input
            .get("lines")
            .and_then(Value::as_array)
            .ok_or(Code::InvalidInput)?;
        let lines: Vec<&str> = lines
            .iter()
            .map(|l| l.as_str().ok_or(Code::InvalidInput))
            .collect::<Result<_, _>>()?;
        lines
            .iter()
            .try_for_each(|l| v.push(l))
            .and_then(|()| v.finish())
    };
    let reached = stored.as_ref().or(expected.as_ref());
    let check = match (&result, reached) {
        (Ok(h), Some(s)) => HeadCheck::Reached(h.seq - s.seq),
        _ => HeadCheck::Unchecked,
    };
    Ok((result, check))
}

fn head_check_json(c: HeadCheck) -> (Value, Value) {
    match c {
        HeadCheck::Unchecked => (json!("unchecked"), Value::Null),
        HeadCheck::Reached(0) => (json!("equal"), json!(0)),
        HeadCheck::Reached(n) => (json!("ahead"), json!(n)),
    }
}

/// `{ok, head, line, seq, code, head_check, past_head}` of one verification:
/// `head_check` is `equal` (the log ends at the stored or expected head),
/// `ahead` (`past_head` lines past a stored head) or `unchecked`.
fn report_json(r: &Result<Head, AuditFailure>, check: HeadCheck) -> Value {
    let (head_check, past_head) = head_check_json(check);
    match r {
        Ok(h) => {
            obj!(
                ("ok", true),
                ("head", h.to_json()),
                ("line", Value::Null),
                ("seq", Value::Null),
                ("code", Value::Null),
                ("head_check", head_check),
                ("past_head", past_head)
            )
        }
        Err(f) => {
            obj!(
                ("ok", false),
                ("head", Value::Null),
                ("line", f.line),
                ("seq", f.seq),
                ("code", f.code.as_str()),
                ("head_check", head_check),
                ("past_head", past_head)
            )
        }
    }
}

/// The `heads` member: replica id → `{seq, mac}` (`null` or absent: none
/// given), in replica order (a JSON object's members are sorted).
fn heads_field(input: &Value) -> Result<Option<Vec<(String, Head)>>, Code> {
    match input.get("heads") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(r, h)| match Head::from_json(Some(h))? {
                Some(h) => Ok((r.clone(), h)),
                None => Err(Code::InvalidInput),
            })
            .collect::<Result<_, _>>()
            .map(Some),
        Some(_) => Err(Code::InvalidInput),
    }
}

/// The `chains` member: `[{name, text}]`.
fn chains_field(input: &Value) -> Result<Vec<(&str, &str)>, Code> {
    input
        .get("chains")
        .and_then(Value::as_array)
        .ok_or(Code::InvalidInput)?
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
        .collect()
}

/// `audit.repair-tail`: `{tail_base64, offset}` (the file's last
/// min(size, 64 KiB) bytes and where they start) to `{action, at, head}`.
fn repair_tail_json(input: &Value) -> Result<Value, Code> {
    let b64 = super::str_field(input, "tail_base64")?;
    if b64.len() > TAIL_WINDOW_BYTES.div_ceil(3) * 4 {
        return Err(Code::InvalidInput);
    }
    let window = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| Code::InvalidInput)?;
    let r = repair_tail(&window, u64_field(input, "offset")?)?;
    Ok(obj!(
        ("action", r.action.as_str()),
        ("at", r.at),
        ("head", r.head.as_ref().map_or(Value::Null, Head::to_json))
    ))
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
            Ok(obj!(("line", line), ("head", head.to_json())))
        })(),
        "audit.repair-tail" => repair_tail_json(input),
        "audit.verify" => verify_input(input).and_then(|(r, _)| match r {
            Ok(h) => Ok(obj!(("head", h.to_json()))),
            Err(f) => Err(f.code),
        }),
        "audit.verify-report" => verify_input(input).map(|(r, c)| report_json(&r, c)),
        "audit.report" => (|| {
            let key = key_field(input, "key_hex")?;
            let chains = chains_field(input)?;
            let heads = heads_field(input)?;
            let r = crate::audit::report(&key, &chains, heads.as_deref())?;
            // `json` is the report's canonical text (hosts parse it and write it as is).
            Ok(obj!(
                ("json", r.to_json_text()),
                ("markdown", r.to_markdown())
            ))
        })(),
        "audit.verify-chains" => (|| {
            let key = key_field(input, "key_hex")?;
            let chains = chains_field(input)?;
            if key.len() < MIN_KEY_BYTES {
                return Err(Code::KeyTooShort);
            }
            let heads = heads_field(input)?;
            let d = verify_chains(&key, &chains, heads.as_deref())?;
            let list: Vec<Value> = d
                .chains
                .iter()
                .map(|r| {
                    let mut v = report_json(&r.result, r.head_check);
                    v["name"] = json!(r.name);
                    v["replica"] = json!(r.replica);
                    v["stored_head"] = r.stored_head.as_ref().map_or(Value::Null, Head::to_json);
                    v
                })
                .collect();
            let missing: Vec<Value> = d
                .missing
                .iter()
                .map(|m| {
                    obj!(
                        ("replica", m.replica),
                        ("stored_head", m.stored_head.to_json()),
                        ("code", Code::AuditLogMissing.as_str())
                    )
                })
                .collect();
            Ok(obj!(
                ("ok", d.ok()),
                ("chains", list),
                ("missing", missing),
                ("truncation_checked", d.truncation_checked)
            ))
        })(),
        _ => return None,
    };
    Some(r)
}
