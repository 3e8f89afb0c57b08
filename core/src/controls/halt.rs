//! The kill switch: a `halted` flag persisted in the guard state, so every
//! process sharing a store sees it. While it is set every payment is
//! refused with `guard-halted` (at assessment and again before signing).
//! It is set and cleared through the driver's control task
//! ([`crate::driver::Driver::control`]): load the state, change the flag,
//! compare-and-set, one audit line.

use crate::audit::AuditEvent;
use crate::config::GuardConfig;
use crate::error::Code;
use crate::pipeline::Step;
use serde_json::{json, Value};

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
        json!({"by": self.by, "reason": self.reason, "at_ms": self.at_ms})
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

/// The audited step of setting (`halted`) or clearing the kill switch:
/// event `guard_halted` / `guard_resumed`, outcome `halted` / `resumed`.
/// Who and why stay in the state (operator text is not written to audit
/// lines, which leave the process).
pub fn step(cfg: &GuardConfig, halted: bool) -> Step {
    let (event_type, outcome) = if halted {
        ("guard_halted", "halted")
    } else {
        ("guard_resumed", "resumed")
    };
    Step {
        allowed: true,
        code: None,
        event: AuditEvent {
            event_type: event_type.into(),
            outcome: outcome.into(),
            resource_url: String::new(),
            amount_usd: None,
            network: None,
            agent_id: (!cfg.agent_id.is_empty()).then(|| cfg.agent_id.clone()),
            replica: (!cfg.replica_id.is_empty()).then(|| cfg.replica_id.clone()),
            pii_entities_found: Vec::new(),
            policy_limit_usd: None,
            replay_fingerprint: None,
            payment_id: None,
            code: None,
        },
        metrics: Vec::new(),
        forget_fingerprint: false,
    }
}
