//! Recursive redaction of JSON values (`extra`, the v2 `resource` echo, the
//! requirement echoed in v2 `accepted`), within [`MAX_JSON_DEPTH`] and
//! [`MAX_JSON_NODES`]. Object keys are scanned like strings: a key holding
//! personal data is replaced by its redacted text (a key that then collides
//! with one already written gets `#2`, `#3`… appended, so no member is lost
//! and no value is overwritten).
//!
//! The walk is linear in the value: each string is scanned once, a finding's
//! pointer is written only when the caller asks for pointers
//! ([`redact_json_paths`]), and a colliding key's free `#n` is searched from
//! where the last search for that key stopped. Pointers repeat per finding
//! (a long key holding many findings would make the answer grow with the
//! square of the key), so all of them together are capped at
//! [`MAX_JSON_PATH_BYTES`]; more fails closed with [`Code::PiiInputTooLarge`].

use super::{redact, Finding, PiiAction, PiiConfig, MAX_JSON_DEPTH, MAX_JSON_NODES};
use crate::error::Code;
use serde_json::Value;

/// Most bytes the pointers of one value's findings ([`JsonFinding::path`])
/// hold together; more fails closed with [`Code::PiiInputTooLarge`].
pub const MAX_JSON_PATH_BYTES: usize = 64 * 1024;

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
    let mut w = Walk::new(cfg, false);
    let v = w.walk(value, 0)?;
    Ok((v, w.all.into_iter().map(|f| f.finding).collect()))
}

/// Like [`redact_json`], with where each finding is ([`JsonFinding`]).
pub fn redact_json_paths(
    value: &Value,
    cfg: &PiiConfig,
) -> Result<(Value, Vec<JsonFinding>), Code> {
    let mut w = Walk::new(cfg, true);
    let v = w.walk(value, 0)?;
    Ok((v, w.all))
}

/// Carries out `cfg.action` on a JSON value, like [`super::apply`] on a string:
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

/// One walk's state: the nodes seen, the pointer of the current node, the
/// findings so far and the pointer bytes they hold.
struct Walk<'a> {
    cfg: &'a PiiConfig,
    /// Whether findings carry their pointer ([`redact_json_paths`]).
    paths: bool,
    nodes: usize,
    path: String,
    path_bytes: usize,
    all: Vec<JsonFinding>,
}

impl<'a> Walk<'a> {
    fn new(cfg: &'a PiiConfig, paths: bool) -> Self {
        Walk {
            cfg,
            paths,
            nodes: 0,
            path: String::new(),
            path_bytes: 0,
            all: Vec::new(),
        }
    }

    /// Records the findings of the string at the current pointer.
    fn found(&mut self, findings: Vec<Finding>, in_key: bool) -> Result<(), Code> {
        if findings.is_empty() {
            return Ok(());
        }
        if self.paths {
            self.path_bytes = self
                .path
                .len()
                .checked_mul(findings.len())
                .and_then(|n| n.checked_add(self.path_bytes))
                .filter(|&n| n <= MAX_JSON_PATH_BYTES)
                .ok_or(Code::PiiInputTooLarge)?;
        }
        let path = if self.paths { self.path.as_str() } else { "" };
        self.all
            .extend(findings.into_iter().map(|finding| JsonFinding {
                path: path.to_string(),
                in_key,
                finding,
            }));
        Ok(())
    }

    fn walk(&mut self, v: &Value, depth: usize) -> Result<Value, Code> {
        self.nodes += 1;
        if depth > MAX_JSON_DEPTH || self.nodes > MAX_JSON_NODES {
            return Err(Code::PiiInputTooLarge);
        }
        Ok(match v {
            Value::String(s) => {
                let r = redact(s, self.cfg)?;
                self.found(r.findings, false)?;
                Value::String(r.text)
            }
            Value::Array(a) => {
                let mut out = Vec::with_capacity(a.len());
                for (k, x) in a.iter().enumerate() {
                    let len = self.path.len();
                    if self.paths {
                        self.path.push('/');
                        self.path.push_str(&k.to_string());
                    }
                    out.push(self.walk(x, depth + 1)?);
                    self.path.truncate(len);
                }
                Value::Array(out)
            }
            Value::Object(m) => {
                let mut out = serde_json::Map::new();
                // Per colliding key, the last `#n` given to it.
                let mut taken = serde_json::Map::new();
                for (k, x) in m {
                    let r = redact(k, self.cfg)?;
                    let mut key = r.text;
                    if out.contains_key(&key) || (key != *k && m.contains_key(&key)) {
                        key = free_key(key, &out, m, &mut taken);
                    }
                    let len = self.path.len();
                    if self.paths {
                        self.path.push('/');
                        self.path
                            .push_str(&key.replace('~', "~0").replace('/', "~1"));
                    }
                    self.found(r.findings, true)?;
                    let v = self.walk(x, depth + 1)?;
                    out.insert(key, v);
                    self.path.truncate(len);
                }
                Value::Object(out)
            }
            other => other.clone(),
        })
    }
}

/// `key#2`, `key#3`… : the first not written yet and not an original key.
/// The search starts after the `#n` this key got last time (`taken`, a map
/// of the value type for a smaller component): every
/// smaller one is still written or original, so the answer is the same as a
/// search from `#2`, and many colliding keys cost linear, not quadratic, time.
fn free_key(
    key: String,
    out: &serde_json::Map<String, Value>,
    orig: &serde_json::Map<String, Value>,
    taken: &mut serde_json::Map<String, Value>,
) -> String {
    let from = taken.get(&key).and_then(Value::as_u64).map_or(2, |n| n + 1);
    let found = (from..)
        .map(|n| (n, format!("{key}#{n}")))
        .find(|(_, k)| !out.contains_key(k) && !orig.contains_key(k));
    match found {
        Some((n, k)) => {
            taken.insert(key, Value::from(n));
            k
        }
        None => String::new(),
    }
}
