//! The `[mpa]` configuration: threshold, minimum amount, timeout and
//! approvers, validated with every problem reported at its path.

use super::address::{is_private_host, url_host};
use crate::error::{Code, ConfigError};
use crate::money::Usd;
use core::fmt;
use serde_json::Value;

/// Keys of the `[mpa]` table.
pub const CONFIG_KEYS: &[&str] = &[
    "threshold",
    "min_amount_usd",
    "timeout_seconds",
    "approvers",
    "allow_private_webhooks",
];
/// Keys of one `[[mpa.approvers]]` entry.
pub const APPROVER_KEYS: &[&str] = &["approver_id", "mode", "webhook_url", "secret"];

/// Shortest accepted approver secret, in bytes.
pub const MIN_SECRET_BYTES: usize = 16;
/// Most approvers a configuration may list.
pub const MAX_APPROVERS: usize = 32;
/// Largest webhook response body judged, in bytes.
/// Default `timeout_seconds`.
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 30;
/// Largest `timeout_seconds`.
pub const MAX_TIMEOUT_SECONDS: u64 = 3600;

/// How an approver answers.
#[derive(Clone, PartialEq, Eq)]
pub enum ApproverMode {
    /// The host POSTs the canonical request to `url`; the answer is judged by
    /// [`judge_webhook_response`](super::judge_webhook_response).
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
    /// A person: the driver asks the host to show a prompt (`ask-human`,
    /// built by [`human_prompt`](super::human_prompt)) and the answer is
    /// judged by [`judge_human`](super::judge_human). No URL, no secret.
    Human,
}

impl fmt::Debug for ApproverMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApproverMode::Webhook {
                url,
                response_hmac_secret,
            } => f
                .debug_struct("Webhook")
                .field("url", url)
                .field(
                    "response_hmac_secret",
                    &response_hmac_secret.as_ref().map(|_| "<redacted>"),
                )
                .finish(),
            ApproverMode::Crypto { .. } => f
                .debug_struct("Crypto")
                .field("secret", &"<redacted>")
                .finish(),
            ApproverMode::Human => f.write_str("Human"),
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
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._@:-".contains(&b))
}

