//! Spending policy and payee checks.
//!
//! [`check_payee`] runs the trusted-wallet allowlist, then payee pinning.
//! [`evaluate`] runs the per-call limit, then the window aggregate, then every
//! matching per-endpoint limit; passing reserves the amount on the global key
//! and each matching endpoint key. Every endpoint key that matches applies
//! (the most conservative reading when keys overlap).

use crate::config::GuardConfig;
use crate::error::Code;
use crate::ledger::{Reservation, SpendState};
use crate::money::Usd;
use crate::url::NormalizedUrl;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Ledger key of the global window limit.
pub const GLOBAL_KEY: &str = "*";
/// Most payee pins kept.
pub const MAX_PINS: usize = 4096;

/// All state a guard keeps between payments (hosts store it; the core owns its format).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GuardState {
    /// Spend ledgers and open reservations.
    pub spend: SpendState,
    /// Payee pins: `"{origin} {network}"` → canonical payee.
    pub pins: BTreeMap<String, String>,
    /// Last paid price per resource ([`crate::controls::drift`]); written as
    /// `quotes` only when not empty.
    pub quotes: crate::controls::drift::Quotes,
    /// Budget alerts fired ([`crate::controls::alerts`]); written as
    /// `alerts` only when not empty.
    pub alerts: crate::controls::alerts::Fired,
    /// The kill switch, when set (see [`crate::controls::halt`]).
    pub halted: Option<crate::controls::halt::Halt>,
}

impl GuardState {
    /// The serialised form: `{"v":1,"spend":…,"pins":{…}}`, plus `quotes`
    /// and `alerts` when not empty and `halted` when set (optional members: a
    /// state written before they existed still reads, and one without them
    /// reads in older versions).
    pub fn to_json(&self) -> Value {
        let mut m = serde_json::Map::new();
        m.insert("v".into(), json!(1));
        m.insert("spend".into(), self.spend.to_json());
        m.insert("pins".into(), json!(self.pins));
        if !self.quotes.0.is_empty() {
            m.insert("quotes".into(), self.quotes.to_json());
        }
        if !self.alerts.0.is_empty() {
            m.insert("alerts".into(), self.alerts.to_json());
        }
        if let Some(h) = &self.halted {
            m.insert("halted".into(), h.to_json());
        }
        Value::Object(m)
    }

    /// Parses [`GuardState::to_json`] output.
    pub fn from_json(v: &Value) -> Result<GuardState, Code> {
        if v.get("v").and_then(Value::as_u64) != Some(1) {
            return Err(Code::StateCorrupt);
        }
        let spend = SpendState::from_json(v.get("spend").ok_or(Code::StateCorrupt)?)?;
        let pins_v = v
            .get("pins")
            .and_then(Value::as_object)
            .ok_or(Code::StateCorrupt)?;
        if pins_v.len() > MAX_PINS {
            return Err(Code::StateCorrupt);
        }
        let mut pins = BTreeMap::new();
        for (k, p) in pins_v {
            pins.insert(k.clone(), p.as_str().ok_or(Code::StateCorrupt)?.to_string());
        }
        let quotes = match v.get("quotes") {
            None => Default::default(),
            Some(q) => crate::controls::drift::Quotes::from_json(q)?,
        };
        let alerts = match v.get("alerts") {
            None => Default::default(),
            Some(a) => crate::controls::alerts::Fired::from_json(a)?,
        };
        let halted = match v.get("halted") {
            None | Some(Value::Null) => None,
            Some(h) => Some(crate::controls::halt::Halt::from_json(h)?),
        };
        Ok(GuardState {
            spend,
            pins,
            quotes,
            alerts,
            halted,
        })
    }
}

/// Which limit refused a payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denial {
    /// [`Code::PolicyPerCallExceeded`], [`Code::PolicyWindowExceeded`] or [`Code::PolicyEndpointExceeded`].
    pub code: Code,
    /// The limit that would be exceeded.
    pub limit: Usd,
    /// Spend already counted against that limit (committed + reserved).
    pub current: Usd,
    /// The endpoint key, for endpoint denials.
    pub endpoint: Option<String>,
}

/// The result of a policy evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyVerdict {
    /// The payment fits every limit; its amount is now reserved.
    Allow(Reservation),
    /// A limit refused the payment; nothing was reserved.
    Deny(Denial),
}

/// The `limit_type` label of `x402_policy_violations_total` for a code; a
/// code is a policy violation exactly when it has one.
pub const fn limit_type(code: Code) -> Option<&'static str> {
    match code {
        Code::PolicyPerCallExceeded => Some("per_call"),
        Code::PolicyWindowExceeded => Some("window"),
        Code::PolicyEndpointExceeded => Some("per_endpoint"),
        Code::WalletNotTrusted => Some("trusted_wallets"),
        Code::PayToPinMismatch => Some("pay_to_pin"),
        Code::AssetUntrusted => Some("untrusted_asset"),
        c => crate::controls::limit_type(c),
    }
}

