//! Pre-approvals: a token an approver signs for one payment known ahead of
//! the request (the seed's `mpa_signatures=`).

use super::config::MIN_SECRET_BYTES;
use super::sig::sig_matches;
use crate::audit::hmac_sha256;
use crate::canonical::{to_canonical, MAX_SAFE_INTEGER};
use crate::error::Code;
use crate::hex;
use sha2::{Digest, Sha256};

/// Domain tag of a pre-approval document.
pub const PREAPPROVAL_DOMAIN: &str = "presidio-x402/mpa-preapproval/v1";
/// Longest validity of a pre-approval: 24 hours.
pub const MAX_PREAPPROVAL_MS: u64 = 86_400_000;

/// What a pre-approval binds: one payment, known before the request (see the
/// module notes). Holds a digest of the URL, never the URL itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preapproval {
    /// HTTP method, upper case.
    pub method: String,
    /// Lowercase hex SHA-256 of the normalised request URL (`url::parse`, then
    /// `to_url_string`).
    pub request_url_sha256: String,
    /// CAIP-2 network.
    pub network: String,
    /// Canonical asset address.
    pub asset: String,
    /// Canonical payee address.
    pub pay_to: String,
    /// Atomic amount.
    pub amount: u128,
    /// x402 scheme.
    pub scheme: String,
}

impl Preapproval {
    /// Builds the binding from a request URL and the payment as a server would
    /// offer it (v1 network names are accepted; addresses in any case).
    pub fn new(
        method: &str,
        url: &str,
        network: &str,
        asset: &str,
        pay_to: &str,
        amount: u128,
        scheme: &str,
    ) -> Result<Preapproval, Code> {
        let u = crate::url::parse(url)?;
        let network = crate::assets::normalize_network(network, 1)?;
        if !crate::assets::valid_address(&network, asset)
            || !crate::assets::valid_address(&network, pay_to)
        {
            return Err(Code::InvalidInput);
        }
        if method.is_empty()
            || method.len() > 16
            || !method.bytes().all(|b| b.is_ascii_alphabetic())
            || scheme.is_empty()
            || scheme.len() > 64
        {
            return Err(Code::InvalidInput);
        }
        Ok(Preapproval {
            method: method.to_ascii_uppercase(),
            request_url_sha256: url_digest(&u),
            asset: crate::assets::canonical_address(&network, asset),
            pay_to: crate::assets::canonical_address(&network, pay_to),
            network,
            amount,
            scheme: scheme.to_string(),
        })
    }

    /// The signed bytes: RFC 8785 JSON of the binding, `not_after_ms` and the domain.
    pub fn canonical(&self, not_after_ms: u64) -> String {
        let v = obj!(
            ("domain", PREAPPROVAL_DOMAIN),
            ("method", self.method),
            ("request_url_sha256", self.request_url_sha256),
            ("network", self.network),
            ("asset", self.asset),
            ("pay_to", self.pay_to),
            ("amount", self.amount.to_string()),
            ("scheme", self.scheme),
            ("not_after_ms", not_after_ms)
        );
        to_canonical(&v).unwrap_or_default()
    }

    /// The token an approver hands over: `"{not_after_ms}.{hex mac}"`.
    pub fn token(&self, secret: &[u8], not_after_ms: u64) -> Result<String, Code> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(Code::KeyTooShort);
        }
        if not_after_ms > MAX_SAFE_INTEGER {
            return Err(Code::InvalidInput);
        }
        Ok(format!(
            "{not_after_ms}.{}",
            hex::encode(&hmac_sha256(
                secret,
                self.canonical(not_after_ms).as_bytes()
            ))
        ))
    }

    /// Checks a token at `now_ms` against `secret`: `Ok(true)` approves,
    /// `Err` says why not ([`Code::MpaExpired`]; [`Code::MpaBadSignature`] for a
    /// malformed token, a wrong MAC or a validity over [`MAX_PREAPPROVAL_MS`]).
    pub fn check(&self, token: &str, secret: &[u8], now_ms: u64) -> Result<(), Code> {
        let (n, sig) = token.split_once('.').ok_or(Code::MpaBadSignature)?;
        let not_after: u64 =
            (!n.is_empty() && n.len() <= 16 && n.bytes().all(|b| b.is_ascii_digit()))
                .then(|| n.parse().ok())
                .flatten()
                .ok_or(Code::MpaBadSignature)?;
        let expected = hmac_sha256(secret, self.canonical(not_after).as_bytes());
        if sig_matches(sig, &expected) != Some(true) {
            return Err(Code::MpaBadSignature);
        }
        if now_ms >= not_after {
            return Err(Code::MpaExpired);
        }
        if not_after - now_ms > MAX_PREAPPROVAL_MS {
            return Err(Code::MpaBadSignature);
        }
        Ok(())
    }
}

/// Lowercase hex SHA-256 of a normalised URL's string form.
pub fn url_digest(u: &crate::url::NormalizedUrl) -> String {
    hex::encode(&Sha256::digest(u.to_url_string().as_bytes()))
}
