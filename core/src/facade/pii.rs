//! The `pii.*` operations.
//!
//! Common optional input fields: `entities` (array of entity names; default
//! all, empty finds nothing), `min_score` (0..=1000, per mille),
//! `template` (default `<REDACTED>`, `{entity_type}` is replaced) and
//! `action` (`redact`, `warn` or `block`; for `pii.redact` and
//! `pii.redact-json`), and `hints` (a host detector's findings:
//! `[{entity_type, text, score}]`; see [`pii::config_from_json`]).
//!
//! * `pii.scan` `{text}` → `{findings: [{entity_type, start, end, score, text}]}`
//! * `pii.redact` `{text}` → `{text, entities: [finding…]}`
//! * `pii.redact-json` `{value}` → `{value, entities: [{path, key, entity_type, start, end, score}]}`
//!   (keys are scanned too: `key` is true for a finding in an object key,
//!   whose `path` is the member's pointer after redaction)
//!
//! Offsets are UTF-8 byte offsets into the original string.

use crate::error::Code;
use crate::pii::{self, apply, apply_json, scan, Finding};
use serde_json::{json, Value};

/// Runs a `pii.*` operation; `None` when `op` is not one of them.
pub(super) fn call(op: &str, input: &Value) -> Option<Result<Value, Code>> {
    Some(match op {
        "pii.scan" => run_scan(input),
        "pii.redact" => run_redact(input),
        "pii.redact-json" => run_redact_json(input),
        _ => return None,
    })
}

fn finding_json(text: &str, f: &Finding) -> Value {
    json!({
        "entity_type": f.entity.as_str(),
        "start": f.start,
        "end": f.end,
        "score": f.score,
        "text": text.get(f.start..f.end).unwrap_or(""),
    })
}

fn text_field(input: &Value) -> Result<&str, Code> {
    input
        .get("text")
        .and_then(Value::as_str)
        .ok_or(Code::InvalidInput)
}

fn run_scan(input: &Value) -> Result<Value, Code> {
    let text = text_field(input)?;
    let cfg = pii::config_from_json(input)?;
    let found = scan(text, &cfg)?;
    Ok(json!({ "findings": found.iter().map(|f| finding_json(text, f)).collect::<Vec<_>>() }))
}

fn run_redact(input: &Value) -> Result<Value, Code> {
    let text = text_field(input)?;
    let cfg = pii::config_from_json(input)?;
    let r = apply(text, &cfg)?;
    Ok(json!({
        "text": r.text,
        "entities": r.findings.iter().map(|f| finding_json(text, f)).collect::<Vec<_>>(),
    }))
}

fn run_redact_json(input: &Value) -> Result<Value, Code> {
    let value = input.get("value").ok_or(Code::InvalidInput)?;
    let cfg = pii::config_from_json(input)?;
    let (v, found) = apply_json(value, &cfg)?;
    let entities: Vec<Value> = found
        .iter()
        .map(|j| {
            let f = &j.finding;
            json!({"path": j.path, "key": j.in_key, "entity_type": f.entity.as_str(), "start": f.start, "end": f.end, "score": f.score})
        })
        .collect();
    Ok(json!({ "value": v, "entities": entities }))
}
