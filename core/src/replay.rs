//! Replay fingerprints: one purchase is never paid twice.
//!
//! A purchase is a **request**, not a quote. The fingerprint is
//! `HMAC-SHA256(key, encoding)` where the encoding is a domain tag followed by
//! each field as a 4-byte big-endian length and its bytes: the method, the
//! canonical request URL, the SHA-256 of the request body (methods with a
//! body), the caller's idempotency key, the CAIP-2 network, the asset and the
//! payee. The price and the scheme are the server's choice, so they are not
//! part of it: the same request quoted again at another price is the same
//! purchase (refused as a replay within the TTL), not a new one. Length
//! prefixes make the encoding unambiguous (no delimiter a field could
//! contain); an absent body digest or key is an empty field, and present
//! ones are never empty. Case is folded only where the protocol is
//! case-insensitive: the method, the URL's scheme and host, EVM addresses.

use crate::assets;
use crate::audit::AuditMac;
use crate::error::Code;
use crate::url::NormalizedUrl;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Shortest accepted key, in bytes.
pub const MIN_KEY_BYTES: usize = 16;
/// Domain-separation tag of the encoding.
pub const DOMAIN: &[u8] = b"presidio-x402/replay/v2";
/// Hex characters of the fingerprint written to audit lines.
pub const AUDIT_PREFIX_LEN: usize = 16;
/// Longest idempotency key accepted, in bytes.
pub const MAX_IDEMPOTENCY_KEY_BYTES: usize = 255;

/// What makes one purchase: the request and who is paid in what.
#[derive(Clone, Copy, Debug)]
pub struct PaymentIdentity<'a> {
    /// HTTP method of the paid request.
    pub method: &'a str,
    /// The real request URL, canonical.
    pub url: &'a NormalizedUrl,
    /// SHA-256 of the request body, 64 hex digits; `None` without a body (or
    /// when the host could not read it). Ignored for `GET` and `HEAD`.
    pub body_sha256: Option<&'a str>,
    /// The caller's idempotency key (1 to [`MAX_IDEMPOTENCY_KEY_BYTES`]
    /// visible ASCII bytes, e.g. the request's `Idempotency-Key` header).
    pub idempotency_key: Option<&'a str>,
    /// CAIP-2 network.
    pub network: &'a str,
    /// Asset contract or mint.
    pub asset: &'a str,
    /// Payee.
    pub pay_to: &'a str,
}

impl PaymentIdentity<'_> {
    /// [`check_request`] on this identity's caller fields.
    pub fn check(&self) -> Result<(), Code> {
        check_request(self.body_sha256, self.idempotency_key)
    }
}

/// Checks the caller's request fields: a body digest is 64 hex digits, an
/// idempotency key 1 to [`MAX_IDEMPOTENCY_KEY_BYTES`] bytes of visible ASCII
/// or space ([`Code::InvalidInput`] otherwise).
pub fn check_request(body_sha256: Option<&str>, idempotency_key: Option<&str>) -> Result<(), Code> {
    if let Some(d) = body_sha256 {
        if d.len() != 64 || !d.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Code::InvalidInput);
        }
    }
    if let Some(k) = idempotency_key {
        let ok = (1..=MAX_IDEMPOTENCY_KEY_BYTES).contains(&k.len())
            && k.bytes().all(|b| (0x20..0x7f).contains(&b));
        if !ok {
            return Err(Code::InvalidInput);
        }
    }
    Ok(())
}

