//! The x402 `payment-identifier` extension: an idempotency id per purchase.
//!
//! A server that dedupes payments declares
//! `PaymentRequired.extensions["payment-identifier"] = {"info": {"required": bool}, "schema": …}`;
//! the client echoes that declaration in `PaymentPayload.extensions` with
//! `info.id` added (16–128 chars of `[A-Za-z0-9_-]`), and reuses the id when it
//! retries the same purchase, so the server and the facilitator can drop a
//! second charge. A declaration that is not an object whose `info` is an
//! object with a boolean `required`, or whose canonical size passes
//! [`MAX_DECLARATION_BYTES`], is ignored (treated as not declared), as the
//! official SDKs do.
//!
//! # The id
//! `pay_` + base64url (no padding) of `nonce ‖ mac`, 32 characters:
//!
//! * `nonce` = the first 9 bytes of
//!   `HMAC-SHA256(key, "x402 payment-identifier nonce" ‖ seed ‖ fingerprint)`,
//! * `mac` = the first 12 bytes of
//!   `HMAC-SHA256(key, "x402 payment-identifier" ‖ fingerprint ‖ nonce)`,
//!
//! where `key` is the guard's replay key, `seed` the payment's `Begin.seed`
//! (8 bytes, big-endian; random in hosts, fixed in vectors) and `fingerprint`
//! the payment's replay fingerprint (64 lowercase hex digits, see
//! [`crate::replay`]). Every input has a fixed length, so the concatenations
//! are unambiguous, and the two HMACs are domain-separated by their labels;
//! their inputs (96 and 101 bytes, starting with `x`) can meet neither each
//! other nor the fingerprint's own HMAC input (which starts with a 4-byte
//! length), so sharing the replay key is safe.
//!
//! * **Reveals nothing:** both parts are PRF outputs under a key the server
//!   never sees; the id does not show the URL, the amount, the payee or the
//!   fingerprint, and two purchases' ids are unlinkable.
//! * **New purchase, new id:** the nonce comes from the payment's seed, so a
//!   second purchase of the same thing (once the replay guard lets it
//!   through) gets another id, and a server does not wrongly dedupe it.
//! * **Same purchase, same id:** a host that retries a purchase passes the
//!   earlier id as `Begin.purchase`; the core recomputes the mac from this
//!   payment's fingerprint and the id's nonce and compares it in constant
//!   time ([`belongs`]). A match reuses the id; anything else (malformed, or
//!   made for another fingerprint) refuses the payment with
//!   `payment-id-mismatch` (fail closed): a host bug cannot make two
//!   purchases share an id, and an id cannot be forged without the key.

use crate::error::Code;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The extension's key in `extensions`.
pub const EXTENSION: &str = "payment-identifier";
/// The id's prefix (the official SDKs' default).
pub const PREFIX: &str = "pay_";
/// Bytes of nonce in an id.
pub const NONCE_BYTES: usize = 9;
/// Bytes of mac in an id.
pub const MAC_BYTES: usize = 12;
/// Length of an id, in characters.
pub const ID_CHARS: usize = PREFIX.len() + (NONCE_BYTES + MAC_BYTES) * 4 / 3;
/// Largest declaration echoed back (its canonical JSON, in bytes); a larger
/// one is ignored.
pub const MAX_DECLARATION_BYTES: usize = 4096;

const NONCE_LABEL: &[u8] = b"x402 payment-identifier nonce";
const MAC_LABEL: &[u8] = b"x402 payment-identifier";

/// The server's `payment-identifier` declaration in a v2 `extensions`
/// object, when it is well formed (see the module docs); `None` otherwise.
pub fn declaration(extensions: &Value) -> Option<Value> {
    let d = extensions.get(EXTENSION)?;
    let info = d.as_object()?.get("info")?.as_object()?;
    info.get("required")?.as_bool()?;
    let size = crate::canonical::to_canonical(d).ok()?.len();
    (size <= MAX_DECLARATION_BYTES).then(|| d.clone())
}

