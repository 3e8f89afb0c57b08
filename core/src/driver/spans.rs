//! OpenTelemetry: the span plan of a payment, carried by its `done` action
//! (`done.spans`), which hosts turn into spans without naming anything.
//!
//! `spans` is a list: the payment's root span first, then one child span per
//! control that ran, in order. Each is `{"name", "start_ms", "end_ms",
//! "error", "attributes"}`; times are the host's `now_ms` of the crossings
//! (the controls of one crossing share its time). Controls, in order:
//! `pii`, `payee`, `policy` (all three decided in the first step), `replay`
//! (the replay check), `mpa` (approvals), `sign` (the signer), `send` (the
//! paid request) and `settle` (the settlement rule). Span names are
//! [`ROOT`] and `x402.<control>`; the attribute keys are [`ATTRIBUTES`], the
//! `x402.*` set beside OpenTelemetry's `security_rule.*` conventions. No
//! attribute holds personal data, a key, a signature or a signed payload:
//! the endpoint is the redacted request URL without its query.

use crate::error::Code;
use serde_json::Value;

/// The root span's name.
pub const ROOT: &str = "x402.payment";

/// The controls, in the order they run (child span `x402.<control>`).
pub const CONTROLS: [&str; 8] = [
    "pii", "payee", "policy", "replay", "mpa", "sign", "send", "settle",
];

/// Every attribute key of a span plan, with where it appears and what it holds.
pub const ATTRIBUTES: &[(&str, &str)] = &[
    (
        "x402.decision",
        "root: `allowed` or `refused`; control: `pass` or `refused`",
    ),
    (
        "x402.code",
        "the stable refusal code (root and the control that refused)",
    ),
    ("x402.network", "root: the offer's CAIP-2 network"),
    ("x402.scheme", "root: the offer's scheme (`exact`)"),
    (
        "x402.amount_usd",
        "root: the payment's USD value, exact decimal text",
    ),
    (
        "x402.endpoint",
        "root: the redacted request URL without query or fragment",
    ),
    (
        "x402.settlement",
        "root: `settled`, `failed`, `failed-after-send` or `unknown`, once sent",
    ),
    (
        "x402.version",
        "root: the x402 protocol version of the challenge",
    ),
    (
        "security_rule.category",
        "control: its name (`pii`, `payee`, `policy`, ...)",
    ),
    (
        "security_rule.ruleset.name",
        "control: `presidio-hardened-x402`",
    ),
    (
        "security_rule.name",
        "the control that refused: the refusal code",
    ),
    (
        "security_rule.description",
        "the control that refused: the code's fixed description",
    ),
];

/// The control that decides a refusal code, if one does.
pub(crate) fn control_of(c: Code) -> Option<u8> {
    use super::tables::{family, Family};
    Some(match (c, family(c)) {
        (Code::PiiBlocked | Code::PiiInputTooLarge, _) => 0,
        (Code::WalletNotTrusted | Code::PayToPinMismatch, _) => 1,
        (_, Family::PolicyViolation) => 2,
        (Code::ReplayDetected | Code::PaymentIdMismatch, _) => 3,
        (_, Family::MpaDenied | Family::MpaTimeout) => 4,
        (Code::SignerFailed | Code::PayloadMalformed | Code::PayloadMismatch, _) => 5,
        (Code::PayloadExpiryTooLong, _) => 5,
        (Code::SettlementFailed, _) => 7,
        _ => return None,
    })
}

/// A payment's control spans as they happen.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// The host asked for the plan ([`super::wire::Begin::spans`]): without
    /// it nothing is recorded or written.
    pub(crate) on: bool,
    /// The payment's start.
    pub(crate) t0: u64,
    /// Closed control spans: (control, start, end).
    pub(crate) done: Vec<(u8, u64, u64)>,
    /// The control running, since when.
    pub(crate) open: Option<(u8, u64)>,
}

impl Plan {
    /// Closes the running control at `now` and, with `next`, starts that one.
    pub(crate) fn enter(&mut self, next: Option<u8>, now: u64) {
        if !self.on {
            return;
        }
        if let Some((c, t)) = self.open.take() {
            self.done.push((c, t, now));
        }
        self.open = next.map(|c| (c, now));
    }

    /// The first step's controls: those up to `last` (all three when it passed).
    pub(crate) fn assessed(&mut self, last: u8, now: u64) {
        if !self.on {
            return;
        }
        assessed(&mut self.done, self.t0, last, now);
    }

    /// The plan's JSON text at the end (`now`): the root's attributes are
    /// `root` (members `"key":value`, in name order, comma-separated), the
    /// refusing control gets `code`.
    pub(crate) fn json(&self, now: u64, code: Option<Code>, root: &str) -> String {
        let mut done = self.done.clone();
        if let Some((c, t)) = self.open {
            done.push((c, t, now));
        }
        if done.is_empty() {
            if let Some(k) = code.and_then(control_of) {
                assessed(&mut done, self.t0, k, now); // refused in the first step
            }
        }
        let bad = code.and_then(control_of);
        let mut out = String::from("[");
        span(&mut out, ROOT, self.t0, now, code.is_some(), root);
        for &(c, t, e) in &done {
            let name = CONTROLS[usize::from(c)];
            let refused = bad == Some(c);
            // Members in name order.
            let mut a = String::new();
            if let (true, Some(k)) = (refused, code) {
                attr(&mut a, "security_rule.category", name);
                attr(&mut a, "security_rule.description", k.describe());
                attr(&mut a, "security_rule.name", k.as_str());
                attr(&mut a, "security_rule.ruleset.name", RULESET);
                attr(&mut a, "x402.code", k.as_str());
                attr(&mut a, "x402.decision", "refused");
            } else {
                attr(&mut a, "security_rule.category", name);
                attr(&mut a, "security_rule.ruleset.name", RULESET);
                attr(&mut a, "x402.decision", "pass");
            }
            span(&mut out, &format!("x402.{name}"), t, e, refused, &a);
        }
        out.push(']');
        out
    }
}

/// The `security_rule.ruleset.name` of every control span.
const RULESET: &str = "presidio-hardened-x402";

/// Appends attribute `"key":"value"` (comma-separated) to `out`.
pub(crate) fn attr(out: &mut String, key: &str, value: &str) {
    attr_raw(out, key, &Value::from(value).to_string());
}

/// Appends attribute `"key":raw` (`raw`: JSON value text).
pub(crate) fn attr_raw(out: &mut String, key: &str, raw: &str) {
    if !out.is_empty() {
        out.push(',');
    }
    out.push('"');
    out.push_str(key);
    out.push_str("\":");
    out.push_str(raw);
}

fn span(out: &mut String, name: &str, start: u64, end: u64, error: bool, attrs: &str) {
    if out.len() > 1 {
        out.push(',');
    }
    out.push_str(&format!(
        "{{\"attributes\":{{{attrs}}},\"end_ms\":{end},\"error\":{error},\"name\":\"{name}\",\"start_ms\":{start}}}"
    ));
}

fn assessed(done: &mut Vec<(u8, u64, u64)>, t0: u64, last: u8, now: u64) {
    for c in 0..=last.min(2) {
        done.push((c, t0, now));
    }
    if last > 2 {
        done.push((last, now, now));
    }
}
