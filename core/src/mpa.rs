//! Multi-party authorization (MPA): n-of-m approval of high-value payments.
//!
//! ## Call order
//! 1. [`MpaConfig::from_json`] validates the configuration once (every
//!    problem is reported with its path).
//! 2. When [`MpaConfig::requires_approval`] holds for a payment, build an
//!    [`ApprovalRequest`] with [`ApprovalRequest::new`]: it binds **every**
//!    payment field, a `request_id` and an expiry. Its
//!    [`ApprovalRequest::canonical`] text is what webhooks receive (POST body)
//!    and what crypto approvers sign with [`countersign`].
//! 3. The host collects answers (its I/O): webhook responses go through
//!    [`judge_webhook_response`] (one [`Vote`] each); countersignatures go
//!    through [`verify_countersignatures`] (a [`Tally`]).
//! 4. [`tally`] combines every vote into the verdict: `Ok` or
//!    [`Code::MpaDenied`] / [`Code::MpaTimeout`].
//!
//! ## Decisions
//! * Secrets are configured as strings and used as their UTF-8 bytes
//!   (`secret.encode()` in Python); each must be at least 16 bytes.
//!   `secret` is the countersignature key of a `crypto` approver and the
//!   optional response-HMAC key of a `webhook` approver.
//! * `request_id` = the first 32 hex digits of SHA-256 over the canonical
//!   JSON `{"domain":"presidio-x402/mpa-request-id/v1","fingerprint":…,"now_ms":…}`.
//! * The signed bytes are the RFC 8785 canonical JSON of the request with
//!   `"domain":"presidio-x402/mpa-approval/v1"`; the countersignature is
//!   `hex(HMAC-SHA256(secret, canonical))`, compared in constant time;
//!   either hex case is accepted.
//! * A request expires at `expires_at_ms` (exclusive: `now_ms >= expires_at_ms`
//!   is expired).
//! * A webhook with a response-HMAC secret must also echo the `request_id`
//!   in its body, so a signed answer cannot be replayed for another request.
//! * **Pre-approvals** (the seed's `mpa_signatures=` computed before the
//!   request): an approver who knows the payment ahead signs a
//!   [`Preapproval`] document instead of the request. It binds the method, the
//!   SHA-256 of the normalised request URL, network, asset, payee, atomic
//!   amount and scheme, plus a `not_after_ms` the approver chooses (at most
//!   [`MAX_PREAPPROVAL_MS`] ahead). The token passed as a countersignature is
//!   `"{not_after_ms}.{hex(HMAC-SHA256(secret, canonical))}"`; it is valid
//!   while `now_ms < not_after_ms`. Replay protection still applies: the same
//!   purchase is paid once per replay TTL.
//! * Webhook URLs whose host is a private, loopback, link-local or otherwise
//!   non-public IP literal (or `localhost`) are refused unless
//!   `allow_private_webhooks`; hosts check resolved addresses with
//!   [`webhook_address_allowed`] and never follow redirects.

use crate::audit::hmac_sha256;
use crate::canonical::{parse_strict, to_canonical, MAX_SAFE_INTEGER};
use crate::error::{Code, ConfigError};
use crate::hex;
use crate::money::{parse_atomic, Usd};
use core::fmt;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use core::net::{Ipv4Addr, Ipv6Addr};
use subtle::ConstantTimeEq;

/// Keys of the `[mpa]` table.
pub const CONFIG_KEYS: &[&str] = &["threshold", "min_amount_usd", "timeout_seconds", "approvers", "allow_private_webhooks"];
/// Keys of one `[[mpa.approvers]]` entry.
pub const APPROVER_KEYS: &[&str] = &["approver_id", "mode", "webhook_url", "secret"];

/// Shortest accepted approver secret, in bytes.
pub const MIN_SECRET_BYTES: usize = 16;
/// Most approvers a configuration may list.
pub const MAX_APPROVERS: usize = 32;
/// Largest webhook response body judged, in bytes.
pub const MAX_RESPONSE_BYTES: usize = 4096;
/// Longest webhook URL, in bytes.
pub const MAX_URL_BYTES: usize = 2048;
/// Default `timeout_seconds`.
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 30;
/// Largest `timeout_seconds`.
pub const MAX_TIMEOUT_SECONDS: u64 = 3600;
/// Domain tag of the signed approval request.
pub const APPROVAL_DOMAIN: &str = "presidio-x402/mpa-approval/v1";
/// Domain tag of the request-id derivation.
pub const REQUEST_ID_DOMAIN: &str = "presidio-x402/mpa-request-id/v1";