/// The seed's words for the limit a spending refusal hit (its messages name
/// them: "per-call limit", "aggregate spend", "endpoint spend").
pub const fn limit_words(code: Code) -> Option<&'static str> {
    match code {
        Code::PolicyPerCallExceeded => Some("per-call limit"),
        Code::PolicyWindowExceeded => Some("aggregate spend in the window"),
        Code::PolicyEndpointExceeded => Some("endpoint spend"),
        _ => None,
    }
}

/// Ledger key of a per-endpoint limit.
pub fn endpoint_key(canonical: &str) -> String {
    let mut key = String::with_capacity(9 + canonical.len());
    key.push_str("endpoint:");
    key.push_str(canonical);
    key
}

/// Checks limits for a payment of `amount` to `url` and reserves it, for
/// `lease_ms`, if it passes.
pub fn evaluate(
    cfg: &GuardConfig,
    state: &mut SpendState,
    amount: Usd,
    url: &NormalizedUrl,
    now_ms: u64,
    lease_ms: u64,
) -> Result<PolicyVerdict, Code> {
    let window = cfg.window_ms();
    state.rebucket(crate::ledger::bucket_ms_for(window));
    state.prune(now_ms, window);
    if let Some(limit) = cfg.max_per_call_usd {
        if amount > limit {
            return Ok(PolicyVerdict::Deny(Denial {
                code: Code::PolicyPerCallExceeded,
                limit,
                current: Usd::ZERO,
                endpoint: None,
            }));
        }
    }
    let fits = |current: Usd, limit: Usd| current.checked_add(amount).is_ok_and(|t| t <= limit);
    if let Some(limit) = cfg.daily_limit_usd {
        let current = state.window_total(GLOBAL_KEY, now_ms, window);
        if !fits(current, limit) {
            return Ok(PolicyVerdict::Deny(Denial {
                code: Code::PolicyWindowExceeded,
                limit,
                current,
                endpoint: None,
            }));
        }
    }
    let mut keys = vec![GLOBAL_KEY.to_string()];
    for (ep, limit) in &cfg.per_endpoint {
        if !ep.matches(url) {
            continue;
        }
        let key = endpoint_key(&ep.canonical());
        let current = state.window_total(&key, now_ms, window);
        if !fits(current, *limit) {
            return Ok(PolicyVerdict::Deny(Denial {
                code: Code::PolicyEndpointExceeded,
                limit: *limit,
                current,
                endpoint: Some(ep.canonical()),
            }));
        }
        keys.push(key);
    }
    state
        .reserve(keys, amount, now_ms, lease_ms)
        .map(PolicyVerdict::Allow)
}

/// The window limits a payment to `url` is charged to, as `(ledger key,
/// limit)`: the global one (when set), then every matching endpoint.
pub fn windows(cfg: &GuardConfig, url: &NormalizedUrl) -> Vec<(String, Usd)> {
    let mut out = Vec::new();
    if let Some(l) = cfg.daily_limit_usd {
        out.push((GLOBAL_KEY.to_string(), l));
    }
    for (ep, l) in &cfg.per_endpoint {
        if ep.matches(url) {
            out.push((endpoint_key(&ep.canonical()), *l));
        }
    }
    out
}

/// Pin-table key for an origin and network.
pub fn pin_key(origin: &str, network: &str) -> String {
    let mut key = String::with_capacity(origin.len() + 1 + network.len());
    key.push_str(origin);
    key.push(' ');
    key.push_str(network);
    key
}

