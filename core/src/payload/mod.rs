//! Payload binding: what gets signed is what was approved.
//!
//! The guard approves an *offer*; the signer then signs a *payload*. Before
//! the driver sends a signed payload it decodes it and refuses it unless it
//! authorizes exactly the approved payment ([`check`]). A refusal happens
//! before `send`: nothing leaves the process, and the reservation is released
//! as for a signer failure.
//!
//! | what is checked | refusal |
//! |---|---|
//! | the payload is a JSON object the core can decode (a known scheme's shape, every member typed, no unknown member) | `payload-malformed` |
//! | a full `PaymentPayload` (it has `x402Version`): its version is the challenge's; v1 `scheme`/`network` and v2 `accepted.{scheme, network, amount, asset, payTo}` are the approved offer's | `payload-mismatch` |
//! | EVM `exact`, EIP-3009 `authorization`: `to` = payee (case-insensitive), `value` = the atomic amount, `from` = the configured wallet (when one is), `validAfter` ≤ now + skew, `validBefore` > now − skew | `payload-mismatch` |
//! | EVM `exact`, Permit2 `permit2Authorization`: `permitted.token` = asset, `permitted.amount` = amount, `witness.to` = payee, `spender` = the x402 exact Permit2 proxy, `from` = wallet, `witness.validAfter` ≤ now + skew, `deadline` > now − skew | `payload-mismatch` |
//! | `validBefore` / `deadline` ≤ now + the offer's `maxTimeoutSeconds` + skew | `payload-expiry-too-long` |
//! | Solana `exact` (`transaction`): the decoded transaction has the x402 exact shape and one `TransferChecked` whose `mint` = asset, `amount` = amount, `destination` = the payee's associated token account, `authority` = wallet ([`svm`]) | `payload-malformed` / `payload-mismatch` |
//! | any other scheme or network | `payload-malformed` |
//!
//! Every refusal names the field (`authorization.to`, `accepted.amount`, …,
//! see [`Refusal::field`]). The value must equal the approved amount in v1
//! too: v1 facilitators accept `value ≥ maxAmountRequired`, and a larger
//! value is exactly what the guard did not approve.
//!
//! What is *not* checked: the signature itself. The EIP-712 domain (chain id,
//! verifying contract) is bound only by the signature, so a payload signed
//! under another domain is caught only by the facilitator (its signature does
//! not verify against the `accepted` offer the driver sends). Recovering the
//! signer (secp256k1 + keccak: `k256` 0.13 + `sha3` 0.10) measured +53.2 KB of
//! the core wasm module at `opt-level = "s"` (+48.7 KB after `wasm-opt -O3`),
//! more than the component's headroom under its 1 MiB cap (see the README).
//!
//! Signers that return opaque tokens (a remote signing service whose header
//! value the guard cannot read) need the explicit opt-out
//! `payload.check = "opaque"`: the payload is then sent unchecked.

pub mod svm;

use crate::assets;
use crate::error::Code;
use crate::money;
use serde_json::{Map, Value};

/// The x402 exact-scheme Permit2 proxy (the only spender an `exact` Permit2
/// payload may name; its contract enforces `witness.to`).
pub const X402_EXACT_PERMIT2_PROXY: &str = "0x402085c248eea27d92e8b30b2c58ed07f9e20001";
/// Default allowed clock skew between the signer and the guard, in seconds.
pub const DEFAULT_SKEW_SECONDS: u64 = 30;
/// Largest configurable skew, in seconds.
pub const MAX_SKEW_SECONDS: u64 = 600;
/// Longest signature accepted, in bytes (smart-wallet signatures are long).
pub const MAX_SIGNATURE_BYTES: usize = 4096;

/// How signed payloads are treated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Every payload is decoded and checked; one the core cannot decode is refused.
    #[default]
    Enforce,
    /// The signer's payloads are opaque tokens: sent unchecked (an explicit opt-out).
    Opaque,
}