/// The unambiguous byte encoding that is MACed.
pub fn encode(p: &PaymentIdentity<'_>) -> Vec<u8> {
    // Fields written in place (lower-cased where the identity says so), with
    // no intermediate strings: the same bytes as `encode_reference`.
    let method = p.method;
    let has_body = !method.eq_ignore_ascii_case("GET") && !method.eq_ignore_ascii_case("HEAD");
    let url = p.url.to_url_string();
    let mut out = Vec::with_capacity(192 + url.len());
    push(&mut out, DOMAIN);
    push_case(&mut out, method.as_bytes(), Case::Upper);
    push(&mut out, url.as_bytes());
    let body = p.body_sha256.filter(|_| has_body).unwrap_or_default();
    push_case(&mut out, body.as_bytes(), Case::Lower);
    push(&mut out, p.idempotency_key.unwrap_or_default().as_bytes());
    push(&mut out, p.network.as_bytes());
    let address = if assets::is_evm(p.network) {
        Case::Lower
    } else {
        Case::Keep
    };
    push_case(&mut out, p.asset.as_bytes(), address);
    push_case(&mut out, p.pay_to.as_bytes(), address);
    out
}

/// How [`push_case`] writes a field's ASCII letters.
#[derive(Clone, Copy)]
enum Case {
    Keep,
    Lower,
    Upper,
}

fn push(out: &mut Vec<u8>, field: &[u8]) {
    push_case(out, field, Case::Keep);
}

fn push_case(out: &mut Vec<u8>, field: &[u8], case: Case) {
    // Fields are capped far below 4 GiB by the parsers.
    out.extend_from_slice(&u32::try_from(field.len()).unwrap_or(u32::MAX).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(field);
    match case {
        Case::Keep => {}
        Case::Lower => out[start..].make_ascii_lowercase(),
        Case::Upper => out[start..].make_ascii_uppercase(),
    }
}

/// The fingerprint: lowercase hex of HMAC-SHA256(`key`, [`encode`]).
pub fn fingerprint(key: &[u8], p: &PaymentIdentity<'_>) -> Result<String, Code> {
    if key.len() < MIN_KEY_BYTES {
        return Err(Code::KeyTooShort);
    }
    p.check()?;
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).map_err(|_| Code::KeyTooShort)?;
    mac.update(&encode(p));
    Ok(crate::hex::encode(&mac.finalize().into_bytes()))
}

