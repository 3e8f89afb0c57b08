//! Operator controls: the kill switch ([`halt`]), velocity limits
//! ([`velocity`]), per-asset caps in atomic units ([`asset_caps`]), quote
//! drift ([`drift`]), wallet-pinning modes ([`PinMode`]) and budget alerts
//! ([`alerts`]).
//!
//! Every rule is here; the pipeline calls three hooks for the first three:
//! [`halt::check`] before anything else, [`check`] just before the USD policy
//! (a read: it reserves nothing) and [`hold`] once the USD policy reserved the
//! payment. The holds ride on the USD [`Reservation`], so they are committed,
//! released and expired with it (see [`crate::ledger`]).
//!
//! Keys: `velocity`, `asset_caps`, `max_quote_increase_ratio` ([`drift`]),
//! `wallet_pinning` ([`PinMode`]; overrides `pin_pay_to`), `budget_alerts`
//! (≤ [`MAX_FRACTIONS`], [`alerts`]) and `alert_webhook`
//! ([`alerts::webhook_action`]; its `secret`, ≥ [`MIN_SECRET_BYTES`] bytes,
//! signs the body). Types, defaults and ranges: `docs/CONFIG.md`.
//!
//! The names `max_quote_increase_ratio` and `wallet_pinning` are the seed's
//! (presidio-hardened-x402 0.13.0 on PyPI).

pub mod alerts;
pub mod asset_caps;
pub mod drift;
pub mod halt;
pub mod velocity;

use crate::challenge::PaymentOffer;
use crate::error::{Code, ConfigError};
use crate::ledger::{Holds, Reservation, SpendState, MAX_KEYS};
use crate::money::Usd;
use crate::url::NormalizedUrl;
use core::cmp::Ordering;
use serde_json::{Map, Value};

pub use crate::ledger::MAX_VELOCITY;
/// Most entries of `asset_caps`.
pub const MAX_ASSET_CAPS: usize = 64;
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

/// The operator-control part of a [`GuardConfig`](crate::config::GuardConfig).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Controls {
    /// Velocity rules: the global one (no endpoint) and per endpoint key.
    pub velocity: Vec<velocity::Rule>,
    /// Per-asset caps.
    pub asset_caps: Vec<asset_caps::AssetCap>,
    /// The drift ratio, as a fraction in USD units (`Usd(USD_ONE)` is 1 = +100 %).
    pub max_quote_increase_ratio: Option<Usd>,
    /// The pinning mode (used when pinning is on).
    pub pin_mode: PinMode,
    /// Alert fractions of each window limit, ascending, unique (`Usd(USD_ONE)` is 1).
    pub budget_alerts: Vec<Usd>,
    /// Where hosts post alerts.
    pub alert_webhook: Option<AlertWebhook>,
}

/// What [`check`] found: the holds to add once the USD policy reserved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pending(Holds);

/// Checks the velocity rules and asset caps for a payment of `offer` to
/// `url` at `now_ms` (after the state was pruned for the window). Reserves
/// nothing: [`hold`] does, after the USD policy passed. Refuses with
/// [`Code::VelocityExceeded`] or [`Code::AssetCapExceeded`] (or
/// [`Code::TooManyReservations`] when the state has no room for the keys).
/// `window` is the configuration's window in ms and `usd_keys` how many USD
/// ledger keys a payment may add (global + endpoints).
pub fn check(
    c: &Controls,
    window: u64,
    usd_keys: usize,
    spend: &mut SpendState,
    offer: &PaymentOffer,
    url: &NormalizedUrl,
    now_ms: u64,
) -> Result<Pending, Code> {
    spend.rebucket(crate::ledger::bucket_ms_for(window));
    spend.prune(now_ms, window);
    velocity::prune(c, spend, now_ms);
    let mut holds = Holds {
        at_ms: now_ms,
        ..Holds::default()
    };
    for rule in c.velocity.iter().filter(|r| r.applies(url)) {
        let key = rule.key();
        let current = velocity::count(spend, &key, rule, now_ms);
        if current >= u64::from(rule.max_payments) {
            return Err(Code::VelocityExceeded);
        }
        holds.velocity.push(key);
    }
    if let Some(cap) = asset_caps::find(&c.asset_caps, &offer.network, &offer.asset) {
        let key = cap.key();
        let current = spend.window_total(&key, now_ms, window).0;
        let over_call = cap.max_per_call.is_some_and(|l| offer.amount > l);
        let over_window = cap
            .max_per_window
            .is_some_and(|l| current.checked_add(offer.amount).is_none_or(|t| t > l));
        if over_call || over_window {
            return Err(Code::AssetCapExceeded);
        }
        holds.extra.push((key, offer.amount));
    }
    // Room for the USD keys (global + endpoints) and the extra ones.
    let bound = spend.ledgers.len() + usd_keys + holds.extra.len();
    if bound > MAX_KEYS || spend.velocity.len() + holds.velocity.len() > MAX_KEYS {
        return Err(Code::TooManyReservations);
    }
    Ok(Pending(holds))
}