/// How an approver answers.
#[derive(Clone, PartialEq, Eq)]
pub enum ApproverMode {
    /// The host POSTs the canonical request to `url`; the answer is judged by
    /// [`judge_webhook_response`].
    Webhook {
        /// The approval endpoint (http or https).
        url: String,
        /// When set, the response must carry `X-MPA-HMAC: hex(HMAC(secret, body))`.
        response_hmac_secret: Option<Vec<u8>>,
    },
    /// The approver returns `hex(HMAC-SHA256(secret, canonical request))`.
    Crypto {
        /// The shared countersignature key.
        secret: Vec<u8>,
    },
}

impl fmt::Debug for ApproverMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApproverMode::Webhook { url, response_hmac_secret } => f
                .debug_struct("Webhook")
                .field("url", url)
                .field("response_hmac_secret", &response_hmac_secret.as_ref().map(|_| "<redacted>"))
                .finish(),
            ApproverMode::Crypto { .. } => f.debug_struct("Crypto").field("secret", &"<redacted>").finish(),
        }
    }
}

/// One configured approver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approver {
    /// Unique id (`approver_id`).
    pub id: String,
    /// How it answers.
    pub mode: ApproverMode,
}

/// A validated MPA configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MpaConfig {
    /// Approvals needed (1 ≤ threshold ≤ approvers).
    pub threshold: usize,
    /// Payments of at least this value need approval.
    pub min_amount_usd: Usd,
    /// How long approvers have, in milliseconds.
    pub timeout_ms: u64,
    /// The approvers, in configuration order.
    pub approvers: Vec<Approver>,
    /// Whether webhooks may target private or loopback addresses.
    pub allow_private_webhooks: bool,
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn valid_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._@:-".contains(&b))
}