/// [`fingerprint`] under a key whose HMAC schedule was computed once
/// ([`AuditMac`], built from a key of at least [`MIN_KEY_BYTES`]): the same
/// fingerprint, without hashing the key's pads again. `None` stands for a
/// key too short ([`Code::KeyTooShort`], as [`fingerprint`] answers).
pub(crate) fn fingerprint_keyed(
    key: Option<&AuditMac>,
    p: &PaymentIdentity<'_>,
) -> Result<String, Code> {
    let key = key.ok_or(Code::KeyTooShort)?;
    p.check()?;
    Ok(crate::hex::encode(&key.mac(&encode(p))))
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

    /// The encoder `encode` replaced (intermediate strings), as the
    /// differential reference.
    fn encode_reference(p: &PaymentIdentity<'_>) -> Vec<u8> {
        let method = p.method.to_ascii_uppercase();
        let has_body = method != "GET" && method != "HEAD";
        let fields = [
            method,
            p.url.to_url_string(),
            p.body_sha256
                .filter(|_| has_body)
                .map(str::to_ascii_lowercase)
                .unwrap_or_default(),
            p.idempotency_key.unwrap_or_default().to_string(),
            p.network.to_string(),
            assets::canonical_address(p.network, p.asset),
            assets::canonical_address(p.network, p.pay_to),
        ];
        let mut out = Vec::new();
        push(&mut out, DOMAIN);
        for f in &fields {
            push(&mut out, f.as_bytes());
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn the_in_place_encoder_matches_the_reference(
            method in "[a-zA-Zé]{0,8}",
            u in "https?://[a-zA-Z0-9.]{1,12}(:[0-9]{1,5})?(/[a-zA-Z0-9%._~-]{0,6}){0,3}(\\?[a-z=&]{0,8})?",
            body in proptest::option::of("[0-9a-fA-F]{0,64}"),
            key in proptest::option::of("[ -~]{0,12}"),
            network in proptest::sample::select(vec!["eip155:8453", "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp", "x:y"]),
            asset in "(0x|0X)?[0-9a-fA-FgG]{0,40}",
            pay_to in "(0x|0X)?[0-9a-zA-Z]{0,44}",
        ) {
            if let Ok(u) = url::parse(&u) {
                let p = PaymentIdentity {
                    method: &method,
                    url: &u,
                    body_sha256: body.as_deref(),
                    idempotency_key: key.as_deref(),
                    network,
                    asset: &asset,
                    pay_to: &pay_to,
                };
                proptest::prop_assert_eq!(encode(&p), encode_reference(&p));
                let o = match u.port {
                    Some(port) => format!("{}://{}:{}", u.scheme, u.host, port),
                    None => format!("{}://{}", u.scheme, u.host),
                };
                proptest::prop_assert_eq!(u.origin(), o);
            }
        }
    }

    const K: &[u8] = b"0123456789abcdef0123456789abcdef";
    const D1: &str = "abababababababababababababababababababababababababababababababab";
    const D2: &str = "2222222222222222222222222222222222222222222222222222222222222222";

    fn fp_full(
        method: &str,
        u: &str,
        pay_to: &str,
        body: Option<&str>,
        key: Option<&str>,
    ) -> String {
        let u = url::parse(u).unwrap();
        let p = PaymentIdentity {
            method,
            url: &u,
            body_sha256: body,
            idempotency_key: key,
            network: "eip155:8453",
            asset: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
            pay_to,
        };
        fingerprint(K, &p).unwrap()
    }

    fn fp(method: &str, u: &str, pay_to: &str) -> String {
        fp_full(method, u, pay_to, None, None)
    }

    const PAY: &str = "0xabcdef0123456789abcdef0123456789abcdef01";

    #[test]
    fn case_variants_are_one_payment_and_fields_matter() {
        let a = fp(
            "GET",
            "https://api.example.com/x",
            "0xABCDEF0123456789abcdef0123456789ABCDEF01",
        );
        assert_eq!(a, fp("get", "HTTPS://API.example.com:443/x", PAY));
        assert_ne!(a, fp("POST", "https://api.example.com/x", PAY));
        assert_ne!(a, fp("GET", "https://api.example.com/X", PAY));
        assert_ne!(
            a,
            fp(
                "GET",
                "https://api.example.com/x",
                "0x0000000000000000000000000000000000000001"
            )
        );
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn the_body_and_the_key_are_part_of_the_request() {
        let u = "https://api.example.com/x";
        let post = |b, k| fp_full("POST", u, PAY, b, k);
        assert_ne!(post(Some(D1), None), post(Some(D2), None));
        assert_ne!(post(Some(D1), None), post(None, None));
        let upper = D1.to_uppercase();
        assert_eq!(post(Some(D1), None), post(Some(&upper), None));
        assert_ne!(post(None, Some("a")), post(None, Some("b")));
        assert_ne!(post(None, Some("a")), post(None, None));
        // A body digest means nothing on GET: the same request.
        assert_eq!(fp_full("GET", u, PAY, Some(D1), None), fp("GET", u, PAY));
    }

    #[test]
    fn malformed_request_fields_refused() {
        let u = url::parse("https://a/").unwrap();
        for (body, key) in [
            (Some("abc"), None),
            (Some(&"g".repeat(64)[..]), None),
            (None, Some("")),
            (None, Some("a\nb")),
            (None, Some(&"k".repeat(256)[..])),
        ] {
            let p = PaymentIdentity {
                method: "POST",
                url: &u,
                body_sha256: body,
                idempotency_key: key,
                network: "n:1",
                asset: "a",
                pay_to: "b",
            };
            assert_eq!(
                fingerprint(K, &p),
                Err(Code::InvalidInput),
                "{body:?} {key:?}"
            );
        }
    }

    #[test]
    fn short_key_refused() {
        let u = url::parse("https://a/").unwrap();
        let p = PaymentIdentity {
            method: "GET",
            url: &u,
            body_sha256: None,
            idempotency_key: None,
            network: "n:1",
            asset: "a",
            pay_to: "b",
        };
        assert_eq!(fingerprint(b"short", &p), Err(Code::KeyTooShort));
    }
}
