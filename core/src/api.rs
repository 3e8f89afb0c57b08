//! The JSON façade: every core operation by name, JSON in and JSON out.
//!
//! The golden vectors in `vectors/` name an operation (`algorithm`) and give
//! its JSON input; every host runs them through this one entry point (the
//! component exports it as `call`). Typed entry points live in the modules;
//! this façade only converts.
//!
//! Conventions: amounts are decimal strings, times are `u64` milliseconds,
//! binary values (keys) are lowercase hex, and errors are [`Code`]s.

use crate::error::Code;
use crate::money;
use serde_json::{json, Value};

/// Largest JSON input [`call_json`] accepts, in bytes.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// Every operation name [`call`] understands.
pub const OPERATIONS: &[&str] = &[
    "money.parse-atomic",
    "money.parse-usd",
    "money.to-usd",
    "url.normalize",
    "url.endpoint-match",
    "challenge.parse",
    "config.validate",
    "replay.fingerprint",
    "policy.sequence",
    "pipeline.run",
    "audit.append",
    "audit.verify",
    "audit.verify-report",
    "audit.verify-chains",
    "mpa.config",
    "mpa.request",
    "mpa.countersign",
    "mpa.preapprove",
    "mpa.verify",
    "mpa.judge-webhook",
    "mpa.tally",
    "mpa.webhook-address",
    "pii.scan",
    "pii.redact",
    "pii.redact-json",
];

/// Runs operation `op` on a JSON `input`.
pub fn call(op: &str, input: &Value) -> Result<Value, Code> {
    if let Some(r) = crate::audit::api_call(op, input).or_else(|| crate::mpa::api_call(op, input)) {
        return r;
    }
    if let Some(r) = crate::pii::api_call(op, input) {
        return r;
    }
    match op {
        "money.parse-atomic" => {
            let v = money::parse_atomic(str_field(input, "amount")?)?;
            Ok(json!({ "atomic": v.to_string() }))
        }
        "money.parse-usd" => {
            let v = money::Usd::parse(str_field(input, "usd")?)?;
            Ok(json!({ "usd": v.to_string(), "atto": v.0.to_string() }))
        }
        "money.to-usd" => {
            let atomic = money::parse_atomic(str_field(input, "atomic")?)?;
            let decimals = u8::try_from(u64_field(input, "decimals")?).map_err(|_| Code::InvalidInput)?;
            let price = money::Usd::parse(str_field(input, "price_usd")?)?;
            let v = money::to_usd(atomic, decimals, price)?;
            Ok(json!({ "usd": v.to_string() }))
        }
        _ => crate::api_decision::call(op, input).unwrap_or(Err(Code::InvalidInput)),
    }
}

/// The golden-vector matching rule, shared by every Rust runner: `actual`
/// contains everything `expected` states. Objects match key by key (extra
/// keys in `actual` are allowed), arrays element by element with equal
/// lengths, numbers by their exact text, everything else by equality.
pub fn expected_matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            e.iter().all(|(k, ev)| a.get(k).is_some_and(|av| expected_matches(ev, av)))
        }
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(x, y)| expected_matches(x, y))
        }
        (Value::Number(e), Value::Number(a)) => e.to_string() == a.to_string(),
        _ => expected == actual,
    }
}

/// A required string field of a JSON object, or [`Code::InvalidInput`].
pub(crate) fn str_field<'a>(v: &'a Value, k: &str) -> Result<&'a str, Code> {
    v.get(k).and_then(Value::as_str).ok_or(Code::InvalidInput)
}

/// A required unsigned integer field of a JSON object, or [`Code::InvalidInput`].
pub(crate) fn u64_field(v: &Value, k: &str) -> Result<u64, Code> {
    v.get(k).and_then(Value::as_u64).ok_or(Code::InvalidInput)
}

/// Like [`call`], on JSON text: parses `input`, runs `op`, and serialises the result.
pub fn call_json(op: &str, input: &str) -> Result<String, Code> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(Code::InvalidInput);
    }
    let v: Value = serde_json::from_str(input).map_err(|_| Code::InvalidInput)?;
    let out = call(op, &v)?;
    Ok(out.to_string())
}

/// The JSON shapes of [`crate::pipeline::Assessment`] and
/// [`crate::pipeline::Decision`] used by `pipeline.run`, for bindings that
/// wrap [`crate::guard::Guard`] (the wasm-bindgen crate).
pub use crate::api_decision::{assessment_json, decision_json};
