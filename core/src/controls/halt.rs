//! The kill switch: a `halted` flag persisted in the guard state, so every
//! process sharing a store sees it. While it is set every payment is
//! refused with `guard-halted` (at assessment and again before signing).
//! It is set and cleared through the driver's control task
//! ([`crate::driver::Driver::control`]): load the state, change the flag,
//! compare-and-set, one audit line.

use crate::error::Code;
use serde_json::Value;

/// Longest `by` or `reason` kept, in bytes.
pub const MAX_TEXT_BYTES: usize = 256;

/// Who halted the guard, why and when.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Halt {
    /// Who halted (operator-supplied, e.g. a user or a tool name).
    pub by: String,
    /// Why (operator-supplied; kept in the state, not in audit lines).
    pub reason: String,
    /// When, in ms since the epoch.
    pub at_ms: u64,
}

/// Whether operator text is acceptable: bounded, no control characters.
pub fn valid_text(s: &str) -> bool {
    s.len() <= MAX_TEXT_BYTES && !s.chars().any(char::is_control)
}

impl Halt {
    /// A halt, refusing texts that are too long or hold control characters.
    pub fn new(by: &str, reason: &str, at_ms: u64) -> Result<Halt, Code> {
        if !valid_text(by) || !valid_text(reason) {
            return Err(Code::InvalidInput);
        }
        Ok(Halt {
            by: by.to_string(),
            reason: reason.to_string(),
            at_ms,
        })
    }

    /// `{"by", "reason", "at_ms"}`.
    pub fn to_json(&self) -> Value {
        obj!(
            ("by", self.by),
            ("reason", self.reason),
            ("at_ms", self.at_ms)
        )
    }

    /// Parses [`Halt::to_json`] output.
    pub fn from_json(v: &Value) -> Result<Halt, Code> {
        let bad = Code::StateCorrupt;
        let s = |k: &str| v.get(k).and_then(Value::as_str).ok_or(bad);
        Halt::new(
            s("by")?,
            s("reason")?,
            v.get("at_ms").and_then(Value::as_u64).ok_or(bad)?,
        )
        .map_err(|_| bad)
    }
}

/// The pipeline's hook: `guard-halted` while a halt is set.
pub fn check(halt: Option<&Halt>) -> Result<(), Code> {
    match halt {
        Some(_) => Err(Code::GuardHalted),
        None => Ok(()),
    }
}
