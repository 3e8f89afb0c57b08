//! Recursive redaction of JSON values (`extra`, the v2 `resource` echo, the
//! requirement echoed in v2 `accepted`), within [`MAX_JSON_DEPTH`] and
//! [`MAX_JSON_NODES`]. Object keys are scanned like strings: a key holding
//! personal data is replaced by its redacted text (a key that then collides
//! with one already written gets `#2`, `#3`… appended, so no member is lost
//! and no value is overwritten).

use super::{redact, Finding, PiiAction, PiiConfig, MAX_JSON_DEPTH, MAX_JSON_NODES};
use crate::error::Code;
use serde_json::Value;

/// Where a finding inside a JSON value is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonFinding {
    /// JSON Pointer (RFC 6901) of the string, in the *redacted* value (`""`
    /// when the value itself is the string). For a key, the member's pointer.
    pub path: String,
    /// True when the finding is in an object key, not a string value.
    pub in_key: bool,
    /// The finding; its span refers to that one string (or key).
    pub finding: Finding,
}

/// Redacts every string and every object key inside a JSON value,
/// recursively, within [`MAX_JSON_DEPTH`] and [`MAX_JSON_NODES`]. Each
/// finding's span refers to its own string; [`redact_json_paths`] also gives
/// where that string is.
pub fn redact_json(value: &Value, cfg: &PiiConfig) -> Result<(Value, Vec<Finding>), Code> {
    let (v, found) = redact_json_paths(value, cfg)?;
    Ok((v, found.into_iter().map(|f| f.finding).collect()))
}

/// Like [`redact_json`], with where each finding is ([`JsonFinding`]).
pub fn redact_json_paths(
    value: &Value,
    cfg: &PiiConfig,
) -> Result<(Value, Vec<JsonFinding>), Code> {
    let mut nodes = 0usize;
    let mut all = Vec::new();
    let mut path = String::new();
    let v = walk(value, cfg, 0, &mut nodes, &mut path, &mut all)?;
    Ok((v, all))
}

/// Carries out `cfg.action` on a JSON value, like [`apply`] on a string:
/// `redact` gives [`redact_json_paths`]' result, `warn` the value unchanged
/// with the findings, and `block` fails with [`Code::PiiBlocked`] when
/// anything is found. Caps apply in every mode.
pub fn apply_json(value: &Value, cfg: &PiiConfig) -> Result<(Value, Vec<JsonFinding>), Code> {
    let (v, all) = redact_json_paths(value, cfg)?;
    match cfg.action {
        PiiAction::Redact => Ok((v, all)),
        PiiAction::Warn => Ok((value.clone(), all)),
        PiiAction::Block if all.is_empty() => Ok((value.clone(), all)),
        PiiAction::Block => Err(Code::PiiBlocked),
    }
}

fn walk(
    v: &Value,
    cfg: &PiiConfig,
    depth: usize,
    nodes: &mut usize,
    path: &mut String,
    all: &mut Vec<JsonFinding>,
) -> Result<Value, Code> {
    *nodes += 1;
    if depth > MAX_JSON_DEPTH || *nodes > MAX_JSON_NODES {
        return Err(Code::PiiInputTooLarge);
    }
    Ok(match v {
        Value::String(s) => {
            let r = redact(s, cfg)?;
            all.extend(r.findings.into_iter().map(|finding| JsonFinding {
                path: path.clone(),
                in_key: false,
                finding,
            }));
            Value::String(r.text)
        }
        Value::Array(a) => {
            let mut out = Vec::with_capacity(a.len());
            for (k, x) in a.iter().enumerate() {
                let len = path.len();
                path.push('/');
                path.push_str(&k.to_string());
                out.push(walk(x, cfg, depth + 1, nodes, path, all)?);
                path.truncate(len);
            }
            Value::Array(out)
        }
        Value::Object(m) => {
            let mut out = serde_json::Map::new();
            for (k, x) in m {
                let r = redact(k, cfg)?;
                let mut key = r.text;
                if out.contains_key(&key) || (key != *k && m.contains_key(&key)) {
                    key = free_key(&key, &out, m);
                }
                let len = path.len();
                path.push('/');
                path.push_str(&key.replace('~', "~0").replace('/', "~1"));
                all.extend(r.findings.into_iter().map(|finding| JsonFinding {
                    path: path.clone(),
                    in_key: true,
                    finding,
                }));
                let v = walk(x, cfg, depth + 1, nodes, path, all)?;
                out.insert(key, v);
                path.truncate(len);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

/// `key#2`, `key#3`… : the first not written yet and not an original key.
fn free_key(
    key: &str,
    out: &serde_json::Map<String, Value>,
    orig: &serde_json::Map<String, Value>,
) -> String {
    (2..)
        .map(|n| format!("{key}#{n}"))
        .find(|k| !out.contains_key(k) && !orig.contains_key(k))
        .unwrap_or_default()
}
