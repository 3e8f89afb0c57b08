//! The stateless decision-side operations: `money.*`, `url.*`,
//! `challenge.parse`, `config.validate` and `replay.fingerprint`.
//!
//! `url.mask` `{url}` → `{url, masked}`: the URL with its credentials masked
//! as every log and approval request shows it ([`crate::url_mask`]).
//!
//! `payload.check` `{config?, payment_required?, body?, payload, now_ms}` →
//! `{allowed: true}` or `{allowed: false, code, field}`: the signed payload
//! checked against the offer the guard selects from the challenge
//! ([`crate::payload::check`], as the driver does on `signed`).
//!
//! `client.spend-controls` `{mode, current}` → `{action}`: what a host does
//! with an official x402 client's own spend controls when it hooks the
//! guard in ([`spend_controls`]); the host only reads the client's field
//! and calls its setter.

use super::views::{config_errors_json, offer_json};
use super::{config_field, key_field, opt_str, str_field, u64_field};
use crate::challenge;
use crate::config::GuardConfig;
use crate::error::Code;
use crate::hex;
use crate::money;
use crate::replay::{self, PaymentIdentity};
use crate::url::{self, EndpointKey};
use crate::url_mask;
use serde_json::{json, Value};

/// Runs one of these operations; `None` when `op` is not one of them.
pub(super) fn call(op: &str, input: &Value) -> Option<Result<Value, Code>> {
    Some(match op {
        "money.parse-atomic" => parse_atomic(input),
        "money.parse-usd" => parse_usd(input),
        "money.to-usd" => to_usd(input),
        "url.normalize" => url_normalize(input),
        "url.endpoint-match" => endpoint_match(input),
        "url.mask" => str_field(input, "url").map(|u| {
            let m = url_mask::mask(u);
            obj!(("masked", m != u), ("url", m))
        }),
        "challenge.parse" => challenge_parse(input),
        "config.validate" => Ok(config_validate(input)),
        "replay.fingerprint" => fingerprint(input),
        "payload.check" => payload_check(input),
        "client.spend-controls" => spend_controls(input),
        _ => return None,
    })
}

/// The official x402 clients (`@x402/core` >= 2.23, PyPI `x402` >= 2.25) run
/// their own spend controls while selecting a requirement, before any hook,
/// so a payment they refuse never reaches the guard's audit log. `mode`
/// (the host's option): `"off"` makes the guard's policy the one in force,
/// `"keep"` leaves the client's controls alone; anything else is
/// [`Code::ConfigBadType`]. `current`, as the host reads the client:
/// `"absent"` (no setter: an older SDK), `"off"` (switched off), `"default"`
/// (the SDK's defaults: unset or empty) or `"custom"` (set by the caller).
/// `{action: "switch-off"}`: the host calls the setter with `false`;
/// `{action: "none"}`: nothing to do; controls the caller set are refused
/// under `"off"` ([`Code::ConfigClientSpendControls`]: put those limits in
/// the policy, where they are audited).
fn spend_controls(input: &Value) -> Result<Value, Code> {
    let keep = match input.get("mode").and_then(Value::as_str) {
        Some("off") => false,
        Some("keep") => true,
        _ => return Err(Code::ConfigBadType),
    };
    let action = match str_field(input, "current")? {
        "absent" | "off" | "default" | "custom" if keep => "none",
        "absent" | "off" => "none",
        "default" => "switch-off",
        "custom" => return Err(Code::ConfigClientSpendControls),
        _ => return Err(Code::InvalidInput),
    };
    Ok(obj!(("action", action)))
}

fn payload_check(input: &Value) -> Result<Value, Code> {
    let cfg = config_field(input)?;
    let ch = challenge::parse(opt_str(input, "payment_required")?, opt_str(input, "body")?)?;
    let o = challenge::select(&ch, &cfg.networks, &cfg.assets)?;
    let approved = crate::payload::Approved::of(ch.x402_version, o);
    let payload = input.get("payload").ok_or(Code::InvalidInput)?;
    Ok(
        match crate::payload::check(
            &cfg.payload,
            &approved,
            payload,
            u64_field(input, "now_ms")?,
        ) {
            Ok(()) => obj!(("allowed", true)),
            Err(r) => obj!(
                ("allowed", false),
                ("code", r.code.as_str()),
                ("field", r.field)
            ),
        },
    )
}