/// The declaration with `info.id` set: what the client sends as
/// `extensions["payment-identifier"]`.
pub fn echo(declaration: &Value, id: &str) -> Value {
    let mut d = declaration.as_object().cloned().unwrap_or_default();
    let mut info = d
        .get("info")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_else(Map::new);
    info.insert("id".into(), Value::String(id.into()));
    d.insert("info".into(), Value::Object(info));
    Value::Object(d)
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes a key of any length, so this never falls back.
    let Ok(mut m) = <Hmac<Sha256> as Mac>::new_from_slice(key) else {
        return [0; 32];
    };
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().into()
}

fn mac(key: &[u8], fingerprint: &str, nonce: &[u8]) -> [u8; 32] {
    hmac(key, &[MAC_LABEL, fingerprint.as_bytes(), nonce])
}

/// A new id for the purchase with this fingerprint (see the module docs).
pub fn new_id(key: &[u8], seed: u64, fingerprint: &str) -> String {
    let n = hmac(
        key,
        &[NONCE_LABEL, &seed.to_be_bytes(), fingerprint.as_bytes()],
    );
    let m = mac(key, fingerprint, &n[..NONCE_BYTES]);
    let mut raw = [0u8; NONCE_BYTES + MAC_BYTES];
    raw[..NONCE_BYTES].copy_from_slice(&n[..NONCE_BYTES]);
    raw[NONCE_BYTES..].copy_from_slice(&m[..MAC_BYTES]);
    format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    )
}

/// Whether `id` is an id this guard made for the purchase with this
/// fingerprint: `Ok` when it is, else [`Code::PaymentIdMismatch`] (the mac is
/// compared in constant time).
pub fn belongs(key: &[u8], id: &str, fingerprint: &str) -> Result<(), Code> {
    let bad = Err(Code::PaymentIdMismatch);
    let Some(body) = id.strip_prefix(PREFIX).filter(|_| id.len() == ID_CHARS) else {
        return bad;
    };
    let Ok(raw) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(body) else {
        return bad;
    };
    if raw.len() != NONCE_BYTES + MAC_BYTES {
        return bad;
    }
    let (nonce, got) = raw.split_at(NONCE_BYTES);
    let want = mac(key, fingerprint, nonce);
    if bool::from(want[..MAC_BYTES].ct_eq(got)) {
        Ok(())
    } else {
        bad
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FP: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn ids_are_well_formed_per_purchase_and_checked() {
        let k = [7u8; 32];
        let a = new_id(&k, 1, FP);
        assert_eq!(a.len(), ID_CHARS);
        assert_eq!(ID_CHARS, 32);
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'));
        assert_eq!(a, new_id(&k, 1, FP));
        assert_ne!(a, new_id(&k, 2, FP));
        assert_eq!(belongs(&k, &a, FP), Ok(()));
        let other = FP.replace('0', "1");
        let e = Err(Code::PaymentIdMismatch);
        assert_eq!(belongs(&k, &a, &other), e);
        assert_eq!(belongs(&[8u8; 32], &a, FP), e);
        let mut flipped = a.clone().into_bytes();
        flipped[10] = if flipped[10] == b'A' { b'B' } else { b'A' };
        assert_eq!(belongs(&k, &String::from_utf8(flipped).unwrap(), FP), e);
        for bad in [
            "",
            "pay_",
            "pay_!!!!",
            &a[..31],
            &format!("{a}A"),
            &a.replacen("pay_", "pax_", 1),
        ] {
            assert_eq!(belongs(&k, bad, FP), e, "{bad}");
        }
    }

    #[test]
    fn only_a_well_formed_declaration_counts() {
        let ok = json!({"payment-identifier": {"info": {"required": true}, "schema": {}}});
        assert!(declaration(&ok).is_some());
        for bad in [
            json!(null),
            json!({}),
            json!({"payment-identifier": true}),
            json!({"payment-identifier": {}}),
            json!({"payment-identifier": {"info": {}}}),
            json!({"payment-identifier": {"info": {"required": "yes"}}}),
            json!({"payment-identifier": {"info": {"required": true}, "schema": "x".repeat(5000)}}),
        ] {
            assert_eq!(declaration(&bad), None, "{bad}");
        }
        let e = echo(&ok["payment-identifier"], "pay_x");
        assert_eq!(
            e,
            json!({"info": {"required": true, "id": "pay_x"}, "schema": {}})
        );
    }
}
