//! The canonical approval request: every payment field, a request id and an
//! expiry. Its canonical text is what webhooks receive and approvers sign.

use super::address::MAX_URL_BYTES;
use crate::canonical::{to_canonical, MAX_SAFE_INTEGER};
use crate::error::Code;
use crate::hex;
use crate::money::{parse_atomic, Usd};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Domain tag of the signed approval request.
pub const APPROVAL_DOMAIN: &str = "presidio-x402/mpa-approval/v1";
/// Domain tag of the request-id derivation.
pub const REQUEST_ID_DOMAIN: &str = "presidio-x402/mpa-request-id/v2";

/// The payment fields an approval binds. Build them from the selected offer
/// after redaction; all values are exact strings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentFields {
    /// The (redacted) resource URL.
    pub resource_url: String,
    /// HTTP method, upper case.
    pub method: String,
    /// CAIP-2 network.
    pub network: String,
    /// Asset contract or mint.
    pub asset: String,
    /// Payee address.
    pub pay_to: String,
    /// Atomic amount.
    pub amount: u128,
    /// USD value.
    pub amount_usd: Usd,
    /// x402 scheme (`exact`, …).
    pub scheme: String,
    /// The configured agent id.
    pub agent_id: Option<String>,
    /// The replay fingerprint (64 lowercase hex).
    pub fingerprint: String,
}

/// A canonical approval request: the payment fields, a request id and an expiry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApprovalRequest {
    /// 32 lowercase hex digits (see the module notes).
    pub request_id: String,
    /// Epoch milliseconds at which the request stops being valid.
    pub expires_at_ms: u64,
    /// What is being approved.
    pub payment: PaymentFields,
}

fn text_ok(s: &str, min: usize, max: usize) -> bool {
    s.len() >= min && s.len() <= max && !s.chars().any(char::is_control)
}

impl PaymentFields {
    fn validate(&self) -> Result<(), Code> {
        let p = self;
        let ok = text_ok(&p.resource_url, 1, MAX_URL_BYTES)
            && !p.method.is_empty()
            && p.method.len() <= 16
            && p.method.bytes().all(|b| b.is_ascii_uppercase())
            && text_ok(&p.network, 1, 64)
            && text_ok(&p.asset, 1, 128)
            && text_ok(&p.pay_to, 1, 128)
            && !p.scheme.is_empty()
            && p.scheme.len() <= 32
            && p.scheme
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
            && p.agent_id.as_deref().is_none_or(|a| text_ok(a, 0, 256))
            && hex::is_lower(&p.fingerprint, 64);
        if ok {
            Ok(())
        } else {
            Err(Code::InvalidInput)
        }
    }
}

impl ApprovalRequest {
    /// Builds the request for `payment` at `now_ms`, expiring after `timeout_ms`.
    /// [`Code::InvalidInput`] for a field outside its cap or charset, or a
    /// time beyond 2⁵³ − 1 ms.
    pub fn new(
        payment: PaymentFields,
        now_ms: u64,
        timeout_ms: u64,
    ) -> Result<ApprovalRequest, Code> {
        payment.validate()?;
        let expires_at_ms = now_ms
            .checked_add(timeout_ms)
            .filter(|e| *e <= MAX_SAFE_INTEGER)
            .ok_or(Code::InvalidInput)?;
        // The fingerprint names the purchase (the request), not its price:
        // the amount makes the same request at another price another id.
        let seed = obj!(
            ("domain", REQUEST_ID_DOMAIN),
            ("fingerprint", payment.fingerprint),
            ("amount", payment.amount.to_string()),
            ("now_ms", now_ms)
        );
        let seed = to_canonical(&seed).map_err(|_| Code::InvalidInput)?;
        let digest = Sha256::digest(seed.as_bytes());
        let request_id = hex::encode(&digest[..16]);
        Ok(ApprovalRequest {
            request_id,
            expires_at_ms,
            payment,
        })
    }

    /// The request as JSON (no domain tag): the shape [`ApprovalRequest::from_json`] reads.
    pub fn to_json(&self) -> Value {
        let p = &self.payment;
        obj!(
            ("request_id", self.request_id),
            ("expires_at_ms", self.expires_at_ms),
            ("resource_url", p.resource_url),
            ("method", p.method),
            ("network", p.network),
            ("asset", p.asset),
            ("pay_to", p.pay_to),
            ("amount", p.amount.to_string()),
            ("amount_usd", p.amount_usd.to_string()),
            ("scheme", p.scheme),
            ("agent_id", p.agent_id),
            ("fingerprint", p.fingerprint)
        )
    }

    /// The bytes approvers sign and webhooks receive: the RFC 8785 canonical
    /// JSON of [`ApprovalRequest::to_json`] plus `"domain": APPROVAL_DOMAIN`.
    pub fn canonical(&self) -> String {
        let mut v = self.to_json();
        if let Some(m) = v.as_object_mut() {
            m.insert("domain".into(), Value::String(APPROVAL_DOMAIN.into()));
        }
        // Every member is a string, null or a safe integer: cannot fail.
        to_canonical(&v).unwrap_or_default()
    }

    /// Reads a request from its JSON form (as written by [`ApprovalRequest::to_json`]).
    pub fn from_json(v: &Value) -> Result<ApprovalRequest, Code> {
        let m = v.as_object().ok_or(Code::InvalidInput)?;
        const KEYS: [&str; 12] = [
            "request_id",
            "expires_at_ms",
            "resource_url",
            "method",
            "network",
            "asset",
            "pay_to",
            "amount",
            "amount_usd",
            "scheme",
            "agent_id",
            "fingerprint",
        ];
        if m.keys().any(|k| !KEYS.contains(&k.as_str())) {
            return Err(Code::InvalidInput);
        }
        let s = |k: &str| {
            m.get(k)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or(Code::InvalidInput)
        };
        let agent_id = match m.get("agent_id") {
            None | Some(Value::Null) => None,
            Some(Value::String(a)) => Some(a.clone()),
            Some(_) => return Err(Code::InvalidInput),
        };
        let payment = PaymentFields {
            resource_url: s("resource_url")?,
            method: s("method")?,
            network: s("network")?,
            asset: s("asset")?,
            pay_to: s("pay_to")?,
            amount: parse_atomic(&s("amount")?)?,
            amount_usd: Usd::parse(&s("amount_usd")?)?,
            scheme: s("scheme")?,
            agent_id,
            fingerprint: s("fingerprint")?,
        };
        payment.validate()?;
        let request_id = s("request_id")?;
        let expires_at_ms = m
            .get("expires_at_ms")
            .and_then(Value::as_u64)
            .filter(|e| *e <= MAX_SAFE_INTEGER)
            .ok_or(Code::InvalidInput)?;
        if !hex::is_lower(&request_id, 32) {
            return Err(Code::InvalidInput);
        }
        Ok(ApprovalRequest {
            request_id,
            expires_at_ms,
            payment,
        })
    }
}
