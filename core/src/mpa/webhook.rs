//! Webhook approvers: where a webhook may be posted, and how its answer is
//! judged.

use super::address::is_private_host;
use super::config::{ApproverMode, MpaConfig};
use super::request::ApprovalRequest;
use super::sig::sig_matches;
use super::tally::Vote;
use crate::audit::hmac_sha256;
use crate::canonical::parse_strict;
use crate::error::Code;
use serde_json::Value;

/// One webhook approver's raw answer, as the host received it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WebhookAnswer {
    /// The approver that was asked.
    pub approver_id: String,
    /// HTTP status (a redirect is not followed and is not an approval).
    pub status: u16,
    /// Response body, already capped by the host.
    pub body: Vec<u8>,
    /// The `X-MPA-HMAC` response header, if any.
    pub hmac: Option<String>,
    /// True when the approver did not answer in time.
    pub timed_out: bool,
}

impl WebhookAnswer {
    /// This answer judged by [`judge_webhook_response`]: the approver and its vote.
    pub fn vote(&self, cfg: &MpaConfig, req: &ApprovalRequest) -> (String, Vote) {
        let v = judge_webhook_response(
            cfg,
            &self.approver_id,
            req,
            self.status,
            &self.body,
            self.hmac.as_deref(),
            self.timed_out,
        );
        (self.approver_id.clone(), v)
    }
}

/// Largest webhook response body judged, in bytes.
pub const MAX_RESPONSE_BYTES: usize = 4096;

/// Whether a webhook may be sent to `address` (what the host resolved the
/// webhook's host name to, or an IP literal) under `cfg`.
pub fn webhook_address_allowed(cfg: &MpaConfig, address: &str) -> bool {
    cfg.allow_private_webhooks || is_private_host(address) == Ok(false)
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
    let Some(ApproverMode::Webhook {
        response_hmac_secret,
        ..
    }) = cfg.approver(approver_id).map(|a| &a.mode)
    else {
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
    let Ok(text) = core::str::from_utf8(body) else {
        return bad;
    };
    let Ok(Value::Object(m)) = parse_strict(text, MAX_RESPONSE_BYTES, 8) else {
        return bad;
    };
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

#[cfg(test)]
mod tests {
    use super::super::fixtures::{cfg, req};
    use super::*;
    use crate::hex;

    #[test]
    fn webhook_judging() {
        let (c, r) = (cfg(), req());
        let body = format!("{{\"approved\":true,\"request_id\":\"{}\"}}", r.request_id);
        let h = hex::encode(&hmac_sha256(b"carol-response-key", body.as_bytes()));
        assert_eq!(
            judge_webhook_response(&c, "carol", &r, 200, body.as_bytes(), Some(&h), false),
            Vote::Approve
        );
        assert_eq!(
            judge_webhook_response(&c, "carol", &r, 200, body.as_bytes(), None, false),
            Vote::Bad(Code::MpaBadResponse)
        );
        assert_eq!(
            judge_webhook_response(&c, "carol", &r, 302, body.as_bytes(), Some(&h), false),
            Vote::Deny
        );
        assert_eq!(
            judge_webhook_response(&c, "alice", &r, 200, body.as_bytes(), Some(&h), false),
            Vote::Bad(Code::MpaUnknownApprover)
        );
    }
}