impl MpaConfig {
    /// Validates the `[mpa]` table in its JSON form (keys as in the seed's
    /// TOML): `threshold` (required integer), `min_amount_usd` (number or
    /// string, exact; default 0), `timeout_seconds` (1..=3600, default 30),
    /// `allow_private_webhooks` (bool, default false) and `approvers`
    /// (1..=32 objects with `approver_id`, `mode` = `webhook` (default) or
    /// `crypto`, `webhook_url`, `secret`). Unknown keys are refused. Every
    /// problem is returned, each with its path under `path_prefix`.
    pub fn from_json(v: &Value, path_prefix: &str) -> Result<MpaConfig, Vec<ConfigError>> {
        let mut errs = Vec::new();
        let Some(m) = v.as_object() else {
            return Err(vec![ConfigError::new(path_prefix, Code::ConfigMalformed)]);
        };
        let p = |k: &str| join(path_prefix, k);
        for k in m.keys() {
            if !CONFIG_KEYS.contains(&k.as_str()) {
                errs.push(ConfigError::new(p(k), Code::ConfigUnknownField));
            }
        }
        let allow_private = match m.get("allow_private_webhooks") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                errs.push(ConfigError::new(p("allow_private_webhooks"), Code::ConfigBadType));
                false
            }
        };
        let min_amount_usd = match m.get("min_amount_usd") {
            None => Usd::ZERO,
            Some(Value::Number(n)) => usd_or(&n.to_string(), p("min_amount_usd"), &mut errs),
            Some(Value::String(s)) => usd_or(s, p("min_amount_usd"), &mut errs),
            Some(_) => {
                errs.push(ConfigError::new(p("min_amount_usd"), Code::ConfigBadType));
                Usd::ZERO
            }
        };
        let timeout_s = match m.get("timeout_seconds") {
            None => DEFAULT_TIMEOUT_SECONDS,
            Some(Value::Number(n)) => match n.as_u64() {
                Some(t) if (1..=MAX_TIMEOUT_SECONDS).contains(&t) => t,
                Some(_) => {
                    errs.push(ConfigError::new(p("timeout_seconds"), Code::ConfigOutOfRange));
                    DEFAULT_TIMEOUT_SECONDS
                }
                None if n.as_i64().is_some() => {
                    errs.push(ConfigError::new(p("timeout_seconds"), Code::ConfigOutOfRange));
                    DEFAULT_TIMEOUT_SECONDS
                }
                None => {
                    errs.push(ConfigError::new(p("timeout_seconds"), Code::ConfigBadType));
                    DEFAULT_TIMEOUT_SECONDS
                }
            },
            Some(_) => {
                errs.push(ConfigError::new(p("timeout_seconds"), Code::ConfigBadType));
                DEFAULT_TIMEOUT_SECONDS
            }
        };
        let approvers = match m.get("approvers") {
            None => {
                errs.push(ConfigError::new(p("approvers"), Code::ConfigBadApprover));
                None
            }
            Some(Value::Array(a)) if a.is_empty() || a.len() > MAX_APPROVERS => {
                errs.push(ConfigError::new(p("approvers"), Code::ConfigBadApprover));
                None
            }
            Some(Value::Array(a)) => {
                let mut out: Vec<Approver> = Vec::new();
                let mut seen: Vec<&str> = Vec::new();
                for (i, x) in a.iter().enumerate() {
                    let ap = format!("{}[{i}]", p("approvers"));
                    let appr = approver_from_json(x, &ap, allow_private, &mut errs);
                    match x.get("approver_id").and_then(Value::as_str).filter(|id| valid_id(id)) {
                        Some(id) if seen.contains(&id) => {
                            errs.push(ConfigError::new(join(&ap, "approver_id"), Code::ConfigBadApprover));
                        }
                        Some(id) => seen.push(id),
                        None => {}
                    }
                    out.extend(appr);
                }
                Some((a.len(), out))
            }
            Some(_) => {
                errs.push(ConfigError::new(p("approvers"), Code::ConfigBadType));
                None
            }
        };
        let threshold = match m.get("threshold") {
            None => {
                errs.push(ConfigError::new(p("threshold"), Code::ConfigBadThreshold));
                0
            }
            Some(Value::Number(n)) if n.as_u64().is_some() || n.as_i64().is_some() => {
                let t = n.as_u64().unwrap_or(0);
                // Without a valid approver list, only the absolute bound applies;
                // comparing in u64 keeps 32- and 64-bit builds identical.
                let count = approvers.as_ref().map_or(MAX_APPROVERS as u64, |(len, _)| *len as u64);
                if t == 0 || t > count {
                    errs.push(ConfigError::new(p("threshold"), Code::ConfigBadThreshold));
                }
                usize::try_from(t).unwrap_or(0)
            }
            Some(_) => {
                errs.push(ConfigError::new(p("threshold"), Code::ConfigBadType));
                0
            }
        };
        match approvers {
            Some((_, approvers)) if errs.is_empty() => Ok(MpaConfig {
                threshold,
                min_amount_usd,
                timeout_ms: timeout_s * 1000,
                approvers,
                allow_private_webhooks: allow_private,
            }),
            _ => Err(errs),
        }
    }

    /// Whether a payment worth `amount_usd` needs approval (`≥ min_amount_usd`).
    pub fn requires_approval(&self, amount_usd: Usd) -> bool {
        amount_usd >= self.min_amount_usd
    }

    fn approver(&self, id: &str) -> Option<&Approver> {
        self.approvers.iter().find(|a| a.id == id)
    }

    /// A JSON summary without secrets (`has_secret` says whether one is set).
    pub fn summary(&self) -> Value {
        let approvers: Vec<Value> = self
            .approvers
            .iter()
            .map(|a| match &a.mode {
                ApproverMode::Webhook { url, response_hmac_secret } => json!({
                    "approver_id": a.id, "mode": "webhook", "webhook_url": url,
                    "has_secret": response_hmac_secret.is_some(),
                }),
                ApproverMode::Crypto { .. } => json!({
                    "approver_id": a.id, "mode": "crypto", "webhook_url": null, "has_secret": true,
                }),
            })
            .collect();
        json!({
            "threshold": self.threshold,
            "min_amount_usd": self.min_amount_usd.to_string(),
            "timeout_ms": self.timeout_ms,
            "allow_private_webhooks": self.allow_private_webhooks,
            "approvers": approvers,
        })
    }
}

fn usd_or(text: &str, path: String, errs: &mut Vec<ConfigError>) -> Usd {
    Usd::parse(text).unwrap_or_else(|c| {
        errs.push(ConfigError::new(path, c));
        Usd::ZERO
    })
}

