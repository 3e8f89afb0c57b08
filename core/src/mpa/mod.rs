//! Multi-party authorization (MPA): n-of-m approval of high-value payments.
//!
//! ## Call order
//! 1. [`MpaConfig::from_json`] validates the configuration once (every
//!    problem is reported with its path).
//! 2. When [`MpaConfig::requires_approval`] holds for a payment, build an
//!    [`ApprovalRequest`] with [`ApprovalRequest::new`]: it binds **every**
//!    payment field, a `request_id` and an expiry. Its
//!    [`ApprovalRequest::canonical`] text is what webhooks receive (POST body)
//!    and what crypto approvers sign with [`countersign`](fn@countersign).
//! 3. The host collects answers (its I/O): webhook responses go through
//!    [`judge_webhook_response`] (one [`Vote`] each); countersignatures go
//!    through [`verify_countersignatures`] (a [`Tally`]).
//!    A `human` approver (a person) is asked through the driver's
//!    `ask-human` action ([`human_prompt`]); the answer goes through
//!    [`judge_human`].
//! 4. [`tally`](fn@tally) combines every vote into the verdict: `Ok` or
//!    [`Code::MpaDenied`](crate::Code::MpaDenied) / [`Code::MpaTimeout`](crate::Code::MpaTimeout)
//!    (or [`Code::MpaHumanUnavailable`](crate::Code::MpaHumanUnavailable) when
//!    a person could not be asked and the threshold was missed).
//!
//! Outside a payment, [`begin`](fn@begin) and [`decide`](fn@decide) run the
//! seed's stand-alone `request_approval` (exemption, request, countersignatures
//! first, then webhooks, verdict and its message) over the same steps.
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

mod address;
mod config;
mod countersign;
mod human;
mod preapprove;
mod request;
mod sig;
mod standalone;
mod tally;
mod webhook;

pub use address::{is_private_host, MAX_URL_BYTES};
pub use config::{
    Approver, ApproverMode, MpaConfig, APPROVER_KEYS, CONFIG_KEYS, DEFAULT_TIMEOUT_SECONDS,
    MAX_APPROVERS, MAX_TIMEOUT_SECONDS, MIN_SECRET_BYTES,
};
pub use countersign::{countersign, verify_countersignatures, verify_with_preapprovals, Tally};
pub use human::{human_prompt, judge_human};
pub use preapprove::{url_digest, Preapproval, MAX_PREAPPROVAL_MS, PREAPPROVAL_DOMAIN};
pub use request::{ApprovalRequest, PaymentFields, APPROVAL_DOMAIN, REQUEST_ID_DOMAIN};
pub use standalone::{begin, decide, Begin, Decision, Purchase, STANDALONE_PURCHASE_DOMAIN};
pub use tally::{count, tally, Vote};
pub use webhook::{
    judge_webhook_response, webhook_address_allowed, WebhookAnswer, MAX_RESPONSE_BYTES,
};

/// Approval answers are due this long before the request expires.
pub const APPROVAL_MARGIN_MS: u64 = 100;

/// The configuration and request the unit tests share.
#[cfg(test)]
mod fixtures {
    use super::{ApprovalRequest, MpaConfig, PaymentFields};
    use crate::money::Usd;
    use serde_json::json;

    pub(super) fn cfg() -> MpaConfig {
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

    pub(super) fn req() -> ApprovalRequest {
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
}
