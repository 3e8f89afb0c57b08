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
//! [`call_text`] writes the answers as JSON text directly (what
//! [`super::call_json`] returns; [`call`] reads it back): a 16 KiB value can
//! hold thousands of findings, and building a JSON object per finding only
//! to serialise it cost several times the scan itself.

use crate::error::Code;
use crate::pii::{self, apply, apply_json, scan, Finding};
use core::fmt::Write as _;
use serde_json::Value;

/// Runs a `pii.*` operation; `None` when `op` is not one of them. The
/// answer is [`call_text`]'s, read back (one writer for both).
pub(super) fn call(op: &str, input: &Value) -> Option<Result<Value, Code>> {
    call_text(op, input)
        .map(|r| r.and_then(|t| serde_json::from_str(&t).map_err(|_| Code::InvalidInput)))
}

/// Runs a `pii.*` operation and writes its answer as compact JSON text,
/// keys in order (as serde_json writes a value); `None` when `op` is not one
/// of them.
pub(super) fn call_text(op: &str, input: &Value) -> Option<Result<String, Code>> {
    Some(match op {
        "pii.scan" => text_field(input).and_then(|text| {
            let cfg = pii::config_from_json(input)?;
            let found = scan(text, &cfg)?;
            let mut w = String::with_capacity(64 + found.len() * 80);
            w.push_str("{\"findings\":");
            findings_text(&mut w, text, &found);
            w.push('}');
            Ok(w)
        }),
        "pii.redact" => text_field(input).and_then(|text| {
            let cfg = pii::config_from_json(input)?;
            let r = apply(text, &cfg)?;
            let mut w = String::with_capacity(text.len() + 64 + r.findings.len() * 80);
            w.push_str("{\"entities\":");
            findings_text(&mut w, text, &r.findings);
            w.push_str(",\"text\":");
            crate::canonical::write_string(&r.text, &mut w);
            w.push('}');
            Ok(w)
        }),
        "pii.redact-json" => (|| {
            let value = input.get("value").ok_or(Code::InvalidInput)?;
            let cfg = pii::config_from_json(input)?;
            let (v, found) = apply_json(value, &cfg)?;
            let mut w = String::with_capacity(64 + found.len() * 100);
            w.push_str("{\"entities\":[");
            for (i, j) in found.iter().enumerate() {
                let f = &j.finding;
                if i > 0 {
                    w.push(',');
                }
                w.push_str("{\"end\":");
                push_uint(&mut w, f.end as u64);
                w.push_str(",\"entity_type\":\"");
                w.push_str(f.entity.as_str());
                w.push_str(if j.in_key {
                    "\",\"key\":true,\"path\":"
                } else {
                    "\",\"key\":false,\"path\":"
                });
                crate::canonical::write_string(&j.path, &mut w);
                w.push_str(",\"score\":");
                push_uint(&mut w, u64::from(f.score));
                w.push_str(",\"start\":");
                push_uint(&mut w, f.start as u64);
                w.push('}');
            }
            let _ = write!(w, "],\"value\":{v}}}");
            Ok(w)
        })(),
        _ => return None,
    })
}

/// `[{end, entity_type, score, start, text}…]`.
fn findings_text(w: &mut String, text: &str, found: &[Finding]) {
    w.push('[');
    for (i, f) in found.iter().enumerate() {
        if i > 0 {
            w.push(',');
        }
        // Pushed piece by piece: `write!` costs more than the scan on texts
        // with a thousand findings.
        w.push_str("{\"end\":");
        push_uint(w, f.end as u64);
        w.push_str(",\"entity_type\":\"");
        w.push_str(f.entity.as_str());
        w.push_str("\",\"score\":");
        push_uint(w, u64::from(f.score));
        w.push_str(",\"start\":");
        push_uint(w, f.start as u64);
        w.push_str(",\"text\":");
        crate::canonical::write_string(text.get(f.start..f.end).unwrap_or(""), w);
        w.push('}');
    }
    w.push(']');
}

/// Appends `n` in decimal (as `Display` writes it).
fn push_uint(w: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(d) = buf.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    for &d in buf.get(i..).unwrap_or(&[]) {
        w.push(char::from(d));
    }
}

fn text_field(input: &Value) -> Result<&str, Code> {
    input
        .get("text")
        .and_then(Value::as_str)
        .ok_or(Code::InvalidInput)
}