fn approver_from_json(v: &Value, path: &str, allow_private: bool, errs: &mut Vec<ConfigError>) -> Option<Approver> {
    let Some(m) = v.as_object() else {
        errs.push(ConfigError::new(path, Code::ConfigBadType));
        return None;
    };
    let before = errs.len();
    let p = |k: &str| join(path, k);
    for k in m.keys() {
        if !APPROVER_KEYS.contains(&k.as_str()) {
            errs.push(ConfigError::new(p(k), Code::ConfigUnknownField));
        }
    }
    let mut string = |k: &str| match m.get(k) {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errs.push(ConfigError::new(p(k), Code::ConfigBadType));
            None
        }
    };
    let (id, mode, url, secret) = (string("approver_id"), string("mode"), string("webhook_url"), string("secret"));
    if !id.as_deref().is_some_and(valid_id) && !matches!(m.get("approver_id"), Some(x) if !x.is_string()) {
        errs.push(ConfigError::new(p("approver_id"), Code::ConfigBadApprover));
    }
    let secret = secret.map(String::into_bytes);
    if secret.as_ref().is_some_and(|s| s.len() < MIN_SECRET_BYTES) {
        errs.push(ConfigError::new(p("secret"), Code::KeyTooShort));
    }
    let mode = match mode.as_deref().unwrap_or("webhook") {
        "webhook" => match url {
            None => {
                if m.get("webhook_url").is_none() {
                    errs.push(ConfigError::new(p("webhook_url"), Code::ConfigBadApprover));
                }
                None
            }
            Some(u) => match url_host(&u) {
                Err(c) => {
                    errs.push(ConfigError::new(p("webhook_url"), c));
                    None
                }
                Ok(host) => {
                    if !allow_private && is_private_host(&host).unwrap_or(true) {
                        errs.push(ConfigError::new(p("webhook_url"), Code::ConfigBadApprover));
                    }
                    Some(ApproverMode::Webhook { url: u, response_hmac_secret: secret })
                }
            },
        },
        "crypto" => {
            if m.contains_key("webhook_url") {
                errs.push(ConfigError::new(p("webhook_url"), Code::ConfigBadApprover));
            }
            match secret {
                Some(s) => Some(ApproverMode::Crypto { secret: s }),
                None => {
                    if m.get("secret").is_none() {
                        errs.push(ConfigError::new(p("secret"), Code::ConfigBadApprover));
                    }
                    None
                }
            }
        }
        _ => {
            errs.push(ConfigError::new(p("mode"), Code::ConfigBadApprover));
            None
        }
    };
    match (id, mode) {
        (Some(id), Some(mode)) if errs.len() == before => Some(Approver { id, mode }),
        _ => None,
    }
}

/// The host of an absolute `http`/`https` URL (lower-cased, IPv6 without
/// brackets), or [`Code::UrlInvalid`]: userinfo, whitespace, control or
/// non-ASCII characters, a bad port, or an empty host.
fn url_host(url: &str) -> Result<String, Code> {
    let bad = Code::UrlInvalid;
    if url.len() > MAX_URL_BYTES || !url.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad);
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or(bad)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains(['@', '\\']) {
        return Err(bad);
    }
    let (host, port) = if let Some(r) = authority.strip_prefix('[') {
        let (h, after) = r.split_once(']').ok_or(bad)?;
        h.parse::<Ipv6Addr>().map_err(|_| bad)?;
        if !after.is_empty() && !after.starts_with(':') {
            return Err(bad);
        }
        (h, after.strip_prefix(':'))
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if let Some(p) = port {
        let ok = !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n));
        if !ok {
            return Err(bad);
        }
    }
    let label_ok = |l: &str| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !authority.starts_with('[') && !host.trim_end_matches('.').split('.').all(label_ok) {
        return Err(bad);
    }
    Ok(host.to_string())
}

/// Whether `host` (a host name or an IP literal, IPv6 with or without
/// brackets) is a private, loopback, link-local, unspecified, shared,
/// multicast, documentation or reserved address, or `localhost`. Host names
/// are otherwise public here (the host checks what they resolve to). A name
/// whose last label is numeric (`127.1`, `0x7f.1`, `2130706433`) must be a
/// plain dotted quad, else [`Code::UrlInvalid`], because resolvers read such
/// forms as addresses.
pub fn is_private_host(host: &str) -> Result<bool, Code> {
    let h = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    let h = h.strip_suffix('.').unwrap_or(&h);
    if h == "localhost" || h.ends_with(".localhost") {
        return Ok(true);
    }
    if let Ok(v6) = h.parse::<Ipv6Addr>() {
        return Ok(private_v6(v6));
    }
    let last = h.rsplit('.').next().unwrap_or("");
    let numeric = !last.is_empty() && (last.bytes().all(|b| b.is_ascii_digit()) || last.starts_with("0x"));
    if numeric {
        let v4: Ipv4Addr = h.parse().map_err(|_| Code::UrlInvalid)?;
        return Ok(private_v4(v4));
    }
    Ok(false)
}

fn private_v4(a: Ipv4Addr) -> bool {
    let [o0, o1, o2, _] = a.octets();
    o0 == 0
        || o0 == 10
        || o0 == 127
        || (o0 == 100 && (64..128).contains(&o1))
        || (o0 == 169 && o1 == 254)
        || (o0 == 172 && (16..32).contains(&o1))
        || (o0 == 192 && o1 == 0 && (o2 == 0 || o2 == 2))
        || (o0 == 192 && o1 == 168)
        || (o0 == 198 && (o1 == 18 || o1 == 19))
        || (o0 == 198 && o1 == 51 && o2 == 100)
        || (o0 == 203 && o1 == 0 && o2 == 113)
        || o0 >= 224
}