impl MpaConfig {
    /// Validates the `[mpa]` table in its JSON form (keys as in the seed's
    /// TOML): `threshold` (required integer), `min_amount_usd` (number or
    /// string, exact; default 0), `timeout_seconds` (1..=3600, default 30),
    /// `allow_private_webhooks` (bool, default false) and `approvers`
    /// (1..=32 objects with `approver_id`, `mode` = `webhook` (default),
    /// `crypto` or `human`, `webhook_url`, `secret`; a `human` approver has
    /// neither URL nor secret). Unknown keys are refused. Every
    /// problem is returned, each with its path under `path_prefix`.
    pub fn from_json(v: &Value, path_prefix: &str) -> Result<MpaConfig, Vec<ConfigError>> {
        let mut errs = Vec::new();
        let Some(m) = v.as_object() else {
            return Err(vec![ConfigError::new(path_prefix, Code::ConfigMalformed)]);
        };
        let p = |k: &str| join(path_prefix, k);
        for k in m.keys() {
            if !CONFIG_KEYS.contains(&k.as_str()) {
                ConfigError::push(&mut errs, &p(k), Code::ConfigUnknownField);
            }
        }
        let allow_private = match m.get("allow_private_webhooks") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                ConfigError::push(&mut errs, &p("allow_private_webhooks"), Code::ConfigBadType);
                false
            }
        };
        let min_amount_usd = match m.get("min_amount_usd") {
            None => Usd::ZERO,
            Some(Value::Number(n)) => usd_or(&n.to_string(), p("min_amount_usd"), &mut errs),
            Some(Value::String(s)) => usd_or(s, p("min_amount_usd"), &mut errs),
            Some(_) => {
                ConfigError::push(&mut errs, &p("min_amount_usd"), Code::ConfigBadType);
                Usd::ZERO
            }
        };
        let timeout_s = match m.get("timeout_seconds") {
            None => DEFAULT_TIMEOUT_SECONDS,
            Some(Value::Number(n)) => match n.as_u64() {
                Some(t) if (1..=MAX_TIMEOUT_SECONDS).contains(&t) => t,
                Some(_) => {
                    ConfigError::push(&mut errs, &p("timeout_seconds"), Code::ConfigOutOfRange);
                    DEFAULT_TIMEOUT_SECONDS
                }
                None if n.as_i64().is_some() => {
                    ConfigError::push(&mut errs, &p("timeout_seconds"), Code::ConfigOutOfRange);
                    DEFAULT_TIMEOUT_SECONDS
                }
                None => {
                    ConfigError::push(&mut errs, &p("timeout_seconds"), Code::ConfigBadType);
                    DEFAULT_TIMEOUT_SECONDS
                }
            },
            Some(_) => {
                ConfigError::push(&mut errs, &p("timeout_seconds"), Code::ConfigBadType);
                DEFAULT_TIMEOUT_SECONDS
            }
        };
        let approvers = match m.get("approvers") {
            None => {
                ConfigError::push(&mut errs, &p("approvers"), Code::ConfigBadApprover);
                None
            }
            Some(Value::Array(a)) if a.is_empty() || a.len() > MAX_APPROVERS => {
                ConfigError::push(&mut errs, &p("approvers"), Code::ConfigBadApprover);
                None
            }
            Some(Value::Array(a)) => {
                let mut out: Vec<Approver> = Vec::new();
                let mut seen: Vec<&str> = Vec::new();
                for (i, x) in a.iter().enumerate() {
                    let ap = format!("{}[{i}]", p("approvers"));
                    let appr = approver_from_json(x, &ap, allow_private, &mut errs);
                    match x
                        .get("approver_id")
                        .and_then(Value::as_str)
                        .filter(|id| valid_id(id))
                    {
                        Some(id) if seen.contains(&id) => {
                            ConfigError::push(
                                &mut errs,
                                &join(&ap, "approver_id"),
                                Code::ConfigBadApprover,
                            );
                        }
                        Some(id) => seen.push(id),
                        None => {}
                    }
                    out.extend(appr);
                }
                Some((a.len(), out))
            }
            Some(_) => {
                ConfigError::push(&mut errs, &p("approvers"), Code::ConfigBadType);
                None
            }
        };
        let threshold = match m.get("threshold") {
            None => {
                ConfigError::push(&mut errs, &p("threshold"), Code::ConfigBadThreshold);
                0
            }
            Some(Value::Number(n)) if n.as_u64().is_some() || n.as_i64().is_some() => {
                let t = n.as_u64().unwrap_or(0);
                // Without a valid approver list, only the absolute bound applies;
                // comparing in u64 keeps 32- and 64-bit builds identical.
                let count = approvers
                    .as_ref()
                    .map_or(MAX_APPROVERS as u64, |(len, _)| *len as u64);
                if t == 0 || t > count {
                    ConfigError::push(&mut errs, &p("threshold"), Code::ConfigBadThreshold);
                }
                usize::try_from(t).unwrap_or(0)
            }
            Some(_) => {
                ConfigError::push(&mut errs, &p("threshold"), Code::ConfigBadType);
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

    pub(super) fn approver(&self, id: &str) -> Option<&Approver> {
        self.approvers.iter().find(|a| a.id == id)
    }

    /// A JSON summary without secrets (`has_secret` says whether one is set).
    pub fn summary(&self) -> Value {
        let approvers: Vec<Value> = self
            .approvers
            .iter()
            .map(|a| match &a.mode {
                ApproverMode::Webhook {
                    url,
                    response_hmac_secret,
                } => obj!(
                    ("approver_id", a.id),
                    ("mode", "webhook"),
                    ("webhook_url", url),
                    ("has_secret", response_hmac_secret.is_some())
                ),
                ApproverMode::Crypto { .. } | ApproverMode::Human => {
                    let crypto = a.mode != ApproverMode::Human;
                    obj!(
                        ("approver_id", a.id),
                        ("mode", if crypto { "crypto" } else { "human" }),
                        ("webhook_url", Value::Null),
                        ("has_secret", crypto)
                    )
                }
            })
            .collect();
        obj!(
            ("threshold", self.threshold),
            ("min_amount_usd", self.min_amount_usd.to_string()),
            ("timeout_ms", self.timeout_ms),
            ("allow_private_webhooks", self.allow_private_webhooks),
            ("approvers", approvers)
        )
    }
}

fn usd_or(text: &str, path: String, errs: &mut Vec<ConfigError>) -> Usd {
    Usd::parse(text).unwrap_or_else(|c| {
        ConfigError::push(errs, &path, c);
        Usd::ZERO
    })
}

fn approver_from_json(
    v: &Value,
    path: &str,
    allow_private: bool,
    errs: &mut Vec<ConfigError>,
) -> Option<Approver> {
    let Some(m) = v.as_object() else {
        ConfigError::push(errs, path, Code::ConfigBadType);
        return None;
    };
    let before = errs.len();
    let p = |k: &str| join(path, k);
    for k in m.keys() {
        if !APPROVER_KEYS.contains(&k.as_str()) {
            ConfigError::push(errs, &p(k), Code::ConfigUnknownField);
        }
    }
    let mut string = |k: &str| match m.get(k) {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            ConfigError::push(errs, &p(k), Code::ConfigBadType);
            None
        }
    };
    let (id, mode, url, secret) = (
        string("approver_id"),
        string("mode"),
        string("webhook_url"),
        string("secret"),
    );
    if !id.as_deref().is_some_and(valid_id)
        && !matches!(m.get("approver_id"), Some(x) if !x.is_string())
    {
        ConfigError::push(errs, &p("approver_id"), Code::ConfigBadApprover);
    }
    let secret = secret.map(String::into_bytes);
    if secret.as_ref().is_some_and(|s| s.len() < MIN_SECRET_BYTES) {
        ConfigError::push(errs, &p("secret"), Code::KeyTooShort);
    }
    let mode = match mode.as_deref().unwrap_or("webhook") {
        "webhook" => match url {
            None => {
                if m.get("webhook_url").is_none() {
                    ConfigError::push(errs, &p("webhook_url"), Code::ConfigBadApprover);
                }
                None
            }
            Some(u) => match url_host(&u) {
                Err(c) => {
                    ConfigError::push(errs, &p("webhook_url"), c);
                    None
                }
                Ok(host) => {
                    if !allow_private && is_private_host(&host).unwrap_or(true) {
                        ConfigError::push(errs, &p("webhook_url"), Code::ConfigBadApprover);
                    }
                    Some(ApproverMode::Webhook {
                        url: u,
                        response_hmac_secret: secret,
                    })
                }
            },
        },
        "crypto" => {
            if m.contains_key("webhook_url") {
                ConfigError::push(errs, &p("webhook_url"), Code::ConfigBadApprover);
            }
            match secret {
                Some(s) => Some(ApproverMode::Crypto { secret: s }),
                None => {
                    if m.get("secret").is_none() {
                        ConfigError::push(errs, &p("secret"), Code::ConfigBadApprover);
                    }
                    None
                }
            }
        }
        "human" => {
            for k in ["webhook_url", "secret"] {
                if m.contains_key(k) {
                    ConfigError::push(errs, &p(k), Code::ConfigBadApprover);
                }
            }
            Some(ApproverMode::Human)
        }
        _ => {
            ConfigError::push(errs, &p("mode"), Code::ConfigBadApprover);
            None
        }
    };
    match (id, mode) {
        (Some(id), Some(mode)) if errs.len() == before => Some(Approver { id, mode }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::cfg;
    use crate::money::Usd;

    #[test]
    fn config_and_debug_hide_secrets() {
        let c = cfg();
        assert_eq!(c.min_amount_usd, Usd::dollars(1));
        let d = format!("{c:?}");
        assert!(
            !d.contains("secret-0123") && !d.contains("carol-response"),
            "{d}"
        );
    }
}
