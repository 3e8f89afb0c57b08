//! Velocity limits: at most `max_payments` payments per `interval_seconds`,
//! globally and per endpoint key (matched as `per_endpoint` keys are).
//!
//! Exact: each key keeps a ring of the reservation times of its payments
//! still inside the interval (an open reservation holds a slot from its
//! reservation; a released or expired one frees it; a committed one keeps
//! it). A payment is refused when the ring already holds `max_payments`
//! slots in `(now - interval, now]`. Cost and size do not grow with history:
//! older slots are dropped, and a ring holds at most `max_payments` slots
//! (≤ [`MAX_VELOCITY`]) plus late commits of expired reservations.

use super::{Controls, MAX_VELOCITY};
use crate::error::{Code, ConfigError};
use crate::ledger::SpendState;
use crate::url::{EndpointKey, NormalizedUrl};

/// Most per-endpoint rules (as `per_endpoint`).
const MAX_ENDPOINTS: usize = 256;
use serde_json::Value;

/// Keys of the `velocity` table.
pub const KEYS: &[&str] = &["max_payments", "interval_seconds", "per_endpoint"];
/// Keys of one per-endpoint velocity rule.
pub const RULE_KEYS: &[&str] = &["max_payments", "interval_seconds"];
/// Longest interval accepted (one year).
pub const MAX_INTERVAL_SECONDS: u64 = 31_536_000;

/// One velocity rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The endpoint it applies to, or `None` for every payment.
    pub endpoint: Option<EndpointKey>,
    /// Most payments per interval (1..=[`MAX_VELOCITY`]).
    pub max_payments: u32,
    /// The interval in seconds.
    pub interval_seconds: u64,
}

impl Rule {
    /// Whether the rule applies to a payment for `url`.
    pub fn applies(&self, url: &NormalizedUrl) -> bool {
        self.endpoint.as_ref().is_none_or(|e| e.matches(url))
    }

    /// The ring key: `*` or `endpoint:{canonical}` (as the USD ledger's).
    pub fn key(&self) -> String {
        // The USD ledger's key names (`crate::policy`), in a ring map of their own.
        match &self.endpoint {
            None => "*".to_string(),
            Some(e) => format!("endpoint:{}", e.canonical()),
        }
    }

    fn interval_ms(&self) -> u64 {
        self.interval_seconds.saturating_mul(1000)
    }
}

/// Slots of `key` inside `(now - interval, now]` (future ones included).
pub fn count(spend: &SpendState, key: &str, rule: &Rule, now_ms: u64) -> u64 {
    let from = now_ms.saturating_sub(rule.interval_ms());
    spend.velocity.get(key).map_or(0, |ring| {
        ring.iter().filter(|s| s.at_ms > from || from == 0).count() as u64
    })
}

/// Drops slots that left their interval, and the rings of keys no rule
/// names any more.
pub fn prune(c: &Controls, spend: &mut SpendState, now_ms: u64) {
    spend.velocity.retain(|key, ring| {
        let Some(rule) = c.velocity.iter().find(|r| r.key() == *key) else {
            return false;
        };
        let from = now_ms.saturating_sub(rule.interval_ms());
        if from > 0 {
            let old = ring.partition_point(|s| s.at_ms <= from);
            ring.drain(..old);
        }
        !ring.is_empty()
    });
}

fn rule(
    o: &serde_json::Map<String, Value>,
    path: &str,
    keys: &[&str],
    errs: &mut Vec<ConfigError>,
) -> Option<Rule> {
    super::unknown_keys(o, keys, path, errs);
    let int = |k: &str, hi: u64, errs: &mut Vec<ConfigError>| -> Option<u64> {
        // A missing key is reported as a `null` of the wrong type.
        let p = format!("{path}.{k}");
        match o.get(k).map(|v| (v.as_u64(), v.is_number())) {
            Some((Some(n), _)) if (1..=hi).contains(&n) => Some(n),
            Some((_, true)) => {
                ConfigError::push(errs, &p, Code::ConfigOutOfRange);
                None
            }
            _ => {
                ConfigError::push(errs, &p, Code::ConfigBadType);
                None
            }
        }
    };
    let max = int("max_payments", MAX_VELOCITY as u64, errs);
    let interval = int("interval_seconds", MAX_INTERVAL_SECONDS, errs);
    Some(Rule {
        endpoint: None,
        max_payments: u32::try_from(max?).ok()?,
        interval_seconds: interval?,
    })
}

/// Parses `velocity`: `{max_payments, interval_seconds, per_endpoint: {key: {max_payments, interval_seconds}}}`;
/// the global pair is optional, but both or neither.
pub(crate) fn parse(x: &Value, errs: &mut Vec<ConfigError>) -> Vec<Rule> {
    let Some(o) = x.as_object() else {
        ConfigError::push(errs, "velocity", Code::ConfigBadType);
        return Vec::new();
    };
    let mut out = Vec::new();
    let per = o.get("per_endpoint");
    if o.len() > usize::from(per.is_some()) {
        if let Some(r) = rule(o, "velocity", KEYS, errs) {
            out.push(r);
        }
    }
    match per {
        None => {}
        Some(Value::Object(m)) if m.len() <= MAX_ENDPOINTS => {
            for (k, v) in m {
                let path = format!("velocity.per_endpoint.{k}");
                let key = EndpointKey::parse(k);
                let r = match v.as_object() {
                    Some(v) => rule(v, &path, RULE_KEYS, errs),
                    None => {
                        ConfigError::push(errs, &path, Code::ConfigBadType);
                        None
                    }
                };
                match (key, r) {
                    (Ok(key), Some(mut r)) => {
                        if out.iter().any(|o: &Rule| o.endpoint.as_ref() == Some(&key)) {
                            ConfigError::push(errs, &path, Code::ConfigBadEndpoint);
                        } else {
                            r.endpoint = Some(key);
                            out.push(r);
                        }
                    }
                    (Err(code), _) => ConfigError::push(errs, &path, code),
                    _ => {}
                }
            }
        }
        Some(Value::Object(_)) => {
            ConfigError::push(errs, "velocity.per_endpoint", Code::ConfigOutOfRange)
        }
        Some(_) => ConfigError::push(errs, "velocity.per_endpoint", Code::ConfigBadType),
    }
    out
}