fn private_v6(a: Ipv6Addr) -> bool {
    let s = a.segments();
    if let Some(v4) = a.to_ipv4_mapped() {
        return private_v4(v4);
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let o = a.octets();
        return private_v4(Ipv4Addr::new(o[12], o[13], o[14], o[15]));
    }
    a.is_unspecified()
        || a.is_loopback()
        || s[..6] == [0; 6] // IPv4-compatible (deprecated)
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] & 0xff00) == 0xff00 // multicast
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
}

/// Whether a webhook may be sent to `address` (what the host resolved the
/// webhook's host name to, or an IP literal) under `cfg`.
pub fn webhook_address_allowed(cfg: &MpaConfig, address: &str) -> bool {
    cfg.allow_private_webhooks || is_private_host(address) == Ok(false)
}

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
            && p.scheme.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
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
    pub fn new(payment: PaymentFields, now_ms: u64, timeout_ms: u64) -> Result<ApprovalRequest, Code> {
        payment.validate()?;
        let expires_at_ms = now_ms.checked_add(timeout_ms).filter(|e| *e <= MAX_SAFE_INTEGER).ok_or(Code::InvalidInput)?;
        let seed = json!({ "domain": REQUEST_ID_DOMAIN, "fingerprint": payment.fingerprint, "now_ms": now_ms });
        let seed = to_canonical(&seed).map_err(|_| Code::InvalidInput)?;
        let digest = Sha256::digest(seed.as_bytes());
        let request_id = hex::encode(&digest[..16]);
        Ok(ApprovalRequest { request_id, expires_at_ms, payment })
    }

    /// The request as JSON (no domain tag): the shape [`ApprovalRequest::from_json`] reads.
    pub fn to_json(&self) -> Value {
        let p = &self.payment;
        json!({
            "request_id": self.request_id,
            "expires_at_ms": self.expires_at_ms,
            "resource_url": p.resource_url,
            "method": p.method,
            "network": p.network,
            "asset": p.asset,
            "pay_to": p.pay_to,
            "amount": p.amount.to_string(),
            "amount_usd": p.amount_usd.to_string(),
            "scheme": p.scheme,
            "agent_id": p.agent_id,
            "fingerprint": p.fingerprint,
        })
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
            "request_id", "expires_at_ms", "resource_url", "method", "network", "asset", "pay_to", "amount",
            "amount_usd", "scheme", "agent_id", "fingerprint",
        ];
        if m.keys().any(|k| !KEYS.contains(&k.as_str())) {
            return Err(Code::InvalidInput);
        }
        let s = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_string).ok_or(Code::InvalidInput);
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
        Ok(ApprovalRequest { request_id, expires_at_ms, payment })
    }
}

/// The countersignature of `req` under `secret`: `hex(HMAC-SHA256(secret,
/// req.canonical()))`. [`Code::KeyTooShort`] under 16 bytes.
pub fn countersign(secret: &[u8], req: &ApprovalRequest) -> Result<String, Code> {
    if secret.len() < MIN_SECRET_BYTES {
        return Err(Code::KeyTooShort);
    }
    Ok(hex::encode(&hmac_sha256(secret, req.canonical().as_bytes())))
}

