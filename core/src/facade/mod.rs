//! The JSON façade: every core operation by name, JSON in and JSON out.
//!
//! The golden vectors in `vectors/` name an operation (`algorithm`) and give
//! its JSON input; every host runs them through this one entry point (the
//! component exports it as `call`). Typed entry points live in the domain
//! modules; this façade only converts. It depends on them, never the reverse.
//!
//! Conventions: amounts are decimal strings, times are `u64` milliseconds,
//! binary values (keys) are lowercase hex, and errors are [`Code`]s.
//!
//! | module | operations |
//! |---|---|
//! | `decide` | `money.*`, `url.*`, `challenge.parse`, `config.validate`, `replay.fingerprint`, `payload.check`, `client.spend-controls` |
//! | `simulate` | `policy.sequence`, `pipeline.run` (vector-only simulators of a host) |
//! | `audit` | `audit.*` |
//! | `mpa` | `mpa.*` |
//! | `pii` | `pii.*` |
//! | [`views`] | the JSON shapes of results, shared by the bindings |

use crate::config::GuardConfig;
use crate::error::Code;
use crate::hex;
use serde_json::Value;

mod audit;
mod decide;
mod mpa;
mod pii;
mod simulate;
pub mod views;

/// Largest JSON input [`call_json`] accepts, in bytes.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// Every operation name [`call`] understands.
pub const OPERATIONS: &[&str] = &[
    "money.parse-atomic",
    "money.parse-usd",
    "money.to-usd",
    "url.normalize",
    "url.endpoint-match",
    "url.mask",
    "challenge.parse",
    "config.validate",
    "replay.fingerprint",
    "payload.check",
    "client.spend-controls",
    "policy.sequence",
    "pipeline.run",
    "audit.append",
    "audit.verify",
    "audit.verify-report",
    "audit.verify-chains",
    "audit.report",
    "audit.repair-tail",
    "mpa.config",
    "mpa.request",
    "mpa.countersign",
    "mpa.preapprove",
    "mpa.verify",
    "mpa.judge-webhook",
    "mpa.tally",
    "mpa.webhook-address",
    "mpa.begin",
    "mpa.decide",
    "pii.scan",
    "pii.redact",
    "pii.redact-json",
];

/// The audit verifications whose input is whole logs: [`call_audit_json`]
/// runs them without [`MAX_INPUT_BYTES`].
pub const AUDIT_OPERATIONS: &[&str] = &[
    "audit.verify",
    "audit.verify-report",
    "audit.verify-chains",
    "audit.report",
];

/// [`call_json`] for one of [`AUDIT_OPERATIONS`], without the input cap
/// (logs outgrow it); any other `op` is [`Code::InvalidInput`].
pub fn call_audit_json(op: &str, input: &str) -> Result<String, Code> {
    if !AUDIT_OPERATIONS.contains(&op) {
        return Err(Code::InvalidInput);
    }
    let v: Value = serde_json::from_str(input).map_err(|_| Code::InvalidInput)?;
    Ok(call(op, &v)?.to_string())
}

/// Runs operation `op` on a JSON `input`.
pub fn call(op: &str, input: &Value) -> Result<Value, Code> {
    audit::call(op, input)
        .or_else(|| mpa::call(op, input))
        .or_else(|| pii::call(op, input))
        .or_else(|| decide::call(op, input))
        .or_else(|| simulate::call(op, input))
        .unwrap_or(Err(Code::InvalidInput))
}

/// Like [`call`], on JSON text: parses `input` ([`parse_input`]), runs `op`,
/// and serialises the result.
pub fn call_json(op: &str, input: &str) -> Result<String, Code> {
    let v = parse_input(input)?;
    // The `pii.*` answers are written directly (the same text, see
    // `pii::call_text`).
    if let Some(out) = pii::call_text(op, &v) {
        return out;
    }
    let out = call(op, &v)?;
    Ok(out.to_string())
}

/// Parses a JSON argument the way [`call_json`] parses its input: at most
/// [`MAX_INPUT_BYTES`], else (or when it is not JSON) [`Code::InvalidInput`].
pub fn parse_input(text: &str) -> Result<Value, Code> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(Code::InvalidInput);
    }
    serde_json::from_str(text).map_err(|_| Code::InvalidInput)
}

/// The golden-vector matching rule, shared by every Rust runner: `actual`
/// contains everything `expected` states. Objects match key by key (extra
/// keys in `actual` are allowed), arrays element by element with equal
/// lengths, numbers by their exact text, everything else by equality.
pub fn expected_matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e
            .iter()
            .all(|(k, ev)| a.get(k).is_some_and(|av| expected_matches(ev, av))),
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(x, y)| expected_matches(x, y))
        }
        (Value::Number(e), Value::Number(a)) => e.to_string() == a.to_string(),
        _ => expected == actual,
    }
}

/// A required string field of a JSON object, or [`Code::InvalidInput`].
fn str_field<'a>(v: &'a Value, k: &str) -> Result<&'a str, Code> {
    v.get(k).and_then(Value::as_str).ok_or(Code::InvalidInput)
}

/// A required unsigned integer field of a JSON object, or [`Code::InvalidInput`].
fn u64_field(v: &Value, k: &str) -> Result<u64, Code> {
    v.get(k).and_then(Value::as_u64).ok_or(Code::InvalidInput)
}

/// An optional string field (absent or `null`: `None`; another type:
/// [`Code::InvalidInput`]).
fn opt_str<'a>(v: &'a Value, k: &str) -> Result<Option<&'a str>, Code> {
    match v.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Code::InvalidInput),
    }
}

/// A required hex key field, decoded, or [`Code::InvalidInput`].
fn key_field(input: &Value, k: &str) -> Result<Vec<u8>, Code> {
    hex::decode(str_field(input, k)?).ok_or(Code::InvalidInput)
}

/// The optional `config` member as a guard configuration (absent or `null`:
/// the default; invalid: the first problem's code).
fn config_field(input: &Value) -> Result<GuardConfig, Code> {
    match input.get("config") {
        None | Some(Value::Null) => Ok(GuardConfig::default()),
        Some(c) => GuardConfig::from_value(c).map_err(|e| e[0].code),
    }
}
