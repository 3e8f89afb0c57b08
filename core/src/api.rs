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
use serde_json::Value;

/// Largest JSON input [`call_json`] accepts, in bytes.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// Every operation name [`call`] understands.
pub const OPERATIONS: &[&str] = &[];

/// Runs operation `op` on a JSON `input`.
pub fn call(op: &str, input: &Value) -> Result<Value, Code> {
    let _ = input;
    match op {
        _ => Err(Code::InvalidInput),
    }
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