/// Constant-time check that `hex_sig` (64 hex digits, either case) is the
/// HMAC `expected`.
fn sig_matches(hex_sig: &str, expected: &[u8; 32]) -> Option<bool> {
    if hex_sig.len() != 64 {
        return None;
    }
    let got = hex::decode(hex_sig)?;
    Some(bool::from(got.ct_eq(expected)))
}

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
    pub fn new(method: &str, url: &str, network: &str, asset: &str, pay_to: &str, amount: u128, scheme: &str) -> Result<Preapproval, Code> {
        let u = crate::url::parse(url)?;
        let network = crate::assets::normalize_network(network, 1)?;
        if !crate::assets::valid_address(&network, asset) || !crate::assets::valid_address(&network, pay_to) {
            return Err(Code::InvalidInput);
        }
        if method.is_empty() || method.len() > 16 || !method.bytes().all(|b| b.is_ascii_alphabetic()) || scheme.is_empty() || scheme.len() > 64 {
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
        let v = json!({
            "domain": PREAPPROVAL_DOMAIN, "method": self.method, "request_url_sha256": self.request_url_sha256,
            "network": self.network, "asset": self.asset, "pay_to": self.pay_to,
            "amount": self.amount.to_string(), "scheme": self.scheme, "not_after_ms": not_after_ms,
        });
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
        Ok(format!("{not_after_ms}.{}", hex::encode(&hmac_sha256(secret, self.canonical(not_after_ms).as_bytes()))))
    }

    /// Checks a token at `now_ms` against `secret`: `Ok(true)` approves,
    /// `Err` says why not ([`Code::MpaExpired`]; [`Code::MpaBadSignature`] for a
    /// malformed token, a wrong MAC or a validity over [`MAX_PREAPPROVAL_MS`]).
    pub fn check(&self, token: &str, secret: &[u8], now_ms: u64) -> Result<(), Code> {
        let (n, sig) = token.split_once('.').ok_or(Code::MpaBadSignature)?;
        let not_after: u64 = (!n.is_empty() && n.len() <= 16 && n.bytes().all(|b| b.is_ascii_digit()))
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

/// One approver's answer, as judged by the core.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vote {
    /// Approved this request.
    Approve,
    /// Refused (an explicit `false`, or a non-2xx status).
    Deny,
    /// Did not answer in time.
    Timeout,
    /// Answered with something unusable: [`Code::MpaBadResponse`],
    /// [`Code::MpaBadSignature`] or [`Code::MpaUnknownApprover`].
    Bad(Code),
}

impl Vote {
    /// `approve`, `deny`, `timeout` or `bad`.
    pub fn as_str(self) -> &'static str {
        match self {
            Vote::Approve => "approve",
            Vote::Deny => "deny",
            Vote::Timeout => "timeout",
            Vote::Bad(_) => "bad",
        }
    }
}

/// The outcome of [`verify_countersignatures`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    /// Distinct configured approvers whose signature verified.
    pub approvals: usize,
    /// The configured threshold.
    pub threshold: usize,
    /// Their ids, in configuration order.
    pub approved_by: Vec<String>,
    /// Signatures that did not count: (approver id as given, cut to 64 bytes; code).
    pub problems: Vec<(String, Code)>,
    /// `Ok` when `approvals ≥ threshold`; else [`Code::MpaExpired`] or [`Code::MpaDenied`].
    pub verdict: Result<(), Code>,
}

impl Tally {
    /// The approvals as votes, to combine with webhook votes in [`tally`].
    pub fn votes(&self) -> Vec<(String, Vote)> {
        self.approved_by.iter().map(|id| (id.clone(), Vote::Approve)).collect()
    }
}

