//! Human approvers: what a person is shown (the prompt), and how their
//! answer is judged.
//!
//! The driver asks the host with an `ask-human` action carrying
//! [`human_prompt`]'s content; the host shows it (a wallet's window, a
//! callback) and answers `human {approver_id, vote, at_ms?}`, where `vote` is
//! `approve`, `deny`, `timeout` (the host stopped waiting) or `unavailable`
//! (the host has no way to ask a person). [`judge_human`] turns it into a
//! [`Vote`]; the tally counts it like any other approver's. Every prompt
//! field comes from the approval request (redacted URL) and the redacted
//! description: the host adds nothing.

use super::config::{ApproverMode, MpaConfig};
use super::request::ApprovalRequest;
use super::tally::Vote;
use crate::assets::TrustedAsset;
use crate::error::Code;
use crate::money::{to_usd, Usd};
use serde_json::Value;

/// `atomic` units of a token with `decimals` decimals, as exact decimal text
/// without trailing zeros (`900000`, 6 → `0.9`): the token priced at $1
/// ([`to_usd`] is exact up to 18 decimals; `None` beyond).
fn token_amount(atomic: u128, decimals: u8) -> Option<String> {
    if decimals > 18 {
        return None;
    }
    to_usd(atomic, decimals, Usd::dollars(1))
        .ok()
        .map(|u| u.to_string())
}

/// The prompt a person approves or denies for `req` (the `ask-human`
/// action's `prompt`): the approval request's JSON ([`ApprovalRequest::to_json`]:
/// `request_id`, `expires_at_ms`, `resource_url` (the request URL with
/// credentials masked and PII redacted), `method`, `network`, `asset`,
/// `pay_to`, `amount` (atomic), `amount_usd`, `scheme`, `agent_id`,
/// `fingerprint`) plus `description` (the offer's redacted description, at most
/// [`MAX_TEXT_BYTES`](crate::challenge::MAX_TEXT_BYTES) as parsed), `symbol` and `token_amount` (the amount
/// in whole tokens, exact) from the trusted table's entry `asset` (both `null`
/// without one). The host adds nothing.
pub fn human_prompt(
    req: &ApprovalRequest,
    asset: Option<&TrustedAsset>,
    description: &str,
) -> Value {
    let mut v = req.to_json();
    if let Some(m) = v.as_object_mut() {
        let opt = |s: Option<String>| s.map_or(Value::Null, Value::String);
        m.insert("description".into(), Value::String(description.into()));
        m.insert("symbol".into(), opt(asset.map(|a| a.symbol.clone())));
        m.insert(
            "token_amount".into(),
            opt(asset.and_then(|a| token_amount(req.payment.amount, a.decimals))),
        );
    }
    v
}

/// Judges a person's answer: an id that is not a configured `human` approver
/// → `Bad(mpa-unknown-approver)`; an answer that arrived after the deadline
/// (`late`) or `timeout` → [`Vote::Timeout`]; `approve` / `deny`;
/// `unavailable` → `Bad(mpa-human-unavailable)`; anything else →
/// `Bad(mpa-bad-response)`.
pub fn judge_human(cfg: &MpaConfig, approver_id: &str, vote: &str, late: bool) -> Vote {
    if !matches!(
        cfg.approver(approver_id).map(|a| &a.mode),
        Some(ApproverMode::Human)
    ) {
        return Vote::Bad(Code::MpaUnknownApprover);
    }
    match vote {
        "unavailable" => Vote::Bad(Code::MpaHumanUnavailable),
        _ if late => Vote::Timeout,
        "approve" => Vote::Approve,
        "deny" => Vote::Deny,
        "timeout" => Vote::Timeout,
        _ => Vote::Bad(Code::MpaBadResponse),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prompt_and_judging() {
        let c = MpaConfig::from_json(
            &json!({"threshold": 1, "approvers": [{"approver_id": "me", "mode": "human"},
                {"approver_id": "w", "mode": "crypto", "secret": "0123456789abcdef"}]}),
            "mpa",
        )
        .expect("cfg");
        assert_eq!(judge_human(&c, "me", "approve", false), Vote::Approve);
        assert_eq!(judge_human(&c, "me", "approve", true), Vote::Timeout);
        assert_eq!(judge_human(&c, "me", "deny", false), Vote::Deny);
        assert_eq!(
            judge_human(&c, "me", "unavailable", true),
            Vote::Bad(Code::MpaHumanUnavailable)
        );
        assert_eq!(
            judge_human(&c, "me", "yes", false),
            Vote::Bad(Code::MpaBadResponse)
        );
        assert_eq!(
            judge_human(&c, "w", "approve", false),
            Vote::Bad(Code::MpaUnknownApprover)
        );
        assert_eq!(token_amount(900_000, 6).as_deref(), Some("0.9"));
        assert_eq!(token_amount(2_000_000, 6).as_deref(), Some("2"));
        assert_eq!(token_amount(5, 0).as_deref(), Some("5"));
        assert_eq!(token_amount(5, 19), None);
        for bad in [
            json!({"approver_id": "me", "mode": "human", "secret": "0123456789abcdef"}),
            json!({"approver_id": "me", "mode": "human", "webhook_url": "https://a.example/"}),
        ] {
            assert!(
                MpaConfig::from_json(&json!({"threshold": 1, "approvers": [bad]}), "mpa").is_err()
            );
        }
    }
}