impl Mode {
    /// Parses `"enforce"` / `"opaque"`.
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "enforce" => Some(Mode::Enforce),
            "opaque" => Some(Mode::Opaque),
            _ => None,
        }
    }
}

/// The `payload` configuration table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// Enforce (default) or the opaque-token opt-out.
    pub mode: Mode,
    /// Allowed clock skew, in seconds.
    pub skew_seconds: u64,
    /// The payer's own wallet (canonical form), when configured: `from` must be it.
    pub wallet: Option<String>,
}

impl Default for Binding {
    fn default() -> Self {
        Binding {
            mode: Mode::Enforce,
            skew_seconds: DEFAULT_SKEW_SECONDS,
            wallet: None,
        }
    }
}

/// What the guard approved (the selected offer).
#[derive(Clone, Copy, Debug)]
pub struct Approved<'a> {
    /// The challenge's x402 version.
    pub x402_version: u8,
    /// Payment scheme.
    pub scheme: &'a str,
    /// CAIP-2 network.
    pub network: &'a str,
    /// Token contract or mint.
    pub asset: &'a str,
    /// Payee.
    pub pay_to: &'a str,
    /// Atomic amount.
    pub amount: u128,
    /// The offer's `maxTimeoutSeconds`.
    pub max_timeout_seconds: u64,
}

impl<'a> Approved<'a> {
    /// The approval of `offer`, selected from a challenge of `x402_version`.
    pub fn of(x402_version: u8, offer: &'a crate::challenge::PaymentOffer) -> Approved<'a> {
        Approved {
            x402_version,
            scheme: &offer.scheme,
            network: &offer.network,
            asset: &offer.asset,
            pay_to: &offer.pay_to,
            amount: offer.amount,
            max_timeout_seconds: offer.max_timeout_seconds,
        }
    }
}

/// Why a payload was refused: its code and the field (a fixed name, never input data).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// `payload-malformed`, `payload-mismatch` or `payload-expiry-too-long`.
    pub code: Code,
    /// The field, e.g. `authorization.to`.
    pub field: &'static str,
}

fn malformed(field: &'static str) -> Refusal {
    Refusal {
        code: Code::PayloadMalformed,
        field,
    }
}

fn mismatch(field: &'static str) -> Refusal {
    Refusal {
        code: Code::PayloadMismatch,
        field,
    }
}

/// Checks a signed payload against the approved offer (see the module table).
/// `payload` is the signer's answer: a full `PaymentPayload` (with
/// `x402Version`) or the scheme payload alone.
pub fn check(b: &Binding, ap: &Approved<'_>, payload: &Value, now_ms: u64) -> Result<(), Refusal> {
    if b.mode == Mode::Opaque {
        return Ok(());
    }
    let Value::Object(p) = payload else {
        return Err(malformed("payload"));
    };
    let inner = if p.contains_key("x402Version") {
        envelope(ap, p)?
    } else {
        p
    };
    if ap.scheme != "exact" {
        return Err(malformed("scheme"));
    }
    if ap.network.starts_with("solana:") {
        return svm::check(b, ap, inner);
    }
    if !assets::is_evm(ap.network) {
        return Err(malformed("payload"));
    }
    exact_evm(b, ap, inner, now_ms / 1000)
}

/// A full `PaymentPayload`: its own claims about the offer, then its scheme payload.
fn envelope<'p>(
    ap: &Approved<'_>,
    p: &'p Map<String, Value>,
) -> Result<&'p Map<String, Value>, Refusal> {
    match p.get("x402Version").and_then(Value::as_u64) {
        Some(v) if v == u64::from(ap.x402_version) => {}
        Some(_) => return Err(mismatch("x402Version")),
        None => return Err(malformed("x402Version")),
    }
    if ap.x402_version == 1 {
        same_str(p, "scheme", "scheme", ap.scheme)?;
        let net = str_of(p, "network", "network")?;
        if assets::normalize_network(net, 1).ok().as_deref() != Some(ap.network) {
            return Err(mismatch("network"));
        }
    } else if let Some(acc) = p.get("accepted") {
        let Value::Object(acc) = acc else {
            return Err(malformed("accepted"));
        };
        same_str(acc, "scheme", "accepted.scheme", ap.scheme)?;
        let net = str_of(acc, "network", "accepted.network")?;
        if assets::normalize_network(net, 2).ok().as_deref() != Some(ap.network) {
            return Err(mismatch("accepted.network"));
        }
        amount(acc, "amount", "accepted.amount", ap.amount)?;
        address(acc, "asset", "accepted.asset", ap.network, ap.asset)?;
        address(acc, "payTo", "accepted.payTo", ap.network, ap.pay_to)?;
    }
    match p.get("payload") {
        Some(Value::Object(inner)) => Ok(inner),
        _ => Err(malformed("payload")),
    }
}