/// Adds what [`check`] found to the reservation the USD policy just made.
pub fn hold(spend: &mut SpendState, r: &mut Reservation, p: Pending) {
    if p.0.extra.is_empty() && p.0.velocity.is_empty() {
        return;
    }
    spend.hold(r, p.0);
}

/// The `limit_type` label of `x402_policy_violations_total` for the
/// operator-control codes.
pub const fn limit_type(code: Code) -> Option<&'static str> {
    match code {
        Code::GuardHalted => Some("halted"),
        Code::VelocityExceeded => Some("velocity"),
        Code::AssetCapExceeded => Some("asset_cap"),
        Code::QuoteDriftExceeded => Some("quote_drift"),
        _ => None,
    }
}

/// Reads the operator-control keys of a configuration object. Returns the
/// controls and, when `wallet_pinning` was given, whether pinning is on.
pub fn parse(o: &Map<String, Value>, errs: &mut Vec<ConfigError>) -> (Controls, Option<bool>) {
    let mut c = Controls::default();
    let mut pinning = None;
    if let Some(x) = o.get("velocity") {
        c.velocity = velocity::parse(x, errs);
    }
    if let Some(x) = o.get("asset_caps") {
        c.asset_caps = asset_caps::parse(x, errs);
    }
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
        Some(Value::String(_)) => ConfigError::push(errs, "wallet_pinning", Code::ConfigOutOfRange),
        Some(_) => ConfigError::push(errs, "wallet_pinning", Code::ConfigBadType),
    }
    match o.get("budget_alerts") {
        None | Some(Value::Null) => {}
        Some(Value::Array(a)) if a.len() > MAX_FRACTIONS => {
            ConfigError::push(errs, "budget_alerts", Code::ConfigOutOfRange)
        }
        Some(Value::Array(a)) => {
            for (i, x) in a.iter().enumerate() {
                let path = format!("budget_alerts[{i}]");
                match decimal(x, &path, errs) {
                    Some(f) if f.0 > 0 && f.0 <= crate::money::USD_ONE => c.budget_alerts.push(f),
                    Some(_) => ConfigError::push(errs, &path, Code::ConfigOutOfRange),
                    None => {}
                }
            }
            c.budget_alerts.sort_unstable();
            c.budget_alerts.dedup();
        }
        Some(_) => ConfigError::push(errs, "budget_alerts", Code::ConfigBadType),
    }
    match o.get("alert_webhook") {
        None | Some(Value::Null) => {}
        Some(Value::Object(w)) => c.alert_webhook = webhook(w, errs),
        Some(_) => ConfigError::push(errs, "alert_webhook", Code::ConfigBadType),
    }
    (c, pinning)
}

fn webhook(w: &Map<String, Value>, errs: &mut Vec<ConfigError>) -> Option<AlertWebhook> {
    unknown_keys(w, &["url", "secret"], "alert_webhook", errs);
    let url = match w.get("url") {
        Some(Value::String(u)) if crate::url::parse(u).is_ok() => Some(u.clone()),
        Some(Value::String(_)) => {
            ConfigError::push(errs, "alert_webhook.url", Code::UrlInvalid);
            None
        }
        _ => {
            ConfigError::push(errs, "alert_webhook.url", Code::ConfigBadType);
            None
        }
    };
    let secret = match w.get("secret") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.len() >= MIN_SECRET_BYTES => Some(s.clone().into_bytes()),
        Some(Value::String(_)) => {
            ConfigError::push(errs, "alert_webhook.secret", Code::KeyTooShort);
            None
        }
        Some(_) => {
            ConfigError::push(errs, "alert_webhook.secret", Code::ConfigBadType);
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
            ConfigError::push(errs, path, Code::ConfigBadType);
            return None;
        }
    };
    match Usd::parse(&text) {
        Ok(u) => Some(u),
        Err(_) => {
            ConfigError::push(errs, path, Code::ConfigOutOfRange);
            None
        }
    }
}

/// Reports every key of `o` not in `keys` at `path.key`.
pub(crate) fn unknown_keys(
    o: &Map<String, Value>,
    keys: &[&str],
    path: &str,
    errs: &mut Vec<ConfigError>,
) {
    for k in o.keys() {
        if !keys.contains(&k.as_str()) {
            ConfigError::push(errs, &format!("{path}.{k}"), Code::ConfigUnknownField);
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