/// Runs the trusted-wallet allowlist, then payee pinning. Returns the pin to
/// record once the payment succeeds, if this is the first payment to the
/// (origin, network).
pub fn check_payee(
    cfg: &GuardConfig,
    pins: &BTreeMap<String, String>,
    url: &NormalizedUrl,
    network: &str,
    pay_to: &str,
) -> Result<Option<(String, String)>, Code> {
    let payee = GuardConfig::canonical_wallet(pay_to);
    let mut specific = false;
    for (key, list) in &cfg.trusted_wallets_by_endpoint {
        if key.matches(url) {
            specific = true;
            if !list.contains(&payee) {
                return Err(Code::WalletNotTrusted);
            }
        }
    }
    if !specific && !cfg.trusted_wallets.is_empty() && !cfg.trusted_wallets.contains(&payee) {
        return Err(Code::WalletNotTrusted);
    }
    let origin = url.origin();
    let origin = origin.as_str();
    if !cfg.pin_pay_to {
        return Ok(None);
    }
    let key = pin_key(origin, network);
    match pins.get(&key) {
        Some(p) if *p == payee => Ok(None),
        Some(_) => Err(Code::PayToPinMismatch),
        None if pins.len() >= MAX_PINS => Err(Code::StateFull),
        None => Ok(Some((key, payee))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url;
    use serde_json::json;

    fn cfg() -> GuardConfig {
        GuardConfig::from_value(&json!({
            "max_per_call_usd": "0.10", "daily_limit_usd": "0.25",
            "per_endpoint": {"https://premium-api.io": "0.15"}
        }))
        .unwrap()
    }

    #[test]
    fn order_and_reservations() {
        let c = cfg();
        let mut s = SpendState::default();
        let u = url::parse("https://PREMIUM-API.io:443/x").unwrap();
        let other = url::parse("https://premium-api.io.evil.com/x").unwrap();
        let cents = |n: u64| Usd(u128::from(n) * crate::money::USD_ONE / 100);
        match evaluate(&c, &mut s, cents(11), &u, 0, 1000).unwrap() {
            PolicyVerdict::Deny(d) => assert_eq!(d.code, Code::PolicyPerCallExceeded),
            v => panic!("{v:?}"),
        }
        let PolicyVerdict::Allow(r1) = evaluate(&c, &mut s, cents(10), &u, 0, 1000).unwrap() else {
            panic!()
        };
        match evaluate(&c, &mut s, cents(6), &u, 1, 1000).unwrap() {
            PolicyVerdict::Deny(d) => {
                assert_eq!(d.code, Code::PolicyEndpointExceeded);
                assert_eq!(d.current, cents(10));
            }
            v => panic!("{v:?}"),
        }
        assert!(matches!(
            evaluate(&c, &mut s, cents(10), &other, 2, 1000).unwrap(),
            PolicyVerdict::Allow(_)
        ));
        match evaluate(&c, &mut s, cents(6), &other, 3, 1000).unwrap() {
            PolicyVerdict::Deny(d) => assert_eq!(d.code, Code::PolicyWindowExceeded),
            v => panic!("{v:?}"),
        }
        s.release(&r1);
        assert!(matches!(
            evaluate(&c, &mut s, cents(5), &u, 4, 1000).unwrap(),
            PolicyVerdict::Allow(_)
        ));
    }

    #[test]
    fn payee_checks() {
        let mut c = cfg();
        c.trusted_wallets = vec!["0xabcdef0123456789abcdef0123456789abcdef01".into()];
        c.pin_pay_to = true;
        let mut pins = BTreeMap::new();
        let good = "0xABCDEF0123456789abcdef0123456789abcdef01";
        let a = url::parse("https://a/x").unwrap();
        assert_eq!(
            check_payee(
                &c,
                &pins,
                &a,
                "eip155:1",
                "0x0000000000000000000000000000000000000001"
            ),
            Err(Code::WalletNotTrusted)
        );
        let pin = check_payee(&c, &pins, &a, "eip155:1", good)
            .unwrap()
            .unwrap();
        pins.insert(pin.0, pin.1);
        assert_eq!(check_payee(&c, &pins, &a, "eip155:1", good), Ok(None));
        c.trusted_wallets.clear();
        assert_eq!(
            check_payee(
                &c,
                &pins,
                &a,
                "eip155:1",
                "0x0000000000000000000000000000000000000001"
            ),
            Err(Code::PayToPinMismatch)
        );
    }

    #[test]
    fn payee_lists_per_endpoint() {
        let c = GuardConfig::from_value(&json!({"trusted_wallets": {
            "https://a": ["0x00000000000000000000000000000000000000aa"],
            "https://a/v2": ["0x00000000000000000000000000000000000000bb"],
            "*": ["0x00000000000000000000000000000000000000cc"]}}))
        .unwrap();
        let pins = BTreeMap::new();
        let check = |u: &str, w: &str| {
            check_payee(&c, &pins, &url::parse(u).unwrap(), "eip155:1", w).map(|_| ())
        };
        let (aa, bb, cc) = (
            "0x00000000000000000000000000000000000000AA",
            "0x00000000000000000000000000000000000000bb",
            "0x00000000000000000000000000000000000000cc",
        );
        assert_eq!(check("https://a/x", aa), Ok(()));
        assert_eq!(
            check("https://a/x", cc),
            Err(Code::WalletNotTrusted),
            "the origin's list, not the default"
        );
        // Under /v2 both keys match: the payee must be in both lists.
        assert_eq!(check("https://a/v2/y", bb), Err(Code::WalletNotTrusted));
        assert_eq!(check("https://a/v2/y", aa), Err(Code::WalletNotTrusted));
        assert_eq!(check("https://b/x", cc), Ok(()));
        assert_eq!(check("https://b/x", aa), Err(Code::WalletNotTrusted));
    }
}
