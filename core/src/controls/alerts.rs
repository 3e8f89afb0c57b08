//! Budget alerts: one event when a window's spend first reaches a configured
//! fraction of its limit.
//!
//! **When an alert fires.** After a payment's amount is reserved, the
//! committed + reserved total of each window it was charged to (the global
//! window under `daily_limit_usd`, each matching `per_endpoint` window, and
//! the asset's window under an `asset_caps` entry with `max_per_window`, in
//! atomic units) is compared with every fraction `f` of `budget_alerts`: when
//! `total ≥ f × limit` and the (window, f) pair is *armed*, it fires once and
//! is disarmed. A pair is re-armed when a later payment charged to that
//! window finds the total under `f × limit` again (spend aged out of the
//! 96-bucket window, or a reservation was released), or `window_seconds`
//! after it fired (spend that stays high alerts once per window length).
//! The fired times live in the guard state ([`Fired`]), so processes sharing
//! a store do not repeat an alert.
//!
//! **Where it goes.** The payment's audit line carries it in `alerts`
//! (`budget:<f>:<window>`, the window being `*`, `endpoint:<key>` or
//! `asset:<network>:<address>`),
//! `x402_budget_alerts_total{window, fraction}` counts it, and with an
//! `alert_webhook` the driver asks the host to post it ([`webhook_action`]).

use super::{cmp_products, Controls};
use crate::error::Code;
use crate::ledger::SpendState;
use crate::money::{Usd, USD_ONE};
use core::cmp::Ordering;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The alerts counter: `kind` is `budget` or `pay_to_pin`; `window` (`*` or
/// `endpoint:<key>`) and `fraction` are empty for `pay_to_pin` (declared in
/// [`crate::driver::tables::METRICS`]).
pub const ALERTS_METRIC: &str = "x402_alerts_total";
/// Most remembered (window, fraction) pairs.
pub const MAX_FIRED: usize = 4096;
/// The alert token a warn-mode payee change writes (see [`super::PinMode::Warn`]).
pub const PIN_MISMATCH: &str = "pay-to-pin-mismatch";

/// When each (window, fraction) last fired: `"<fraction> <window>"` → ms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fired(pub BTreeMap<String, u64>);

/// One alert of a payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Alert {
    /// A window's spend reached a fraction of its limit.
    Budget {
        /// The ledger key: `*` (global), `endpoint:<key>` or
        /// `asset:<network>:<address>` (see [`Alert::is_asset`]).
        window: String,
        /// The configured fraction.
        fraction: Usd,
        /// The window's limit (atomic units in `.0` for an asset window).
        limit: Usd,
        /// Committed + reserved spend of the window, this payment included
        /// (atomic units in `.0` for an asset window).
        total: Usd,
    },
    /// The payee differs from its pin and `wallet_pinning` is `warn`.
    PinMismatch,
}

impl Alert {
    /// The audit token: `budget:<fraction>:<window>` or [`PIN_MISMATCH`].
    pub fn token(&self) -> String {
        match self {
            Alert::Budget {
                window, fraction, ..
            } => format!("budget:{fraction}:{window}"),
            Alert::PinMismatch => PIN_MISMATCH.to_string(),
        }
    }

    /// Whether this is a budget alert of an asset cap's window (amounts in
    /// atomic units, not USD).
    pub fn is_asset(&self) -> bool {
        matches!(self, Alert::Budget { window, .. } if window.starts_with(super::asset_caps::KEY_PREFIX))
    }

    /// The JSON form posted to the webhook: `limit_usd`/`total_usd`, or
    /// `limit_atomic`/`total_atomic` (integer strings) for an asset window.
    pub fn to_json(&self) -> Value {
        match self {
            Alert::Budget {
                window,
                fraction,
                limit,
                total,
            } if self.is_asset() => {
                obj!(
                    ("kind", "budget"),
                    ("window", window),
                    ("fraction", fraction.to_string()),
                    ("limit_atomic", limit.0.to_string()),
                    ("total_atomic", total.0.to_string())
                )
            }
            Alert::Budget {
                window,
                fraction,
                limit,
                total,
            } => {
                obj!(
                    ("kind", "budget"),
                    ("window", window),
                    ("fraction", fraction.to_string()),
                    ("limit_usd", limit.to_string()),
                    ("total_usd", total.to_string())
                )
            }
            Alert::PinMismatch => obj!(("kind", PIN_MISMATCH)),
        }
    }
}

