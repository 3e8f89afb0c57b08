//! Operator controls, part B: quote drift, wallet-pinning modes and budget
//! alerts (configuration, rules and the state they keep).
//!
//! | key | type | default |
//! |---|---|---|
//! | `max_quote_increase_ratio` | decimal (number or string) ≥ 0, or `null`: refuse an offer whose price exceeds the last paid price of the same resource × (1 + ratio) ([`drift`]) | none |
//! | `wallet_pinning` | `"block"`, `"warn"` or `null`: payee pinning and what a changed payee does ([`PinMode`]); overrides `pin_pay_to` | `pin_pay_to` |
//! | `budget_alerts` | array (≤ [`MAX_FRACTIONS`]) of decimal fractions in (0, 1] of each window limit ([`alerts`]) | `[]` |
//! | `alert_webhook` | `{url, secret?}`: where hosts post each alert ([`alerts::webhook_action`]); `secret` (≥ 16 bytes) signs the body | none |
//!
//! The names `max_quote_increase_ratio` and `wallet_pinning` are the seed's
//! (presidio-hardened-x402 0.13.0 on PyPI).

pub mod alerts;
pub mod drift;

use crate::error::{Code, ConfigError};
use crate::money::Usd;
use core::cmp::Ordering;
use serde_json::{Map, Value};

/// Most alert fractions.
pub const MAX_FRACTIONS: usize = 8;
/// Shortest alert webhook secret, in bytes.
pub const MIN_SECRET_BYTES: usize = 16;

/// What a payee that differs from its pin does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PinMode {
    /// Refuse the payment with `pay-to-pin-mismatch` (`pin_pay_to: true`).
    #[default]
    Block,
    /// Let it go ahead; its audit line carries the alert `pay-to-pin-mismatch`
    /// and `x402_control_warnings_total{control="pay_to_pin"}` counts it. The
    /// pin is never moved.
    Warn,
}

/// Where alerts are posted.
#[derive(Clone, PartialEq, Eq)]
pub struct AlertWebhook {
    /// The URL (http or https), as configured.
    pub url: String,
    /// Signs the body: header `X-Presidio-Signature: hex(HMAC-SHA256(secret, body))`.
    pub secret: Option<Vec<u8>>,
}

impl core::fmt::Debug for AlertWebhook {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AlertWebhook")
            .field("url", &self.url)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// The settings of this module.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Controls {
    /// The drift ratio, as a fraction in USD units (`Usd(USD_ONE)` is 1 = +100 %).
    pub max_quote_increase_ratio: Option<Usd>,
    /// The pinning mode (used when pinning is on).
    pub pin_mode: PinMode,
    /// Alert fractions of each window limit, ascending, unique (`Usd(USD_ONE)` is 1).
    pub budget_alerts: Vec<Usd>,
    /// Where hosts post alerts.
    pub alert_webhook: Option<AlertWebhook>,
}

/// Reads this module's keys from a configuration object. Returns the
/// controls and, when `wallet_pinning` was given, whether pinning is on.
pub fn parse(o: &Map<String, Value>, errs: &mut Vec<ConfigError>) -> (Controls, Option<bool>) {
    let mut c = Controls::default();
    let mut pinning = None;
    match o.get("max_quote_increase_ratio") {
        None | Some(Value::Null) => {}
        Some(x) => c.max_quote_increase_ratio = decimal(x, "max_quote_increase_ratio", errs),
    }
    match o.get("wallet_pinning") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if s == "block" => pinning = Some(true),
        Some(Value::String(s)) if s == "warn" => {
            pinning = Some(true);
            c.pin_mode = PinMode::Warn;
        }
        Some(Value::String(_)) => {
            errs.push(ConfigError::new("wallet_pinning", Code::ConfigOutOfRange))
        }
        Some(_) => errs.push(ConfigError::new("wallet_pinning", Code::ConfigBadType)),
    }
    match o.get("budget_alerts") {
        None | Some(Value::Null) => {}
        Some(Value::Array(a)) if a.len() > MAX_FRACTIONS => {
            errs.push(ConfigError::new("budget_alerts", Code::ConfigOutOfRange))
        }
        Some(Value::Array(a)) => {
            for (i, x) in a.iter().enumerate() {
                let path = format!("budget_alerts[{i}]");
                match decimal(x, &path, errs) {
                    Some(f) if f.0 > 0 && f.0 <= crate::money::USD_ONE => c.budget_alerts.push(f),
                    Some(_) => errs.push(ConfigError::new(path, Code::ConfigOutOfRange)),
                    None => {}
                }
            }
            c.budget_alerts.sort();
            c.budget_alerts.dedup();
        }
        Some(_) => errs.push(ConfigError::new("budget_alerts", Code::ConfigBadType)),
    }
    match o.get("alert_webhook") {
        None | Some(Value::Null) => {}
        Some(Value::Object(w)) => c.alert_webhook = webhook(w, errs),
        Some(_) => errs.push(ConfigError::new("alert_webhook", Code::ConfigBadType)),
    }
    (c, pinning)
}

