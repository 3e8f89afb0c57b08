//! The tables hosts build their exceptions and metrics from.
//!
//! A host never lists codes, families, metric names, labels, buckets or
//! read limits of its own: it reads [`codes_json`], [`metrics_json`] and
//! [`limits_json`] (or the typed [`family`] and [`METRICS`]) once at start-up.

use crate::error::Code;
use serde_json::Value;

/// The exception family of a code: the seed's six exception classes, plus
/// the store and configuration families (both hosts keep `.code` on each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// `PIIBlockedError`: personal data was found and the action is `block`.
    PiiBlocked,
    /// `PolicyViolationError`: a spending, payee or asset rule refused the payment.
    PolicyViolation,
    /// `ReplayDetectedError`: the same purchase was already paid within the TTL.
    ReplayDetected,
    /// `MPADeniedError`: multi-party approval was refused.
    MpaDenied,
    /// `MPATimeoutError`: approvers that could have approved did not answer in time.
    MpaTimeout,
    /// `StoreUnavailableError` (a kind of `X402PaymentError`): a store or
    /// audit sink failed; the payment is refused.
    StoreUnavailable,
    /// `PolicyConfigError` (JS) / `PolicyValidationError` (Python): invalid configuration.
    Config,
    /// `X402PaymentError`: everything else (challenge, signer, settlement, input).
    Payment,
}

impl Family {
    /// Every family, in a fixed order.
    pub const ALL: &'static [Family] = &[
        Family::PiiBlocked,
        Family::PolicyViolation,
        Family::ReplayDetected,
        Family::MpaDenied,
        Family::MpaTimeout,
        Family::StoreUnavailable,
        Family::Config,
        Family::Payment,
    ];

    /// The stable kebab-case name of the family.
    pub const fn as_str(self) -> &'static str {
        match self {
            Family::PiiBlocked => "pii-blocked",
            Family::PolicyViolation => "policy-violation",
            Family::ReplayDetected => "replay-detected",
            Family::MpaDenied => "mpa-denied",
            Family::MpaTimeout => "mpa-timeout",
            Family::StoreUnavailable => "store-unavailable",
            Family::Config => "config",
            Family::Payment => "payment",
        }
    }

    /// The code an exception of this family carries when a caller builds one
    /// without a code (the seed's constructors).
    pub const fn default_code(self) -> Code {
        match self {
            Family::PiiBlocked => Code::PiiBlocked,
            Family::PolicyViolation => Code::PolicyPerCallExceeded,
            Family::ReplayDetected => Code::ReplayDetected,
            Family::MpaDenied => Code::MpaDenied,
            Family::MpaTimeout => Code::MpaTimeout,
            Family::StoreUnavailable => Code::StoreUnavailable,
            Family::Config => Code::ConfigMalformed,
            Family::Payment => Code::SettlementFailed,
        }
    }

    /// The seed's exception class name for the family (both hosts use it).
    pub const fn class(self) -> &'static str {
        match self {
            Family::PiiBlocked => "PIIBlockedError",
            Family::PolicyViolation => "PolicyViolationError",
            Family::ReplayDetected => "ReplayDetectedError",
            Family::MpaDenied => "MPADeniedError",
            Family::MpaTimeout => "MPATimeoutError",
            Family::StoreUnavailable => "StoreUnavailableError",
            Family::Config => "PolicyConfigError",
            Family::Payment => "X402PaymentError",
        }
    }
}

/// The `limit_type` label of a policy-violation code (defined with the
/// policy, which the pipeline's metrics also read).
pub use crate::policy::limit_type;

/// The family of a code.
pub fn family(code: Code) -> Family {
    match code {
        Code::PiiBlocked => Family::PiiBlocked,
        Code::ReplayDetected => Family::ReplayDetected,
        Code::MpaDenied
        | Code::MpaExpired
        | Code::MpaBadSignature
        | Code::MpaUnknownApprover
        | Code::MpaBadResponse
        | Code::MpaHumanUnavailable => Family::MpaDenied,
        Code::MpaTimeout => Family::MpaTimeout,
        Code::StoreUnavailable | Code::StateCorrupt | Code::StateFull => Family::StoreUnavailable,
        c if limit_type(c).is_some() => Family::PolicyViolation,
        c if c.as_str().starts_with("config-") => Family::Config,
        _ => Family::Payment,
    }
}

/// Every code with its family, class, description, policy `limit_type` and
/// whether it is its family's default code:
/// `[{"code", "family", "class", "description", "limit_type", "default"}]`.
pub fn codes_json() -> Value {
    Value::Array(
        Code::ALL
            .iter()
            .map(|&c| {
                let f = family(c);
                obj!(
                    ("code", c.as_str()),
                    ("family", f.as_str()),
                    ("class", f.class()),
                    ("description", c.describe()),
                    ("limit_type", limit_type(c)),
                    ("default", f.default_code() == c)
                )
            })
            .collect(),
    )
}