fn exact_evm(
    b: &Binding,
    ap: &Approved<'_>,
    p: &Map<String, Value>,
    now_s: u64,
) -> Result<(), Refusal> {
    let sig = str_of(p, "signature", "signature")?;
    let hex = sig.strip_prefix("0x").ok_or(malformed("signature"))?;
    if !(128..=2 * MAX_SIGNATURE_BYTES).contains(&hex.len())
        || hex.len() % 2 != 0
        || !hex.bytes().all(|c| c.is_ascii_hexdigit())
    {
        return Err(malformed("signature"));
    }
    if let Some(Value::Object(a)) = p.get("authorization") {
        only(p, &["signature", "authorization"], "payload")?;
        only(
            a,
            &["from", "to", "value", "validAfter", "validBefore", "nonce"],
            "authorization",
        )?;
        let from = evm_address(a, "from", "authorization.from")?;
        let to = evm_address(a, "to", "authorization.to")?;
        let value = atomic(a, "value", "authorization.value")?;
        let after = seconds(a, "validAfter", "authorization.validAfter")?;
        let before = seconds(a, "validBefore", "authorization.validBefore")?;
        let nonce = str_of(a, "nonce", "authorization.nonce")?;
        if !(nonce.len() == 66
            && nonce.starts_with("0x")
            && nonce[2..].bytes().all(|c| c.is_ascii_hexdigit()))
        {
            return Err(malformed("authorization.nonce"));
        }
        if !to.eq_ignore_ascii_case(ap.pay_to) {
            return Err(mismatch("authorization.to"));
        }
        if value != ap.amount {
            return Err(mismatch("authorization.value"));
        }
        wallet(b, from, "authorization.from")?;
        window(
            b,
            ap,
            now_s,
            after,
            before,
            "authorization.validAfter",
            "authorization.validBefore",
        )
    } else if let Some(Value::Object(a)) = p.get("permit2Authorization") {
        only(p, &["signature", "permit2Authorization"], "payload")?;
        only(
            a,
            &[
                "from",
                "permitted",
                "spender",
                "nonce",
                "deadline",
                "witness",
            ],
            "permit2Authorization",
        )?;
        let from = evm_address(a, "from", "permit2Authorization.from")?;
        let Some(Value::Object(permitted)) = a.get("permitted") else {
            return Err(malformed("permit2Authorization.permitted"));
        };
        only(
            permitted,
            &["token", "amount"],
            "permit2Authorization.permitted",
        )?;
        let token = evm_address(permitted, "token", "permit2Authorization.permitted.token")?;
        let value = atomic(permitted, "amount", "permit2Authorization.permitted.amount")?;
        let spender = evm_address(a, "spender", "permit2Authorization.spender")?;
        uint256(a, "nonce", "permit2Authorization.nonce")?;
        let deadline = seconds(a, "deadline", "permit2Authorization.deadline")?;
        let Some(Value::Object(witness)) = a.get("witness") else {
            return Err(malformed("permit2Authorization.witness"));
        };
        only(
            witness,
            &["to", "validAfter"],
            "permit2Authorization.witness",
        )?;
        let to = evm_address(witness, "to", "permit2Authorization.witness.to")?;
        let after = seconds(
            witness,
            "validAfter",
            "permit2Authorization.witness.validAfter",
        )?;
        if !token.eq_ignore_ascii_case(ap.asset) {
            return Err(mismatch("permit2Authorization.permitted.token"));
        }
        if value != ap.amount {
            return Err(mismatch("permit2Authorization.permitted.amount"));
        }
        if !to.eq_ignore_ascii_case(ap.pay_to) {
            return Err(mismatch("permit2Authorization.witness.to"));
        }
        if !spender.eq_ignore_ascii_case(X402_EXACT_PERMIT2_PROXY) {
            return Err(mismatch("permit2Authorization.spender"));
        }
        wallet(b, from, "permit2Authorization.from")?;
        window(
            b,
            ap,
            now_s,
            after,
            deadline,
            "permit2Authorization.witness.validAfter",
            "permit2Authorization.deadline",
        )
    } else {
        Err(malformed("authorization"))
    }
}

