//! Recursive redaction of JSON values (`extra`, the v2 `resource` echo),
//! within [`MAX_JSON_DEPTH`] and [`MAX_JSON_NODES`].

use super::{redact, Finding, PiiAction, PiiConfig, MAX_JSON_DEPTH, MAX_JSON_NODES};
use crate::error::Code;
use serde_json::Value;

/// Redacts every string (keys excluded) inside a JSON value, recursively,
/// within [`MAX_JSON_DEPTH`] and [`MAX_JSON_NODES`]. Each finding's span refers
/// to its own string; [`redact_json_paths`] also gives where that string is.
pub fn redact_json(value: &Value, cfg: &PiiConfig) -> Result<(Value, Vec<Finding>), Code> {
    let (v, found) = redact_json_paths(value, cfg)?;
    Ok((v, found.into_iter().map(|(_, f)| f).collect()))
}

/// Like [`redact_json`], with the JSON Pointer (RFC 6901) of the string each
/// finding is in (`""` when `value` itself is the string).
pub fn redact_json_paths(
    value: &Value,
    cfg: &PiiConfig,
) -> Result<(Value, Vec<(String, Finding)>), Code> {
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
pub fn apply_json(value: &Value, cfg: &PiiConfig) -> Result<(Value, Vec<(String, Finding)>), Code> {
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
    all: &mut Vec<(String, Finding)>,
) -> Result<Value, Code> {
    *nodes += 1;
    if depth > MAX_JSON_DEPTH || *nodes > MAX_JSON_NODES {
        return Err(Code::PiiInputTooLarge);
    }
    Ok(match v {
        Value::String(s) => {
            let r = redact(s, cfg)?;
            all.extend(r.findings.into_iter().map(|f| (path.clone(), f)));
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
                let len = path.len();
                path.push('/');
                path.push_str(&k.replace('~', "~0").replace('/', "~1"));
                out.insert(k.clone(), walk(x, cfg, depth + 1, nodes, path, all)?);
                path.truncate(len);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}
