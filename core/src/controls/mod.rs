//! Operator controls: the kill switch ([`halt`]), velocity limits
//! ([`velocity`]) and per-asset caps in atomic units ([`asset_caps`]).
//!
//! Every rule is here; the pipeline calls three hooks: [`halt::check`] before
//! anything else, [`check`] just before the USD policy (a read: it reserves
//! nothing) and [`hold`] once the USD policy reserved the payment. The holds
//! ride on the USD [`Reservation`], so they are committed, released and
//! expired with it (see [`crate::ledger`]).

pub mod asset_caps;
pub mod halt;
pub mod velocity;

use crate::challenge::PaymentOffer;
use crate::error::Code;
use crate::ledger::{Holds, Reservation, SpendState, MAX_KEYS};
use crate::url::NormalizedUrl;

pub use crate::ledger::MAX_VELOCITY;
/// Most entries of `asset_caps`.
pub const MAX_ASSET_CAPS: usize = 64;

/// The operator-control part of a [`GuardConfig`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Controls {
    /// Velocity rules: the global one (no endpoint) and per endpoint key.
    pub velocity: Vec<velocity::Rule>,
    /// Per-asset caps.
    pub asset_caps: Vec<asset_caps::AssetCap>,
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
        _ => None,
    }
}

/// Parses the operator-control keys of the configuration object.
pub(crate) fn parse(
    o: &serde_json::Map<String, serde_json::Value>,
    errs: &mut Vec<crate::error::ConfigError>,
) -> Controls {
    let mut c = Controls::default();
    if let Some(x) = o.get("velocity") {
        c.velocity = velocity::parse(x, errs);
    }
    if let Some(x) = o.get("asset_caps") {
        c.asset_caps = asset_caps::parse(x, errs);
    }
    c
}

/// Reports every key of `o` not in `keys` at `path.key`.
pub(crate) fn unknown_keys(
    o: &serde_json::Map<String, serde_json::Value>,
    keys: &[&str],
    path: &str,
    errs: &mut Vec<crate::error::ConfigError>,
) {
    for k in o.keys() {
        if !keys.contains(&k.as_str()) {
            errs.push(crate::error::ConfigError::new(
                format!("{path}.{k}"),
                Code::ConfigUnknownField,
            ));
        }
    }
}