fn webhook(w: &Map<String, Value>, errs: &mut Vec<ConfigError>) -> Option<AlertWebhook> {
    for k in w.keys() {
        if k != "url" && k != "secret" {
            errs.push(ConfigError::new(
                format!("alert_webhook.{k}"),
                Code::ConfigUnknownField,
            ));
        }
    }
    let url = match w.get("url") {
        Some(Value::String(u)) if crate::url::parse(u).is_ok() => Some(u.clone()),
        Some(Value::String(_)) => {
            errs.push(ConfigError::new("alert_webhook.url", Code::UrlInvalid));
            None
        }
        _ => {
            errs.push(ConfigError::new("alert_webhook.url", Code::ConfigBadType));
            None
        }
    };
    let secret = match w.get("secret") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.len() >= MIN_SECRET_BYTES => Some(s.clone().into_bytes()),
        Some(Value::String(_)) => {
            errs.push(ConfigError::new("alert_webhook.secret", Code::KeyTooShort));
            None
        }
        Some(_) => {
            errs.push(ConfigError::new(
                "alert_webhook.secret",
                Code::ConfigBadType,
            ));
            None
        }
    };
    url.map(|url| AlertWebhook { url, secret })
}

/// An exact non-negative decimal (as USD units), number or string.
fn decimal(x: &Value, path: &str, errs: &mut Vec<ConfigError>) -> Option<Usd> {
    let text = match x {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => {
            errs.push(ConfigError::new(path, Code::ConfigBadType));
            return None;
        }
    };
    match Usd::parse(&text) {
        Ok(u) => Some(u),
        Err(_) => {
            errs.push(ConfigError::new(path, Code::ConfigOutOfRange));
            None
        }
    }
}

/// `a × b` as a 256-bit number `(high, low)`.
fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const M: u128 = u64::MAX as u128;
    let (a1, a0, b1, b0) = (a >> 64, a & M, b >> 64, b & M);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    let mid = (p00 >> 64) + (p01 & M) + (p10 & M);
    let low = (p00 & M) | (mid << 64);
    let high = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (high, low)
}

/// Compares `a × b` with `c × d` exactly.
pub fn cmp_products(a: u128, b: u128, c: u128, d: u128) -> Ordering {
    mul_wide(a, b).cmp(&mul_wide(c, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_products() {
        assert_eq!(
            cmp_products(u128::MAX, u128::MAX, u128::MAX, u128::MAX),
            Ordering::Equal
        );
        assert_eq!(
            cmp_products(u128::MAX, 2, u128::MAX - 1, 2),
            Ordering::Greater
        );
        assert_eq!(cmp_products(u128::MAX, 3, 3, u128::MAX), Ordering::Equal);
        assert_eq!(mul_wide(u128::MAX, u128::MAX), (u128::MAX - 1, 1));
        assert_eq!(cmp_products(6, 7, 41, 1), Ordering::Greater);
        assert_eq!(
            cmp_products(1 << 100, 1 << 100, 1, u128::MAX),
            Ordering::Greater
        );
    }
}