/// Checks the windows a payment was charged to (`(ledger key, limit)`, from
/// [`crate::policy::windows`] and [`super::asset_caps::window`]; call after
/// the reservation); returns the
/// alerts that fire and records them in `fired`.
pub fn after_reserve(
    fractions: &[Usd],
    windows: &[(String, Usd)],
    spend: &SpendState,
    fired: &mut Fired,
    now_ms: u64,
    window_ms: u64,
) -> Vec<Alert> {
    let mut out = Vec::new();
    for (window, limit) in windows {
        let total = spend.window_total(window, now_ms, window_ms);
        for &f in fractions {
            let id = format!("{f} {window}");
            if cmp_products(total.0, USD_ONE, f.0, limit.0) == Ordering::Less {
                fired.0.remove(&id);
                continue;
            }
            let armed = fired
                .0
                .get(&id)
                .is_none_or(|&t| now_ms.saturating_sub(t) >= window_ms);
            if armed {
                fired.record(id, now_ms);
                out.push(Alert::Budget {
                    window: window.clone(),
                    fraction: f,
                    limit: *limit,
                    total,
                });
            }
        }
    }
    out
}

/// The `alert` action's fields for a payment's alerts, when an
/// `alert_webhook` is configured: `{url, body, headers}`. The body is the
/// canonical JSON `{"v":1,"event":"x402_alert","at_ms","agent_id","alerts":[…]}`;
/// headers are `content-type` and, with a secret,
/// `x-presidio-signature: hex(HMAC-SHA256(secret, body))`. Hosts post it
/// once, without waiting for or retrying on the answer.
pub fn webhook_action(
    c: &Controls,
    agent_id: &str,
    alerts: &[Alert],
    now_ms: u64,
) -> Option<Value> {
    let w = c.alert_webhook.as_ref()?;
    if alerts.is_empty() {
        return None;
    }
    let body = obj!(
        ("v", 1),
        ("event", "x402_alert"),
        ("at_ms", now_ms),
        (
            "agent_id",
            (!agent_id.is_empty()).then(|| agent_id.to_string())
        ),
        (
            "alerts",
            alerts.iter().map(Alert::to_json).collect::<Vec<_>>()
        )
    );
    let body = crate::canonical::to_canonical(&body).ok()?;
    let mut headers = Map::new();
    headers.insert("content-type".into(), "application/json".into());
    if let Some(s) = &w.secret {
        let mac = crate::audit::hmac_sha256(s, body.as_bytes());
        headers.insert(
            "x-presidio-signature".into(),
            crate::hex::encode(&mac).into(),
        );
    }
    Some(obj!(("url", w.url), ("body", body), ("headers", headers)))
}

impl Fired {
    fn record(&mut self, id: String, now_ms: u64) {
        self.0.insert(id, now_ms);
        while self.0.len() > MAX_FIRED {
            let oldest = self
                .0
                .iter()
                .min_by_key(|(k, t)| (**t, (*k).clone()))
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => self.0.remove(&k),
                None => break,
            };
        }
    }

    /// `{"<fraction> <window>": fired_at_ms}`.
    pub fn to_json(&self) -> Value {
        // Inserted, not collected (see `SpendState::to_json`).
        let mut m = serde_json::Map::new();
        for (k, t) in &self.0 {
            m.insert(k.clone(), json!(t));
        }
        Value::Object(m)
    }

    /// Parses [`Fired::to_json`] output.
    pub fn from_json(v: &Value) -> Result<Fired, Code> {
        let m = v.as_object().ok_or(Code::StateCorrupt)?;
        if m.len() > MAX_FIRED {
            return Err(Code::StateCorrupt);
        }
        let mut out = BTreeMap::new();
        for (k, t) in m {
            out.insert(k.clone(), t.as_u64().ok_or(Code::StateCorrupt)?);
        }
        Ok(Fired(out))
    }
}
