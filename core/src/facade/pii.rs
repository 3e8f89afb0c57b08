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
//!   whose `path` is the member's pointer after redaction; the pointers of
//!   all findings together are capped at [`pii::MAX_JSON_PATH_BYTES`], more
//!   is `pii-input-too-large`)
//!
//! Offsets are UTF-8 byte offsets into the original string.
//!
//! [`call_text`] writes the same answers as JSON text directly (what
//! [`super::call_json`] returns): a 16 KiB value can hold thousands of
//! findings, and building a JSON object per finding only to serialise it cost
//! several times the scan itself.

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

/// Runs a `pii.*` operation and writes its answer as JSON text, byte for byte
/// the serialisation of [`call`]'s value (keys in order, compact); `None`
/// when `op` is not one of them.
pub(super) fn call_text(op: &str, input: &Value) -> Option<Result<String, Code>> {
    Some(
        match op {
            "pii.scan" => text_field(input).and_then(|text| {
                let cfg = pii::config_from_json(input)?;
                let found = scan(text, &cfg)?;
                let mut w = Vec::with_capacity(64 + found.len() * 80);
                w.extend_from_slice(b"{\"findings\":");
                findings_text(&mut w, text, &found);
                w.push(b'}');
                Ok(w)
            }),
            "pii.redact" => text_field(input).and_then(|text| {
                let cfg = pii::config_from_json(input)?;
                let r = apply(text, &cfg)?;
                let mut w = Vec::with_capacity(text.len() + 64 + r.findings.len() * 80);
                w.extend_from_slice(b"{\"entities\":");
                findings_text(&mut w, text, &r.findings);
                w.extend_from_slice(b",\"text\":");
                string_text(&mut w, &r.text);
                w.push(b'}');
                Ok(w)
            }),
            "pii.redact-json" => (|| {
                let value = input.get("value").ok_or(Code::InvalidInput)?;
                let cfg = pii::config_from_json(input)?;
                let (v, found) = apply_json(value, &cfg)?;
                let mut w = Vec::with_capacity(64 + found.len() * 100);
                w.extend_from_slice(b"{\"entities\":[");
                for (i, j) in found.iter().enumerate() {
                    let f = &j.finding;
                    if i > 0 {
                        w.push(b',');
                    }
                    w.extend_from_slice(b"{\"end\":");
                    number_text(&mut w, f.end);
                    w.extend_from_slice(b",\"entity_type\":\"");
                    w.extend_from_slice(f.entity.as_str().as_bytes());
                    w.extend_from_slice(if j.in_key {
                        b"\",\"key\":true,\"path\":"
                    } else {
                        b"\",\"key\":false,\"path\":"
                    });
                    string_text(&mut w, &j.path);
                    w.extend_from_slice(b",\"score\":");
                    number_text(&mut w, usize::from(f.score));
                    w.extend_from_slice(b",\"start\":");
                    number_text(&mut w, f.start);
                    w.push(b'}');
                }
                w.extend_from_slice(b"],\"value\":");
                serde_json::to_writer(&mut w, &v).map_err(|_| Code::InvalidInput)?;
                w.push(b'}');
                Ok(w)
            })(),
            _ => return None,
        }
        .and_then(|w| String::from_utf8(w).map_err(|_| Code::InvalidInput)),
    )
}

/// `[finding…]` as [`finding_json`] values would serialise.
fn findings_text(w: &mut Vec<u8>, text: &str, found: &[Finding]) {
    w.push(b'[');
    for (i, f) in found.iter().enumerate() {
        if i > 0 {
            w.push(b',');
        }
        w.extend_from_slice(b"{\"end\":");
        number_text(w, f.end);
        w.extend_from_slice(b",\"entity_type\":\"");
        w.extend_from_slice(f.entity.as_str().as_bytes());
        w.extend_from_slice(b"\",\"score\":");
        number_text(w, usize::from(f.score));
        w.extend_from_slice(b",\"start\":");
        number_text(w, f.start);
        w.extend_from_slice(b",\"text\":");
        string_text(w, text.get(f.start..f.end).unwrap_or(""));
        w.push(b'}');
    }
    w.push(b']');
}

/// A JSON string, escaped as serde_json writes it.
fn string_text(w: &mut Vec<u8>, s: &str) {
    // Writing into a Vec cannot fail.
    let _ = serde_json::to_writer(w, s);
}

/// A non-negative integer in decimal.
fn number_text(w: &mut Vec<u8>, n: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    w.extend_from_slice(&buf[i..]);
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
