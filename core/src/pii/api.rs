//! The `pii.*` operations of the JSON façade (`crate::api::call`).
//!
//! Common optional input fields: `entities` (array of entity names; default
//! all, empty finds nothing), `min_score` (0..=1000, per mille),
//! `template` (default `<REDACTED>`, `{entity_type}` is replaced) and
//! `action` (`redact`, `warn` or `block`; for `pii.redact` and
//! `pii.redact-json`), and `hints` (a host detector's findings:
//! `[{entity_type, text, score}]`, see [`super::PiiHint`]).
//!
//! * `pii.scan` `{text}` → `{findings: [{entity_type, start, end, score, text}]}`
//! * `pii.redact` `{text}` → `{text, entities: [finding…]}`
//! * `pii.redact-json` `{value}` → `{value, entities: [{path, entity_type, start, end, score}]}`
//!
//! Offsets are UTF-8 byte offsets into the original string.

use super::{apply, apply_json, scan, EntityType, Finding, PiiAction, PiiConfig, MAX_TEMPLATE_BYTES};
use crate::error::Code;
use serde_json::{json, Value};

/// The operation names this module answers.
pub const OPERATIONS: &[&str] = &["pii.scan", "pii.redact", "pii.redact-json"];

/// Runs a `pii.*` operation; `None` when `op` is not one of [`OPERATIONS`].
pub fn api_call(op: &str, input: &Value) -> Option<Result<Value, Code>> {
    Some(match op {
        "pii.scan" => run_scan(input),
        "pii.redact" => run_redact(input),
        "pii.redact-json" => run_redact_json(input),
        _ => return None,
    })
}

/// Reads the optional configuration fields of an input object.
pub fn config_from_json(input: &Value) -> Result<PiiConfig, Code> {
    let mut cfg = PiiConfig::default();
    if let Some(e) = input.get("entities") {
        let arr = e.as_array().ok_or(Code::ConfigBadPii)?;
        cfg.entities = Vec::with_capacity(arr.len());
        for x in arr {
            let ent = x.as_str().and_then(EntityType::parse).ok_or(Code::ConfigBadPii)?;
            if !cfg.entities.contains(&ent) {
                cfg.entities.push(ent);
            }
        }
    }
    if let Some(m) = input.get("min_score") {
        let v = m.as_u64().filter(|&v| v <= 1000).ok_or(Code::ConfigBadPii)?;
        cfg.min_score = v as u16;
    }
    if let Some(t) = input.get("template") {
        let t = t.as_str().filter(|t| t.len() <= MAX_TEMPLATE_BYTES).ok_or(Code::ConfigBadPii)?;
        cfg.template = t.to_string();
    }
    if let Some(a) = input.get("action") {
        cfg.action = a.as_str().and_then(PiiAction::parse).ok_or(Code::ConfigBadPii)?;
    }
    if let Some(h) = input.get("hints") {
        cfg.hints = hints_from_json(h)?;
    }
    Ok(cfg)
}

/// Reads host hints `[{entity_type, text, score}]` ([`super::PiiHint`]);
/// anything malformed, too many or too long is [`Code::InvalidInput`].
pub fn hints_from_json(v: &Value) -> Result<Vec<super::PiiHint>, Code> {
    let arr = v.as_array().ok_or(Code::InvalidInput)?;
    if arr.len() > super::MAX_HINTS {
        return Err(Code::InvalidInput);
    }
    let hints = arr
        .iter()
        .map(|h| {
            let entity = h.get("entity_type").and_then(Value::as_str).and_then(EntityType::parse);
            let text = h.get("text").and_then(Value::as_str);
            let score = h.get("score").and_then(Value::as_u64).filter(|&s| s <= 1000);
            match (entity, text, score) {
                (Some(entity), Some(text), Some(score)) => {
                    Ok(super::PiiHint { entity, text: text.to_string(), score: score as u16 })
                }
                _ => Err(Code::InvalidInput),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    super::PiiHint::validate(&hints)?;
    Ok(hints)
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
    input.get("text").and_then(Value::as_str).ok_or(Code::InvalidInput)
}

fn run_scan(input: &Value) -> Result<Value, Code> {
    let text = text_field(input)?;
    let cfg = config_from_json(input)?;
    let found = scan(text, &cfg)?;
    Ok(json!({ "findings": found.iter().map(|f| finding_json(text, f)).collect::<Vec<_>>() }))
}

fn run_redact(input: &Value) -> Result<Value, Code> {
    let text = text_field(input)?;
    let cfg = config_from_json(input)?;
    let r = apply(text, &cfg)?;
    Ok(json!({
        "text": r.text,
        "entities": r.findings.iter().map(|f| finding_json(text, f)).collect::<Vec<_>>(),
    }))
}

fn run_redact_json(input: &Value) -> Result<Value, Code> {
    let value = input.get("value").ok_or(Code::InvalidInput)?;
    let cfg = config_from_json(input)?;
    let (v, found) = apply_json(value, &cfg)?;
    let entities: Vec<Value> = found
        .iter()
        .map(|(p, f)| json!({"path": p, "entity_type": f.entity.as_str(), "start": f.start, "end": f.end, "score": f.score}))
        .collect();
    Ok(json!({ "value": v, "entities": entities }))
}