/// The validity window: valid now (give or take the skew), and not for
/// longer than the offer allows.
fn window(
    b: &Binding,
    ap: &Approved<'_>,
    now_s: u64,
    after: u64,
    before: u64,
    after_field: &'static str,
    before_field: &'static str,
) -> Result<(), Refusal> {
    if after > now_s.saturating_add(b.skew_seconds) {
        return Err(mismatch(after_field));
    }
    if before.saturating_add(b.skew_seconds) <= now_s {
        return Err(mismatch(before_field));
    }
    let latest = now_s
        .saturating_add(ap.max_timeout_seconds)
        .saturating_add(b.skew_seconds);
    if before > latest {
        return Err(Refusal {
            code: Code::PayloadExpiryTooLong,
            field: before_field,
        });
    }
    Ok(())
}

fn wallet(b: &Binding, from: &str, field: &'static str) -> Result<(), Refusal> {
    match &b.wallet {
        Some(w) if !w.eq_ignore_ascii_case(from) => Err(mismatch(field)),
        _ => Ok(()),
    }
}

/// No member outside `known`.
fn only(m: &Map<String, Value>, known: &[&str], field: &'static str) -> Result<(), Refusal> {
    if m.keys().all(|k| known.contains(&k.as_str())) {
        Ok(())
    } else {
        Err(malformed(field))
    }
}

fn str_of<'v>(m: &'v Map<String, Value>, k: &str, field: &'static str) -> Result<&'v str, Refusal> {
    m.get(k).and_then(Value::as_str).ok_or(malformed(field))
}

fn same_str(
    m: &Map<String, Value>,
    k: &str,
    field: &'static str,
    want: &str,
) -> Result<(), Refusal> {
    if str_of(m, k, field)? == want {
        Ok(())
    } else {
        Err(mismatch(field))
    }
}

fn evm_address<'v>(
    m: &'v Map<String, Value>,
    k: &str,
    field: &'static str,
) -> Result<&'v str, Refusal> {
    let a = str_of(m, k, field)?;
    if assets::valid_address("eip155:1", a) {
        Ok(a)
    } else {
        Err(malformed(field))
    }
}

fn address(
    m: &Map<String, Value>,
    k: &str,
    field: &'static str,
    network: &str,
    want: &str,
) -> Result<(), Refusal> {
    let a = str_of(m, k, field)?;
    if assets::canonical_address(network, a) == assets::canonical_address(network, want) {
        Ok(())
    } else {
        Err(mismatch(field))
    }
}

fn atomic(m: &Map<String, Value>, k: &str, field: &'static str) -> Result<u128, Refusal> {
    money::parse_atomic(str_of(m, k, field)?).map_err(|_| malformed(field))
}

fn amount(m: &Map<String, Value>, k: &str, field: &'static str, want: u128) -> Result<(), Refusal> {
    if atomic(m, k, field)? == want {
        Ok(())
    } else {
        Err(mismatch(field))
    }
}

/// A uint256 as canonical decimal text (at most 78 digits, no leading zero).
fn uint256(m: &Map<String, Value>, k: &str, field: &'static str) -> Result<(), Refusal> {
    let s = str_of(m, k, field)?;
    let ok = (1..=78).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s == "0" || !s.starts_with('0'));
    if ok {
        Ok(())
    } else {
        Err(malformed(field))
    }
}

