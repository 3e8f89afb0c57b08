//! JSON readers of the PII settings the `pii.*` operations and the
//! component's `redact` take, and of a host detector's hints.
//!
//! Optional input fields: `entities` (array of entity names; default all,
//! empty finds nothing), `min_score` (0..=1000, per mille), `template`
//! (default `<REDACTED>`, `{entity_type}` is replaced; one that reads as
//! personal data is refused: [`super::template_reads_as_pii`]), `action` (`redact`,
//! `warn` or `block`) and `hints` (a host detector's findings:
//! `[{entity_type, text, score}]`, see [`PiiHint`]).

use super::{
    template_reads_as_pii, EntityType, PiiAction, PiiConfig, PiiHint, MAX_HINTS, MAX_TEMPLATE_BYTES,
};
use crate::error::Code;
use serde_json::Value;

/// Reads the optional configuration fields of an input object.
pub fn config_from_json(input: &Value) -> Result<PiiConfig, Code> {
    let mut cfg = PiiConfig::default();
    if let Some(e) = input.get("entities") {
        let arr = e.as_array().ok_or(Code::ConfigBadPii)?;
        cfg.entities = Vec::with_capacity(arr.len());
        for x in arr {
            let ent = x
                .as_str()
                .and_then(EntityType::parse)
                .ok_or(Code::ConfigBadPii)?;
            if !cfg.entities.contains(&ent) {
                cfg.entities.push(ent);
            }
        }
    }
    if let Some(m) = input.get("min_score") {
        let v = m
            .as_u64()
            .filter(|&v| v <= 1000)
            .ok_or(Code::ConfigBadPii)?;
        cfg.min_score = v as u16;
    }
    if let Some(t) = input.get("template") {
        let t = t
            .as_str()
            .filter(|t| t.len() <= MAX_TEMPLATE_BYTES && !template_reads_as_pii(t))
            .ok_or(Code::ConfigBadPii)?;
        cfg.template = t.to_string();
    }
    if let Some(a) = input.get("action") {
        cfg.action = a
            .as_str()
            .and_then(PiiAction::parse)
            .ok_or(Code::ConfigBadPii)?;
    }
    if let Some(h) = input.get("hints") {
        cfg.hints = hints_from_json(h)?;
    }
    Ok(cfg)
}

/// Reads host hints `[{entity_type, text, score}]` ([`PiiHint`]);
/// anything malformed, too many or too long is [`Code::InvalidInput`].
pub fn hints_from_json(v: &Value) -> Result<Vec<PiiHint>, Code> {
    let arr = v.as_array().ok_or(Code::InvalidInput)?;
    if arr.len() > MAX_HINTS {
        return Err(Code::InvalidInput);
    }
    let hints = arr
        .iter()
        .map(|h| {
            let entity = h
                .get("entity_type")
                .and_then(Value::as_str)
                .and_then(EntityType::parse);
            let text = h.get("text").and_then(Value::as_str);
            let score = h
                .get("score")
                .and_then(Value::as_u64)
                .filter(|&s| s <= 1000);
            match (entity, text, score) {
                (Some(entity), Some(text), Some(score)) => Ok(PiiHint {
                    entity,
                    text: text.to_string(),
                    score: score as u16,
                }),
                _ => Err(Code::InvalidInput),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    PiiHint::validate(&hints)?;
    Ok(hints)
}