fn parse_atomic(input: &Value) -> Result<Value, Code> {
    let v = money::parse_atomic(str_field(input, "amount")?)?;
    Ok(obj!(("atomic", v.to_string())))
}

fn parse_usd(input: &Value) -> Result<Value, Code> {
    let v = money::Usd::parse(str_field(input, "usd")?)?;
    Ok(obj!(("usd", v.to_string()), ("atto", v.0.to_string())))
}

fn to_usd(input: &Value) -> Result<Value, Code> {
    let atomic = money::parse_atomic(str_field(input, "atomic")?)?;
    let decimals = u8::try_from(u64_field(input, "decimals")?).map_err(|_| Code::InvalidInput)?;
    let price = money::Usd::parse(str_field(input, "price_usd")?)?;
    let v = money::to_usd(atomic, decimals, price)?;
    Ok(obj!(("usd", v.to_string())))
}

fn url_normalize(input: &Value) -> Result<Value, Code> {
    let u = url::parse(str_field(input, "url")?)?;
    Ok(obj!(
        ("url", u.to_url_string()),
        ("origin", u.origin()),
        ("host", u.host),
        ("path", u.path)
    ))
}

fn endpoint_match(input: &Value) -> Result<Value, Code> {
    let key = EndpointKey::parse(str_field(input, "key")?)?;
    let u = url::parse(str_field(input, "url")?)?;
    Ok(obj!(("matches", key.matches(&u)), ("key", key.canonical())))
}

fn challenge_parse(input: &Value) -> Result<Value, Code> {
    let cfg = config_field(input)?;
    let ch = challenge::parse(opt_str(input, "header")?, opt_str(input, "body")?)?;
    let offers: Vec<Value> = ch
        .offers
        .iter()
        .map(|o| match o {
            Ok(o) => offer_json(o),
            Err(c) => obj!(("error", c.as_str())),
        })
        .collect();
    let selected = challenge::select(&ch, &cfg.networks, &cfg.assets)?;
    Ok(obj!(
        ("x402_version", ch.x402_version),
        ("error", ch.error),
        ("resource", ch.resource),
        ("offers", offers),
        ("selected", offer_json(selected))
    ))
}

fn config_validate(input: &Value) -> Value {
    let cfg = input.get("config").cloned().unwrap_or(Value::Null);
    match GuardConfig::from_value(&cfg) {
        Ok(c) => {
            obj!(
                ("valid", true),
                ("errors", Value::Array(Vec::new())),
                (
                    "max_per_call_usd",
                    c.max_per_call_usd.map(|u| u.to_string())
                ),
                ("daily_limit_usd", c.daily_limit_usd.map(|u| u.to_string())),
                ("window_seconds", c.window_seconds),
                (
                    "per_endpoint",
                    c.per_endpoint
                        .iter()
                        .map(|(k, u)| json!([k.canonical(), u.to_string()]))
                        .collect::<Vec<_>>()
                ),
                ("trusted_wallets", c.trusted_wallets),
                (
                    "trusted_wallets_by_endpoint",
                    c.trusted_wallets_by_endpoint
                        .iter()
                        .map(|(k, w)| json!([k.canonical(), w]))
                        .collect::<Vec<_>>()
                ),
                ("networks", c.networks),
                ("assets", c.assets.len()),
                (
                    "pii_entities",
                    c.pii
                        .entities
                        .iter()
                        .map(|e| e.as_str())
                        .collect::<Vec<_>>()
                ),
                ("pii_action", c.pii.action.as_str()),
                ("mpa_threshold", c.mpa.as_ref().map(|m| m.threshold))
            )
        }
        Err(e) => obj!(("valid", false), ("errors", config_errors_json(&e))),
    }
}

fn fingerprint(input: &Value) -> Result<Value, Code> {
    let key = key_field(input, "key_hex")?;
    let u = url::parse(str_field(input, "url")?)?;
    let network = crate::assets::normalize_network(str_field(input, "network")?, 2)?;
    let id = PaymentIdentity {
        method: str_field(input, "method")?,
        url: &u,
        body_sha256: opt_str(input, "request_body_sha256")?,
        idempotency_key: opt_str(input, "idempotency_key")?,
        network: &network,
        asset: str_field(input, "asset")?,
        pay_to: str_field(input, "pay_to")?,
    };
    let fp = replay::fingerprint(&key, &id)?;
    Ok(obj!(
        ("fingerprint", fp),
        ("encoding_hex", hex::encode(&replay::encode(&id)))
    ))
}