/// A Unix time in seconds, as a decimal string (the SDKs' form).
fn seconds(m: &Map<String, Value>, k: &str, field: &'static str) -> Result<u64, Refusal> {
    u64::try_from(atomic(m, k, field)?).map_err(|_| malformed(field))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PAY_TO: &str = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
    const ASSET: &str = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
    const NOW: u64 = 1_767_225_600;

    fn ap() -> Approved<'static> {
        Approved {
            x402_version: 2,
            scheme: "exact",
            network: "eip155:84532",
            asset: ASSET,
            pay_to: PAY_TO,
            amount: 1000,
            max_timeout_seconds: 300,
        }
    }

    fn good() -> Value {
        json!({"signature": format!("0x{}", "ab".repeat(65)), "authorization": {
            "from": "0x1111111111111111111111111111111111111111", "to": PAY_TO.to_lowercase(),
            "value": "1000", "validAfter": "0", "validBefore": (NOW + 300).to_string(),
            "nonce": format!("0x{}", "00".repeat(32))}})
    }

    fn run(p: &Value) -> Result<(), Refusal> {
        check(&Binding::default(), &ap(), p, NOW * 1000)
    }

    #[test]
    fn the_approved_payload_passes_and_each_change_is_refused() {
        assert_eq!(run(&good()), Ok(()));
        let set = |k: &str, v: Value| {
            let mut p = good();
            p["authorization"][k] = v;
            run(&p)
        };
        let mis = |f| Err(mismatch(f));
        assert_eq!(set("to", json!(ASSET)), mis("authorization.to"));
        assert_eq!(set("value", json!("1001")), mis("authorization.value"));
        assert_eq!(
            set("value", json!("01000")),
            Err(malformed("authorization.value"))
        );
        assert_eq!(
            set("validAfter", json!((NOW + 31).to_string())),
            mis("authorization.validAfter")
        );
        assert_eq!(
            set("validBefore", json!((NOW - 31).to_string())),
            mis("authorization.validBefore")
        );
        assert_eq!(
            set("validBefore", json!((NOW + 331).to_string())),
            Err(Refusal {
                code: Code::PayloadExpiryTooLong,
                field: "authorization.validBefore"
            })
        );
        assert_eq!(
            set("nonce", json!("0x1")),
            Err(malformed("authorization.nonce"))
        );
        assert_eq!(set("extra", json!("1")), Err(malformed("authorization")));
        assert_eq!(run(&json!({"sig": "0x1"})), Err(malformed("signature")));
        let b = Binding {
            wallet: Some("0x2222222222222222222222222222222222222222".into()),
            ..Binding::default()
        };
        assert_eq!(
            check(&b, &ap(), &good(), NOW * 1000),
            mis("authorization.from")
        );
        let b = Binding {
            mode: Mode::Opaque,
            ..Binding::default()
        };
        assert_eq!(check(&b, &ap(), &json!("token"), NOW * 1000), Ok(()));
    }

    #[test]
    fn a_full_payload_must_claim_the_approved_offer() {
        let full = |acc: Value| json!({"x402Version": 2, "accepted": acc, "payload": good()});
        let acc = json!({"scheme": "exact", "network": "eip155:84532", "amount": "1000",
                         "asset": ASSET, "payTo": PAY_TO, "maxTimeoutSeconds": 300});
        assert_eq!(run(&full(acc.clone())), Ok(()));
        let mut other = acc.clone();
        other["asset"] = json!(PAY_TO);
        assert_eq!(run(&full(other)), Err(mismatch("accepted.asset")));
        let mut other = acc;
        other["network"] = json!("eip155:8453");
        assert_eq!(run(&full(other)), Err(mismatch("accepted.network")));
        assert_eq!(
            run(&json!({"x402Version": 1, "payload": good()})),
            Err(mismatch("x402Version"))
        );
    }
}
