//! Replay fingerprints: one purchase is never paid twice.
//!
//! The fingerprint is `HMAC-SHA256(key, encoding)` where the encoding is a
//! domain tag followed by each field as a 4-byte big-endian length and its
//! bytes: method, normalised request URL, network, asset, payee, amount and
//! scheme. Length prefixes make the encoding unambiguous (no delimiter a field
//! could contain), amounts are exact decimal integers (no rounding collisions),
//! and case is folded only where the protocol is case-insensitive: the method,
//! the URL's scheme and host, EVM addresses.

use crate::assets;
use crate::error::Code;
use crate::url::NormalizedUrl;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Shortest accepted key, in bytes.
pub const MIN_KEY_BYTES: usize = 16;
/// Domain-separation tag of the encoding.
pub const DOMAIN: &[u8] = b"presidio-x402/replay/v1";
/// Hex characters of the fingerprint written to audit lines.
pub const AUDIT_PREFIX_LEN: usize = 16;

/// The payment fields a fingerprint covers.
#[derive(Clone, Copy, Debug)]
pub struct PaymentIdentity<'a> {
    /// HTTP method of the paid request.
    pub method: &'a str,
    /// The real request URL, normalised.
    pub url: &'a NormalizedUrl,
    /// CAIP-2 network.
    pub network: &'a str,
    /// Asset contract or mint.
    pub asset: &'a str,
    /// Payee.
    pub pay_to: &'a str,
    /// Atomic amount.
    pub amount: u128,
    /// Payment scheme.
    pub scheme: &'a str,
}

/// The unambiguous byte encoding that is MACed.
pub fn encode(p: &PaymentIdentity<'_>) -> Vec<u8> {
    let fields = [
        p.method.to_ascii_uppercase(),
        p.url.to_url_string(),
        p.network.to_string(),
        assets::canonical_address(p.network, p.asset),
        assets::canonical_address(p.network, p.pay_to),
        p.amount.to_string(),
        p.scheme.to_string(),
    ];
    let mut out = Vec::with_capacity(160);
    push(&mut out, DOMAIN);
    for f in &fields {
        push(&mut out, f.as_bytes());
    }
    out
}

fn push(out: &mut Vec<u8>, field: &[u8]) {
    // Fields are capped far below 4 GiB by the parsers.
    out.extend_from_slice(&u32::try_from(field.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(field);
}

/// The fingerprint: lowercase hex of HMAC-SHA256(`key`, [`encode`]).
pub fn fingerprint(key: &[u8], p: &PaymentIdentity<'_>) -> Result<String, Code> {
    if key.len() < MIN_KEY_BYTES {
        return Err(Code::KeyTooShort);
    }
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).map_err(|_| Code::KeyTooShort)?;
    mac.update(&encode(p));
    Ok(crate::hex::encode(&mac.finalize().into_bytes()))
}

/// Replay TTL in ms: the configured floor, raised to the offer's
/// `maxTimeoutSeconds` so an authorisation cannot outlive its dedupe entry.
pub fn ttl_ms(configured_seconds: u64, max_timeout_seconds: u64) -> u64 {
    configured_seconds
        .max(max_timeout_seconds)
        .saturating_mul(1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url;

    const K: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn fp(method: &str, u: &str, pay_to: &str, amount: u128) -> String {
        let u = url::parse(u).unwrap();
        let p = PaymentIdentity {
            method,
            url: &u,
            network: "eip155:8453",
            asset: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
            pay_to,
            amount,
            scheme: "exact",
        };
        fingerprint(K, &p).unwrap()
    }

    #[test]
    fn case_variants_are_one_payment_and_fields_matter() {
        let a = fp(
            "GET",
            "https://api.example.com/x",
            "0xABCDEF0123456789abcdef0123456789ABCDEF01",
            10,
        );
        assert_eq!(
            a,
            fp(
                "get",
                "HTTPS://API.example.com:443/x",
                "0xabcdef0123456789abcdef0123456789abcdef01",
                10
            )
        );
        assert_ne!(
            a,
            fp(
                "POST",
                "https://api.example.com/x",
                "0xabcdef0123456789abcdef0123456789abcdef01",
                10
            )
        );
        assert_ne!(
            a,
            fp(
                "GET",
                "https://api.example.com/X",
                "0xabcdef0123456789abcdef0123456789abcdef01",
                10
            )
        );
        assert_ne!(
            a,
            fp(
                "GET",
                "https://api.example.com/x",
                "0xabcdef0123456789abcdef0123456789abcdef01",
                11
            )
        );
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn short_key_refused() {
        let u = url::parse("https://a/").unwrap();
        let p = PaymentIdentity {
            method: "GET",
            url: &u,
            network: "n:1",
            asset: "a",
            pay_to: "b",
            amount: 1,
            scheme: "exact",
        };
        assert_eq!(fingerprint(b"short", &p), Err(Code::KeyTooShort));
    }
}