/// One metric the core emits updates for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetricDef {
    /// Prometheus name (the seed's).
    pub name: &'static str,
    /// `counter` or `histogram`.
    pub kind: &'static str,
    /// Help text.
    pub help: &'static str,
    /// Label names, in export order.
    pub labels: &'static [&'static str],
    /// Histogram bucket upper bounds (USD, decimal text); empty for counters.
    pub buckets: &'static [&'static str],
}

/// The alerts counter (defined with the alerts).
pub use crate::controls::alerts::ALERTS_METRIC;

/// Every metric, with its labels and buckets: the same in every host.
pub const METRICS: &[MetricDef] = &[
    MetricDef {
        name: "x402_payments_total",
        kind: "counter",
        help: "x402 payment attempts by outcome",
        labels: &["outcome", "network"],
        buckets: &[],
    },
    MetricDef {
        name: "x402_payment_amount_usd",
        kind: "histogram",
        help: "Settled x402 payment amounts in USD",
        labels: &["network"],
        buckets: &["0.001", "0.01", "0.1", "1", "10", "100"],
    },
    MetricDef {
        name: "x402_pii_detections_total",
        kind: "counter",
        help: "PII entities found in payment metadata",
        labels: &["entity_type", "action"],
        buckets: &[],
    },
    MetricDef {
        name: "x402_policy_violations_total",
        kind: "counter",
        help: "Payments refused by a spending or payee policy",
        labels: &["limit_type"],
        buckets: &[],
    },
    MetricDef {
        name: "x402_replay_detections_total",
        kind: "counter",
        help: "Payments refused as replays",
        labels: &[],
        buckets: &[],
    },
    MetricDef {
        name: "x402_payload_refusals_total",
        kind: "counter",
        help: "Signed payloads refused before sending (they did not bind the approved payment)",
        labels: &["code", "field"],
        buckets: &[],
    },
    MetricDef {
        name: "x402_mpa_events_total",
        kind: "counter",
        help: "Multi-party approval events",
        labels: &["event"],
        buckets: &[],
    },
    MetricDef {
        name: "x402_policy_reloads_total",
        kind: "counter",
        help: "Policy reloads by result (applied, refused: the old policy was kept)",
        labels: &["result"],
        buckets: &[],
    },
    MetricDef {
        name: ALERTS_METRIC,
        kind: "counter",
        help: "Budget alerts (a window reached a configured fraction of its limit) and warn-mode payee changes",
        labels: &["kind", "window", "fraction"],
        buckets: &[],
    },
];

/// [`METRICS`] as JSON: `[{"name", "type", "help", "labels", "buckets"}]`.
pub fn metrics_json() -> Value {
    Value::Array(
        METRICS
            .iter()
            .map(|m| {
                obj!(
                    ("name", m.name),
                    ("type", m.kind),
                    ("help", m.help),
                    ("labels", m.labels),
                    ("buckets", m.buckets)
                )
            })
            .collect(),
    )
}

/// How long a host may spend reading one 402 body (from the 402's headers
/// to its last byte read) before it stops and refuses, in milliseconds.
pub const CHALLENGE_READ_MS: u64 = 10_000;

/// The limits hosts apply while reading from the network, as JSON:
/// `{"max_challenge_bytes", "max_settlement_header_bytes", "challenge_read_ms"}`.
/// A host reads at most `max_challenge_bytes + 1` bytes of a 402 body (the
/// core refuses more: `challenge-too-large`) within `challenge_read_ms`
/// (then it stops and hands over what it read: a cut body is
/// `challenge-bad-json`), and hands the bytes to the core undecoded.
pub fn limits_json() -> Value {
    obj!(
        ("max_challenge_bytes", crate::challenge::MAX_CHALLENGE_BYTES),
        (
            "max_settlement_header_bytes",
            super::settlement::MAX_HEADER_BYTES
        ),
        ("challenge_read_ms", CHALLENGE_READ_MS)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_emitted_metric_is_declared_with_its_labels() {
        for m in METRICS {
            assert!(m.name.starts_with("x402_"));
            assert_eq!(m.kind == "histogram", !m.buckets.is_empty());
        }
        assert_eq!(family(Code::PolicyWindowExceeded), Family::PolicyViolation);
        assert_eq!(family(Code::NoAcceptableOffer), Family::Payment);
        assert_eq!(family(Code::MpaExpired), Family::MpaDenied);
        assert_eq!(family(Code::ConfigBadType), Family::Config);
        assert_eq!(codes_json().as_array().map(Vec::len), Some(Code::ALL.len()));
        for &f in Family::ALL {
            assert_eq!(family(f.default_code()), f, "{}", f.as_str());
        }
    }
}