fn cut(s: &str) -> String {
    let mut end = s.len().min(64);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// Checks countersignatures `(approver_id, hex)` for `req` at `now_ms`.
/// Each configured `crypto` approver counts once however often it appears;
/// unknown ids and webhook approvers give [`Code::MpaUnknownApprover`],
/// malformed hex or a wrong MAC [`Code::MpaBadSignature`]. An expired request
/// approves nothing ([`Code::MpaExpired`]).
pub fn verify_countersignatures(cfg: &MpaConfig, req: &ApprovalRequest, sigs: &[(String, String)], now_ms: u64) -> Tally {
    verify_with_preapprovals(cfg, req, None, sigs, now_ms)
}

/// [`verify_countersignatures`], where a signature of the form
/// `"{not_after_ms}.{hex}"` is a pre-approval token checked against `pre`
/// ([`Preapproval::check`]; without `pre` it is [`Code::MpaBadSignature`]).
pub fn verify_with_preapprovals(
    cfg: &MpaConfig,
    req: &ApprovalRequest,
    pre: Option<&Preapproval>,
    sigs: &[(String, String)],
    now_ms: u64,
) -> Tally {
    let mut t = Tally {
        approvals: 0,
        threshold: cfg.threshold,
        approved_by: Vec::new(),
        problems: Vec::new(),
        verdict: Err(Code::MpaDenied),
    };
    if now_ms >= req.expires_at_ms {
        t.verdict = Err(Code::MpaExpired);
        return t;
    }
    let canonical = req.canonical();
    let expected: Vec<Option<[u8; 32]>> = cfg
        .approvers
        .iter()
        .map(|a| match &a.mode {
            ApproverMode::Crypto { secret } => Some(hmac_sha256(secret, canonical.as_bytes())),
            ApproverMode::Webhook { .. } => None,
        })
        .collect();
    let mut ok = vec![false; cfg.approvers.len()];
    for (id, sig) in sigs {
        let idx = cfg.approvers.iter().position(|a| &a.id == id);
        let Some((i, Some(exp))) = idx.map(|i| (i, expected[i].as_ref())) else {
            t.problems.push((cut(id), Code::MpaUnknownApprover));
            continue;
        };
        if sig.contains('.') {
            let ApproverMode::Crypto { secret } = &cfg.approvers[i].mode else { continue };
            match pre.map_or(Err(Code::MpaBadSignature), |p| p.check(sig, secret, now_ms)) {
                Ok(()) => ok[i] = true,
                Err(c) => t.problems.push((cut(id), c)),
            }
            continue;
        }
        match sig_matches(sig, exp) {
            Some(true) => ok[i] = true,
            _ => t.problems.push((cut(id), Code::MpaBadSignature)),
        }
    }
    t.approved_by = cfg.approvers.iter().zip(&ok).filter(|(_, ok)| **ok).map(|(a, _)| a.id.clone()).collect();
    t.approvals = t.approved_by.len();
    if t.approvals >= cfg.threshold {
        t.verdict = Ok(());
    }
    t
}

/// Judges one webhook approver's HTTP answer to `req`.
///
/// In order: an id that is not a configured webhook approver →
/// `Bad(mpa-unknown-approver)`; `timed_out` → [`Vote::Timeout`]; a non-2xx
/// status (redirects included) → [`Vote::Deny`]; a body over 4 KiB, a
/// missing or wrong `X-MPA-HMAC` (when the approver has a response secret;
/// `hex(HMAC(secret, body))`, constant time), a body that is not a JSON
/// object whose `approved` is the literal `true` or `false`, a `request_id`
/// that differs from the request's (or is absent when a response secret is
/// configured) → `Bad(mpa-bad-response)`; otherwise approve or deny.
pub fn judge_webhook_response(
    cfg: &MpaConfig,
    approver_id: &str,
    req: &ApprovalRequest,
    status: u16,
    body: &[u8],
    hmac_header: Option<&str>,
    timed_out: bool,
) -> Vote {
    let bad = Vote::Bad(Code::MpaBadResponse);
    let Some(ApproverMode::Webhook { response_hmac_secret, .. }) = cfg.approver(approver_id).map(|a| &a.mode) else {
        return Vote::Bad(Code::MpaUnknownApprover);
    };
    if timed_out {
        return Vote::Timeout;
    }
    if !(200..=299).contains(&status) {
        return Vote::Deny;
    }
    if body.len() > MAX_RESPONSE_BYTES {
        return bad;
    }
    if let Some(secret) = response_hmac_secret {
        let expected = hmac_sha256(secret, body);
        if hmac_header.and_then(|h| sig_matches(h, &expected)) != Some(true) {
            return bad;
        }
    }
    let Ok(text) = core::str::from_utf8(body) else { return bad };
    let Ok(Value::Object(m)) = parse_strict(text, MAX_RESPONSE_BYTES, 8) else { return bad };
    match m.get("request_id") {
        None if response_hmac_secret.is_none() => {}
        Some(Value::String(id)) if *id == req.request_id => {}
        _ => return bad,
    }
    match m.get("approved") {
        Some(Value::Bool(true)) => Vote::Approve,
        Some(Value::Bool(false)) => Vote::Deny,
        _ => bad,
    }
}

/// Combines votes `(approver_id, vote)` into the verdict; returns the number
/// of approving approvers on success.
///
/// Each configured approver counts once. An approver approves when it has an
/// [`Vote::Approve`] and no [`Vote::Deny`] or [`Vote::Bad`] vote (conflicting
/// answers never approve). Votes from unknown ids are ignored. If fewer than
/// `threshold` approve: [`Code::MpaTimeout`] when the approvers that timed
/// out could have made up the difference, else [`Code::MpaDenied`].
pub fn tally(cfg: &MpaConfig, votes: &[(String, Vote)]) -> Result<usize, Code> {
    let (mut approvals, mut timeouts) = (0usize, 0usize);
    for a in &cfg.approvers {
        let mine = || votes.iter().filter(|(id, _)| *id == a.id).map(|(_, v)| *v);
        let negative = mine().any(|v| matches!(v, Vote::Deny | Vote::Bad(_)));
        if !negative && mine().any(|v| v == Vote::Approve) {
            approvals += 1;
        } else if !negative && mine().any(|v| v == Vote::Timeout) {
            timeouts += 1;
        }
    }
    if approvals >= cfg.threshold && cfg.threshold > 0 {
        Ok(approvals)
    } else if approvals + timeouts >= cfg.threshold {
        Err(Code::MpaTimeout)
    } else {
        Err(Code::MpaDenied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> MpaConfig {
        MpaConfig::from_json(
            &json!({"threshold": 2, "min_amount_usd": 1.00, "approvers": [
                {"approver_id": "alice", "mode": "crypto", "secret": "alice-secret-0123456789"},
                {"approver_id": "bob", "mode": "crypto", "secret": "bob-secret-0123456789"},
                {"approver_id": "carol", "mode": "webhook", "webhook_url": "https://approvals.example.com/c",
                 "secret": "carol-response-key"}]}),
            "mpa",
        )
        .unwrap()
    }

    fn req() -> ApprovalRequest {
        ApprovalRequest::new(
            PaymentFields {
                resource_url: "https://api.example.com/r".into(),
                method: "GET".into(),
                network: "eip155:8453".into(),
                asset: "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913".into(),
                pay_to: "0x1111111111111111111111111111111111111111".into(),
                amount: 5_000_000,
                amount_usd: Usd::dollars(5),
                scheme: "exact".into(),
                agent_id: Some("agent".into()),
                fingerprint: "ab".repeat(32),
            },
            1_000,
            30_000,
        )
        .unwrap()
    }

    #[test]
    fn config_and_debug_hide_secrets() {
        let c = cfg();
        assert_eq!(c.min_amount_usd, Usd::dollars(1));
        let d = format!("{c:?}");
        assert!(!d.contains("secret-0123") && !d.contains("carol-response"), "{d}");
    }

    #[test]
    fn countersignatures_and_tally() {
        let (c, r) = (cfg(), req());
        let a = countersign(b"alice-secret-0123456789", &r).unwrap();
        let b = countersign(b"bob-secret-0123456789", &r).unwrap();
        let t = verify_countersignatures(&c, &r, &[("alice".into(), a.clone()), ("alice".into(), a.clone())], 2_000);
        assert_eq!((t.approvals, t.verdict), (1, Err(Code::MpaDenied)));
        let t = verify_countersignatures(&c, &r, &[("alice".into(), a.to_uppercase()), ("bob".into(), b.clone())], 2_000);
        assert_eq!(t.verdict, Ok(()));
        let t = verify_countersignatures(&c, &r, &[("alice".into(), a.clone()), ("bob".into(), b)], 31_000);
        assert_eq!(t.verdict, Err(Code::MpaExpired));
        let t = verify_countersignatures(&c, &r, &[("alice".into(), a)], 2_000);
        let mut votes = t.votes();
        votes.push(("carol".into(), Vote::Timeout));
        assert_eq!(tally(&c, &votes), Err(Code::MpaTimeout));
    }

    #[test]
    fn webhook_judging() {
        let (c, r) = (cfg(), req());
        let body = format!("{{\"approved\":true,\"request_id\":\"{}\"}}", r.request_id);
        let h = hex::encode(&hmac_sha256(b"carol-response-key", body.as_bytes()));
        assert_eq!(judge_webhook_response(&c, "carol", &r, 200, body.as_bytes(), Some(&h), false), Vote::Approve);
        assert_eq!(judge_webhook_response(&c, "carol", &r, 200, body.as_bytes(), None, false), Vote::Bad(Code::MpaBadResponse));
        assert_eq!(judge_webhook_response(&c, "carol", &r, 302, body.as_bytes(), Some(&h), false), Vote::Deny);
        assert_eq!(judge_webhook_response(&c, "alice", &r, 200, body.as_bytes(), Some(&h), false), Vote::Bad(Code::MpaUnknownApprover));
    }

    #[test]
    fn private_hosts() {
        for h in ["127.0.0.1", "10.1.2.3", "localhost", "[::1]", "::ffff:192.168.1.1", "169.254.169.254", "fd00::1", "0.0.0.0"] {
            assert_eq!(is_private_host(h), Ok(true), "{h}");
        }
        for h in ["8.8.8.8", "approvals.internal", "2606:4700::1111"] {
            assert_eq!(is_private_host(h), Ok(false), "{h}");
        }
        for h in ["127.1", "0x7f.0.0.1", "2130706433", "017.0.0.1"] {
            assert_eq!(is_private_host(h), Err(Code::UrlInvalid), "{h}");
        }
        for u in ["https://[::1]x/", "https://[::1/", "https:///p", "https://a..b/", "https://%31.0.0.1/", "https://a.example:/"] {
            assert_eq!(url_host(u), Err(Code::UrlInvalid), "{u}");
        }
        assert_eq!(url_host("HTTPS://Approvals.Example.COM:8443/x?y#z").unwrap(), "approvals.example.com");
        assert_eq!(url_host("http://[2606:4700::1111]:80/").unwrap(), "2606:4700::1111");
    }
}
